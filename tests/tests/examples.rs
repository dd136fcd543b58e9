//! Every example program of `sinch-voice` (ext/examples/) run as a user runs it, against the
//! emulator: each exits 0, and what it did is visible in the emulator.
//!
//! `cargo test --workspace` builds the examples before the tests run; when only this crate is
//! tested, the test builds them first.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use sinch_voice::{Client, RetryPolicy};
use sinch_voice_emulator::{Config, Emulator, EmulatorHandle};

const CALLER: &str = "+46701234567";
const OUR_NUMBER: &str = "+46812345678";
const OUR_OTHER_NUMBER: &str = "+14045001000";
const WAIT: Duration = Duration::from_secs(10);

fn examples_dir() -> PathBuf {
    // target/debug/deps/examples-<hash> -> target/debug/examples
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps")
        .join("examples")
}

fn example(name: &str) -> PathBuf {
    let path = examples_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "sinch-voice", "--examples"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the examples failed");
    }
    assert!(path.exists(), "{} was not built", path.display());
    path
}

async fn run(emulator: &EmulatorHandle, name: &str, args: &[&str]) -> Output {
    let mut command = Command::new(example(name));
    command
        .args(args)
        .env("SINCH_APPLICATION_KEY", emulator.application_key())
        .env("SINCH_APPLICATION_SECRET", emulator.application_secret())
        .env("SINCH_VOICE_CALLING_URL", emulator.url())
        .env("SINCH_VOICE_CONFIGURATION_URL", emulator.url())
        .env_remove("SINCH_VOICE_REGION");
    let output = tokio::task::spawn_blocking(move || command.output().expect("the example runs"))
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{name} {args:?} exited with {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn call_id(output: &Output) -> String {
    stdout(output)
        .lines()
        .find_map(|l| l.strip_prefix("Call ID: "))
        .unwrap_or_else(|| panic!("no call id in {:?}", stdout(output)))
        .trim()
        .to_string()
}

async fn emulator() -> EmulatorHandle {
    Emulator::builder()
        .config(Config {
            answer_delay: Duration::from_millis(10),
            ..Config::default()
        })
        .start()
        .await
        .expect("the emulator starts")
}

fn client(emulator: &EmulatorHandle) -> Client {
    Client::builder()
        .credentials(emulator.credentials())
        .calling_url(emulator.url())
        .configuration_url(emulator.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendor_scripts_and_the_callout_examples() {
    let emulator = emulator().await;

    let tts = call_id(
        &run(
            &emulator,
            "make_tts_call",
            &["--to", CALLER, "--text", "Hello from an example"],
        )
        .await,
    );
    let heard = emulator
        .wait_for(&tts, WAIT, |s| {
            s.said().any(|t| t.contains("Hello from an example"))
        })
        .await;
    assert!(heard.is_some(), "{:?}", emulator.call(&tts));

    let info = stdout(&run(&emulator, "get_call_info", &["--call-id", &tts]).await);
    assert!(info.contains("status:") && info.contains(CALLER), "{info}");

    let numbers = stdout(&run(&emulator, "list_numbers", &[]).await);
    assert!(
        numbers.contains(OUR_NUMBER) && numbers.contains(OUR_OTHER_NUMBER),
        "{numbers}"
    );

    let custom = call_id(
        &run(
            &emulator,
            "custom_callout",
            &["--to", CALLER, "--connect", "+46709876543"],
        )
        .await,
    );
    let connected = emulator
        .wait_for(&custom, WAIT, |s| {
            s.said().any(|t| t.contains("Connecting you now."))
        })
        .await;
    assert!(connected.is_some(), "{:?}", emulator.call(&custom));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conference_participant_and_call_leg_examples() {
    let emulator = emulator().await;
    let room = "example-room";
    let conference = call_id(
        &run(
            &emulator,
            "make_conference_call",
            &[
                "--to",
                CALLER,
                "--conference-id",
                room,
                "--greeting",
                "Welcome",
            ],
        )
        .await,
    );
    let joined = emulator
        .wait_for(&conference, WAIT, |s| s.conference.as_deref() == Some(room))
        .await;
    assert!(joined.is_some(), "{:?}", emulator.call(&conference));

    let managed = stdout(&run(&emulator, "manage_participants", &["--conference-id", room]).await);
    assert!(
        managed.contains(&format!("{conference}: muted, held, resumed, unmuted")),
        "{managed}"
    );
    let info = client(&emulator).get_conference(room).await.unwrap();
    assert_eq!(info.participants.len(), 1);
    assert_eq!(info.participants[0].muted, Some(false));
    assert_eq!(info.participants[0].onhold, Some(false));

    run(
        &emulator,
        "call_leg",
        &["--call-id", &conference, "--say", "Two minutes left."],
    )
    .await;
    let ended = emulator.wait_until_ended(&conference, WAIT).await.unwrap();
    assert!(ended.said().any(|t| t == "Two minutes left."), "{ended:?}");
    assert_eq!(ended.status, "FINAL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_numbers_and_callbacks_example() {
    let emulator = emulator().await;
    run(
        &emulator,
        "numbers_and_callbacks",
        &[
            "--assign",
            OUR_NUMBER,
            "--callback-url",
            "http://127.0.0.1:9/sinch",
            "--fallback-url",
            "http://127.0.0.1:9/fallback",
            "--unassign",
            OUR_OTHER_NUMBER,
        ],
    )
    .await;
    let client = client(&emulator);
    let urls = client.get_callback_urls().await.unwrap();
    let url = urls.url.expect("the callback URLs");
    assert_eq!(url.primary.as_deref(), Some("http://127.0.0.1:9/sinch"));
    assert_eq!(url.fallback.as_deref(), Some("http://127.0.0.1:9/fallback"));
    let numbers = client.list_numbers().await.unwrap().numbers;
    let key_of = |n: &str| {
        numbers
            .iter()
            .find(|x| x.number.as_deref() == Some(n))
            .and_then(|x| x.applicationkey.clone())
    };
    assert_eq!(
        key_of(OUR_NUMBER).as_deref(),
        Some(emulator.application_key())
    );
    assert_eq!(key_of(OUR_OTHER_NUMBER), None);
}
