//! The TLS choice: which features give reqwest a crypto provider, and how this crate builds
//! its own HTTP client without touching process-wide state.

/// Whether this build hands reqwest a ring-backed rustls configuration of its own: only when
/// ring is the one TLS choice. Under `rustls-aws-lc` reqwest falls back to aws-lc-rs by itself;
/// under `native-tls` reqwest's default backend is the platform's TLS.
const PRECONFIGURED_RING: bool = cfg!(all(
    feature = "rustls-ring",
    not(feature = "rustls-aws-lc"),
    not(feature = "native-tls")
));

/// A `reqwest::ClientBuilder` that uses this crate's TLS choice and never panics for want of a
/// rustls crypto provider, whatever the features of reqwest in your dependency tree.
///
/// Under `rustls-ring` as the only TLS feature (opt-in) the builder carries a rustls
/// configuration of its own with the process-wide default provider if your program installed
/// one, else *ring*, and the platform's certificate verifier; nothing process-wide is
/// installed. Reqwest then ignores its own TLS settings (`add_root_certificate`,
/// `tls_built_in_root_certs`, `min_tls_version`, ...): to use those, install a provider
/// ([`install_tls_provider`]) and start from `reqwest::Client::builder()`.
///
/// Under `rustls-aws-lc` (the default), `native-tls`, or no TLS feature this is
/// `reqwest::Client::builder()`.
///
/// ```
/// let http = sinch_voice::http_client_builder()
///     .timeout(std::time::Duration::from_secs(10))
///     .build()
///     .expect("a client");
/// let client = sinch_voice::Client::builder()
///     .credentials(sinch_voice::Credentials::new("app-key", "c2VjcmV0")?)
///     .http_client(http)
///     .build()?;
/// # let _ = client;
/// # Ok::<(), sinch_voice::Error>(())
/// ```
pub fn http_client_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    if PRECONFIGURED_RING {
        #[cfg(feature = "rustls-ring")]
        if let Some(config) = ring_config() {
            return builder.use_preconfigured_tls(config);
        }
    }
    builder
}

/// The rustls client configuration reqwest would build, on an explicit provider.
#[cfg(feature = "rustls-ring")]
fn ring_config() -> Option<rustls::ClientConfig> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| std::sync::Arc::new(ring_provider()));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_platform_verifier()
        .ok()?
        .with_no_client_auth();
    Some(config)
}

/// Makes *ring* the process-wide rustls crypto provider, unless one is installed already.
///
/// Only for a `reqwest::Client` you build yourself with `reqwest::Client::new()` or
/// `reqwest::Client::builder()` under the `rustls-ring` feature, and only when nothing else in
/// your dependency tree gives reqwest a provider of its own (reqwest's default features and
/// `rustls` feature do: they bring aws-lc-rs). Without one, reqwest panics when it builds a
/// client. [`http_client_builder`] avoids the question altogether, and this crate's own
/// [`Client`](crate::Client) never needs it.
///
/// This crate never calls it: which provider a process uses is the application's choice, and
/// an application that installs its own (`ring::default_provider().install_default().expect(..)`,
/// as rustls and reqwest document) must not find one already there. Returns whether this call
/// installed it. Does nothing (and returns `false`) without the `rustls-ring` feature.
pub fn install_tls_provider() -> bool {
    #[cfg(feature = "rustls-ring")]
    {
        ring_provider().install_default().is_ok()
    }
    #[cfg(not(feature = "rustls-ring"))]
    {
        false
    }
}

/// *ring*'s provider. rustls 0.23.48 deprecates it (no post-quantum key exchange) and offers no
/// other way to build it; `rustls-ring` is the opt-in lighter build that asks for exactly
/// this, and the default feature (aws-lc-rs) is post-quantum.
#[cfg(feature = "rustls-ring")]
#[allow(deprecated)]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}
