//! Schema `$ref`s in the forms typify cannot follow. typify resolves exactly
//! `#/components/schemas/<Name>`; everything else is rewritten:
//!
//! - a local pointer elsewhere (into a schema's properties, into a path's body) that resolves:
//!   the target moves to a new component schema, a `$ref` to it stays in its place, and the
//!   reference points there too;
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
            Kind::Broken(format!(
                "`$ref: {reference}` names a schema the document does not define"
            ))
        };
    }
    if reference.is_empty() || reference == "#" {
        return Kind::Broken(format!("`$ref: {reference:?}` points at no schema"));
    }
    match reference.strip_prefix('#') {
        Some(pointer)
            if doc
                .pointer(pointer)
                .is_some_and(|t| t.is_object() || t.is_boolean()) =>
        {
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
        report.unsupported(
            DroppedKind::Schema,
            path_of(at),
            format!("{why}: typed as any JSON"),
        )?;
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

    // Pass 2: move each target found elsewhere to a component of its own, leaving a `$ref`
    // in its place. Moved, not copied: typify names an inline schema after its parent and
    // property (`Event.type` → `EventType`), which is also the name a copy would get, and the
    // two would be one type anyway. Deepest targets first, so a parent moves with its
    // children's references in it.
    order.sort_by_key(|r| std::cmp::Reverse(r.matches('/').count()));
    let mut names: Vec<(String, String)> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for reference in &order {
        let pointer = &reference[1..];
        let Some(target) = doc.pointer(pointer).cloned() else {
            continue;
        };
        if let Some(inner) = target.get("$ref").and_then(Value::as_str) {
            // Already a reference: point at what it points at.
            names.push((reference.clone(), inner.to_string()));
            continue;
        }
        let name = fresh_schema_name(doc, &name_for(reference), &taken);
        taken.push(name.clone());
        let new_ref = format!("{PREFIX}{}", escape_pointer(&name));
        report.change(
            "refs",
            pointer_to_json_path(&snapshot, pointer),
            format!(
                "referenced as `{reference}`, which typify cannot follow: moved to {new_ref}, a `$ref` left in its place"
            ),
        );
        *doc.pointer_mut(pointer).expect("resolved above") = json!({"$ref": new_ref.clone()});
        names.push((reference.clone(), new_ref));
        super::component_schemas(doc)
            .expect("components is a mapping")
            .insert(name, target);
    }
    if !names.is_empty() {
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
                "properties"
                    | "items"
                    | "allOf"
                    | "anyOf"
                    | "oneOf"
                    | "additionalProperties"
                    | "content"
                    | "schema"
                    | "responses"
                    | "requestBody"
                    | "paths"
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

/// How a component schema takes in another one whole: as an alias (`$ref` at its root) or as
/// a member of its root `allOf`. typify follows these edges eagerly (to merge or resolve), so a
/// cycle of them sends it into unbounded recursion, a stack overflow no `catch_unwind`
/// survives. Cycles through properties, items or unions are fine: they become `Box`es.
fn merge_edges(schema: &Value) -> Vec<(Option<usize>, String)> {
    let target = |v: &Value| {
        v.get("$ref")?
            .as_str()?
            .strip_prefix(PREFIX)
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
    };
    if let Some(name) = target(schema) {
        return vec![(None, name)];
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(|members| {
            members
                .iter()
                .enumerate()
                .filter_map(|(i, m)| target(m).map(|n| (Some(i), n)))
                .collect()
        })
        .unwrap_or_default()
}

/// Finds cycles of [`merge_edges`] and cuts each at the edge that closes it (in document
/// order): an alias becomes untyped JSON, an `allOf` member is left out.
fn alias_cycles(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let edges: Vec<Vec<(Option<usize>, String)>> = schemas.values().map(merge_edges).collect();
    let index_of = |name: &str| names.iter().position(|n| n == name);
    // Iterative depth-first search; 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; names.len()];
    let mut cuts: Vec<(usize, Option<usize>, String)> = Vec::new();
    for start in 0..names.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some((node, next)) = stack.pop() {
            let Some((member, target)) = edges[node].get(next) else {
                state[node] = 2;
                continue;
            };
            stack.push((node, next + 1));
            let Some(t) = index_of(target) else {
                continue;
            };
            match state[t] {
                0 => {
                    state[t] = 1;
                    stack.push((t, 0));
                }
                1 => cuts.push((node, *member, target.clone())),
                _ => {}
            }
        }
    }
    for (node, member, target) in cuts {
        let name = names[node].clone();
        let mut at = vec![
            super::key("components"),
            super::key("schemas"),
            super::key(&name),
        ];
        match member {
            None => {
                report.unsupported(
                    DroppedKind::Schema,
                    path_of(&at),
                    format!("`$ref` to {target} closes a cycle of schemas that only refer to each other: typed as any JSON"),
                )?;
                if let Some(schemas) = super::component_schemas(doc) {
                    schemas.insert(name, json!({}));
                }
            }
            Some(i) => {
                at.extend([super::key("allOf"), Segment::Index(i)]);
                report.unsupported(
                    DroppedKind::Schema,
                    path_of(&at),
                    format!("`allOf` member {target} closes a cycle of schemas merged into each other: left out"),
                )?;
                if let Some(Value::Array(members)) = super::component_schemas(doc)
                    .and_then(|s| s.get_mut(&name))
                    .and_then(|s| s.get_mut("allOf"))
                {
                    members[i] = json!({});
                }
            }
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
        assert_eq!(
            schemas["Event_type"],
            json!({"type": "string", "enum": ["a"]})
        );
        assert_eq!(
            schemas["Event"]["properties"]["type"],
            json!({"$ref": "#/components/schemas/Event_type"})
        );
        for p in ["kind", "again"] {
            assert_eq!(
                schemas["Other"]["properties"][p]["$ref"],
                "#/components/schemas/Event_type"
            );
        }
        assert_eq!(
            report.changes.iter().filter(|c| c.pass == "refs").count(),
            1
        );
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
        assert_eq!(err.path, "$.components.schemas.B");
        let report = run_with(&mut doc, true).unwrap();
        let cut: Vec<&str> = report.dropped.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(cut, ["$.components.schemas.B", "$.components.schemas.C"]);
        assert_eq!(doc["components"]["schemas"]["B"], json!({}));
        assert_eq!(
            doc["components"]["schemas"]["A"]["$ref"],
            "#/components/schemas/B"
        );
    }

    #[test]
    fn all_of_cycles_lose_the_member_that_closes_them() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"x": {"type": "string"}}}]},
            "Tree": {"properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}}
        }}});
        let report = run_with(&mut doc, true).unwrap();
        assert_eq!(report.dropped.len(), 1, "{:?}", report.dropped);
        assert_eq!(report.dropped[0].path, "$.components.schemas.B.allOf[0]");
        assert_eq!(doc["components"]["schemas"]["B"]["allOf"][0], json!({}));
    }
}
