//! The call engine's shared core: state, configuration, the HTTP client for callbacks, and the
//! stream of everything that happens. Both front doors (REST, control API) and the call flows
//! use it; it uses none of them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Value, json};
use sinch_voice::Credentials;
use tokio::sync::{Notify, broadcast};

use crate::Config;
use crate::state::{Callee, State};

/// How many events a slow stream subscriber may fall behind before it loses some.
const EVENT_BUFFER: usize = 8192;

/// What the request handlers and call legs share.
pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    pub(crate) secret: String,
    pub(crate) config: Config,
    pub(crate) state: Mutex<State>,
    pub(crate) changes: Notify,
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) epoch: (Instant, chrono::DateTime<chrono::Utc>),
    pub(crate) events: broadcast::Sender<Value>,
    pub(crate) event_seq: AtomicU64,
    /// The runtime the emulator started on: calls run there, whoever starts them.
    pub(crate) runtime: tokio::runtime::Handle,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn changed(&self) {
        self.changes.notify_waiters();
    }

    /// Publishes an event on the stream (`GET /_emulator/v1/events`).
    pub(crate) fn publish(&self, kind: &str, call_id: Option<&str>, data: Value) {
        if self.events.receiver_count() == 0 {
            self.event_seq.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let seq = self.event_seq.fetch_add(1, Ordering::Relaxed) + 1;
        let mut event = json!({
            "seq": seq,
            "type": kind,
            "time": sinch_voice::signing::format_timestamp(chrono::Utc::now()),
            "data": data,
        });
        if let Some(id) = call_id {
            event["callId"] = json!(id);
        }
        let _ = self.events.send(event);
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Value> {
        self.events.subscribe()
    }

    pub(crate) fn new_events() -> broadcast::Sender<Value> {
        broadcast::channel(EVENT_BUFFER).0
    }

    /// How the callee at `number` behaves: the next scripted callee first, then the one set for
    /// this number, then one who answers after the default delay.
    pub(crate) fn callee(&self, number: &str) -> Callee {
        let mut state = self.lock();
        if let Some(next) = state.next_callees.pop_front() {
            return next;
        }
        state
            .callees
            .get(number)
            .copied()
            .or(state.default_callee.map(|(_, callee)| callee))
            .unwrap_or(Callee::Answers(self.config.answer_delay))
    }

    pub(crate) fn timestamp_of(&self, at: Instant) -> String {
        let offset = at.saturating_duration_since(self.epoch.0);
        let wall = self.epoch.1 + chrono::Duration::from_std(offset).unwrap_or_default();
        sinch_voice::signing::format_timestamp(wall)
    }
}
