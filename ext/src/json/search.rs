//! Finding `"`, `\` and control bytes eight bytes a step (SWAR: no `unsafe`, no target
//! features), for strings that are mostly plain.

const ONES: u64 = u64::MAX / 255;
const HIGH_BITS: u64 = ONES << 7;

/// The bytes of the word that are zero, as their high bits. A byte can be marked wrongly
/// only above (after) a byte marked rightly, so the lowest mark is always right.
#[inline]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGH_BITS
}

/// The bytes of the word below 0x20, as their high bits; the lowest mark is right, as above.
#[inline]
fn control_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x20) & !word & HIGH_BITS
}

/// The fewer than eight bytes left from `at` as a word, padded with a byte no search looks
/// for; `None` when none are left.
#[inline]
fn last_word(bytes: &[u8], at: usize) -> Option<u64> {
    let left = bytes.len().checked_sub(at).filter(|&left| left > 0)?;
    const PADDING: u64 = ONES * b'a' as u64;
    Some(if let Some(last) = bytes.len().checked_sub(8) {
        // The last eight bytes, shifted so that those already searched drop out.
        let word = u64::from_le_bytes(bytes[last..].try_into().ok()?);
        let shift = 8 * (8 - left) as u32;
        (word >> shift) | (PADDING & !(u64::MAX >> shift))
    } else {
        bytes[at..]
            .iter()
            .rev()
            .fold(PADDING, |word, &b| (word << 8) | u64::from(b))
    })
}

#[inline]
fn quotes_or_backslashes(word: u64) -> u64 {
    zero_bytes(word ^ (ONES * u64::from(b'"'))) | zero_bytes(word ^ (ONES * u64::from(b'\\')))
}

/// The index of the first `"` or `\` at or after `at`.
#[inline]
pub(crate) fn quote_or_backslash(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let found = quotes_or_backslashes(word);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let found = quotes_or_backslashes(last_word(bytes, at)?);
    (found != 0).then(|| at + (found.trailing_zeros() / 8) as usize)
}

/// The index of the first byte at or after `at` that a JSON string must escape: `"`, `\`
/// or one below 0x20.
#[inline]
pub(crate) fn to_escape(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let found = quotes_or_backslashes(word) | control_bytes(word);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let word = last_word(bytes, at)?;
    let found = quotes_or_backslashes(word) | control_bytes(word);
    (found != 0).then(|| at + (found.trailing_zeros() / 8) as usize)
}

/// Whether any byte is below 0x20. A fold without an early exit, so that it is vectorised.
pub(crate) fn has_control_bytes(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |any, &b| any | (b < 0x20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_at_a_time_searches_find_the_first_byte_they_look_for() {
        // Every length up to a few words, each kind of byte at every position (or none),
        // searched from every start.
        for len in 0..20 {
            for at in 0..=len {
                for special in [
                    b'"', b'\\', 0, 0x1f, 0x20, b'a', 0x7f, 0x80, 0xff, b'!', b']',
                ] {
                    let bytes: Vec<u8> = (0..len)
                        .map(|i| if i == at { special } else { b'x' })
                        .collect();
                    for from in 0..=len {
                        let first = |hit: fn(u8) -> bool| (from..len).find(|&i| hit(bytes[i]));
                        assert_eq!(
                            quote_or_backslash(&bytes, from),
                            first(|b| b == b'"' || b == b'\\'),
                            "{bytes:?} from {from}"
                        );
                        assert_eq!(
                            to_escape(&bytes, from),
                            first(|b| b == b'"' || b == b'\\' || b < 0x20),
                            "{bytes:?} from {from}"
                        );
                    }
                    assert_eq!(has_control_bytes(&bytes), bytes.iter().any(|&b| b < 0x20));
                }
            }
        }
    }

    #[test]
    fn a_byte_just_above_a_found_one_does_not_hide_it() {
        // The borrow of a subtraction runs upwards: a marked byte followed by bytes one above
        // the searched value.
        for pair in [*b"\"#", *b"\\]", [0x1f, 0x20], [0x00, 0x01], [b'"', b'\\']] {
            let mut bytes = *b"abcdefghijklmnop";
            bytes[5] = pair[0];
            bytes[6] = pair[1];
            assert_eq!(to_escape(&bytes, 0), Some(5));
        }
    }
}
