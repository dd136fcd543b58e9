//! What a user reads when they put an action where its callback does not allow it: a small
//! crate that makes the mistakes is checked by cargo, and the errors are compared with what
//! `AllowedIn`'s `#[diagnostic::on_unimplemented]` promises. The notes listing what each
//! context allows are compared with the context rules themselves, so they cannot drift.

use std::path::{Path, PathBuf};
use std::process::Command;

use sinch_voice::svaml::{Ace, ActionKind, Context, Ice, InstructionKind, Pie};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

const MISTAKES: &str = r#"
use sinch_voice::svaml::{AceResponse, Answer, ConnectPstn, Park, PieResponse};

pub fn connect_in_ace() {
    let _ = AceResponse::builder().action(ConnectPstn::to("+46701234567")).build();
}

pub fn park_in_ace() {
    let _ = AceResponse::builder().action(Park::default()).build();
}

pub fn answer_in_pie() {
    let _ = PieResponse::builder().instruction(Answer::default()).hangup().build();
}

pub fn ace_reply_as_ice(ace: AceResponse<'static>) {
    let _ = sinch_voice::CustomCallout::new().ice(ace);
}
"#;

/// Runs `cargo check` on a crate holding `MISTAKES` and returns what it printed.
fn compiler_output() -> String {
    let dir =
        std::env::temp_dir().join(format!("sinch-voice-compile-errors-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let ext = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"mistakes\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nsinch-voice = {{ path = {ext:?}, default-features = false }}\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), MISTAKES).unwrap();
    // The versions CI tested; unused entries drop out.
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // A target directory of its own: the one `cargo test` uses is locked while it runs.
    let out = Command::new(cargo)
        .args(["check", "--quiet", "--color", "never"])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/compile-errors"),
        )
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "the mistakes compiled");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The names a note lists after `label` up to the next `;` (or the end).
fn listed<'n>(note: &'n str, label: &str) -> Vec<&'n str> {
    let rest = &note[note
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {note}"))
        + label.len()..];
    rest.split(';')
        .next()
        .unwrap()
        .split(',')
        .map(str::trim)
        .collect()
}

fn check_note<C: Context>(stderr: &str) {
    let prefix = format!("= note: {} replies allow: ", C::NAME);
    let note = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no note for {}:\n{stderr}", C::NAME));
    let actions: Vec<&str> = ActionKind::ALL
        .into_iter()
        .filter(|k| C::allows_action(*k))
        .map(ActionKind::name)
        .collect();
    let instructions: Vec<&str> = InstructionKind::ALL
        .into_iter()
        .filter(|k| C::allows_instruction(*k))
        .map(InstructionKind::name)
        .collect();
    assert_eq!(listed(note, &prefix[8..]), actions, "{}", C::NAME);
    assert_eq!(listed(note, "instructions: "), instructions, "{}", C::NAME);
}

#[test]
fn a_disallowed_action_says_which_reply_refuses_it_and_what_each_allows() {
    let stderr = compiler_output();
    for expected in [
        "error[E0277]: `sinch_voice::svaml::ConnectPstn<'_>` cannot answer this callback: a reply of context `sinch_voice::svaml::Ace` does not allow it",
        "error[E0277]: `sinch_voice::svaml::Park<'_>` cannot answer this callback: a reply of context `sinch_voice::svaml::Ace` does not allow it",
        "error[E0277]: `sinch_voice::svaml::Answer` cannot answer this callback: a reply of context `sinch_voice::svaml::Pie` does not allow it",
        "not allowed in a reply of context `sinch_voice::svaml::Ace`",
        "error[E0277]: `sinch_voice::svaml::Svaml<'_, sinch_voice::svaml::Ace>` is not a value for this field, whose type is `IceReplyText`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    // The notes say where things belong; the macro that implements the rules stays out.
    let context_errors: Vec<&str> = stderr
        .split("\nerror")
        .filter(|e| e.contains("cannot answer this callback"))
        .collect();
    assert_eq!(context_errors.len(), 3, "{stderr}");
    for error in context_errors {
        assert!(!error.contains("in this macro invocation"), "{error}");
        assert!(
            !error.contains("the following other types implement"),
            "{error}"
        );
    }
    // A reply of the wrong event for a custom callout lists the replies each field takes.
    assert!(
        stderr.contains("`sinch_voice::svaml::Svaml<'_, sinch_voice::svaml::Ice>` implements `IntoValue<IceReplyText>`"),
        "{stderr}"
    );
    check_note::<Ice>(&stderr);
    check_note::<Ace>(&stderr);
    check_note::<Pie>(&stderr);
    let first = stderr.split("\nerror").next().unwrap();
    eprintln!("the first error, as a user reads it:\n{first}");
}
