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
//! client.callout(ConferenceCallout::to("+46701234567", "standup").ace(true).dice(true)).await?;
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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod callbacks;
mod callouts;
mod calls;
mod client;
mod clock;
mod conferences;
mod configuration;
mod credentials;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod region;
mod retry;
pub mod signing;
pub mod svaml;
mod transport;
pub mod values;
mod wire;

pub use callouts::{Callout, CalloutReply, ConferenceCallout, CustomCallout, TtsCallout};
pub use calls::{CallHandle, CallInformation, CallLeg};
pub use client::{
    CALLING_URL_VAR, CONFIGURATION_URL_VAR, Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES,
    REGION_VAR, USER_AGENT,
};
pub use clock::{Clock, SystemClock};
pub use conferences::{ConferenceInfo, Participant};
pub use configuration::{
    AssignNumbers, CallbackUrls, MAX_NUMBERS_PER_ASSIGN, NumberInfo, NumberList, OwnedNumber,
    UnassignNumber,
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

/// Makes ring the process-wide rustls crypto provider, unless one is installed already.
///
/// This crate builds reqwest with rustls but without reqwest's default (and much heavier)
/// aws-lc provider. Its own client calls this, so only code that builds a `reqwest::Client`
/// *before* the first `sinch_voice::Client` (for example one passed to
/// [`ClientBuilder::http_client`]) needs to call it first; reqwest would otherwise panic for
/// want of a provider. Harmless to call more than once.
pub fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The raw generated client, for what this crate does not wrap.
pub use sinch_voice_raw as raw;
