//! Code generation for the Sinch Voice raw client: the vendor's OpenAPI text and our Overlay
//! corrections in, the effective spec and formatted Rust source out.
//!
//! A pure function of its inputs (no I/O, no clock): the same bytes in give the same bytes
//! out, which is what lets `cargo xtask regenerate --check` detect drift.
//!
//! ```
//! use sinch_voice_codegen::{generate, Input, Source};
//!
//! let spec = r#"
//! openapi: 3.1.0
//! info: {title: Demo, version: '1'}
//! paths:
//!   /ping:
//!     get:
//!       operationId: ping
//!       responses:
//!         '204': {description: pong}
//! "#;
//! let output = generate(&Input {
//!     spec: Source { name: "demo.yaml", text: spec },
//!     corrections: None,
//!     crate_name: "demo_raw",
//!     options: Default::default(),
//! })
//! .expect("a valid spec generates");
//! assert!(output.client.starts_with("#![cfg_attr(rustfmt, rustfmt::skip)]"));
//! assert!(output.client.contains("pub fn ping(&self)"));
//! assert!(output.effective_spec.contains("\"openapi\": \"3.0.3\""));
//! ```

mod api_diff;
mod error;
mod generate;
mod load;
mod normalise;
mod overlay;
mod requests;
mod surface;

pub use api_diff::{ApiChange, ApiSummary, Impact, api_summary};
pub use error::{Error, ErrorKind};
pub use generate::{OPTIONAL_CRATES, RuntimeNeeds};
pub use normalise::{Change, Dropped, DroppedKind};
pub use overlay::{AppliedAction, DeadCorrection, REVIEWED, Staleness, node_sha256};

use sha2::{Digest, Sha256};

/// One input file: the name it is reported (and recorded in the header) under, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Repository-relative path, e.g. `spec/sinch-voice.openapi.yaml`. Goes into the
    /// generated header, so it must not depend on where the repository is checked out.
    pub name: &'a str,
    /// The file's contents.
    pub text: &'a str,
}

/// Everything generation depends on.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The vendor's OpenAPI document, YAML or JSON.
    pub spec: Source<'a>,
    /// Our Overlay 1.0 corrections, or `None` to generate from the spec as it is.
    pub corrections: Option<Source<'a>>,
    /// The Rust name of the crate the source is for (used in its doc example).
    pub crate_name: &'a str,
    /// The policy for what cannot be generated.
    pub options: Options,
}

/// What to do about what cannot be generated. The default is strict, as for the project's
/// own spec: every operation generates and every correction applies, or generation fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Leave out each operation (or type as any JSON each schema) that cannot be generated,
    /// and list it in [`Output::dropped`], instead of failing. For trials of other specs.
    pub skip_unsupported: bool,
    /// Apply the live corrections and list the dead ones in [`Output::dead_corrections`],
    /// instead of failing, so a maintainer sees all of them and what the spec changes.
    pub report_dead_corrections: bool,
}

/// What generation produces.
#[derive(Debug, Clone)]
pub struct Output {
    /// The whole `src/lib.rs` of the raw client crate, header included.
    pub client: String,
    /// The corrected and normalised spec, pretty JSON with a final newline.
    pub effective_spec: String,
    /// Optional crates the client source uses.
    pub needs: RuntimeNeeds,
    /// The corrections applied, in order, with how many nodes each matched.
    pub applied: Vec<AppliedAction>,
    /// Corrections whose target matched nothing (only with
    /// [`Options::report_dead_corrections`]; otherwise they are an error).
    pub dead_corrections: Vec<DeadCorrection>,
    /// Every rewrite normalisation made, in order, with its JSON path.
    pub changes: Vec<Change>,
    /// What was left out (only with [`Options::skip_unsupported`]).
    pub dropped: Vec<Dropped>,
    /// How many operations the client has.
    pub operations: usize,
}

/// Name the effective spec is reported under in errors about it.
pub const EFFECTIVE_SPEC: &str = "<effective spec>";

/// Loads, corrects, normalises and generates. See the crate docs.
pub fn generate(input: &Input<'_>) -> Result<Output, Error> {
    let mut spec = load::parse_document(input.spec.name, input.spec.text)?;
    let (applied, dead_corrections) = match input.corrections {
        Some(corrections) => {
            let overlay = load::parse_document(corrections.name, corrections.text)?;
            overlay::apply(
                corrections.name,
                &overlay,
                &mut spec,
                !input.options.report_dead_corrections,
            )?
        }
        None => (Vec::new(), Vec::new()),
    };
    // With dead corrections reported, a later failure is the real one: the caller lists the
    // dead corrections beside it (and may retry with `skip_unsupported` to show the diff).
    let mut report = normalise::Report::new(input.spec.name, input.options.skip_unsupported);
    normalise::normalise(&mut spec, &mut report)?;
    let effective_spec =
        serde_json::to_string_pretty(&spec).expect("a Value always serialises") + "\n";
    // From here on, paths are into the effective spec.
    report.file = EFFECTIVE_SPEC.to_string();
    normalise::for_generator(&mut spec, &mut report)?;
    let (body, needs) = generate::client_source(EFFECTIVE_SPEC, &mut spec, &mut report)?;
    let client = header(input) + &body;
    Ok(Output {
        client,
        effective_spec,
        needs,
        applied,
        dead_corrections,
        operations: normalise::operations(&spec).len(),
        changes: report.changes,
        dropped: report.dropped,
    })
}

/// Normalisation alone, without corrections and without progenitor: the effective spec of
/// `spec` (pretty JSON, as [`Output::effective_spec`]) and the changes made. Normalising its
/// own output changes nothing.
pub fn normalise(spec: &Source<'_>, options: &Options) -> Result<(String, Vec<Change>), Error> {
    let mut doc = load::parse_document(spec.name, spec.text)?;
    let mut report = normalise::Report::new(spec.name, options.skip_unsupported);
    normalise::normalise(&mut doc, &mut report)?;
    let text = serde_json::to_string_pretty(&doc).expect("a Value always serialises") + "\n";
    Ok((text, report.changes))
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn header(input: &Input<'_>) -> String {
    let describe =
        |s: &Source<'_>| format!("{} (sha256 {})", s.name, sha256_hex(s.text.as_bytes()));
    let corrections = match &input.corrections {
        Some(c) => describe(c),
        None => "none".to_string(),
    };
    let corrections_sha256 = input
        .corrections
        .as_ref()
        .map_or_else(String::new, |c| sha256_hex(c.text.as_bytes()));
    let name = input.crate_name;
    format!(
        "#![cfg_attr(rustfmt, rustfmt::skip)]\n\
         // @generated by `cargo xtask regenerate`. DO NOT EDIT: change the spec or the corrections\n\
         // and regenerate; `cargo xtask regenerate --check` fails when this file disagrees with them.\n\
         // Spec:        {spec}\n\
         // Corrections: {corrections}\n\
         //! Raw client generated by progenitor from the corrected OpenAPI spec: one builder per\n\
         //! operation, types for every schema, and [`hooks`] through which the wrapping crate signs,\n\
         //! routes, retries and traces requests.\n\
         //!\n\
         //! ```no_run\n\
         //! let hooks = {name}::hooks::Hooks::new().with_prepare(|request, info| {{\n\
         //!     request.headers_mut().remove(\"api-version\");\n\
         //!     let _ = info.operation_id;\n\
         //!     Ok(())\n\
         //! }});\n\
         //! let client = {name}::Client::new(\"http://127.0.0.1:8080\", hooks);\n\
         //! # let _ = client;\n\
         //! ```\n\
         #![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]\n\n\
         /// SHA-256 (lowercase hex) of the vendor spec this crate was generated from.\n\
         pub const SPEC_SHA256: &str = \"{spec_sha256}\";\n\
         /// SHA-256 (lowercase hex) of the corrections applied to that spec; empty when none were.\n\
         pub const CORRECTIONS_SHA256: &str = \"{corrections_sha256}\";\n\n",
        spec = describe(&input.spec),
        spec_sha256 = sha256_hex(input.spec.text.as_bytes()),
    )
}
