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

mod bench;
mod callback_server;
mod fixtures;
mod regenerate;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask regenerate [--check] [--spec PATH] [--corrections PATH|none] [--out DIR]
                              [--skip-unsupported] [--verbose]

  regenerate            write generated/src/lib.rs and spec/effective/ from spec/, and
                        spec/svaml.schema.json and spec/callbacks.schema.json from the
                        sinch-voice types
  --check               write nothing; exit 1 and print a unified diff if anything differs
  --spec PATH           generate from another vendor spec (default spec/sinch-voice.openapi.yaml)
  --corrections PATH    apply another overlay, or `none` (default spec/corrections.yaml)
  --out DIR             write a standalone crate (DIR/Cargo.toml, DIR/src/lib.rs,
                        DIR/effective.openapi.json) instead of the workspace's files
  --skip-unsupported    leave out what cannot be generated (each operation, optional
                        parameter or schema is listed with its JSON path and why) instead
                        of failing; for trials of other specs
  --verbose, -v         list every normalisation change with its JSON path

  First every correction whose target matches nothing (with its description), then, for a
  spec that changes the effective spec, an API summary against spec/effective/ (operations,
  schemas and fields added, removed, retyped; semver verdict), then the diff. While any
  correction is stale: exit 1 with --check, nothing written otherwise. With --spec, what
  strict generation refuses is said, and the summary comes from a lenient run.

usage: cargo xtask check-fixtures [--all | --passes]

  check-fixtures        generate the small specs of the openapiv3 package (--all: all 21;
                        --passes: one synthetic spec per normalisation pass and per
                        optional crate the generated code may use) with
                        --skip-unsupported and `cargo check` the crates, warnings denied

usage: cargo xtask bench [--only CASE,...] [--calling-url URL] [--runs N] [--callouts N] [--min-run-ms N]

  bench                 sign_request, build_svaml and callout_roundtrip (1 and 16 in flight),
                        one JSON line each
  --calling-url URL     send the callouts there (e.g. shared/peers/callout_server.mjs) instead of
                        a loopback server started in-process

usage: cargo xtask callback-server [--port N] [--wrk-script FILE]

  callback-server       serve the IVR of shared/peers/callback_server_node.mjs on CallbackRouter
                        (default port 18802), for load runs with wrk beside the Node SDK's
  --wrk-script FILE     write a wrk script POSTing the peers' signed ICE (valid 300 s) and exit
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regenerate") => match regenerate::Options::parse(&args[1..]) {
            Ok(options) => regenerate::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("check-fixtures") => fixtures::run(&args[1..]),
        Some("bench") => match bench::Options::parse(&args[1..]) {
            Ok(options) => bench::run(&args[1..], &options),
            Err(message) => usage_error(&message),
        },
        Some("callback-server") => match callback_server::Options::parse(&args[1..]) {
            Ok(options) => callback_server::run(&options),
            Err(message) => usage_error(&message),
        },
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown task `{other}`")),
        None => usage_error("no task given"),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
