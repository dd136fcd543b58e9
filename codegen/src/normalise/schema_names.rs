//! For typify only: a component schema's type name is its name in Pascal case, so `auto-merge`,
//! `auto_merge` and `AutoMerge` would all define `AutoMerge` and the crate would not compile.
//! As for operationIds, all but one get `_2`, `_3`, ...: the one whose name already is its
//! Rust name keeps it (else the first in document order), and every `$ref` follows.

use serde_json::Value;

use super::{Report, escape_pointer, fresh_schema_name, key, path_of, typify_name};

pub(super) fn for_generator(doc: &mut Value, report: &mut Report) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let rust = typify_name(name);
        let group: Vec<&String> = names.iter().filter(|n| typify_name(n) == rust).collect();
        if group.len() < 2 {
            continue;
        }
        let keeper = group
            .iter()
            .find(|n| ***n == rust)
            .copied()
            .unwrap_or(group[0]);
        if keeper == name || names[..i].iter().any(|n| n == name) {
            continue;
        }
        let fresh = fresh_schema_name(doc, name, &taken);
        taken.push(fresh.clone());
        renames.push((name.clone(), fresh));
    }
    if renames.is_empty() {
        return;
    }
    for (from, to) in &renames {
        report.change(
            "schema-names",
            path_of(&[key("components"), key("schemas"), key(from)]),
            format!(
                "for typify: its type name {} is another schema's; renamed {to}",
                typify_name(from)
            ),
        );
    }
    rename_schemas(doc, &renames);
}

/// Renames component schemas `(from, to)` where they stand (the document keeps its order) and
/// points every `$ref` to them, and into them, at the new names.
pub(super) fn rename_schemas(doc: &mut Value, renames: &[(String, String)]) {
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        let old = std::mem::take(schemas);
        for (name, schema) in old {
            match renames.iter().find(|(from, _)| *from == name) {
                Some((_, to)) => schemas.insert(to.clone(), schema),
                None => schemas.insert(name, schema),
            };
        }
    }
    let prefixes: Vec<(String, String)> = renames
        .iter()
        .map(|(from, to)| {
            (
                format!("#/components/schemas/{}", escape_pointer(from)),
                format!("#/components/schemas/{}", escape_pointer(to)),
            )
        })
        .collect();
    retarget(doc, &prefixes);
}

fn retarget(value: &mut Value, prefixes: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "example" || k == "examples" {
                    continue;
                }
                if k == "$ref"
                    && let Value::String(target) = child
                    && let Some((from, to)) = prefixes
                        .iter()
                        .find(|(from, _)| target == from || target.starts_with(&format!("{from}/")))
                {
                    *target = format!("{to}{}", &target[from.len()..]);
                    continue;
                }
                retarget(child, prefixes);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget(v, prefixes)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::Report;
    use super::*;
    use serde_json::json;

    #[test]
    fn schemas_with_one_rust_name_are_renamed_and_refs_follow() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/auto-merge"}}}}}}}},
            "components": {"schemas": {
                "auto-merge": {"type": "object", "properties": {"a": {"type": "string"}}},
                "AutoMerge": {"type": "object"},
                "auto_merge": {"properties": {"x": {"$ref": "#/components/schemas/auto-merge/properties/a"}}},
                "AutoMerge2": {"type": "string"},
                "other": {"$ref": "#/components/schemas/auto_merge"}
            }}
        });
        let mut report = Report::new("t", false);
        for_generator(&mut doc, &mut report);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let rust: Vec<String> = schemas.keys().map(|k| typify_name(k)).collect();
        let mut unique = rust.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), rust.len(), "{rust:?}");
        // The exact name stays; the others get the next free suffix, in document order.
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            [
                "auto-merge_3",
                "AutoMerge",
                "auto_merge_4",
                "AutoMerge2",
                "other"
            ]
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/auto-merge_3"
        );
        assert_eq!(
            schemas["auto_merge_4"]["properties"]["x"]["$ref"],
            "#/components/schemas/auto-merge_3/properties/a"
        );
        assert_eq!(
            schemas["other"]["$ref"],
            "#/components/schemas/auto_merge_4"
        );
        assert_eq!(report.changes.len(), 2);
        let once = doc.clone();
        for_generator(&mut doc, &mut Report::new("t", false));
        assert_eq!(doc, once);
    }
}
