//! `cargo xtask regenerate` as a maintainer runs it: the real binary, real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the xtask binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_passes_on_the_unchanged_tree() {
    let out = xtask(&["regenerate", "--check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn check_against_a_changed_spec_exits_1_with_a_diff_naming_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(root().join("spec/sinch-voice.openapi.yaml")).unwrap();
    // The vendor's getCalloutResponseObj, which the corrections name CalloutResponse.
    let anchor = "    getCalloutResponseObj:\n      type: object\n      description: The returned call ID.\n      properties:\n";
    assert!(spec.contains(anchor));
    let changed = spec.replace(
        anchor,
        &format!("{anchor}        queuePosition:\n          type: integer\n          description: Place in the dial queue\n"),
    );
    let copy = dir.path().join("spec.yaml");
    std::fs::write(&copy, changed).unwrap();

    let generated_before = std::fs::read(root().join("generated/src/lib.rs")).unwrap();
    let out = xtask(&["regenerate", "--check", "--spec", copy.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("--- a/generated/src/lib.rs"), "{stdout}");
    assert!(stdout.contains("+++ b/generated/src/lib.rs"), "{stdout}");
    assert!(
        stdout.contains("--- a/spec/effective/sinch-voice.openapi.json"),
        "{stdout}"
    );
    let added: Vec<&str> = stdout.lines().filter(|l| l.starts_with('+')).collect();
    assert!(
        added.iter().any(|l| l.contains("pub queue_position:")),
        "{stdout}"
    );
    assert!(
        added.iter().any(|l| l.contains("\"queuePosition\"")),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("cargo xtask regenerate"));
    // --check writes nothing.
    assert_eq!(
        std::fs::read(root().join("generated/src/lib.rs")).unwrap(),
        generated_before
    );
}

#[test]
fn a_dead_overlay_target_fails_naming_the_action() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(root().join("spec/sinch-voice.openapi.yaml")).unwrap();
    let changed = spec.replace(
        "    manageConferenceParticipantRequest:\n",
        "    participantCommand:\n",
    );
    let copy = dir.path().join("spec.yaml");
    std::fs::write(&copy, changed).unwrap();
    let out_dir = dir.path().join("out");

    let out = xtask(&[
        "regenerate",
        "--spec",
        copy.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(stdout.contains("spec/corrections.yaml"), "{stdout}");
    assert!(
        stdout.contains("$.components.schemas.manageConferenceParticipantRequest"),
        "{stdout}"
    );
    assert!(
        stdout.contains("in-place correction of manageConferenceParticipantRequest"),
        "{stdout}"
    );
    // Nothing half-written.
    assert!(!out_dir.exists());
}

#[test]
fn a_malformed_spec_writes_nothing_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("broken.yaml");
    std::fs::write(&copy, "openapi: 3.1.0\npaths:\n  /a: [\n").unwrap();
    let out_dir = dir.path().join("out");
    let out = xtask(&[
        "regenerate",
        "--spec",
        copy.to_str().unwrap(),
        "--corrections",
        "none",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.yaml"), "{stderr}");
    assert!(stderr.contains("line"), "{stderr}");
    assert!(!out_dir.exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(xtask(&["regenerate", "--spec"]).status.code(), Some(2));
    assert_eq!(
        xtask(&["regenerate", "--frobnicate"]).status.code(),
        Some(2)
    );
    assert_eq!(xtask(&["bogus"]).status.code(), Some(2));
}

/// Generates a trial crate from `spec` and runs `cargo check` on it with the workspace's lock
/// file and a target directory of its own (shared by the trials); not offline, so an empty
/// cargo cache passes too.
fn generate_and_check(spec: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = xtask(&[
        "regenerate",
        "--spec",
        spec,
        "--corrections",
        "none",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let manifest = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("progenitor-client = \"=0.15.1\""),
        "{manifest}"
    );
    assert!(manifest.contains("[workspace]"), "{manifest}");
    std::fs::copy(root().join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let check = Command::new(cargo)
        .args(["check", "--quiet"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root().join("target/trial-crates"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "cargo check of the crate generated from {spec} failed:\n{}",
        text(&check.stderr)
    );
}

#[test]
fn the_third_party_vendor_spec_generates_a_crate_that_compiles() {
    generate_and_check(&data(
        "vendor-openapi/ballerina-sinch-voice-openapi-2021.yaml",
    ));
}

#[test]
fn a_spec_full_of_31_constructs_generates_a_crate_that_compiles() {
    generate_and_check(&data("constructs-3.1.yaml"));
}

/// The maintainer's view of a new vendor spec: beside the diff, what it changes in the API and
/// every correction it leaves without a target.
#[test]
fn check_against_a_new_spec_names_the_removed_operation_the_retyped_field_and_every_dead_correction()
 {
    let spec = std::fs::read_to_string(root().join("spec/sinch-voice.openapi.yaml")).unwrap();
    let start = spec.find("  /calling/v1/callouts:\n").unwrap();
    let end = spec.find("  /calling/v1/calls/id/{callId}:\n").unwrap();
    let changed = format!("{}{}", &spec[..start], &spec[end..]);
    // The vendor's getCalloutResponseObj (CalloutResponse here): the corrections change only
    // its description, so the vendor's new type reaches the client.
    let retyped = "        callId:\n          type: string\n          description: The returned call identifier.";
    assert!(changed.contains(retyped));
    let changed = changed.replace(retyped, &retyped.replace("type: string", "type: integer"));
    // getCallResponseObj (CallInformation) loses the timestamp a correction retypes.
    let timestamp = "        timestamp:\n          type: string\n          format: date-time\n          description: The date and time of the call.\n";
    assert!(changed.contains(timestamp));
    let changed = changed.replace(timestamp, "");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("spec.yaml");
    std::fs::write(&copy, changed).unwrap();

    let out = xtask(&["regenerate", "--check", "--spec", copy.to_str().unwrap()]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("--- a/generated/src/lib.rs"), "{stdout}");
    assert!(
        stdout.contains("removed operation POST /calling/v1/callouts (createCallout)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("retyped field CalloutResponse.callId: string → integer [MAJOR]"),
        "{stdout}"
    );
    assert!(stdout.contains("semver: MAJOR"), "{stdout}");
    assert!(stdout.contains("4 corrections match nothing"), "{stdout}");
    for target in [
        "$.paths['/calling/v1/callouts'].post.responses",
        "$.paths['/calling/v1/callouts'].post,",
        "$.components.schemas.getCallResponseObj.properties.timestamp",
    ] {
        assert!(stdout.contains(target), "{target} missing:\n{stdout}");
    }
}

/// A property the vendor adds inside a schema our corrections remove whole (its fields folded
/// into ours) is not lost without a word: the removal no longer removes what was reviewed.
#[test]
fn a_vendor_change_inside_a_removed_schema_is_a_stale_correction() {
    let spec = std::fs::read_to_string(root().join("spec/sinch-voice.openapi.yaml")).unwrap();
    let anchor = "    calloutRequestBase:\n      type: object\n      properties:\n";
    assert!(spec.contains(anchor));
    let changed = spec.replace(
        anchor,
        &format!("{anchor}        fooBar:\n          type: string\n"),
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("spec.yaml");
    std::fs::write(&copy, changed).unwrap();
    let out = xtask(&["regenerate", "--check", "--spec", copy.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("removes $.components.schemas.calloutRequestBase, which the vendor changed since it was reviewed"),
        "{stdout}"
    );
    // Only that correction: the rest still fit.
    assert!(
        stdout.contains(": 1 corrections match nothing in the spec or not what was reviewed"),
        "{stdout}"
    );
}

#[test]
fn bad_documents_are_named_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body, expected) in [
        (
            "swagger.yaml",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "Swagger 2.0",
        ),
        (
            "v32.yaml",
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "OpenAPI 3.2.0 is not supported",
        ),
        (
            "other.json",
            "{\"asyncapi\": \"2.6.0\", \"channels\": {}}",
            "not an OpenAPI document",
        ),
        ("list.yaml", "- 1\n- 2\n", "expected a mapping"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let out_dir = dir.path().join("out");
        let out = xtask(&[
            "regenerate",
            "--spec",
            path.to_str().unwrap(),
            "--corrections",
            "none",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.lines().count() <= 3, "{name}: {stderr}");
        assert!(!out_dir.exists());
    }
}

/// One synthetic spec per normalisation pass (xtask/tests/data/passes/): each one makes its
/// pass act (the log says so), and all the crates generated from them compile.
#[test]
fn every_normalisation_pass_has_a_spec_whose_crate_compiles() {
    let passes = [
        ("version", "[version]"),
        ("webhooks", "[webhooks]"),
        ("defs", "[defs]"),
        ("refs", "[refs]"),
        ("schemas", "[schemas]"),
        ("enums", "[enums]"),
        ("operation-ids", "[operation-ids]"),
        ("media", "[media]"),
        ("responses", "[responses]"),
        ("params", "dropped parameter"),
        ("names", "[names]"),
        ("schema-names", "[schema-names]"),
        ("runtime-futures", "wrote"),
        ("runtime-base64", "wrote"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (pass, marker) in passes {
        let spec = data(&format!("passes/{pass}.yaml"));
        let out = xtask(&[
            "regenerate",
            "--spec",
            &spec,
            "--corrections",
            "none",
            "--skip-unsupported",
            "--verbose",
            "--out",
            dir.path().join(pass).to_str().unwrap(),
        ]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{pass}: {}", text(&out.stderr));
        assert!(stdout.contains(marker), "{pass}: no {marker} in\n{stdout}");
    }
    // The optional crates come from the generated code, so the trial manifests list them.
    let manifest =
        |pass: &str| std::fs::read_to_string(dir.path().join(pass).join("Cargo.toml")).unwrap();
    assert!(manifest("runtime-futures").contains("[dependencies.futures]"));
    assert!(manifest("runtime-base64").contains("base64 ="));
    assert!(manifest("runtime-base64").contains("rand ="));
    assert!(!manifest("version").contains("futures"));
    let listed = std::fs::read_dir(root().join("xtask/tests/data/passes"))
        .unwrap()
        .count();
    assert_eq!(
        listed,
        passes.len(),
        "a spec in passes/ is not in this test"
    );

    let out = xtask(&["check-fixtures", "--passes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("cargo check of 14 generated crates: ok"));
}

#[test]
fn a_new_vendor_spec_shows_stale_corrections_then_the_api_diff_and_exits_nonzero() {
    // A different text of the same API: a 2021 third-party spec (provenance beside it).
    let spec = std::path::PathBuf::from(data(
        "vendor-openapi/ballerina-sinch-voice-openapi-2021.yaml",
    ));
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("trial");
    for extra in [
        &["--check"][..],
        &["--out", out_dir.to_str().unwrap()][..],
        &[][..],
    ] {
        let mut args = vec!["regenerate", "--spec", spec.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = xtask(&args);
        let stdout = text(&out.stdout);
        assert_ne!(out.status.code(), Some(0), "{extra:?}: {stdout}");
        let stale = stdout
            .find("corrections match nothing")
            .expect("the stale list");
        let first_action = stdout.find("  action ").expect("each stale correction");
        let api = stdout.find("\nAPI: ").expect("the API summary");
        let verdict = stdout.find("\nsemver: ").expect("the semver verdict");
        assert!(
            stale < first_action && first_action < api && api < verdict,
            "{extra:?}: {stdout}"
        );
        // Each stale correction is listed with its description.
        assert!(
            stdout.contains("(\"(was 3) The call id is checked with the CallId rule"),
            "{stdout}"
        );
    }
    assert!(
        !out_dir.exists(),
        "nothing is written while corrections are stale"
    );
}
