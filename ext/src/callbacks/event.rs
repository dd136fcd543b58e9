//! The five callback events (callbacks.md §2-§7), every documented field typed. Strings borrow
//! from the received body where JSON allows it; values the platform may extend stay open.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;
use crate::values::enums::open_enum;
use crate::values::{CallEndReason, CallHeader, CallResult, Destination, Domain, Price};

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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
    #[serde(rename = "type")]
    pub kind: MenuResultType,
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

macro_rules! event_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<'a> {
            $( $(#[$fmeta:meta])* pub $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name<'a> {
            /// The call's id (received as `callid` or `callId`).
            pub callid: Text<'a>,
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
        pub menu_result: MenuResult<'a>,
    }
}

event_struct! {
    /// Notification: recordings, transcripts, asynchronous AMD, call errors. No reply is read.
    pub struct NotifyEvent<'a> {
        /// What is notified (an open set).
        #[serde(rename = "type")]
        pub kind: NotifyType,
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

/// A callback, by its `event`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
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
}

impl CallbackEvent<'_> {
    /// The `event` name: `ice`, `ace`, `dice`, `pie` or `notify`.
    pub fn name(&self) -> &'static str {
        match self {
            CallbackEvent::Ice(_) => "ice",
            CallbackEvent::Ace(_) => "ace",
            CallbackEvent::Dice(_) => "dice",
            CallbackEvent::Pie(_) => "pie",
            CallbackEvent::Notify(_) => "notify",
        }
    }

    /// The call's id.
    pub fn callid(&self) -> &str {
        match self {
            CallbackEvent::Ice(e) => &e.callid,
            CallbackEvent::Ace(e) => &e.callid,
            CallbackEvent::Dice(e) => &e.callid,
            CallbackEvent::Pie(e) => &e.callid,
            CallbackEvent::Notify(e) => &e.callid,
        }
    }
}

/// Every field of every event, each optional: one pass over the body, no buffering.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEvent<'a> {
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub event: Option<Text<'a>>,
    #[serde(
        borrow,
        default,
        alias = "callId",
        deserialize_with = "crate::values::borrow::option"
    )]
    pub callid: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub conference_id: Option<Text<'a>>,
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub custom: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub application_key: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub call_resource_url: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::object")]
    pub user_rate: Option<Price<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub cli: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::object")]
    pub to: Option<Destination<'a>>,
    #[serde(default)]
    pub domain: Option<Domain>,
    #[serde(default)]
    pub origination_type: Option<Domain>,
    #[serde(default)]
    pub duration: Option<i64>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub rdnis: Option<Text<'a>>,
    #[serde(
        borrow,
        default,
        deserialize_with = "crate::values::borrow::option_list"
    )]
    pub call_headers: Option<Vec<CallHeader<'a>>>,
    #[serde(
        borrow,
        default,
        deserialize_with = "crate::values::borrow::option_list"
    )]
    pub cookies: Option<Vec<CallHeader<'a>>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub user: Option<Text<'a>>,
    #[serde(default, deserialize_with = "crate::values::borrow::object")]
    pub amd: Option<AmdResult>,
    #[serde(default)]
    pub reason: Option<CallEndReason>,
    #[serde(default)]
    pub result: Option<CallResult>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::object")]
    pub debit: Option<Price<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub from: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::object")]
    pub menu_result: Option<MenuResult<'a>>,
    #[serde(rename = "type", default)]
    pub kind: Option<NotifyType>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub destination: Option<Text<'a>>,
    #[serde(default)]
    pub error_code: Option<i64>,
    #[serde(borrow, default, deserialize_with = "crate::values::borrow::option")]
    pub error_msg: Option<Text<'a>>,
}
