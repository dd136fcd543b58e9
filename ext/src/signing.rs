//! Basic and application-signed `Authorization` headers, exactly as signing.md describes.
//!
//! The signature covers the bytes that go on the wire: method, `Content-MD5` of the body (empty
//! when there is none), the `Content-Type` value as sent, `x-timestamp`, and the path as it
//! appears on the request line (no query).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac;
use md5::{Digest, Md5};

use crate::credentials::Credentials;

/// What a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The HTTP method; upper-cased when signed.
    pub method: &'a str,
    /// The path as on the request line, e.g. `/calling/v1/callouts`. A query, if present, is
    /// dropped: Sinch signs the path only.
    pub path: &'a str,
    /// The `Content-Type` header value exactly as sent, or `None` when none is sent.
    pub content_type: Option<&'a str>,
    /// The body bytes exactly as sent, or `None`. An empty body signs like no body.
    pub body: Option<&'a [u8]>,
    /// The `x-timestamp` header value exactly as sent.
    pub timestamp: &'a str,
}

/// A computed signature, with the intermediate values for debugging.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    /// base64 of the MD5 of the body, or empty.
    pub content_md5: String,
    /// The five lines that were signed, joined by `\n`.
    pub string_to_sign: String,
    /// base64 of the HMAC-SHA256.
    pub signature: String,
    /// The `Authorization` header value: `Application {key}:{signature}`.
    pub authorization: String,
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A signature is a credential for as long as its timestamp is accepted.
        f.debug_struct("Signature")
            .field("content_md5", &self.content_md5)
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// The string to sign (signing.md §2 step 6): five lines joined by LF, no trailing LF.
pub fn string_to_sign(input: &SigningInput<'_>) -> (String, String) {
    let content_md5 = match input.body {
        Some(body) if !body.is_empty() => STANDARD.encode(Md5::digest(body)),
        _ => String::new(),
    };
    let path = input.path.split('?').next().unwrap_or("");
    let content_type = input.content_type.unwrap_or("");
    let mut text = String::with_capacity(
        input.method.len()
            + content_md5.len()
            + content_type.len()
            + input.timestamp.len()
            + path.len()
            + 16,
    );
    text.extend(input.method.chars().map(|c| c.to_ascii_uppercase()));
    for part in [
        "\n",
        &content_md5,
        "\n",
        content_type,
        "\nx-timestamp:",
        input.timestamp,
        "\n",
        path,
    ] {
        text.push_str(part);
    }
    (content_md5, text)
}

/// Signs a request: the `Authorization` value and the intermediates.
pub fn sign(credentials: &Credentials, input: &SigningInput<'_>) -> Signature {
    let (content_md5, string_to_sign) = string_to_sign(input);
    let mut mac = credentials.keyed_hmac();
    mac.update(string_to_sign.as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    let authorization = format!("Application {}:{}", credentials.key(), signature);
    Signature {
        content_md5,
        string_to_sign,
        signature,
        authorization,
    }
}

/// The `Authorization` value of Basic auth: `Basic base64(key:secret)`, the secret as shown
/// on the dashboard (not decoded).
pub fn basic_authorization(credentials: &Credentials) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!(
            "{}:{}",
            credentials.key(),
            credentials.secret_text()
        ))
    )
}

/// The `x-timestamp` format the official SDKs send: ISO 8601 UTC, milliseconds, `Z`.
pub fn format_timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Signs a request built with another HTTP stack, in place: sets `x-timestamp` and
/// `Authorization` from its method, path, `Content-Type` and body.
///
/// ```
/// use sinch_voice::{Credentials, signing};
///
/// let credentials = Credentials::new("my-key-id", "bXkta2V5LXNlY3JldA==").unwrap();
/// let mut request = http::Request::post("https://calling.api.sinch.com/calling/v1/callouts")
///     .header("content-type", "application/json")
///     .body(br#"{"method":"ttsCallout"}"#.to_vec())
///     .unwrap();
/// signing::sign_http_request(&credentials, &mut request, "2023-11-22T09:10:11.999Z").unwrap();
/// let authorization = request.headers()["authorization"].to_str().unwrap();
/// assert!(authorization.starts_with("Application my-key-id:"));
/// assert_eq!(request.headers()["x-timestamp"], "2023-11-22T09:10:11.999Z");
/// ```
pub fn sign_http_request<B: AsRef<[u8]>>(
    credentials: &Credentials,
    request: &mut http::Request<B>,
    timestamp: &str,
) -> Result<Signature, crate::Error> {
    let content_type = match request.headers().get(http::header::CONTENT_TYPE) {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| {
                    crate::Error::invalid_input("content-type", "the header is not visible ASCII")
                })?
                .to_string(),
        ),
        None => None,
    };
    let path = request.uri().path().to_string();
    let signature = sign(
        credentials,
        &SigningInput {
            method: request.method().as_str(),
            path: &path,
            content_type: content_type.as_deref(),
            body: Some(request.body().as_ref()),
            timestamp,
        },
    );
    let headers = request.headers_mut();
    headers.insert(
        "x-timestamp",
        http::HeaderValue::from_str(timestamp)
            .map_err(|_| crate::Error::invalid_input("x-timestamp", "not a valid header value"))?,
    );
    let mut authorization = http::HeaderValue::from_str(&signature.authorization)
        .map_err(|_| crate::Error::invalid_input("authorization", "not a valid header value"))?;
    authorization.set_sensitive(true);
    headers.insert(http::header::AUTHORIZATION, authorization);
    Ok(signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_of_signing_md() {
        let credentials = Credentials::new("my-key-id", "bXkta2V5LXNlY3JldA==").unwrap();
        let body = br#"{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}"#;
        let signature = sign(
            &credentials,
            &SigningInput {
                method: "post",
                path: "/path/pathParamValue?ignored=1",
                content_type: Some("application/json; charset=UTF-8"),
                body: Some(body),
                timestamp: "2023-11-22T09:10:11.999Z",
            },
        );
        assert_eq!(signature.content_md5, "RkD29EocJh6t7zr5QfKM4g==");
        assert_eq!(
            signature.authorization,
            "Application my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8="
        );
        assert!(!format!("{signature:?}").contains("QP3Oz"));
    }

    #[test]
    fn empty_and_absent_bodies_sign_alike() {
        let credentials = Credentials::new("k", "bXk=").unwrap();
        let base = SigningInput {
            method: "DELETE",
            path: "/x",
            content_type: None,
            body: None,
            timestamp: "t",
        };
        let empty = SigningInput {
            body: Some(b""),
            ..base
        };
        assert_eq!(sign(&credentials, &base), sign(&credentials, &empty));
        assert_eq!(string_to_sign(&base).1, "DELETE\n\n\nx-timestamp:t\n/x");
    }

    #[test]
    fn basic_header_of_signing_md() {
        let credentials = Credentials::new(
            "669E367E-6BBA-48AB-AF15-266871C28135",
            "BeIukql3pTKJ8RGL5zo0DA==",
        )
        .unwrap();
        assert_eq!(
            basic_authorization(&credentials),
            "Basic NjY5RTM2N0UtNkJCQS00OEFCLUFGMTUtMjY2ODcxQzI4MTM1OkJlSXVrcWwzcFRLSjhSR0w1em8wREE9PQ=="
        );
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        let at = chrono::DateTime::parse_from_rfc3339("2023-11-22T09:10:11.999+00:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(format_timestamp(at), "2023-11-22T09:10:11.999Z");
    }
}
