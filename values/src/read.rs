//! Reading a string without keeping it, for values parsed from their text.

use std::fmt;

use serde::de::{Deserializer, Visitor};

/// Hands a string to `read` without keeping it: nothing is allocated for the text, borrowed
/// or not. For values that are parsed from their text (open enums, timestamps).
pub fn read_str<'de, D, T, F>(deserializer: D, read: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, String>,
{
    deserializer.deserialize_str(ReadStr(read))
}

struct ReadStr<F>(F);

impl<'de, T, F: FnOnce(&str) -> Result<T, String>> Visitor<'de> for ReadStr<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
}
