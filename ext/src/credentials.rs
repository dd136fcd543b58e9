//! The application key and secret: decoded once, never printed.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::Error;

/// Environment variable holding the application key.
pub const KEY_VAR: &str = "SINCH_APPLICATION_KEY";
/// Environment variable holding the application secret (base64, as the dashboard shows it).
pub const SECRET_VAR: &str = "SINCH_APPLICATION_SECRET";

/// An application key and its secret. `Debug` shows the key, never the secret.
#[derive(Clone)]
pub struct Credentials {
    key: Arc<str>,
    secret: Arc<Secret>,
}

struct Secret {
    /// As shown on the dashboard; Basic auth sends this text (signing.md §1).
    text: String,
    /// The base64-decoded bytes (signing.md §2 step 7); only tests look at them, requests use
    /// `keyed`.
    #[cfg(test)]
    bytes: Vec<u8>,
    /// HMAC-SHA256 already keyed with `bytes`: cloning it skips re-hashing the key per request.
    keyed: hmac::Hmac<sha2::Sha256>,
}

impl Credentials {
    /// Checks and decodes the secret once. The secret is standard base64; padding may be
    /// left out, and the URL-safe alphabet is accepted too (the Node SDK accepts both).
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Result<Self, Error> {
        let key: String = key.into();
        // A pasted secret often carries a newline; Basic and signed auth must agree on it.
        let text: String = secret.into().trim().to_string();
        if key.trim().is_empty() {
            return Err(Error::configuration("application key: it is empty"));
        }
        if key.contains(':') || key.chars().any(char::is_whitespace) {
            return Err(Error::configuration(
                "application key: it contains ':' or whitespace, which the Authorization header cannot carry",
            ));
        }
        let bytes = decode_secret(&text).ok_or_else(|| {
            Error::configuration(
                "application secret: it is not base64 (copy it from the Sinch dashboard as shown)",
            )
        })?;
        let keyed = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(&bytes)
            .expect("HMAC accepts keys of any length");
        Ok(Credentials {
            key: key.into(),
            secret: Arc::new(Secret {
                text,
                #[cfg(test)]
                bytes,
                keyed,
            }),
        })
    }

    /// Reads [`KEY_VAR`] and [`SECRET_VAR`].
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| {
                Error::configuration(format!("{name}: the environment variable is not set"))
            })
        };
        Credentials::new(var(KEY_VAR)?, var(SECRET_VAR)?)
    }

    /// The application key.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub(crate) fn secret_text(&self) -> &str {
        &self.secret.text
    }

    #[cfg(test)]
    pub(crate) fn secret_bytes(&self) -> &[u8] {
        &self.secret.bytes
    }

    /// A fresh HMAC-SHA256 keyed with the secret.
    pub(crate) fn keyed_hmac(&self) -> hmac::Hmac<sha2::Sha256> {
        self.secret.keyed.clone()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

fn decode_secret(text: &str) -> Option<Vec<u8>> {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let decoded = GeneralPurpose::new(&alphabet::STANDARD, config)
        .decode(text)
        .or_else(|_| GeneralPurpose::new(&alphabet::URL_SAFE, config).decode(text))
        .ok()?;
    (!decoded.is_empty()).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_decode_strictly_enough() {
        let c = Credentials::new("k", "bXkta2V5LXNlY3JldA==").unwrap();
        assert_eq!(c.secret_bytes(), b"my-key-secret");
        let c = Credentials::new("k", "bXkta2V5LXNlY3JldA").unwrap();
        assert_eq!(c.secret_bytes(), b"my-key-secret");
        // The Node SDK's lenient reading of a non-standard secret (signing-vectors.json).
        let c = Credentials::new("k", "app-secret").unwrap();
        assert_eq!(c.secret_bytes(), [0x6a, 0x9a, 0x7e, 0xb1, 0xe7, 0x2b, 0x7a]);
        assert!(Credentials::new("k", "not base64!").is_err());
        assert!(Credentials::new("k", "").is_err());
        assert!(Credentials::new("", "bXk=").is_err());
        assert!(Credentials::new("a:b", "bXk=").is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::new("my-key", "c3VwZXItc2VjcmV0LXZhbHVl").unwrap();
        let shown = format!("{c:?} {c:#?}");
        assert!(shown.contains("my-key"));
        assert!(!shown.contains("c3VwZXItc2VjcmV0LXZhbHVl"), "{shown}");
        assert!(!shown.contains("super-secret"), "{shown}");
    }
}
