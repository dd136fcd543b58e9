//! A spec change reaches users of `sinch_voice` with no hand edit: a scratch copy of the
//! workspace's crates is generated from a changed vendor spec (an optional request property,
//! an answer property, an operation) plus an enum value, and a user's program that uses
//! each of them through `sinch_voice` (never `sinch_voice::raw`) is built and run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// What the vendor's next text adds, as edits of spec/sinch-voice.openapi.yaml: (anchor, text
/// inserted after it). Our corrections are left as they are.
const VENDOR_EDITS: [(&str, &str); 3] = [
    (
        // An optional request property of the vendor's ttsCallout (TtsCallout here).
        "    ttsCallout:\n      type: object\n      description: >-\n        The text-to-speech callout calls a phone number and plays a synthesized\n        text messages or pre-recorded sound files.\n      required:\n        - destination\n      properties:\n",
        "        fooBar:\n          type: string\n          maxLength: 8\n          description: A new option of the callout.\n",
    ),
    (
        // An answer property of the vendor's getCallResponseObj (CallInformation here).
        "    getCallResponseObj:\n      type: object\n      properties:\n",
        "        rdnis:\n          type: string\n          description: The number the call was forwarded from.\n",
    ),
    (
        // An operation.
        "paths:\n",
        "  /calling/v1/calls/id/{callId}/recording:\n    get:\n      operationId: getRecording\n      summary: Get the recording of a call\n      parameters:\n        - $ref: '#/components/parameters/callId'\n      responses:\n        '200':\n          description: The call.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/getCallResponseObj'\n        4XX:\n          $ref: '#/components/responses/OtherClientError'\n",
    ),
];

/// The enum value is added by a correction: the call status is our own component (1.0.1 has
/// it only inline), so a value for it is ours to add.
const CORRECTION: &str = r#"
  # ---------------------------------------------------------------- the test's spec change
  - target: $.components.schemas.CallStatus
    description: The test's change, an enum value (the enum written again).
    remove: true
  - target: $.components.schemas
    description: The test's change, an enum value.
    update:
      CallStatus:
        type: string
        enum: [ONGOING, FINAL, QUEUED]
        x-enum-varnames: [Ongoing, Final, Queued]
"#;

const USER_PROGRAM: &str = r##"
use sinch_voice::{CallInformation, CallStatus, Client, TtsCallout};

fn main() {
    // A new optional request property is a setter, checked by what the spec says of it.
    let body = sinch_voice::callout_body(TtsCallout::to("+46701234567").cli("+14045001000").text("hi").foo_bar("x"))
        .expect("a valid callout");
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["ttsCallout"]["fooBar"], "x");
    let too_long = sinch_voice::callout_body(TtsCallout::to("+46701234567").cli("+14045001000").text("hi").foo_bar("123456789"));
    match too_long {
        Err(sinch_voice::Error::InvalidInput { field, .. }) => assert_eq!(field, "ttsCallout.fooBar"),
        other => panic!("expected ttsCallout.fooBar to be refused, got {other:?}"),
    }

    // A new answer property is a public field; a new enum value a variant; an unknown one
    // still decodes.
    let info: CallInformation =
        serde_json::from_str(r#"{"rdnis": "+14045001000", "status": "QUEUED"}"#).unwrap();
    assert_eq!(info.rdnis.as_deref(), Some("+14045001000"));
    assert_eq!(info.status, Some(CallStatus::Queued));
    let later: CallInformation = serde_json::from_str(r#"{"status": "PARKED"}"#).unwrap();
    assert_eq!(later.status, Some(CallStatus::Unknown("PARKED".into())));

    // A new operation is a method of the client.
    let _get_recording = Client::get_recording;
    println!("the spec change reached the user");
}
"##;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn an_added_property_enum_value_and_operation_reach_a_sinch_voice_user() {
    let root = root();
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let mut spec = read("spec/sinch-voice.openapi.yaml");
    for (anchor, added) in VENDOR_EDITS {
        assert_eq!(spec.matches(anchor).count(), 1, "{anchor}");
        spec = spec.replacen(anchor, &format!("{anchor}{added}"), 1);
    }
    let corrections = read("spec/corrections.yaml") + CORRECTION;
    let output = sinch_voice_codegen::generate(&sinch_voice_codegen::Input {
        spec: sinch_voice_codegen::Source {
            name: "spec/sinch-voice.openapi.yaml",
            text: &spec,
        },
        corrections: Some(sinch_voice_codegen::Source {
            name: "spec/corrections.yaml",
            text: &corrections,
        }),
        crate_name: "sinch_voice_raw",
        options: Default::default(),
    })
    .unwrap_or_else(|e| panic!("the changed spec generates: {e}"));
    assert!(output.client.contains("pub async fn get_recording("));

    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    for crate_dir in ["values", "generated", "ext"] {
        copy_dir(&root.join(crate_dir), &dir.join(crate_dir));
    }
    std::fs::write(dir.join("generated/src/lib.rs"), &output.client).unwrap();
    let workspace = read("Cargo.toml");
    let members = workspace
        .lines()
        .find(|l| l.starts_with("members = "))
        .expect("the workspace lists its members");
    std::fs::write(
        dir.join("Cargo.toml"),
        workspace.replace(
            members,
            r#"members = ["values", "generated", "ext", "user"]"#,
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(dir.join("user/src")).unwrap();
    std::fs::write(
        dir.join("user/Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nsinch-voice.workspace = true\nserde_json.workspace = true\n",
    )
    .unwrap();
    std::fs::write(dir.join("user/src/main.rs"), USER_PROGRAM).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = Command::new(cargo)
        .args(["run", "--quiet", "-p", "user"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target/spec-change"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "the user's program against the changed spec failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("reached the user"));
}
