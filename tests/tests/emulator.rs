//! `sinch_voice_emulator` driven for real on 127.0.0.1: the 14 operations through
//! `sinch_voice::Client` in both auth modes, IVR and callout flows answered by a
//! `CallbackRouter`, every callback's signature checked twice (by ext's `Verifier`, which
//! gates the handler, and by an independent recomputation of signing.md §2/§3 written here
//! with hmac/sha2/md-5/base64), the failure handling of callbacks.md §1, and bad input.
//!
//! Each test starts its own emulator and callback server, so they run in parallel.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use hmac::{KeyInit, Mac};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use sinch_voice::callbacks::{
    AceEvent, CallbackEvent, CallbackHandler, CallbackRouter, DiceEvent, HandlerError, IceEvent,
    MenuOutcome, NotifyEvent, PieEvent, Verifier,
};
use sinch_voice::signing::{format_timestamp, sign_http_request};
use sinch_voice::svaml::{
    AceResponse, Action, CallUpdate, ConnectConf, ConnectPstn, Ice, IceResponse, LegUpdate, Menu,
    Pie, PieResponse, Prompt, RunMenu,
};
use sinch_voice::{
    AssignNumbers, AuthMode, CallLeg, CallbackUrls, CalloutReply, Capability, Client,
    ConferenceCallout, ConferenceInfo, Credentials, CustomCallout, Error, NumberList, RetryPolicy,
    TtsCallout, UnassignNumber,
};
use sinch_voice_emulator::{
    CallSnapshot, Config, Emulator, EmulatorHandle, EventKind, EventRecord, TranscriptEntry,
};

// ---------------------------------------------------------------------------------------
// Test data.
// ---------------------------------------------------------------------------------------

/// Longest any wait in these tests may take; flows normally finish in milliseconds.
const WAIT: Duration = Duration::from_secs(10);

/// A caller / callee outside the account.
const CALLER: &str = "+46701234567";
/// The same number as the platform puts it in an ICE's `cli` (no `+`).
const CALLER_CLI: &str = "46701234567";
/// The two numbers the emulator's account owns by default.
const OUR_NUMBER: &str = "+46812345678";
const OUR_OTHER_NUMBER: &str = "+14045001000";
/// Valid base64, but not the emulator's secret.
const WRONG_SECRET: &str = "d3JvbmctZ3Vlc3MtMTIzNA==";

const WELCOME: &str = "Welcome to Acme.";
const ACE_GREETING: &str = "Hello, this is Acme calling.";
const TO_SALES: &str = "Connecting you to sales.";
const GOODBYE: &str = "Goodbye";
const COOKIE_KEY: &str = "caller";
const SALES_ROOM: &str = "sales";

/// Quick timings: callees answer at once, menus wait 2 s.
fn config() -> Config {
    Config {
        answer_delay: Duration::from_millis(10),
        menu_timeout: Duration::from_secs(2),
        ..Config::default()
    }
}

fn http() -> reqwest::Client {
    sinch_voice::http_client_builder()
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

fn client_with(emulator: &EmulatorHandle, credentials: Credentials, auth: AuthMode) -> Client {
    Client::builder()
        .credentials(credentials)
        .auth(auth)
        .calling_url(emulator.url())
        .configuration_url(emulator.url())
        .http_client(http())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client for the emulator")
}

fn client(emulator: &EmulatorHandle, auth: AuthMode) -> Client {
    client_with(emulator, emulator.credentials(), auth)
}

/// Status, numeric error code and message of an `Error::Api`; anything else fails the test.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, Option<i64>, String) {
    match result {
        Err(Error::Api(api)) => (
            api.status(),
            api.code(),
            api.message().unwrap_or_default().to_string(),
        ),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

fn event_names(snapshot: &CallSnapshot) -> Vec<&str> {
    snapshot.events.iter().map(|e| e.event.as_str()).collect()
}

fn event<'a>(snapshot: &'a CallSnapshot, name: &str) -> &'a sinch_voice_emulator::EventRecord {
    snapshot
        .events
        .iter()
        .find(|e| e.event == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", event_names(snapshot)))
}

/// Waits until the call is over and its DiCE was answered.
async fn ended_with_dice(emulator: &EmulatorHandle, call_id: &str) -> CallSnapshot {
    emulator
        .wait_for(call_id, WAIT, |s| {
            s.status == "FINAL" && s.events.iter().any(|e| e.event == "dice")
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "call {call_id} did not end with a DiCE within {WAIT:?}: {:?}",
                emulator.call(call_id)
            )
        })
}

async fn ended(emulator: &EmulatorHandle, call_id: &str) -> CallSnapshot {
    emulator
        .wait_until_ended(call_id, WAIT)
        .await
        .unwrap_or_else(|| {
            panic!(
                "call {call_id} did not end within {WAIT:?}: {:?}",
                emulator.call(call_id)
            )
        })
}

async fn has_event(emulator: &EmulatorHandle, call_id: &str, name: &str) {
    if emulator.wait_for_event(call_id, name, WAIT).await.is_none() {
        panic!(
            "call {call_id} sent no {name} within {WAIT:?}: {:?}",
            emulator.call(call_id)
        );
    }
}

/// Whether `text` was said or played (a `say`, a TTS, or a prompt such as `#tts[...]`).
fn said(snapshot: &CallSnapshot, text: &str) -> bool {
    snapshot.transcript.iter().any(|entry| match entry {
        TranscriptEntry::Say { text: said, .. } => said.contains(text),
        TranscriptEntry::Play { prompt, .. } => prompt.contains(text),
        _ => false,
    })
}

// ---------------------------------------------------------------------------------------
// The independent signature check (signing.md §2 steps 2-8, §3), sharing no code with ext.
// ---------------------------------------------------------------------------------------

/// Recomputes the `Application` signature of a received callback from the raw bytes and path.
fn recompute(
    key: &str,
    secret: &[u8],
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        let mut values = headers.get_all(name).iter();
        let Some(first) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(format!("{name} sent twice"));
        }
        first
            .to_str()
            .map(Some)
            .map_err(|_| format!("{name} is not ASCII"))
    };
    let authorization = text("authorization")?.ok_or("no authorization")?;
    let (scheme, credentials) = authorization
        .split_once(' ')
        .ok_or("authorization has no scheme")?;
    if !scheme.eq_ignore_ascii_case("application") {
        return Err(format!("scheme {scheme:?}"));
    }
    let (given_key, signature) = credentials
        .split_once(':')
        .ok_or("authorization has no key:signature")?;
    if given_key != key {
        return Err(format!("key {given_key:?}"));
    }
    let timestamp = text("x-timestamp")?.ok_or("no x-timestamp")?;
    let sent = chrono::DateTime::parse_from_rfc3339(timestamp)
        .map_err(|e| format!("x-timestamp {timestamp:?}: {e}"))?;
    let age = Utc::now().signed_duration_since(sent).num_seconds().abs();
    if age > 60 {
        return Err(format!("x-timestamp {timestamp} is {age} s from now"));
    }
    let content_type = text("content-type")?.unwrap_or("");
    let content_md5 = if body.is_empty() {
        String::new()
    } else {
        STANDARD.encode(Md5::digest(body))
    };
    let string_to_sign = format!(
        "{}\n{content_md5}\n{content_type}\nx-timestamp:{timestamp}\n{path}",
        method.to_ascii_uppercase()
    );
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).map_err(|e| e.to_string())?;
    mac.update(string_to_sign.as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    if expected == signature {
        Ok(())
    } else {
        Err(format!(
            "signature {signature} != {expected} over {string_to_sign:?}"
        ))
    }
}

// ---------------------------------------------------------------------------------------
// The call flow: an IVR answered by ext's CallbackRouter.
// ---------------------------------------------------------------------------------------

/// What the handler saw, in order: (event, call id). The router only calls the handler for
/// callbacks its `Verifier` accepted.
#[derive(Debug, Default)]
struct Seen(Mutex<Vec<(String, String)>>);

impl Seen {
    fn push(&self, event: &str, call_id: &str) {
        self.0
            .lock()
            .unwrap()
            .push((event.to_string(), call_id.to_string()));
    }

    fn of(&self, call_id: &str) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, id)| id == call_id)
            .map(|(e, _)| e.clone())
            .collect()
    }
}

struct Ivr(Arc<Seen>);

fn main_menu() -> RunMenu<'static> {
    RunMenu::new([Menu::new("main")
        .prompt(Prompt::tts("Press 1 for sales, 2 to leave."))
        .on_key_return("1", "sales")
        .on_key_return("2", "goodbye")])
    .locale("en-US")
}

impl CallbackHandler for Ivr {
    async fn on_ice(&self, event: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        self.0.push("ice", event.callid.as_deref().unwrap_or(""));
        let cli = event.cli.as_deref().unwrap_or("unknown").to_string();
        Ok(IceResponse::builder()
            .set_cookie(COOKIE_KEY, cli)
            .say(WELCOME, "en-US")
            .run_menu(main_menu())
            .build()?)
    }

    async fn on_ace(&self, event: AceEvent<'static>) -> Result<AceResponse<'static>, HandlerError> {
        self.0.push("ace", event.callid.as_deref().unwrap_or(""));
        Ok(if event.custom.as_deref() == Some("menu") {
            AceResponse::builder()
                .say(ACE_GREETING, "en-US")
                .run_menu(main_menu())
                .build()?
        } else {
            AceResponse::builder().proceed().build()?
        })
    }

    async fn on_pie(&self, event: PieEvent<'static>) -> Result<PieResponse<'static>, HandlerError> {
        self.0.push("pie", event.callid.as_deref().unwrap_or(""));
        let value = event.menu_result.as_ref().and_then(|r| r.value.as_deref());
        Ok(match value {
            Some("sales") => PieResponse::builder()
                .say(TO_SALES, "en-US")
                .connect_conf(ConnectConf::room(SALES_ROOM))
                .build()?,
            _ => PieResponse::builder()
                .say(GOODBYE, "en-US")
                .hangup()
                .build()?,
        })
    }

    async fn on_dice(&self, event: DiceEvent<'static>) -> Result<(), HandlerError> {
        self.0.push("dice", event.callid.as_deref().unwrap_or(""));
        Ok(())
    }

    async fn on_notify(&self, event: NotifyEvent<'static>) -> Result<(), HandlerError> {
        self.0.push("notify", event.callid.as_deref().unwrap_or(""));
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The callback server: every request is recorded and checked independently, then either
// answered by the CallbackRouter (path /ivr) or by a script chosen by the path.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Received {
    path: String,
    event: String,
    call_id: String,
    verified: Result<(), String>,
    headers: HeaderMap,
    bytes: Bytes,
    body: Value,
}

struct Probe {
    key: String,
    secret: Vec<u8>,
    router: CallbackRouter<Ivr>,
    log: Mutex<Vec<Received>>,
}

impl Probe {
    fn of(&self, call_id: &str) -> Vec<Received> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.call_id == call_id)
            .cloned()
            .collect()
    }

    fn all(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }
}

fn json_reply(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Scripted answers for the failure tests; `None` hands the request to the router.
async fn scripted(path: &str, event: &str) -> Option<Response> {
    let ok = || json_reply(StatusCode::OK, "");
    Some(match (path, event) {
        ("/ivr", _) => return None,
        // ICE does not allow `continue` (svaml.md §2).
        ("/ice-continue", "ice") => json_reply(StatusCode::OK, r#"{"action":{"name":"continue"}}"#),
        ("/ice-garbage", "ice") => json_reply(StatusCode::OK, "this is { not json"),
        ("/ice-500", "ice") => json_reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":"database down"}"#,
        ),
        ("/ice-slow", "ice") => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            json_reply(StatusCode::OK, r#"{"action":{"name":"hangup"}}"#)
        }
        // A late (or failed) ACE answer is a hangup: if the emulator obeyed it, the TTS of
        // the callout would never be said.
        ("/ace-slow", "ace") => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            json_reply(StatusCode::OK, r#"{"action":{"name":"hangup"}}"#)
        }
        ("/ace-500", "ace") => json_reply(StatusCode::INTERNAL_SERVER_ERROR, ""),
        ("/dice-slow", "ice") => json_reply(StatusCode::OK, r#"{"action":{"name":"hangup"}}"#),
        ("/dice-slow", "dice") => {
            tokio::time::sleep(Duration::from_millis(200)).await;
            ok()
        }
        _ => ok(),
    })
}

async fn front(State(probe): State<Arc<Probe>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path().to_string();
    let verified = recompute(
        &probe.key,
        &probe.secret,
        parts.method.as_str(),
        &path,
        &parts.headers,
        &bytes,
    );
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    probe.log.lock().unwrap().push(Received {
        path: path.clone(),
        event: body["event"].as_str().unwrap_or("").to_string(),
        call_id: body["callid"].as_str().unwrap_or("").to_string(),
        verified,
        headers: parts.headers.clone(),
        bytes: bytes.clone(),
        body,
    });
    let event = probe.log.lock().unwrap().last().unwrap().event.clone();
    match scripted(&path, &event).await {
        Some(response) => response,
        None => {
            probe
                .router
                .handle(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

/// A server on 127.0.0.1, aborted when dropped.
struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(app: axum::Router) -> Server {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("a free port on 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the server runs");
    });
    Server { addr, task }
}

/// An emulator, a callback server in front of it and a client.
struct Rig {
    emulator: EmulatorHandle,
    probe: Arc<Probe>,
    seen: Arc<Seen>,
    client: Client,
    server: Server,
}

impl Rig {
    async fn start(config: Config, callback_path: &str) -> Rig {
        let emulator = Emulator::builder()
            .config(config)
            .start()
            .await
            .expect("the emulator starts");
        let seen = Arc::new(Seen::default());
        let credentials = emulator.credentials();
        let probe = Arc::new(Probe {
            key: emulator.application_key().to_string(),
            secret: STANDARD
                .decode(emulator.application_secret())
                .expect("the secret is base64"),
            router: CallbackRouter::new(Verifier::new(&credentials), Ivr(Arc::clone(&seen))),
            log: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(front)
            .with_state(Arc::clone(&probe));
        let server = serve(app).await;
        let rig = Rig {
            client: client(&emulator, AuthMode::Signed),
            emulator,
            probe,
            seen,
            server,
        };
        rig.emulator.set_callback_url(rig.url(callback_path));
        rig
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr)
    }

    /// Every callback of the call reached the server, was signed correctly (independent
    /// check) and was answered 2xx (except where a script said otherwise); the events the
    /// server received are those the emulator recorded, in the same order.
    fn assert_signed(&self, call_id: &str, snapshot: &CallSnapshot) {
        let received = self.probe.of(call_id);
        assert!(!received.is_empty(), "no callback of {call_id} arrived");
        for r in &received {
            assert_eq!(
                r.verified,
                Ok(()),
                "{} of {call_id} at {}: {:?}",
                r.event,
                r.path,
                r.body
            );
        }
        let names: Vec<&str> = received.iter().map(|r| r.event.as_str()).collect();
        assert_eq!(
            names,
            event_names(snapshot),
            "server vs emulator for {call_id}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 1. The 14 operations, both auth modes.
// ---------------------------------------------------------------------------------------

async fn all_operations(auth: AuthMode) {
    let started = Instant::now();
    let emulator = Emulator::builder()
        .config(config())
        .start()
        .await
        .expect("the emulator starts");
    let client = client(&emulator, auth);

    // create_callout (tts): said, then hung up by the platform.
    let tts = client
        .tts_callout(CALLER, OUR_OTHER_NUMBER, "Your appointment is at 10:30.")
        .await
        .expect("tts callout");
    assert!(!tts.is_empty());
    let snapshot = ended(&emulator, &tts).await;
    assert!(
        said(&snapshot, "Your appointment is at 10:30."),
        "{snapshot:?}"
    );
    let info = client.get_call(&tts).await.expect("get_call");
    assert_eq!(info.call_id.as_deref(), Some(tts.as_str()));
    assert_eq!(info.status.map(|s| s.to_string()).as_deref(), Some("FINAL"));
    assert_eq!(
        info.result.map(|s| s.to_string()).as_deref(),
        Some("ANSWERED")
    );
    assert_eq!(
        info.reason.map(|s| s.to_string()).as_deref(),
        Some("MANAGERHANGUP")
    );
    assert_eq!(info.to.map(|p| p.endpoint).as_deref(), Some(CALLER));
    assert_eq!(
        info.from.map(|p| p.endpoint).as_deref(),
        Some(OUR_OTHER_NUMBER)
    );

    // custom callout: connected and left alone, so it stays up until updated.
    let custom = client
        .callout(
            CustomCallout::new()
                .cli(OUR_OTHER_NUMBER)
                .destination(CALLER)
                .custom("ops"),
        )
        .await
        .expect("custom callout");
    assert_ne!(custom, tts);
    let info = client.get_call(&custom).await.expect("get_call");
    assert_eq!(
        info.status.map(|s| s.to_string()).as_deref(),
        Some("ONGOING")
    );
    assert_eq!(info.custom.as_deref(), Some("ops"));

    // manage_call_leg: instructions only, the call goes on.
    let leg_say = LegUpdate::builder()
        .say("Just for you.", "en-US")
        .build()
        .unwrap();
    client
        .manage_call_leg(&custom, CallLeg::Callee, &leg_say)
        .await
        .expect("manage_call_leg");
    let snapshot = emulator
        .wait_for(&custom, WAIT, |s| said(s, "Just for you."))
        .await
        .unwrap_or_else(|| panic!("leg say not heard: {:?}", emulator.call(&custom)));
    assert_eq!(snapshot.status, "ONGOING");

    // update_call: say + hangup ends it.
    let bye = CallUpdate::builder()
        .say("This call ends now.", "en-US")
        .hangup()
        .build()
        .unwrap();
    client
        .update_call(&custom, &bye)
        .await
        .expect("update_call");
    let snapshot = ended(&emulator, &custom).await;
    assert!(said(&snapshot, "This call ends now."), "{snapshot:?}");
    assert_eq!(snapshot.reason, "MANAGERHANGUP");
    let info = client.get_call(&custom).await.expect("get_call");
    assert_eq!(info.status.map(|s| s.to_string()).as_deref(), Some("FINAL"));
    // An ended call cannot be updated.
    let (status, code, _) = api_error(client.update_call(&custom, &bye).await);
    assert_eq!((status, code), (404, Some(40400)));

    // Conferences: two callouts into one room.
    let room = "room-1";
    let first = client
        .conference_callout(CALLER, room)
        .await
        .expect("conference callout");
    let second = client
        .conference_callout("+46709999999", room)
        .await
        .expect("conference callout");
    for id in [&first, &second] {
        emulator
            .wait_for(id, WAIT, |s| s.conference.as_deref() == Some(room))
            .await
            .unwrap_or_else(|| panic!("{id} did not join: {:?}", emulator.call(id)));
    }
    let conference = client.get_conference(room).await.expect("get_conference");
    assert_eq!(conference.participants.len(), 2, "{conference:?}");
    let participant = |info: &ConferenceInfo, id: &str| {
        info.participants
            .iter()
            .find(|p| p.id.as_deref() == Some(id))
            .cloned()
            .unwrap_or_else(|| panic!("{id} not in {info:?}"))
    };
    assert_eq!(participant(&conference, &first).muted, Some(false));

    client
        .mute_participant(room, &first)
        .await
        .expect("mute_participant");
    let conference = client.get_conference(room).await.expect("get_conference");
    assert_eq!(participant(&conference, &first).muted, Some(true));
    assert_eq!(participant(&conference, &second).muted, Some(false));

    client
        .kick_participant_from_conference(room, &first)
        .await
        .expect("kick_participant");
    ended(&emulator, &first).await;
    let info = client.get_call(&first).await.expect("get_call");
    assert_eq!(info.status.map(|s| s.to_string()).as_deref(), Some("FINAL"));
    let conference = client.get_conference(room).await.expect("get_conference");
    assert_eq!(conference.participants.len(), 1, "{conference:?}");
    assert_eq!(
        conference.participants[0].id.as_deref(),
        Some(second.as_str())
    );

    client
        .kick_all_from_conference(room)
        .await
        .expect("kick_all");
    ended(&emulator, &second).await;
    let (status, code, _) = api_error(client.get_conference(room).await);
    assert_eq!((status, code), (404, Some(40400)));

    // Numbers.
    let numbers = client.list_numbers().await.expect("list_numbers");
    assert_eq!(numbers.numbers.len(), 2, "{numbers:?}");
    for n in &numbers.numbers {
        assert_eq!(
            n.applicationkey.as_deref(),
            Some(emulator.application_key())
        );
    }
    client
        .unassign_number(UnassignNumber::new(OUR_NUMBER))
        .await
        .expect("unassign_number");
    let numbers = client.list_numbers().await.expect("list_numbers");
    let find = |list: &NumberList, number: &str| {
        list.numbers
            .iter()
            .find(|n| n.number.as_deref() == Some(number))
            .cloned()
            .unwrap_or_else(|| panic!("{number} not in {list:?}"))
    };
    assert_eq!(find(&numbers, OUR_NUMBER).applicationkey, None);
    assert_eq!(
        find(&numbers, OUR_OTHER_NUMBER).applicationkey.as_deref(),
        Some(emulator.application_key())
    );
    client
        .assign_numbers(AssignNumbers::new([OUR_NUMBER]).capability(Capability::Voice))
        .await
        .expect("assign_numbers");
    let numbers = client.list_numbers().await.expect("list_numbers");
    assert_eq!(
        find(&numbers, OUR_NUMBER).applicationkey.as_deref(),
        Some(emulator.application_key())
    );
    // A number the account does not own.
    let (status, code, _) = api_error(
        client
            .assign_numbers(AssignNumbers::new(["+15550000000"]))
            .await,
    );
    assert_eq!((status, code), (400, Some(40001)));

    // query_number.
    let answer = client.query_number(CALLER).await.expect("query_number");
    let number = answer.number.expect("the answer's number");
    assert_eq!(number.country_id.as_deref(), Some("SE"));
    assert_eq!(number.normalized_number.as_deref(), Some(CALLER));

    // Callback URLs: a round trip (last, so no flow above calls them).
    let before = client.get_callback_urls().await.expect("get_callback_urls");
    let primary = |urls: &sinch_voice::ApplicationCallbacks| {
        urls.url.as_ref().and_then(|u| u.primary.clone())
    };
    let fallback = |urls: &sinch_voice::ApplicationCallbacks| {
        urls.url.as_ref().and_then(|u| u.fallback.clone())
    };
    assert!(primary(&before).is_none(), "{before:?}");
    let wanted =
        CallbackUrls::primary("http://127.0.0.1:9/primary").fallback("http://127.0.0.1:9/fallback");
    client
        .update_callback_urls(wanted.clone())
        .await
        .expect("update_callback_urls");
    let after = client.get_callback_urls().await.expect("get_callback_urls");
    assert_eq!(primary(&after).as_deref(), wanted.primary_url());
    assert_eq!(fallback(&after).as_deref(), wanted.fallback_url());
    assert_eq!(
        primary(&after).as_deref(),
        Some("http://127.0.0.1:9/primary")
    );
    assert_eq!(
        fallback(&after).as_deref(),
        Some("http://127.0.0.1:9/fallback")
    );

    // Unknown call.
    let (status, code, _) = api_error(client.get_call("0123456789abcdef").await);
    assert_eq!((status, code), (404, Some(40400)));

    // Authentication failures.
    let wrong = client_with(
        &emulator,
        Credentials::new(emulator.application_key(), WRONG_SECRET).unwrap(),
        auth,
    );
    let (status, code, message) = api_error(wrong.list_numbers().await);
    assert_eq!((status, code), (401, Some(40102)), "{message}");

    let skewed = Client::builder()
        .credentials(emulator.credentials())
        .auth(auth)
        .calling_url(emulator.url())
        .configuration_url(emulator.url())
        .http_client(http())
        .retry_policy(RetryPolicy::none())
        .clock(|| Utc::now() - chrono::Duration::seconds(600))
        .build()
        .unwrap();
    match auth {
        AuthMode::Signed => {
            let (status, code, message) = api_error(skewed.list_numbers().await);
            assert_eq!((status, code), (401, Some(40101)), "{message}");
            // Ten minutes ahead is refused too.
            let ahead = Client::builder()
                .credentials(emulator.credentials())
                .calling_url(emulator.url())
                .configuration_url(emulator.url())
                .http_client(http())
                .retry_policy(RetryPolicy::none())
                .clock(|| Utc::now() + chrono::Duration::seconds(600))
                .build()
                .unwrap();
            let (status, code, _) = api_error(ahead.get_call(&tts).await);
            assert_eq!((status, code), (401, Some(40101)));
        }
        // Basic carries no timestamp: the clock does not matter.
        _ => {
            skewed
                .list_numbers()
                .await
                .expect("Basic ignores the clock");
        }
    }

    let response = http()
        .get(format!("{}/v1/configuration/numbers", emulator.url()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["errorCode"], 40100, "{body}");

    eprintln!("all_operations({auth:?}): {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_signed() {
    all_operations(AuthMode::Signed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_basic() {
    all_operations(AuthMode::Basic).await;
}

// ---------------------------------------------------------------------------------------
// 2. The IVR end to end, each branch; an outbound flow.
// ---------------------------------------------------------------------------------------

/// The cookie set at ICE comes back in the PIE body and in the snapshot.
fn assert_cookie_carried(rig: &Rig, call_id: &str, snapshot: &CallSnapshot) {
    let expected = json!([{ "key": COOKIE_KEY, "value": CALLER_CLI }]);
    assert_eq!(event(snapshot, "pie").body["cookies"], expected);
    let pie = rig
        .probe
        .of(call_id)
        .into_iter()
        .find(|r| r.event == "pie")
        .expect("the server got the PIE");
    assert_eq!(pie.body["cookies"], expected);
    assert!(
        snapshot
            .cookies
            .contains(&(COOKIE_KEY.to_string(), CALLER_CLI.to_string())),
        "{:?}",
        snapshot.cookies
    );
    // Not before it was set.
    assert!(event(snapshot, "ice").body.get("cookies").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ivr_press_1_joins_the_sales_conference() {
    let started = Instant::now();
    let rig = Rig::start(config(), "/ivr").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    has_event(&rig.emulator, &call, "ice").await;
    assert!(rig.emulator.press(&call, "1"));

    let snapshot = rig
        .emulator
        .wait_for(&call, WAIT, |s| s.conference.as_deref() == Some(SALES_ROOM))
        .await
        .unwrap_or_else(|| panic!("not in the conference: {:?}", rig.emulator.call(&call)));
    assert_eq!(snapshot.status, "ONGOING");

    let conference = rig
        .client
        .get_conference(SALES_ROOM)
        .await
        .expect("get_conference");
    assert_eq!(conference.participants.len(), 1, "{conference:?}");
    let me = &conference.participants[0];
    assert_eq!(me.id.as_deref(), Some(call.as_str()));
    assert_eq!(me.cli.as_deref(), Some(CALLER));
    assert_eq!(me.muted, Some(false));

    rig.client
        .mute_participant(SALES_ROOM, &call)
        .await
        .expect("mute");
    let conference = rig
        .client
        .get_conference(SALES_ROOM)
        .await
        .expect("get_conference");
    assert_eq!(conference.participants[0].muted, Some(true));

    rig.client
        .kick_participant_from_conference(SALES_ROOM, &call)
        .await
        .expect("kick");
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    assert_eq!(event_names(&snapshot), ["ice", "pie", "dice"]);
    let dice = event(&snapshot, "dice");
    assert_eq!(dice.body["reason"], "MANAGERHANGUP", "{}", dice.body);
    assert_eq!(dice.body["result"], "ANSWERED", "{}", dice.body);
    assert_eq!(event(&snapshot, "pie").body["menuResult"]["value"], "sales");
    assert!(said(&snapshot, WELCOME), "{:?}", snapshot.transcript);
    assert!(said(&snapshot, TO_SALES), "{:?}", snapshot.transcript);
    assert_cookie_carried(&rig, &call, &snapshot);
    for e in &snapshot.events {
        assert_eq!(e.status, 200, "{} answered {}", e.event, e.status);
    }
    // The handler ran for each (so the Verifier accepted each), and the independent check.
    assert_eq!(rig.seen.of(&call), ["ice", "pie", "dice"]);
    rig.assert_signed(&call, &snapshot);

    let info = rig.client.get_call(&call).await.expect("get_call");
    assert_eq!(info.status.map(|s| s.to_string()).as_deref(), Some("FINAL"));
    assert_eq!(
        info.reason.map(|s| s.to_string()).as_deref(),
        Some("MANAGERHANGUP")
    );
    let (status, code, _) = api_error(rig.client.get_conference(SALES_ROOM).await);
    assert_eq!((status, code), (404, Some(40400)));
    eprintln!("ivr press 1: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ivr_press_2_says_goodbye_and_hangs_up() {
    let started = Instant::now();
    let rig = Rig::start(config(), "/ivr").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    has_event(&rig.emulator, &call, "ice").await;
    // The ICE's callResourceUrl is on the configured calling_url, so the client manages the
    // call there.
    let ice = event(&rig.emulator.call(&call).unwrap(), "ice")
        .body
        .clone();
    assert_eq!(ice["cli"], CALLER_CLI, "{ice}");
    assert_eq!(ice["to"]["endpoint"], OUR_NUMBER, "{ice}");
    let handle = rig
        .client
        .call_at(ice["callResourceUrl"].as_str().expect("callResourceUrl"))
        .expect("the emulator's callResourceUrl is trusted");
    assert_eq!(handle.call_id(), call);
    let info = handle.get().await.expect("get via callResourceUrl");
    assert_eq!(
        info.status.map(|s| s.to_string()).as_deref(),
        Some("ONGOING")
    );
    assert!(rig.emulator.press(&call, "2"));
    let snapshot = ended_with_dice(&rig.emulator, &call).await;

    assert_eq!(event_names(&snapshot), ["ice", "pie", "dice"]);
    assert_eq!(snapshot.status, "FINAL");
    assert_eq!(snapshot.result, "ANSWERED");
    assert_eq!(snapshot.reason, "MANAGERHANGUP");
    assert_eq!(event(&snapshot, "dice").body["reason"], "MANAGERHANGUP");
    let menu = &event(&snapshot, "pie").body["menuResult"];
    assert_eq!(menu["type"], "return", "{menu}");
    assert_eq!(menu["value"], "goodbye", "{menu}");
    assert_eq!(menu["menuId"], "main", "{menu}");
    let position = |text: &str| {
        let lines = snapshot.transcript_lines();
        lines.iter().position(|l| l.contains(text))
    };
    let (welcome, goodbye) = (position(WELCOME), position(GOODBYE));
    assert!(
        matches!((welcome, goodbye), (Some(w), Some(g)) if w < g),
        "{:?}",
        snapshot.transcript
    );
    assert_cookie_carried(&rig, &call, &snapshot);
    assert_eq!(rig.seen.of(&call), ["ice", "pie", "dice"]);
    rig.assert_signed(&call, &snapshot);
    // The call is over: no more input.
    assert!(!rig.emulator.press(&call, "1"));
    assert!(!rig.emulator.hang_up(&call));
    eprintln!("ivr press 2: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ivr_without_input_times_out_to_a_pie() {
    let started = Instant::now();
    let rig = Rig::start(
        Config {
            menu_timeout: Duration::from_millis(300),
            ..config()
        },
        "/ivr",
    )
    .await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    assert_eq!(event_names(&snapshot), ["ice", "pie", "dice"]);
    assert_eq!(
        event(&snapshot, "pie").body["menuResult"]["type"],
        "timeout"
    );
    assert!(said(&snapshot, GOODBYE), "{:?}", snapshot.transcript);
    rig.assert_signed(&call, &snapshot);
    eprintln!("ivr timeout: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ivr_caller_hangs_up_in_the_menu() {
    let rig = Rig::start(config(), "/ivr").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    has_event(&rig.emulator, &call, "ice").await;
    assert!(rig.emulator.hang_up(&call));
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    // callbacks.md: the menu's result is `hangup`, in a PIE before the DiCE.
    assert_eq!(event_names(&snapshot), ["ice", "pie", "dice"]);
    let pie = &event(&snapshot, "pie").body["menuResult"];
    assert_eq!(pie["type"], "hangup", "{pie}");
    assert_eq!(pie["menuId"], "main", "{pie}");
    assert_eq!(event(&snapshot, "dice").body["reason"], "CALLERHANGUP");
    assert_eq!(rig.seen.of(&call), ["ice", "pie", "dice"]);
    // The PIE's answer is not obeyed: the caller is gone.
    assert!(!said(&snapshot, GOODBYE), "{:?}", snapshot.transcript);
    rig.assert_signed(&call, &snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_custom_callout_ace_menu_pie_hangup() {
    let started = Instant::now();
    let rig = Rig::start(config(), "/ivr").await;
    let call = rig
        .client
        .callout(
            CustomCallout::new()
                .cli(OUR_OTHER_NUMBER)
                .destination(CALLER)
                .custom("menu"),
        )
        .await
        .expect("custom callout");
    has_event(&rig.emulator, &call, "ace").await;
    assert!(rig.emulator.press(&call, "2"));
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    assert_eq!(event_names(&snapshot), ["ace", "pie", "dice"]);
    assert_eq!(event(&snapshot, "ace").body["custom"], "menu");
    assert_eq!(
        event(&snapshot, "pie").body["menuResult"]["value"],
        "goodbye"
    );
    assert_eq!(event(&snapshot, "dice").body["reason"], "MANAGERHANGUP");
    assert!(said(&snapshot, ACE_GREETING), "{:?}", snapshot.transcript);
    assert!(said(&snapshot, GOODBYE), "{:?}", snapshot.transcript);
    assert_eq!(rig.seen.of(&call), ["ace", "pie", "dice"]);
    rig.assert_signed(&call, &snapshot);
    eprintln!("outbound custom callout: {:?}", started.elapsed());
}

/// The typed assertion API: transcript entries as enum variants (and their `Display`, the
/// control API's line), callbacks read by ext's parser, the SVAML answered, and the ICE a
/// custom callout carries as a string inside its JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_transcript_events_and_custom_callout_ice() {
    let rig = Rig::start(config(), "/ivr").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let ice = rig
        .emulator
        .wait_for_event(&call, EventKind::Ice, WAIT)
        .await
        .expect("an ICE");
    assert_eq!(ice.kind(), Some(EventKind::Ice));
    match ice.callback() {
        Ok(CallbackEvent::Ice(event)) => {
            assert_eq!(event.callid.as_deref(), Some(call.as_str()));
            assert_eq!(event.cli.as_deref(), Some(CALLER_CLI));
        }
        other => panic!("not a typed ICE: {other:?}"),
    }
    let reply = ice.reply_svaml::<Ice>().expect("a JSON answer").unwrap();
    assert!(
        matches!(reply.action(), Some(Action::RunMenu(_))),
        "{reply:?}"
    );
    assert!(rig.emulator.press(&call, "2"));
    let snapshot = ended_with_dice(&rig.emulator, &call).await;

    // The transcript, matched as variants.
    let welcome = TranscriptEntry::Say {
        locale: Some("en-US".into()),
        text: WELCOME.into(),
    };
    assert_eq!(snapshot.transcript.first(), Some(&welcome));
    assert_eq!(welcome.to_string(), format!("say (en-US): {WELCOME}"));
    assert!(
        snapshot.transcript.iter().any(|e| matches!(
            e,
            TranscriptEntry::Play { locale: Some(l), prompt }
                if l == "en-US" && prompt == "#tts[Press 1 for sales, 2 to leave.]"
        )),
        "{:?}",
        snapshot.transcript
    );
    let keys = TranscriptEntry::Keys { keys: "2".into() };
    assert!(
        snapshot.transcript.contains(&keys),
        "{:?}",
        snapshot.transcript
    );
    assert_eq!(snapshot.said().collect::<Vec<_>>(), [WELCOME, GOODBYE]);
    // Display is the control API's line, entry for entry.
    let view = rig.emulator.call_view(&call).expect("the call's view");
    assert_eq!(view.transcript, snapshot.transcript_lines());
    assert!(
        view.transcript.contains(&"keys: 2".to_string()),
        "{:?}",
        view.transcript
    );

    // The PIE, as the application's parser reads it, and the PIE reply, typed.
    let pie = snapshot.event(EventKind::Pie).expect("a PIE");
    let Ok(CallbackEvent::Pie(event)) = pie.callback() else {
        panic!("not a typed PIE: {pie:?}");
    };
    assert_eq!(event.outcome(), MenuOutcome::Returned("goodbye"));
    assert_eq!(event.menu_id(), Some("main"));
    let reply = pie.reply_svaml::<Pie>().expect("a JSON answer").unwrap();
    assert!(
        matches!(reply.action(), Some(Action::Hangup(_))),
        "{reply:?}"
    );
    assert!(matches!(
        snapshot.event("dice").map(EventRecord::callback),
        Some(Ok(CallbackEvent::Dice(_)))
    ));

    // A custom callout with inline ICE: the request log reads it back as typed SVAML.
    let ice = IceResponse::builder()
        .say("Connecting you now.", "en-US")
        .connect_pstn(ConnectPstn::to(OUR_NUMBER).cli(OUR_OTHER_NUMBER))
        .build()
        .unwrap();
    let custom = rig
        .client
        .callout(
            CustomCallout::new()
                .ice(ice.clone())
                .destination(CALLER)
                .cli(OUR_OTHER_NUMBER)
                .ace(AceResponse::builder().proceed().build().unwrap()),
        )
        .await
        .expect("custom callout")
        .into_string();
    let request = rig
        .emulator
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.custom_callout_ice().is_some())
        .expect("the custom callout request");
    match request.custom_callout_ice() {
        Some(Ok(CalloutReply::Svaml(sent))) => {
            assert_eq!(sent, ice);
            assert!(
                matches!(sent.action(), Some(Action::ConnectPstn(c)) if c.number.as_deref() == Some(OUR_NUMBER))
            );
        }
        other => panic!("not typed ICE SVAML: {other:?}"),
    }
    assert!(matches!(
        request.custom_callout_ace(),
        Some(Ok(CalloutReply::Svaml(_)))
    ));
    assert!(request.custom_callout_pie().is_none());
    // Any other request: none of it.
    rig.client.get_call(&custom).await.expect("get_call");
    let last = rig.emulator.requests().pop().expect("the GET");
    assert_eq!(last.method, "GET");
    assert!(last.custom_callout_ice().is_none());

    let connected = rig
        .emulator
        .wait_for(&custom, WAIT, |s| {
            s.transcript
                .iter()
                .any(|e| matches!(e, TranscriptEntry::Connected { .. }))
        })
        .await
        .unwrap_or_else(|| panic!("not connected: {:?}", rig.emulator.call(&custom)));
    assert_eq!(
        connected.said().next(),
        Some("Connecting you now."),
        "{:?}",
        connected.transcript
    );
    let line = connected
        .transcript
        .iter()
        .find(|e| matches!(e, TranscriptEntry::Connected { .. }))
        .unwrap();
    assert_eq!(line.to_string(), format!("connected to {OUR_NUMBER}"));
    rig.emulator.hang_up(&custom);
    ended(&rig.emulator, &custom).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_conference_callout_with_ace_and_dice() {
    let rig = Rig::start(config(), "/ivr").await;
    let room = "outbound-room";
    let request = ConferenceCallout::to(CALLER, room)
        .cli(OUR_OTHER_NUMBER)
        .custom("conf")
        .enable_ace(true)
        .enable_dice(true);
    let call = rig
        .client
        .callout(request)
        .await
        .expect("conference callout");
    rig.emulator
        .wait_for(&call, WAIT, |s| s.conference.as_deref() == Some(room))
        .await
        .unwrap_or_else(|| panic!("not in {room}: {:?}", rig.emulator.call(&call)));
    let conference = rig.client.get_conference(room).await.expect("conference");
    assert_eq!(
        conference.participants[0].id.as_deref(),
        Some(call.as_str())
    );
    rig.client
        .kick_all_from_conference(room)
        .await
        .expect("kick all");
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    assert_eq!(event_names(&snapshot), ["ace", "dice"]);
    assert_eq!(
        event(&snapshot, "ace").reply,
        Some(json!({"action": {"name": "continue"}}))
    );
    assert_eq!(event(&snapshot, "dice").body["reason"], "MANAGERHANGUP");
    assert_eq!(rig.seen.of(&call), ["ace", "dice"]);
    rig.assert_signed(&call, &snapshot);
}

/// `wait_until_ended` promises the call is over *and its last callback was answered*: for an
/// inbound call the last callback is the DiCE (answered here after 200 ms, so the order is
/// deterministic).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_until_ended_includes_the_last_callback() {
    let rig = Rig::start(config(), "/dice-slow").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let snapshot = ended(&rig.emulator, &call).await;
    assert_eq!(
        event_names(&snapshot),
        ["ice", "dice"],
        "wait_until_ended returned before the DiCE was answered"
    );
}

// ---------------------------------------------------------------------------------------
// 3. Every callback verifies, by ext's Verifier and independently.
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_callback_is_signed_for_its_path() {
    let rig = Rig::start(config(), "/ivr").await;
    // Several calls and every kind of callback: ICE, PIE, DiCE (inbound); ACE (callout);
    // Notify (invalid SVAML, to another path).
    let inbound = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    has_event(&rig.emulator, &inbound, "ice").await;
    rig.emulator.press(&inbound, "2");
    let callout = rig
        .client
        .callout(CustomCallout::new().destination(CALLER).custom("menu"))
        .await
        .expect("custom callout");
    has_event(&rig.emulator, &callout, "ace").await;
    rig.emulator.press(&callout, "2");
    let first = ended_with_dice(&rig.emulator, &inbound).await;
    let second = ended_with_dice(&rig.emulator, &callout).await;

    rig.emulator.set_callback_url(rig.url("/ice-continue"));
    let failing = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let third = ended_with_dice(&rig.emulator, &failing).await;
    assert!(event_names(&third).contains(&"notify"));

    rig.assert_signed(&inbound, &first);
    rig.assert_signed(&callout, &second);
    rig.assert_signed(&failing, &third);
    // The Verifier let through exactly what the server got on /ivr.
    for (id, snapshot) in [(inbound.as_str(), &first), (callout.as_str(), &second)] {
        assert_eq!(rig.seen.of(id), event_names(snapshot));
    }

    let all = rig.probe.all();
    assert_eq!(
        all.len(),
        3 + 3 + 3,
        "{:?}",
        all.iter().map(|r| &r.event).collect::<Vec<_>>()
    );
    let kinds: std::collections::BTreeSet<&str> = all.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["ace", "dice", "ice", "notify", "pie"]
    );
    assert!(all.iter().all(|r| r.verified.is_ok()));
    // Each body is an event ext parses, of the kind it says.
    for r in &all {
        let parsed = sinch_voice::callbacks::CallbackEvent::parse(&r.bytes)
            .unwrap_or_else(|e| panic!("{} does not parse: {e} in {}", r.event, r.body));
        assert_eq!(parsed.name(), r.event);
        assert_eq!(parsed.callid(), Some(r.call_id.as_str()));
    }

    // The independent check can fail: another path, a changed byte, another secret.
    let sample = &all[0];
    let check = |path: &str, body: &[u8], secret: &[u8]| {
        recompute(&rig.probe.key, secret, "POST", path, &sample.headers, body)
    };
    assert_eq!(
        check(&sample.path, &sample.bytes, &rig.probe.secret),
        Ok(())
    );
    assert!(check("/elsewhere", &sample.bytes, &rig.probe.secret).is_err());
    let mut tampered = sample.bytes.to_vec();
    tampered[1] ^= 0x20;
    assert!(check(&sample.path, &tampered, &rig.probe.secret).is_err());
    assert!(check(&sample.path, &sample.bytes, b"another secret").is_err());
    // And ext's Verifier agrees on the same bytes.
    let verifier = Verifier::new(&rig.emulator.credentials());
    assert_eq!(
        verifier.verify("POST", &sample.path, &sample.headers, &sample.bytes),
        Ok(())
    );
    assert!(
        verifier
            .verify("POST", "/elsewhere", &sample.headers, &sample.bytes)
            .is_err()
    );
}

// ---------------------------------------------------------------------------------------
// 4. Failure handling (callbacks.md §1).
// ---------------------------------------------------------------------------------------

/// The call failed because of the callback: FINAL, the call's reason, a DiCE CALLBACKERROR.
async fn assert_failed_call(rig: &Rig, call: &str, call_reason: &[&str]) -> CallSnapshot {
    let snapshot = ended_with_dice(&rig.emulator, call).await;
    assert_eq!(snapshot.status, "FINAL");
    assert_eq!(snapshot.result, "FAILED", "{snapshot:?}");
    assert!(
        call_reason.contains(&snapshot.reason.as_str()),
        "reason {} not in {call_reason:?}",
        snapshot.reason
    );
    let dice = event(&snapshot, "dice");
    assert_eq!(dice.body["reason"], "CALLBACKERROR", "{}", dice.body);
    assert_eq!(dice.body["result"], "FAILED", "{}", dice.body);
    let info = rig.client.get_call(call).await.expect("get_call");
    assert_eq!(info.status.map(|s| s.to_string()).as_deref(), Some("FINAL"));
    assert_eq!(
        info.reason.map(|s| s.to_string()).as_deref(),
        Some(snapshot.reason.as_str())
    );
    rig.assert_signed(call, &snapshot);
    snapshot
}

fn assert_illegal_svaml_notified(snapshot: &CallSnapshot) {
    assert_eq!(event_names(snapshot), ["ice", "notify", "dice"]);
    let notify = &event(snapshot, "notify").body;
    assert_eq!(notify["type"], "callingerror", "{notify}");
    assert_eq!(notify["errorCode"], 40001, "{notify}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_answered_with_svaml_ice_does_not_allow() {
    let rig = Rig::start(config(), "/ice-continue").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let snapshot = assert_failed_call(&rig, &call, &["INVALIDSVAMLACTION", "CALLBACKERROR"]).await;
    assert_illegal_svaml_notified(&snapshot);
    assert_eq!(event(&snapshot, "ice").status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_answered_with_garbage() {
    let rig = Rig::start(config(), "/ice-garbage").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let snapshot = assert_failed_call(&rig, &call, &["INVALIDSVAMLACTION", "CALLBACKERROR"]).await;
    assert_illegal_svaml_notified(&snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_answered_with_500() {
    let rig = Rig::start(config(), "/ice-500").await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let snapshot = assert_failed_call(&rig, &call, &["CALLBACKERROR"]).await;
    assert_eq!(event(&snapshot, "ice").status, 500);
    assert_eq!(event_names(&snapshot).first(), Some(&"ice"));
    assert_eq!(event_names(&snapshot).last(), Some(&"dice"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_not_answered_in_time() {
    let started = Instant::now();
    let rig = Rig::start(
        Config {
            callback_timeout: Duration::from_millis(300),
            ..config()
        },
        "/ice-slow",
    )
    .await;
    let call = rig
        .emulator
        .inbound_call(CALLER, OUR_NUMBER)
        .expect("an assigned number");
    let snapshot = assert_failed_call(&rig, &call, &["CALLBACKERROR"]).await;
    let ice = event(&snapshot, "ice");
    assert_eq!(ice.status, 0, "no answer came");
    assert_eq!(ice.reply, None);
    // Given up after the callback timeout, not after the server's 2 s.
    assert!(
        event(&snapshot, "dice").at < Duration::from_millis(1500),
        "{:?}",
        snapshot.events
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// callbacks.md §1: an ICE not answered in time gets "an error message played to the
/// caller" before the disconnect, as an invalid reply does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_failures_play_an_error_message() {
    for (path, timeout) in [
        ("/ice-continue", Duration::from_secs(2)),
        ("/ice-slow", Duration::from_millis(300)),
    ] {
        let rig = Rig::start(
            Config {
                callback_timeout: timeout,
                ..config()
            },
            path,
        )
        .await;
        let call = rig
            .emulator
            .inbound_call(CALLER, OUR_NUMBER)
            .expect("an assigned number");
        let snapshot = ended_with_dice(&rig.emulator, &call).await;
        assert!(
            !snapshot.transcript.is_empty(),
            "{path}: nothing was played to the caller before the disconnect"
        );
    }
}

async fn tts_with_ace(rig: &Rig) -> String {
    rig.client
        .callout(
            TtsCallout::to(CALLER)
                .cli(OUR_OTHER_NUMBER)
                .text("Your parcel has arrived.")
                .enable_ace(true)
                .enable_dice(true),
        )
        .await
        .expect("tts callout")
        .into_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ace_not_answered_in_time_continues() {
    let rig = Rig::start(
        Config {
            callback_timeout: Duration::from_millis(300),
            ..config()
        },
        "/ace-slow",
    )
    .await;
    let call = tts_with_ace(&rig).await;
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    assert_eq!(event_names(&snapshot), ["ace", "dice"]);
    assert_eq!(event(&snapshot, "ace").status, 0);
    assert!(
        said(&snapshot, "Your parcel has arrived."),
        "the call did not continue: {:?}",
        snapshot.transcript
    );
    assert_eq!(snapshot.result, "ANSWERED");
    assert_eq!(snapshot.reason, "MANAGERHANGUP");
    rig.assert_signed(&call, &snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ace_answered_with_500_continues() {
    let rig = Rig::start(config(), "/ace-500").await;
    let call = tts_with_ace(&rig).await;
    let snapshot = ended_with_dice(&rig.emulator, &call).await;
    assert_eq!(event_names(&snapshot), ["ace", "dice"]);
    assert_eq!(event(&snapshot, "ace").status, 500);
    assert!(
        said(&snapshot, "Your parcel has arrived."),
        "{:?}",
        snapshot.transcript
    );
    assert_eq!(snapshot.result, "ANSWERED");
}

// ---------------------------------------------------------------------------------------
// 5. Bad input to the emulator.
// ---------------------------------------------------------------------------------------

struct Answer {
    status: u16,
    body: Value,
}

/// A request signed with `sign_http_request`, sent as is.
async fn signed(
    emulator: &EmulatorHandle,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Result<Answer, reqwest::Error> {
    let mut builder = axum::http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", emulator.url()));
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    let mut request = builder.body(body).expect("a request");
    sign_http_request(
        &emulator.credentials(),
        &mut request,
        &format_timestamp(Utc::now()),
    )
    .expect("signed");
    let request = reqwest::Request::try_from(request).expect("a reqwest request");
    let response = http().execute(request).await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Ok(Answer { status, body })
}

async fn post_json(emulator: &EmulatorHandle, path: &str, body: &str) -> Answer {
    signed(
        emulator,
        Method::POST,
        path,
        Some("application/json"),
        body.as_bytes().to_vec(),
    )
    .await
    .expect("an answer")
}

/// A 400 with errorCode 40001 whose message mentions every one of `words`.
fn assert_bad_request(answer: &Answer, words: &[&str]) {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], 40001, "{}", answer.body);
    let message = answer.body["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "{}", answer.body);
    for word in words {
        assert!(
            message.contains(word),
            "message {message:?} does not mention {word:?}"
        );
    }
}

const CALLOUTS: &str = "/calling/v1/callouts";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400_40001() {
    let emulator = Emulator::builder().config(config()).start().await.unwrap();
    let answer = post_json(
        &emulator,
        CALLOUTS,
        r#"{"method":"ttsCallout","ttsCallout":{"#,
    )
    .await;
    assert_bad_request(&answer, &[]);
    let answer = post_json(&emulator, CALLOUTS, "[1, 2").await;
    assert_bad_request(&answer, &[]);
    let answer = post_json(&emulator, CALLOUTS, r#"{"method":"ttsCallout"} trailing"#).await;
    assert_bad_request(&answer, &[]);
    assert!(emulator.call_ids().is_empty(), "no call was placed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_callout_method_names_the_field() {
    let emulator = Emulator::builder().config(config()).start().await.unwrap();
    let answer = post_json(
        &emulator,
        CALLOUTS,
        r#"{"method":"smsCallout","smsCallout":{"destination":{"type":"number","endpoint":"+46701234567"}}}"#,
    )
    .await;
    assert_bad_request(&answer, &["method", "smsCallout"]);
    assert!(emulator.call_ids().is_empty());
}

/// Wrong types inside a callout (the body is an internally tagged enum on `method`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callout_wrong_types_name_the_field() {
    let emulator = Emulator::builder().config(config()).start().await.unwrap();
    // A missing nested object is "missing parameter" (40002, rest-api.md §5).
    let answer = post_json(&emulator, CALLOUTS, r#"{"method":"ttsCallout"}"#).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], 40002, "{}", answer.body);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("ttsCallout"),
        "{}",
        answer.body
    );
    let answer = post_json(
        &emulator,
        CALLOUTS,
        r#"{"method":"ttsCallout","ttsCallout":5}"#,
    )
    .await;
    assert_bad_request(&answer, &["ttsCallout"]);
    let answer = post_json(
        &emulator,
        CALLOUTS,
        r#"{"method":"ttsCallout","ttsCallout":{"destination":46701234567,"cli":"+14045001000","text":"Hi"}}"#,
    )
    .await;
    assert_bad_request(&answer, &["destination"]);
    let answer = post_json(
        &emulator,
        CALLOUTS,
        r#"{"method":"conferenceCallout","conferenceCallout":{"destination":{"type":"number","endpoint":"+46701234567"},"conferenceId":"r","enableAce":"yes"}}"#,
    )
    .await;
    assert_bad_request(&answer, &["enableAce"]);
    assert!(emulator.call_ids().is_empty());
}

/// Wrong types in the other operations' bodies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_wrong_types_name_the_field() {
    let emulator = Emulator::builder().config(config()).start().await.unwrap();
    let answer = post_json(
        &emulator,
        "/v1/configuration/numbers",
        r#"{"numbers":"+46812345678"}"#,
    )
    .await;
    assert_bad_request(&answer, &["numbers"]);
    let key = emulator.application_key().to_string();
    let answer = post_json(
        &emulator,
        &format!("/v1/configuration/callbacks/applications/{key}"),
        r#"{"url":{"primary":42}}"#,
    )
    .await;
    assert_bad_request(&answer, &["primary"]);
    // A conference that exists and an ongoing call, so the body is what is wrong.
    let client = client(&emulator, AuthMode::Signed);
    let call = client.conference_callout(CALLER, "typed").await.unwrap();
    emulator
        .wait_for(&call, WAIT, |s| s.conference.is_some())
        .await
        .expect("joined");
    let answer = signed(
        &emulator,
        Method::PATCH,
        &format!("/calling/v1/conferences/id/typed/{call}"),
        Some("application/json"),
        br#"{"command":"explode"}"#.to_vec(),
    )
    .await
    .unwrap();
    assert_bad_request(&answer, &["command"]);
    let answer = signed(
        &emulator,
        Method::PATCH,
        &format!("/calling/v1/calls/id/{call}"),
        Some("application/json"),
        br#"{"instructions":"say hi","action":{"name":"hangup"}}"#.to_vec(),
    )
    .await
    .unwrap();
    assert_bad_request(&answer, &["instructions"]);
    let answer = signed(
        &emulator,
        Method::PATCH,
        &format!("/calling/v1/calls/id/{call}/leg/sideways"),
        Some("application/json"),
        br#"{"action":{"name":"hangup"}}"#.to_vec(),
    )
    .await
    .unwrap();
    assert_bad_request(&answer, &["callLeg"]);
    // None of it touched the call.
    let snapshot = emulator.call(&call).unwrap();
    assert_eq!(snapshot.status, "ONGOING", "{snapshot:?}");
    assert_eq!(emulator.call_ids().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1_mib_body_is_413() {
    let emulator = Emulator::builder().config(config()).start().await.unwrap();
    let mut body = br#"{"method":"ttsCallout","ttsCallout":{"text":""#.to_vec();
    body.extend(std::iter::repeat_n(b'a', 1 << 20));
    body.extend(br#""}}"#);
    let answer = signed(
        &emulator,
        Method::POST,
        CALLOUTS,
        Some("application/json"),
        body,
    )
    .await
    .expect("an answer, not a reset connection");
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(emulator.call_ids().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_then_a_good_one() {
    let started = Instant::now();
    let emulator = Emulator::builder().config(config()).start().await.unwrap();
    let client = client(&emulator, AuthMode::Signed);

    // Unknown paths.
    for path in [
        "/calling/v1/nothing",
        "/",
        "/calling/v1/calls/id",
        "/v1/configuration/numbers/extra",
    ] {
        let answer = signed(&emulator, Method::GET, path, None, Vec::new())
            .await
            .unwrap();
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], 40400, "{path}: {}", answer.body);
    }
    // Wrong methods.
    for (method, path) in [
        (Method::GET, CALLOUTS),
        (Method::PUT, "/v1/configuration/numbers"),
        (Method::POST, "/calling/v1/calls/id/abc"),
        (Method::GET, "/calling/v1/conferences/id/room/abc"),
    ] {
        let answer = signed(&emulator, method.clone(), path, None, Vec::new())
            .await
            .unwrap();
        assert_eq!(answer.status, 405, "{method} {path}: {}", answer.body);
    }
    // Unknown ids.
    let (status, code, message) = api_error(client.get_call("ffffffffffffffff").await);
    assert_eq!((status, code), (404, Some(40400)), "{message}");
    let bye = CallUpdate::builder().hangup().build().unwrap();
    let (status, code, _) = api_error(client.update_call("ffffffffffffffff", &bye).await);
    assert_eq!((status, code), (404, Some(40400)));
    let (status, code, _) = api_error(client.get_conference("no-such-room").await);
    assert_eq!((status, code), (404, Some(40400)));
    let (status, code, _) = api_error(
        client
            .kick_participant_from_conference("no-such-room", "abc")
            .await,
    );
    assert_eq!((status, code), (404, Some(40400)));
    // A body that is not JSON by its content type.
    let answer = signed(
        &emulator,
        Method::POST,
        CALLOUTS,
        Some("text/plain"),
        b"hello".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 415, "{}", answer.body);
    // A signed request whose body was changed after signing.
    let mut request = axum::http::Request::post(format!("{}{CALLOUTS}", emulator.url()))
        .header(header::CONTENT_TYPE, "application/json")
        .body(br#"{"method":"ttsCallout"}"#.to_vec())
        .unwrap();
    sign_http_request(
        &emulator.credentials(),
        &mut request,
        &format_timestamp(Utc::now()),
    )
    .unwrap();
    *request.body_mut() = br#"{"method":"ttsCallouT"}"#.to_vec();
    let response = http()
        .execute(reqwest::Request::try_from(request).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], 40102, "{body}");
    // Malformed and oversized, once more.
    let answer = post_json(&emulator, CALLOUTS, "{").await;
    assert_bad_request(&answer, &[]);
    let big = signed(
        &emulator,
        Method::POST,
        CALLOUTS,
        Some("application/json"),
        vec![b' '; 1 << 20],
    )
    .await;
    if let Ok(answer) = big {
        assert_eq!(answer.status, 413);
    }

    // Still serving, and nothing was placed by the bad requests.
    assert!(emulator.call_ids().is_empty());
    let numbers = client.list_numbers().await.expect("still serving");
    assert_eq!(numbers.numbers.len(), 2);
    let call = client
        .tts_callout(CALLER, OUR_OTHER_NUMBER, "Still here.")
        .await
        .expect("still placing calls");
    let snapshot = ended(&emulator, &call).await;
    assert!(said(&snapshot, "Still here."));
    eprintln!("bad requests: {:?}", started.elapsed());
}
