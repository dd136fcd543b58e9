//! Calls (spec `getCall`, `updateCall`, `manageCallLeg`): read one, steer it with SVAML, play
//! prompts on one leg; on the regional host, or on the host an ICE's `callResourceUrl` names.
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
use sinch_voice_raw::operations::{self, IntoRequest};
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::svaml::{CallUpdate, Context, LegUpdate, Svaml};
use crate::values::FieldError;
use crate::wire;

/// Which leg of a call a [`LegUpdate`] plays on.
pub use sinch_voice_raw::enums::CallLeg;

/// What the platform knows of a call (`GET /calling/v1/calls/id/{callId}`), as the spec
/// declares it: every field may be absent; enums keep values this crate does not know.
pub use sinch_voice_raw::types::CallInformation;

/// One end of a call as the platform reports it (`from`, `to` of [`CallInformation`]).
pub use sinch_voice_raw::types::CallParty;

impl IntoRequest<types::SvamlControl> for &CallUpdate<'_> {
    fn into_request(self) -> Result<types::SvamlControl, FieldError> {
        to_raw_control(self)
    }
}

impl IntoRequest<types::SvamlLegControl> for &LegUpdate<'_> {
    fn into_request(self) -> Result<types::SvamlLegControl, FieldError> {
        to_raw_control(self)
    }
}

impl Client {
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
        let (raw, id) = (&self.raw, self.call_id.as_str());
        self.client
            .run_operation_on(&self.base, &operations::GET_CALL, || {
                raw.get_call().call_id(id).send()
            })
            .await
    }

    /// Steers the call with SVAML.
    pub async fn update(&self, svaml: &CallUpdate<'_>) -> Result<(), Error> {
        let body: types::SvamlControl = svaml.into_request()?;
        let (raw, id) = (&self.raw, self.call_id.as_str());
        self.client
            .run_operation_on(&self.base, &operations::UPDATE_CALL, || {
                raw.update_call().call_id(id).body(body.clone()).send()
            })
            .await
    }

    /// Plays prompts on one leg of the call.
    pub async fn manage_leg(&self, leg: CallLeg, svaml: &LegUpdate<'_>) -> Result<(), Error> {
        let body: types::SvamlLegControl = svaml.into_request()?;
        let (raw, id) = (&self.raw, self.call_id.as_str());
        self.client
            .run_operation_on(&self.base, &operations::MANAGE_CALL_LEG, || {
                raw.manage_call_leg()
                    .call_id(id)
                    .call_leg(leg.clone())
                    .body(body.clone())
                    .send()
            })
            .await
    }
}

/// The raw client's loosely typed form of a PATCH body.
fn to_raw_control<C: Context, R: serde::de::DeserializeOwned>(
    svaml: &Svaml<'_, C>,
) -> Result<R, FieldError> {
    wire::to_raw::<R>(C::NAME, svaml)
}
