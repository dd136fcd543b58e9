//! The emulator as the platform: fidelity to the references (issue 14, item 3) and its control
//! API (item 1), including bad input, cross-origin requests and 1,000 concurrent calls.
//!
//! The application is a small axum server here whose answers each test scripts as a function
//! of the callback it receives.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::response::Response;
use serde_json::{Value, json};
use sinch_voice::signing::{SigningInput, format_timestamp, sign};
mod common;

use common::{Rig, ok, rig_with, svaml};
use sinch_voice_emulator::{CallSnapshot, Callee, Config, Party, TranscriptEntry};

const WAIT: Duration = Duration::from_secs(10);
const CALLER: &str = "+46701234567";
const OUR_NUMBER: &str = "+46812345678";
const OUR_OTHER_NUMBER: &str = "+14045001000";

fn config() -> Config {
    Config {
        answer_delay: Duration::from_millis(5),
        menu_timeout: Duration::from_secs(3),
        callback_timeout: Duration::from_millis(800),
        ..Config::default()
    }
}

async fn rig(script: impl Fn(&Value) -> Response + Send + Sync + 'static) -> Rig {
    rig_with(config(), script).await
}

impl Rig {
    async fn ended(&self, id: &str) -> CallSnapshot {
        self.ended_within(id, WAIT).await
    }
}

fn events(s: &CallSnapshot) -> Vec<&str> {
    s.events.iter().map(|e| e.event.as_str()).collect()
}

fn body<'a>(s: &'a CallSnapshot, event: &str) -> &'a Value {
    &s.events
        .iter()
        .find(|e| e.event == event)
        .unwrap_or_else(|| panic!("no {event} in {:?}", events(s)))
        .body
}

/// Whether the transcript has `entry`.
fn heard(s: &CallSnapshot, entry: TranscriptEntry) -> bool {
    s.transcript.contains(&entry)
}

fn say(locale: &str, text: &str) -> TranscriptEntry {
    TranscriptEntry::Say {
        locale: Some(locale.into()),
        text: text.into(),
    }
}

fn menu_reply(menu: Value) -> Value {
    json!({ "action": { "name": "runMenu", "locale": "en-US", "menus": [menu] } })
}

// ------------------------------------------------------------------ fidelity

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_parameters_are_percent_decoded_and_signed_decoded() {
    let rig = rig(|_| ok()).await;
    // Signed over the decoded path, as both official SDKs sign it; sent encoded.
    let timestamp = format_timestamp(chrono::Utc::now());
    let signature = sign(
        &rig.emulator.credentials(),
        &SigningInput {
            method: "GET",
            path: "/v1/calling/query/number/+46701234567",
            content_type: None,
            body: None,
            timestamp: &timestamp,
        },
    );
    let url = format!(
        "{}/v1/calling/query/number/%2B46701234567",
        rig.emulator.url()
    );
    let response = rig
        .http
        .get(url)
        .header("x-timestamp", &timestamp)
        .header("authorization", &signature.authorization)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["number"]["normalizedNumber"], "+46701234567");

    // A room whose id needs encoding is looked up by its decoded id.
    let (status, answer, _) = rig
        .rest("GET", "/calling/v1/conferences/id/room%20a", None)
        .await;
    assert_eq!(status, 404);
    assert!(
        answer["message"].as_str().unwrap().contains("'room a'"),
        "{answer}"
    );
    // The request log keeps both forms.
    let logged = rig.emulator.requests();
    assert_eq!(logged[0].path, "/v1/calling/query/number/%2B46701234567");
    assert_eq!(
        logged[0].decoded_path,
        "/v1/calling/query/number/+46701234567"
    );
    assert_eq!(logged[0].auth_scheme.as_deref(), Some("Application"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plus_check_depends_on_the_destination_type() {
    let rig = rig(|_| ok()).await;
    let tts = |kind: &str, endpoint: &str| {
        json!({ "method": "ttsCallout", "ttsCallout": {
            "cli": OUR_NUMBER, "destination": { "type": kind, "endpoint": endpoint }, "text": "Hi" } })
    };
    rig.callout(tts("username", "12345")).await;
    let (status, answer, _) = rig
        .rest(
            "POST",
            "/calling/v1/callouts",
            Some(tts("number", "46701234567abc")),
        )
        .await;
    assert_eq!(
        (status, answer["errorCode"].as_i64()),
        (400, Some(40005)),
        "{answer}"
    );
    let (status, answer, _) = rig
        .rest(
            "POST",
            "/calling/v1/callouts",
            Some(tts("number", "+46701234567abc")),
        )
        .await;
    assert_eq!(
        (status, answer["errorCode"].as_i64()),
        (400, Some(40001)),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destination_types_are_matched_in_any_case_as_the_platform_does() {
    let rig = rig(|_| ok()).await;
    let tts = |kind: &str, endpoint: &str| {
        json!({ "method": "ttsCallout", "ttsCallout": {
            "cli": OUR_NUMBER, "destination": { "type": kind, "endpoint": endpoint }, "text": "Hi" } })
    };
    for (kind, endpoint) in [
        ("Number", CALLER),
        ("NUMBER", CALLER),
        ("Username", "alice"),
    ] {
        let (status, answer, _) = rig
            .rest("POST", "/calling/v1/callouts", Some(tts(kind, endpoint)))
            .await;
        assert_eq!(status, 200, "{kind}: {answer}");
        let id = answer["callId"].as_str().unwrap().to_string();
        // Matched as its lowercase self: a `Number` callout is a phone call.
        let call = rig.emulator.call(&id).unwrap();
        assert_eq!(call.to, endpoint, "{kind}");
    }
    let (status, answer, _) = rig
        .rest(
            "POST",
            "/calling/v1/callouts",
            Some(tts("Number", "46701234567")),
        )
        .await;
    assert_eq!(
        (status, answer["errorCode"].as_i64()),
        (400, Some(40005)),
        "the + check applies to `Number` too: {answer}"
    );
}

fn amd_ice(asynchronous: bool) -> String {
    json!({ "action": { "name": "connectPstn", "number": CALLER,
        "amd": { "enabled": true, "async": asynchronous } } })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_pstn_amd_gives_human_and_machine_verdicts() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ace") => svaml(json!({ "action": { "name": "hangup" } })),
        _ => ok(),
    })
    .await;
    let custom = |ice: String| json!({ "method": "customCallout", "customCallout": { "cli": OUR_NUMBER, "ice": ice } });
    let human = rig.callout(custom(amd_ice(false))).await;
    let s = rig.ended(&human).await;
    assert_eq!(body(&s, "ace")["amd"]["status"], "human", "{:?}", s.events);
    rig.emulator
        .script_next_callee(Callee::Machine(Duration::from_millis(5)));
    let machine = rig.callout(custom(amd_ice(false))).await;
    let s = rig.ended(&machine).await;
    assert_eq!(body(&s, "ace")["amd"]["status"], "machine");
    assert_eq!(body(&s, "dice")["to"]["endpoint"], CALLER);

    // Without AMD asked, no verdict even for a machine.
    rig.emulator
        .script_next_callee(Callee::Machine(Duration::from_millis(5)));
    let plain = json!({ "action": { "name": "connectPstn", "number": CALLER } }).to_string();
    let s = rig.ended(&rig.callout(custom(plain)).await).await;
    assert!(body(&s, "ace").get("amd").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_pstn_async_amd_sends_notify_events() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ace") => svaml(json!({ "action": { "name": "continue" } })),
        _ => ok(),
    })
    .await;
    rig.emulator
        .script_next_callee(Callee::Machine(Duration::from_millis(5)));
    let id = rig
        .callout(json!({ "method": "customCallout", "customCallout": { "cli": OUR_NUMBER, "ice": amd_ice(true) } }))
        .await;
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| {
            s.events.iter().filter(|e| e.event == "notify").count() == 2
        })
        .await
        .expect("two Notify events");
    assert!(body(&s, "ace").get("amd").is_none());
    let types: Vec<&Value> = s
        .events
        .iter()
        .filter(|e| e.event == "notify")
        .map(|e| &e.body["type"])
        .collect();
    assert_eq!(types, [&json!("amd"), &json!("amd_beep")]);
    assert_eq!(s.events[2].body["amd"]["status"], "machine");
    assert!(rig.emulator.hang_up_as(&id, Party::Callee).is_ok());
    let s = rig.ended(&id).await;
    assert_eq!(body(&s, "dice")["reason"], "CALLEEHANGUP");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_menu_honours_timeout_mills() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(
            json!({ "id": "main", "mainPrompt": "#tts[Hi]", "timeoutMills": 200,
            "options": [{ "dtmf": "1", "action": "return(one)" }] }),
        )),
        Some("pie") => svaml(json!({ "action": { "name": "hangup" } })),
        _ => ok(),
    })
    .await;
    let started = Instant::now();
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(body(&s, "pie")["menuResult"]["type"], "timeout");
    // The config default is 3 s; the menu says 200 ms.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_menu_repeats_the_repeat_prompt_before_invalid_input() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(
            json!({ "id": "main", "mainPrompt": "#tts[Choose]",
            "repeatPrompt": "#tts[Again]", "repeats": 2, "timeoutMills": 3000,
            "options": [{ "dtmf": "1", "action": "return(one)" }] }),
        )),
        Some("pie") => svaml(json!({ "action": { "name": "hangup" } })),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator.wait_for_event(&id, "ice", WAIT).await.unwrap();
    for _ in 0..3 {
        let before = rig.emulator.call(&id).unwrap().transcript.len();
        rig.emulator.try_press(&id, "9").unwrap();
        rig.emulator
            .wait_for(&id, WAIT, |s| {
                s.transcript.len() > before + 1
                    || s.finished
                    || !s.events.iter().all(|e| e.event == "ice")
            })
            .await;
    }
    let s = rig.ended(&id).await;
    let again = s
        .transcript
        .iter()
        .filter(|e| matches!(e, TranscriptEntry::Play { prompt, .. } if prompt == "#tts[Again]"))
        .count();
    assert_eq!(again, 2, "{:?}", s.transcript);
    assert_eq!(body(&s, "pie")["menuResult"]["type"], "invalidinput");
    assert_eq!(events(&s), ["ice", "pie", "dice"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_menu_max_digits_collects_a_sequence() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(json!({ "id": "main", "mainPrompt": "#tts[PIN]",
            "maxDigits": 4, "timeoutMills": 2000 }))),
        Some("pie") => svaml(json!({ "action": { "name": "hangup" } })),
        _ => ok(),
    })
    .await;
    // Four digits over two presses end the collection at the maximum.
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator.wait_for_event(&id, "ice", WAIT).await.unwrap();
    rig.emulator.try_press(&id, "12").unwrap();
    rig.emulator.try_press(&id, "345").unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(
        body(&s, "pie")["menuResult"],
        json!({ "menuId": "main", "type": "sequence", "value": "1234", "inputMethod": "dtmf" })
    );
    // `#` ends it early, leading zeros kept.
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator.wait_for_event(&id, "ice", WAIT).await.unwrap();
    rig.emulator.try_press(&id, "07#").unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(body(&s, "pie")["menuResult"]["value"], "07");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enable_voice_menus_hear_speech() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(
            json!({ "action": { "name": "runMenu", "locale": "en-US", "enableVoice": true,
            "menus": [{ "id": "main", "mainPrompt": "#tts[Say or press 2]",
                "options": [{ "dtmf": "2", "action": "return(support)" }] }] } }),
        ),
        Some("pie") => svaml(json!({ "action": { "name": "hangup" } })),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator.wait_for_event(&id, "ice", WAIT).await.unwrap();
    rig.emulator.speak(&id, "two").unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(body(&s, "pie")["menuResult"]["value"], "support");
    assert_eq!(body(&s, "pie")["menuResult"]["inputMethod"], "voice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_urls_must_be_http_urls() {
    let rig = rig(|_| ok()).await;
    let path = format!(
        "/v1/configuration/callbacks/applications/{}",
        rig.emulator.application_key()
    );
    for (urls, field) in [
        (json!({ "primary": "x" }), "url.primary"),
        (json!({ "primary": "javascript:alert(1)" }), "url.primary"),
        (json!({ "primary": "file:///etc/passwd" }), "url.primary"),
        (
            json!({ "primary": "https://a.example/cb", "fallback": "ftp://b/cb" }),
            "url.fallback",
        ),
    ] {
        let (status, answer, _) = rig.rest("POST", &path, Some(json!({ "url": urls }))).await;
        assert_eq!(
            (status, answer["errorCode"].as_i64()),
            (400, Some(40001)),
            "{answer}"
        );
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(field), "{message}");
    }
    let (status, _, _) = rig
        .rest(
            "POST",
            &path,
            Some(json!({ "url": { "primary": "https://a.example/cb" } })),
        )
        .await;
    assert_eq!(status, 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_timeout_mills_bounds_voice_input() {
    // 60 s of silence allowed between inputs, but voice input as a whole ends after 200 ms:
    // the timeout PIE comes well within the wait, which it could not by `timeoutMills`.
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(
            json!({ "action": { "name": "runMenu", "locale": "en-US", "enableVoice": true,
            "menus": [{ "id": "main", "mainPrompt": "#tts[Say something]",
                "timeoutMills": 60000, "maxTimeoutMills": 200,
                "options": [{ "dtmf": "2", "action": "return(support)" }] }] } }),
        ),
        Some("pie") => svaml(json!({ "action": { "name": "hangup" } })),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let pie = rig.emulator.wait_for_event(&id, "pie", WAIT).await;
    let pie = pie.unwrap_or_else(|| panic!("no PIE within {WAIT:?}: maxTimeoutMills ignored"));
    assert_eq!(pie.body["menuResult"]["type"], "timeout", "{}", pie.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callout_greeting_and_locale_are_spoken_and_the_request_is_logged() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ace") => svaml(json!({ "action": { "name": "continue" } })),
        _ => ok(),
    })
    .await;
    let id = rig
        .callout(
            json!({ "method": "conferenceCallout", "conferenceCallout": {
            "cli": OUR_NUMBER, "destination": { "type": "number", "endpoint": CALLER },
            "conferenceId": "standup", "greeting": "Welcome to the stand-up.", "locale": "sv-SE",
            "enableAce": true, "enableDice": true } }),
        )
        .await;
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| s.conference.is_some())
        .await
        .unwrap();
    assert!(
        heard(&s, say("sv-SE", "Welcome to the stand-up.")),
        "{:?}",
        s.transcript
    );
    assert!(
        matches!(&s.transcript[0], TranscriptEntry::Callout { locale, .. } if locale == "sv-SE"),
        "{:?}",
        s.transcript
    );
    rig.emulator.hang_up(&id);
    let tts = rig
        .callout(json!({ "method": "ttsCallout", "ttsCallout": { "cli": OUR_NUMBER,
            "destination": { "type": "number", "endpoint": CALLER }, "text": "Hej", "locale": "sv-SE" } }))
        .await;
    assert!(heard(&rig.ended(&tts).await, say("sv-SE", "Hej")));
    let logged = rig.emulator.requests();
    let first = &logged[0];
    assert_eq!((first.method.as_str(), first.status), ("POST", 200));
    assert_eq!(
        first.body.as_ref().unwrap()["conferenceCallout"]["enableAce"],
        true
    );
    assert_eq!(first.response.as_ref().unwrap()["callId"], json!(id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_callout_ice_and_dice_carry_every_field() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(
            json!({ "instructions": [{ "name": "say", "text": "Hi", "locale": "en-US" }],
            "action": { "name": "hangup" } }),
        ),
        _ => ok(),
    })
    .await;
    let ice_url = rig.emulator.call_ids().len(); // keep the borrow checker calm below
    let _ = ice_url;
    let callbacks = rig.seen.clone();
    let url = {
        // The app's own URL serves the custom ICE too.
        let info = rig.control("GET", "/info", None).await.1;
        info["callbackUrl"].as_str().unwrap().to_string()
    };
    let id = rig
        .callout(json!({ "method": "customCallout", "customCallout": { "cli": OUR_NUMBER,
            "destination": { "type": "number", "endpoint": CALLER }, "ice": url, "custom": "c1" } }))
        .await;
    let s = rig.ended(&id).await;
    let ice = body(&s, "ice");
    assert_eq!(ice["cli"], OUR_NUMBER);
    assert_eq!(ice["to"], json!({ "type": "number", "endpoint": CALLER }));
    assert_eq!(ice["domain"], "pstn");
    assert_eq!(ice["originationType"], "PSTN");
    assert_eq!(
        ice["callResourceUrl"],
        json!(format!("{}/calling/v1/calls/id/{id}", rig.emulator.url()))
    );
    let dice = body(&s, "dice");
    assert_eq!(dice["to"]["endpoint"], CALLER);
    assert_eq!(dice["from"], OUR_NUMBER.trim_start_matches('+'));
    assert!(!callbacks.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_pstn_makes_a_second_leg_with_its_own_id_state_and_dice() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(json!({ "action": { "name": "connectPstn", "number": "+46709999999", "cli": OUR_NUMBER } })),
        Some("ace") => svaml(json!({ "action": { "name": "continue" } })),
        _ => ok(),
    })
    .await;
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| !s.legs.is_empty())
        .await
        .unwrap();
    let leg = s.legs[0].clone();
    assert_ne!(leg, id);
    let l = rig
        .emulator
        .wait_for(&leg, WAIT, |s| s.events.iter().any(|e| e.event == "ace"))
        .await
        .unwrap();
    assert_eq!(l.parent.as_deref(), Some(id.as_str()));
    assert_eq!(l.to, "+46709999999");
    assert_eq!(body(&l, "ace")["callid"], json!(leg));
    let (status, info, _) = rig
        .rest("GET", &format!("/calling/v1/calls/id/{leg}"), None)
        .await;
    assert_eq!((status, info["status"].as_str()), (200, Some("ONGOING")));
    // The callee hangs up: the leg and the call end, each with its DiCE.
    rig.emulator.hang_up_as(&id, Party::Callee).unwrap();
    let s = rig.ended(&id).await;
    let l = rig.ended(&leg).await;
    assert_eq!(body(&l, "dice")["reason"], "CALLEEHANGUP");
    assert_eq!(body(&l, "dice")["callid"], json!(leg));
    assert_eq!(body(&s, "dice")["reason"], "CALLEEHANGUP");
    assert_eq!(events(&s), ["ice", "dice"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_second_leg_and_suppressed_callbacks() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(json!({ "action": { "name": "connectPstn", "number": "+46709999999", "suppressCallbacks": true } })),
        _ => ok(),
    })
    .await;
    rig.emulator.script_next_callee(Callee::Busy);
    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&id).await;
    let leg = rig.ended(&s.legs[0]).await;
    assert_eq!(leg.result, "BUSY");
    assert!(leg.events.is_empty(), "suppressCallbacks: {:?}", leg.events);
    assert_eq!(body(&s, "dice")["result"], "BUSY");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_calls_to_unassigned_numbers_are_refused_and_405_has_allow() {
    let rig = rig(|_| ok()).await;
    let refused = rig
        .emulator
        .inbound_call(CALLER, "+46800000000")
        .unwrap_err();
    assert_eq!(refused.status(), 422);
    let (status, _, _) = rig
        .rest(
            "DELETE",
            "/v1/configuration/numbers",
            Some(json!({ "number": OUR_OTHER_NUMBER })),
        )
        .await;
    assert_eq!(status, 204);
    assert!(rig.emulator.inbound_call(CALLER, OUR_OTHER_NUMBER).is_err());
    assert!(rig.emulator.calls().is_empty());
    let (status, _, headers) = rig.rest("PUT", "/calling/v1/callouts", None).await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "POST");
    let (status, _, headers) = rig.rest("POST", "/calling/v1/calls/id/abc", None).await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET, PATCH");
}

// ------------------------------------------------------------------ control API

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_api_drives_a_call_end_to_end() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(menu_reply(
            json!({ "id": "main", "mainPrompt": "#tts[Press 1]",
            "options": [{ "dtmf": "1", "action": "return(one)" }] }),
        )),
        Some("pie") => svaml(
            json!({ "instructions": [{ "name": "setCookie", "key": "k", "value": "v" }],
            "action": { "name": "connectConf", "conferenceId": "room-x" } }),
        ),
        _ => ok(),
    })
    .await;
    // Follow the event stream meanwhile.
    let stream = rig
        .http
        .get(format!("{}/events", rig.emulator.control_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let (status, call) = rig
        .control(
            "POST",
            "/calls",
            Some(json!({ "from": CALLER, "to": OUR_NUMBER })),
        )
        .await;
    assert_eq!(status, 201, "{call}");
    let id = call["callId"].as_str().unwrap().to_string();
    rig.emulator.wait_for_event(&id, "ice", WAIT).await.unwrap();
    let (status, _) = rig
        .control(
            "POST",
            &format!("/calls/{id}/keys"),
            Some(json!({ "keys": "1" })),
        )
        .await;
    assert_eq!(status, 202);
    rig.emulator
        .wait_for(&id, WAIT, |s| {
            s.phase == sinch_voice_emulator::Phase::InConference
        })
        .await
        .expect("in the conference");
    let (status, _) = rig
        .control(
            "POST",
            &format!("/calls/{id}/hangup"),
            Some(json!({ "party": "caller" })),
        )
        .await;
    assert_eq!(status, 202);
    rig.ended(&id).await;
    let (_, view) = rig.control("GET", &format!("/calls/{id}"), None).await;
    assert_eq!(view["phase"], "ended");
    assert_eq!(view["reason"], "CALLERHANGUP");
    assert_eq!(view["cookies"]["k"], "v");
    let kinds: Vec<&str> = view["callbacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ice", "pie", "dice"]);
    assert!(view["callbacks"][0]["reply"]["action"]["name"] == "runMenu");
    let (_, list) = rig.control("GET", "/calls", None).await;
    assert_eq!(list["calls"].as_array().unwrap().len(), 1);

    // The stream saw the call from start to finish.
    let mut stream = stream;
    let mut text = String::new();
    let deadline = Instant::now() + WAIT;
    while !text.contains("call.finished") && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(2), stream.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    for kind in [
        "event: hello",
        "event: call.started",
        "event: callback",
        "event: transcript",
        "event: call.ended",
        "event: call.finished",
    ] {
        assert!(text.contains(kind), "{kind} missing from {text}");
    }

    // Callees scripted over the API; reset forgets the calls.
    let (status, _) = rig
        .control("POST", "/callees", Some(json!({ "behaviour": "busy" })))
        .await;
    assert_eq!(status, 204);
    let (status, _) = rig.control("POST", "/reset", Some(json!({}))).await;
    assert_eq!(status, 204);
    assert!(rig.emulator.calls().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_api_bad_input_gets_clear_errors() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(json!({ "action": { "name": "park" } })),
        _ => ok(),
    })
    .await;
    let url = rig.emulator.control_url();
    let raw = |body: &'static str| {
        rig.http
            .post(format!("{url}/calls"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let response = raw("{\"from\": ").await.unwrap();
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("Malformed JSON"),
        "{answer}"
    );
    let response = raw("{\"from\":\"x\",\"to\":\"+46812345678\",\"nope\":1}")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let (status, answer) = rig
        .control("POST", "/calls/nope/keys", Some(json!({ "keys": "1" })))
        .await;
    assert_eq!((status, answer["errorCode"].as_i64()), (404, Some(40400)));
    let (status, _) = rig.control("GET", "/calls/nope", None).await;
    assert_eq!(status, 404);
    let (status, _) = rig.control("DELETE", "/calls", None).await;
    assert_eq!(status, 405);

    let id = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator.wait_for_event(&id, "ice", WAIT).await.unwrap();
    let (status, _) = rig
        .control(
            "POST",
            &format!("/calls/{id}/keys"),
            Some(json!({ "keys": "1a" })),
        )
        .await;
    assert_eq!(status, 400);
    // A form is refused; a POST with no body at all is an empty request.
    let form = rig
        .http
        .post(format!("{}/calls/{id}/hangup", rig.emulator.control_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("party=caller")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415, "a POST without a JSON content type");
    let (status, _) = rig
        .control("POST", &format!("/calls/{id}/hangup"), None)
        .await;
    assert_eq!(status, 202);
    rig.ended(&id).await;
    let (status, answer) = rig
        .control("POST", &format!("/calls/{id}/hangup"), Some(json!({})))
        .await;
    assert_eq!(status, 409, "a second hang-up: {answer}");
    let (status, answer) = rig
        .control(
            "POST",
            &format!("/calls/{id}/keys"),
            Some(json!({ "keys": "1" })),
        )
        .await;
    assert_eq!(status, 409, "keys on an ended call: {answer}");
    assert!(answer["message"].as_str().unwrap().contains("has ended"));
    let s = rig.emulator.call(&id).unwrap();
    assert_eq!(events(&s), ["ice", "dice"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_requests_to_the_control_api_are_refused() {
    let rig = rig(|_| ok()).await;
    let url = format!("{}/calls", rig.emulator.control_url());
    let body = json!({ "from": CALLER, "to": OUR_NUMBER });
    // A forged Origin.
    let response = rig
        .http
        .post(&url)
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    // A form post (what a page can send without a preflight).
    let response = rig
        .http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("from=%2B46701234567&to=%2B46812345678")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let response = rig
        .http
        .post(&url)
        .header("content-type", "text/plain")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    // DNS rebinding: a Host that is a name other than localhost.
    let response = rig
        .http
        .post(&url)
        .header("host", "evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // A preflight gets no CORS permission.
    let response = rig
        .http
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert!(!response.status().is_success());
    assert!(rig.emulator.calls().is_empty(), "no call was started");
    // The same origin is fine.
    let origin = rig.emulator.url().to_string();
    let response = rig
        .http
        .post(&url)
        .header("origin", origin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_servers_that_stall_or_flood_still_get_every_dice() {
    let huge = Bytes::from(vec![b' '; 10 * 1024 * 1024]);
    let rig = rig(move |e| match (e["event"].as_str(), e["callid"].as_str()) {
        (Some("ice"), _) => {
            let mut response = Response::new(axum::body::Body::from(huge.clone()));
            response
                .headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            response
        }
        _ => ok(),
    })
    .await;
    let flooded = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&flooded).await;
    assert_eq!(events(&s), ["ice", "dice"]);
    assert!(
        s.events[0]
            .error
            .as_deref()
            .unwrap()
            .contains("larger than"),
        "{:?}",
        s.events[0].error
    );
    assert_eq!(body(&s, "dice")["reason"], "CALLBACKERROR");

    // A server that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = format!("http://{}/cb", listener.local_addr().unwrap());
    let _hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    rig.emulator.set_callback_url(silent);
    let started = Instant::now();
    let stalled = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    let s = rig.ended(&stalled).await;
    assert_eq!(events(&s), ["ice", "dice"]);
    assert_eq!(s.events[0].error.as_deref(), Some("no answer in time"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // Still serving.
    let (status, _, _) = rig.rest("GET", "/v1/configuration/numbers", None).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_inbound_calls() {
    let rig = rig_with(
        Config {
            callback_timeout: Duration::from_secs(20),
            ..config()
        },
        |e| match e["event"].as_str() {
            Some("ice") => svaml(
                json!({ "instructions": [{ "name": "say", "text": "Hi", "locale": "en-US" }],
                "action": { "name": "hangup" } }),
            ),
            _ => ok(),
        },
    )
    .await;
    let started = Instant::now();
    let ids: Vec<String> = (0..1000)
        .map(|_| rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap())
        .collect();
    assert!(
        rig.emulator
            .wait_until_all_finished(Duration::from_secs(60))
            .await
    );
    let took = started.elapsed();
    eprintln!("1000 concurrent inbound calls, ICE to DiCE: {took:?}");
    for id in &ids {
        let s = rig.emulator.call(id).unwrap();
        assert_eq!(events(&s), ["ice", "dice"], "{id}");
        assert_eq!(s.reason, "MANAGERHANGUP");
    }
    assert_eq!(rig.seen.lock().unwrap().len(), 2000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_callout_reports_the_cli_of_its_inline_connect_pstn() {
    let rig = rig(|_| ok()).await;
    let ice =
        json!({ "action": { "name": "connectPstn", "number": CALLER, "cli": OUR_OTHER_NUMBER } })
            .to_string();
    let id = rig
        .callout(json!({ "method": "customCallout", "customCallout": { "ice": ice } }))
        .await;
    // The callout itself dials the number of its ICE's connectPstn.
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| {
            s.transcript
                .iter()
                .any(|e| matches!(e, TranscriptEntry::Connected { .. }))
        })
        .await
        .unwrap();
    assert_eq!(s.from, OUR_OTHER_NUMBER, "the call's caller id");
    assert_eq!(s.to, CALLER);
    let (status, info, _) = rig
        .rest("GET", &format!("/calling/v1/calls/id/{id}"), None)
        .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["from"]["endpoint"], OUR_OTHER_NUMBER, "{info}");
    rig.emulator.hang_up_as(&id, Party::Callee).unwrap();
    let s = rig.ended(&id).await;
    assert_eq!(
        body(&s, "dice")["from"],
        OUR_OTHER_NUMBER.trim_start_matches('+')
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_callout_that_waits_in_a_menu_reports_its_duration_and_debit() {
    let rig = rig(|_| ok()).await;
    let menu = menu_reply(json!({ "id": "main", "mainPrompt": "#tts[Press 1]",
        "options": [{ "dtmf": "1", "action": "return(one)" }] }));
    let id = rig
        .callout(
            json!({ "method": "customCallout", "customCallout": { "cli": OUR_NUMBER,
            "destination": { "type": "number", "endpoint": CALLER }, "ice": menu.to_string() } }),
        )
        .await;
    // The callee answers, hears the menu and waits in it.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    rig.emulator.hang_up_as(&id, Party::Callee).unwrap();
    let s = rig.ended(&id).await;
    let dice = body(&s, "dice");
    assert!(dice["duration"].as_u64().unwrap() >= 2, "{dice}");
    assert!(dice["debit"]["amount"].as_f64().unwrap() > 0.0, "{dice}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_null_destination_is_refused_naming_the_field() {
    let rig = rig(|_| ok()).await;
    for (method, body) in [
        (
            "ttsCallout",
            json!({ "cli": OUR_NUMBER, "destination": null, "text": "Hi" }),
        ),
        (
            "conferenceCallout",
            json!({ "cli": OUR_NUMBER, "destination": null, "conferenceId": "room" }),
        ),
        (
            "customCallout",
            json!({ "cli": OUR_NUMBER, "destination": null, "ice": "https://example.com/ice" }),
        ),
    ] {
        let (status, answer, _) = rig
            .rest(
                "POST",
                "/calling/v1/callouts",
                Some(json!({ "method": method, method: body })),
            )
            .await;
        assert_eq!(status, 400, "{method}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains("destination"),
            "{method}: {answer}"
        );
    }
}

/// The values of a string enum of the effective spec.
fn spec_enum(name: &str) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/effective/sinch-voice.openapi.json"
    );
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    spec["components"]["schemas"][name]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("no enum {name}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_call_answers_only_values_the_spec_lists() {
    // The app fails every ICE: the call ends with the platform's CALLBACKERROR.
    let rig = rig(|_| {
        axum::response::IntoResponse::into_response(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    })
    .await;
    let failed = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.ended(&failed).await;
    let sip = rig
        .callout(json!({ "method": "ttsCallout", "ttsCallout": {
            "destination": { "type": "sip", "endpoint": "alice@sip.example.com" }, "text": "Hi" } }))
        .await;
    rig.ended(&sip).await;
    let (domains, reasons, results, statuses) = (
        spec_enum("Domain"),
        spec_enum("CallEndReason"),
        spec_enum("CallResult"),
        spec_enum("CallStatus"),
    );
    let mut seen = Vec::new();
    for id in [&failed, &sip] {
        let (status, info, _) = rig
            .rest("GET", &format!("/calling/v1/calls/id/{id}"), None)
            .await;
        assert_eq!(status, 200, "{info}");
        for (field, list) in [
            ("domain", &domains),
            ("reason", &reasons),
            ("result", &results),
            ("status", &statuses),
        ] {
            let value = info[field]
                .as_str()
                .unwrap_or_else(|| panic!("{field}: {info}"));
            assert!(
                list.iter().any(|v| v == value),
                "{field} {value:?} is not in {list:?}"
            );
            seen.push(value.to_string());
        }
    }
    // The two values the spec once lacked are among those answered.
    assert!(seen.contains(&"sip".to_string()), "{seen:?}");
    assert!(seen.contains(&"CALLBACKERROR".to_string()), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_in_a_detecting_conference_reach_the_app_as_sequence_pies() {
    let rig = rig(|e| match e["event"].as_str() {
        Some("ice") => svaml(
            json!({ "action": { "name": "connectConf", "conferenceId": "sales",
            "conferenceDtmfOptions": { "mode": "detect" } } }),
        ),
        _ => ok(),
    })
    .await;
    let in_room = |s: &CallSnapshot| s.phase == sinch_voice_emulator::Phase::InConference;
    let pies = |s: &CallSnapshot| -> Vec<Value> {
        s.events
            .iter()
            .filter(|e| e.event == "pie")
            .map(|e| e.body["menuResult"].clone())
            .collect()
    };
    // connectConf, default maxDigits 1: each key is a PIE.
    let inbound = rig.emulator.inbound_call(CALLER, OUR_NUMBER).unwrap();
    rig.emulator
        .wait_for(&inbound, WAIT, in_room)
        .await
        .unwrap();
    assert!(rig.emulator.press(&inbound, "5"));
    let s = rig
        .emulator
        .wait_for(&inbound, WAIT, |s| pies(s).len() == 1)
        .await
        .unwrap();
    assert_eq!(
        pies(&s)[0],
        json!({ "menuId": "sales", "type": "sequence", "value": "5", "inputMethod": "dtmf" })
    );
    let pie = s.events.iter().find(|e| e.event == "pie").unwrap();
    assert_eq!(pie.body["conferenceId"], "sales");

    // A conference callout: two digits, or what is in when 200 ms pass after a digit.
    let id = rig
        .callout(
            json!({ "method": "conferenceCallout", "conferenceCallout": { "cli": OUR_NUMBER,
            "destination": { "type": "number", "endpoint": CALLER }, "conferenceId": "room-2",
            "conferenceDtmfOptions": { "mode": "detect", "maxDigits": 2, "timeoutMills": 200 } } }),
        )
        .await;
    rig.emulator.wait_for(&id, WAIT, in_room).await.unwrap();
    assert!(rig.emulator.press(&id, "12"));
    assert!(rig.emulator.press(&id, "3"));
    let s = rig
        .emulator
        .wait_for(&id, WAIT, |s| pies(s).len() == 2)
        .await
        .unwrap();
    let values: Vec<String> = pies(&s)
        .iter()
        .map(|r| r["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(values, ["12", "3"]);
    assert!(pies(&s).iter().all(|r| r["menuId"] == "room-2"));
    // Without detect, keys in a conference are only heard.
    let ignore = rig
        .callout(
            json!({ "method": "conferenceCallout", "conferenceCallout": { "cli": OUR_NUMBER,
            "destination": { "type": "number", "endpoint": CALLER }, "conferenceId": "room-3" } }),
        )
        .await;
    rig.emulator.wait_for(&ignore, WAIT, in_room).await.unwrap();
    rig.emulator.press(&ignore, "9");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(pies(&rig.emulator.call(&ignore).unwrap()).is_empty());
}
