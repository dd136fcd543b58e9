//! Mechanical rewrites that turn an OpenAPI 3.0/3.1 document into the subset progenitor and
//! typify accept, without knowing anything about the Sinch spec.
//!
//! Each pass is one concern, keeps the meaning of the document as far as a generated client
//! can express it, logs the JSON path of every change it makes, and is idempotent (a second
//! run changes nothing). The passes run in this order:
//!
//! | pass | module | what |
//! |---|---|---|
//! | `version` | [`version`] | 3.1 → 3.0.3; Swagger 2.0, 3.2 and non-OpenAPI refused by name |
//! | `webhooks` | [`webhooks`] | 3.1 `webhooks` → `x-webhooks`, the 3.0 convention |
//! | `renames` | [`renames`] | a component schema's `x-sinch-name` becomes its name |
//! | `defs` | [`defs`] | `$defs` nested in component schemas → `components/schemas` |
//! | `refs` | [`refs`] | `$ref`s typify cannot follow: deep, empty, dangling, cyclic |
//! | `schemas` | [`schemas`] | 3.1 / JSON Schema 2020 forms → 3.0 forms |
//! | `enums` | [`enums`] | non-string values in string enums; open enums as `anyOf` |
//! | `operation-ids` | [`operation_ids`] | a stable `operationId` from method + path where missing |
//! | `media` | [`media`] | one media type progenitor can send per body; encodings; schema-less bodies |
//! | `responses` | [`responses`] | one body type per outcome of an operation |
//!
//! [`for_generator`] then makes the rewrites that progenitor needs but that would make the
//! document less true for other tools; they are not part of the effective spec: open enums
//! back to `oneOf` and enum values with clashing Rust names split ([`enums`]), parameters progenitor cannot send ([`params`]), one media type
//! per request body and JSON-suffixed types read as JSON ([`media`]), inline types whose
//! typify names clash with a component's moved out ([`names`]), 101 next to 2xx ([`responses`]).

mod defs;
mod enums;
mod media;
mod names;
mod operation_ids;
mod params;
mod refs;
mod renames;
mod responses;
mod schema_names;
mod schemas;
mod version;
mod webhooks;

use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorKind, Segment, json_path};

pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One rewrite made by normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The pass that made it (`schemas`, `enums`, `media`, ...).
    pub pass: &'static str,
    /// Where, as a JSONPath into the document as the pass saw it.
    pub path: String,
    /// What was rewritten, in a few words.
    pub what: String,
    /// The change probably hides a mistake in the spec that a human should look at.
    pub warning: bool,
}

/// Something left out of the generated client because it cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// An operation or a schema.
    pub kind: DroppedKind,
    /// Its JSONPath (`$.paths['/a'].post`, `$.components.schemas.Pet`).
    pub path: String,
    /// Why, in one line.
    pub reason: String,
}

/// What [`Dropped`] left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DroppedKind {
    /// The operation is not in the client.
    Operation,
    /// The schema is in the client as untyped JSON (`serde_json::Value`).
    Schema,
    /// The operation is in the client without this optional parameter.
    Parameter,
}

impl std::fmt::Display for DroppedKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DroppedKind::Operation => "operation",
            DroppedKind::Schema => "schema",
            DroppedKind::Parameter => "parameter",
        })
    }
}

/// What normalisation did, and the policy for what cannot be generated.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub file: String,
    pub skip_unsupported: bool,
    pub changes: Vec<Change>,
    pub dropped: Vec<Dropped>,
}

impl Report {
    pub fn new(file: &str, skip_unsupported: bool) -> Self {
        Report {
            file: file.to_string(),
            skip_unsupported,
            changes: Vec::new(),
            dropped: Vec::new(),
        }
    }

    pub fn change(&mut self, pass: &'static str, path: String, what: impl Into<String>) {
        self.changes.push(Change {
            pass,
            path,
            what: what.into(),
            warning: false,
        });
    }

    pub fn warn(&mut self, pass: &'static str, path: String, what: impl Into<String>) {
        self.changes.push(Change {
            pass,
            path,
            what: what.into(),
            warning: true,
        });
    }

    /// Something cannot be generated: an error when strict, a [`Dropped`] entry otherwise (the
    /// caller then removes or loosens it).
    pub fn unsupported(
        &mut self,
        kind: DroppedKind,
        path: String,
        reason: impl Into<String>,
    ) -> Result<(), Error> {
        let reason = reason.into();
        if !self.skip_unsupported {
            return Err(Error::new(
                ErrorKind::Unsupported,
                self.file.clone(),
                path,
                format!("{reason} (a trial can leave it out with --skip-unsupported)"),
            ));
        }
        self.dropped.push(Dropped { kind, path, reason });
        Ok(())
    }
}

/// Rewrites `doc` in place, recording every change in `report`.
pub(crate) fn normalise(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    version::run(doc, report)?;
    let root = doc.as_object_mut().expect("load guarantees a mapping");
    if !root.contains_key("paths") {
        root.insert("paths".into(), json!({}));
        report.change("version", "$.paths".into(), "added an empty `paths`");
    }
    if !root.get("paths").is_some_and(Value::is_object) {
        return Err(Error::new(
            ErrorKind::SpecShape,
            report.file.clone(),
            "$.paths",
            "expected a mapping of paths",
        ));
    }
    webhooks::run(doc, report);
    renames::run(doc, report)?;
    defs::run(doc, report);
    refs::run(doc, report)?;
    schemas::run(doc, report);
    enums::run(doc, report);
    operation_ids::run(doc, report);
    media::run(doc, report);
    responses::run(doc, report)?;
    Ok(())
}

/// Rewrites for progenitor only, made after the effective spec is written: the document stays
/// true for other tools, and the generated Rust is what progenitor makes of the 3.0 idiom.
pub(crate) fn for_generator(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    enums::for_generator(doc, report);
    schema_names::for_generator(doc, report);
    names::for_generator(doc, report);
    params::for_generator(doc, report)?;
    responses::for_generator(doc, report);
    media::for_generator(doc, report)
}

// ------------------------------------------------------------------------ shared helpers

pub(crate) fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn key(k: &str) -> Segment {
    Segment::Key(k.to_string())
}

pub(crate) fn path_of(segments: &[Segment]) -> String {
    json_path(segments)
}

/// `(path, method)` of every operation, in document order.
pub(crate) fn operations(doc: &Value) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some_and(Value::is_object) {
                    out.push((path.clone(), method));
                }
            }
        }
    }
    out
}

pub(crate) fn operation_path(path: &str, method: &str) -> String {
    json_path(&[key("paths"), key(path), key(method)])
}

/// Removes an operation, and its path item when no operation is left in it.
pub(crate) fn remove_operation(doc: &mut Value, path: &str, method: &str) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(item) = paths.get_mut(path).and_then(Value::as_object_mut) else {
        return;
    };
    item.remove(method);
    if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
        paths.remove(path);
    }
}

/// Calls `f` on every schema of the document (component schemas, and every `schema` outside
/// examples and extensions, `x-webhooks` included), parents before children, with its path.
/// `f` may rewrite the node; the walk then descends into what the node has become. Children
/// of a `$ref` are not visited (3.0 ignores them).
pub(crate) fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&mut Value, &[Segment])) {
    let mut at = Vec::new();
    walk_document(doc, &mut at, "", f);
}

fn walk_document(
    value: &mut Value,
    at: &mut Vec<Segment>,
    parent_key: &str,
    f: &mut dyn FnMut(&mut Value, &[Segment]),
) {
    match value {
        Value::Object(map) => {
            let top = at.is_empty();
            for (k, child) in map.iter_mut() {
                let extension_walked = top && k == "x-webhooks";
                if k == "example" || k == "examples" || (k.starts_with("x-") && !extension_walked) {
                    continue;
                }
                at.push(key(k));
                if k == "schema" {
                    walk_schema(child, at, f);
                } else if k == "schemas" && parent_key == "components" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            at.push(key(name));
                            walk_schema(schema, at, f);
                            at.pop();
                        }
                    }
                } else {
                    walk_document(child, at, k, f);
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                at.push(Segment::Index(index));
                walk_document(item, at, "", f);
                at.pop();
            }
        }
        _ => {}
    }
}

fn walk_schema(
    schema: &mut Value,
    at: &mut Vec<Segment>,
    f: &mut dyn FnMut(&mut Value, &[Segment]),
) {
    f(schema, at);
    let Value::Object(map) = schema else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    walk_children(map, at, f);
}

fn walk_children(
    map: &mut Map<String, Value>,
    at: &mut Vec<Segment>,
    f: &mut dyn FnMut(&mut Value, &[Segment]),
) {
    for (k, child) in map.iter_mut() {
        match (k.as_str(), child) {
            ("properties" | "patternProperties", Value::Object(props)) => {
                at.push(key(k));
                for (name, sub) in props.iter_mut() {
                    at.push(key(name));
                    walk_schema(sub, at, f);
                    at.pop();
                }
                at.pop();
            }
            ("allOf" | "anyOf" | "oneOf" | "prefixItems", Value::Array(items)) => {
                at.push(key(k));
                for (index, sub) in items.iter_mut().enumerate() {
                    at.push(Segment::Index(index));
                    walk_schema(sub, at, f);
                    at.pop();
                }
                at.pop();
            }
            ("items", sub @ (Value::Object(_) | Value::Bool(_)))
            | ("additionalProperties" | "not", sub @ Value::Object(_)) => {
                at.push(key(k));
                walk_schema(sub, at, f);
                at.pop();
            }
            _ => {}
        }
    }
}

/// The JSON type of a value, as JSON Schema names it.
pub(crate) fn json_type_of(value: &Value) -> &'static str {
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

pub(crate) fn pascal_case(s: &str) -> String {
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

/// A component schema name built from `base` whose Rust type name (typify's Pascal case:
/// `a_b` and `AB` are both `AB`) no other component schema has.
pub(crate) fn fresh_schema_name(doc: &Value, base: &str, also_taken: &[String]) -> String {
    let rust = typify_name;
    let taken: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| rust(k)).collect())
        .unwrap_or_default();
    let free = |n: &str| {
        let r = rust(n);
        !taken.contains(&r) && !also_taken.iter().any(|t| rust(t) == r)
    };
    let mut name = base.to_string();
    let mut n = 1;
    while !free(&name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

/// The Rust type name typify gives a component schema (its `sanitize` in Pascal case).
pub(crate) fn typify_name(name: &str) -> String {
    use heck::ToPascalCase;
    let out = match name {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => name
            .replace('\'', "")
            .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
            .to_pascal_case(),
    };
    match out.chars().next() {
        None => "X".into(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("X{out}"),
    }
}

/// `components.schemas`, created when missing.
pub(crate) fn component_schemas(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| json!({}));
    let components = components.as_object_mut()?;
    components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Normalises `doc` strictly; panics on error.
    pub fn run(doc: &mut Value) -> Report {
        let mut report = Report::new("t.yaml", false);
        normalise(doc, &mut report).unwrap_or_else(|e| panic!("{e}"));
        report
    }

    /// Normalises a document holding one component schema `S` and returns it.
    pub fn norm(schema: Value) -> Value {
        let mut doc =
            json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": schema}}});
        run(&mut doc);
        doc["components"]["schemas"]["S"].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::run;
    use super::*;

    #[test]
    fn every_schema_position_is_visited_with_its_path() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [{"schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "properties": {"p": {"items": {"type": "integer"}}}},
                    "example": {"schema": {}}}}}}}}},
            "components": {"schemas": {"S": {"oneOf": [{"$ref": "#/x"}], "additionalProperties": {"not": {}}}}},
            "x-webhooks": {"w": {"post": {"requestBody": {"content": {"a/b": {"schema": {}}}}}}},
            "x-other": {"schema": {}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |_, at| seen.push(json_path(at)));
        assert_eq!(
            seen,
            [
                "$.paths['/a'].get.parameters[0].schema",
                "$.paths['/a'].get.responses['200'].content['application/json'].schema",
                "$.paths['/a'].get.responses['200'].content['application/json'].schema.properties.p",
                "$.paths['/a'].get.responses['200'].content['application/json'].schema.properties.p.items",
                "$.components.schemas.S",
                "$.components.schemas.S.oneOf[0]",
                "$.components.schemas.S.additionalProperties",
                "$.components.schemas.S.additionalProperties.not",
                "$['x-webhooks'].w.post.requestBody.content['a/b'].schema",
            ]
        );
    }

    #[test]
    fn a_second_run_changes_nothing() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {
            "200": {"description": "ok", "content": {"application/json": {"example": 1}}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {"type": ["string", "null"]}}}},
            "404": {"description": "none"}}}}},
            "components": {"schemas": {"E": {"type": "string", "enum": ["pstn", "PSTN", true]}}}});
        let first = run(&mut doc);
        assert!(!first.changes.is_empty());
        let once = doc.clone();
        let second = run(&mut doc);
        assert_eq!(doc, once);
        assert_eq!(second.changes, Vec::new());
    }
}
