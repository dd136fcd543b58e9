//! Schema `$ref`s in the forms typify cannot follow. typify resolves exactly
//! `#/components/schemas/<Name>`; everything else is rewritten:
//!
//! - a local pointer elsewhere (into a schema's properties, into a path's body) that resolves:
//!   the target is copied to a new component schema and the reference points there;
//! - an empty `$ref`, one to a component that does not exist, or one into another file:
//!   unsupported (strict), or the schema becomes untyped JSON (`--skip-unsupported`);
//! - component schemas that are only references to each other in a cycle (`A: $ref B`,
//!   `B: $ref A`): no type can be made of them, same policy.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{DroppedKind, Report, escape_pointer, for_each_schema, fresh_schema_name, path_of};
use crate::error::{Error, Segment, pointer_to_json_path};

const PREFIX: &str = "#/components/schemas/";

enum Kind {
    Component,
    Elsewhere,
    Broken(String),
}

fn classify(doc: &Value, reference: &str) -> Kind {
    if let Some(name) = reference.strip_prefix(PREFIX)
        && !name.contains('/')
    {
        return if doc.pointer(&reference[1..]).is_some() {
            Kind::Component
        } else {
            Kind::Broken(format!("`$ref: {reference}` names a schema the document does not define"))
        };
    }
    if reference.is_empty() || reference == "#" {
        return Kind::Broken(format!("`$ref: {reference:?}` points at no schema"));
    }
    match reference.strip_prefix('#') {
        Some(pointer) if doc.pointer(pointer).is_some_and(|t| t.is_object() || t.is_boolean()) => {
            Kind::Elsewhere
        }
        Some(_) => Kind::Broken(format!(
            "`$ref: {reference}` points at nothing (or at no schema) in the document"
        )),
        None => Kind::Broken(format!(
            "`$ref: {reference}` is in another document; only references inside the spec are followed"
        )),
    }
}

pub(super) fn run(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    // Pass 1: find what to do, without changing anything.
    let snapshot = doc.clone();
    let mut broken: Vec<(Vec<Segment>, String)> = Vec::new();
    let mut elsewhere: BTreeMap<String, ()> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for_each_schema(doc, &mut |schema, at| {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return;
        };
        match classify(&snapshot, reference) {
            Kind::Component => {}
            Kind::Elsewhere => {
                if elsewhere.insert(reference.to_string(), ()).is_none() {
                    order.push(reference.to_string());
                }
            }
            Kind::Broken(why) => broken.push((at.to_vec(), why)),
        }
    });

    for (at, why) in &broken {
        report.unsupported(DroppedKind::Schema, path_of(at), format!("{why}: typed as any JSON"))?;
    }
    if !broken.is_empty() {
        let paths: Vec<String> = broken.iter().map(|(at, _)| path_of(at)).collect();
        for_each_schema(doc, &mut |schema, at| {
            if paths.contains(&path_of(at)) {
                let description = schema.get("description").cloned();
                *schema = json!({});
                if let Some(d) = description {
                    schema["description"] = d;
                }
            }
        });
    }

    // Pass 2: copy each target found elsewhere to a component of its own.
    if !order.is_empty() {
        let mut names: Vec<(String, String)> = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for reference in &order {
            let target = snapshot
                .pointer(&reference[1..])
                .cloned()
                .expect("classified as resolving");
            let name = fresh_schema_name(doc, &name_for(reference), &taken);
            taken.push(name.clone());
            report.change(
                "refs",
                pointer_to_json_path(&snapshot, &reference[1..]),
                format!(
                    "referenced as `{reference}`, which typify cannot follow: copied to {PREFIX}{name}"
                ),
            );
            names.push((reference.clone(), format!("{PREFIX}{}", escape_pointer(&name))));
            super::component_schemas(doc)
                .expect("components is a mapping")
                .insert(name, target);
        }
        for_each_schema(doc, &mut |schema, _| {
            if let Some(Value::String(reference)) = schema.get_mut("$ref")
                && let Some((_, new)) = names.iter().find(|(old, _)| old == reference)
            {
                *reference = new.clone();
            }
        });
    }

    alias_cycles(doc, report)
}

/// A readable component name for a pointer: the schema's name and the property names on the
/// way down, without the keywords between them.
fn name_for(reference: &str) -> String {
    let segments: Vec<String> = reference
        .trim_start_matches('#')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let rest: &[String] = if segments.len() > 2 && segments[0] == "components" {
        &segments[2..]
    } else {
        &segments
    };
    let kept: Vec<String> = rest
        .iter()
        .filter(|s| {
            !matches!(
                s.as_str(),
                "properties" | "items" | "allOf" | "anyOf" | "oneOf" | "additionalProperties"
                    | "content" | "schema" | "responses" | "requestBody" | "paths"
            )
        })
        .map(|s| {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
                .trim_matches('_')
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect();
    if kept.is_empty() {
        "Referenced".into()
    } else {
        kept.join("_")
    }
}

/// Component schemas that are nothing but a `$ref`, chained into a cycle.
fn alias_cycles(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
        return Ok(());
    };
    let alias = |name: &str| -> Option<String> {
        schemas
            .get(name)?
            .get("$ref")?
            .as_str()?
            .strip_prefix(PREFIX)
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
    };
    let mut cut: Vec<String> = Vec::new();
    for start in schemas.keys() {
        let mut chain = vec![start.clone()];
        let mut current = start.clone();
        while let Some(next) = alias(&current) {
            if let Some(at) = chain.iter().position(|n| *n == next) {
                let cycle = &chain[at..];
                // Cut the cycle once, at the member that comes first in the document.
                let first = schemas
                    .keys()
                    .find(|k| cycle.contains(k))
                    .expect("members are keys")
                    .clone();
                if !cut.contains(&first) && !cycle.iter().any(|m| cut.contains(m)) {
                    cut.push(first);
                }
                break;
            }
            chain.push(next.clone());
            current = next;
        }
    }
    for name in cut {
        let path = path_of(&[super::key("components"), super::key("schemas"), super::key(&name)]);
        report.unsupported(
            DroppedKind::Schema,
            path,
            "a cycle of schemas that are only `$ref`s to each other defines no type: typed as any JSON",
        )?;
        if let Some(schemas) = super::component_schemas(doc) {
            schemas.insert(name, json!({}));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Report, normalise};
    use super::*;
    use crate::error::ErrorKind;

    fn run_with(doc: &mut Value, skip: bool) -> Result<Report, Error> {
        let mut report = Report::new("t", skip);
        normalise(doc, &mut report).map(|()| report)
    }

    #[test]
    fn deep_references_get_a_component_of_their_own() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "Event": {"type": "object", "properties": {"type": {"type": "string", "enum": ["a"]}}},
            "Other": {"properties": {"kind": {"$ref": "#/components/schemas/Event/properties/type"},
                                     "again": {"$ref": "#/components/schemas/Event/properties/type"}}}
        }}});
        let report = run_with(&mut doc, false).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Event_type"], json!({"type": "string", "enum": ["a"]}));
        for p in ["kind", "again"] {
            assert_eq!(
                schemas["Other"]["properties"][p]["$ref"],
                "#/components/schemas/Event_type"
            );
        }
        assert_eq!(report.changes.iter().filter(|c| c.pass == "refs").count(), 1);
    }

    #[test]
    fn broken_references_are_errors_when_strict_and_any_json_otherwise() {
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "A": {"properties": {"x": {"$ref": "#/components/schemas/Missing"},
                                 "y": {"$ref": ""}, "z": {"$ref": "other.yaml#/B", "description": "d"}}}
        }}});
        let err = run_with(&mut doc.clone(), false).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
        assert_eq!(err.path, "$.components.schemas.A.properties.x");
        assert!(err.problem.contains("Missing"), "{err}");

        let mut lenient = doc.clone();
        let report = run_with(&mut lenient, true).unwrap();
        assert_eq!(report.dropped.len(), 3);
        let props = &lenient["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["x"], json!({}));
        assert_eq!(props["z"], json!({"description": "d"}));
    }

    #[test]
    fn alias_cycles_are_cut_once() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "C": {"$ref": "#/components/schemas/C"},
            "D": {"$ref": "#/components/schemas/A"}
        }}});
        let err = run_with(&mut doc.clone(), false).unwrap_err();
        assert_eq!(err.path, "$.components.schemas.A");
        let report = run_with(&mut doc, true).unwrap();
        let cut: Vec<&str> = report.dropped.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(cut, ["$.components.schemas.A", "$.components.schemas.C"]);
        assert_eq!(doc["components"]["schemas"]["A"], json!({}));
        assert_eq!(doc["components"]["schemas"]["B"]["$ref"], "#/components/schemas/A");
    }
}
