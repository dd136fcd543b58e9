//! String enums as typify can take them, and as other tools read them:
//!
//! - a value that is not a string in a `type: string` enum becomes its string form (a boolean
//!   is also a warning: it is usually a YAML 1.1 accident, Norway's `no` read as `false`);
//! - for typify only ([`for_generator`]), values whose Rust variant names clash (`pstn`/`PSTN`,
//!   `run-menu`/`run_menu`; typify panics on them) are split into groups that do not clash,
//!   `oneOf` the groups, each group after the first wrapped in a one-element `allOf` (else
//!   typify merges the groups back into one enum). Every value is kept, as a Rust variant of
//!   its group's enum, and the effective spec keeps the enum as the vendor wrote it;
//! - an open enum, "a known value or any string", written `oneOf: [enum, string]` (which a
//!   known value matches twice, so validators call it invalid) becomes `anyOf`. For typify,
//!   [`open_enums_for_typify`] turns it back into `oneOf`: an untagged Rust enum tries the
//!   known values first, which is exactly what the `anyOf` means.

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use super::{Report, for_each_schema, path_of};

pub(super) fn run(doc: &mut Value, report: &mut Report) {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for_each_schema(doc, &mut |schema, at| {
        let Value::Object(map) = schema else {
            return;
        };
        coerce(map, &path_of(at), report);
        if let Some(Value::Array(variants)) = map.get("oneOf")
            && is_open_enum(variants, &components)
        {
            let variants = map.remove("oneOf").expect("matched above");
            map.insert("anyOf".into(), variants);
            report.change(
                "enums",
                path_of(at),
                "open enum `oneOf: [enum, string]` → `anyOf` (a known value matches both)",
            );
        }
    });
}

fn coerce(map: &mut Map<String, Value>, path: &str, report: &mut Report) {
    if map.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let Some(Value::Array(values)) = map.get_mut("enum") else {
        return;
    };
    let mut out: Vec<Value> = Vec::with_capacity(values.len());
    for (index, value) in values.drain(..).enumerate() {
        let text = match &value {
            Value::String(_) => value,
            Value::Bool(b) => {
                report.warn(
                    "enums",
                    format!("{path}.enum[{index}]"),
                    format!(
                        "boolean {b} in a string enum → \"{b}\"; usually a YAML 1.1 tool read \
                         `no`/`off`/`yes`/`on` as a boolean: check the vendor's value"
                    ),
                );
                Value::String(b.to_string())
            }
            other => {
                report.change(
                    "enums",
                    format!("{path}.enum[{index}]"),
                    format!("{other} in a string enum → \"{}\"", plain(other)),
                );
                Value::String(plain(other))
            }
        };
        if out.contains(&text) {
            report.change(
                "enums",
                format!("{path}.enum[{index}]"),
                format!("duplicate value {text} removed"),
            );
        } else {
            out.push(text);
        }
    }
    *values = out;
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// typify's variant name for an enum value (typify-impl 0.8 `sanitize`, Pascal case), and the
/// fallback it tries when those clash (dropped characters spelled `X`).
fn variant_names(value: &str) -> (String, String) {
    let sanitize = |input: &str| -> String {
        let out = match input {
            "+1" => "plus1".to_string(),
            "-1" => "minus1".to_string(),
            _ => input
                .replace('\'', "")
                .replace(|c| !unicode_ident::is_xid_continue(c), "-")
                .to_pascal_case(),
        };
        match out.chars().next() {
            None => "X".into(),
            Some(c) if unicode_ident::is_xid_start(c) => out,
            Some(_) => format!("X{out}"),
        }
    };
    let fallback = value.replace(|c| c == '_' || !unicode_ident::is_xid_continue(c), "X");
    (sanitize(value), sanitize(&fallback))
}

fn unique(names: &[String]) -> bool {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    sorted.windows(2).all(|w| w[0] != w[1])
}

fn names_clash(values: &[&str]) -> bool {
    let (first, second): (Vec<String>, Vec<String>) =
        values.iter().map(|v| variant_names(v)).unzip();
    !unique(&first) && !unique(&second)
}

fn split_clashes(map: &mut Map<String, Value>, path: &str, report: &mut Report) {
    if map.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let Some(Value::Array(values)) = map.get("enum") else {
        return;
    };
    let Some(values) = values
        .iter()
        .map(Value::as_str)
        .collect::<Option<Vec<&str>>>()
    else {
        return;
    };
    if !names_clash(&values) {
        return;
    }
    // Each value goes to the first group where its name is still free.
    let mut groups: Vec<Vec<&str>> = Vec::new();
    for value in &values {
        let name = variant_names(value).0;
        match groups
            .iter_mut()
            .find(|g| g.iter().all(|v| variant_names(v).0 != name))
        {
            Some(group) => group.push(value),
            None => groups.push(vec![value]),
        }
    }
    let listed: Vec<String> = groups.iter().map(|g| format!("{g:?}")).collect();
    report.change(
        "enums",
        path.to_string(),
        format!(
            "for typify: enum values whose Rust names clash split into `oneOf` groups {}",
            listed.join(", ")
        ),
    );
    let variants: Vec<Value> = groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| match i {
            0 => json!({"type": "string", "enum": g}),
            _ => json!({"allOf": [{"type": "string", "enum": g}]}),
        })
        .collect();
    map.remove("enum");
    map.remove("type");
    map.insert("oneOf".into(), Value::Array(variants));
}

fn is_plain_string(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    map.get("type").and_then(Value::as_str) == Some("string")
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "type" | "description" | "title"))
}

fn is_string_enum(schema: &Value, components: &Value) -> bool {
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => match reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| components.get(name.replace("~1", "/").replace("~0", "~")))
        {
            Some(target) => target,
            None => return false,
        },
        None => schema,
    };
    resolved.get("type").and_then(Value::as_str) == Some("string")
        && resolved.get("enum").is_some_and(Value::is_array)
}

fn is_open_enum(variants: &[Value], components: &Value) -> bool {
    matches!(variants, [known, any] if is_string_enum(known, components) && is_plain_string(any))
}

/// For typify: clashing enum values split, open enums back to `oneOf` (see the module docs).
pub(super) fn for_generator(doc: &mut Value, report: &mut Report) {
    for_each_schema(doc, &mut |schema, at| {
        if let Value::Object(map) = schema {
            split_clashes(map, &path_of(at), report);
        }
    });
    open_enums_for_typify(doc);
}

/// `anyOf: [enum, string]` back to `oneOf` for typify (see the module docs).
fn open_enums_for_typify(doc: &mut Value) {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for_each_schema(doc, &mut |schema, _| {
        let Value::Object(map) = schema else {
            return;
        };
        if map.contains_key("oneOf") {
            return;
        }
        if let Some(Value::Array(variants)) = map.get("anyOf")
            && is_open_enum(variants, &components)
        {
            let variants = map.remove("anyOf").expect("matched above");
            map.insert("oneOf".into(), variants);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{norm, run};
    use super::*;

    #[test]
    fn typify_names_are_mirrored() {
        assert_eq!(variant_names("run-menu").0, "RunMenu");
        assert_eq!(variant_names("1").0, "X1");
        assert_eq!(variant_names("").0, "X");
        assert_eq!(variant_names("sip:x").0, "SipX");
        assert!(names_clash(&["pstn", "PSTN"]));
        assert!(names_clash(&["number", "Number", "sip"]));
        // typify tells these apart with its fallback names.
        assert!(!names_clash(&["aB", "a_b"]));
        assert!(names_clash(&["a-b", "a_b"]));
        assert!(!names_clash(&["say", "play"]));
    }

    #[test]
    fn non_strings_in_string_enums_are_coerced_and_booleans_warned() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "Country": {"type": "string", "enum": ["se", false, 1, "1"]}}}});
        let report = run(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["Country"]["enum"],
            json!(["se", "false", "1"])
        );
        let warning = report.changes.iter().find(|c| c.warning).unwrap();
        assert_eq!(warning.path, "$.components.schemas.Country.enum[1]");
        assert!(warning.what.contains("YAML 1.1"), "{warning:?}");
    }

    #[test]
    fn clashing_values_are_split_for_typify_and_all_kept() {
        let schema = json!({"type": "string", "description": "d", "enum": ["pstn", "PSTN", "sip", "Sip", "mxp"]});
        assert_eq!(norm(schema.clone()), schema);
        let mut doc =
            json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"S": schema}}});
        let mut report = Report::new("t", false);
        for_generator(&mut doc, &mut report);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"description": "d", "oneOf": [
                {"type": "string", "enum": ["pstn", "sip", "mxp"]},
                {"allOf": [{"type": "string", "enum": ["PSTN", "Sip"]}]}
            ]})
        );
        assert_eq!(report.changes[0].path, "$.components.schemas.S");
    }

    #[test]
    fn open_enums_are_any_of_in_the_document_and_one_of_for_typify() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
        "Status": {"type": "string", "enum": ["A", "B"]},
        "Call": {"properties": {
            "status": {"description": "d", "oneOf": [{"$ref": "#/components/schemas/Status"}, {"type": "string"}]},
            "other": {"oneOf": [{"$ref": "#/components/schemas/Status"}, {"type": "integer"}]}
        }}}}});
        run(&mut doc);
        let props = doc["components"]["schemas"]["Call"]["properties"].clone();
        assert!(props["status"]["anyOf"].is_array());
        assert!(props["other"]["oneOf"].is_array());
        for_generator(&mut doc, &mut Report::new("t", false));
        let props = &doc["components"]["schemas"]["Call"]["properties"];
        assert!(props["status"]["oneOf"].is_array());
        assert!(props["status"].get("anyOf").is_none());
    }
}
