//! Robustness of callback parsing and verification under hostile input (proptest).
//!
//! * (a) Arbitrary bytes (0..4096, plus JSON-token soup so the parser gets past the first
//!   byte) through [`CallbackEvent::parse`], [`CallbackEvent::parse_owned`] and
//!   [`Verifier::verify`] with arbitrary or nearly right header values: no panic. A correctly
//!   signed arbitrary body verifies, and one flipped byte of it does not.
//! * (b) Every fixture of `tests/data/callbacks/`, mutated at the JSON level (a value replaced
//!   by another JSON type, a field dropped, duplicated or renamed) and at the byte level (flip,
//!   insert, delete, overwrite, truncate): no panic, and an accepted body always names a call
//!   (non-empty `callid`).
//! * (c) `parse` (which tries a fast reader first) and the serde reader alone always agree:
//!   both accept with equal events, or both reject with the same error path.
//!
//! Each property runs [`CASES`] cases; the file prints how many executions ran in total.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::Value;
use sinch_voice::Credentials;
use sinch_voice::callbacks::{CallbackEvent, SignedCallback, Verifier, VerifyError};
use sinch_voice::signing::format_timestamp;

/// Cases per property.
const CASES: u32 = 2000;
/// How many properties this file runs (to print the total once, after the last).
const PROPERTIES: usize = 5;

static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
static FINISHED: AtomicUsize = AtomicUsize::new(0);

/// Runs one property, counts its executions (shrinking included), reports, and fails with
/// proptest's minimal input.
fn run<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
{
    let mut config = Config::with_cases(CASES);
    config.failure_persistence = None;
    let mut runner = TestRunner::new(config);
    let executions = AtomicU64::new(0);
    let result = runner.run(&strategy, |value| {
        executions.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    let executions = executions.into_inner();
    let total = EXECUTIONS.fetch_add(executions, Ordering::SeqCst) + executions;
    eprintln!("callback_fuzz: {name}: {executions} executions");
    if FINISHED.fetch_add(1, Ordering::SeqCst) + 1 == PROPERTIES {
        eprintln!("callback_fuzz: total {total} executions over {PROPERTIES} properties");
    }
    if let Err(error) = result {
        panic!("{name}: {error}");
    }
}

/// Body bytes, shown as an escaped byte string in failures.
#[derive(Clone)]
struct Body(Vec<u8>);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

// ------------------------------------------------------------------ shared data

const KEY: &str = "5f2a8c1e-93b4-4d7a-8e21-c0d94b6a7f13";
const SECRET: &str = "maCH+XRVRop3XkFvUXX7/A==";
const PATH: &str = "/sinch/callback";

fn credentials() -> &'static Credentials {
    static CREDENTIALS: OnceLock<Credentials> = OnceLock::new();
    CREDENTIALS.get_or_init(|| Credentials::new(KEY, SECRET).unwrap())
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 11, 0, 7).unwrap()
}

/// The fixtures, as bytes and as parsed JSON.
fn fixtures() -> &'static [(String, Vec<u8>, Value)] {
    static FIXTURES: OnceLock<Vec<(String, Vec<u8>, Value)>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/callbacks");
        let mut files: Vec<(String, Vec<u8>, Value)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let bytes = std::fs::read(&path).unwrap();
                let value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
                (name, bytes, value)
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(!files.is_empty(), "no fixtures in {}", dir.display());
        files
    })
}

// ------------------------------------------------------------------ (a) arbitrary input

/// Bytes that mostly look like JSON objects, so parsing gets past the first byte.
fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    let token = select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        "\"event\"",
        "\"callid\"",
        "\"callId\"",
        "\"ice\"",
        "\"ace\"",
        "\"dice\"",
        "\"pie\"",
        "\"notify\"",
        "\"menuResult\"",
        "\"type\"",
        "\"to\"",
        "\"amd\"",
        "\"timestamp\"",
        "\"callHeaders\"",
        "\"duration\"",
        "\"c\"",
        "\"\"",
        "0",
        "-1",
        "9000000000",
        "1e400",
        "0.5",
        "null",
        "true",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\\"",
        "\u{ff}",
        "\"return\"",
        "\"2025-03-14T09:26:53Z\"",
    ]);
    (
        any::<bool>(),
        prop::collection::vec(token, 0..64),
        prop::collection::vec(any::<u8>(), 0..8),
    )
        .prop_map(|(open, tokens, tail)| {
            let mut bytes = Vec::new();
            if open {
                bytes.push(b'{');
            }
            for token in tokens {
                bytes.extend_from_slice(token.as_bytes());
            }
            bytes.extend_from_slice(&tail);
            bytes
        })
}

fn arbitrary_body() -> impl Strategy<Value = Body> {
    arbitrary_bytes().prop_map(Body)
}

fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4096),
        prop::collection::vec(any::<u8>(), 0..4096).prop_map(|mut bytes| {
            bytes.insert(0, b'{');
            bytes
        }),
        token_soup(),
    ]
}

/// A header value: absent, arbitrary bytes, or nearly right text.
fn header_value(plausible: BoxedStrategy<String>) -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        1 => Just(None),
        2 => prop::collection::vec(any::<u8>(), 0..128).prop_map(Some),
        1 => "[ -~]{0,64}".prop_map(|s| Some(s.into_bytes())),
        4 => plausible.prop_map(|s| Some(s.into_bytes())),
    ]
}

fn plausible_authorization() -> BoxedStrategy<String> {
    let scheme = select(vec![
        "Application",
        "application",
        "APPLICATION",
        "Basic",
        "",
        "Application ",
    ]);
    let key = select(vec![KEY, "other-key", "", " ", "a:b"]);
    let signature = prop_oneof![
        prop::collection::vec(any::<u8>(), 32).prop_map(|b| STANDARD.encode(b)),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| STANDARD.encode(b)),
        "[A-Za-z0-9+/=:_-]{0,60}",
    ];
    (scheme, key, signature)
        .prop_map(|(scheme, key, signature)| format!("{scheme} {key}:{signature}"))
        .boxed()
}

fn plausible_timestamp() -> BoxedStrategy<String> {
    let offset = -1000i64..1000;
    prop_oneof![
        offset
            .clone()
            .prop_map(|s| format_timestamp(t0() + TimeDelta::seconds(s))),
        // The platform's form: 7 fractional digits.
        (offset.clone(), 0u32..10_000_000).prop_map(|(s, fraction)| format!(
            "{}.{fraction:07}Z",
            (t0() + TimeDelta::seconds(s)).format("%Y-%m-%dT%H:%M:%S")
        )),
        offset.prop_map(|s| (t0() + TimeDelta::seconds(s))
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()),
        "[0-9T:.Z+-]{0,40}",
        Just("9999-12-31T23:59:59.999999999Z".to_string()),
        Just("-262143-01-01T00:00:00Z".to_string()),
        Just("+262142-12-31T23:59:59Z".to_string()),
        Just("0000-01-01T00:00:00Z".to_string()),
    ]
    .boxed()
}

fn plausible_content_type() -> BoxedStrategy<String> {
    select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "",
        "text/html",
    ])
    .prop_map(str::to_owned)
    .boxed()
}

#[derive(Debug, Clone)]
struct Headers {
    authorization: Option<Vec<u8>>,
    timestamp: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    repeat: Option<usize>,
}

fn headers() -> impl Strategy<Value = Headers> {
    (
        header_value(plausible_authorization()),
        header_value(plausible_timestamp()),
        header_value(plausible_content_type()),
        prop::option::weighted(0.1, 0usize..3),
    )
        .prop_map(|(authorization, timestamp, content_type, repeat)| Headers {
            authorization,
            timestamp,
            content_type,
            repeat,
        })
}

/// The HeaderMap; a value `http` refuses (control bytes) is dropped to its allowed bytes.
fn header_map(headers: &Headers) -> HeaderMap {
    let mut map = HeaderMap::new();
    let entries = [
        ("authorization", &headers.authorization),
        ("x-timestamp", &headers.timestamp),
        ("content-type", &headers.content_type),
    ];
    for (index, (name, value)) in entries.into_iter().enumerate() {
        let Some(value) = value else { continue };
        let value = HeaderValue::from_bytes(value).unwrap_or_else(|_| {
            let kept: Vec<u8> = value
                .iter()
                .copied()
                .filter(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
                .collect();
            HeaderValue::from_bytes(&kept).expect("visible bytes make a header value")
        });
        let name = HeaderName::from_static(name);
        if headers.repeat == Some(index) {
            map.append(name.clone(), value.clone());
        }
        map.append(name, value);
    }
    map
}

fn method_and_path() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            select(vec!["POST", "post", "GET", ""]).prop_map(str::to_owned),
            "[ -~]{0,8}",
        ],
        prop_oneof![Just(PATH.to_string()), "/[ -~]{0,40}", "\\PC{0,40}",],
    )
}

#[test]
fn a_arbitrary_bytes_and_headers_never_panic() {
    let strict = Verifier::new(credentials()).clock(t0);
    let lax = Verifier::new(credentials()).tolerance(None);
    let rotating = Verifier::new(credentials())
        .also_accept("BeIukql3pTKJ8RGL5zo0DA==")
        .unwrap()
        .tolerance(Some(Duration::from_secs(1)))
        .clock(t0);
    run(
        "(a) arbitrary bytes and headers",
        (arbitrary_body(), headers(), method_and_path()),
        |(Body(body), headers, (method, path))| {
            let _ = CallbackEvent::parse(&body);
            let _ = CallbackEvent::parse_owned(&body);
            let map = header_map(&headers);
            for verifier in [&strict, &lax, &rotating] {
                let result = verifier.verify(&method, &path, &map, &body);
                // Only a matching signature is accepted, and these were not computed over
                // this request (a random 32 bytes matching would be a 2^-256 event).
                prop_assert!(result.is_err(), "accepted: {result:?}");
            }
            Ok(())
        },
    );
}

#[test]
fn a_signed_arbitrary_bodies_verify_and_one_flipped_byte_does_not() {
    let verifier = Verifier::new(credentials()).clock(t0);
    run(
        "(a) signed arbitrary bodies",
        (arbitrary_body(), -300i64..=300, any::<Index>(), 1u8..=255),
        |(Body(body), skew, at, flip)| {
            let request = SignedCallback::at(
                credentials(),
                PATH,
                body.clone(),
                t0() + TimeDelta::seconds(skew),
            )
            .into_http();
            let verified = verifier.verify_request(&request);
            // Genuine: never refused as unauthorized (the body may still not be an event).
            prop_assert!(
                !matches!(
                    verified,
                    Err(sinch_voice::callbacks::CallbackError::Unauthorized(_))
                ),
                "{verified:?}"
            );
            if !body.is_empty() {
                let mut forged = request.clone();
                let index = at.index(body.len());
                forged.body_mut()[index] ^= flip;
                let result = verifier.verify("POST", PATH, forged.headers(), forged.body());
                prop_assert_eq!(result, Err(VerifyError::BadSignature));
            }
            Ok(())
        },
    );
}

// ------------------------------------------------------------------ (b) mutated fixtures

/// A JSON value of any type, to put where another was.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        Just(Value::String(String::new())),
        "\\PC{0,12}".prop_map(Value::String),
        select(vec![
            "ice",
            "ace",
            "dice",
            "pie",
            "notify",
            "PSTN",
            "return",
            "sequence",
            "machine",
            "N/A",
            "2025-03-14T09:26:53Z",
            "2025-03-14T09:26:53",
            "yesterday",
            "0427",
        ])
        .prop_map(|s| Value::String(s.to_string())),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Default::default())),
        Just(serde_json::json!([{"key": "k", "value": "v"}, 1, null])),
        Just(serde_json::json!({"type": "number", "endpoint": "+46701234567"})),
    ]
}

#[derive(Debug, Clone)]
enum JsonMutation {
    /// The value of the n-th member (all objects, depth first) becomes another.
    Replace(Index, Value),
    /// The n-th member goes.
    Drop(Index),
    /// The n-th member is written twice, the second time with this value.
    Duplicate(Index, Value),
    /// The n-th member gets another name.
    Rename(Index, String),
}

fn json_mutation() -> impl Strategy<Value = JsonMutation> {
    let name = prop_oneof![
        select(vec![
            "callId",
            "CALLID",
            "Event",
            "event",
            "callid",
            "type",
            "menuResult",
            "",
            "\u{e9}",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z]{1,10}",
    ];
    prop_oneof![
        3 => (any::<Index>(), replacement()).prop_map(|(i, v)| JsonMutation::Replace(i, v)),
        2 => any::<Index>().prop_map(JsonMutation::Drop),
        1 => (any::<Index>(), replacement()).prop_map(|(i, v)| JsonMutation::Duplicate(i, v)),
        1 => (any::<Index>(), name).prop_map(|(i, n)| JsonMutation::Rename(i, n)),
    ]
}

#[derive(Debug, Clone)]
enum ByteMutation {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Overwrite(Index, u8),
    Truncate(Index),
}

fn byte_mutation() -> impl Strategy<Value = ByteMutation> {
    let interesting = prop_oneof![
        any::<u8>(),
        select(b"\"{}[]:,\\ 0-.eE\xff\xc3\x00\n".to_vec()),
    ];
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, bit)| ByteMutation::Flip(i, 1 << bit)),
        (any::<Index>(), interesting.clone()).prop_map(|(i, b)| ByteMutation::Insert(i, b)),
        any::<Index>().prop_map(ByteMutation::Delete),
        (any::<Index>(), interesting).prop_map(|(i, b)| ByteMutation::Overwrite(i, b)),
        any::<Index>().prop_map(ByteMutation::Truncate),
    ]
}

/// The members of one object, in order.
type Members = Vec<(String, Doc)>;

/// A document as an ordered list of members, so one can be written twice.
#[derive(Debug, Clone)]
enum Doc {
    Object(Members),
    Leaf(Value),
}

fn doc(value: &Value) -> Doc {
    match value {
        Value::Object(map) => Doc::Object(map.iter().map(|(k, v)| (k.clone(), doc(v))).collect()),
        other => Doc::Leaf(other.clone()),
    }
}

/// Number of object members, depth first.
fn members(doc: &Doc) -> usize {
    match doc {
        Doc::Object(entries) => entries.iter().map(|(_, d)| 1 + members(d)).sum(),
        Doc::Leaf(_) => 0,
    }
}

/// Applies `f` to the n-th member's slot (its parent's list and its index there).
fn at_member(doc: &mut Doc, n: &mut usize, f: &mut dyn FnMut(&mut Members, usize)) -> bool {
    let Doc::Object(entries) = doc else {
        return false;
    };
    for i in 0..entries.len() {
        if *n == 0 {
            f(entries, i);
            return true;
        }
        *n -= 1;
        if at_member(&mut entries[i].1, n, f) {
            return true;
        }
    }
    false
}

fn apply_json(doc: &mut Doc, mutation: &JsonMutation) {
    let count = members(doc);
    if count == 0 {
        return;
    }
    let index = match mutation {
        JsonMutation::Replace(i, _)
        | JsonMutation::Drop(i)
        | JsonMutation::Duplicate(i, _)
        | JsonMutation::Rename(i, _) => i.index(count),
    };
    let mut n = index;
    at_member(doc, &mut n, &mut |entries, i| match mutation {
        JsonMutation::Replace(_, value) => entries[i].1 = Doc::Leaf(value.clone()),
        JsonMutation::Drop(_) => {
            entries.remove(i);
        }
        JsonMutation::Duplicate(_, value) => {
            let key = entries[i].0.clone();
            entries.insert(i + 1, (key, Doc::Leaf(value.clone())));
        }
        JsonMutation::Rename(_, name) => entries[i].0 = name.clone(),
    });
}

fn write(doc: &Doc, out: &mut Vec<u8>) {
    match doc {
        Doc::Leaf(value) => out.extend(serde_json::to_vec(value).unwrap()),
        Doc::Object(entries) => {
            out.push(b'{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend(serde_json::to_vec(key).unwrap());
                out.push(b':');
                write(value, out);
            }
            out.push(b'}');
        }
    }
}

fn apply_bytes(bytes: &mut Vec<u8>, mutation: &ByteMutation) {
    let len = bytes.len();
    match mutation {
        ByteMutation::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
        _ if len == 0 => {}
        ByteMutation::Flip(i, mask) => bytes[i.index(len)] ^= mask,
        ByteMutation::Delete(i) => {
            bytes.remove(i.index(len));
        }
        ByteMutation::Overwrite(i, b) => bytes[i.index(len)] = *b,
        ByteMutation::Truncate(i) => bytes.truncate(i.index(len)),
    }
}

/// A mutated fixture: its name and the bytes.
fn mutated_fixture() -> impl Strategy<Value = (String, Body)> {
    (
        any::<Index>(),
        any::<bool>(),
        prop::collection::vec(json_mutation(), 0..3),
        prop::collection::vec(byte_mutation(), 0..4),
    )
        .prop_map(|(which, pretty, json, bytes)| {
            let fixtures = fixtures();
            let (name, original, value) = &fixtures[which.index(fixtures.len())];
            let mut out = if json.is_empty() && pretty {
                // The file exactly as stored (pretty-printed).
                original.clone()
            } else {
                let mut tree = doc(value);
                for mutation in &json {
                    apply_json(&mut tree, mutation);
                }
                let mut out = Vec::new();
                write(&tree, &mut out);
                out
            };
            for mutation in &bytes {
                apply_bytes(&mut out, mutation);
            }
            (name.clone(), Body(out))
        })
}

#[test]
fn b_mutated_fixtures_never_panic_and_accepted_ones_name_a_call() {
    run(
        "(b) mutated fixtures",
        mutated_fixture(),
        |(name, Body(body))| {
            for (entry, result) in [
                ("parse", CallbackEvent::parse(&body)),
                ("parse_owned", CallbackEvent::parse_owned(&body)),
            ] {
                match result {
                    Ok(event) => {
                        prop_assert!(
                            event.callid().is_none_or(|id| !id.is_empty()),
                            "{entry} accepted a mutated {name} with an empty callid: {:?}",
                            String::from_utf8_lossy(&body)
                        );
                        // Whatever parses serialises to what parses to the same event.
                        let again = serde_json::to_vec(&event).unwrap();
                        prop_assert_eq!(CallbackEvent::parse_owned(&again).unwrap(), event);
                    }
                    Err(error) => prop_assert!(!error.path.is_empty(), "{error:?}"),
                }
            }
            Ok(())
        },
    );
}

// ------------------------------------------------------------------ (c) agreement

fn agree(body: &[u8]) -> TestCaseResult {
    let shown = || String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
    // `parse` tries the fast reader first; the serde reader alone is independent of it.
    match (
        CallbackEvent::parse(body),
        sinch_voice::fuzzing::callback_parse_with_serde(body),
    ) {
        (Ok(borrowed), Ok(owned)) => {
            prop_assert_eq!(borrowed, owned, "events differ for {:?}", shown())
        }
        (Err(borrowed), Err(owned)) => prop_assert_eq!(
            &borrowed.path,
            &owned.path,
            "paths differ for {:?}: parse {} / serde reader {}",
            shown(),
            borrowed,
            owned
        ),
        (borrowed, owned) => prop_assert!(
            false,
            "one accepts, one rejects {:?}: parse {:?} / serde reader {:?}",
            shown(),
            borrowed,
            owned
        ),
    }
    Ok(())
}

#[test]
fn c_parse_and_parse_owned_agree_on_arbitrary_bytes() {
    run("(c) agreement, arbitrary bytes", arbitrary_body(), |body| {
        agree(&body.0)
    });
}

#[test]
fn c_parse_and_parse_owned_agree_on_mutated_fixtures() {
    run(
        "(c) agreement, mutated fixtures",
        mutated_fixture(),
        |(_, Body(body))| agree(&body),
    );
}
