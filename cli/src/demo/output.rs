//! The demo's printing: one line per event or scripted step, stamped with the time since the
//! demo started, written whole under the stdout lock so lines from the callback server and the
//! script never interleave.

use std::io::Write;
use std::time::{Duration, Instant};

/// Width of the event tag column (`ICE`, `DiCE`, `KEYS`, ...).
const TAG_WIDTH: usize = 5;

/// Where the demo prints, and since when it counts.
#[derive(Debug)]
pub(super) struct Output {
    start: Instant,
}

impl Output {
    /// Starts the clock.
    pub(super) fn new() -> Self {
        Output {
            start: Instant::now(),
        }
    }

    /// Time since the demo started.
    pub(super) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// `  +0.012s  ICE   text`, and under it `reply: ...` when there is one.
    pub(super) fn event(&self, tag: &str, text: &str, reply: Option<&str>) {
        let stamp = format!("+{:.3}s", self.elapsed().as_secs_f64());
        let mut lines = format!("  {stamp:>7}  {tag:<TAG_WIDTH$} {text}\n");
        if let Some(reply) = reply {
            let indent = 2 + stamp.len().max(7) + 2;
            lines.push_str(&format!("{:indent$}reply: {reply}\n", ""));
        }
        self.write(&lines);
    }

    /// A heading, after a blank line.
    pub(super) fn heading(&self, text: &str) {
        self.write(&format!("\n{text}\n"));
    }

    /// A plain line.
    pub(super) fn line(&self, text: &str) {
        self.write(&format!("{text}\n"));
    }

    fn write(&self, text: &str) {
        // A closed stdout (`| head`) must not take the demo down: the exit status still tells.
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
}

/// A call id, shortened for reading: `00005eed000000000000000000000001` becomes `5eed…0001`.
pub(super) fn short_id(id: &str) -> String {
    let trimmed = match id.trim_start_matches('0') {
        "" => id,
        rest => rest,
    };
    let chars: Vec<char> = trimmed.chars().collect();
    if chars.len() <= 10 {
        return trimmed.to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A caller id as dialled: callbacks send E.164 numbers without their `+`.
pub(super) fn number(cli: &str) -> String {
    if !cli.is_empty() && cli.chars().all(|c| c.is_ascii_digit()) {
        format!("+{cli}")
    } else {
        cli.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ids_are_shortened() {
        assert_eq!(short_id("00005eed000000000000000000000001"), "5eed…0001");
        assert_eq!(short_id("4398599d1ba84ef3bde0a82dfb61abed"), "4398…abed");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(short_id("0000"), "0000");
    }

    #[test]
    fn numbers_get_their_plus() {
        assert_eq!(number("15551230001"), "+15551230001");
        assert_eq!(number("+15551230001"), "+15551230001");
        assert_eq!(number("private"), "private");
        assert_eq!(number(""), "");
    }
}
