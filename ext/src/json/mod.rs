//! JSON text at the byte level, where serde_json's general machinery costs more than the
//! shapes this crate reads and writes need: finding the bytes a string must escape, and
//! writing strings as serde_json writes them; and the JSON path every error names.

mod escape;
mod path;
mod search;

pub(crate) use escape::{string, string_contents};
pub(crate) use path::path_text;
pub(crate) use search::{has_control_bytes, quote_or_backslash};
