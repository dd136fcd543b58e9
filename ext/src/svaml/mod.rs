//! Typed SVAML: the replies that steer a call.
//!
//! One type per context ([`IceResponse`], [`AceResponse`], [`PieResponse`], [`CallUpdate`] for
//! the PATCH of a call, [`LegUpdate`] for one leg), so an action a context does not allow cannot be put in it; builders
//! that read like the call flow; validation of what types cannot say (limits, menu
//! references, key alphabets), with errors naming the JSON path; canonical camelCase output;
//! lenient parsing exactly where the platform is lenient.
//!
//! ```
//! use sinch_voice::svaml::{AceResponse, ConnectConf, MusicOnHold, PieResponse};
//!
//! let ace = AceResponse::builder().proceed().build().unwrap();
//! assert_eq!(ace.to_json(), r#"{"action":{"name":"continue"}}"#);
//!
//! let pie = PieResponse::builder()
//!     .say("Connecting you to sales.", "en-US")
//!     .connect_conf(ConnectConf::room("sales").moh(MusicOnHold::Ring))
//!     .build()
//!     .unwrap();
//! let back = PieResponse::parse(pie.to_json().as_bytes()).unwrap();
//! assert_eq!(back, pie);
//!
//! // ACE replies cannot park: this does not compile.
//! // AceResponse::builder().action(sinch_voice::svaml::Park::default());
//! let err = AceResponse::parse(br#"{"action":{"name":"park"}}"#).unwrap_err();
//! assert_eq!(err.issues[0].path, "action.name");
//! ```
//!
//! ```compile_fail
//! use sinch_voice::svaml::{AceResponse, Park};
//! let _ = AceResponse::builder().action(Park::default()).build();
//! ```
//!
//! ```compile_fail
//! use sinch_voice::svaml::AceResponse;
//! let _ = AceResponse::builder().answer().hangup().build();
//! ```

mod context;
mod document;
mod enums;
mod error;
mod model;
mod parse;
pub(crate) mod prompt;
#[cfg(feature = "schemars")]
mod schema;
mod validate;
mod write;

pub use crate::values::MAX_CONFERENCE_ID;
pub use crate::values::{CallHeader, Destination, DestinationType, MusicOnHold};
pub use context::{
    Ace, AceResponse, AllowedIn, CallUpdate, Ice, IceResponse, Leg, LegUpdate, Patch, Pie,
    PieResponse, SvamlBuilder,
};
pub use document::{Context, Svaml};
pub use enums::{DtmfMode, Indications, Transport};
pub use error::{Issue, SvamlError};
pub use model::*;
pub use prompt::{Prompt, PromptPart};
#[cfg(feature = "schemars")]
pub use schema::schema_json;
pub use validate::{
    MAX_CALL_SECONDS, MAX_COOKIE_BYTES, MAX_MENU_ID, MAX_PARK_SECONDS, MAX_TTS_CHARS,
};
