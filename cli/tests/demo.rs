//! The built `sinch-voice` binary, run as a user would: `demo` plays both calls and exits 0
//! within 30 s; usage errors exit 2.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Run, sv};

fn run(args: &[&str], limit: Duration) -> Run {
    sv(args).limit(limit).run()
}

/// `(tag, call)` of every event line, e.g. `  +0.012s  ICE   call 5eed…0001 from ...`.
fn event_lines(stdout: &str) -> BTreeSet<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [stamp, tag, "call", id, ..] if stamp.starts_with('+') && stamp.ends_with('s') => {
                    Some((tag.to_string(), id.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

#[test]
fn demo_plays_both_calls_and_exits_0() {
    let run = run(&["demo"], Duration::from_secs(30));
    let context = format!("--- stdout\n{}\n--- stderr\n{}", run.stdout, run.stderr);
    assert!(run.status.success(), "exit {:?}\n{context}", run.status);

    let events = event_lines(&run.stdout);
    let calls_with = |tag: &str| -> Vec<String> {
        events
            .iter()
            .filter(|(t, _)| t == tag)
            .map(|(_, id)| id.clone())
            .collect()
    };
    let ice = calls_with("ICE");
    let ace = calls_with("ACE");
    assert_eq!(ice.len(), 1, "one ICE (the inbound call)\n{context}");
    assert_eq!(ace.len(), 1, "one ACE (the callout)\n{context}");
    let (inbound, callout) = (&ice[0], &ace[0]);
    assert_ne!(inbound, callout, "two different calls\n{context}");
    for call in [inbound, callout] {
        for tag in ["PIE", "DiCE"] {
            assert!(
                events.contains(&(tag.to_string(), call.clone())),
                "no {tag} line for call {call}\n{context}"
            );
        }
    }
    // Each event line comes with the reply the IVR gave.
    assert!(
        run.stdout
            .contains("reply: setCookie flow=acme-ivr · say \"Welcome to Acme\" · runMenu main [1→sales, 2→goodbye]"),
        "{context}"
    );
    assert!(
        run.stdout
            .contains("reply: say \"Connecting you to sales\" · connectConf sales"),
        "{context}"
    );
    assert!(
        run.stdout.contains("reply: say \"Goodbye\" · hangup"),
        "{context}"
    );
    assert!(
        run.stdout.contains("get_conference sales: 1 participant"),
        "{context}"
    );

    let summary = run
        .stdout
        .split("\nSummary\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no summary\n{context}"));
    assert!(summary.contains("calls    2"), "{context}");
    assert!(summary.contains("ICE → PIE → DiCE (3 events)"), "{context}");
    assert!(summary.contains("ACE → PIE → DiCE (3 events)"), "{context}");
    assert!(summary.contains("joined conference sales"), "{context}");
    assert!(summary.contains("say (en-US): Goodbye"), "{context}");
    assert!(summary.contains("total    6 events in"), "{context}");
    assert!(run.stderr.is_empty(), "nothing on stderr\n{context}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let run = run(&["frobnicate"], Duration::from_secs(10));
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown command \"frobnicate\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("usage: sinch-voice"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn no_subcommand_and_stray_arguments_are_usage_errors() {
    for args in [&[][..], &["demo", "--fast"][..], &["--verbose"][..]] {
        let run = run(args, Duration::from_secs(10));
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("usage: sinch-voice"), "{}", run.stderr);
    }
}

#[test]
fn help_goes_to_stdout_and_exits_0() {
    for args in [&["--help"][..], &["-h"][..], &["demo", "--help"][..]] {
        let run = run(args, Duration::from_secs(10));
        assert!(run.status.success(), "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("usage: sinch-voice"), "{}", run.stdout);
        assert!(run.stdout.contains("demo"), "{}", run.stdout);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
}
