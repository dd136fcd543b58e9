//! The rule of each checked value, and the one error that names what broke it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest conference id the platform takes (SVAML `connectConf`, the conference callout).
pub const MAX_CONFERENCE_ID: usize = 64;
/// Longest call id this crate puts in a path (Sinch's are 32 hex digits or a UUID).
pub const MAX_CALL_ID: usize = 128;

/// A value that breaks its rule: what it was, which kind of value, and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    kind: &'static str,
    value: String,
    rule: &'static str,
}

impl ValueError {
    fn new(kind: &'static str, value: &str, rule: &'static str) -> Self {
        // Enough of the value to recognise it; a megabyte of input is not repeated back.
        let value = match value.char_indices().nth(40) {
            Some((cut, _)) => format!("{}…", &value[..cut]),
            None => value.to_string(),
        };
        ValueError { kind, value, rule }
    }

    /// The kind of value, e.g. `E.164 number`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The rule it breaks, e.g. `'+' then 2 to 15 digits`.
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a valid {}: {}",
            self.value, self.kind, self.rule
        )
    }
}

impl std::error::Error for ValueError {}

/// Characters that go into a URL path as they are, so what is signed is what the server sees.
fn is_path_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

macro_rules! checked_string {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $check:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The kind of value, as errors about it name it.
            pub const KIND: &'static str = $kind;

            /// Checks `text` against the rule; the value is kept exactly as given.
            pub fn parse(text: impl AsRef<str> + Into<String>) -> Result<Self, ValueError> {
                Self::check(text.as_ref())?;
                Ok($name(text.into()))
            }

            /// Checks `text` against the rule without keeping it.
            pub fn check(text: &str) -> Result<(), ValueError> {
                $check(text).map_err(|rule| ValueError::new($kind, text, rule))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                $name::parse(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValueError;
            fn try_from(text: &str) -> Result<Self, ValueError> {
                $name::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(text: String) -> Result<Self, ValueError> {
                $name::parse(text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(text).map_err(serde::de::Error::custom)
            }
        }
    };
}

fn e164_rule(text: &str) -> Result<(), &'static str> {
    let rule = "'+' then 2 to 15 digits, no spaces (Sinch answers 40005 otherwise)";
    match text.strip_prefix('+') {
        Some(digits)
            if (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(())
        }
        _ => Err(rule),
    }
}

fn conference_id_rule(text: &str) -> Result<(), &'static str> {
    let rule = "1 to 64 letters, digits, '-', '.', '_' or '~' (what a REST path carries unescaped)";
    if text.is_empty() {
        Err("must not be empty")
    } else if text.len() > MAX_CONFERENCE_ID || !text.chars().all(is_path_safe) {
        Err(rule)
    } else {
        Ok(())
    }
}

fn call_id_rule(text: &str) -> Result<(), &'static str> {
    let rule = "1 to 128 letters, digits, '-', '.', '_' or '~'";
    if text.is_empty() {
        Err("must not be empty")
    } else if text.len() > MAX_CALL_ID || !text.chars().all(is_path_safe) {
        Err(rule)
    } else {
        Ok(())
    }
}

fn dtmf_rule(text: &str) -> Result<(), &'static str> {
    let rule = "DTMF tones 0-9 and #, and w for a 500 ms pause (at least one)";
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'#' | b'w' | b'W'))
    {
        Ok(())
    } else {
        Err(rule)
    }
}

checked_string! {
    /// A phone number in E.164 form: `+` then 2 to 15 digits (`+46701234567`).
    ///
    /// Used for `cli`, number destinations, `connectPstn.number` and the numbers of the
    /// configuration API. Sinch refuses a number without its `+` (40005).
    E164, "E.164 number", e164_rule
}

checked_string! {
    /// A conference room id: 1 to 64 of `A-Z a-z 0-9 - . _ ~`.
    ///
    /// The same rule holds for a room joined with SVAML `connectConf`, a conference callout and
    /// the conference REST operations, so any room you create can be read and managed.
    ConferenceId, "conference id", conference_id_rule
}

checked_string! {
    /// A call id as the platform issues it (32 hex digits, or a UUID): 1 to 128 of
    /// `A-Z a-z 0-9 - . _ ~`.
    CallId, "call id", call_id_rule
}

checked_string! {
    /// Tones to play: `0`-`9`, `#`, and `w` for a 500 ms pause (`ww1234#`).
    Dtmf, "DTMF string", dtmf_rule
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_accepts_and_refuses() {
        assert!(E164::parse("+46701234567").is_ok());
        for bad in [
            "46701234567",
            "+",
            "+1",
            "+46 70",
            "+46701234567abc",
            "+1234567890123456",
        ] {
            assert!(E164::parse(bad).is_err(), "{bad}");
        }
        assert!(ConferenceId::parse("room-1.a_b~").is_ok());
        assert!(ConferenceId::parse("x".repeat(64)).is_ok());
        for bad in ["", "room a", "a/b", "é", &"x".repeat(65)] {
            assert!(ConferenceId::parse(bad).is_err(), "{bad}");
        }
        assert!(CallId::parse("4398599d1ba84ef3bde0a82dfb61abed").is_ok());
        assert!(CallId::parse("a/b").is_err());
        assert!(Dtmf::parse("ww1234#w#").is_ok());
        assert!(Dtmf::parse("12*").is_err());
        assert!(Dtmf::parse("").is_err());
    }

    #[test]
    fn the_error_names_the_value_kind_and_rule_and_cuts_long_input() {
        let e = E164::parse("0701").unwrap_err();
        assert_eq!(e.kind(), "E.164 number");
        assert!(
            e.to_string()
                .starts_with("\"0701\" is not a valid E.164 number: '+'")
        );
        let long = ConferenceId::parse("x ".repeat(10_000)).unwrap_err();
        assert!(long.to_string().len() < 200);
    }

    #[test]
    fn serde_checks_on_the_way_in() {
        let n: E164 = serde_json::from_str("\"+14045001000\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+14045001000\"");
        assert!(serde_json::from_str::<E164>("\"14045001000\"").is_err());
    }
}
