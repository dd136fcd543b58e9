//! The offline tools (`sign`, `callback verify`, `callback parse`, `svaml validate`) against
//! the shared test data, and the error paths: exit codes and messages.

mod common;

use std::net::TcpListener;

use common::{data, emulator, scratch, sv};
use serde_json::Value;

fn vectors(kind: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data("signing-vectors.json")).expect("the vectors");
    let all: Vec<Value> = serde_json::from_str(&text).expect("vectors are JSON");
    let picked: Vec<Value> = all.into_iter().filter(|v| v["kind"] == kind).collect();
    assert!(!picked.is_empty(), "no {kind} vectors");
    picked
}

fn text<'v>(v: &'v Value, field: &str) -> &'v str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} of {v}"))
}

#[test]
fn sign_reproduces_every_sign_vector() {
    for v in vectors("sign") {
        let name = text(&v, "name");
        let mut args = vec![
            "sign".to_string(),
            "--method".into(),
            text(&v, "method").into(),
            "--path".into(),
            text(&v, "path").into(),
            "--timestamp".into(),
            text(&v, "timestamp").into(),
        ];
        if let Some(ct) = v["content_type"].as_str() {
            args.extend(["--content-type".into(), ct.to_string()]);
        }
        if let Some(body) = v["body"].as_str() {
            let file = scratch(&format!("sign-{name}.body"), body.as_bytes());
            args.extend(["--body".into(), file]);
        }
        let run = sv(&args)
            .credentials(text(&v, "key"), text(&v, "secret"))
            .run();
        assert_eq!(run.code(), Some(0), "{name}: {}", run.context());
        assert_eq!(
            run.stdout.trim_end(),
            text(&v, "expected_authorization"),
            "{name}"
        );

        args.push("--json".into());
        let run = sv(&args)
            .credentials(text(&v, "key"), text(&v, "secret"))
            .run();
        assert_eq!(run.code(), Some(0), "{name}: {}", run.context());
        let out: Value = serde_json::from_str(&run.stdout).expect("sign --json is JSON");
        assert_eq!(out["authorization"], v["expected_authorization"], "{name}");
        assert_eq!(out["content_md5"], v["content_md5"], "{name}");
        assert_eq!(out["string_to_sign"], v["string_to_sign"], "{name}");
    }
}

#[test]
fn sign_reads_the_body_and_the_secret_from_stdin() {
    let v = vectors("sign")
        .into_iter()
        .find(|v| v["body"].as_str().is_some_and(|b| !b.is_empty()))
        .expect("a sign vector with a body");
    let common = [
        "sign",
        "--method",
        text(&v, "method"),
        "--path",
        text(&v, "path"),
        "--timestamp",
        text(&v, "timestamp"),
        "--content-type",
        v["content_type"].as_str().unwrap_or_default(),
    ];
    let mut args: Vec<&str> = common.to_vec();
    args.extend(["--body", "-"]);
    let run = sv(&args)
        .credentials(text(&v, "key"), text(&v, "secret"))
        .stdin(text(&v, "body").as_bytes())
        .run();
    assert_eq!(run.stdout.trim_end(), text(&v, "expected_authorization"));

    let file = scratch("stdin-secret.body", text(&v, "body").as_bytes());
    let mut args: Vec<&str> = common.to_vec();
    args.extend(["--body", &file, "--secret-stdin"]);
    let run = sv(&args)
        .env("SINCH_APPLICATION_KEY", text(&v, "key"))
        .stdin(format!("{}\n", text(&v, "secret")).as_bytes())
        .run();
    assert_eq!(run.code(), Some(0), "{}", run.context());
    assert_eq!(run.stdout.trim_end(), text(&v, "expected_authorization"));
}

/// Every callback vector: `--now` is the vector's timestamp so the age check passes; the two
/// node vectors carry an `x-timestamp` that is not a timestamp (`x-timestamp:2024-...`), so
/// they run with `--no-age-check` (signature only).
#[test]
fn callback_verify_answers_every_callback_vector() {
    for v in vectors("callback") {
        let name = text(&v, "name");
        let body = scratch(
            &format!("verify-{name}.body"),
            v["body"].as_str().unwrap_or_default().as_bytes(),
        );
        let mut args = vec![
            "callback".to_string(),
            "verify".into(),
            "--method".into(),
            text(&v, "method").into(),
            "--path".into(),
            text(&v, "path").into(),
            "--body".into(),
            body,
        ];
        for (header, value) in v["headers"].as_object().expect("headers") {
            args.extend([
                "--header".into(),
                format!("{header}: {}", value.as_str().unwrap()),
            ]);
        }
        let timestamp = text(&v, "timestamp");
        if timestamp.starts_with("x-timestamp:") {
            args.push("--no-age-check".into());
        } else {
            args.extend(["--now".into(), timestamp.into()]);
        }
        let run = sv(&args)
            .credentials(text(&v, "key"), text(&v, "secret"))
            .run();
        let expected = if v["expected_valid"] == true { 0 } else { 1 };
        assert_eq!(run.code(), Some(expected), "{name}: {}", run.context());
        if expected == 1 {
            assert!(
                run.stderr.contains("not genuine: "),
                "{name}: {}",
                run.context()
            );
        }
    }
}

#[test]
fn callback_verify_checks_the_age_against_now() {
    let v = vectors("callback")
        .into_iter()
        .find(|v| v["name"] == "dotnet-callback-ace-valid")
        .expect("the dotnet ACE vector");
    let body = scratch("age.body", text(&v, "body").as_bytes());
    let mut args = vec![
        "callback".to_string(),
        "verify".into(),
        "--method".into(),
        text(&v, "method").into(),
        "--path".into(),
        text(&v, "path").into(),
        "--body".into(),
        body,
    ];
    for (header, value) in v["headers"].as_object().unwrap() {
        args.extend([
            "--header".into(),
            format!("{header}: {}", value.as_str().unwrap()),
        ]);
    }
    // Without --now: the system clock, and a 2014 timestamp is stale.
    let run = sv(&args)
        .credentials(text(&v, "key"), text(&v, "secret"))
        .run();
    assert_eq!(run.code(), Some(1), "{}", run.context());
    assert!(run.stderr.contains("old"), "{}", run.context());
}

#[test]
fn svaml_validate_accepts_every_fixture_in_its_context() {
    let mut checked = 0;
    for entry in std::fs::read_dir(data("svaml")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let contexts: &[&str] = match name.as_str() {
            "hangup_with_goodbye.json" => &["ice", "ace", "pie"],
            "ace_continue.json" => &["ace", "pie", "patch"],
            n if n.starts_with("ice_") => &["ice"],
            n if n.starts_with("ace_") => &["ace"],
            n if n.starts_with("pie_") => &["pie"],
            other => panic!("no context for {other}"),
        };
        for context in contexts {
            let file = path.to_string_lossy();
            let run = sv(["svaml", "validate", "--context", context, &file]).run();
            assert_eq!(
                run.code(),
                Some(0),
                "{name} as {context}: {}",
                run.context()
            );
            let run = sv(["svaml", "validate", "--context", context, &file, "--json"]).run();
            let out: Value = serde_json::from_str(&run.stdout).unwrap();
            assert_eq!(out["valid"], true, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} checks");
}

#[test]
fn svaml_validate_rejects_invalid_documents_with_their_paths() {
    for (context, doc, path) in [
        ("ace", r#"{"action":{"name":"park"}}"#, "action.name"),
        ("ice", r#"{"action":{"name":"frobnicate"}}"#, "action.name"),
        (
            "ice",
            r#"{"instructions":[{"name":"say","text":5}],"action":{"name":"hangup"}}"#,
            "instructions[0]",
        ),
        ("pie", r#"{"action":{"name":"hangup"}"#, "$"),
        ("patch", r#"[1,2]"#, "$"),
    ] {
        let file = scratch(&format!("bad-{context}-{}.json", doc.len()), doc.as_bytes());
        let run = sv(["svaml", "validate", "--context", context, &file]).run();
        assert_eq!(run.code(), Some(1), "{doc}: {}", run.context());
        assert!(
            run.stderr.contains(path),
            "{doc}: wants {path}: {}",
            run.context()
        );
        let run = sv(["svaml", "validate", "--context", context, &file, "--json"]).run();
        assert_eq!(run.code(), Some(1));
        let out: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["valid"], false);
        assert!(out["issues"][0]["path"].as_str().unwrap().contains(path) || path == "$");
    }
}

#[test]
fn callback_parse_accepts_every_fixture() {
    let mut checked = 0;
    for entry in std::fs::read_dir(data("callbacks")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let event = name.split('_').next().unwrap();
        let file = path.to_string_lossy();
        let run = sv(["callback", "parse", &file, "--json"]).run();
        assert_eq!(run.code(), Some(0), "{name}: {}", run.context());
        let out: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["event"], event, "{name}");
        assert!(out["callid"].is_string(), "{name}: {out}");
        let run = sv(["callback", "parse", &file]).run();
        assert_eq!(run.code(), Some(0), "{name}: {}", run.context());
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with("event ") && l.ends_with(event)),
            "{}",
            run.context()
        );
        checked += 1;
    }
    assert!(checked >= 15);
}

#[test]
fn callback_parse_says_an_unknown_event_is_kept_whole() {
    let body = r#"{"event":"incoming","callid":"c1","somethingNew":{"a":[1,2]}}"#;
    let file = scratch("unknown-event-incoming.json", body.as_bytes());
    let note = "event incoming: not a known Sinch callback event \
                (known: ice, ace, dice, pie, notify); kept whole, 3 fields";

    let run = sv(["callback", "parse", &file]).run();
    assert_eq!(run.code(), Some(0), "{}", run.context());
    assert_eq!(run.stdout.lines().next(), Some(note), "{}", run.context());
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("somethingNew.a[1]")),
        "the fields still follow: {}",
        run.context()
    );

    // With --json, stdout is the body as received and the note goes to stderr.
    let run = sv(["callback", "parse", &file, "--json"]).run();
    assert_eq!(run.code(), Some(0), "{}", run.context());
    let out: Value = serde_json::from_str(&run.stdout).expect("stdout is the event's JSON");
    assert_eq!(out, serde_json::from_str::<Value>(body).unwrap());
    assert_eq!(run.stderr.trim_end(), note, "{}", run.context());

    // A known event says nothing of the kind.
    let known = scratch(
        "known-event-ace.json",
        br#"{"event":"ace","callid":"c1","version":1}"#,
    );
    for args in [
        vec!["callback", "parse", &known],
        vec!["callback", "parse", &known, "--json"],
    ] {
        let run = sv(&args).run();
        assert_eq!(run.code(), Some(0), "{}", run.context());
        assert!(
            !run.stdout.contains("not a known") && !run.stderr.contains("not a known"),
            "{args:?}: {}",
            run.context()
        );
    }
}

#[test]
fn callback_parse_rejects_malformed_bodies_with_the_path() {
    for (doc, path) in [
        (
            r#"{"event":"pie","callid":"c1","menuResult":5}"#,
            "menuResult",
        ),
        (r#"{"callid":"c1"}"#, "event"),
        (r#"{"event":"ace","callid":"c1""#, "`$`"),
        (
            r#"{"event":"dice","callid":"c1","duration":"x"}"#,
            "`duration`",
        ),
        (r#"[]"#, "$"),
    ] {
        let file = scratch(&format!("bad-callback-{}.json", doc.len()), doc.as_bytes());
        let run = sv(["callback", "parse", &file]).run();
        assert_eq!(run.code(), Some(1), "{doc}: {}", run.context());
        assert!(
            run.stderr.contains("at `") && run.stderr.contains(path),
            "{doc}: wants {path}: {}",
            run.context()
        );
    }
}

// ------------------------------------------------------------------ errors and exit codes

#[test]
fn missing_credentials_exit_2_naming_the_variables() {
    let run = sv(["numbers", "list"]).run();
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert!(
        run.stderr.contains("SINCH_APPLICATION_KEY"),
        "{}",
        run.context()
    );
    assert!(
        run.stderr.contains("SINCH_APPLICATION_SECRET"),
        "{}",
        run.context()
    );

    let run = sv(["sign", "--method", "GET", "--path", "/", "--timestamp", "t"])
        .env("SINCH_APPLICATION_KEY", "k")
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.context());
    assert!(
        run.stderr.contains("SINCH_APPLICATION_SECRET"),
        "{}",
        run.context()
    );
}

#[test]
fn unreadable_files_exit_2_naming_the_file() {
    let missing = "/nonexistent/sinch-voice/ice.json";
    for args in [
        vec!["svaml", "validate", "--context", "ice", missing],
        vec!["callback", "parse", missing],
        vec!["callout", "custom", "--ice", missing],
        vec!["call", "update", "c1", "--svaml", missing],
    ] {
        let run = sv(&args).credentials("k", "c2VjcmV0").run();
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.context());
        assert!(run.stderr.contains(missing), "{}", run.context());
    }
}

#[test]
fn malformed_json_exits_1_with_the_path() {
    let file = scratch("malformed-update.json", br#"{"action":{"name":"hangup"},"#);
    let run = sv(["call", "update", "c1", "--svaml", &file])
        .credentials("k", "c2VjcmV0")
        .run();
    assert_eq!(run.code(), Some(1), "{}", run.context());
    assert!(run.stderr.contains(&file), "{}", run.context());
    assert!(run.stderr.contains("$"), "{}", run.context());
}

#[test]
fn unknown_region_exits_2_listing_the_regions() {
    let run = sv(["--region", "mars1", "numbers", "list"])
        .credentials("k", "c2VjcmV0")
        .run();
    assert_eq!(run.code(), Some(2), "{}", run.context());
    for key in ["global", "use1", "euc1", "sae1", "apse1", "apse2"] {
        assert!(run.stderr.contains(key), "{}", run.context());
    }
}

#[test]
fn unreachable_host_exits_4() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let run = sv([
        "--calling-url",
        &url,
        "--config-url",
        &url,
        "numbers",
        "list",
    ])
    .credentials("k", "c2VjcmV0")
    .run();
    assert_eq!(run.code(), Some(4), "{}", run.context());
    assert!(run.stderr.contains("not sent"), "{}", run.context());
}

#[test]
fn api_errors_exit_3_with_code_message_and_reference() {
    let e = emulator();
    let run = sv([
        "--calling-url",
        e.url(),
        "--config-url",
        e.url(),
        "call",
        "get",
        "nope",
    ])
    .credentials(e.application_key(), e.application_secret())
    .run();
    assert_eq!(run.code(), Some(3), "{}", run.context());
    for word in ["errorCode", "message", "reference", "40400"] {
        assert!(run.stderr.contains(word), "{}", run.context());
    }
    // Wrong credentials: the emulator refuses them (401).
    let run = sv([
        "--calling-url",
        e.url(),
        "--config-url",
        e.url(),
        "numbers",
        "list",
    ])
    .credentials(e.application_key(), "d3Jvbmc=")
    .run();
    assert_eq!(run.code(), Some(3), "{}", run.context());
}

#[test]
fn emulator_subcommand_prints_its_url_and_credentials() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(common::BINARY)
        .args(["emulator", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .take_while(|l| !l.starts_with("(ctrl-c"))
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    let text = lines.join("\n");
    assert!(lines[0].contains("http://127.0.0.1:"), "{text}");
    let url = lines[0].trim_start_matches("Sinch Voice emulator at ");
    assert_eq!(
        lines[1],
        format!("control API at {url}/_emulator/v1"),
        "{text}"
    );
    for (name, value) in [
        (
            "SINCH_APPLICATION_KEY",
            "e8d6f1a2-0b3c-4d5e-8f90-a1b2c3d4e5f6",
        ),
        ("SINCH_APPLICATION_SECRET", "ZW11bGF0b3Itc2VjcmV0IQ=="),
        ("SINCH_VOICE_CALLING_URL", url),
        ("SINCH_VOICE_CONFIGURATION_URL", url),
        ("SINCH_VOICE_EMULATOR_URL", url),
    ] {
        assert!(
            lines.contains(&format!("{name}={value}")),
            "{name} in {text}"
        );
    }
}

#[test]
fn version_names_the_crate_version_and_the_spec_digest() {
    let run = sv(["--version"]).run();
    assert_eq!(run.code(), Some(0), "{}", run.context());
    let spec = &sinch_voice::raw::SPEC_SHA256[..12];
    let corrections = &sinch_voice::raw::CORRECTIONS_SHA256[..12];
    assert_eq!(
        run.stdout.trim_end(),
        format!(
            "sinch-voice {} (spec sha256 {spec}, corrections sha256 {corrections})",
            env!("CARGO_PKG_VERSION")
        )
    );
}
