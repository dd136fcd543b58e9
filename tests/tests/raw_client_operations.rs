//! Drives every operation of the generated `sinch-voice-raw` client against a real axum
//! server on 127.0.0.1 and checks both directions of the wire:
//!
//! * what the client sends: method, exact path (as sent, before any decoding), headers and
//!   the JSON body compared as a `serde_json::Value`;
//! * what the client makes of the server's documented answers: typed bodies, empty 2xx
//!   responses, error bodies and open-set enum values.
//!
//! Handlers never assert: a panic in a handler would surface only as a 500. They record
//! each request and answer from a table; the tests assert on the record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use sinch_voice_raw::hooks::Hooks;
use sinch_voice_raw::{Client, Error, ResponseValue, enums, types};

// ---------------------------------------------------------------------------------------
// Route templates of the mock. Each one is registered with `any` so that a wrong method
// still reaches a recording handler (and the test sees it) instead of axum's bare 405.
// ---------------------------------------------------------------------------------------

const CALLOUTS: &str = "/calling/v1/callouts";
const CALL: &str = "/calling/v1/calls/id/{call_id}";
const CALL_LEG: &str = "/calling/v1/calls/id/{call_id}/leg/{call_leg}";
const CONFERENCE: &str = "/calling/v1/conferences/id/{conference_id}";
const PARTICIPANT: &str = "/calling/v1/conferences/id/{conference_id}/{call_id}";
const NUMBERS: &str = "/v1/configuration/numbers";
const CALLBACKS: &str = "/v1/configuration/callbacks/applications/{applicationkey}";
const QUERY_NUMBER: &str = "/v1/calling/query/number/{number}";

const ROUTES: [&str; 8] = [
    CALLOUTS,
    CALL,
    CALL_LEG,
    CONFERENCE,
    PARTICIPANT,
    NUMBERS,
    CALLBACKS,
    QUERY_NUMBER,
];

const CALL_ID: &str = "4398599d1ba84ef3bde0a82dfb61abed";
const APP_KEY: &str = "11983f76-12c8-1111-9515-4785c7b67ca8";
const NUMBER: &str = "+46708168731";

// ---------------------------------------------------------------------------------------
// Documented bodies the real API answers with.
// ---------------------------------------------------------------------------------------

fn callout_response() -> Value {
    json!({"callId": "adf92089-df2a-4f14-a377-1e975f588fe4"})
}

fn call_information() -> Value {
    json!({
        "from": {"type": "Username", "endpoint": "user1"},
        "to": {"type": "Number", "endpoint": "+14045005000"},
        "domain": "pstn",
        "callId": CALL_ID,
        "duration": 12,
        "status": "FINAL",
        "result": "ANSWERED",
        "reason": "CALLERHANGUP",
        "timestamp": "2024-01-08T09:48:12",
        "custom": "{}",
        "userRate": {"currencyId": "USD", "amount": 0.0100},
        "debit": {"currencyId": "USD", "amount": 0.0200}
    })
}

fn conference_info() -> Value {
    json!({"participants": [
        {"cli": "+46708168731", "id": "abcd1234", "duration": 14, "muted": true, "onhold": false}
    ]})
}

fn number_list() -> Value {
    json!({"numbers": [
        {"number": "+46708168731", "applicationkey": APP_KEY, "capability": "voice"},
        {"number": "+46708168732", "capability": "sms"}
    ]})
}

fn application_callbacks() -> Value {
    json!({"url": {"primary": "https://example.com/cb", "fallback": "https://fallback.example.com/cb"}})
}

fn query_number_response() -> Value {
    json!({
        "number": {
            "countryId": "SE",
            "numberType": "Mobile",
            "normalizedNumber": "+46708168731",
            "restricted": false,
            "rate": {"currencyId": "USD", "amount": 0.0368}
        },
        "method": "numberItem"
    })
}

fn not_found_error() -> Value {
    json!({
        "errorCode": 40400,
        "message": "Call not found",
        "reference": "a2028355-5164-41b6-aae9-2b8a546e0784"
    })
}

// ---------------------------------------------------------------------------------------
// The mock server.
// ---------------------------------------------------------------------------------------

/// What the server answers to one (method, route template).
#[derive(Clone, Debug)]
struct Reply {
    status: StatusCode,
    body: Option<Value>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap(),
            body: Some(body),
        }
    }

    fn empty(status: u16) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap(),
            body: None,
        }
    }
}

/// The status and body the real API uses for each operation.
fn documented_replies() -> Vec<(Method, &'static str, Reply)> {
    vec![
        (Method::POST, CALLOUTS, Reply::json(200, callout_response())),
        (Method::GET, CALL, Reply::json(200, call_information())),
        (Method::PATCH, CALL, Reply::empty(200)),
        (Method::PATCH, CALL_LEG, Reply::empty(200)),
        (Method::GET, CONFERENCE, Reply::json(200, conference_info())),
        (Method::DELETE, CONFERENCE, Reply::empty(204)),
        (Method::PATCH, PARTICIPANT, Reply::empty(200)),
        (Method::DELETE, PARTICIPANT, Reply::empty(200)),
        (Method::GET, NUMBERS, Reply::json(200, number_list())),
        (Method::POST, NUMBERS, Reply::empty(204)),
        (Method::DELETE, NUMBERS, Reply::empty(204)),
        (
            Method::GET,
            CALLBACKS,
            Reply::json(200, application_callbacks()),
        ),
        (Method::POST, CALLBACKS, Reply::empty(204)),
        (
            Method::GET,
            QUERY_NUMBER,
            Reply::json(200, query_number_response()),
        ),
    ]
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Received {
    /// The route template that matched; `None` when the request hit the fallback.
    route: Option<&'static str>,
    method: Method,
    /// Path and query exactly as sent, still percent-encoded.
    path_and_query: String,
    headers: HeaderMap,
    body: Bytes,
}

struct MockState {
    replies: HashMap<(Method, &'static str), Reply>,
    received: Mutex<Vec<Received>>,
}

struct MockServer {
    base_url: String,
    state: Arc<MockState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// A server answering every operation as the real API documents it.
    async fn start() -> Self {
        Self::start_with(Vec::new()).await
    }

    /// Like [`MockServer::start`], with some (method, route) answers replaced.
    async fn start_with(overrides: Vec<(Method, &'static str, Reply)>) -> Self {
        let mut replies = HashMap::new();
        for (method, route, reply) in documented_replies().into_iter().chain(overrides) {
            replies.insert((method, route), reply);
        }
        let state = Arc::new(MockState {
            replies,
            received: Mutex::new(Vec::new()),
        });

        let mut router = Router::new();
        for route in ROUTES {
            // A closure per route records which template matched without needing axum's
            // `matched-path` feature (the workspace builds axum without default features).
            router = router.route(
                route,
                any(
                    move |State(state): State<Arc<MockState>>, request: Request| {
                        record_and_reply(state, Some(route), request)
                    },
                ),
            );
        }
        let router = router
            .fallback(|State(state): State<Arc<MockState>>, request: Request| {
                record_and_reply(state, None, request)
            })
            .with_state(state.clone());

        // Bound before spawning: connections queue in the backlog until `serve` accepts
        // them, so the client can be used at once without any readiness sleep.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            base_url,
            state,
            task,
        }
    }

    fn client(&self) -> Client {
        self.client_with(Hooks::default())
    }

    fn client_with(&self, hooks: Hooks) -> Client {
        // `no_proxy` keeps the traffic on 127.0.0.1 even if the environment sets a proxy;
        // otherwise this is what `Client::new` builds.
        let http = plain_http_client()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .unwrap();
        Client::new_with_client(&self.base_url, http, hooks)
    }

    /// Drains the record, asserting it holds exactly one request, on a known route.
    fn single(&self) -> Received {
        let received = std::mem::take(&mut *self.state.received.lock().unwrap());
        assert_eq!(
            received.len(),
            1,
            "expected exactly one request, the server saw: {received:#?}"
        );
        let request = received.into_iter().next().unwrap();
        assert!(
            request.route.is_some(),
            "request hit the fallback (no such route): {} {}",
            request.method,
            request.path_and_query
        );
        request
    }
}

async fn record_and_reply(
    state: Arc<MockState>,
    route: Option<&'static str>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    // Unrouted path or unexpected method: a 501 in the shape of the API's error body, so
    // the client's own error names the request as well as the record does.
    let reply = route
        .and_then(|route| state.replies.get(&(parts.method.clone(), route)).cloned())
        .unwrap_or_else(|| {
            let message = format!("mock: no reply for {} {path_and_query}", parts.method);
            Reply::json(501, json!({"errorCode": "unrouted", "message": message}))
        });
    state.received.lock().unwrap().push(Received {
        route,
        method: parts.method,
        path_and_query,
        headers: parts.headers,
        body,
    });
    match reply.body {
        Some(body) => (reply.status, axum::Json(body)).into_response(),
        None => reply.status.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Assertions on a received request.
// ---------------------------------------------------------------------------------------

fn header<'a>(request: &'a Received, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("header is not ASCII"))
}

/// Method, exact path, the headers every operation sends, and the body: JSON equal to
/// `body` with a JSON Content-Type, or nothing at all when `body` is `None`.
fn assert_request(request: &Received, method: Method, path: &str, body: Option<Value>) {
    assert_eq!(
        request.method, method,
        "method of {}",
        request.path_and_query
    );
    assert_eq!(request.path_and_query, path, "path of {method} request");
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(header(request, "api-version"), Some("1.0.1"));
    assert_body(request, body);
}

fn assert_body(request: &Received, body: Option<Value>) {
    match body {
        Some(expected) => {
            assert_eq!(
                header(request, "content-type"),
                Some("application/json"),
                "Content-Type of {} {}",
                request.method,
                request.path_and_query
            );
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or_else(|e| {
                panic!(
                    "body is not JSON ({e}): {:?}",
                    String::from_utf8_lossy(&request.body)
                )
            });
            assert_eq!(
                sent, expected,
                "body of {} {}",
                request.method, request.path_and_query
            );
        }
        None => {
            assert!(
                request.body.is_empty(),
                "unexpected body on {} {}: {:?}",
                request.method,
                request.path_and_query,
                String::from_utf8_lossy(&request.body)
            );
            assert_eq!(header(request, "content-type"), None);
        }
    }
}

/// An empty 2xx answer decodes to `ResponseValue<()>` carrying the status.
fn assert_empty(result: Result<ResponseValue<()>, Error<types::Error>>, status: u16) {
    let response = result.expect("empty 2xx answer should be a success");
    assert_eq!(response.status().as_u16(), status);
}

fn json_map(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a JSON object: {other}"),
    }
}

/// Optional string fields of the type builders take `Option<String>`.
fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn e164(number: &str) -> sinch_voice::E164 {
    number.parse().expect("an E.164 number")
}

fn number_destination(endpoint: &str) -> sinch_voice::values::OwnedDestination {
    sinch_voice::Destination::number(endpoint.to_owned())
}

// ---------------------------------------------------------------------------------------
// Calling API: callouts and calls.
// ---------------------------------------------------------------------------------------

/// Each callout kind goes out as `{"method": <kind>, <kind>: {...}}` with camelCase fields.
#[tokio::test]
async fn create_callout_sends_method_tag_and_nested_object() {
    let mock = MockServer::start().await;
    let client = mock.client();

    let tts = types::CalloutRequest::TtsCallout {
        tts_callout: types::TtsCallout::builder()
            .cli(text("+14045001000"))
            .destination(number_destination(NUMBER))
            .locale(text("en-US"))
            .text(text("Hello, this is a call from Sinch."))
            .enable_dice(true)
            .try_into()
            .unwrap(),
    };
    let tts_wire = json!({
        "method": "ttsCallout",
        "ttsCallout": {
            "cli": "+14045001000",
            "destination": {"type": "number", "endpoint": NUMBER},
            "locale": "en-US",
            "text": "Hello, this is a call from Sinch.",
            "enableDice": true
        }
    });

    let conference = types::CalloutRequest::ConferenceCallout {
        conference_callout: types::ConferenceCallout::builder()
            .conference_id("myConference")
            .destination(number_destination(NUMBER))
            .conference_dtmf_options(
                types::ConferenceDtmfOptions::try_from(
                    types::ConferenceDtmfOptions::builder()
                        .max_digits(std::num::NonZeroU64::new(2).unwrap())
                        .mode(types::ConferenceDtmfOptionsMode::Detect)
                        .timeout_mills(5000),
                )
                .unwrap(),
            )
            .moh_class(enums::MusicOnHold::Music1)
            .try_into()
            .unwrap(),
    };
    let conference_wire = json!({
        "method": "conferenceCallout",
        "conferenceCallout": {
            "conferenceId": "myConference",
            "destination": {"type": "number", "endpoint": NUMBER},
            "conferenceDtmfOptions": {"maxDigits": 2, "mode": "detect", "timeoutMills": 5000},
            "mohClass": "music1"
        }
    });

    // The ICE reply is SVAML serialised into a string inside the JSON body.
    let ice = r#"{"action":{"name":"connectPstn","number":"+46708168731"}}"#;
    let custom = types::CalloutRequest::CustomCallout {
        custom_callout: types::CustomCallout::builder()
            .cli(text("+14045001000"))
            .destination(Some(number_destination(NUMBER)))
            .ice(Some(sinch_voice::values::IceReplyText::from_wire(ice)))
            .try_into()
            .unwrap(),
    };
    let custom_wire = json!({
        "method": "customCallout",
        "customCallout": {
            "cli": "+14045001000",
            "destination": {"type": "number", "endpoint": NUMBER},
            "ice": ice
        }
    });

    for (request, wire) in [
        (tts, tts_wire),
        (conference, conference_wire),
        (custom, custom_wire),
    ] {
        let result = client.create_callout().body(request).send().await;
        assert_request(&mock.single(), Method::POST, CALLOUTS, Some(wire));
        let response = result.expect("callout");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.into_inner().call_id.as_deref(),
            Some("adf92089-df2a-4f14-a377-1e975f588fe4")
        );
    }
}

#[tokio::test]
async fn get_call_decodes_call_information() {
    let mock = MockServer::start().await;
    let result = mock.client().get_call().call_id(CALL_ID).send().await;
    assert_request(
        &mock.single(),
        Method::GET,
        &format!("/calling/v1/calls/id/{CALL_ID}"),
        None,
    );

    let response = result.expect("get_call");
    assert_eq!(response.status(), StatusCode::OK);
    let call = response.into_inner();
    let from = call.from.expect("from");
    assert_eq!(
        (from.type_.as_str(), from.endpoint.as_str()),
        ("Username", "user1")
    );
    let to = call.to.expect("to");
    assert_eq!(
        (to.type_.as_str(), to.endpoint.as_str()),
        ("Number", "+14045005000")
    );
    assert_eq!(call.domain.as_deref(), Some("pstn"));
    assert_eq!(call.call_id.as_deref(), Some(CALL_ID));
    assert_eq!(call.duration, Some(12));
    assert!(matches!(call.status, Some(enums::CallStatus::Final)));
    assert!(matches!(call.result, Some(enums::CallResult::Answered)));
    assert!(matches!(
        call.reason,
        Some(enums::CallEndReason::CallerHangup)
    ));
    assert_eq!(call.timestamp.as_deref(), Some("2024-01-08T09:48:12"));
    assert_eq!(call.custom.as_deref(), Some("{}"));
    let user_rate = call.user_rate.expect("userRate");
    assert_eq!(user_rate.currency_id.as_deref(), Some("USD"));
    assert_eq!(user_rate.amount, Some(0.01));
    assert_eq!(call.debit.expect("debit").amount, Some(0.02));
}

/// Statuses, results and reasons are open sets: new values land in the `Unknown` variant.
#[tokio::test]
async fn get_call_keeps_unknown_enum_values_as_text() {
    let mut body = call_information();
    body["status"] = json!("RINGING");
    body["result"] = json!("VOICEMAIL");
    body["reason"] = json!("SOMETHINGNEW");
    let mock = MockServer::start_with(vec![(Method::GET, CALL, Reply::json(200, body))]).await;

    let result = mock.client().get_call().call_id(CALL_ID).send().await;
    mock.single();
    let call = result
        .expect("unknown values must not fail decoding")
        .into_inner();
    assert!(matches!(&call.status, Some(enums::CallStatus::Unknown(s)) if s == "RINGING"));
    assert!(matches!(&call.result, Some(enums::CallResult::Unknown(s)) if s == "VOICEMAIL"));
    assert!(matches!(&call.reason, Some(enums::CallEndReason::Unknown(s)) if s == "SOMETHINGNEW"));
}

fn say_then_hangup() -> (types::SvamlControl, Value) {
    let control = types::SvamlControl::try_from(
        types::SvamlControl::builder()
            .instructions(vec![
                types::SvamlInstruction::try_from(
                    types::SvamlInstruction::builder()
                        .name("say".to_owned())
                        .extra(json_map(json!({"text": "Goodbye", "locale": "en-US"}))),
                )
                .unwrap(),
            ])
            .action(
                types::SvamlAction::try_from(
                    types::SvamlAction::builder()
                        .name("hangup".to_owned())
                        .extra(serde_json::Map::new()),
                )
                .unwrap(),
            ),
    )
    .unwrap();
    let wire = json!({
        "instructions": [{"name": "say", "text": "Goodbye", "locale": "en-US"}],
        "action": {"name": "hangup"}
    });
    (control, wire)
}

#[tokio::test]
async fn update_call_patches_svaml_and_accepts_empty_200() {
    let mock = MockServer::start().await;
    let (control, wire) = say_then_hangup();
    let result = mock
        .client()
        .update_call()
        .call_id(CALL_ID)
        .body(control)
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::PATCH,
        &format!("/calling/v1/calls/id/{CALL_ID}"),
        Some(wire),
    );
    assert_empty(result, 200);
}

#[tokio::test]
async fn manage_call_leg_puts_the_leg_in_the_path() {
    let mock = MockServer::start().await;
    let control =
        types::SvamlLegControl::try_from(types::SvamlLegControl::builder().instructions(vec![
            types::SvamlInstruction::try_from(
                types::SvamlInstruction::builder()
                    .name("playFiles".to_owned())
                    .extra(json_map(
                        json!({"ids": ["#tts[Please hold]"], "locale": "en-US"}),
                    )),
            )
            .unwrap(),
        ]))
        .unwrap();
    let result = mock
        .client()
        .manage_call_leg()
        .call_id(CALL_ID)
        .call_leg(enums::CallLeg::Callee)
        .body(control)
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::PATCH,
        &format!("/calling/v1/calls/id/{CALL_ID}/leg/callee"),
        Some(json!({
            "instructions": [{"name": "playFiles", "ids": ["#tts[Please hold]"], "locale": "en-US"}]
        })),
    );
    assert_empty(result, 200);
}

// ---------------------------------------------------------------------------------------
// Calling API: conferences.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn get_conference_decodes_participants() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .get_conference()
        .conference_id("myConference")
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::GET,
        "/calling/v1/conferences/id/myConference",
        None,
    );

    let conference = result.expect("get_conference").into_inner();
    assert_eq!(conference.participants.len(), 1);
    let participant = &conference.participants[0];
    assert_eq!(participant.id.as_deref(), Some("abcd1234"));
    assert_eq!(participant.cli.as_deref(), Some("+46708168731"));
    assert_eq!(participant.duration, Some(14));
    assert_eq!(participant.muted, Some(true));
    assert_eq!(participant.onhold, Some(false));
}

#[tokio::test]
async fn kick_all_from_conference_deletes_without_body() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .kick_all_from_conference()
        .conference_id("myConference")
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::DELETE,
        "/calling/v1/conferences/id/myConference",
        None,
    );
    assert_empty(result, 204);
}

/// The spec declares any 2xx for kick-all, so a 200 instead of the usual 204 still succeeds.
#[tokio::test]
async fn kick_all_from_conference_accepts_200_too() {
    let mock = MockServer::start_with(vec![(Method::DELETE, CONFERENCE, Reply::empty(200))]).await;
    let result = mock
        .client()
        .kick_all_from_conference()
        .conference_id("myConference")
        .send()
        .await;
    mock.single();
    assert_empty(result, 200);
}

#[tokio::test]
async fn manage_conference_participant_sends_command_and_moh() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .manage_conference_participant()
        .conference_id("myConference")
        .call_id(CALL_ID)
        .body(
            types::ManageParticipantRequest::try_from(
                types::ManageParticipantRequest::builder()
                    .command(types::ManageParticipantRequestCommand::Onhold)
                    .moh(enums::MusicOnHold::Music2),
            )
            .unwrap(),
        )
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::PATCH,
        &format!("/calling/v1/conferences/id/myConference/{CALL_ID}"),
        Some(json!({"command": "onhold", "moh": "music2"})),
    );
    assert_empty(result, 200);
}

#[tokio::test]
async fn kick_participant_from_conference_deletes_one_leg() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .kick_participant_from_conference()
        .conference_id("myConference")
        .call_id(CALL_ID)
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::DELETE,
        &format!("/calling/v1/conferences/id/myConference/{CALL_ID}"),
        None,
    );
    assert_empty(result, 200);
}

// ---------------------------------------------------------------------------------------
// Configuration API: numbers and callbacks.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn list_numbers_decodes_number_list() {
    let mock = MockServer::start().await;
    let result = mock.client().list_numbers().send().await;
    assert_request(&mock.single(), Method::GET, NUMBERS, None);

    let numbers = result.expect("list_numbers").into_inner().numbers;
    assert_eq!(numbers.len(), 2);
    assert_eq!(numbers[0].number.as_deref(), Some("+46708168731"));
    assert_eq!(numbers[0].applicationkey.as_deref(), Some(APP_KEY));
    assert!(matches!(
        numbers[0].capability,
        Some(enums::Capability::Voice)
    ));
    assert_eq!(numbers[1].number.as_deref(), Some("+46708168732"));
    assert_eq!(numbers[1].applicationkey, None);
    assert!(matches!(
        numbers[1].capability,
        Some(enums::Capability::Sms)
    ));
}

#[tokio::test]
async fn assign_numbers_posts_lower_case_applicationkey() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .assign_numbers()
        .body(
            types::AssignNumbersRequest::try_from(
                types::AssignNumbersRequest::builder()
                    .applicationkey(APP_KEY.to_owned())
                    .capability(enums::Capability::Voice)
                    .numbers(vec![e164("+46708168731"), e164("+46708168732")]),
            )
            .unwrap(),
        )
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::POST,
        NUMBERS,
        Some(json!({
            "numbers": ["+46708168731", "+46708168732"],
            "applicationkey": APP_KEY,
            "capability": "voice"
        })),
    );
    assert_empty(result, 204);
}

/// The one DELETE with a body: the JSON must actually go on the wire, with its Content-Type.
#[tokio::test]
async fn unassign_number_sends_json_body_on_delete() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .unassign_number()
        .body(
            types::UnassignNumberRequest::try_from(
                types::UnassignNumberRequest::builder()
                    .applicationkey(APP_KEY.to_owned())
                    .capability(enums::Capability::Voice)
                    .number(e164(NUMBER)),
            )
            .unwrap(),
        )
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::DELETE,
        NUMBERS,
        Some(json!({"number": NUMBER, "applicationkey": APP_KEY, "capability": "voice"})),
    );
    assert_empty(result, 204);
}

#[tokio::test]
async fn get_application_callbacks_decodes_urls() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .get_application_callbacks()
        .applicationkey(APP_KEY)
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::GET,
        &format!("/v1/configuration/callbacks/applications/{APP_KEY}"),
        None,
    );

    let url = result
        .expect("get_application_callbacks")
        .into_inner()
        .url
        .expect("url");
    assert_eq!(url.primary.as_deref(), Some("https://example.com/cb"));
    assert_eq!(
        url.fallback.as_deref(),
        Some("https://fallback.example.com/cb")
    );
}

#[tokio::test]
async fn update_application_callbacks_posts_urls() {
    let mock = MockServer::start().await;
    let result = mock
        .client()
        .update_application_callbacks()
        .applicationkey(APP_KEY)
        .body(
            types::ApplicationCallbacks::try_from(
                types::ApplicationCallbacks::builder().url(
                    types::ApplicationCallbacksUrl::try_from(
                        types::ApplicationCallbacksUrl::builder()
                            .primary("https://example.com/cb".to_owned())
                            .fallback("https://fallback.example.com/cb".to_owned()),
                    )
                    .unwrap(),
                ),
            )
            .unwrap(),
        )
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::POST,
        &format!("/v1/configuration/callbacks/applications/{APP_KEY}"),
        Some(application_callbacks()),
    );
    assert_empty(result, 204);
}

/// `encode_path` in progenitor-client 0.15.1 leaves `+` alone (it is a valid path
/// character), and reqwest's URL parser does not touch it either: the `+` of an E.164
/// number goes out literally, not as `%2B`.
#[tokio::test]
async fn query_number_sends_plus_unencoded_and_decodes_number_item() {
    let mock = MockServer::start().await;
    let result = mock.client().query_number().number(NUMBER).send().await;
    assert_request(
        &mock.single(),
        Method::GET,
        "/v1/calling/query/number/+46708168731",
        None,
    );

    let response = result.expect("query_number").into_inner();
    assert_eq!(response.method.as_deref(), Some("numberItem"));
    let item = response.number.expect("number");
    assert_eq!(item.country_id.as_deref(), Some("SE"));
    assert!(matches!(item.number_type, Some(enums::NumberType::Mobile)));
    assert_eq!(item.normalized_number.as_deref(), Some("+46708168731"));
    assert_eq!(item.restricted, Some(false));
    let rate = item.rate.expect("rate");
    assert_eq!(rate.currency_id.as_deref(), Some("USD"));
    assert_eq!(rate.amount, Some(0.0368));
}

// ---------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------

fn expect_error_response(
    result: Result<impl std::fmt::Debug, Error<types::Error>>,
) -> ResponseValue<types::Error> {
    match result {
        Err(Error::ErrorResponse(response)) => response,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn not_found_decodes_error_body_with_integer_code() {
    let mock = MockServer::start_with(vec![(
        Method::GET,
        CALL,
        Reply::json(404, not_found_error()),
    )])
    .await;
    let result = mock
        .client()
        .get_call()
        .call_id("no-such-call")
        .send()
        .await;
    mock.single();

    let response = expect_error_response(result);
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let error = response.into_inner();
    assert!(matches!(
        error.error_code,
        Some(types::ErrorCode::Integer(40400))
    ));
    assert_eq!(error.message.as_deref(), Some("Call not found"));
    assert_eq!(
        error.reference.as_deref(),
        Some("a2028355-5164-41b6-aae9-2b8a546e0784")
    );
    assert_eq!(error.status, None);
    assert!(error.extra.is_empty());
}

/// The error code is documented as a string: that form decodes too, and fields the schema
/// does not name are kept in `extra`.
#[tokio::test]
async fn error_code_sent_as_string_decodes_as_string() {
    let body = json!({
        "status": "400 Bad Request",
        "errorCode": "40001",
        "message": "Invalid parameter: numbers",
        "correlationId": "c0ffee"
    });
    let mock = MockServer::start_with(vec![(Method::POST, NUMBERS, Reply::json(400, body))]).await;
    let result = mock
        .client()
        .assign_numbers()
        .body(
            types::AssignNumbersRequest::try_from(
                types::AssignNumbersRequest::builder().numbers(vec![]),
            )
            .unwrap(),
        )
        .send()
        .await;
    assert_request(
        &mock.single(),
        Method::POST,
        NUMBERS,
        Some(json!({"numbers": []})),
    );

    let response = expect_error_response(result);
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = response.into_inner();
    assert!(matches!(&error.error_code, Some(types::ErrorCode::String(code)) if code == "40001"));
    assert_eq!(error.message.as_deref(), Some("Invalid parameter: numbers"));
    assert_eq!(error.status.as_deref(), Some("400 Bad Request"));
    assert_eq!(error.extra.get("correlationId"), Some(&json!("c0ffee")));
}

// ---------------------------------------------------------------------------------------
// Hooks.
// ---------------------------------------------------------------------------------------

/// What the prepare hook observed of one request.
#[derive(Debug)]
struct HookSaw {
    operation_id: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

/// The prepare hook runs on the final request: it sees the method, URL and body bytes that
/// go on the wire (what a signer needs), and its header edits reach the server.
#[tokio::test]
async fn prepare_hook_sees_and_edits_the_final_request() {
    let mock = MockServer::start().await;
    let saw = Arc::new(Mutex::new(Vec::<HookSaw>::new()));
    let hooks = Hooks::new().with_prepare({
        let saw = saw.clone();
        move |request, info| {
            request.headers_mut().remove("api-version");
            request.headers_mut().insert(
                "x-test-hook",
                reqwest::header::HeaderValue::from_static("1"),
            );
            let body = request
                .body()
                .and_then(|body| body.as_bytes())
                .map(|bytes| serde_json::from_slice(bytes).map_err(|e| e.to_string()))
                .transpose()?;
            saw.lock().unwrap().push(HookSaw {
                operation_id: info.operation_id,
                method: request.method().clone(),
                path: request.url().path().to_owned(),
                body,
            });
            Ok(())
        }
    });
    let client = mock.client_with(hooks);

    let unassign_wire = json!({"number": NUMBER});
    let result = client
        .unassign_number()
        .body(
            types::UnassignNumberRequest::try_from(
                types::UnassignNumberRequest::builder().number(e164(NUMBER)),
            )
            .unwrap(),
        )
        .send()
        .await;
    let request = mock.single();
    assert_eq!(
        (&request.method, request.path_and_query.as_str()),
        (&Method::DELETE, NUMBERS)
    );
    assert_eq!(header(&request, "api-version"), None, "hook removed it");
    assert_eq!(header(&request, "x-test-hook"), Some("1"), "hook added it");
    assert_body(&request, Some(unassign_wire.clone()));
    assert_empty(result, 204);

    let result = client.query_number().number(NUMBER).send().await;
    let request = mock.single();
    assert_eq!(
        request.path_and_query,
        "/v1/calling/query/number/+46708168731"
    );
    assert_eq!(header(&request, "api-version"), None);
    assert_eq!(header(&request, "x-test-hook"), Some("1"));
    result.expect("query_number through the hook");

    let saw = std::mem::take(&mut *saw.lock().unwrap());
    assert_eq!(saw.len(), 2, "{saw:#?}");
    assert_eq!(saw[0].operation_id, "unassign_number");
    assert_eq!(saw[0].method, Method::DELETE);
    assert_eq!(saw[0].path, NUMBERS);
    assert_eq!(
        saw[0].body,
        Some(unassign_wire),
        "hook sees the DELETE body"
    );
    assert_eq!(saw[1].operation_id, "query_number");
    assert_eq!(saw[1].method, Method::GET);
    // The path a signer would cover is the one the server receives.
    assert_eq!(saw[1].path, "/v1/calling/query/number/+46708168731");
    assert_eq!(saw[1].body, None);
}

/// A hook's `Err` aborts the request before anything is sent.
#[tokio::test]
async fn prepare_hook_error_aborts_without_sending() {
    let mock = MockServer::start().await;
    let client = mock.client_with(Hooks::new().with_prepare(|_, _| Err("no key".to_owned())));
    let result = client.list_numbers().send().await;
    assert!(
        matches!(&result, Err(Error::Custom(message)) if message == "no key"),
        "{result:?}"
    );
    assert!(mock.state.received.lock().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// The harness itself.
// ---------------------------------------------------------------------------------------

/// A reqwest client for the raw crate. The workspace builds reqwest with rustls but no
/// crypto provider of its own (sinch-voice's `rustls-ring`), so it is built the way sinch-voice
/// builds its own: with a rustls configuration on an explicit provider.
fn plain_http_client() -> reqwest::ClientBuilder {
    sinch_voice::http_client_builder().no_proxy()
}

/// A request to a path the mock does not know is recorded by the fallback (so `single`
/// would name it) and answered with an error naming it, rather than a bare 404.
#[tokio::test]
async fn fallback_records_unrouted_requests() {
    let mock = MockServer::start().await;
    let misrouted = Client::new_with_client(
        &format!("{}/wrong-prefix", mock.base_url),
        plain_http_client().build().unwrap(),
        Hooks::default(),
    );
    let result = misrouted.list_numbers().send().await;
    let response = expect_error_response(result);
    assert_eq!(response.status(), StatusCode::NOT_IMPLEMENTED);
    assert_eq!(
        response.into_inner().message.as_deref(),
        Some("mock: no reply for GET /wrong-prefix/v1/configuration/numbers")
    );
    let received = std::mem::take(&mut *mock.state.received.lock().unwrap());
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].route, None);
    assert_eq!(
        received[0].path_and_query,
        "/wrong-prefix/v1/configuration/numbers"
    );
}
