//! How a request's setters take values: [`IntoValue`] checks a value into the field's type,
//! and [`FieldError`] names, by JSON path, the first value that broke a rule.

use std::borrow::Cow;
use std::fmt;

use crate::{CallId, ConferenceId, Destination, Dtmf, E164, ValueError};

/// A value of a request that breaks a rule, and where it is (`ttsCallout.cli`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    path: String,
    message: String,
}

impl FieldError {
    /// `message` about the value at `path` (a JSON path without `$`; empty for the value
    /// itself).
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same problem seen from the object that holds the value as `key`.
    pub fn within(mut self, key: &str) -> Self {
        self.path = match (self.path.is_empty(), self.path.starts_with('[')) {
            (true, _) => key.to_string(),
            (false, true) => format!("{key}{}", self.path),
            (false, false) => format!("{key}.{}", self.path),
        };
        self
    }

    /// The same problem for item `index` of a list.
    pub fn at_index(mut self, index: usize) -> Self {
        self.path = match self.path.is_empty() || self.path.starts_with('[') {
            true => format!("[{index}]{}", self.path),
            false => format!("[{index}].{}", self.path),
        };
        self
    }

    /// Where the value is.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path.is_empty() {
            true => f.write_str(&self.message),
            false => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for FieldError {}

impl From<ValueError> for FieldError {
    fn from(error: ValueError) -> Self {
        FieldError::new("", error.to_string())
    }
}

/// A value a request setter takes for a field of type `T`, checked on the way in.
///
/// Implemented for `T` itself and for what converts into it: text into the checked strings
/// ([`E164`], [`ConferenceId`], [`CallId`], [`Dtmf`]), a number or any [`Destination`] into
/// a destination, and each generated request builder into the body it builds.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value for this field, whose type is `{T}`",
    label = "this setter takes a `{T}` or what converts into one",
    note = "a custom callout's `ice`, `ace` and `pie` each take the reply of that event only: an `IceResponse` (or a `CalloutReply<Ice>`) for `ice`, and so on"
)]
pub trait IntoValue<T> {
    /// The value, or the rule it breaks.
    fn into_value(self) -> Result<T, FieldError>;
}

macro_rules! checked_from_text {
    ($($name:ident),*) => {$(
        impl IntoValue<$name> for $name {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok(self)
            }
        }
        impl IntoValue<$name> for &$name {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok(self.clone())
            }
        }
        impl IntoValue<$name> for &str {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok($name::parse(self)?)
            }
        }
        impl IntoValue<$name> for String {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok($name::parse(self)?)
            }
        }
        impl IntoValue<$name> for &String {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok($name::parse(self.as_str())?)
            }
        }
        impl IntoValue<$name> for Cow<'_, str> {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok($name::parse(self.into_owned())?)
            }
        }
    )*};
}

checked_from_text!(E164, ConferenceId, CallId, Dtmf);

/// A destination: a number destination is checked against the E.164 rule.
impl IntoValue<Destination<'static>> for Destination<'_> {
    fn into_value(self) -> Result<Destination<'static>, FieldError> {
        if self.is_number() {
            E164::check(&self.endpoint).map_err(|e| FieldError::from(e).within("endpoint"))?;
        }
        if self.endpoint.trim().is_empty() {
            return Err(FieldError::new("endpoint", "must not be empty"));
        }
        Ok(self.into_owned())
    }
}

impl IntoValue<Destination<'static>> for &Destination<'_> {
    fn into_value(self) -> Result<Destination<'static>, FieldError> {
        self.clone().into_value()
    }
}

macro_rules! number_destination {
    ($($ty:ty),*) => {$(
        /// A phone number (E.164).
        impl IntoValue<Destination<'static>> for $ty {
            fn into_value(self) -> Result<Destination<'static>, FieldError> {
                Destination::from(self).into_value()
            }
        }
    )*};
}

number_destination!(&str, String, &String, E164, &E164);

/// Text fields take anything that converts into a `String`.
impl<T: Into<String>> IntoValue<String> for T {
    fn into_value(self) -> Result<String, FieldError> {
        Ok(self.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_from_the_inside_out() {
        let e = FieldError::new("", "bad")
            .within("cli")
            .within("ttsCallout");
        assert_eq!(e.path(), "ttsCallout.cli");
        let e = FieldError::new("", "bad").at_index(2).within("numbers");
        assert_eq!(e.path(), "numbers[2]");
        let e = FieldError::new("endpoint", "bad").at_index(0);
        assert_eq!(e.to_string(), "[0].endpoint: bad");
    }

    #[test]
    fn text_is_checked_into_the_rule_type() {
        let ok: Result<E164, _> = "+46701234567".into_value();
        assert!(ok.is_ok());
        let bad: Result<E164, _> = "0701".into_value();
        assert!(bad.unwrap_err().message().contains("E.164"));
        let to: Result<Destination<'static>, _> = "12".into_value();
        assert_eq!(to.unwrap_err().path(), "endpoint");
        let user: Result<Destination<'static>, _> = Destination::username("bob").into_value();
        assert!(user.is_ok());
    }
}
