//! [`Client`] and its builder: configuration, host routing, and the 14 operations.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;
use sinch_voice_raw::types;

use crate::callout::{CustomCallout, to_raw_control};
use crate::clock::{Clock, SystemClock};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::region::{CONFIGURATION_URL, Region, is_sinch_calling_host};
use crate::retry::{Idempotency, RetryBudget, RetryPolicy};
use crate::svaml::CallUpdate;
use crate::transport::{AuthMode, Operation, Transport};

/// Environment variable naming the region (`global`, `use1`, `euc1`, `sae1`, `apse1`, `apse2`).
pub const REGION_VAR: &str = "SINCH_VOICE_REGION";

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!("sinch-voice-rust/", env!("CARGO_PKG_VERSION"));

/// Default limit on a response body: Sinch's answers are a few KB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Configures a [`Client`]. Start with [`Client::builder`] or [`ClientBuilder::from_env`].
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    auth: AuthMode,
    region: Region,
    calling_url: Option<String>,
    configuration_url: Option<String>,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    overall_timeout: Option<Duration>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    clock: Arc<dyn Clock>,
    max_response_bytes: usize,
    deferred_error: Option<Error>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            auth: AuthMode::Signed,
            region: Region::Global,
            calling_url: None,
            configuration_url: None,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Some(Duration::from_secs(30)),
            overall_timeout: Some(Duration::from_secs(90)),
            retry: RetryPolicy::default(),
            http: None,
            clock: Arc::new(SystemClock),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            deferred_error: None,
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("auth", &self.auth)
            .field("region", &self.region)
            .field("calling_url", &self.calling_url)
            .field("configuration_url", &self.configuration_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with credentials from `SINCH_APPLICATION_KEY` / `SINCH_APPLICATION_SECRET` and
    /// the region from `SINCH_VOICE_REGION` when set. Problems surface at [`build`](Self::build).
    pub fn from_env() -> Self {
        let mut builder = ClientBuilder::default();
        match Credentials::from_env() {
            Ok(credentials) => builder.credentials = Some(credentials),
            Err(e) => builder.deferred_error = Some(e),
        }
        if let Ok(region) = std::env::var(REGION_VAR) {
            match region.parse::<Region>() {
                Ok(region) => builder.region = region,
                Err(e) => {
                    builder
                        .deferred_error
                        .get_or_insert(Error::Configuration(format!("{REGION_VAR}: {e}")));
                }
            }
        }
        builder
    }

    /// The application key and secret.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Signed (the default) or Basic authentication.
    pub fn auth(mut self, auth: AuthMode) -> Self {
        self.auth = auth;
        self
    }

    /// The region whose calling host serves callouts, calls and conferences.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sends callouts, calls and conferences to this base URL instead of the region's host
    /// (an emulator, a test server). `callResourceUrl`s on this origin are accepted too.
    pub fn calling_url(mut self, url: impl Into<String>) -> Self {
        self.calling_url = Some(url.into());
        self
    }

    /// Sends numbers, callback URLs and number queries to this base URL instead of
    /// `https://callingapi.sinch.com`.
    pub fn configuration_url(mut self, url: impl Into<String>) -> Self {
        self.configuration_url = Some(url.into());
        self
    }

    /// Time allowed to open a connection (ignored with [`http_client`](Self::http_client)).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, answer body included; `None` for no limit.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Time allowed for a whole operation: every attempt and every wait; `None` for no limit.
    pub fn overall_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.overall_timeout = timeout;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::none`] disables retries.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Use this reqwest client (its proxy, TLS and pool settings) for every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Where the `x-timestamp` of signed requests comes from.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Responses larger than this are refused with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Checks the configuration and makes the client.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(e) = self.deferred_error {
            return Err(e);
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::configuration(
                "credentials: none given (use .credentials(..) or ClientBuilder::from_env())",
            )
        })?;
        let calling_override = self
            .calling_url
            .as_deref()
            .map(|u| base_url("calling_url", u))
            .transpose()?;
        let calling = calling_override
            .clone()
            .unwrap_or_else(|| Url::parse(self.region.calling_url()).expect("constant URL"));
        let configuration = match self.configuration_url.as_deref() {
            Some(u) => base_url("configuration_url", u)?,
            None => Url::parse(CONFIGURATION_URL).expect("constant URL"),
        };
        if self.retry.max_attempts == 0 {
            return Err(Error::configuration(
                "retry_policy.max_attempts: must be at least 1",
            ));
        }
        let http = match self.http {
            Some(client) => client,
            // A proxy cannot reach this machine's loopback: local servers (an emulator, tests)
            // are always dialled directly.
            None => default_http_client(
                self.connect_timeout,
                is_loopback(&calling) && is_loopback(&configuration),
            )?,
        };
        let transport = Arc::new(Transport {
            credentials,
            auth: self.auth,
            clock: self.clock,
            budget: RetryBudget::new(self.retry.budget),
            retry: self.retry,
            attempt_timeout: self.attempt_timeout,
            overall_timeout: self.overall_timeout,
            max_response_bytes: self.max_response_bytes,
            user_agent: HeaderValue::from_static(USER_AGENT),
        });
        let hooks = transport.hooks();
        let raw = |url: &Url| {
            sinch_voice_raw::Client::new_with_client(
                origin(url).as_str(),
                http.clone(),
                hooks.clone(),
            )
        };
        Ok(Client {
            inner: Arc::new(Inner {
                calling: raw(&calling),
                configuration: raw(&configuration),
                calling_url: calling,
                calling_override,
                configuration_url: configuration,
                region: self.region,
                http,
                hooks,
                transport,
            }),
        })
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
        || host.eq_ignore_ascii_case("localhost")
}

fn default_http_client(connect_timeout: Duration, direct: bool) -> Result<reqwest::Client, Error> {
    crate::install_tls_provider();
    let builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT);
    let builder = if direct { builder.no_proxy() } else { builder };
    builder
        .build()
        .map_err(|e| Error::Configuration(format!("HTTP client: {e}")))
}

/// A base URL given by the user: http or https, a host, no query; trailing `/` removed.
fn base_url(field: &str, text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim())
        .map_err(|e| Error::configuration(format!("{field}: {text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::configuration(format!(
            "{field}: {text:?} must be an http(s) URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::configuration(format!(
            "{field}: {text:?} must not have a query or fragment"
        )));
    }
    Ok(url)
}

/// The base as progenitor wants it: no trailing slash (it appends paths starting with `/`).
fn origin(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
}

/// The Sinch Voice client. Cheap to clone: clones share connections and the retry budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<Transport>,
    calling: sinch_voice_raw::Client,
    configuration: sinch_voice_raw::Client,
    calling_url: Url,
    calling_override: Option<Url>,
    configuration_url: Url,
    region: Region,
    http: reqwest::Client,
    hooks: sinch_voice_raw::hooks::Hooks,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("region", &self.inner.region)
            .field("calling_url", &self.inner.calling_url.as_str())
            .field("configuration_url", &self.inner.configuration_url.as_str())
            .field("transport", &self.inner.transport)
            .finish()
    }
}

/// Checks an id that goes into a URL path: non-empty, at most `max` characters, and only
/// characters that need no escaping (so what is signed is what the server sees).
fn path_id<'a>(field: &str, value: &'a str, max: usize) -> Result<&'a str, Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid_input(
            field,
            format!("at most {max} characters"),
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
    {
        return Err(Error::invalid_input(
            field,
            format!("{bad:?} is not allowed: use letters, digits, '-', '.', '_' or '~'"),
        ));
    }
    Ok(value)
}

/// A phone number for a path: spaces removed, then `+` and digits only.
fn path_number(field: &str, value: &str) -> Result<String, Error> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid_input(
            field,
            "expected an E.164 number such as +46701234567",
        ));
    }
    Ok(compact)
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }

    /// The region of the calling host.
    pub fn region(&self) -> Region {
        self.inner.region
    }

    /// The application key requests are made with.
    pub fn application_key(&self) -> &str {
        self.inner.transport.credentials.key()
    }

    /// The raw generated client for the calling host, with this client's signing installed.
    /// Requests made through it are not retried.
    pub fn raw_calling(&self) -> &sinch_voice_raw::Client {
        &self.inner.calling
    }

    /// The raw generated client for the configuration host, with signing installed.
    pub fn raw_configuration(&self) -> &sinch_voice_raw::Client {
        &self.inner.configuration
    }

    fn op(
        &self,
        name: &'static str,
        method: &'static str,
        base: &Url,
        idempotency: Idempotency,
    ) -> Operation {
        Operation {
            name,
            method,
            host: base.host_str().unwrap_or("").to_string(),
            idempotency,
        }
    }

    fn calling_op(&self, name: &'static str, method: &'static str) -> Operation {
        self.op(
            name,
            method,
            &self.inner.calling_url,
            Idempotency::Repeatable,
        )
    }

    fn configuration_op(&self, name: &'static str, method: &'static str) -> Operation {
        self.op(
            name,
            method,
            &self.inner.configuration_url,
            Idempotency::Repeatable,
        )
    }

    // ------------------------------------------------------------------ callouts

    /// Places a callout (text-to-speech, conference or custom) and returns the call id.
    /// Retried only if the request provably never left: a retry never places a second call.
    pub async fn create_callout(&self, request: types::CalloutRequest) -> Result<String, Error> {
        check_callout(&request)?;
        let op = self.op(
            "create_callout",
            "POST",
            &self.inner.calling_url,
            Idempotency::PlacesACall,
        );
        let raw = &self.inner.calling;
        let response: types::CalloutResponse = self
            .inner
            .transport
            .run(op, || raw.create_callout().body(request.clone()).send())
            .await?;
        call_id_of(response)
    }

    /// Places a custom callout whose ICE, ACE and PIE replies are typed SVAML (or callback
    /// URLs). Returns the call id.
    pub async fn custom_callout(&self, callout: &CustomCallout<'_>) -> Result<String, Error> {
        self.create_callout(callout.to_request()).await
    }

    /// Calls `to` and speaks `text`, showing `cli` as the caller id. Returns the call id.
    pub async fn tts_callout(&self, to: &str, cli: &str, text: &str) -> Result<String, Error> {
        let callout = types::TtsCallout {
            destination: number_destination("to", to)?,
            cli: Some(checked_e164("cli", cli)?),
            text: Some(non_empty("text", text)?.to_string()),
            custom: None,
            domain: None,
            dtmf: None,
            enable_ace: None,
            enable_dice: None,
            enable_pie: None,
            locale: None,
            prompts: None,
        };
        self.create_callout(types::CalloutRequest::TtsCallout {
            tts_callout: callout,
        })
        .await
    }

    /// Calls `to` and joins them to the conference `conference_id`. Returns the call id.
    pub async fn conference_callout(&self, to: &str, conference_id: &str) -> Result<String, Error> {
        let callout = types::ConferenceCallout {
            destination: number_destination("to", to)?,
            conference_id: conference_id_checked(conference_id)?.to_string(),
            cli: None,
            conference_dtmf_options: None,
            custom: None,
            domain: None,
            dtmf: None,
            enable_ace: None,
            enable_dice: None,
            enable_pie: None,
            greeting: None,
            locale: None,
            max_duration: None,
            moh_class: None,
        };
        self.create_callout(types::CalloutRequest::ConferenceCallout {
            conference_callout: callout,
        })
        .await
    }

    // ------------------------------------------------------------------ calls

    /// Reads an ongoing or finished call.
    pub async fn get_call(&self, call_id: &str) -> Result<types::CallInformation, Error> {
        let call_id = path_id("call_id", call_id, 128)?;
        self.get_call_on(&self.inner.calling, &self.inner.calling_url, call_id)
            .await
    }

    /// Controls a connected call with SVAML (hangup, continue or park, plus instructions).
    pub async fn update_call(&self, call_id: &str, svaml: &CallUpdate<'_>) -> Result<(), Error> {
        let call_id = path_id("call_id", call_id, 128)?;
        self.update_call_on(&self.inner.calling, &self.inner.calling_url, call_id, svaml)
            .await
    }

    /// Like [`update_call`](Self::update_call), with `playFiles` and `say` on one leg.
    pub async fn manage_call_leg(
        &self,
        call_id: &str,
        leg: types::CallLeg,
        svaml: &CallUpdate<'_>,
    ) -> Result<(), Error> {
        let call_id = path_id("call_id", call_id, 128)?;
        self.manage_call_leg_on(
            &self.inner.calling,
            &self.inner.calling_url,
            call_id,
            leg,
            svaml,
        )
        .await
    }

    // The call operations on a given host: the regional one, or a `callResourceUrl`'s.

    async fn get_call_on(
        &self,
        raw: &sinch_voice_raw::Client,
        base: &Url,
        call_id: &str,
    ) -> Result<types::CallInformation, Error> {
        let op = self.op("get_call", "GET", base, Idempotency::Repeatable);
        self.inner
            .transport
            .run(op, || raw.get_call().call_id(call_id).send())
            .await
    }

    async fn update_call_on(
        &self,
        raw: &sinch_voice_raw::Client,
        base: &Url,
        call_id: &str,
        svaml: &CallUpdate<'_>,
    ) -> Result<(), Error> {
        let svaml = to_raw_control(svaml);
        let op = self.op("update_call", "PATCH", base, Idempotency::Repeatable);
        self.inner
            .transport
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
        leg: types::CallLeg,
        svaml: &CallUpdate<'_>,
    ) -> Result<(), Error> {
        let svaml = to_raw_control(svaml);
        let op = self.op("manage_call_leg", "PATCH", base, Idempotency::Repeatable);
        self.inner
            .transport
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
        let trusted_override = self.inner.calling_override.as_ref().is_some_and(|o| {
            o.scheme() == url.scheme()
                && o.host_str() == url.host_str()
                && o.port_or_known_default() == url.port_or_known_default()
        });
        let sinch_host = url.scheme() == "https"
            && url.port().is_none()
            && url.username().is_empty()
            && url.password().is_none()
            && url.host_str().is_some_and(is_sinch_calling_host);
        if !(trusted_override || sinch_host) {
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
        path_id(field, call_id, 128)?;
        let mut base = url.clone();
        base.set_path("");
        base.set_query(None);
        base.set_fragment(None);
        let raw = sinch_voice_raw::Client::new_with_client(
            &origin(&base),
            self.inner.http.clone(),
            self.inner.hooks.clone(),
        );
        Ok(CallHandle {
            client: self.clone(),
            raw,
            base,
            call_id: call_id.to_string(),
        })
    }

    // ------------------------------------------------------------------ conferences

    /// Lists the participants of an ongoing conference.
    pub async fn get_conference(
        &self,
        conference_id: &str,
    ) -> Result<types::ConferenceInfo, Error> {
        let conference_id = conference_id_checked(conference_id)?;
        let raw = &self.inner.calling;
        self.inner
            .transport
            .run(self.calling_op("get_conference", "GET"), || {
                raw.get_conference().conference_id(conference_id).send()
            })
            .await
    }

    /// Removes every participant, ending the conference.
    pub async fn kick_all_from_conference(&self, conference_id: &str) -> Result<(), Error> {
        let conference_id = conference_id_checked(conference_id)?;
        let raw = &self.inner.calling;
        self.inner
            .transport
            .run(
                self.calling_op("kick_all_from_conference", "DELETE"),
                || {
                    raw.kick_all_from_conference()
                        .conference_id(conference_id)
                        .send()
                },
            )
            .await
    }

    /// Mutes, unmutes, holds or resumes one participant.
    pub async fn manage_participant(
        &self,
        conference_id: &str,
        call_id: &str,
        request: types::ManageParticipantRequest,
    ) -> Result<(), Error> {
        let conference_id = conference_id_checked(conference_id)?;
        let call_id = path_id("call_id", call_id, 128)?;
        let raw = &self.inner.calling;
        self.inner
            .transport
            .run(
                self.calling_op("manage_conference_participant", "PATCH"),
                || {
                    raw.manage_conference_participant()
                        .conference_id(conference_id)
                        .call_id(call_id)
                        .body(request.clone())
                        .send()
                },
            )
            .await
    }

    /// Removes one participant from a conference.
    pub async fn kick_participant(&self, conference_id: &str, call_id: &str) -> Result<(), Error> {
        let conference_id = conference_id_checked(conference_id)?;
        let call_id = path_id("call_id", call_id, 128)?;
        let raw = &self.inner.calling;
        self.inner
            .transport
            .run(
                self.calling_op("kick_participant_from_conference", "DELETE"),
                || {
                    raw.kick_participant_from_conference()
                        .conference_id(conference_id)
                        .call_id(call_id)
                        .send()
                },
            )
            .await
    }

    // ------------------------------------------------------------------ configuration

    /// Every number of the account, with its application and capability.
    pub async fn list_numbers(&self) -> Result<types::NumberList, Error> {
        let raw = &self.inner.configuration;
        self.inner
            .transport
            .run(self.configuration_op("get_numbers", "GET"), || {
                raw.get_numbers().send()
            })
            .await
    }

    /// Assigns 1 to 100 numbers to an application (this one unless the request names another).
    pub async fn assign_numbers(&self, request: types::AssignNumbersRequest) -> Result<(), Error> {
        if request.numbers.is_empty() || request.numbers.len() > 100 {
            return Err(Error::invalid_input("numbers", "give 1 to 100 numbers"));
        }
        let raw = &self.inner.configuration;
        self.inner
            .transport
            .run(self.configuration_op("assign_numbers", "POST"), || {
                raw.assign_numbers().body(request.clone()).send()
            })
            .await
    }

    /// Un-assigns one number.
    pub async fn unassign_number(
        &self,
        request: types::UnassignNumberRequest,
    ) -> Result<(), Error> {
        let raw = &self.inner.configuration;
        self.inner
            .transport
            .run(self.configuration_op("unassign_number", "DELETE"), || {
                raw.unassign_number().body(request.clone()).send()
            })
            .await
    }

    /// This application's callback URLs.
    pub async fn get_callback_urls(&self) -> Result<types::ApplicationCallbacks, Error> {
        let key = path_id("application_key", self.application_key(), 128)?;
        let raw = &self.inner.configuration;
        self.inner
            .transport
            .run(
                self.configuration_op("get_application_callbacks", "GET"),
                || raw.get_application_callbacks().applicationkey(key).send(),
            )
            .await
    }

    /// Sets this application's callback URLs.
    pub async fn update_callback_urls(
        &self,
        callbacks: types::ApplicationCallbacks,
    ) -> Result<(), Error> {
        let key = path_id("application_key", self.application_key(), 128)?;
        let raw = &self.inner.configuration;
        self.inner
            .transport
            .run(
                self.configuration_op("update_application_callbacks", "POST"),
                || {
                    raw.update_application_callbacks()
                        .applicationkey(key)
                        .body(callbacks.clone())
                        .send()
                },
            )
            .await
    }

    /// Type, country and rate of a number (deprecated by Sinch, still served).
    pub async fn query_number(&self, number: &str) -> Result<types::QueryNumberResponse, Error> {
        let number = path_number("number", number)?;
        let raw = &self.inner.configuration;
        self.inner
            .transport
            .run(self.configuration_op("query_number", "GET"), || {
                raw.query_number().number(number.as_str()).send()
            })
            .await
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
    pub async fn get(&self) -> Result<types::CallInformation, Error> {
        self.client
            .get_call_on(&self.raw, &self.base, &self.call_id)
            .await
    }

    /// Controls the call with SVAML.
    pub async fn update(&self, svaml: &CallUpdate<'_>) -> Result<(), Error> {
        self.client
            .update_call_on(&self.raw, &self.base, &self.call_id, svaml)
            .await
    }

    /// Controls one leg of the call with SVAML.
    pub async fn manage_leg(
        &self,
        leg: types::CallLeg,
        svaml: &CallUpdate<'_>,
    ) -> Result<(), Error> {
        self.client
            .manage_call_leg_on(&self.raw, &self.base, &self.call_id, leg, svaml)
            .await
    }
}

fn call_id_of(response: types::CalloutResponse) -> Result<String, Error> {
    response
        .call_id
        .or(response.callid)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::Decode {
            operation: "create_callout",
            status: 200,
            path: "callId".into(),
            message: "the answer has no call id".into(),
            body: bytes::Bytes::new(),
            truncated: false,
        })
}

fn non_empty<'a>(field: &str, value: &'a str) -> Result<&'a str, Error> {
    if value.trim().is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(value)
    }
}

/// Sinch answers 40005 to a number without its leading `+`; say so before sending.
fn checked_e164(field: &str, value: &str) -> Result<String, Error> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.strip_prefix('+') {
        Some(digits)
            if (2..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) =>
        {
            Ok(compact)
        }
        _ => Err(Error::invalid_input(
            field,
            format!("{value:?} is not an E.164 number: a '+' then 2 to 15 digits"),
        )),
    }
}

/// What Sinch would refuse (40005 for a number without `+`), refused before anything is sent,
/// whichever way the request was built.
fn check_callout(request: &types::CalloutRequest) -> Result<(), Error> {
    let (prefix, destination, cli) = match request {
        types::CalloutRequest::TtsCallout { tts_callout: c } => {
            ("ttsCallout", Some(&c.destination), c.cli.as_deref())
        }
        types::CalloutRequest::ConferenceCallout {
            conference_callout: c,
        } => {
            conference_id_checked(&c.conference_id).map_err(|_| {
                Error::invalid_input(
                    "conferenceCallout.conferenceId",
                    "1 to 64 letters, digits, '-', '.', '_' or '~'",
                )
            })?;
            ("conferenceCallout", Some(&c.destination), c.cli.as_deref())
        }
        types::CalloutRequest::CustomCallout { custom_callout: c } => {
            ("customCallout", c.destination.as_ref(), c.cli.as_deref())
        }
    };
    if let Some(d) = destination
        && d.type_ == types::DestinationType::Number
    {
        checked_e164(&format!("{prefix}.destination.endpoint"), &d.endpoint)?;
    }
    if let Some(cli) = cli
        && !cli.eq_ignore_ascii_case("private")
    {
        checked_e164(&format!("{prefix}.cli"), cli)?;
    }
    Ok(())
}

fn number_destination(field: &str, to: &str) -> Result<types::Destination, Error> {
    Ok(types::Destination {
        type_: types::DestinationType::Number,
        endpoint: checked_e164(field, to)?,
    })
}

fn conference_id_checked(conference_id: &str) -> Result<&str, Error> {
    path_id("conference_id", conference_id, 64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_are_checked() {
        assert!(path_id("call_id", "4398599d1ba84ef3bde0a82dfb61abed", 128).is_ok());
        let err = path_id("conference_id", "a/b", 64).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "conference_id"),
            "{err}"
        );
        assert!(path_id("conference_id", &"x".repeat(65), 64).is_err());
        assert!(path_id("call_id", "", 128).is_err());
    }

    #[test]
    fn numbers_are_checked() {
        assert_eq!(
            path_number("number", "+46 70 123 45 67").unwrap(),
            "+46701234567"
        );
        assert!(path_number("number", "+46-70").is_err());
        assert!(checked_e164("to", "46701234567").is_err());
        assert_eq!(checked_e164("to", "+46701234567").unwrap(), "+46701234567");
    }

    #[test]
    fn callouts_are_checked_however_they_were_built() {
        let tts = |to: &str, cli: Option<&str>| types::CalloutRequest::TtsCallout {
            tts_callout: types::TtsCallout {
                destination: types::Destination {
                    type_: types::DestinationType::Number,
                    endpoint: to.into(),
                },
                cli: cli.map(str::to_string),
                custom: None,
                domain: None,
                dtmf: None,
                enable_ace: None,
                enable_dice: None,
                enable_pie: None,
                locale: Some("sv-SE".into()),
                prompts: None,
                text: Some("Hej".into()),
            },
        };
        assert!(check_callout(&tts("+46701234567", Some("private"))).is_ok());
        let field = |r| match check_callout(&r) {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected an invalid input, got {other:?}"),
        };
        assert_eq!(
            field(tts("46701234567", None)),
            "ttsCallout.destination.endpoint"
        );
        assert_eq!(field(tts("+46701234567", Some("0701"))), "ttsCallout.cli");
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(base_url("calling_url", "http://127.0.0.1:8080").is_ok());
        assert!(base_url("calling_url", "ftp://x").is_err());
        assert!(base_url("calling_url", "not a url").is_err());
        assert!(base_url("calling_url", "http://h/?q=1").is_err());
        assert_eq!(
            origin(&base_url("x", "http://127.0.0.1:8080/").unwrap()),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            origin(&base_url("x", "http://h/prefix/").unwrap()),
            "http://h/prefix"
        );
    }
}
