//! From body bytes to a typed [`CallbackEvent`], with errors that name the field.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::event::*;
use crate::values::borrow;

/// Why a callback body is not a usable event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid callback body: at `{path}`: {message}")]
pub struct ParseError {
    /// JSON path of the problem (`menuResult.type`; `$` for the whole body).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ParseError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl<'a> CallbackEvent<'a> {
    /// Parses a callback body, borrowing strings from it where JSON allows. `callId` is read
    /// as `callid`. Only `event` is required: every other field may be absent, an unknown
    /// event becomes [`CallbackEvent::Unknown`], and unknown fields are kept in `extra`.
    pub fn parse(body: &'a [u8]) -> Result<CallbackEvent<'a>, ParseError> {
        require_object(body)?;
        // Validating UTF-8 once up front spares serde_json a check per string.
        let text = std::str::from_utf8(body)
            .map_err(|e| ParseError::new("$", format!("not UTF-8: {e}")))?;
        // The usual body goes through the fast reader; anything it is not sure of, through
        // serde (which then also gives the error).
        if let Some(raw) = super::scan::read(text) {
            return from_raw(raw, body);
        }
        match serde_json::from_str::<RawEvent<'a>>(text) {
            Ok(raw) => from_raw(raw, body),
            Err(_) => unknown_event(body).ok_or_else(|| locate(body)),
        }
    }
}

impl CallbackEvent<'static> {
    /// Parses a callback body into an event that owns its strings: [`parse`](Self::parse),
    /// then [`into_owned`](Self::into_owned).
    pub fn parse_owned(body: &[u8]) -> Result<CallbackEvent<'static>, ParseError> {
        CallbackEvent::parse(body).map(CallbackEvent::into_owned)
    }
}

/// The serde reader alone, from an `io::Read` (so every string is owned): a reader
/// independent of the fast one, for the fuzz targets and tests to check `parse` against.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn parse_with_serde_reader(body: &[u8]) -> Result<CallbackEvent<'static>, ParseError> {
    require_object(body)?;
    std::str::from_utf8(body).map_err(|e| ParseError::new("$", format!("not UTF-8: {e}")))?;
    // A reader never lends out borrowed strings, so every field is owned.
    let mut deserializer = serde_json::Deserializer::from_reader(body);
    match RawEvent::deserialize(&mut deserializer).and_then(|raw| deserializer.end().map(|()| raw))
    {
        Ok(raw) => from_raw(raw, body),
        Err(_) => unknown_event(body).ok_or_else(|| locate(body)),
    }
}

/// serde reads a struct from a JSON array too; a callback body is an object.
fn require_object(body: &[u8]) -> Result<(), ParseError> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Ok(()),
        Some(_) => Err(ParseError::new("$", "expected a JSON object")),
        None => Err(ParseError::new("$", "the body is empty")),
    }
}

const KNOWN_EVENTS: [&str; 5] = ["ice", "ace", "dice", "pie", "notify"];

/// A body whose typed reading failed may still be a well-formed event of a kind this crate
/// does not know (whose fields mean something else): that is not an error.
fn unknown_event(body: &[u8]) -> Option<CallbackEvent<'static>> {
    // Top-level fields only, each kept as text: no recursion into the values.
    let map: std::collections::BTreeMap<String, RawJson> = serde_json::from_slice(body).ok()?;
    let name: String = map.get("event")?.parse().ok()?;
    if KNOWN_EVENTS.contains(&name.as_str()) {
        return None;
    }
    Some(unknown(name, map, body))
}

fn unknown(
    name: String,
    map: std::collections::BTreeMap<String, RawJson>,
    body: &[u8],
) -> CallbackEvent<'static> {
    let callid = map
        .get("callid")
        .or_else(|| map.get("callId"))
        .and_then(|v| v.parse::<String>().ok())
        .filter(|id| !id.is_empty());
    let text = String::from_utf8_lossy(body).trim().to_string();
    let body = serde_json::value::RawValue::from_string(text)
        .map(RawJson::from_raw)
        .expect("the body parsed as JSON a moment ago");
    CallbackEvent::Unknown(UnknownEvent {
        name: Cow::Owned(name),
        body,
        callid,
    })
}

/// The error path: parse again, tracking where serde gave up.
fn locate(body: &[u8]) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let error = match serde_path_to_error::deserialize::<_, RawEvent<'_>>(&mut deserializer) {
        Ok(_) => match deserializer.end() {
            Ok(()) => return ParseError::new("$", "not a callback body"),
            Err(e) => return ParseError::new("$", format!("not valid JSON: {e}")),
        },
        Err(e) => e,
    };
    let path = crate::json::path_text(error.path());
    let inner = error.into_inner();
    match inner.classify() {
        // Broken JSON is a fault of the whole body, wherever the parser stopped.
        serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof
        | serde_json::error::Category::Io => {
            ParseError::new("$", format!("not valid JSON: {inner}"))
        }
        _ if path.is_empty() => ParseError::new("$", format!("expected a JSON object: {inner}")),
        _ => ParseError::new(path, inner.to_string()),
    }
}

/// Fields of the superset that this kind of event does not have go back to `extra` as
/// they were read (rare: the platform sends each event its own fields).
macro_rules! keep {
    ($extra:expr, $($name:literal => $value:expr),* $(,)?) => {
        $(
            if let Some(json) = $value.as_ref().and_then(RawJson::of) {
                $extra.insert($name.to_string(), json);
            }
        )*
    };
}

fn from_raw<'a>(mut raw: RawEvent<'a>, body: &[u8]) -> Result<CallbackEvent<'a>, ParseError> {
    let event = raw
        .event
        .take()
        .ok_or_else(|| ParseError::new("event", "missing: every callback names its event"))?;
    if raw.callid.as_deref().is_some_and(str::is_empty) {
        return Err(ParseError::new("callid", "empty: a call id is never empty"));
    }
    let mut extra = std::mem::take(&mut raw.extra);
    // The fields every event has, then the ones of its kind.
    macro_rules! event {
        ($kind:ident { $($field:ident: $value:expr),* $(,)? }) => {
            $kind {
                callid: raw.callid,
                conference_id: raw.conference_id,
                version: raw.version,
                timestamp: raw.timestamp,
                custom: raw.custom,
                application_key: raw.application_key,
                cookies: raw.cookies.unwrap_or_default(),
                $($field: $value,)*
                extra,
            }
        };
    }
    Ok(match event.as_ref() {
        "ice" => {
            keep!(extra, "amd" => raw.amd, "reason" => raw.reason, "result" => raw.result,
                "debit" => raw.debit, "from" => raw.from, "menuResult" => raw.menu_result,
                "type" => raw.kind, "destination" => raw.destination,
                "errorCode" => raw.error_code, "errorMsg" => raw.error_msg);
            CallbackEvent::Ice(event!(IceEvent {
                call_resource_url: raw.call_resource_url,
                user_rate: raw.user_rate,
                cli: raw.cli,
                to: raw.to,
                domain: raw.domain,
                origination_type: raw.origination_type,
                duration: raw.duration,
                rdnis: raw.rdnis,
                call_headers: raw.call_headers.unwrap_or_default(),
                user: raw.user,
            }))
        }
        "ace" => {
            keep!(extra, "userRate" => raw.user_rate, "cli" => raw.cli, "to" => raw.to,
                "domain" => raw.domain, "originationType" => raw.origination_type,
                "duration" => raw.duration, "rdnis" => raw.rdnis,
                "callHeaders" => raw.call_headers, "user" => raw.user,
                "reason" => raw.reason, "result" => raw.result, "debit" => raw.debit,
                "from" => raw.from, "menuResult" => raw.menu_result, "type" => raw.kind,
                "destination" => raw.destination, "errorCode" => raw.error_code,
                "errorMsg" => raw.error_msg);
            CallbackEvent::Ace(event!(AceEvent {
                amd: raw.amd,
                call_resource_url: raw.call_resource_url,
            }))
        }
        "dice" => {
            keep!(extra, "callResourceUrl" => raw.call_resource_url, "cli" => raw.cli,
                "domain" => raw.domain, "originationType" => raw.origination_type,
                "rdnis" => raw.rdnis, "user" => raw.user, "amd" => raw.amd,
                "menuResult" => raw.menu_result, "type" => raw.kind,
                "destination" => raw.destination, "errorCode" => raw.error_code,
                "errorMsg" => raw.error_msg);
            CallbackEvent::Dice(event!(DiceEvent {
                reason: raw.reason,
                result: raw.result,
                debit: raw.debit,
                user_rate: raw.user_rate,
                to: raw.to,
                duration: raw.duration,
                from: raw.from,
                call_headers: raw.call_headers.unwrap_or_default(),
            }))
        }
        "pie" => {
            keep!(extra, "callResourceUrl" => raw.call_resource_url, "userRate" => raw.user_rate,
                "cli" => raw.cli, "to" => raw.to, "domain" => raw.domain,
                "originationType" => raw.origination_type, "duration" => raw.duration,
                "rdnis" => raw.rdnis, "callHeaders" => raw.call_headers, "user" => raw.user,
                "amd" => raw.amd, "reason" => raw.reason, "result" => raw.result,
                "debit" => raw.debit, "from" => raw.from, "type" => raw.kind,
                "destination" => raw.destination, "errorCode" => raw.error_code,
                "errorMsg" => raw.error_msg);
            CallbackEvent::Pie(event!(PieEvent {
                menu_result: raw.menu_result,
            }))
        }
        "notify" => {
            keep!(extra, "callResourceUrl" => raw.call_resource_url, "userRate" => raw.user_rate,
                "cli" => raw.cli, "to" => raw.to, "domain" => raw.domain,
                "originationType" => raw.origination_type, "duration" => raw.duration,
                "rdnis" => raw.rdnis, "callHeaders" => raw.call_headers,
                "reason" => raw.reason, "result" => raw.result, "debit" => raw.debit,
                "from" => raw.from, "menuResult" => raw.menu_result);
            CallbackEvent::Notify(event!(NotifyEvent {
                kind: raw.kind,
                destination: raw.destination,
                amd: raw.amd,
                error_code: raw.error_code,
                error_msg: raw.error_msg,
                user: raw.user,
            }))
        }
        _ => {
            // An unknown event keeps its whole body, exactly as received.
            let map = serde_json::from_slice(body)
                .map_err(|e| ParseError::new("$", format!("not valid JSON: {e}")))?;
            unknown(event.into_owned(), map, body)
        }
    })
}

// ---------------------------------------------------------------- the one-pass reader

/// `Option<Cow<str>>`, borrowed where JSON allows.
struct OptText<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for OptText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        borrow::option(d).map(OptText)
    }
}

/// An optional object (an array is refused).
struct OptObject<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OptObject<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        borrow::object(d).map(OptObject)
    }
}

/// An optional list of objects.
struct OptList<T>(Option<Vec<T>>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OptList<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        borrow::option_list(d).map(OptList)
    }
}

/// The fields of the superset, told apart while the key is read: a known key is never
/// copied, whatever the reader.
#[derive(Clone, Copy)]
enum Field {
    Event,
    Callid,
    ConferenceId,
    Version,
    Timestamp,
    Custom,
    ApplicationKey,
    CallResourceUrl,
    UserRate,
    Cli,
    To,
    Domain,
    OriginationType,
    Duration,
    Rdnis,
    CallHeaders,
    Cookies,
    User,
    Amd,
    Reason,
    Result,
    Debit,
    From,
    MenuResult,
    Type,
    Destination,
    ErrorCode,
    ErrorMsg,
}

impl Field {
    fn of(name: &str) -> Option<Field> {
        Some(match name {
            "event" => Field::Event,
            "callid" | "callId" => Field::Callid,
            "conferenceId" => Field::ConferenceId,
            "version" => Field::Version,
            "timestamp" => Field::Timestamp,
            "custom" => Field::Custom,
            "applicationKey" => Field::ApplicationKey,
            "callResourceUrl" => Field::CallResourceUrl,
            "userRate" => Field::UserRate,
            "cli" => Field::Cli,
            "to" => Field::To,
            "domain" => Field::Domain,
            "originationType" => Field::OriginationType,
            "duration" => Field::Duration,
            "rdnis" => Field::Rdnis,
            "callHeaders" => Field::CallHeaders,
            "cookies" => Field::Cookies,
            "user" => Field::User,
            "amd" => Field::Amd,
            "reason" => Field::Reason,
            "result" => Field::Result,
            "debit" => Field::Debit,
            "from" => Field::From,
            "menuResult" => Field::MenuResult,
            "type" => Field::Type,
            "destination" => Field::Destination,
            "errorCode" => Field::ErrorCode,
            "errorMsg" => Field::ErrorMsg,
            _ => return None,
        })
    }
}

/// A key of the event object: a known field, or one for `extra` (borrowed where JSON allows).
enum Key<'de> {
    Known(Field),
    Other(Cow<'de, str>),
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Field::of(v).map_or(Key::Other(Cow::Borrowed(v)), Key::Known))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Field::of(v).map_or_else(|| Key::Other(Cow::Owned(v.to_string())), Key::Known))
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct RawEventVisitor;

impl<'de> Visitor<'de> for RawEventVisitor {
    type Value = RawEvent<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a callback event object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawEvent<'de>, M::Error> {
        let mut raw = RawEvent::default();
        // A field sent twice is an error, as serde's own structs make it.
        fn once<T, E: serde::de::Error>(
            slot: &mut Option<T>,
            name: &'static str,
            value: Option<T>,
        ) -> Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(name));
            }
            *slot = value;
            Ok(())
        }
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key {
                Key::Known(Field::Event) => {
                    once(&mut raw.event, "event", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::Callid) => {
                    once(&mut raw.callid, "callid", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::ConferenceId) => once(
                    &mut raw.conference_id,
                    "conferenceId",
                    map.next_value::<OptText>()?.0,
                )?,
                Key::Known(Field::Version) => once(&mut raw.version, "version", map.next_value()?)?,
                Key::Known(Field::Timestamp) => {
                    once(&mut raw.timestamp, "timestamp", map.next_value()?)?
                }
                Key::Known(Field::Custom) => {
                    once(&mut raw.custom, "custom", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::ApplicationKey) => once(
                    &mut raw.application_key,
                    "applicationKey",
                    map.next_value::<OptText>()?.0,
                )?,
                Key::Known(Field::CallResourceUrl) => once(
                    &mut raw.call_resource_url,
                    "callResourceUrl",
                    map.next_value::<OptText>()?.0,
                )?,
                Key::Known(Field::UserRate) => once(
                    &mut raw.user_rate,
                    "userRate",
                    map.next_value::<OptObject<_>>()?.0,
                )?,
                Key::Known(Field::Cli) => {
                    once(&mut raw.cli, "cli", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::To) => {
                    once(&mut raw.to, "to", map.next_value::<OptObject<_>>()?.0)?
                }
                Key::Known(Field::Domain) => once(&mut raw.domain, "domain", map.next_value()?)?,
                Key::Known(Field::OriginationType) => once(
                    &mut raw.origination_type,
                    "originationType",
                    map.next_value()?,
                )?,
                Key::Known(Field::Duration) => {
                    once(&mut raw.duration, "duration", map.next_value()?)?
                }
                Key::Known(Field::Rdnis) => {
                    once(&mut raw.rdnis, "rdnis", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::CallHeaders) => once(
                    &mut raw.call_headers,
                    "callHeaders",
                    map.next_value::<OptList<_>>()?.0,
                )?,
                Key::Known(Field::Cookies) => once(
                    &mut raw.cookies,
                    "cookies",
                    map.next_value::<OptList<_>>()?.0,
                )?,
                Key::Known(Field::User) => {
                    once(&mut raw.user, "user", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::Amd) => {
                    once(&mut raw.amd, "amd", map.next_value::<OptObject<_>>()?.0)?
                }
                Key::Known(Field::Reason) => once(&mut raw.reason, "reason", map.next_value()?)?,
                Key::Known(Field::Result) => once(&mut raw.result, "result", map.next_value()?)?,
                Key::Known(Field::Debit) => {
                    once(&mut raw.debit, "debit", map.next_value::<OptObject<_>>()?.0)?
                }
                Key::Known(Field::From) => {
                    once(&mut raw.from, "from", map.next_value::<OptText>()?.0)?
                }
                Key::Known(Field::MenuResult) => once(
                    &mut raw.menu_result,
                    "menuResult",
                    map.next_value::<OptObject<_>>()?.0,
                )?,
                Key::Known(Field::Type) => once(&mut raw.kind, "type", map.next_value()?)?,
                Key::Known(Field::Destination) => once(
                    &mut raw.destination,
                    "destination",
                    map.next_value::<OptText>()?.0,
                )?,
                Key::Known(Field::ErrorCode) => {
                    once(&mut raw.error_code, "errorCode", map.next_value()?)?
                }
                Key::Known(Field::ErrorMsg) => once(
                    &mut raw.error_msg,
                    "errorMsg",
                    map.next_value::<OptText>()?.0,
                )?,
                Key::Other(name) => {
                    let value: RawJson = map.next_value()?;
                    if raw.extra.insert(name.into_owned(), value).is_some() {
                        return Err(serde::de::Error::custom("a field is sent twice"));
                    }
                }
            }
        }
        Ok(raw)
    }
}

impl<'de> Deserialize<'de> for RawEvent<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RawEventVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_and_owned_parses_agree() {
        let body = br#"{"event":"pie","callId":"c1","menuResult":{"menuId":"main","type":"return","value":"sales","inputMethod":"dtmf"},"extra":[1,2]}"#;
        let borrowed = CallbackEvent::parse(body).unwrap();
        let owned = CallbackEvent::parse_owned(body).unwrap();
        assert_eq!(borrowed, owned);
        assert_eq!(borrowed.callid(), Some("c1"));
        let CallbackEvent::Pie(pie) = borrowed else {
            panic!("a PIE")
        };
        let result = pie.menu_result.unwrap();
        assert_eq!(result.kind, Some(MenuResultType::Return));
        assert!(matches!(
            result.value,
            Some(std::borrow::Cow::Borrowed("sales"))
        ));
        // The field this crate does not know is kept.
        assert_eq!(pie.extra["extra"].get(), "[1,2]");
    }

    #[test]
    fn errors_name_the_field() {
        let cases: [(&[u8], &str); 5] = [
            (br#"{"callid":"c"}"#, "event"),
            (
                br#"{"event":"ice","callid":"c","duration":"long"}"#,
                "duration",
            ),
            (
                br#"{"event":"pie","callid":"c","menuResult":{"type":5}}"#,
                "menuResult.type",
            ),
            (br#"{"event":"ice","callid":"c""#, "$"),
            (br#"[1,2]"#, "$"),
        ];
        for (body, path) in cases {
            let err = CallbackEvent::parse(body).unwrap_err();
            assert_eq!(err.path, path, "{err}");
            assert_eq!(CallbackEvent::parse_owned(body).unwrap_err().path, path);
        }
    }
}
