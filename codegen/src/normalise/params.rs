//! Parameters progenitor can send, for progenitor only ([`for_generator`]; the effective spec
//! keeps them all). progenitor 0.15 sends query parameters in `form` style, path and header
//! parameters in `simple` style, and no cookies. Any other parameter cannot be sent: when it
//! is optional the operation is generated without it (strict: an error), when it is required
//! the operation cannot be generated.
//!
//! Path-level parameters are copied into each operation first, so that leaving one out is
//! decided per operation.

use serde_json::Value;

use super::{DroppedKind, Report, escape_pointer, operation_path, operations, remove_operation};
use crate::error::Error;

fn unsupported_style(parameter: &Value) -> Option<String> {
    let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
    let style = parameter.get("style").and_then(Value::as_str);
    match (location, style) {
        ("query", None | Some("form"))
        | ("path", None | Some("simple"))
        | ("header", None | Some("simple")) => None,
        ("cookie", _) => Some("a cookie parameter".into()),
        (location, Some(style)) => Some(format!("a {location} parameter in style {style}")),
        (location, None) => Some(format!("a parameter in {location:?}")),
    }
}

fn identity(parameter: &Value) -> (String, String) {
    let text = |k: &str| {
        parameter
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (text("name"), text("in"))
}

pub(super) fn for_generator(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let shared = doc
        .pointer("/components/parameters")
        .cloned()
        .unwrap_or(Value::Null);
    let resolve = |p: &Value| -> Value {
        match p
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/parameters/"))
        {
            Some(name) => shared
                .get(name.replace("~1", "/").replace("~0", "~"))
                .cloned()
                .unwrap_or(Value::Null),
            None => p.clone(),
        }
    };
    let item_level: Vec<(String, Vec<Value>)> = doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .map(|(path, item)| {
                    let list = item
                        .get("parameters")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    (path.clone(), list)
                })
                .collect()
        })
        .unwrap_or_default();

    for (path, method) in operations(doc) {
        let pointer = format!("/paths/{}/{method}", escape_pointer(&path));
        let operation = doc.pointer_mut(&pointer).expect("listed");
        let own: Vec<Value> = operation
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let own_ids: Vec<(String, String)> = own.iter().map(|p| identity(&resolve(p))).collect();
        let inherited = item_level
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, list)| list.clone())
            .unwrap_or_default();
        let mut all: Vec<Value> = inherited
            .into_iter()
            .filter(|p| !own_ids.contains(&identity(&resolve(p))))
            .collect();
        all.extend(own);

        let at = operation_path(&path, method);
        let mut kept = Vec::with_capacity(all.len());
        let mut fatal = None;
        for parameter in all {
            let resolved = resolve(&parameter);
            let Some(why) = unsupported_style(&resolved) else {
                kept.push(parameter);
                continue;
            };
            let (name, _) = identity(&resolved);
            let required = resolved.get("required").and_then(Value::as_bool) == Some(true);
            if required {
                fatal = Some(format!(
                    "required parameter `{name}` is {why}, which progenitor 0.15 cannot send"
                ));
                break;
            }
            report.unsupported(
                DroppedKind::Parameter,
                format!("{at}.parameters[?(@.name=='{name}')]"),
                format!("optional parameter `{name}` is {why}, which progenitor 0.15 cannot send: generated without it"),
            )?;
        }
        if let Some(reason) = fatal {
            report.unsupported(DroppedKind::Operation, at, reason)?;
            remove_operation(doc, &path, method);
            continue;
        }
        let operation = doc.pointer_mut(&pointer).expect("kept");
        if kept.is_empty() {
            operation
                .as_object_mut()
                .expect("an operation")
                .remove("parameters");
        } else {
            operation["parameters"] = Value::Array(kept);
        }
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                item.remove("parameters");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{DroppedKind, Report, for_generator, normalise};
    use serde_json::{Value, json};

    fn view(mut doc: Value, skip: bool) -> Result<(Value, Report), crate::Error> {
        let mut report = Report::new("t", skip);
        normalise(&mut doc, &mut report)?;
        for_generator(&mut doc, &mut report)?;
        Ok((doc, report))
    }

    #[test]
    fn parameters_progenitor_cannot_send_are_left_out_or_fail() {
        let ok = json!({"200": {"description": "ok"}});
        let doc = json!({"openapi": "3.0.3", "paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                           {"$ref": "#/components/parameters/Expand"}],
            "get": {"operationId": "a", "responses": ok.clone(),
                    "parameters": [{"name": "session", "in": "cookie", "schema": {"type": "string"}}]},
            "put": {"operationId": "b", "responses": ok.clone(),
                    "parameters": [{"name": "f", "in": "query", "required": true, "style": "deepObject", "schema": {"type": "object"}}]}
        }}, "components": {"parameters": {"Expand": {"name": "expand", "in": "query", "style": "deepObject", "schema": {"type": "object"}}}}});
        let err = view(doc.clone(), false).unwrap_err();
        assert!(err.problem.contains("`expand`"), "{err}");
        assert!(
            err.path.starts_with("$.paths['/a/{id}'].get.parameters"),
            "{err}"
        );

        let (out, report) = view(doc, true).unwrap();
        let kinds: Vec<DroppedKind> = report.dropped.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DroppedKind::Parameter,
                DroppedKind::Parameter,
                DroppedKind::Parameter,
                DroppedKind::Operation
            ]
        );
        assert_eq!(
            out["paths"]["/a/{id}"]["get"]["parameters"],
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        assert!(out["paths"]["/a/{id}"].get("put").is_none());
        assert!(out["paths"]["/a/{id}"].get("parameters").is_none());
    }
}
