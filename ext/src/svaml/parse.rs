//! Reading SVAML for a context: lenient where svaml.md says the platform is (names in any
//! case, `callheaders`, numeric DTMF keys), strict everywhere else, and every error with its path.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::Deserializer;
use serde::de::{MapAccess, Visitor};
use serde_json::Value;

use super::document::{Context, Svaml};
use super::error::{Issue, SvamlError};
use super::model::*;
use super::validate::validate;

/// The top level: `instructions` and `action`, each at most once.
#[derive(Default)]
struct Envelope {
    instructions: Option<Value>,
    action: Option<Value>,
    duplicate: Option<&'static str>,
    extra: serde_json::Map<String, Value>,
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with `instructions` and `action`")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Envelope, M::Error> {
        let mut envelope = Envelope::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let slot = if key.eq_ignore_ascii_case("action") {
                Some(("action", &mut envelope.action))
            } else if key.eq_ignore_ascii_case("instructions") {
                Some(("instructions", &mut envelope.instructions))
            } else {
                None
            };
            match slot {
                Some((name, slot)) => {
                    let value: Value = map.next_value()?;
                    if slot.is_some() {
                        envelope.duplicate.get_or_insert(name);
                    }
                    *slot = Some(value);
                }
                None => {
                    let value: Value = map.next_value()?;
                    envelope.extra.insert(key.into_owned(), value);
                }
            }
        }
        Ok(envelope)
    }
}

pub(crate) fn parse<C: Context>(json: &[u8]) -> Result<Svaml<'static, C>, SvamlError> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let envelope = deserializer
        .deserialize_map(EnvelopeVisitor)
        .and_then(|e| deserializer.end().map(|()| e))
        .map_err(|e| SvamlError::one(C::REPLY, "$", describe_json_error(&e)))?;

    let mut issues = Vec::new();
    if let Some(name) = envelope.duplicate {
        issues.push(Issue::new(
            name,
            match name {
                "action" => "a reply carries exactly one action; `action` appears more than once",
                _ => "`instructions` appears more than once",
            },
        ));
    }

    let mut instructions = Vec::new();
    match envelope.instructions {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (index, item) in items.into_iter().enumerate() {
                let path = format!("instructions[{index}]");
                if let Some(instruction) = read_instruction::<C>(item, &path, &mut issues) {
                    instructions.push(instruction);
                }
            }
        }
        Some(other) => issues.push(Issue::new(
            "instructions",
            format!(
                "expected an array of instructions, found {}",
                kind_of(&other)
            ),
        )),
    }

    let action = match envelope.action {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            issues.push(Issue::new(
                "action",
                format!(
                    "a reply carries exactly one action, found an array of {}",
                    items.len()
                ),
            ));
            None
        }
        Some(value) => read_action::<C>(value, "action", &mut issues),
    };

    if !issues.is_empty() {
        // Validation of a half-read document would only repeat the same problems.
        if C::ACTION_REQUIRED
            && action.is_none()
            && !issues.iter().any(|i| i.path.starts_with("action"))
        {
            issues.push(Issue::new(
                "action",
                format!("{} needs an action", C::REPLY),
            ));
        }
        return Err(SvamlError::new(C::REPLY, issues));
    }
    validate::<C>(&instructions, action.as_ref(), &mut issues);
    if issues.is_empty() {
        Ok(Svaml {
            instructions,
            action,
            extra: envelope.extra,
            context: PhantomData,
        })
    } else {
        Err(SvamlError::new(C::REPLY, issues))
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => format!("expected a JSON object: {e}"),
        _ => format!("not valid JSON: {e}"),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The `name` of an action or instruction object, or an issue.
fn name_of<'v>(value: &'v Value, path: &str, issues: &mut Vec<Issue>) -> Option<&'v str> {
    let Value::Object(map) = value else {
        issues.push(Issue::new(
            path,
            format!("expected an object, found {}", kind_of(value)),
        ));
        return None;
    };
    let name = map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("name"))
        .map(|(_, v)| v);
    match name {
        Some(Value::String(name)) => Some(name),
        Some(other) => {
            issues.push(Issue::new(
                format!("{path}.name"),
                format!("expected a string, found {}", kind_of(other)),
            ));
            None
        }
        None => {
            issues.push(Issue::new(
                format!("{path}.name"),
                "missing: every action and instruction is tagged by `name`",
            ));
            None
        }
    }
}

/// Deserializes the fields of one action or instruction, prefixing serde's path with ours.
// `Deserialize<'static>`: the value owns its strings, so the parsed reply owns them too.
fn fields<T: Deserialize<'static>>(
    mut value: Value,
    path: &str,
    issues: &mut Vec<Issue>,
) -> Option<T> {
    // The tag was read already; whatever else the struct does not name is kept in `extra`.
    if let Value::Object(map) = &mut value {
        map.retain(|key, _| !key.eq_ignore_ascii_case("name"));
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let inner = crate::json::path_text(e.path());
            let mut at = if inner.is_empty() {
                path.to_string()
            } else if inner.starts_with('[') {
                format!("{path}{inner}")
            } else {
                format!("{path}.{inner}")
            };
            let message = e.into_inner().to_string();
            // serde names a missing field only in its message, at the parent's path.
            if let Some(field) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                at.push('.');
                at.push_str(field);
            }
            issues.push(Issue::new(at, message));
            None
        }
    }
}

/// Reads the `name` of an action or instruction and checks it against the kinds that exist
/// (`all`) and those the context allows; `what` is "action" or "instruction".
fn kind_of_name<C: Context, K: Copy>(
    value: &Value,
    path: &str,
    what: &str,
    all: &[K],
    name_of_kind: impl Fn(K) -> &'static str,
    allowed: impl Fn(K) -> bool,
    issues: &mut Vec<Issue>,
) -> Option<K> {
    let name = name_of(value, path, issues)?;
    let names = |keep: &dyn Fn(K) -> bool| {
        all.iter()
            .copied()
            .filter(|k| keep(*k))
            .map(&name_of_kind)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(kind) = all
        .iter()
        .copied()
        .find(|k| name_of_kind(*k).eq_ignore_ascii_case(name))
    else {
        issues.push(Issue::new(
            format!("{path}.name"),
            format!("unknown {what} {name:?}; {what}s are {}", names(&|_| true)),
        ));
        return None;
    };
    if !allowed(kind) {
        issues.push(Issue::new(
            format!("{path}.name"),
            format!(
                "{} is not allowed in {}; allowed: {}",
                name_of_kind(kind),
                C::REPLY,
                names(&allowed)
            ),
        ));
        return None;
    }
    Some(kind)
}

fn read_action<C: Context>(
    value: Value,
    path: &str,
    issues: &mut Vec<Issue>,
) -> Option<Action<'static>> {
    let kind = kind_of_name::<C, _>(
        &value,
        path,
        "action",
        &ActionKind::ALL,
        ActionKind::name,
        C::allows_action,
        issues,
    )?;
    Some(match kind {
        ActionKind::Hangup => Action::Hangup(fields(value, path, issues)?),
        ActionKind::Continue => Action::Continue(fields(value, path, issues)?),
        ActionKind::ConnectPstn => Action::ConnectPstn(fields(value, path, issues)?),
        ActionKind::ConnectMxp => Action::ConnectMxp(fields(value, path, issues)?),
        ActionKind::ConnectConf => Action::ConnectConf(fields(value, path, issues)?),
        ActionKind::ConnectSip => Action::ConnectSip(fields(value, path, issues)?),
        ActionKind::ConnectStream => Action::ConnectStream(fields(value, path, issues)?),
        ActionKind::RunMenu => Action::RunMenu(fields(value, path, issues)?),
        ActionKind::Park => Action::Park(fields(value, path, issues)?),
    })
}

fn read_instruction<C: Context>(
    value: Value,
    path: &str,
    issues: &mut Vec<Issue>,
) -> Option<Instruction<'static>> {
    let kind = kind_of_name::<C, _>(
        &value,
        path,
        "instruction",
        &InstructionKind::ALL,
        InstructionKind::name,
        C::allows_instruction,
        issues,
    )?;
    Some(match kind {
        InstructionKind::PlayFiles => Instruction::PlayFiles(fields(value, path, issues)?),
        InstructionKind::Say => Instruction::Say(fields(value, path, issues)?),
        InstructionKind::SendDtmf => Instruction::SendDtmf(fields(value, path, issues)?),
        InstructionKind::SetCookie => Instruction::SetCookie(fields(value, path, issues)?),
        InstructionKind::Answer => Instruction::Answer(fields(value, path, issues)?),
        InstructionKind::StartRecording => {
            Instruction::StartRecording(fields(value, path, issues)?)
        }
        InstructionKind::StopRecording => Instruction::StopRecording(fields(value, path, issues)?),
    })
}
