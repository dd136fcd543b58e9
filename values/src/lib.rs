//! The values of the Sinch Voice API that have a rule: E.164 numbers, conference and call ids,
//! DTMF strings, destinations, and the open enums (known values typed, others kept).
//!
//! This crate sits below the generated client: the spec's corrections attach these types to
//! its schemas (`x-rust-type`), so a generated field already has the checked type, and each
//! rule's code and error live here once. `sinch-voice` re-exports everything.
//!
//! ```
//! use sinch_voice_values::{ConferenceId, Destination, E164, IntoValue};
//!
//! let number: E164 = "+46701234567".parse().unwrap();
//! assert!("46701234567".parse::<E164>().is_err()); // Sinch answers 40005 without the '+'
//! assert!(ConferenceId::parse("sales team").is_err()); // a REST path could not carry it
//!
//! let to: Destination<'static> = number.as_str().into_value().unwrap();
//! assert!(to.is_number());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod callout_reply;
mod destination;
mod field;
mod open_enum;
mod read;
mod rules;

pub use callout_reply::{AceReplyText, IceReplyText, PieReplyText};
pub use destination::{Destination, DestinationType, OwnedDestination};
pub use field::{FieldError, IntoValue};
pub use read::read_str;
pub use rules::{CallId, ConferenceId, Dtmf, E164, MAX_CALL_ID, MAX_CONFERENCE_ID, ValueError};

/// What the macros of this crate expand to, so their users need no direct dependency.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "schemars")]
    pub use schemars;
    pub use serde;
}
