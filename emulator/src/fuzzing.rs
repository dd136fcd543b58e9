//! The property behind the `emulator_rest_body` fuzz target of `fuzz/`: every REST and control
//! API body the emulator reads, read from the fuzzer's bytes. The corpus-replay test calls the very same
//! function on every committed corpus file, on stable. Not part of the API.

use axum::http::StatusCode;
use sinch_voice::raw::types;

use crate::error::ApiError;
use crate::rest;

/// Feeds the bytes to each body reader of the REST operations (callout, update call or leg,
/// manage participant, assign and unassign numbers, set callback URLs), as the operation
/// would, and to every body reader of the control API (and its query reader). Properties: nothing panics; a refusal is a 400 with error code 40001, 40002 or 40005
/// and a message that says whether the JSON is malformed or which parameter is wrong.
pub fn rest_body(data: &[u8]) {
    let _ = rest::body_as::<types::CalloutRequest>(data).map_err(refusal);
    if let Ok(update) = rest::body_as::<serde_json::Value>(data).map_err(refusal) {
        assert!(update.is_object(), "an update is a JSON object: {update}");
    }
    let _ = rest::body_as::<types::ManageParticipantRequest>(data).map_err(refusal);
    if let Ok(request) = rest::body_as::<types::AssignNumbersRequest>(data).map_err(refusal) {
        for number in &request.numbers {
            let _ = sinch_voice::E164::check(number);
        }
    }
    let _ = rest::body_as::<types::UnassignNumberRequest>(data).map_err(refusal);
    let _ = rest::body_as::<types::ApplicationCallbacks>(data).map_err(refusal);
    crate::control::read_every_body(data);
}

fn refusal(e: ApiError) {
    assert_eq!(e.status, StatusCode::BAD_REQUEST, "{e:?}");
    assert!(matches!(e.code, 40001 | 40002 | 40005), "{e:?}");
    assert!(
        [
            "Malformed JSON",
            "Invalid parameter",
            "Missing parameter",
            "Invalid SVAML",
            "Invalid destination",
            "TTS callout information missing",
        ]
        .iter()
        .any(|start| e.message.starts_with(start)),
        "a refusal that says nothing useful: {e:?}"
    );
}
