//! The 14 REST operations, with the platform's status codes and error bodies.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sinch_voice::raw::types;
use sinch_voice::svaml::CallUpdate;

use crate::engine::Shared;
use crate::error::ApiError;
use crate::flow;
use crate::state::{Input, MAX_REQUESTS, Member, OwnedNumber, RequestRecord};

/// Largest request body accepted.
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

fn json_response(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

fn empty(status: StatusCode) -> Response {
    status.into_response()
}

/// Reads a typed body, naming the field that is wrong.
pub(crate) fn body_as<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request(
            "Malformed JSON: expected a JSON object",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ) {
            ApiError::bad_request(format!("Malformed JSON: {inner}"))
        } else if inner.to_string().contains(sinch_voice::E164::KIND) {
            // A number the spec types as E.164: the platform's code for a bad number.
            ApiError::new(
                StatusCode::BAD_REQUEST,
                40005,
                format!("Invalid parameter `{path}`: {inner}"),
            )
        } else {
            ApiError::bad_request(format!("Invalid parameter `{path}`: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::bad_request(format!("Malformed JSON: {e}")))?;
    Ok(value)
}

/// Percent-decodes a path or one segment of it (invalid escapes are kept as written).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn body_for_log(content_type: Option<&str>, bytes: &[u8]) -> Option<Value> {
    const MAX_LOGGED: usize = 64 * 1024;
    if bytes.is_empty() {
        return None;
    }
    let json = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    if json && let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        return Some(value);
    }
    let cut = &bytes[..bytes.len().min(MAX_LOGGED)];
    Some(Value::String(String::from_utf8_lossy(cut).into_owned()))
}

/// Every request: the operation, then a line in the request log.
pub(crate) async fn handle(shared: Arc<Shared>, request: Request) -> Response {
    let started = std::time::Instant::now();
    let received = sinch_voice::signing::format_timestamp(chrono::Utc::now());
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let headers = request.headers();
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(header::CONTENT_TYPE);
    let auth_scheme =
        header(header::AUTHORIZATION).and_then(|a| a.split_whitespace().next().map(str::to_string));
    let (response, body) = serve(&shared, request).await;
    let (parts, response_body) = response.into_parts();
    let response_bytes = axum::body::to_bytes(response_body, usize::MAX)
        .await
        .unwrap_or_default();
    let response_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let record = RequestRecord {
        seq: 0,
        received,
        decoded_path: percent_decode(&path),
        method,
        path,
        auth_scheme,
        body: body_for_log(content_type.as_deref(), &body),
        content_type,
        status: parts.status.as_u16(),
        response: body_for_log(response_type, &response_bytes),
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    let logged = {
        let mut state = shared.lock();
        state.next_request += 1;
        let mut record = record;
        record.seq = state.next_request;
        if state.requests.len() >= MAX_REQUESTS {
            state.requests.remove(0);
        }
        state.requests.push(record.clone());
        record
    };
    shared.publish(
        "request",
        None,
        serde_json::to_value(&logged).unwrap_or(Value::Null),
    );
    Response::from_parts(parts, axum::body::Body::from(response_bytes))
}

/// Origin, size, auth, content type, then the operation.
async fn serve(shared: &Arc<Shared>, request: Request) -> (Response, Bytes) {
    // The credentials are fixed and printed: without this, a page the developer visits could
    // reach the REST API through DNS rebinding and change the callback URL.
    if let Err(error) = crate::origin::check(&request) {
        return (error.into_response(), Bytes::new());
    }
    let (parts, body) = request.into_parts();
    let timeout = shared.config.body_timeout;
    let bytes = match crate::body::read(&parts.headers, body, MAX_REQUEST_BYTES, timeout).await {
        Ok(bytes) => bytes,
        Err(error) => return (error.into_response(), Bytes::new()),
    };
    let path = parts.uri.path().to_string();
    // Both official SDKs sign the decoded path (Java decodes it; Node signs the template
    // unencoded); a client that signs the path as sent is accepted too (signing.md §6.2).
    let decoded = percent_decode(&path);
    let check = |signed: &str| {
        crate::auth::check(
            &shared.credentials,
            &shared.secret,
            shared.config.clock_skew,
            parts.method.as_str(),
            signed,
            &parts.headers,
            &bytes,
        )
    };
    if let Err(e) = check(&decoded) {
        let raw_ok = decoded != path && check(&path).is_ok();
        if !raw_ok {
            return (e.into_response(), bytes);
        }
    }
    if !bytes.is_empty() {
        let json = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !json {
            let error = ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                40001,
                "Content-Type must be application/json",
            );
            return (error.into_response(), bytes);
        }
    }
    let response = match route(shared, &parts.method, &path, &bytes).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    };
    (response, bytes)
}

async fn route(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let decoded: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let allowed: &[&str] = match segments.as_slice() {
        ["calling", "v1", "callouts"] => &["POST"],
        ["calling", "v1", "calls", "id", _] => &["GET", "PATCH"],
        ["calling", "v1", "calls", "id", _, "leg", _] => &["PATCH"],
        ["calling", "v1", "conferences", "id", _] => &["GET", "DELETE"],
        ["calling", "v1", "conferences", "id", _, _] => &["PATCH", "DELETE"],
        ["v1", "configuration", "numbers"] => &["GET", "POST", "DELETE"],
        ["v1", "configuration", "callbacks", "applications", _] => &["GET", "POST"],
        ["v1", "calling", "query", "number", _] => &["GET"],
        _ => &[],
    };
    let wrong_method = || ApiError::method_not_allowed(method.as_str(), path, allowed);
    match segments.as_slice() {
        ["calling", "v1", "callouts"] => match *method {
            Method::POST => callout(shared, body).await,
            _ => Err(wrong_method()),
        },
        ["calling", "v1", "calls", "id", call_id] => match *method {
            Method::GET => get_call(shared, call_id),
            Method::PATCH => update_call(shared, call_id, body),
            _ => Err(wrong_method()),
        },
        ["calling", "v1", "calls", "id", call_id, "leg", leg] => match *method {
            Method::PATCH => {
                if !matches!(*leg, "caller" | "callee" | "both") {
                    return Err(ApiError::bad_request(format!(
                        "Invalid parameter `callLeg`: {leg:?} is not caller, callee or both"
                    )));
                }
                update_call(shared, call_id, body)
            }
            _ => Err(wrong_method()),
        },
        ["calling", "v1", "conferences", "id", conference_id] => match *method {
            Method::GET => get_conference(shared, conference_id),
            Method::DELETE => kick_all(shared, conference_id),
            _ => Err(wrong_method()),
        },
        ["calling", "v1", "conferences", "id", conference_id, call_id] => match *method {
            Method::PATCH => manage_participant(shared, conference_id, call_id, body),
            Method::DELETE => kick(shared, conference_id, call_id),
            _ => Err(wrong_method()),
        },
        ["v1", "configuration", "numbers"] => match *method {
            Method::GET => list_numbers(shared),
            Method::POST => assign_numbers(shared, body),
            Method::DELETE => unassign_number(shared, body),
            _ => Err(wrong_method()),
        },
        ["v1", "configuration", "callbacks", "applications", key] => match *method {
            Method::GET => get_callbacks(shared, key),
            Method::POST => set_callbacks(shared, key, body),
            _ => Err(wrong_method()),
        },
        ["v1", "calling", "query", "number", number] => match *method {
            Method::GET => query_number(number),
            _ => Err(wrong_method()),
        },
        _ => Err(ApiError::not_found(format!("No such resource: {path}"))),
    }
}

async fn callout(shared: &Arc<Shared>, body: &Bytes) -> Result<Response, ApiError> {
    // The request is a union tagged by `method`: read the tag, then the one object it names,
    // so a wrong field is reported by its path (`ttsCallout.destination`).
    let mut value: Value = body_as(body)?;
    let method = value["method"].as_str().unwrap_or("").to_string();
    // The platform matches destination types in any case (`Number`, `Username` are seen on
    // the wire and in the vendor's 1.0.1 spec); the generated type takes the lowercase ones.
    if let Some(Value::String(kind)) = value
        .get_mut(method.as_str())
        .and_then(|callout| callout.get_mut("destination"))
        .and_then(|destination| destination.get_mut("type"))
    {
        *kind = kind.to_ascii_lowercase();
    }
    if matches!(
        method.as_str(),
        "ttsCallout" | "conferenceCallout" | "customCallout"
    ) {
        match &value[method.as_str()] {
            // Stricter than the optional field reads: the platform refuses a null destination.
            Value::Object(callout) if callout.get("destination") == Some(&Value::Null) => {
                return Err(ApiError::bad_request(format!(
                    "Invalid parameter `{method}.destination`: must not be null (leave it out, or give a destination)"
                )));
            }
            Value::Object(_) => {}
            Value::Null => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    40002,
                    format!("Missing parameter `{method}`: the {method} information is missing"),
                ));
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Invalid parameter `{method}`: expected an object"
                )));
            }
        }
    }
    let inner = serde_json::to_vec(&value[method.as_str()]).unwrap_or_default();
    let prefix = |e: ApiError| {
        ApiError::bad_request(e.message.replacen(
            "parameter `",
            &format!("parameter `{method}."),
            1,
        ))
    };
    let request = match method.as_str() {
        "ttsCallout" => types::CalloutRequest::TtsCallout {
            tts_callout: body_as(&inner).map_err(prefix)?,
        },
        "conferenceCallout" => types::CalloutRequest::ConferenceCallout {
            conference_callout: body_as(&inner).map_err(prefix)?,
        },
        "customCallout" => types::CalloutRequest::CustomCallout {
            custom_callout: body_as(&inner).map_err(prefix)?,
        },
        "" => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                40002,
                "Missing parameter `method`",
            ));
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "Invalid parameter `method`: {other:?} is not conferenceCallout, ttsCallout or customCallout"
            )));
        }
    };
    let call_id = flow::start_callout(shared, request)?;
    Ok(json_response(json!({ "callId": call_id })))
}

fn get_call(shared: &Arc<Shared>, call_id: &str) -> Result<Response, ApiError> {
    let state = shared.lock();
    let call = state
        .calls
        .get(call_id)
        .ok_or_else(|| ApiError::not_found(format!("Call not found: {call_id}")))?;
    let duration = match (call.answered, call.ended) {
        (Some(a), Some(e)) => e.duration_since(a).as_secs(),
        (Some(a), None) => a.elapsed().as_secs(),
        _ => 0,
    };
    Ok(json_response(json!({
        "from": { "type": "number", "endpoint": call.from },
        "to": { "type": call.to_type, "endpoint": call.to },
        "domain": call.domain,
        "callId": call.id,
        "duration": duration,
        "status": call.status,
        "result": call.result,
        "reason": call.reason,
        "timestamp": shared.timestamp_of(call.started),
        "custom": call.custom,
        "userRate": { "currencyId": "USD", "amount": 0.01 },
        "debit": { "currencyId": "USD", "amount": 0.01 * (duration as f64 / 60.0).ceil() },
    })))
}

fn update_call(shared: &Arc<Shared>, call_id: &str, body: &Bytes) -> Result<Response, ApiError> {
    let update = CallUpdate::parse(body).map_err(|e| {
        let first = e.issues.first();
        ApiError::bad_request(match first {
            Some(issue) => format!("Invalid SVAML at `{}`: {}", issue.path, issue.message),
            None => e.to_string(),
        })
    })?;
    let state = shared.lock();
    let call = state
        .calls
        .get(call_id)
        .ok_or_else(|| ApiError::not_found(format!("Call not found: {call_id}")))?;
    if call.ended.is_some() {
        return Err(ApiError::not_found(format!(
            "Call {call_id} is not ongoing"
        )));
    }
    let _ = call.input.send(Input::Update(Box::new(update)));
    Ok(empty(StatusCode::OK))
}

fn no_conference(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "No such ongoing conference '{id}' in the application's context"
    ))
}

fn get_conference(shared: &Arc<Shared>, conference_id: &str) -> Result<Response, ApiError> {
    let state = shared.lock();
    let members = state
        .conferences
        .get(conference_id)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| no_conference(conference_id))?;
    let participants: Vec<Value> = members
        .iter()
        .map(|m: &Member| {
            json!({
                "cli": m.cli,
                "id": m.call_id,
                "duration": m.joined.elapsed().as_secs(),
                "muted": m.muted,
                "onhold": m.on_hold,
            })
        })
        .collect();
    Ok(json_response(json!({ "participants": participants })))
}

fn kick_all(shared: &Arc<Shared>, conference_id: &str) -> Result<Response, ApiError> {
    let state = shared.lock();
    let members = state
        .conferences
        .get(conference_id)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| no_conference(conference_id))?;
    for member in members {
        if let Some(call) = state.calls.get(&member.call_id) {
            let _ = call.input.send(Input::Kick);
        }
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

fn manage_participant(
    shared: &Arc<Shared>,
    conference_id: &str,
    call_id: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let request: types::ManageParticipantRequest = body_as(body)?;
    let mut state = shared.lock();
    let members = state
        .conferences
        .get_mut(conference_id)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| no_conference(conference_id))?;
    let member = members
        .iter_mut()
        .find(|m| m.call_id == call_id)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Participant {call_id} not found in conference '{conference_id}'"
            ))
        })?;
    match request.command {
        types::ManageParticipantRequestCommand::Mute => member.muted = true,
        types::ManageParticipantRequestCommand::Unmute => member.muted = false,
        types::ManageParticipantRequestCommand::Onhold => member.on_hold = true,
        types::ManageParticipantRequestCommand::Resume => member.on_hold = false,
    }
    drop(state);
    shared.changed();
    Ok(empty(StatusCode::OK))
}

fn kick(shared: &Arc<Shared>, conference_id: &str, call_id: &str) -> Result<Response, ApiError> {
    let state = shared.lock();
    let members = state
        .conferences
        .get(conference_id)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| no_conference(conference_id))?;
    if !members.iter().any(|m| m.call_id == call_id) {
        return Err(ApiError::not_found(format!(
            "Participant {call_id} not found in conference '{conference_id}'"
        )));
    }
    if let Some(call) = state.calls.get(call_id) {
        let _ = call.input.send(Input::Kick);
    }
    Ok(empty(StatusCode::OK))
}

fn list_numbers(shared: &Arc<Shared>) -> Result<Response, ApiError> {
    let state = shared.lock();
    let numbers: Vec<Value> = state
        .numbers
        .iter()
        .map(|n: &OwnedNumber| {
            let mut v = json!({ "number": n.number, "capability": n.capability });
            if let Some(key) = &n.application_key {
                v["applicationkey"] = json!(key);
            }
            v
        })
        .collect();
    Ok(json_response(json!({ "numbers": numbers })))
}

fn assign_numbers(shared: &Arc<Shared>, body: &Bytes) -> Result<Response, ApiError> {
    let request: types::AssignNumbersRequest = body_as(body)?;
    if request.numbers.is_empty() || request.numbers.len() > 100 {
        return Err(ApiError::bad_request(
            "Invalid parameter `numbers`: give 1 to 100 numbers",
        ));
    }
    let key = request
        .applicationkey
        .unwrap_or_else(|| shared.credentials.key().to_string());
    let capability = request
        .capability
        .map(|c| c.to_string())
        .unwrap_or_else(|| "voice".into());
    let mut state = shared.lock();
    for number in &request.numbers {
        if !state.numbers.iter().any(|n| n.number == number.as_str()) {
            return Err(ApiError::bad_request(format!(
                "Unable to update numbers: {number} is not owned by the account"
            )));
        }
    }
    for owned in state
        .numbers
        .iter_mut()
        .filter(|n| request.numbers.iter().any(|x| x.as_str() == n.number))
    {
        owned.application_key = Some(key.clone());
        owned.capability = capability.clone();
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

fn unassign_number(shared: &Arc<Shared>, body: &Bytes) -> Result<Response, ApiError> {
    let request: types::UnassignNumberRequest = body_as(body)?;
    let mut state = shared.lock();
    let owned = state
        .numbers
        .iter_mut()
        .find(|n| n.number == request.number.as_str())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Unable to update numbers: {} is not owned by the account",
                request.number
            ))
        })?;
    owned.application_key = None;
    Ok(empty(StatusCode::NO_CONTENT))
}

fn check_key(shared: &Shared, key: &str) -> Result<(), ApiError> {
    if key == shared.credentials.key() {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            40003,
            format!("Invalid application key {key:?}"),
        ))
    }
}

fn get_callbacks(shared: &Arc<Shared>, key: &str) -> Result<Response, ApiError> {
    check_key(shared, key)?;
    let state = shared.lock();
    let mut url = json!({});
    if let Some(primary) = &state.primary_url {
        url["primary"] = json!(primary);
    }
    if let Some(fallback) = &state.fallback_url {
        url["fallback"] = json!(fallback);
    }
    Ok(json_response(json!({ "url": url })))
}

fn set_callbacks(shared: &Arc<Shared>, key: &str, body: &Bytes) -> Result<Response, ApiError> {
    check_key(shared, key)?;
    let request: types::ApplicationCallbacks = body_as(body)?;
    if let Some(types::ApplicationCallbacksUrl {
        primary: Some(primary),
        fallback,
        ..
    }) = &request.url
    {
        let mut urls = sinch_voice::CallbackUrls::primary(primary.as_str());
        if let Some(fallback) = fallback {
            urls = urls.fallback(fallback.as_str());
        }
        if let Err(sinch_voice::Error::InvalidInput { field, message }) = urls.check() {
            return Err(ApiError::bad_request(format!(
                "Invalid parameter `{field}`: {message}"
            )));
        }
    }
    let mut state = shared.lock();
    if let Some(url) = request.url {
        state.primary_url = url.primary;
        state.fallback_url = url.fallback;
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

fn query_number(number: &str) -> Result<Response, ApiError> {
    if let Err(e) = sinch_voice::E164::check(number) {
        return Err(ApiError::bad_request(format!(
            "Invalid parameter `number`: {e}"
        )));
    }
    let digits = &number[1..];
    let country = [
        ("46", "SE"),
        ("44", "GB"),
        ("49", "DE"),
        ("33", "FR"),
        ("1", "US"),
    ]
    .iter()
    .find(|(prefix, _)| digits.starts_with(prefix))
    .map(|(_, c)| *c)
    .unwrap_or("ZZ");
    Ok(json_response(json!({
        "number": {
            "countryId": country,
            "numberType": "Mobile",
            "normalizedNumber": format!("+{digits}"),
            "restricted": false,
            "rate": { "currencyId": "USD", "amount": 0.0368 },
        },
        "method": "numberItem",
    })))
}
