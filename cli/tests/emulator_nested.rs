//! `sinch-voice emulator call --press K --press K` through menus a PIE opens one after
//! another, what `call --wait` shows of it (the PIE's menu result, the DiCE's outcome, why a
//! reply was refused), and `calls` / `conferences` on an empty emulator.

mod common;

use common::sv;
use sinch_voice::callbacks::{
    CallbackHandler, CallbackRouter, HandlerError, IceEvent, MenuOutcome, PieEvent, Verifier,
};
use sinch_voice::svaml::{IceResponse, Menu, PieResponse, RunMenu};
use sinch_voice_emulator::Emulator;

struct Nested;

/// A one-menu runMenu (its menu is `main`, as every runMenu needs) saying `name`.
fn menu(name: &str, value: &str) -> RunMenu<'static> {
    RunMenu::new([Menu::new("main")
        .prompt(format!("#tts[{name}: press 2.]"))
        .max_digits(1)
        .on_key_return("2", value.to_string())])
    .locale("en-US")
}

impl CallbackHandler for Nested {
    async fn on_ice(&self, _: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        Ok(IceResponse::builder()
            .run_menu(menu("main", "deeper"))
            .build()?)
    }

    async fn on_pie(&self, pie: PieEvent<'static>) -> Result<PieResponse<'static>, HandlerError> {
        let reply = PieResponse::builder();
        Ok(match pie.outcome() {
            // A second menu, opened by the PIE's answer: the next key is for it.
            MenuOutcome::Returned("deeper") => reply.run_menu(menu("second", "done")),
            MenuOutcome::Returned("done") => reply.say("Done.", "en-US").hangup(),
            _ => reply.hangup(),
        }
        .build()?)
    }
}

#[test]
fn presses_go_through_menus_a_pie_opens_and_the_wait_shows_what_was_sent() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (emulator, _server) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let app_url = format!("http://{}/sinch", listener.local_addr().unwrap());
        let emulator = Emulator::builder()
            .callback_url(app_url)
            .start()
            .await
            .unwrap();
        let app = CallbackRouter::new(Verifier::new(&emulator.credentials()), Nested)
            .into_router("/sinch");
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (emulator, server)
    });
    let url = emulator.url().to_string();

    let empty = sv(["emulator", "--emulator", &url, "calls"]).run();
    assert_eq!(empty.code(), Some(0), "{}", empty.context());
    assert_eq!(empty.stdout.trim(), "no calls", "{}", empty.context());
    let empty = sv(["emulator", "--emulator", &url, "conferences"]).run();
    assert_eq!(empty.stdout.trim(), "no conferences", "{}", empty.context());

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
        "2",
        "--press",
        "2",
        "--wait",
    ])
    .run();
    assert_eq!(run.code(), Some(0), "{}", run.context());
    for expected in [
        "pressed 2\npressed 2",
        "| say (en-US): Done.",
        "PIE (menu main return deeper) -> 200",
        "| play (en-US): #tts[second: press 2.]",
        "PIE (menu main return done) -> 200",
        "DICE (ANSWERED MANAGERHANGUP) -> 200",
    ] {
        assert!(
            run.stdout.contains(expected),
            "no {expected:?} in {}",
            run.context()
        );
    }
}
