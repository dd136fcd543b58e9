//! Callouts (rest-api.md §4.2): text-to-speech, conference and custom, each a builder that
//! takes the required values as constructor arguments and every option as a setter, checked
//! against the platform's rules before anything is sent.
//!
//! ```no_run
//! # async fn run(client: sinch_voice::Client) -> Result<(), sinch_voice::Error> {
//! use sinch_voice::{ConferenceCallout, TtsCallout};
//!
//! let call_id = client
//!     .callout(TtsCallout::to("+46701234567").cli("+14045001000").text("Hello").locale("en-GB"))
//!     .await?;
//! client
//!     .callout(ConferenceCallout::to("+46701234567", "standup").ace(true))
//!     .await?;
//! # let _ = call_id; Ok(()) }
//! ```

use std::borrow::Cow;

use serde::Serialize;
use sinch_voice_raw::operations::IntoRequest;
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::svaml::{Ace, ConferenceDtmfOptions, Context, Ice, Pie, Prompt, Svaml};
use crate::svaml::{MAX_TTS_CHARS, prompt::field_problems};
use crate::values::{
    CallId, Destination, DestinationType, Domain, Dtmf, E164, FieldError, MusicOnHold,
};
use crate::wire;

type Text<'a> = Cow<'a, str>;

/// Calls a number, user or SIP address and speaks a text (or plays prompts).
///
/// ACE and DiCE flags have no effect for a `username` destination (the platform sends neither
/// for in-app calls); this crate leaves them off the wire there.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use = "pass it to Client::callout"]
pub struct TtsCallout<'a> {
    destination: Destination<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cli: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtmf: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<Domain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompts: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_ace: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_dice: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_pie: Option<bool>,
}

impl<'a> TtsCallout<'a> {
    /// A callout to `destination`: a number (`"+46701234567"`, an [`E164`]) or any
    /// [`Destination`]. Give it [`text`](Self::text) or [`prompts`](Self::prompts).
    pub fn to(destination: impl Into<Destination<'a>>) -> Self {
        TtsCallout {
            destination: destination.into(),
            cli: None,
            dtmf: None,
            domain: None,
            custom: None,
            locale: None,
            text: None,
            prompts: None,
            enable_ace: None,
            enable_dice: None,
            enable_pie: None,
        }
    }

    /// The caller id shown to the callee (E.164). The platform needs one to connect a call to
    /// a phone, though its schema calls it optional.
    pub fn cli(mut self, cli: impl Into<Text<'a>>) -> Self {
        self.cli = Some(cli.into());
        self
    }

    /// The text to speak: at most 600 characters.
    pub fn text(mut self, text: impl Into<Text<'a>>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Prompts to play in place of (or after) the text: TTS, SSML, URLs or recorded files.
    pub fn prompts(mut self, prompts: impl Into<Prompt<'a>>) -> Self {
        self.prompts = Some(prompts.into().render());
        self
    }

    /// The language or voice of the text, e.g. `en-GB` (the platform's default is `en-US`).
    pub fn locale(mut self, locale: impl Into<Text<'a>>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// DTMF tones played when the callee answers (`0`-`9`, `#`, `w`).
    pub fn dtmf(mut self, tones: impl Into<Text<'a>>) -> Self {
        self.dtmf = Some(tones.into());
        self
    }

    /// `pstn` or `mxp`.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = Some(domain);
        self
    }

    /// Free text that comes back in the callbacks of this call.
    pub fn custom(mut self, custom: impl Into<Text<'a>>) -> Self {
        self.custom = Some(custom.into());
        self
    }

    /// Send an Answered Call Event to your callback URL (default off).
    pub fn ace(mut self, on: bool) -> Self {
        self.enable_ace = Some(on);
        self
    }

    /// Send a Disconnected Call Event to your callback URL (default off).
    pub fn dice(mut self, on: bool) -> Self {
        self.enable_dice = Some(on);
        self
    }

    /// Send Prompt Input Events to your callback URL (default off).
    pub fn pie(mut self, on: bool) -> Self {
        self.enable_pie = Some(on);
        self
    }

    fn check(&self) -> Result<(), Error> {
        let at = |f: &str| format!("ttsCallout.{f}");
        check_destination(&at("destination"), &self.destination, true)?;
        check_cli(&at("cli"), self.cli.as_deref())?;
        check_dtmf(&at("dtmf"), self.dtmf.as_deref())?;
        check_domain(&at("domain"), self.domain.as_ref())?;
        wire::not_blank(&at("locale"), self.locale.as_deref())?;
        wire::spoken_text(&at("text"), self.text.as_deref())?;
        wire::not_blank(&at("prompts"), self.prompts.as_deref())?;
        if let Some(problem) = self
            .prompts
            .as_deref()
            .and_then(|p| field_problems(p, MAX_TTS_CHARS).into_iter().next())
        {
            return Err(Error::invalid_input(at("prompts"), problem));
        }
        if self.text.is_none() && self.prompts.is_none() {
            return Err(Error::invalid_input(
                at("text"),
                "give .text(..) or .prompts(..): the callout has nothing to say",
            ));
        }
        Ok(())
    }

    fn on_the_wire(&self) -> Self {
        let mut wire = self.clone();
        if wire.destination.is_username() {
            wire.enable_ace = None;
            wire.enable_dice = None;
        }
        wire
    }
}

/// Calls a number, user or SIP address and joins them to a conference room (created if it
/// does not exist).
///
/// ACE and DiCE flags have no effect for a `username` destination; they are left off the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use = "pass it to Client::callout"]
pub struct ConferenceCallout<'a> {
    destination: Destination<'a>,
    conference_id: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cli: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conference_dtmf_options: Option<ConferenceDtmfOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtmf: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_ace: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_dice: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_pie: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    greeting: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moh_class: Option<MusicOnHold>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<Domain>,
}

impl<'a> ConferenceCallout<'a> {
    /// Calls `destination` (a number or any [`Destination`]) into the room `conference_id`
    /// (1 to 64 of `A-Z a-z 0-9 - . _ ~`, see [`ConferenceId`](crate::ConferenceId)).
    pub fn to(destination: impl Into<Destination<'a>>, conference_id: impl Into<Text<'a>>) -> Self {
        ConferenceCallout {
            destination: destination.into(),
            conference_id: conference_id.into(),
            cli: None,
            conference_dtmf_options: None,
            dtmf: None,
            max_duration: None,
            enable_ace: None,
            enable_dice: None,
            enable_pie: None,
            locale: None,
            greeting: None,
            moh_class: None,
            custom: None,
            domain: None,
        }
    }

    /// The caller id shown to the callee (E.164).
    pub fn cli(mut self, cli: impl Into<Text<'a>>) -> Self {
        self.cli = Some(cli.into());
        self
    }

    /// What happens to the keys this participant presses.
    pub fn dtmf_options(mut self, options: ConferenceDtmfOptions) -> Self {
        self.conference_dtmf_options = Some(options);
        self
    }

    /// DTMF tones played when the callee answers.
    pub fn dtmf(mut self, tones: impl Into<Text<'a>>) -> Self {
        self.dtmf = Some(tones.into());
        self
    }

    /// Ends the call after `seconds` (at most 14400).
    pub fn max_duration(mut self, seconds: u64) -> Self {
        self.max_duration = Some(seconds);
        self
    }

    /// Send an Answered Call Event (default off).
    pub fn ace(mut self, on: bool) -> Self {
        self.enable_ace = Some(on);
        self
    }

    /// Send a Disconnected Call Event (default off).
    pub fn dice(mut self, on: bool) -> Self {
        self.enable_dice = Some(on);
        self
    }

    /// Send Prompt Input Events, e.g. for keys detected in the conference (default off).
    pub fn pie(mut self, on: bool) -> Self {
        self.enable_pie = Some(on);
        self
    }

    /// The language of the greeting (default `en-US`).
    pub fn locale(mut self, locale: impl Into<Text<'a>>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Text spoken to the callee on joining (at most 600 characters).
    pub fn greeting(mut self, text: impl Into<Text<'a>>) -> Self {
        self.greeting = Some(text.into());
        self
    }

    /// What the participant hears while alone in the room.
    pub fn music_on_hold(mut self, moh: MusicOnHold) -> Self {
        self.moh_class = Some(moh);
        self
    }

    /// Free text that comes back in the callbacks of this call.
    pub fn custom(mut self, custom: impl Into<Text<'a>>) -> Self {
        self.custom = Some(custom.into());
        self
    }

    /// `pstn` or `mxp`.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = Some(domain);
        self
    }

    fn check(&self) -> Result<(), Error> {
        let at = |f: &str| format!("conferenceCallout.{f}");
        check_destination(&at("destination"), &self.destination, true)?;
        wire::conference_id(&at("conferenceId"), &self.conference_id)?;
        check_cli(&at("cli"), self.cli.as_deref())?;
        check_dtmf(&at("dtmf"), self.dtmf.as_deref())?;
        wire::max_duration(&at("maxDuration"), self.max_duration)?;
        wire::not_blank(&at("locale"), self.locale.as_deref())?;
        wire::spoken_text(&at("greeting"), self.greeting.as_deref())?;
        check_domain(&at("domain"), self.domain.as_ref())?;
        if let Some(o) = &self.conference_dtmf_options
            && o.max_digits == Some(0)
        {
            return Err(Error::invalid_input(
                at("conferenceDtmfOptions.maxDigits"),
                "at least 1",
            ));
        }
        Ok(())
    }

    fn on_the_wire(&self) -> Self {
        let mut wire = self.clone();
        if wire.destination.is_username() {
            wire.enable_ace = None;
            wire.enable_dice = None;
        }
        wire
    }
}

/// What the platform does at one event of a custom callout: ask a URL, or follow SVAML given
/// up front.
#[derive(Debug, Clone, PartialEq, Eq)]
// Unboxed: one per event of a callout, built once.
#[allow(clippy::large_enum_variant)]
pub enum CalloutReply<'a, C: Context> {
    /// Ask this URL (your callback server).
    Url(Text<'a>),
    /// Use this SVAML without asking.
    Svaml(Svaml<'a, C>),
}

impl<'a, C: Context> CalloutReply<'a, C> {
    /// Ask this URL.
    pub fn url(url: impl Into<Text<'a>>) -> Self {
        CalloutReply::Url(url.into())
    }

    fn check(&self, field: &str) -> Result<(), Error> {
        match self {
            CalloutReply::Url(url) => wire::http_url(field, url),
            CalloutReply::Svaml(_) => Ok(()),
        }
    }

    fn to_wire(&self) -> String {
        match self {
            CalloutReply::Url(url) => url.to_string(),
            CalloutReply::Svaml(svaml) => svaml.to_json(),
        }
    }
}

impl<'a, C: Context> From<Svaml<'a, C>> for CalloutReply<'a, C> {
    fn from(svaml: Svaml<'a, C>) -> Self {
        CalloutReply::Svaml(svaml)
    }
}

/// A callout driven by SVAML (or your callback URLs) at each event.
///
/// With inline ICE SVAML that says where the call goes (e.g. a `connectPstn`), leave
/// [`to`](Self::to) and [`cli`](Self::cli) out.
#[derive(Debug, Clone, PartialEq, Default)]
#[must_use = "pass it to Client::callout"]
pub struct CustomCallout<'a> {
    cli: Option<Text<'a>>,
    destination: Option<Destination<'a>>,
    dtmf: Option<Text<'a>>,
    custom: Option<Text<'a>>,
    max_duration: Option<u64>,
    ice: Option<CalloutReply<'a, Ice>>,
    ace: Option<CalloutReply<'a, Ace>>,
    pie: Option<CalloutReply<'a, Pie>>,
}

/// The wire form: ICE, ACE and PIE as JSON strings inside the body.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomCalloutWire<'w> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cli: Option<&'w str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<&'w Destination<'w>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dtmf: Option<&'w str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<&'w str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ice: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pie: Option<String>,
}

impl<'a> CustomCallout<'a> {
    /// A custom callout with nothing set: the platform asks your callback URL at each event.
    pub fn new() -> Self {
        CustomCallout::default()
    }

    /// A custom callout whose Incoming Call Event is answered by `ice`: typed SVAML (an
    /// [`IceResponse`](crate::svaml::IceResponse)) or [`CalloutReply::url`].
    pub fn with_ice(ice: impl Into<CalloutReply<'a, Ice>>) -> Self {
        CustomCallout {
            ice: Some(ice.into()),
            ..CustomCallout::default()
        }
    }

    /// Whom to call (a number or any [`Destination`]), when the ICE reply does not say.
    pub fn to(mut self, destination: impl Into<Destination<'a>>) -> Self {
        self.destination = Some(destination.into());
        self
    }

    /// The caller id (E.164).
    pub fn cli(mut self, cli: impl Into<Text<'a>>) -> Self {
        self.cli = Some(cli.into());
        self
    }

    /// DTMF tones played when the callee answers.
    pub fn dtmf(mut self, tones: impl Into<Text<'a>>) -> Self {
        self.dtmf = Some(tones.into());
        self
    }

    /// Free text that comes back in the callbacks.
    pub fn custom(mut self, custom: impl Into<Text<'a>>) -> Self {
        self.custom = Some(custom.into());
        self
    }

    /// Ends the call after `seconds` (at most 14400).
    pub fn max_duration(mut self, seconds: u64) -> Self {
        self.max_duration = Some(seconds);
        self
    }

    /// The reply to the Answered Call Event.
    pub fn ace(mut self, ace: impl Into<CalloutReply<'a, Ace>>) -> Self {
        self.ace = Some(ace.into());
        self
    }

    /// The reply to Prompt Input Events.
    pub fn pie(mut self, pie: impl Into<CalloutReply<'a, Pie>>) -> Self {
        self.pie = Some(pie.into());
        self
    }

    fn check(&self) -> Result<(), Error> {
        let at = |f: &str| format!("customCallout.{f}");
        if let Some(d) = &self.destination {
            check_destination(&at("destination"), d, false)?;
        }
        check_cli(&at("cli"), self.cli.as_deref())?;
        check_dtmf(&at("dtmf"), self.dtmf.as_deref())?;
        wire::max_duration(&at("maxDuration"), self.max_duration)?;
        if let Some(r) = &self.ice {
            r.check(&at("ice"))?;
        }
        if let Some(r) = &self.ace {
            r.check(&at("ace"))?;
        }
        if let Some(r) = &self.pie {
            r.check(&at("pie"))?;
        }
        Ok(())
    }

    fn wire(&self) -> CustomCalloutWire<'_> {
        CustomCalloutWire {
            cli: self.cli.as_deref(),
            destination: self.destination.as_ref(),
            dtmf: self.dtmf.as_deref(),
            custom: self.custom.as_deref(),
            max_duration: self.max_duration,
            ice: self.ice.as_ref().map(CalloutReply::to_wire),
            ace: self.ace.as_ref().map(CalloutReply::to_wire),
            pie: self.pie.as_ref().map(CalloutReply::to_wire),
        }
    }
}

/// Any of the three callouts; what [`Client::callout`] takes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Callout<'a> {
    /// Text to speech.
    Tts(TtsCallout<'a>),
    /// Into a conference.
    Conference(ConferenceCallout<'a>),
    /// Driven by SVAML (boxed: its replies make it the largest).
    Custom(Box<CustomCallout<'a>>),
}

impl<'a> From<TtsCallout<'a>> for Callout<'a> {
    fn from(c: TtsCallout<'a>) -> Self {
        Callout::Tts(c)
    }
}

impl<'a> From<ConferenceCallout<'a>> for Callout<'a> {
    fn from(c: ConferenceCallout<'a>) -> Self {
        Callout::Conference(c)
    }
}

impl<'a> From<CustomCallout<'a>> for Callout<'a> {
    fn from(c: CustomCallout<'a>) -> Self {
        Callout::Custom(Box::new(c))
    }
}

#[derive(Serialize)]
#[serde(tag = "method")]
enum CalloutWire<'w> {
    #[serde(rename = "ttsCallout")]
    Tts {
        #[serde(rename = "ttsCallout")]
        body: TtsCallout<'w>,
    },
    #[serde(rename = "conferenceCallout")]
    Conference {
        #[serde(rename = "conferenceCallout")]
        body: ConferenceCallout<'w>,
    },
    #[serde(rename = "customCallout")]
    Custom {
        #[serde(rename = "customCallout")]
        body: CustomCalloutWire<'w>,
    },
}

impl Callout<'_> {
    /// Checks every field against the platform's rules; the error names the first bad one.
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Callout::Tts(c) => c.check(),
            Callout::Conference(c) => c.check(),
            Callout::Custom(c) => c.check(),
        }
    }

    /// The request body exactly as it goes on the wire (after [`check`](Self::check)).
    pub fn to_json(&self) -> Result<serde_json::Value, Error> {
        self.check()?;
        let wire = match self {
            Callout::Tts(c) => CalloutWire::Tts {
                body: c.on_the_wire(),
            },
            Callout::Conference(c) => CalloutWire::Conference {
                body: c.on_the_wire(),
            },
            Callout::Custom(c) => CalloutWire::Custom { body: c.wire() },
        };
        serde_json::to_value(&wire)
            .map_err(|e| Error::invalid_input("callout", format!("cannot be serialised: {e}")))
    }
}

impl IntoRequest<types::CalloutRequest> for Callout<'_> {
    fn into_request(self) -> Result<types::CalloutRequest, FieldError> {
        let json = self.to_json().map_err(wire::field_error)?;
        wire::to_raw("callout", &json)
    }
}

macro_rules! into_callout_request {
    ($($kind:ident),*) => {$(
        impl IntoRequest<types::CalloutRequest> for $kind<'_> {
            fn into_request(self) -> Result<types::CalloutRequest, FieldError> {
                Callout::from(self).into_request()
            }
        }
    )*};
}
into_callout_request!(TtsCallout, ConferenceCallout, CustomCallout);

fn check_destination(
    field: &str,
    destination: &Destination<'_>,
    required: bool,
) -> Result<(), Error> {
    let endpoint = format!("{field}.endpoint");
    match &destination.kind {
        Some(DestinationType::Number) => {
            E164::check(&destination.endpoint).map_err(|e| wire::invalid(endpoint, e))
        }
        Some(DestinationType::Username | DestinationType::Sip) => {
            if destination.endpoint.trim().is_empty() {
                Err(Error::invalid_input(endpoint, "must not be empty"))
            } else {
                Ok(())
            }
        }
        Some(other) => Err(Error::invalid_input(
            format!("{field}.type"),
            format!("a callout goes to a number, username or sip destination, not {other}"),
        )),
        None if required => Err(Error::invalid_input(
            format!("{field}.type"),
            "required: use Destination::number, ::username or ::sip",
        )),
        None => Ok(()),
    }
}

/// A caller id: E.164, or `private` to withhold it.
fn check_cli(field: &str, cli: Option<&str>) -> Result<(), Error> {
    match cli {
        Some(cli) if !cli.eq_ignore_ascii_case("private") => {
            E164::check(cli).map_err(|e| wire::invalid(field, e))
        }
        _ => Ok(()),
    }
}

fn check_dtmf(field: &str, dtmf: Option<&str>) -> Result<(), Error> {
    match dtmf {
        Some(tones) => Dtmf::check(tones).map_err(|e| wire::invalid(field, e)),
        None => Ok(()),
    }
}

fn check_domain(field: &str, domain: Option<&Domain>) -> Result<(), Error> {
    match domain {
        None | Some(Domain::Pstn | Domain::Mxp) => Ok(()),
        Some(other) => Err(Error::invalid_input(
            field,
            format!("a callout's domain is pstn or mxp, not {other}"),
        )),
    }
}

impl Client {
    /// Places a callout and returns the new call's id.
    ///
    /// Every field is checked first (an error names it, and nothing is sent). Retried only
    /// if the request provably never left: a retry never places a second call.
    pub async fn callout<'a>(&self, callout: impl Into<Callout<'a>>) -> Result<CallId, Error> {
        let response = self.create_callout(callout.into()).await?;
        call_id_of(response)
    }

    /// Calls `to` and speaks `text`, showing `cli` as the caller id: the same as
    /// `client.callout(TtsCallout::to(to).cli(cli).text(text))`.
    pub async fn tts_callout(&self, to: &str, cli: &str, text: &str) -> Result<CallId, Error> {
        self.callout(TtsCallout::to(to).cli(cli).text(text)).await
    }

    /// Calls `to` into the room `conference_id`: the same as
    /// `client.callout(ConferenceCallout::to(to, conference_id))`.
    pub async fn conference_callout(&self, to: &str, conference_id: &str) -> Result<CallId, Error> {
        self.callout(ConferenceCallout::to(to, conference_id)).await
    }
}

fn call_id_of(response: types::CalloutResponse) -> Result<CallId, Error> {
    let decode = |message: String| Error::Decode {
        operation: "create_callout",
        status: 200,
        path: "callId".into(),
        message,
        body: bytes::Bytes::new(),
        truncated: false,
    };
    let id = response
        .call_id
        .or(response.callid)
        .ok_or_else(|| decode("the answer has no call id".into()))?;
    CallId::parse(id).map_err(|e| decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svaml::{AceResponse, ConnectPstn, IceResponse};

    fn field(callout: impl Into<Callout<'static>>) -> String {
        match callout.into().to_json() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected an invalid input, got {other:?}"),
        }
    }

    #[test]
    fn custom_replies_travel_as_json_strings() {
        let ice = IceResponse::builder()
            .connect_pstn(ConnectPstn::to("+46701234567").cli("+14045001000"))
            .build()
            .unwrap();
        let callout = CustomCallout::with_ice(ice)
            .ace(AceResponse::builder().proceed().build().unwrap())
            .pie(CalloutReply::url("https://example.com/pie"));
        let body = Callout::from(callout).to_json().unwrap();
        assert_eq!(body["method"], "customCallout");
        let inner = &body["customCallout"];
        assert_eq!(
            inner["ice"],
            r#"{"action":{"name":"connectPstn","number":"+46701234567","cli":"+14045001000"}}"#
        );
        assert_eq!(inner["ace"], r#"{"action":{"name":"continue"}}"#);
        assert_eq!(inner["pie"], "https://example.com/pie");
        assert!(inner.get("cli").is_none() && inner.get("destination").is_none());
    }

    #[test]
    fn refused_values_name_their_field() {
        assert_eq!(
            field(TtsCallout::to("46701234567").text("x")),
            "ttsCallout.destination.endpoint"
        );
        assert_eq!(
            field(TtsCallout::to("+46701234567").cli("0701").text("x")),
            "ttsCallout.cli"
        );
        assert_eq!(
            field(TtsCallout::to("+46701234567").text("x".repeat(601))),
            "ttsCallout.text"
        );
        assert_eq!(field(TtsCallout::to("+46701234567")), "ttsCallout.text");
        assert_eq!(
            field(TtsCallout::to("+46701234567").prompts(Prompt::tts("Press [1] now"))),
            "ttsCallout.prompts"
        );
        let written = Callout::from(TtsCallout::to("+46701234567").prompts("#tts[Hi];welcome"));
        assert_eq!(
            written.to_json().unwrap()["ttsCallout"]["prompts"],
            "#tts[Hi];welcome"
        );
        assert_eq!(
            field(ConferenceCallout::to("+46701234567", "room a")),
            "conferenceCallout.conferenceId"
        );
        assert_eq!(
            field(ConferenceCallout::to("+46701234567", "r").max_duration(14_401)),
            "conferenceCallout.maxDuration"
        );
        assert_eq!(
            field(CustomCallout::with_ice(CalloutReply::url(""))),
            "customCallout.ice"
        );
        assert_eq!(
            field(CustomCallout::with_ice(CalloutReply::url("ftp://x/y"))),
            "customCallout.ice"
        );
    }

    #[test]
    fn username_destinations_leave_ace_and_dice_off_the_wire() {
        let body = Callout::from(
            TtsCallout::to(Destination::username("alice"))
                .text("hi")
                .ace(true)
                .dice(true)
                .pie(true),
        )
        .to_json()
        .unwrap();
        let inner = &body["ttsCallout"];
        assert!(inner.get("enableAce").is_none() && inner.get("enableDice").is_none());
        assert_eq!(inner["enablePie"], true);
    }
}
