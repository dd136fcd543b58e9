//! The prompt mini-language (svaml.md §5): `#tts[..]`, `#ssml[..]`, `#href[..]`, bare URLs and
//! file ids, chained with `;`. The rules a user needs are on [`Prompt`].

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
    /// Prompt syntax this crate could not read (an unclosed `#tts[`, say): sent as written,
    /// so that validation names what is wrong with it.
    Unread(Cow<'a, str>),
}

/// A prompt: one or more parts played back to back.
///
/// Nothing is rewritten on the way out. Each part is sent as the platform reads it:
/// - [`Prompt::tts`] sends its text inside `#tts[..]` unchanged. The platform has no escape:
///   a `]` would end the prompt early and a `[` confuses the bracket, so text holding either
///   is refused when the SVAML or the request is checked (`build()`, a callout's `send`), with
///   the JSON path of the field. So is a `;` inside the text of a chained prompt (the chain is
///   split at `;`), and text over 600 characters.
/// - A string given where a prompt is expected (`Menu::prompt("...")`) is plain text to speak,
///   unless it is already prompt syntax: when any of its `;`-joined parts starts with
///   `#tts[`, `#ssml[` or `#href[` (in any case) or is a bare `http(s)://` URL, it is read as
///   such a list (`welcome;#tts[Hi]`: the file `welcome`, then TTS), so `"#tts[Press 1.]"` is
///   sent as written, not wrapped twice. Use [`Prompt::tts`] to speak such text.
/// - [`Prompt::ssml`] keeps its text as given, `;` included (entities such as `&amp;` need
///   it); a `]` in it is refused.
///
/// ```
/// use sinch_voice::svaml::Prompt;
///
/// assert_eq!(Prompt::tts("Press 1 to confirm.").render(), "#tts[Press 1 to confirm.]");
/// assert_eq!(Prompt::from("#tts[Press 1 to confirm.]").render(), "#tts[Press 1 to confirm.]");
/// let chain = Prompt::from("#tts[Hello];#href[https://x/y.mp3]");
/// assert_eq!(chain.parts().count(), 2);
/// ```
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
        if !chained && let PromptPart::File(id) | PromptPart::Unread(id) = self.first {
            return id;
        }
        let capacity = self.parts().map(|p| part_text(p).len() + 8).sum();
        let mut out = String::with_capacity(capacity);
        for (i, part) in self.parts().enumerate() {
            if i > 0 {
                out.push(';');
            }
            write_part(&mut out, part);
        }
        Cow::Owned(out)
    }

    /// One string per part, as `playFiles.ids` wants them.
    pub fn into_parts(self) -> Vec<Cow<'a, str>> {
        std::iter::once(self.first)
            .chain(self.rest)
            .map(|part| match part {
                PromptPart::File(id) | PromptPart::Unread(id) => id,
                other => {
                    let mut out = String::with_capacity(part_text(&other).len() + 8);
                    write_part(&mut out, &other);
                    Cow::Owned(out)
                }
            })
            .collect()
    }
}

fn part_text<'p>(part: &'p PromptPart<'_>) -> &'p str {
    match part {
        PromptPart::Tts(t)
        | PromptPart::Ssml(t)
        | PromptPart::Href(t)
        | PromptPart::File(t)
        | PromptPart::Unread(t) => t,
    }
}

fn write_part(out: &mut String, part: &PromptPart<'_>) {
    let (open, text) = match part {
        PromptPart::Tts(text) => ("#tts[", text),
        PromptPart::Ssml(ssml) => ("#ssml[", ssml),
        PromptPart::Href(url) => ("#href[", url),
        PromptPart::File(id) | PromptPart::Unread(id) => return out.push_str(id),
    };
    out.push_str(open);
    out.push_str(text);
    out.push(']');
}

impl<'a> From<&'a str> for Prompt<'a> {
    /// Plain text is spoken; prompt syntax (`#tts[..]`, `#ssml[..]`, `#href[..]`, `;`-joined)
    /// is read as the platform reads it.
    fn from(text: &'a str) -> Self {
        match read_syntax(text) {
            Some(prompt) => prompt,
            None => Prompt::tts(text),
        }
    }
}

impl From<String> for Prompt<'_> {
    /// Plain text is spoken; prompt syntax is read as the platform reads it.
    fn from(text: String) -> Self {
        match read_syntax(&text) {
            Some(prompt) => prompt.into_owned(),
            None => Prompt::tts(text),
        }
    }
}

impl Prompt<'_> {
    fn into_owned(self) -> Prompt<'static> {
        let own = |part: PromptPart<'_>| match part {
            PromptPart::Tts(t) => PromptPart::Tts(Cow::Owned(t.into_owned())),
            PromptPart::Ssml(t) => PromptPart::Ssml(Cow::Owned(t.into_owned())),
            PromptPart::Href(t) => PromptPart::Href(Cow::Owned(t.into_owned())),
            PromptPart::File(t) => PromptPart::File(Cow::Owned(t.into_owned())),
            PromptPart::Unread(t) => PromptPart::Unread(Cow::Owned(t.into_owned())),
        };
        Prompt {
            first: own(self.first),
            rest: self.rest.into_iter().map(own).collect(),
        }
    }
}

const OPENERS: [&str; 3] = ["#tts[", "#ssml[", "#href["];

/// `text` as a prompt list, when any of its `;`-joined parts is bracketed prompt syntax.
fn read_syntax(text: &str) -> Option<Prompt<'_>> {
    let bracketed = |part: &str| OPENERS.iter().any(|o| has_prefix(part.trim(), o));
    let bare_url = |part: &str| {
        (has_prefix(part, "http://") || has_prefix(part, "https://"))
            && !part.contains(char::is_whitespace)
    };
    if !split_chain(text).any(|part| bracketed(part) || bare_url(part)) {
        return None;
    }
    let mut parts = split_chain(text);
    let first = read_part(parts.next()?);
    Some(Prompt {
        first,
        rest: parts.map(read_part).collect(),
    })
}

fn read_part(part: &str) -> PromptPart<'_> {
    let trimmed = part.trim();
    for opener in OPENERS {
        if has_prefix(trimmed, opener) {
            let Some(inner) = trimmed[opener.len()..].strip_suffix(']') else {
                return PromptPart::Unread(Cow::Borrowed(part));
            };
            if part != trimmed {
                return PromptPart::Unread(Cow::Borrowed(part));
            }
            let inner = Cow::Borrowed(inner);
            return match opener {
                "#tts[" => PromptPart::Tts(inner),
                "#ssml[" => PromptPart::Ssml(inner),
                _ => PromptPart::Href(inner),
            };
        }
    }
    if part != trimmed || part.contains(['[', ']', '#']) {
        PromptPart::Unread(Cow::Borrowed(part))
    } else if has_prefix(part, "http://") || has_prefix(part, "https://") {
        // A bare URL plays as `#href[..]` does.
        PromptPart::Href(Cow::Borrowed(part))
    } else {
        PromptPart::File(Cow::Borrowed(part))
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
/// anything: TTS/SSML text over `max_chars`, a `]` that would end the bracket early, or a `[`
/// in TTS text (the platform has no escape for either).
pub(crate) fn check_prompt(part: &str, max_chars: usize) -> Option<String> {
    let part = part.trim();
    for prefix in OPENERS {
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
            if prefix == "#tts[" && has_byte(inner, b'[') {
                return Some(
                    "a '[' inside #tts[..] cannot be sent: the platform has no escape for brackets"
                        .into(),
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

/// What is wrong with a prompt field (`mainPrompt`, `introPrompt`, a callout's `prompts`):
/// each part as [`check_prompt`] sees it and, when there are several, a `;` in TTS text
/// (the platform splits the field at `;`). Allocates nothing when all is well.
pub(crate) fn field_problems(prompt: &str, max_chars: usize) -> Vec<String> {
    // A single prompt (no `;`, the common case) is checked as it is.
    if !has_byte(prompt, b';') {
        return check_prompt(prompt, max_chars).into_iter().collect();
    }
    let parts: Vec<&str> = split_chain(prompt).collect();
    let chained = parts.len() > 1;
    let mut problems = Vec::new();
    for part in parts {
        if let Some(problem) = check_prompt(part, max_chars) {
            problems.push(problem);
        } else if chained && has_prefix(part.trim(), "#tts[") && has_byte(part, b';') {
            problems.push(
                "a ';' inside #tts[..] of a ;-joined prompt would split it: use ',' or one prompt"
                    .into(),
            );
        }
    }
    problems
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
    fn prompts_render_as_given() {
        assert_eq!(Prompt::tts("Hello").render(), "#tts[Hello]");
        assert_eq!(Prompt::file("welcome").render(), "welcome");
        let chain = Prompt::tts("Press 1, or 2 now")
            .then(Prompt::href("https://x/y.mp3"))
            .then(Prompt::ssml("<speak>Bye &amp; thanks</speak>"));
        assert_eq!(
            chain.clone().render(),
            "#tts[Press 1, or 2 now];#href[https://x/y.mp3];#ssml[<speak>Bye &amp; thanks</speak>]"
        );
        assert_eq!(
            chain.into_parts(),
            vec![
                "#tts[Press 1, or 2 now]",
                "#href[https://x/y.mp3]",
                "#ssml[<speak>Bye &amp; thanks</speak>]"
            ]
        );
        // Text the platform cannot carry is sent as written, so that checking refuses it.
        assert_eq!(
            Prompt::tts("Press [1] to confirm.").render(),
            "#tts[Press [1] to confirm.]"
        );
        assert_eq!(
            Prompt::tts("a; b").then(Prompt::file("x")).render(),
            "#tts[a; b];x"
        );
    }

    #[test]
    fn prompt_syntax_in_a_string_is_kept_as_the_platform_reads_it() {
        for written in [
            "#tts[Press 1 to confirm.]",
            "#TTS[Press 1 to confirm.]",
            "#ssml[<speak>Hi &amp; bye</speak>]",
            "#href[https://x/y.mp3]",
            "#tts[Hello];#href[https://x/y.mp3];welcome",
            "welcome;#tts[Hi]",
            "#tts[Hi]; #tts[spaced]",
            "#tts[open",
            "#tts[a]b]",
        ] {
            assert_eq!(
                Prompt::from(written).render().to_lowercase(),
                written.to_lowercase(),
                "{written}"
            );
            assert_eq!(
                Prompt::from(written.to_string()).render().to_lowercase(),
                written.to_lowercase()
            );
        }
        let parts: Vec<PromptPart<'_>> = Prompt::from("welcome;#tts[Hi];https://x/y.mp3")
            .parts()
            .cloned()
            .collect();
        assert_eq!(
            parts,
            vec![
                PromptPart::File("welcome".into()),
                PromptPart::Tts("Hi".into()),
                PromptPart::Href("https://x/y.mp3".into()),
            ]
        );
        assert_eq!(
            Prompt::from("https://x/y.mp3").render(),
            "#href[https://x/y.mp3]"
        );
        assert!(matches!(
            Prompt::from("#tts[open").parts().next(),
            Some(PromptPart::Unread(_))
        ));
        // Plain text, even with a '#', is spoken.
        assert_eq!(
            Prompt::from("Press # to end").render(),
            "#tts[Press # to end]"
        );
        assert_eq!(Prompt::from("welcome").render(), "#tts[welcome]");
    }

    #[test]
    fn a_field_refuses_what_the_platform_cannot_read() {
        let refused = |p: &str| field_problems(p, 600);
        assert!(refused("#tts[Press 1.]").is_empty());
        assert!(
            refused("#tts[a; b]").is_empty(),
            "one prompt: nothing splits it"
        );
        assert!(refused("#ssml[<speak>a &amp; b</speak>];welcome").is_empty());
        assert_eq!(refused("#tts[Press [1] to confirm.]").len(), 1);
        assert_eq!(refused("#tts[Press [1 to confirm.]").len(), 1);
        assert!(refused("#tts[a; b];welcome")[0].contains("';'"));
        assert_eq!(refused("#tts[a]b];#tts[open").len(), 2);
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
