//! The JSON path of a serde error, as every error of this crate names a field: `a.b[0].c`
//! (serde_path_to_error's own `Display` writes `a.b.0.c`).

use serde_path_to_error::{Path, Segment};

/// `path` as `a.b[0].c`; empty at the root, or where a syntax error left the step unknown.
pub(crate) fn path_text(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(json: &str) -> String {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            c: u8,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            b: Vec<Inner>,
        }
        let mut de = serde_json::Deserializer::from_str(json);
        let error = serde_path_to_error::deserialize::<_, Outer>(&mut de).unwrap_err();
        path_text(error.path())
    }

    #[test]
    fn paths_read_as_json_paths() {
        assert_eq!(path_of(r#"{"b":[{"c":1},{"c":"x"}]}"#), "b[1].c");
        assert_eq!(path_of(r#"{"b":7}"#), "b");
        assert_eq!(path_of("[]"), "");
    }
}
