//! What an `Error` carries: the cause chain down to the operating system's error, the
//! response headers and body of an API error (and a `Debug` that does not print a megabyte),
//! and a `Retry-After` of any size handled without a panic.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Response, StatusCode};
use sinch_voice::{Client, Credentials, Error, RetryPolicy};

/// A server on 127.0.0.1 that answers every request with `status`, `headers` and `body`.
struct Server {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl Server {
    async fn start(status: u16, headers: &[(&str, &str)], body: Vec<u8>) -> Server {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let app = axum::Router::new().fallback(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut response = Response::builder().status(StatusCode::from_u16(status).unwrap());
            for (name, value) in &headers {
                response = response.header(name, value);
            }
            let response = response.body(Body::from(body.clone())).unwrap();
            async move { response }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server { url, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn builder(url: &str) -> sinch_voice::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new("key", "c2VjcmV0LWJ5dGVz").unwrap())
        .calling_url(url)
        .configuration_url(url)
}

/// Quick retries, so that a test that retries wrongly fails by its hit count, not by time.
fn retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

/// The error's sources, outermost first.
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = error.source();
    while let Some(e) = next {
        out.push(e);
        next = e.source();
    }
    out
}

// ---------------------------------------------------------------------------------------
// The cause chain.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_refused_connection_chains_down_to_the_io_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = builder(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let err = client.get_call("abc").await.unwrap_err();
    assert!(matches!(err, Error::NotSent { .. }), "{err:?}");
    let sources = chain(&err);
    assert!(
        sources.first().is_some_and(|e| e.is::<reqwest::Error>()),
        "the first source is the reqwest error: {err:?}"
    );
    let io = sources
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| {
            panic!(
                "no std::io::Error in the chain of {err:?}: {:?}",
                sources.iter().map(|e| e.to_string()).collect::<Vec<_>>()
            )
        });
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused, "{io:?}");

    // The summary names the operation and where it could not connect, and leaves the
    // details to the chain instead of repeating them.
    let text = err.to_string();
    assert!(
        text.contains("get_call") && text.contains("not sent"),
        "{text}"
    );
    assert!(text.contains(url.trim_start_matches("http://")), "{text}");
    assert!(!text.contains(&io.to_string()), "{text}");
}

#[tokio::test]
async fn a_dropped_connection_keeps_its_cause() {
    // Accepts, reads a little, and closes without an answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            socket.readable().await.unwrap();
            let _ = socket.try_read(&mut buf);
            drop(socket);
        }
    });
    let client = builder(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .tts_callout("+46701234567", "+14045001000", "hi")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NoAnswer { .. }), "{err:?}");
    assert!(err.may_have_been_sent());
    assert!(
        chain(&err)
            .first()
            .is_some_and(|e| e.is::<reqwest::Error>()),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Retry-After of any size.
// ---------------------------------------------------------------------------------------

const FOREVER: &str = "18446744073709551615";

/// A 429 asking for `retry_after`, with a client that honours any wait (`max_retry_after`
/// unbounded) under `overall`: the 429 comes back at once, without a panic or a wait.
async fn huge_retry_after(retry_after: &str, overall: Option<Duration>) {
    let server = Server::start(
        429,
        &[
            ("Retry-After", retry_after),
            ("content-type", "application/json"),
        ],
        br#"{"errorCode":42900,"message":"Too many requests"}"#.to_vec(),
    )
    .await;
    let client = builder(&server.url)
        .retry_policy(RetryPolicy {
            max_retry_after: Duration::MAX,
            ..retries(3)
        })
        .overall_timeout(overall)
        .build()
        .unwrap();
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(10), client.get_call("abc")).await;
    let err = outcome
        .unwrap_or_else(|_| panic!("Retry-After {retry_after}, overall {overall:?}: still waiting"))
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let api = err.api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status(), 429);
    assert!(
        api.retry_after()
            .is_some_and(|d| d > Duration::from_secs(3600))
    );
    assert_eq!(server.hits(), 1, "not retried");
}

#[tokio::test]
async fn a_retry_after_of_u64_max_seconds_is_an_error_not_a_panic() {
    huge_retry_after(FOREVER, Some(Duration::from_secs(90))).await;
}

#[tokio::test]
async fn a_retry_after_of_u64_max_seconds_without_a_deadline_is_not_waited_for() {
    huge_retry_after(FOREVER, None).await;
}

#[tokio::test]
async fn an_overall_timeout_of_duration_max_does_not_overflow() {
    huge_retry_after(FOREVER, Some(Duration::MAX)).await;
}

#[tokio::test]
async fn a_retry_after_beyond_u64_seconds_is_an_error_not_a_panic() {
    huge_retry_after("99999999999999999999999999", Some(Duration::from_secs(90))).await;
}

#[tokio::test]
async fn a_retry_after_date_far_in_the_future_is_an_error() {
    huge_retry_after(
        "Fri, 31 Dec 9999 23:59:59 GMT",
        Some(Duration::from_secs(90)),
    )
    .await;
}

#[tokio::test]
async fn a_short_retry_after_is_still_honoured() {
    let server = Server::start(429, &[("Retry-After", "0")], Vec::new()).await;
    let client = builder(&server.url)
        .retry_policy(RetryPolicy {
            max_retry_after: Duration::MAX,
            ..retries(3)
        })
        .build()
        .unwrap();
    let err = client.get_call("abc").await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err:?}");
    assert_eq!(server.hits(), 3, "retried until max_attempts");
}

// ---------------------------------------------------------------------------------------
// ApiError: headers, body, Debug.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_api_error_keeps_the_response_headers() {
    // Sinch's JSON error body (the raw client parses it) and a proxy's HTML page (it does
    // not): both keep every header and the exact body.
    let json = br#"{"errorCode":40400,"message":"Call not found","reference":"r-9"}"#.to_vec();
    let html = b"<html><h1>503 Service Unavailable</h1></html>".to_vec();
    for (status, content_type, body) in [(404, "application/json", json), (503, "text/html", html)]
    {
        let server = Server::start(
            status,
            &[
                ("content-type", content_type),
                ("x-request-id", "req-4711"),
                ("retry-after", "7"),
            ],
            body.clone(),
        )
        .await;
        let err = builder(&server.url)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
            .get_call("abc")
            .await
            .unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(api.status(), status);
        assert_eq!(api.operation(), "get_call");
        assert_eq!(api.headers()["x-request-id"], "req-4711", "{status}");
        assert_eq!(api.headers()["content-type"], content_type, "{status}");
        assert_eq!(api.retry_after(), Some(Duration::from_secs(7)), "{status}");
        assert_eq!(api.body().as_ref(), body.as_slice(), "{status}");
        if status == 404 {
            assert_eq!(api.code(), Some(40400));
            assert_eq!(api.message(), Some("Call not found"));
            assert_eq!(api.reference(), Some("r-9"));
        } else {
            assert_eq!(api.code(), None);
            assert_eq!(api.message(), None);
        }
    }
}

#[tokio::test]
async fn api_error_debug_cuts_a_1_mib_body() {
    let mut body = br#"{"errorCode":50000,"message":""#.to_vec();
    body.resize((1 << 20) - 2, b'x');
    body.extend_from_slice(br#""}"#);
    let server = Server::start(500, &[("content-type", "application/json")], body.clone()).await;
    let err = builder(&server.url)
        .retry_policy(RetryPolicy::none())
        .max_response_bytes(2 << 20)
        .build()
        .unwrap()
        .get_call("abc")
        .await
        .unwrap_err();
    let api = err
        .api()
        .unwrap_or_else(|| panic!("{:.300}", format!("{err:?}")));
    assert_eq!(api.body().len(), 1 << 20, "the body itself is whole");
    assert_eq!(
        api.message().map(str::len),
        Some((1 << 20) - 32),
        "and the message"
    );
    assert!(err.to_string().len() < 1024, "Display is one short line");

    for debug in [format!("{api:?}"), format!("{err:?}")] {
        assert!(
            debug.len() < 4096,
            "Debug is {} bytes: {}…",
            debug.len(),
            &debug[..200]
        );
        assert!(debug.contains("… (1048576 bytes)"), "{debug}");
        assert!(
            debug.contains(&format!("… ({} bytes)", (1 << 20) - 32)),
            "the message is cut too: {debug}"
        );
        assert!(
            debug.contains("errorCode"),
            "the start of the body is shown: {debug}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The raw client, with the same hooks, keeps its own shape of errors.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_raw_client_still_sees_error_responses() {
    let server = Server::start(
        404,
        &[("content-type", "application/json")],
        br#"{"errorCode":40400,"message":"Call not found"}"#.to_vec(),
    )
    .await;
    let client = builder(&server.url).build().unwrap();
    let result = client.raw_calling().get_call().call_id("abc").send().await;
    match result {
        Err(sinch_voice::raw::Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 404);
            assert!(
                matches!(
                    response.error_code,
                    Some(sinch_voice::ErrorCode::Integer(40400))
                ),
                "{response:?}"
            );
        }
        other => panic!("expected ErrorResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_too_large_body_through_the_raw_client_is_an_error_naming_the_limit() {
    let server = Server::start(
        200,
        &[("content-type", "application/json")],
        vec![b' '; 4096],
    )
    .await;
    let client = builder(&server.url)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let result = client.raw_calling().get_call().call_id("abc").send().await;
    match result {
        Err(sinch_voice::raw::Error::CommunicationError(error)) => {
            let text: Vec<String> = chain(&error).iter().map(|e| e.to_string()).collect();
            assert!(
                text.iter().any(|t| t.contains("limit of 1024 bytes")),
                "{text:?}"
            );
        }
        other => panic!("expected CommunicationError, got {other:?}"),
    }
}
