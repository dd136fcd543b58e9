//! The types every SVAML module shares: what a context is, and the validated document. Kept
//! apart from the builders so that parsing and validation depend on them without depending on
//! the builders (which depend on parsing and validation).

use std::marker::PhantomData;

use super::model::*;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A callback context: which actions and instructions its reply may carry.
pub trait Context: sealed::Sealed + Send + Sync + 'static {
    /// Short name used in messages, e.g. `ICE`.
    const NAME: &'static str;
    /// The reply in prose, e.g. "an ICE reply".
    const REPLY: &'static str;
    /// Whether a reply must carry an action (PATCH bodies may carry instructions only).
    const ACTION_REQUIRED: bool;
    /// Whether this context accepts the action.
    fn allows_action(kind: ActionKind) -> bool;
    /// Whether this context accepts the instruction.
    fn allows_instruction(kind: InstructionKind) -> bool;
}

/// A validated SVAML document for context `C`: instructions in order, then one action.
/// Made by [`SvamlBuilder::build`](super::SvamlBuilder::build) or [`Svaml::parse`]; both validate.
pub struct Svaml<'a, C: Context> {
    pub(crate) instructions: Vec<Instruction<'a>>,
    pub(crate) action: Option<Action<'a>>,
    pub(crate) extra: serde_json::Map<String, serde_json::Value>,
    pub(crate) context: PhantomData<fn() -> C>,
}

// By hand: derives would demand `C: Clone + Debug + PartialEq` of the marker type.
impl<C: Context> Clone for Svaml<'_, C> {
    fn clone(&self) -> Self {
        Svaml {
            instructions: self.instructions.clone(),
            action: self.action.clone(),
            extra: self.extra.clone(),
            context: PhantomData,
        }
    }
}

impl<C: Context> PartialEq for Svaml<'_, C> {
    fn eq(&self, other: &Self) -> bool {
        self.instructions == other.instructions
            && self.action == other.action
            && self.extra == other.extra
    }
}

impl<C: Context> Eq for Svaml<'_, C> {}

impl<C: Context> std::fmt::Debug for Svaml<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Svaml")
            .field("context", &C::NAME)
            .field("instructions", &self.instructions)
            .field("action", &self.action)
            .finish()
    }
}
