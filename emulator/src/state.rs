//! What the emulated platform remembers: the application, its numbers, calls (each with its
//! legs), conferences, scripted callees and the REST request log.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;
use sinch_voice::CalloutReply;
use sinch_voice::callbacks::{CallbackEvent, ParseError};
use sinch_voice::svaml::{Ace, CallUpdate, Context, Ice, Pie, Svaml, SvamlError};
use sinch_voice::values::{CallEndReason, CallResult, CallStatus, DestinationType, Domain};
use tokio::sync::mpsc;

use crate::transcript::TranscriptEntry;

/// How a simulated callee behaves when called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Callee {
    /// Answers after this delay; a person (AMD says `human`).
    Answers(Duration),
    /// Answers after this delay, and is an answering machine (AMD says `machine`).
    Machine(Duration),
    /// The line is busy.
    Busy,
    /// Rings until the timeout, then the call ends with NOANSWER.
    NoAnswer,
    /// Rings until someone answers for it (`POST /_emulator/v1/calls/{id}/answer`, the web
    /// console's buttons) or the dial timeout runs out.
    Manual,
}

/// How a ringing callee is answered by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    /// A person picks up (AMD says `human`).
    Human,
    /// An answering machine picks up (AMD says `machine`).
    Machine,
    /// The callee rejects the call: busy.
    Busy,
}

/// What the emulator made of a callback's SVAML answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The answer was valid SVAML for its context and was obeyed.
    pub accepted: bool,
    /// The context it was read as, e.g. "an ICE reply".
    pub context: String,
    /// Every problem found, in document order (empty when accepted).
    pub issues: Vec<VerdictIssue>,
}

/// One problem of a refused answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerdictIssue {
    /// Where, as a JSON path (`action.conferenceId`).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

/// The menu a call is listening with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listening {
    /// The menu's id.
    pub menu_id: String,
    /// How many keys it collects.
    pub max_digits: usize,
    /// Whether it hears speech (`enableVoice`).
    pub enable_voice: bool,
}

/// One callback the platform sent, and what it got back.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// `ice`, `ace`, `dice`, `pie` or `notify` (typed: [`kind`](Self::kind)).
    pub event: String,
    /// The URL it was POSTed to.
    pub url: String,
    /// The JSON body sent (typed: [`callback`](Self::callback)).
    pub body: Value,
    /// The HTTP status of the answer (0 when none came).
    pub status: u16,
    /// The answer's body as JSON, when it was JSON (typed: [`reply_svaml`](Self::reply_svaml)).
    pub reply: Option<Value>,
    /// The answer's body as text, when it was not JSON (its first 64 KiB).
    pub reply_text: Option<String>,
    /// What the emulator made of the answer as SVAML; `None` when it was not read as SVAML
    /// (DiCE and Notify answers, or no answer).
    pub verdict: Option<Verdict>,
    /// Why the answer was not usable (timeout, connection refused, too large), if it was not.
    pub error: Option<String>,
    /// When it was sent, since the call started.
    pub at: Duration,
    /// How long the answer took.
    pub took: Duration,
}

/// The kinds of callback the platform sends: the typed form of [`EventRecord::event`].
///
/// [`EmulatorHandle::wait_for_event`](crate::EmulatorHandle::wait_for_event) and
/// [`CallSnapshot::event`](crate::CallSnapshot::event) take one, or its name (`"pie"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Incoming Call Event.
    Ice,
    /// Answered Call Event.
    Ace,
    /// Disconnected Call Event.
    Dice,
    /// Prompt Input Event.
    Pie,
    /// Notification.
    Notify,
}

impl EventKind {
    /// Every kind, in the order of a call's life.
    pub const ALL: [EventKind; 5] = [
        EventKind::Ice,
        EventKind::Ace,
        EventKind::Pie,
        EventKind::Notify,
        EventKind::Dice,
    ];

    /// The `event` name: `ice`, `ace`, `dice`, `pie` or `notify`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Ice => "ice",
            EventKind::Ace => "ace",
            EventKind::Dice => "dice",
            EventKind::Pie => "pie",
            EventKind::Notify => "notify",
        }
    }

    /// The kind named `name`, if it is one of the five.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl AsRef<str> for EventKind {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for EventKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for EventKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Why a custom callout's `ice`, `ace` or `pie` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalloutFieldError {
    /// The field is not a string (the API takes a URL or SVAML as a JSON string).
    NotAString {
        /// The field, e.g. `customCallout.ice`.
        field: &'static str,
    },
    /// The string looks like SVAML (starts with `{`, as the emulator reads it) but is not
    /// valid SVAML for its context.
    Svaml(SvamlError),
}

impl std::fmt::Display for CalloutFieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalloutFieldError::NotAString { field } => {
                write!(f, "`{field}` is not a string (a URL or SVAML as JSON text)")
            }
            CalloutFieldError::Svaml(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for CalloutFieldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CalloutFieldError::Svaml(error) => Some(error),
            CalloutFieldError::NotAString { .. } => None,
        }
    }
}

impl EventRecord {
    /// The kind of event; `None` only for a name the emulator never sends.
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::from_name(&self.event)
    }

    /// Whether this is an event of kind `kind` (an [`EventKind`] or its name).
    pub fn is(&self, kind: impl AsRef<str>) -> bool {
        self.event == kind.as_ref()
    }

    /// The body sent, read by `sinch_voice`'s callback parser, as an application receives it.
    ///
    /// ```
    /// # fn check(record: &sinch_voice_emulator::EventRecord) {
    /// use sinch_voice::callbacks::CallbackEvent;
    ///
    /// if let Ok(CallbackEvent::Pie(pie)) = record.callback() {
    ///     println!("the menu returned {:?}", pie.returned());
    /// }
    /// # }
    /// ```
    pub fn callback(&self) -> Result<CallbackEvent<'static>, ParseError> {
        let bytes = serde_json::to_vec(&self.body).expect("a JSON value serialises");
        CallbackEvent::parse_owned(&bytes)
    }

    /// The answer read as SVAML for context `C` (e.g. `sinch_voice::svaml::Pie` for a PIE's
    /// answer, so `Svaml<Pie>` is a `PieResponse`); `None` when the answer was not JSON or
    /// there was none.
    pub fn reply_svaml<C: Context>(&self) -> Option<Result<Svaml<'static, C>, SvamlError>> {
        let reply = self.reply.as_ref().filter(|r| !r.is_null())?;
        let bytes = serde_json::to_vec(reply).expect("a JSON value serialises");
        Some(Svaml::<C>::parse(&bytes))
    }
}

impl RequestRecord {
    /// The `ice` of a custom callout request (`POST /calling/v1/callouts`, method
    /// `customCallout`): its URL, or its SVAML (a JSON string inside the JSON body) read as an
    /// ICE reply, as `sinch_voice`'s [`CalloutReply`] that builds it. `None` when this
    /// request is not a custom callout or has no `ice`.
    ///
    /// ```
    /// # fn check(emulator: &sinch_voice_emulator::EmulatorHandle) {
    /// use sinch_voice::CalloutReply;
    /// use sinch_voice::svaml::Action;
    ///
    /// for request in emulator.requests() {
    ///     if let Some(Ok(CalloutReply::Svaml(ice))) = request.custom_callout_ice() {
    ///         assert!(matches!(ice.action(), Some(Action::ConnectPstn(_))));
    ///     }
    /// }
    /// # }
    /// ```
    pub fn custom_callout_ice(
        &self,
    ) -> Option<Result<CalloutReply<'static, Ice>, CalloutFieldError>> {
        self.custom_callout_reply("ice", "customCallout.ice")
    }

    /// The `ace` of a custom callout request: its URL, or its SVAML read as an ACE reply.
    pub fn custom_callout_ace(
        &self,
    ) -> Option<Result<CalloutReply<'static, Ace>, CalloutFieldError>> {
        self.custom_callout_reply("ace", "customCallout.ace")
    }

    /// The `pie` of a custom callout request: its URL, or its SVAML read as a PIE reply.
    pub fn custom_callout_pie(
        &self,
    ) -> Option<Result<CalloutReply<'static, Pie>, CalloutFieldError>> {
        self.custom_callout_reply("pie", "customCallout.pie")
    }

    fn custom_callout_reply<C: Context>(
        &self,
        name: &str,
        field: &'static str,
    ) -> Option<Result<CalloutReply<'static, C>, CalloutFieldError>> {
        let body = self.body.as_ref()?;
        if body.get("method")?.as_str()? != "customCallout" {
            return None;
        }
        let value = body
            .get("customCallout")?
            .get(name)
            .filter(|v| !v.is_null())?;
        let Some(text) = value.as_str() else {
            return Some(Err(CalloutFieldError::NotAString { field }));
        };
        // The emulator's own reading: SVAML when it starts with `{`, else a URL.
        Some(if text.trim_start().starts_with('{') {
            Svaml::<C>::parse(text.as_bytes())
                .map(CalloutReply::Svaml)
                .map_err(CalloutFieldError::Svaml)
        } else {
            Ok(CalloutReply::url(text.to_string()))
        })
    }
}

/// Which side of a call acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// The one who placed the call (for a callout: the application).
    Caller,
    /// The one who was called.
    Callee,
}

/// Input scripted for a call.
#[derive(Debug)]
pub(crate) enum Input {
    Keys(String),
    Speech(String),
    HangUp(Party),
    Answer(Answer),
    Update(Box<CallUpdate<'static>>),
    Kick,
}

/// Where a call is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// Being set up: the ICE is out, or the callee is ringing.
    Ringing,
    /// Answered, nothing particular going on.
    Answered,
    /// Playing a menu and waiting for input.
    InMenu,
    /// In a conference.
    InConference,
    /// Parked (on hold).
    Parked,
    /// Bridged to a second leg.
    Connected,
    /// Over.
    Ended,
}

impl Phase {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Ringing => "ringing",
            Phase::Answered => "answered",
            Phase::InMenu => "inMenu",
            Phase::InConference => "inConference",
            Phase::Parked => "parked",
            Phase::Connected => "connected",
            Phase::Ended => "ended",
        }
    }
}

/// Which way a call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// A caller dialled one of the application's numbers.
    Inbound,
    /// A callout placed through the REST API.
    Callout,
    /// The second leg of a call (`connectPstn`, `connectSip`, `connectMxp`, `connectStream`).
    Leg,
}

/// A call (or a leg of one) the platform handles.
#[derive(Debug)]
pub(crate) struct Call {
    pub id: String,
    pub direction: Direction,
    /// For a leg: the call it belongs to.
    pub parent: Option<String>,
    /// The legs this call created, in order.
    pub legs: Vec<String>,
    pub from: String,
    pub to: String,
    pub to_type: DestinationType,
    pub domain: Domain,
    pub custom: String,
    pub locale: Option<String>,
    pub started: Instant,
    pub answered: Option<Instant>,
    pub ended: Option<Instant>,
    pub phase: Phase,
    pub status: CallStatus,
    pub result: CallResult,
    pub reason: CallEndReason,
    pub cookies: BTreeMap<String, String>,
    pub transcript: Vec<TranscriptEntry>,
    pub events: Vec<EventRecord>,
    pub conference: Option<String>,
    /// The menu waiting for input, while one is.
    pub listening: Option<Listening>,
    /// A callee's phone is ringing (it can be answered by hand).
    pub callee_ringing: bool,
    /// The call is over and the callbacks that close it (Notify, DiCE) were answered.
    pub done: bool,
    /// A reset ended it: forgotten once its closing callbacks are answered.
    pub forget_when_done: bool,
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

/// One REST request the platform received, and its answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// Position in the log, from 1.
    pub seq: u64,
    /// When it arrived (RFC 3339).
    pub received: String,
    /// The method.
    pub method: String,
    /// The path as on the request line.
    pub path: String,
    /// The path percent-decoded.
    pub decoded_path: String,
    /// `Basic`, `Application` or none.
    pub auth_scheme: Option<String>,
    /// The Content-Type sent.
    pub content_type: Option<String>,
    /// The body: JSON when it was JSON, else the text (cut at 64 KiB).
    pub body: Option<Value>,
    /// The answer's status.
    pub status: u16,
    /// The answer's JSON body, if any.
    pub response: Option<Value>,
    /// How long the answer took, in ms.
    pub took_ms: f64,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub primary_url: Option<String>,
    pub fallback_url: Option<String>,
    pub numbers: Vec<OwnedNumber>,
    pub calls: HashMap<String, Call>,
    pub conferences: BTreeMap<String, Vec<Member>>,
    pub callees: HashMap<String, Callee>,
    /// Callees scripted for the next dials, whatever the number.
    pub next_callees: VecDeque<Callee>,
    /// How every other callee behaves (its behaviour's name, and it): a person answering
    /// when unset.
    pub default_callee: Option<(&'static str, Callee)>,
    pub requests: Vec<RequestRecord>,
    pub next_id: u64,
    pub next_request: u64,
}

impl State {
    pub(crate) fn new_call_id(&mut self) -> String {
        self.next_id += 1;
        format!("{:032x}", (0x5eed_u128 << 96) | u128::from(self.next_id))
    }
}

/// How much of an answer that is not JSON is kept for display.
pub const REPLY_TEXT_KEPT: usize = 64 * 1024;

/// The longest request log kept (oldest dropped first).
pub(crate) const MAX_REQUESTS: usize = 10_000;
