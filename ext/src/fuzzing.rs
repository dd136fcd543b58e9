//! The properties behind the fuzz targets of `fuzz/`, one function per target, each taking
//! the fuzzer's bytes and panicking when a property does not hold. The corpus-replay test
//! (`tests/fuzz_corpus_replay.rs`) calls the very same functions on every committed corpus
//! file, on stable. Not part of the API: no stability promise.

use std::time::Duration;

use crate::callbacks::{CallbackEvent, ParseError, Verifier, VerifyError};
use crate::credentials::Credentials;
use crate::signing::{SigningInput, sign};
use crate::svaml::MAX_TTS_CHARS;
use crate::svaml::prompt as prompt_checks;
use crate::svaml::{Ace, Context, Ice, Leg, Patch, Pie, Prompt, PromptPart, Svaml};

/// The callback parser that reads with serde alone, from an `io::Read`, so owning every
/// string: independent of the fast reader that `CallbackEvent::parse` tries first.
pub fn callback_parse_with_serde(data: &[u8]) -> Result<CallbackEvent<'static>, ParseError> {
    crate::callbacks::parse_with_serde_reader(data)
}

/// `CallbackEvent::parse` (fast reader, then serde), `parse_owned` and the serde-only reader
/// agree (same `Ok`/`Err`, equal values); whatever parses serialises to JSON that parses to
/// an equal event, and serialising is stable.
pub fn callback_parse(data: &[u8]) {
    let borrowed = CallbackEvent::parse(data);
    let owned = CallbackEvent::parse_owned(data);
    let serde = callback_parse_with_serde(data);
    for (name, other) in [("parse_owned", &owned), ("the serde reader", &serde)] {
        match (&borrowed, other) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "parse and {name} read different events"),
            (Err(a), Err(b)) => assert_eq!(a, b, "parse and {name} refuse differently"),
            _ => panic!("parse gives {borrowed:?}, {name} gives {other:?}"),
        }
    }
    let Ok(event) = borrowed else { return };
    let _ = (event.name(), event.callid());
    let json = serde_json::to_vec(&event).expect("a parsed event serialises");
    let again = CallbackEvent::parse(&json).unwrap_or_else(|e| {
        panic!(
            "{} does not parse back: {e}",
            String::from_utf8_lossy(&json)
        )
    });
    assert_eq!(
        again, event,
        "parse -> serialise -> parse changed the event"
    );
    let json_again = serde_json::to_vec(&again).expect("a parsed event serialises");
    assert_eq!(
        String::from_utf8_lossy(&json_again),
        String::from_utf8_lossy(&json),
        "serialising is not stable"
    );
}

const KEY: &str = "669E367E-6BBA-48AB-AF15-266871C28135";
const SECRET: &str = "BeIukql3pTKJ8RGL5zo0DA==";
const OLD_SECRET: &str = "c2VjcmV0LWJ5dGVz";

/// The fuzzer's bytes as a request, HTTP-like: `METHOD PATH` on the first line, then
/// `name: value` lines up to an empty line, then the body. An `authorization` value of
/// `@sign` (or `@sign-old`) becomes the genuine signature (with the current or the old
/// secret) over the method, path, first `content-type`, first `x-timestamp` and body.
///
/// Properties: `Verifier::verify` (an `http::HeaderMap`) and `Verifier::verify_pairs` (string
/// pairs) give the same answer, with and without the timestamp check; a genuinely signed
/// request is never refused for its signature, key or scheme; a verified request stops
/// verifying when one byte is added to its body; nothing panics.
pub fn callback_verify(data: &[u8]) {
    let _ = verify_outcomes(data);
}

/// [`callback_verify`], giving the answers of the timed and the untimed verifier.
fn verify_outcomes(data: &[u8]) -> [Result<(), VerifyError>; 2] {
    let request = Request::read(data);
    let now = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .expect("a valid timestamp")
        .to_utc();
    let credentials = Credentials::new(KEY, SECRET).expect("valid test credentials");
    let old = Credentials::new(KEY, OLD_SECRET).expect("valid test credentials");
    let timed = Verifier::new(&credentials)
        .also_accept(OLD_SECRET)
        .expect("a valid secret")
        .tolerance(Some(Duration::from_secs(300)))
        .clock(move || now);
    let untimed = timed.clone().tolerance(None);

    // The headers both forms can carry, with `@sign` replaced.
    let first = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    let mut signed = false;
    let headers: Vec<(String, Vec<u8>)> = request
        .headers
        .iter()
        .map(|(name, value)| {
            let which = match value.as_slice() {
                b"@sign" => Some(&credentials),
                b"@sign-old" => Some(&old),
                _ => None,
            };
            match which {
                Some(secret) if name.trim().eq_ignore_ascii_case("authorization") => {
                    signed = true;
                    let content_type = first("content-type");
                    let timestamp = first("x-timestamp").unwrap_or_default();
                    let signature = sign(
                        secret,
                        &SigningInput {
                            method: &request.method,
                            path: &request.path,
                            content_type: content_type.as_deref(),
                            body: Some(&request.body),
                            timestamp: &timestamp,
                        },
                    );
                    (name.clone(), signature.authorization.into_bytes())
                }
                _ => (name.clone(), value.clone()),
            }
        })
        .collect();

    // Every pair as text (not UTF-8 becomes U+FFFD): no panic, whatever the headers.
    let lossy: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    for verifier in [&timed, &untimed] {
        let _ = verifier.verify_pairs(&request.method, &request.path, lossy.clone(), &request.body);
    }

    // Those an http::HeaderMap can hold, through both forms.
    let mut map = http::HeaderMap::new();
    let mut pairs = Vec::new();
    for (name, value) in &headers {
        let (Ok(header_name), Ok(header_value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value),
        ) else {
            continue;
        };
        map.append(header_name, header_value);
        pairs.push((name.clone(), String::from_utf8_lossy(value).into_owned()));
    }
    // A signature whose headers a HeaderMap cannot hold proves nothing below.
    let signed = signed && pairs.len() == headers.len();
    [&timed, &untimed].map(|verifier| {
        let from_map = verifier.verify(&request.method, &request.path, &map, &request.body);
        let from_pairs =
            verifier.verify_pairs(&request.method, &request.path, pairs.clone(), &request.body);
        assert_eq!(
            from_map, from_pairs,
            "verify (HeaderMap) and verify_pairs disagree"
        );
        if signed {
            assert!(
                !matches!(
                    from_map,
                    Err(VerifyError::BadSignature
                        | VerifyError::UnknownKey
                        | VerifyError::BadScheme(_))
                ),
                "a genuine signature is refused: {from_map:?}"
            );
        }
        if from_map.is_ok() {
            let mut tampered = request.body.clone();
            tampered.push(b' ');
            assert_eq!(
                verifier.verify(&request.method, &request.path, &map, &tampered),
                Err(VerifyError::BadSignature),
                "a body with one byte more still verifies"
            );
        }
        from_map
    })
}

/// A request read from fuzzer bytes (see [`callback_verify`]).
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Request {
    fn read(data: &[u8]) -> Request {
        let mut rest = data;
        let mut line = || {
            let end = rest.iter().position(|&b| b == b'\n');
            let (line, after) = match end {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &[][..]),
            };
            rest = after;
            line
        };
        let request_line = String::from_utf8_lossy(line()).into_owned();
        let (method, path) = request_line.split_once(' ').unwrap_or((&request_line, "/"));
        let (method, path) = (method.to_string(), path.to_string());
        let mut headers = Vec::new();
        loop {
            let header = line();
            if header.is_empty() {
                break;
            }
            let (name, value) = match header.iter().position(|&b| b == b':') {
                Some(i) => (&header[..i], &header[i + 1..]),
                None => (header, &[][..]),
            };
            let value = value.strip_prefix(b" ").unwrap_or(value);
            headers.push((String::from_utf8_lossy(name).into_owned(), value.to_vec()));
        }
        Request {
            method,
            path,
            headers,
            body: rest.to_vec(),
        }
    }
}

/// For each context (ICE, ACE, PIE, PATCH, leg): when `Svaml::<C>::parse` accepts the bytes,
/// its canonical JSON parses again to an equal document with the same JSON, `write_json`
/// writes the same bytes, and a refusal names at least one issue.
pub fn svaml_parse(data: &[u8]) {
    round_trip::<Ice>(data);
    round_trip::<Ace>(data);
    round_trip::<Pie>(data);
    round_trip::<Patch>(data);
    round_trip::<Leg>(data);
}

fn round_trip<C: Context>(data: &[u8]) {
    let document = match Svaml::<C>::parse(data) {
        Ok(document) => document,
        Err(e) => {
            assert!(
                !e.issues.is_empty(),
                "{}: a refusal without an issue",
                C::NAME
            );
            return;
        }
    };
    let json = document.to_json();
    let mut written = Vec::new();
    document.write_json(&mut written);
    assert_eq!(
        written,
        json.as_bytes(),
        "{}: write_json != to_json",
        C::NAME
    );
    let again = Svaml::<C>::parse(json.as_bytes())
        .unwrap_or_else(|e| panic!("{}: {json} does not parse back: {e}", C::NAME));
    assert_eq!(again, document, "{}: {json} parses back different", C::NAME);
    assert_eq!(
        again.to_json(),
        json,
        "{}: canonical JSON is not stable",
        C::NAME
    );
}

/// The prompt mini-language (`#tts[..]`, `#ssml[..]`, `#href[..]`, file ids, `;` chains).
///
/// On the bytes as text: `split_chain` parts joined by `;` give the text back and each part
/// splits into itself; `check_prompt` accepts a part under a limit whenever it accepts it
/// under a smaller one. Then the bytes, cut at `\x01`, become a chain of parts (first
/// character `t` TTS, `s` SSML, `h` href, `f` file id, else TTS) kept free of what each kind
/// documents as unusable: rendered, the chain splits into exactly its parts, each within the
/// limit accepted by `check_prompt`; `into_parts` gives one accepted string per part. A string
/// in prompt syntax keeps its verdict when read as a prompt.
pub fn prompt(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let limit = data.first().map_or(0, |&b| usize::from(b) * 4);
    let parts: Vec<&str> = prompt_checks::split_chain(&text).collect();
    assert_eq!(parts.join(";"), text, "split_chain lost or added text");
    for part in &parts {
        let again: Vec<&str> = prompt_checks::split_chain(part).collect();
        assert_eq!(&again, &[*part], "a part of a chain splits again");
        let _ = prompt_checks::is_spoken(part);
        if prompt_checks::check_prompt(part, limit).is_none() {
            assert!(
                prompt_checks::check_prompt(part, limit + 1).is_none()
                    && prompt_checks::check_prompt(part, usize::MAX).is_none(),
                "{part:?} accepted under {limit} characters but not under more"
            );
        }
    }

    // A string in prompt syntax is kept as written: what checking says of it stays true.
    let read = Prompt::from(&*text);
    let plain = read.parts().eq([&PromptPart::Tts(text.clone())]);
    if !plain {
        let read = read.render();
        assert_eq!(
            prompt_checks::field_problems(&read, MAX_TTS_CHARS).is_empty(),
            prompt_checks::field_problems(&text, MAX_TTS_CHARS).is_empty(),
            "{text:?} read as {read:?} changed its verdict"
        );
    }

    let mut chain: Option<Prompt<'_>> = None;
    let mut count = 0;
    let mut fits = true;
    for segment in text.split('\u{1}') {
        let mut chars = segment.chars();
        let kind = chars.next();
        let body = chars.as_str();
        let keep = |forbidden: &[char]| body.replace(forbidden, "");
        let part = match kind {
            Some('s') => Prompt::ssml(keep(&['[', ']'])),
            Some('h') => Prompt::href(keep(&['[', ']'])),
            // A file id is played as it is: it cannot hold the chain's syntax.
            Some('f') => Prompt::file(keep(&['[', ']', ';', '#'])),
            // TTS text is sent unchanged: brackets, and `;` in a chain, are refused, not edited.
            _ => Prompt::tts(segment.replace(['[', ']', ';'], "")),
        };
        fits &= segment.chars().count() <= MAX_TTS_CHARS;
        count += 1;
        chain = Some(match chain {
            None => part,
            Some(chain) => chain.then(part),
        });
    }
    let chain = chain.expect("split gives at least one segment");
    let rendered = chain.clone().render();
    let split: Vec<&str> = prompt_checks::split_chain(&rendered).collect();
    assert_eq!(
        split.len(),
        count,
        "{rendered:?} does not split into its {count} parts"
    );
    if fits {
        for part in &split {
            assert_eq!(
                prompt_checks::check_prompt(part, MAX_TTS_CHARS),
                None,
                "{part:?} of {rendered:?} is refused"
            );
        }
    }
    let strings = chain.into_parts();
    assert_eq!(strings.len(), count, "into_parts lost or added a part");
    if fits {
        for part in &strings {
            assert_eq!(
                prompt_checks::check_prompt(part, MAX_TTS_CHARS),
                None,
                "{part:?} of into_parts is refused"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The harness is not vacuous: a request it signs verifies, through both forms.
    #[test]
    fn signed_requests_verify() {
        let data = b"POST /sinch/callback\nContent-Type: application/json\nx-timestamp: 2024-01-01T00:01:00Z\nauthorization: @sign-old\n\n{\"event\":\"ace\"}";
        let request = Request::read(data);
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/sinch/callback");
        assert_eq!(request.headers.len(), 3);
        assert_eq!(request.body, b"{\"event\":\"ace\"}");
        let credentials = Credentials::new(KEY, OLD_SECRET).unwrap();
        let signature = sign(
            &credentials,
            &SigningInput {
                method: "POST",
                path: "/sinch/callback",
                content_type: Some("application/json"),
                body: Some(&request.body),
                timestamp: "2024-01-01T00:01:00Z",
            },
        );
        let verifier = Verifier::new(&Credentials::new(KEY, SECRET).unwrap())
            .also_accept(OLD_SECRET)
            .unwrap()
            .tolerance(None);
        let headers = [
            ("content-type", "application/json"),
            ("x-timestamp", "2024-01-01T00:01:00Z"),
            ("authorization", signature.authorization.as_str()),
        ];
        assert_eq!(
            verifier.verify_pairs("POST", "/sinch/callback", headers, &request.body),
            Ok(())
        );
        assert_eq!(verify_outcomes(data), [Ok(()), Ok(())]);
        let stale =
            String::from_utf8_lossy(data).replace("2024-01-01T00:01:00Z", "2023-12-31T23:00:00Z");
        let [timed, untimed] = verify_outcomes(stale.as_bytes());
        assert!(matches!(timed, Err(VerifyError::Stale { .. })), "{timed:?}");
        assert_eq!(untimed, Ok(()));
    }
}
