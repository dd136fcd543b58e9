//! Maintainer tasks for the workspace, run as `cargo xtask <task>`.
//!
//! - `regenerate`: writes `generated/src/lib.rs` and `spec/effective/` from `spec/`, and
//!   `spec/svaml.schema.json` and `spec/callbacks.schema.json` from the types of `sinch-voice`.
//! - `regenerate --check`: writes nothing; exit 1 with a unified diff when they disagree.
//! - `regenerate --spec PATH --corrections PATH|none --out DIR`: a standalone trial crate.
//! - `check-fixtures [--all | --passes]`: generates crates from specs that are not ours (the
//!   small real-world specs of the `openapiv3` package; one synthetic spec per normalisation
//!   pass) and checks that they compile, with one `cargo check`.
//! - `bench`: one JSON line per benchmark case, on the peer SDK benchmarks' inputs.
//! - `callback-server`: the peers' load-test IVR on `CallbackRouter`, and its wrk script.
//! - `semver-agreement`: `regenerate`'s semver verdict beside `cargo semver-checks` on the
//!   generated crates, for five kinds of spec change.

mod bench;
mod callback_server;
mod fixtures;
mod regenerate;
mod semver;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Maintainer tasks for the workspace.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Xtask {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Write generated/src/lib.rs and spec/effective/ from spec/, and spec/svaml.schema.json
    /// and spec/callbacks.schema.json from the sinch-voice types.
    ///
    /// First every correction whose target matches nothing (with its description), then, for
    /// a spec that changes the effective spec, an API summary against spec/effective/
    /// (operations, schemas and fields added, removed, retyped; semver verdict), then the
    /// diff. While any correction is stale: exit 1 with --check, nothing written otherwise.
    /// With --spec, what strict generation refuses is said, and the summary comes from a
    /// lenient run.
    Regenerate(regenerate::Options),
    /// Generate the small specs of the openapiv3 package with --skip-unsupported and
    /// `cargo check` the crates, warnings denied.
    CheckFixtures(fixtures::Options),
    /// sign_request, build_svaml, parse/verify_callback and callout_roundtrip (1 and 16 in
    /// flight), one JSON line each, on the peer SDK benchmarks' inputs.
    Bench(bench::Options),
    /// Serve the IVR of shared/peers/callback_server_node.mjs on CallbackRouter, for load
    /// runs with wrk beside the Node SDK's.
    CallbackServer(callback_server::Options),
    /// For five spec changes (optional field added, field removed, optional field made
    /// required, enum value added, operation removed), regenerate's semver verdict beside
    /// `cargo semver-checks check-release` on the two generated crates; exit 1 if any differ.
    SemverAgreement(semver::Options),
}

fn main() -> ExitCode {
    // clap exits 2 on a usage error, as these tasks always have.
    match Xtask::parse().task {
        Task::Regenerate(options) => regenerate::run(&options),
        Task::CheckFixtures(options) => fixtures::run(&options),
        Task::Bench(options) => {
            // Handed on unchanged when the bench re-runs itself in release.
            let args: Vec<String> = std::env::args().skip(2).collect();
            bench::run(&args, &options)
        }
        Task::CallbackServer(options) => callback_server::run(&options),
        Task::SemverAgreement(options) => semver::run(&options),
    }
}
