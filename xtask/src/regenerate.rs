//! `cargo xtask regenerate`: run codegen, then write (atomically) or compare its outputs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sinch_voice_codegen::{Input, Output, RuntimeNeeds, Source, generate};

const SPEC: &str = "spec/sinch-voice.openapi.yaml";
const CORRECTIONS: &str = "spec/corrections.yaml";
const CLIENT: &str = "generated/src/lib.rs";
const CLIENT_MANIFEST: &str = "generated/Cargo.toml";
const EFFECTIVE: &str = "spec/effective/sinch-voice.openapi.json";
const SVAML_SCHEMA: &str = "spec/svaml.schema.json";
const CALLBACKS_SCHEMA: &str = "spec/callbacks.schema.json";
const TRIAL_CRATE: &str = "sinch-voice-raw-trial";
const TRIAL_EFFECTIVE: &str = "effective.openapi.json";

/// `cargo xtask regenerate`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Write nothing; exit 1 and print a unified diff if anything differs.
    #[arg(long)]
    check: bool,
    /// Generate from another vendor spec (default spec/sinch-voice.openapi.yaml).
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Apply another overlay, or `none` (default spec/corrections.yaml).
    #[arg(long, value_name = "PATH|none", value_parser = corrections)]
    corrections: Option<Corrections>,
    /// Write a standalone crate (DIR/Cargo.toml, DIR/src/lib.rs, DIR/effective.openapi.json)
    /// instead of the workspace's files.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Leave out what cannot be generated (each operation, optional parameter or schema is
    /// listed with its JSON path and why) instead of failing; for trials of other specs.
    #[arg(long)]
    skip_unsupported: bool,
    /// List every normalisation change with its JSON path.
    #[arg(short, long)]
    verbose: bool,
}

/// `--corrections`: an overlay file, or none at all.
#[derive(Debug, Clone)]
struct Corrections(Option<PathBuf>);

fn corrections(value: &str) -> Result<Corrections, String> {
    Ok(Corrections((value != "none").then(|| value.into())))
}

/// The workspace root, where `spec/` and `generated/` live.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

/// The name an input is recorded under: relative to the root when it is inside it, so the
/// generated header does not depend on where the repository is checked out.
fn display_name(root: &Path, path: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    match (absolute.canonicalize(), root.canonicalize()) {
        (Ok(file), Ok(root)) => match file.strip_prefix(&root) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => path.to_string_lossy().into_owned(),
        },
        _ => path.to_string_lossy().into_owned(),
    }
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

pub fn run(options: &Options) -> ExitCode {
    match run_inner(options) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(options: &Options) -> Result<ExitCode, String> {
    let root = root();
    let spec_path = options.spec.clone().unwrap_or_else(|| root.join(SPEC));
    let corrections_path = match &options.corrections {
        Some(Corrections(choice)) => choice.clone(),
        None => Some(root.join(CORRECTIONS)),
    };
    let spec_text = read(&spec_path)?;
    let spec_name = display_name(&root, &spec_path);
    let corrections = match &corrections_path {
        Some(path) => Some((display_name(&root, path), read(path)?)),
        None => None,
    };
    let crate_name = match &options.out {
        Some(_) => TRIAL_CRATE,
        None => "sinch-voice-raw",
    };
    let lib_name = crate_name.replace('-', "_");
    let input = |skip_unsupported: bool| Input {
        spec: Source {
            name: &spec_name,
            text: &spec_text,
        },
        corrections: corrections
            .as_ref()
            .map(|(name, text)| Source { name, text }),
        crate_name: &lib_name,
        options: sinch_voice_codegen::Options {
            skip_unsupported,
            // All of them are listed below, with what the spec changes, before giving up.
            report_dead_corrections: true,
        },
    };
    let mut refused = None;
    let output = match generate(&input(options.skip_unsupported)) {
        Ok(output) => output,
        // A new vendor text: show what can be shown (stale corrections, the API diff) before
        // the maintainer fixes anything, so generate leniently and say what strictness refused.
        Err(strict) if options.spec.is_some() && !options.skip_unsupported => {
            refused = Some(strict.to_string());
            generate(&input(true)).map_err(|e| e.to_string())?
        }
        Err(e) => return Err(e.to_string()),
    };
    let trial = options.spec.is_some();

    let files = match &options.out {
        Some(dir) => vec![
            (
                dir.join("Cargo.toml"),
                trial_manifest(&root, &output.needs)?,
            ),
            (dir.join("src/lib.rs"), output.client.clone()),
            (dir.join(TRIAL_EFFECTIVE), output.effective_spec.clone()),
        ],
        None => {
            if let Err(missing) = check_manifest(&root, &output.needs) {
                if !trial {
                    return Err(missing);
                }
                refused = Some(refused.map_or(missing.clone(), |r| format!("{r}\n{missing}")));
            }
            vec![
                (root.join(CLIENT), output.client.clone()),
                (root.join(EFFECTIVE), output.effective_spec.clone()),
                // From the sinch-voice types as this xtask was built with them.
                (root.join(SVAML_SCHEMA), sinch_voice::svaml::schema_json()),
                (
                    root.join(CALLBACKS_SCHEMA),
                    sinch_voice::callbacks::schema_json(),
                ),
            ]
        }
    };

    // First what a maintainer must decide on: stale corrections, then the API diff.
    let dead = what_changed(
        &root,
        &output,
        corrections.as_ref().map(|(n, _)| n.as_str()),
    );
    if let Some(refused) = &refused {
        println!(
            "not adoptable as it is (shown above with what still applies, --skip-unsupported):\n{refused}"
        );
    }
    report_generation(&output, options.verbose);
    if options.check {
        let drift = compare(&root, &files);
        return Ok(if dead { ExitCode::from(1) } else { drift });
    }
    if dead {
        return Err("nothing written: update or remove the dead corrections first".into());
    }
    for (path, contents) in &files {
        write_atomically(path, contents)?;
    }
    report(&root, &output, &files);
    Ok(ExitCode::SUCCESS)
}

fn report(root: &Path, output: &Output, files: &[(PathBuf, String)]) {
    for (path, contents) in files {
        println!(
            "wrote {} ({} lines)",
            path.strip_prefix(root).unwrap_or(path).display(),
            contents.lines().count()
        );
    }
    println!("{} corrections applied", output.applied.len());
}

/// Every correction whose target matches nothing, then what the new effective spec changes in
/// the API against the workspace's current one (`spec/effective/`, what the generated crate was
/// made from). True if any correction is stale.
fn what_changed(root: &Path, output: &Output, corrections: Option<&str>) -> bool {
    if !output.dead_corrections.is_empty() {
        println!(
            "{}: {} corrections match nothing in the spec or not what was reviewed; the vendor text changed under them (update or remove each):",
            corrections.unwrap_or("the corrections"),
            output.dead_corrections.len()
        );
        for dead in &output.dead_corrections {
            println!("  {dead}");
        }
    }
    if let Ok(previous) = fs::read_to_string(root.join(EFFECTIVE))
        && previous != output.effective_spec
    {
        match sinch_voice_codegen::api_summary(&previous, &output.effective_spec) {
            Ok(summary) => print!("{summary}"),
            Err(e) => println!("API summary unavailable: {e}"),
        }
    }
    !output.dead_corrections.is_empty()
}

/// What normalisation did (counts per pass, every warning; each change with `--verbose`) and
/// what was left out.
fn report_generation(output: &Output, verbose: bool) {
    let mut passes: Vec<(&str, usize)> = Vec::new();
    for change in &output.changes {
        match passes.iter_mut().find(|(p, _)| *p == change.pass) {
            Some((_, n)) => *n += 1,
            None => passes.push((change.pass, 1)),
        }
    }
    if !passes.is_empty() {
        let listed: Vec<String> = passes.iter().map(|(p, n)| format!("{p} {n}")).collect();
        println!(
            "normalised: {} changes ({}){}",
            output.changes.len(),
            listed.join(", "),
            if verbose {
                ""
            } else {
                "; --verbose lists them"
            }
        );
    }
    for change in &output.changes {
        if change.warning {
            println!(
                "warning: {} [{}]: {}",
                change.path, change.pass, change.what
            );
        } else if verbose {
            println!("  {} [{}]: {}", change.path, change.pass, change.what);
        }
    }
    for dropped in &output.dropped {
        println!(
            "dropped {} {}: {}",
            dropped.kind, dropped.path, dropped.reason
        );
    }
    if !output.dropped.is_empty() {
        use sinch_voice_codegen::DroppedKind;
        let count = |kind| output.dropped.iter().filter(|d| d.kind == kind).count();
        println!(
            "{} operations generated; left out: {} operations, {} optional parameters, {} schemas typed as any JSON",
            output.operations,
            count(DroppedKind::Operation),
            count(DroppedKind::Parameter),
            count(DroppedKind::Schema),
        );
    }
}

/// Prints a unified diff per differing file; exit 1 if any differs.
fn compare(root: &Path, files: &[(PathBuf, String)]) -> ExitCode {
    let mut drift = false;
    for (path, expected) in files {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let current = fs::read_to_string(path).unwrap_or_default();
        if current == *expected {
            continue;
        }
        drift = true;
        let diff = similar::TextDiff::from_lines(&current, expected);
        print!(
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("a/{shown} (on disk)"),
                &format!("b/{shown} (from spec)")
            )
        );
    }
    if drift {
        eprintln!("generated files are out of date: run `cargo xtask regenerate`");
        ExitCode::from(1)
    } else {
        println!("generated files match the spec and corrections");
        ExitCode::SUCCESS
    }
}

/// Writes beside the target, then renames over it: readers never see half a file.
fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let dir = path
        .parent()
        .ok_or_else(|| format!("{}: no parent directory", path.display()))?;
    fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    fs::write(&temp, contents).map_err(|e| format!("{}: cannot write: {e}", temp.display()))?;
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        format!("{}: cannot replace: {e}", path.display())
    })
}

/// The pinned versions of the workspace, so a trial crate builds with exactly what the real
/// raw client builds with.
fn workspace_dependencies(root: &Path) -> Result<toml::Table, String> {
    let manifest_path = root.join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(&read(&manifest_path)?)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
        .cloned()
        .ok_or_else(|| format!("{}: no [workspace.dependencies]", manifest_path.display()))
}

/// The fixed runtime plus every optional crate the source uses, as Cargo names.
fn runtime_crates(needs: &RuntimeNeeds) -> Vec<String> {
    let mut crates: Vec<String> = ["progenitor-client", "reqwest", "serde", "serde_json"]
        .map(String::from)
        .to_vec();
    crates.extend(needs.crates.iter().map(|c| c.replace('_', "-")));
    crates
}

fn trial_manifest(root: &Path, needs: &RuntimeNeeds) -> Result<String, String> {
    let manifest = crate_manifest(root, needs, TRIAL_CRATE, true, false)?;
    Ok(format!(
        "# Written by `cargo xtask regenerate --out`: a trial of another vendor spec, with the\n\
         # workspace's pinned versions. Standalone on purpose (the empty [workspace] table).\n{manifest}"
    ))
}

/// The manifest of a generated crate with the workspace's pinned versions. progenitor emits an
/// unused `use super::types` when a spec has no types and an unreachable `_` arm after a
/// `default` response, typify an unused `default_i64` helper: these lints are allowed (the
/// generated code is not ours to fix), and with `deny_warnings` every other warning is an error.
pub(crate) fn crate_manifest(
    root: &Path,
    needs: &RuntimeNeeds,
    name: &str,
    standalone: bool,
    deny_warnings: bool,
) -> Result<String, String> {
    let pinned = workspace_dependencies(root)?;
    let mut dependencies = toml::Table::new();
    for crate_name in runtime_crates(needs) {
        let spec = pinned.get(&crate_name).ok_or_else(|| {
            format!("Cargo.toml: the generated code uses `{crate_name}`, which [workspace.dependencies] does not pin")
        })?;
        let mut spec = spec.clone();
        // A crate of this workspace (sinch-voice-values) by its absolute path, so the trial
        // crate builds wherever it is written.
        if let Some(path) = spec.get_mut("path")
            && let Some(relative) = path.as_str()
        {
            *path = root.join(relative).display().to_string().into();
        }
        dependencies.insert(crate_name, spec);
    }
    let mut package = toml::Table::new();
    package.insert("name".into(), name.into());
    package.insert("version".into(), "0.0.0".into());
    package.insert("edition".into(), "2024".into());
    package.insert("publish".into(), false.into());
    let mut rust_lints = toml::Table::new();
    if deny_warnings {
        rust_lints.insert("warnings".into(), "deny".into());
    }
    rust_lints.insert("dead_code".into(), "allow".into());
    rust_lints.insert("unused_imports".into(), "allow".into());
    rust_lints.insert("unreachable_patterns".into(), "allow".into());
    let mut lints = toml::Table::new();
    lints.insert("rust".into(), rust_lints.into());
    let mut manifest = toml::Table::new();
    manifest.insert("package".into(), package.into());
    if standalone {
        manifest.insert("workspace".into(), toml::Table::new().into());
    }
    manifest.insert("dependencies".into(), dependencies.into());
    manifest.insert("lints".into(), lints.into());
    toml::to_string(&manifest).map_err(|e| e.to_string())
}

/// The workspace's raw crate lists its dependencies by hand; say so if the spec now needs one
/// it lacks, rather than leave a compile error about a missing crate.
fn check_manifest(root: &Path, needs: &RuntimeNeeds) -> Result<(), String> {
    let path = root.join(CLIENT_MANIFEST);
    let manifest: toml::Table =
        toml::from_str(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let listed = manifest.get("dependencies").and_then(|d| d.as_table());
    let missing: Vec<String> = runtime_crates(needs)
        .into_iter()
        .filter(|name| !listed.is_some_and(|l| l.contains_key(name)))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: the generated client needs {} in [dependencies]",
            path.display(),
            missing.join(", ")
        ))
    }
}
