use sinch_voice::axum::Router;
use sinch_voice::callbacks::{CallbackHandler, CallbackRouter, HandlerError, Verifier};
use sinch_voice::callbacks::{IceEvent, MenuOutcome, PieEvent};
use sinch_voice::svaml::{ConnectConf, ConnectPstn, IceResponse, Menu, PieResponse, RunMenu};
use sinch_voice::{CallId, Client, ConferenceCallout, Credentials, CustomCallout, Error};

pub const OUR_NUMBER: &str = "+14045001000";
pub const FRONT_DESK: &str = "+14045001234";
const LOCALE: &str = "en-US";
const REMINDER: &str = "You have an appointment tomorrow at ten.";

pub struct Reminders;

impl CallbackHandler for Reminders {
    async fn on_ice(&self, _: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        let menu = Menu::new("main")
            .prompt("#tts[Press 1 to confirm, 2 to join the team room, 3 for the front desk.]")
            .repeat("#tts[Sorry, please press 1, 2 or 3.]", 2)
            .max_digits(1)
            .on_key_return("1", "confirm")
            .on_key_return("2", "room")
            .on_key_return("3", "desk");
        let reply = IceResponse::builder().say(REMINDER, LOCALE);
        Ok(reply
            .run_menu(RunMenu::new([menu]).locale(LOCALE))
            .build()?)
    }

    async fn on_pie(&self, event: PieEvent<'static>) -> Result<PieResponse<'static>, HandlerError> {
        let reply = PieResponse::builder();
        let desk = ConnectPstn::to(FRONT_DESK).cli(OUR_NUMBER);
        let reply = match event.outcome() {
            MenuOutcome::Returned("confirm") => reply.say("Thank you.", LOCALE).hangup(),
            MenuOutcome::Returned("room") => reply.connect_conf(ConnectConf::room("team")),
            MenuOutcome::Returned("desk") => reply.connect_pstn(desk),
            _ => reply.say("Goodbye.", LOCALE).hangup(),
        };
        Ok(reply.build()?)
    }
}

/// The app: Sinch calls `https://your.host/hooks/sinch`.
pub fn app(credentials: &Credentials) -> Router {
    let callbacks = CallbackRouter::new(Verifier::new(credentials), Reminders);
    Router::new().nest("/hooks", callbacks.into_router("/sinch"))
}

/// Calls a patient and reads the reminder.
pub async fn remind(client: &Client, patient: &str) -> Result<CallId, Error> {
    let callout = sinch_voice::TtsCallout::to(patient).cli(OUR_NUMBER);
    client.callout(callout.text(REMINDER).locale(LOCALE)).await
}

/// Calls a colleague into the team room.
pub async fn invite(client: &Client, colleague: &str) -> Result<CallId, Error> {
    let callout = ConferenceCallout::to(colleague, "team").cli(OUR_NUMBER);
    client.callout(callout).await
}

/// Calls a patient and, when they answer, puts them through to the front desk.
pub async fn put_through(client: &Client, patient: &str) -> Result<CallId, Error> {
    let ice = IceResponse::builder()
        .say("Connecting you to the front desk.", LOCALE)
        .connect_pstn(ConnectPstn::to(FRONT_DESK).cli(OUR_NUMBER))
        .build()?;
    let callout = CustomCallout::new()
        .ice(ice)
        .destination(patient)
        .cli(OUR_NUMBER);
    client.callout(callout).await
}
