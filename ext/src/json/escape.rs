//! Strings written as serde_json writes them, byte for byte, but searched for what to escape
//! eight bytes at a time and copied in one piece, where serde_json looks up every byte.

use super::search::to_escape;

/// `text` as a JSON string, quotes included.
#[inline]
pub(crate) fn string(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    string_contents(out, text);
    out.push(b'"');
}

/// `text` escaped, without the quotes (for a string written in parts).
#[inline]
pub(crate) fn string_contents(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    match to_escape(bytes, 0) {
        None => out.extend_from_slice(bytes),
        Some(first) => escaped(out, bytes, first),
    }
}

/// A string with something to escape, the first at `first`.
#[cold]
fn escaped(out: &mut Vec<u8>, bytes: &[u8], first: usize) {
    let mut run = 0;
    let mut next = Some(first);
    while let Some(at) = next {
        out.extend_from_slice(&bytes[run..at]);
        escape(out, bytes[at]);
        run = at + 1;
        next = to_escape(bytes, run);
    }
    out.extend_from_slice(&bytes[run..]);
}

/// serde_json's escapes: the short ones, else `\u00xx` in lower-case hex.
fn escape(out: &mut Vec<u8>, byte: u8) {
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn same_as_serde_json(text: &str) {
        let mut ours = b"x".to_vec();
        super::string(&mut ours, text);
        assert_eq!(
            String::from_utf8_lossy(&ours[1..]),
            serde_json::to_string(text).unwrap()
        );
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for text in [
            "",
            "plain",
            "a\"b\\c/d",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}",
            "é€😀 \u{2028}",
            "\"",
            "\\\\\\\\\\\\\\\\\\",
            "exactly8",
            "sixteen bytes ok",
            "seventeen bytes!\n",
        ] {
            same_as_serde_json(text);
            same_as_serde_json(&text.repeat(5));
        }
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(
            text in prop_oneof![any::<String>(), "[\"\\\\/\u{0}-\u{1f}\u{7f}a-z]{0,40}"],
        ) {
            same_as_serde_json(&text);
        }
    }
}
