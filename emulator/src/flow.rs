//! Driving calls: the platform's callbacks in its order (ICE, ACE, PIE, DiCE, Notify), signed
//! like the real ones, and the SVAML that comes back read with ext's typed model and obeyed
//! (callbacks.md §1, §9; svaml.md §3, §6, §8).
//!
//! Where the references are silent the emulator picks the conservative reading; each such
//! choice is marked "(reading)" below and listed in the crate docs.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sinch_voice::raw::types;
use sinch_voice::signing::{SigningInput, format_timestamp, sign};
use sinch_voice::svaml::{
    AceResponse, Action, Amd, DtmfMode, IceResponse, Instruction, Menu, OptionAction, Park,
    PieResponse, RunMenu, SvamlError,
};
use sinch_voice::values::{CallEndReason, CallResult, CallStatus, DestinationType, Domain, E164};
use tokio::sync::mpsc;

use crate::engine::Shared;
use crate::error::ApiError;
use crate::state::{
    Answer, Call, Callee, Direction, EventRecord, Input, Listening, Member, Party, Phase,
    REPLY_TEXT_KEPT, Verdict, VerdictIssue,
};
use crate::transcript::TranscriptEntry;

/// `maxTimeoutMills` when a voice menu does not say (svaml.md §6).
const DEFAULT_MAX_VOICE_MS: u64 = 20_000;

/// How long the platform rings before giving up, when nobody says otherwise.
pub const DEFAULT_DIAL_TIMEOUT: Duration = Duration::from_secs(2);

/// The largest callback answer read; a larger one counts as no answer.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// Which reply context a callback has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    Ice,
    Ace,
    Pie,
}

impl Reply {
    fn prose(self) -> &'static str {
        use sinch_voice::svaml::{Ace, Context, Ice, Pie};
        match self {
            Reply::Ice => Ice::REPLY,
            Reply::Ace => Ace::REPLY,
            Reply::Pie => Pie::REPLY,
        }
    }
}

/// The verdict shown for a parsed answer.
fn verdict_of(context: Reply, accepted: bool, error: Option<&SvamlError>) -> Verdict {
    match error {
        Some(error) if !accepted => Verdict {
            accepted: false,
            context: error.context.to_string(),
            issues: error
                .issues
                .iter()
                .map(|i| VerdictIssue {
                    path: i.path.clone(),
                    message: i.message.clone(),
                })
                .collect(),
        },
        _ => Verdict {
            accepted: true,
            context: context.prose().to_string(),
            issues: Vec::new(),
        },
    }
}

/// The start of a body that is not JSON, cut on a character boundary.
fn reply_text(bytes: &[u8]) -> String {
    let mut kept = &bytes[..bytes.len().min(REPLY_TEXT_KEPT)];
    if kept.len() < bytes.len()
        && let Err(e) = std::str::from_utf8(kept)
        && e.error_len().is_none()
    {
        // The cut fell inside a character: keep the whole ones before it.
        kept = &kept[..e.valid_up_to()];
    }
    let mut text = String::from_utf8_lossy(kept).into_owned();
    if bytes.len() > REPLY_TEXT_KEPT {
        text.push_str(&format!(" … ({} bytes in all)", bytes.len()));
    }
    text
}

/// A reply, validated for its context, as typed instructions and one action.
struct Steps {
    instructions: Vec<Instruction<'static>>,
    action: Option<Action<'static>>,
}

fn parse_reply(context: Reply, bytes: &[u8]) -> Result<Steps, SvamlError> {
    fn steps<C: sinch_voice::svaml::Context>(s: sinch_voice::svaml::Svaml<'static, C>) -> Steps {
        Steps {
            instructions: s.instructions().to_vec(),
            action: s.action().cloned(),
        }
    }
    match context {
        Reply::Ice => IceResponse::parse(bytes).map(steps),
        Reply::Ace => AceResponse::parse(bytes).map(steps),
        Reply::Pie => PieResponse::parse(bytes).map(steps),
    }
}

/// What a callout asked for.
#[derive(Debug, Clone, Default)]
struct Options {
    enable_ace: bool,
    enable_dice: bool,
    tts: Option<String>,
    locale: Option<String>,
    greeting: Option<String>,
    conference: Option<String>,
    conference_dtmf: Option<ConferenceDtmf>,
    ice: Option<String>,
    ace: Option<String>,
    pie: Option<String>,
}

/// A participant's conference DTMF handling in `detect` mode (svaml.md §6.3): digits go to the
/// app as a PIE (menuId = the conference id, type `sequence`) once `max_digits` are in, `#` is
/// pressed, or `timeout` passes after a digit. `ignore` and `forward` send nothing.
#[derive(Debug, Clone, Copy)]
struct ConferenceDtmf {
    max_digits: usize,
    timeout: Duration,
}

impl ConferenceDtmf {
    /// The options of a `connectConf` or a conference callout: the mode, and the limits with
    /// their defaults (1 digit, 3000 ms).
    fn detecting(
        detect: bool,
        max_digits: Option<u64>,
        timeout_mills: Option<u64>,
    ) -> Option<Self> {
        detect.then(|| ConferenceDtmf {
            max_digits: max_digits.unwrap_or(1).max(1) as usize,
            timeout: Duration::from_millis(timeout_mills.unwrap_or(3000)),
        })
    }
}

/// How a call ends: `result` and `reason` go in the DiCE, `call_reason` in call information.
#[derive(Debug, Clone)]
struct End {
    result: CallResult,
    reason: CallEndReason,
    call_reason: CallEndReason,
}

impl End {
    fn new(result: CallResult, reason: CallEndReason) -> Self {
        End {
            result,
            call_reason: reason.clone(),
            reason,
        }
    }

    fn answered(reason: CallEndReason) -> Self {
        End::new(CallResult::Answered, reason)
    }
}

/// Where a connect action goes.
#[derive(Debug, Clone)]
struct Target {
    kind: DestinationType,
    domain: Domain,
    endpoint: String,
    cli: Option<String>,
    suppress_callbacks: bool,
    dial_timeout: Option<Duration>,
    max_duration: Option<Duration>,
    amd: Option<Amd>,
    /// Whether the platform sends an ACE when this leg answers (PSTN and SIP only).
    sends_ace: bool,
}

/// A new call record.
struct NewCall<'a> {
    direction: Direction,
    parent: Option<&'a str>,
    from: &'a str,
    to: &'a str,
    to_type: DestinationType,
    domain: Domain,
    custom: String,
    locale: Option<String>,
}

fn new_call(shared: &Arc<Shared>, call: NewCall<'_>) -> (String, mpsc::UnboundedReceiver<Input>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let mut state = shared.lock();
    let id = state.new_call_id();
    state.calls.insert(
        id.clone(),
        Call {
            id: id.clone(),
            direction: call.direction,
            parent: call.parent.map(str::to_string),
            legs: Vec::new(),
            from: call.from.to_string(),
            to: call.to.to_string(),
            to_type: call.to_type,
            domain: call.domain.clone(),
            custom: call.custom,
            locale: call.locale,
            started: Instant::now(),
            answered: None,
            ended: None,
            phase: Phase::Ringing,
            status: CallStatus::Ongoing,
            result: CallResult::NotApplicable,
            reason: CallEndReason::NotApplicable,
            cookies: BTreeMap::new(),
            transcript: Vec::new(),
            events: Vec::new(),
            conference: None,
            listening: None,
            callee_ringing: false,
            done: false,
            forget_when_done: false,
            input: sender,
        },
    );
    if let Some(parent) = call.parent.and_then(|p| state.calls.get_mut(p)) {
        parent.legs.push(id.clone());
    }
    drop(state);
    shared.publish(
        "call.started",
        Some(&id),
        json!({
            "direction": call.direction,
            "parent": call.parent,
            "from": call.from,
            "to": call.to,
            "domain": call.domain.as_str(),
        }),
    );
    shared.changed();
    (id, receiver)
}

/// An inbound call from `from` to `to`: ICE first. The caller checks `to` is assigned.
pub(crate) fn start_inbound(shared: &Arc<Shared>, from: &str, to: &str, domain: Domain) -> String {
    let to_type = if matches!(domain, Domain::Pstn) {
        DestinationType::Did
    } else if E164::check(to).is_ok() {
        DestinationType::Number
    } else {
        DestinationType::Username
    };
    let (id, input) = new_call(
        shared,
        NewCall {
            direction: Direction::Inbound,
            parent: None,
            from,
            to,
            to_type,
            domain,
            custom: String::new(),
            locale: None,
        },
    );
    let runner = Runner::new(
        shared,
        id.clone(),
        Options {
            enable_ace: true,
            enable_dice: true,
            ..Options::default()
        },
        input,
        true,
    );
    shared.runtime.spawn(runner.run_inbound());
    id
}

fn invalid_destination(kind: &DestinationType, to: &str) -> Option<ApiError> {
    // Only number destinations are phone numbers: a username may well be all digits.
    if !matches!(kind, DestinationType::Number) {
        return None;
    }
    E164::check(to).err().map(|e| {
        let code = if to.starts_with('+') { 40001 } else { 40005 };
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            code,
            format!("Invalid destination: {e}"),
        )
    })
}

/// A callout: the callee is rung, then the flow the callout asked for runs.
pub(crate) fn start_callout(
    shared: &Arc<Shared>,
    request: types::CalloutRequest,
) -> Result<String, ApiError> {
    let bad = |m: &str| ApiError::new(axum::http::StatusCode::BAD_REQUEST, 40002, m.to_string());
    let (to, kind, cli, custom, options) = match request {
        types::CalloutRequest::TtsCallout { tts_callout: c } => {
            let text = c
                .text
                .clone()
                .or(c.prompts.clone())
                .ok_or_else(|| bad("TTS callout information missing: text"))?;
            (
                c.destination.endpoint.into_owned(),
                c.destination.kind,
                c.cli.unwrap_or_default(),
                c.custom.unwrap_or_default(),
                Options {
                    enable_ace: c.enable_ace.unwrap_or(false),
                    enable_dice: c.enable_dice.unwrap_or(false),
                    tts: Some(text),
                    locale: c.locale,
                    ..Options::default()
                },
            )
        }
        types::CalloutRequest::ConferenceCallout {
            conference_callout: c,
        } => (
            c.destination.endpoint.into_owned(),
            c.destination.kind,
            c.cli.unwrap_or_default(),
            c.custom.unwrap_or_default(),
            Options {
                enable_ace: c.enable_ace.unwrap_or(false),
                enable_dice: c.enable_dice.unwrap_or(false),
                conference: Some(c.conference_id.to_string()),
                conference_dtmf: c.conference_dtmf_options.as_ref().and_then(|o| {
                    ConferenceDtmf::detecting(
                        matches!(o.mode, Some(types::ConferenceDtmfOptionsMode::Detect)),
                        o.max_digits.map(|d| d.get()),
                        o.timeout_mills,
                    )
                }),
                greeting: c.greeting,
                locale: c.locale,
                ..Options::default()
            },
        ),
        types::CalloutRequest::CustomCallout { custom_callout: c } => {
            let kind = c.destination.as_ref().and_then(|d| d.kind.clone());
            let to = c
                .destination
                .map(|d| d.endpoint.into_owned())
                .unwrap_or_default();
            (
                to,
                kind,
                c.cli.unwrap_or_default(),
                c.custom.unwrap_or_default(),
                Options {
                    enable_ace: true,
                    enable_dice: true,
                    ice: c.ice.map(|reply| reply.into_string()),
                    ace: c.ace.map(|reply| reply.into_string()),
                    pie: c.pie.map(|reply| reply.into_string()),
                    ..Options::default()
                },
            )
        }
    };
    if let Some(kind) = &kind
        && let Some(error) = invalid_destination(kind, &to)
    {
        return Err(error);
    }
    let to_type = kind.unwrap_or(DestinationType::Number);
    let domain = match to_type {
        DestinationType::Username => Domain::Mxp,
        DestinationType::Sip => Domain::Sip,
        _ => Domain::Pstn,
    };
    let (id, input) = new_call(
        shared,
        NewCall {
            direction: Direction::Callout,
            parent: None,
            from: &cli,
            to: &to,
            to_type,
            domain,
            custom,
            locale: options.locale.clone(),
        },
    );
    let runner = Runner::new(shared, id.clone(), options, input, false);
    shared.runtime.spawn(runner.run_callout());
    Ok(id)
}

/// The running side of one call (or one leg).
struct Runner {
    shared: Arc<Shared>,
    id: String,
    options: Options,
    input: mpsc::UnboundedReceiver<Input>,
    recording: Option<String>,
    /// The party at the far end is connected (an inbound caller; a callout once answered).
    dialled: bool,
    /// A second leg: whoever hangs up on its channel is the callee.
    is_leg: bool,
    /// Input that arrived while ringing, for later.
    pending: std::collections::VecDeque<Input>,
    /// 1 + the index in the call's records of the callback whose answer is being read (0:
    /// none, as for inline SVAML), so its verdict lands on the right record.
    answered_record: AtomicUsize,
}

type Boxed<'a> = Pin<Box<dyn Future<Output = End> + Send + 'a>>;

impl Runner {
    fn new(
        shared: &Arc<Shared>,
        id: String,
        options: Options,
        input: mpsc::UnboundedReceiver<Input>,
        dialled: bool,
    ) -> Self {
        Runner {
            shared: Arc::clone(shared),
            id,
            options,
            input,
            recording: None,
            dialled,
            is_leg: false,
            pending: std::collections::VecDeque::new(),
            answered_record: AtomicUsize::new(0),
        }
    }

    async fn recv(&mut self) -> Option<Input> {
        match self.pending.pop_front() {
            Some(input) => Some(input),
            None => self.input.recv().await,
        }
    }

    fn with_call<T>(&self, f: impl FnOnce(&mut Call) -> T) -> Option<T> {
        let mut state = self.shared.lock();
        state.calls.get_mut(&self.id).map(f)
    }

    fn record_transcript(&self, entry: TranscriptEntry) {
        let line = entry.to_string();
        self.with_call(|call| call.transcript.push(entry));
        self.shared
            .publish("transcript", Some(&self.id), json!({ "line": line }));
        self.shared.changed();
    }

    fn set_phase(&self, phase: Phase) {
        let changed = self
            .with_call(|call| {
                let changed = call.phase != phase && call.phase != Phase::Ended;
                if changed {
                    call.phase = phase;
                }
                changed
            })
            .unwrap_or(false);
        if changed {
            self.shared
                .publish("call.phase", Some(&self.id), json!({ "phase": phase }));
            self.shared.changed();
        }
    }

    fn hangup_reason(&self, party: Party) -> CallEndReason {
        match (self.is_leg, party) {
            (true, _) | (false, Party::Callee) => CallEndReason::CalleeHangup,
            (false, Party::Caller) => CallEndReason::CallerHangup,
        }
    }

    fn base_event(&self, event: &str) -> Value {
        let state = self.shared.lock();
        let Some(call) = state.calls.get(&self.id) else {
            return json!({ "event": event, "callid": self.id, "version": 1 });
        };
        let mut body = json!({
            "event": event,
            "callid": call.id,
            "timestamp": format_timestamp(chrono::Utc::now()),
            "version": 1,
            "custom": call.custom,
            "applicationKey": self.shared.credentials.key(),
        });
        if let Some(room) = &call.conference {
            body["conferenceId"] = json!(room);
        }
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

    fn call_resource_url(&self) -> String {
        format!("{}/calling/v1/calls/id/{}", self.shared.base_url, self.id)
    }

    /// POSTs a signed callback to the application (the primary URL, then the fallback on a
    /// timeout or an error: callbacks.md §1) and returns the reply body (`None` when there was
    /// no usable answer).
    async fn callback(&self, body: Value) -> Option<Value> {
        let (primary, fallback) = {
            let state = self.shared.lock();
            (state.primary_url.clone(), state.fallback_url.clone())
        };
        let primary = primary?;
        match self.send(&primary, body.clone()).await {
            Some(reply) => Some(reply),
            None => match fallback {
                Some(fallback) => self.send(&fallback, body).await,
                None => None,
            },
        }
    }

    /// A callback to a per-call URL or inline SVAML (a custom callout's `ace`/`pie`), or to the
    /// application when the field is absent.
    async fn callback_to(&self, field: Option<String>, body: Value) -> Option<Value> {
        match field {
            Some(svaml) if svaml.trim_start().starts_with('{') => {
                self.answered_record.store(0, Ordering::Relaxed);
                serde_json::from_str::<Value>(&svaml).ok()
            }
            Some(url) if !url.trim().is_empty() => self.send(&url, body).await,
            _ => self.callback(body).await,
        }
    }

    /// POSTs one signed callback and records it.
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
        let at = self.started().elapsed();
        let sent = Instant::now();
        let request = self
            .shared
            .http
            .post(url)
            .header("content-type", content_type)
            .header("x-timestamp", &timestamp)
            .header("authorization", &signature.authorization)
            .body(bytes)
            .timeout(self.shared.config.callback_timeout);
        let mut not_json = None;
        let (status, reply, error) = match request.send().await {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let mut text = Vec::new();
                let mut error = None;
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            if text.len() + chunk.len() > MAX_REPLY_BYTES {
                                error = Some(format!(
                                    "the answer is larger than {MAX_REPLY_BYTES} bytes"
                                ));
                                break;
                            }
                            text.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            error = Some(describe(&e));
                            break;
                        }
                    }
                }
                let reply = serde_json::from_slice::<Value>(&text).ok();
                if reply.is_none() && !text.iter().all(u8::is_ascii_whitespace) {
                    not_json = Some(reply_text(&text));
                }
                match error {
                    Some(error) => (status, None, Some(error)),
                    None if (200..300).contains(&status) => (status, reply, None),
                    None => (status, reply, Some(format!("answered HTTP {status}"))),
                }
            }
            Err(e) => (0, None, Some(describe(&e))),
        };
        let record = EventRecord {
            event,
            url: url.to_string(),
            body,
            status,
            reply: reply.clone(),
            reply_text: not_json,
            verdict: None,
            error: error.clone(),
            at,
            took: sent.elapsed(),
        };
        self.shared.publish(
            "callback",
            Some(&self.id),
            json!({
                "event": record.event,
                "url": record.url,
                "request": record.body,
                "status": record.status,
                "reply": record.reply,
                "replyText": record.reply_text,
                "error": record.error,
                "atMs": at.as_secs_f64() * 1000.0,
                "tookMs": record.took.as_secs_f64() * 1000.0,
            }),
        );
        let index = self.with_call(|call| {
            call.events.push(record);
            call.events.len()
        });
        self.answered_record
            .store(index.unwrap_or(0), Ordering::Relaxed);
        self.shared.changed();
        if error.is_none() {
            Some(reply.unwrap_or(Value::Null))
        } else {
            None
        }
    }

    /// Reads an answer as SVAML for its context and notes the verdict on its callback's record.
    fn judge(&self, context: Reply, bytes: &[u8]) -> Result<Steps, SvamlError> {
        let result = parse_reply(context, bytes);
        self.note_verdict(context, result.is_ok(), result.as_ref().err());
        result
    }

    /// Notes what was made of an answer on the record of the callback it answered.
    fn note_verdict(&self, context: Reply, accepted: bool, error: Option<&SvamlError>) {
        let index = self.answered_record.load(Ordering::Relaxed);
        if index == 0 {
            return;
        }
        let mut verdict = verdict_of(context, accepted, error);
        self.with_call(|call| {
            if let Some(record) = call.events.get_mut(index - 1) {
                // Read as SVAML, an answer that was not JSON is `null`: say what it really was.
                if record.reply.is_none() && !verdict.accepted {
                    let what = match record.reply_text {
                        Some(_) => "the answer is not JSON",
                        None => "the answer is empty",
                    };
                    verdict.issues = vec![VerdictIssue {
                        path: "$".into(),
                        message: what.into(),
                    }];
                }
                record.verdict = Some(verdict.clone());
            }
        });
        self.shared.publish(
            "callback.verdict",
            Some(&self.id),
            json!({ "index": index - 1, "verdict": verdict }),
        );
        self.shared.changed();
    }

    fn started(&self) -> Instant {
        self.with_call(|c| c.started).unwrap_or_else(Instant::now)
    }

    fn answered(&self) {
        self.with_call(|call| {
            call.answered.get_or_insert_with(Instant::now);
        });
        self.set_phase(Phase::Answered);
    }

    fn is_answered(&self) -> bool {
        self.with_call(|c| c.answered.is_some()).unwrap_or(false)
    }

    async fn run_inbound(mut self) {
        self.answered();
        let mut ice = self.base_event("ice");
        {
            let state = self.shared.lock();
            if let Some(call) = state.calls.get(&self.id) {
                ice["callResourceUrl"] = json!(self.call_resource_url());
                ice["cli"] = json!(call.from.trim_start_matches('+'));
                ice["to"] = json!({ "type": call.to_type.as_str(), "endpoint": call.to });
                ice["domain"] = json!(call.domain.as_str());
                ice["originationType"] = json!(call.domain.as_str().to_ascii_uppercase());
                ice["userRate"] = json!({ "currencyId": "USD", "amount": 0.0 });
                ice["duration"] = json!(0);
                ice["rdnis"] = json!("");
            }
        }
        let end = match self.callback(ice).await {
            // An empty or non-JSON answer is read as SVAML too, and refused as such.
            Some(reply) => self.obey(Reply::Ice, reply).await,
            None => self.ice_failed(),
        };
        let recording = self.recording.take();
        finish(&self.shared, &self.id, end, true, recording).await;
    }

    async fn run_callout(mut self) {
        if self.options.ice.is_some() {
            // A custom callout: the ICE comes first; its connect action dials (callbacks.md §9).
            let end = self.custom_ice().await;
            let recording = self.recording.take();
            let dice = self.options.enable_dice;
            finish(&self.shared, &self.id, end, dice, recording).await;
            return;
        }
        let end = self.dial_and_flow().await;
        let recording = self.recording.take();
        let dice = self.options.enable_dice && self.sends_callbacks();
        finish(&self.shared, &self.id, end, dice, recording).await;
    }

    /// ACE and DiCE are never sent for in-app (`username`) destinations (callbacks.md §4, §5).
    fn sends_callbacks(&self) -> bool {
        self.with_call(|c| !matches!(c.to_type, DestinationType::Username))
            .unwrap_or(true)
    }

    fn callout_intro(&self) {
        let (to, locale) = self
            .with_call(|c| (c.to.clone(), c.locale.clone()))
            .unwrap_or_default();
        let locale = locale.unwrap_or_else(|| "en-US".into());
        self.record_transcript(TranscriptEntry::Callout { to, locale });
    }

    /// Rings the callee of a callout, sends its ACE, then runs the callout's own flow.
    async fn dial_and_flow(&mut self) -> End {
        self.callout_intro();
        let to = self.with_call(|c| c.to.clone()).unwrap_or_default();
        let callee = match self.ring(self.shared.callee(&to), None).await {
            Ok(callee) => callee,
            Err(end) => return end,
        };
        self.answered();
        self.dialled = true;
        if self.options.enable_ace && self.sends_callbacks() {
            match self.ace(callee, None).await {
                Ok(Some(end)) | Err(end) => return end,
                Ok(None) => {}
            }
        }
        self.callout_default().await
    }

    /// Rings the callee; `Ok` with who answered (a person or a machine), `Err` when the call
    /// ends without an answer. An answer given by hand (`Input::Answer`) wins over the script.
    async fn ring(
        &mut self,
        callee: Callee,
        dial_timeout: Option<Duration>,
    ) -> Result<Callee, End> {
        self.set_phase(Phase::Ringing);
        self.callee_rings(true);
        let outcome = self.ring_until_answered(callee, dial_timeout).await;
        self.callee_rings(false);
        outcome
    }

    fn callee_rings(&self, ringing: bool) {
        self.with_call(|call| call.callee_ringing = ringing);
        self.shared
            .publish("call.callee", Some(&self.id), json!({ "ringing": ringing }));
        self.shared.changed();
    }

    async fn ring_until_answered(
        &mut self,
        callee: Callee,
        dial_timeout: Option<Duration>,
    ) -> Result<Callee, End> {
        let limit = dial_timeout.unwrap_or(self.shared.config.dial_timeout);
        let no_answer = End::new(CallResult::NoAnswer, CallEndReason::Timeout);
        let busy = || End::new(CallResult::Busy, CallEndReason::NotApplicable);
        let (delay, outcome) = match callee {
            Callee::Answers(delay) | Callee::Machine(delay) if delay <= limit => {
                (delay, Ok(callee))
            }
            Callee::Answers(_) | Callee::Machine(_) | Callee::NoAnswer | Callee::Manual => {
                (limit, Err(no_answer))
            }
            Callee::Busy => return Err(busy()),
        };
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => return outcome,
                input = self.recv() => match input {
                    None | Some(Input::HangUp(Party::Caller)) | Some(Input::Kick) => {
                        return Err(End::new(CallResult::NoAnswer, CallEndReason::Cancel));
                    }
                    Some(Input::HangUp(Party::Callee)) => {
                        return Err(End::new(CallResult::NoAnswer, CallEndReason::CalleeHangup));
                    }
                    Some(Input::Answer(Answer::Human)) => return Ok(Callee::Answers(Duration::ZERO)),
                    Some(Input::Answer(Answer::Machine)) => return Ok(Callee::Machine(Duration::ZERO)),
                    Some(Input::Answer(Answer::Busy)) => return Err(busy()),
                    // A PATCH waits for the answer; keys and speech reach nobody yet.
                    Some(update @ Input::Update(_)) => self.pending.push_back(update),
                    Some(other) => self.ignored(other),
                },
            }
        }
    }

    fn ignored(&self, input: Input) {
        match input {
            Input::Keys(keys) => self.record_transcript(TranscriptEntry::KeysIgnored { keys }),
            Input::Speech(text) => self.record_transcript(TranscriptEntry::SpeechIgnored { text }),
            _ => {}
        }
    }

    /// The AMD verdict for a callee (svaml.md §6.4; callbacks.md §7.4).
    fn verdict(callee: Callee) -> Value {
        match callee {
            Callee::Machine(_) => {
                json!({ "status": "machine", "reason": "longgreeting", "duration": 4 })
            }
            // (reading) A person: the spec's reason list has only `n/a` for this.
            _ => json!({ "status": "human", "reason": "n/a", "duration": 2 }),
        }
    }

    /// The ACE of an answered call; `Ok(None)` means carry on with the call's own flow.
    async fn ace(&mut self, callee: Callee, amd: Option<&Amd>) -> Result<Option<End>, End> {
        let mut ace = self.base_event("ace");
        let enabled = amd.is_some_and(|a| a.enabled == Some(true));
        let asynchronous = enabled && amd.is_some_and(|a| a.asynchronous == Some(true));
        if enabled && !asynchronous {
            ace["amd"] = Self::verdict(callee);
        }
        let reply = self.callback_to(self.options.ace.clone(), ace).await;
        let outcome = match reply {
            // No answer to an ACE: the call is connected as if `continue` (callbacks.md §1).
            None | Some(Value::Null) => Ok(None),
            Some(reply) => {
                let bytes = serde_json::to_vec(&reply).unwrap_or_default();
                // `continue` carries on here; anything else is obeyed (and judged) by `obey`.
                match parse_reply(Reply::Ace, &bytes) {
                    Ok(steps) if matches!(steps.action, Some(Action::Continue(_))) => {
                        self.note_verdict(Reply::Ace, true, None);
                        self.instructions(&steps.instructions).await;
                        Ok(None)
                    }
                    _ => Ok(Some(self.obey(Reply::Ace, reply).await)),
                }
            }
        };
        if asynchronous && matches!(outcome, Ok(None)) {
            // The verdict comes later as Notify events; machines also get the beep.
            let mut notify = self.base_event("notify");
            notify["type"] = json!("amd");
            notify["amd"] = Self::verdict(callee);
            let _ = self.callback(notify).await;
            if let Callee::Machine(_) = callee {
                let mut beep = self.base_event("notify");
                beep["type"] = json!("amd_beep");
                beep["amd"] = json!({ "status": "machine", "reason": "beep", "duration": 5 });
                let _ = self.callback(beep).await;
            }
        }
        outcome
    }

    /// A custom callout's ICE: inline SVAML, or POSTed to its `ice` URL.
    async fn custom_ice(&mut self) -> End {
        let ice_field = self.options.ice.clone().unwrap_or_default();
        let reply = if ice_field.trim_start().starts_with('{') {
            serde_json::from_str::<Value>(&ice_field).ok()
        } else {
            let mut body = self.base_event("ice");
            {
                let state = self.shared.lock();
                if let Some(call) = state.calls.get(&self.id) {
                    body["callResourceUrl"] = json!(self.call_resource_url());
                    body["cli"] = json!(call.from);
                    body["to"] = json!({ "type": call.to_type.as_str(), "endpoint": call.to });
                    body["domain"] = json!(call.domain.as_str());
                    // (reading) A callout's first leg is placed by the platform on the phone
                    // network: the spec does not say, PSTN is the plain choice.
                    body["originationType"] = json!("PSTN");
                    body["userRate"] = json!({ "currencyId": "USD", "amount": 0.0 });
                    body["duration"] = json!(0);
                    body["rdnis"] = json!("");
                }
            }
            self.callback_to(Some(ice_field), body).await
        };
        match reply {
            Some(reply) if !reply.is_null() => self.obey(Reply::Ice, reply).await,
            _ => self.ice_failed(),
        }
    }

    /// No usable ICE answer: an error message is played and the call disconnected
    /// (callbacks.md §1).
    fn ice_failed(&self) -> End {
        self.record_transcript(TranscriptEntry::ErrorPrompt);
        End::new(CallResult::Failed, CallEndReason::CallbackError)
    }

    /// What a TTS or conference callout does once answered (and the ACE said continue).
    async fn callout_default(&mut self) -> End {
        let locale = self
            .options
            .locale
            .clone()
            .unwrap_or_else(|| "en-US".into());
        if let Some(text) = self.options.tts.clone() {
            self.record_transcript(TranscriptEntry::Say {
                locale: Some(locale),
                text,
            });
            return End::answered(CallEndReason::ManagerHangup);
        }
        if let Some(conference) = self.options.conference.clone() {
            if let Some(greeting) = self.options.greeting.clone() {
                self.record_transcript(TranscriptEntry::Say {
                    locale: Some(locale),
                    text: greeting,
                });
            }
            let dtmf = self.options.conference_dtmf;
            return self.in_conference(&conference, dtmf).await;
        }
        self.wait_until_over().await
    }

    /// Validates a reply for its context, runs its instructions, then its action.
    fn obey(&mut self, context: Reply, reply: Value) -> Boxed<'_> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(&reply).unwrap_or_default();
            let steps = match self.judge(context, &bytes) {
                Ok(steps) => steps,
                Err(error) => return self.illegal_svaml(error).await,
            };
            let plays = !matches!(
                steps.action,
                Some(
                    Action::ConnectPstn(_)
                        | Action::ConnectMxp(_)
                        | Action::ConnectSip(_)
                        | Action::ConnectConf(_)
                        | Action::ConnectStream(_)
                        | Action::Hangup(_)
                )
            );
            if matches!(context, Reply::Ice)
                && plays
                && let Err(end) = self.ring_own_destination().await
            {
                return end;
            }
            self.instructions(&steps.instructions).await;
            match steps.action {
                None => self.wait_until_over().await,
                Some(action) => self.act(action).await,
            }
        })
    }

    /// A custom callout whose ICE plays something (a menu, a park, prompts) rings its own
    /// destination first: someone must be on the line to hear it, and the call is billed
    /// from the answer. A connect action dials instead (`dial_in_place`).
    async fn ring_own_destination(&mut self) -> Result<(), End> {
        let to = self.with_call(|c| c.to.clone()).unwrap_or_default();
        if self.dialled || to.is_empty() {
            return Ok(());
        }
        self.callout_intro();
        self.ring(self.shared.callee(&to), None).await?;
        self.answered();
        self.dialled = true;
        Ok(())
    }

    async fn illegal_svaml(&mut self, error: SvamlError) -> End {
        self.record_transcript(TranscriptEntry::ErrorPrompt);
        let mut notify = self.base_event("notify");
        notify["type"] = json!("callingerror");
        notify["errorCode"] = json!(40001);
        notify["errorMsg"] = json!(format!("Illegal SVAML: {error}"));
        let _ = self.callback(notify).await;
        End {
            result: CallResult::Failed,
            reason: CallEndReason::CallbackError,
            call_reason: CallEndReason::InvalidSvamlAction,
        }
    }

    async fn act(&mut self, action: Action<'static>) -> End {
        match action {
            Action::Hangup(_) => End::answered(CallEndReason::ManagerHangup),
            Action::Continue(_) => self.callout_default().await,
            Action::ConnectConf(c) => {
                let dtmf = c.conference_dtmf_options.as_ref().and_then(|o| {
                    ConferenceDtmf::detecting(
                        matches!(o.mode, Some(DtmfMode::Detect)),
                        o.max_digits,
                        o.timeout_mills,
                    )
                });
                self.in_conference(&c.conference_id, dtmf).await
            }
            Action::ConnectPstn(c) => {
                let number = c
                    .number
                    .map(|n| n.into_owned())
                    .or_else(|| self.with_call(|call| call.to.clone()))
                    .unwrap_or_default();
                self.connect(Target {
                    kind: DestinationType::Number,
                    domain: Domain::Pstn,
                    endpoint: number,
                    cli: c.cli.map(|c| c.into_owned()),
                    suppress_callbacks: c.suppress_callbacks.unwrap_or(false),
                    dial_timeout: c.dial_timeout.map(Duration::from_secs),
                    max_duration: c.max_duration.map(Duration::from_secs),
                    amd: c.amd,
                    sends_ace: true,
                })
                .await
            }
            Action::ConnectSip(c) => {
                self.connect(Target {
                    kind: DestinationType::Sip,
                    domain: Domain::Sip,
                    endpoint: c.destination.endpoint.into_owned(),
                    cli: c.cli.map(|c| c.into_owned()),
                    suppress_callbacks: c.suppress_callbacks.unwrap_or(false),
                    dial_timeout: None,
                    max_duration: c.max_duration.map(Duration::from_secs),
                    amd: None,
                    sends_ace: true,
                })
                .await
            }
            Action::ConnectMxp(c) => {
                let endpoint = c
                    .destination
                    .map(|d| d.endpoint.into_owned())
                    .or_else(|| self.with_call(|call| call.to.clone()))
                    .unwrap_or_default();
                self.connect(Target {
                    kind: DestinationType::Username,
                    domain: Domain::Mxp,
                    endpoint,
                    cli: None,
                    suppress_callbacks: false,
                    dial_timeout: None,
                    max_duration: None,
                    amd: None,
                    sends_ace: false,
                })
                .await
            }
            Action::ConnectStream(c) => {
                self.connect(Target {
                    kind: DestinationType::Websocket,
                    domain: Domain::Unknown("websocket".into()),
                    endpoint: c.destination.endpoint.into_owned(),
                    cli: None,
                    suppress_callbacks: false,
                    dial_timeout: None,
                    max_duration: c.max_duration.map(Duration::from_secs),
                    amd: None,
                    sends_ace: false,
                })
                .await
            }
            Action::RunMenu(menu) => self.run_menu(menu).await,
            Action::Park(park) => self.park(park).await,
            _ => self.wait_until_over().await,
        }
    }

    async fn instructions(&mut self, instructions: &[Instruction<'static>]) {
        for instruction in instructions {
            match instruction {
                Instruction::Say(say) => self.record_transcript(TranscriptEntry::Say {
                    locale: say.locale.as_ref().map(ToString::to_string),
                    text: say.text.to_string(),
                }),
                Instruction::PlayFiles(play) => {
                    for id in &play.ids {
                        self.record_transcript(TranscriptEntry::Play {
                            locale: None,
                            prompt: id.to_string(),
                        });
                    }
                }
                Instruction::SendDtmf(dtmf) => {
                    self.record_transcript(TranscriptEntry::Dtmf {
                        tones: dtmf.value.to_string(),
                    });
                }
                Instruction::SetCookie(cookie) => {
                    let (key, value) = (cookie.key.to_string(), cookie.value.to_string());
                    self.with_call(|call| call.cookies.insert(key, value));
                }
                Instruction::Answer(_) => self.answered(),
                Instruction::StartRecording(start) => {
                    let destination = start
                        .options
                        .as_ref()
                        .and_then(|o| o.destination_url.as_deref())
                        .unwrap_or("s3://emulator/")
                        .to_string();
                    self.recording = Some(format!("{destination}{}.mp3", self.id));
                    self.record_transcript(TranscriptEntry::RecordingStarted);
                }
                Instruction::StopRecording(_) => {
                    self.record_transcript(TranscriptEntry::RecordingStopped)
                }
                _ => {}
            }
        }
    }

    /// A connect action. On a custom callout not yet dialled it places the call itself;
    /// otherwise it makes a second leg with its own id, state and DiCE.
    async fn connect(&mut self, target: Target) -> End {
        if !self.dialled {
            return self.dial_in_place(target).await;
        }
        self.bridge(target).await
    }

    /// A custom callout's ICE said connect: this call rings the target (callbacks.md §9).
    async fn dial_in_place(&mut self, target: Target) -> End {
        self.with_call(|call| {
            call.to = target.endpoint.clone();
            call.to_type = target.kind.clone();
            call.domain = target.domain.clone();
            // The caller id the connect action gives is the call's (the callout may have none).
            if let Some(cli) = &target.cli {
                call.from = cli.clone();
            }
        });
        self.callout_intro();
        let scripted = self.shared.callee(&target.endpoint);
        let callee = match self.ring(scripted, target.dial_timeout).await {
            Ok(callee) => callee,
            Err(end) => return end,
        };
        self.answered();
        self.dialled = true;
        self.record_transcript(TranscriptEntry::Connected {
            endpoint: target.endpoint.clone(),
        });
        if target.sends_ace && !target.suppress_callbacks {
            match self.ace(callee, target.amd.as_ref()).await {
                Ok(Some(end)) | Err(end) => return end,
                Ok(None) => {}
            }
        }
        self.wait_until_over_for(target.max_duration).await
    }

    /// A second leg to `target`, run while this call's own party is watched.
    async fn bridge(&mut self, target: Target) -> End {
        let from = target
            .cli
            .clone()
            .or_else(|| self.with_call(|c| c.from.clone()))
            .unwrap_or_default();
        let custom = self.with_call(|c| c.custom.clone()).unwrap_or_default();
        let (leg_id, leg_input) = new_call(
            &self.shared,
            NewCall {
                direction: Direction::Leg,
                parent: Some(&self.id),
                from: &from,
                to: &target.endpoint,
                to_type: target.kind.clone(),
                domain: target.domain.clone(),
                custom,
                locale: None,
            },
        );
        self.record_transcript(TranscriptEntry::Connecting {
            endpoint: target.endpoint.clone(),
            leg: leg_id.clone(),
        });
        let mut leg = Runner::new(
            &self.shared,
            leg_id.clone(),
            Options::default(),
            leg_input,
            false,
        );
        leg.is_leg = true;
        let send_dice = !target.suppress_callbacks;
        let leg_target = target.clone();
        let leg_run = async move {
            let end = leg.run_leg(leg_target).await;
            (end, leg.recording.take())
        };
        tokio::pin!(leg_run);
        let leg_answered = |shared: &Shared| {
            shared
                .lock()
                .calls
                .get(&leg_id)
                .is_some_and(|c| c.answered.is_some())
        };
        loop {
            tokio::select! {
                (end, recording) = &mut leg_run => {
                    // The caller's result is the leg's until the leg answered.
                    let answered = self.is_answered() && leg_answered(&self.shared);
                    finish(&self.shared, &leg_id, end.clone(), send_dice, recording).await;
                    return if answered {
                        End::new(CallResult::Answered, end.reason)
                    } else {
                        end
                    };
                }
                input = self.recv() => match input {
                    None | Some(Input::HangUp(Party::Caller)) => {
                        let leg_end = if leg_answered(&self.shared) {
                            End::answered(CallEndReason::CallerHangup)
                        } else {
                            End::new(CallResult::NoAnswer, CallEndReason::Cancel)
                        };
                        finish(&self.shared, &leg_id, leg_end, send_dice, None).await;
                        return End::answered(CallEndReason::CallerHangup);
                    }
                    Some(Input::HangUp(Party::Callee)) => {
                        let sender = self.shared.lock().calls.get(&leg_id).map(|c| c.input.clone());
                        if let Some(sender) = sender {
                            let _ = sender.send(Input::HangUp(Party::Callee));
                        }
                    }
                    Some(Input::Kick) => {
                        finish(&self.shared, &leg_id, End::answered(CallEndReason::ManagerHangup), send_dice, None).await;
                        return End::answered(CallEndReason::ManagerHangup);
                    }
                    Some(Input::Update(update)) => {
                        self.instructions(update.instructions()).await;
                        if matches!(update.action(), Some(Action::Hangup(_))) {
                            finish(&self.shared, &leg_id, End::answered(CallEndReason::ManagerHangup), send_dice, None).await;
                            return End::answered(CallEndReason::ManagerHangup);
                        }
                    }
                    Some(other) => self.ignored(other),
                },
            }
        }
    }

    /// The second leg's own life: ring, answer, AMD, ACE, then connected until someone hangs up.
    async fn run_leg(&mut self, target: Target) -> End {
        let scripted = self.shared.callee(&target.endpoint);
        let callee = match self.ring(scripted, target.dial_timeout).await {
            Ok(callee) => callee,
            Err(end) => return end,
        };
        self.answered();
        self.dialled = true;
        let parent = self.with_call(|c| c.parent.clone()).flatten();
        if let Some(parent) = &parent {
            set_phase_of(&self.shared, parent, Phase::Connected);
        }
        self.set_phase(Phase::Connected);
        if target.sends_ace && !target.suppress_callbacks {
            match self.ace(callee, target.amd.as_ref()).await {
                Ok(Some(end)) | Err(end) => return end,
                Ok(None) => {}
            }
        }
        self.set_phase(Phase::Connected);
        self.wait_until_over_for(target.max_duration).await
    }

    /// A runMenu: plays prompts, collects keys or speech, sends the PIE and obeys its reply
    /// (svaml.md §3.8, §6.1, §6.2).
    async fn run_menu(&mut self, run: RunMenu<'static>) -> End {
        let locale = run.locale.as_deref().map(str::to_string);
        let voice = run.enable_voice.unwrap_or(false);
        let find = |id: &str| run.menus.iter().find(|m| m.id == id).cloned();
        let first = run.main_menu.as_deref().unwrap_or("main");
        let mut current = find(first).or_else(|| find("main"));
        self.set_phase(Phase::InMenu);
        'menus: while let Some(menu) = current.take() {
            let timeout = menu
                .timeout_mills
                .map(Duration::from_millis)
                .unwrap_or(self.shared.config.menu_timeout);
            let repeats = menu.repeats.unwrap_or(0);
            let max_digits = menu.max_digits.unwrap_or(1).max(1) as usize;
            self.prompt(menu.main_prompt.as_deref(), &locale);
            self.listen(Some(Listening {
                menu_id: menu.id.to_string(),
                max_digits,
                enable_voice: voice,
            }));
            let mut attempt = 0;
            let (kind, value, method) = loop {
                let voice_limit = voice.then(|| {
                    Duration::from_millis(menu.max_timeout_mills.unwrap_or(DEFAULT_MAX_VOICE_MS))
                });
                let collected = match self.collect(timeout, max_digits, voice_limit).await {
                    Collected::HungUp(end) => {
                        // callbacks.md: the menu's result is `hangup`, sent before the DiCE;
                        // the call is over, so the answer is not obeyed.
                        self.listen(None);
                        let mut pie = self.base_event("pie");
                        pie["menuResult"] = json!({ "menuId": menu.id, "type": "hangup" });
                        let _ = self.callback_to(self.options.pie.clone(), pie).await;
                        return end;
                    }
                    Collected::Over(end) => return end,
                    Collected::Input(digits, method) => Some((digits, method)),
                    Collected::Timeout => None,
                };
                let retry = attempt < repeats;
                match collected {
                    None if retry => {}
                    None => break ("timeout", String::new(), "dtmf"),
                    Some((digits, method)) => match option_for(&menu, &digits) {
                        Some(OptionAction::Menu(id)) => {
                            current = find(id.as_ref());
                            continue 'menus;
                        }
                        Some(OptionAction::Return(value)) => {
                            break ("return", value.into_owned(), method);
                        }
                        None if max_digits > 1 && !digits.is_empty() => {
                            break ("sequence", digits, method);
                        }
                        None if retry => {}
                        None => break ("invalidinput", digits, method),
                    },
                }
                attempt += 1;
                let repeat = menu
                    .repeat_prompt
                    .as_deref()
                    .or(menu.main_prompt.as_deref());
                self.prompt(repeat, &locale);
            };
            self.listen(None);
            let mut pie = self.base_event("pie");
            pie["menuResult"] = json!({
                "menuId": menu.id,
                "type": kind,
                "value": value,
                "inputMethod": method,
            });
            let reply = self.callback_to(self.options.pie.clone(), pie).await;
            return match reply {
                Some(reply) if !reply.is_null() => self.obey(Reply::Pie, reply).await,
                _ => End::new(CallResult::Failed, CallEndReason::CallbackError),
            };
        }
        End::answered(CallEndReason::ManagerHangup)
    }

    /// Notes the menu the call listens with (shown by the control API and the console).
    fn listen(&self, listening: Option<Listening>) {
        self.with_call(|call| call.listening = listening);
        self.shared.changed();
    }

    fn prompt(&self, prompt: Option<&str>, locale: &Option<String>) {
        if let Some(prompt) = prompt {
            self.record_transcript(TranscriptEntry::Play {
                locale: locale.clone(),
                prompt: prompt.to_string(),
            });
        }
    }

    /// Collects one input of a menu: up to `max_digits` keys, ended by `#`, the maximum, or
    /// `timeout` of silence between keys; or one utterance when voice is on, all of it within
    /// `voice_limit` (`maxTimeoutMills`, svaml.md §6: the upper bound on voice input).
    async fn collect(
        &mut self,
        timeout: Duration,
        max_digits: usize,
        voice_limit: Option<Duration>,
    ) -> Collected {
        let started = tokio::time::Instant::now();
        let bound = |deadline: tokio::time::Instant| match voice_limit {
            Some(limit) => deadline.min(started + limit),
            None => deadline,
        };
        let voice = voice_limit.is_some();
        let mut digits = String::new();
        let mut deadline = bound(started + timeout);
        loop {
            let input = match tokio::time::timeout_at(deadline, self.recv()).await {
                Err(_) if digits.is_empty() => return Collected::Timeout,
                Err(_) => return Collected::Input(digits, "dtmf"),
                Ok(input) => input,
            };
            match input {
                None => return Collected::HungUp(End::answered(CallEndReason::CallerHangup)),
                Some(Input::HangUp(party)) => {
                    return Collected::HungUp(End::answered(self.hangup_reason(party)));
                }
                Some(Input::Kick) => {
                    return Collected::Over(End::answered(CallEndReason::ManagerHangup));
                }
                Some(Input::Update(update)) => {
                    return Collected::Over(self.apply_update(*update).await);
                }
                Some(Input::Speech(text)) if voice && digits.is_empty() => {
                    self.record_transcript(TranscriptEntry::Heard { text: text.clone() });
                    return Collected::Input(spoken(&text), "voice");
                }
                Some(Input::Speech(text)) => {
                    self.record_transcript(TranscriptEntry::SpeechIgnored { text });
                }
                // Only a ringing call can be answered (the control API checks).
                Some(Input::Answer(_)) => {}
                Some(Input::Keys(keys)) => {
                    self.record_transcript(TranscriptEntry::Keys { keys: keys.clone() });
                    let mut done = false;
                    for key in keys.chars() {
                        if key == '#' {
                            done = true;
                        } else if !done && (key.is_ascii_digit() || key == '*') {
                            digits.push(key);
                            done = digits.len() >= max_digits;
                        }
                    }
                    if done {
                        return Collected::Input(digits, "dtmf");
                    }
                    deadline = bound(tokio::time::Instant::now() + timeout);
                }
            }
        }
    }

    async fn park(&mut self, park: Park<'static>) -> End {
        self.set_phase(Phase::Parked);
        if let Some(p) = &park.intro_prompt {
            self.record_transcript(TranscriptEntry::Play {
                locale: None,
                prompt: p.to_string(),
            });
        }
        if let Some(p) = &park.hold_prompt {
            self.record_transcript(TranscriptEntry::Hold {
                prompt: p.to_string(),
            });
        }
        self.wait_until_over_for(park.max_duration.map(Duration::from_secs))
            .await
    }

    async fn in_conference(&mut self, room: &str, dtmf: Option<ConferenceDtmf>) -> End {
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
        self.set_phase(Phase::InConference);
        self.record_transcript(TranscriptEntry::JoinedConference {
            conference: room.to_string(),
        });
        match dtmf {
            Some(dtmf) => self.detect_conference_dtmf(room, dtmf).await,
            None => self.wait_until_over().await,
        }
    }

    /// In a conference with DTMF `detect`: keys are collected and sent as PIEs until the call
    /// ends; the app's answer is only acknowledged (the docs ask for 200 OK).
    async fn detect_conference_dtmf(&mut self, room: &str, dtmf: ConferenceDtmf) -> End {
        let mut digits = String::new();
        loop {
            let next = if digits.is_empty() {
                self.recv().await
            } else {
                match tokio::time::timeout(dtmf.timeout, self.recv()).await {
                    Ok(next) => next,
                    Err(_) => {
                        self.conference_pie(room, std::mem::take(&mut digits)).await;
                        continue;
                    }
                }
            };
            match next {
                None => return End::answered(CallEndReason::CallerHangup),
                Some(Input::HangUp(party)) => return End::answered(self.hangup_reason(party)),
                Some(Input::Kick) => return End::answered(CallEndReason::ManagerHangup),
                Some(Input::Update(update)) => return Box::pin(self.apply_update(*update)).await,
                Some(Input::Keys(keys)) => {
                    self.record_transcript(TranscriptEntry::Keys { keys: keys.clone() });
                    for key in keys.chars() {
                        if key != '#' {
                            digits.push(key);
                        }
                        if key == '#' || digits.len() >= dtmf.max_digits {
                            self.conference_pie(room, std::mem::take(&mut digits)).await;
                        }
                    }
                }
                Some(other) => self.ignored(other),
            }
        }
    }

    async fn conference_pie(&self, room: &str, digits: String) {
        if digits.is_empty() {
            return;
        }
        let mut pie = self.base_event("pie");
        pie["conferenceId"] = json!(room);
        pie["menuResult"] = json!({
            "menuId": room,
            "type": "sequence",
            "value": digits,
            "inputMethod": "dtmf",
        });
        let _ = self.callback_to(self.options.pie.clone(), pie).await;
    }

    async fn wait_until_over(&mut self) -> End {
        self.wait_until_over_for(None).await
    }

    /// Waits for a hang-up, a kick, or a PATCH that ends the call; or `limit` (TIMEOUT).
    async fn wait_until_over_for(&mut self, limit: Option<Duration>) -> End {
        let deadline = limit.map(|l| tokio::time::Instant::now() + l);
        loop {
            let next = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, self.recv()).await {
                    Ok(next) => next,
                    Err(_) => return End::answered(CallEndReason::Timeout),
                },
                None => self.recv().await,
            };
            match next {
                None => return End::answered(CallEndReason::CallerHangup),
                Some(Input::HangUp(party)) => return End::answered(self.hangup_reason(party)),
                Some(Input::Kick) => return End::answered(CallEndReason::ManagerHangup),
                Some(Input::Update(update)) => return Box::pin(self.apply_update(*update)).await,
                Some(other) => self.ignored(other),
            }
        }
    }

    /// A PATCH of the call: instructions, then hangup, continue or park.
    async fn apply_update(&mut self, update: sinch_voice::svaml::CallUpdate<'static>) -> End {
        self.instructions(update.instructions()).await;
        match update.action().cloned() {
            Some(Action::Hangup(_)) => End::answered(CallEndReason::ManagerHangup),
            Some(Action::Park(park)) => self.park(park).await,
            _ => self.wait_until_over().await,
        }
    }
}

/// The option a collected input selects (the whole input against each option's key).
fn option_for(menu: &Menu<'static>, digits: &str) -> Option<OptionAction<'static>> {
    menu.options
        .iter()
        .find(|o| o.dtmf == digits)
        .map(|o| o.action.clone())
}

/// Spoken digits as keys ("one two" is `12`); other speech as said, lower case.
fn spoken(text: &str) -> String {
    const WORDS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let digits: Option<String> = words
        .iter()
        .map(|w| {
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) {
                Some(w.clone())
            } else {
                WORDS
                    .iter()
                    .position(|d| d == w)
                    .map(|position| position.to_string())
            }
        })
        .collect();
    digits.unwrap_or_else(|| words.join(" "))
}

enum Collected {
    Input(String, &'static str),
    Timeout,
    /// A party hung up during the menu.
    HungUp(End),
    /// Ended otherwise (kicked, updated by REST).
    Over(End),
}

fn set_phase_of(shared: &Shared, id: &str, phase: Phase) {
    let changed = {
        let mut state = shared.lock();
        match state.calls.get_mut(id) {
            Some(call) if call.phase != phase && call.phase != Phase::Ended => {
                call.phase = phase;
                true
            }
            _ => false,
        }
    };
    if changed {
        shared.publish("call.phase", Some(id), json!({ "phase": phase }));
        shared.changed();
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer in time".into()
    } else if error.is_connect() {
        "could not connect".into()
    } else {
        format!("the request failed: {error}")
    }
}

/// Ends a call: the state becomes final, then the recording Notify events and the DiCE go
/// out, then the call is marked finished. Every call ends here, exactly once.
async fn finish(
    shared: &Arc<Shared>,
    id: &str,
    end: End,
    send_dice: bool,
    recording: Option<String>,
) {
    let closing = {
        let mut state = shared.lock();
        let room = state.calls.get(id).and_then(|c| c.conference.clone());
        if let Some(room) = room
            && let Some(members) = state.conferences.get_mut(&room)
        {
            members.retain(|m| m.call_id != id);
            if members.is_empty() {
                state.conferences.remove(&room);
            }
        }
        match state.calls.get_mut(id) {
            Some(call) if call.ended.is_none() => {
                let now = Instant::now();
                call.ended = Some(now);
                call.phase = Phase::Ended;
                call.listening = None;
                call.status = CallStatus::Final;
                call.result = end.result.clone();
                call.reason = end.call_reason.clone();
                let duration = call
                    .answered
                    .map(|a| now.duration_since(a).as_secs())
                    .unwrap_or(0);
                Some((
                    duration,
                    call.to.clone(),
                    call.to_type.clone(),
                    call.from.clone(),
                ))
            }
            _ => None,
        }
    };
    let Some((duration, to, to_type, from)) = closing else {
        return;
    };
    shared.publish(
        "call.ended",
        Some(id),
        json!({
            "result": end.result.as_str(),
            "reason": end.call_reason.as_str(),
            "duration": duration,
        }),
    );
    shared.changed();
    // The closing callbacks go out on a runner without input: nothing can interrupt them.
    let (_, input) = mpsc::unbounded_channel();
    let closer = Runner::new(shared, id.to_string(), Options::default(), input, true);
    if let Some(file) = recording {
        let mut finished = closer.base_event("notify");
        finished["type"] = json!("recording_finished");
        let _ = closer.callback(finished).await;
        let mut available = closer.base_event("notify");
        available["type"] = json!("recording_available");
        available["destination"] = json!(file);
        let _ = closer.callback(available).await;
    }
    if send_dice {
        let mut dice = closer.base_event("dice");
        dice["reason"] = json!(end.reason.as_str());
        dice["result"] = json!(end.result.as_str());
        dice["duration"] = json!(duration);
        dice["to"] = json!({ "type": to_type.as_str(), "endpoint": to });
        dice["from"] = json!(from.trim_start_matches('+'));
        dice["debit"] =
            json!({ "currencyId": "USD", "amount": 0.01 * (duration as f64 / 60.0).ceil() });
        dice["userRate"] = json!({ "currencyId": "USD", "amount": 0.01 });
        let _ = closer.callback(dice).await;
    }
    {
        let mut state = shared.lock();
        let forget = state.calls.get_mut(id).is_some_and(|call| {
            call.done = true;
            call.forget_when_done
        });
        if forget {
            state.calls.remove(id);
        }
    }
    shared.publish("call.finished", Some(id), json!({}));
    shared.changed();
}
