//! The `openapi` version: 3.1 documents are read as 3.0.3 (the other passes rewrite the 3.1
//! forms); anything that is not OpenAPI 3.0 or 3.1 is refused with what it is instead.

use serde_json::{Value, json};

use super::Report;
use crate::error::{Error, ErrorKind};

pub(super) fn run(doc: &mut Value, report: &mut Report) -> Result<(), Error> {
    let refuse = |kind, path: &str, problem: String| {
        Err(Error::new(kind, report.file.clone(), path, problem))
    };
    match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) if v.starts_with("3.1.") => {
            report.change("version", "$.openapi".into(), format!("{v} read as 3.0.3"));
            doc["openapi"] = json!("3.0.3");
            Ok(())
        }
        Some(Value::String(v)) if v.starts_with("3.") => refuse(
            ErrorKind::Unsupported,
            "$.openapi",
            format!(
                "OpenAPI {v} is not supported (3.0.x and 3.1.x are); \
                 rewrite it as 3.1 or ask the vendor for a 3.1 document"
            ),
        ),
        Some(Value::String(v)) => refuse(
            ErrorKind::Unsupported,
            "$.openapi",
            format!("expected an OpenAPI version 3.0.x or 3.1.x, found {v:?}"),
        ),
        Some(other) => refuse(
            ErrorKind::SpecShape,
            "$.openapi",
            format!(
                "expected the OpenAPI version as a string (3.0.x or 3.1.x), found {}",
                crate::load::kind_of(other)
            ),
        ),
        None if doc.get("swagger").is_some() => refuse(
            ErrorKind::Unsupported,
            "$.swagger",
            "a Swagger 2.0 document, not OpenAPI 3: convert it first \
             (e.g. `npx swagger2openapi FILE`), then generate from the result"
                .into(),
        ),
        None => refuse(
            ErrorKind::SpecShape,
            "$.openapi",
            "not an OpenAPI document: the `openapi` version field (3.0.x or 3.1.x) is missing"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Report;
    use super::*;

    fn version_of(mut doc: Value) -> Result<Value, Error> {
        run(&mut doc, &mut Report::new("t", false)).map(|()| doc["openapi"].clone())
    }

    #[test]
    fn only_30_and_31_pass() {
        assert_eq!(version_of(json!({"openapi": "3.1.0"})).unwrap(), "3.0.3");
        assert_eq!(version_of(json!({"openapi": "3.0.1"})).unwrap(), "3.0.1");
        let err = version_of(json!({"openapi": "3.2.0"})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
        assert!(err.problem.contains("3.2.0"), "{err}");
        let err = version_of(json!({"swagger": "2.0"})).unwrap_err();
        assert_eq!(err.path, "$.swagger");
        assert!(err.problem.contains("Swagger 2.0"), "{err}");
        let err = version_of(json!({"asyncapi": "2.0"})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::SpecShape);
        assert!(err.problem.contains("not an OpenAPI document"), "{err}");
        assert_eq!(
            version_of(json!({"openapi": 3.0})).unwrap_err().kind,
            ErrorKind::SpecShape
        );
    }
}
