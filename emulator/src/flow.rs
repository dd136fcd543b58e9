//! Driving calls: the platform's callbacks in its order (ICE, ACE, PIE, DiCE, Notify), signed
//! like the real ones, and the SVAML that comes back obeyed (callbacks.md §1, §9; svaml.md §8).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sinch_voice::raw::types;
use sinch_voice::signing::{SigningInput, format_timestamp, sign};
use tokio::sync::mpsc;

use crate::Shared;
use crate::rest::ApiError;
use crate::state::{Call, Callee, EventRecord, Input, Member};

/// Which reply context a callback has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    Ice,
    Ace,
    Pie,
}

/// What a callout asked for.
#[derive(Debug, Clone, Default)]
struct Options {
    enable_ace: bool,
    enable_dice: bool,
    tts: Option<String>,
    conference: Option<String>,
    ice: Option<String>,
    ace: Option<String>,
    pie: Option<String>,
}

/// How a call ends.
struct End {
    result: &'static str,
    reason: &'static str,
    call_reason: &'static str,
}

impl End {
    fn new(result: &'static str, reason: &'static str) -> Self {
        End {
            result,
            reason,
            call_reason: reason,
        }
    }
}

/// The running side of one call.
struct Leg {
    shared: Arc<Shared>,
    id: String,
    inbound: bool,
    options: Options,
    input: mpsc::UnboundedReceiver<Input>,
    recording: Option<String>,
}

fn new_call(
    shared: &Arc<Shared>,
    from: &str,
    to: &str,
    to_type: &'static str,
    custom: String,
) -> (String, mpsc::UnboundedReceiver<Input>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let mut state = shared.lock();
    let id = state.new_call_id();
    state.calls.insert(
        id.clone(),
        Call {
            id: id.clone(),
            from: from.to_string(),
            to: to.to_string(),
            to_type,
            domain: "pstn",
            custom,
            started: Instant::now(),
            answered: None,
            ended: None,
            status: "ONGOING",
            result: "N/A",
            reason: "N/A",
            cookies: BTreeMap::new(),
            transcript: Vec::new(),
            events: Vec::new(),
            conference: None,
            done: false,
            input: sender,
        },
    );
    (id, receiver)
}

/// An inbound call from `from` to one of the account's numbers: ICE first.
pub(crate) fn start_inbound(shared: &Arc<Shared>, from: &str, to: &str) -> String {
    let (id, input) = new_call(shared, from, to, "did", String::new());
    let leg = Leg {
        shared: Arc::clone(shared),
        id: id.clone(),
        inbound: true,
        options: Options {
            enable_ace: true,
            enable_dice: true,
            ..Options::default()
        },
        input,
        recording: None,
    };
    tokio::spawn(leg.run_inbound());
    id
}

/// What a callout request asks for, checked: callee, caller id, custom data and options.
pub(crate) struct Planned {
    to: String,
    cli: String,
    custom: String,
    options: Options,
}

/// A callout: the callee is rung, then the flow the callout asked for runs.
pub(crate) fn start_callout(
    shared: &Arc<Shared>,
    request: types::CalloutRequest,
) -> Result<String, ApiError> {
    let Planned {
        to,
        cli,
        custom,
        options,
    } = plan_callout(request)?;
    let (id, input) = new_call(shared, &cli, &to, "number", custom);
    let leg = Leg {
        shared: Arc::clone(shared),
        id: id.clone(),
        inbound: false,
        options,
        input,
        recording: None,
    };
    tokio::spawn(leg.run_callout());
    Ok(id)
}

/// Reads what a callout asks for and checks the callee, without starting anything.
pub(crate) fn plan_callout(request: types::CalloutRequest) -> Result<Planned, ApiError> {
    let bad = |m: &str| ApiError::new(axum::http::StatusCode::BAD_REQUEST, 40002, m.to_string());
    let (to, kind, cli, custom, options) = match request {
        types::CalloutRequest::TtsCallout { tts_callout: c } => {
            let text = c
                .text
                .clone()
                .or(c.prompts.clone())
                .ok_or_else(|| bad("TTS callout information missing: text"))?;
            (
                c.destination.endpoint,
                Some(c.destination.type_),
                c.cli.unwrap_or_default(),
                c.custom.unwrap_or_default(),
                Options {
                    enable_ace: c.enable_ace.unwrap_or(false),
                    enable_dice: c.enable_dice.unwrap_or(false),
                    tts: Some(text),
                    ..Options::default()
                },
            )
        }
        types::CalloutRequest::ConferenceCallout {
            conference_callout: c,
        } => (
            c.destination.endpoint,
            Some(c.destination.type_),
            c.cli.unwrap_or_default(),
            c.custom.unwrap_or_default(),
            Options {
                enable_ace: c.enable_ace.unwrap_or(false),
                enable_dice: c.enable_dice.unwrap_or(false),
                conference: Some(c.conference_id),
                ..Options::default()
            },
        ),
        types::CalloutRequest::CustomCallout { custom_callout: c } => {
            let kind = c.destination.as_ref().map(|d| d.type_);
            let to = c.destination.map(|d| d.endpoint).unwrap_or_default();
            (
                to,
                kind,
                c.cli.unwrap_or_default(),
                c.custom.unwrap_or_default(),
                Options {
                    enable_ace: true,
                    enable_dice: true,
                    ice: c.ice,
                    ace: c.ace,
                    pie: c.pie,
                    ..Options::default()
                },
            )
        }
    };
    // Only number destinations are phone numbers (a username may well be all digits).
    if kind == Some(types::DestinationType::Number)
        && let Err(e) = sinch_voice::E164::check(&to)
    {
        let code = if to.starts_with('+') { 40001 } else { 40005 };
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            code,
            format!("Invalid destination: {e}"),
        ));
    }
    Ok(Planned {
        to,
        cli,
        custom,
        options,
    })
}

impl Leg {
    fn record_transcript(&self, line: impl Into<String>) {
        let mut state = self.shared.lock();
        if let Some(call) = state.calls.get_mut(&self.id) {
            call.transcript.push(line.into());
        }
        drop(state);
        self.shared.changed();
    }

    fn base_event(&self, event: &str) -> Value {
        let state = self.shared.lock();
        let call = state
            .calls
            .get(&self.id)
            .expect("the call exists while its leg runs");
        let mut body = json!({
            "event": event,
            "callid": call.id,
            "timestamp": format_timestamp(chrono::Utc::now()),
            "version": 1,
            "custom": call.custom,
            "applicationKey": self.shared.credentials.key(),
        });
        if !call.cookies.is_empty() {
            body["cookies"] = Value::Array(
                call.cookies
                    .iter()
                    .map(|(k, v)| json!({ "key": k, "value": v }))
                    .collect(),
            );
        }
        body
    }

    /// POSTs a signed callback and returns the reply body (None when there was no usable
    /// answer: an error status, a timeout, a connection failure).
    async fn send(&self, url: &str, body: Value) -> Option<Value> {
        let event = body["event"].as_str().unwrap_or("").to_string();
        let bytes = serde_json::to_vec(&body).expect("JSON serialises");
        let path = reqwest::Url::parse(url)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| "/".into());
        let timestamp = format_timestamp(chrono::Utc::now());
        let content_type = "application/json; charset=utf-8";
        let signature = sign(
            &self.shared.credentials,
            &SigningInput {
                method: "POST",
                path: &path,
                content_type: Some(content_type),
                body: Some(&bytes),
                timestamp: &timestamp,
            },
        );
        let started = self.started();
        let outcome = self
            .shared
            .http
            .post(url)
            .header("content-type", content_type)
            .header("x-timestamp", &timestamp)
            .header("authorization", &signature.authorization)
            .body(bytes)
            .timeout(self.shared.config.callback_timeout)
            .send()
            .await;
        let (status, reply) = match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.bytes().await.unwrap_or_default();
                let reply = serde_json::from_slice::<Value>(&text).ok();
                (
                    status,
                    if (200..300).contains(&status) {
                        reply
                    } else {
                        None
                    },
                )
            }
            Err(_) => (0, None),
        };
        let mut state = self.shared.lock();
        if let Some(call) = state.calls.get_mut(&self.id) {
            call.events.push(EventRecord {
                event,
                body,
                status,
                reply: reply.clone(),
                at: started.elapsed(),
            });
        }
        drop(state);
        self.shared.changed();
        if (200..300).contains(&status) {
            Some(reply.unwrap_or(Value::Null))
        } else {
            None
        }
    }

    fn started(&self) -> Instant {
        self.shared
            .lock()
            .calls
            .get(&self.id)
            .map(|c| c.started)
            .unwrap_or_else(Instant::now)
    }

    fn callback_url(&self) -> Option<String> {
        self.shared.lock().primary_url.clone()
    }

    fn answered(&self) {
        let mut state = self.shared.lock();
        if let Some(call) = state.calls.get_mut(&self.id) {
            call.answered.get_or_insert_with(Instant::now);
        }
    }

    async fn run_inbound(mut self) {
        self.answered();
        let mut ice = self.base_event("ice");
        {
            let state = self.shared.lock();
            let call = &state.calls[&self.id];
            ice["callResourceUrl"] = json!(format!(
                "{}/calling/v1/calls/id/{}",
                self.shared.base_url, call.id
            ));
            ice["cli"] = json!(call.from.trim_start_matches('+'));
            ice["to"] = json!({ "type": "did", "endpoint": call.to });
            ice["domain"] = json!("pstn");
            ice["originationType"] = json!("PSTN");
            ice["userRate"] = json!({ "currencyId": "USD", "amount": 0.0 });
            ice["duration"] = json!(0);
            ice["rdnis"] = json!("");
        }
        let end = match self.callback_url() {
            Some(url) => match self.send(&url, ice).await {
                Some(reply) => self.obey(Reply::Ice, reply).await,
                None => self.ice_failed(),
            },
            None => self.ice_failed(),
        };
        self.finish(end).await;
    }

    async fn run_callout(mut self) {
        let to = self.shared.lock().calls[&self.id].to.clone();
        let callee = self.shared.callee(&to);
        if let Some(end) = self.ring(callee).await {
            self.finish(end).await;
            return;
        }
        self.answered();
        let end = if let Some(ice) = self.options.ice.clone() {
            self.custom_ice(&ice).await
        } else if self.options.enable_ace {
            match self.ace(callee).await {
                Ok(Some(end)) => end,
                Ok(None) => self.callout_default().await,
                Err(end) => end,
            }
        } else {
            self.callout_default().await
        };
        self.finish(end).await;
    }

    /// Rings the callee; `Some` when the call ends without an answer.
    async fn ring(&mut self, callee: Callee) -> Option<End> {
        match callee {
            Callee::Answers(delay) | Callee::Machine(delay) => {
                tokio::time::sleep(delay).await;
                None
            }
            Callee::Busy => Some(End::new("BUSY", "N/A")),
            Callee::NoAnswer => {
                tokio::time::sleep(self.shared.config.dial_timeout).await;
                Some(End::new("NOANSWER", "TIMEOUT"))
            }
        }
    }

    /// The ACE of an answered callout; `Ok(None)` means carry on with the callout's own flow.
    async fn ace(&mut self, callee: Callee) -> Result<Option<End>, End> {
        let mut ace = self.base_event("ace");
        if let Callee::Machine(_) = callee {
            ace["amd"] = json!({ "status": "machine", "reason": "longgreeting", "duration": 4 });
        }
        let inline = self
            .options
            .ace
            .clone()
            .filter(|a| a.trim_start().starts_with('{'));
        let reply = match inline {
            Some(svaml) => serde_json::from_str::<Value>(&svaml).ok(),
            None => {
                let url = self.options.ace.clone().or_else(|| self.callback_url());
                match url {
                    Some(url) => self.send(&url, ace).await,
                    None => None,
                }
            }
        };
        match reply {
            // No answer to an ACE: the call is connected as if `continue` (callbacks.md §1).
            None | Some(Value::Null) => Ok(None),
            Some(reply) => {
                let is_continue = reply["action"]["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case("continue"));
                if is_continue {
                    self.apply_instructions(Reply::Ace, &reply).await;
                    Ok(None)
                } else {
                    Ok(Some(self.obey(Reply::Ace, reply).await))
                }
            }
        }
    }

    async fn custom_ice(&mut self, ice: &str) -> End {
        let reply = if ice.trim_start().starts_with('{') {
            serde_json::from_str::<Value>(ice).ok()
        } else {
            let body = self.base_event("ice");
            self.send(ice, body).await
        };
        match reply {
            Some(reply) => self.obey(Reply::Ice, reply).await,
            None => self.ice_failed(),
        }
    }

    /// No usable ICE answer: an error message is played and the call disconnected
    /// (callbacks.md §1).
    fn ice_failed(&self) -> End {
        self.record_transcript("error prompt: the call cannot be completed");
        End::new("FAILED", "CALLBACKERROR")
    }

    /// What a TTS or conference callout does once answered (and the ACE said continue).
    async fn callout_default(&mut self) -> End {
        if let Some(text) = self.options.tts.clone() {
            self.record_transcript(format!("say: {text}"));
            return End::new("ANSWERED", "MANAGERHANGUP");
        }
        if let Some(conference) = self.options.conference.clone() {
            return self.in_conference(&conference).await;
        }
        self.wait_until_over().await
    }

    /// Validates a reply for its context, runs its instructions, then its action.
    async fn obey(&mut self, context: Reply, reply: Value) -> End {
        let bytes = serde_json::to_vec(&reply).unwrap_or_default();
        let valid = match context {
            Reply::Ice => sinch_voice::svaml::IceResponse::parse(&bytes).map(|_| ()),
            Reply::Ace => sinch_voice::svaml::AceResponse::parse(&bytes).map(|_| ()),
            Reply::Pie => sinch_voice::svaml::PieResponse::parse(&bytes).map(|_| ()),
        };
        if let Err(error) = valid {
            self.record_transcript("error prompt: the call cannot be completed");
            if let Some(url) = self.callback_url() {
                let mut notify = self.base_event("notify");
                notify["type"] = json!("callingerror");
                notify["errorCode"] = json!(40001);
                notify["errorMsg"] = json!(format!("Illegal SVAML: {error}"));
                let _ = self.send(&url, notify).await;
            }
            return End {
                result: "FAILED",
                reason: "CALLBACKERROR",
                call_reason: "INVALIDSVAMLACTION",
            };
        }
        self.apply_instructions(context, &reply).await;
        let action = reply["action"].clone();
        let name = action["name"].as_str().unwrap_or("").to_ascii_lowercase();
        match name.as_str() {
            "hangup" => End::new("ANSWERED", "MANAGERHANGUP"),
            "continue" => self.callout_default().await,
            "connectconf" => {
                let room = action["conferenceId"].as_str().unwrap_or("").to_string();
                self.in_conference(&room).await
            }
            "connectpstn" | "connectsip" | "connectmxp" | "connectstream" => {
                let target = action["number"]
                    .as_str()
                    .or_else(|| action["destination"]["endpoint"].as_str())
                    .unwrap_or("the dialled number")
                    .to_string();
                let callee = self.shared.callee(&target);
                if let Some(end) = self.ring(callee).await {
                    return end;
                }
                self.record_transcript(format!("connected to {target}"));
                // The new leg's ACE, unless the action suppressed callbacks (callbacks.md §4).
                let suppressed = action["suppressCallbacks"].as_bool().unwrap_or(false);
                if !suppressed && name != "connectmxp" {
                    match Box::pin(self.ace(callee)).await {
                        Ok(Some(end)) | Err(end) => return end,
                        Ok(None) => {}
                    }
                }
                self.wait_until_over().await
            }
            "runmenu" => self.run_menu(&action).await,
            "park" => {
                if let Some(p) = action["introPrompt"].as_str() {
                    self.record_transcript(format!("play: {p}"));
                }
                if let Some(p) = action["holdPrompt"].as_str() {
                    self.record_transcript(format!("hold: {p}"));
                }
                self.wait_until_over().await
            }
            _ => self.wait_until_over().await,
        }
    }

    async fn apply_instructions(&mut self, _context: Reply, reply: &Value) {
        let Some(instructions) = reply["instructions"].as_array() else {
            return;
        };
        for instruction in instructions {
            let name = instruction["name"]
                .as_str()
                .unwrap_or("")
                .to_ascii_lowercase();
            match name.as_str() {
                "say" => self.record_transcript(format!(
                    "say: {}",
                    instruction["text"].as_str().unwrap_or("")
                )),
                "playfiles" => {
                    for id in instruction["ids"].as_array().into_iter().flatten() {
                        self.record_transcript(format!("play: {}", id.as_str().unwrap_or("")));
                    }
                }
                "senddtmf" => self.record_transcript(format!(
                    "dtmf: {}",
                    instruction["value"].as_str().unwrap_or("")
                )),
                "setcookie" => {
                    let key = instruction["key"].as_str().unwrap_or("").to_string();
                    let value = instruction["value"].as_str().unwrap_or("").to_string();
                    let mut state = self.shared.lock();
                    if let Some(call) = state.calls.get_mut(&self.id) {
                        call.cookies.insert(key, value);
                    }
                }
                "answer" => self.answered(),
                "startrecording" => {
                    let destination = instruction["options"]["destinationUrl"]
                        .as_str()
                        .unwrap_or("s3://emulator/")
                        .to_string();
                    self.recording = Some(format!("{destination}{}.mp3", self.id));
                    self.record_transcript("recording started");
                }
                "stoprecording" => self.record_transcript("recording stopped"),
                _ => {}
            }
        }
    }

    /// A runMenu: plays prompts, reads scripted keys, sends the PIE and obeys its reply.
    async fn run_menu(&mut self, action: &Value) -> End {
        let menus: Vec<Value> = action["menus"].as_array().cloned().unwrap_or_default();
        let find = |id: &str| menus.iter().find(|m| m["id"].as_str() == Some(id)).cloned();
        let mut current =
            find(action["mainMenu"].as_str().unwrap_or("main")).or_else(|| find("main"));
        let timeout = self.shared.config.menu_timeout;
        while let Some(menu) = current.take() {
            let menu_id = menu["id"].as_str().unwrap_or("main").to_string();
            if let Some(prompt) = menu["mainPrompt"].as_str() {
                self.record_transcript(format!("play: {prompt}"));
            }
            let max_digits = menu["maxDigits"].as_u64().unwrap_or(1).max(1) as usize;
            let (kind, value) = match tokio::time::timeout(timeout, self.input.recv()).await {
                Err(_) => ("timeout", String::new()),
                Ok(None) | Ok(Some(Input::HangUp)) => return End::new("ANSWERED", "CALLERHANGUP"),
                Ok(Some(Input::Kick)) => return End::new("ANSWERED", "MANAGERHANGUP"),
                Ok(Some(Input::Update(update))) => return self.apply_update(update).await,
                Ok(Some(Input::Keys(keys))) => {
                    let keys = keys.trim_end_matches('#').to_string();
                    let single = keys
                        .chars()
                        .next()
                        .map(|c| c.to_string())
                        .unwrap_or_default();
                    let option = menu["options"].as_array().into_iter().flatten().find(|o| {
                        o["dtmf"].as_str() == Some(single.as_str())
                            || o["dtmf"].as_u64().map(|n| n.to_string()) == Some(single.clone())
                    });
                    match option.and_then(|o| o["action"].as_str()).map(str::trim) {
                        Some(a) if a.starts_with("menu(") => {
                            let target = a.trim_start_matches("menu(").trim_end_matches(')');
                            current = find(target);
                            continue;
                        }
                        Some(a) if a.starts_with("return(") => (
                            "return",
                            a.trim_start_matches("return(")
                                .trim_end_matches(')')
                                .to_string(),
                        ),
                        _ if max_digits > 1 || keys.len() > 1 => ("sequence", keys),
                        _ => ("invalidinput", keys),
                    }
                }
            };
            let mut pie = self.base_event("pie");
            pie["menuResult"] =
                json!({ "menuId": menu_id, "type": kind, "value": value, "inputMethod": "dtmf" });
            let reply = match self
                .options
                .pie
                .clone()
                .filter(|p| p.trim_start().starts_with('{'))
            {
                Some(svaml) => serde_json::from_str::<Value>(&svaml).ok(),
                None => match self.options.pie.clone().or_else(|| self.callback_url()) {
                    Some(url) => self.send(&url, pie).await,
                    None => None,
                },
            };
            return match reply {
                Some(reply) if !reply.is_null() => Box::pin(self.obey(Reply::Pie, reply)).await,
                _ => End::new("FAILED", "CALLBACKERROR"),
            };
        }
        End::new("ANSWERED", "MANAGERHANGUP")
    }

    async fn in_conference(&mut self, room: &str) -> End {
        {
            let mut state = self.shared.lock();
            let cli = state
                .calls
                .get(&self.id)
                .map(|c| c.from.clone())
                .unwrap_or_default();
            state
                .conferences
                .entry(room.to_string())
                .or_default()
                .push(Member {
                    call_id: self.id.clone(),
                    cli,
                    joined: Instant::now(),
                    muted: false,
                    on_hold: false,
                });
            if let Some(call) = state.calls.get_mut(&self.id) {
                call.conference = Some(room.to_string());
            }
        }
        self.record_transcript(format!("joined conference {room}"));
        self.wait_until_over().await
    }

    /// Waits for the caller to hang up, a kick, or a PATCH that ends the call.
    async fn wait_until_over(&mut self) -> End {
        loop {
            match self.input.recv().await {
                None | Some(Input::HangUp) => return End::new("ANSWERED", "CALLERHANGUP"),
                Some(Input::Kick) => return End::new("ANSWERED", "MANAGERHANGUP"),
                Some(Input::Keys(keys)) => self.record_transcript(format!("keys ignored: {keys}")),
                Some(Input::Update(update)) => return Box::pin(self.apply_update(update)).await,
            }
        }
    }

    /// A PATCH of the call: instructions, then hangup, continue or park.
    async fn apply_update(&mut self, update: Value) -> End {
        self.apply_instructions(Reply::Ice, &update).await;
        let name = update["action"]["name"]
            .as_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        match name.as_str() {
            "hangup" => End::new("ANSWERED", "MANAGERHANGUP"),
            "park" => {
                if let Some(p) = update["action"]["holdPrompt"].as_str() {
                    self.record_transcript(format!("hold: {p}"));
                }
                self.wait_until_over().await
            }
            _ => self.wait_until_over().await,
        }
    }

    async fn finish(self, end: End) {
        let (duration, send_dice, to) = {
            let mut state = self.shared.lock();
            let room = state.calls.get(&self.id).and_then(|c| c.conference.clone());
            if let Some(room) = room
                && let Some(members) = state.conferences.get_mut(&room)
            {
                members.retain(|m| m.call_id != self.id);
                if members.is_empty() {
                    state.conferences.remove(&room);
                }
            }
            let Some(call) = state.calls.get_mut(&self.id) else {
                return;
            };
            let now = Instant::now();
            call.ended = Some(now);
            call.status = "FINAL";
            call.result = end.result;
            call.reason = end.call_reason;
            let duration = call
                .answered
                .map(|a| now.duration_since(a).as_secs())
                .unwrap_or(0);
            (
                duration,
                self.inbound || self.options.enable_dice,
                (call.to.clone(), call.to_type),
            )
        };
        self.shared.changed();
        let Some(url) = self.callback_url() else {
            self.mark_done();
            return;
        };
        if let Some(file) = self.recording.clone() {
            let mut finished = self.base_event("notify");
            finished["type"] = json!("recording_finished");
            let _ = self.send(&url, finished).await;
            let mut available = self.base_event("notify");
            available["type"] = json!("recording_available");
            available["destination"] = json!(file);
            let _ = self.send(&url, available).await;
        }
        if send_dice {
            let mut dice = self.base_event("dice");
            dice["reason"] = json!(end.reason);
            dice["result"] = json!(end.result);
            dice["duration"] = json!(duration);
            dice["to"] = json!({ "type": to.1, "endpoint": to.0 });
            dice["debit"] =
                json!({ "currencyId": "USD", "amount": 0.01 * (duration as f64 / 60.0).ceil() });
            dice["userRate"] = json!({ "currencyId": "USD", "amount": 0.01 });
            let _ = self.send(&url, dice).await;
        }
        self.mark_done();
    }

    fn mark_done(&self) {
        if let Some(call) = self.shared.lock().calls.get_mut(&self.id) {
            call.done = true;
        }
        self.shared.changed();
    }
}

/// How long the platform rings before giving up, when nobody says otherwise.
pub const DEFAULT_DIAL_TIMEOUT: Duration = Duration::from_secs(2);
