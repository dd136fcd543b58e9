//! A local stand-in for the Sinch Voice platform, for building and testing call flows offline.
//!
//! It serves the 14 REST operations on 127.0.0.1 (checking Basic and signed auth as the
//! platform does), keeps numbers, calls and conferences in memory, and drives calls: it POSTs
//! signed ICE, ACE, PIE, DiCE and Notify callbacks to the application's callback URL and
//! obeys the SVAML that comes back. A scripting API plays the caller: start an inbound call,
//! press keys, hang up, wait for an event, read what was said.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use sinch_voice_emulator::Emulator;
//!
//! let emulator = Emulator::builder().start().await.expect("a free port on 127.0.0.1");
//! let client = sinch_voice::Client::builder()
//!     .credentials(emulator.credentials())
//!     .calling_url(emulator.url())
//!     .configuration_url(emulator.url())
//!     .build()
//!     .unwrap();
//! let numbers = client.list_numbers().await.unwrap();
//! assert_eq!(numbers.numbers.len(), 2);
//! # }
//! ```

mod auth;
mod flow;
#[doc(hidden)]
pub mod fuzzing;
mod rest;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sinch_voice::Credentials;

pub use state::{Callee, EventRecord};

use state::{Changes, Input, OwnedNumber, State};

/// Timings and tolerances of the emulated platform.
#[derive(Debug, Clone)]
pub struct Config {
    /// How far a signed request's `x-timestamp` may be from now.
    pub clock_skew: Duration,
    /// How long the platform waits for a callback answer.
    pub callback_timeout: Duration,
    /// How long a menu waits for input before a `timeout` PIE.
    pub menu_timeout: Duration,
    /// How long a callee rings before answering, unless told otherwise.
    pub answer_delay: Duration,
    /// How long an unanswered call rings.
    pub dial_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clock_skew: Duration::from_secs(300),
            callback_timeout: Duration::from_secs(2),
            menu_timeout: Duration::from_secs(5),
            answer_delay: Duration::from_millis(20),
            dial_timeout: flow::DEFAULT_DIAL_TIMEOUT,
        }
    }
}

/// Configures an [`EmulatorHandle`].
#[derive(Debug, Clone)]
pub struct Emulator {
    key: String,
    secret: String,
    numbers: Vec<String>,
    callback_url: Option<String>,
    config: Config,
}

impl Default for Emulator {
    fn default() -> Self {
        Emulator {
            key: "e8d6f1a2-0b3c-4d5e-8f90-a1b2c3d4e5f6".into(),
            // base64 of "emulator-secret!"
            secret: "ZW11bGF0b3Itc2VjcmV0IQ==".into(),
            numbers: vec!["+46812345678".into(), "+14045001000".into()],
            callback_url: None,
            config: Config::default(),
        }
    }
}

impl Emulator {
    /// An emulator with a test application (fixed key and secret) owning two numbers.
    pub fn builder() -> Self {
        Emulator::default()
    }

    /// The application's key and secret (base64).
    pub fn application(mut self, key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.key = key.into();
        self.secret = secret.into();
        self
    }

    /// Where callbacks go (the application's primary callback URL).
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// The numbers the account owns.
    pub fn numbers(mut self, numbers: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.numbers = numbers.into_iter().map(Into::into).collect();
        self
    }

    /// Timings and tolerances.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Starts serving on an ephemeral port of 127.0.0.1.
    pub async fn start(self) -> std::io::Result<EmulatorHandle> {
        self.start_on(0).await
    }

    /// Starts serving on `port` of 127.0.0.1 (0 for any free port).
    pub async fn start_on(self, port: u16) -> std::io::Result<EmulatorHandle> {
        let credentials = Credentials::new(&self.key, &self.secret)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        sinch_voice::install_tls_provider();
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let state = State {
            primary_url: self.callback_url,
            numbers: self
                .numbers
                .into_iter()
                .map(|number| OwnedNumber {
                    number,
                    application_key: Some(self.key.clone()),
                    capability: "voice".into(),
                })
                .collect(),
            ..State::default()
        };
        let shared = Arc::new(Shared {
            credentials,
            secret: self.secret,
            config: self.config,
            state: Mutex::new(state),
            changes: Changes::default(),
            http,
            base_url: base_url.clone(),
            epoch: (Instant::now(), chrono::Utc::now()),
        });
        let app = {
            let shared = Arc::clone(&shared);
            axum::Router::new().fallback(move |request: axum::extract::Request| {
                let shared = Arc::clone(&shared);
                async move { rest::handle(shared, request).await }
            })
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(EmulatorHandle {
            shared,
            base_url,
            stop: Some(stop),
            server,
        })
    }
}

/// What the request handlers and call legs share.
pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    pub(crate) secret: String,
    pub(crate) config: Config,
    pub(crate) state: Mutex<State>,
    pub(crate) changes: Changes,
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    epoch: (Instant, chrono::DateTime<chrono::Utc>),
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn changed(&self) {
        self.changes.notify.notify_waiters();
    }

    pub(crate) fn callee(&self, number: &str) -> Callee {
        self.lock()
            .callees
            .get(number)
            .copied()
            .unwrap_or(Callee::Answers(self.config.answer_delay))
    }

    pub(crate) fn timestamp_of(&self, at: Instant) -> String {
        let offset = at.saturating_duration_since(self.epoch.0);
        let wall = self.epoch.1 + chrono::Duration::from_std(offset).unwrap_or_default();
        sinch_voice::signing::format_timestamp(wall)
    }
}

/// A running emulator. Dropping it stops the server.
pub struct EmulatorHandle {
    shared: Arc<Shared>,
    base_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("url", &self.base_url)
            .field("credentials", &self.shared.credentials)
            .finish()
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.abort();
    }
}

/// A call as the emulator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSnapshot {
    /// `ONGOING` or `FINAL`.
    pub status: String,
    /// `ANSWERED`, `BUSY`, `NOANSWER`, `FAILED` or `N/A`.
    pub result: String,
    /// Why it ended (`CALLERHANGUP`, `MANAGERHANGUP`, `CALLBACKERROR`, ...).
    pub reason: String,
    /// What was said and played, in order.
    pub transcript: Vec<String>,
    /// Cookies set by `setCookie`.
    pub cookies: Vec<(String, String)>,
    /// Every callback sent, with its answer.
    pub events: Vec<EventRecord>,
    /// The conference the call is in, if any.
    pub conference: Option<String>,
    /// The call is over and its closing callbacks (Notify, DiCE) were answered.
    pub finished: bool,
}

impl EmulatorHandle {
    /// Base URL of the REST API (use it as both `calling_url` and `configuration_url`).
    pub fn url(&self) -> &str {
        &self.base_url
    }

    /// The test application's credentials.
    pub fn credentials(&self) -> Credentials {
        self.shared.credentials.clone()
    }

    /// The application key.
    pub fn application_key(&self) -> &str {
        self.shared.credentials.key()
    }

    /// The application secret (base64), for printing in a local test setup.
    pub fn application_secret(&self) -> &str {
        &self.shared.secret
    }

    /// Sets where callbacks go.
    pub fn set_callback_url(&self, url: impl Into<String>) {
        self.shared.lock().primary_url = Some(url.into());
    }

    /// How the callee at `number` behaves when called.
    pub fn set_callee(&self, number: impl Into<String>, callee: Callee) {
        self.shared.lock().callees.insert(number.into(), callee);
    }

    /// A caller at `from` dials `to` (one of the account's numbers): the platform sends an ICE.
    /// Returns the call id.
    pub fn inbound_call(&self, from: &str, to: &str) -> String {
        flow::start_inbound(&self.shared, from, to)
    }

    fn send(&self, call_id: &str, input: Input) -> bool {
        self.shared
            .lock()
            .calls
            .get(call_id)
            .is_some_and(|call| call.ended.is_none() && call.input.send(input).is_ok())
    }

    /// The caller presses keys (e.g. `"1"` or `"1234#"`). `false` if the call is over.
    pub fn press(&self, call_id: &str, keys: &str) -> bool {
        self.send(call_id, Input::Keys(keys.to_string()))
    }

    /// The caller hangs up. `false` if the call is already over.
    pub fn hang_up(&self, call_id: &str) -> bool {
        self.send(call_id, Input::HangUp)
    }

    /// What the emulator knows of a call.
    pub fn call(&self, call_id: &str) -> Option<CallSnapshot> {
        let state = self.shared.lock();
        state.calls.get(call_id).map(|call| CallSnapshot {
            status: call.status.to_string(),
            result: call.result.to_string(),
            reason: call.reason.to_string(),
            transcript: call.transcript.clone(),
            cookies: call
                .cookies
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            events: call.events.clone(),
            conference: call.conference.clone(),
            finished: call.done,
        })
    }

    /// Waits until `condition` holds for the call, or `timeout` passes.
    pub async fn wait_for(
        &self,
        call_id: &str,
        timeout: Duration,
        condition: impl Fn(&CallSnapshot) -> bool,
    ) -> Option<CallSnapshot> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changes.notify.notified();
            if let Some(snapshot) = self.call(call_id).filter(|s| condition(s)) {
                return Some(snapshot);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.call(call_id).filter(|s| condition(s));
            }
        }
    }

    /// Waits until the call has sent `event` (`ice`, `ace`, `pie`, `dice`, `notify`) and got
    /// its answer.
    pub async fn wait_for_event(
        &self,
        call_id: &str,
        event: &str,
        timeout: Duration,
    ) -> Option<EventRecord> {
        self.wait_for(call_id, timeout, |s| {
            s.events.iter().any(|e| e.event == event)
        })
        .await
        .and_then(|s| s.events.into_iter().find(|e| e.event == event))
    }

    /// Waits until the call is over and its closing callbacks (Notify, DiCE) were answered.
    pub async fn wait_until_ended(&self, call_id: &str, timeout: Duration) -> Option<CallSnapshot> {
        self.wait_for(call_id, timeout, |s| s.finished).await
    }

    /// The ids of every call so far, newest last.
    pub fn call_ids(&self) -> Vec<String> {
        let state = self.shared.lock();
        let mut calls: Vec<(&Instant, &String)> =
            state.calls.values().map(|c| (&c.started, &c.id)).collect();
        calls.sort();
        calls.into_iter().map(|(_, id)| id.clone()).collect()
    }
}
