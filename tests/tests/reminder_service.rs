//! The newcomer's reminder line (`sinch_voice_tests::reminder`) end to end against the
//! emulator: the menu's three key branches, a caller who hangs up in the menu, and the TTS,
//! conference and custom callouts, each asserted on what the emulator saw.

use std::time::Duration;

use sinch_voice::Client;
use sinch_voice_emulator::{CallSnapshot, Config, Emulator, EmulatorHandle};
use sinch_voice_tests::reminder::{self, FRONT_DESK, OUR_NUMBER};

const WAIT: Duration = Duration::from_secs(10);
const PATIENT: &str = "+46701234567";

struct Rig {
    emulator: EmulatorHandle,
    client: Client,
    _server: tokio::task::JoinHandle<()>,
}

async fn rig() -> Rig {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        answer_delay: Duration::from_millis(10),
        menu_timeout: Duration::from_secs(2),
        ..Config::default()
    };
    let emulator = Emulator::builder()
        .config(config)
        .callback_url(format!("{base}/hooks/sinch"))
        .start()
        .await
        .unwrap();
    let app = reminder::app(&emulator.credentials());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder()
        .credentials(emulator.credentials())
        .calling_url(emulator.url())
        .configuration_url(emulator.url())
        .build()
        .unwrap();
    Rig {
        emulator,
        client,
        _server: server,
    }
}

fn said(call: &CallSnapshot, text: &str) -> bool {
    call.transcript
        .iter()
        .any(|line| line.to_string().contains(text))
}

fn events(call: &CallSnapshot) -> Vec<String> {
    call.events.iter().map(|e| e.event.to_string()).collect()
}

/// An inbound call that has heard the menu, then `keys`.
async fn press(rig: &Rig, keys: &str) -> String {
    let call = rig.emulator.inbound_call(PATIENT, OUR_NUMBER).unwrap();
    let listening = rig
        .emulator
        .wait_for(&call, WAIT, |s| said(s, "Press 1"))
        .await;
    assert!(listening.is_some(), "{:?}", rig.emulator.call(&call));
    assert!(rig.emulator.press(&call, keys));
    call
}

#[tokio::test]
async fn key_1_confirms_and_hangs_up() {
    let rig = rig().await;
    let call = press(&rig, "1").await;
    let ended = rig.emulator.wait_until_ended(&call, WAIT).await.unwrap();
    assert_eq!(events(&ended), ["ice", "pie", "dice"]);
    assert!(
        said(&ended, "You have an appointment tomorrow at ten."),
        "{:?}",
        ended.transcript
    );
    assert!(said(&ended, "Thank you."), "{:?}", ended.transcript);
    // The prompt was sent as written: not wrapped in a second #tts[..].
    let ice = &ended.events[0];
    let prompt = ice.reply.as_ref().unwrap()["action"]["menus"][0]["mainPrompt"].clone();
    assert_eq!(
        prompt,
        "#tts[Press 1 to confirm, 2 to join the team room, 3 for the front desk.]"
    );
}

#[tokio::test]
async fn key_2_joins_the_team_room() {
    let rig = rig().await;
    let call = press(&rig, "2").await;
    let joined = rig
        .emulator
        .wait_for(&call, WAIT, |s| s.conference.as_deref() == Some("team"))
        .await;
    assert!(joined.is_some(), "{:?}", rig.emulator.call(&call));
    let team = rig.client.get_conference("team").await.unwrap();
    assert_eq!(team.participants.len(), 1);
}

#[tokio::test]
async fn key_3_puts_the_caller_through_to_the_front_desk() {
    let rig = rig().await;
    let call = press(&rig, "3").await;
    let connected = rig
        .emulator
        .wait_for(&call, WAIT, |s| {
            said(s, &format!("connecting to {FRONT_DESK}"))
        })
        .await;
    assert!(connected.is_some(), "{:?}", rig.emulator.call(&call));
}

#[tokio::test]
async fn a_caller_who_hangs_up_in_the_menu_ends_the_call() {
    let rig = rig().await;
    let call = rig.emulator.inbound_call(PATIENT, OUR_NUMBER).unwrap();
    rig.emulator
        .wait_for(&call, WAIT, |s| said(s, "Press 1"))
        .await
        .unwrap();
    assert!(rig.emulator.hang_up(&call));
    let ended = rig.emulator.wait_until_ended(&call, WAIT).await.unwrap();
    assert_eq!(events(&ended).last().map(String::as_str), Some("dice"));
    assert!(!said(&ended, "Thank you."));
}

#[tokio::test]
async fn the_reminder_callout_reads_the_reminder() {
    let rig = rig().await;
    let call = reminder::remind(&rig.client, PATIENT).await.unwrap();
    let call = call.to_string();
    let heard = rig
        .emulator
        .wait_for(&call, WAIT, |s| {
            said(s, "You have an appointment tomorrow at ten.")
        })
        .await;
    assert!(heard.is_some(), "{:?}", rig.emulator.call(&call));
    assert_eq!(rig.emulator.call(&call).unwrap().to, PATIENT);
}

#[tokio::test]
async fn the_invite_callout_joins_a_colleague_to_the_team_room() {
    let rig = rig().await;
    let call = reminder::invite(&rig.client, PATIENT)
        .await
        .unwrap()
        .to_string();
    let joined = rig
        .emulator
        .wait_for(&call, WAIT, |s| s.conference.as_deref() == Some("team"))
        .await;
    assert!(joined.is_some(), "{:?}", rig.emulator.call(&call));
}

#[tokio::test]
async fn the_custom_callout_puts_the_patient_through() {
    let rig = rig().await;
    let call = reminder::put_through(&rig.client, PATIENT)
        .await
        .unwrap()
        .to_string();
    let through = rig
        .emulator
        .wait_for(&call, WAIT, |s| {
            said(s, "Connecting you to the front desk.") && said(s, FRONT_DESK)
        })
        .await;
    assert!(through.is_some(), "{:?}", rig.emulator.call(&call));
}
