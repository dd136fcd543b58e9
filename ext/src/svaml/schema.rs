//! JSON Schema of the SVAML replies, from the same types that serialise them: each context's
//! schema lists exactly the actions and instructions it allows.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::context::{Ace, Ice, Leg, Patch, Pie};
use super::document::{Context, Svaml};
use super::model::*;

fn tagged(name: &str, fields: Schema) -> Schema {
    json_schema!({
        "allOf": [fields],
        "properties": { "name": { "const": name, "description": "Matched case-insensitively by the platform; emitted as shown." } },
        "required": ["name"]
    })
}

fn action_schema(generator: &mut SchemaGenerator, kind: ActionKind) -> Schema {
    let fields = match kind {
        ActionKind::Hangup => generator.subschema_for::<Hangup>(),
        ActionKind::Continue => generator.subschema_for::<Continue>(),
        ActionKind::ConnectPstn => generator.subschema_for::<ConnectPstn<'static>>(),
        ActionKind::ConnectMxp => generator.subschema_for::<ConnectMxp<'static>>(),
        ActionKind::ConnectConf => generator.subschema_for::<ConnectConf<'static>>(),
        ActionKind::ConnectSip => generator.subschema_for::<ConnectSip<'static>>(),
        ActionKind::ConnectStream => generator.subschema_for::<ConnectStream<'static>>(),
        ActionKind::RunMenu => generator.subschema_for::<RunMenu<'static>>(),
        ActionKind::Park => generator.subschema_for::<Park<'static>>(),
    };
    tagged(kind.name(), fields)
}

fn instruction_schema(generator: &mut SchemaGenerator, kind: InstructionKind) -> Schema {
    let fields = match kind {
        InstructionKind::PlayFiles => generator.subschema_for::<PlayFiles<'static>>(),
        InstructionKind::Say => generator.subschema_for::<Say<'static>>(),
        InstructionKind::SendDtmf => generator.subschema_for::<SendDtmf<'static>>(),
        InstructionKind::SetCookie => generator.subschema_for::<SetCookie<'static>>(),
        InstructionKind::Answer => generator.subschema_for::<Answer>(),
        InstructionKind::StartRecording => generator.subschema_for::<StartRecording<'static>>(),
        InstructionKind::StopRecording => generator.subschema_for::<StopRecording>(),
    };
    tagged(kind.name(), fields)
}

impl<C: Context> JsonSchema for Svaml<'_, C> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(match C::NAME {
            "PATCH" => "CallUpdate".to_string(),
            "LEG" => "LegUpdate".to_string(),
            name => format!("{}{}Response", &name[..1], name[1..].to_ascii_lowercase()),
        })
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let actions: Vec<Schema> = ActionKind::ALL
            .into_iter()
            .filter(|k| C::allows_action(*k))
            .map(|k| action_schema(generator, k))
            .collect();
        let instructions: Vec<Schema> = InstructionKind::ALL
            .into_iter()
            .filter(|k| C::allows_instruction(*k))
            .map(|k| instruction_schema(generator, k))
            .collect();
        let required: Vec<&str> = if C::ACTION_REQUIRED {
            vec!["action"]
        } else {
            vec![]
        };
        json_schema!({
            "type": "object",
            "description": format!(
                "SVAML accepted in {}: instructions run in order, then exactly one action.",
                C::REPLY
            ),
            "properties": {
                "instructions": { "type": "array", "items": { "oneOf": instructions } },
                "action": { "oneOf": actions }
            },
            "required": required
        })
    }
}

/// The JSON Schema document of every reply context (`spec/svaml.schema.json`).
pub fn schema_json() -> String {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let contexts = [
        generator.subschema_for::<Svaml<'static, Ice>>(),
        generator.subschema_for::<Svaml<'static, Ace>>(),
        generator.subschema_for::<Svaml<'static, Pie>>(),
        generator.subschema_for::<Svaml<'static, Patch>>(),
        generator.subschema_for::<Svaml<'static, Leg>>(),
    ];
    let definitions = generator.take_definitions(true);
    let document = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "SVAML replies of the Sinch Voice API",
        "description": "Generated from the sinch-voice crate's SVAML types by `cargo xtask regenerate`; do not edit. IceResponse, AceResponse and PieResponse answer the callbacks; CallUpdate is the body of update call, LegUpdate of manage call leg.",
        "anyOf": contexts,
        "$defs": definitions,
    });
    serde_json::to_string_pretty(&document).expect("a schema serialises") + "\n"
}
