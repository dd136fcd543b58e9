//! Every API subcommand against the in-process emulator, with signed and Basic auth.

mod common;

use std::time::Duration;

use common::{Invocation, Run, emulator, scratch, sv};
use serde_json::Value;

/// `sinch-voice --calling-url E --config-url E --auth AUTH ARGS...` with the emulator's
/// credentials.
fn api(auth: &str, args: &[&str]) -> Invocation {
    let e = emulator();
    let mut all = vec![
        "--calling-url",
        e.url(),
        "--config-url",
        e.url(),
        "--auth",
        auth,
    ];
    all.extend_from_slice(args);
    sv(all).credentials(e.application_key(), e.application_secret())
}

fn ok(run: Run) -> Run {
    assert_eq!(run.code(), Some(0), "{}", run.context());
    run
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.context()))
}

const AUTHS: [&str; 2] = ["signed", "basic"];

#[test]
fn numbers_list_assign_unassign() {
    for auth in AUTHS {
        let run = ok(api(auth, &["numbers", "list", "--json"]).run());
        let list = json(&run);
        assert_eq!(
            list["numbers"].as_array().map(Vec::len),
            Some(2),
            "{}",
            run.context()
        );

        let run = ok(api(auth, &["numbers", "list"]).run());
        assert!(run.stdout.starts_with("NUMBER"), "{}", run.context());
        assert!(run.stdout.contains("+46812345678"), "{}", run.context());
        assert!(run.stdout.contains("+14045001000"), "{}", run.context());
    }
    // -v logs the requests on stderr and leaves stdout alone.
    let run = ok(api("signed", &["-v", "numbers", "list", "--json"]).run());
    assert_eq!(json(&run)["numbers"].as_array().map(Vec::len), Some(2));
    assert!(run.stderr.contains("list_numbers"), "{}", run.context());
    assert!(
        !run.stderr.contains(emulator().application_secret()),
        "{}",
        run.context()
    );

    // Assign and unassign change one number; run them serially (one test) in both modes.
    for auth in AUTHS {
        ok(api(auth, &["numbers", "unassign", "+14045001000"]).run());
        ok(api(auth, &["numbers", "assign", "+14045001000"]).run());
        let list = json(&ok(api(auth, &["numbers", "list", "--json"]).run()));
        assert_eq!(list["numbers"].as_array().map(Vec::len), Some(2));
    }
}

#[test]
fn callbacks_set_and_get() {
    for auth in AUTHS {
        let primary = format!("https://{auth}.example.com/cb");
        ok(api(
            auth,
            &[
                "callbacks",
                "set",
                "--primary",
                &primary,
                "--fallback",
                "https://fb.example.com/cb",
            ],
        )
        .run());
        let got = json(&ok(api(auth, &["callbacks", "get", "--json"]).run()));
        assert_eq!(got["url"]["primary"], primary.as_str());
        assert_eq!(got["url"]["fallback"], "https://fb.example.com/cb");
        let human = ok(api(auth, &["callbacks", "get"]).run());
        assert!(human.stdout.contains(&primary), "{}", human.context());
    }
    // Leave no callback URL pointing anywhere real for the calls of the other tests.
    emulator().set_callback_url("");
}

#[test]
fn number_query() {
    for auth in AUTHS {
        let got = json(&ok(api(
            auth,
            &["number", "query", "+46812345678", "--json"],
        )
        .run()));
        assert_eq!(got["number"]["normalizedNumber"], "+46812345678");
        let human = ok(api(auth, &["number", "query", "+46812345678"]).run());
        assert!(
            human.stdout.contains("number.countryId"),
            "{}",
            human.context()
        );
    }
}

#[test]
fn tts_callout_then_call_get() {
    for auth in AUTHS {
        let run = ok(api(
            auth,
            &[
                "callout",
                "tts",
                "--to",
                "+15557654321",
                "--cli",
                "+46812345678",
                "--text",
                "Hello",
            ],
        )
        .run());
        let id = run.stdout.trim().to_string();
        assert!(
            !id.is_empty() && !id.contains(char::is_whitespace),
            "{}",
            run.context()
        );

        let call = json(&ok(api(auth, &["call", "get", &id, "--json"]).run()));
        assert_eq!(call["callId"], id.as_str());
        assert_eq!(call["to"]["endpoint"], "+15557654321");
        let human = ok(api(auth, &["call", "get", &id]).run());
        assert!(human.stdout.contains(&id), "{}", human.context());

        let run = ok(api(
            auth,
            &[
                "callout",
                "tts",
                "--to",
                "+15557654321",
                "--cli",
                "+46812345678",
                "--text",
                "Hej",
                "--locale",
                "sv-SE",
                "--json",
            ],
        )
        .run());
        assert!(json(&run)["callId"].is_string(), "{}", run.context());
    }
}

/// A conference callout: the participant shows up, mute/unmute/hold/resume take effect,
/// kick removes them; a second one is hung up, a third updated and managed by leg, and
/// `kick-all` ends the conference.
#[test]
fn conference_flow() {
    for auth in AUTHS {
        let room = format!("room-{auth}");
        let id = ok(api(
            auth,
            &[
                "callout",
                "conference",
                "--to",
                "+15557654321",
                "--conference-id",
                &room,
            ],
        )
        .run())
        .stdout
        .trim()
        .to_string();
        wait_in_conference(&id, &room);

        let info = json(&ok(api(auth, &["conference", "get", &room, "--json"]).run()));
        let participant = |info: &Value| {
            info["participants"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["id"] == id.as_str()).cloned())
                .unwrap_or_else(|| panic!("{id} not in {info}"))
        };
        assert_eq!(participant(&info)["muted"], false);
        let human = ok(api(auth, &["conference", "get", &room]).run());
        assert!(human.stdout.starts_with("CALL ID"), "{}", human.context());
        assert!(human.stdout.contains(&id), "{}", human.context());

        for (verb, field, value) in [
            ("mute", "muted", true),
            ("unmute", "muted", false),
            ("hold", "onhold", true),
            ("resume", "onhold", false),
        ] {
            ok(api(auth, &["conference", verb, &room, &id]).run());
            let info = json(&ok(api(auth, &["conference", "get", &room, "--json"]).run()));
            assert_eq!(participant(&info)[field], value, "after {verb}: {info}");
        }

        // A second participant, joined with --cli, to survive the kick of the first.
        let second = ok(api(
            auth,
            &[
                "callout",
                "conference",
                "--to",
                "+15550001111",
                "--conference-id",
                &room,
                "--cli",
                "+46812345678",
            ],
        )
        .run())
        .stdout
        .trim()
        .to_string();
        wait_in_conference(&second, &room);

        ok(api(auth, &["conference", "kick", &room, &id]).run());
        let info = json(&ok(api(auth, &["conference", "get", &room, "--json"]).run()));
        assert!(
            !info["participants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == id.as_str()),
            "{id} still in {info}"
        );

        // call update / call leg on the second call, with SVAML from files.
        let say = scratch(
            &format!("say-{auth}.json"),
            br#"{"instructions":[{"name":"say","text":"Still there?","locale":"en-US"}]}"#,
        );
        ok(api(auth, &["call", "leg", &second, "callee", "--svaml", &say]).run());
        let proceed = scratch(
            &format!("continue-{auth}.json"),
            br#"{"action":{"name":"continue"}}"#,
        );
        ok(api(auth, &["call", "update", &second, "--svaml", &proceed]).run());

        ok(api(auth, &["conference", "kick-all", &room]).run());
        let gone = api(auth, &["conference", "get", &room]).run();
        assert_eq!(gone.code(), Some(3), "{}", gone.context());
        assert!(gone.stderr.contains("errorCode"), "{}", gone.context());

        // call hangup on a third participant.
        let third = ok(api(
            auth,
            &[
                "callout",
                "conference",
                "--to",
                "+15550002222",
                "--conference-id",
                &room,
            ],
        )
        .run())
        .stdout
        .trim()
        .to_string();
        wait_in_conference(&third, &room);
        let run = ok(api(auth, &["call", "hangup", &third, "--json"]).run());
        assert_eq!(json(&run)["ok"], true);
        let call = json(&ok(api(auth, &["call", "get", &third, "--json"]).run()));
        assert_eq!(call["status"], "FINAL", "{call}");
    }
}

fn wait_in_conference(id: &str, room: &str) {
    let e = emulator();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let joined = runtime.block_on(e.wait_for(id, Duration::from_secs(5), |call| {
        call.conference.as_deref() == Some(room)
    }));
    assert!(joined.is_some(), "call {id} did not join {room}");
}

#[test]
fn custom_callout_from_svaml_files() {
    let ice = scratch(
        "custom-ice.json",
        br#"{"instructions":[{"name":"say","text":"Connecting","locale":"en-US"}],
             "action":{"name":"connectPstn","number":"+15557654321","cli":"+46812345678"}}"#,
    );
    let ace = scratch("custom-ace.json", br#"{"action":{"name":"continue"}}"#);
    for auth in AUTHS {
        let run = ok(api(auth, &["callout", "custom", "--ice", &ice, "--ace", &ace]).run());
        let id = run.stdout.trim();
        assert!(!id.is_empty(), "{}", run.context());
    }
    // An ICE reply that is not valid SVAML: exit 1 with the path, nothing sent.
    let bad = scratch("custom-bad.json", br#"{"action":{"name":"frobnicate"}}"#);
    let run = api("signed", &["callout", "custom", "--ice", &bad]).run();
    assert_eq!(run.code(), Some(1), "{}", run.context());
    assert!(run.stderr.contains("action.name"), "{}", run.context());
}

#[test]
fn the_urls_sinch_voice_emulator_prints_are_used_and_named() {
    // Exported as `sinch-voice emulator` prints them, no --calling-url: the emulator is used,
    // not callingapi.sinch.com.
    let e = emulator();
    let run = sv(["-v", "numbers", "list", "--json"])
        .credentials(e.application_key(), e.application_secret())
        .env("SINCH_VOICE_CALLING_URL", e.url())
        .env("SINCH_VOICE_CONFIGURATION_URL", e.url())
        .run();
    let run = ok(run);
    assert_eq!(json(&run)["numbers"].as_array().map(Vec::len), Some(2));
    assert!(
        run.stderr.contains(&format!("sending to {}", e.url())),
        "{}",
        run.context()
    );
    // An API error names where the request went.
    let run = sv(["call", "get", "no-such-call"])
        .credentials(e.application_key(), e.application_secret())
        .env("SINCH_VOICE_CALLING_URL", e.url())
        .run();
    assert_eq!(run.code(), Some(3), "{}", run.context());
    assert!(
        run.stderr.contains(&format!("sent to    {}", e.url())),
        "{}",
        run.context()
    );
}
