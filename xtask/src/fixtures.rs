//! `cargo xtask check-fixtures`: generates crates from specs that are not ours and checks that
//! they compile, with one `cargo check` over a scratch workspace (so the dependencies are built
//! once, in the caller's target directory, shared with the workspace's own builds).
//!
//! - default: the small real-world specs of the `openapiv3` package (found through
//!   `cargo metadata`, not copied), for CI;
//! - `--passes`: one synthetic spec per normalisation pass, and one per optional crate the
//!   generated code may need (`runtime-*.yaml`), in `xtask/tests/data/passes/`;
//! - `--all`: all 21 specs of the `openapiv3` package (Stripe's crate alone is 300,000 lines).
//!
//! None of them runs `--offline`: some crates need `uuid`, which the workspace's lock file
//! lacks, so a machine that never saw this workspace must resolve it from the registry.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use sinch_voice_codegen::{Input, Options as GenerateOptions, Source, generate};

use crate::regenerate::{crate_manifest, root};

/// Small enough to check in CI in seconds.
const SMALL: &[&str] = &[
    "api-with-examples.yaml",
    "callback-example.yaml",
    "forge.yaml",
    "link-example.yaml",
    "petstore.yaml",
    "petstore-expanded.yaml",
    "petstore-discriminated.yaml",
    "swagger_generator.json",
    "walmart.json",
    "xkcd.json",
];

enum Set {
    Small,
    All,
    Passes,
}

/// `cargo xtask check-fixtures`.
#[derive(Debug, clap::Args)]
#[group(multiple = false)]
pub struct Options {
    /// All 21 specs of the openapiv3 package.
    #[arg(long)]
    all: bool,
    /// One synthetic spec per normalisation pass and per optional crate the generated code
    /// may use.
    #[arg(long)]
    passes: bool,
}

pub fn run(options: &Options) -> ExitCode {
    let set = match (options.all, options.passes) {
        (true, _) => Set::All,
        (_, true) => Set::Passes,
        _ => Set::Small,
    };
    match check(set) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `fixtures/` of the openapiv3 package in the workspace's dependency graph.
fn openapiv3_fixtures(root: &Path) -> Result<PathBuf, String> {
    let out = Command::new(cargo())
        .args([
            "metadata",
            "--format-version",
            "1",
            // Not `--offline`: metadata reads every package of the lock file, more than a
            // build downloads; once it has run, the `cargo check --offline` below has them all.
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "openapiv3"))
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("cargo metadata: no openapiv3 package")?;
    Ok(Path::new(manifest)
        .parent()
        .ok_or("openapiv3 manifest has no directory")?
        .join("fixtures"))
}

fn specs(root: &Path, set: &Set) -> Result<Vec<PathBuf>, String> {
    let (dir, only): (PathBuf, Option<&[&str]>) = match set {
        Set::Small => (openapiv3_fixtures(root)?, Some(SMALL)),
        Set::All => (openapiv3_fixtures(root)?, None),
        Set::Passes => (root.join("xtask/tests/data/passes"), None),
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .filter(|p| {
            only.is_none_or(|names| {
                names.contains(&p.file_name().and_then(|n| n.to_str()).unwrap_or(""))
            })
        })
        .collect();
    out.sort();
    Ok(out)
}

fn crate_name(prefix: &str, spec: &Path) -> String {
    let stem = spec
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("spec")
        .to_ascii_lowercase();
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{cleaned}")
}

fn check(set: Set) -> Result<bool, String> {
    let root = root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let (label, prefix) = match set {
        Set::Small => ("small", "fixture"),
        Set::All => ("all", "fixture"),
        Set::Passes => ("passes", "pass"),
    };
    let scratch = target.join("check-fixtures").join(label);
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;

    let mut members = Vec::new();
    for spec in specs(&root, &set)? {
        let text =
            std::fs::read_to_string(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let name = crate_name(prefix, &spec);
        let shown = spec
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let output = generate(&Input {
            spec: Source {
                name: &shown,
                text: &text,
            },
            corrections: None,
            crate_name: &name.replace('-', "_"),
            options: GenerateOptions {
                skip_unsupported: true,
                report_dead_corrections: false,
            },
        })
        .map_err(|e| e.to_string())?;
        let dir = scratch.join(&name);
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        std::fs::write(
            dir.join("Cargo.toml"),
            crate_manifest(&root, &output.needs, &name, false, true)?,
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(dir.join("src/lib.rs"), &output.client).map_err(|e| e.to_string())?;
        println!(
            "{shown}: {} operations, {} left out, {} lines",
            output.operations,
            output.dropped.len(),
            output.client.lines().count()
        );
        members.push(name);
    }
    let listed: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask check-fixtures`; deleted and rewritten on every run.\n\
             [workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            listed.join(", ")
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))
        .map_err(|e| e.to_string())?;

    let started = Instant::now();
    let mut command = Command::new(cargo());
    command
        .args(["check", "--quiet", "--workspace"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target);
    // Not `--offline`: generated crates may need crates the workspace's lock file lacks
    // (`uuid` for link-example.yaml), which a fresh machine has never downloaded.
    let status = command.status().map_err(|e| format!("cargo check: {e}"))?;
    println!(
        "cargo check of {} generated crates: {} in {:.1} s",
        members.len(),
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    Ok(status.success())
}
