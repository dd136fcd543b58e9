//! progenitor names each client method after the operation's `operationId` and refuses an
//! operation without one. Where it is missing, one is made from the method and the path:
//! `get /pets/{petId}/toys` → `get_pets_petId_toys`. It depends on nothing else in the
//! document, so it stays the same when other operations come and go; a clash with an existing
//! id (compared as progenitor compares them, case and punctuation aside) gets `_2`, `_3`, ...

use std::collections::HashSet;

use serde_json::Value;

use super::{Report, operation_path, operations};

/// `getPets`, `get_pets` and `GetPets` become the same Rust method.
fn folded(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn synthesise(method: &str, path: &str) -> String {
    let mut words = vec![method.to_string()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let word: String = segment
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let word = word
            .split('_')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        if !word.is_empty() {
            words.push(word);
        }
    }
    if words.len() == 1 {
        words.push("root".into());
    }
    words.join("_")
}

pub(super) fn run(doc: &mut Value, report: &mut Report) {
    let ops = operations(doc);
    let mut taken: HashSet<String> = ops
        .iter()
        .filter_map(|(path, method)| doc["paths"][path][*method].get("operationId"))
        .filter_map(Value::as_str)
        .map(folded)
        .collect();
    for (path, method) in ops {
        let operation = &mut doc["paths"][&path][method];
        if operation
            .get("operationId")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.trim().is_empty())
        {
            continue;
        }
        let base = synthesise(method, &path);
        let mut id = base.clone();
        let mut n = 1;
        while taken.contains(&folded(&id)) {
            n += 1;
            id = format!("{base}_{n}");
        }
        taken.insert(folded(&id));
        report.change(
            "operation-ids",
            operation_path(&path, method),
            format!("no operationId: `{id}` from method and path"),
        );
        operation["operationId"] = Value::String(id);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use serde_json::json;

    #[test]
    fn missing_ids_come_from_method_and_path_and_do_not_clash() {
        let ok = json!({"responses": {"200": {"description": "ok"}}});
        let mut doc = json!({"openapi": "3.0.3", "paths": {
            "/": {"get": ok.clone()},
            "/pets/{petId}.json": {"get": ok.clone(), "delete": {"operationId": "", "responses": {"204": {"description": "gone"}}}},
            "/pets/{pet_id}.json": {"get": ok.clone()},
            "/other": {"get": {"operationId": "getPetsPetIdJson", "responses": {"200": {"description": "ok"}}}}
        }});
        let report = run(&mut doc);
        let id = |p: &str, m: &str| {
            doc["paths"][p][m]["operationId"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(id("/", "get"), "get_root");
        assert_eq!(id("/pets/{petId}.json", "get"), "get_pets_petId_json_2");
        assert_eq!(id("/pets/{petId}.json", "delete"), "delete_pets_petId_json");
        assert_eq!(id("/pets/{pet_id}.json", "get"), "get_pets_pet_id_json_3");
        assert_eq!(report.changes.len(), 4, "{:?}", report.changes);
        assert_eq!(report.changes[0].path, "$.paths['/'].get");
    }
}
