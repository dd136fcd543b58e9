//! One reply type per callback context (svaml.md §2): what an ICE, ACE or PIE reply, or the
//! PATCH of a call, may carry is decided by the type, so a disallowed action does not compile.

use std::marker::PhantomData;

use serde::Serialize;
use serde::ser::SerializeMap;

use super::document::{Context, Svaml};
use super::error::SvamlError;
use super::model::*;
use super::prompt::Prompt;
use super::validate::validate;

/// The reply to an Incoming Call Event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ice {}
/// The reply to an Answered Call Event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ace {}
/// The reply to a Prompt Input Event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pie {}
/// The body of "update call" (PATCH).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patch {}

/// The body of "manage call leg" (PATCH `/leg/{callLeg}`): prompts played on one leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {}

/// Marks an action or instruction as allowed in context `C`.
///
/// A wrong use reads (the matrix is svaml.md §2's; a test keeps the notes in step with it):
/// ```text
/// error[E0277]: `ConnectPstn<'_>` cannot answer this callback: a reply of context `Ace` does not allow it
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot answer this callback: a reply of context `{C}` does not allow it",
    label = "not allowed in a reply of context `{C}`",
    note = "ICE replies allow: hangup, connectPstn, connectMxp, connectConf, connectSip, connectStream, runMenu, park; instructions: playFiles, say, sendDtmf, setCookie, answer, startRecording, stopRecording",
    note = "ACE replies allow: hangup, continue, connectConf, runMenu; instructions: playFiles, say, setCookie, startRecording, stopRecording",
    note = "PIE replies allow: hangup, continue, connectPstn, connectConf, connectSip, runMenu; instructions: playFiles, say, sendDtmf, setCookie, startRecording, stopRecording",
    note = "a PATCH of a call allows: hangup, continue, park; a PATCH of a leg: playFiles, say"
)]
pub trait AllowedIn<C: Context> {}

macro_rules! context {
    ($ctx:ident, $name:literal, $reply:literal, required: $required:literal,
     actions: [$($action:ident: $action_ty:ty),*],
     instructions: [$($instruction:ident: $instruction_ty:ty),*]) => {
        impl super::document::sealed::Sealed for $ctx {}
        impl Context for $ctx {
            const NAME: &'static str = $name;
            const REPLY: &'static str = $reply;
            const ACTION_REQUIRED: bool = $required;
            fn allows_action(kind: ActionKind) -> bool {
                matches!(kind, $(ActionKind::$action)|*)
            }
            fn allows_instruction(kind: InstructionKind) -> bool {
                matches!(kind, $(InstructionKind::$instruction)|*)
            }
        }
        // Not recommended: the notes of `AllowedIn` say where each belongs, without the
        // expansion of this macro.
        $( #[diagnostic::do_not_recommend] impl AllowedIn<$ctx> for $action_ty {} )*
        $( #[diagnostic::do_not_recommend] impl AllowedIn<$ctx> for $instruction_ty {} )*
    };
}

context!(Ice, "ICE", "an ICE reply", required: true,
    actions: [Hangup: Hangup, ConnectPstn: ConnectPstn<'_>, ConnectMxp: ConnectMxp<'_>,
              ConnectConf: ConnectConf<'_>, ConnectSip: ConnectSip<'_>,
              ConnectStream: ConnectStream<'_>, RunMenu: RunMenu<'_>, Park: Park<'_>],
    instructions: [PlayFiles: PlayFiles<'_>, Say: Say<'_>, SendDtmf: SendDtmf<'_>,
                   SetCookie: SetCookie<'_>, Answer: Answer, StartRecording: StartRecording<'_>,
                   StopRecording: StopRecording]);
context!(Ace, "ACE", "an ACE reply", required: true,
    actions: [Hangup: Hangup, Continue: Continue, ConnectConf: ConnectConf<'_>, RunMenu: RunMenu<'_>],
    instructions: [PlayFiles: PlayFiles<'_>, Say: Say<'_>, SetCookie: SetCookie<'_>,
                   StartRecording: StartRecording<'_>, StopRecording: StopRecording]);
context!(Pie, "PIE", "a PIE reply", required: true,
    actions: [Hangup: Hangup, Continue: Continue, ConnectPstn: ConnectPstn<'_>,
              ConnectConf: ConnectConf<'_>, ConnectSip: ConnectSip<'_>, RunMenu: RunMenu<'_>],
    instructions: [PlayFiles: PlayFiles<'_>, Say: Say<'_>, SendDtmf: SendDtmf<'_>,
                   SetCookie: SetCookie<'_>, StartRecording: StartRecording<'_>,
                   StopRecording: StopRecording]);
context!(Patch, "PATCH", "a PATCH of a call", required: false,
    actions: [Hangup: Hangup, Continue: Continue, Park: Park<'_>],
    instructions: [PlayFiles: PlayFiles<'_>, Say: Say<'_>, SendDtmf: SendDtmf<'_>,
                   SetCookie: SetCookie<'_>, Answer: Answer, StartRecording: StartRecording<'_>,
                   StopRecording: StopRecording]);

// By hand: the macro needs at least one action, and a leg takes none (spec `manageCallLeg`:
// `SVAMLLegControl` has instructions only).
impl super::document::sealed::Sealed for Leg {}
impl Context for Leg {
    const NAME: &'static str = "LEG";
    const REPLY: &'static str = "a PATCH of a call leg";
    const ACTION_REQUIRED: bool = false;
    fn allows_action(_: ActionKind) -> bool {
        false
    }
    fn allows_instruction(kind: InstructionKind) -> bool {
        matches!(kind, InstructionKind::PlayFiles | InstructionKind::Say)
    }
}
#[diagnostic::do_not_recommend]
impl AllowedIn<Leg> for PlayFiles<'_> {}
#[diagnostic::do_not_recommend]
impl AllowedIn<Leg> for Say<'_> {}

/// The reply to an ICE.
pub type IceResponse<'a> = Svaml<'a, Ice>;
/// The reply to an ACE.
pub type AceResponse<'a> = Svaml<'a, Ace>;
/// The reply to a PIE.
pub type PieResponse<'a> = Svaml<'a, Pie>;
/// The SVAML body of update call: hangup, continue or park, after any instructions.
pub type CallUpdate<'a> = Svaml<'a, Patch>;
/// The SVAML body of manage call leg: `playFiles` and `say` on one leg, no action.
pub type LegUpdate<'a> = Svaml<'a, Leg>;

impl<'a, C: Context> Svaml<'a, C> {
    /// Starts a reply.
    pub fn builder() -> SvamlBuilder<'a, C> {
        SvamlBuilder {
            instructions: Vec::new(),
            action: None,
            extra_actions: 0,
            context: PhantomData,
        }
    }

    /// The instructions, in execution order.
    pub fn instructions(&self) -> &[Instruction<'a>] {
        &self.instructions
    }

    /// The action (always present except in instruction-only PATCH bodies).
    pub fn action(&self) -> Option<&Action<'a>> {
        self.action.as_ref()
    }

    /// Top-level fields this crate does not know, kept from [`parse`](Self::parse) and
    /// written back by [`to_json`](Self::to_json).
    pub fn extra(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.extra
    }

    /// Canonical JSON (camelCase names, absent fields omitted).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("SVAML always serialises")
    }

    /// Appends canonical JSON to `buffer` (reuse one buffer to avoid allocating).
    pub fn write_json(&self, buffer: &mut Vec<u8>) {
        // Written by hand, byte for byte the serde form (tested), several times faster.
        super::write::WriteJson::write_json(self, buffer);
    }

    /// Reads SVAML sent for context `C`, leniently where the platform is (names in any case,
    /// `callheaders`, numeric DTMF keys), then validates it.
    pub fn parse(json: &[u8]) -> Result<Svaml<'static, C>, SvamlError> {
        super::parse::parse::<C>(json)
    }

    /// The same document with owned strings.
    pub fn into_owned(self) -> Svaml<'static, C> {
        let json = self.to_json();
        Svaml::<C>::parse(json.as_bytes()).expect("a validated document parses back")
    }
}

impl<C: Context> Serialize for Svaml<'_, C> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = usize::from(!self.instructions.is_empty())
            + usize::from(self.action.is_some())
            + self.extra.len();
        let mut state = serializer.serialize_map(Some(fields))?;
        if !self.instructions.is_empty() {
            state.serialize_entry("instructions", &self.instructions)?;
        }
        if let Some(action) = &self.action {
            state.serialize_entry("action", action)?;
        }
        for (key, value) in &self.extra {
            state.serialize_entry(key, value)?;
        }
        state.end()
    }
}

/// Builds a [`Svaml`] for context `C`, in call-flow order: instructions, then the action.
///
/// ```
/// use sinch_voice::svaml::{IceResponse, Menu, Prompt, RunMenu};
///
/// let reply = IceResponse::builder()
///     .say("Welcome to Acme.", "en-US")
///     .run_menu(
///         RunMenu::new([Menu::new("main")
///             .prompt(Prompt::tts("Press 1 for sales, 2 for support."))
///             .on_key_return("1", "sales")
///             .on_key_return("2", "support")])
///         .locale("en-US"),
///     )
///     .build()
///     .expect("valid SVAML");
/// assert!(reply.to_json().starts_with(r#"{"instructions":[{"name":"say""#));
/// ```
#[must_use = "call .build() to validate and get the reply"]
pub struct SvamlBuilder<'a, C: Context> {
    instructions: Vec<Instruction<'a>>,
    action: Option<Action<'a>>,
    extra_actions: usize,
    context: PhantomData<fn() -> C>,
}

impl<'a, C: Context> SvamlBuilder<'a, C> {
    /// Appends any instruction this context allows.
    #[inline]
    pub fn instruction<I>(mut self, instruction: I) -> Self
    where
        I: Into<Instruction<'a>> + AllowedIn<C>,
    {
        self.instructions.push(instruction.into());
        self
    }

    /// Sets the action, which must be one this context allows. A reply has exactly one:
    /// setting a second makes [`build`](Self::build) fail.
    #[inline]
    pub fn action<A>(mut self, action: A) -> Self
    where
        A: Into<Action<'a>> + AllowedIn<C>,
    {
        if self.action.is_some() {
            self.extra_actions += 1;
        }
        self.action = Some(action.into());
        self
    }

    /// Speaks `text` in `locale`.
    #[inline]
    pub fn say(
        self,
        text: impl Into<std::borrow::Cow<'a, str>>,
        locale: impl Into<std::borrow::Cow<'a, str>>,
    ) -> Self
    where
        Say<'a>: AllowedIn<C>,
    {
        self.instruction(Say {
            text: text.into(),
            locale: Some(locale.into()),
            extra: Default::default(),
        })
    }

    /// Plays a prompt (each part in turn) in `locale`.
    #[inline]
    pub fn play(
        self,
        prompt: impl Into<Prompt<'a>>,
        locale: impl Into<std::borrow::Cow<'a, str>>,
    ) -> Self
    where
        PlayFiles<'a>: AllowedIn<C>,
    {
        self.instruction(PlayFiles::new(prompt).locale(locale))
    }

    /// Stores a cookie that comes back in the later events of the call.
    #[inline]
    pub fn set_cookie(
        self,
        key: impl Into<std::borrow::Cow<'a, str>>,
        value: impl Into<std::borrow::Cow<'a, str>>,
    ) -> Self
    where
        SetCookie<'a>: AllowedIn<C>,
    {
        self.instruction(SetCookie {
            key: key.into(),
            value: value.into(),
            extra: Default::default(),
        })
    }

    /// Answers the call now.
    #[inline]
    pub fn answer(self) -> Self
    where
        Answer: AllowedIn<C>,
    {
        self.instruction(Answer::default())
    }

    /// Sends DTMF tones.
    #[inline]
    pub fn send_dtmf(self, tones: impl Into<std::borrow::Cow<'a, str>>) -> Self
    where
        SendDtmf<'a>: AllowedIn<C>,
    {
        self.instruction(SendDtmf {
            value: tones.into(),
            extra: Default::default(),
        })
    }

    /// Starts recording.
    #[inline]
    pub fn start_recording(self, options: StartRecordingOptions<'a>) -> Self
    where
        StartRecording<'a>: AllowedIn<C>,
    {
        self.instruction(StartRecording {
            options: Some(options),
            extra: Default::default(),
        })
    }

    /// Ends the call.
    #[inline]
    pub fn hangup(self) -> Self
    where
        Hangup: AllowedIn<C>,
    {
        self.action(Hangup::default())
    }

    /// Lets the call proceed.
    #[inline]
    pub fn proceed(self) -> Self
    where
        Continue: AllowedIn<C>,
    {
        self.action(Continue::default())
    }

    /// Runs an IVR menu.
    #[inline]
    pub fn run_menu(self, menu: RunMenu<'a>) -> Self
    where
        RunMenu<'a>: AllowedIn<C>,
    {
        self.action(menu)
    }

    /// Joins a conference.
    #[inline]
    pub fn connect_conf(self, conference: ConnectConf<'a>) -> Self
    where
        ConnectConf<'a>: AllowedIn<C>,
    {
        self.action(conference)
    }

    /// Connects to a phone number.
    #[inline]
    pub fn connect_pstn(self, connect: ConnectPstn<'a>) -> Self
    where
        ConnectPstn<'a>: AllowedIn<C>,
    {
        self.action(connect)
    }

    /// Validates and returns the reply.
    pub fn build(self) -> Result<Svaml<'a, C>, SvamlError> {
        let mut issues = Vec::new();
        if self.extra_actions > 0 {
            issues.push(super::error::Issue::new(
                "action",
                format!(
                    "a reply carries exactly one action; {} more were given",
                    self.extra_actions
                ),
            ));
        }
        validate::<C>(&self.instructions, self.action.as_ref(), &mut issues);
        if issues.is_empty() {
            Ok(Svaml {
                instructions: self.instructions,
                action: self.action,
                extra: serde_json::Map::new(),
                context: PhantomData,
            })
        } else {
            Err(SvamlError::new(C::REPLY, issues))
        }
    }
}
