//! `x-sinch-name` on a component schema gives it another name in the effective spec (and so
//! another Rust type name), and every `$ref` follows. It lets corrections keep the names users
//! already have while the schema itself stays the vendor's: a property the vendor adds to it
//! reaches the generated type, where removing the vendor's schema and restating it under our
//! name would silently drop it (Overlay 1.0 has no copy or move).

use serde_json::Value;

use super::schema_names::rename_schemas;
use super::{Report, key, path_of};
use crate::error::{Error, ErrorKind};

const EXTENSION: &str = "x-sinch-name";

pub(super) fn run(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(());
    };
    let mut renames: Vec<(String, String, String)> = Vec::new();
    for (name, schema) in schemas.iter() {
        let Some(wanted) = schema.get(EXTENSION) else {
            continue;
        };
        let at = path_of(&[key("components"), key("schemas"), key(name), key(EXTENSION)]);
        let Some(wanted) = wanted.as_str().filter(|w| !w.is_empty()) else {
            return Err(Error::new(
                ErrorKind::SpecShape,
                report.file.clone(),
                at,
                "expected the component's new name, a non-empty string",
            ));
        };
        if wanted != name {
            renames.push((name.clone(), wanted.to_string(), at));
        }
    }
    for (i, (_, wanted, at)) in renames.iter().enumerate() {
        let kept = schemas.contains_key(wanted) && !renames.iter().any(|(from, ..)| from == wanted);
        if kept || renames[..i].iter().any(|(_, to, _)| to == wanted) {
            return Err(Error::new(
                ErrorKind::SpecShape,
                report.file.clone(),
                at.clone(),
                format!("cannot rename to {wanted}: another component schema has that name"),
            ));
        }
    }
    let renames: Vec<(String, String)> = renames.into_iter().map(|(f, t, _)| (f, t)).collect();
    // The extension has done its work.
    for schema in schemas.values_mut() {
        if let Value::Object(map) = schema {
            map.remove(EXTENSION);
        }
    }
    for (from, to) in &renames {
        report.change(
            "renames",
            path_of(&[key("components"), key("schemas"), key(from)]),
            format!("{EXTENSION}: renamed {to}"),
        );
    }
    rename_schemas(doc, &renames);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_component_is_renamed_in_place_and_refs_follow() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/getCallResponseObj"}}}}}}}},
            "components": {"schemas": {
                "first": {"type": "string"},
                "getCallResponseObj": {"x-sinch-name": "CallInformation", "type": "object",
                    "properties": {"rdnis": {"type": "string"}}},
                "last": {"$ref": "#/components/schemas/getCallResponseObj/properties/rdnis"}
            }}
        });
        let mut report = Report::new("t", false);
        run(&mut doc, &mut report).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            ["first", "CallInformation", "last"]
        );
        // The vendor's properties stay; the extension is gone.
        assert_eq!(
            schemas["CallInformation"],
            json!({"type": "object", "properties": {"rdnis": {"type": "string"}}})
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/CallInformation"
        );
        assert_eq!(
            schemas["last"]["$ref"],
            "#/components/schemas/CallInformation/properties/rdnis"
        );
        assert_eq!(report.changes.len(), 1);
        let once = doc.clone();
        run(&mut doc, &mut Report::new("t", false)).unwrap();
        assert_eq!(doc, once);
    }

    #[test]
    fn a_rename_onto_another_schema_or_a_bad_value_is_an_error_naming_the_path() {
        for (schemas, problem) in [
            (
                json!({"a": {"x-sinch-name": "B"}, "B": {"type": "string"}}),
                "another component schema has that name",
            ),
            (
                json!({"a": {"x-sinch-name": "C"}, "b": {"x-sinch-name": "C"}}),
                "another component schema has that name",
            ),
            (json!({"a": {"x-sinch-name": 7}}), "non-empty string"),
        ] {
            let mut doc = json!({"paths": {}, "components": {"schemas": schemas}});
            let err = run(&mut doc, &mut Report::new("t", false)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::SpecShape);
            assert!(err.path.ends_with("['x-sinch-name']"), "{err}");
            assert!(err.problem.contains(problem), "{err}");
        }
        // Two schemas may swap names.
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "a": {"x-sinch-name": "b"}, "b": {"x-sinch-name": "a", "type": "string"}}}});
        run(&mut doc, &mut Report::new("t", false)).unwrap();
        assert_eq!(doc["components"]["schemas"]["a"], json!({"type": "string"}));
    }
}
