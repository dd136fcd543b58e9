//! progenitor asserts that all success responses of an operation share one body type, and
//! all error responses another (`default` counts as both; codegen-notes 2.3). Make that so,
//! keeping types where the document gives them: differing error bodies become one `oneOf`
//! schema, a success sometimes with and sometimes without a body is handed back as bytes,
//! `default` next to other bodies is read as the errors (`4XX`, `5XX`), codes shadowed by a
//! range are folded into it, and 204/205/304 lose the body HTTP does not allow them.

use serde_json::{Map, Value, json};

use super::{Report, escape_pointer, media::is_json_like, operation_path, pascal_case};
use crate::error::{Error, ErrorKind, pointer_to_json_path};

const METHODS: [&str; 8] = super::METHODS;

/// What a response carries, as progenitor sees it.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    None,
    Json(Value),
    Raw,
}

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Success,
    Failure,
}

fn outcome_of(status: &str) -> Vec<Outcome> {
    match status {
        "default" => vec![Outcome::Success, Outcome::Failure],
        "2XX" | "2xx" => vec![Outcome::Success],
        "4XX" | "4xx" | "5XX" | "5xx" => vec![Outcome::Failure],
        s => match s.parse::<u16>() {
            Ok(200..=299) => vec![Outcome::Success],
            Ok(400..=599) => vec![Outcome::Failure],
            _ => vec![],
        },
    }
}

fn body_of(response: &Value) -> Body {
    let Some(Value::Object(content)) = response.get("content") else {
        return Body::None;
    };
    if content.is_empty() {
        return Body::None;
    }
    match content.iter().find(|(mt, _)| is_json_like(mt)) {
        Some((_, media)) => Body::Json(media.get("schema").cloned().unwrap_or_else(|| json!({}))),
        None => Body::Raw,
    }
}

/// progenitor asserts that all success responses of an operation share one body type, and
/// all error responses another (`default` counts as both). Make that so, keeping types where
/// the document gives them.
pub(super) fn run(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let file = report.file.clone();
    let shared_responses = doc
        .pointer("/components/responses")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut new_schemas: Vec<(String, Value)> = Vec::new();
    let mut taken: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();

    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        for method in METHODS {
            let pointer = format!("/paths/{}/{method}", escape_pointer(&path));
            let Some(operation) = doc.pointer_mut(&pointer) else {
                continue;
            };
            let operation_id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or(method)
                .to_string();
            let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                continue;
            };
            let before = responses.clone();
            for (status, response) in responses.iter_mut() {
                // HTTP gives these statuses no body, whatever the document says.
                if matches!(status.as_str(), "204" | "205" | "304")
                    && let Some(response) = response.as_object_mut()
                {
                    response.remove("content");
                }
            }
            let resolve = |response: &Value| -> Value {
                response
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/responses/"))
                    .and_then(|name| shared_responses.get(name))
                    .cloned()
                    .unwrap_or_else(|| response.clone())
            };
            split_default(responses, &resolve);
            for outcome in [Outcome::Success, Outcome::Failure] {
                unify_outcome(
                    responses,
                    &resolve,
                    outcome,
                    &operation_id,
                    &mut taken,
                    &mut new_schemas,
                );
            }
            fold_shadowed_codes(responses, &resolve);
            log_changes(report, &operation_path(&path, method), &before, responses);
        }
    }
    if !new_schemas.is_empty() {
        let components = doc
            .as_object_mut()
            .expect("a mapping")
            .entry("components")
            .or_insert_with(|| json!({}));
        let Some(components) = components.as_object_mut() else {
            return Err(Error::new(
                ErrorKind::SpecShape,
                file,
                pointer_to_json_path(doc, "/components"),
                "expected a mapping",
            ));
        };
        let schemas = components.entry("schemas").or_insert_with(|| json!({}));
        if let Value::Object(schemas) = schemas {
            for (name, schema) in new_schemas {
                report.change(
                    "responses",
                    super::path_of(&[
                        super::key("components"),
                        super::key("schemas"),
                        super::key(&name),
                    ]),
                    "new schema: the one body type of an outcome that had several",
                );
                schemas.insert(name, schema);
            }
        }
    }
    Ok(())
}

fn log_changes(
    report: &mut Report,
    operation: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) {
    let mut parts = Vec::new();
    for (status, response) in before {
        match after.get(status) {
            None => parts.push(format!("{status} folded or moved")),
            Some(now) if now != response => parts.push(format!("{status} body unified")),
            Some(_) => {}
        }
    }
    for status in after.keys().filter(|s| !before.contains_key(*s)) {
        parts.push(format!("{status} added"));
    }
    if !parts.is_empty() {
        report.change(
            "responses",
            format!("{operation}.responses"),
            format!("one body type per outcome: {}", parts.join(", ")),
        );
    }
}

/// `default` counts as a success and as an error. Next to other responses with another body
/// it would give one of the outcomes two body types: read it as what it almost always means,
/// the error responses.
fn split_default(responses: &mut Map<String, Value>, resolve: &dyn Fn(&Value) -> Value) {
    let Some(default) = responses.get("default") else {
        return;
    };
    let default_body = body_of(&resolve(default));
    let differs = responses
        .iter()
        .filter(|(status, _)| *status != "default" && !outcome_of(status).is_empty())
        .any(|(_, r)| body_of(&resolve(r)) != default_body);
    if !differs {
        return;
    }
    let default = responses.remove("default").expect("checked above");
    for range in ["4XX", "5XX"] {
        responses.entry(range).or_insert_with(|| default.clone());
    }
}

fn unify_outcome(
    responses: &mut Map<String, Value>,
    resolve: &dyn Fn(&Value) -> Value,
    outcome: Outcome,
    operation_id: &str,
    taken: &mut Vec<String>,
    new_schemas: &mut Vec<(String, Value)>,
) {
    let members: Vec<String> = responses
        .keys()
        .filter(|s| outcome_of(s).contains(&outcome))
        .cloned()
        .collect();
    let bodies: Vec<Body> = members
        .iter()
        .map(|s| body_of(&resolve(&responses[s])))
        .collect();
    let mut distinct: Vec<&Body> = Vec::new();
    for body in &bodies {
        if !distinct.contains(&body) {
            distinct.push(body);
        }
    }
    let json_count = bodies.iter().filter(|b| matches!(b, Body::Json(_))).count();
    let all_refs = bodies.iter().all(|b| match b {
        Body::Json(schema) => schema.get("$ref").is_some(),
        _ => true,
    });
    // One body type, and no risk of two inline copies becoming two Rust types: nothing to do.
    if distinct.len() <= 1 && (json_count <= 1 || all_refs) {
        return;
    }

    let schemas: Vec<Value> = {
        let mut out: Vec<Value> = Vec::new();
        for body in &bodies {
            if let Body::Json(schema) = body
                && !out.contains(schema)
            {
                out.push(schema.clone());
            }
        }
        out
    };
    let mixed_with_bodiless = bodies.iter().any(|b| !matches!(b, Body::Json(_)));

    let content = if outcome == Outcome::Success && mixed_with_bodiless {
        // Some successes have a JSON body and some none (or another media type): no single
        // Rust type decodes both, so the raw bytes are handed back.
        json!({"application/octet-stream": {}})
    } else if schemas.is_empty() {
        // Only body-less and non-JSON errors: treat them all as body-less.
        Value::Null
    } else {
        let suffix = match outcome {
            Outcome::Success => "SuccessBody",
            Outcome::Failure => "ErrorBody",
        };
        let mut name = format!("{}{suffix}", pascal_case(operation_id));
        while taken.contains(&name) {
            name.push('_');
        }
        taken.push(name.clone());
        let schema = if schemas.len() == 1 {
            schemas.into_iter().next().expect("one")
        } else {
            json!({"oneOf": schemas})
        };
        new_schemas.push((name.clone(), schema));
        json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", escape_pointer(&name))}}})
    };
    for status in members {
        // A shared response is copied in before it is edited for this operation.
        let Some(slot) = responses.get_mut(&status) else {
            continue;
        };
        *slot = resolve(slot);
        let Value::Object(response) = slot else {
            continue;
        };
        if content.is_null() {
            response.remove("content");
        } else {
            response.insert("content".into(), content.clone());
        }
    }
}

/// progenitor orders a range `4XX` as if it were `400`, so `401` after it is an unreachable
/// match arm (a warning, and dead code). After unification every code of a range's hundred
/// has the range's body, so fold them into it; their descriptions are kept in the range's.
fn fold_shadowed_codes(responses: &mut Map<String, Value>, resolve: &dyn Fn(&Value) -> Value) {
    for hundred in 1..=5u16 {
        let Some(range_key) = [format!("{hundred}XX"), format!("{hundred}xx")]
            .into_iter()
            .find(|k| responses.contains_key(k))
        else {
            continue;
        };
        let codes: Vec<String> = responses
            .keys()
            .filter(|k| k.parse::<u16>().is_ok_and(|c| c / 100 == hundred))
            .cloned()
            .collect();
        if codes.is_empty() {
            continue;
        }
        let mut notes = Vec::new();
        for code in codes {
            let response = resolve(&responses.remove(&code).expect("listed above"));
            let text = response
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            notes.push(format!("{code}: {text}"));
        }
        let range = responses.get_mut(&range_key).expect("found above");
        *range = resolve(range);
        if let Value::Object(range) = range {
            let own = range
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            let listed = notes.join("\n");
            let description = if own.is_empty() {
                listed
            } else {
                format!("{own}\n\n{listed}")
            };
            range.insert("description".into(), Value::String(description));
        }
    }
}

/// For progenitor only: a `101 Switching Protocols` is its websocket upgrade, a success type
/// of its own, which cannot sit beside other success responses (it asserts one type per
/// outcome). Next to a 2xx the 101 is left out: the client takes the 2xx path.
pub(super) fn for_generator(doc: &mut Value, report: &mut Report) {
    for (path, method) in super::operations(doc) {
        let pointer = format!("/paths/{}/{method}/responses", escape_pointer(&path));
        let Some(Value::Object(responses)) = doc.pointer_mut(&pointer) else {
            continue;
        };
        let other_success = responses.keys().any(|s| {
            s == "2XX" || s == "2xx" || s.parse::<u16>().is_ok_and(|c| (200..300).contains(&c))
        });
        if other_success && responses.remove("101").is_some() {
            report.change(
                "responses",
                format!("{}.responses['101']", operation_path(&path, method)),
                "for progenitor: 101 (upgrade) next to a 2xx left out",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use serde_json::{Value, json};

    fn responses_after(responses: Value) -> (Value, Value) {
        let mut doc = json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"operationId": "get_a", "responses": responses}}},
            "components": {"schemas": {"E": {"type": "object"}}, "responses": {"Shared": {"description": "s",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}}});
        run(&mut doc);
        (
            doc["paths"]["/a"]["get"]["responses"].clone(),
            doc["components"]["schemas"].clone(),
        )
    }

    #[test]
    fn differing_error_bodies_become_one_union() {
        let (responses, schemas) = responses_after(json!({
            "200": {"description": "ok"},
            "400": {"description": "a", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}},
            "404": {"description": "b", "content": {"application/json": {"schema": {"type": "string"}}}},
            "500": {"$ref": "#/components/responses/Shared"}
        }));
        let reference = "#/components/schemas/GetAErrorBody";
        for status in ["400", "404", "500"] {
            assert_eq!(
                responses[status]["content"]["application/json"]["schema"]["$ref"],
                reference
            );
        }
        assert_eq!(
            schemas["GetAErrorBody"],
            json!({"oneOf": [{"$ref": "#/components/schemas/E"}, {"type": "string"}]})
        );
        assert_eq!(responses["500"]["description"], "s");
    }

    #[test]
    fn an_error_without_body_next_to_one_with_gets_the_shared_schema() {
        let (responses, _) = responses_after(json!({
            "200": {"description": "ok"},
            "400": {"$ref": "#/components/responses/Shared"},
            "401": {"description": "no body"}
        }));
        assert_eq!(
            responses["401"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GetAErrorBody"
        );
    }

    #[test]
    fn default_unlike_the_success_becomes_error_ranges() {
        let (responses, _) = responses_after(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "default": {"$ref": "#/components/responses/Shared"}
        }));
        assert!(responses.get("default").is_none());
        for range in ["4XX", "5XX"] {
            assert_eq!(responses[range]["$ref"], "#/components/responses/Shared");
        }
    }

    #[test]
    fn success_with_and_without_body_is_returned_raw() {
        let (responses, _) = responses_after(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "204": {"description": "none"}
        }));
        for status in ["200", "204"] {
            assert!(responses[status]["content"]["application/octet-stream"].is_object());
        }
    }

    #[test]
    fn codes_shadowed_by_a_range_are_folded_into_it() {
        let (responses, _) = responses_after(json!({
            "204": {"description": "gone"},
            "2XX": {"description": "any success"},
            "401": {"$ref": "#/components/responses/Shared"},
            "4XX": {"$ref": "#/components/responses/Shared"}
        }));
        assert_eq!(
            responses,
            json!({
                "2XX": {"description": "any success\n\n204: gone"},
                "4XX": {"description": "s\n\n401: s",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}
            })
        );
    }

    #[test]
    fn agreeing_responses_are_untouched() {
        let input = json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}},
            "400": {"description": "a", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}},
            "404": {"description": "b", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}
        });
        let (responses, schemas) = responses_after(input.clone());
        assert_eq!(responses, input);
        assert!(schemas.get("GetAErrorBody").is_none());
    }
}
