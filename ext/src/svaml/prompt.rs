//! The prompt mini-language (svaml.md §5): `#tts[..]`, `#ssml[..]`, `#href[..]`, bare URLs and
//! file ids, chained with `;`.
//!
//! `]` ends a bracket and nothing documents an escape, so TTS text loses its `[` and `]`
//! characters; in a `;`-joined chain a `;` inside TTS text would split the prompt, so it
//! becomes `,`. SSML keeps its text (entities such as `&amp;` need their `;`); validation
//! rejects a `]` in it.

use std::borrow::Cow;

/// One part of a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPart<'a> {
    /// Text to speech in the surrounding locale.
    Tts(Cow<'a, str>),
    /// SSML (`<speak>...</speak>`).
    Ssml(Cow<'a, str>),
    /// External media over HTTP(S).
    Href(Cow<'a, str>),
    /// Id of a pre-recorded file held by Sinch.
    File(Cow<'a, str>),
}

/// A prompt: one or more parts played back to back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt<'a> {
    // Most prompts have one part: keep it out of the Vec so they allocate nothing.
    first: PromptPart<'a>,
    rest: Vec<PromptPart<'a>>,
}

impl<'a> Prompt<'a> {
    /// Text to speech.
    pub fn tts(text: impl Into<Cow<'a, str>>) -> Self {
        Prompt {
            first: PromptPart::Tts(text.into()),
            rest: Vec::new(),
        }
    }

    /// SSML.
    pub fn ssml(ssml: impl Into<Cow<'a, str>>) -> Self {
        Prompt {
            first: PromptPart::Ssml(ssml.into()),
            rest: Vec::new(),
        }
    }

    /// Media at an HTTP(S) URL.
    pub fn href(url: impl Into<Cow<'a, str>>) -> Self {
        Prompt {
            first: PromptPart::Href(url.into()),
            rest: Vec::new(),
        }
    }

    /// A pre-recorded file id.
    pub fn file(id: impl Into<Cow<'a, str>>) -> Self {
        Prompt {
            first: PromptPart::File(id.into()),
            rest: Vec::new(),
        }
    }

    /// This prompt, then `next`.
    pub fn then(mut self, next: impl Into<Prompt<'a>>) -> Self {
        let next = next.into();
        self.rest.push(next.first);
        self.rest.extend(next.rest);
        self
    }

    /// The parts, in order.
    pub fn parts(&self) -> impl Iterator<Item = &PromptPart<'a>> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }

    /// The text of a prompt field (`mainPrompt`, `introPrompt`, ...): parts joined with `;`.
    pub fn render(self) -> Cow<'a, str> {
        let chained = !self.rest.is_empty();
        if !chained && let PromptPart::File(id) = self.first {
            return id;
        }
        let capacity = self.parts().map(|p| part_text(p).len() + 8).sum();
        let mut out = String::with_capacity(capacity);
        for (i, part) in self.parts().enumerate() {
            if i > 0 {
                out.push(';');
            }
            write_part(&mut out, part, chained);
        }
        Cow::Owned(out)
    }

    /// One string per part, as `playFiles.ids` wants them.
    pub fn into_parts(self) -> Vec<Cow<'a, str>> {
        std::iter::once(self.first)
            .chain(self.rest)
            .map(|part| match part {
                PromptPart::File(id) => id,
                other => {
                    let mut out = String::with_capacity(part_text(&other).len() + 8);
                    write_part(&mut out, &other, false);
                    Cow::Owned(out)
                }
            })
            .collect()
    }
}

fn part_text<'p>(part: &'p PromptPart<'_>) -> &'p str {
    match part {
        PromptPart::Tts(t) | PromptPart::Ssml(t) | PromptPart::Href(t) | PromptPart::File(t) => t,
    }
}

fn write_part(out: &mut String, part: &PromptPart<'_>, chained: bool) {
    match part {
        PromptPart::Tts(text) => {
            out.push_str("#tts[");
            if text.bytes().fold(false, |found, b| {
                found | (b == b']') | (b == b'[') | (chained & (b == b';'))
            }) {
                for c in text.chars() {
                    match c {
                        '[' | ']' => {}
                        ';' if chained => out.push(','),
                        c => out.push(c),
                    }
                }
            } else {
                out.push_str(text);
            }
            out.push(']');
        }
        PromptPart::Ssml(ssml) => {
            out.push_str("#ssml[");
            out.push_str(ssml);
            out.push(']');
        }
        PromptPart::Href(url) => {
            out.push_str("#href[");
            out.push_str(url);
            out.push(']');
        }
        PromptPart::File(id) => out.push_str(id),
    }
}

impl<'a> From<&'a str> for Prompt<'a> {
    /// Plain text is spoken.
    fn from(text: &'a str) -> Self {
        Prompt::tts(text)
    }
}

impl From<String> for Prompt<'_> {
    /// Plain text is spoken.
    fn from(text: String) -> Self {
        Prompt::tts(text)
    }
}

/// Whether `text` holds `byte`. Prompts are short: looking at every byte without an early
/// exit lets the compiler do it a vector at a time, faster than a search that stops.
pub(crate) fn has_byte(text: &str, byte: u8) -> bool {
    text.bytes().fold(false, |found, b| found | (b == byte))
}

fn has_prefix(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The parts of a `;`-joined prompt string; a `;` inside `[...]` does not split.
pub(crate) fn split_chain(prompt: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0i32;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, b) in prompt.bytes().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => depth -= 1,
            b';' if depth <= 0 => {
                parts.push(&prompt[start..i]);
                start = i + 1;
                depth = 0;
            }
            _ => {}
        }
    }
    parts.push(&prompt[start..]);
    parts.into_iter()
}

/// What is wrong with one prompt (`#tts[..]`, `#ssml[..]`, `#href[..]`, URL or file id), if
/// anything: TTS/SSML text over `max_chars`, or a `]` that would end the bracket early.
pub(crate) fn check_prompt(part: &str, max_chars: usize) -> Option<String> {
    let part = part.trim();
    for prefix in ["#tts[", "#ssml[", "#href["] {
        if has_prefix(part, prefix) {
            let inner = &part[prefix.len()..];
            let Some(inner) = inner.strip_suffix(']') else {
                return Some(format!("{prefix}...] is not closed by ']'"));
            };
            if has_byte(inner, b']') {
                return Some(
                    "a ']' inside a prompt ends it early; there is no escape for it".into(),
                );
            }
            if prefix != "#href[" && inner.len() > max_chars && inner.chars().count() > max_chars {
                return Some(format!(
                    "a #tts or #ssml prompt holds at most {max_chars} characters"
                ));
            }
            return None;
        }
    }
    None
}

/// Whether a prompt string has TTS or SSML parts (which need a locale).
pub(crate) fn is_spoken(prompt: &str) -> bool {
    let p = prompt.trim_start();
    has_prefix(p, "#tts[") || has_prefix(p, "#ssml[")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_render_and_escape() {
        assert_eq!(Prompt::tts("Hello").render(), "#tts[Hello]");
        assert_eq!(Prompt::file("welcome").render(), "welcome");
        let chain = Prompt::tts("Press 1; or 2 [now]")
            .then(Prompt::href("https://x/y.mp3"))
            .then(Prompt::ssml("<speak>Bye &amp; thanks</speak>"));
        assert_eq!(
            chain.clone().render(),
            "#tts[Press 1, or 2 now];#href[https://x/y.mp3];#ssml[<speak>Bye &amp; thanks</speak>]"
        );
        assert_eq!(
            chain.into_parts(),
            vec![
                "#tts[Press 1; or 2 now]",
                "#href[https://x/y.mp3]",
                "#ssml[<speak>Bye &amp; thanks</speak>]"
            ]
        );
    }

    #[test]
    fn chains_split_outside_brackets_and_prompts_are_checked() {
        let parts: Vec<&str> =
            split_chain("#tts[a;b];welcome;#SSML[<speak>x &amp; y</speak>]").collect();
        assert_eq!(
            parts,
            vec!["#tts[a;b]", "welcome", "#SSML[<speak>x &amp; y</speak>]"]
        );
        assert!(check_prompt(&format!("#tts[{}]", "é".repeat(600)), 600).is_none());
        assert!(check_prompt(&format!("#tts[{}]", "é".repeat(601)), 600).is_some());
        assert!(check_prompt("#ssml[<speak>]</speak>]", 600).is_some());
        assert!(check_prompt("#tts[open", 600).is_some());
        assert!(check_prompt("ééé", 600).is_none());
        assert!(is_spoken("#TTS[x]"));
        assert!(!is_spoken("https://x"));
        assert!(!is_spoken("éé"));
    }
}
