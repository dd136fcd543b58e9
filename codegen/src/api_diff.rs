//! What a new spec changes in the generated client, judged from two effective specs.
//!
//! The effective spec is what the client is generated from, one type per component schema and
//! one method per operation, so a diff of the two documents says what the diff of the two
//! crates' public APIs would say, offline and in milliseconds (`cargo-semver-checks` and
//! `cargo-public-api` would need both crates built, and rustdoc JSON from a nightly toolchain).
//!
//! The judgement follows Rust's semver rules for what the generator makes: `#[non_exhaustive]`
//! structs with public fields, open enums (`#[non_exhaustive]`) for component string enums,
//! exhaustive typify enums otherwise, one client method per operation, one request builder per
//! object of a request body. `cargo xtask semver-agreement` checks the verdict against
//! `cargo semver-checks` on generated crates.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::normalise::{self, METHODS, typify_name};
use crate::surface;

/// How a change affects code that uses the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Existing code compiles and behaves as before.
    Compatible,
    /// Existing code may stop compiling or behave differently: a major version.
    Breaking,
}

/// One difference between the old and the new API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// `added`, `removed`, `changed` or `retyped`.
    pub what: &'static str,
    /// `operation GET /calling/v1/calls/id/{callId} (getCall)`, `schema CallInformation`,
    /// `field CallInformation.status`.
    pub subject: String,
    /// Details, e.g. `string → integer`.
    pub detail: String,
    /// What it means for users of the crate.
    pub impact: Impact,
    /// What it is in the API users write against (`sinch_voice` re-exports all of it):
    /// `Client::get_recording`, `TtsCallout::foo_bar` (a request builder's setter),
    /// `CallInformation.rdnis` (a field), `CallStatus::Queued` (a variant).
    pub user: Vec<String>,
}

/// Every difference, operations first, then schemas and their fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiSummary {
    /// In document order of the new spec, removals after.
    pub changes: Vec<ApiChange>,
}

impl ApiSummary {
    /// The strongest impact of any change (`Compatible` when there is none).
    pub fn impact(&self) -> Impact {
        self.changes
            .iter()
            .map(|c| c.impact)
            .max()
            .unwrap_or(Impact::Compatible)
    }

    /// Whether the generated crate needs a major version.
    pub fn is_breaking(&self) -> bool {
        self.impact() == Impact::Breaking
    }
}

impl fmt::Display for ApiSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "API: no change to operations or schemas");
        }
        let count = |what: &str, operations: bool| {
            self.changes
                .iter()
                .filter(|c| c.what == what && c.subject.starts_with("operation") == operations)
                .count()
        };
        writeln!(
            f,
            "API: operations {} added, {} removed, {} changed; schemas and fields {} added, {} removed, {} retyped or changed",
            count("added", true),
            count("removed", true),
            count("changed", true),
            count("added", false),
            count("removed", false),
            count("retyped", false) + count("changed", false),
        )?;
        for change in &self.changes {
            let mark = match change.impact {
                Impact::Compatible => "minor",
                Impact::Breaking => "MAJOR",
            };
            write!(f, "  {} {}", change.what, change.subject)?;
            if !change.detail.is_empty() {
                write!(f, ": {}", change.detail)?;
            }
            writeln!(f, " [{mark}]")?;
            if !change.user.is_empty() {
                writeln!(f, "      sinch-voice: {}", change.user.join("; "))?;
            }
        }
        let verdict = match self.impact() {
            Impact::Compatible => "semver: minor (compatible)",
            Impact::Breaking => "semver: MAJOR (breaking)",
        };
        writeln!(f, "{verdict}")
    }
}

/// Compares two effective specs (the JSON `generate` writes). `Err` if either is not JSON.
pub fn api_summary(old: &str, new: &str) -> Result<ApiSummary, String> {
    let old: Value =
        serde_json::from_str(old).map_err(|e| format!("old effective spec: not JSON: {e}"))?;
    let new: Value =
        serde_json::from_str(new).map_err(|e| format!("new effective spec: not JSON: {e}"))?;
    let mut changes = Vec::new();
    operations(&old, &new, &mut changes);
    let surface = Surface::of(&old).union(Surface::of(&new));
    schemas(&old, &new, &surface, &mut changes);
    Ok(ApiSummary { changes })
}

/// What the generator makes of the schemas besides typify's types: the request builders and
/// the open enums (either spec's, so a removal is named too).
struct Surface {
    /// Spec names of the objects a request body is made of: each has a builder in `requests`.
    builders: BTreeSet<String>,
    /// Open enums (`#[non_exhaustive]`, any other text decodes): a new value is compatible.
    open_enums: Vec<surface::OpenEnum>,
}

impl Surface {
    fn of(doc: &Value) -> Surface {
        let schemas = schema_map(doc);
        let mut todo: Vec<String> = Vec::new();
        for (path, method) in normalise::operations(doc) {
            let body = resolve(doc, &doc["paths"][&path][method]["requestBody"]);
            if let Some(schema) = body.pointer("/content/application~1json/schema") {
                crate::generate::collect_refs(schema, &mut todo);
            }
        }
        let mut builders = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if let Some(schema) = schemas.get(&name)
                && builders.insert(name)
            {
                crate::generate::collect_refs(schema, &mut todo);
            }
        }
        // Only objects with fields have builders (unions and enums are reached through).
        builders.retain(|name| {
            schemas[name]
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty())
        });
        Surface {
            builders,
            open_enums: surface::open_enums(doc),
        }
    }

    fn union(mut self, other: Surface) -> Surface {
        self.builders.extend(other.builders);
        self.open_enums.extend(other.open_enums);
        self
    }

    fn is_open_enum(&self, schema: &str) -> bool {
        let name = typify_name(schema);
        self.open_enums.iter().any(|e| e.name == name)
    }

    /// The variant for a value, from whichever spec has it.
    fn variant(&self, schema: &str, text: &str) -> Option<&str> {
        let name = typify_name(schema);
        self.open_enums
            .iter()
            .filter(|e| e.name == name)
            .find_map(|e| e.variant_for(text))
    }
}

fn push(
    changes: &mut Vec<ApiChange>,
    what: &'static str,
    subject: String,
    detail: String,
    impact: Impact,
) {
    push_for(changes, what, subject, detail, impact, Vec::new());
}

fn push_for(
    changes: &mut Vec<ApiChange>,
    what: &'static str,
    subject: String,
    detail: String,
    impact: Impact,
    user: Vec<String>,
) {
    changes.push(ApiChange {
        what,
        subject,
        detail,
        impact,
        user,
    });
}

fn method(op: &Operation<'_>) -> String {
    format!("Client::{}", surface::snake(&op.id))
}

struct Operation<'a> {
    key: (String, String),
    id: String,
    value: &'a Value,
    path_parameters: Vec<Value>,
}

fn list_operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let path_parameters = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in METHODS {
            if let Some(value) = item.get(method) {
                out.push(Operation {
                    key: (method.to_ascii_uppercase(), path.clone()),
                    id: value
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    value,
                    path_parameters: path_parameters.clone(),
                });
            }
        }
    }
    out
}

fn operation_subject(op: &Operation<'_>) -> String {
    format!("operation {} {} ({})", op.key.0, op.key.1, op.id)
}

fn operations(old: &Value, new: &Value, changes: &mut Vec<ApiChange>) {
    let before = list_operations(old);
    let after = list_operations(new);
    for op in &after {
        match before.iter().find(|b| b.key == op.key) {
            None => push_for(
                changes,
                "added",
                operation_subject(op),
                String::new(),
                Impact::Compatible,
                vec![format!("method {} added", method(op))],
            ),
            Some(was) => compare_operation(old, new, was, op, changes),
        }
    }
    for op in &before {
        if !after.iter().any(|a| a.key == op.key) {
            push_for(
                changes,
                "removed",
                operation_subject(op),
                "its client method is gone".into(),
                Impact::Breaking,
                vec![format!("method {} removed", method(op))],
            );
        }
    }
}

/// Parameters by `(in, name)`: `(required, type signature)`.
fn parameters(doc: &Value, op: &Operation<'_>) -> Vec<((String, String), (bool, String))> {
    let mut out: Vec<((String, String), (bool, String))> = Vec::new();
    let own = op
        .value
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for parameter in op.path_parameters.iter().chain(own.iter()) {
        let parameter = resolve(doc, parameter);
        let text = |k: &str| {
            parameter
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let key = (text("in"), text("name"));
        let entry = (
            parameter.get("required").and_then(Value::as_bool) == Some(true),
            signature(parameter.get("schema").unwrap_or(&Value::Null)),
        );
        out.retain(|(k, _)| *k != key);
        out.push((key, entry));
    }
    out
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..8 {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

fn body_signature(doc: &Value, holder: Option<&Value>) -> Option<String> {
    let holder = resolve(doc, holder?);
    let content = holder.get("content").and_then(Value::as_object)?;
    let mut parts: Vec<String> = content
        .iter()
        .map(|(mt, media)| {
            format!(
                "{mt}: {}",
                signature(media.get("schema").unwrap_or(&Value::Null))
            )
        })
        .collect();
    parts.sort();
    Some(parts.join(", "))
}

fn compare_operation(
    old: &Value,
    new: &Value,
    was: &Operation<'_>,
    now: &Operation<'_>,
    changes: &mut Vec<ApiChange>,
) {
    let subject = operation_subject(now);
    if was.id != now.id {
        push_for(
            changes,
            "changed",
            subject.clone(),
            format!(
                "operationId {} → {} (the client method is renamed)",
                was.id, now.id
            ),
            Impact::Breaking,
            vec![format!("method {} renamed {}", method(was), method(now))],
        );
    }
    let before = parameters(old, was);
    let after = parameters(new, now);
    for ((location, name), (required, sig)) in &after {
        match before
            .iter()
            .find(|(k, _)| k.0 == *location && k.1 == *name)
        {
            None => push(
                changes,
                "changed",
                subject.clone(),
                format!(
                    "{} {location} parameter `{name}` added",
                    if *required { "required" } else { "optional" }
                ),
                if *required {
                    Impact::Breaking
                } else {
                    Impact::Compatible
                },
            ),
            Some((_, (was_required, was_sig))) => {
                if was_sig != sig {
                    push(
                        changes,
                        "changed",
                        subject.clone(),
                        format!("{location} parameter `{name}` retyped: {was_sig} → {sig}"),
                        Impact::Breaking,
                    );
                }
                if was_required != required {
                    push(
                        changes,
                        "changed",
                        subject.clone(),
                        format!(
                            "{location} parameter `{name}` now {}",
                            if *required { "required" } else { "optional" }
                        ),
                        if *required {
                            Impact::Breaking
                        } else {
                            Impact::Compatible
                        },
                    );
                }
            }
        }
    }
    for ((location, name), _) in &before {
        if !after.iter().any(|(k, _)| k.0 == *location && k.1 == *name) {
            push(
                changes,
                "changed",
                subject.clone(),
                format!("{location} parameter `{name}` removed (its setter is gone)"),
                Impact::Breaking,
            );
        }
    }
    let body_before = body_signature(old, was.value.get("requestBody"));
    let body_after = body_signature(new, now.value.get("requestBody"));
    if body_before != body_after {
        push(
            changes,
            "changed",
            subject.clone(),
            format!(
                "request body {} → {}",
                body_before.as_deref().unwrap_or("none"),
                body_after.as_deref().unwrap_or("none")
            ),
            Impact::Breaking,
        );
    }
    let responses = |doc: &Value, op: &Operation<'_>| -> Vec<(String, Option<String>)> {
        op.value
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| {
                r.iter()
                    .map(|(status, response)| (status.clone(), body_signature(doc, Some(response))))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = responses(old, was);
    let after = responses(new, now);
    for (status, sig) in &after {
        match before.iter().find(|(s, _)| s == status) {
            None => push(
                changes,
                "changed",
                subject.clone(),
                format!("response {status} added"),
                Impact::Compatible,
            ),
            Some((_, was_sig)) if was_sig != sig => push(
                changes,
                "changed",
                subject.clone(),
                format!(
                    "response {status} body {} → {}",
                    was_sig.as_deref().unwrap_or("none"),
                    sig.as_deref().unwrap_or("none")
                ),
                Impact::Breaking,
            ),
            Some(_) => {}
        }
    }
    for (status, _) in &before {
        if !after.iter().any(|(s, _)| s == status) {
            push(
                changes,
                "changed",
                subject.clone(),
                format!("response {status} removed"),
                Impact::Breaking,
            );
        }
    }
}

/// A type, as far as it decides the Rust type: a reference is its name; anything inline is
/// its canonical JSON without the words (descriptions, titles, examples).
fn signature(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return name.replace("~1", "/").replace("~0", "~");
    }
    let mut stripped = schema.clone();
    strip_words(&mut stripped);
    match &stripped {
        Value::Object(map) if map.len() == 1 && map.contains_key("type") => {
            map["type"].as_str().unwrap_or("?").to_string()
        }
        Value::Object(map)
            if map.len() == 2 && map.contains_key("type") && map.contains_key("format") =>
        {
            format!(
                "{} ({})",
                map["type"].as_str().unwrap_or("?"),
                map["format"].as_str().unwrap_or("?")
            )
        }
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

fn strip_words(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for word in [
                "description",
                "title",
                "example",
                "examples",
                "externalDocs",
            ] {
                map.remove(word);
            }
            map.retain(|k, _| !k.starts_with("x-"));
            map.values_mut().for_each(strip_words);
            // Key order is not meaning (`{"type", "maxLength"}` is `{"maxLength", "type"}`).
            let mut sorted: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            map.extend(sorted);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_words),
        _ => {}
    }
}

fn schema_map(doc: &Value) -> Map<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn required_of(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn schemas(old: &Value, new: &Value, surface: &Surface, changes: &mut Vec<ApiChange>) {
    let before = schema_map(old);
    let after = schema_map(new);
    for (name, schema) in &after {
        let Some(was) = before.get(name) else {
            push_for(
                changes,
                "added",
                format!("schema {name}"),
                String::new(),
                Impact::Compatible,
                type_items(name, surface, "added"),
            );
            continue;
        };
        compare_schema(name, was, schema, surface, changes);
    }
    for name in before.keys() {
        if !after.contains_key(name) {
            push_for(
                changes,
                "removed",
                format!("schema {name}"),
                "its type is gone".into(),
                Impact::Breaking,
                type_items(name, surface, "removed"),
            );
        }
    }
}

fn type_items(name: &str, surface: &Surface, change: &str) -> Vec<String> {
    let rust = typify_name(name);
    let mut out = vec![format!("type {rust} {change}")];
    if surface.builders.contains(name) {
        out.push(format!("builder requests::{rust} {change}"));
    }
    out
}

fn compare_schema(
    name: &str,
    was: &Value,
    now: &Value,
    surface: &Surface,
    changes: &mut Vec<ApiChange>,
) {
    let rust = typify_name(name);
    let props = |s: &Value| {
        s.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (props_before, props_after) = (props(was), props(now));
    if props_before.is_empty() && props_after.is_empty() {
        // Not an object with fields: an enum, an alias, a union.
        let values = |s: &Value| -> Option<Vec<Value>> { s.get("enum")?.as_array().cloned() };
        if let (Some(a), Some(b)) = (values(was), values(now)) {
            let added: Vec<String> = b
                .iter()
                .filter(|v| !a.contains(v))
                .map(|v| v.to_string())
                .collect();
            let removed: Vec<String> = a
                .iter()
                .filter(|v| !b.contains(v))
                .map(|v| v.to_string())
                .collect();
            let variants = |values: &[Value], which: &str| -> Vec<String> {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|text| {
                        let variant = surface.variant(name, text)?;
                        Some(format!("variant {rust}::{variant} {which}"))
                    })
                    .collect()
            };
            let new_values: Vec<Value> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
            let old_values: Vec<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            if !added.is_empty() {
                // An open enum is `#[non_exhaustive]` and already decodes any text.
                let open = surface.is_open_enum(name);
                push_for(
                    changes,
                    "changed",
                    format!("schema {name}"),
                    format!("enum values added: {}", added.join(", ")),
                    if open {
                        Impact::Compatible
                    } else {
                        Impact::Breaking
                    },
                    variants(&new_values, "added"),
                );
            }
            if !removed.is_empty() {
                push_for(
                    changes,
                    "changed",
                    format!("schema {name}"),
                    format!("enum values removed: {}", removed.join(", ")),
                    Impact::Breaking,
                    variants(&old_values, "removed"),
                );
            }
            let (mut x, mut y) = (was.clone(), now.clone());
            for s in [&mut x, &mut y] {
                if let Some(m) = s.as_object_mut() {
                    m.remove("enum");
                }
            }
            if signature(&x) != signature(&y) {
                push(
                    changes,
                    "retyped",
                    format!("schema {name}"),
                    format!("{} → {}", signature(&x), signature(&y)),
                    Impact::Breaking,
                );
            }
        } else if signature(was) != signature(now) {
            push(
                changes,
                "retyped",
                format!("schema {name}"),
                format!("{} → {}", signature(was), signature(now)),
                Impact::Breaking,
            );
        }
        return;
    }
    let (required_before, required_after) = (required_of(was), required_of(now));
    let builder = surface.builders.contains(name);
    // The field of the struct, and on a request the builder's setter (or constructor).
    let user = |field: &str, change: &str, required: bool| -> Vec<String> {
        let ident = surface::snake(field);
        let mut out = vec![format!("field {rust}.{ident} {change}")];
        if builder {
            out.push(if required {
                format!("constructor argument `{ident}` of requests::{rust} {change}")
            } else {
                format!("setter requests::{rust}::{ident}(..) {change}")
            });
        }
        out
    };
    for (field, schema) in &props_after {
        let subject = format!("field {name}.{field}");
        let required = required_after.contains(field);
        match props_before.get(field) {
            None => push_for(
                changes,
                "added",
                subject,
                if required {
                    "required".into()
                } else {
                    "optional".into()
                },
                if required {
                    Impact::Breaking
                } else {
                    // The struct is `#[non_exhaustive]` (`surface::non_exhaustive_structs`).
                    Impact::Compatible
                },
                user(field, "added", required),
            ),
            Some(old_schema) => {
                let (a, b) = (signature(old_schema), signature(schema));
                if a != b {
                    push_for(
                        changes,
                        "retyped",
                        subject.clone(),
                        format!("{a} → {b}"),
                        Impact::Breaking,
                        user(field, "retyped", required),
                    );
                }
                if required != required_before.contains(field) {
                    let ident = surface::snake(field);
                    let mut items = vec![format!(
                        "field {rust}.{ident} {}",
                        if required {
                            "Option<T> → T"
                        } else {
                            "T → Option<T>"
                        }
                    )];
                    if builder {
                        items.push(format!(
                            "`{ident}` of requests::{rust} {}",
                            if required {
                                "becomes a constructor argument"
                            } else {
                                "is no longer a constructor argument"
                            }
                        ));
                    }
                    push_for(
                        changes,
                        "changed",
                        subject,
                        if required {
                            "now required (Option<T> → T)".into()
                        } else {
                            "now optional (T → Option<T>)".into()
                        },
                        Impact::Breaking,
                        items,
                    );
                }
            }
        }
    }
    for field in props_before.keys() {
        if !props_after.contains_key(field) {
            push_for(
                changes,
                "removed",
                format!("field {name}.{field}"),
                String::new(),
                Impact::Breaking,
                user(field, "removed", required_before.contains(field)),
            );
        }
    }
    let rest = |s: &Value| {
        let mut s = s.clone();
        if let Some(m) = s.as_object_mut() {
            m.remove("properties");
            m.remove("required");
        }
        signature(&s)
    };
    if rest(was) != rest(now) {
        push(
            changes,
            "changed",
            format!("schema {name}"),
            format!("{} → {}", rest(was), rest(now)),
            Impact::Breaking,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(old: Value, new: Value) -> ApiSummary {
        api_summary(&old.to_string(), &new.to_string()).unwrap()
    }

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn identical_specs_have_no_changes() {
        let d = doc(
            json!({"/a": {"get": {"operationId": "a"}}}),
            json!({"A": {"type": "string"}}),
        );
        let s = summary(d.clone(), d);
        assert!(s.changes.is_empty());
        assert!(!s.is_breaking());
        assert!(s.to_string().contains("no change"));
    }

    #[test]
    fn operations_schemas_and_fields_are_compared() {
        let old = doc(
            json!({"/a": {"get": {"operationId": "a", "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}},
                   "/b": {"delete": {"operationId": "b"}}}),
            json!({"A": {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}},
                   "Gone": {"type": "string"},
                   "E": {"type": "string", "enum": ["a", "b"]}}),
        );
        let new = doc(
            json!({"/a": {"get": {"operationId": "a", "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}]}},
                   "/c": {"post": {"operationId": "c"}}}),
            json!({"A": {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer", "description": "now a number"}, "z": {"type": "string"}}},
                   "New": {"type": "string"},
                   "E": {"type": "string", "enum": ["a", "c"]}}),
        );
        let s = summary(old, new);
        let lines: Vec<String> = s
            .changes
            .iter()
            .map(|c| format!("{} {} {}", c.what, c.subject, c.detail))
            .collect();
        assert_eq!(
            lines,
            [
                "changed operation GET /a (a) query parameter `q` retyped: string → integer",
                "added operation POST /c (c) ",
                "removed operation DELETE /b (b) its client method is gone",
                "retyped field A.x string → integer",
                "added field A.z optional",
                "removed field A.y ",
                "added schema New ",
                "changed schema E enum values added: \"c\"",
                "changed schema E enum values removed: \"b\"",
                "removed schema Gone its type is gone",
            ]
        );
        assert_eq!(s.impact(), Impact::Breaking);
        assert!(s.to_string().contains("semver: MAJOR"), "{s}");
    }

    #[test]
    fn an_added_optional_field_is_a_minor_change() {
        let old = doc(
            json!({}),
            json!({"A": {"properties": {"x": {"type": "string"}}}}),
        );
        let new = doc(
            json!({}),
            json!({"A": {"properties": {"x": {"type": "string"}, "y": {"type": "string"}}}}),
        );
        let s = summary(old, new);
        assert_eq!(s.impact(), Impact::Compatible);
        assert!(s.to_string().contains("semver: minor"), "{s}");
    }

    #[test]
    fn changes_are_named_as_users_of_sinch_voice_see_them() {
        let old = doc(
            json!({"/calls": {"post": {"operationId": "createCall",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Call"}}}}}},
                   "/calls/{id}": {"delete": {"operationId": "hangUp"}}}),
            json!({"Call": {"type": "object", "required": ["to"], "properties": {
                        "to": {"type": "string"}, "mode": {"$ref": "#/components/schemas/Mode"}}},
                   "Mode": {"type": "string", "enum": ["fast"]},
                   "Answer": {"type": "object", "properties": {"status": {"type": "string"}}}}),
        );
        let new = doc(
            json!({"/calls": {"post": {"operationId": "createCall",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Call"}}}}}},
                   "/calls/{id}/recording": {"get": {"operationId": "getRecording"}}}),
            json!({"Call": {"type": "object", "required": ["to", "mode"], "properties": {
                        "to": {"type": "string"}, "mode": {"$ref": "#/components/schemas/Mode"},
                        "fooBar": {"type": "string"}}},
                   "Mode": {"type": "string", "enum": ["fast", "slow"]},
                   "Answer": {"type": "object", "properties": {"status": {"type": "string"}, "rdnis": {"type": "string"}}}}),
        );
        let s = summary(old, new);
        let items: Vec<(String, Impact)> = s
            .changes
            .iter()
            .map(|c| (c.user.join("; "), c.impact))
            .collect();
        assert_eq!(
            items,
            [
                ("method Client::get_recording added".to_string(), Impact::Compatible),
                ("method Client::hang_up removed".to_string(), Impact::Breaking),
                (
                    "field Call.mode Option<T> → T; `mode` of requests::Call becomes a constructor argument"
                        .to_string(),
                    Impact::Breaking
                ),
                (
                    "field Call.foo_bar added; setter requests::Call::foo_bar(..) added"
                        .to_string(),
                    Impact::Compatible
                ),
                // An open enum: `#[non_exhaustive]`, and unknown text already decodes.
                ("variant Mode::Slow added".to_string(), Impact::Compatible),
                ("field Answer.rdnis added".to_string(), Impact::Compatible),
            ]
        );
        let text = s.to_string();
        assert!(
            text.contains("      sinch-voice: method Client::get_recording added\n"),
            "{text}"
        );
    }

    #[test]
    fn key_order_is_not_a_change() {
        let old = doc(
            json!({}),
            json!({"A": {"properties": {"x": {"type": "integer", "minimum": 0, "maximum": 9}}}}),
        );
        let new = doc(
            json!({}),
            json!({"A": {"properties": {"x": {"maximum": 9, "minimum": 0, "type": "integer"}}}}),
        );
        assert!(summary(old, new).changes.is_empty());
    }
}
