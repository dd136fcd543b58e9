//! Typed parsing of callback bodies (callbacks.md §2-§7) through both entries,
//! [`CallbackEvent::parse`] (borrowing) and [`CallbackEvent::parse_owned`], which must always
//! agree.
//!
//! * Every fixture of `tests/data/callbacks/` (read at run time) parses to the variant its name
//!   prefix gives, with its key fields checked one by one. A fixture without its own checks
//!   below fails, so a new file forces new assertions.
//! * Leniency the platform needs: `callId` alias, unknown fields ignored, unknown enum values
//!   kept, enums in any case, timestamps with or without offset and with 7 fractional digits,
//!   64-bit integers, a 2 MiB body.
//! * Rejections name the field (`ParseError::path`), or `$` for a body that is not a JSON
//!   object at all.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use sinch_voice::callbacks::{
    AmdReason, AmdStatus, CallEndReason, CallResult, CallbackEvent, DestinationType, Domain,
    InputMethod, MenuResultType, NotifyType, ParseError, Timestamp,
};

// ------------------------------------------------------------------ helpers

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/callbacks")
}

/// Every `*.json` of the fixture directory, sorted, with its stem.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = fixture_dir();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let bytes =
                std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            (stem, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// Parses through both entries, which must agree; returns the borrowed one.
fn parse_both(body: &[u8]) -> CallbackEvent<'_> {
    let borrowed = CallbackEvent::parse(body)
        .unwrap_or_else(|e| panic!("parse rejected {}: {e}", String::from_utf8_lossy(body)));
    let owned = CallbackEvent::parse_owned(body).unwrap_or_else(|e| {
        panic!(
            "parse_owned rejected {}: {e}",
            String::from_utf8_lossy(body)
        )
    });
    assert_eq!(borrowed, owned, "parse and parse_owned disagree");
    borrowed
}

/// Both entries reject `body` with `path`; the problem otherwise.
fn rejection(body: &[u8], path: &str) -> Result<(), String> {
    let shown = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    let borrowed: Result<_, ParseError> = CallbackEvent::parse(body);
    let owned: Result<_, ParseError> = CallbackEvent::parse_owned(body);
    match (&borrowed, &owned) {
        (Err(b), Err(o)) if b.path == path && o.path == path => {
            assert!(!b.message.is_empty() && !o.message.is_empty());
            assert!(b.to_string().contains(path), "{b}");
            Ok(())
        }
        (Err(b), Err(o)) => Err(format!(
            "{shown:?}: expected `{path}`, parse says `{}` ({}), parse_owned says `{}` ({})",
            b.path, b.message, o.path, o.message
        )),
        _ => Err(format!(
            "{shown:?}: expected both to reject at `{path}`: parse {borrowed:?}, parse_owned {owned:?}"
        )),
    }
}

/// Both entries reject `body` with `path`.
#[track_caller]
fn assert_rejected(body: &[u8], path: &str) {
    if let Err(problem) = rejection(body, path) {
        panic!("{problem}");
    }
}

/// Every case is rejected at its path; lists every case that is not.
#[track_caller]
fn assert_all_rejected(cases: &[(&[u8], &str)]) {
    let problems: Vec<String> = cases
        .iter()
        .filter_map(|(body, path)| rejection(body, path).err())
        .collect();
    assert!(
        problems.is_empty(),
        "{} of {} cases wrong:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

fn variant(event: &CallbackEvent<'_>) -> &'static str {
    match event {
        CallbackEvent::Ice(_) => "ice",
        CallbackEvent::Ace(_) => "ace",
        CallbackEvent::Dice(_) => "dice",
        CallbackEvent::Pie(_) => "pie",
        CallbackEvent::Notify(_) => "notify",
        _ => "another variant",
    }
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<Timestamp> {
    Some(Timestamp(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()))
}

fn text<'x>(value: &'x Option<Cow<'_, str>>) -> Option<&'x str> {
    value.as_deref()
}

const APP_KEY: Option<&str> = Some("5f2a8c1e-93b4-4d7a-8e21-c0d94b6a7f13");

// ------------------------------------------------------------------ fixtures

/// The key fields of one fixture; panics for a fixture without checks.
fn check_fixture(stem: &str, event: &CallbackEvent<'_>) {
    match (stem, event) {
        ("ice_pstn", CallbackEvent::Ice(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 9, 26, 53));
            assert_eq!(e.version, Some(1));
            assert_eq!(text(&e.custom), Some(""));
            assert_eq!(text(&e.application_key), APP_KEY);
            assert_eq!(
                text(&e.call_resource_url),
                Some(
                    "https://calling-euc1.api.sinch.com/calling/v1/calls/id/b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b"
                )
            );
            let to = e.to.as_ref().expect("to");
            assert_eq!(to.kind, Some(DestinationType::Did));
            assert_eq!(to.endpoint, "+46812345678");
            assert_eq!(e.domain, Some(Domain::Pstn));
            // Upper case on the wire.
            assert_eq!(e.origination_type, Some(Domain::Pstn));
            assert_eq!(text(&e.cli), Some("46701234567"));
            let rate = e.user_rate.as_ref().expect("userRate");
            assert_eq!(text(&rate.currency_id), Some("EUR"));
            assert_eq!(rate.amount, Some(0.0));
            assert_eq!(e.duration, Some(0));
            assert_eq!(text(&e.rdnis), Some(""));
            assert!(e.call_headers.is_empty());
            assert_eq!(e.user, None);
            assert_eq!(e.conference_id, None);
        }
        ("ice_app_user_to_pstn", CallbackEvent::Ice(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("0c3f7a52-6e1b-4b8e-9d44-1a2b3c4d5e6f")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 10, 2, 11));
            assert_eq!(
                text(&e.custom),
                Some(r#"{"orderId":"A-1042","tier":"gold"}"#)
            );
            let to = e.to.as_ref().expect("to");
            assert_eq!(to.kind, Some(DestinationType::Number));
            assert_eq!(to.endpoint, "+14045005000");
            assert_eq!(e.domain, Some(Domain::Pstn));
            assert_eq!(e.origination_type, Some(Domain::Mxp));
            assert_eq!(text(&e.cli), Some("+14045001000"));
            let rate = e.user_rate.as_ref().expect("userRate");
            assert_eq!(text(&rate.currency_id), Some("USD"));
            assert_eq!(rate.amount, Some(0.0118));
            let headers: Vec<(Option<&str>, Option<&str>)> = e
                .call_headers
                .iter()
                .map(|h| (text(&h.key), text(&h.value)))
                .collect();
            assert_eq!(
                headers,
                [
                    (Some("orderId"), Some("A-1042")),
                    (Some("tier"), Some("gold"))
                ]
            );
            assert_eq!(e.duration, None);
            assert_eq!(e.rdnis, None);
        }
        ("ice_app_user_to_app_user", CallbackEvent::Ice(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("91d5e0b4-2c7a-4f38-a6e9-5b0c8d7e6f1a")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 10, 15, 40));
            let to = e.to.as_ref().expect("to");
            assert_eq!(to.kind, Some(DestinationType::Username));
            assert_eq!(to.endpoint, "bob");
            assert_eq!(e.domain, Some(Domain::Mxp));
            assert_eq!(e.origination_type, Some(Domain::Mxp));
            assert_eq!(text(&e.cli), Some("alice"));
            assert_eq!(
                e.user_rate.as_ref().and_then(|r| r.amount),
                Some(0.0),
                "userRate.amount"
            );
            assert!(e.call_headers.is_empty());
        }
        ("ace_amd_machine", CallbackEvent::Ace(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("4f1e2d3c-b5a6-4798-8a9b-0c1d2e3f4a5b")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 11, 0, 7));
            assert_eq!(text(&e.custom), Some("campaign=spring-renewals"));
            assert_eq!(text(&e.application_key), APP_KEY);
            let amd = e.amd.as_ref().expect("amd");
            assert_eq!(amd.status, Some(AmdStatus::Machine));
            assert_eq!(amd.reason, Some(AmdReason::LongGreeting));
            assert_eq!(amd.duration, Some(4));
        }
        ("ace_plain", CallbackEvent::Ace(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 9, 27, 5));
            assert_eq!(e.version, Some(1));
            assert_eq!(text(&e.custom), Some(""));
            assert_eq!(e.amd, None);
            assert_eq!(e.call_resource_url, None);
        }
        ("dice_answered", CallbackEvent::Dice(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 9, 31, 44));
            assert_eq!(e.reason, Some(CallEndReason::CalleeHangup));
            assert_eq!(e.result, Some(CallResult::Answered));
            let debit = e.debit.as_ref().expect("debit");
            assert_eq!(text(&debit.currency_id), Some("EUR"));
            assert_eq!(debit.amount, Some(0.0452));
            let rate = e.user_rate.as_ref().expect("userRate");
            assert_eq!(text(&rate.currency_id), Some("EUR"));
            assert_eq!(rate.amount, Some(0.0095));
            let to = e.to.as_ref().expect("to");
            assert_eq!(to.kind, Some(DestinationType::Number));
            assert_eq!(to.endpoint, "+46709876543");
            assert_eq!(e.duration, Some(279));
            assert_eq!(text(&e.from), Some("46701234567"));
            assert!(e.call_headers.is_empty());
        }
        ("dice_no_answer", CallbackEvent::Dice(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("4f1e2d3c-b5a6-4798-8a9b-0c1d2e3f4a5b")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 11, 1, 2));
            assert_eq!(e.reason, Some(CallEndReason::Timeout));
            assert_eq!(e.result, Some(CallResult::NoAnswer));
            let debit = e.debit.as_ref().expect("debit");
            assert_eq!(text(&debit.currency_id), Some("USD"));
            // An integer `0` on the wire is still an amount.
            assert_eq!(debit.amount, Some(0.0));
            assert_eq!(e.user_rate.as_ref().and_then(|r| r.amount), Some(0.013));
            assert_eq!(e.to.as_ref().map(|t| &*t.endpoint), Some("+14045005000"));
            assert_eq!(e.duration, Some(0));
            assert_eq!(text(&e.from), Some("+14045001000"));
        }
        ("pie_dtmf_return", CallbackEvent::Pie(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("b7e6c1d2a9f04e3c8d5b2a1f0e9d8c7b")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 9, 27, 19));
            let menu = e.menu_result.as_ref().expect("a menu result");
            assert_eq!(text(&menu.menu_id), Some("main"));
            assert_eq!(menu.kind, Some(MenuResultType::Return));
            assert_eq!(text(&menu.value), Some("sales"));
            assert_eq!(menu.input_method, Some(InputMethod::Dtmf));
        }
        ("pie_dtmf_sequence", CallbackEvent::Pie(e)) => {
            assert_eq!(e.timestamp, at(2025, 3, 14, 9, 27, 41));
            let menu = e.menu_result.as_ref().expect("a menu result");
            assert_eq!(text(&menu.menu_id), Some("pin"));
            assert_eq!(menu.kind, Some(MenuResultType::Sequence));
            // Digits are text: the leading zero stays.
            assert_eq!(text(&menu.value), Some("0427"));
            assert_eq!(menu.input_method, Some(InputMethod::Dtmf));
        }
        ("pie_voice_return", CallbackEvent::Pie(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")
            );
            assert_eq!(e.timestamp, at(2025, 3, 14, 12, 40, 3));
            let menu = e.menu_result.as_ref().expect("a menu result");
            assert_eq!(menu.kind, Some(MenuResultType::Return));
            assert_eq!(text(&menu.value), Some("support"));
            assert_eq!(menu.input_method, Some(InputMethod::Voice));
        }
        ("pie_timeout", CallbackEvent::Pie(e)) => {
            assert_eq!(e.timestamp, at(2025, 3, 14, 12, 40, 30));
            let menu = e.menu_result.as_ref().expect("a menu result");
            assert_eq!(text(&menu.menu_id), Some("main"));
            assert_eq!(menu.kind, Some(MenuResultType::Timeout));
            assert_eq!(text(&menu.value), Some(""));
            assert_eq!(menu.input_method, Some(InputMethod::Dtmf));
        }
        ("pie_conference_dtmf_detect", CallbackEvent::Pie(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7")
            );
            assert_eq!(text(&e.conference_id), Some("team-standup"));
            assert_eq!(e.timestamp, at(2025, 3, 14, 13, 5, 12));
            let menu = e.menu_result.as_ref().expect("a menu result");
            assert_eq!(text(&menu.menu_id), Some("team-standup"));
            assert_eq!(menu.kind, Some(MenuResultType::Sequence));
            assert_eq!(text(&menu.value), Some("5"));
            assert_eq!(menu.input_method, Some(InputMethod::Dtmf));
        }
        ("notify_recording_finished", CallbackEvent::Notify(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7")
            );
            assert_eq!(e.kind, Some(NotifyType::RecordingFinished));
            assert_eq!(e.destination, None);
            assert_eq!(e.timestamp, None);
            assert_eq!(e.version, Some(1));
        }
        ("notify_recording_available", CallbackEvent::Notify(e)) => {
            assert_eq!(e.kind, Some(NotifyType::RecordingAvailable));
            assert_eq!(
                text(&e.destination),
                Some(
                    "s3://acme-call-recordings/2025/03/14/e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7.mp3"
                )
            );
        }
        ("notify_amd_beep", CallbackEvent::Notify(e)) => {
            assert_eq!(
                e.callid.as_deref(),
                Some("4f1e2d3c-b5a6-4798-8a9b-0c1d2e3f4a5b")
            );
            assert_eq!(e.kind, Some(NotifyType::AmdBeep));
            let amd = e.amd.as_ref().expect("amd");
            assert_eq!(amd.status, Some(AmdStatus::Machine));
            assert_eq!(amd.reason, Some(AmdReason::Beep));
            assert_eq!(amd.duration, Some(9));
        }
        (stem, event) => panic!(
            "fixture {stem}.json: no field checks for it here (or it parsed to {:?}); add them",
            variant(event)
        ),
    }
}

#[test]
fn every_fixture_parses_to_its_variant_with_its_fields() {
    let files = fixtures();
    let mut checked = 0;
    for (stem, bytes) in &files {
        let event = parse_both(bytes);
        let prefix = stem.split('_').next().unwrap();
        assert_eq!(variant(&event), prefix, "{stem}.json: variant");
        assert_eq!(event.name(), prefix, "{stem}.json: name()");
        assert!(
            event.callid().is_some_and(|id| !id.is_empty()),
            "{stem}.json: callid"
        );
        check_fixture(stem, &event);
        checked += 1;
    }
    assert_eq!(checked, files.len());
    eprintln!("callback_events: {checked} fixtures checked");
}

#[test]
fn parse_borrows_and_parse_owned_owns() {
    for (stem, bytes) in fixtures() {
        let borrowed = CallbackEvent::parse(&bytes).unwrap();
        let owned = CallbackEvent::parse_owned(&bytes).unwrap();
        let callid = |event: &CallbackEvent<'_>| match event {
            CallbackEvent::Ice(e) => matches!(e.callid, Some(Cow::Borrowed(_))),
            CallbackEvent::Ace(e) => matches!(e.callid, Some(Cow::Borrowed(_))),
            CallbackEvent::Dice(e) => matches!(e.callid, Some(Cow::Borrowed(_))),
            CallbackEvent::Pie(e) => matches!(e.callid, Some(Cow::Borrowed(_))),
            CallbackEvent::Notify(e) => matches!(e.callid, Some(Cow::Borrowed(_))),
            _ => unreachable!(),
        };
        assert!(callid(&borrowed), "{stem}: parse should borrow callid");
        assert!(!callid(&owned), "{stem}: parse_owned should own callid");
    }
    // The owned event outlives its body.
    let event = {
        let body = br#"{"event":"ace","callid":"gone"}"#.to_vec();
        CallbackEvent::parse_owned(&body).unwrap()
    };
    assert_eq!(event.callid(), Some("gone"));
}

// ------------------------------------------------------------------ leniency

#[test]
fn call_id_alias_is_accepted() {
    let event = parse_both(br#"{"event":"dice","callId":"from-the-spec-examples"}"#);
    assert_eq!(event.callid(), Some("from-the-spec-examples"));
    assert!(matches!(event, CallbackEvent::Dice(_)));
}

#[test]
fn unknown_fields_are_ignored() {
    let body = br#"{
        "event": "pie", "callid": "c1", "cookies": [{"key": "k", "value": "v"}],
        "reference": null, "delayed": false, "nested": {"deep": [1, 2.5, "x", {"y": null}]},
        "menuResult": {"menuId": "main", "type": "return", "value": "sales",
                       "inputMethod": "dtmf", "addToContext": []},
        "futureField": 12345678901234567890
    }"#;
    let CallbackEvent::Pie(pie) = parse_both(body) else {
        panic!("a PIE")
    };
    assert_eq!(pie.callid.as_deref(), Some("c1"));
    assert_eq!(
        pie.menu_result.as_ref().unwrap().kind,
        Some(MenuResultType::Return)
    );
    assert_eq!(
        text(&pie.menu_result.as_ref().unwrap().value),
        Some("sales")
    );
}

#[test]
fn unknown_enum_values_are_kept() {
    let body = br#"{"event":"dice","callid":"c","reason":"SOMETHINGNEW","result":"MAYBE",
        "to":{"type":"whatsapp","endpoint":"x"}}"#;
    let CallbackEvent::Dice(dice) = parse_both(body) else {
        panic!("a DiCE")
    };
    assert_eq!(
        dice.reason,
        Some(CallEndReason::Unknown("SOMETHINGNEW".to_string()))
    );
    assert_eq!(dice.result, Some(CallResult::Unknown("MAYBE".to_string())));
    assert_eq!(
        dice.to.unwrap().kind,
        Some(DestinationType::Unknown("whatsapp".to_string()))
    );

    let body = br#"{"event":"notify","callid":"c","type":"something_else",
        "amd":{"status":"inprogress","reason":"why-not"}}"#;
    let CallbackEvent::Notify(notify) = parse_both(body) else {
        panic!("a Notify")
    };
    assert_eq!(
        notify.kind,
        Some(NotifyType::Unknown("something_else".to_string()))
    );
    let amd = notify.amd.unwrap();
    assert_eq!(
        amd.status,
        Some(AmdStatus::Unknown("inprogress".to_string()))
    );
    assert_eq!(amd.reason, Some(AmdReason::Unknown("why-not".to_string())));

    let body = br#"{"event":"ice","callid":"c","domain":"server","originationType":"SIP"}"#;
    let CallbackEvent::Ice(ice) = parse_both(body) else {
        panic!("an ICE")
    };
    assert_eq!(ice.domain, Some(Domain::Unknown("server".to_string())));
    assert_eq!(ice.origination_type, Some(Domain::Sip));

    let body = br#"{"event":"pie","callid":"c","menuResult":{"type":"gesture","inputMethod":"telepathy"}}"#;
    let CallbackEvent::Pie(pie) = parse_both(body) else {
        panic!("a PIE")
    };
    assert_eq!(
        pie.menu_result.as_ref().unwrap().kind,
        Some(MenuResultType::Unknown("gesture".to_string()))
    );
    assert_eq!(
        pie.menu_result.as_ref().unwrap().input_method,
        Some(InputMethod::Unknown("telepathy".to_string()))
    );
}

#[test]
fn enums_are_read_in_any_case() {
    let body = br#"{"event":"ice","callid":"c","domain":"PSTN","originationType":"mXp",
        "to":{"type":"Username","endpoint":"bob"}}"#;
    let CallbackEvent::Ice(ice) = parse_both(body) else {
        panic!("an ICE")
    };
    assert_eq!(ice.domain, Some(Domain::Pstn));
    assert_eq!(ice.origination_type, Some(Domain::Mxp));
    assert_eq!(ice.to.unwrap().kind, Some(DestinationType::Username));

    let body = br#"{"event":"dice","callid":"c","reason":"calleeHangup","result":"answered"}"#;
    let CallbackEvent::Dice(dice) = parse_both(body) else {
        panic!("a DiCE")
    };
    assert_eq!(dice.reason, Some(CallEndReason::CalleeHangup));
    assert_eq!(dice.result, Some(CallResult::Answered));
}

#[test]
fn timestamps_with_and_without_offsets_and_seven_digits() {
    let timestamp = |value: &str| {
        let body = format!(r#"{{"event":"ace","callid":"c","timestamp":"{value}"}}"#);
        let event = CallbackEvent::parse_owned(body.as_bytes()).unwrap();
        assert_eq!(event, CallbackEvent::parse(body.as_bytes()).unwrap());
        let CallbackEvent::Ace(ace) = event else {
            panic!("an ACE")
        };
        ace.timestamp.expect("a timestamp").0
    };
    let utc = Utc.with_ymd_and_hms(2025, 3, 14, 9, 26, 53).unwrap();
    assert_eq!(timestamp("2025-03-14T09:26:53Z"), utc);
    assert_eq!(timestamp("2025-03-14T11:26:53+02:00"), utc);
    assert_eq!(timestamp("2025-03-14T04:26:53-05:00"), utc);
    assert_eq!(timestamp("2025-03-14T09:26:53+00:00"), utc);
    // No offset: UTC.
    assert_eq!(timestamp("2025-03-14T09:26:53"), utc);

    let seven = timestamp("2024-01-19T09:19:28.9372196Z");
    assert_eq!(
        seven,
        Utc.with_ymd_and_hms(2024, 1, 19, 9, 19, 28).unwrap()
            + chrono::TimeDelta::nanoseconds(937_219_600)
    );
    let six_with_offset = timestamp("2024-01-19T09:19:28.937219+00:00");
    assert_eq!(
        six_with_offset,
        Utc.with_ymd_and_hms(2024, 1, 19, 9, 19, 28).unwrap()
            + chrono::TimeDelta::nanoseconds(937_219_000)
    );
    let naive_fraction = timestamp("2024-01-19T09:19:28.5");
    assert_eq!(
        naive_fraction,
        Utc.with_ymd_and_hms(2024, 1, 19, 9, 19, 28).unwrap()
            + chrono::TimeDelta::milliseconds(500)
    );
}

#[test]
fn sixty_four_bit_integers() {
    let body = br#"{"event":"ice","callid":"c","duration":9000000000,"version":9000000001}"#;
    let CallbackEvent::Ice(ice) = parse_both(body) else {
        panic!("an ICE")
    };
    assert_eq!(ice.duration, Some(9_000_000_000));
    assert_eq!(ice.version, Some(9_000_000_001));

    let body = br#"{"event":"dice","callid":"c","duration":9000000000}"#;
    let CallbackEvent::Dice(dice) = parse_both(body) else {
        panic!("a DiCE")
    };
    assert_eq!(dice.duration, Some(9_000_000_000));

    let body = br#"{"event":"notify","callid":"c","type":"amd","errorCode":9000000000,
        "amd":{"duration":-9000000000}}"#;
    let CallbackEvent::Notify(notify) = parse_both(body) else {
        panic!("a Notify")
    };
    assert_eq!(notify.error_code, Some(9_000_000_000));
    assert_eq!(notify.amd.unwrap().duration, Some(-9_000_000_000));

    // Past i64: a number of the wrong type, at its field.
    assert_rejected(
        br#"{"event":"ice","callid":"c","duration":18446744073709551616}"#,
        "duration",
    );
}

#[test]
fn null_optional_fields_read_as_absent() {
    let body = br#"{"event":"ice","callid":"c","cli":null,"to":null,"domain":null,
        "callHeaders":null,"custom":null,"timestamp":null,"duration":null}"#;
    let CallbackEvent::Ice(ice) = parse_both(body) else {
        panic!("an ICE")
    };
    assert_eq!(ice.cli, None);
    assert_eq!(ice.to, None);
    assert_eq!(ice.domain, None);
    assert!(ice.call_headers.is_empty());
    assert_eq!(ice.custom, None);
    assert_eq!(ice.timestamp, None);
    assert_eq!(ice.duration, None);
}

#[test]
fn escaped_strings_are_decoded() {
    let body = br#"{"event":"ace","callid":"a\"b\\c\u00e9\ud83d\ude00","custom":"line\nbreak"}"#;
    let CallbackEvent::Ace(ace) = parse_both(body) else {
        panic!("an ACE")
    };
    assert_eq!(ace.callid.as_deref(), Some("a\"b\\c\u{e9}\u{1F600}"));
    assert_eq!(text(&ace.custom), Some("line\nbreak"));
}

#[test]
fn a_two_mebibyte_body_parses() {
    let huge = "x".repeat(2 * 1024 * 1024);
    let body = format!(r#"{{"event":"ace","callid":"c","custom":"{huge}","ignored":"{huge}"}}"#);
    let CallbackEvent::Ace(ace) = parse_both(body.as_bytes()) else {
        panic!("an ACE")
    };
    assert_eq!(ace.custom.as_deref().map(str::len), Some(huge.len()));

    // The same size of error: a 2 MiB value of the wrong type.
    let body = format!(r#"{{"event":"ace","callid":"c","version":"{huge}"}}"#);
    assert_rejected(body.as_bytes(), "version");
}

#[test]
fn deep_nesting_does_not_crash() {
    let depth = 100_000;
    let nest = |inner: &str| format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth));
    // In an ignored field: skipped (serde_json skips values without recursion).
    let body = format!(r#"{{"event":"ace","callid":"c","x":{}}}"#, nest(""));
    assert_eq!(parse_both(body.as_bytes()).callid(), Some("c"));
    // In a typed field: an error at that field, never a stack overflow.
    for field in ["to", "callHeaders", "custom", "amd"] {
        let body = format!(r#"{{"event":"ice","callid":"c","{field}":{}}}"#, nest("1"));
        let borrowed = CallbackEvent::parse(body.as_bytes()).expect_err(field);
        let owned = CallbackEvent::parse_owned(body.as_bytes()).expect_err(field);
        assert_eq!(borrowed.path, owned.path, "{field}");
        assert!(borrowed.path.starts_with(field), "{field}: {borrowed}");
    }
    // Deep objects in an ignored field, and an unterminated deep nest.
    let body = format!(
        r#"{{"event":"ace","callid":"c","x":{}1{}}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    );
    assert_eq!(parse_both(body.as_bytes()).callid(), Some("c"));
    let body = format!(r#"{{"event":"ace","callid":"c","x":{}"#, "[".repeat(depth));
    assert!(CallbackEvent::parse(body.as_bytes()).is_err());
    assert!(CallbackEvent::parse_owned(body.as_bytes()).is_err());
}

// ------------------------------------------------------------------ rejections

#[test]
fn only_the_event_name_is_required() {
    assert_rejected(br#"{"callid":"c"}"#, "event");
    assert_rejected(br#"{}"#, "event");
    assert_rejected(br#"{"event":null,"callid":"c"}"#, "event");
    // What the vendor's schema accepts parses: every other field may be absent.
    for body in [
        &br#"{"event":"ice"}"#[..],
        br#"{"event":"ice","callid":null}"#,
        br#"{"event":"ace"}"#,
        br#"{"event":"pie","callid":"c"}"#,
        br#"{"event":"pie","callid":"c","menuResult":null}"#,
        br#"{"event":"pie","callid":"c","menuResult":{"menuId":"main"}}"#,
        br#"{"event":"notify"}"#,
        br#"{"event":"notify","type":"recording_available"}"#,
        br#"{"event":"notify","callid":"c","type":null}"#,
        br#"{"event":"dice"}"#,
    ] {
        let event = parse_both(body);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&serde_json::to_vec(&event).unwrap())
                .unwrap(),
            serde_json::from_slice::<serde_json::Value>(body)
                .unwrap()
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<serde_json::Map<_, _>>()
                .into_iter()
                .collect::<serde_json::Value>(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // A conference recording's Notify names the conference, not a call.
    let event = parse_both(
        br#"{"event":"notify","conferenceId":"standup","type":"recording_available","destination":"s3://b/f.mp3"}"#,
    );
    assert_eq!(event.callid(), None);
    let CallbackEvent::Notify(notify) = event else {
        panic!("a Notify")
    };
    assert_eq!(notify.conference_id.as_deref(), Some("standup"));
}

#[test]
fn unknown_events_are_kept_whole() {
    for body in [
        &br#"{"event":"bye","callid":"c"}"#[..],
        br#"{"event":"","callid":"c"}"#,
        br#"{"event":"VerificationResultEvent","callid":"c","to":"not an object","x":[1,{"y":2}]}"#,
        // The event name is not an open enum: upper case is not one of the five.
        br#"{"event":"ICE","callid":"c"}"#,
    ] {
        let event = parse_both(body);
        let CallbackEvent::Unknown(unknown) = &event else {
            panic!("{event:?}")
        };
        assert_eq!(event.callid(), Some("c"));
        assert_eq!(unknown.body.get().as_bytes(), body);
        assert_eq!(serde_json::to_vec(&event).unwrap(), body);
    }
}

#[test]
fn an_empty_callid_is_not_a_call() {
    // A callback names its call; "" names none (the fuzz property "every Ok parse has a
    // non-empty callid" holds only if this is rejected).
    assert_rejected(br#"{"event":"ace","callid":""}"#, "callid");
    assert_rejected(br#"{"event":"dice","callId":""}"#, "callid");
}

#[test]
fn wrong_types_are_named() {
    let cases: &[(&[u8], &str)] = &[
        (
            br#"{"event":"ice","callid":"c","duration":"x"}"#,
            "duration",
        ),
        (
            br#"{"event":"dice","callid":"c","duration":1.5}"#,
            "duration",
        ),
        (br#"{"event":"ice","callid":"c","to":"+46701234567"}"#, "to"),
        (
            br#"{"event":"ice","callid":"c","to":{"type":"number"}}"#,
            "to",
        ),
        (
            br#"{"event":"ice","callid":"c","to":{"type":"number","endpoint":5}}"#,
            "to.endpoint",
        ),
        (
            br#"{"event":"pie","callid":"c","menuResult":{"type":5}}"#,
            "menuResult.type",
        ),
        (
            br#"{"event":"pie","callid":"c","menuResult":{"type":"return","value":427}}"#,
            "menuResult.value",
        ),
        (
            br#"{"event":"pie","callid":"c","menuResult":"return"}"#,
            "menuResult",
        ),
        (
            br#"{"event":"ice","callid":"c","callHeaders":{"key":"a","value":"b"}}"#,
            "callHeaders",
        ),
        (
            br#"{"event":"ice","callid":"c","callHeaders":"a=b"}"#,
            "callHeaders",
        ),
        (
            br#"{"event":"ice","callid":"c","callHeaders":[{"key":1}]}"#,
            "callHeaders[0].key",
        ),
        (
            br#"{"event":"ace","callid":"c","timestamp":"yesterday"}"#,
            "timestamp",
        ),
        (
            br#"{"event":"ace","callid":"c","timestamp":1710408413}"#,
            "timestamp",
        ),
        (
            br#"{"event":"ace","callid":"c","timestamp":"2025-13-14T09:26:53Z"}"#,
            "timestamp",
        ),
        (br#"{"event":"ace","callid":5}"#, "callid"),
        (br#"{"event":7,"callid":"c"}"#, "event"),
        (
            br#"{"event":"ace","callid":"c","amd":{"duration":"4"}}"#,
            "amd.duration",
        ),
        (
            br#"{"event":"ace","callid":"c","amd":{"status":true}}"#,
            "amd.status",
        ),
        (br#"{"event":"dice","callid":"c","reason":3}"#, "reason"),
        (
            br#"{"event":"dice","callid":"c","debit":{"amount":"0.1"}}"#,
            "debit.amount",
        ),
        (br#"{"event":"notify","callid":"c","type":["amd"]}"#, "type"),
        (
            br#"{"event":"notify","callid":"c","type":"x","errorCode":"40001"}"#,
            "errorCode",
        ),
        (br#"{"event":"ace","callid":"c","version":"1"}"#, "version"),
    ];
    assert_all_rejected(cases);
}

#[test]
fn nested_objects_are_not_read_from_arrays() {
    // serde reads a struct from a JSON array too (fields in order); `require_object` stops
    // that for the body, but the nested objects (`to`, `userRate`, `debit`, `amd`,
    // `menuResult`, call headers) are objects on the wire as well.
    assert_all_rejected(&[
        (
            br#"{"event":"dice","callid":"c","userRate":[]}"#,
            "userRate",
        ),
        (
            br#"{"event":"dice","callid":"c","debit":["EUR",0.5]}"#,
            "debit",
        ),
        (
            br#"{"event":"ice","callid":"c","to":["number","+46701234567"]}"#,
            "to",
        ),
        (
            br#"{"event":"ace","callid":"c","amd":["machine","beep",4]}"#,
            "amd",
        ),
        (
            br#"{"event":"pie","callid":"c","menuResult":["main","return","sales"]}"#,
            "menuResult",
        ),
        (
            br#"{"event":"ice","callid":"c","callHeaders":[["k","v"]]}"#,
            "callHeaders[0]",
        ),
    ]);
}

#[test]
fn malformed_json_is_the_whole_body() {
    let cases: &[&[u8]] = &[
        br#"{"event":"ice","callid":"c""#,
        br#"{"event":"ice","callid":"c","#,
        br#"{"event":"ice","callid":"c"#,
        br#"{"event":"ice","callid":"#,
        br#"{"event":"ice","#,
        br#"{"event""#,
        br#"{"#,
        br#"{"event":"ice","callid":"c",}"#,
        br#"{"event":"ice" "callid":"c"}"#,
        br#"{event:"ice",callid:"c"}"#,
        br#"{'event':'ice','callid':'c'}"#,
        br#"{"event":"ice","callid":"c","duration":12x}"#,
        br#"{"event":"ice","callid":"c","duration":tru}"#,
        br#"{"event":"ice","callid":"bad \q escape"}"#,
        br#"{"event":"ice","callid":"c"}}"#,
        br#"{"event":"ice","callid":"c"} trailing"#,
        br#"{"event":"ice","callid":"c"}{"event":"ace","callid":"d"}"#,
        br#"{"event":"ice","callid":"c"},"#,
        b"{\"event\":\"ice\",\"callid\":\"c\"}\0",
        b"{\"event\":\"ice\",\"callid\":\"raw\ncontrol\"}",
    ];
    let cases: Vec<(&[u8], &str)> = cases.iter().map(|body| (*body, "$")).collect();
    assert_all_rejected(&cases);
    // Whitespace around a valid body is fine.
    parse_both(b" \n\t{\"event\":\"ace\",\"callid\":\"c\"} \r\n");
}

#[test]
fn every_truncation_of_every_fixture_is_the_whole_body() {
    let mut prefixes = 0;
    let mut problems = Vec::new();
    for (stem, bytes) in fixtures() {
        let end = bytes.iter().rposition(|&b| b == b'}').unwrap();
        for len in 0..end {
            if let Err(problem) = rejection(&bytes[..len], "$") {
                problems.push(format!("{stem}.json cut at {len}: {problem}"));
            }
            prefixes += 1;
        }
    }
    eprintln!("callback_events: {prefixes} truncated bodies tried");
    assert!(
        problems.is_empty(),
        "{} of {prefixes} truncations not rejected at `$`; the first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(8)].join("\n")
    );
}

#[test]
fn empty_and_non_object_bodies_are_the_whole_body() {
    let cases: &[&[u8]] = &[
        b"",
        b"   \n\t ",
        b"[]",
        br#"[{"event":"ice","callid":"c"}]"#,
        br#"["ice","c"]"#,
        br#""{\"event\":\"ice\"}""#,
        b"42",
        b"-1.5e3",
        b"null",
        b"true",
        b"false",
        b"\xEF\xBB\xBF{\"event\":\"ice\",\"callid\":\"c\"}",
    ];
    let cases: Vec<(&[u8], &str)> = cases.iter().map(|body| (*body, "$")).collect();
    assert_all_rejected(&cases);
}

#[test]
fn invalid_utf8_is_the_whole_body() {
    let cases: &[&[u8]] = &[
        b"{\"event\":\"ice\",\"callid\":\"\xff\"}",
        b"{\"event\":\"ice\",\"callid\":\"c\xc3\"}",
        b"{\"event\":\"ice\",\"callid\":\"c\",\"custom\":\"\xed\xa0\x80\"}",
        b"{\"event\":\"ice\",\"callid\":\"c\",\"unknown\":\"\xfe\xfe\"}",
        b"{\"event\":\"ice\",\"callid\":\"c\",\"\xff\":1}",
        b"{\"event\":\"ice\",\"callid\":\"c\"\xff}",
        b"{\"event\":\"pie\",\"callid\":\"c\",\"menuResult\":{\"type\":\"return\",\"value\":\"\x80\"}}",
    ];
    let cases: Vec<(&[u8], &str)> = cases.iter().map(|body| (*body, "$")).collect();
    assert_all_rejected(&cases);
}

#[test]
fn a_pie_says_what_the_menu_produced_in_one_match() {
    use sinch_voice::callbacks::MenuOutcome;
    let pie = |result: &str| {
        let body = format!(r#"{{"event":"pie","callid":"c1","menuResult":{result}}}"#);
        match CallbackEvent::parse_owned(body.as_bytes()).unwrap() {
            CallbackEvent::Pie(pie) => pie,
            other => panic!("{other:?}"),
        }
    };
    let returned = pie(r#"{"menuId":"main","type":"return","value":"confirm"}"#);
    assert_eq!(returned.outcome(), MenuOutcome::Returned("confirm"));
    assert_eq!(returned.returned(), Some("confirm"));
    assert_eq!(returned.digits(), None);
    assert_eq!(returned.menu_id(), Some("main"));
    let digits = pie(r#"{"menuId":"pin","type":"sequence","value":"0042"}"#);
    assert_eq!(digits.outcome(), MenuOutcome::Digits("0042"));
    assert_eq!(digits.digits(), Some("0042"));
    assert_eq!(digits.returned(), None);
    // The type is read in any case, as the platform is lenient.
    assert!(pie(r#"{"type":"HANGUP"}"#).hung_up());
    assert!(pie(r#"{"type":"timeout","menuId":"main"}"#).timed_out());
    assert_eq!(
        pie(r#"{"type":"invalidinput","value":"9"}"#).outcome(),
        MenuOutcome::InvalidInput(Some("9"))
    );
    assert_eq!(pie(r#"{"type":"error"}"#).outcome(), MenuOutcome::Error);
    // A return without its value, an unknown type, no result at all: nothing to branch on.
    assert_eq!(pie(r#"{"type":"return"}"#).outcome(), MenuOutcome::Other);
    assert_eq!(
        pie(r#"{"type":"somethingnew","value":"1"}"#).outcome(),
        MenuOutcome::Other
    );
    let bare = match CallbackEvent::parse(br#"{"event":"pie"}"#).unwrap() {
        CallbackEvent::Pie(pie) => pie,
        other => panic!("{other:?}"),
    };
    assert_eq!(bare.outcome(), MenuOutcome::Other);
    assert_eq!(bare.menu_id(), None);
    assert!(!bare.hung_up() && !bare.timed_out());
}
