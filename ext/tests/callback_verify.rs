//! Callback verification ([`Verifier`], signing.md §3): every `callback` vector of
//! `tests/data/signing-vectors.json` with its expected outcome and error kind, then what the
//! vectors do not cover: scheme case, key rotation, the `x-timestamp` age window on an
//! injected clock, malformed and repeated headers, and [`Verifier::verify_request`] end to end
//! over the callback fixtures.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use sinch_voice::Credentials;
use sinch_voice::callbacks::{
    CallbackError, CallbackEvent, DEFAULT_TOLERANCE, Verifier, VerifyError,
};
use sinch_voice::signing::{format_timestamp, sign_http_request};

// ------------------------------------------------------------------ the vectors

/// What a vector must produce. Every callback vector must be listed in [`EXPECTED`]: a new
/// vector fails until someone decides what it should give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Valid,
    BadSignature,
    MissingAuthorization,
    BadScheme,
    UnknownKey,
}

/// A callback as the platform sends it, signed over `timestamp` as text: malformed ones too,
/// which `SignedCallback` (a time, not text) cannot make.
fn signed_over(
    credentials: &Credentials,
    path: &str,
    body: Vec<u8>,
    timestamp: &str,
) -> http::Request<Vec<u8>> {
    let mut request = http::Request::post(path)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .unwrap();
    sign_http_request(credentials, &mut request, timestamp).unwrap();
    request
}

const EXPECTED: &[(&str, Outcome)] = &[
    ("dotnet-callback-ace-valid", Outcome::Valid),
    ("dotnet-callback-bad-signature", Outcome::BadSignature),
    (
        "dotnet-callback-no-authorization",
        Outcome::MissingAuthorization,
    ),
    ("dotnet-callback-wrong-path", Outcome::BadSignature),
    ("dotnet-callback-wrong-method", Outcome::BadSignature),
    ("dotnet-callback-wrong-timestamp", Outcome::BadSignature),
    ("dotnet-callback-wrong-content-type", Outcome::BadSignature),
    ("dotnet-callback-wrong-body", Outcome::BadSignature),
    ("dotnet-callback-wrong-scheme", Outcome::BadScheme),
    ("java-callback-platform-style-valid", Outcome::Valid),
    (
        "java-callback-empty-authorization",
        Outcome::MissingAuthorization,
    ),
    (
        "java-callback-no-authorization",
        Outcome::MissingAuthorization,
    ),
    ("java-authmanager-validate-valid", Outcome::Valid),
    // "a bad keyword my-key-id:...": the scheme is "a".
    ("java-authmanager-bad-keyword", Outcome::BadScheme),
    // "application  a bad key:<valid signature>": the signature does not cover the key.
    ("java-authmanager-bad-key", Outcome::UnknownKey),
    // "my-key-id:a bad hash value": not base64.
    ("java-authmanager-bad-hash", Outcome::BadSignature),
    ("node-voice-callback-valid", Outcome::Valid),
    // "app-key:invalid-signature": not base64.
    ("node-voice-callback-invalid", Outcome::BadSignature),
    ("own-callback-ice-valid-mixed-case-headers", Outcome::Valid),
];

fn outcome_of(result: &Result<(), VerifyError>) -> Option<Outcome> {
    match result {
        Ok(()) => Some(Outcome::Valid),
        Err(VerifyError::BadSignature) => Some(Outcome::BadSignature),
        Err(VerifyError::MissingHeader("authorization")) => Some(Outcome::MissingAuthorization),
        Err(VerifyError::BadScheme(_)) => Some(Outcome::BadScheme),
        Err(VerifyError::UnknownKey) => Some(Outcome::UnknownKey),
        Err(_) => None,
    }
}

fn callback_vectors() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/signing-vectors.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let all: Vec<Value> = serde_json::from_str(&text).expect("signing-vectors.json: an array");
    all.into_iter()
        .filter(|v| v["kind"] == "callback")
        .collect()
}

fn field<'v>(v: &'v Value, name: &str) -> &'v str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("{}: {name} is not a string", v["name"]))
}

/// The delivered headers, names in the case the vector gives (HeaderMap folds them).
fn header_map(v: &Value) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let given = v["headers"]
        .as_object()
        .unwrap_or_else(|| panic!("{}: headers is not an object", v["name"]));
    for (name, value) in given {
        let value = value.as_str().expect("header values are strings");
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            HeaderValue::from_str(value).expect("a header value"),
        );
    }
    headers
}

fn body_of(v: &Value) -> Vec<u8> {
    match &v["body"] {
        Value::Null => Vec::new(),
        Value::String(body) => body.as_bytes().to_vec(),
        other => panic!("{}: body {other:?}", v["name"]),
    }
}

#[test]
fn every_callback_vector_verifies_as_expected() {
    let vectors = callback_vectors();
    assert!(!vectors.is_empty(), "no callback vectors");
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for v in &vectors {
        let name = field(v, "name");
        let Some(&(_, expected)) = EXPECTED.iter().find(|(n, _)| *n == name) else {
            problems.push(format!(
                "{name}: not in EXPECTED; decide its outcome (note: {})",
                v["note"]
            ));
            continue;
        };
        seen.push(name);
        let expected_valid = v["expected_valid"].as_bool().expect("expected_valid");
        assert_eq!(
            expected_valid,
            expected == Outcome::Valid,
            "{name}: EXPECTED says {expected:?} but the vector says expected_valid {expected_valid}"
        );
        if expected_valid {
            valid += 1;
        } else {
            invalid += 1;
        }
        let credentials = Credentials::new(field(v, "key"), field(v, "secret"))
            .unwrap_or_else(|e| panic!("{name}: credentials: {e}"));
        let verifier = Verifier::new(&credentials).tolerance(None);
        let result = verifier.verify(
            field(v, "method"),
            field(v, "path"),
            &header_map(v),
            &body_of(v),
        );
        if outcome_of(&result) != Some(expected) {
            problems.push(format!("{name}: expected {expected:?}, got {result:?}"));
        }
    }
    for (name, _) in EXPECTED {
        if !seen.contains(name) {
            problems.push(format!("{name}: in EXPECTED but not in the vector file"));
        }
    }
    eprintln!(
        "callback_verify: {} callback vectors ({valid} valid, {invalid} invalid)",
        vectors.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn valid_vectors_through_verify_request_and_the_age_window() {
    for v in callback_vectors()
        .iter()
        .filter(|v| v["expected_valid"] == true)
    {
        let name = field(v, "name");
        let credentials = Credentials::new(field(v, "key"), field(v, "secret")).unwrap();
        let mut builder = http::Request::builder()
            .method(field(v, "method"))
            .uri(field(v, "path"));
        *builder.headers_mut().unwrap() = header_map(v);
        let request = builder.body(body_of(v)).unwrap();
        let verifier = Verifier::new(&credentials).tolerance(None);
        match verifier.verify_request(&request) {
            // Genuine: parsed, as a known event or (other products' payloads) an unknown one.
            Ok(event) => assert!(
                !event.name().is_empty() || event.callid().is_some(),
                "{name}"
            ),
            // Some vectors are other products' payloads: genuine, but not a Voice event.
            Err(CallbackError::BadRequest(_)) => {}
            Err(e) => panic!("{name}: verify_request: {e:?}"),
        }

        // With the age check on: these are years old, unless now is their own time.
        let timestamp = field(v, "timestamp");
        let Ok(sent) = DateTime::parse_from_rfc3339(timestamp) else {
            // node-voice-callback-valid's x-timestamp is "x-timestamp:2024-..": not a time.
            let strict = Verifier::new(&credentials);
            assert!(
                matches!(
                    strict.verify_request(&request),
                    Err(CallbackError::Unauthorized(VerifyError::Malformed {
                        header: "x-timestamp",
                        ..
                    }))
                ),
                "{name}"
            );
            continue;
        };
        let sent = sent.with_timezone(&Utc);
        let stale = Verifier::new(&credentials).verify_request(&request);
        assert!(
            matches!(
                stale,
                Err(CallbackError::Unauthorized(VerifyError::Stale { .. }))
            ),
            "{name}: {stale:?}"
        );
        let on_time = Verifier::new(&credentials).clock(move || sent + TimeDelta::seconds(1));
        assert!(
            !matches!(
                on_time.verify_request(&request),
                Err(CallbackError::Unauthorized(_))
            ),
            "{name}"
        );
    }
}

// ------------------------------------------------------------------ helpers

const KEY: &str = "AAC53085-AF67-1CF6-94E1-7D95BB1BFA57";
const SECRET: &str = "maCH+XRVRop3XkFvUXX7/A==";
const OLD_SECRET: &str = "BeIukql3pTKJ8RGL5zo0DA==";
const PATH: &str = "/sinch/callback";
const BODY: &[u8] = br#"{"event":"ace","callid":"4f1e2d3c-b5a6-4798-8a9b-0c1d2e3f4a5b","timestamp":"2025-03-14T11:00:07Z","version":1}"#;

fn credentials() -> Credentials {
    Credentials::new(KEY, SECRET).unwrap()
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 11, 0, 7).unwrap() + TimeDelta::milliseconds(123)
}

/// A verifier whose clock says `now`, default tolerance.
fn verifier_at(now: DateTime<Utc>) -> Verifier {
    Verifier::new(&credentials()).clock(move || now)
}

/// A callback signed now (t0) with `credentials`.
fn signed_with(credentials: &Credentials) -> http::Request<Vec<u8>> {
    signed_over(credentials, PATH, BODY.to_vec(), &format_timestamp(t0()))
}

fn verify(verifier: &Verifier, request: &http::Request<Vec<u8>>) -> Result<(), VerifyError> {
    verifier.verify(
        request.method().as_str(),
        request.uri().path(),
        request.headers(),
        request.body(),
    )
}

/// The request's Authorization split into scheme and `key:signature`.
fn authorization_parts(request: &http::Request<Vec<u8>>) -> (String, String) {
    let value = request.headers()["authorization"].to_str().unwrap();
    let (scheme, rest) = value.split_once(' ').unwrap();
    (scheme.to_string(), rest.to_string())
}

fn with_header(
    mut request: http::Request<Vec<u8>>,
    name: &'static str,
    value: HeaderValue,
) -> http::Request<Vec<u8>> {
    request.headers_mut().insert(name, value);
    request
}

fn with_authorization(request: http::Request<Vec<u8>>, value: &str) -> http::Request<Vec<u8>> {
    with_header(
        request,
        "authorization",
        HeaderValue::from_str(value).unwrap(),
    )
}

fn malformed(header: &'static str) -> impl Fn(&Result<(), VerifyError>) -> bool {
    move |result| matches!(result, Err(VerifyError::Malformed { header: h, .. }) if *h == header)
}

// ------------------------------------------------------------------ the Authorization header

#[test]
fn the_scheme_is_read_in_any_case() {
    let request = signed_with(&credentials());
    let verifier = verifier_at(t0());
    assert_eq!(verify(&verifier, &request), Ok(()));
    let (scheme, rest) = authorization_parts(&request);
    assert_eq!(scheme, "Application");
    for scheme in ["application", "APPLICATION", "aPpLiCaTiOn", "Application"] {
        let request = with_authorization(request.clone(), &format!("{scheme} {rest}"));
        assert_eq!(verify(&verifier, &request), Ok(()), "{scheme}");
    }
    for scheme in ["Basic", "Bearer", "Applications", "Applicatio", "Signed"] {
        let request = with_authorization(request.clone(), &format!("{scheme} {rest}"));
        assert_eq!(
            verify(&verifier, &request),
            Err(VerifyError::BadScheme(scheme.to_string())),
            "{scheme}"
        );
    }
}

#[test]
fn malformed_authorization_values() {
    let request = signed_with(&credentials());
    let verifier = verifier_at(t0());
    let (_, rest) = authorization_parts(&request);
    let (key, signature) = rest.split_once(':').unwrap();
    let is_malformed = malformed("authorization");
    for value in [
        format!("Application {key}{signature}"),
        format!("Application {key}"),
        "Application".to_string(),
        format!("Application {key}:"),
        format!("Application :{signature}"),
        "Application :".to_string(),
        format!("Application {key}:{signature}:extra"),
    ] {
        let result = verify(&verifier, &with_authorization(request.clone(), &value));
        assert!(is_malformed(&result), "{value:?}: {result:?}");
    }
    // Blank: as good as absent.
    for value in ["", "   "] {
        let result = verify(&verifier, &with_authorization(request.clone(), value));
        assert_eq!(
            result,
            Err(VerifyError::MissingHeader("authorization")),
            "{value:?}"
        );
    }
    let mut absent = request.clone();
    absent.headers_mut().remove("authorization");
    assert_eq!(
        verify(&verifier, &absent),
        Err(VerifyError::MissingHeader("authorization"))
    );
    // Another key with our valid signature: the signature does not cover the key.
    let other = with_authorization(
        request.clone(),
        &format!("Application other-key:{signature}"),
    );
    assert_eq!(verify(&verifier, &other), Err(VerifyError::UnknownKey));
    let case = with_authorization(
        request.clone(),
        &format!("Application {}:{signature}", key.to_lowercase()),
    );
    assert_eq!(verify(&verifier, &case), Err(VerifyError::UnknownKey));
}

#[test]
fn signatures_that_are_not_base64_of_32_bytes() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    let request = signed_with(&credentials());
    let verifier = verifier_at(t0());
    let (_, rest) = authorization_parts(&request);
    let (key, signature) = rest.split_once(':').unwrap();
    let decoded = STANDARD.decode(signature).unwrap();
    assert_eq!(decoded.len(), 32);
    let mut flipped = decoded.clone();
    flipped[31] ^= 1;
    for bad in [
        "not base64!".to_string(),
        "a bad hash value".to_string(),
        "invalid-signature".to_string(),
        "%%%%".to_string(),
        // Right alphabet, wrong lengths.
        STANDARD.encode(&decoded[..16]),
        STANDARD.encode(&decoded[..31]),
        STANDARD.encode([decoded.as_slice(), &[0]].concat()),
        STANDARD.encode([decoded.as_slice(), &decoded].concat()),
        STANDARD.encode(vec![7u8; 4096]),
        // 32 bytes without padding, and one bit off.
        signature.trim_end_matches('=').to_string(),
        STANDARD.encode(&flipped),
        // URL-safe alphabet of the same bytes, when it differs.
        base64::engine::general_purpose::URL_SAFE.encode(&decoded),
    ] {
        if bad == signature {
            continue;
        }
        let result = verify(
            &verifier,
            &with_authorization(request.clone(), &format!("Application {key}:{bad}")),
        );
        assert_eq!(result, Err(VerifyError::BadSignature), "{bad:?}");
    }
}

#[test]
fn repeated_headers_are_malformed() {
    let request = signed_with(&credentials());
    let verifier = verifier_at(t0());
    for name in ["authorization", "x-timestamp", "content-type"] {
        let mut repeated = request.clone();
        let value = repeated.headers()[name].clone();
        // The very same value twice is still two headers.
        repeated.headers_mut().append(name, value);
        let result = verify(&verifier, &repeated);
        let expected: &'static str = match name {
            "authorization" => "authorization",
            "x-timestamp" => "x-timestamp",
            _ => "content-type",
        };
        assert!(malformed(expected)(&result), "{name}: {result:?}");
    }
}

#[test]
fn non_ascii_header_values_are_malformed() {
    let request = signed_with(&credentials());
    let verifier = verifier_at(t0());
    let (scheme, rest) = authorization_parts(&request);
    let authorization = HeaderValue::from_bytes(format!("{scheme} {rest}\u{e9}").as_bytes());
    let result = verify(
        &verifier,
        &with_header(request.clone(), "authorization", authorization.unwrap()),
    );
    assert!(malformed("authorization")(&result), "{result:?}");

    let timestamp = HeaderValue::from_bytes(b"2025-03-14T11:00:07.123Z\xff").unwrap();
    let result = verify(
        &verifier,
        &with_header(request.clone(), "x-timestamp", timestamp),
    );
    assert!(malformed("x-timestamp")(&result), "{result:?}");

    let content_type = HeaderValue::from_bytes(b"application/json; charset=\xe9").unwrap();
    let result = verify(
        &verifier,
        &with_header(request.clone(), "content-type", content_type),
    );
    assert!(malformed("content-type")(&result), "{result:?}");
}

// ------------------------------------------------------------------ x-timestamp

#[test]
fn a_missing_timestamp_is_named() {
    let mut request = signed_with(&credentials());
    request.headers_mut().remove("x-timestamp");
    for verifier in [verifier_at(t0()), verifier_at(t0()).tolerance(None)] {
        assert_eq!(
            verify(&verifier, &request),
            Err(VerifyError::MissingHeader("x-timestamp"))
        );
    }
    let blank = with_header(request, "x-timestamp", HeaderValue::from_static(" "));
    assert_eq!(
        verify(&verifier_at(t0()), &blank),
        Err(VerifyError::MissingHeader("x-timestamp"))
    );
}

#[test]
fn a_malformed_timestamp_fails_only_with_the_age_check_on() {
    for timestamp in [
        "yesterday",
        "1710408413",
        "2025-03-14 11:00:07",
        "2025-13-14T11:00:07Z",
    ] {
        // Signed over that very value: only the age check can object.
        let request = signed_over(&credentials(), PATH, BODY.to_vec(), timestamp);
        let result = verify(&verifier_at(t0()), &request);
        assert!(malformed("x-timestamp")(&result), "{timestamp}: {result:?}");
        assert_eq!(
            verify(&verifier_at(t0()).tolerance(None), &request),
            Ok(()),
            "{timestamp}"
        );
    }
}

#[test]
fn the_age_window() {
    let request = signed_with(&credentials());
    let sent = t0();
    let seconds = |s: i64| TimeDelta::seconds(s);
    assert_eq!(DEFAULT_TOLERANCE, Duration::from_secs(300));

    for ok in [
        seconds(0),
        seconds(299),
        seconds(-299),
        seconds(300),
        seconds(-300),
    ] {
        assert_eq!(
            verify(&verifier_at(sent + ok), &request),
            Ok(()),
            "now = sent + {ok}"
        );
    }

    match verify(&verifier_at(sent + seconds(301)), &request) {
        Err(VerifyError::Stale { age, tolerance }) => {
            assert!(age >= Duration::from_secs(301), "{age:?}");
            assert!(age < Duration::from_secs(302), "{age:?}");
            assert_eq!(tolerance, DEFAULT_TOLERANCE);
        }
        other => panic!("301 s old: {other:?}"),
    }
    match verify(&verifier_at(sent - seconds(301)), &request) {
        Err(VerifyError::Future { ahead, tolerance }) => {
            assert!(ahead >= Duration::from_secs(301), "{ahead:?}");
            assert!(ahead < Duration::from_secs(302), "{ahead:?}");
            assert_eq!(tolerance, DEFAULT_TOLERANCE);
        }
        other => panic!("301 s ahead: {other:?}"),
    }
    // Just past the edge, either way.
    let a_millisecond = TimeDelta::milliseconds(1);
    assert!(matches!(
        verify(&verifier_at(sent + seconds(300) + a_millisecond), &request),
        Err(VerifyError::Stale { .. })
    ));
    assert!(matches!(
        verify(&verifier_at(sent - seconds(300) - a_millisecond), &request),
        Err(VerifyError::Future { .. })
    ));

    // A custom window, and its exact edge.
    let tight = |now| verifier_at(now).tolerance(Some(Duration::from_secs(5)));
    assert_eq!(verify(&tight(sent + seconds(5)), &request), Ok(()));
    assert!(matches!(
        verify(&tight(sent + seconds(6)), &request),
        Err(VerifyError::Stale { age, tolerance }) if age == Duration::from_secs(6)
            && tolerance == Duration::from_secs(5)
    ));
    let zero = |now| verifier_at(now).tolerance(Some(Duration::ZERO));
    assert_eq!(verify(&zero(sent), &request), Ok(()));
    assert!(matches!(
        verify(&zero(sent + a_millisecond), &request),
        Err(VerifyError::Stale { .. })
    ));

    // tolerance(None): any age, either way.
    for far in [
        seconds(0),
        seconds(86_400 * 365 * 20),
        seconds(-86_400 * 365 * 20),
    ] {
        assert_eq!(
            verify(&verifier_at(sent + far).tolerance(None), &request),
            Ok(()),
            "{far}"
        );
    }
}

#[test]
fn timestamps_in_other_forms_are_aged_correctly() {
    // Offsets and 7 fractional digits: the age is computed on the instant, not the text.
    let sent = Utc.with_ymd_and_hms(2024, 1, 19, 9, 19, 28).unwrap();
    for (timestamp, offset_ms) in [
        ("2024-01-19T09:19:28.9372196Z", 937),
        ("2024-01-19T11:19:28+02:00", 0),
        ("2024-01-19T09:19:28", 0),
    ] {
        let request = signed_over(&credentials(), PATH, BODY.to_vec(), timestamp);
        let at_edge = sent + TimeDelta::milliseconds(offset_ms) + TimeDelta::seconds(300);
        assert_eq!(
            verify(&verifier_at(at_edge), &request),
            Ok(()),
            "{timestamp}"
        );
        let past = at_edge + TimeDelta::seconds(1);
        assert!(
            matches!(
                verify(&verifier_at(past), &request),
                Err(VerifyError::Stale { .. })
            ),
            "{timestamp}"
        );
    }
}

// ------------------------------------------------------------------ secrets

#[test]
fn key_rotation_accepts_both_secrets_and_no_third() {
    let new = credentials();
    let old = Credentials::new(KEY, OLD_SECRET).unwrap();
    let third = Credentials::new(KEY, "c29tZXRoaW5nIGVsc2U=").unwrap();
    let rotating = verifier_at(t0()).also_accept(OLD_SECRET).unwrap();
    assert_eq!(verify(&rotating, &signed_with(&new)), Ok(()));
    assert_eq!(verify(&rotating, &signed_with(&old)), Ok(()));
    assert_eq!(
        verify(&rotating, &signed_with(&third)),
        Err(VerifyError::BadSignature)
    );
    // Without the rotation, the old secret is refused.
    assert_eq!(
        verify(&verifier_at(t0()), &signed_with(&old)),
        Err(VerifyError::BadSignature)
    );
    // Rotation keeps the key: another key is still unknown even with the old secret.
    let elsewhere = Credentials::new("another-key", OLD_SECRET).unwrap();
    assert_eq!(
        verify(&rotating, &signed_with(&elsewhere)),
        Err(VerifyError::UnknownKey)
    );
    // A secret that is not base64 is a configuration error, not a silent no-op.
    assert!(verifier_at(t0()).also_accept("not base64!").is_err());
    assert_eq!(rotating.key(), KEY);
    // Three secrets at once.
    let all = rotating.also_accept("c29tZXRoaW5nIGVsc2U=").unwrap();
    assert_eq!(verify(&all, &signed_with(&third)), Ok(()));
}

#[test]
fn tampering_with_anything_signed_is_a_bad_signature() {
    let request = signed_with(&credentials());
    let verifier = verifier_at(t0());
    let check = |request: &http::Request<Vec<u8>>, what: &str| {
        assert_eq!(
            verify(&verifier, request),
            Err(VerifyError::BadSignature),
            "{what}"
        );
    };
    let mut body = request.clone();
    body.body_mut().push(b' ');
    check(&body, "a trailing space in the body");
    let mut body = request.clone();
    body.body_mut().clear();
    check(&body, "an empty body");
    let other_type = with_header(
        request.clone(),
        "content-type",
        HeaderValue::from_static("application/json"),
    );
    check(&other_type, "another content type");
    let mut no_type = request.clone();
    no_type.headers_mut().remove("content-type");
    check(&no_type, "no content type");
    let later = with_header(
        request.clone(),
        "x-timestamp",
        HeaderValue::from_str(&format_timestamp(t0() + TimeDelta::seconds(1))).unwrap(),
    );
    check(&later, "another timestamp");
    let headers = request.headers().clone();
    assert_eq!(
        verifier.verify("PUT", PATH, &headers, request.body()),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        verifier.verify("POST", "/sinch/callback/", &headers, request.body()),
        Err(VerifyError::BadSignature)
    );
    // Method case and a query are not signed.
    assert_eq!(
        verifier.verify("post", PATH, &headers, request.body()),
        Ok(())
    );
    assert_eq!(
        verifier.verify("POST", "/sinch/callback?x=1", &headers, request.body()),
        Ok(())
    );
}

// ------------------------------------------------------------------ end to end

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/callbacks");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn variant(event: &CallbackEvent<'_>) -> &'static str {
    match event {
        CallbackEvent::Ice(_) => "ice",
        CallbackEvent::Ace(_) => "ace",
        CallbackEvent::Dice(_) => "dice",
        CallbackEvent::Pie(_) => "pie",
        CallbackEvent::Notify(_) => "notify",
        _ => "another variant",
    }
}

#[test]
fn every_fixture_verifies_and_parses_end_to_end() {
    let credentials = credentials();
    let now = Utc::now();
    let timestamp = format_timestamp(now);
    let mut count = 0;
    for (stem, body) in fixtures() {
        let prefix = stem.split('_').next().unwrap();
        let path = format!("/sinch/callback/{prefix}");
        let request = signed_over(&credentials, &path, body.clone(), &timestamp);
        assert_eq!(request.method(), http::Method::POST);
        // The system clock, default tolerance: signed just now.
        let event = Verifier::new(&credentials)
            .verify_request(&request)
            .unwrap_or_else(|e| panic!("{stem}: {e:?}"));
        assert_eq!(variant(&event), prefix, "{stem}");
        assert_eq!(event, CallbackEvent::parse(&body).unwrap(), "{stem}");

        // The body bytes are what is signed: the same JSON re-serialised is not genuine.
        let value: Value = serde_json::from_slice(&body).unwrap();
        let mut reserialised = request.clone();
        *reserialised.body_mut() = serde_json::to_vec(&value).unwrap();
        assert_ne!(reserialised.body(), &body);
        assert_eq!(
            Verifier::new(&credentials).verify_request(&reserialised),
            Err(CallbackError::Unauthorized(VerifyError::BadSignature)),
            "{stem}"
        );

        // Signed with a query: only the path is signed, and the request URI's path is used.
        let with_query = signed_over(
            &credentials,
            &format!("{path}?attempt=2"),
            body.clone(),
            &timestamp,
        );
        assert_eq!(with_query.uri().path(), path);
        let event = Verifier::new(&credentials)
            .verify_request(&with_query)
            .unwrap_or_else(|e| panic!("{stem} with a query: {e:?}"));
        assert_eq!(variant(&event), prefix);
        count += 1;
    }
    eprintln!("callback_verify: {count} fixtures signed, verified and parsed");
}

#[test]
fn verify_request_refuses_before_it_parses() {
    let credentials = credentials();
    let timestamp = format_timestamp(Utc::now());
    // Genuine but not an event: BadRequest with the field.
    let request = signed_over(
        &credentials,
        PATH,
        br#"{"event":"pie","callid":"c","menuResult":{"type":5}}"#.to_vec(),
        &timestamp,
    );
    match Verifier::new(&credentials).verify_request(&request) {
        Err(CallbackError::BadRequest(e)) => assert_eq!(e.path, "menuResult.type"),
        other => panic!("{other:?}"),
    }
    // Not genuine and not an event: Unauthorized, the body is never looked at.
    let mut forged = request.clone();
    *forged.body_mut() = b"not json at all".to_vec();
    assert_eq!(
        Verifier::new(&credentials).verify_request(&forged),
        Err(CallbackError::Unauthorized(VerifyError::BadSignature))
    );
    // Another application's callback.
    let other = Credentials::new("other-app", SECRET).unwrap();
    let theirs = signed_over(&other, PATH, BODY.to_vec(), &timestamp);
    assert_eq!(
        Verifier::new(&credentials).verify_request(&theirs),
        Err(CallbackError::Unauthorized(VerifyError::UnknownKey))
    );
    // Stale through the entry too, and tolerance(None) lets it through.
    let old = signed_over(&credentials, PATH, BODY.to_vec(), "2014-09-24T10:59:41Z");
    assert!(matches!(
        Verifier::new(&credentials).verify_request(&old),
        Err(CallbackError::Unauthorized(VerifyError::Stale { .. }))
    ));
    let event = Verifier::new(&credentials)
        .tolerance(None)
        .verify_request(&old)
        .unwrap();
    assert_eq!(event.callid(), Some("4f1e2d3c-b5a6-4798-8a9b-0c1d2e3f4a5b"));
}

#[test]
fn errors_say_nothing_secret() {
    let request = signed_with(&credentials());
    let (_, rest) = authorization_parts(&request);
    let (_, signature) = rest.split_once(':').unwrap();
    let verifier = verifier_at(t0()).also_accept(OLD_SECRET).unwrap();
    let shown = format!("{verifier:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains(OLD_SECRET),
        "{shown}"
    );
    let mut forged = request.clone();
    forged.body_mut().push(b'\n');
    let error = verify(&verifier, &forged).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(signature), "{shown}");
}
