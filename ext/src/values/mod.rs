//! The values of the Voice API that have a rule: phone numbers, conference and call ids, DTMF
//! strings, destinations, and the enums and small objects that REST, SVAML and callbacks share.
//!
//! Each rule lives here once: the client checks requests with it, SVAML validation checks
//! replies with it, and the emulator checks what it receives with it. What we send is strict;
//! what we receive stays lenient (callbacks keep whatever the platform sent).
//!
//! ```
//! use sinch_voice::{ConferenceId, Destination, E164};
//!
//! let number: E164 = "+46701234567".parse().unwrap();
//! assert_eq!(number.as_str(), "+46701234567");
//! assert!("46701234567".parse::<E164>().is_err()); // Sinch answers 40005 without the '+'
//!
//! let room = ConferenceId::parse("sales-team").unwrap();
//! assert!(ConferenceId::parse("sales team").is_err()); // a REST path could not carry it
//!
//! let to = Destination::number(number.as_str());
//! assert_eq!(serde_json::to_string(&to).unwrap(), r#"{"type":"number","endpoint":"+46701234567"}"#);
//! # let _ = room;
//! ```

pub(crate) mod borrow;
mod common;

pub use common::{CallHeader, Price};
/// The spec's enums, generated open (known values typed, others kept as `Unknown`).
pub use sinch_voice_raw::enums::{
    CallEndReason, CallResult, CallStatus, Capability, Domain, MusicOnHold, NumberType,
};
pub use sinch_voice_values::{
    AceReplyText, Destination, DestinationType, FieldError, IceReplyText, IntoValue,
    OwnedDestination, PieReplyText,
};
pub use sinch_voice_values::{
    CallId, ConferenceId, Dtmf, E164, MAX_CALL_ID, MAX_CONFERENCE_ID, ValueError,
};
