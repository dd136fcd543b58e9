//! [`Client`] and its builder: configuration and host routing. The operations live with
//! their request types, one module per family (callouts, calls, conferences, configuration).

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::clock::{Clock, SystemClock};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::region::{CONFIGURATION_URL, Region, is_sinch_calling_host};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport::{AuthMode, Transport};

/// Environment variable naming the region (`global`, `use1`, `euc1`, `sae1`, `apse1`, `apse2`).
pub const REGION_VAR: &str = "SINCH_VOICE_REGION";

/// Environment variable overriding the calling host's base URL (a local emulator, a proxy).
pub const CALLING_URL_VAR: &str = "SINCH_VOICE_CALLING_URL";

/// Environment variable overriding the configuration host's base URL.
pub const CONFIGURATION_URL_VAR: &str = "SINCH_VOICE_CONFIGURATION_URL";

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
    /// A builder with credentials from `SINCH_APPLICATION_KEY` / `SINCH_APPLICATION_SECRET`, the
    /// region from `SINCH_VOICE_REGION`, and base URLs from `SINCH_VOICE_CALLING_URL` /
    /// `SINCH_VOICE_CONFIGURATION_URL` (e.g. `sinch-voice emulator`'s) when set. Problems
    /// surface at [`build`](Self::build).
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
        let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        builder.calling_url = set(CALLING_URL_VAR);
        builder.configuration_url = set(CONFIGURATION_URL_VAR);
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
    let builder = crate::http_client_builder()
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

    /// The calling host's base URL requests go to (the region's, or the one configured).
    pub fn calling_url(&self) -> &Url {
        &self.inner.calling_url
    }

    /// The configuration host's base URL (numbers, callback URLs).
    pub fn configuration_url(&self) -> &Url {
        &self.inner.configuration_url
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

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// Whether a `callResourceUrl` names a host this client may send credentials to.
    pub(crate) fn is_trusted_calling_host(&self, url: &Url) -> bool {
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
        trusted_override || sinch_host
    }

    /// A raw client for another origin, with this client's signing and connections.
    pub(crate) fn raw_client_for(&self, base: &Url) -> sinch_voice_raw::Client {
        sinch_voice_raw::Client::new_with_client(
            &origin(base),
            self.inner.http.clone(),
            self.inner.hooks.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
