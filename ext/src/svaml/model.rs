//! The nine SVAML actions, seven instructions and their nested objects (svaml.md §3, §4, §6),
//! with exact wire names. Strings are `Cow` so replies built from literals do not allocate.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::enums::{DtmfMode, Indications, Transport};
use super::prompt::Prompt;
use crate::values::{CallHeader, Destination, MusicOnHold};

type Text<'a> = Cow<'a, str>;

// ---------------------------------------------------------------- nested objects

/// Per-participant DTMF handling in a conference (svaml.md §6.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConferenceDtmfOptions {
    /// `ignore` (default), `forward` or `detect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<DtmfMode>,
    /// Digits collected before a PIE (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_digits: Option<u64>,
    /// Milliseconds between digits before the PIE fires (default 3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_mills: Option<u64>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Answering-machine detection on `connectPstn` (svaml.md §6.4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Amd {
    /// Turns detection on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `true`: the verdict comes as Notify events; otherwise in the ACE.
    #[serde(rename = "async", default, skip_serializing_if = "Option::is_none")]
    pub asynchronous: Option<bool>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Streaming parameters of `connectStream`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StreamingOptions {
    /// Feature version, e.g. 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Sample rate in Hz, e.g. 16000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<i64>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Transcription of a recording.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TranscriptionOptions<'a> {
    /// Transcribe the recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Language of the transcription, e.g. `en-US` (an open set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Text<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Where and how a call is recorded (svaml.md §6.5). A real upload needs `destination_url`
/// and `credentials`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartRecordingOptions<'a> {
    /// `s3://bucket/folder/`, an Azure or Google Cloud Storage URL.
    #[serde(
        default,
        alias = "destination",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_url: Option<Text<'a>>,
    /// For S3: `ACCESS_KEY:SECRET_KEY:REGION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Text<'a>>,
    /// File format (default mp3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Text<'a>>,
    /// Send the recording Notify events (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_events: Option<bool>,
    /// Transcription, if wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_options: Option<TranscriptionOptions<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What pressing an option's key does: go to a menu, or return a value in a PIE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionAction<'a> {
    /// `menu(<id>)`: jump to that menu of the same `runMenu`.
    Menu(Text<'a>),
    /// `return(<value>)`: leave the menu; the PIE carries `value`.
    Return(Text<'a>),
}

impl<'a> OptionAction<'a> {
    /// `menu(id)`.
    pub fn menu(id: impl Into<Text<'a>>) -> Self {
        OptionAction::Menu(id.into())
    }

    /// `return(value)`.
    pub fn returns(value: impl Into<Text<'a>>) -> Self {
        OptionAction::Return(value.into())
    }

    /// Reads `menu(x)` or `return(x)`, allowing spaces before the parenthesis.
    pub fn parse(text: &str) -> Option<OptionAction<'static>> {
        let text = text.trim();
        let (kind, rest) = text.split_at(text.find('(')?);
        let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
        match kind.trim() {
            k if k.eq_ignore_ascii_case("menu") => {
                Some(OptionAction::Menu(Cow::Owned(inner.to_string())))
            }
            k if k.eq_ignore_ascii_case("return") => {
                Some(OptionAction::Return(Cow::Owned(inner.to_string())))
            }
            _ => None,
        }
    }
}

impl Serialize for OptionAction<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (prefix, inner) = match self {
            OptionAction::Menu(id) => ("menu(", id),
            OptionAction::Return(value) => ("return(", value),
        };
        // Short targets (nearly all) are assembled on the stack: no allocation, one write.
        let mut stack = [0u8; 96];
        let len = prefix.len() + inner.len() + 1;
        if len <= stack.len() {
            stack[..prefix.len()].copy_from_slice(prefix.as_bytes());
            stack[prefix.len()..len - 1].copy_from_slice(inner.as_bytes());
            stack[len - 1] = b')';
            let text = std::str::from_utf8(&stack[..len]).expect("joined from str parts");
            serializer.serialize_str(text)
        } else {
            serializer.collect_str(&format_args!("{prefix}{inner})"))
        }
    }
}

impl<'de, 'a> Deserialize<'de> for OptionAction<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        OptionAction::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected `menu(<id>)` or `return(<value>)`, found {text:?}"
            ))
        })
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for OptionAction<'_> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("OptionAction")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "`menu(<menuId>)` or `return(<value>)`",
            "pattern": "^\\s*(?i:menu|return)\\s*\\(.*\\)\\s*$"
        })
    }
}

/// A DTMF key of a menu option: emitted as a string, read from a string or a number.
fn dtmf_key<'de, 'a, D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Key {
        Text(String),
        Number(u64),
    }
    Ok(match Key::deserialize(deserializer)? {
        Key::Text(text) => Cow::Owned(text),
        Key::Number(n) => Cow::Owned(n.to_string()),
    })
}

/// One key of a menu (svaml.md §6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct MenuOption<'a> {
    /// The key: `0`-`9`, `*` or `#`.
    #[serde(deserialize_with = "dtmf_key")]
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub dtmf: Text<'a>,
    /// What the key does.
    pub action: OptionAction<'a>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One menu of a `runMenu` (svaml.md §6.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Menu<'a> {
    /// Menu id; one menu must be `main`.
    pub id: Text<'a>,
    /// Played when the menu starts (a prompt chain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_prompt: Option<Text<'a>>,
    /// Played when input is missing or invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_prompt: Option<Text<'a>>,
    /// How many times the repeat prompt is played.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<u64>,
    /// Collect up to this many digits (a PIE of type `sequence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_digits: Option<u64>,
    /// Silence that ends collection, in ms (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_mills: Option<u64>,
    /// Upper bound on voice collection, in ms (default 20000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_timeout_mills: Option<u64>,
    /// The keys the caller can press.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<MenuOption<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> Menu<'a> {
    /// A menu with this id.
    #[inline]
    pub fn new(id: impl Into<Text<'a>>) -> Self {
        Menu {
            id: id.into(),
            ..Menu::default()
        }
    }

    /// The prompt played when the menu starts.
    #[inline]
    pub fn prompt(mut self, prompt: impl Into<Prompt<'a>>) -> Self {
        self.main_prompt = Some(prompt.into().render());
        self
    }

    /// The prompt played on missing or invalid input, and how often.
    #[inline]
    pub fn repeat(mut self, prompt: impl Into<Prompt<'a>>, times: u64) -> Self {
        self.repeat_prompt = Some(prompt.into().render());
        self.repeats = Some(times);
        self
    }

    /// Collect up to `digits` digits.
    #[inline]
    pub fn max_digits(mut self, digits: u64) -> Self {
        self.max_digits = Some(digits);
        self
    }

    /// Silence, in ms, that ends collection.
    #[inline]
    pub fn timeout_mills(mut self, ms: u64) -> Self {
        self.timeout_mills = Some(ms);
        self
    }

    /// Key `dtmf` returns `value` in a PIE.
    #[inline]
    pub fn on_key_return(mut self, dtmf: impl Into<Text<'a>>, value: impl Into<Text<'a>>) -> Self {
        self.options.push(MenuOption {
            dtmf: dtmf.into(),
            action: OptionAction::Return(value.into()),
            extra: Default::default(),
        });
        self
    }

    /// Key `dtmf` jumps to menu `id`.
    #[inline]
    pub fn on_key_menu(mut self, dtmf: impl Into<Text<'a>>, id: impl Into<Text<'a>>) -> Self {
        self.options.push(MenuOption {
            dtmf: dtmf.into(),
            action: OptionAction::Menu(id.into()),
            extra: Default::default(),
        });
        self
    }
}

// ---------------------------------------------------------------- actions

/// Ends the call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Hangup {
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Lets call set-up proceed (typical ACE reply).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Continue {
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Connects the call to a phone number (svaml.md §3.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectPstn<'a> {
    /// E.164 number; the number dialled when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Text<'a>>,
    /// Locale, default `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Text<'a>>,
    /// Seconds before the call is cut; at most 14400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<u64>,
    /// Seconds to ring before giving up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_timeout: Option<u64>,
    /// Caller id shown; `private` withholds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<Text<'a>>,
    /// No ACE and no DiCE for this call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_callbacks: Option<bool>,
    /// Digits sent once the callee answers: `0`-`9`, `#`, `w`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtmf: Option<Text<'a>>,
    /// Ring-back tone country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indications: Option<Indications>,
    /// Answering-machine detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amd: Option<Amd>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> ConnectPstn<'a> {
    /// Connects to `number` (E.164).
    pub fn to(number: impl Into<Text<'a>>) -> Self {
        ConnectPstn {
            number: Some(number.into()),
            ..ConnectPstn::default()
        }
    }

    /// Shows this caller id.
    pub fn cli(mut self, cli: impl Into<Text<'a>>) -> Self {
        self.cli = Some(cli.into());
        self
    }

    /// Cuts the call after `seconds` (at most 14400).
    pub fn max_duration(mut self, seconds: u64) -> Self {
        self.max_duration = Some(seconds);
        self
    }

    /// Detects answering machines; the verdict comes in the ACE of this call.
    pub fn amd(mut self) -> Self {
        self.amd = Some(Amd {
            enabled: Some(true),
            asynchronous: Some(false),
            extra: Default::default(),
        });
        self
    }

    /// Detects answering machines; the verdict comes later in Notify events (`amd`,
    /// `amd_beep`), so the call connects without waiting for it.
    pub fn amd_async(mut self) -> Self {
        self.amd = Some(Amd {
            enabled: Some(true),
            asynchronous: Some(true),
            extra: Default::default(),
        });
        self
    }
}

/// Connects the call to an in-app user (svaml.md §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectMxp<'a> {
    /// The user; needed unless the caller dialled them.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Destination<'a>>,
    /// Headers for the receiving client (emitted `callHeaders`, read in either spelling).
    #[serde(
        borrow,
        default,
        alias = "callheaders",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub call_headers: Vec<CallHeader<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Joins the caller to a conference (svaml.md §3.5).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectConf<'a> {
    /// The room, created on first join; at most 64 characters.
    pub conference_id: Text<'a>,
    /// DTMF handling for this participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference_dtmf_options: Option<ConferenceDtmfOptions>,
    /// Heard while alone in the room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moh: Option<MusicOnHold>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> ConnectConf<'a> {
    /// Joins conference `id`.
    pub fn room(id: impl Into<Text<'a>>) -> Self {
        ConnectConf {
            conference_id: id.into(),
            ..ConnectConf::default()
        }
    }

    /// Music while alone.
    pub fn moh(mut self, moh: MusicOnHold) -> Self {
        self.moh = Some(moh);
        self
    }
}

/// Connects the call to a SIP address (svaml.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectSip<'a> {
    /// The SIP address.
    #[serde(borrow)]
    pub destination: Destination<'a>,
    /// Seconds before the call is cut; at most 14400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<u64>,
    /// Caller id shown; `private` withholds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<Text<'a>>,
    /// UDP (default), TCP or TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// No ACE and no DiCE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_callbacks: Option<bool>,
    /// Private SIP headers for the INVITE.
    #[serde(
        borrow,
        default,
        alias = "callheaders",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub call_headers: Vec<CallHeader<'a>>,
    /// Heard when the SIP side holds the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moh: Option<MusicOnHold>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> ConnectSip<'a> {
    /// Connects to `address`, e.g. `46708000000@sip.foo.com`.
    pub fn to(address: impl Into<Text<'a>>) -> Self {
        ConnectSip {
            destination: Destination::sip(address),
            ..ConnectSip::default()
        }
    }
}

/// Streams the call's audio to a WebSocket server (closed beta; svaml.md §3.7).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectStream<'a> {
    /// The `wss://` server.
    #[serde(borrow)]
    pub destination: Destination<'a>,
    /// Version and sample rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streaming_options: Option<StreamingOptions>,
    /// Seconds before the stream is cut; at most 14400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<u64>,
    /// Sent in the first message of the stream.
    #[serde(
        borrow,
        default,
        alias = "callheaders",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub call_headers: Vec<CallHeader<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An IVR: menus of prompts and keys; the result comes back as a PIE (svaml.md §3.8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RunMenu<'a> {
    /// Input accepted while a prompt plays (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barge: Option<bool>,
    /// Voice of TTS prompts; required with `enable_voice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Text<'a>>,
    /// The menu played first (`main` unless set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_menu: Option<Text<'a>>,
    /// Callers may speak their choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_voice: Option<bool>,
    /// The menus; one must be `main`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub menus: Vec<Menu<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> RunMenu<'a> {
    /// A menu run with these menus, starting at `main`.
    #[inline]
    pub fn new(menus: impl IntoIterator<Item = Menu<'a>>) -> Self {
        RunMenu {
            menus: menus.into_iter().collect(),
            ..RunMenu::default()
        }
    }

    /// The TTS voice / locale.
    #[inline]
    pub fn locale(mut self, locale: impl Into<Text<'a>>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Whether input interrupts prompts.
    #[inline]
    pub fn barge(mut self, barge: bool) -> Self {
        self.barge = Some(barge);
        self
    }

    /// The first menu.
    #[inline]
    pub fn main_menu(mut self, id: impl Into<Text<'a>>) -> Self {
        self.main_menu = Some(id.into());
        self
    }
}

/// Holds the call with a looping prompt (svaml.md §3.9).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Park<'a> {
    /// TTS voice / locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Text<'a>>,
    /// Played once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro_prompt: Option<Text<'a>>,
    /// Played in a loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_prompt: Option<Text<'a>>,
    /// Seconds the hold prompt loops; at most 600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<u64>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

// ---------------------------------------------------------------- instructions

/// Plays prompts in order (svaml.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PlayFiles<'a> {
    /// One prompt per element: file id, URL, `#href[..]`, `#tts[..]`, `#ssml[..]`.
    pub ids: Vec<Text<'a>>,
    /// Voice / locale; required when a prompt is TTS or SSML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Text<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> PlayFiles<'a> {
    /// Plays each part of `prompt` in turn.
    pub fn new(prompt: impl Into<Prompt<'a>>) -> Self {
        PlayFiles {
            ids: prompt.into().into_parts(),
            locale: None,
            extra: Default::default(),
        }
    }

    /// The voice / locale.
    pub fn locale(mut self, locale: impl Into<Text<'a>>) -> Self {
        self.locale = Some(locale.into());
        self
    }
}

/// Speaks text (at most 600 characters by default).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Say<'a> {
    /// The text.
    pub text: Text<'a>,
    /// Voice / locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Text<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Sends DTMF tones (`0`-`9`, `#`, `w` for a 500 ms pause).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SendDtmf<'a> {
    /// The tones.
    pub value: Text<'a>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Stores a value carried into the later events of the call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SetCookie<'a> {
    /// Cookie name.
    pub key: Text<'a>,
    /// Cookie value.
    pub value: Text<'a>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Answers the incoming leg now (before prompts on an unanswered call).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Answer {
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Starts recording the call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StartRecording<'a> {
    /// Where and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<StartRecordingOptions<'a>>,
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Stops recording the call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StopRecording {
    /// Fields this crate does not know, kept as received and written back.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

// ---------------------------------------------------------------- the tagged unions

/// Any action, tagged by `name` on the wire. Which ones a reply may carry depends on the
/// callback it answers: see [`Svaml`](super::Svaml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "name")]
#[non_exhaustive]
pub enum Action<'a> {
    /// `hangup`.
    #[serde(rename = "hangup")]
    Hangup(Hangup),
    /// `continue`.
    #[serde(rename = "continue")]
    Continue(Continue),
    /// `connectPstn`.
    #[serde(rename = "connectPstn")]
    ConnectPstn(ConnectPstn<'a>),
    /// `connectMxp`.
    #[serde(rename = "connectMxp")]
    ConnectMxp(ConnectMxp<'a>),
    /// `connectConf`.
    #[serde(rename = "connectConf")]
    ConnectConf(ConnectConf<'a>),
    /// `connectSip`.
    #[serde(rename = "connectSip")]
    ConnectSip(ConnectSip<'a>),
    /// `connectStream`.
    #[serde(rename = "connectStream")]
    ConnectStream(ConnectStream<'a>),
    /// `runMenu`.
    #[serde(rename = "runMenu")]
    RunMenu(RunMenu<'a>),
    /// `park`.
    #[serde(rename = "park")]
    Park(Park<'a>),
}

/// Any instruction, tagged by `name` on the wire.
// Unboxed: a reply holds a handful, built once; boxing the big ones costs an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "name")]
#[non_exhaustive]
pub enum Instruction<'a> {
    /// `playFiles`.
    #[serde(rename = "playFiles")]
    PlayFiles(PlayFiles<'a>),
    /// `say`.
    #[serde(rename = "say")]
    Say(Say<'a>),
    /// `sendDtmf`.
    #[serde(rename = "sendDtmf")]
    SendDtmf(SendDtmf<'a>),
    /// `setCookie`.
    #[serde(rename = "setCookie")]
    SetCookie(SetCookie<'a>),
    /// `answer`.
    #[serde(rename = "answer")]
    Answer(Answer),
    /// `startRecording`.
    #[serde(rename = "startRecording")]
    StartRecording(StartRecording<'a>),
    /// `stopRecording`.
    #[serde(rename = "stopRecording")]
    StopRecording(StopRecording),
}

/// The kinds of action, for the context rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ActionKind {
    Hangup,
    Continue,
    ConnectPstn,
    ConnectMxp,
    ConnectConf,
    ConnectSip,
    ConnectStream,
    RunMenu,
    Park,
}

/// The kinds of instruction, for the context rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum InstructionKind {
    PlayFiles,
    Say,
    SendDtmf,
    SetCookie,
    Answer,
    StartRecording,
    StopRecording,
}

impl ActionKind {
    /// Canonical wire name.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Hangup => "hangup",
            ActionKind::Continue => "continue",
            ActionKind::ConnectPstn => "connectPstn",
            ActionKind::ConnectMxp => "connectMxp",
            ActionKind::ConnectConf => "connectConf",
            ActionKind::ConnectSip => "connectSip",
            ActionKind::ConnectStream => "connectStream",
            ActionKind::RunMenu => "runMenu",
            ActionKind::Park => "park",
        }
    }

    /// Every action kind.
    pub const ALL: [ActionKind; 9] = [
        ActionKind::Hangup,
        ActionKind::Continue,
        ActionKind::ConnectPstn,
        ActionKind::ConnectMxp,
        ActionKind::ConnectConf,
        ActionKind::ConnectSip,
        ActionKind::ConnectStream,
        ActionKind::RunMenu,
        ActionKind::Park,
    ];

    /// Reads a name in any case (the platform is case-insensitive).
    pub fn from_name(name: &str) -> Option<ActionKind> {
        ActionKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

impl InstructionKind {
    /// Canonical wire name.
    pub fn name(self) -> &'static str {
        match self {
            InstructionKind::PlayFiles => "playFiles",
            InstructionKind::Say => "say",
            InstructionKind::SendDtmf => "sendDtmf",
            InstructionKind::SetCookie => "setCookie",
            InstructionKind::Answer => "answer",
            InstructionKind::StartRecording => "startRecording",
            InstructionKind::StopRecording => "stopRecording",
        }
    }

    /// Every instruction kind.
    pub const ALL: [InstructionKind; 7] = [
        InstructionKind::PlayFiles,
        InstructionKind::Say,
        InstructionKind::SendDtmf,
        InstructionKind::SetCookie,
        InstructionKind::Answer,
        InstructionKind::StartRecording,
        InstructionKind::StopRecording,
    ];

    /// Reads a name in any case.
    pub fn from_name(name: &str) -> Option<InstructionKind> {
        InstructionKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

impl Action<'_> {
    /// Which action this is.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Hangup(_) => ActionKind::Hangup,
            Action::Continue(_) => ActionKind::Continue,
            Action::ConnectPstn(_) => ActionKind::ConnectPstn,
            Action::ConnectMxp(_) => ActionKind::ConnectMxp,
            Action::ConnectConf(_) => ActionKind::ConnectConf,
            Action::ConnectSip(_) => ActionKind::ConnectSip,
            Action::ConnectStream(_) => ActionKind::ConnectStream,
            Action::RunMenu(_) => ActionKind::RunMenu,
            Action::Park(_) => ActionKind::Park,
        }
    }
}

impl Instruction<'_> {
    /// Which instruction this is.
    pub fn kind(&self) -> InstructionKind {
        match self {
            Instruction::PlayFiles(_) => InstructionKind::PlayFiles,
            Instruction::Say(_) => InstructionKind::Say,
            Instruction::SendDtmf(_) => InstructionKind::SendDtmf,
            Instruction::SetCookie(_) => InstructionKind::SetCookie,
            Instruction::Answer(_) => InstructionKind::Answer,
            Instruction::StartRecording(_) => InstructionKind::StartRecording,
            Instruction::StopRecording(_) => InstructionKind::StopRecording,
        }
    }
}

macro_rules! into_union {
    ($union:ident: $($variant:ident($ty:ty)),+ $(,)?) => {
        $(
            impl<'a> From<$ty> for $union<'a> {
                fn from(value: $ty) -> Self {
                    $union::$variant(value)
                }
            }
        )+
    };
}

into_union!(Action:
    Hangup(Hangup),
    Continue(Continue),
    ConnectPstn(ConnectPstn<'a>),
    ConnectMxp(ConnectMxp<'a>),
    ConnectConf(ConnectConf<'a>),
    ConnectSip(ConnectSip<'a>),
    ConnectStream(ConnectStream<'a>),
    RunMenu(RunMenu<'a>),
    Park(Park<'a>),
);

into_union!(Instruction:
    PlayFiles(PlayFiles<'a>),
    Say(Say<'a>),
    SendDtmf(SendDtmf<'a>),
    SetCookie(SetCookie<'a>),
    Answer(Answer),
    StartRecording(StartRecording<'a>),
    StopRecording(StopRecording),
);
