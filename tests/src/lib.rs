//! Shared helpers for the end-to-end tests.

/// The README's examples, compiled (and where they can, run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// The crates.io READMEs' examples, the same way.
#[cfg(doctest)]
#[doc = include_str!("../../ext/README.md")]
pub struct ExtReadmeExamples;
