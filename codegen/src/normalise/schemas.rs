//! 3.1 (JSON Schema 2020-12) forms rewritten as their 3.0 equivalents (codegen-notes 2.2):
//! type arrays become `nullable` or a union, `const` a one-value `enum`, numeric exclusive
//! bounds boolean ones, `null` variants `nullable`, boolean schemas objects; an untyped enum
//! gets the type its values share, and a draft-4 tuple (`items` as a list) a list of values.

use serde_json::{Value, json};

use super::{Report, for_each_schema, json_type_of, path_of};

pub(super) fn run(doc: &mut Value, report: &mut Report) {
    for_each_schema(doc, &mut |schema, at| {
        let mut notes = Vec::new();
        rewrite(schema, &mut notes);
        if !notes.is_empty() {
            report.change("schemas", path_of(at), notes.join("; "));
        }
    });
}

fn rewrite(schema: &mut Value, notes: &mut Vec<String>) {
    match schema {
        Value::Bool(true) => {
            *schema = json!({});
            notes.push("`true` schema → `{}`".into());
        }
        Value::Bool(false) => {
            *schema = json!({"not": {}});
            notes.push("`false` schema → `{not: {}}`".into());
        }
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
            notes.push(format!("type {} →", Value::Array(types.clone())));
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
            let last = notes.last_mut().expect("pushed above");
            last.push_str(" one type, a union or `nullable`");
        }
        Some(Value::String(t)) if t == "null" => {
            nullable = true;
            notes.push("type null → nullable".into());
        }
        Some(other) => {
            map.insert("type".into(), other);
        }
        None => {}
    }

    if let Some(constant) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([constant]));
        notes.push("`const` → one-value `enum`".into());
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if values.iter().any(Value::is_null) {
            values.retain(|v| !v.is_null());
            nullable = true;
            notes.push("null in `enum` → nullable".into());
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
                notes.push(format!("untyped `enum` → type {t}"));
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
            notes.push(format!("numeric `{exclusive}` → `{bound}` + boolean"));
        }
    }

    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = map.get_mut(key) {
            let before = variants.len();
            variants.retain(|v| !is_null_only(v));
            if variants.len() != before {
                nullable = true;
                notes.push(format!("null variant of `{key}` → nullable"));
            }
        }
    }

    if nullable && map.get("nullable") != Some(&json!(true)) {
        map.insert("nullable".into(), json!(true));
    }

    // A draft-4 tuple: the generated type cannot be more precise than a list of values.
    if let Some(Value::Array(_)) = map.get("items") {
        map.insert("items".into(), json!({}));
        notes.push("tuple `items` → list of any".into());
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{norm, run};
    use serde_json::json;

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
    fn examples_are_left_alone_and_changes_are_logged_with_paths() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"const": 1}, "example": {"schema": {"const": 2}}}}
        }}}}}});
        let report = run(&mut doc);
        let media = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["schema"], json!({"enum": [1], "type": "integer"}));
        assert_eq!(media["example"]["schema"], json!({"const": 2}));
        let change = report.changes.iter().find(|c| c.pass == "schemas").unwrap();
        assert_eq!(
            change.path,
            "$.paths['/a'].get.responses['200'].content['application/json'].schema"
        );
        assert!(change.what.contains("const"), "{change:?}");
    }
}
