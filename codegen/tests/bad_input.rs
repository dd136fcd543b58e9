//! Bad and outsized input: a clear error or a result, never a hang, a panic or a stack
//! overflow. The large documents are made here, not stored.

use serde_json::{Value, json};
use sinch_voice_codegen::{
    DroppedKind, ErrorKind, Input, Options, Output, Source, generate, normalise,
};

fn run(text: &str, skip_unsupported: bool) -> Result<Output, sinch_voice_codegen::Error> {
    generate(&Input {
        spec: Source {
            name: "t.json",
            text,
        },
        corrections: None,
        crate_name: "t",
        options: Options {
            skip_unsupported,
            report_dead_corrections: false,
        },
    })
}

fn with_schemas(schemas: Value) -> String {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": schemas}})
    .to_string()
}

#[test]
fn reference_cycles_typify_would_overflow_on_are_cut_or_refused() {
    // typify recurses without bound through allOf and alias cycles (a stack overflow aborts
    // the process, which no catch_unwind survives).
    let spec = with_schemas(json!({
        "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
        "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"x": {"type": "string"}}}]},
        "C": {"$ref": "#/components/schemas/D"},
        "D": {"$ref": "#/components/schemas/C"}
    }));
    let err = run(&spec, false).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert_eq!(err.path, "$.components.schemas.B.allOf[0]");
    let output = run(&spec, true).unwrap();
    let cut: Vec<&str> = output.dropped.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        cut,
        ["$.components.schemas.B.allOf[0]", "$.components.schemas.D"]
    );
    assert!(output.dropped.iter().all(|d| d.kind == DroppedKind::Schema));
    assert!(output.client.contains("pub struct A"), "A is still a type");
}

#[test]
fn recursive_types_through_properties_generate() {
    let spec = with_schemas(json!({
        "A": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/A"},
              "children": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}}}
    }));
    let output = run(&spec, false).unwrap();
    assert!(output.client.contains("Box<A>"), "recursion is boxed");
}

fn many_operations(count: usize) -> String {
    let mut paths = serde_json::Map::new();
    for i in 0..count {
        paths.insert(
            format!("/r{i}/{{id}}"),
            json!({"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                              "404": {"description": "missing"}}}}),
        );
    }
    json!({"openapi": "3.1.0", "info": {"title": "big", "version": "1"}, "paths": paths,
        "components": {"schemas": {"Item": {"type": "object", "properties": {"a": {"type": ["string", "null"]}}}}}})
    .to_string()
}

#[test]
fn ten_thousand_operations_normalise() {
    let text = many_operations(10_000);
    let (effective, changes) = normalise(
        &Source {
            name: "big.json",
            text: &text,
        },
        &Options::default(),
    )
    .unwrap();
    let doc: Value = serde_json::from_str(&effective).unwrap();
    assert_eq!(doc["paths"].as_object().unwrap().len(), 10_000);
    // Every operation got an id; the ids do not clash.
    assert_eq!(
        changes.iter().filter(|c| c.pass == "operation-ids").count(),
        10_000
    );
    assert_eq!(
        doc["paths"]["/r9999/{id}"]["get"]["operationId"],
        "get_r9999_id"
    );
}

#[test]
fn a_thousand_operations_generate() {
    let output = run(&many_operations(1_000), false).unwrap();
    assert_eq!(output.operations, 1_000);
    assert!(output.client.contains("pub fn get_r999_id(&self)"));
}

/// By hand (`cargo test -p sinch-voice-codegen --test bad_input -- --ignored`): the whole
/// pipeline on 10,000 operations takes about 30 s in a debug build, most of it progenitor.
#[test]
#[ignore = "slow in debug builds; run by hand"]
fn ten_thousand_operations_generate() {
    let output = run(&many_operations(10_000), false).unwrap();
    assert_eq!(output.operations, 10_000);
}

/// A 50 MB spec, as vendors publish them: most of the bytes in examples (written as text:
/// building 230,000 JSON values in a debug build would take longer than the test).
fn fifty_megabytes() -> String {
    let note = "y".repeat(200);
    let mut example = String::with_capacity(52_000_000);
    example.push('[');
    for i in 0..230_000 {
        if i > 0 {
            example.push(',');
        }
        example.push_str(&format!("{{\"id\":\"call-{i}\",\"note\":\"{note}\"}}"));
    }
    example.push(']');
    let skeleton = json!({"openapi": "3.0.3", "info": {"title": "huge", "version": "1"},
        "paths": {"/calls": {"get": {"operationId": "listCalls", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Call"}},
                                             "example": "EXAMPLE"}}}}}}},
        "components": {"schemas": {"Call": {"type": "object", "properties": {"id": {"type": "string"}}}}}})
    .to_string();
    let text = skeleton.replace("\"EXAMPLE\"", &example);
    assert!(text.len() > 50_000_000, "{}", text.len());
    text
}

#[test]
fn a_fifty_megabyte_spec_normalises() {
    let text = fifty_megabytes();
    let (effective, _) = normalise(
        &Source {
            name: "huge.json",
            text: &text,
        },
        &Options::default(),
    )
    .unwrap();
    assert!(effective.len() > 50_000_000);
}

/// By hand: about 15 s in a debug build.
#[test]
#[ignore = "slow in debug builds; run by hand"]
fn a_fifty_megabyte_spec_generates() {
    let output = run(&fifty_megabytes(), false).unwrap();
    assert!(output.client.contains("pub fn list_calls(&self)"));
}

#[test]
fn documents_that_are_not_openapi_3_0_or_3_1_are_named() {
    for (text, path, expected) in [
        (
            "{\"swagger\": \"2.0\", \"paths\": {}}",
            "$.swagger",
            "Swagger 2.0",
        ),
        (
            "openapi: 3.2.0\npaths: {}\n",
            "$.openapi",
            "OpenAPI 3.2.0 is not supported",
        ),
        (
            "{\"asyncapi\": \"2.6.0\"}",
            "$.openapi",
            "not an OpenAPI document",
        ),
        ("[1, 2]", "$", "expected a mapping"),
        ("", "$", "expected a mapping"),
    ] {
        let err = run(text, true).unwrap_err();
        assert_eq!(err.path, path, "{text}: {err}");
        assert!(err.to_string().contains(expected), "{text}: {err}");
        assert!(!err.to_string().contains('\n'), "{text}: {err}");
    }
}

#[test]
fn a_schema_typify_refuses_is_found_by_bisection_and_named() {
    // typify refuses it without saying which schema: the components are bisected.
    let mut schemas = serde_json::Map::new();
    for i in 0..40 {
        schemas.insert(format!("Good{i}"), json!({"type": "object", "properties": {"x": {"$ref": format!("#/components/schemas/Good{}", (i + 1) % 40)}}}));
    }
    schemas.insert("A".into(), json!({"type": "string"}));
    schemas.insert("Bad".into(), json!({"type": "integer", "enum": ["a", "b"]}));
    schemas.insert(
        "UsesBad".into(),
        json!({"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Bad"}}}),
    );
    let spec = with_schemas(Value::Object(schemas));
    let err = run(&spec, false).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert_eq!(err.path, "$.components.schemas.Bad", "{err}");
    assert!(!err.to_string().contains('\n'), "{err}");

    let output = run(&spec, true).unwrap();
    assert_eq!(output.dropped.len(), 1);
    assert_eq!(output.dropped[0].path, "$.components.schemas.Bad");
    assert!(output.client.contains("pub struct UsesBad"));
}
