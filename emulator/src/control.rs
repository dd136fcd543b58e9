//! The control API: the emulator driven from any language (or a terminal) over JSON, under
//! the reserved prefix `/_emulator/v1` that the Sinch API does not use. Described by
//! `spec/emulator-control.openapi.yaml`; a test keeps that document and [`ROUTES`] equal.
//!
//! Every operation is a function here; the HTTP handler and the Rust scripting API
//! ([`crate::EmulatorHandle`]) both call them, so both drive calls the same way.
//!
//! A web page the developer visits can send requests to localhost, so: the `Host` must be a
//! loopback name or an IP literal (no DNS rebinding), an `Origin` must be this emulator's own,
//! bodies must be `application/json` (a form post is refused), and no CORS header is ever sent.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sinch_voice::values::Domain;

use crate::engine::Shared;
use crate::error::ApiError;
use crate::flow;
use crate::rest::percent_decode;
use crate::state::{
    Answer, Call, Callee, Direction, EventRecord, Input, Listening, Member, Party, Phase,
    RequestRecord, Verdict,
};

/// The prefix of every control route.
pub const PREFIX: &str = "/_emulator/v1";

/// Every route of the control API: (method, path template).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/_emulator/v1/info"),
    ("GET", "/_emulator/v1/calls"),
    ("POST", "/_emulator/v1/calls"),
    ("GET", "/_emulator/v1/calls/{callId}"),
    ("POST", "/_emulator/v1/calls/{callId}/keys"),
    ("POST", "/_emulator/v1/calls/{callId}/speech"),
    ("POST", "/_emulator/v1/calls/{callId}/hangup"),
    ("POST", "/_emulator/v1/calls/{callId}/answer"),
    ("GET", "/_emulator/v1/conferences"),
    ("POST", "/_emulator/v1/callees"),
    ("GET", "/_emulator/v1/requests"),
    ("PUT", "/_emulator/v1/callback-url"),
    ("POST", "/_emulator/v1/reset"),
    ("GET", "/_emulator/v1/events"),
    ("GET", "/_emulator/v1/openapi.yaml"),
];

/// The OpenAPI document of the control API.
pub const OPENAPI: &str = include_str!("../../spec/emulator-control.openapi.yaml");

/// Largest control request body.
const MAX_BODY: usize = 64 * 1024;

// ------------------------------------------------------------------------- request bodies

/// `POST /calls`: a caller dials in.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartCall {
    /// The caller's number (or `private`, or an in-app user id for `mxp`).
    pub from: String,
    /// The number dialled: one assigned to the application (for `pstn`).
    pub to: String,
    /// `pstn` (default) or `mxp`.
    #[serde(default)]
    pub domain: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    keys: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Speech {
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    #[serde(rename = "as")]
    answer: Answer,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HangUp {
    #[serde(default)]
    party: Option<Party>,
}

/// `POST /reset`: `quiet` forgets live calls at once, with no DiCE.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reset {
    #[serde(default)]
    quiet: bool,
}

/// `POST /callees`: how the next callee (or the callee at one number) behaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScriptCallee {
    /// The number; absent: the next callee dialled, whatever the number.
    #[serde(default)]
    pub number: Option<String>,
    /// `answers` (a person), `human` (the same), `machine`, `busy`, `noAnswer`, or `manual`
    /// (rings until answered through `POST /calls/{callId}/answer`).
    pub behaviour: String,
    /// For `answers`/`human`/`machine`: how long it rings first (ms).
    #[serde(default)]
    pub answer_after_ms: Option<u64>,
    /// Every callee from now on that has no script of its own behaves so (the default is a
    /// person who answers), instead of only the next one.
    #[serde(default)]
    pub every: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallbackUrl {
    url: Option<String>,
}

// ------------------------------------------------------------------------- views

/// One callback of a call, with its answer and timing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackView {
    /// `ice`, `ace`, `pie`, `dice` or `notify`.
    pub event: String,
    /// Where it went.
    pub url: String,
    /// The body sent.
    pub request: Value,
    /// The answer's HTTP status (0: none).
    pub status: u16,
    /// The answer's JSON body.
    pub reply: Option<Value>,
    /// The answer's body as text, when it was not JSON.
    pub reply_text: Option<String>,
    /// What the emulator made of the answer as SVAML (absent when it was not read as SVAML).
    pub verdict: Option<Verdict>,
    /// Why the answer was not usable.
    pub error: Option<String>,
    /// Sent this long after the call started (ms).
    pub at_ms: f64,
    /// The answer took this long (ms).
    pub took_ms: f64,
}

impl From<&EventRecord> for CallbackView {
    fn from(e: &EventRecord) -> Self {
        CallbackView {
            event: e.event.clone(),
            url: e.url.clone(),
            request: e.body.clone(),
            status: e.status,
            reply: e.reply.clone(),
            reply_text: e.reply_text.clone(),
            verdict: e.verdict.clone(),
            error: e.error.clone(),
            at_ms: e.at.as_secs_f64() * 1000.0,
            took_ms: e.took.as_secs_f64() * 1000.0,
        }
    }
}

/// A call as the control API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallView {
    /// The call id.
    pub call_id: String,
    /// `inbound`, `callout` or `leg`.
    pub direction: Direction,
    /// For a leg: its call.
    pub parent: Option<String>,
    /// The legs this call made.
    pub legs: Vec<String>,
    /// Caller.
    pub from: String,
    /// Callee.
    pub to: String,
    /// `did`, `number`, `username`, `sip`, ...
    pub to_type: String,
    /// `pstn`, `mxp`, ...
    pub domain: String,
    /// Where the call is.
    pub phase: Phase,
    /// `ONGOING` or `FINAL`.
    pub status: String,
    /// `N/A`, `ANSWERED`, `BUSY`, `NOANSWER`, `FAILED`.
    pub result: String,
    /// Why it ended.
    pub reason: String,
    /// The callout's `custom`.
    pub custom: String,
    /// Seconds since answered (until ended).
    pub duration: u64,
    /// The conference it is in.
    pub conference: Option<String>,
    /// The menu waiting for input, while one is.
    pub listening: Option<Listening>,
    /// The callee's phone rings: it can be answered by hand (`POST .../answer`).
    pub callee_ringing: bool,
    /// The call is over and its closing callbacks were answered.
    pub finished: bool,
    /// What was said, played and pressed.
    pub transcript: Vec<String>,
    /// Cookies set by `setCookie`.
    pub cookies: BTreeMap<String, String>,
    /// Every callback, in order.
    pub callbacks: Vec<CallbackView>,
}

pub(crate) fn view(call: &Call) -> CallView {
    let duration = match (call.answered, call.ended) {
        (Some(a), Some(e)) => e.duration_since(a).as_secs(),
        (Some(a), None) => a.elapsed().as_secs(),
        _ => 0,
    };
    CallView {
        call_id: call.id.clone(),
        direction: call.direction,
        parent: call.parent.clone(),
        legs: call.legs.clone(),
        from: call.from.clone(),
        to: call.to.clone(),
        to_type: call.to_type.to_string(),
        domain: call.domain.to_string(),
        phase: call.phase,
        status: call.status.to_string(),
        result: call.result.to_string(),
        reason: call.reason.to_string(),
        custom: call.custom.clone(),
        duration,
        conference: call.conference.clone(),
        listening: call.listening.clone(),
        callee_ringing: call.callee_ringing,
        finished: call.done,
        transcript: call.transcript.iter().map(ToString::to_string).collect(),
        cookies: call.cookies.clone(),
        callbacks: call.events.iter().map(CallbackView::from).collect(),
    }
}

// ------------------------------------------------------------------------- operations

fn unknown_call(id: &str) -> ApiError {
    ApiError::not_found(format!("No such call: {id}"))
}

/// Sends input to an ongoing call: 404 for an unknown id, 409 for a call that ended.
fn send(shared: &Shared, id: &str, input: Input) -> Result<(), ApiError> {
    let state = shared.lock();
    let call = state.calls.get(id).ok_or_else(|| unknown_call(id))?;
    if call.ended.is_some() {
        return Err(ApiError::conflict(format!(
            "Call {id} has ended ({}, {})",
            call.result, call.reason
        )));
    }
    call.input
        .send(input)
        .map_err(|_| ApiError::conflict(format!("Call {id} is ending")))
}

/// A caller dials in. `pstn` calls must reach a number assigned to the application.
pub(crate) fn start_call(shared: &Arc<Shared>, request: StartCall) -> Result<CallView, ApiError> {
    let domain = match request.domain.as_deref() {
        None => Domain::Pstn,
        Some(d) => match Domain::parse(d) {
            Domain::Pstn => Domain::Pstn,
            Domain::Mxp => Domain::Mxp,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Invalid parameter `domain`: {d:?} is not pstn or mxp"
                )));
            }
        },
    };
    if request.from.trim().is_empty() {
        return Err(ApiError::bad_request(
            "Invalid parameter `from`: must not be empty",
        ));
    }
    if matches!(domain, Domain::Pstn) {
        if let Err(e) = sinch_voice::E164::check(&request.to) {
            return Err(ApiError::bad_request(format!(
                "Invalid parameter `to`: {e}"
            )));
        }
        let key = shared.credentials.key().to_string();
        let assigned = shared.lock().numbers.iter().any(|n| {
            n.number == request.to
                && n.application_key.as_deref() == Some(key.as_str())
                && n.capability.eq_ignore_ascii_case("voice")
        });
        if !assigned {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                42200,
                format!(
                    "{} is not assigned to the application for voice: the platform refuses the call",
                    request.to
                ),
            ));
        }
    }
    let id = flow::start_inbound(shared, &request.from, &request.to, domain);
    call(shared, &id)
}

/// The caller (or, with `party: callee`, the callee) presses keys.
pub(crate) fn press(shared: &Shared, id: &str, keys: &str) -> Result<(), ApiError> {
    if keys.is_empty()
        || !keys
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
    {
        return Err(ApiError::bad_request(format!(
            "Invalid parameter `keys`: {keys:?} is not DTMF (0-9, * and #)"
        )));
    }
    send(shared, id, Input::Keys(keys.to_string()))
}

/// The caller speaks (heard by `enableVoice` menus).
pub(crate) fn speak(shared: &Shared, id: &str, text: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::bad_request(
            "Invalid parameter `text`: must not be empty",
        ));
    }
    send(shared, id, Input::Speech(text.to_string()))
}

/// Someone answers a ringing callout or leg by hand: a person, a machine, or busy.
pub(crate) fn answer(shared: &Shared, id: &str, answer: Answer) -> Result<(), ApiError> {
    {
        let state = shared.lock();
        let call = state.calls.get(id).ok_or_else(|| unknown_call(id))?;
        if call.direction == Direction::Inbound || !call.callee_ringing {
            return Err(ApiError::conflict(format!(
                "Call {id} is not ringing a callee (it is {})",
                call.phase.as_str()
            )));
        }
    }
    send(shared, id, Input::Answer(answer))
}

/// One side hangs up.
pub(crate) fn hang_up(shared: &Shared, id: &str, party: Party) -> Result<(), ApiError> {
    send(shared, id, Input::HangUp(party))
}

/// Scripts a callee.
pub(crate) fn script_callee(shared: &Shared, request: ScriptCallee) -> Result<(), ApiError> {
    let after = Duration::from_millis(
        request
            .answer_after_ms
            .unwrap_or(shared.config.answer_delay.as_millis() as u64),
    );
    let (name, callee) = match request.behaviour.to_ascii_lowercase().as_str() {
        "answers" | "human" => ("human", Callee::Answers(after)),
        "machine" => ("machine", Callee::Machine(after)),
        "busy" => ("busy", Callee::Busy),
        "noanswer" | "no_answer" | "no-answer" => ("noAnswer", Callee::NoAnswer),
        "manual" => ("manual", Callee::Manual),
        other => {
            return Err(ApiError::bad_request(format!(
                "Invalid parameter `behaviour`: {other:?} is not answers, human, machine, busy, noAnswer or manual"
            )));
        }
    };
    let mut state = shared.lock();
    match (request.number, request.every) {
        (Some(_), true) => {
            return Err(ApiError::bad_request(
                "Invalid parameter `every`: not with `number`, whose script already applies to every call to it",
            ));
        }
        (Some(number), false) => {
            state.callees.insert(number, callee);
        }
        (None, true) => state.default_callee = Some((name, callee)),
        (None, false) => state.next_callees.push_back(callee),
    }
    Ok(())
}

/// Every call, oldest first.
pub(crate) fn calls(shared: &Shared) -> Vec<CallView> {
    let state = shared.lock();
    let mut calls: Vec<&Call> = state.calls.values().collect();
    calls.sort_by_key(|c| (c.started, c.id.clone()));
    calls.into_iter().map(view).collect()
}

/// One call.
pub(crate) fn call(shared: &Shared, id: &str) -> Result<CallView, ApiError> {
    let state = shared.lock();
    state
        .calls
        .get(id)
        .map(view)
        .ok_or_else(|| unknown_call(id))
}

/// The REST request log; with a call id, only the requests about that call (its id in the
/// path, or the callout that made it).
pub(crate) fn requests(shared: &Shared, call_id: Option<&str>) -> Vec<RequestRecord> {
    let state = shared.lock();
    match call_id {
        None => state.requests.clone(),
        Some(id) => state
            .requests
            .iter()
            .filter(|r| concerns(r, id))
            .cloned()
            .collect(),
    }
}

fn concerns(record: &RequestRecord, call_id: &str) -> bool {
    !call_id.is_empty()
        && (record.decoded_path.split('/').any(|part| part == call_id)
            || record
                .response
                .as_ref()
                .and_then(|r| r.get("callId"))
                .and_then(Value::as_str)
                == Some(call_id))
}

/// A conference as the control API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceView {
    /// The room.
    pub conference_id: String,
    /// Who is in it, in the order they joined.
    pub participants: Vec<ParticipantView>,
}

/// A participant of a conference.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantView {
    /// The participant's call.
    pub call_id: String,
    /// The participant's number.
    pub cli: String,
    /// Seconds in the room.
    pub duration: u64,
    /// Muted.
    pub muted: bool,
    /// On hold.
    pub on_hold: bool,
}

fn participant(member: &Member) -> ParticipantView {
    ParticipantView {
        call_id: member.call_id.clone(),
        cli: member.cli.clone(),
        duration: member.joined.elapsed().as_secs(),
        muted: member.muted,
        on_hold: member.on_hold,
    }
}

/// Every conference with participants.
pub(crate) fn conferences(shared: &Shared) -> Vec<ConferenceView> {
    shared
        .lock()
        .conferences
        .iter()
        .map(|(room, members)| ConferenceView {
            conference_id: room.clone(),
            participants: members.iter().map(participant).collect(),
        })
        .collect()
}

/// Ends every live call as the platform's hangup does (its DiCE says `MANAGERHANGUP`), so an
/// app that cleans up on DiCE sees it; each is forgotten once its DiCE is answered, finished
/// calls at once. `quiet`: live calls are forgotten at once and send nothing more (a callback
/// already on its way still arrives). Conferences, scripted callees and the request log go too;
/// numbers and callback URLs stay.
pub(crate) fn reset(shared: &Shared, quiet: bool) {
    let mut state = shared.lock();
    if quiet {
        // A runner whose call is gone ends without callbacks (`finish` finds nothing to close).
        state.calls.clear();
    }
    state.calls.retain(|_, call| !call.done);
    for call in state.calls.values_mut() {
        call.forget_when_done = true;
        let _ = call.input.send(Input::Kick);
    }
    state.conferences.clear();
    state.callees.clear();
    state.next_callees.clear();
    state.default_callee = None;
    state.requests.clear();
    drop(state);
    shared.publish("reset", None, json!({}));
    shared.changed();
}

pub(crate) fn set_callback_url(shared: &Shared, url: Option<String>) -> Result<(), ApiError> {
    if let Some(url) = &url
        && reqwest::Url::parse(url).is_err()
    {
        return Err(ApiError::bad_request(format!(
            "Invalid parameter `url`: {url:?} is not a URL"
        )));
    }
    shared.lock().primary_url = url;
    Ok(())
}

pub(crate) fn info(shared: &Shared) -> Value {
    let state = shared.lock();
    json!({
        "url": shared.base_url,
        "controlUrl": format!("{}{PREFIX}", shared.base_url),
        "callingUrl": shared.base_url,
        "configurationUrl": shared.base_url,
        "applicationKey": shared.credentials.key(),
        "applicationSecret": shared.secret,
        "callbackUrl": state.primary_url,
        "fallbackUrl": state.fallback_url,
        "consoleUrl": format!("{}{}", shared.base_url, crate::console::PATH),
        "numbers": state.numbers.iter().map(|n| &n.number).collect::<Vec<_>>(),
        "defaultCallee": state.default_callee.map_or("human", |(name, _)| name),
    })
}

// ------------------------------------------------------------------------- HTTP

fn ok(value: impl Serialize) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

fn accepted() -> Response {
    StatusCode::ACCEPTED.into_response()
}

/// Finds the route for a path: its template and the `{callId}` it names.
fn find_route(path: &str) -> (Vec<&'static str>, Option<&'static str>, Option<String>) {
    let given: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut methods = Vec::new();
    let mut template = None;
    let mut id = None;
    for (method, route) in ROUTES {
        let parts: Vec<&str> = route.split('/').collect();
        if parts.len() != given.len() {
            continue;
        }
        let mut captured = None;
        let matches = parts.iter().zip(&given).all(|(p, g)| {
            if p.starts_with('{') {
                captured = Some(percent_decode(g));
                !g.is_empty()
            } else {
                p == g
            }
        });
        if matches {
            methods.push(*method);
            template = Some(*route);
            id = captured;
        }
    }
    (methods, template, id)
}

/// A query parameter's value, percent-decoded.
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key) == name).then(|| percent_decode(&value.replace('+', " ")))
    })
}

fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ApiError::bad_request(format!("Malformed JSON: {e}"))
        } else {
            ApiError::bad_request(format!("Invalid body: {e}"))
        }
    })
}

/// For the fuzz target: the bytes read as every control API body, and as a query string.
/// Properties: nothing panics; a refusal is a 400 saying whether the JSON is malformed or the
/// body invalid.
pub(crate) fn read_every_body(data: &[u8]) {
    fn refused<T>(result: Result<T, ApiError>) {
        if let Err(e) = result {
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{e:?}");
            assert!(
                e.message.starts_with("Malformed JSON") || e.message.starts_with("Invalid body"),
                "a refusal that says nothing useful: {e:?}"
            );
        }
    }
    refused(parse::<StartCall>(data));
    refused(parse::<Keys>(data));
    refused(parse::<Speech>(data));
    refused(parse::<HangUp>(data));
    refused(parse::<Reset>(data));
    refused(parse::<AnswerBody>(data));
    refused(parse::<ScriptCallee>(data));
    refused(parse::<CallbackUrl>(data));
    if let Ok(query) = std::str::from_utf8(data) {
        let _ = query_value(Some(query), "callId");
    }
}

/// Every control request.
pub(crate) async fn handle(shared: Arc<Shared>, request: Request) -> Response {
    match serve(&shared, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn serve(shared: &Arc<Shared>, request: Request) -> Result<Response, ApiError> {
    crate::origin::check(&request)?;
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let (methods, template, id) = find_route(&path);
    let Some(template) = template else {
        return Err(ApiError::not_found(format!(
            "No such control route: {path}"
        )));
    };
    if !methods.contains(&method.as_str()) {
        return Err(ApiError::method_not_allowed(
            method.as_str(),
            &path,
            &methods,
        ));
    }
    // A POST without a body (`/reset`, `/hangup` from a button, `curl -X POST`) is no form:
    // nothing to refuse. No body is `Content-Length: 0`, or neither a length nor a chunked
    // transfer (HTTP/1.1's rule).
    let headers = request.headers();
    let declared_empty = headers.get(header::CONTENT_TYPE).is_none()
        && match headers.get(header::CONTENT_LENGTH) {
            Some(length) => length.as_bytes() == b"0",
            None => headers.get(header::TRANSFER_ENCODING).is_none(),
        };
    let body = if declared_empty {
        Bytes::new()
    } else if method == Method::POST || method == Method::PUT {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                41500,
                "Content-Type must be application/json (forms are refused)",
            ));
        }
        let (parts, body) = request.into_parts();
        crate::body::read(&parts.headers, body, MAX_BODY, shared.config.body_timeout).await?
    } else {
        Bytes::new()
    };
    let id = id.unwrap_or_default();
    let response = match (method.as_str(), template) {
        ("GET", "/_emulator/v1/info") => ok(info(shared)),
        ("GET", "/_emulator/v1/calls") => ok(json!({ "calls": calls(shared) })),
        ("POST", "/_emulator/v1/calls") => {
            let view = start_call(shared, parse(&body)?)?;
            (StatusCode::CREATED, axum::Json(view)).into_response()
        }
        ("GET", "/_emulator/v1/calls/{callId}") => ok(call(shared, &id)?),
        ("POST", "/_emulator/v1/calls/{callId}/keys") => {
            let keys: Keys = parse(&body)?;
            press(shared, &id, &keys.keys)?;
            accepted()
        }
        ("POST", "/_emulator/v1/calls/{callId}/speech") => {
            let speech: Speech = parse(&body)?;
            speak(shared, &id, &speech.text)?;
            accepted()
        }
        ("POST", "/_emulator/v1/calls/{callId}/answer") => {
            let body: AnswerBody = parse(&body)?;
            answer(shared, &id, body.answer)?;
            accepted()
        }
        ("GET", "/_emulator/v1/conferences") => ok(json!({ "conferences": conferences(shared) })),
        ("POST", "/_emulator/v1/calls/{callId}/hangup") => {
            let hangup: HangUp = parse(&body)?;
            hang_up(shared, &id, hangup.party.unwrap_or(Party::Caller))?;
            accepted()
        }
        ("POST", "/_emulator/v1/callees") => {
            script_callee(shared, parse(&body)?)?;
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", "/_emulator/v1/requests") => {
            let call_id = query_value(query.as_deref(), "callId");
            ok(json!({ "requests": requests(shared, call_id.as_deref()) }))
        }
        ("PUT", "/_emulator/v1/callback-url") => {
            let url: CallbackUrl = parse(&body)?;
            set_callback_url(shared, url.url)?;
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", "/_emulator/v1/reset") => {
            let options: Reset = parse(&body)?;
            reset(shared, options.quiet);
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", "/_emulator/v1/events") => events(shared),
        ("GET", "/_emulator/v1/openapi.yaml") => (
            [(header::CONTENT_TYPE, "application/yaml; charset=utf-8")],
            OPENAPI,
        )
            .into_response(),
        _ => {
            return Err(ApiError::not_found(format!(
                "No such control route: {path}"
            )));
        }
    };
    Ok(response)
}

/// Server-Sent Events: one `event:`/`data:` pair per thing that happens; a comment every
/// 15 s keeps the connection open.
fn events(shared: &Arc<Shared>) -> Response {
    let receiver = shared.subscribe();
    let opened = Instant::now();
    let hello = format!(
        ": sinch-voice emulator event stream\nretry: 1000\n\nevent: hello\ndata: {}\n\n",
        json!({ "url": shared.base_url })
    );
    let stream = futures_util::stream::unfold(
        (receiver, Some(hello)),
        move |(mut receiver, first)| async move {
            if let Some(first) = first {
                return Some((Ok::<_, Infallible>(Bytes::from(first)), (receiver, None)));
            }
            let text = match tokio::time::timeout(Duration::from_secs(15), receiver.recv()).await {
                Err(_) => format!(": keepalive {}s\n\n", opened.elapsed().as_secs()),
                Ok(Ok(event)) => format!(
                    "id: {}\nevent: {}\ndata: {}\n\n",
                    event["seq"],
                    event["type"].as_str().unwrap_or("event"),
                    event
                ),
                Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(n))) => {
                    format!("event: lagged\ndata: {}\n\n", json!({ "missed": n }))
                }
                Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => return None,
            };
            Some((Ok(Bytes::from(text)), (receiver, None)))
        },
    );
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(stream))
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (method, path) pairs of the OpenAPI document: path keys at two spaces under `paths:`,
    /// operations at four.
    fn documented() -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut in_paths = false;
        let mut current = None;
        for line in OPENAPI.lines() {
            if !line.starts_with(' ') && !line.is_empty() {
                in_paths = line.trim_end() == "paths:";
                continue;
            }
            if !in_paths {
                continue;
            }
            if let Some(path) = line.strip_prefix("  /") {
                current = Some(format!("/{}", path.trim_end().trim_end_matches(':')));
            } else if let Some(op) = line.strip_prefix("    ")
                && !op.starts_with(' ')
            {
                let op = op.trim_end().trim_end_matches(':');
                if ["get", "post", "put", "patch", "delete"].contains(&op)
                    && let Some(path) = &current
                {
                    out.push((op.to_ascii_uppercase(), format!("{PREFIX}{path}")));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_openapi_document_lists_exactly_the_routes_served() {
        let mut served: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        served.sort();
        assert_eq!(documented(), served);
        assert!(OPENAPI.contains("url: /_emulator/v1"), "servers: prefix");
    }

    #[test]
    fn routes_are_found_with_their_methods() {
        let (methods, template, id) = find_route("/_emulator/v1/calls/abc%20d/keys");
        assert_eq!(methods, ["POST"]);
        assert_eq!(template, Some("/_emulator/v1/calls/{callId}/keys"));
        assert_eq!(id.as_deref(), Some("abc d"));
        let (methods, _, _) = find_route("/_emulator/v1/calls");
        assert_eq!(methods, ["GET", "POST"]);
        assert!(find_route("/_emulator/v1/nope").1.is_none());
    }
}
