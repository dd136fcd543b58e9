//! What is still bridged by hand into a raw body type (typed SVAML, the custom callout, the
//! callback URLs) goes through its JSON form, and a value the raw type cannot carry is
//! reported by its JSON path before anything is sent. Also the field checks the cross-field
//! rules share.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::values::{FieldError, MAX_CALL_ID, ValueError};

/// Our request as the raw client's body type. `prefix` names the request in errors.
pub(crate) fn to_raw<R: DeserializeOwned>(
    prefix: &str,
    ours: &impl Serialize,
) -> Result<R, FieldError> {
    let value = serde_json::to_value(ours)
        .map_err(|e| FieldError::new(prefix, format!("cannot be serialised: {e}")))?;
    serde_path_to_error::deserialize::<_, R>(value).map_err(|e| {
        let path = crate::json::path_text(e.path());
        let field = match (prefix.is_empty(), path.is_empty()) {
            (_, true) => prefix.to_string(),
            (true, false) => path,
            (false, false) => format!("{prefix}.{path}"),
        };
        FieldError::new(
            field,
            format!("the API does not take this value: {}", e.inner()),
        )
    })
}

/// A check's error as the field error a request body reports.
pub(crate) fn field_error(error: Error) -> FieldError {
    match error {
        Error::InvalidInput { field, message } => FieldError::new(field, message),
        other => FieldError::new("", other.to_string()),
    }
}

/// `field` broke a value rule.
pub(crate) fn invalid(field: impl Into<String>, error: ValueError) -> Error {
    Error::invalid_input(field, error.to_string())
}

/// A text option that, when given, must not be blank.
pub(crate) fn not_blank(field: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        Some(text) if text.trim().is_empty() => {
            Err(Error::invalid_input(field, "must not be empty when given"))
        }
        _ => Ok(()),
    }
}

/// Text spoken by text-to-speech: the platform's default limit is 600 characters.
pub(crate) fn spoken_text(field: &str, value: Option<&str>) -> Result<(), Error> {
    not_blank(field, value)?;
    match value {
        Some(text) if text.chars().count() > crate::svaml::MAX_TTS_CHARS => {
            Err(Error::invalid_input(
                field,
                format!(
                    "at most {} characters (the platform's limit), got {}",
                    crate::svaml::MAX_TTS_CHARS,
                    text.chars().count()
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// A call id for a path.
pub(crate) fn call_id<'a>(field: &str, id: &'a str) -> Result<&'a str, Error> {
    crate::values::CallId::check(id).map_err(|e| invalid(field, e))?;
    debug_assert!(id.len() <= MAX_CALL_ID);
    Ok(id)
}

/// An http(s) URL with a host (a callback URL).
pub(crate) fn http_url(field: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    let url = reqwest::Url::parse(text)
        .map_err(|e| Error::invalid_input(field, format!("{text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid_input(
            field,
            format!("{text:?} must be an http(s) URL with a host"),
        ));
    }
    Ok(())
}
