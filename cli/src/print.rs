//! Human and JSON output.

use serde_json::Value;

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
    }
}

/// Prints a JSON object as aligned `name  value` lines, nested objects with dotted names.
pub(crate) fn fields(value: &Value) {
    let mut rows = Vec::new();
    flatten("", value, &mut rows);
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (key, value) in rows {
        println!("{key:<width$}  {value}");
    }
}

fn flatten(prefix: &str, value: &Value, rows: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, value, rows);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), item, rows);
            }
        }
        Value::String(s) => rows.push((prefix.to_string(), s.clone())),
        Value::Null => rows.push((prefix.to_string(), "-".into())),
        other => rows.push((prefix.to_string(), other.to_string())),
    }
}

/// Prints an aligned table with a header row.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        println!("{}", text.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// The text of an optional value, `-` when absent.
pub(crate) fn opt(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}
