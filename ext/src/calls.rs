//! Calls (rest-api.md §4.3, §4.4): read one, steer it with SVAML, play prompts on one leg;
//! on the regional host, or on the host an ICE's `callResourceUrl` names.
//!
//! ```no_run
//! # async fn run(client: sinch_voice::Client, call_id: sinch_voice::CallId) -> Result<(), sinch_voice::Error> {
//! use sinch_voice::CallLeg;
//! use sinch_voice::svaml::{CallUpdate, LegUpdate};
//!
//! let call = client.get_call(&call_id).await?;
//! println!("{:?} {:?}", call.status, call.result);
//! let prompt = LegUpdate::builder().say("Two minutes left.", "en-US").build()?;
//! client.manage_call_leg(&call_id, CallLeg::Callee, &prompt).await?;
//! client.update_call(&call_id, &CallUpdate::builder().hangup().build()?).await?;
//! # Ok(()) }
//! ```

use reqwest::Url;
use serde::{Deserialize, Serialize};
use sinch_voice_raw::types;

use crate::callbacks::Timestamp;
use crate::client::Client;
use crate::error::Error;
use crate::retry::Idempotency;
use crate::svaml::{CallUpdate, Context, LegUpdate, Svaml};
use crate::values::{CallEndReason, CallResult, CallStatus, Destination, Domain, Price};
use crate::wire;

/// Which leg of a call a [`LegUpdate`] plays on.
pub use sinch_voice_raw::types::CallLeg;

/// What the platform knows of a call (`GET /calling/v1/calls/id/{callId}`). Every field may be
/// absent; enums keep values this crate does not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallInformation {
    /// The call's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// The caller.
    #[serde(
        default,
        deserialize_with = "crate::values::borrow::owned_destination",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<Destination<'static>>,
    /// The callee.
    #[serde(
        default,
        deserialize_with = "crate::values::borrow::owned_destination",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Destination<'static>>,
    /// `pstn` or `mxp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// `ONGOING` or `FINAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    /// How it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CallResult>,
    /// Why it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<CallEndReason>,
    /// When it started (read leniently: an offset is optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// The `custom` text given when the call was placed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
    /// Rate per minute.
    #[serde(
        default,
        deserialize_with = "crate::values::borrow::owned_price",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_rate: Option<Price<'static>>,
    /// Total charged.
    #[serde(
        default,
        deserialize_with = "crate::values::borrow::owned_price",
        skip_serializing_if = "Option::is_none"
    )]
    pub debit: Option<Price<'static>>,
}

impl Client {
    /// Reads an ongoing or finished call (calls that start or end on PSTN or SIP).
    pub async fn get_call(&self, call_id: &str) -> Result<CallInformation, Error> {
        let call_id = wire::call_id("call_id", call_id)?;
        self.get_call_on(self.raw_calling(), self.calling_url(), call_id)
            .await
    }

    /// Steers a connected call with SVAML: hangup, continue or park, after any instructions.
    pub async fn update_call(&self, call_id: &str, svaml: &CallUpdate<'_>) -> Result<(), Error> {
        let call_id = wire::call_id("call_id", call_id)?;
        self.update_call_on(self.raw_calling(), self.calling_url(), call_id, svaml)
            .await
    }

    /// Plays prompts (`playFiles`, `say`) on one leg of a call.
    pub async fn manage_call_leg(
        &self,
        call_id: &str,
        leg: CallLeg,
        svaml: &LegUpdate<'_>,
    ) -> Result<(), Error> {
        let call_id = wire::call_id("call_id", call_id)?;
        self.manage_call_leg_on(self.raw_calling(), self.calling_url(), call_id, leg, svaml)
            .await
    }

    // The call operations on a given host: the regional one, or a `callResourceUrl`'s.

    async fn get_call_on(
        &self,
        raw: &sinch_voice_raw::Client,
        base: &Url,
        call_id: &str,
    ) -> Result<CallInformation, Error> {
        let op = self.op("get_call", "GET", base, Idempotency::Repeatable);
        let call: types::CallInformation = self
            .transport()
            .run(op, || raw.get_call().call_id(call_id).send())
            .await?;
        wire::from_raw("get_call", &call)
    }

    async fn update_call_on(
        &self,
        raw: &sinch_voice_raw::Client,
        base: &Url,
        call_id: &str,
        svaml: &CallUpdate<'_>,
    ) -> Result<(), Error> {
        let svaml = to_raw_control(svaml)?;
        let op = self.op("update_call", "PATCH", base, Idempotency::Repeatable);
        self.transport()
            .run(op, || {
                raw.update_call()
                    .call_id(call_id)
                    .body(svaml.clone())
                    .send()
            })
            .await
    }

    async fn manage_call_leg_on(
        &self,
        raw: &sinch_voice_raw::Client,
        base: &Url,
        call_id: &str,
        leg: CallLeg,
        svaml: &LegUpdate<'_>,
    ) -> Result<(), Error> {
        let svaml = to_raw_control(svaml)?;
        let op = self.op("manage_call_leg", "PATCH", base, Idempotency::Repeatable);
        self.transport()
            .run(op, || {
                raw.manage_call_leg()
                    .call_id(call_id)
                    .call_leg(leg)
                    .body(svaml.clone())
                    .send()
            })
            .await
    }

    /// A handle on the call an ICE callback names in its `callResourceUrl`, so it is managed
    /// on the host that owns it. Only https Sinch calling hosts (or the configured
    /// `calling_url`) are accepted: credentials never go to a host taken from a payload.
    pub fn call_at(&self, call_resource_url: &str) -> Result<CallHandle, Error> {
        let field = "call_resource_url";
        let url = Url::parse(call_resource_url)
            .map_err(|e| Error::invalid_input(field, format!("not a URL: {e}")))?;
        if !self.is_trusted_calling_host(&url) {
            return Err(Error::invalid_input(
                field,
                format!(
                    "{} is not a Sinch calling host (https://calling[-region].api.sinch.com) nor the configured calling_url",
                    url.host_str().unwrap_or("(no host)")
                ),
            ));
        }
        let path = url.path();
        let call_id = path
            .strip_prefix("/calling/v1/calls/id/")
            .filter(|id| !id.is_empty() && !id.contains('/'))
            .ok_or_else(|| {
                Error::invalid_input(
                    field,
                    format!("{path:?} is not /calling/v1/calls/id/{{callId}}"),
                )
            })?;
        wire::call_id(field, call_id)?;
        let mut base = url.clone();
        base.set_path("");
        base.set_query(None);
        base.set_fragment(None);
        Ok(CallHandle {
            raw: self.raw_client_for(&base),
            client: self.clone(),
            base,
            call_id: call_id.to_string(),
        })
    }
}

/// A call on the host named by its `callResourceUrl`; made by [`Client::call_at`].
#[derive(Debug, Clone)]
pub struct CallHandle {
    client: Client,
    raw: sinch_voice_raw::Client,
    base: Url,
    call_id: String,
}

impl CallHandle {
    /// The call's id.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// The host the call is managed on, e.g. `calling-euc1.api.sinch.com`.
    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or("")
    }

    /// Reads the call.
    pub async fn get(&self) -> Result<CallInformation, Error> {
        self.client
            .get_call_on(&self.raw, &self.base, &self.call_id)
            .await
    }

    /// Steers the call with SVAML.
    pub async fn update(&self, svaml: &CallUpdate<'_>) -> Result<(), Error> {
        self.client
            .update_call_on(&self.raw, &self.base, &self.call_id, svaml)
            .await
    }

    /// Plays prompts on one leg of the call.
    pub async fn manage_leg(&self, leg: CallLeg, svaml: &LegUpdate<'_>) -> Result<(), Error> {
        self.client
            .manage_call_leg_on(&self.raw, &self.base, &self.call_id, leg, svaml)
            .await
    }
}

/// The raw client's loosely typed form of a PATCH body.
fn to_raw_control<C: Context>(svaml: &Svaml<'_, C>) -> Result<types::SvamlControl, Error> {
    wire::to_raw::<types::SvamlControl>(C::NAME, svaml)
}
