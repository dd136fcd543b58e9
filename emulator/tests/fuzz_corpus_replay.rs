//! Replays every committed corpus file of the `emulator_rest_body` fuzz target
//! (`fuzz/corpus/emulator_rest_body/`) through the same property function the target calls,
//! on stable: an input that once broke a property stays fixed (`fuzz/README.md`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

#[test]
fn emulator_rest_body_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/emulator_rest_body");
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
            catch_unwind(AssertUnwindSafe(|| {
                sinch_voice_emulator::fuzzing::rest_body(&data)
            }))
            .is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} corpus files break a property:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}
