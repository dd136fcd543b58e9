//! Configuration (rest-api.md §4.7, host `callingapi.sinch.com`): the account's numbers, which
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

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::values::{Capability, E164, NumberType, Price};
use crate::wire;

type Text<'a> = Cow<'a, str>;

/// Most numbers one assign request takes.
pub const MAX_NUMBERS_PER_ASSIGN: usize = 100;

/// Assigns 1 to 100 of the account's numbers to an application (this client's, unless
/// [`application_key`](Self::application_key) names another).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use = "pass it to Client::assign_numbers"]
pub struct AssignNumbers<'a> {
    numbers: Vec<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    applicationkey: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capability: Option<Capability>,
}

impl<'a> AssignNumbers<'a> {
    /// The numbers (E.164) to assign.
    pub fn new<N: Into<Text<'a>>>(numbers: impl IntoIterator<Item = N>) -> Self {
        AssignNumbers {
            numbers: numbers.into_iter().map(Into::into).collect(),
            applicationkey: None,
            capability: None,
        }
    }

    /// The application to assign to (default: the key the request is made with).
    pub fn application_key(mut self, key: impl Into<Text<'a>>) -> Self {
        self.applicationkey = Some(key.into());
        self
    }

    /// `voice` or `sms`: the numbers must support it.
    pub fn capability(mut self, capability: Capability) -> Self {
        self.capability = Some(capability);
        self
    }

    fn check(&self) -> Result<(), Error> {
        if self.numbers.is_empty() || self.numbers.len() > MAX_NUMBERS_PER_ASSIGN {
            return Err(Error::invalid_input(
                "numbers",
                format!(
                    "give 1 to {MAX_NUMBERS_PER_ASSIGN} numbers, got {}",
                    self.numbers.len()
                ),
            ));
        }
        for (i, number) in self.numbers.iter().enumerate() {
            E164::check(number).map_err(|e| wire::invalid(format!("numbers[{i}]"), e))?;
        }
        wire::not_blank("applicationkey", self.applicationkey.as_deref())?;
        check_capability(self.capability.as_ref())
    }
}

/// Takes one number away from its application.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use = "pass it to Client::unassign_number"]
pub struct UnassignNumber<'a> {
    number: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    applicationkey: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capability: Option<Capability>,
}

impl<'a> UnassignNumber<'a> {
    /// The number (E.164).
    pub fn new(number: impl Into<Text<'a>>) -> Self {
        UnassignNumber {
            number: number.into(),
            applicationkey: None,
            capability: None,
        }
    }

    /// The application it is assigned to (default: this client's).
    pub fn application_key(mut self, key: impl Into<Text<'a>>) -> Self {
        self.applicationkey = Some(key.into());
        self
    }

    /// `voice` or `sms`.
    pub fn capability(mut self, capability: Capability) -> Self {
        self.capability = Some(capability);
        self
    }

    fn check(&self) -> Result<(), Error> {
        E164::check(&self.number).map_err(|e| wire::invalid("number", e))?;
        wire::not_blank("applicationkey", self.applicationkey.as_deref())?;
        check_capability(self.capability.as_ref())
    }
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

/// An application's callback URLs: where the platform sends ICE, ACE, PIE, DiCE and Notify.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallbackUrls {
    #[serde(default)]
    url: CallbackUrlPair,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
struct CallbackUrlPair {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    primary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fallback: Option<String>,
}

impl CallbackUrls {
    /// Callbacks go to `url` (http or https).
    pub fn primary(url: impl Into<String>) -> Self {
        CallbackUrls {
            url: CallbackUrlPair {
                primary: Some(url.into()),
                fallback: None,
            },
        }
    }

    /// Used when the primary URL times out or fails.
    pub fn fallback(mut self, url: impl Into<String>) -> Self {
        self.url.fallback = Some(url.into());
        self
    }

    /// The primary URL, when one is set.
    pub fn primary_url(&self) -> Option<&str> {
        self.url.primary.as_deref()
    }

    /// The fallback URL, when one is set.
    pub fn fallback_url(&self) -> Option<&str> {
        self.url.fallback.as_deref()
    }

    /// Whether the platform would take these URLs: the primary given, each an http(s) URL
    /// with a host (`x`, `javascript:`, `file:` are refused, naming `url.primary` or
    /// `url.fallback`). Setting them checks this first.
    pub fn check(&self) -> Result<(), Error> {
        match &self.url.primary {
            Some(url) => wire::http_url("url.primary", url)?,
            None => return Err(Error::invalid_input("url.primary", "required")),
        }
        if let Some(url) = &self.url.fallback {
            wire::http_url("url.fallback", url)?;
        }
        Ok(())
    }
}

/// The account's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NumberList {
    /// Every number (no pagination).
    #[serde(default)]
    pub numbers: Vec<OwnedNumber>,
}

/// One number of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnedNumber {
    /// The number (E.164).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The application it is assigned to; absent when unassigned.
    #[serde(
        default,
        rename = "applicationkey",
        skip_serializing_if = "Option::is_none"
    )]
    pub application_key: Option<String>,
    /// `voice` or `sms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<Capability>,
}

/// What the platform knows of a number (number query).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NumberInfo {
    /// ISO 3166-1 alpha-2 country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    /// Fixed, mobile, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_type: Option<NumberType>,
    /// The number in E.164.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized_number: Option<String>,
    /// Whether calls to it are restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted: Option<bool>,
    /// Cost per minute.
    #[serde(
        default,
        deserialize_with = "crate::values::borrow::owned_price",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate: Option<Price<'static>>,
}

impl Client {
    /// Every number of the account, with its application and capability.
    pub async fn list_numbers(&self) -> Result<NumberList, Error> {
        let raw = self.raw_configuration();
        let list: types::NumberList = self
            .transport()
            .run(self.configuration_op("get_numbers", "GET"), || {
                raw.get_numbers().send()
            })
            .await?;
        wire::from_raw("get_numbers", &list)
    }

    /// Assigns numbers to an application.
    pub async fn assign_numbers(&self, request: AssignNumbers<'_>) -> Result<(), Error> {
        request.check()?;
        let body: types::AssignNumbersRequest = wire::to_raw("assign_numbers", &request)?;
        let raw = self.raw_configuration();
        self.transport()
            .run(self.configuration_op("assign_numbers", "POST"), || {
                raw.assign_numbers().body(body.clone()).send()
            })
            .await
    }

    /// Takes a number away from its application.
    pub async fn unassign_number(&self, request: UnassignNumber<'_>) -> Result<(), Error> {
        request.check()?;
        let body: types::UnassignNumberRequest = wire::to_raw("unassign_number", &request)?;
        let raw = self.raw_configuration();
        self.transport()
            .run(self.configuration_op("unassign_number", "DELETE"), || {
                raw.unassign_number().body(body.clone()).send()
            })
            .await
    }

    /// This application's callback URLs.
    pub async fn get_callback_urls(&self) -> Result<CallbackUrls, Error> {
        let key = wire::call_id("application_key", self.application_key())?;
        let raw = self.raw_configuration();
        let urls: types::ApplicationCallbacks = self
            .transport()
            .run(
                self.configuration_op("get_application_callbacks", "GET"),
                || raw.get_application_callbacks().applicationkey(key).send(),
            )
            .await?;
        wire::from_raw("get_application_callbacks", &urls)
    }

    /// Sets this application's callback URLs.
    pub async fn update_callback_urls(&self, urls: CallbackUrls) -> Result<(), Error> {
        urls.check()?;
        let key = wire::call_id("application_key", self.application_key())?;
        let body: types::ApplicationCallbacks = wire::to_raw("callbacks", &urls)?;
        let raw = self.raw_configuration();
        self.transport()
            .run(
                self.configuration_op("update_application_callbacks", "POST"),
                || {
                    raw.update_application_callbacks()
                        .applicationkey(key)
                        .body(body.clone())
                        .send()
                },
            )
            .await
    }

    /// Type, country and rate of a number (deprecated by Sinch, still served).
    pub async fn query_number(&self, number: &str) -> Result<NumberInfo, Error> {
        E164::check(number).map_err(|e| wire::invalid("number", e))?;
        let raw = self.raw_configuration();
        let answer: types::QueryNumberResponse = self
            .transport()
            .run(self.configuration_op("query_number", "GET"), || {
                raw.query_number().number(number).send()
            })
            .await?;
        let item = answer.number.ok_or_else(|| Error::Decode {
            operation: "query_number",
            status: 200,
            path: "number".into(),
            message: "the answer has no `number` object".into(),
            body: bytes::Bytes::new(),
            truncated: false,
        })?;
        wire::from_raw("query_number", &item)
    }
}
