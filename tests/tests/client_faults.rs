//! The `sinch-voice` client against servers on 127.0.0.1 that misbehave on purpose: error
//! statuses, dropped connections, stalls, truncated and oversized bodies, garbage that is
//! not HTTP at all. Each test checks what the caller gets (the `Error` variant and its
//! "may have been sent" answer) and how many requests the server saw (retries).
//!
//! The servers are hand-written on a `TcpListener` so a response can be cut, withheld or
//! malformed byte by byte. Each connection serves one request and closes, so every attempt
//! of the client is one connection and one counted hit.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sinch_voice::{BudgetSettings, CallId, Client, Credentials, Error, RetryPolicy, TimeoutScope};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------
// The fault server.
// ---------------------------------------------------------------------------------------

/// What the server does with a request once it has read it whole.
enum Reply {
    /// Write these bytes (whatever they are), then close.
    Send(Vec<u8>),
    /// Close without a byte of answer.
    Drop,
    /// Keep the connection open and never answer (until the client leaves).
    Stall,
}

struct FaultServer {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl FaultServer {
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Starts a server whose answer to the n-th request (0-based) is `reply(n)`.
async fn fault_server(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> FaultServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let reply = Arc::new(reply);
    let counter = Arc::clone(&hits);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (reply, counter) = (Arc::clone(&reply), Arc::clone(&counter));
            tokio::spawn(async move {
                if read_request(&socket).await.is_err() {
                    return;
                }
                let n = counter.fetch_add(1, Ordering::SeqCst);
                match reply(n) {
                    // Errors are expected: the client may stop reading (size limit).
                    Reply::Send(bytes) => drop(write_all(&socket, &bytes).await),
                    Reply::Drop => {}
                    Reply::Stall => wait_for_close(&socket).await,
                }
            });
        }
    });
    FaultServer { url, hits }
}

/// The same answer to every request.
async fn always(bytes: Vec<u8>) -> FaultServer {
    fault_server(move |_| Reply::Send(bytes.clone())).await
}

/// Reads one request: the head, then `Content-Length` bytes of body. The whole request is
/// read before answering so that closing the socket never resets it (unread input makes
/// the kernel send RST, which could destroy the answer in flight).
async fn read_request(socket: &TcpStream) -> io::Result<()> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = read_some(socket, &mut buf).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap_or(0));
    while data.len() < head_end + length {
        let n = read_some(socket, &mut buf).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

/// Waits until the client closes its side (or anything fails).
async fn wait_for_close(socket: &TcpStream) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = read_some(socket, &mut buf).await {
        if n == 0 {
            return;
        }
    }
}

// Plain readiness-based I/O: it needs only tokio's `net` feature.
async fn read_some(socket: &TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        socket.readable().await?;
        match socket.try_read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            other => return other,
        }
    }
}

async fn write_all(socket: &TcpStream, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        socket.writable().await?;
        match socket.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A well-formed HTTP/1.1 answer with a `Content-Length`, closing the connection.
fn http(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json(status: &str, body: &str) -> Vec<u8> {
    http(
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

const UNAVAILABLE: &str = "503 Service Unavailable";
const CALL_JSON: &str = r#"{"callId":"abc","status":"FINAL"}"#;

// ---------------------------------------------------------------------------------------
// Clients.
// ---------------------------------------------------------------------------------------

/// Up to `max_attempts` attempts with millisecond backoffs, so retries cost no time.
fn retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn builder(url: &str, retry: RetryPolicy) -> sinch_voice::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new("key", "c2VjcmV0LWJ5dGVz").unwrap())
        .calling_url(url)
        .configuration_url(url)
        .retry_policy(retry)
}

fn client(url: &str, retry: RetryPolicy) -> Client {
    builder(url, retry).build().unwrap()
}

/// A port on 127.0.0.1 where nothing listens: bound, then released.
async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

async fn tts_callout(client: &Client) -> Result<CallId, Error> {
    client
        .tts_callout("+46701234567", "+14045001000", "hi")
        .await
}

// ---------------------------------------------------------------------------------------
// 1-2. Retries of a GET.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_get_is_retried_through_503s_until_it_succeeds() {
    let server = fault_server(|n| match n {
        0 | 1 => Reply::Send(json(UNAVAILABLE, "{}")),
        _ => Reply::Send(json("200 OK", CALL_JSON)),
    })
    .await;
    let call = client(&server.url, retries(4))
        .get_call("abc")
        .await
        .unwrap();
    assert_eq!(call.call_id.as_deref(), Some("abc"));
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let server = fault_server(|n| match n {
        0 => Reply::Send(http("429 Too Many Requests", &[("Retry-After", "1")], b"")),
        _ => Reply::Send(json("200 OK", CALL_JSON)),
    })
    .await;
    let started = Instant::now();
    let call = client(&server.url, retries(3))
        .get_call("abc")
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(call.call_id.as_deref(), Some("abc"));
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(server.hits(), 2);
}

// ---------------------------------------------------------------------------------------
// 3. A callout is never sent twice.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_callout_whose_connection_drops_is_not_retried() {
    let server = fault_server(|_| Reply::Drop).await;
    let err = tts_callout(&client(&server.url, retries(5)))
        .await
        .unwrap_err();
    println!("{err}");
    assert!(err.may_have_been_sent(), "{err:?}");
    assert!(!matches!(err, Error::NotSent { .. }), "{err:?}");
    // Time for a wrongful retry to arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_callout_answered_503_is_not_retried() {
    let server = always(json(UNAVAILABLE, "{}")).await;
    let err = tts_callout(&client(&server.url, retries(5)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    assert!(err.may_have_been_sent());
    assert_eq!(server.hits(), 1);
}

// ---------------------------------------------------------------------------------------
// 4. Connection refused: nothing was sent, so everything may be retried.
// ---------------------------------------------------------------------------------------

/// Retries are proved through the shared budget: with two tokens, two retries to the dead
/// port leave none, so a later operation against a 503 server is not retried at all.
fn two_token_budget() -> RetryPolicy {
    RetryPolicy {
        budget: BudgetSettings {
            initial_tokens: 2.0,
            max_tokens: 2.0,
            deposit_per_request: 0.0,
        },
        ..retries(3)
    }
}

#[tokio::test]
async fn a_refused_get_is_retried_and_reported_as_not_sent() {
    let unavailable = always(json(UNAVAILABLE, "{}")).await;
    let client = builder(&refused_url().await, two_token_budget())
        .configuration_url(&unavailable.url)
        .build()
        .unwrap();
    let err = client.get_call("abc").await.unwrap_err();
    println!("{err}");
    assert!(matches!(err, Error::NotSent { .. }), "{err:?}");
    assert!(!err.may_have_been_sent());
    assert!(err.is_retryable());
    let message = err.to_string();
    assert!(
        message.contains("get_call") && message.contains("not sent"),
        "{message}"
    );

    // Both tokens went to retrying the refused GET.
    client.list_numbers().await.unwrap_err();
    assert_eq!(unavailable.hits(), 1);
}

#[tokio::test]
async fn a_refused_callout_is_retried() {
    let unavailable = always(json(UNAVAILABLE, "{}")).await;
    let client = builder(&refused_url().await, two_token_budget())
        .configuration_url(&unavailable.url)
        .build()
        .unwrap();
    let err = tts_callout(&client).await.unwrap_err();
    assert!(matches!(err, Error::NotSent { .. }), "{err:?}");
    assert!(!err.may_have_been_sent());

    client.list_numbers().await.unwrap_err();
    assert_eq!(unavailable.hits(), 1, "the refused callout was not retried");
}

// ---------------------------------------------------------------------------------------
// 5. A server that never answers.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_stalled_attempt_times_out() {
    let server = fault_server(|_| Reply::Stall).await;
    let client = builder(&server.url, RetryPolicy::none())
        .attempt_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_call("abc").await.unwrap_err();
    let elapsed = started.elapsed();
    println!("{err} after {elapsed:?}");
    assert!(
        matches!(
            err,
            Error::Timeout {
                scope: TimeoutScope::Attempt,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_been_sent());
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn the_overall_timeout_bounds_all_attempts() {
    let server = fault_server(|_| Reply::Stall).await;
    let client = builder(&server.url, retries(10))
        .attempt_timeout(Some(Duration::from_millis(200)))
        .overall_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_call("abc").await.unwrap_err();
    let elapsed = started.elapsed();
    println!("{err} after {elapsed:?}, {} attempts", server.hits());
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    // Stalled attempts were retried while the overall time lasted.
    assert!(server.hits() >= 2, "{} attempts", server.hits());
}

// ---------------------------------------------------------------------------------------
// 6. Bodies that do not decode: the error names the field.
// ---------------------------------------------------------------------------------------

fn expect_decode(err: &Error) -> &str {
    println!("{err}");
    match err {
        Error::Decode { path, .. } => path,
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let mut cut = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n".to_vec();
    cut.extend_from_slice(br#"{"callId":"abc","sta"#);
    let server = always(cut).await;
    let err = client(&server.url, retries(3))
        .get_call("abc")
        .await
        .unwrap_err();
    expect_decode(&err);
    assert!(
        matches!(
            err,
            Error::Decode {
                truncated: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_been_sent());
    // A body cut short is a transport failure: a GET is retried.
    assert!(err.is_retryable());
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let server = always(json("200 OK", r#"{"callId": "abc",}"#)).await;
    let err = client(&server.url, retries(3))
        .get_call("abc")
        .await
        .unwrap_err();
    // A syntax error has no field to name: the path is the root, never a placeholder.
    assert_eq!(expect_decode(&err), "");
    assert!(!err.to_string().contains('?'), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_wrongly_typed_field_is_named_by_its_path() {
    let server = always(json(
        "200 OK",
        r#"{"participants":[{"id":"x","duration":"long"}]}"#,
    ))
    .await;
    let err = client(&server.url, retries(3))
        .get_conference("room")
        .await
        .unwrap_err();
    let path = expect_decode(&err);
    assert!(path.contains("participants[0].duration"), "{path:?}");
    assert!(
        err.to_string().contains("participants[0].duration"),
        "{err}"
    );
}

#[tokio::test]
async fn a_wrongly_typed_list_is_named_by_its_path() {
    let server = always(json("200 OK", r#"{"numbers": 5}"#)).await;
    let err = client(&server.url, retries(3))
        .list_numbers()
        .await
        .unwrap_err();
    assert_eq!(expect_decode(&err), "numbers");
}

// ---------------------------------------------------------------------------------------
// 7. Oversized bodies.
// ---------------------------------------------------------------------------------------

/// A JSON string of 10 MiB.
fn ten_mib_json() -> Vec<u8> {
    let mut body = Vec::with_capacity(10 << 20);
    body.extend_from_slice(br#"{"callId":""#);
    body.resize((10 << 20) - 2, b'x');
    body.extend_from_slice(br#""}"#);
    body
}

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for chunk in body.chunks(64 << 10) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// No length at all: the body ends when the connection closes.
fn close_delimited(body: &[u8]) -> Vec<u8> {
    let mut out =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_vec();
    out.extend_from_slice(body);
    out
}

#[tokio::test]
async fn a_10_mib_body_is_refused_with_or_without_a_length() {
    let body = ten_mib_json();
    let answers = [
        (
            "content-length",
            json("200 OK", std::str::from_utf8(&body).unwrap()),
        ),
        ("chunked", chunked(&body)),
        ("close-delimited", close_delimited(&body)),
    ];
    for (framing, answer) in answers {
        let server = always(answer).await;
        let started = Instant::now();
        let outcome = tokio::time::timeout(
            Duration::from_secs(10),
            client(&server.url, retries(3)).get_call("abc"),
        )
        .await
        .unwrap_or_else(|_| panic!("{framing}: the client hung"));
        println!("{framing}: {:?}", started.elapsed());
        let err = outcome.unwrap_err();
        assert!(
            matches!(
                err,
                Error::ResponseTooLarge {
                    limit: sinch_voice::DEFAULT_MAX_RESPONSE_BYTES,
                    status: 200,
                    ..
                }
            ),
            "{framing}: {err:?}"
        );
        assert_eq!(server.hits(), 1, "{framing}");
    }
}

// ---------------------------------------------------------------------------------------
// 8. Error statuses and the retry budget.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_404_is_reported_in_full_and_not_retried() {
    let body = r#"{"errorCode":40400,"message":"Call not found","reference":"r-1"}"#;
    let server = always(json("404 Not Found", body)).await;
    let err = client(&server.url, retries(3))
        .get_call("abc")
        .await
        .unwrap_err();
    println!("{err}");
    let api = err.api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status(), 404);
    assert_eq!(api.code(), Some(40400));
    assert_eq!(api.message(), Some("Call not found"));
    assert_eq!(api.reference(), Some("r-1"));
    assert_eq!(api.body().as_ref(), body.as_bytes());
    assert!(!err.is_retryable());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_502_html_page_keeps_its_body() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = always(http(
        "502 Bad Gateway",
        &[("Content-Type", "text/html")],
        page.as_bytes(),
    ))
    .await;
    let err = client(&server.url, RetryPolicy::none())
        .get_call("abc")
        .await
        .unwrap_err();
    println!("{err}");
    let api = err.api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status(), 502);
    assert_eq!(api.body().as_ref(), page.as_bytes());
    assert_eq!(api.code(), None);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_500_is_retried_up_to_max_attempts() {
    let server = always(json("500 Internal Server Error", "{}")).await;
    let err = client(&server.url, retries(3))
        .get_call("abc")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn the_retry_budget_stops_retries_when_spent() {
    let server = always(json(UNAVAILABLE, "{}")).await;
    let one_token = RetryPolicy {
        budget: BudgetSettings {
            initial_tokens: 1.0,
            max_tokens: 1.0,
            deposit_per_request: 0.0,
        },
        ..retries(5)
    };
    let client = client(&server.url, one_token);
    client.get_call("abc").await.unwrap_err();
    assert_eq!(server.hits(), 2, "one retry with the one token");
    client.get_call("abc").await.unwrap_err();
    assert_eq!(server.hits(), 3, "no retry with the budget spent");
}

// ---------------------------------------------------------------------------------------
// 9. Garbage: an error, never a panic or a hang.
// ---------------------------------------------------------------------------------------

fn garbage() -> Vec<(&'static str, Vec<u8>)> {
    let mut huge_header = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
    huge_header.resize(huge_header.len() + (1 << 20), b'a');
    huge_header.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
    vec![
        ("not HTTP", b"hello\r\n\r\n".to_vec()),
        ("status line only", b"HTTP/1.1 200 OK\r\n".to_vec()),
        (
            "status line, empty head",
            b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),
        ),
        ("huge header", huge_header),
        (
            "invalid chunked encoding",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
                .to_vec(),
        ),
        (
            "conflicting lengths",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}".to_vec(),
        ),
        (
            "non-numeric length",
            b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}".to_vec(),
        ),
        (
            "status 999",
            b"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
        ("binary", (0u8..=255).cycle().take(4096).collect()),
    ]
}

#[tokio::test]
async fn garbage_answers_are_errors() {
    for (name, answer) in garbage() {
        let server = always(answer).await;
        let outcome = tokio::time::timeout(
            Duration::from_secs(5),
            client(&server.url, retries(2)).get_call("abc"),
        )
        .await
        .unwrap_or_else(|_| panic!("{name}: the client hung"));
        match outcome {
            Ok(call) => panic!("{name}: accepted as {call:?}"),
            Err(err) => println!("{name}: {err}"),
        }
    }
}
