//! `sinch-voice emulator` as a development platform for any language: the emulator served by
//! the binary, an IVR written in plain Node (tests/node/ivr_server.mjs, no SDK) as the
//! application, and the CLI driving the call through the control API: inbound call, menu,
//! key, PIE, hangup, DiCE.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{BINARY, sv};
use serde_json::Value;

/// The emulator's fixed test application (see `Emulator::builder`).
const KEY: &str = "e8d6f1a2-0b3c-4d5e-8f90-a1b2c3d4e5f6";
const SECRET: &str = "ZW11bGF0b3Itc2VjcmV0IQ==";

/// A child process killed on drop, with its stdout lines on a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn spawn(command: &mut Command) -> Running {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the process starts");
        let out = child.stdout.take().expect("piped stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    /// The first line starting with `prefix`, without it.
    fn wait_for(&self, prefix: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no line starting with {prefix:?}"));
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.trim().to_string();
            }
        }
    }

    fn drain(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(300)) {
            lines.push(line);
        }
        lines
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn node() -> Option<String> {
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
    Command::new(&node)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| node)
}

#[test]
fn a_node_ivr_driven_from_the_cli_through_the_control_api() {
    let Some(node) = node() else {
        eprintln!("SKIPPED: node is not installed");
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/node/ivr_server.mjs");
    let ivr = Running::spawn(
        Command::new(node)
            .arg(script)
            .env("KEY", KEY)
            .env("SECRET", SECRET),
    );
    let port = ivr.wait_for("ready ");
    let callback = format!("http://127.0.0.1:{port}/sinch/callbacks");
    let emulator = Running::spawn(
        Command::new(BINARY)
            .args(["emulator", "--callback-url", &callback])
            .env("NO_PROXY", "127.0.0.1,localhost"),
    );
    let url = emulator.wait_for("SINCH_VOICE_EMULATOR_URL=");
    emulator.wait_for("(ctrl-c to stop)");

    // A follower of the event stream, until the call is finished.
    let events = |id: &str| {
        sv([
            "emulator",
            "--emulator",
            &url,
            "events",
            "--until-finished",
            id,
            "--json",
        ])
        .limit(Duration::from_secs(20))
    };

    let run = sv([
        "emulator",
        "--emulator",
        &url,
        "call",
        "--from",
        "+46701234567",
        "--to",
        "+46812345678",
        "--press",
        "1",
        "--wait",
        "--json",
    ])
    .run();
    assert_eq!(run.code(), Some(0), "{}", run.context());
    let view: Value = serde_json::from_str(run.stdout.trim()).expect("the call as JSON");
    let id = view["callId"].as_str().unwrap().to_string();
    let kinds: Vec<&str> = view["callbacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ice", "pie", "dice"], "{view}");
    for callback in view["callbacks"].as_array().unwrap() {
        assert_eq!(callback["status"], 200, "{callback}");
    }
    assert_eq!(
        view["callbacks"][1]["request"]["menuResult"]["value"],
        "sales"
    );
    assert_eq!(view["reason"], "MANAGERHANGUP");
    let transcript = view["transcript"].to_string();
    assert!(
        transcript.contains("Welcome to the Node IVR."),
        "{transcript}"
    );
    assert!(
        transcript.contains("You chose sales. Goodbye."),
        "{transcript}"
    );

    // The Node side verified every callback itself.
    let seen: Vec<Value> = ivr
        .drain()
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let names: Vec<&str> = seen.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(names, ["ice", "pie", "dice"]);
    assert!(seen.iter().all(|e| e["verified"] == true), "{seen:?}");

    // The same flow by steps: call, press, hangup as the caller while the menu plays.
    let started = sv([
        "emulator",
        "--emulator",
        &url,
        "call",
        "--from",
        "+46701234567",
        "--to",
        "+46812345678",
        "--json",
    ])
    .run();
    assert_eq!(started.code(), Some(0), "{}", started.context());
    let second: Value = serde_json::from_str(started.stdout.trim()).unwrap();
    let second = second["callId"].as_str().unwrap().to_string();
    let hangup = sv(["emulator", "--emulator", &url, "hangup", &second]).run();
    assert_eq!(hangup.code(), Some(0), "{}", hangup.context());
    let stream = events(&second).run();
    assert_eq!(stream.code(), Some(0), "{}", stream.context());
    // The stream may start after the call ended: then show it.
    let show = sv(["emulator", "--emulator", &url, "show", &second, "--json"]).run();
    let shown: Value = serde_json::from_str(show.stdout.trim()).unwrap();
    assert_eq!(shown["reason"], "CALLERHANGUP", "{shown}");
    assert_eq!(shown["finished"], true);

    // A second hang-up is a clear API error (exit 3).
    let again = sv(["emulator", "--emulator", &url, "hangup", &second]).run();
    assert_eq!(again.code(), Some(3), "{}", again.context());
    assert!(again.stderr.contains("has ended"), "{}", again.context());

    let calls = sv(["emulator", "--emulator", &url, "calls"]).run();
    assert!(calls.stdout.contains(&id), "{}", calls.context());
    let requests = sv(["emulator", "--emulator", &url, "requests", "--json"]).run();
    assert_eq!(requests.code(), Some(0), "{}", requests.context());
    // An unassigned number is refused.
    let refused = sv([
        "emulator",
        "--emulator",
        &url,
        "call",
        "--from",
        "+46701234567",
        "--to",
        "+46800000000",
    ])
    .run();
    assert_eq!(refused.code(), Some(3), "{}", refused.context());
}

#[test]
fn events_follows_the_stream_until_the_call_is_finished() {
    let emulator = common::emulator();
    let url = emulator.url().to_string();
    let id = emulator
        .inbound_call("+46701234567", "+46812345678")
        .expect("an assigned number");
    let shown = sv(["emulator", "--emulator", &url, "show", &id]).run();
    assert_eq!(shown.code(), Some(0), "{}", shown.context());
    assert!(shown.stdout.contains(&id), "{}", shown.context());
    let missing = sv(["emulator", "--emulator", &url, "show", "nope"]).run();
    assert_eq!(missing.code(), Some(3), "{}", missing.context());
    let nowhere = sv(["emulator", "calls"])
        .env("SINCH_VOICE_EMULATOR_URL", "")
        .run();
    assert_eq!(nowhere.code(), Some(2), "{}", nowhere.context());
}

#[test]
fn a_callout_answered_by_hand_from_the_cli() {
    let emulator = common::emulator();
    let url = emulator.url().to_string();
    let callee = "+15550009999";
    let scripted = sv([
        "emulator",
        "--emulator",
        &url,
        "callee",
        "manual",
        "--number",
        callee,
    ])
    .run();
    assert_eq!(scripted.code(), Some(0), "{}", scripted.context());
    let placed = sv([
        "callout",
        "tts",
        "--to",
        callee,
        "--cli",
        "+46812345678",
        "--text",
        "Hello",
        "--calling-url",
        &url,
    ])
    .credentials(KEY, SECRET)
    .run();
    assert_eq!(placed.code(), Some(0), "{}", placed.context());
    let id = placed.stdout.trim().to_string();
    let show = |id: &str| -> Value {
        let show = sv(["emulator", "--emulator", &url, "show", id, "--json"]).run();
        serde_json::from_str(show.stdout.trim()).unwrap()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while show(&id)["calleeRinging"] != true {
        assert!(
            std::time::Instant::now() < deadline,
            "the callee never rang"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let answered = sv([
        "emulator",
        "--emulator",
        &url,
        "answer",
        &id,
        "--as",
        "busy",
    ])
    .run();
    assert_eq!(answered.code(), Some(0), "{}", answered.context());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let shown = loop {
        let shown = show(&id);
        if shown["status"] == "FINAL" || std::time::Instant::now() > deadline {
            break shown;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(shown["result"], "BUSY", "{shown}");
    // Nothing rings any more: a clear API error (exit 3).
    let again = sv(["emulator", "--emulator", &url, "answer", &id]).run();
    assert_eq!(again.code(), Some(3), "{}", again.context());
    assert!(again.stderr.contains("not ringing"), "{}", again.context());

    let requests = sv([
        "emulator",
        "--emulator",
        &url,
        "requests",
        "--call",
        &id,
        "--json",
    ])
    .run();
    let requests: Value = serde_json::from_str(requests.stdout.trim()).unwrap();
    let requests = requests.as_array().expect("a list");
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["decodedPath"], "/calling/v1/callouts");
    let rooms = sv(["emulator", "--emulator", &url, "conferences", "--json"]).run();
    assert_eq!(rooms.code(), Some(0), "{}", rooms.context());
    assert!(
        serde_json::from_str::<Value>(rooms.stdout.trim())
            .unwrap()
            .is_array()
    );
    // A quiet reset forgets every call at once.
    let reset = sv(["emulator", "--emulator", &url, "reset", "--quiet"]).run();
    assert_eq!(reset.code(), Some(0), "{}", reset.context());
    assert!(emulator.call_ids().is_empty());
}
