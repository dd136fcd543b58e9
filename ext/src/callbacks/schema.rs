//! JSON Schema of the callback events, from the types that parse them.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::event::*;

fn tagged(name: &str, fields: Schema) -> Schema {
    json_schema!({
        "allOf": [fields],
        "properties": { "event": { "const": name } },
        "required": ["event"]
    })
}

impl JsonSchema for CallbackEvent<'_> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("CallbackEvent")
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let variants = [
            tagged("ice", generator.subschema_for::<IceEvent<'static>>()),
            tagged("ace", generator.subschema_for::<AceEvent<'static>>()),
            tagged("dice", generator.subschema_for::<DiceEvent<'static>>()),
            tagged("pie", generator.subschema_for::<PieEvent<'static>>()),
            tagged("notify", generator.subschema_for::<NotifyEvent<'static>>()),
        ];
        json_schema!({
            "description": "A callback the platform POSTs, discriminated by `event`. `callid` is also read as `callId`; unknown fields are ignored.",
            "oneOf": variants
        })
    }
}

/// The JSON Schema document of the callback events (`spec/callbacks.schema.json`).
pub fn schema_json() -> String {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let root = generator.subschema_for::<CallbackEvent<'static>>();
    let definitions = generator.take_definitions(true);
    let document = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Callback events of the Sinch Voice API",
        "description": "Generated from the sinch-voice crate's callback types by `cargo xtask regenerate`; do not edit. The replies are in svaml.schema.json (IceResponse, AceResponse, PieResponse); DiCE and Notify take none.",
        "allOf": [root],
        "$defs": definitions,
    });
    serde_json::to_string_pretty(&document).expect("a schema serialises") + "\n"
}
