//! The one error type of code generation: every failure names the file, the JSON path inside
//! it, and what was expected there, so a maintainer can go straight to the offending line.

use std::fmt;

/// Why generation failed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: at {path}: {problem}")]
pub struct Error {
    /// The input the problem is in, as the caller named it (a path, or `<effective spec>`).
    pub file: String,
    /// Where in that file, as a JSONPath (`$` is the whole document).
    pub path: String,
    /// What was found and what was expected.
    pub problem: String,
    /// Which stage gave up; lets tests and tools branch without parsing the message.
    pub kind: ErrorKind,
}

/// The stage of generation that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file is not YAML or JSON at all.
    Syntax,
    /// The overlay document does not have the shape Overlay 1.0 requires.
    OverlayShape,
    /// An overlay action's target matches nothing in the spec.
    DeadTarget,
    /// An overlay action could not be applied for another reason (bad JSONPath, primitive target).
    OverlayApply,
    /// The (corrected) spec does not have the shape OpenAPI 3.0 requires.
    SpecShape,
    /// The spec is valid but uses a construct the generator cannot turn into Rust.
    Unsupported,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::OverlayShape => "overlay shape",
            ErrorKind::DeadTarget => "dead overlay target",
            ErrorKind::OverlayApply => "overlay apply",
            ErrorKind::SpecShape => "spec shape",
            ErrorKind::Unsupported => "unsupported construct",
        })
    }
}

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        file: impl Into<String>,
        path: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        Error {
            file: file.into(),
            path: path.into(),
            problem: problem.into(),
            kind,
        }
    }
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Renders segments as a JSONPath (`$.paths['/a'].get.responses['200']`), quoting keys that
/// are not plain identifiers.
pub(crate) fn json_path(segments: &[Segment]) -> String {
    let mut out = String::from("$");
    for segment in segments {
        match segment {
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
            Segment::Key(key)
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                    && !key.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                out.push('.');
                out.push_str(key);
            }
            Segment::Key(key) => {
                out.push_str("['");
                out.push_str(&key.replace('\\', "\\\\").replace('\'', "\\'"));
                out.push_str("']");
            }
        }
    }
    out
}

/// Turns an RFC 6901 JSON Pointer (`/paths/~1a/get`) into a JSONPath (`$.paths['/a'].get`),
/// looking at `doc` to tell array indexes from numeric object keys such as `'200'`.
pub(crate) fn pointer_to_json_path(doc: &serde_json::Value, pointer: &str) -> String {
    let mut node = Some(doc);
    let mut segments = Vec::new();
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        match (node, key.parse::<usize>()) {
            (Some(serde_json::Value::Array(items)), Ok(index)) => {
                node = items.get(index);
                segments.push(Segment::Index(index));
            }
            (current, _) => {
                node = current.and_then(|n| n.get(&key));
                segments.push(Segment::Key(key));
            }
        }
    }
    json_path(&segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_path_quotes_what_is_not_an_identifier() {
        let segments = [
            Segment::Key("paths".into()),
            Segment::Key("/calling/v1/calls".into()),
            Segment::Key("get".into()),
            Segment::Key("200".into()),
            Segment::Key("it's".into()),
            Segment::Index(3),
        ];
        assert_eq!(
            json_path(&segments),
            "$.paths['/calling/v1/calls'].get['200']['it\\'s'][3]"
        );
    }

    #[test]
    fn pointer_segments_are_unescaped_and_typed_by_the_document() {
        let doc = json!({"paths": {"/v1/numbers": {"delete": {"responses": {"204": {}}}}}, "tags": [{}, {}]});
        assert_eq!(
            pointer_to_json_path(&doc, "/paths/~1v1~1numbers/delete/responses/204"),
            "$.paths['/v1/numbers'].delete.responses['204']"
        );
        assert_eq!(pointer_to_json_path(&doc, "/tags/1"), "$.tags[1]");
        assert_eq!(pointer_to_json_path(&doc, ""), "$");
    }
}
