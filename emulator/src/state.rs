//! What the emulated platform remembers: the application, its numbers, calls and conferences.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{Notify, mpsc};

/// How a simulated callee behaves when called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Callee {
    /// Answers after this delay.
    Answers(Duration),
    /// Answers after this delay, and is an answering machine (for AMD).
    Machine(Duration),
    /// The line is busy.
    Busy,
    /// Rings until the timeout, then the call ends with NOANSWER.
    NoAnswer,
}

/// One callback the platform sent, and what it got back.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// `ice`, `ace`, `dice`, `pie` or `notify`.
    pub event: String,
    /// The JSON body sent.
    pub body: Value,
    /// The HTTP status of the answer (0 when none came).
    pub status: u16,
    /// The answer's body as JSON, when it was JSON.
    pub reply: Option<Value>,
    /// When it was sent, since the call started.
    pub at: Duration,
}

/// Input scripted for a call.
#[derive(Debug)]
pub(crate) enum Input {
    Keys(String),
    HangUp,
    Update(Value),
    Kick,
}

/// A call the platform handles.
#[derive(Debug)]
pub(crate) struct Call {
    pub id: String,
    pub from: String,
    pub to: String,
    pub to_type: &'static str,
    pub domain: &'static str,
    pub custom: String,
    pub started: Instant,
    pub answered: Option<Instant>,
    pub ended: Option<Instant>,
    pub status: &'static str,
    pub result: &'static str,
    pub reason: &'static str,
    pub cookies: BTreeMap<String, String>,
    pub transcript: Vec<String>,
    pub events: Vec<EventRecord>,
    pub conference: Option<String>,
    /// The call is over and the callbacks that close it (Notify, DiCE) were answered.
    pub done: bool,
    pub input: mpsc::UnboundedSender<Input>,
}

/// A participant of a conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    pub call_id: String,
    pub cli: String,
    pub joined: Instant,
    pub muted: bool,
    pub on_hold: bool,
}

/// A number owned by the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnedNumber {
    pub number: String,
    pub application_key: Option<String>,
    pub capability: String,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub primary_url: Option<String>,
    pub fallback_url: Option<String>,
    pub numbers: Vec<OwnedNumber>,
    pub calls: HashMap<String, Call>,
    pub conferences: BTreeMap<String, Vec<Member>>,
    pub callees: HashMap<String, Callee>,
    pub next_id: u64,
}

impl State {
    pub(crate) fn new_call_id(&mut self) -> String {
        self.next_id += 1;
        format!("{:032x}", (0x5eed_u128 << 96) | u128::from(self.next_id))
    }
}

/// Wakes waiters whenever a call records something.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    pub notify: Notify,
}
