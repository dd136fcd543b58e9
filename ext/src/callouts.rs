//! Callouts (`POST /calling/v1/callouts`, spec `createCallout`): text-to-speech, conference and custom. The text-to-speech and
//! conference builders are generated from the spec (`sinch_voice_raw::requests`): required
//! values are the constructor's arguments, every property a setter with the spec's docs. This
//! module adds what the spec cannot say: the rules across fields that every callout body is
//! checked with before it is sent (on any path: [`Client::callout`] or the generated
//! `create_callout`), and the custom callout, whose ICE, ACE and PIE replies are typed SVAML.
//!
//! ```no_run
//! # async fn run(client: sinch_voice::Client) -> Result<(), sinch_voice::Error> {
//! use sinch_voice::{ConferenceCallout, TtsCallout};
//!
//! let call_id = client
//!     .callout(TtsCallout::to("+46701234567").cli("+14045001000").text("Hello").locale("en-GB"))
//!     .await?;
//! client
//!     .callout(ConferenceCallout::to("+46701234567", "standup").enable_ace(true))
//!     .await?;
//! # let _ = call_id; Ok(()) }
//! ```

use std::borrow::Cow;

use sinch_voice_raw::operations::IntoRequest;
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::svaml::{Ace, ConferenceDtmfOptions, Context, Ice, Pie, Prompt, Svaml};
use crate::svaml::{MAX_TTS_CHARS, prompt::field_problems};
use crate::values::{
    AceReplyText, CallId, Destination, DestinationType, Domain, E164, FieldError, IceReplyText,
    IntoValue, PieReplyText,
};
use crate::wire;

type Text<'a> = Cow<'a, str>;

/// Calls a number, user or SIP address and speaks a text (or plays prompts): generated from
/// the spec's `TtsCallout`, made with `TtsCallout::to(destination)`.
///
/// ACE and DiCE flags have no effect for a `username` destination (the platform sends neither
/// for in-app calls); this crate leaves them off the wire there.
pub use sinch_voice_raw::requests::TtsCallout;

/// Calls a number, user or SIP address into a conference room (created if it does not exist):
/// generated from the spec's `ConferenceCallout`, made with
/// `ConferenceCallout::to(destination, conference_id)`.
pub use sinch_voice_raw::requests::ConferenceCallout;

/// A callout body as it is sent (`method` and the one nested callout): what
/// [`Client::callout`] builds from any of the three.
pub use sinch_voice_raw::types::CalloutRequest as Callout;

/// A conference callout takes the same DTMF options as SVAML's `connectConf`.
impl IntoValue<types::ConferenceDtmfOptions> for ConferenceDtmfOptions {
    fn into_value(self) -> Result<types::ConferenceDtmfOptions, FieldError> {
        wire::to_raw("", &self)
    }
}

/// Prompts go into a callout's `prompts` as their text form.
impl From<Prompt<'_>> for String {
    fn from(prompt: Prompt<'_>) -> Self {
        prompt.render().into_owned()
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

/// A callout driven by SVAML (or your callback URLs) at each event: generated from the spec's
/// `CustomCallout`, made with `CustomCallout::new()`. Its `ice`, `ace` and `pie` take a
/// [`CalloutReply`] or typed SVAML of that event only (`IceResponse` for `ice`, ...).
///
/// With inline ICE SVAML that says where the call goes (e.g. a `connectPstn`), leave
/// `destination` and `cli` out.
pub use sinch_voice_raw::requests::CustomCallout;

/// A reply goes into a custom callout as the text the platform reads: a URL (checked to be
/// http or https) or the SVAML as JSON.
macro_rules! reply_text {
    ($($context:ty => $text:ty),*) => {$(
        impl IntoValue<$text> for CalloutReply<'_, $context> {
            fn into_value(self) -> Result<$text, FieldError> {
                self.check("").map_err(wire::field_error)?;
                Ok(<$text>::from_wire(self.to_wire()))
            }
        }

        impl IntoValue<$text> for Svaml<'_, $context> {
            fn into_value(self) -> Result<$text, FieldError> {
                CalloutReply::Svaml(self).into_value()
            }
        }
    )*};
}

reply_text!(Ice => IceReplyText, Ace => AceReplyText, Pie => PieReplyText);

/// The body [`Client::callout`] would send, checked: for tests and previews.
pub fn callout_body(callout: impl IntoRequest<Callout>) -> Result<Callout, Error> {
    let mut body = callout.into_request()?;
    check_callout(&mut body)?;
    Ok(body)
}

/// The rules across fields of a callout body, applied to every callout before it is sent;
/// a `username` destination also loses its ACE and DiCE flags (the platform ignores them).
pub(crate) fn check_callout(body: &mut Callout) -> Result<(), Error> {
    match body {
        Callout::TtsCallout { tts_callout: c } => {
            let at = |f: &str| format!("ttsCallout.{f}");
            check_destination(&at("destination"), &c.destination, true)?;
            check_cli(&at("cli"), c.cli.as_deref())?;
            check_domain(&at("domain"), c.domain.as_ref())?;
            wire::not_blank(&at("locale"), c.locale.as_deref())?;
            wire::spoken_text(&at("text"), c.text.as_deref())?;
            wire::not_blank(&at("prompts"), c.prompts.as_deref())?;
            if let Some(problem) = c
                .prompts
                .as_deref()
                .and_then(|p| field_problems(p, MAX_TTS_CHARS).into_iter().next())
            {
                return Err(Error::invalid_input(at("prompts"), problem));
            }
            if c.text.is_none() && c.prompts.is_none() {
                return Err(Error::invalid_input(
                    at("text"),
                    "give .text(..) or .prompts(..): the callout has nothing to say",
                ));
            }
            // Refused, not warned: the platform answers a callId and the call never connects
            // (the correction of ttsCallout `cli` in spec/corrections.yaml), which a log line
            // would leave for production.
            if c.destination.is_number() && c.cli.is_none() {
                return Err(Error::invalid_input(
                    at("cli"),
                    "required to call a phone number: without a caller id the platform accepts \
                     the callout and the call never connects",
                ));
            }
            if c.destination.is_username() {
                c.enable_ace = None;
                c.enable_dice = None;
            }
        }
        Callout::ConferenceCallout {
            conference_callout: c,
        } => {
            let at = |f: &str| format!("conferenceCallout.{f}");
            check_destination(&at("destination"), &c.destination, true)?;
            check_cli(&at("cli"), c.cli.as_deref())?;
            wire::not_blank(&at("locale"), c.locale.as_deref())?;
            wire::spoken_text(&at("greeting"), c.greeting.as_deref())?;
            check_domain(&at("domain"), c.domain.as_ref())?;
            if c.destination.is_username() {
                c.enable_ace = None;
                c.enable_dice = None;
            }
        }
        Callout::CustomCallout { custom_callout: c } => {
            let at = |f: &str| format!("customCallout.{f}");
            if let Some(d) = &c.destination {
                check_destination(&at("destination"), d, false)?;
            }
            check_cli(&at("cli"), c.cli.as_deref())?;
            // The builder checks the spec's `maximum`; a raw body given as it is does not.
            if let Some(seconds) = c.max_duration
                && !(0..=crate::svaml::MAX_CALL_SECONDS as i64).contains(&seconds)
            {
                return Err(Error::invalid_input(
                    at("maxDuration"),
                    format!(
                        "at most {} seconds, got {seconds}",
                        crate::svaml::MAX_CALL_SECONDS
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl Client {
    /// Places a callout and returns the new call's id.
    ///
    /// Every field is checked first (an error names it, and nothing is sent). Retried only
    /// if the request provably never left: a retry never places a second call.
    pub async fn callout(&self, callout: impl IntoRequest<Callout>) -> Result<CallId, Error> {
        let response = self.create_callout(callout).await?;
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

fn check_domain(field: &str, domain: Option<&Domain>) -> Result<(), Error> {
    match domain {
        None | Some(Domain::Pstn | Domain::Mxp) => Ok(()),
        Some(other) => Err(Error::invalid_input(
            field,
            format!("a callout's domain is pstn or mxp, not {other}"),
        )),
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

    fn json(callout: impl IntoRequest<Callout>) -> serde_json::Value {
        serde_json::to_value(callout_body(callout).unwrap()).unwrap()
    }

    fn field(callout: impl IntoRequest<Callout>) -> String {
        match callout_body(callout) {
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
        let callout = CustomCallout::new()
            .ice(ice)
            .ace(AceResponse::builder().proceed().build().unwrap())
            .pie(CalloutReply::url("https://example.com/pie"));
        let body = json(callout);
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
        let written = json(
            TtsCallout::to("+46701234567")
                .cli("+14045001000")
                .prompts("#tts[Hi];welcome"),
        );
        assert_eq!(written["ttsCallout"]["prompts"], "#tts[Hi];welcome");
        // A phone needs a caller id: the platform would accept the callout and never connect.
        assert_eq!(
            field(TtsCallout::to("+46701234567").text("x")),
            "ttsCallout.cli"
        );
        assert!(callout_body(TtsCallout::to(Destination::username("bob")).text("x")).is_ok());
        assert_eq!(
            field(ConferenceCallout::to("+46701234567", "room a")),
            "conferenceCallout.conferenceId"
        );
        assert_eq!(
            field(ConferenceCallout::to("+46701234567", "r").max_duration(14_401)),
            "conferenceCallout.maxDuration"
        );
        assert_eq!(
            field(CustomCallout::new().ice(CalloutReply::url(""))),
            "customCallout.ice"
        );
        assert_eq!(
            field(CustomCallout::new().ice(CalloutReply::url("ftp://x/y"))),
            "customCallout.ice"
        );
    }

    #[test]
    fn username_destinations_leave_ace_and_dice_off_the_wire() {
        let body = json(
            TtsCallout::to(Destination::username("alice"))
                .text("hi")
                .enable_ace(true)
                .enable_dice(true)
                .enable_pie(true),
        );
        let inner = &body["ttsCallout"];
        assert!(inner.get("enableAce").is_none() && inner.get("enableDice").is_none());
        assert_eq!(inner["enablePie"], true);
    }
}
