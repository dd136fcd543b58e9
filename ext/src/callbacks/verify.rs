//! Is a callback genuine? The `Application` signature over the exact received bytes, path and
//! content type (signing.md §3), compared in constant time, and the `x-timestamp` age.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac;

use crate::clock::{Clock, SystemClock};
use crate::credentials::Credentials;
use crate::signing::{SigningInput, string_to_sign};

use super::timestamp::Timestamp;

/// Default accepted distance between `x-timestamp` and now.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a callback is not accepted as genuine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the signature needs is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The Authorization scheme is not `Application`.
    #[error("authorization scheme {0:?} is not Application")]
    BadScheme(String),
    /// The application key is not ours.
    #[error("unknown application key")]
    UnknownKey,
    /// The signature does not match the request.
    #[error("signature does not match")]
    BadSignature,
    /// `x-timestamp` is older than the tolerance.
    #[error("x-timestamp is {age:?} old, more than the {tolerance:?} allowed")]
    Stale {
        /// How old.
        age: Duration,
        /// The tolerance.
        tolerance: Duration,
    },
    /// `x-timestamp` is further ahead than the tolerance.
    #[error("x-timestamp is {ahead:?} in the future, more than the {tolerance:?} allowed")]
    Future {
        /// How far ahead.
        ahead: Duration,
        /// The tolerance.
        tolerance: Duration,
    },
    /// A header is present but unusable (repeated, not text, not the expected form).
    #[error("malformed header {header}: {problem}")]
    Malformed {
        /// Which header.
        header: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
}

/// Checks callback signatures for one application key, with one or more secrets (during a
/// rotation both the old and the new secret are accepted).
#[derive(Clone)]
pub struct Verifier {
    key: Arc<str>,
    secrets: Vec<Credentials>,
    tolerance: Option<Duration>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &self.key)
            .field("secrets", &self.secrets.len())
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// Verifies callbacks signed with these credentials; timestamps within 300 s either way.
    pub fn new(credentials: &Credentials) -> Self {
        Verifier {
            key: credentials.key().into(),
            secrets: vec![credentials.clone()],
            tolerance: Some(DEFAULT_TOLERANCE),
            clock: Arc::new(SystemClock),
        }
    }

    /// Also accepts signatures made with `secret` (same key), e.g. the previous secret during
    /// a rotation.
    pub fn also_accept(mut self, secret: impl Into<String>) -> Result<Self, crate::Error> {
        self.secrets
            .push(Credentials::new(self.key.to_string(), secret)?);
        Ok(self)
    }

    /// How far `x-timestamp` may be from now, either way; `None` turns the check off.
    pub fn tolerance(mut self, tolerance: Option<Duration>) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Where "now" comes from.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The application key callbacks must carry.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Checks one callback: `method` and `path` as received (the path of the callback URL,
    /// no query), its headers, and the body bytes exactly as received.
    pub fn verify(
        &self,
        method: &str,
        path: &str,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(), VerifyError> {
        let found = Found {
            authorization: single(headers, http::header::AUTHORIZATION, "authorization")?,
            timestamp: single(headers, "x-timestamp", "x-timestamp")?,
            content_type: single(headers, http::header::CONTENT_TYPE, "content-type")?,
        };
        self.check(method, path, found, body)
    }

    /// Like [`verify`](Self::verify), with the headers as `(name, value)` pairs in any
    /// framework's form: names in any case, each of the three that matter at most once.
    ///
    /// ```
    /// # use sinch_voice::{Credentials, callbacks::Verifier};
    /// # let verifier = Verifier::new(&Credentials::new("key", "c2VjcmV0").unwrap());
    /// let headers = [("Authorization", "Application key:..."), ("X-Timestamp", "2024-01-01T00:00:00Z")];
    /// assert!(verifier.verify_pairs("POST", "/sinch", headers, b"{}").is_err());
    /// ```
    pub fn verify_pairs<I, K, V>(
        &self,
        method: &str,
        path: &str,
        headers: I,
        body: &[u8],
    ) -> Result<(), VerifyError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut authorization = Slot::default();
        let mut timestamp = Slot::default();
        let mut content_type = Slot::default();
        for (name, value) in headers {
            let name = name.as_ref().trim();
            let slot = if name.eq_ignore_ascii_case("authorization") {
                &mut authorization
            } else if name.eq_ignore_ascii_case("x-timestamp") {
                &mut timestamp
            } else if name.eq_ignore_ascii_case("content-type") {
                &mut content_type
            } else {
                continue;
            };
            slot.count += 1;
            if slot.count == 1 {
                slot.value = Some(value.as_ref().to_string());
            }
        }
        let found = Found {
            authorization: authorization.get("authorization")?,
            timestamp: timestamp.get("x-timestamp")?,
            content_type: content_type.get("content-type")?,
        };
        self.check(method, path, found, body)
    }

    fn check(
        &self,
        method: &str,
        path: &str,
        found: Found<'_>,
        body: &[u8],
    ) -> Result<(), VerifyError> {
        let headers = found;
        let authorization = headers
            .authorization
            .ok_or(VerifyError::MissingHeader("authorization"))?;
        let authorization = authorization.trim();
        let (scheme, credentials) =
            authorization
                .split_once(' ')
                .ok_or(VerifyError::Malformed {
                    header: "authorization",
                    problem: "expected `Application key:signature`",
                })?;
        if !scheme.eq_ignore_ascii_case("application") {
            return Err(VerifyError::BadScheme(scheme.to_string()));
        }
        let (key, signature) =
            credentials
                .trim()
                .split_once(':')
                .ok_or(VerifyError::Malformed {
                    header: "authorization",
                    problem: "expected `key:signature`",
                })?;
        if key.is_empty() || signature.is_empty() || signature.contains(':') {
            return Err(VerifyError::Malformed {
                header: "authorization",
                problem: "expected `key:signature`, both non-empty",
            });
        }
        if key != &*self.key {
            return Err(VerifyError::UnknownKey);
        }
        let timestamp = headers
            .timestamp
            .ok_or(VerifyError::MissingHeader("x-timestamp"))?;
        let content_type = headers.content_type;
        let mut decoded = [0u8; 48];
        if !matches!(STANDARD.decode_slice(signature, &mut decoded), Ok(32)) {
            return Err(VerifyError::BadSignature);
        }
        let expected = &decoded[..32];

        if let Some(tolerance) = self.tolerance {
            let sent = Timestamp::parse(timestamp).ok_or(VerifyError::Malformed {
                header: "x-timestamp",
                problem: "not an ISO 8601 timestamp",
            })?;
            let now = self.clock.now();
            let delta = now.signed_duration_since(sent.0);
            match delta.to_std() {
                Ok(age) if age > tolerance => return Err(VerifyError::Stale { age, tolerance }),
                Ok(_) => {}
                Err(_) => {
                    let ahead = (-delta).to_std().unwrap_or(Duration::MAX);
                    if ahead > tolerance {
                        return Err(VerifyError::Future { ahead, tolerance });
                    }
                }
            }
        }

        let (_, text) = string_to_sign(&SigningInput {
            method,
            path,
            content_type,
            body: Some(body),
            timestamp,
        });
        // Mac::verify_slice compares in constant time; every secret is tried.
        let genuine = self
            .secrets
            .iter()
            .map(|secret| {
                let mut mac = secret.keyed_hmac();
                mac.update(text.as_bytes());
                mac.verify_slice(expected).is_ok()
            })
            .fold(false, |any, ok| any | ok);
        if genuine {
            Ok(())
        } else {
            Err(VerifyError::BadSignature)
        }
    }
}

/// The one value of a header: absent is `None`, repeated or not text is malformed.
/// The three headers a signature covers, each found at most once.
struct Found<'h> {
    authorization: Option<&'h str>,
    timestamp: Option<&'h str>,
    content_type: Option<&'h str>,
}

#[derive(Default)]
struct Slot {
    value: Option<String>,
    count: usize,
}

impl Slot {
    fn get(&self, label: &'static str) -> Result<Option<&str>, VerifyError> {
        if self.count > 1 {
            return Err(VerifyError::Malformed {
                header: label,
                problem: "sent more than once",
            });
        }
        let Some(text) = self.value.as_deref() else {
            return Ok(None);
        };
        if !text
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            return Err(VerifyError::Malformed {
                header: label,
                problem: "not visible ASCII",
            });
        }
        blank_is_missing(text, label)
    }
}

fn blank_is_missing<'t>(
    text: &'t str,
    label: &'static str,
) -> Result<Option<&'t str>, VerifyError> {
    if text.trim().is_empty() {
        return Err(match label {
            "authorization" => VerifyError::MissingHeader("authorization"),
            "x-timestamp" => VerifyError::MissingHeader("x-timestamp"),
            _ => return Ok(Some(text)),
        });
    }
    Ok(Some(text))
}

fn single<'h>(
    headers: &'h http::HeaderMap,
    name: impl http::header::AsHeaderName,
    label: &'static str,
) -> Result<Option<&'h str>, VerifyError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(VerifyError::Malformed {
            header: label,
            problem: "sent more than once",
        });
    }
    let text = first.to_str().map_err(|_| VerifyError::Malformed {
        header: label,
        problem: "not visible ASCII",
    })?;
    blank_is_missing(text, label)
}
