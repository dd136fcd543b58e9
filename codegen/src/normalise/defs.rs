//! typify cannot resolve `$ref`s into a `$defs` nested inside a component schema: each such
//! definition moves to `components/schemas/<Parent>_<Name>` and every reference follows.

use serde_json::Value;

use super::{Report, escape_pointer};

pub(super) fn run(doc: &mut Value, report: &mut Report) {
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
    for (old, new) in &renames {
        report.change(
            "defs",
            crate::error::pointer_to_json_path(&Value::Null, old.trim_start_matches('#')),
            format!("nested definition moved to {new}"),
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

/// Points every `$ref` equal to, or below, an old pointer at its new place (longest old
/// pointer first, so nested definitions win over their parents).
pub(super) fn rewrite_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some((old, new)) = renames
                    .iter()
                    .filter(|(old, _)| {
                        reference == old || reference.starts_with(&format!("{old}/"))
                    })
                    .max_by_key(|(old, _)| old.len())
            {
                *reference = format!("{new}{}", &reference[old.len()..]);
            }
            for (_, child) in map.iter_mut() {
                rewrite_refs(child, renames);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use serde_json::json;

    #[test]
    fn nested_defs_are_hoisted_and_references_follow() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "Outer": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Outer/$defs/Inner"}},
                      "$defs": {"Inner": {"type": "string"}}}
        }}});
        let report = run(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Outer_Inner"], json!({"type": "string"}));
        assert_eq!(
            schemas["Outer"]["properties"]["inner"]["$ref"],
            "#/components/schemas/Outer_Inner"
        );
        assert!(schemas["Outer"].get("$defs").is_none());
        assert!(
            report
                .changes
                .iter()
                .any(|c| c.path == "$.components.schemas.Outer.$defs.Inner"),
            "{:?}",
            report.changes
        );
    }
}
