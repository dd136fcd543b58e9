//! Applying our corrections (an OpenAPI Overlay 1.0 document) to the vendor's spec.
//!
//! The merge and JSONPath semantics are roas-overlay's; this module adds the policy a
//! maintainer needs: an action whose target matches nothing is an error that names the action,
//! because a correction that silently stops applying is a correction lost.

use roas_overlay::apply::{Apply, ApplyErrorKind, ApplyOptions};
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

/// Parses and validates an overlay document, then applies it to `spec` in place.
/// On any error `spec` is left as it was.
pub(crate) fn apply(
    overlay_file: &str,
    overlay: &Value,
    spec: &mut Value,
) -> Result<Vec<AppliedAction>, Error> {
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

    let report = parsed
        .apply(spec, ApplyOptions::ErrorOnZeroMatch.into())
        .map_err(|e| {
            let action = &parsed.actions[e.action_index];
            let name = action.description.as_deref().unwrap_or("").trim();
            let name = name.lines().next().unwrap_or(name);
            let (kind, problem) = match &e.kind {
                ApplyErrorKind::ZeroMatch => (
                    ErrorKind::DeadTarget,
                    format!(
                        "action {} (\"{name}\") targets {} which matches nothing in the spec; \
                         the vendor text changed under this correction: update or remove it",
                        e.action_index, e.target
                    ),
                ),
                other => (
                    ErrorKind::OverlayApply,
                    format!(
                        "action {} (\"{name}\") on target {} cannot be applied: {other}",
                        e.action_index, e.target
                    ),
                ),
            };
            Error::new(
                kind,
                overlay_file,
                format!("$.actions[{}].target", e.action_index),
                problem,
            )
        })?;
    Ok(report
        .actions
        .into_iter()
        .map(|a| AppliedAction {
            index: a.index,
            target: a.target,
            matched: a.matched,
        })
        .collect())
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
        let report = apply("o.yaml", &doc, &mut spec).unwrap();
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
        let err = apply("spec/corrections.yaml", &doc, &mut spec).unwrap_err();
        assert_eq!(err.kind, ErrorKind::DeadTarget);
        assert_eq!(err.path, "$.actions[1].target");
        assert!(err.problem.contains("Fix the gone path"), "{err}");
        assert!(err.problem.contains("$.paths['/gone']"), "{err}");
        assert_eq!(spec, before);
    }

    #[test]
    fn an_action_without_description_is_rejected() {
        let mut spec = json!({"a": {}});
        let doc = overlay(json!([{"target": "$.a", "update": {"x": 1}}]));
        let err = apply("o.yaml", &doc, &mut spec).unwrap_err();
        assert_eq!(err.path, "$.actions[0].description");
    }

    #[test]
    fn wrong_shapes_name_the_path() {
        let mut spec = json!({});
        let doc = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": 5}]});
        let err = apply("o.yaml", &doc, &mut spec).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverlayShape);
        assert_eq!(err.path, "$.actions[0].target");

        let doc = overlay(json!([{"target": "$[", "description": "d", "update": {}}]));
        let err = apply("o.yaml", &doc, &mut spec).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverlayShape);
        assert!(err.path.contains("actions[0]"), "{err}");

        let doc =
            json!({"overlay": "2.5.0", "info": {"title": "t", "version": "1"}, "actions": []});
        assert!(apply("o.yaml", &doc, &mut spec).is_err());
    }

    #[test]
    fn a_primitive_target_is_an_apply_error() {
        let mut spec = json!({"a": {"b": 1}});
        let doc = overlay(json!([{"target": "$.a.b", "description": "d", "update": 2}]));
        let err = apply("o.yaml", &doc, &mut spec).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverlayApply);
    }
}
