//! Publishing rules that a change can break without any other test noticing: the generated
//! crate's version moves with its source, and `rust-version` is not below what the published
//! crates' dependencies need.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn manifest(path: &str) -> toml::Table {
    read(path).parse().unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `MAJOR.MINOR.PATCH` as numbers, for ordering.
fn semver(text: &str) -> (u64, u64, u64) {
    let parts: Vec<u64> = text
        .split('.')
        .map(|p| {
            p.parse()
                .unwrap_or_else(|_| panic!("{text:?} is not MAJOR.MINOR.PATCH"))
        })
        .collect();
    assert_eq!(parts.len(), 3, "{text:?} is not MAJOR.MINOR.PATCH");
    (parts[0], parts[1], parts[2])
}

#[test]
fn the_generated_crate_has_a_new_version_whenever_its_source_changes() {
    let history: Vec<(String, String)> = read("generated/api-history.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut fields = l.split_whitespace();
            let version = fields.next().unwrap().to_string();
            let sha = fields
                .next()
                .unwrap_or_else(|| panic!("no sha256 in {l:?}"));
            (version, sha.to_string())
        })
        .collect();
    let (last_version, last_sha) = history
        .last()
        .expect("generated/api-history.txt has a line");
    for pair in history.windows(2) {
        assert!(
            semver(&pair[0].0) < semver(&pair[1].0),
            "generated/api-history.txt: {} is not above {}",
            pair[1].0,
            pair[0].0
        );
    }
    for (i, (_, sha)) in history.iter().enumerate() {
        assert!(
            history[..i].iter().all(|(_, earlier)| earlier != sha),
            "generated/api-history.txt: two versions with the same source {sha}"
        );
    }

    let package = manifest("generated/Cargo.toml");
    let version = package["package"]["version"].as_str().unwrap();
    let sha = sinch_voice_codegen::sha256_hex(read("generated/src/lib.rs").as_bytes());
    assert_eq!(
        (last_version.as_str(), last_sha.as_str()),
        (version, sha.as_str()),
        "generated/src/lib.rs (sha256 {sha}) is not what sinch-voice-raw {version} was: give the \
         generated crate a new version in generated/Cargo.toml (semver: a breaking change of its \
         public API is a major bump, a minor one while 0.x), add `VERSION {sha}` to \
         generated/api-history.txt and an entry to CHANGELOG.md"
    );

    let workspace = manifest("Cargo.toml");
    let requirement = workspace["workspace"]["dependencies"]["sinch-voice-raw"]["version"]
        .as_str()
        .unwrap();
    assert_eq!(
        requirement,
        format!("={version}"),
        "sinch-voice depends on the exact generated version it wraps"
    );
    assert!(
        read("CHANGELOG.md").contains(&format!("sinch-voice-raw {version}")),
        "CHANGELOG.md names sinch-voice-raw {version}"
    );
}

/// The published crates' `rust-version` is no lower than any of their dependencies' (as
/// locked; normal and build dependencies, every feature). Our own code's use of newer std
/// APIs is caught by clippy's `incompatible_msrv`, which reads the same `rust-version`.
#[test]
fn rust_version_is_not_below_any_dependency() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Not `--offline`: every feature's tree (native-tls's too) is more than a build downloads,
    // and this test must pass on a machine whose cargo cache has never seen the workspace.
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--all-features"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let by_id = |id: &str| packages.iter().find(|p| p["id"] == id).unwrap();
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id).unwrap();
    let version = |text: &str| -> Vec<u64> {
        let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap()).collect();
        parts.resize(3, 0);
        parts
    };

    for name in [
        "sinch-voice-raw",
        "sinch-voice",
        "sinch-voice-emulator",
        "sinch-voice-cli",
    ] {
        let root = packages
            .iter()
            .find(|p| p["name"] == name && p["source"].is_null())
            .unwrap_or_else(|| panic!("{name} is a workspace member"));
        let ours = root["rust_version"].as_str().expect("rust-version is set");
        let mut stack = vec![root["id"].as_str().unwrap().to_string()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let package = by_id(&id);
            if let Some(theirs) = package["rust_version"].as_str() {
                assert!(
                    version(theirs) <= version(ours),
                    "{name}: rust-version {ours}, but {} {} needs {theirs}",
                    package["name"],
                    package["version"]
                );
            }
            for dep in node(&id)["deps"].as_array().unwrap() {
                let runtime = dep["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].is_null() || k["kind"] == "build");
                if runtime {
                    stack.push(dep["pkg"].as_str().unwrap().to_string());
                }
            }
        }
        assert!(
            seen.len() > 50,
            "{name}: walked only {} packages",
            seen.len()
        );
    }
}
