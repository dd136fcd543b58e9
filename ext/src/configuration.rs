//! Configuration (spec `listNumbers`, `assignNumbers`, `unassignNumber`, `queryNumber` and the
//! callback-URL operations; host `callingapi.sinch.com`): the account's numbers, which
//! application answers them, the application's callback URLs, and number look-ups.
//!
//! ```no_run
//! # async fn run(client: sinch_voice::Client) -> Result<(), sinch_voice::Error> {
//! use sinch_voice::{AssignNumbers, CallbackUrls, Capability, UnassignNumber};
//!
//! client.assign_numbers(AssignNumbers::new(["+14045001000"]).capability(Capability::Voice)).await?;
//! client.unassign_number(UnassignNumber::new("+14045001001")).await?;
//! client
//!     .update_callback_urls(CallbackUrls::primary("https://ivr.example.com/sinch").fallback("https://backup.example.com/sinch"))
//!     .await?;
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};
use sinch_voice_raw::operations::IntoRequest;
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::values::{Capability, FieldError};
use crate::wire;

/// Most numbers one assign request takes.
pub const MAX_NUMBERS_PER_ASSIGN: usize = 100;

/// Assigns 1 to 100 of the account's numbers (E.164) to an application (this client's,
/// unless `applicationkey` names another): generated from the spec's `AssignNumbersRequest`,
/// made with `AssignNumbers::new(numbers)`.
pub use sinch_voice_raw::requests::AssignNumbersRequest as AssignNumbers;

/// Takes one number (E.164) away from its application: generated from the spec's
/// `UnassignNumberRequest`, made with `UnassignNumber::new(number)`.
pub use sinch_voice_raw::requests::UnassignNumberRequest as UnassignNumber;

/// What the spec cannot say of an assign body: a given key is not blank, the capability one
/// the platform takes.
pub(crate) fn check_assign(body: &types::AssignNumbersRequest) -> Result<(), Error> {
    wire::not_blank("applicationkey", body.applicationkey.as_deref())?;
    check_capability(body.capability.as_ref())
}

/// The same for an unassign body.
pub(crate) fn check_unassign(body: &types::UnassignNumberRequest) -> Result<(), Error> {
    wire::not_blank("applicationkey", body.applicationkey.as_deref())?;
    check_capability(body.capability.as_ref())
}

fn check_capability(capability: Option<&Capability>) -> Result<(), Error> {
    match capability {
        None | Some(Capability::Voice | Capability::Sms) => Ok(()),
        Some(other) => Err(Error::invalid_input(
            "capability",
            format!("voice or sms, not {other}"),
        )),
    }
}

/// An application's callback URLs to set: where the platform sends ICE, ACE, PIE, DiCE and
/// Notify. The spec's [`ApplicationCallbacks`] body, checked on its way out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallbackUrls(types::ApplicationCallbacks);

impl CallbackUrls {
    /// Callbacks go to `url` (http or https).
    pub fn primary(url: impl Into<String>) -> Self {
        let mut urls = CallbackUrls::default();
        urls.pair().primary = Some(url.into());
        urls
    }

    /// Used when the primary URL times out or fails.
    pub fn fallback(mut self, url: impl Into<String>) -> Self {
        self.pair().fallback = Some(url.into());
        self
    }

    fn pair(&mut self) -> &mut types::ApplicationCallbacksUrl {
        self.0.url.get_or_insert_with(Default::default)
    }

    /// The primary URL, when one is set.
    pub fn primary_url(&self) -> Option<&str> {
        self.0.url.as_ref()?.primary.as_deref()
    }

    /// The fallback URL, when one is set.
    pub fn fallback_url(&self) -> Option<&str> {
        self.0.url.as_ref()?.fallback.as_deref()
    }

    /// Whether the platform would take these URLs: the primary given, each an http(s) URL
    /// with a host (`x`, `javascript:`, `file:` are refused, naming `url.primary` or
    /// `url.fallback`). Setting them checks this first.
    pub fn check(&self) -> Result<(), Error> {
        match self.primary_url() {
            Some(url) => wire::http_url("url.primary", url)?,
            None => return Err(Error::invalid_input("url.primary", "required")),
        }
        if let Some(url) = self.fallback_url() {
            wire::http_url("url.fallback", url)?;
        }
        Ok(())
    }
}

impl PartialEq for CallbackUrls {
    fn eq(&self, other: &Self) -> bool {
        (self.primary_url(), self.fallback_url()) == (other.primary_url(), other.fallback_url())
    }
}

impl Eq for CallbackUrls {}

/// The account's numbers (`list_numbers`): every number, no pagination.
pub use sinch_voice_raw::types::NumberList;

/// One number of the account, with the application it is assigned to and its capability.
pub use sinch_voice_raw::types::NumberConfiguration;

/// The answer of a number query (`query_number`) and the number it describes.
pub use sinch_voice_raw::types::{NumberItem, QueryNumberResponse};

/// An application's callback URLs as the platform reports them (`get_callback_urls`).
pub use sinch_voice_raw::types::ApplicationCallbacks;

impl IntoRequest<types::ApplicationCallbacks> for CallbackUrls {
    fn into_request(self) -> Result<types::ApplicationCallbacks, FieldError> {
        self.check().map_err(wire::field_error)?;
        Ok(self.0)
    }
}

impl Client {
    /// This application's callback URLs: `get_application_callbacks` with this client's key.
    pub async fn get_callback_urls(&self) -> Result<ApplicationCallbacks, Error> {
        self.get_application_callbacks(self.application_key()).await
    }

    /// Sets this application's callback URLs: `update_application_callbacks` with this
    /// client's key.
    pub async fn update_callback_urls(&self, urls: CallbackUrls) -> Result<(), Error> {
        self.update_application_callbacks(self.application_key(), urls)
            .await
    }
}
