//! The 21 real-world specs shipped in the `openapiv3` package (Stripe, Twilio, Slack, Docker,
//! ...), read where cargo unpacked them (located through `cargo metadata`, never copied):
//! each generates with `--skip-unsupported`, only the operations listed here are left out, and
//! normalisation is idempotent and generation deterministic on every one.

use std::path::PathBuf;
use std::process::Command;

use sinch_voice_codegen::{DroppedKind, Input, Options, Source, generate, normalise};

/// Every operation the generated clients leave out, with why. Anything else left out fails.
const MULTIPART: &str = "request body as multipart/form-data: progenitor 0.15 sends only";
const JWT: &str = "request body as application/jwt: progenitor 0.15 sends only";
const EXPECTED_DROPS: &[(&str, &str, &str)] = &[
    (
        "adobe_aem.yaml",
        "$.paths['/crx/packmgr/service/.json/{path}'].post",
        MULTIPART,
    ),
    (
        "adobe_aem.yaml",
        "$.paths['/etc/truststore'].post",
        MULTIPART,
    ),
    (
        "adobe_aem.yaml",
        "$.paths['/libs/granite/security/post/truststore'].post",
        MULTIPART,
    ),
    (
        "adobe_aem.yaml",
        "$.paths['/{intermediatePath}/{authorizableId}.ks.html'].post",
        MULTIPART,
    ),
    (
        "adobe_aem.yaml",
        "$.paths['/{path}/{name}'].post",
        MULTIPART,
    ),
    ("authentiq.yaml", "$.paths['/key'].post", JWT),
    ("authentiq.yaml", "$.paths['/key/{PK}'].put", JWT),
    ("authentiq.yaml", "$.paths['/key/{PK}'].post", JWT),
    ("authentiq.yaml", "$.paths['/login'].post", JWT),
    ("authentiq.yaml", "$.paths['/scope'].post", JWT),
    ("stripe.yaml", "$.paths['/v1/files'].post", MULTIPART),
    ("walmart.json", "$.paths['/v2/feeds'].post", MULTIPART),
    ("walmart.json", "$.paths['/v3/feeds'].post", MULTIPART),
];

const FIXTURE_COUNT: usize = 21;
const OPERATION_COUNT: usize = 951;

/// `fixtures/` of the openapiv3 package this crate was built with.
fn fixtures_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Not `--offline`: metadata reads every package of the lock file (other platforms' too),
    // more than a build downloads; an empty cargo cache must still pass.
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "openapiv3")
        .expect("openapiv3 is a dependency")["manifest_path"]
        .as_str()
        .unwrap()
        .to_string();
    PathBuf::from(manifest).parent().unwrap().join("fixtures")
}

fn fixtures() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert_eq!(
        out.len(),
        FIXTURE_COUNT,
        "{:?}",
        out.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    out
}

fn trial(
    name: &str,
    text: &str,
) -> Result<sinch_voice_codegen::Output, sinch_voice_codegen::Error> {
    generate(&Input {
        spec: Source { name, text },
        corrections: None,
        crate_name: "trial",
        options: Options {
            skip_unsupported: true,
            report_dead_corrections: false,
        },
    })
}

fn operation_count(text: &str) -> usize {
    let options = Options {
        skip_unsupported: true,
        ..Options::default()
    };
    let (effective, _) = normalise(&Source { name: "x", text }, &options).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&effective).unwrap();
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .iter()
            .filter(|m| item.get(**m).is_some())
            .count()
        })
        .sum()
}

/// A fixture's name, its operations, those generated, and those left out (path, reason).
type Outcome = (String, usize, usize, Vec<(String, String)>);

/// Generation twice per fixture, on two threads (the machine's cores): every fixture
/// generates, drops only what is listed, and the same input gives the same bytes.
#[test]
fn every_fixture_generates_deterministically_and_drops_only_the_listed_operations() {
    let all = fixtures();
    let (left, right) = all.split_at(all.len() / 2);
    let run = |part: &[(String, String)]| -> Vec<Outcome> {
        part.iter()
            .map(|(name, text)| {
                let first = trial(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
                let second = trial(name, text).unwrap();
                assert!(
                    first.client == second.client,
                    "{name}: two generations differ"
                );
                assert_eq!(first.effective_spec, second.effective_spec, "{name}");
                assert_eq!(first.changes, second.changes, "{name}");
                let dropped = first
                    .dropped
                    .iter()
                    .filter(|d| d.kind == DroppedKind::Operation)
                    .map(|d| (d.path.clone(), d.reason.clone()))
                    .collect();
                (
                    name.clone(),
                    operation_count(text),
                    first.operations,
                    dropped,
                )
            })
            .collect()
    };
    let results = std::thread::scope(|scope| {
        let other = scope.spawn(|| run(right));
        let mut mine = run(left);
        mine.extend(other.join().unwrap());
        mine
    });

    let (mut total, mut kept) = (0, 0);
    for (name, operations, generated, dropped) in &results {
        total += operations;
        kept += generated;
        assert_eq!(operations - generated, dropped.len(), "{name}");
        for (path, reason) in dropped {
            assert!(
                EXPECTED_DROPS
                    .iter()
                    .any(|(f, p, r)| f == name && p == path && reason.starts_with(r)),
                "{name}: {path} left out but not listed: {reason}"
            );
        }
    }
    assert_eq!(total, OPERATION_COUNT);
    assert!(
        kept * 100 >= total * 95,
        "{kept} of {total} operations kept"
    );
    assert_eq!(total - kept, EXPECTED_DROPS.len());
}

#[test]
fn normalising_twice_is_normalising_once_on_every_fixture() {
    for (name, text) in fixtures() {
        let options = Options {
            skip_unsupported: true,
            ..Options::default()
        };
        let (once, changes) = normalise(
            &Source {
                name: &name,
                text: &text,
            },
            &options,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (again, second) = normalise(
            &Source {
                name: &name,
                text: &once,
            },
            &options,
        )
        .unwrap();
        assert!(
            once == again,
            "{name}: a second normalisation changed the document"
        );
        assert_eq!(second, Vec::new(), "{name}");
        assert_eq!(
            normalise(
                &Source {
                    name: &name,
                    text: &text
                },
                &options
            )
            .unwrap()
            .1,
            changes,
            "{name}: the log differs between two runs"
        );
    }
}
