//! A local stand-in for the Sinch Voice platform, for building and testing call flows offline.
//!
//! It serves the 14 REST operations on 127.0.0.1 (checking Basic and signed auth as the
//! platform does), keeps numbers, calls and conferences in memory, and drives calls: it POSTs
//! signed ICE, ACE, PIE, DiCE and Notify callbacks to the application's callback URL and
//! obeys the SVAML that comes back. A scripting API plays the caller: start an inbound call,
//! press keys, hang up, wait for an event, read what was said.
//!
//! The same operations are a JSON control API under `/_emulator/v1` (see
//! `spec/emulator-control.openapi.yaml`), so a flow written in any language, or a person with
//! `sinch-voice emulator call`, can drive calls; `GET /_emulator/v1/events` streams everything
//! that happens as Server-Sent Events. The Rust methods of [`EmulatorHandle`] call the very
//! functions the HTTP routes call.
//!
//! Assertions are typed: [`CallSnapshot::transcript`] is a list of [`TranscriptEntry`]
//! (match a variant, or compare its `Display`, the line the control API and the console show:
//! `say (en-US): Goodbye.`, `keys: 1`, `joined conference sales`); [`EventRecord::callback`]
//! reads a sent callback with `sinch_voice`'s parser, as the application received it, and
//! [`EventRecord::reply_svaml`] the SVAML it answered; [`RequestRecord::custom_callout_ice`]
//! (`_ace`, `_pie`) reads the SVAML a custom callout carries as a string inside its JSON.
//!
//! ```
//! use std::time::Duration;
//! use sinch_voice::callbacks::CallbackEvent;
//! use sinch_voice::svaml::Pie;
//! use sinch_voice_emulator::{EmulatorHandle, EventKind, TranscriptEntry};
//!
//! async fn pressed_1_and_heard_goodbye(emulator: &EmulatorHandle, call: &str) {
//!     let pie = emulator.wait_for_event(call, EventKind::Pie, Duration::from_secs(5)).await.unwrap();
//!     let Ok(CallbackEvent::Pie(event)) = pie.callback() else { panic!("{pie:?}") };
//!     assert_eq!(event.returned(), Some("goodbye"));
//!     let reply = pie.reply_svaml::<Pie>().unwrap().unwrap();
//!     assert!(reply.action().is_some());
//!
//!     let ended = emulator.wait_until_ended(call, Duration::from_secs(5)).await.unwrap();
//!     assert!(ended.transcript.contains(&TranscriptEntry::Keys { keys: "1".into() }));
//!     assert!(ended.said().any(|text| text == "Goodbye."));
//!     assert_eq!(ended.transcript_lines().last().map(String::as_str), Some("say (en-US): Goodbye."));
//! }
//! ```
//!
//! Fidelity notes, where the references are silent and the emulator picks the conservative
//! reading:
//! - a signed request is accepted when it was signed over the percent-decoded path (as the
//!   official SDKs sign) or over the path as sent;
//! - AMD (`connectPstn.amd`) answers `human` with reason `n/a` for a person; the asynchronous
//!   verdict comes as Notify `amd` (and `amd_beep` for a machine) after the ACE is answered;
//! - a menu's `repeats` counts the extra attempts after a timeout or an invalid input (the
//!   `repeatPrompt`, or the main prompt when none, is played before each); collection ends at
//!   `maxDigits` digits, on `#`, or after `timeoutMills` of silence, and the whole input is
//!   then matched against the options' keys (a miss is a `sequence` when `maxDigits` > 1,
//!   else `invalidinput`); prompts take no time, so `barge` changes nothing;
//! - a custom callout with an `ice` sends its ICE first and its connect action dials the call
//!   itself (callbacks.md §9); on any other call `connectPstn/Sip/Mxp/Stream` makes a second
//!   leg with its own id, ACE (PSTN and SIP only), state and DiCE;
//! - a callout's ICE carries `originationType: PSTN`;
//! - an inbound `pstn` call must dial a number assigned to the application for voice.
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
mod body;
mod console;
mod control;
mod engine;
mod error;
mod flow;
#[doc(hidden)]
pub mod fuzzing;
mod listener;
mod origin;
mod rest;
mod state;
mod transcript;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use sinch_voice::Credentials;

pub use control::{
    CallView, CallbackView, ConferenceView, OPENAPI as CONTROL_OPENAPI, PREFIX as CONTROL_PREFIX,
    ParticipantView,
};
pub use error::ApiError;
pub use state::{
    Answer, Callee, CalloutFieldError, Direction, EventKind, EventRecord, Listening, Party, Phase,
    RequestRecord, Verdict, VerdictIssue,
};
pub use transcript::TranscriptEntry;

use engine::Shared;
use state::{OwnedNumber, State};

/// Timings and tolerances of the emulated platform.
#[derive(Debug, Clone)]
pub struct Config {
    /// How far a signed request's `x-timestamp` may be from now.
    pub clock_skew: Duration,
    /// How long the platform waits for a callback answer.
    pub callback_timeout: Duration,
    /// How long a menu waits for input before a `timeout` PIE, when the menu does not say
    /// (`timeoutMills`; the spec's default is 5000 ms).
    pub menu_timeout: Duration,
    /// How long a callee rings before answering, unless told otherwise.
    pub answer_delay: Duration,
    /// How long an unanswered call rings (unless `dialTimeout` says).
    pub dial_timeout: Duration,
    /// How long a request head may take to arrive; also how long an idle keep-alive
    /// connection stays open.
    pub header_timeout: Duration,
    /// How long a request body may take to arrive (then 408).
    pub body_timeout: Duration,
    /// At most this many connections at once; one more is closed on accept.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clock_skew: Duration::from_secs(300),
            callback_timeout: Duration::from_secs(2),
            menu_timeout: Duration::from_secs(5),
            answer_delay: Duration::from_millis(20),
            dial_timeout: flow::DEFAULT_DIAL_TIMEOUT,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 256,
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
    address: IpAddr,
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
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
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

    /// The numbers the account owns (all assigned to the application).
    pub fn numbers(mut self, numbers: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.numbers = numbers.into_iter().map(Into::into).collect();
        self
    }

    /// Timings and tolerances.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Listens on `address` instead of 127.0.0.1. Anything but a loopback address exposes
    /// the control API (which needs no credentials) to the network: a warning is printed.
    pub fn listen_on(mut self, address: IpAddr) -> Self {
        self.address = address;
        self
    }

    /// Starts serving on an ephemeral port.
    pub async fn start(self) -> std::io::Result<EmulatorHandle> {
        self.start_on(0).await
    }

    /// Starts serving on `port` (0 for any free port).
    pub async fn start_on(self, port: u16) -> std::io::Result<EmulatorHandle> {
        let credentials = Credentials::new(&self.key, &self.secret)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        if !self.address.is_loopback() {
            eprintln!(
                "warning: the Sinch Voice emulator listens on {}: anyone who can reach it can drive calls through its control API",
                self.address
            );
        }
        let listener = tokio::net::TcpListener::bind((self.address, port)).await?;
        let local = listener.local_addr()?;
        let base_url = if local.ip().is_unspecified() {
            format!("http://127.0.0.1:{}", local.port())
        } else {
            format!("http://{local}")
        };
        let http = sinch_voice::http_client_builder()
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
            state: std::sync::Mutex::new(state),
            changes: tokio::sync::Notify::new(),
            http,
            base_url: base_url.clone(),
            epoch: (Instant::now(), chrono::Utc::now()),
            events: Shared::new_events(),
            event_seq: AtomicU64::new(0),
            runtime: tokio::runtime::Handle::current(),
        });
        let app = {
            let shared = Arc::clone(&shared);
            axum::Router::new().fallback(move |request: axum::extract::Request| {
                let shared = Arc::clone(&shared);
                async move {
                    let path = request.uri().path();
                    let control = path == control::PREFIX || path.starts_with("/_emulator/");
                    if console::serves(path) {
                        console::handle(request)
                    } else if control {
                        control::handle(shared, request).await
                    } else {
                        rest::handle(shared, request).await
                    }
                }
            })
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let limits = listener::Limits {
            header_timeout: shared.config.header_timeout,
            max_connections: shared.config.max_connections,
        };
        let server = tokio::spawn(listener::serve(listener, app, limits, async {
            let _ = stopped.await;
        }));
        Ok(EmulatorHandle {
            shared,
            base_url,
            stop: Some(stop),
            server,
        })
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
    /// The call id.
    pub id: String,
    /// Inbound, callout or a second leg.
    pub direction: Direction,
    /// For a leg: the call it belongs to.
    pub parent: Option<String>,
    /// The legs this call made (`connectPstn`, ...), in order.
    pub legs: Vec<String>,
    /// Caller.
    pub from: String,
    /// Callee.
    pub to: String,
    /// Where the call is.
    pub phase: Phase,
    /// `ONGOING` or `FINAL`.
    pub status: String,
    /// `ANSWERED`, `BUSY`, `NOANSWER`, `FAILED` or `N/A`.
    pub result: String,
    /// Why it ended (`CALLERHANGUP`, `MANAGERHANGUP`, `CALLBACKERROR`, ...).
    pub reason: String,
    /// What was said, played, pressed and heard, and where the call went, in order (each
    /// entry's `Display` is the line the control API and the console show).
    pub transcript: Vec<TranscriptEntry>,
    /// Cookies set by `setCookie`.
    pub cookies: Vec<(String, String)>,
    /// Every callback sent, with its answer.
    pub events: Vec<EventRecord>,
    /// The conference the call is in, if any.
    pub conference: Option<String>,
    /// The call is over and its closing callbacks (Notify, DiCE) were answered.
    pub finished: bool,
}

impl CallSnapshot {
    /// The words of every `say` (and TTS), in order: the [`TranscriptEntry::Say`] texts.
    pub fn said(&self) -> impl Iterator<Item = &str> {
        self.transcript.iter().filter_map(TranscriptEntry::said)
    }

    /// The transcript as the control API and the console show it, one line per entry.
    pub fn transcript_lines(&self) -> Vec<String> {
        self.transcript.iter().map(ToString::to_string).collect()
    }

    /// The first callback of kind `kind` (an [`EventKind`] or its name, `"pie"`).
    pub fn event(&self, kind: impl AsRef<str>) -> Option<&EventRecord> {
        let kind = kind.as_ref();
        self.events.iter().find(|e| e.event == kind)
    }
}

impl EmulatorHandle {
    /// Base URL of the REST API (use it as both `calling_url` and `configuration_url`).
    pub fn url(&self) -> &str {
        &self.base_url
    }

    /// Base URL of the control API (`<url>/_emulator/v1`).
    pub fn control_url(&self) -> String {
        format!("{}{}", self.base_url, control::PREFIX)
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

    /// How the next callee dialled behaves, whatever the number (one use; queued).
    pub fn script_next_callee(&self, callee: Callee) {
        self.shared.lock().next_callees.push_back(callee);
    }

    /// A caller at `from` dials `to` on the phone network: the platform sends an ICE.
    /// Refused (422) when `to` is not a number assigned to the application.
    pub fn inbound_call(&self, from: &str, to: &str) -> Result<String, ApiError> {
        self.inbound_call_in(from, to, "pstn")
    }

    /// An inbound call in `domain` (`pstn`, or `mxp` for an in-app caller).
    pub fn inbound_call_in(&self, from: &str, to: &str, domain: &str) -> Result<String, ApiError> {
        control::start_call(
            &self.shared,
            control::StartCall {
                from: from.to_string(),
                to: to.to_string(),
                domain: Some(domain.to_string()),
            },
        )
        .map(|view| view.call_id)
    }

    /// The caller presses keys (e.g. `"1"` or `"1234#"`). `false` if the call is over or
    /// unknown (see [`try_press`](Self::try_press) for why).
    pub fn press(&self, call_id: &str, keys: &str) -> bool {
        self.try_press(call_id, keys).is_ok()
    }

    /// The caller presses keys; the error says why not (404 unknown call, 409 ended, 400 not DTMF).
    pub fn try_press(&self, call_id: &str, keys: &str) -> Result<(), ApiError> {
        control::press(&self.shared, call_id, keys)
    }

    /// The caller says something (heard by `enableVoice` menus).
    pub fn speak(&self, call_id: &str, text: &str) -> Result<(), ApiError> {
        control::speak(&self.shared, call_id, text)
    }

    /// The caller hangs up. `false` if the call is already over.
    pub fn hang_up(&self, call_id: &str) -> bool {
        self.hang_up_as(call_id, Party::Caller).is_ok()
    }

    /// `party` hangs up (the callee of a call with a second leg is that leg's callee).
    pub fn hang_up_as(&self, call_id: &str, party: Party) -> Result<(), ApiError> {
        control::hang_up(&self.shared, call_id, party)
    }

    /// Answers a ringing callout or leg by hand (`POST /_emulator/v1/calls/{id}/answer`):
    /// for a callee scripted [`Callee::Manual`], or to answer sooner than scripted.
    pub fn answer(&self, call_id: &str, answer: Answer) -> Result<(), ApiError> {
        control::answer(&self.shared, call_id, answer)
    }

    /// Every conference with participants (`GET /_emulator/v1/conferences`).
    pub fn conferences(&self) -> Vec<ConferenceView> {
        control::conferences(&self.shared)
    }

    /// The web console's address: open it in a browser.
    pub fn console_url(&self) -> String {
        format!("{}{}", self.base_url, console::PATH)
    }

    /// The call as the control API shows it (`GET /_emulator/v1/calls/{id}`).
    pub fn call_view(&self, call_id: &str) -> Result<CallView, ApiError> {
        control::call(&self.shared, call_id)
    }

    /// Every call (`GET /_emulator/v1/calls`), oldest first.
    pub fn calls(&self) -> Vec<CallView> {
        control::calls(&self.shared)
    }

    /// The REST requests received, oldest first (`GET /_emulator/v1/requests`).
    pub fn requests(&self) -> Vec<RequestRecord> {
        control::requests(&self.shared, None)
    }

    /// Ends every live call as the platform's hangup does (each gets its DiCE, reason
    /// `MANAGERHANGUP`; forgotten once that is answered), and forgets finished calls,
    /// conferences, scripted callees and the request log (`POST /reset`).
    pub fn reset(&self) {
        control::reset(&self.shared, false)
    }

    /// Forgets every call at once, live ones included, with no DiCE or other callback
    /// (`POST /reset` with `{"quiet": true}`); the rest as [`reset`](Self::reset).
    pub fn reset_quietly(&self) {
        control::reset(&self.shared, true)
    }

    /// What the emulator knows of a call.
    pub fn call(&self, call_id: &str) -> Option<CallSnapshot> {
        let state = self.shared.lock();
        state.calls.get(call_id).map(|call| CallSnapshot {
            id: call.id.clone(),
            direction: call.direction,
            parent: call.parent.clone(),
            legs: call.legs.clone(),
            from: call.from.clone(),
            to: call.to.clone(),
            phase: call.phase,
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
            let notified = self.shared.changes.notified();
            if let Some(snapshot) = self.call(call_id).filter(|s| condition(s)) {
                return Some(snapshot);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.call(call_id).filter(|s| condition(s));
            }
        }
    }

    /// Waits until the call has sent `event` (an [`EventKind`], or its name: `ice`, `ace`,
    /// `pie`, `dice`, `notify`) and got its answer; the first such event.
    pub async fn wait_for_event(
        &self,
        call_id: &str,
        event: impl AsRef<str>,
        timeout: Duration,
    ) -> Option<EventRecord> {
        let event = event.as_ref();
        self.wait_for(call_id, timeout, |s| s.event(event).is_some())
            .await
            .and_then(|s| s.events.into_iter().find(|e| e.event == event))
    }

    /// Waits until the call is over and its closing callbacks (Notify, DiCE) were answered.
    pub async fn wait_until_ended(&self, call_id: &str, timeout: Duration) -> Option<CallSnapshot> {
        self.wait_for(call_id, timeout, |s| s.finished).await
    }

    /// Waits until every call so far is finished; `false` on timeout.
    pub async fn wait_until_all_finished(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changes.notified();
            if self.shared.lock().calls.values().all(|c| c.done) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.shared.lock().calls.values().all(|c| c.done);
            }
        }
    }

    /// The ids of every call so far, oldest first.
    pub fn call_ids(&self) -> Vec<String> {
        let state = self.shared.lock();
        let mut calls: Vec<(&Instant, &String)> =
            state.calls.values().map(|c| (&c.started, &c.id)).collect();
        calls.sort();
        calls.into_iter().map(|(_, id)| id.clone()).collect()
    }
}
