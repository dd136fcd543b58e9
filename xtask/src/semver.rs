//! `cargo xtask semver-agreement`: does the verdict `regenerate --spec` prints agree with
//! `cargo semver-checks` on the two generated crates?
//!
//! For each kind of spec change the verdict must get right, the workspace's spec is changed
//! in a scratch copy (Overlay actions after our corrections), both the unchanged and the
//! changed spec are generated into standalone crates, and `cargo semver-checks check-release`
//! judges the pair. One line per case, then a table; exit 1 on any disagreement.
//! Not in CI: cargo-semver-checks takes minutes to install and a rustdoc build per crate.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sinch_voice_codegen::{Input, Output, Source, generate};

use crate::regenerate::{crate_manifest, root};

/// `cargo xtask semver-agreement`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Where the crates are written and built (kept afterwards); a temporary directory under
    /// target/ by default.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Only the cases whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    only: Option<String>,
}

/// A spec change, as Overlay actions appended to `spec/corrections.yaml` (targets are the
/// vendor's nodes, as a vendor edit would change them), and the change the
/// API summary must list for it (so a case that silently changes nothing fails).
struct Case {
    name: &'static str,
    actions: &'static str,
    expect: &'static str,
}

const CASES: [Case; 5] = [
    Case {
        name: "optional field added",
        actions: r#"
  - target: $.components.schemas.ttsCallout.properties
    description: semver case, an optional request property.
    update:
      fooBar:
        type: string
"#,
        expect: "setter requests::TtsCallout::foo_bar(..) added",
    },
    Case {
        name: "field removed",
        actions: r#"
  - target: $.components.schemas.getCallResponseObj.properties.custom
    description: semver case, an answer property removed.
    remove: true
"#,
        expect: "field CallInformation.custom removed",
    },
    Case {
        name: "optional field made required",
        actions: r#"
  - target: $.components.schemas.ttsCallout.required
    description: semver case, an optional request property made required.
    update: locale
"#,
        expect: "`locale` of requests::TtsCallout becomes a constructor argument",
    },
    Case {
        name: "enum value added",
        actions: r#"
  - target: $.components.schemas.CallStatus.enum
    description: semver case, an enum value.
    update: QUEUED
"#,
        expect: "variant CallStatus::Queued added",
    },
    Case {
        name: "operation removed",
        actions: r#"
  - target: $.paths['/v1/calling/query/number/{number}']
    description: semver case, an operation removed.
    remove: true
"#,
        expect: "method Client::query_number removed",
    },
];

pub fn run(options: &Options) -> ExitCode {
    match run_inner(options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("semver-agreement: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(options: &Options) -> Result<bool, String> {
    let root = root();
    let installed = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output();
    match installed {
        Ok(out) if out.status.success() => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
        _ => {
            return Err(
                "cargo-semver-checks is not installed: cargo install cargo-semver-checks --locked"
                    .into(),
            );
        }
    }
    let dir = options
        .dir
        .clone()
        .unwrap_or_else(|| root.join("target/semver-agreement"));
    let read = |p: &str| fs::read_to_string(root.join(p)).map_err(|e| format!("{p}: {e}"));
    let spec = read("spec/sinch-voice.openapi.yaml")?;
    let corrections = read("spec/corrections.yaml")?;

    let base = generated(&spec, &corrections)?;
    write_crate(&root, &dir.join("base"), &base)?;
    let mut rows = Vec::new();
    let mut all_agree = true;
    for case in CASES.iter().filter(|c| {
        options
            .only
            .as_ref()
            .is_none_or(|o| c.name.contains(o.as_str()))
    }) {
        let changed = generated(&spec, &(corrections.clone() + case.actions))?;
        let summary =
            sinch_voice_codegen::api_summary(&base.effective_spec, &changed.effective_spec)?;
        let listed = summary.changes.iter().any(|c| {
            c.user
                .iter()
                .any(|u| u == case.expect || u.contains(case.expect))
        });
        if !listed {
            return Err(format!(
                "case {:?}: the API summary does not list {:?}; the case's change did not apply:\n{summary}",
                case.name, case.expect
            ));
        }
        let ours = if summary.is_breaking() {
            "major"
        } else {
            "minor"
        };
        let case_dir = dir.join(case.name.replace(' ', "-"));
        write_crate(&root, &case_dir, &changed)?;
        let (theirs, lints) = semver_checks(&dir.join("base"), &case_dir, &dir.join("target"))?;
        let agree = ours == theirs;
        all_agree &= agree;
        println!(
            "{}: ours {ours}, cargo-semver-checks {theirs} ({}){}",
            case.name,
            if lints.is_empty() {
                "no lint".to_string()
            } else {
                lints.join(", ")
            },
            if agree { "" } else { "  DISAGREE" }
        );
        print!("{summary}");
        rows.push((case.name, ours, theirs, lints));
    }
    let mut table = String::from(
        "\n| change | regenerate's verdict | cargo semver-checks | its lints |\n|---|---|---|---|\n",
    );
    for (name, ours, theirs, lints) in &rows {
        let _ = writeln!(
            table,
            "| {name} | {ours} | {theirs} | {} |",
            lints.join(", ")
        );
    }
    print!("{table}");
    println!(
        "{}",
        if all_agree {
            "the verdicts agree"
        } else {
            "the verdicts DISAGREE"
        }
    );
    Ok(all_agree)
}

fn generated(spec: &str, corrections: &str) -> Result<Output, String> {
    generate(&Input {
        spec: Source {
            name: "spec/sinch-voice.openapi.yaml",
            text: spec,
        },
        corrections: Some(Source {
            name: "spec/corrections.yaml",
            text: corrections,
        }),
        crate_name: "sinch_voice_raw",
        options: Default::default(),
    })
    .map_err(|e| e.to_string())
}

/// A standalone `sinch-voice-raw` 1.0.0 (both crates the same name and version, so the
/// verdict is what the change needs, not what a version bump allows), built with the
/// workspace's lockfile.
fn write_crate(root: &Path, dir: &Path, output: &Output) -> Result<(), String> {
    let manifest = crate_manifest(root, &output.needs, "sinch-voice-raw", true, false)?
        .replace("version = \"0.0.0\"", "version = \"1.0.0\"");
    fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/lib.rs"), &output.client)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok(())
}

/// cargo-semver-checks' verdict (`major` when a major-level lint fails) and the lints.
fn semver_checks(
    base: &Path,
    current: &Path,
    target: &Path,
) -> Result<(&'static str, Vec<String>), String> {
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .arg("--manifest-path")
        .arg(current.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(base)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("cargo semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // `--- failure LINT: description ---`, one per failed lint.
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    if text.contains("requires new major version") {
        Ok(("major", lints))
    } else if out.status.success() {
        Ok(("minor", lints))
    } else {
        Err(format!("cargo semver-checks failed:\n{text}"))
    }
}
