//! The control API features the web console uses: callback verdicts and reply text, the menu a
//! call listens with, answering a ringing callee by hand, the conference list, the request log
//! filtered by call, the info document, and the console's own files.
//!
//! The application is a small axum server here whose answers each test scripts as a function
//! of the callback it receives.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
mod common;

use common::{Rig, ok, rig_with, svaml};
use sinch_voice_emulator::{Answer, CallSnapshot, Callee, Config, Party, Phase, TranscriptEntry};

const WAIT: Duration = Duration::from_secs(10);
const CALLER: &str = "+46701234567";
const OUR_NUMBER: &str = "+46812345678";
const FAR_END: &str = "+46709999999";

/// A 200 answer with a body that is not JSON.
fn text(content_type: &'static str, body: impl Into<String>) -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, content_type)],
        body.into(),
    )
        .into_response()
}

fn hangup() -> Response {
    svaml(json!({ "action": { "name": "hangup" } }))
}

fn config() -> Config {
    Config {
        answer_delay: Duration::from_millis(5),
        menu_timeout: Duration::from_secs(8),
        callback_timeout: Duration::from_secs(2),
        // Long enough that a manual callee rings until a test answers it.
        dial_timeout: Duration::from_secs(10),
        ..Config::default()
    }
}

async fn rig(script: impl Fn(&Value) -> Response + Send + Sync + 'static) -> Rig {
    rig_with(config(), script).await
}

impl Rig {
    /// `GET /_emulator/v1/calls/{id}`.
    async fn view(&self, id: &str) -> Value {
        let (status, view) = self.control("GET", &format!("/calls/{id}"), None).await;
        assert_eq!(status, 200, "{view}");
        view
    }

    async fn answer(&self, id: &str, body: Value) -> (u16, Value) {
        self.control("POST", &format!("/calls/{id}/answer"), Some(body))
            .await
    }

    async fn ended(&self, id: &str) -> CallSnapshot {
        self.ended_within(id, WAIT).await
    }

    /// Waits until the `index`-th callback of the call has its verdict noted.
    async fn verdict_noted(&self, id: &str, index: usize) -> CallSnapshot {
        self.emulator
            .wait_for(id, WAIT, |s| {
                s.events.get(index).is_some_and(|e| e.verdict.is_some())
            })
            .await
            .unwrap_or_else(|| {
                panic!(
                    "no verdict on callback {index}: {:?}",
                    self.emulator.call(id)
                )
            })
    }

    /// Waits until the call's `listening` (as the control API shows it) satisfies `condition`.
    async fn listening_until(&self, id: &str, condition: impl Fn(&Value) -> bool) -> Value {
        let emulator = &self.emulator;
        let check = |_: &CallSnapshot| {
            let view = emulator.call_view(id).unwrap();
            condition(&serde_json::to_value(&view.listening).unwrap())
        };
        emulator
            .wait_for(id, WAIT, check)
            .await
            .unwrap_or_else(|| panic!("listening never matched: {:?}", emulator.call_view(id)));
        self.view(id).await["listening"].clone()
    }

    /// Opens the event stream.
    async fn stream(&self) -> reqwest::Response {
        let response = self
            .http
            .get(format!("{}/events", self.emulator.control_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response
    }
}

/// Reads the event stream until `needle` appears (or 10 s pass); returns what was read.
async fn read_until(stream: &mut reqwest::Response, needle: &str) -> String {
    let mut text = String::new();
    let deadline = Instant::now() + WAIT;
    while !text.contains(needle) && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(2), stream.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(Ok(None)) | Ok(Err(_)) => break,
            Err(_) => {}
        }
    }
    text
}

/// The `data:` of every event of `kind` in a stream's text, parsed.
fn stream_events(text: &str, kind: &str) -> Vec<Value> {
    let marker = format!("event: {kind}\n");
    text.split("\n\n")
        .filter(|block| block.contains(&marker))
        .filter_map(|block| {
            block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .and_then(|d| serde_json::from_str(d).ok())
        })
        .collect()
}

fn events(s: &CallSnapshot) -> Vec<&str> {
    s.events.iter().map(|e| e.event.as_str()).collect()
}

fn record<'a>(s: &'a CallSnapshot, event: &str) -> &'a sinch_voice_emulator::EventRecord {
    s.events
        .iter()
        .find(|e| e.event == event)
        .unwrap_or_else(|| panic!("no {event} in {:?}", events(s)))
}

fn menu_reply(menu: Value) -> Value {
    json!({ "action": { "name": "runMenu", "locale": "en-US", "menus": [menu] } })
}

fn tts_callout(text: &str) -> Value {
    json!({ "method": "ttsCallout", "ttsCallout": {
        "cli": OUR_NUMBER, "destination": { "type": "number", "endpoint": CALLER },
        "text": text, "enableAce": true, "enableDice": true } })
}

fn conference_callout(room: &str) -> Value {
    json!({ "method": "conferenceCallout", "conferenceCallout": {
        "cli": OUR_NUMBER, "destination": { "type": "number", "endpoint": CALLER },
        "conferenceId": room, "enableDice": true } })
}

/// A custom callout whose inline ICE dials `CALLER` with synchronous AMD.
fn amd_callout() -> Value {
    let ice = json!({ "action": { "name": "connectPstn", "number": CALLER,
        "amd": { "enabled": true } } })
    .to_string();
    json!({ "method": "customCallout", "customCallout": { "cli": OUR_NUMBER, "ice": ice } })
}

// ------------------------------------------------------------------ verdicts and reply text

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_answers_get_an_accepted_verdict_and_dice_none() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(
            json!({ "id": "main", "mainPrompt": "#tts[Press 1]",
            "options": [{ "dtmf": "1", "action": "return(one)" }] }),
        )),
        Some("pie") => hangup(),
        _ => ok(),
    })
    .await;
    let mut stream = rig.stream().await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.verdict_noted(&id, 0).await;
    let verdict = s.events[0].verdict.as_ref().unwrap();
    assert!(verdict.accepted, "{verdict:?}");
    assert_eq!(verdict.context, "an ICE reply");
    assert!(verdict.issues.is_empty(), "{verdict:?}");
    assert!(s.events[0].reply_text.is_none());

    rig.emulator.try_press(&id, "1").unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(events(&s), ["ice", "pie", "dice"]);
    let pie = record(&s, "pie").verdict.as_ref().expect("a PIE verdict");
    assert!(pie.accepted);
    assert_eq!(pie.context, "a PIE reply");
    assert!(
        record(&s, "dice").verdict.is_none(),
        "DiCE answers are not SVAML"
    );

    // The same over HTTP, with the JSON names.
    let view = rig.view(&id).await;
    let callbacks = view["callbacks"].as_array().unwrap();
    assert_eq!(
        callbacks[0]["verdict"],
        json!({ "accepted": true, "context": "an ICE reply", "issues": [] })
    );
    assert_eq!(callbacks[0]["replyText"], Value::Null);
    assert_eq!(callbacks[0]["reply"]["action"]["name"], "runMenu");
    assert_eq!(callbacks[1]["verdict"]["context"], "a PIE reply");
    assert_eq!(callbacks[2]["event"], "dice");
    assert!(
        callbacks[2].get("verdict").is_some_and(Value::is_null),
        "{}",
        callbacks[2]
    );
    assert!(
        callbacks[2].get("replyText").is_some_and(Value::is_null),
        "{}",
        callbacks[2]
    );

    // The stream carried each verdict, pointing at its callback.
    let text = read_until(&mut stream, "event: call.finished").await;
    let verdicts = stream_events(&text, "callback.verdict");
    assert_eq!(verdicts.len(), 2, "{text}");
    assert_eq!(verdicts[0]["callId"], json!(id));
    assert_eq!(verdicts[0]["data"]["index"], 0);
    assert_eq!(verdicts[0]["data"]["verdict"]["accepted"], true);
    assert_eq!(verdicts[1]["data"]["index"], 1);
    assert_eq!(verdicts[1]["data"]["verdict"]["context"], "a PIE reply");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_ice_reply_is_refused_with_the_path_of_the_bad_field() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => {
            svaml(json!({ "action": { "name": "connectConf", "conferenceId": "bad room!" } }))
        }
        _ => ok(),
    })
    .await;
    let mut stream = rig.stream().await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&id).await;
    let verdict = record(&s, "ice").verdict.as_ref().expect("an ICE verdict");
    assert!(!verdict.accepted);
    assert_eq!(verdict.context, "an ICE reply");
    let issue = verdict
        .issues
        .iter()
        .find(|i| i.path.contains("conferenceId"))
        .unwrap_or_else(|| panic!("no issue at conferenceId: {verdict:?}"));
    assert_eq!(issue.path, "action.conferenceId");
    assert!(!issue.message.is_empty());
    // The call ended: nobody joined the bad room; the callingerror Notify is no SVAML either.
    assert_eq!(events(&s), ["ice", "notify", "dice"]);
    assert!(record(&s, "notify").verdict.is_none());
    assert_eq!(s.result, "FAILED");
    assert!(s.conference.is_none());
    assert!(rig.emulator.conferences().is_empty());

    let view = rig.view(&id).await;
    assert_eq!(view["phase"], "ended");
    let shown = &view["callbacks"][0]["verdict"];
    assert_eq!(shown["accepted"], false);
    assert_eq!(shown["issues"][0]["path"], "action.conferenceId", "{shown}");
    assert!(shown["issues"][0]["message"].is_string());

    let text = read_until(&mut stream, "event: call.finished").await;
    let verdicts = stream_events(&text, "callback.verdict");
    assert_eq!(verdicts.len(), 1, "{text}");
    assert_eq!(verdicts[0]["data"]["verdict"]["accepted"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_not_json_is_shown_as_text() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => text("text/html", "<script>x</script>"),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&id).await;
    let ice = record(&s, "ice");
    assert_eq!(ice.status, 200);
    assert_eq!(ice.reply_text.as_deref(), Some("<script>x</script>"));
    assert!(ice.reply.is_none());
    assert_eq!(record(&s, "dice").body["result"], "FAILED");
    let view = rig.view(&id).await;
    let callbacks = view["callbacks"].as_array().unwrap();
    let shown = &callbacks[0];
    assert_eq!(shown["replyText"], "<script>x</script>");
    assert_eq!(shown["reply"], Value::Null);
    // The DiCE was answered with an empty body: no text.
    let dice = callbacks.last().unwrap();
    assert_eq!(dice["event"], "dice");
    assert_eq!(dice["replyText"], Value::Null);
    // An inbound ICE's answer is read as SVAML whatever it is (the call gets the callingerror
    // Notify); the verdict says it was not JSON, not what `null` would be.
    assert_eq!(shown["verdict"]["accepted"], false);
    assert_eq!(
        shown["verdict"]["issues"],
        json!([{ "path": "$", "message": "the answer is not JSON" }])
    );
    assert_eq!(record(&s, "notify").body["type"], "callingerror");
    assert!(ice.verdict.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_callout_ice_answered_with_html_is_shown_as_text() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => text("text/html", "<script>x</script>"),
        _ => ok(),
    })
    .await;
    let (_, info) = rig.control("GET", "/info", None).await;
    let url = info["callbackUrl"].as_str().unwrap().to_string();
    let id = rig
        .callout(
            json!({ "method": "customCallout", "customCallout": { "cli": OUR_NUMBER,
            "destination": { "type": "number", "endpoint": CALLER }, "ice": url } }),
        )
        .await;
    let s = rig.ended(&id).await;
    let ice = record(&s, "ice");
    assert_eq!(ice.reply_text.as_deref(), Some("<script>x</script>"));
    assert!(ice.reply.is_none());
    assert!(ice.verdict.is_none(), "{:?}", ice.verdict);
    assert_eq!(s.reason, "CALLBACKERROR");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_answer_that_is_not_json_is_cut_at_64_kib() {
    let total = 200_000;
    let body: String = (0..total)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let answer = body.clone();
    let rig = rig(move |e| match e["event"].as_str() {
        Some("ice") => text("text/plain", answer.clone()),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&id).await;
    let ice = record(&s, "ice");
    assert!(
        ice.error.is_none(),
        "under 1 MiB is an answer: {:?}",
        ice.error
    );
    let kept = ice.reply_text.as_deref().expect("the text kept");
    assert!(
        kept.starts_with(&body[..64 * 1024]),
        "the first 64 KiB kept"
    );
    assert!(
        kept.len() > 64 * 1024 && kept.len() < 64 * 1024 + 100,
        "{}",
        kept.len()
    );
    let suffix = &kept[64 * 1024..];
    assert!(
        suffix.contains("200000"),
        "the total byte count: {suffix:?}"
    );
    assert!(
        !suffix.contains(&body[64 * 1024..64 * 1024 + 10]),
        "{suffix:?}"
    );
    // Over HTTP too.
    let view = rig.view(&id).await;
    assert_eq!(view["callbacks"][0]["replyText"], json!(kept));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_answer_is_cut_on_a_character_boundary() {
    // One ASCII byte, then two-byte characters: byte 65536 falls inside one.
    let body = format!("a{}", "é".repeat(50_000));
    let answer = body.clone();
    let rig = rig(move |e| match e["event"].as_str() {
        Some("ice") => text("text/plain; charset=utf-8", answer.clone()),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&id).await;
    let kept = record(&s, "ice").reply_text.clone().expect("the text kept");
    assert!(kept.starts_with(&body[..64 * 1024 - 1]));
    assert!(kept.contains("100001 bytes in all"), "the total byte count");
    assert!(
        !kept.contains('\u{FFFD}'),
        "a character was split: {:?}",
        kept.chars().skip(32_760).take(12).collect::<String>()
    );
}

// ------------------------------------------------------------------ listening

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listening_shows_the_menu_waiting_for_input() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(json!({ "action": { "name": "runMenu", "locale": "en-US",
            "enableVoice": true, "menus": [
                { "id": "main", "mainPrompt": "#tts[Code]", "maxDigits": 3,
                  "options": [{ "dtmf": "9", "action": "menu(second)" }] },
                { "id": "second", "mainPrompt": "#tts[Say two]",
                  "options": [{ "dtmf": "2", "action": "return(two)" }] }] } })),
        Some("pie") => {
            svaml(json!({ "action": { "name": "connectConf", "conferenceId": "after-menu" } }))
        }
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let listening = rig.listening_until(&id, |l| !l.is_null()).await;
    assert_eq!(
        listening,
        json!({ "menuId": "main", "maxDigits": 3, "enableVoice": true })
    );
    assert_eq!(rig.view(&id).await["phase"], "inMenu");

    // One key of three: still listening to the same menu.
    rig.emulator.try_press(&id, "9").unwrap();
    rig.emulator
        .wait_for(&id, WAIT, |s| {
            s.transcript
                .iter()
                .any(|l| matches!(l, TranscriptEntry::Keys { keys } if keys == "9"))
        })
        .await
        .expect("the key heard");
    assert_eq!(rig.view(&id).await["listening"]["menuId"], "main");
    // `#` ends the input: key 9 goes to the second menu, which listens for one key.
    let (status, _) = rig
        .control(
            "POST",
            &format!("/calls/{id}/keys"),
            Some(json!({ "keys": "#" })),
        )
        .await;
    assert_eq!(status, 202);
    let listening = rig.listening_until(&id, |l| l["menuId"] == "second").await;
    assert_eq!(
        listening,
        json!({ "menuId": "second", "maxDigits": 1, "enableVoice": true })
    );

    // The menu got its input: nothing listens while the call is in the conference.
    let (status, _) = rig
        .control(
            "POST",
            &format!("/calls/{id}/speech"),
            Some(json!({ "text": "two" })),
        )
        .await;
    assert_eq!(status, 202);
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| s.phase == Phase::InConference)
        .await
        .expect("in the conference");
    assert_eq!(record(&s, "pie").body["menuResult"]["value"], "two");
    let view = rig.view(&id).await;
    assert!(view.get("listening").is_some_and(Value::is_null), "{view}");

    rig.emulator.hang_up(&id);
    rig.ended(&id).await;
    assert_eq!(rig.view(&id).await["listening"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listening_ends_when_the_call_ends_in_a_menu() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(json!({ "id": "main", "mainPrompt": "#tts[Hi]",
            "options": [{ "dtmf": "1", "action": "return(one)" }] }))),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let listening = rig.listening_until(&id, |l| !l.is_null()).await;
    assert_eq!(
        listening,
        json!({ "menuId": "main", "maxDigits": 1, "enableVoice": false })
    );
    rig.emulator.hang_up(&id);
    let s = rig.ended(&id).await;
    // The menu's `hangup` result, then the DiCE.
    assert_eq!(events(&s), ["ice", "pie", "dice"]);
    assert_eq!(rig.emulator.call_view(&id).unwrap().listening, None);
}

// ------------------------------------------------------------------ answering by hand

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_callee_rings_until_answered_by_hand() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ace") => svaml(json!({ "action": { "name": "continue" } })),
        _ => ok(),
    })
    .await;
    let (status, answer) = rig
        .control("POST", "/callees", Some(json!({ "behaviour": "manual" })))
        .await;
    assert_eq!(status, 204, "{answer}");
    let id = rig.callout(tts_callout("Your code is 1 2 3")).await;
    let ringing = rig
        .emulator
        .wait_for(&id, WAIT, |s| {
            s.transcript
                .iter()
                .any(|l| matches!(l, TranscriptEntry::Callout { .. }))
        })
        .await
        .expect("dialling");
    assert_eq!(ringing.phase, Phase::Ringing);
    // The scripted callees answer within 5 ms; this one keeps ringing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let view = rig.view(&id).await;
    assert_eq!(view["phase"], "ringing", "{view}");
    assert_eq!(view["status"], "ONGOING");
    assert!(
        view["callbacks"].as_array().unwrap().is_empty(),
        "no ACE yet"
    );

    let (status, answer) = rig.answer(&id, json!({ "as": "machine" })).await;
    assert_eq!(status, 202, "{answer}");
    let s = rig.ended(&id).await;
    assert_eq!(s.result, "ANSWERED");
    assert_eq!(events(&s), ["ace", "dice"]);
    assert!(
        s.said().any(|t| t == "Your code is 1 2 3"),
        "{:?}",
        s.transcript
    );
    assert_eq!(record(&s, "dice").body["result"], "ANSWERED");

    // Busy by hand: the call ends BUSY, without an ACE.
    let (status, _) = rig
        .control("POST", "/callees", Some(json!({ "behaviour": "manual" })))
        .await;
    assert_eq!(status, 204);
    let id = rig.callout(tts_callout("Never said")).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rig.view(&id).await["phase"], "ringing");
    let (status, answer) = rig.answer(&id, json!({ "as": "busy" })).await;
    assert_eq!(status, 202, "{answer}");
    let s = rig.ended(&id).await;
    assert_eq!(s.result, "BUSY");
    assert_eq!(events(&s), ["dice"]);
    assert_eq!(record(&s, "dice").body["result"], "BUSY");
    assert!(!s.said().any(|t| t.contains("Never said")));
    let view = rig.view(&id).await;
    assert_eq!(
        (view["phase"].as_str(), view["result"].as_str()),
        (Some("ended"), Some("BUSY"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_by_hand_gives_the_amd_verdict_chosen() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(
            json!({ "action": { "name": "connectPstn", "number": FAR_END,
            "cli": OUR_NUMBER, "amd": { "enabled": true } } }),
        ),
        Some("ace") => hangup(),
        _ => ok(),
    })
    .await;
    // A custom callout whose ICE dials with AMD, answered by a machine (Rust API).
    rig.emulator.script_next_callee(Callee::Manual);
    let id = rig.callout(amd_callout()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rig.emulator.call(&id).unwrap().phase, Phase::Ringing);
    rig.emulator.answer(&id, Answer::Machine).unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(
        record(&s, "ace").body["amd"]["status"],
        "machine",
        "{:?}",
        s.events
    );
    assert_eq!(s.result, "ANSWERED");

    // The same callout answered by a person.
    rig.emulator.script_next_callee(Callee::Manual);
    let id = rig.callout(amd_callout()).await;
    // Its ICE goes out first; the callee rings once the ICE said connect.
    let deadline = Instant::now() + WAIT;
    while !rig.emulator.call_view(&id).unwrap().callee_ringing {
        assert!(Instant::now() < deadline, "the callee never rang");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (status, answer) = rig.answer(&id, json!({ "as": "human" })).await;
    assert_eq!(status, 202, "{answer}");
    let s = rig.ended(&id).await;
    assert_eq!(record(&s, "ace").body["amd"]["status"], "human");

    // A second leg rings by hand too; its caller cannot be answered (it is inbound).
    rig.emulator.set_callee(FAR_END, Callee::Manual);
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| !s.legs.is_empty())
        .await
        .expect("a leg");
    let leg = s.legs[0].clone();
    let (status, answer) = rig.answer(&id, json!({ "as": "human" })).await;
    assert_eq!(status, 409, "{answer}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rig.view(&leg).await["phase"], "ringing");
    let (status, answer) = rig.answer(&leg, json!({ "as": "machine" })).await;
    assert_eq!(status, 202, "{answer}");
    let l = rig.ended(&leg).await;
    assert_eq!(record(&l, "ace").body["amd"]["status"], "machine");
    assert_eq!(l.result, "ANSWERED");
    rig.ended(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_by_hand_refuses_calls_that_are_not_ringing() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(json!({ "id": "main", "mainPrompt": "#tts[Hi]",
            "options": [{ "dtmf": "1", "action": "return(one)" }] }))),
        _ => ok(),
    })
    .await;
    let message = |answer: &Value| answer["message"].as_str().unwrap_or("").to_string();

    // Unknown call.
    let (status, answer) = rig.answer("nope", json!({ "as": "human" })).await;
    assert_eq!(status, 404, "{answer}");
    assert!(message(&answer).contains("nope"), "{answer}");

    // An inbound call: nobody rings.
    let inbound = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator
        .wait_for_event(&inbound, "ice", WAIT)
        .await
        .unwrap();
    let (status, answer) = rig.answer(&inbound, json!({ "as": "human" })).await;
    assert_eq!(status, 409, "{answer}");
    assert!(message(&answer).contains("not ringing"), "{answer}");
    assert_eq!(rig.emulator.call(&inbound).unwrap().events.len(), 1);

    // A callout answered already (by the default callee) and in its conference.
    let joined = rig.callout(conference_callout("not-ringing")).await;
    rig.emulator
        .wait_for(&joined, WAIT, |s| s.phase == Phase::InConference)
        .await
        .expect("in the conference");
    let (status, answer) = rig.answer(&joined, json!({ "as": "machine" })).await;
    assert_eq!(status, 409, "{answer}");
    assert!(message(&answer).contains("inConference"), "{answer}");
    let err = rig.emulator.answer(&joined, Answer::Human).unwrap_err();
    assert_eq!(err.status(), 409);

    // An ended call.
    rig.emulator.hang_up_as(&joined, Party::Callee).unwrap();
    rig.ended(&joined).await;
    let (status, answer) = rig.answer(&joined, json!({ "as": "human" })).await;
    assert_eq!(status, 409, "{answer}");
    assert!(message(&answer).contains("ended"), "{answer}");

    // Bad bodies, on a call that is ringing: refused, and it keeps ringing.
    rig.emulator.script_next_callee(Callee::Manual);
    let ringing = rig.callout(tts_callout("Hello")).await;
    for bad in [
        json!({ "as": "robot" }),
        json!({ "as": "human", "when": "now" }),
        json!({}),
        json!({ "as": 1 }),
    ] {
        let (status, answer) = rig.answer(&ringing, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {answer}");
        assert!(!message(&answer).is_empty(), "{answer}");
    }
    let response = rig
        .http
        .post(format!(
            "{}/calls/{ringing}/answer",
            rig.emulator.control_url()
        ))
        .header("content-type", "text/plain")
        .body(r#"{"as":"human"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let (status, _) = rig
        .control("GET", &format!("/calls/{ringing}/answer"), None)
        .await;
    assert_eq!(status, 405);
    let view = rig.view(&ringing).await;
    assert_eq!(view["phase"], "ringing", "{view}");
    let (status, _) = rig.answer(&ringing, json!({ "as": "human" })).await;
    assert_eq!(status, 202);
    let s = rig.ended(&ringing).await;
    assert_eq!(s.result, "ANSWERED");
    // A scripted behaviour that does not exist is refused.
    let (status, _) = rig
        .control("POST", "/callees", Some(json!({ "behaviour": "robot" })))
        .await;
    assert_eq!(status, 400);
    rig.emulator.hang_up(&inbound);
    rig.ended(&inbound).await;
}

// ------------------------------------------------------------------ conferences

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conferences_list_participants_with_mute_and_hold() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => {
            svaml(json!({ "action": { "name": "connectConf", "conferenceId": "console-room" } }))
        }
        _ => ok(),
    })
    .await;
    let (status, list) = rig.control("GET", "/conferences", None).await;
    assert_eq!((status, list), (200, json!({ "conferences": [] })));

    let first = rig.callout(conference_callout("console-room")).await;
    rig.emulator
        .wait_for(&first, WAIT, |s| s.phase == Phase::InConference)
        .await
        .expect("the callout joined");
    let second = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator
        .wait_for(&second, WAIT, |s| s.phase == Phase::InConference)
        .await
        .expect("the caller joined");

    let (status, list) = rig.control("GET", "/conferences", None).await;
    assert_eq!(status, 200);
    let rooms = list["conferences"].as_array().unwrap();
    assert_eq!(rooms.len(), 1, "{list}");
    assert_eq!(rooms[0]["conferenceId"], "console-room");
    let people = rooms[0]["participants"].as_array().unwrap();
    assert_eq!(people.len(), 2, "{list}");
    assert_eq!(people[0]["callId"], json!(first));
    assert_eq!(people[0]["cli"], OUR_NUMBER);
    assert_eq!(people[1]["callId"], json!(second));
    assert_eq!(people[1]["cli"], CALLER);
    for person in people {
        assert!(person["duration"].is_u64(), "{person}");
        assert_eq!(person["muted"], false);
        assert_eq!(person["onHold"], false);
    }

    // Mute, then hold, through the REST API a client uses.
    let patch = |command: &str| Some(json!({ "command": command }));
    let path = format!("/calling/v1/conferences/id/console-room/{first}");
    let (status, answer, _) = rig.rest("PATCH", &path, patch("mute")).await;
    assert_eq!(status, 200, "{answer}");
    let (_, list) = rig.control("GET", "/conferences", None).await;
    let people = &list["conferences"][0]["participants"];
    assert_eq!(
        (&people[0]["muted"], &people[0]["onHold"]),
        (&json!(true), &json!(false))
    );
    assert_eq!(people[1]["muted"], false, "only the one PATCHed");
    let (status, _, _) = rig.rest("PATCH", &path, patch("onhold")).await;
    assert_eq!(status, 200);
    let rooms = rig.emulator.conferences();
    assert_eq!(rooms.len(), 1);
    let p = &rooms[0].participants[0];
    assert_eq!(
        (p.call_id.as_str(), p.muted, p.on_hold),
        (first.as_str(), true, true)
    );
    assert!(!rooms[0].participants[1].on_hold);
    let (status, _, _) = rig.rest("PATCH", &path, patch("unmute")).await;
    assert_eq!(status, 200);
    let (_, list) = rig.control("GET", "/conferences", None).await;
    assert_eq!(list["conferences"][0]["participants"][0]["muted"], false);
    assert_eq!(list["conferences"][0]["participants"][0]["onHold"], true);

    // Participants leave; the room goes with the last one.
    rig.emulator.hang_up_as(&first, Party::Callee).unwrap();
    rig.ended(&first).await;
    let (_, list) = rig.control("GET", "/conferences", None).await;
    let people = list["conferences"][0]["participants"].as_array().unwrap();
    assert_eq!(people.len(), 1, "{list}");
    assert_eq!(people[0]["callId"], json!(second));
    rig.emulator.hang_up(&second);
    rig.ended(&second).await;
    let (_, list) = rig.control("GET", "/conferences", None).await;
    assert_eq!(list, json!({ "conferences": [] }));
    assert!(rig.emulator.conferences().is_empty());
}

// ------------------------------------------------------------------ request log

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_filters_by_call() {
    let rig = rig(|_| ok()).await;
    let a = rig.callout(conference_callout("room-a")).await;
    let b = rig.callout(conference_callout("room-b")).await;
    for id in [&a, &b] {
        rig.emulator
            .wait_for(id, WAIT, |s| s.phase == Phase::InConference)
            .await
            .expect("in the conference");
    }
    let (status, _, _) = rig
        .rest("GET", &format!("/calling/v1/calls/id/{a}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = rig
        .rest("GET", &format!("/calling/v1/calls/id/{b}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = rig
        .rest(
            "PATCH",
            &format!("/calling/v1/conferences/id/room-a/{a}"),
            Some(json!({ "command": "mute" })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = rig.rest("GET", "/v1/configuration/numbers", None).await;
    assert_eq!(status, 200);

    let lines = |answer: &Value| -> Vec<(String, String)> {
        answer["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["method"].as_str().unwrap().to_string(),
                    r["decodedPath"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (status, all) = rig.control("GET", "/requests", None).await;
    assert_eq!(status, 200);
    assert_eq!(lines(&all).len(), 6, "{all}");
    assert_eq!(rig.emulator.requests().len(), 6);

    let (status, only_a) = rig
        .control("GET", &format!("/requests?callId={a}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        lines(&only_a),
        [
            ("POST".to_string(), "/calling/v1/callouts".to_string()),
            ("GET".to_string(), format!("/calling/v1/calls/id/{a}")),
            (
                "PATCH".to_string(),
                format!("/calling/v1/conferences/id/room-a/{a}")
            ),
        ]
    );
    assert_eq!(only_a["requests"][0]["response"]["callId"], json!(a));
    assert!(
        !only_a.to_string().contains(&b),
        "B's requests leaked: {only_a}"
    );

    let (_, only_b) = rig
        .control("GET", &format!("/requests?callId={b}"), None)
        .await;
    assert_eq!(
        lines(&only_b),
        [
            ("POST".to_string(), "/calling/v1/callouts".to_string()),
            ("GET".to_string(), format!("/calling/v1/calls/id/{b}")),
        ]
    );
    assert_eq!(only_b["requests"][0]["response"]["callId"], json!(b));

    let (status, none) = rig.control("GET", "/requests?callId=nope", None).await;
    assert_eq!((status, none), (200, json!({ "requests": [] })));
    for id in [&a, &b] {
        rig.emulator.hang_up_as(id, Party::Callee).unwrap();
        rig.ended(id).await;
    }
}

// ------------------------------------------------------------------ info and console

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_names_the_fallback_url_and_the_console() {
    let rig = rig(|_| ok()).await;
    let (status, info) = rig.control("GET", "/info", None).await;
    assert_eq!(status, 200);
    assert!(
        info.get("fallbackUrl").is_some_and(Value::is_null),
        "{info}"
    );
    let console = info["consoleUrl"].as_str().unwrap();
    assert!(console.ends_with("/_emulator/console/"), "{console}");
    assert_eq!(console, rig.emulator.console_url());
    assert_eq!(
        console,
        format!("{}/_emulator/console/", rig.emulator.url())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_is_served_with_a_strict_policy() {
    let rig = rig(|_| ok()).await;
    let console = rig.emulator.console_url();
    let get = |url: String| rig.http.get(url).send();

    let response = get(console.clone()).await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let header = |h: &HeaderMap, name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(
        header(&headers, "content-type").starts_with("text/html"),
        "{headers:?}"
    );
    let policy = header(&headers, "content-security-policy");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert!(headers.get("access-control-allow-origin").is_none());
    let page = response.text().await.unwrap();
    assert!(
        page.contains("console.js") && page.contains("console.css"),
        "{page}"
    );

    let response = get(format!("{console}index.html")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), page);

    // Without the slash: a permanent redirect to the page.
    let bare = console.trim_end_matches('/').to_string();
    let response = get(bare).await.unwrap();
    assert_eq!(response.status(), 308);
    assert_eq!(
        header(response.headers(), "location"),
        "/_emulator/console/"
    );

    for (file, kind) in [("console.js", "javascript"), ("console.css", "text/css")] {
        let response = get(format!("{console}{file}")).await.unwrap();
        assert_eq!(response.status(), 200, "{file}");
        let headers = response.headers().clone();
        assert!(
            header(&headers, "content-type").contains(kind),
            "{file}: {headers:?}"
        );
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert!(!response.text().await.unwrap().is_empty());
    }

    let response = get(format!("{console}nope.js")).await.unwrap();
    assert_eq!(response.status(), 404);

    let response = rig
        .http
        .post(console.clone())
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert!(header(response.headers(), "allow").contains("GET"));

    // DNS rebinding and cross-origin pages are refused.
    let response = rig
        .http
        .get(console.clone())
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = rig
        .http
        .get(console.clone())
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // `localhost` is fine.
    let port = reqwest::Url::parse(&console).unwrap().port().unwrap();
    let response = rig
        .http
        .get(console.clone())
        .header("host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// An app that parks every call and keeps the DiCEs it gets, with one call parked.
async fn parked_call() -> (Rig, String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
    let dice = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let seen = std::sync::Arc::clone(&dice);
    let rig = rig_with(config(), move |event| match event["event"].as_str() {
        // Parked: the call stays live until something ends it.
        Some("ice") => svaml(json!({ "action": { "name": "park", "locale": "en-US",
            "holdPrompt": "#tts[Please hold.]", "maxDuration": 600 } })),
        Some("dice") => {
            seen.lock().unwrap().push(event.clone());
            Response::default()
        }
        _ => Response::default(),
    })
    .await;
    let call = rig
        .emulator
        .inbound_call("+46701234567", "+46812345678")
        .unwrap();
    rig.emulator
        .wait_for(&call, Duration::from_secs(5), |s| s.phase == Phase::Parked)
        .await
        .expect("parked");
    (rig, call, dice)
}

#[tokio::test]
async fn reset_posted_without_a_body_ends_live_calls_with_their_dice() {
    let (rig, call, dice) = parked_call().await;
    // What `fetch(url, {method: 'POST'})` sends: Content-Length 0 and no Content-Type.
    let response = rig
        .http
        .post(format!("{}/reset", rig.emulator.control_url()))
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    // Ended as the platform's hangup ends a call: the app gets its DiCE, then it is gone.
    assert!(
        rig.emulator
            .wait_until_all_finished(Duration::from_secs(5))
            .await
    );
    assert!(rig.emulator.call_ids().is_empty());
    let dice = dice.lock().unwrap().clone();
    assert_eq!(dice.len(), 1, "{dice:?}");
    assert_eq!(dice[0]["callid"], call.as_str());
    assert_eq!(dice[0]["reason"], "MANAGERHANGUP", "{}", dice[0]);
    // A form with a body is still refused.
    let response = rig
        .http
        .post(format!("{}/reset", rig.emulator.control_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_reset_forgets_live_calls_without_their_dice() {
    let (rig, _call, dice) = parked_call().await;
    let response = rig
        .http
        .post(format!("{}/reset", rig.emulator.control_url()))
        .json(&json!({ "quiet": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    // Gone at once, and nothing more reaches the app.
    assert!(rig.emulator.call_ids().is_empty());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        dice.lock().unwrap().is_empty(),
        "{:?}",
        dice.lock().unwrap()
    );
    // A mistyped option is refused, naming it.
    let response = rig
        .http
        .post(format!("{}/reset", rig.emulator.control_url()))
        .json(&json!({ "quite": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("quite"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_callee_can_be_scripted_at_once_and_reset_restores_the_default() {
    let rig = rig(|_| ok()).await;
    assert_eq!(
        rig.control("GET", "/info", None).await.1["defaultCallee"],
        "human"
    );
    let (status, answer) = rig
        .control(
            "POST",
            "/callees",
            Some(json!({ "behaviour": "busy", "every": true })),
        )
        .await;
    assert_eq!(status, 204, "{answer}");
    assert_eq!(
        rig.control("GET", "/info", None).await.1["defaultCallee"],
        "busy"
    );
    // Not only the next one: every callee without a script of its own.
    for _ in 0..2 {
        let id = rig.callout(tts_callout("Hello")).await;
        let ended = rig
            .emulator
            .wait_for(&id, WAIT, |s| s.status == "FINAL")
            .await
            .expect("ended");
        assert_eq!(ended.result, "BUSY");
    }
    // With a number it means nothing more than the number's own script: refused, named.
    let (status, answer) = rig
        .control(
            "POST",
            "/callees",
            Some(json!({ "behaviour": "busy", "every": true, "number": "+15550001111" })),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("every"),
        "{answer}"
    );
    // No body at all (no length, no type), as `curl -X POST` sends it.
    let (status, answer) = rig.control("POST", "/reset", None).await;
    assert_eq!(status, 204, "{answer}");
    assert_eq!(
        rig.control("GET", "/info", None).await.1["defaultCallee"],
        "human"
    );
}
