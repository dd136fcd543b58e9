//! Every request builder, through a loopback server that records what arrives: the exact
//! JSON with every field set and with none set, and each value the platform would refuse
//! stopped before anything is sent (the server sees nothing).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sinch_voice::svaml::{
    AceResponse, ConferenceDtmfOptions, ConnectPstn, DtmfMode, IceResponse, LegUpdate, Prompt,
};
use sinch_voice::{
    AssignNumbers, CallLeg, CallbackUrls, CalloutReply, Capability, Client, ConferenceCallout,
    Credentials, CustomCallout, Destination, Domain, Error, IntoRequest, MusicOnHold, RetryPolicy,
    TtsCallout, UnassignNumber,
};

#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    body: Value,
}

type Log = Arc<Mutex<Vec<Seen>>>;

struct Server {
    url: String,
    log: Log,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(log): State<Log>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(lossy(&body)))
    };
    log.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        body: json,
    });
    if path == "/calling/v1/callouts" {
        return (
            [("content-type", "application/json")],
            r#"{"callId":"4398599d1ba84ef3bde0a82dfb61abed"}"#,
        )
            .into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

fn lossy(bytes: &Bytes) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn server() -> Server {
    let log: Log = Arc::default();
    let app = Router::new().fallback(record).with_state(Arc::clone(&log));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server { url, log, task }
}

fn client(server: &Server) -> Client {
    Client::builder()
        .credentials(Credentials::new("app-key", "c2VjcmV0").unwrap())
        .calling_url(&server.url)
        .configuration_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn only(server: &Server) -> Seen {
    let seen = server.log.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "expected one request, got {seen:?}");
    seen.into_iter().next().unwrap()
}

fn nothing_sent(server: &Server) {
    let seen = server.log.lock().unwrap().clone();
    assert!(
        seen.is_empty(),
        "a refused request reached the server: {seen:?}"
    );
}

fn field_of<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected an invalid input, got {other:?}"),
    }
}

const TO: &str = "+46701234567";
const CLI: &str = "+14045001000";

// ------------------------------------------------------------------ callouts

#[tokio::test]
async fn tts_callout_with_every_field() {
    let server = server().await;
    let id = client(&server)
        .callout(
            TtsCallout::to(TO)
                .cli(CLI)
                .text("Your appointment is tomorrow.")
                .prompts(Prompt::tts("Goodbye").then(Prompt::file("beep")))
                .locale("en-GB")
                .dtmf("ww1#")
                .domain(Domain::Pstn)
                .custom("order-1")
                .enable_ace(true)
                .enable_dice(true)
                .enable_pie(false),
        )
        .await
        .unwrap();
    assert_eq!(id, "4398599d1ba84ef3bde0a82dfb61abed");
    let seen = only(&server);
    assert_eq!(
        (seen.method, seen.path.as_str()),
        (Method::POST, "/calling/v1/callouts")
    );
    assert_eq!(
        seen.body,
        json!({
            "method": "ttsCallout",
            "ttsCallout": {
                "destination": {"type": "number", "endpoint": TO},
                "cli": CLI,
                "text": "Your appointment is tomorrow.",
                "prompts": "#tts[Goodbye];beep",
                "locale": "en-GB",
                "dtmf": "ww1#",
                "domain": "pstn",
                "custom": "order-1",
                "enableAce": true,
                "enableDice": true,
                "enablePie": false
            }
        })
    );
}

#[tokio::test]
async fn tts_callout_with_only_what_is_required() {
    let server = server().await;
    client(&server)
        .callout(TtsCallout::to(TO).cli(CLI).text("Hi"))
        .await
        .unwrap();
    assert_eq!(
        only(&server).body,
        json!({"method": "ttsCallout", "ttsCallout": {
            "destination": {"type": "number", "endpoint": TO}, "cli": CLI, "text": "Hi"}})
    );
}

#[tokio::test]
async fn tts_callout_shortcut_is_the_same_request() {
    let server = server().await;
    client(&server).tts_callout(TO, CLI, "Hi").await.unwrap();
    assert_eq!(
        only(&server).body,
        json!({"method": "ttsCallout", "ttsCallout": {
            "destination": {"type": "number", "endpoint": TO}, "cli": CLI, "text": "Hi"}})
    );
}

#[tokio::test]
async fn username_and_sip_destinations() {
    let server = server().await;
    let c = client(&server);
    c.callout(
        TtsCallout::to(Destination::username("alice"))
            .text("Hi")
            .enable_ace(true)
            .enable_dice(true),
    )
    .await
    .unwrap();
    c.callout(ConferenceCallout::to(
        Destination::sip("46708000000@sip.example.com"),
        "r1",
    ))
    .await
    .unwrap();
    let seen = server.log.lock().unwrap().clone();
    // ACE and DiCE have no effect on in-app calls: not on the wire.
    assert_eq!(
        seen[0].body["ttsCallout"],
        json!({"destination": {"type": "username", "endpoint": "alice"}, "text": "Hi"})
    );
    assert_eq!(
        seen[1].body["conferenceCallout"]["destination"],
        json!({"type": "sip", "endpoint": "46708000000@sip.example.com"})
    );
}

#[tokio::test]
async fn conference_callout_with_every_field() {
    let server = server().await;
    client(&server)
        .callout(
            ConferenceCallout::to(TO, "standup-42")
                .cli(CLI)
                .conference_dtmf_options(ConferenceDtmfOptions {
                    mode: Some(DtmfMode::Detect),
                    max_digits: Some(2),
                    timeout_mills: Some(4000),
                    ..Default::default()
                })
                .dtmf("1")
                .max_duration(3600)
                .enable_ace(true)
                .enable_dice(true)
                .enable_pie(true)
                .locale("sv-SE")
                .greeting("Välkommen")
                .moh_class(MusicOnHold::Music2)
                .custom("team")
                .domain(Domain::Pstn),
        )
        .await
        .unwrap();
    assert_eq!(
        only(&server).body,
        json!({"method": "conferenceCallout", "conferenceCallout": {
            "destination": {"type": "number", "endpoint": TO},
            "conferenceId": "standup-42",
            "cli": CLI,
            "conferenceDtmfOptions": {"mode": "detect", "maxDigits": 2, "timeoutMills": 4000},
            "dtmf": "1",
            "maxDuration": 3600,
            "enableAce": true,
            "enableDice": true,
            "enablePie": true,
            "locale": "sv-SE",
            "greeting": "Välkommen",
            "mohClass": "music2",
            "custom": "team",
            "domain": "pstn"
        }})
    );
}

#[tokio::test]
async fn conference_callout_with_only_what_is_required() {
    let server = server().await;
    client(&server).conference_callout(TO, "r").await.unwrap();
    assert_eq!(
        only(&server).body,
        json!({"method": "conferenceCallout", "conferenceCallout": {
            "destination": {"type": "number", "endpoint": TO}, "conferenceId": "r"}})
    );
}

#[tokio::test]
async fn custom_callout_with_every_field() {
    let server = server().await;
    let ice = IceResponse::builder()
        .connect_pstn(ConnectPstn::to(TO).cli(CLI))
        .build()
        .unwrap();
    client(&server)
        .callout(
            CustomCallout::new()
                .ice(ice)
                .destination(TO)
                .cli(CLI)
                .dtmf("#")
                .custom("c")
                .max_duration(60)
                .ace(AceResponse::builder().proceed().build().unwrap())
                .pie(CalloutReply::url("https://ivr.example.com/pie")),
        )
        .await
        .unwrap();
    assert_eq!(
        only(&server).body,
        json!({"method": "customCallout", "customCallout": {
            "cli": CLI,
            "destination": {"type": "number", "endpoint": TO},
            "dtmf": "#",
            "custom": "c",
            "maxDuration": 60,
            "ice": format!(r#"{{"action":{{"name":"connectPstn","number":"{TO}","cli":"{CLI}"}}}}"#),
            "ace": r#"{"action":{"name":"continue"}}"#,
            "pie": "https://ivr.example.com/pie"
        }})
    );
}

#[tokio::test]
async fn custom_callout_with_nothing_set() {
    let server = server().await;
    client(&server).callout(CustomCallout::new()).await.unwrap();
    assert_eq!(
        only(&server).body,
        json!({"method": "customCallout", "customCallout": {}})
    );
}

#[tokio::test]
async fn refused_callout_values_name_the_field_and_send_nothing() {
    let server = server().await;
    let c = client(&server);
    // Each case as the body it builds (or the first problem it found while being built).
    type Built = Result<sinch_voice::Callout, sinch_voice::values::FieldError>;
    let cases: Vec<(Built, &str)> = vec![
        (
            TtsCallout::to("46701234567").text("x").into_request(),
            "ttsCallout.destination.endpoint",
        ),
        (
            TtsCallout::to("+46 70").text("x").into_request(),
            "ttsCallout.destination.endpoint",
        ),
        (
            TtsCallout::to(TO).cli("0701").text("x").into_request(),
            "ttsCallout.cli",
        ),
        (
            TtsCallout::to(TO).text("x".repeat(601)).into_request(),
            "ttsCallout.text",
        ),
        (TtsCallout::to(TO).into_request(), "ttsCallout.text"),
        (
            TtsCallout::to(TO).text("x").dtmf("12*").into_request(),
            "ttsCallout.dtmf",
        ),
        (
            TtsCallout::to(TO).text("x").locale(" ").into_request(),
            "ttsCallout.locale",
        ),
        (
            TtsCallout::to(TO)
                .text("x")
                .domain(Domain::Conference)
                .into_request(),
            "ttsCallout.domain",
        ),
        (
            TtsCallout::to(Destination::username(""))
                .text("x")
                .into_request(),
            "ttsCallout.destination.endpoint",
        ),
        (
            TtsCallout::to(Destination::websocket("wss://x"))
                .text("x")
                .into_request(),
            "ttsCallout.destination.type",
        ),
        (
            ConferenceCallout::to(TO, "room a").into_request(),
            "conferenceCallout.conferenceId",
        ),
        (
            ConferenceCallout::to(TO, "").into_request(),
            "conferenceCallout.conferenceId",
        ),
        (
            ConferenceCallout::to(TO, "r".repeat(65)).into_request(),
            "conferenceCallout.conferenceId",
        ),
        (
            ConferenceCallout::to(TO, "r")
                .max_duration(14_401)
                .into_request(),
            "conferenceCallout.maxDuration",
        ),
        (
            ConferenceCallout::to(TO, "r")
                .greeting("g".repeat(601))
                .into_request(),
            "conferenceCallout.greeting",
        ),
        (
            ConferenceCallout::to(TO, "r").cli("+1").into_request(),
            "conferenceCallout.cli",
        ),
        (
            CustomCallout::new().max_duration(14_401).into_request(),
            "customCallout.maxDuration",
        ),
        (
            CustomCallout::new()
                .ice(CalloutReply::url(""))
                .into_request(),
            "customCallout.ice",
        ),
        (
            CustomCallout::new()
                .ice(CalloutReply::url("ftp://x/y"))
                .into_request(),
            "customCallout.ice",
        ),
        (
            CustomCallout::new()
                .ace(CalloutReply::url("not a url"))
                .into_request(),
            "customCallout.ace",
        ),
        (
            CustomCallout::new().destination("0701").into_request(),
            "customCallout.destination.endpoint",
        ),
    ];
    for (callout, field) in cases {
        let outcome = match callout.clone() {
            Ok(body) => c.callout(body).await,
            Err(problem) => Err(sinch_voice::Error::from(problem)),
        };
        assert_eq!(field_of(outcome), field, "{callout:?}");
    }
    nothing_sent(&server);
}

// ------------------------------------------------------------------ calls and conferences

#[tokio::test]
async fn call_leg_and_participant_commands() {
    let server = server().await;
    let c = client(&server);
    let call = "4398599d1ba84ef3bde0a82dfb61abed";
    let prompt = LegUpdate::builder()
        .say("Two minutes left.", "en-US")
        .build()
        .unwrap();
    c.manage_call_leg(call, CallLeg::Callee, &prompt)
        .await
        .unwrap();
    c.mute_participant("r1", call).await.unwrap();
    c.unmute_participant("r1", call).await.unwrap();
    c.hold_participant("r1", call, Some(MusicOnHold::Ring))
        .await
        .unwrap();
    c.hold_participant("r1", call, None).await.unwrap();
    c.resume_participant("r1", call).await.unwrap();
    let seen = server.log.lock().unwrap().clone();
    let got: Vec<(Method, String, Value)> = seen
        .into_iter()
        .map(|s| (s.method, s.path, s.body))
        .collect();
    let participant = format!("/calling/v1/conferences/id/r1/{call}");
    assert_eq!(
        got,
        vec![
            (
                Method::PATCH,
                format!("/calling/v1/calls/id/{call}/leg/callee"),
                json!({"instructions": [{"name": "say", "text": "Two minutes left.", "locale": "en-US"}]})
            ),
            (
                Method::PATCH,
                participant.clone(),
                json!({"command": "mute"})
            ),
            (
                Method::PATCH,
                participant.clone(),
                json!({"command": "unmute"})
            ),
            (
                Method::PATCH,
                participant.clone(),
                json!({"command": "onhold", "moh": "ring"})
            ),
            (
                Method::PATCH,
                participant.clone(),
                json!({"command": "onhold"})
            ),
            (Method::PATCH, participant, json!({"command": "resume"})),
        ]
    );
}

#[tokio::test]
async fn refused_ids_name_the_argument_and_send_nothing() {
    let server = server().await;
    let c = client(&server);
    assert_eq!(
        field_of(c.mute_participant("room a", "abc").await),
        "conference_id"
    );
    assert_eq!(field_of(c.mute_participant("r", "a/b").await), "call_id");
    assert_eq!(
        field_of(c.get_conference(&"r".repeat(65)).await),
        "conference_id"
    );
    assert_eq!(field_of(c.get_call("").await), "call_id");
    assert_eq!(field_of(c.query_number("46701234567").await), "number");
    nothing_sent(&server);
}

// ------------------------------------------------------------------ configuration

#[tokio::test]
async fn numbers_and_callback_urls_with_every_field_and_with_none() {
    let server = server().await;
    let c = client(&server);
    c.assign_numbers(
        AssignNumbers::new([TO, CLI])
            .applicationkey("other-app")
            .capability(Capability::Voice),
    )
    .await
    .unwrap();
    c.assign_numbers(AssignNumbers::new([TO])).await.unwrap();
    c.unassign_number(
        UnassignNumber::new(TO)
            .applicationkey("other-app")
            .capability(Capability::Sms),
    )
    .await
    .unwrap();
    c.unassign_number(UnassignNumber::new(TO)).await.unwrap();
    c.update_callback_urls(
        CallbackUrls::primary("https://ivr.example.com/sinch")
            .fallback("http://backup.example.com/"),
    )
    .await
    .unwrap();
    c.update_callback_urls(CallbackUrls::primary("https://ivr.example.com/sinch"))
        .await
        .unwrap();
    let seen = server.log.lock().unwrap().clone();
    let got: Vec<(Method, String, Value)> = seen
        .into_iter()
        .map(|s| (s.method, s.path, s.body))
        .collect();
    let callbacks = "/v1/configuration/callbacks/applications/app-key".to_string();
    let numbers = "/v1/configuration/numbers".to_string();
    assert_eq!(
        got,
        vec![
            (
                Method::POST,
                numbers.clone(),
                json!({"numbers": [TO, CLI], "applicationkey": "other-app", "capability": "voice"})
            ),
            (Method::POST, numbers.clone(), json!({"numbers": [TO]})),
            (
                Method::DELETE,
                numbers.clone(),
                json!({"number": TO, "applicationkey": "other-app", "capability": "sms"})
            ),
            (Method::DELETE, numbers, json!({"number": TO})),
            (
                Method::POST,
                callbacks.clone(),
                json!({"url": {"primary": "https://ivr.example.com/sinch", "fallback": "http://backup.example.com/"}})
            ),
            (
                Method::POST,
                callbacks,
                json!({"url": {"primary": "https://ivr.example.com/sinch"}})
            ),
        ]
    );
}

#[tokio::test]
async fn refused_configuration_values_name_the_field_and_send_nothing() {
    let server = server().await;
    let c = client(&server);
    let none: [&str; 0] = [];
    assert_eq!(
        field_of(c.assign_numbers(AssignNumbers::new(none)).await),
        "numbers"
    );
    let many: Vec<String> = (0..101).map(|i| format!("+4670123{i:04}")).collect();
    assert_eq!(
        field_of(c.assign_numbers(AssignNumbers::new(many)).await),
        "numbers"
    );
    assert_eq!(
        field_of(c.assign_numbers(AssignNumbers::new([TO, "0701"])).await),
        "numbers[1]"
    );
    assert_eq!(
        field_of(c.unassign_number(UnassignNumber::new("+46-70")).await),
        "number"
    );
    for bad in [
        "",
        "   ",
        "ftp://example.com/x",
        "example.com/sinch",
        "http://",
    ] {
        assert_eq!(
            field_of(c.update_callback_urls(CallbackUrls::primary(bad)).await),
            "url.primary",
            "{bad:?}"
        );
    }
    assert_eq!(
        field_of(
            c.update_callback_urls(CallbackUrls::primary("https://a.example.com").fallback(""))
                .await
        ),
        "url.fallback"
    );
    nothing_sent(&server);
}

#[tokio::test]
async fn every_room_connect_conf_accepts_is_readable_by_get_conference() {
    use sinch_voice::svaml::{ConnectConf, IceResponse};
    let server = server().await;
    let c = client(&server);
    let long = "Z9".repeat(32);
    let rooms = ["a", "room-1", "Team.Standup_2026~x", "-._~", long.as_str()];
    for room in rooms {
        IceResponse::builder()
            .connect_conf(ConnectConf::room(room))
            .build()
            .expect("connectConf takes it");
        // The answer (204, no body) is not a conference; only the path matters here.
        let _ = c.get_conference(room).await;
        let seen = server.log.lock().unwrap().pop().expect("a request");
        assert_eq!(seen.path, format!("/calling/v1/conferences/id/{room}"));
    }
    for refused in ["room a", "a/b", "é", "a%20b"] {
        assert!(
            IceResponse::builder()
                .connect_conf(ConnectConf::room(refused))
                .build()
                .is_err()
        );
        assert_eq!(field_of(c.get_conference(refused).await), "conference_id");
    }
}
