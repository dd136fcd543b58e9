//! Webhooks: 3.1 describes them under `webhooks`, which a 3.0 document may not have; the 3.0
//! convention is the `x-webhooks` extension. progenitor generates no code for either (the
//! calls go the other way), but the effective spec must be a valid 3.0 document that keeps
//! them, and their schemas are normalised like every other (see `for_each_schema`).

use serde_json::{Value, json};

use super::{Report, key, path_of};

pub(super) fn run(doc: &mut Value, report: &mut Report) {
    let root = doc.as_object_mut().expect("a mapping");
    let Some(webhooks) = root.remove("webhooks") else {
        return;
    };
    let Value::Object(webhooks) = webhooks else {
        report.warn(
            "webhooks",
            "$.webhooks".into(),
            "not a mapping of webhooks: removed",
        );
        return;
    };
    let target = root.entry("x-webhooks").or_insert_with(|| json!({}));
    let Some(target) = target.as_object_mut() else {
        report.warn(
            "webhooks",
            "$.webhooks".into(),
            "`x-webhooks` is not a mapping: `webhooks` removed",
        );
        return;
    };
    for (name, item) in webhooks {
        let from = path_of(&[key("webhooks"), key(&name)]);
        if target.contains_key(&name) {
            report.warn(
                "webhooks",
                from,
                "also under `x-webhooks`: that one is kept, this one removed",
            );
        } else {
            report.change(
                "webhooks",
                from,
                "moved to `x-webhooks` (3.0 has no `webhooks`)",
            );
            target.insert(name, item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run as normalise;
    use serde_json::json;

    #[test]
    fn webhooks_move_to_the_extension_and_their_schemas_are_normalised() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {}, "webhooks": {"ping": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}},
            "responses": {"200": {"description": "ok"}}}}}});
        let report = normalise(&mut doc);
        assert!(doc.get("webhooks").is_none());
        assert_eq!(
            doc["x-webhooks"]["ping"]["post"]["requestBody"]["content"]["application/json"]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert!(report.changes.iter().any(|c| c.path == "$.webhooks.ping"));
    }
}
