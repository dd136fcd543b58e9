//! The five callback events (callbacks.md §2-§7), every documented field typed. Strings borrow
//! from the received body where JSON allows it; values the platform may extend stay open.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;
use crate::values::borrow::{IntoStatic, already_static};
use crate::values::{CallEndReason, CallHeader, CallResult, Destination, Domain, Price};
use sinch_voice_values::open_enum;

type Text<'a> = Cow<'a, str>;

open_enum! {
    /// What a menu produced (PIE `menuResult.type`).
    pub enum MenuResultType {
        /// An option `return(x)` fired.
        Return = "return",
        /// Digits were collected.
        Sequence = "sequence",
        /// No input in time.
        Timeout = "timeout",
        /// The caller hung up.
        Hangup = "hangup",
        /// Input matched nothing.
        InvalidInput = "invalidinput",
        /// Something failed.
        Error = "error",
    }
}

open_enum! {
    /// How the caller answered a menu.
    pub enum InputMethod {
        /// Keys.
        Dtmf = "dtmf",
        /// Speech.
        Voice = "voice",
    }
}

open_enum! {
    /// Answering-machine detection verdict.
    pub enum AmdStatus {
        /// A machine.
        Machine = "machine",
        /// A person.
        Human = "human",
        /// Not sure.
        NotSure = "notsure",
        /// The call was hung up during detection.
        Hangup = "hangup",
    }
}

open_enum! {
    /// Why the detector decided.
    pub enum AmdReason {
        /// A long greeting.
        LongGreeting = "longgreeting",
        /// Silence at the start.
        InitialSilence = "initialsilence",
        /// The voicemail beep.
        Beep = "beep",
        /// A greeting.
        Greeting = "greeting",
        /// Not applicable.
        NotApplicable = "n/a",
    }
}

open_enum! {
    /// The kind of a Notify event (an open set).
    pub enum NotifyType {
        /// Recording stopped.
        RecordingFinished = "recording_finished",
        /// The recording file is ready (`destination`).
        RecordingAvailable = "recording_available",
        /// The transcript is ready (`destination`).
        TranscriptionAvailable = "transcription_available",
        /// Asynchronous AMD verdict (`amd`).
        Amd = "amd",
        /// The voicemail beep was heard (`amd`).
        AmdBeep = "amd_beep",
        /// A call error (`errorCode`, `errorMsg`).
        CallingError = "callingerror",
    }
}

/// An answering-machine detection result.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AmdResult {
    /// The verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AmdStatus>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<AmdReason>,
    /// Length of the analysis (unit not documented; examples look like seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
}

/// What a menu produced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MenuResult<'a> {
    /// The menu (the conference id for conference DTMF).
    #[serde(
        borrow,
        default,
        deserialize_with = "crate::values::borrow::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub menu_id: Option<Text<'a>>,
    /// What happened.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MenuResultType>,
    /// The `return(x)` value or the digits (leading zeros kept).
    #[serde(
        borrow,
        default,
        deserialize_with = "crate::values::borrow::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Text<'a>>,
    /// Keys or speech.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_method: Option<InputMethod>,
}

already_static!(AmdResult, NotifyType);

impl IntoStatic for MenuResult<'_> {
    type Static = MenuResult<'static>;
    fn into_static(self) -> MenuResult<'static> {
        self.into_owned()
    }
}

impl MenuResult<'_> {
    /// The same result owning its text.
    pub fn into_owned(self) -> MenuResult<'static> {
        MenuResult {
            menu_id: self.menu_id.into_static(),
            kind: self.kind,
            value: self.value.into_static(),
            input_method: self.input_method,
        }
    }
}

macro_rules! event_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<'a> {
            $( $(#[$fmeta:meta])* pub $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name<'a> {
            /// The call's id (received as `callid` or `callId`); absent from events about a
            /// conference or an application rather than one call.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub callid: Option<Text<'a>>,
            /// The conference, for conference-related events.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub conference_id: Option<Text<'a>>,
            /// API version (1).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub version: Option<i64>,
            /// When the event happened.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub timestamp: Option<Timestamp>,
            /// The `custom` text of the callout, or the SDK client's call headers as JSON.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub custom: Option<Text<'a>>,
            /// Your application key.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub application_key: Option<Text<'a>>,
            /// Cookies set with `setCookie` earlier in the call (sent along by the platform).
            #[serde(skip_serializing_if = "Vec::is_empty")]
            pub cookies: Vec<CallHeader<'a>>,
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Fields this crate does not know, kept as received and serialised back.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl $name<'_> {
            /// The same event owning its text.
            pub fn into_owned(self) -> $name<'static> {
                $name {
                    callid: self.callid.into_static(),
                    conference_id: self.conference_id.into_static(),
                    version: self.version,
                    timestamp: self.timestamp,
                    custom: self.custom.into_static(),
                    application_key: self.application_key.into_static(),
                    cookies: self.cookies.into_static(),
                    $( $field: self.$field.into_static(), )*
                    extra: self.extra,
                }
            }
        }
    };
}

event_struct! {
    /// Incoming Call Event: a call reached the platform. Reply with an
    /// [`IceResponse`](crate::svaml::IceResponse).
    pub struct IceEvent<'a> {
        /// Regional REST URL of this call (see [`Client::call_at`](crate::Client::call_at)).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub call_resource_url: Option<Text<'a>>,
        /// Rate of the call to the dialled destination.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub user_rate: Option<Price<'a>>,
        /// Caller id (E.164 with or without `+`, or `private`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cli: Option<Text<'a>>,
        /// Who was called.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub to: Option<Destination<'a>>,
        /// Where the call is to be terminated.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub domain: Option<Domain>,
        /// Where it came from.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub origination_type: Option<Domain>,
        /// Seconds so far.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub duration: Option<i64>,
        /// Redirected dialled number.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub rdnis: Option<Text<'a>>,
        /// Headers set by the calling SDK client.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub call_headers: Vec<CallHeader<'a>>,
        /// The calling in-app user, when there is one.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub user: Option<Text<'a>>,
    }
}

event_struct! {
    /// Answered Call Event: the callee answered. Reply with an
    /// [`AceResponse`](crate::svaml::AceResponse).
    pub struct AceEvent<'a> {
        /// Synchronous AMD verdict.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub amd: Option<AmdResult>,
        /// Regional REST URL of this call, when sent.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub call_resource_url: Option<Text<'a>>,
    }
}

event_struct! {
    /// Disconnected Call Event: the call ended. No reply is read.
    pub struct DiceEvent<'a> {
        /// Why it ended.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reason: Option<CallEndReason>,
        /// How it ended.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub result: Option<CallResult>,
        /// Total charged.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub debit: Option<Price<'a>>,
        /// Per-minute rate.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub user_rate: Option<Price<'a>>,
        /// The callee.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub to: Option<Destination<'a>>,
        /// Seconds.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub duration: Option<i64>,
        /// The caller, as a plain string (e.g. `private`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub from: Option<Text<'a>>,
        /// Call headers.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub call_headers: Vec<CallHeader<'a>>,
    }
}

event_struct! {
    /// Prompt Input Event: a menu produced a result. Reply with a
    /// [`PieResponse`](crate::svaml::PieResponse).
    pub struct PieEvent<'a> {
        /// The result.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub menu_result: Option<MenuResult<'a>>,
    }
}

/// What a menu produced, for a short `match` on a PIE ([`PieEvent::outcome`]).
///
/// ```
/// use sinch_voice::callbacks::{CallbackEvent, MenuOutcome};
///
/// let body = br#"{"event":"pie","callid":"c1","menuResult":{"menuId":"main","type":"return","value":"confirm","inputMethod":"dtmf"}}"#;
/// let CallbackEvent::Pie(pie) = CallbackEvent::parse(body).unwrap() else { unreachable!() };
/// let said = match pie.outcome() {
///     MenuOutcome::Returned("confirm") => "Confirmed.",
///     MenuOutcome::Returned(_) | MenuOutcome::Digits(_) => "Cancelled.",
///     MenuOutcome::HungUp => return,
///     _ => "Sorry, I did not get that.",
/// };
/// assert_eq!(said, "Confirmed.");
/// assert_eq!(pie.menu_id(), Some("main"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MenuOutcome<'e> {
    /// An option's `return(x)` fired: `x`.
    Returned(&'e str),
    /// Digits were collected (`maxDigits`, or a conference's DTMF), leading zeros kept.
    Digits(&'e str),
    /// No input in time.
    TimedOut,
    /// The caller hung up during the menu.
    HungUp,
    /// The input matched no option (the digits, when the platform sent them).
    InvalidInput(Option<&'e str>),
    /// The menu failed.
    Error,
    /// No result, or a result type this crate does not know (kept in `menu_result`).
    Other,
}

impl PieEvent<'_> {
    /// What the menu produced, for a `match`.
    pub fn outcome(&self) -> MenuOutcome<'_> {
        let Some(result) = &self.menu_result else {
            return MenuOutcome::Other;
        };
        let value = result.value.as_deref();
        match (&result.kind, value) {
            (Some(MenuResultType::Return), Some(value)) => MenuOutcome::Returned(value),
            (Some(MenuResultType::Sequence), Some(value)) => MenuOutcome::Digits(value),
            (Some(MenuResultType::Timeout), _) => MenuOutcome::TimedOut,
            (Some(MenuResultType::Hangup), _) => MenuOutcome::HungUp,
            (Some(MenuResultType::InvalidInput), value) => MenuOutcome::InvalidInput(value),
            (Some(MenuResultType::Error), _) => MenuOutcome::Error,
            _ => MenuOutcome::Other,
        }
    }

    /// The `return(x)` value of the option that fired, if one did.
    pub fn returned(&self) -> Option<&str> {
        match self.outcome() {
            MenuOutcome::Returned(value) => Some(value),
            _ => None,
        }
    }

    /// The digits collected, if the menu collected digits.
    pub fn digits(&self) -> Option<&str> {
        match self.outcome() {
            MenuOutcome::Digits(value) => Some(value),
            _ => None,
        }
    }

    /// The menu that produced the result (the conference id for conference DTMF).
    pub fn menu_id(&self) -> Option<&str> {
        self.menu_result.as_ref()?.menu_id.as_deref()
    }

    /// Whether the caller hung up during the menu.
    pub fn hung_up(&self) -> bool {
        self.outcome() == MenuOutcome::HungUp
    }

    /// Whether the menu ended for want of input.
    pub fn timed_out(&self) -> bool {
        self.outcome() == MenuOutcome::TimedOut
    }
}

event_struct! {
    /// Notification: recordings, transcripts, asynchronous AMD, call errors. No reply is read.
    pub struct NotifyEvent<'a> {
        /// What is notified (an open set).
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub kind: Option<NotifyType>,
        /// Where the recording or transcript is.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub destination: Option<Text<'a>>,
        /// Asynchronous AMD result.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub amd: Option<AmdResult>,
        /// For `callingerror`: 40001 (illegal SVAML) or 50000 (internal error).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub error_code: Option<i64>,
        /// For `callingerror`: the message.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub error_msg: Option<Text<'a>>,
        /// The initiating user.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub user: Option<Text<'a>>,
    }
}

/// A JSON value kept exactly as received (its text), and written back the same.
///
/// Read without recursion, so a deeply nested value in a field nobody reads costs nothing
/// but its bytes.
#[derive(Clone)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The value as `T`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    pub(crate) fn from_raw(raw: Box<serde_json::value::RawValue>) -> RawJson {
        RawJson(raw)
    }

    pub(crate) fn of(value: &impl Serialize) -> Option<RawJson> {
        serde_json::value::to_raw_value(value).ok().map(RawJson)
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.get())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(deserializer).map(RawJson)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for RawJson {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("AnyValue")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "description": "Any JSON value, kept as received." })
    }
}

/// Fields of an event this crate does not know, kept as received and written back.
pub type Extra = std::collections::BTreeMap<String, RawJson>;

/// An event this crate does not know (the platform added one): its name and whole body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent<'a> {
    /// The `event` name, e.g. `somethingnew`.
    pub name: Text<'a>,
    /// The body as received (`event` included), written back as it was.
    pub body: RawJson,
    /// Its `callid` (or `callId`), when it has one.
    pub callid: Option<String>,
}

impl UnknownEvent<'_> {
    /// A top-level field of the body.
    pub fn field(&self, name: &str) -> Option<serde_json::Value> {
        let map: serde_json::Map<String, serde_json::Value> = self.body.parse().ok()?;
        map.get(name).cloned()
    }
}

/// A callback, by its `event`. Serialising gives back what was parsed, unknown fields and
/// unknown events included.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CallbackEvent<'a> {
    /// `ice`.
    Ice(IceEvent<'a>),
    /// `ace`.
    Ace(AceEvent<'a>),
    /// `dice`.
    Dice(DiceEvent<'a>),
    /// `pie`.
    Pie(PieEvent<'a>),
    /// `notify`.
    Notify(NotifyEvent<'a>),
    /// An event this crate does not know yet.
    Unknown(UnknownEvent<'a>),
}

impl UnknownEvent<'_> {
    /// The same event owning its text.
    pub fn into_owned(self) -> UnknownEvent<'static> {
        UnknownEvent {
            name: self.name.into_static(),
            body: self.body,
            callid: self.callid,
        }
    }
}

impl CallbackEvent<'_> {
    /// The same event owning its text (one copy per string that borrows from the body).
    pub fn into_owned(self) -> CallbackEvent<'static> {
        match self {
            CallbackEvent::Ice(e) => CallbackEvent::Ice(e.into_owned()),
            CallbackEvent::Ace(e) => CallbackEvent::Ace(e.into_owned()),
            CallbackEvent::Dice(e) => CallbackEvent::Dice(e.into_owned()),
            CallbackEvent::Pie(e) => CallbackEvent::Pie(e.into_owned()),
            CallbackEvent::Notify(e) => CallbackEvent::Notify(e.into_owned()),
            CallbackEvent::Unknown(e) => CallbackEvent::Unknown(e.into_owned()),
        }
    }

    /// The name of a known event; `""` for an unknown one.
    pub(crate) fn static_name(&self) -> &'static str {
        match self {
            CallbackEvent::Ice(_) => "ice",
            CallbackEvent::Ace(_) => "ace",
            CallbackEvent::Dice(_) => "dice",
            CallbackEvent::Pie(_) => "pie",
            CallbackEvent::Notify(_) => "notify",
            CallbackEvent::Unknown(_) => "",
        }
    }

    /// The `event` name: `ice`, `ace`, `dice`, `pie`, `notify`, or the unknown one's.
    pub fn name(&self) -> &str {
        match self {
            CallbackEvent::Unknown(e) => &e.name,
            known => known.static_name(),
        }
    }

    /// The call's id, when the event names one.
    pub fn callid(&self) -> Option<&str> {
        match self {
            CallbackEvent::Ice(e) => e.callid.as_deref(),
            CallbackEvent::Ace(e) => e.callid.as_deref(),
            CallbackEvent::Dice(e) => e.callid.as_deref(),
            CallbackEvent::Pie(e) => e.callid.as_deref(),
            CallbackEvent::Notify(e) => e.callid.as_deref(),
            CallbackEvent::Unknown(e) => e.callid.as_deref(),
        }
    }
}

impl Serialize for CallbackEvent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'e, T> {
            event: &'static str,
            #[serde(flatten)]
            inner: &'e T,
        }
        match self {
            CallbackEvent::Ice(e) => Tagged {
                event: "ice",
                inner: e,
            }
            .serialize(serializer),
            CallbackEvent::Ace(e) => Tagged {
                event: "ace",
                inner: e,
            }
            .serialize(serializer),
            CallbackEvent::Dice(e) => Tagged {
                event: "dice",
                inner: e,
            }
            .serialize(serializer),
            CallbackEvent::Pie(e) => Tagged {
                event: "pie",
                inner: e,
            }
            .serialize(serializer),
            CallbackEvent::Notify(e) => Tagged {
                event: "notify",
                inner: e,
            }
            .serialize(serializer),
            CallbackEvent::Unknown(e) => e.body.serialize(serializer),
        }
    }
}

/// Every field of every event, each optional, plus what no event has: one pass over the body.
#[derive(Default)]
pub(crate) struct RawEvent<'a> {
    pub event: Option<Text<'a>>,
    pub callid: Option<Text<'a>>,
    pub conference_id: Option<Text<'a>>,
    pub version: Option<i64>,
    pub timestamp: Option<Timestamp>,
    pub custom: Option<Text<'a>>,
    pub application_key: Option<Text<'a>>,
    pub call_resource_url: Option<Text<'a>>,
    pub user_rate: Option<Price<'a>>,
    pub cli: Option<Text<'a>>,
    pub to: Option<Destination<'a>>,
    pub domain: Option<Domain>,
    pub origination_type: Option<Domain>,
    pub duration: Option<i64>,
    pub rdnis: Option<Text<'a>>,
    pub call_headers: Option<Vec<CallHeader<'a>>>,
    pub cookies: Option<Vec<CallHeader<'a>>>,
    pub user: Option<Text<'a>>,
    pub amd: Option<AmdResult>,
    pub reason: Option<CallEndReason>,
    pub result: Option<CallResult>,
    pub debit: Option<Price<'a>>,
    pub from: Option<Text<'a>>,
    pub menu_result: Option<MenuResult<'a>>,
    pub kind: Option<NotifyType>,
    pub destination: Option<Text<'a>>,
    pub error_code: Option<i64>,
    pub error_msg: Option<Text<'a>>,
    pub extra: Extra,
}
