//! For typify only: an inline schema gets the type name `{Parent}{Property}` (`balance_transaction`
//! `.source` → `BalanceTransactionSource`), and typify does not notice when a component schema
//! already has that name (`balance_transaction_source`): the crate then defines the type twice
//! and does not compile. Such an inline schema moves to a component of its own, named so that
//! nothing clashes, with a `$ref` left in its place.

use serde_json::{Value, json};

use super::{Report, escape_pointer, fresh_schema_name, key, path_of};
use crate::error::Segment;

fn rust_name(name: &str) -> String {
    super::typify_name(name)
}

/// Whether typify makes a named type of this inline schema.
fn gets_a_type(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    !map.contains_key("$ref")
        && (map.contains_key("enum")
            || map.contains_key("oneOf")
            || map.contains_key("anyOf")
            || map.contains_key("allOf")
            || map.contains_key("properties"))
}

pub(super) fn for_generator(doc: &mut Value, report: &mut Report) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let component_names: Vec<String> = schemas.keys().map(|k| rust_name(k)).collect();
    // (path of the inline schema, the new component's base name)
    let mut moves: Vec<(Vec<Segment>, String)> = Vec::new();
    for (name, schema) in schemas {
        let at = vec![key("components"), key("schemas"), key(name)];
        find(
            schema,
            &rust_name(name),
            name,
            &at,
            &component_names,
            &mut moves,
        );
    }
    let mut taken = Vec::new();
    for (at, base) in moves {
        let name = fresh_schema_name(doc, &format!("{base}_inline"), &taken);
        taken.push(name.clone());
        let pointer: String = at
            .iter()
            .map(|s| match s {
                Segment::Key(k) => format!("/{}", escape_pointer(k)),
                Segment::Index(i) => format!("/{i}"),
            })
            .collect();
        let Some(slot) = doc.pointer_mut(&pointer) else {
            continue;
        };
        let reference = json!({"$ref": format!("#/components/schemas/{}", escape_pointer(&name))});
        let mut schema = std::mem::replace(slot, reference.clone());
        // Nullability stays where the schema was: typify names a nullable component's inner
        // type after the component itself, which clashes again.
        if let Some(map) = schema.as_object_mut()
            && map.remove("nullable") == Some(json!(true))
        {
            *slot = json!({"allOf": [reference], "nullable": true});
        }
        report.change(
            "names",
            path_of(&at),
            format!("for typify: its type name is a component's; moved to component {name}"),
        );
        if let Some(schemas) = super::component_schemas(doc) {
            schemas.insert(name, schema);
        }
    }
}

fn find(
    schema: &Value,
    parent_rust: &str,
    parent_raw: &str,
    at: &[Segment],
    components: &[String],
    moves: &mut Vec<(Vec<Segment>, String)>,
) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (prop, sub) in props {
        if !gets_a_type(sub) {
            continue;
        }
        let here = [at, &[key("properties"), key(prop)]].concat();
        let inline_name = format!("{parent_rust}{}", rust_name(prop));
        let raw = format!("{parent_raw}_{prop}");
        if components.contains(&inline_name) {
            moves.push((here, raw));
        } else {
            find(sub, &inline_name, &raw, &here, components, moves);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Report;
    use super::*;

    #[test]
    fn an_inline_type_named_like_a_component_moves_out() {
        let mut doc = json!({"components": {"schemas": {
            "balance_transaction": {"properties": {"source": {"anyOf": [{"type": "string"}, {"type": "object"}], "nullable": true},
                                                   "other": {"enum": ["a"]}}},
            "balance_transaction_source": {"type": "object"}
        }}});
        let mut report = Report::new("t", false);
        for_generator(&mut doc, &mut report);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["balance_transaction"]["properties"]["source"],
            json!({"allOf": [{"$ref": "#/components/schemas/balance_transaction_source_inline"}], "nullable": true})
        );
        assert!(schemas["balance_transaction_source_inline"]["anyOf"].is_array());
        assert!(
            schemas["balance_transaction_source_inline"]
                .get("nullable")
                .is_none()
        );
        assert!(schemas["balance_transaction"]["properties"]["other"]["enum"].is_array());
        assert_eq!(report.changes.len(), 1);
    }
}
