//! The rules types cannot carry (svaml.md §1, §5, §6, §7): limits, menu references, key and
//! DTMF alphabets, fields required together. Allocation-free unless something is wrong.

use super::document::Context;
use super::error::Issue;
use super::model::*;
use super::prompt::{check_prompt, field_problems, is_spoken};
use crate::values::{ConferenceId, Dtmf, E164};

/// Longest call a connect action may ask for (4 h).
pub const MAX_CALL_SECONDS: u64 = 14_400;
/// Longest a park may loop its hold prompt.
pub const MAX_PARK_SECONDS: u64 = 600;
/// Longest TTS text or SSML per prompt, and `say` text (the platform default).
pub const MAX_TTS_CHARS: usize = 600;
/// All cookies of a call together.
pub const MAX_COOKIE_BYTES: usize = 1024;
/// Longest menu id.
pub const MAX_MENU_ID: usize = 64;

fn is_menu_key(s: &str) -> bool {
    s.len() == 1 && matches!(s.as_bytes()[0], b'0'..=b'9' | b'*' | b'#')
}

/// Checks a reply for context `C`, appending problems to `issues`.
pub(crate) fn validate<C: Context>(
    instructions: &[Instruction<'_>],
    action: Option<&Action<'_>>,
    issues: &mut Vec<Issue>,
) {
    let mut cookie_bytes = 0usize;
    for (index, instruction) in instructions.iter().enumerate() {
        let at = |field: &str| {
            if field.is_empty() {
                format!("instructions[{index}]")
            } else {
                format!("instructions[{index}].{field}")
            }
        };
        if !C::allows_instruction(instruction.kind()) {
            issues.push(Issue::new(
                at("name"),
                format!(
                    "{} is not allowed in {}",
                    instruction.kind().name(),
                    C::REPLY
                ),
            ));
        }
        match instruction {
            Instruction::PlayFiles(p) => {
                if p.ids.is_empty() {
                    issues.push(Issue::new(at("ids"), "give at least one prompt"));
                }
                let mut spoken = false;
                for (i, id) in p.ids.iter().enumerate() {
                    if id.trim().is_empty() {
                        issues.push(Issue::new(at(&format!("ids[{i}]")), "empty prompt"));
                    }
                    spoken |= is_spoken(id);
                    if let Some(problem) = check_prompt(id, MAX_TTS_CHARS) {
                        issues.push(Issue::new(at(&format!("ids[{i}]")), problem));
                    }
                }
                if spoken && p.locale.is_none() {
                    issues.push(Issue::new(
                        at("locale"),
                        "required when a prompt is #tts or #ssml",
                    ));
                }
            }
            Instruction::Say(s) => {
                if s.text.trim().is_empty() {
                    issues.push(Issue::new(at("text"), "must not be empty"));
                } else if s.text.len() > MAX_TTS_CHARS && s.text.chars().count() > MAX_TTS_CHARS {
                    issues.push(Issue::new(
                        at("text"),
                        format!("at most {MAX_TTS_CHARS} characters"),
                    ));
                }
            }
            Instruction::SendDtmf(d) => {
                if let Err(e) = Dtmf::check(&d.value) {
                    issues.push(Issue::new(at("value"), e.to_string()));
                }
            }
            Instruction::SetCookie(c) => {
                if c.key.is_empty() {
                    issues.push(Issue::new(at("key"), "must not be empty"));
                }
                let before = cookie_bytes;
                cookie_bytes += c.key.len() + c.value.len();
                if cookie_bytes > MAX_COOKIE_BYTES && before <= MAX_COOKIE_BYTES {
                    issues.push(Issue::new(
                        at("value"),
                        format!(
                            "the cookies of a call hold at most {MAX_COOKIE_BYTES} bytes in all"
                        ),
                    ));
                }
            }
            Instruction::Answer(_)
            | Instruction::StartRecording(_)
            | Instruction::StopRecording(_) => {}
        }
    }

    let Some(action) = action else {
        if C::ACTION_REQUIRED {
            issues.push(Issue::new(
                "action",
                format!("{} needs exactly one action", C::REPLY),
            ));
        }
        return;
    };
    if !C::allows_action(action.kind()) {
        issues.push(Issue::new(
            "action.name",
            format!("{} is not allowed in {}", action.kind().name(), C::REPLY),
        ));
    }
    let max_call = |seconds: Option<u64>, issues: &mut Vec<Issue>| {
        if seconds.is_some_and(|s| s > MAX_CALL_SECONDS) {
            issues.push(Issue::new(
                "action.maxDuration",
                format!("at most {MAX_CALL_SECONDS} seconds"),
            ));
        }
    };
    match action {
        Action::Hangup(_) | Action::Continue(_) => {}
        Action::ConnectPstn(c) => {
            max_call(c.max_duration, issues);
            if let Some(Err(e)) = c.number.as_deref().map(E164::check) {
                issues.push(Issue::new("action.number", e.to_string()));
            }
            if let Some(Err(e)) = c.dtmf.as_deref().map(Dtmf::check) {
                issues.push(Issue::new("action.dtmf", e.to_string()));
            }
        }
        Action::ConnectMxp(c) => {
            if let Some(d) = &c.destination
                && d.endpoint.trim().is_empty()
            {
                issues.push(Issue::new(
                    "action.destination.endpoint",
                    "must not be empty",
                ));
            }
        }
        Action::ConnectConf(c) => {
            // The rule of the REST path too: a room joined here can be read and managed.
            if let Err(e) = ConferenceId::check(&c.conference_id) {
                issues.push(Issue::new("action.conferenceId", e.to_string()));
            }
            if let Some(o) = &c.conference_dtmf_options
                && o.max_digits == Some(0)
            {
                issues.push(Issue::new(
                    "action.conferenceDtmfOptions.maxDigits",
                    "at least 1",
                ));
            }
        }
        Action::ConnectSip(c) => {
            max_call(c.max_duration, issues);
            if c.destination.endpoint.trim().is_empty() {
                issues.push(Issue::new(
                    "action.destination.endpoint",
                    "a SIP address is required",
                ));
            }
            if let Some(kind) = &c.destination.kind
                && !kind.as_str().eq_ignore_ascii_case("sip")
            {
                issues.push(Issue::new(
                    "action.destination.type",
                    "connectSip goes to a `sip` destination",
                ));
            }
        }
        Action::ConnectStream(c) => {
            max_call(c.max_duration, issues);
            let endpoint = c.destination.endpoint.trim().as_bytes();
            let scheme = |s: &str| {
                endpoint
                    .get(..s.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(s.as_bytes()))
            };
            if !(scheme("wss://") || scheme("ws://")) {
                issues.push(Issue::new(
                    "action.destination.endpoint",
                    "a WebSocket URL (wss://...) is required",
                ));
            }
        }
        Action::RunMenu(r) => run_menu(r, issues),
        Action::Park(p) => {
            if p.max_duration.is_some_and(|s| s > MAX_PARK_SECONDS) {
                issues.push(Issue::new(
                    "action.maxDuration",
                    format!("at most {MAX_PARK_SECONDS} seconds for a park"),
                ));
            }
            for (field, prompt) in [
                ("introPrompt", &p.intro_prompt),
                ("holdPrompt", &p.hold_prompt),
            ] {
                if let Some(prompt) = prompt {
                    prompt_limits(prompt, || format!("action.{field}"), issues);
                }
            }
        }
    }
}

/// A prompt string of a field (`mainPrompt`, `introPrompt`, ...): `;`-joined parts.
/// `path` is only built when there is something to report.
fn prompt_limits(prompt: &str, path: impl Fn() -> String, issues: &mut Vec<Issue>) {
    for problem in field_problems(prompt, MAX_TTS_CHARS) {
        issues.push(Issue::new(path(), problem));
    }
}

fn run_menu(r: &RunMenu<'_>, issues: &mut Vec<Issue>) {
    if r.menus.is_empty() {
        issues.push(Issue::new(
            "action.menus",
            "a runMenu needs at least one menu (one of them `main`)",
        ));
        return;
    }
    if r.enable_voice == Some(true) && r.locale.is_none() {
        issues.push(Issue::new(
            "action.locale",
            "required when enableVoice is true",
        ));
    }
    let known = |id: &str| r.menus.iter().any(|m| m.id == id);
    if !known("main") {
        issues.push(Issue::new(
            "action.menus",
            "one menu must have the id `main` (it plays first)",
        ));
    }
    if let Some(main) = &r.main_menu
        && !known(main)
    {
        issues.push(Issue::new(
            "action.mainMenu",
            format!("no menu has the id {main:?}"),
        ));
    }
    for (m, menu) in r.menus.iter().enumerate() {
        if menu.id.trim().is_empty() {
            issues.push(Issue::new(
                format!("action.menus[{m}].id"),
                "must not be empty",
            ));
        } else if menu.id.len() > MAX_MENU_ID && menu.id.chars().count() > MAX_MENU_ID {
            issues.push(Issue::new(
                format!("action.menus[{m}].id"),
                format!("at most {MAX_MENU_ID} characters"),
            ));
        }
        if r.menus[..m].iter().any(|earlier| earlier.id == menu.id) {
            issues.push(Issue::new(
                format!("action.menus[{m}].id"),
                format!("the id {:?} is used twice", menu.id),
            ));
        }
        for (field, prompt) in [
            ("mainPrompt", &menu.main_prompt),
            ("repeatPrompt", &menu.repeat_prompt),
        ] {
            if let Some(prompt) = prompt {
                prompt_limits(prompt, || format!("action.menus[{m}].{field}"), issues);
            }
        }
        if menu.max_digits == Some(0) {
            issues.push(Issue::new(
                format!("action.menus[{m}].maxDigits"),
                "at least 1",
            ));
        }
        for (o, option) in menu.options.iter().enumerate() {
            if !is_menu_key(&option.dtmf) {
                issues.push(Issue::new(
                    format!("action.menus[{m}].options[{o}].dtmf"),
                    format!("one key, 0-9, * or #; found {:?}", option.dtmf),
                ));
            } else if menu.options[..o]
                .iter()
                .any(|earlier| earlier.dtmf == option.dtmf)
            {
                issues.push(Issue::new(
                    format!("action.menus[{m}].options[{o}].dtmf"),
                    format!("key {:?} is used twice in this menu", option.dtmf),
                ));
            }
            if let OptionAction::Menu(target) = &option.action
                && !known(target)
            {
                issues.push(Issue::new(
                    format!("action.menus[{m}].options[{o}].action"),
                    format!("menu({target}) names no menu of this runMenu"),
                ));
            }
        }
    }
}
