//! Media types of bodies.
//!
//! In the document ([`run`]): a JSON body that gives no schema (only an `example`, or nothing)
//! gets `schema: {}`, which is what it means (any JSON) and what progenitor needs.
//!
//! For progenitor only ([`for_generator`]; the effective spec keeps what the server says):
//! - a request body is sent as one media type: JSON first, then form-urlencoded,
//!   octet-stream and text/plain, in that order of preference; a JSON-suffixed type
//!   (`application/vnd.api+json`) counts as JSON and is sent as `application/json`; `*/*`
//!   is sent as octet-stream. An operation whose body has none of these (only
//!   `multipart/form-data`, `application/xml`, ...) cannot be generated;
//! - `encoding` is dropped (progenitor serialises forms with serde_urlencoded and asserts
//!   there is none); octet-stream and text bodies get the one schema progenitor accepts;
//! - JSON-suffixed response types are read as `application/json`, so they are typed.

use serde_json::{Map, Value, json};

use super::{DroppedKind, Report, escape_pointer, operation_path, operations, path_of};
use crate::error::{Error, Segment};

pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
}

/// `application/vnd.api+json`, `text/json`, `application/problem+json`.
pub(crate) fn is_json_like(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.ends_with("+json") || essence.ends_with("/json")
}

pub(super) fn run(doc: &mut Value, report: &mut Report) {
    let mut places: Vec<Vec<Segment>> = Vec::new();
    for (path, method) in operations(doc) {
        let base = vec![super::key("paths"), super::key(&path), super::key(method)];
        places.push([base.clone(), vec![super::key("requestBody")]].concat());
        if let Some(responses) = doc["paths"][&path][method]
            .get("responses")
            .and_then(Value::as_object)
        {
            for status in responses.keys() {
                places.push(
                    [
                        base.clone(),
                        vec![super::key("responses"), super::key(status)],
                    ]
                    .concat(),
                );
            }
        }
    }
    for section in ["responses", "requestBodies"] {
        if let Some(entries) = doc
            .pointer(&format!("/components/{section}"))
            .and_then(Value::as_object)
        {
            for name in entries.keys() {
                places.push(vec![
                    super::key("components"),
                    super::key(section),
                    super::key(name),
                ]);
            }
        }
    }
    for at in places {
        let Some(Value::Object(content)) =
            pointer_mut(doc, &at).and_then(|body| body.get_mut("content"))
        else {
            continue;
        };
        for (media_type, media) in content.iter_mut() {
            let Value::Object(media) = media else {
                continue;
            };
            if is_json_like(media_type) && !media.contains_key("schema") {
                let why = if media.contains_key("example") || media.contains_key("examples") {
                    "JSON body with only an example, no schema: typed as any JSON (`schema: {}`)"
                } else {
                    "JSON body without a schema: typed as any JSON (`schema: {}`)"
                };
                media.insert("schema".into(), json!({}));
                let mut here = at.clone();
                here.extend([super::key("content"), super::key(media_type)]);
                report.change("media", path_of(&here), why);
            }
        }
    }
}

fn pointer_mut<'a>(doc: &'a mut Value, at: &[Segment]) -> Option<&'a mut Value> {
    let mut node = doc;
    for segment in at {
        node = match segment {
            Segment::Key(k) => node.get_mut(k)?,
            Segment::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Sendable {
    Json,
    JsonLike,
    Form,
    Octet,
    Text,
    Wildcard,
}

fn sendable(media_type: &str) -> Option<Sendable> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Some(match essence.as_str() {
        "application/json" => Sendable::Json,
        "application/x-www-form-urlencoded" => Sendable::Form,
        "application/octet-stream" => Sendable::Octet,
        "text/plain" => Sendable::Text,
        "*/*" | "application/*" => Sendable::Wildcard,
        _ if is_json_like(&essence) => Sendable::JsonLike,
        _ => return None,
    })
}

pub(super) fn for_generator(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let shared_bodies = doc
        .pointer("/components/requestBodies")
        .cloned()
        .unwrap_or(Value::Null);
    for (path, method) in operations(doc) {
        let at = operation_path(&path, method);
        let pointer = format!("/paths/{}/{method}", escape_pointer(&path));
        let operation = doc.pointer_mut(&pointer).expect("listed");
        if let Some(body) = operation.get_mut("requestBody") {
            // A shared body is copied in, so that what is done to it here is for this
            // operation only.
            if let Some(name) = body
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/requestBodies/"))
            {
                match shared_bodies.get(name.replace("~1", "/").replace("~0", "~")) {
                    Some(shared) => *body = shared.clone(),
                    None => {
                        report.unsupported(
                            DroppedKind::Operation,
                            at.clone(),
                            format!(
                                "requestBody `$ref` to {name}, which the document does not define"
                            ),
                        )?;
                        super::remove_operation(doc, &path, method);
                        continue;
                    }
                }
            }
            let before = body.get("content").cloned();
            if let Err(reason) = one_sendable_body(body) {
                report.unsupported(DroppedKind::Operation, at.clone(), reason)?;
                super::remove_operation(doc, &path, method);
                continue;
            }
            if body.get("content") != before.as_ref() {
                let listed: Vec<String> = before
                    .as_ref()
                    .and_then(Value::as_object)
                    .map(|c| c.keys().cloned().collect())
                    .unwrap_or_default();
                let sent: Vec<String> = body
                    .get("content")
                    .and_then(Value::as_object)
                    .map(|c| c.keys().cloned().collect())
                    .unwrap_or_default();
                report.change(
                    "media",
                    format!("{at}.requestBody"),
                    format!(
                        "for progenitor: body of [{}] sent as [{}], without `encoding`",
                        listed.join(", "),
                        sent.join(", ")
                    ),
                );
            }
            if body.get("content").is_none() {
                operation
                    .as_object_mut()
                    .expect("an operation")
                    .remove("requestBody");
            }
        }
        let operation = doc.pointer_mut(&pointer).expect("kept");
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            for response in responses.values_mut() {
                read_json_like_as_json(response);
            }
        }
    }
    if let Some(Value::Object(responses)) = doc.pointer_mut("/components/responses") {
        for response in responses.values_mut() {
            read_json_like_as_json(response);
        }
    }
    Ok(())
}

/// Leaves `body` with one media type progenitor sends, or says why there is none.
fn one_sendable_body(body: &mut Value) -> Result<(), String> {
    let Some(Value::Object(content)) = body.get_mut("content") else {
        return Ok(());
    };
    if content.is_empty() {
        body.as_object_mut().expect("has content").remove("content");
        return Ok(());
    }
    let chosen = content
        .iter()
        .filter_map(|(mt, _)| sendable(mt).map(|s| (s, mt.clone())))
        .min_by_key(|(s, _)| *s);
    let Some((kind, media_type)) = chosen else {
        let types: Vec<&str> = content.keys().map(String::as_str).collect();
        return Err(format!(
            "request body as {}: progenitor 0.15 sends only JSON, form-urlencoded, \
             octet-stream and text/plain bodies",
            types.join(", ")
        ));
    };
    let mut media = match content.remove(&media_type) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    media.remove("encoding");
    let schema_ok = |media: &Map<String, Value>, wanted: &Value| {
        media.get("schema").is_some_and(|s| {
            s.as_object().is_some_and(|s| {
                s.iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "description" | "title"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Map<String, Value>>()
                    == *wanted.as_object().expect("an object")
            })
        })
    };
    let new_type = match kind {
        Sendable::Json | Sendable::JsonLike => {
            media.entry("schema").or_insert_with(|| json!({}));
            "application/json"
        }
        Sendable::Form => {
            media.entry("schema").or_insert_with(|| json!({}));
            "application/x-www-form-urlencoded"
        }
        Sendable::Octet | Sendable::Wildcard => {
            let wanted = json!({"type": "string", "format": "binary"});
            if !schema_ok(&media, &wanted) {
                media.insert("schema".into(), wanted);
            }
            "application/octet-stream"
        }
        Sendable::Text => {
            let wanted = json!({"type": "string"});
            if !schema_ok(&media, &wanted) {
                media.insert("schema".into(), wanted);
            }
            "text/plain"
        }
    };
    content.clear();
    content.insert(new_type.into(), Value::Object(media));
    Ok(())
}

fn read_json_like_as_json(response: &mut Value) {
    let Some(Value::Object(content)) = response.get_mut("content") else {
        return;
    };
    if content.keys().any(|k| is_json(k)) {
        for (mt, media) in content.iter_mut() {
            if is_json(mt)
                && let Some(media) = media.as_object_mut()
            {
                media.remove("encoding");
            }
        }
        return;
    }
    let Some(json_like) = content.keys().find(|k| is_json_like(k)).cloned() else {
        return;
    };
    let mut media = content.remove(&json_like).expect("found");
    if let Some(media) = media.as_object_mut() {
        media.remove("encoding");
        media.entry("schema").or_insert_with(|| json!({}));
    }
    content.insert("application/json".into(), media);
}

#[cfg(test)]
mod tests {
    use super::super::{Report, for_generator, normalise};
    use super::*;

    fn generator_view(mut doc: Value, skip: bool) -> Result<(Value, Report), Error> {
        let mut report = Report::new("t", skip);
        normalise(&mut doc, &mut report)?;
        for_generator(&mut doc, &mut report)?;
        Ok((doc, report))
    }

    fn op(body: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {"/a": {"post": {"operationId": "a", "requestBody": body,
            "responses": {"200": {"description": "ok", "content": {"application/vnd.api+json": {"example": {"a": 1}}}}}}}},
            "components": {"requestBodies": {"Shared": {"content": {"multipart/form-data": {"schema": {}}}}}}})
    }

    #[test]
    fn example_only_bodies_get_any_schema_in_the_document() {
        let mut doc = op(json!({"content": {"application/json": {"example": {}}}}));
        let report = super::super::test_support::run(&mut doc);
        let response = &doc["paths"]["/a"]["post"]["responses"]["200"];
        assert_eq!(
            response["content"]["application/vnd.api+json"]["schema"],
            json!({})
        );
        assert!(
            report
                .changes
                .iter()
                .any(|c| c.what.contains("only an example"))
        );
    }

    #[test]
    fn one_body_progenitor_can_send_is_kept() {
        let (doc, _) = generator_view(
            op(json!({"content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}, "encoding": {"a": {"style": "deepObject"}}},
                "application/json": {"schema": {"type": "object"}}
            }})),
            false,
        )
        .unwrap();
        let operation = &doc["paths"]["/a"]["post"];
        assert_eq!(
            operation["requestBody"]["content"],
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert!(operation["responses"]["200"]["content"]["application/json"].is_object());

        let (doc, _) = generator_view(
            op(json!({"content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}, "encoding": {"a": {"style": "deepObject"}}},
                "*/*": {"schema": {"type": "string"}}
            }})),
            false,
        )
        .unwrap();
        assert_eq!(
            doc["paths"]["/a"]["post"]["requestBody"]["content"],
            json!({"application/x-www-form-urlencoded": {"schema": {"type": "object"}}})
        );
        let (doc, _) = generator_view(
            op(json!({"content": {"*/*": {"schema": {"type": "object"}}}})),
            false,
        )
        .unwrap();
        assert_eq!(
            doc["paths"]["/a"]["post"]["requestBody"]["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
    }

    #[test]
    fn a_body_progenitor_cannot_send_drops_the_operation_or_fails() {
        let body = json!({"$ref": "#/components/requestBodies/Shared"});
        let err = generator_view(op(body.clone()), false).unwrap_err();
        assert_eq!(err.path, "$.paths['/a'].post");
        assert!(err.problem.contains("multipart/form-data"), "{err}");
        let (doc, report) = generator_view(op(body), true).unwrap();
        assert!(doc["paths"].get("/a").is_none());
        assert_eq!(report.dropped.len(), 1);
        assert_eq!(report.dropped[0].kind, DroppedKind::Operation);
    }
}
