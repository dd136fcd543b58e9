//! Mechanical rewrites that turn any OpenAPI 3.0/3.1 document into the subset progenitor and
//! typify accept, without knowing anything about the Sinch spec.
//!
//! Each rewrite keeps the meaning of the document as far as a generated client can express
//! it (codegen-notes section 7): 3.1 type arrays become `nullable`, `const` becomes a
//! one-value `enum`, numeric exclusive bounds become boolean ones, nested `$defs` move to
//! `components/schemas`, and the responses of one operation are made to agree on one body
//! type per outcome (success, error), which progenitor requires.

use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorKind, pointer_to_json_path};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites `doc` in place. `file` names the document in errors.
pub(crate) fn normalise(file: &str, doc: &mut Value) -> Result<(), Error> {
    set_version(file, doc)?;
    let root = doc.as_object_mut().expect("load guarantees a mapping");
    root.entry("paths").or_insert_with(|| json!({}));
    hoist_nested_defs(doc);
    walk_schemas(doc, "");
    unify_responses(file, doc)?;
    Ok(())
}

fn set_version(file: &str, doc: &mut Value) -> Result<(), Error> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) if v.starts_with("3.1.") => {
            doc["openapi"] = json!("3.0.3");
            Ok(())
        }
        Some(other) => Err(Error::new(
            ErrorKind::Unsupported,
            file,
            "$.openapi",
            format!("expected an OpenAPI version 3.0.x or 3.1.x, found {other:?}"),
        )),
        None => Err(Error::new(
            ErrorKind::SpecShape,
            file,
            "$.openapi",
            "expected the OpenAPI version string (3.0.x or 3.1.x); the field is missing or not a string",
        )),
    }
}

/// typify cannot resolve `$ref`s into a `$defs` nested inside a component schema: move each
/// such definition to `components/schemas/<Parent>_<Name>` and point every reference there.
fn hoist_nested_defs(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    let taken: Vec<String> = schemas.keys().cloned().collect();
    for (parent, schema) in schemas.iter_mut() {
        collect_defs(
            schema,
            parent,
            &format!("#/components/schemas/{}", escape_pointer(parent)),
            &taken,
            &mut hoisted,
            &mut renames,
        );
    }
    for (name, schema) in hoisted {
        schemas.insert(name, schema);
    }
    if !renames.is_empty() {
        rewrite_refs(doc, &renames);
    }
}

fn collect_defs(
    schema: &mut Value,
    name_prefix: &str,
    pointer_prefix: &str,
    taken: &[String],
    hoisted: &mut Vec<(String, Value)>,
    renames: &mut Vec<(String, String)>,
) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let Some(Value::Object(defs)) = object.remove("$defs") else {
        return;
    };
    for (def_name, mut def) in defs {
        let mut new_name = format!("{name_prefix}_{def_name}");
        while taken.contains(&new_name) || hoisted.iter().any(|(n, _)| n == &new_name) {
            new_name.push('_');
        }
        let old_pointer = format!("{pointer_prefix}/$defs/{}", escape_pointer(&def_name));
        collect_defs(&mut def, &new_name, &old_pointer, taken, hoisted, renames);
        renames.push((
            old_pointer,
            format!("#/components/schemas/{}", escape_pointer(&new_name)),
        ));
        hoisted.push((new_name, def));
    }
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn rewrite_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                // Longest prefix first so nested definitions win over their parents.
                if let Some((old, new)) = renames
                    .iter()
                    .filter(|(old, _)| {
                        reference == old || reference.starts_with(&format!("{old}/"))
                    })
                    .max_by_key(|(old, _)| old.len())
                {
                    *reference = format!("{new}{}", &reference[old.len()..]);
                }
            }
            for (_, child) in map.iter_mut() {
                rewrite_refs(child, renames);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, renames)),
        _ => {}
    }
}

/// Finds every schema position (component schemas and every `schema` key outside examples
/// and extensions) and normalises the schema there.
fn walk_schemas(value: &mut Value, parent_key: &str) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(|i| walk_schemas(i, ""));
        }
        return;
    };
    for (key, child) in map.iter_mut() {
        if key == "example" || key == "examples" || key.starts_with("x-") {
            continue;
        }
        if key == "schema" {
            normalise_schema(child);
        } else if key == "schemas" && parent_key == "components" {
            if let Value::Object(schemas) = child {
                schemas.values_mut().for_each(normalise_schema);
            }
        } else {
            walk_schemas(child, key);
        }
    }
}

/// Normalises one JSON Schema and, recursively, its subschemas.
fn normalise_schema(schema: &mut Value) {
    match schema {
        Value::Bool(true) => *schema = json!({}),
        Value::Bool(false) => *schema = json!({"not": {}}),
        _ => {}
    }
    let Value::Object(map) = schema else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let mut nullable = false;

    match map.remove("type") {
        Some(Value::Array(types)) => {
            let mut kept: Vec<Value> = Vec::new();
            for t in types {
                if t == "null" {
                    nullable = true;
                } else if !kept.contains(&t) {
                    kept.push(t);
                }
            }
            match kept.len() {
                0 => {}
                1 => {
                    map.insert("type".into(), kept.remove(0));
                }
                _ => {
                    let variants: Vec<Value> =
                        kept.into_iter().map(|t| json!({"type": t})).collect();
                    let key = if map.contains_key("oneOf") {
                        "anyOf"
                    } else {
                        "oneOf"
                    };
                    if map.contains_key(key) {
                        map.insert("allOf".into(), json!([{"oneOf": variants}]));
                    } else {
                        map.insert(key.into(), Value::Array(variants));
                    }
                }
            }
        }
        Some(Value::String(t)) if t == "null" => nullable = true,
        Some(other) => {
            map.insert("type".into(), other);
        }
        None => {}
    }

    if let Some(constant) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([constant]));
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if values.iter().any(Value::is_null) {
            values.retain(|v| !v.is_null());
            nullable = true;
        }
        if values.is_empty() {
            map.remove("enum");
        }
    }
    // openapiv3 reads an untyped enum as "any", and typify then refuses its values: give the
    // enum the type all its values share.
    if let (Some(Value::Array(values)), false) = (map.get("enum"), map.contains_key("type")) {
        let kinds: Vec<&str> = values.iter().map(json_type_of).collect();
        if let Some(first) = kinds.first().copied() {
            let shared = if kinds.iter().all(|k| *k == first) {
                Some(first)
            } else if kinds.iter().all(|k| *k == "integer" || *k == "number") {
                Some("number")
            } else {
                None
            };
            if let Some(t) = shared.filter(|t| *t != "object" && *t != "array") {
                map.insert("type".into(), json!(t));
            }
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), json!(true));
        }
    }

    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = map.get_mut(key) {
            let before = variants.len();
            variants.retain(|v| !is_null_only(v));
            if variants.len() != before {
                nullable = true;
            }
        }
    }

    if nullable {
        map.insert("nullable".into(), json!(true));
    }

    for key in ["properties", "patternProperties"] {
        if let Some(Value::Object(props)) = map.get_mut(key) {
            props.values_mut().for_each(normalise_schema);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(normalise_schema);
        }
    }
    match map.get_mut("items") {
        // A draft-4 tuple: the generated type cannot be more precise than a list of values.
        Some(Value::Array(_)) => {
            map.insert("items".into(), json!({}));
        }
        Some(items) => normalise_schema(items),
        None => {}
    }
    for key in ["additionalProperties", "not"] {
        if let Some(sub @ Value::Object(_)) = map.get_mut(key) {
            normalise_schema(sub);
        }
    }
}

fn json_type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_null_only(schema: &Value) -> bool {
    match schema {
        Value::Object(m) => {
            m.get("type") == Some(&json!("null"))
                || m.get("type") == Some(&json!(["null"]))
                || m.get("enum") == Some(&json!([null]))
                || m.get("const") == Some(&Value::Null)
        }
        _ => false,
    }
}

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
    match content
        .iter()
        .find(|(mt, _)| *mt == "application/json" || mt.starts_with("application/json;"))
    {
        Some((_, media)) => Body::Json(media.get("schema").cloned().unwrap_or_else(|| json!({}))),
        None => Body::Raw,
    }
}

/// progenitor asserts that all success responses of an operation share one body type, and
/// all error responses another (`default` counts as both). Make that so, keeping types where
/// the document gives them.
fn unify_responses(file: &str, doc: &mut Value) -> Result<(), Error> {
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
            for (status, response) in responses.iter_mut() {
                // HTTP gives these statuses no body, whatever the document says.
                if matches!(status.as_str(), "204" | "205" | "304")
                    && let Some(response) = response.as_object_mut()
                {
                    response.remove("content");
                }
                if let Some(Value::Object(content)) = response.get_mut("content") {
                    for (mt, media) in content.iter_mut() {
                        let is_json =
                            mt == "application/json" || mt.starts_with("application/json;");
                        if let (true, Value::Object(media)) = (is_json, media) {
                            media.entry("schema").or_insert_with(|| json!({}));
                        }
                    }
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
                schemas.insert(name, schema);
            }
        }
    }
    Ok(())
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

fn pascal_case(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Operation");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(schema: Value) -> Value {
        let mut doc =
            json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": schema}}});
        normalise("t.yaml", &mut doc).unwrap();
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn version_31_becomes_303_and_others_are_refused() {
        let mut doc = json!({"openapi": "3.1.0"});
        normalise("t", &mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
        let err = normalise("t", &mut json!({"openapi": "2.0"})).unwrap_err();
        assert_eq!(err.path, "$.openapi");
        let err = normalise("t", &mut json!({"swagger": "2.0"})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::SpecShape);
    }

    #[test]
    fn type_arrays_become_nullable_or_unions() {
        assert_eq!(
            norm(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            norm(json!({"type": ["integer", "string"]})),
            json!({"oneOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert_eq!(norm(json!({"type": "null"})), json!({"nullable": true}));
    }

    #[test]
    fn const_enum_null_and_exclusive_bounds() {
        assert_eq!(
            norm(json!({"const": "x"})),
            json!({"enum": ["x"], "type": "string"})
        );
        assert_eq!(
            norm(json!({"type": "string", "enum": ["a", null]})),
            json!({"type": "string", "enum": ["a"], "nullable": true})
        );
        assert_eq!(
            norm(json!({"enum": ["a", null]})),
            json!({"enum": ["a"], "type": "string", "nullable": true})
        );
        assert_eq!(
            norm(json!({"enum": [1, 2.5]})),
            json!({"enum": [1, 2.5], "type": "number"})
        );
        assert_eq!(norm(json!({"enum": [1, "a"]})), json!({"enum": [1, "a"]}));
        assert_eq!(
            norm(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn nested_schemas_are_reached() {
        let out = norm(json!({
            "type": "object",
            "properties": {"a": {"type": ["string", "null"]}, "b": {"items": {"const": 1}}},
            "oneOf": [{"type": "null"}, {"type": "object", "additionalProperties": {"const": true}}]
        }));
        assert_eq!(
            out["properties"]["a"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            out["properties"]["b"]["items"],
            json!({"enum": [1], "type": "integer"})
        );
        assert_eq!(out["oneOf"].as_array().unwrap().len(), 1);
        assert_eq!(out["nullable"], json!(true));
        assert_eq!(
            out["oneOf"][0]["additionalProperties"],
            json!({"enum": [true], "type": "boolean"})
        );
    }

    #[test]
    fn examples_are_left_alone() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"const": 1}, "example": {"schema": {"const": 2}}}}
        }}}}}});
        normalise("t", &mut doc).unwrap();
        let media = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["schema"], json!({"enum": [1], "type": "integer"}));
        assert_eq!(media["example"]["schema"], json!({"const": 2}));
    }

    #[test]
    fn nested_defs_are_hoisted_and_references_follow() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "Outer": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Outer/$defs/Inner"}},
                      "$defs": {"Inner": {"type": "string"}}}
        }}});
        normalise("t", &mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Outer_Inner"], json!({"type": "string"}));
        assert_eq!(
            schemas["Outer"]["properties"]["inner"]["$ref"],
            "#/components/schemas/Outer_Inner"
        );
        assert!(schemas["Outer"].get("$defs").is_none());
    }

    fn responses_after(responses: Value) -> (Value, Value) {
        let mut doc = json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"operationId": "get_a", "responses": responses}}},
            "components": {"schemas": {"E": {"type": "object"}}, "responses": {"Shared": {"description": "s",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}}});
        normalise("t", &mut doc).unwrap();
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
