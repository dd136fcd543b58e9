//! What a call heard and did, one entry per line of its transcript.

use std::fmt;

/// One line of a call's transcript: what was said, played, pressed or heard, and where the
/// call went, in the order it happened ([`CallSnapshot::transcript`](crate::CallSnapshot)).
///
/// Match on the variant to assert on the parts; [`Display`](fmt::Display) gives the line the
/// control API (`GET /_emulator/v1/calls/{id}`, `transcript`), the `transcript` event of
/// `GET /_emulator/v1/events` and the web console show. Those lines are, per variant
/// (`UPPER` stands for the field):
///
/// | variant | line |
/// |---|---|
/// | [`Say`](Self::Say) | `say (LOCALE): TEXT`, or `say: TEXT` without a locale |
/// | [`Play`](Self::Play) | `play (LOCALE): PROMPT`, or `play: PROMPT` without a locale |
/// | [`Hold`](Self::Hold) | `hold: PROMPT` |
/// | [`Keys`](Self::Keys) | `keys: KEYS` |
/// | [`KeysIgnored`](Self::KeysIgnored) | `keys ignored: KEYS` |
/// | [`Heard`](Self::Heard) | `heard: TEXT` |
/// | [`SpeechIgnored`](Self::SpeechIgnored) | `speech ignored: TEXT` |
/// | [`Dtmf`](Self::Dtmf) | `dtmf: TONES` |
/// | [`RecordingStarted`](Self::RecordingStarted) | `recording started` |
/// | [`RecordingStopped`](Self::RecordingStopped) | `recording stopped` |
/// | [`Callout`](Self::Callout) | `callout to TO (locale LOCALE)` |
/// | [`Connecting`](Self::Connecting) | `connecting to ENDPOINT (leg LEG)` |
/// | [`Connected`](Self::Connected) | `connected to ENDPOINT` |
/// | [`JoinedConference`](Self::JoinedConference) | `joined conference CONFERENCE` |
/// | [`ErrorPrompt`](Self::ErrorPrompt) | `error prompt: the call cannot be completed` |
///
/// ```
/// use sinch_voice_emulator::TranscriptEntry;
///
/// let entry = TranscriptEntry::Say {
///     locale: Some("en-US".into()),
///     text: "Welcome.".into(),
/// };
/// assert_eq!(entry.to_string(), "say (en-US): Welcome.");
/// assert_eq!(TranscriptEntry::Keys { keys: "12#".into() }.to_string(), "keys: 12#");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TranscriptEntry {
    /// A `say` instruction, or the text of a TTS (or a conference callout's greeting).
    Say {
        /// The locale, when the instruction gave one (callouts always do).
        locale: Option<String>,
        /// The words.
        text: String,
    },
    /// A prompt played: a menu's prompt, a `playFiles` id, a park's intro prompt.
    Play {
        /// The menu's locale, when it gave one.
        locale: Option<String>,
        /// The prompt as written (`#tts[...]`, `#ssml[...]`, a file id or URL).
        prompt: String,
    },
    /// A park's hold prompt, repeated while the call waits.
    Hold {
        /// The prompt as written.
        prompt: String,
    },
    /// The caller pressed keys during a menu.
    Keys {
        /// The keys, in order.
        keys: String,
    },
    /// The caller pressed keys while no menu listened.
    KeysIgnored {
        /// The keys, in order.
        keys: String,
    },
    /// An `enableVoice` menu heard the caller speak.
    Heard {
        /// What was said.
        text: String,
    },
    /// The caller spoke while nothing listened for speech.
    SpeechIgnored {
        /// What was said.
        text: String,
    },
    /// A `sendDtmf` instruction: the application sent tones.
    Dtmf {
        /// The tones (`0`-`9`, `#`, `w`).
        tones: String,
    },
    /// A `startRecording` instruction.
    RecordingStarted,
    /// A `stopRecording` instruction.
    RecordingStopped,
    /// A callout was placed (its first line).
    Callout {
        /// Who is called.
        to: String,
        /// The callout's locale (`en-US` when it gave none).
        locale: String,
    },
    /// A connect action is dialling a second leg.
    Connecting {
        /// Who the leg calls.
        endpoint: String,
        /// The leg's call id.
        leg: String,
    },
    /// A custom callout's connect action was answered: the call itself reached `endpoint`.
    Connected {
        /// Who answered.
        endpoint: String,
    },
    /// The call joined a conference.
    JoinedConference {
        /// The conference id.
        conference: String,
    },
    /// The platform's error prompt, played when the application's answer was unusable.
    ErrorPrompt,
}

impl TranscriptEntry {
    /// The words of a [`Say`](Self::Say), `None` for any other entry.
    pub fn said(&self) -> Option<&str> {
        match self {
            TranscriptEntry::Say { text, .. } => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for TranscriptEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TranscriptEntry::Say {
                locale: Some(locale),
                text,
            } => write!(f, "say ({locale}): {text}"),
            TranscriptEntry::Say { locale: None, text } => write!(f, "say: {text}"),
            TranscriptEntry::Play {
                locale: Some(locale),
                prompt,
            } => write!(f, "play ({locale}): {prompt}"),
            TranscriptEntry::Play {
                locale: None,
                prompt,
            } => write!(f, "play: {prompt}"),
            TranscriptEntry::Hold { prompt } => write!(f, "hold: {prompt}"),
            TranscriptEntry::Keys { keys } => write!(f, "keys: {keys}"),
            TranscriptEntry::KeysIgnored { keys } => write!(f, "keys ignored: {keys}"),
            TranscriptEntry::Heard { text } => write!(f, "heard: {text}"),
            TranscriptEntry::SpeechIgnored { text } => write!(f, "speech ignored: {text}"),
            TranscriptEntry::Dtmf { tones } => write!(f, "dtmf: {tones}"),
            TranscriptEntry::RecordingStarted => f.write_str("recording started"),
            TranscriptEntry::RecordingStopped => f.write_str("recording stopped"),
            TranscriptEntry::Callout { to, locale } => {
                write!(f, "callout to {to} (locale {locale})")
            }
            TranscriptEntry::Connecting { endpoint, leg } => {
                write!(f, "connecting to {endpoint} (leg {leg})")
            }
            TranscriptEntry::Connected { endpoint } => write!(f, "connected to {endpoint}"),
            TranscriptEntry::JoinedConference { conference } => {
                write!(f, "joined conference {conference}")
            }
            TranscriptEntry::ErrorPrompt => {
                f.write_str("error prompt: the call cannot be completed")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TranscriptEntry::*;

    #[test]
    fn every_variant_displays_as_documented() {
        let s = |t: &str| t.to_string();
        for (entry, line) in [
            (
                Say {
                    locale: Some(s("en-US")),
                    text: s("Hi."),
                },
                "say (en-US): Hi.",
            ),
            (
                Say {
                    locale: None,
                    text: s("Hi."),
                },
                "say: Hi.",
            ),
            (
                Play {
                    locale: Some(s("sv-SE")),
                    prompt: s("#tts[Hej]"),
                },
                "play (sv-SE): #tts[Hej]",
            ),
            (
                Play {
                    locale: None,
                    prompt: s("welcome.wav"),
                },
                "play: welcome.wav",
            ),
            (Hold { prompt: s("moh") }, "hold: moh"),
            (Keys { keys: s("12") }, "keys: 12"),
            (KeysIgnored { keys: s("3") }, "keys ignored: 3"),
            (Heard { text: s("sales") }, "heard: sales"),
            (SpeechIgnored { text: s("hello") }, "speech ignored: hello"),
            (Dtmf { tones: s("1w2") }, "dtmf: 1w2"),
            (RecordingStarted, "recording started"),
            (RecordingStopped, "recording stopped"),
            (
                Callout {
                    to: s("+46700000001"),
                    locale: s("en-US"),
                },
                "callout to +46700000001 (locale en-US)",
            ),
            (
                Connecting {
                    endpoint: s("+46700000002"),
                    leg: s("abc"),
                },
                "connecting to +46700000002 (leg abc)",
            ),
            (
                Connected {
                    endpoint: s("+46700000002"),
                },
                "connected to +46700000002",
            ),
            (
                JoinedConference {
                    conference: s("sales"),
                },
                "joined conference sales",
            ),
            (ErrorPrompt, "error prompt: the call cannot be completed"),
        ] {
            assert_eq!(entry.to_string(), line, "{entry:?}");
        }
    }
}
