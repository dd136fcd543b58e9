//! Checks `sinch_voice::signing` against every vector of `tests/data/signing-vectors.json`
//! (format: signing.md §8). The file is read at run time, so a vector added to it is a new
//! check without touching this file.
//!
//! * `sign` vectors: content MD5, string to sign, signature and `Authorization` all match, through
//!   [`signing::sign`] and through [`signing::sign_http_request`]; where the vector gives the
//!   decoded secret bytes, an HMAC computed here, independently of the crate, matches too.
//! * `callback` vectors: the same algorithm, run over the request as delivered (method, path,
//!   received `Content-Type`, raw body, received `x-timestamp`), accepts exactly the vectors
//!   marked valid.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use serde_json::Value;
use sinch_voice::Credentials;
use sinch_voice::signing::{self, SigningInput};

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/signing-vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let value: Value = serde_json::from_str(&text).expect("signing-vectors.json is not JSON");
    let vectors = value
        .as_array()
        .expect("signing-vectors.json is not an array")
        .clone();
    for v in &vectors {
        let kind = v["kind"].as_str();
        assert!(
            matches!(kind, Some("sign" | "callback")),
            "vector {} has kind {:?}: neither \"sign\" nor \"callback\", so nothing would check it",
            v["name"],
            v["kind"]
        );
    }
    vectors
}

fn name(v: &Value) -> &str {
    v["name"].as_str().expect("every vector has a name")
}

/// A string field that must be present.
fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{}: field {field:?} is missing or not a string", name(v)))
}

/// A field that is a string or `null` (it must be present: a missing field is a typo).
fn nullable<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    match v.get(field) {
        Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        other => panic!(
            "{}: field {field:?} must be a string or null, found {other:?}",
            name(v)
        ),
    }
}

fn of_kind(vectors: &[Value], kind: &str) -> Vec<Value> {
    vectors
        .iter()
        .filter(|v| v["kind"] == kind)
        .cloned()
        .collect()
}

fn credentials(v: &Value) -> Credentials {
    Credentials::new(text(v, "key"), text(v, "secret")).unwrap_or_else(|e| {
        panic!(
            "{}: Credentials::new refused the vector's key/secret: {e}",
            name(v)
        )
    })
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// HMAC-SHA256 of `message` under `key`, base64: computed here, without the crate.
fn independent_hmac(key: &[u8], message: &[u8]) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(message);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn every_sign_vector_signs_as_expected() {
    let all = vectors();
    let expected_count = of_kind(&all, "sign").len();
    assert!(
        expected_count > 0,
        "signing-vectors.json has no sign vector"
    );

    let mut checked = 0;
    for v in of_kind(&all, "sign") {
        let n = name(&v);
        let body = nullable(&v, "body");
        let signature = signing::sign(
            &credentials(&v),
            &SigningInput {
                method: text(&v, "method"),
                path: text(&v, "path"),
                content_type: nullable(&v, "content_type"),
                body: body.map(str::as_bytes),
                timestamp: text(&v, "timestamp"),
            },
        );
        assert_eq!(
            signature.content_md5,
            text(&v, "content_md5"),
            "{n}: content_md5"
        );
        assert_eq!(
            signature.string_to_sign,
            text(&v, "string_to_sign"),
            "{n}: string_to_sign"
        );
        assert_eq!(
            signature.signature,
            text(&v, "expected_signature"),
            "{n}: signature"
        );
        assert_eq!(
            signature.authorization,
            text(&v, "expected_authorization"),
            "{n}: authorization"
        );
        // The public string_to_sign agrees with what sign() signed.
        let (md5, string) = signing::string_to_sign(&SigningInput {
            method: text(&v, "method"),
            path: text(&v, "path"),
            content_type: nullable(&v, "content_type"),
            body: body.map(str::as_bytes),
            timestamp: text(&v, "timestamp"),
        });
        assert_eq!(
            (md5.as_str(), string.as_str()),
            (
                signature.content_md5.as_str(),
                signature.string_to_sign.as_str()
            ),
            "{n}: string_to_sign()"
        );
        checked += 1;
    }
    assert_eq!(
        checked, expected_count,
        "every sign vector of the file is checked"
    );
}

/// Where the vector gives the decoded secret, an HMAC computed here with those bytes gives the
/// expected signature: the crate's key decoding and HMAC agree with an independent computation.
#[test]
fn secret_bytes_give_the_same_hmac_independently() {
    let all = vectors();
    let mut checked = 0;
    for v in all.iter().filter(|v| v.get("secret_bytes_hex").is_some()) {
        let n = name(v);
        let key = hex(text(v, "secret_bytes_hex"));
        assert!(!key.is_empty(), "{n}: empty secret_bytes_hex");
        let string_to_sign = text(v, "string_to_sign");
        let mine = independent_hmac(&key, string_to_sign.as_bytes());
        assert_eq!(
            mine,
            text(v, "expected_signature"),
            "{n}: HMAC keyed with secret_bytes_hex"
        );
        // And the crate, given the secret text, signs with those very bytes.
        let theirs = signing::sign(
            &credentials(v),
            &SigningInput {
                method: text(v, "method"),
                path: text(v, "path"),
                content_type: nullable(v, "content_type"),
                body: nullable(v, "body").map(str::as_bytes),
                timestamp: text(v, "timestamp"),
            },
        );
        assert_eq!(
            theirs.signature, mine,
            "{n}: crate HMAC vs independent HMAC"
        );
        // For standard padded base64 secrets, the bytes are plain base64 decoding.
        if let Ok(decoded) = STANDARD.decode(text(v, "secret")) {
            assert_eq!(
                decoded, key,
                "{n}: secret_bytes_hex is not the decoded secret"
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no vector has secret_bytes_hex");
}

/// `sign_http_request` on an `http::Request` gives the vector's `Authorization` and sets
/// `x-timestamp` to the given string.
#[test]
fn sign_http_request_matches_the_vectors() {
    let all = vectors();
    let mut checked = 0;
    for v in of_kind(&all, "sign") {
        let n = name(&v);
        let mut builder = http::Request::builder()
            .method(text(&v, "method"))
            .uri(format!("https://calling.api.sinch.com{}", text(&v, "path")));
        if let Some(content_type) = nullable(&v, "content_type") {
            builder = builder.header("content-type", content_type);
        }
        let body = nullable(&v, "body").unwrap_or("").as_bytes().to_vec();
        let mut request = builder.body(body).unwrap();
        let timestamp = text(&v, "timestamp");
        let signature = signing::sign_http_request(&credentials(&v), &mut request, timestamp)
            .unwrap_or_else(|e| panic!("{n}: sign_http_request failed: {e}"));
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert_eq!(
            authorization,
            text(&v, "expected_authorization"),
            "{n}: Authorization header"
        );
        assert_eq!(signature.authorization, authorization, "{n}");
        assert_eq!(
            request.headers()["x-timestamp"].to_str().unwrap(),
            timestamp,
            "{n}: x-timestamp header"
        );
        assert!(
            request.headers()["authorization"].is_sensitive(),
            "{n}: the Authorization header should be marked sensitive"
        );
        checked += 1;
    }
    assert!(checked > 0);

    // The worked example of signing.md §2, explicitly.
    let credentials = Credentials::new("my-key-id", "bXkta2V5LXNlY3JldA==").unwrap();
    let mut request = http::Request::post("https://example.com/path/pathParamValue?q=ignored")
        .header("content-type", "application/json; charset=UTF-8")
        .body(
            br#"{"identity":{"type":"number","endpoint":"+33444555666"},"method":"sms"}"#.to_vec(),
        )
        .unwrap();
    signing::sign_http_request(&credentials, &mut request, "2023-11-22T09:10:11.999Z").unwrap();
    assert_eq!(
        request.headers()["authorization"],
        "Application my-key-id:QP3OzQZVzRZAEev6DBLvJkgpiqyZPuXYsc7oyjUV0K8="
    );
}

/// signing.md §1.
#[test]
fn basic_authorization_of_signing_md() {
    let credentials = Credentials::new(
        "669E367E-6BBA-48AB-AF15-266871C28135",
        "BeIukql3pTKJ8RGL5zo0DA==",
    )
    .unwrap();
    assert_eq!(
        signing::basic_authorization(&credentials),
        "Basic NjY5RTM2N0UtNkJCQS00OEFCLUFGMTUtMjY2ODcxQzI4MTM1OkJlSXVrcWwzcFRLSjhSR0w1em8wREE9PQ=="
    );
}

/// A header of the delivered request, looked up case-insensitively; `None` if absent.
fn delivered_header<'a>(v: &'a Value, wanted: &str) -> Option<&'a str> {
    let headers = v["headers"]
        .as_object()
        .unwrap_or_else(|| panic!("{}: callback vector without headers", name(v)));
    let mut found = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(wanted))
        .map(|(_, value)| value.as_str().expect("header values are strings"));
    let first = found.next();
    assert!(
        found.next().is_none(),
        "{}: several {wanted} headers",
        name(v)
    );
    first
}

/// signing.md §3's verification procedure, with the HMAC done by `sinch_voice::signing::sign`
/// over the request as delivered. `Err` says why a callback is refused.
fn verify_callback(v: &Value) -> Result<(), String> {
    let authorization = delivered_header(v, "authorization")
        .filter(|a| !a.is_empty())
        .ok_or("no authorization")?;
    let (scheme, key_and_signature) = authorization.split_once(' ').ok_or("no scheme")?;
    if !scheme.eq_ignore_ascii_case("application") {
        return Err(format!("scheme {scheme:?}"));
    }
    let (key, signature) = key_and_signature.split_once(':').ok_or("no ':'")?;
    if key.is_empty() || signature.is_empty() || signature.contains(':') {
        return Err("malformed credentials".into());
    }
    if key != text(v, "key") {
        return Err(format!("key {key:?}"));
    }
    let timestamp = delivered_header(v, "x-timestamp").ok_or("no x-timestamp")?;
    let computed = signing::sign(
        &credentials(v),
        &SigningInput {
            method: text(v, "method"),
            path: text(v, "path"),
            content_type: delivered_header(v, "content-type"),
            body: nullable(v, "body").map(str::as_bytes),
            timestamp,
        },
    );
    if computed.signature == signature {
        Ok(())
    } else {
        Err(format!(
            "signature {signature:?} != recomputed {:?}",
            computed.signature
        ))
    }
}

/// The algorithm that signs outgoing requests also verifies the platform's callbacks: over
/// each valid callback as delivered, `sign` reproduces the signature of its header.
#[test]
fn callback_vectors_verify_with_the_same_algorithm() {
    let all = vectors();
    let callbacks = of_kind(&all, "callback");
    let mut valid = 0;
    for v in &callbacks {
        let n = name(v);
        let expected_valid = v["expected_valid"]
            .as_bool()
            .unwrap_or_else(|| panic!("{n}: expected_valid is not a boolean"));
        let outcome = verify_callback(v);
        if expected_valid {
            // The core claim, spelled out: sign() over the delivered request gives the header's
            // signature part.
            let header = delivered_header(v, "authorization").unwrap();
            let signature_part = header.rsplit_once(':').unwrap().1;
            let recomputed = signing::sign(
                &credentials(v),
                &SigningInput {
                    method: text(v, "method"),
                    path: text(v, "path"),
                    content_type: delivered_header(v, "content-type"),
                    body: nullable(v, "body").map(str::as_bytes),
                    timestamp: delivered_header(v, "x-timestamp").unwrap(),
                },
            );
            assert_eq!(recomputed.signature, signature_part, "{n}");
            assert_eq!(outcome, Ok(()), "{n}: a valid callback is refused");
            valid += 1;
        } else {
            assert!(
                outcome.is_err(),
                "{n}: an invalid callback verifies (signing.md §3 procedure)"
            );
        }
    }
    assert!(valid > 0, "no valid callback vector");
}
