//! The demo's call flow, as an application would write it: a `CallbackHandler` answering
//! ICE, ACE and PIE with typed SVAML, printing each event and its reply as it arrives.
//!
//! - ICE: set a cookie, say "Welcome to Acme", run the menu (1: sales, 2: goodbye).
//! - ACE (an answered callout): the same menu.
//! - PIE `sales`: say so and join the conference "sales"; PIE `goodbye`: say "Goodbye" and
//!   hang up; anything else (a timeout, an invalid key): apologise and hang up.

use std::sync::Arc;

use sinch_voice::callbacks::{
    AceEvent, CallbackHandler, DiceEvent, HandlerError, IceEvent, MenuResultType, NotifyEvent,
    PieEvent,
};
use sinch_voice::svaml::{
    AceResponse, Action, ConnectConf, Context, IceResponse, Instruction, Menu, OptionAction,
    PieResponse, Prompt, RunMenu, Svaml, SvamlError,
};

use super::output::{Output, number, short_id};

/// The conference the menu's key 1 leads to.
pub(super) const ROOM: &str = "sales";

const LOCALE: &str = "en-US";

/// Every reply the IVR gives, built (and validated) once before any call.
#[derive(Debug, Clone)]
pub(super) struct Replies {
    ice: IceResponse<'static>,
    ace: AceResponse<'static>,
    sales: PieResponse<'static>,
    goodbye: PieResponse<'static>,
    fallback: PieResponse<'static>,
}

impl Replies {
    pub(super) fn build() -> Result<Self, SvamlError> {
        let menu = || {
            RunMenu::new([Menu::new("main")
                .prompt(Prompt::tts(
                    "Press 1 to talk to sales, or 2 to end the call.",
                ))
                .on_key_return("1", "sales")
                .on_key_return("2", "goodbye")])
            .locale(LOCALE)
        };
        Ok(Replies {
            ice: IceResponse::builder()
                .set_cookie("flow", "acme-ivr")
                .say("Welcome to Acme", LOCALE)
                .run_menu(menu())
                .build()?,
            ace: AceResponse::builder().run_menu(menu()).build()?,
            sales: PieResponse::builder()
                .say("Connecting you to sales", LOCALE)
                .connect_conf(ConnectConf::room(ROOM))
                .build()?,
            goodbye: PieResponse::builder()
                .say("Goodbye", LOCALE)
                .hangup()
                .build()?,
            fallback: PieResponse::builder()
                .say("Sorry, I did not get that. Goodbye", LOCALE)
                .hangup()
                .build()?,
        })
    }
}

/// The callback handler of the demo.
pub(super) struct Ivr {
    out: Arc<Output>,
    replies: Replies,
}

impl Ivr {
    pub(super) fn new(out: Arc<Output>, replies: Replies) -> Self {
        Ivr { out, replies }
    }
}

impl CallbackHandler for Ivr {
    async fn on_ice(&self, event: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        let reply = self.replies.ice.clone();
        let to = event.to.as_ref().map_or("?", |to| &to.endpoint);
        let from = number(event.cli.as_deref().unwrap_or("?"));
        self.out.event(
            "ICE",
            &format!("call {} from {from} to {to}", call(&event.callid)),
            Some(&describe(&reply)),
        );
        Ok(reply)
    }

    async fn on_ace(&self, event: AceEvent<'static>) -> Result<AceResponse<'static>, HandlerError> {
        let reply = self.replies.ace.clone();
        let custom = match event.custom.as_deref() {
            Some(custom) if !custom.is_empty() => format!(" (custom {custom:?})"),
            _ => String::new(),
        };
        self.out.event(
            "ACE",
            &format!("call {} answered{custom}", call(&event.callid)),
            Some(&describe(&reply)),
        );
        Ok(reply)
    }

    async fn on_pie(&self, event: PieEvent<'static>) -> Result<PieResponse<'static>, HandlerError> {
        let result = event.menu_result.as_ref();
        let value = result.and_then(|r| r.value.as_deref()).unwrap_or("");
        let kind = result.and_then(|r| r.kind.as_ref());
        let reply = match (kind, value) {
            (Some(MenuResultType::Return), "sales") => self.replies.sales.clone(),
            (Some(MenuResultType::Return), "goodbye") => self.replies.goodbye.clone(),
            _ => self.replies.fallback.clone(),
        };
        self.out.event(
            "PIE",
            &format!(
                "call {} menu {}: {} {value}",
                call(&event.callid),
                result.and_then(|r| r.menu_id.as_deref()).unwrap_or("?"),
                kind.map_or("?", |k| k.as_str()),
            ),
            Some(&describe(&reply)),
        );
        Ok(reply)
    }

    async fn on_dice(&self, event: DiceEvent<'static>) -> Result<(), HandlerError> {
        let text = format!(
            "call {} ended: {}, {}, {} s",
            call(&event.callid),
            event.result.as_ref().map_or("?", |r| r.as_str()),
            event.reason.as_ref().map_or("?", |r| r.as_str()),
            event.duration.unwrap_or(0),
        );
        self.out.event("DiCE", &text, None);
        Ok(())
    }

    async fn on_notify(&self, event: NotifyEvent<'static>) -> Result<(), HandlerError> {
        let kind = event.kind.as_ref().map_or("?", |k| k.as_str());
        let text = format!("call {} {kind}", call(&event.callid));
        self.out.event("NTFY", &text, None);
        Ok(())
    }
}

/// A call's short id, or `?` for an event that names none.
fn call(callid: &Option<std::borrow::Cow<'_, str>>) -> String {
    callid.as_deref().map_or_else(|| "?".to_string(), short_id)
}

/// A reply in one readable line: `say "Welcome to Acme" · runMenu main [1→sales, 2→goodbye]`.
pub(super) fn describe<C: Context>(svaml: &Svaml<'_, C>) -> String {
    let mut parts: Vec<String> = svaml.instructions().iter().map(instruction).collect();
    if let Some(action) = svaml.action() {
        parts.push(self::action(action));
    }
    parts.join(" · ")
}

fn instruction(instruction: &Instruction<'_>) -> String {
    match instruction {
        Instruction::Say(say) => format!("say {:?}", say.text),
        Instruction::SetCookie(cookie) => format!("setCookie {}={}", cookie.key, cookie.value),
        Instruction::PlayFiles(play) => format!("playFiles {}", play.ids.join(", ")),
        Instruction::SendDtmf(dtmf) => format!("sendDtmf {}", dtmf.value),
        other => other.kind().name().to_string(),
    }
}

fn action(action: &Action<'_>) -> String {
    match action {
        Action::RunMenu(run) => {
            let menus: Vec<String> = run
                .menus
                .iter()
                .map(|menu| {
                    let keys: Vec<String> = menu
                        .options
                        .iter()
                        .map(|option| match &option.action {
                            OptionAction::Return(value) => format!("{}→{value}", option.dtmf),
                            OptionAction::Menu(id) => format!("{}→menu {id}", option.dtmf),
                        })
                        .collect();
                    format!("{} [{}]", menu.id, keys.join(", "))
                })
                .collect();
            format!("runMenu {}", menus.join("; "))
        }
        Action::ConnectConf(conf) => format!("connectConf {}", conf.conference_id),
        Action::ConnectPstn(pstn) => format!(
            "connectPstn {}",
            pstn.number.as_deref().unwrap_or("(the dialled number)")
        ),
        other => other.kind().name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_read_as_one_line() {
        let replies = Replies::build().expect("the demo's SVAML is valid");
        assert_eq!(
            describe(&replies.ice),
            "setCookie flow=acme-ivr · say \"Welcome to Acme\" · runMenu main [1→sales, 2→goodbye]"
        );
        assert_eq!(describe(&replies.ace), "runMenu main [1→sales, 2→goodbye]");
        assert_eq!(
            describe(&replies.sales),
            "say \"Connecting you to sales\" · connectConf sales"
        );
        assert_eq!(describe(&replies.goodbye), "say \"Goodbye\" · hangup");
    }
}
