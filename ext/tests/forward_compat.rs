//! Parse -> serialise loses nothing: fields this crate does not know survive, for every
//! callback event kind (each fixture, with unknown fields added at the top) and every SVAML
//! context (unknown fields in the document, the action, an instruction and nested objects).

use std::path::PathBuf;

use serde_json::{Value, json};
use sinch_voice::callbacks::CallbackEvent;
use sinch_voice::svaml::{Ace, Context, Ice, Leg, Patch, Pie, Svaml};

fn data(dir: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir);
    let mut files: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            (name, value)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn future_fields() -> Value {
    json!({
        "futureFlag": true,
        "futureObject": {"nested": [1, "two", {"three": null}], "deep": [[[["x"]]]]},
        "futureNumber": 12345678901234567u64,
    })
}

#[test]
fn every_event_kind_keeps_unknown_fields() {
    let mut kinds = std::collections::BTreeSet::new();
    for (name, mut body) in data("callbacks") {
        body.as_object_mut()
            .unwrap()
            .extend(future_fields().as_object().unwrap().clone());
        let bytes = serde_json::to_vec(&body).unwrap();
        for event in [
            CallbackEvent::parse(&bytes).unwrap(),
            CallbackEvent::parse_owned(&bytes).unwrap(),
        ] {
            kinds.insert(event.name().to_string());
            let written: Value = serde_json::to_value(&event).unwrap();
            for (key, value) in future_fields().as_object().unwrap() {
                assert_eq!(written.get(key), Some(value), "{name}: {key} lost");
            }
            // And what was written reads back as the same event.
            let again = serde_json::to_vec(&written).unwrap();
            assert_eq!(CallbackEvent::parse_owned(&again).unwrap(), event, "{name}");
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["ace", "dice", "ice", "notify", "pie"]
    );
}

#[test]
fn fields_of_another_event_kind_are_kept_too() {
    // `menuResult` belongs to PIE; on an ICE it is unknown, and kept as sent.
    let body = br#"{"event":"ice","callid":"c","menuResult":{"menuId":"m","type":"return"},"amd":{"status":"human"}}"#;
    let event = CallbackEvent::parse(body).unwrap();
    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(
        written,
        json!({"event":"ice","callid":"c","menuResult":{"menuId":"m","type":"return"},"amd":{"status":"human"}})
    );
}

fn unknown_everywhere(mut svaml: Value) -> Value {
    let doc = svaml.as_object_mut().unwrap();
    doc.insert("futureTopLevel".into(), json!({"a": [1, 2]}));
    if let Some(Value::Object(action)) = doc.get_mut("action") {
        action.insert("futureActionField".into(), json!("x"));
        if let Some(Value::Array(menus)) = action.get_mut("menus") {
            for menu in menus {
                let menu = menu.as_object_mut().unwrap();
                menu.insert("futureMenuField".into(), json!(7));
                if let Some(Value::Array(options)) = menu.get_mut("options") {
                    for option in options {
                        option
                            .as_object_mut()
                            .unwrap()
                            .insert("futureOptionField".into(), json!(false));
                    }
                }
            }
        }
    }
    if let Some(Value::Array(instructions)) = doc.get_mut("instructions") {
        for instruction in instructions {
            instruction
                .as_object_mut()
                .unwrap()
                .insert("futureInstructionField".into(), json!({"k": "v"}));
        }
    }
    svaml
}

fn round_trip<C: Context>(name: &str, sent: &Value) {
    let bytes = serde_json::to_vec(sent).unwrap();
    let parsed = Svaml::<C>::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written: Value = serde_json::from_str(&parsed.to_json()).unwrap();
    assert_eq!(&written, sent, "{name} in {}", C::NAME);
}

#[test]
fn every_svaml_context_keeps_unknown_fields() {
    let mut tried = 0;
    for (name, svaml) in data("svaml") {
        // Canonical fixtures only: compare what was sent with what is written back.
        let parsed = Svaml::<Ice>::parse(&serde_json::to_vec(&svaml).unwrap())
            .map(|s| s.to_json())
            .or_else(|_| {
                Svaml::<Ace>::parse(&serde_json::to_vec(&svaml).unwrap()).map(|s| s.to_json())
            })
            .or_else(|_| {
                Svaml::<Pie>::parse(&serde_json::to_vec(&svaml).unwrap()).map(|s| s.to_json())
            });
        let Ok(canonical) = parsed else { continue };
        let canonical: Value = serde_json::from_str(&canonical).unwrap();
        let sent = unknown_everywhere(canonical);
        let bytes = serde_json::to_vec(&sent).unwrap();
        if Svaml::<Ice>::parse(&bytes).is_ok() {
            round_trip::<Ice>(&name, &sent);
            tried += 1;
        }
        if Svaml::<Ace>::parse(&bytes).is_ok() {
            round_trip::<Ace>(&name, &sent);
            tried += 1;
        }
        if Svaml::<Pie>::parse(&bytes).is_ok() {
            round_trip::<Pie>(&name, &sent);
            tried += 1;
        }
    }
    assert!(tried >= 12, "only {tried} fixture/context pairs");
    // The PATCH bodies: call and leg.
    let patch = unknown_everywhere(json!({
        "instructions": [{"name": "say", "text": "Bye", "locale": "en-US"}],
        "action": {"name": "hangup"}
    }));
    round_trip::<Patch>("patch", &patch);
    let leg = unknown_everywhere(json!({
        "instructions": [{"name": "playFiles", "ids": ["#tts[Hi]"], "locale": "en-US"}]
    }));
    round_trip::<Leg>("leg", &leg);
}
