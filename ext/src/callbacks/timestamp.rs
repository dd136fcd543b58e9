//! Event timestamps: ISO 8601 with or without an offset (none means UTC), 0 to 9 fractional
//! digits, as the platform and the SDKs send them.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time read leniently from an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Parses `2023-04-21T14:45:51Z`, `2024-01-19T09:19:28.9372196Z`, `...+02:00`, or
    /// `2024-01-08T09:48:12` (no offset: UTC).
    ///
    /// A time whose UTC year falls outside 0-9999 is refused (`0000-01-01T00:00:00+01:00` is
    /// valid RFC 3339 but lands in year -1), so whatever parses serialises back to text that
    /// parses again.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let at = match DateTime::parse_from_rfc3339(text) {
            Ok(at) => at.with_timezone(&Utc),
            Err(_) => NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()?
                .and_utc(),
        };
        (0..=9999)
            .contains(&chrono::Datelike::year(&at))
            .then_some(Timestamp(at))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::values::borrow::read_str(deserializer, |text| {
            Timestamp::parse(text)
                .ok_or_else(|| format!("expected an ISO 8601 timestamp, found {text:?}"))
        })
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Timestamp")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "ISO 8601 date and time; without an offset it is UTC.",
            "examples": ["2023-04-21T14:45:51Z", "2024-01-19T09:19:28.9372196Z", "2024-01-08T09:48:12"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_offsets() {
        let z = Timestamp::parse("2024-01-19T09:19:28.9372196Z").unwrap();
        assert_eq!(z.0.timestamp_subsec_nanos(), 937_219_600);
        let naive = Timestamp::parse("2024-01-08T09:48:12").unwrap();
        assert_eq!(naive.0.to_rfc3339(), "2024-01-08T09:48:12+00:00");
        let offset = Timestamp::parse("2024-01-08T11:48:12+02:00").unwrap();
        assert_eq!(offset, naive);
        assert!(Timestamp::parse("yesterday").is_none());
        assert!(Timestamp::parse("2024-13-08T09:48:12Z").is_none());
        // Valid RFC 3339, but year -1 in UTC: it could not be written back.
        assert!(Timestamp::parse("0000-01-01T00:00:00+01:00").is_none());
        assert!(Timestamp::parse("9999-12-31T23:00:00-01:00").is_none());
        let edge = Timestamp::parse("0000-01-01T00:00:00Z").unwrap();
        let text = serde_json::to_string(&edge).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&text).unwrap(), edge);
    }
}
