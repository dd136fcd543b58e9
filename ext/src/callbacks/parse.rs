//! From body bytes to a typed [`CallbackEvent`], with errors that name the field.

use serde::Deserialize;

use super::event::*;

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
    /// as `callid`; unknown fields are ignored; an unknown or missing `event` is an error, as
    /// are a missing `callid`, a PIE without `menuResult` and a Notify without `type`.
    pub fn parse(body: &'a [u8]) -> Result<CallbackEvent<'a>, ParseError> {
        require_object(body)?;
        // Validating UTF-8 once up front spares serde_json a check per string.
        let text = std::str::from_utf8(body)
            .map_err(|e| ParseError::new("$", format!("not UTF-8: {e}")))?;
        let raw = match serde_json::from_str::<RawEvent<'a>>(text) {
            Ok(raw) => raw,
            Err(_) => return Err(locate(body)),
        };
        from_raw(raw)
    }
}

impl CallbackEvent<'static> {
    /// Parses a callback body into an event that owns its strings.
    pub fn parse_owned(body: &[u8]) -> Result<CallbackEvent<'static>, ParseError> {
        require_object(body)?;
        std::str::from_utf8(body).map_err(|e| ParseError::new("$", format!("not UTF-8: {e}")))?;
        // A reader never lends out borrowed strings, so every field is owned.
        let mut deserializer = serde_json::Deserializer::from_reader(body);
        let raw = match RawEvent::deserialize(&mut deserializer)
            .and_then(|raw| deserializer.end().map(|()| raw))
        {
            Ok(raw) => raw,
            Err(_) => return Err(locate(body)),
        };
        from_raw(raw)
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
    let mut path = String::new();
    for segment in error.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
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

fn from_raw(raw: RawEvent<'_>) -> Result<CallbackEvent<'_>, ParseError> {
    let event = raw
        .event
        .ok_or_else(|| ParseError::new("event", "missing: every callback names its event"))?;
    let callid = raw
        .callid
        .ok_or_else(|| ParseError::new("callid", "missing: every callback names its call"))?;
    if callid.is_empty() {
        return Err(ParseError::new(
            "callid",
            "empty: every callback names its call",
        ));
    }
    // The fields every event has, then the ones of its kind.
    macro_rules! event {
        ($kind:ident { $($field:ident: $value:expr),* $(,)? }) => {
            $kind {
                callid,
                conference_id: raw.conference_id,
                version: raw.version,
                timestamp: raw.timestamp,
                custom: raw.custom,
                application_key: raw.application_key,
                cookies: raw.cookies.unwrap_or_default(),
                $($field: $value),*
            }
        };
    }
    Ok(match event.as_ref() {
        "ice" => CallbackEvent::Ice(event!(IceEvent {
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
        })),
        "ace" => CallbackEvent::Ace(event!(AceEvent {
            amd: raw.amd,
            call_resource_url: raw.call_resource_url,
        })),
        "dice" => CallbackEvent::Dice(event!(DiceEvent {
            reason: raw.reason,
            result: raw.result,
            debit: raw.debit,
            user_rate: raw.user_rate,
            to: raw.to,
            duration: raw.duration,
            from: raw.from,
            call_headers: raw.call_headers.unwrap_or_default(),
        })),
        "pie" => CallbackEvent::Pie(event!(PieEvent {
            menu_result: raw.menu_result.ok_or_else(|| {
                ParseError::new("menuResult", "missing: a PIE carries the menu's result")
            })?,
        })),
        "notify" => CallbackEvent::Notify(event!(NotifyEvent {
            kind: raw.kind.ok_or_else(|| {
                ParseError::new("type", "missing: a Notify says what it notifies")
            })?,
            destination: raw.destination,
            amd: raw.amd,
            error_code: raw.error_code,
            error_msg: raw.error_msg,
            user: raw.user,
        })),
        other => {
            return Err(ParseError::new(
                "event",
                format!("unknown event {other:?}; expected ice, ace, dice, pie or notify"),
            ));
        }
    })
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
        assert_eq!(borrowed.callid(), "c1");
        let CallbackEvent::Pie(pie) = borrowed else {
            panic!("a PIE")
        };
        assert_eq!(pie.menu_result.kind, MenuResultType::Return);
        assert!(matches!(
            pie.menu_result.value,
            Some(std::borrow::Cow::Borrowed("sales"))
        ));
    }

    #[test]
    fn errors_name_the_field() {
        let cases: [(&[u8], &str); 8] = [
            (br#"{"callid":"c"}"#, "event"),
            (br#"{"event":"bye","callid":"c"}"#, "event"),
            (br#"{"event":"ice"}"#, "callid"),
            (br#"{"event":"pie","callid":"c"}"#, "menuResult"),
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
