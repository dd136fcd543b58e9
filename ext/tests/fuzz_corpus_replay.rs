//! Replays every committed fuzz corpus file of the ext targets (`fuzz/corpus/<target>/`)
//! through the same property functions the fuzz targets call, on stable: an input that once
//! broke a property stays fixed. The fuzzing itself is run by hand (`fuzz/README.md`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use sinch_voice::fuzzing;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable corpus directory").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no corpus files", dir.display());
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("a readable corpus file");
            catch_unwind(AssertUnwindSafe(|| check(&data))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: {} of {} corpus files break a property:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn callback_parse_corpus() {
    replay("callback_parse", fuzzing::callback_parse);
}

#[test]
fn callback_verify_corpus() {
    replay("callback_verify", fuzzing::callback_verify);
}

#[test]
fn svaml_parse_corpus() {
    replay("svaml_parse", fuzzing::svaml_parse);
}

#[test]
fn prompt_corpus() {
    replay("prompt", fuzzing::prompt);
}
