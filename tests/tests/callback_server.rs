//! `sinch_voice::callbacks::CallbackRouter` served for real by `axum::serve` on 127.0.0.1,
//! driven over the wire by reqwest and, where reqwest cannot misbehave enough, raw TCP.
//!
//! The verifier's clock is pinned to `FIXED_NOW` and every request is signed with
//! `SignedCallback::at` a time relative to it, so the tests do not depend on the wall
//! clock. The handler counts calls per event and records call ids; every refusal is checked
//! against those counters (the handler must never see a refused request).

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sinch_voice::Credentials;
use sinch_voice::callbacks::{
    AceEvent, CallbackHandler, CallbackRouter, DiceEvent, HandlerError, IceEvent, NotifyEvent,
    PieEvent, SignedCallback, Verifier,
};
use sinch_voice::signing::format_timestamp;
use sinch_voice::svaml::{AceResponse, IceResponse, Menu, PieResponse, Prompt, RunMenu};
use tokio::net::TcpStream;

// ---------------------------------------------------------------------------------------
// Test data.
// ---------------------------------------------------------------------------------------

// The made-up credentials of /work/shared/peers/fixtures.json.
const APP_KEY: &str = "5a2b3c4d-1111-2222-3333-444455556666";
const SECRET: &str = "JJSgZ4rNXEOfAhAw5etWWA==";
/// Same key, another (valid base64) secret: a forger who knows the key only.
const OTHER_SECRET: &str = "d3JvbmctZ3Vlc3MtMTIzNA==";
const OTHER_KEY: &str = "99999999-aaaa-bbbb-cccc-dddddddddddd";

const PATH: &str = "/sinch/callback";

/// The verifier's "now".
const FIXED_NOW: &str = "2026-11-25T17:04:05.123Z";

/// The ICE of /work/shared/peers/fixtures.json.
const ICE: &str = r#"{"event":"ice","callid":"4398599d1ba84ef3bde0a82dfb61abed","callResourceUrl":"https://calling-euc1.api.sinch.com/calling/v1/calls/id/4398599d1ba84ef3bde0a82dfb61abed","timestamp":"2026-11-25T17:04:05Z","version":1,"custom":"customData","userRate":{"currencyId":"USD","amount":0.0},"cli":"46708168731","to":{"type":"number","endpoint":"46708168731"},"domain":"pstn","applicationKey":"5a2b3c4d-1111-2222-3333-444455556666","originationType":"pstn","rdnis":"","callHeaders":[{"key":"X-Customer-Id","value":"cust-000123456"},{"key":"X-Campaign","value":"autumn-renewals-2026"},{"key":"X-Trace-Id","value":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},{"key":"X-Route","value":"eu-central-primary"},{"key":"X-Agent-Skill","value":"billing;tier2;swedish"},{"key":"X-Queue","value":"inbound-billing-se"},{"key":"X-Priority","value":"high"},{"key":"X-Session","value":"sess-8f14e45fceea167a5a36dedd4bea2543"},{"key":"X-Locale","value":"sv-SE"}]}"#;
const ICE_CALLID: &str = "4398599d1ba84ef3bde0a82dfb61abed";

/// fixtures/callbacks/ice_pstn.json, with `custom` set to ask the handler for a hangup.
const ICE_HANGUP: &str = r#"{
  "event": "ice",
  "callid": "b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b",
  "callResourceUrl": "https://calling-euc1.api.sinch.com/calling/v1/calls/id/b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b",
  "timestamp": "2025-03-14T09:26:53Z",
  "version": 1,
  "custom": "hangup",
  "userRate": { "currencyId": "EUR", "amount": 0.0 },
  "cli": "46701234567",
  "to": { "type": "did", "endpoint": "+46812345678" },
  "domain": "pstn",
  "applicationKey": "5f2a8c1e-93b4-4d7a-8e21-c0d94b6a7f13",
  "originationType": "PSTN",
  "duration": 0,
  "rdnis": ""
}"#;

/// fixtures/callbacks/ace_plain.json.
const ACE: &str = r#"{
  "event": "ace",
  "callid": "b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b",
  "timestamp": "2025-03-14T09:27:05Z",
  "version": 1,
  "custom": "",
  "applicationKey": "5f2a8c1e-93b4-4d7a-8e21-c0d94b6a7f13"
}"#;

/// fixtures/callbacks/pie_dtmf_return.json.
const PIE: &str = r#"{
  "event": "pie",
  "callid": "b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b",
  "timestamp": "2025-03-14T09:27:19Z",
  "menuResult": { "menuId": "main", "type": "return", "value": "sales", "inputMethod": "dtmf" },
  "version": 1,
  "custom": "",
  "applicationKey": "5f2a8c1e-93b4-4d7a-8e21-c0d94b6a7f13"
}"#;

/// fixtures/callbacks/dice_answered.json.
const DICE: &str = r#"{
  "event": "dice",
  "callid": "b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b",
  "timestamp": "2025-03-14T09:31:44Z",
  "reason": "CALLEEHANGUP",
  "result": "ANSWERED",
  "version": 1,
  "custom": "",
  "debit": { "currencyId": "EUR", "amount": 0.0452 },
  "userRate": { "currencyId": "EUR", "amount": 0.0095 },
  "to": { "type": "number", "endpoint": "+46709876543" },
  "applicationKey": "5f2a8c1e-93b4-4d7a-8e21-c0d94b6a7f13",
  "duration": 279,
  "from": "46701234567"
}"#;

/// fixtures/callbacks/notify_recording_available.json.
const NOTIFY: &str = r#"{
  "event": "notify",
  "callid": "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
  "version": 1,
  "type": "recording_available",
  "destination": "s3://acme-call-recordings/2025/03/14/e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7.mp3"
}"#;

fn credentials() -> Credentials {
    Credentials::new(APP_KEY, SECRET).unwrap()
}

fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(FIXED_NOW)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// An `x-timestamp` this many seconds from the verifier's "now".
fn timestamp(offset_secs: i64) -> String {
    format_timestamp(fixed_now() + chrono::Duration::seconds(offset_secs))
}

/// The verifier's "now", moved by this many seconds.
fn at(offset_secs: i64) -> chrono::DateTime<chrono::Utc> {
    fixed_now() + chrono::Duration::seconds(offset_secs)
}

/// A callback signed for `path` with our credentials, timestamped "now".
fn signed(path: &str, body: impl Into<Vec<u8>>) -> Request<Vec<u8>> {
    SignedCallback::at(&credentials(), path, body, at(0)).into_http()
}

// ---------------------------------------------------------------------------------------
// The handler: counts, records, answers.
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Log {
    ice: AtomicUsize,
    ace: AtomicUsize,
    pie: AtomicUsize,
    dice: AtomicUsize,
    notify: AtomicUsize,
    /// `event:callid` of every call, in arrival order.
    calls: Mutex<Vec<String>>,
}

impl Log {
    fn record(&self, counter: &AtomicUsize, event: &str, callid: &str) {
        counter.fetch_add(1, Ordering::SeqCst);
        self.calls.lock().unwrap().push(format!("{event}:{callid}"));
    }

    /// [ice, ace, pie, dice, notify].
    fn counts(&self) -> [usize; 5] {
        [&self.ice, &self.ace, &self.pie, &self.dice, &self.notify]
            .map(|c| c.load(Ordering::SeqCst))
    }

    fn total(&self) -> usize {
        self.counts().iter().sum()
    }
}

struct Recorder(Arc<Log>);

/// The ICE reply: a greeting naming the call (so concurrent replies are told apart), then a
/// menu, or a hangup when the ICE's `custom` asks for it.
fn ice_reply(callid: &str, hangup: bool) -> IceResponse<'static> {
    let builder = IceResponse::builder().say(format!("Hello {callid}"), "en-US");
    let builder = if hangup {
        builder.hangup()
    } else {
        builder.run_menu(
            RunMenu::new([Menu::new("main")
                .prompt(Prompt::tts("Press 1 for sales, 2 for support."))
                .on_key_return("1", "sales")
                .on_key_return("2", "support")])
            .locale("en-US"),
        )
    };
    builder.build().expect("a valid ICE reply")
}

fn ace_reply() -> AceResponse<'static> {
    AceResponse::builder().proceed().build().unwrap()
}

fn pie_reply() -> PieResponse<'static> {
    PieResponse::builder().hangup().build().unwrap()
}

fn id<'e>(callid: &'e Option<std::borrow::Cow<'_, str>>) -> &'e str {
    callid.as_deref().unwrap_or("")
}

impl CallbackHandler for Recorder {
    async fn on_ice(&self, event: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        self.0.record(&self.0.ice, "ice", id(&event.callid));
        Ok(ice_reply(
            id(&event.callid),
            event.custom.as_deref() == Some("hangup"),
        ))
    }

    async fn on_ace(&self, event: AceEvent<'static>) -> Result<AceResponse<'static>, HandlerError> {
        self.0.record(&self.0.ace, "ace", id(&event.callid));
        Ok(ace_reply())
    }

    async fn on_pie(&self, event: PieEvent<'static>) -> Result<PieResponse<'static>, HandlerError> {
        self.0.record(&self.0.pie, "pie", id(&event.callid));
        Ok(pie_reply())
    }

    async fn on_dice(&self, event: DiceEvent<'static>) -> Result<(), HandlerError> {
        self.0.record(&self.0.dice, "dice", id(&event.callid));
        Ok(())
    }

    async fn on_notify(&self, event: NotifyEvent<'static>) -> Result<(), HandlerError> {
        self.0.record(&self.0.notify, "notify", id(&event.callid));
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The server and the ways of talking to it.
// ---------------------------------------------------------------------------------------

struct Server {
    addr: SocketAddr,
    log: Arc<Log>,
    client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What came back, read whole.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
}

impl Server {
    /// The default router at `PATH`.
    async fn start() -> Server {
        Server::start_with(PATH, |router| router).await
    }

    /// The router served at `path`, configured by `configure`.
    async fn start_with(
        path: &str,
        configure: impl FnOnce(CallbackRouter<Recorder>) -> CallbackRouter<Recorder>,
    ) -> Server {
        let log = Arc::new(Log::default());
        let now = fixed_now();
        let verifier = Verifier::new(&credentials())
            .tolerance(Some(Duration::from_secs(300)))
            .clock(move || now);
        let router =
            configure(CallbackRouter::new(verifier, Recorder(Arc::clone(&log)))).into_router(path);
        // Bound before spawning: connections wait in the backlog until `serve` accepts them.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        let client = sinch_voice::http_client_builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Server {
            addr,
            log,
            client,
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `request` (method, headers and body bytes exactly as signed) to the path it was
    /// built for.
    async fn send(&self, request: Request<Vec<u8>>) -> Reply {
        let path = request.uri().path().to_string();
        self.send_to(&path, request).await
    }

    /// Sends `request` to `path`, whatever path it was signed for.
    async fn send_to(&self, path: &str, request: Request<Vec<u8>>) -> Reply {
        send(&self.client, &self.url(path), request).await
    }
}

async fn send(client: &reqwest::Client, url: &str, request: Request<Vec<u8>>) -> Reply {
    let (parts, body) = request.into_parts();
    let response = client
        .request(parts.method, url)
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.bytes().await.unwrap().to_vec();
    Reply {
        status,
        content_type,
        body,
    }
}

/// The request as HTTP/1.1 bytes with a Content-Length, for the raw-TCP tests.
fn raw_bytes(request: &Request<Vec<u8>>) -> Vec<u8> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method(),
        request.uri().path(),
        request.body().len()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(request.body());
    bytes
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

/// Everything the server sends until it closes (or resets) the connection.
async fn read_to_close(socket: &TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let read = async {
        loop {
            if socket.readable().await.is_err() {
                return;
            }
            match socket.try_read(&mut buf) {
                Ok(0) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(_) => return,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .expect("the server neither answered nor closed within 5 s");
    out
}

/// Writes `bytes` on a fresh connection (concurrently with reading, so an early answer is
/// not lost to a full send buffer) and returns the raw answer.
async fn raw_exchange(addr: SocketAddr, bytes: Vec<u8>) -> String {
    let socket = Arc::new(TcpStream::connect(addr).await.unwrap());
    let writer = {
        let socket = Arc::clone(&socket);
        // The server may answer and close before reading everything: write errors are fine.
        tokio::spawn(async move { drop(write_all(&socket, &bytes).await) })
    };
    let answer = read_to_close(&socket).await;
    writer.abort();
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of a raw HTTP/1.1 answer.
fn raw_status(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 answer: {answer:?}"))
}

/// The body of a raw answer (everything after the head).
fn raw_body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

/// `body` padded with trailing whitespace (still the same valid JSON) to exactly `len` bytes.
fn padded(body: &str, len: usize) -> Vec<u8> {
    assert!(body.len() <= len);
    let mut bytes = body.as_bytes().to_vec();
    bytes.resize(len, b' ');
    bytes
}

/// Asserts a refusal: 401, nothing said, nothing handled.
async fn assert_refused(server: &Server, request: Request<Vec<u8>>, case: &str) {
    let reply = server.send(request).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{case}: {reply:?}");
    assert!(reply.body.is_empty(), "{case}: the 401 says {reply:?}");
    assert_eq!(server.log.total(), 0, "{case}: the handler ran");
}

/// Asserts the server still works: a signed DiCE is handled.
async fn assert_still_serving(server: &Server) {
    let before = server.log.counts()[3];
    let reply = server.send(signed(PATH, DICE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(server.log.counts()[3], before + 1);
}

// ---------------------------------------------------------------------------------------
// Genuine callbacks are handled and answered with the handler's SVAML.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn ice_is_answered_with_the_handlers_svaml() {
    let server = Server::start().await;

    // The menu branch.
    let reply = server.send(signed(PATH, ICE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let expected: Value = serde_json::from_str(&ice_reply(ICE_CALLID, false).to_json()).unwrap();
    assert_eq!(reply.json(), expected);
    // Guard against a vacuous comparison: the reply really is say + runMenu.
    assert_eq!(expected["instructions"][0]["name"], "say");
    assert_eq!(expected["action"]["name"], "runMenu");

    // The hangup branch (the handler reads the event, so it was parsed correctly).
    let reply = server.send(signed(PATH, ICE_HANGUP)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let expected = ice_reply("b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b", true);
    assert_eq!(
        reply.json(),
        serde_json::from_str::<Value>(&expected.to_json()).unwrap()
    );
    assert_eq!(reply.json()["action"], json!({"name": "hangup"}));

    assert_eq!(server.log.counts(), [2, 0, 0, 0, 0]);
    assert_eq!(
        *server.log.calls.lock().unwrap(),
        [
            format!("ice:{ICE_CALLID}"),
            "ice:b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b".to_string()
        ]
    );
}

#[tokio::test]
async fn ace_continues_and_pie_hangs_up() {
    let server = Server::start().await;

    let reply = server.send(signed(PATH, ACE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    assert_eq!(reply.json(), json!({"action": {"name": "continue"}}));

    let reply = server.send(signed(PATH, PIE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    assert_eq!(reply.json(), json!({"action": {"name": "hangup"}}));

    assert_eq!(server.log.counts(), [0, 1, 1, 0, 0]);
}

#[tokio::test]
async fn dice_and_notify_get_an_empty_200_after_the_handler_ran() {
    let server = Server::start().await;

    let reply = server.send(signed(PATH, DICE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert!(reply.body.is_empty(), "{reply:?}");
    assert_eq!(server.log.counts(), [0, 0, 0, 1, 0]);

    let reply = server.send(signed(PATH, NOTIFY)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert!(reply.body.is_empty(), "{reply:?}");
    assert_eq!(server.log.counts(), [0, 0, 0, 1, 1]);
    assert_eq!(
        server.log.calls.lock().unwrap().last().unwrap(),
        "notify:e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"
    );
}

// ---------------------------------------------------------------------------------------
// Not genuine: 401, an empty body, the handler untouched.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_body_changed_after_signing_is_refused() {
    let server = Server::start().await;
    let mut request = signed(PATH, ICE);
    // One byte of the call id, keeping the JSON valid: only the signature can catch it.
    let at = ICE.find(ICE_CALLID).unwrap();
    request.body_mut()[at] = b'5';
    assert_refused(&server, request, "tampered body").await;
    // The signature covers the content type too.
    let mut request = signed(PATH, ICE);
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    assert_refused(&server, request, "content type changed").await;
    // The same request untampered is accepted: the refusal was about the byte.
    assert_eq!(server.send(signed(PATH, ICE)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn other_credentials_are_refused() {
    let server = Server::start().await;
    let forged = Credentials::new(APP_KEY, OTHER_SECRET).unwrap();
    let request = SignedCallback::at(&forged, PATH, ICE, at(0)).into_http();
    assert_refused(&server, request, "right key, wrong secret").await;

    let stranger = Credentials::new(OTHER_KEY, SECRET).unwrap();
    let request = SignedCallback::at(&stranger, PATH, ICE, at(0)).into_http();
    assert_refused(&server, request, "other key").await;
}

#[tokio::test]
async fn timestamps_beyond_the_tolerance_are_refused() {
    let server = Server::start().await;
    let sign_at =
        |offset: i64| SignedCallback::at(&credentials(), PATH, ICE, at(offset)).into_http();
    assert_refused(&server, sign_at(-301), "301 s old").await;
    assert_refused(&server, sign_at(301), "301 s ahead").await;

    // The timestamp is signed: a fresh `x-timestamp` on an old signature is a replay.
    let mut replay = sign_at(-301);
    replay
        .headers_mut()
        .insert("x-timestamp", timestamp(0).parse().unwrap());
    assert_refused(&server, replay, "re-stamped").await;

    // Just inside the tolerance either way: accepted (the window is not shut altogether).
    for offset in [-299, 299] {
        let reply = server.send(sign_at(offset)).await;
        assert_eq!(reply.status, StatusCode::OK, "{offset} s: {reply:?}");
    }
    assert_eq!(server.log.counts(), [2, 0, 0, 0, 0]);
}

#[tokio::test]
async fn missing_or_malformed_headers_are_refused() {
    let server = Server::start().await;

    let mut request = signed(PATH, ICE);
    request.headers_mut().remove("x-timestamp");
    assert_refused(&server, request, "no x-timestamp").await;

    let mut request = signed(PATH, ICE);
    request.headers_mut().remove(header::AUTHORIZATION);
    assert_refused(&server, request, "no authorization").await;

    // The genuine Authorization, twice: ambiguous, so refused.
    let mut request = signed(PATH, ICE);
    let genuine = request.headers()[header::AUTHORIZATION].clone();
    request.headers_mut().append(header::AUTHORIZATION, genuine);
    assert_refused(&server, request, "authorization twice").await;

    let signature = signed(PATH, ICE).headers()[header::AUTHORIZATION]
        .to_str()
        .unwrap()
        .to_string();
    let (_, key_and_mac) = signature.split_once(' ').unwrap();
    let malformed = [
        "Application nocolon".to_string(),
        "Bearer x".to_string(),
        String::new(),
        // The genuine key and signature under another scheme.
        format!("Basic {key_and_mac}"),
        // The scheme alone, or a key without a signature.
        "Application".to_string(),
        format!("Application {APP_KEY}:"),
    ];
    for value in malformed {
        let mut request = signed(PATH, ICE);
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, value.parse().unwrap());
        assert_refused(&server, request, &format!("authorization {value:?}")).await;
    }
}

// ---------------------------------------------------------------------------------------
// Genuine but unusable bodies: 400 naming the field, the handler untouched.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bad_bodies_get_400_naming_the_field() {
    let server = Server::start().await;
    let cases = [
        (r#"{"event":"ice","callid":"c1""#, "$"),
        (r#"{"cli":"46701234567"}"#, "event"),
        (
            r#"{"event":"pie","callid":"c1","menuResult":{"type":5}}"#,
            "menuResult.type",
        ),
        (
            r#"{"event":"ice","callid":"c1","duration":"x"}"#,
            "duration",
        ),
    ];
    for (body, path) in cases {
        // Signed, so they pass verification and reach the parser.
        let reply = server.send(signed(PATH, body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {reply:?}");
        assert_eq!(reply.content_type.as_deref(), Some("application/json"));
        let json = reply.json();
        assert_eq!(json["path"], path, "{body}: {json}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{body}: {json}"
        );
    }
    assert_eq!(server.log.total(), 0);
}

// ---------------------------------------------------------------------------------------
// Size limit: 413 before the body is read whole, and the server carries on.
// ---------------------------------------------------------------------------------------

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn a_mebibyte_with_content_length_gets_413() {
    let server = Server::start().await;
    // A genuine, valid ICE: without the limit it would be handled.
    let reply = server.send(signed(PATH, padded(ICE, MIB))).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{reply:?}");
    assert_eq!(server.log.total(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn a_chunked_mebibyte_without_length_gets_413() {
    let server = Server::start().await;
    let request = signed(PATH, padded(ICE, MIB));
    let mut bytes = chunked_head(&request);
    for chunk in request.body().chunks(16 * 1024) {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");

    let answer = raw_exchange(server.addr, bytes).await;
    assert_eq!(raw_status(&answer), 413, "{answer:?}");
    assert_eq!(server.log.total(), 0);
    assert_still_serving(&server).await;
}

/// The head of `request` sent chunked (its signature headers, no Content-Length).
fn chunked_head(request: &Request<Vec<u8>>) -> Vec<u8> {
    let mut head =
        format!("POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n");
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A small body whose chunked framing is broken is a bad request, not a too-large one: 413
/// would tell the sender to send less. (Fails as of writing: `CallbackRouter::handle` answers
/// 413 to every error of `axum::body::to_bytes`, not only to the length limit.)
#[tokio::test]
async fn broken_chunked_framing_is_400_not_413() {
    let server = Server::start().await;
    let request = signed(PATH, ICE);
    let framings: [&[u8]; 2] = [
        // A chunk size that is not hex.
        b"zz\r\nhello\r\n0\r\n\r\n",
        // A chunk longer than its declared size.
        b"5\r\nhelloXX0\r\n\r\n",
    ];
    for framing in framings {
        let mut bytes = chunked_head(&request);
        bytes.extend_from_slice(framing);
        let answer = raw_exchange(server.addr, bytes).await;
        assert_eq!(
            raw_status(&answer),
            400,
            "{:?}: {answer:?}",
            String::from_utf8_lossy(framing)
        );
    }
    assert_eq!(server.log.total(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn the_limit_is_exact() {
    let server = Server::start_with(PATH, |router| router.body_limit(4096)).await;
    let reply = server.send(signed(PATH, padded(ICE, 4096))).await;
    assert_eq!(reply.status, StatusCode::OK, "at the limit: {reply:?}");
    let reply = server.send(signed(PATH, padded(ICE, 4097))).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "one over: {reply:?}"
    );
    assert_eq!(server.log.counts(), [1, 0, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------
// Routing.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn get_is_405() {
    let server = Server::start().await;
    let response = server.client.get(server.url(PATH)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    // Even with a valid signature for a POST in its headers.
    let (parts, _) = signed(PATH, ICE).into_parts();
    let response = server
        .client
        .get(server.url(PATH))
        .headers(parts.headers)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(server.log.total(), 0);
}

#[tokio::test]
async fn public_path_is_what_is_verified() {
    // A proxy in front maps the public /public/cb to /cb: Sinch signs the public path.
    let server = Server::start_with("/cb", |router| router.public_path("/public/cb")).await;

    let reply = server.send_to("/cb", signed("/public/cb", ICE)).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "signed for the public path: {reply:?}"
    );
    assert_eq!(server.log.counts(), [1, 0, 0, 0, 0]);

    let reply = server.send_to("/cb", signed("/cb", ICE)).await;
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "signed for the inner path: {reply:?}"
    );
    assert!(reply.body.is_empty());
    assert_eq!(server.log.counts(), [1, 0, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------
// Load: 1000 callbacks at once.
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_callbacks_are_all_answered() {
    const N: usize = 1000;
    let server = Server::start().await;

    /// The i-th callback: its body and the reply it must get (`None`: an empty body).
    fn callback(i: usize) -> (String, Option<Value>) {
        let callid = format!("call-{i:04}");
        match i % 4 {
            0 => {
                // Half the ICEs take the hangup branch, half the menu.
                let hangup = i.is_multiple_of(8);
                let reply = ice_reply(&callid, hangup).to_json();
                (
                    json!({"event": "ice", "callid": callid, "cli": "46701234567",
                           "custom": if hangup { "hangup" } else { "" }})
                    .to_string(),
                    Some(serde_json::from_str(&reply).unwrap()),
                )
            }
            1 => (
                json!({"event": "ace", "callid": callid}).to_string(),
                Some(json!({"action": {"name": "continue"}})),
            ),
            2 => (
                json!({"event": "dice", "callid": callid, "reason": "CALLERHANGUP"}).to_string(),
                None,
            ),
            _ => (
                json!({"event": "pie", "callid": callid,
                       "menuResult": {"menuId": "main", "type": "return", "value": "sales"}})
                .to_string(),
                Some(json!({"action": {"name": "hangup"}})),
            ),
        }
    }

    let url = server.url(PATH);
    let tasks: Vec<_> = (0..N)
        .map(|i| {
            let (client, url) = (server.client.clone(), url.clone());
            tokio::spawn(async move {
                let (body, expected) = callback(i);
                let reply = send(&client, &url, signed(PATH, body)).await;
                assert_eq!(reply.status, StatusCode::OK, "callback {i}: {reply:?}");
                match expected {
                    Some(expected) => assert_eq!(reply.json(), expected, "callback {i}"),
                    None => assert!(reply.body.is_empty(), "callback {i}: {reply:?}"),
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    assert_eq!(server.log.counts(), [N / 4, N / 4, N / 4, N / 4, 0]);
    assert_eq!(server.log.total(), N);
    // Each callback handled exactly once, as the event it was.
    let mut calls = server.log.calls.lock().unwrap().clone();
    calls.sort();
    let mut expected: Vec<String> = (0..N)
        .map(|i| {
            let event = ["ice", "ace", "dice", "pie"][i % 4];
            format!("{event}:call-{i:04}")
        })
        .collect();
    expected.sort();
    assert_eq!(calls, expected);
}

// ---------------------------------------------------------------------------------------
// Garbage: every piece gets an HTTP answer (a panic would cut the connection instead), and
// the server keeps serving.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn garbage_never_breaks_the_server() {
    let server = Server::start().await;

    // Not HTTP at all, or broken HTTP framing: hyper itself answers 400.
    let broken_http: [&[u8]; 4] = [
        b"\x00\x01\x02\xff\xfe garbage\r\n\r\n",
        b"POST /sinch/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}",
        b"POST /sinch/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"POST /sinch/callback HTTP/1.1\r\nHost\r\n\r\n",
    ];
    for bytes in broken_http {
        let answer = raw_exchange(server.addr, bytes.to_vec()).await;
        assert_eq!(raw_status(&answer), 400, "{bytes:?}: {answer:?}");
    }

    // Genuine signatures over bodies that are not callbacks: 400 from the parser, `$`-level.
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    // Deep nesting in an unknown field, unclosed (invalid) and closed (valid JSON).
    let open = format!(
        r#"{{"event":"ice","callid":"deep","x":{}"#,
        "[".repeat(20_000)
    );
    let closed = format!("{open}{}}}", "]".repeat(20_000));
    let unusable: Vec<(&str, Vec<u8>)> = vec![
        ("binary noise", noise.clone()),
        ("noise after a brace", [b"{".as_slice(), &noise].concat()),
        (
            "invalid UTF-8 in a string",
            b"{\"event\":\"ice\",\"callid\":\"\xff\xfe\xc3\x28\"}".to_vec(),
        ),
        (
            "a lone surrogate escape",
            br#"{"event":"ice","callid":"\ud800"}"#.to_vec(),
        ),
        ("20 000 unclosed arrays", open.into_bytes()),
        ("a NUL byte", b"{\"event\":\"ice\",\0}".to_vec()),
        ("empty", Vec::new()),
        ("trailing data", format!("{ACE} {ACE}").into_bytes()),
        (
            "an absurd number",
            br#"{"event":"ice","callid":"c","duration":1e999999}"#.to_vec(),
        ),
    ];
    for (case, body) in unusable {
        let answer = raw_exchange(server.addr, raw_bytes(&signed(PATH, body))).await;
        assert_eq!(raw_status(&answer), 400, "{case}: {answer:?}");
        let json: Value = serde_json::from_str(raw_body(&answer))
            .unwrap_or_else(|e| panic!("{case}: not JSON ({e}): {answer:?}"));
        assert!(json["path"].is_string(), "{case}: {json}");
    }

    // Closed, the deep nesting is valid JSON in an ignored field: handled (and no stack
    // overflow on the way, which would abort the whole test process).
    let answer = raw_exchange(server.addr, raw_bytes(&signed(PATH, closed))).await;
    assert_eq!(raw_status(&answer), 200, "{answer:?}");
    assert_eq!(server.log.counts(), [1, 0, 0, 0, 0]);

    // Noise without a signature: refused before anything looks at it.
    let mut unsigned = signed(PATH, noise);
    unsigned.headers_mut().remove(header::AUTHORIZATION);
    let answer = raw_exchange(server.addr, raw_bytes(&unsigned)).await;
    assert_eq!(raw_status(&answer), 401, "{answer:?}");
    assert_eq!(raw_body(&answer), "");

    // A body cut short: the client goes away mid-body. No answer is owed; nothing may break.
    let request = signed(PATH, ICE);
    let bytes = raw_bytes(&request);
    {
        let socket = TcpStream::connect(server.addr).await.unwrap();
        write_all(&socket, &bytes[..bytes.len() - 10])
            .await
            .unwrap();
    }

    assert_eq!(server.log.counts(), [1, 0, 0, 0, 0]);
    assert_still_serving(&server).await;
    let reply = server.send(signed(PATH, ICE)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(server.log.counts(), [2, 0, 0, 1, 0]);
}
