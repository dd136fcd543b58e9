//! Applying our corrections (an OpenAPI Overlay 1.0 document) to the vendor's spec.
//!
//! The merge and JSONPath semantics are roas-overlay's; this module adds the policy a
//! maintainer needs: an action whose target matches nothing is an error that names the action,
//! because a correction that silently stops applying is a correction lost.

use roas_overlay::apply::Apply;
use roas_overlay::v1_0::Overlay;
use roas_overlay::validation::Validate;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Segment, json_path};

/// One applied action, for reports: which action, and how many nodes it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedAction {
    /// Position in the overlay's `actions` list.
    pub index: usize,
    /// The action's JSONPath target.
    pub target: String,
    /// How many nodes the target selected.
    pub matched: usize,
}

/// A correction the vendor text changed under: its target matches nothing, or a `remove`
/// carrying `x-sinch-removes-sha256` would remove something other than what was reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadCorrection {
    /// Position in the overlay's `actions` list.
    pub index: usize,
    /// The action's JSONPath target.
    pub target: String,
    /// The first line of the action's description.
    pub description: String,
    /// What no longer fits.
    pub staleness: Staleness,
}

/// Why a correction is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// The target selects nothing.
    NoMatch,
    /// The removed node is not the one reviewed: a property the vendor added under it would
    /// be lost without a word. `now` is the sha256 of the node as it is.
    Changed { now: String },
}

impl std::fmt::Display for DeadCorrection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.staleness {
            Staleness::NoMatch => write!(
                f,
                "action {} (\"{}\") targets {}, which matches nothing",
                self.index, self.description, self.target
            ),
            Staleness::Changed { now } => write!(
                f,
                "action {} (\"{}\") removes {}, which the vendor changed since it was reviewed \
                 (its {REVIEWED} is stale; the node's sha256 is now {now})",
                self.index, self.description, self.target
            ),
        }
    }
}

/// On a `remove` action: the sha256 of the node it removes as it was reviewed (canonical JSON,
/// keys sorted), so a vendor change inside a removed schema is a stale correction, not a loss.
pub const REVIEWED: &str = "x-sinch-removes-sha256";

/// The sha256 of `node` as canonical JSON (object keys sorted, no whitespace).
pub fn node_sha256(node: &Value) -> String {
    let mut text = String::new();
    write_sorted(node, &mut text);
    crate::sha256_hex(text.as_bytes())
}

/// Writes JSON with object keys in sorted order whatever the map's own order is.
fn write_sorted(node: &Value, out: &mut String) {
    match node {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_sorted(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The removals whose node is not the one reviewed, in the vendor's text before any action.
fn changed_under_removals(parsed: &Overlay, spec: &Value) -> Vec<DeadCorrection> {
    use roas_overlay::common::apply::{compile_path, locate};
    let mut stale = Vec::new();
    for (index, action) in parsed.actions.iter().enumerate() {
        let Some(reviewed) = action
            .extensions
            .as_ref()
            .and_then(|e| e.get(REVIEWED))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Ok(path) = compile_path(&action.target) else {
            continue;
        };
        for pointer in locate(spec, &path) {
            let Some(node) = spec.pointer(&pointer) else {
                continue;
            };
            let now = node_sha256(node);
            if now != reviewed {
                let description = action.description.as_deref().unwrap_or("").trim();
                stale.push(DeadCorrection {
                    index,
                    target: action.target.clone(),
                    description: description.lines().next().unwrap_or("").to_string(),
                    staleness: Staleness::Changed { now },
                });
            }
        }
    }
    stale
}

/// Parses and validates an overlay document, then applies it to `spec` in place. Every action
/// whose target matches nothing is found (not only the first): with `dead_are_errors` they
/// are one error naming all of them, and `spec` is left as it was; otherwise they are
/// returned and the live actions applied.
pub(crate) fn apply(
    overlay_file: &str,
    overlay: &Value,
    spec: &mut Value,
    dead_are_errors: bool,
) -> Result<(Vec<AppliedAction>, Vec<DeadCorrection>), Error> {
    let parsed: Overlay = serde_path_to_error::deserialize(overlay).map_err(|e| {
        let segments = serde_segments(e.path());
        Error::new(
            ErrorKind::OverlayShape,
            overlay_file,
            json_path(&segments),
            format!("not an Overlay 1.0 document: {}", e.inner()),
        )
    })?;
    parsed.validate(Default::default()).map_err(|e| {
        let first = e.errors.first();
        Error::new(
            ErrorKind::OverlayShape,
            overlay_file,
            first
                .map(|f| f.path.replacen('#', "$", 1))
                .unwrap_or_else(|| "$".into()),
            format!(
                "not a valid Overlay 1.0 document: {}",
                e.to_string().trim_end()
            ),
        )
    })?;
    for (index, action) in parsed.actions.iter().enumerate() {
        if action
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            return Err(Error::new(
                ErrorKind::OverlayShape,
                overlay_file,
                format!("$.actions[{index}].description"),
                "every correction needs a description naming its evidence",
            ));
        }
    }

    let changed = changed_under_removals(&parsed, spec);
    let before = dead_are_errors.then(|| spec.clone());
    let report = parsed.apply(spec, Default::default()).map_err(|e| {
        let action = &parsed.actions[e.action_index];
        let name = action.description.as_deref().unwrap_or("").trim();
        let name = name.lines().next().unwrap_or(name);
        let (kind, problem) = (
            ErrorKind::OverlayApply,
            format!(
                "action {} (\"{name}\") on target {} cannot be applied: {}",
                e.action_index, e.target, e.kind
            ),
        );
        Error::new(
            kind,
            overlay_file,
            format!("$.actions[{}].target", e.action_index),
            problem,
        )
    })?;
    let mut dead: Vec<DeadCorrection> = report
        .actions
        .iter()
        .filter(|a| a.matched == 0)
        .map(|a| {
            let description = parsed.actions[a.index]
                .description
                .as_deref()
                .unwrap_or("")
                .trim();
            DeadCorrection {
                index: a.index,
                target: a.target.clone(),
                description: description.lines().next().unwrap_or("").to_string(),
                staleness: Staleness::NoMatch,
            }
        })
        .chain(changed)
        .collect();
    dead.sort_by_key(|d| d.index);
    if let Some(before) = before
        && !dead.is_empty()
    {
        *spec = before;
        return Err(dead_error(overlay_file, &dead));
    }
    let applied = report
        .actions
        .into_iter()
        .map(|a| AppliedAction {
            index: a.index,
            target: a.target,
            matched: a.matched,
        })
        .collect();
    Ok((applied, dead))
}

/// One error naming every dead correction (a line each).
pub(crate) fn dead_error(overlay_file: &str, dead: &[DeadCorrection]) -> Error {
    let problem = match dead {
        [one] => format!(
            "{one} in the spec; the vendor text changed under this correction: update or remove it"
        ),
        all => format!(
            "{} corrections match nothing in the spec or not what was reviewed; the vendor text \
             changed under them: update or remove each\n{}",
            all.len(),
            all.iter()
                .map(|d| format!("  {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    Error::new(
        ErrorKind::DeadTarget,
        overlay_file,
        format!("$.actions[{}].target", dead.first().map_or(0, |d| d.index)),
        problem,
    )
}

pub(crate) fn serde_segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    use serde_path_to_error::Segment as S;
    path.iter()
        .filter_map(|s| match s {
            S::Seq { index } => Some(Segment::Index(*index)),
            S::Map { key } => Some(Segment::Key(key.clone())),
            S::Enum { variant } => Some(Segment::Key(variant.clone())),
            S::Unknown => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn update_and_remove_apply_in_order() {
        let mut spec = json!({"a": {"b": 1}, "c": {"d": 2}});
        let doc = overlay(json!([
            {"target": "$.a", "description": "add e", "update": {"e": 3}},
            {"target": "$.c", "description": "drop c", "remove": true}
        ]));
        let (report, _) = apply("o.yaml", &doc, &mut spec, true).unwrap();
        assert_eq!(spec, json!({"a": {"b": 1, "e": 3}}));
        assert_eq!(report.len(), 2);
        assert_eq!(report[0].matched, 1);
    }

    #[test]
    fn dead_target_names_the_action_and_leaves_the_spec_alone() {
        let mut spec = json!({"a": {}});
        let before = spec.clone();
        let doc = overlay(json!([
            {"target": "$.a", "description": "fine", "update": {"x": 1}},
            {"target": "$.paths['/gone']", "description": "Fix the gone path (rest-api.md 8.4)", "update": {"x": 1}}
        ]));
        let err = apply("spec/corrections.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.kind, ErrorKind::DeadTarget);
        assert_eq!(err.path, "$.actions[1].target");
        assert!(err.problem.contains("Fix the gone path"), "{err}");
        assert!(err.problem.contains("$.paths['/gone']"), "{err}");
        assert_eq!(spec, before);
    }

    #[test]
    fn a_removal_of_something_other_than_what_was_reviewed_is_stale() {
        let reviewed = json!({"type": "object", "properties": {"cli": {"type": "string"}}});
        // Key order does not matter; content does.
        let reordered = json!({"properties": {"cli": {"type": "string"}}, "type": "object"});
        assert_eq!(node_sha256(&reviewed), node_sha256(&reordered));
        let remove = |sha: &str| {
            overlay(json!([
                {"target": "$.base", "description": "fold base into ours", "remove": true,
                 "x-sinch-removes-sha256": sha}
            ]))
        };
        let doc = remove(&node_sha256(&reviewed));
        let mut spec = json!({"base": reordered, "other": 1});
        apply("o.yaml", &doc, &mut spec, true).unwrap();
        assert_eq!(spec, json!({"other": 1}));
        // The vendor adds a property under the removed node: stale, spec untouched.
        let grown = json!({"type": "object", "properties": {"cli": {"type": "string"},
            "fooBar": {"type": "string"}}});
        let mut spec = json!({"base": grown.clone()});
        let err = apply("o.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.kind, ErrorKind::DeadTarget);
        assert!(err.problem.contains("fold base into ours"), "{err}");
        assert!(err.problem.contains("which the vendor changed"), "{err}");
        assert!(err.problem.contains(&node_sha256(&grown)), "{err}");
        assert_eq!(spec, json!({"base": grown.clone()}));
        // Reported, not refused, when dead corrections are only listed.
        let (_, dead) = apply("o.yaml", &doc, &mut spec, false).unwrap();
        assert_eq!(
            dead[0].staleness,
            Staleness::Changed {
                now: node_sha256(&grown)
            }
        );
    }

    #[test]
    fn every_dead_target_is_named_not_only_the_first() {
        let doc = overlay(json!([
            {"target": "$.gone1", "description": "First\nmore", "update": {"x": 1}},
            {"target": "$.a", "description": "fine", "update": {"x": 1}},
            {"target": "$.gone2", "description": "Second", "remove": true}
        ]));
        let mut spec = json!({"a": {}});
        let err = apply("o.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.path, "$.actions[0].target");
        assert!(err.problem.contains("2 corrections"), "{err}");
        assert!(
            err.problem.contains("action 0 (\"First\") targets $.gone1"),
            "{err}"
        );
        assert!(
            err.problem
                .contains("action 2 (\"Second\") targets $.gone2"),
            "{err}"
        );
        assert_eq!(spec, json!({"a": {}}));

        let (applied, dead) = apply("o.yaml", &doc, &mut spec, false).unwrap();
        assert_eq!(applied.len(), 3);
        assert_eq!(dead.iter().map(|d| d.index).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(spec, json!({"a": {"x": 1}}));
    }

    #[test]
    fn an_action_without_description_is_rejected() {
        let mut spec = json!({"a": {}});
        let doc = overlay(json!([{"target": "$.a", "update": {"x": 1}}]));
        let err = apply("o.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.path, "$.actions[0].description");
    }

    #[test]
    fn wrong_shapes_name_the_path() {
        let mut spec = json!({});
        let doc = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": 5}]});
        let err = apply("o.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverlayShape);
        assert_eq!(err.path, "$.actions[0].target");

        let doc = overlay(json!([{"target": "$[", "description": "d", "update": {}}]));
        let err = apply("o.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverlayShape);
        assert!(err.path.contains("actions[0]"), "{err}");

        let doc =
            json!({"overlay": "2.5.0", "info": {"title": "t", "version": "1"}, "actions": []});
        assert!(apply("o.yaml", &doc, &mut spec, true).is_err());
    }

    #[test]
    fn a_primitive_target_is_an_apply_error() {
        let mut spec = json!({"a": {"b": 1}});
        let doc = overlay(json!([{"target": "$.a.b", "description": "d", "update": 2}]));
        let err = apply("o.yaml", &doc, &mut spec, true).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverlayApply);
    }
}
