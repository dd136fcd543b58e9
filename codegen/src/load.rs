//! Reading an input file (YAML or JSON; JSON is YAML) into a `serde_json::Value`.

use serde_json::{Map, Number, Value};

use crate::error::{Error, ErrorKind, Segment, json_path};

/// Parses `text` as YAML 1.2 and converts it to JSON. Mapping keys that YAML reads as numbers
/// or booleans (an unquoted `200:` status code) become their string form, as JSON requires.
/// A document that is JSON (it starts with `{`) is read by the JSON parser, which is many
/// times faster on the large specs (tens of megabytes) vendors publish as JSON.
pub(crate) fn parse_document(file: &str, text: &str) -> Result<Value, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{')
        && let Ok(json) = serde_json::from_str::<Value>(text)
    {
        return Ok(json);
    }
    let mut yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let path = match e.location() {
            Some(at) => format!("$ (line {}, column {})", at.line(), at.column()),
            None => "$".to_string(),
        };
        Error::new(
            ErrorKind::Syntax,
            file,
            path,
            format!("expected a YAML or JSON document: {e}"),
        )
    })?;
    yaml.apply_merge().map_err(|e| {
        Error::new(
            ErrorKind::Syntax,
            file,
            "$",
            format!("a YAML merge key (<<) cannot be applied: {e}"),
        )
    })?;
    let mut segments = Vec::new();
    let json = to_json(file, &yaml, &mut segments)?;
    if !json.is_object() {
        return Err(Error::new(
            ErrorKind::SpecShape,
            file,
            "$",
            format!(
                "expected a mapping at the top level, found {}",
                kind_of(&json)
            ),
        ));
    }
    Ok(json)
}

fn to_json(file: &str, yaml: &serde_yaml_ng::Value, at: &mut Vec<Segment>) -> Result<Value, Error> {
    use serde_yaml_ng::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    Error::new(
                        ErrorKind::Syntax,
                        file,
                        json_path(at),
                        format!("expected a finite number, found {n}"),
                    )
                })?)
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                at.push(Segment::Index(index));
                out.push(to_json(file, item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::with_capacity(mapping.len());
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::new(
                            ErrorKind::Syntax,
                            file,
                            json_path(at),
                            format!("expected a string mapping key, found {other:?}"),
                        ));
                    }
                };
                at.push(Segment::Key(key.clone()));
                let value = to_json(file, value, at)?;
                at.pop();
                if out.insert(key.clone(), value).is_some() {
                    return Err(Error::new(
                        ErrorKind::Syntax,
                        file,
                        json_path(at),
                        format!("duplicate key {key:?}"),
                    ));
                }
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(file, &tagged.value, at)?,
    })
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings() {
        let doc = parse_document("t.yaml", "responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(doc["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn norway_stays_a_string() {
        let doc = parse_document("t.yaml", "enum: [no, se]\n").unwrap();
        assert_eq!(doc["enum"][0], "no");
    }

    #[test]
    fn malformed_yaml_names_file_and_line() {
        let err = parse_document("spec/x.yaml", "a: [1, 2\nb: c\n").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Syntax);
        assert_eq!(err.file, "spec/x.yaml");
        assert!(err.path.contains("line"), "{err}");
    }

    #[test]
    fn a_scalar_document_is_rejected() {
        let err = parse_document("x.yaml", "just text").unwrap_err();
        assert_eq!(err.kind, ErrorKind::SpecShape);
        assert!(err.problem.contains("mapping"), "{err}");
    }

    #[test]
    fn json_is_read_as_json() {
        let doc =
            parse_document("t.json", "\u{feff} {\"b\": 1, \"a\": {\"200\": [true]}}").unwrap();
        assert_eq!(doc["a"]["200"][0], true);
        assert_eq!(doc.as_object().unwrap().keys().next().unwrap(), "b");
        // Not JSON after all (YAML flow style): the YAML parser takes it.
        let doc = parse_document("t.yaml", "{a: 1}").unwrap();
        assert_eq!(doc["a"], 1);
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let err = parse_document("x.yaml", "a: 1\na: 2\n").unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }
}
