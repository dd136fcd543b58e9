//! `sinch-voice demo`: the emulator, an IVR callback server and the client, all on 127.0.0.1,
//! playing two calls.
//!
//! 1. An inbound call from +15551230001 to the application's number: ICE (welcome, menu), the
//!    caller presses 1, PIE (join "sales"); the client lists the conference and kicks the
//!    caller, DiCE.
//! 2. A conference callout with ACE and DiCE enabled: ACE (menu), the callee presses 2, PIE
//!    (goodbye, hangup), DiCE.
//!
//! Every step is checked; the first one that does not happen ends the demo with an error.

mod ivr;
mod output;

use std::sync::Arc;
use std::time::Duration;

use sinch_voice::ConferenceCallout;
use sinch_voice::callbacks::{CallbackRouter, Verifier};
use sinch_voice_emulator::{CallSnapshot, Config, Emulator, EmulatorHandle};

use crate::cli::DemoArgs;
use ivr::{Ivr, ROOM, Replies};
use output::{Output, short_id};

/// Where the callback server listens.
const CALLBACK_PATH: &str = "/sinch/callback";
/// The caller of the inbound call.
const CALLER: &str = "+15551230001";
/// The application's number (one the emulator's account owns).
const APP_NUMBER: &str = "+46812345678";
/// Whom the callout calls.
const CALLEE: &str = "+15557654321";
/// How long a menu waits for a key in console mode.
const CONSOLE_MENU_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for any one step.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the demo on its own runtime. `Err` says what failed, for the user.
pub(crate) fn run(args: &DemoArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(play(args))
}

/// Aborts the callback server when the demo ends, however it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn play(args: &DemoArgs) -> Result<(), String> {
    let out = Arc::new(Output::new());
    let config = Config {
        answer_delay: Duration::from_millis(50),
        // A person at the console's keypad needs longer than the scripted caller.
        menu_timeout: if args.console {
            CONSOLE_MENU_TIMEOUT
        } else {
            Duration::from_secs(3)
        },
        ..Config::default()
    };
    let emulator = Emulator::builder()
        .config(config)
        .start_on(args.port)
        .await
        .map_err(|e| format!("cannot start the emulator on 127.0.0.1: {e}"))?;

    let replies = Replies::build().map_err(|e| format!("the IVR's SVAML is invalid: {e}"))?;
    let router = CallbackRouter::new(
        Verifier::new(&emulator.credentials()),
        Ivr::new(Arc::clone(&out), replies),
    )
    .into_router(CALLBACK_PATH);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| format!("cannot listen for callbacks on 127.0.0.1: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the callback server's address: {e}"))?;
    let callback_url = format!("http://{address}{CALLBACK_PATH}");
    let _server = AbortOnDrop(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("error: the callback server stopped: {e}");
        }
    }));
    emulator.set_callback_url(&callback_url);

    let client = sinch_voice::Client::builder()
        .credentials(emulator.credentials())
        .calling_url(emulator.url())
        .configuration_url(emulator.url())
        .overall_timeout(Some(STEP_TIMEOUT))
        .build()
        .map_err(|e| format!("cannot configure the client: {e}"))?;

    out.line("sinch-voice demo: an IVR on the local Sinch Voice emulator");
    out.line(&format!("  emulator   {}", emulator.url()));
    out.line(&format!("  callbacks  {callback_url}"));

    let inbound = inbound_call(&emulator, &client, &out).await?;
    let callout = conference_callout(&emulator, &client, &out).await?;
    summary(
        &emulator,
        &out,
        &[("inbound", inbound), ("callout", callout)],
    )?;
    if args.console {
        out.heading("Console");
        out.line(&format!("  console    {}", emulator.console_url()));
        out.line(&format!(
            "  The emulator and the IVR keep running: open the console, dial {APP_NUMBER} from its phone, press 1 or 2 (ctrl-c to stop)."
        ));
        let _ = tokio::signal::ctrl_c().await;
    }
    Ok(())
}

/// Call 1: a caller dials the application's number, presses 1, joins "sales", is kicked.
async fn inbound_call(
    emulator: &EmulatorHandle,
    client: &sinch_voice::Client,
    out: &Output,
) -> Result<String, String> {
    out.heading(&format!(
        "Call 1: {CALLER} calls the application's number {APP_NUMBER}"
    ));
    let id = emulator
        .inbound_call(CALLER, APP_NUMBER)
        .map_err(|e| format!("the inbound call was refused: {e}"))?;
    let short = short_id(&id);
    expect_event(emulator, &id, "ice").await?;

    out.event("KEYS", &format!("call {short} caller presses 1"), None);
    if !emulator.press(&id, "1") {
        return Err(ended_early(emulator, &id, "the caller could press 1"));
    }
    expect_event(emulator, &id, "pie").await?;
    let joined = emulator
        .wait_for(&id, STEP_TIMEOUT, |call| {
            call.conference.as_deref() == Some(ROOM) || call.status == "FINAL"
        })
        .await;
    if joined.and_then(|call| call.conference).as_deref() != Some(ROOM) {
        return Err(format!(
            "call {short} did not join the conference {ROOM:?} within {} s",
            STEP_TIMEOUT.as_secs()
        ));
    }

    let conference = client
        .get_conference(ROOM)
        .await
        .map_err(|e| client_error(format!("get_conference({ROOM:?})"), e))?;
    let participants: Vec<String> = conference
        .participants
        .iter()
        .map(|p| {
            format!(
                "{} ({}{})",
                short_id(p.id.as_deref().unwrap_or("?")),
                p.cli.as_deref().unwrap_or("?"),
                if p.muted == Some(true) { ", muted" } else { "" }
            )
        })
        .collect();
    out.event(
        "REST",
        &format!(
            "get_conference {ROOM}: {} participant{}: {}",
            participants.len(),
            if participants.len() == 1 { "" } else { "s" },
            participants.join(", ")
        ),
        None,
    );
    if !conference
        .participants
        .iter()
        .any(|p| p.id.as_deref() == Some(id.as_str()))
    {
        return Err(format!(
            "the conference {ROOM:?} does not list call {short} among its participants"
        ));
    }

    out.event("REST", &format!("kick_participant {ROOM} {short}"), None);
    client
        .kick_participant_from_conference(ROOM, &id)
        .await
        .map_err(|e| client_error(format!("kick_participant({ROOM:?}, {short})"), e))?;
    expect_event(emulator, &id, "dice").await?;
    Ok(id)
}

/// Call 2: a conference callout whose ACE runs the menu; the callee presses 2 and hears
/// goodbye.
async fn conference_callout(
    emulator: &EmulatorHandle,
    client: &sinch_voice::Client,
    out: &Output,
) -> Result<String, String> {
    out.heading(&format!(
        "Call 2: a conference callout from {APP_NUMBER} to {CALLEE}, with ACE and DiCE"
    ));
    let callout = ConferenceCallout::to(CALLEE, ROOM)
        .cli(APP_NUMBER)
        .custom("acme-demo")
        .enable_ace(true)
        .enable_dice(true);
    let id = client
        .callout(callout)
        .await
        .map_err(|e| client_error("the conference callout".into(), e))?
        .into_string();
    let short = short_id(&id);
    out.event(
        "REST",
        &format!("callout (conferenceCallout to {CALLEE}): call {short}"),
        None,
    );
    expect_event(emulator, &id, "ace").await?;

    out.event("KEYS", &format!("call {short} callee presses 2"), None);
    if !emulator.press(&id, "2") {
        return Err(ended_early(emulator, &id, "the callee could press 2"));
    }
    expect_event(emulator, &id, "pie").await?;
    expect_event(emulator, &id, "dice").await?;
    Ok(id)
}

/// Waits until the call has sent `event` and the callback server answered it with 200.
async fn expect_event(emulator: &EmulatorHandle, id: &str, event: &str) -> Result<(), String> {
    let short = short_id(id);
    let name = event_name(event);
    // DiCE comes after the call is FINAL; for the others, a FINAL call will not send them.
    let snapshot = emulator
        .wait_for(id, STEP_TIMEOUT, |call| {
            call.events.iter().any(|e| e.event == event) || (event != "dice" && is_final(call))
        })
        .await;
    let Some(snapshot) = snapshot else {
        let seen = emulator
            .call(id)
            .map(|call| event_list(&call))
            .unwrap_or_default();
        return Err(format!(
            "call {short}: no {name} within {} s (callbacks so far: {})",
            STEP_TIMEOUT.as_secs(),
            if seen.is_empty() { "none" } else { &seen }
        ));
    };
    let Some(record) = snapshot.events.iter().find(|e| e.event == event) else {
        return Err(format!(
            "call {short} ended ({}, {}) before its {name}; transcript: {:?}",
            snapshot.result,
            snapshot.reason,
            snapshot.transcript_lines()
        ));
    };
    match record.status {
        200 => Ok(()),
        0 => Err(format!(
            "call {short}: the callback server did not answer the {name}"
        )),
        status => Err(format!(
            "call {short}: the callback server answered the {name} with HTTP {status}"
        )),
    }
}

/// A failed client request, with a hint when a proxy may have taken it: `sinch_voice::Client`
/// follows `HTTP_PROXY`/`ALL_PROXY` even for 127.0.0.1 unless `NO_PROXY` names it.
fn client_error(what: String, error: sinch_voice::Error) -> String {
    let proxy = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
    match proxy {
        Some(var) => format!(
            "{what} failed: {error}\n(note: {var} is set; requests to the emulator on 127.0.0.1 \
             may have gone to that proxy; try NO_PROXY=127.0.0.1)"
        ),
        None => format!("{what} failed: {error}"),
    }
}

fn ended_early(emulator: &EmulatorHandle, id: &str, what: &str) -> String {
    let how = emulator
        .call(id)
        .map(|call| format!(" ({}, {})", call.result, call.reason))
        .unwrap_or_default();
    format!("call {} ended{how} before {what}", short_id(id))
}

fn is_final(call: &CallSnapshot) -> bool {
    call.status == "FINAL"
}

/// `ice` → `ICE`, `dice` → `DiCE`.
fn event_name(event: &str) -> String {
    match event {
        "dice" => "DiCE".into(),
        other => other.to_ascii_uppercase(),
    }
}

fn event_list(call: &CallSnapshot) -> String {
    call.events
        .iter()
        .map(|e| event_name(&e.event))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn summary(
    emulator: &EmulatorHandle,
    out: &Output,
    calls: &[(&str, String)],
) -> Result<(), String> {
    out.heading("Summary");
    out.line(&format!("  calls    {}", calls.len()));
    let mut events = 0;
    for (n, (kind, id)) in calls.iter().enumerate() {
        let call = emulator
            .call(id)
            .ok_or_else(|| format!("the emulator has no record of call {}", short_id(id)))?;
        events += call.events.len();
        out.line(&format!(
            "  call {}   {} {kind}: {} ({} events), {}, {}",
            n + 1,
            short_id(id),
            event_list(&call),
            call.events.len(),
            call.result,
            call.reason
        ));
        if !call.cookies.is_empty() {
            let cookies: Vec<String> = call
                .cookies
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            out.line(&format!("           cookies: {}", cookies.join(", ")));
        }
        out.line(&format!(
            "           transcript ({} lines):",
            call.transcript.len()
        ));
        for line in &call.transcript {
            out.line(&format!("             {line}"));
        }
    }
    out.line(&format!(
        "  total    {events} events in {:.3} s",
        out.elapsed().as_secs_f64()
    ));
    Ok(())
}
