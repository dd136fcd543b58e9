//! Every operation of the spec is a method of [`Client`], generated from its operationId
//! (`sinch_voice_raw::client_operations!`): a new operation in the spec is a new method here
//! after `cargo xtask regenerate`, with no hand-written wrapper. This module is what those
//! methods run on: the value rule of each path parameter, the body's own checks, the host the
//! spec routes to, and the transport (signing, retries as the spec allows, typed errors).
//!
//! ```no_run
//! # async fn run(client: sinch_voice::Client) -> Result<(), sinch_voice::Error> {
//! let conference = client.get_conference("standup").await?;
//! for participant in conference.participants {
//!     println!("{:?} muted: {:?}", participant.cli, participant.muted);
//! }
//! client.kick_all_from_conference("standup").await?;
//! # Ok(()) }
//! ```

use std::any::Any;
use std::future::Future;

use reqwest::Url;
use serde::de::DeserializeOwned;
use sinch_voice_raw::operations::{IntoRequest, Operation as Spec};
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::transport::Operation;

impl Client {
    sinch_voice_raw::client_operations!(crate::Error);
}

impl Client {
    /// A path parameter, checked by the rule the spec attaches to it.
    pub(crate) fn path_value<'a>(
        &self,
        spec: &Spec,
        index: usize,
        value: &'a str,
    ) -> Result<&'a str, Error> {
        let param = &spec.params[index];
        if value.is_empty() {
            return Err(Error::invalid_input(param.rust_name, "must not be empty"));
        }
        if let Some(check) = param.check {
            check(value).map_err(|e| Error::invalid_input(param.rust_name, e.to_string()))?;
        }
        Ok(value)
    }

    /// The body, or an error naming the field that makes it invalid.
    /// What the spec cannot say is checked here, whichever method sends the body: the rules
    /// across the fields of a callout, the capability a number request may name.
    pub(crate) fn request_body<T: 'static>(
        &self,
        _spec: &Spec,
        request: impl IntoRequest<T>,
    ) -> Result<T, Error> {
        let mut body = request.into_request()?;
        let any = &mut body as &mut dyn Any;
        if let Some(callout) = any.downcast_mut::<types::CalloutRequest>() {
            crate::callouts::check_callout(callout)?;
        } else if let Some(assign) = any.downcast_mut::<types::AssignNumbersRequest>() {
            crate::configuration::check_assign(assign)?;
        } else if let Some(unassign) = any.downcast_mut::<types::UnassignNumberRequest>() {
            crate::configuration::check_unassign(unassign)?;
        }
        Ok(body)
    }

    /// The raw client for the host the spec routes the operation to: the regional calling
    /// host, or the configuration host its path names.
    pub(crate) fn raw_for(&self, spec: &Spec) -> &sinch_voice_raw::Client {
        match spec.server {
            None => self.raw_calling(),
            Some(_) => self.raw_configuration(),
        }
    }

    fn base_for(&self, spec: &Spec) -> &Url {
        match spec.server {
            None => self.calling_url(),
            Some(_) => self.configuration_url(),
        }
    }

    /// Runs one operation with signing, retries (as far as the spec allows) and typed errors.
    pub(crate) async fn run_operation<T, F, Fut>(
        &self,
        spec: &'static Spec,
        send: F,
    ) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<
            Output = Result<
                sinch_voice_raw::ResponseValue<T>,
                sinch_voice_raw::Error<types::Error>,
            >,
        >,
    {
        self.run_operation_on(self.base_for(spec), spec, send).await
    }

    /// [`run_operation`](Self::run_operation) on another host (a `callResourceUrl`'s).
    pub(crate) async fn run_operation_on<T, F, Fut>(
        &self,
        base: &Url,
        spec: &'static Spec,
        send: F,
    ) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<
            Output = Result<
                sinch_voice_raw::ResponseValue<T>,
                sinch_voice_raw::Error<types::Error>,
            >,
        >,
    {
        let operation = Operation {
            spec,
            host: base.host_str().unwrap_or("").to_string(),
        };
        self.transport().run(operation, send).await
    }
}

#[cfg(test)]
mod tests {
    use sinch_voice_raw::operations::{ALL, Retry};

    #[test]
    fn every_per_path_host_is_the_configuration_host() {
        // `raw_for` sends every operation with a `servers` override to the configuration host.
        for op in ALL {
            if let Some(url) = op.server {
                assert_eq!(url, crate::CONFIGURATION_URL, "{}", op.id);
            }
        }
    }

    #[test]
    fn only_the_callout_is_never_sent_twice() {
        let never: Vec<&str> = ALL
            .iter()
            .filter(|op| op.retry == Retry::NeverTwice)
            .map(|op| op.id)
            .collect();
        assert_eq!(never, ["createCallout"]);
    }
}
