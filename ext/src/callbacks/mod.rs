//! Callbacks from the platform: typed events (ICE, ACE, DiCE, PIE, Notify), signature and
//! replay verification, a framework-neutral entry, and (feature `axum`) a ready router.
//!
//! ```
//! use sinch_voice::Credentials;
//! use sinch_voice::callbacks::{CallbackEvent, Verifier};
//!
//! let credentials = Credentials::new("669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA==").unwrap();
//! let verifier = Verifier::new(&credentials).tolerance(None); // the example is from 2014
//! let body = br#"{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}"#;
//! let request = http::Request::post("/sinch/callback/ace")
//!     .header("content-type", "application/json")
//!     .header("x-timestamp", "2014-09-24T10:59:41Z")
//!     .header("authorization", "application 669E367E-6BBA-48AB-AF15-266871C28135:Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=")
//!     .body(body.to_vec())
//!     .unwrap();
//! let event = verifier.verify_request(&request).unwrap();
//! assert!(matches!(event, CallbackEvent::Ace(_)));
//! ```

mod dispatch;
mod event;
mod parse;
mod request;
mod scan;
#[cfg(feature = "schemars")]
mod schema;
mod timestamp;
mod verify;

#[cfg(feature = "axum")]
mod server;

pub use crate::values::{
    CallEndReason, CallHeader, CallResult, Destination, DestinationType, Domain, Price,
};
pub use dispatch::{
    CallbackHandler, CallbackResponse, CallbackService, DEFAULT_BODY_LIMIT, HandlerError,
};
pub use event::{
    AceEvent, AmdReason, AmdResult, AmdStatus, CallbackEvent, DiceEvent, Extra, IceEvent,
    InputMethod, MenuOutcome, MenuResult, MenuResultType, NotifyEvent, NotifyType, PieEvent,
    RawJson, UnknownEvent,
};
pub use parse::ParseError;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use parse::parse_with_serde_reader;
pub use request::{CallbackError, SignedCallback};
#[cfg(feature = "schemars")]
pub use schema::schema_json;
pub use timestamp::Timestamp;
pub use verify::{DEFAULT_TOLERANCE, Verifier, VerifyError};

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use server::CallbackRouter;
