//! Generation from the repository's real inputs, and every kind of bad input.

use serde_json::Value;
use sinch_voice_codegen::{ErrorKind, Input, Output, Source, generate};

const SPEC_NAME: &str = "spec/sinch-voice.openapi.yaml";
const CORRECTIONS_NAME: &str = "spec/corrections.yaml";

fn repo_file(relative: &str) -> String {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn generate_with(
    spec: &str,
    corrections: Option<&str>,
) -> Result<Output, sinch_voice_codegen::Error> {
    generate(&Input {
        spec: Source {
            name: SPEC_NAME,
            text: spec,
        },
        corrections: corrections.map(|text| Source {
            name: CORRECTIONS_NAME,
            text,
        }),
        crate_name: "sinch_voice_raw",
        options: Default::default(),
    })
}

fn generate_repo() -> Output {
    generate_with(&repo_file(SPEC_NAME), Some(&repo_file(CORRECTIONS_NAME)))
        .unwrap_or_else(|e| panic!("the repository's spec must generate: {e}"))
}

#[test]
fn two_generations_from_the_same_input_are_byte_identical() {
    let first = generate_repo();
    let second = generate_repo();
    assert_eq!(first.client, second.client);
    assert_eq!(first.effective_spec, second.effective_spec);
}

#[test]
fn the_header_names_both_inputs_with_their_digests() {
    let output = generate_repo();
    let mut lines = output.client.lines();
    assert_eq!(lines.next(), Some("#![cfg_attr(rustfmt, rustfmt::skip)]"));
    let header: Vec<&str> = output.client.lines().take(6).collect();
    let header = header.join("\n");
    assert!(header.contains("cargo xtask regenerate"), "{header}");
    assert!(header.contains("DO NOT EDIT"), "{header}");
    let spec_digest = sinch_voice_codegen::sha256_hex(repo_file(SPEC_NAME).as_bytes());
    let corrections_digest =
        sinch_voice_codegen::sha256_hex(repo_file(CORRECTIONS_NAME).as_bytes());
    assert!(
        header.contains(&format!("{SPEC_NAME} (sha256 {spec_digest})")),
        "{header}"
    );
    assert!(
        header.contains(&format!("{CORRECTIONS_NAME} (sha256 {corrections_digest})")),
        "{header}"
    );
    // The same digests as constants, for `sinch-voice --version` and anyone else who asks.
    assert!(
        output
            .client
            .contains(&format!("pub const SPEC_SHA256: &str = \"{spec_digest}\";")),
        "SPEC_SHA256"
    );
    assert!(
        output.client.contains(&format!(
            "pub const CORRECTIONS_SHA256: &str = \"{corrections_digest}\";"
        )),
        "CORRECTIONS_SHA256"
    );
}

/// rest-api.md section 3: every operation, with its real method and path, and nothing else.
#[test]
fn the_effective_spec_has_the_fourteen_real_operations() {
    let output = generate_repo();
    let spec: Value = serde_json::from_str(&output.effective_spec).unwrap();
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation.get("operationId") {
                found.push((
                    method.to_uppercase(),
                    path.clone(),
                    id.as_str().unwrap().to_string(),
                ));
            }
        }
    }
    let expected = [
        ("POST", "/calling/v1/callouts", "createCallout"),
        ("GET", "/calling/v1/calls/id/{callId}", "getCall"),
        ("PATCH", "/calling/v1/calls/id/{callId}", "updateCall"),
        (
            "PATCH",
            "/calling/v1/calls/id/{callId}/leg/{callLeg}",
            "manageCallLeg",
        ),
        (
            "GET",
            "/calling/v1/conferences/id/{conferenceId}",
            "getConference",
        ),
        (
            "DELETE",
            "/calling/v1/conferences/id/{conferenceId}",
            "kickAllFromConference",
        ),
        (
            "PATCH",
            "/calling/v1/conferences/id/{conferenceId}/{callId}",
            "manageConferenceParticipant",
        ),
        (
            "DELETE",
            "/calling/v1/conferences/id/{conferenceId}/{callId}",
            "kickParticipantFromConference",
        ),
        ("GET", "/v1/configuration/numbers", "listNumbers"),
        ("POST", "/v1/configuration/numbers", "assignNumbers"),
        ("DELETE", "/v1/configuration/numbers", "unassignNumber"),
        (
            "GET",
            "/v1/configuration/callbacks/applications/{applicationkey}",
            "getApplicationCallbacks",
        ),
        (
            "POST",
            "/v1/configuration/callbacks/applications/{applicationkey}",
            "updateApplicationCallbacks",
        ),
        ("GET", "/v1/calling/query/number/{number}", "queryNumber"),
    ];
    let mut expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(m, p, id)| (m.to_string(), p.to_string(), id.to_string()))
        .collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected);

    // The configuration operations name their host; the traffic ones use the regional servers.
    for path in [
        "/v1/configuration/numbers",
        "/v1/configuration/callbacks/applications/{applicationkey}",
        "/v1/calling/query/number/{number}",
    ] {
        assert_eq!(
            spec["paths"][path]["servers"][0]["url"],
            "https://callingapi.sinch.com"
        );
    }
    let servers: Vec<&str> = spec["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(servers.len(), 6, "{servers:?}");
    let schemes = spec["components"]["securitySchemes"].as_object().unwrap();
    assert!(
        schemes.contains_key("Basic") && schemes.contains_key("Signed"),
        "{schemes:?}"
    );
}

#[test]
fn every_client_method_is_generated() {
    let client = generate_repo().client;
    for method in [
        "create_callout",
        "get_call",
        "update_call",
        "manage_call_leg",
        "get_conference",
        "kick_all_from_conference",
        "manage_conference_participant",
        "kick_participant_from_conference",
        "list_numbers",
        "assign_numbers",
        "unassign_number",
        "get_application_callbacks",
        "update_application_callbacks",
        "query_number",
    ] {
        assert!(
            client.contains(&format!("pub fn {method}(")),
            "{method} missing"
        );
    }
}

#[test]
fn svaml_objects_keep_unknown_fields() {
    let spec: Value = serde_json::from_str(&generate_repo().effective_spec).unwrap();
    for name in ["SvamlAction", "SvamlInstruction"] {
        assert_eq!(
            spec["components"]["schemas"][name]["additionalProperties"],
            serde_json::json!({})
        );
    }
    let client = generate_repo().client;
    let action = &client[client.find("pub struct SvamlAction {").unwrap()..];
    let action = &action[..action.find('}').unwrap()];
    assert!(action.contains("#[serde(flatten)]"), "{action}");
}

// ---------------------------------------------------------------- bad input

#[test]
fn malformed_spec_yaml_names_the_file_and_line() {
    let err = generate_with("openapi: 3.1.0\ninfo: [unclosed\npaths: {}\n", None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.file, SPEC_NAME);
    assert!(err.path.contains("line"), "{err}");
}

#[test]
fn malformed_overlay_names_the_overlay_file() {
    let err = generate_with(
        &repo_file(SPEC_NAME),
        Some("overlay: 1.0.0\nactions: {oops"),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(err.file, CORRECTIONS_NAME);
}

#[test]
fn an_overlay_of_the_wrong_shape_names_the_path() {
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: d\n    remove: 'yes'\n";
    let err = generate_with(&repo_file(SPEC_NAME), Some(overlay)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::OverlayShape);
    assert_eq!(err.path, "$.actions[0].remove", "{err}");
    assert!(err.problem.contains("boolean"), "{err}");
}

#[test]
fn a_dead_target_in_the_real_corrections_names_the_action() {
    // The vendor renames the callId path parameter: our correction that types it is now dead.
    let spec: String =
        repo_file(SPEC_NAME).replacen("\n    callId:\n", "\n    callIdentifier:\n", 1);
    assert_ne!(
        spec,
        repo_file(SPEC_NAME),
        "the fixture edit must change the spec"
    );
    let err = generate_with(&spec, Some(&repo_file(CORRECTIONS_NAME))).unwrap_err();
    assert_eq!(err.kind, ErrorKind::DeadTarget);
    assert_eq!(err.file, CORRECTIONS_NAME);
    assert!(err.path.starts_with("$.actions["), "{err}");
    assert!(err.problem.contains("CallId rule"), "{err}");
    assert!(
        err.problem.contains("$.components.parameters.callId"),
        "{err}"
    );
}

#[test]
fn a_spec_of_the_wrong_shape_names_the_json_path() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: 5\n";
    let err = generate_with(spec, None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::SpecShape);
    assert_eq!(err.path, "$.paths['/a'].get.responses", "{err}");
}

#[test]
fn a_missing_version_is_named() {
    let err = generate_with("info: {title: t, version: '1'}\npaths: {}\n", None).unwrap_err();
    assert_eq!(err.path, "$.openapi");
}

#[test]
fn a_construct_the_generator_cannot_take_is_located_not_a_panic() {
    // progenitor asserts (panics) that a path parameter is required, as OpenAPI says it must be.
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /b:\n    get: {operationId: b, responses: {'204': {description: ok}}}\n  /a/{id}:\n    get:\n      operationId: a\n      parameters: [{name: id, in: path, required: false, schema: {type: string}}]\n      responses:\n        '204': {description: ok}\n";
    let err = generate_with(spec, None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert_eq!(err.path, "$.paths['/a/{id}'].get", "{err}");
    assert!(err.problem.contains("parameter_data.required"), "{err}");
    assert!(!err.to_string().contains('\n'), "{err}");
}

#[test]
fn duplicate_operation_ids_are_refused_with_a_reason() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: x, responses: {'200': {description: ok}}}\n  /b:\n    get: {operationId: x, responses: {'200': {description: ok}}}\n";
    let err = generate_with(spec, None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert!(err.problem.contains("duplicate operation ID"), "{err}");
}
