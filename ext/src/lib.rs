//! The Sinch Voice API from Rust: place calls, control them, run conferences, manage numbers
//! and callback URLs.
//!
//! [`Client`] signs every request (application-signed by default, Basic on request), routes
//! it to the right host (callouts, calls and conferences to the region's calling host;
//! numbers and callback URLs to the configuration host), retries what is safe to retry (a
//! callout only when it provably never left, so a retry never places a second call), and
//! reports failures as one [`Error`] that says whether the request may have reached Sinch.
//!
//! ```no_run
//! # async fn run() -> Result<(), sinch_voice::Error> {
//! use sinch_voice::{AssignNumbers, Client, ConferenceCallout, Credentials, Region, TtsCallout};
//!
//! // SINCH_APPLICATION_KEY, SINCH_APPLICATION_SECRET and optionally SINCH_VOICE_REGION.
//! let client = Client::from_env()?;
//! let call_id = client
//!     .callout(TtsCallout::to("+46701234567").cli("+14045001000").text("Your appointment is tomorrow at 10:30.").locale("en-GB"))
//!     .await?;
//! let call = client.get_call(&call_id).await?;
//! println!("{:?}", call.status);
//! client.callout(ConferenceCallout::to("+46701234567", "standup").enable_ace(true).enable_dice(true)).await?;
//!
//! let europe = Client::builder()
//!     .credentials(Credentials::new("app-key", "c2VjcmV0LWJ5dGVz")?)
//!     .region(Region::Euc1)
//!     .build()?;
//! europe.assign_numbers(AssignNumbers::new(["+14045001000"])).await?;
//! for number in europe.list_numbers().await?.numbers {
//!     println!("{:?} {:?}", number.number, number.capability);
//! }
//! # Ok(()) }
//! ```
//!
//! The raw generated client is [`raw`], for what this crate does not wrap; nothing on the
//! path of an ordinary request needs it.
//!
//! # Features
//!
//! - `rustls-aws-lc` (default): HTTPS through rustls with reqwest's own *aws-lc-rs* provider
//!   (reqwest's default TLS, post-quantum key exchange; it compiles aws-lc from C).
//! - `rustls-ring`: HTTPS through rustls with the *ring* crypto provider, the lighter build
//!   (see "TLS and your own `reqwest::Client`" before choosing it).
//! - `native-tls`: HTTPS through the platform's TLS (OpenSSL on Linux, so its headers at build
//!   time; Security.framework on macOS; SChannel on Windows).
//! - `axum`: [`callbacks::CallbackRouter`], a ready axum router for callbacks, on axum 0.8
//!   (re-exported as `sinch_voice::axum`: a router of another axum major version does not
//!   nest into it).
//!
//! With no TLS feature (`default-features = false`) only plain HTTP works (the emulator, tests)
//! unless you pass your own `reqwest::Client` to [`ClientBuilder::http_client`].
//!
//! # TLS and your own `reqwest::Client`
//!
//! This crate's [`Client`] works under every feature and installs nothing process-wide. A
//! `reqwest::Client` that *you* build shares reqwest's features with this crate:
//!
//! - `rustls-aws-lc` (the default), `native-tls`: `reqwest::Client::new()` never panics, even
//!   when your own `reqwest` has `default-features = false`; reqwest brings its own provider
//!   (aws-lc-rs, with post-quantum key exchange) or uses the platform's TLS.
//! - `rustls-ring` (opt-in, the lighter build): reqwest is built with rustls but no provider of
//!   its own, and rustls needs a process-wide one. If anything else in your tree enables
//!   reqwest's default features (or its `rustls` feature), reqwest falls back to aws-lc-rs and
//!   nothing changes for you. If not, `reqwest::Client::new()` panics unless a provider is
//!   installed: build your clients with [`http_client_builder`], or call
//!   [`install_tls_provider`] (or install a provider of your choice) at the start of `main`.
//!   This crate cannot install one for you safely: rustls takes the first provider installed
//!   for the life of the process, so a library that installed one (before `main`, or on first
//!   use) would make your own `install_default().expect(..)` panic instead, and would pick your
//!   provider for you. rustls 0.23.48 deprecates *ring*'s provider (no post-quantum key
//!   exchange).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod callbacks;
mod callouts;
mod calls;
mod client;
mod clock;
mod conferences;
mod configuration;
mod credentials;
mod error;
// The fuzz targets' properties: for the fuzz crate and the corpus replays only, so the
// published crate does not compile them by default.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod json;
mod operations;
mod region;
mod retry;
pub mod signing;
pub mod svaml;
mod tls;
mod transport;
pub mod values;
mod wire;

pub use callouts::{
    Callout, CalloutReply, ConferenceCallout, CustomCallout, TtsCallout, callout_body,
};
pub use calls::{CallHandle, CallInformation, CallLeg, CallParty};
pub use client::{
    CALLING_URL_VAR, CONFIGURATION_URL_VAR, Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES,
    REGION_VAR, USER_AGENT,
};
pub use clock::{Clock, SystemClock};
pub use conferences::{ConferenceInfo, Participant};
pub use configuration::{
    ApplicationCallbacks, AssignNumbers, CallbackUrls, MAX_NUMBERS_PER_ASSIGN, NumberConfiguration,
    NumberItem, NumberList, QueryNumberResponse, UnassignNumber,
};
pub use credentials::{Credentials, KEY_VAR, SECRET_VAR};
pub use error::{ApiError, Error, ErrorCode, TimeoutScope};
pub use region::{CONFIGURATION_URL, Region, UnknownRegion};
pub use retry::{BudgetSettings, RetryPolicy};
pub use transport::AuthMode;
pub use values::{
    CallEndReason, CallHeader, CallId, CallResult, CallStatus, Capability, ConferenceId,
    Destination, DestinationType, Domain, Dtmf, E164, MusicOnHold, NumberType, Price, ValueError,
};

pub use tls::{http_client_builder, install_tls_provider};

/// The raw generated client, for what this crate does not wrap.
pub use sinch_voice_raw as raw;

/// What a request method takes: the generated body type itself, or a builder of it.
pub use sinch_voice_raw::operations::IntoRequest;

/// The reqwest this crate is built on, for [`ClientBuilder::http_client`] and
/// [`http_client_builder`].
pub use reqwest;

/// The axum (0.8) that [`callbacks::CallbackRouter`] is built on: use it, or depend on
/// `axum = "0.8"`, so that the router nests into yours.
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use axum;
