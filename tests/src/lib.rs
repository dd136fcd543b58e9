//! Shared helpers for the end-to-end tests.

/// The README's examples, compiled (and where they can, run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// The crates.io READMEs' examples, the same way.
#[cfg(doctest)]
#[doc = include_str!("../../ext/README.md")]
pub struct ExtReadmeExamples;

/// A reminder line, written as a newcomer writes it from the README: a router nested under
/// `/hooks`, a menu, key branches, TTS, conference and custom callouts (issue 27; its length
/// is compared with the Node SDK's 74 lines for the same service). Tested end to end in
/// `tests/reminder_service.rs`.
pub mod reminder;
