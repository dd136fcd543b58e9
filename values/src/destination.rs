//! Whom a call goes to or comes from: one type for callouts, SVAML connect actions, call
//! information and callbacks.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::E164;

/// An endpoint and its kind (`{type, endpoint}`).
///
/// Built with [`number`](Self::number), [`username`](Self::username), [`sip`](Self::sip) or
/// [`websocket`](Self::websocket); a plain string or an [`E164`] converts into a
/// number destination. Numbers are checked against the E.164 rule when a request is sent.
/// Read from the platform, `type` may be absent or in another case (`Number`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Destination<'a> {
    /// `number`, `username`, `sip`, `Websocket`, `did`, … (any case, an open set).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DestinationType>,
    /// The number, user id, SIP address or URL.
    pub endpoint: Cow<'a, str>,
}

/// Read into any lifetime (the endpoint is owned), so [`OwnedDestination`] is
/// `DeserializeOwned` and can be a field of the generated request and answer types.
impl<'de, 'a> Deserialize<'de> for Destination<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire<'w> {
            #[serde(rename = "type", default)]
            kind: Option<DestinationType>,
            #[serde(borrow)]
            endpoint: Cow<'w, str>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(Destination {
            kind: wire.kind,
            endpoint: Cow::Owned(wire.endpoint.into_owned()),
        })
    }
}

impl<'a> Destination<'a> {
    /// A phone number (E.164, e.g. `+46701234567`).
    pub fn number(number: impl Into<Cow<'a, str>>) -> Self {
        Destination::of(DestinationType::Number, number)
    }

    /// An in-app user. The platform sends no ACE or DiCE for calls to users.
    pub fn username(id: impl Into<Cow<'a, str>>) -> Self {
        Destination::of(DestinationType::Username, id)
    }

    /// A SIP address such as `46708000000@sip.foo.com`.
    pub fn sip(address: impl Into<Cow<'a, str>>) -> Self {
        Destination::of(DestinationType::Sip, address)
    }

    /// A WebSocket server (`wss://...`, for `connectStream`).
    pub fn websocket(url: impl Into<Cow<'a, str>>) -> Self {
        Destination::of(DestinationType::Websocket, url)
    }

    /// Any kind, e.g. one the platform added after this crate was released.
    pub fn of(kind: DestinationType, endpoint: impl Into<Cow<'a, str>>) -> Self {
        Destination {
            kind: Some(kind),
            endpoint: endpoint.into(),
        }
    }

    /// Whether this is a phone number (`type` absent counts as not).
    pub fn is_number(&self) -> bool {
        self.kind == Some(DestinationType::Number)
    }

    /// Whether this is an in-app user.
    pub fn is_username(&self) -> bool {
        self.kind == Some(DestinationType::Username)
    }

    /// The same destination owning its text.
    pub fn into_owned(self) -> Destination<'static> {
        Destination {
            kind: self.kind,
            endpoint: Cow::Owned(self.endpoint.into_owned()),
        }
    }
}

impl<'a> From<&'a str> for Destination<'a> {
    /// A phone number.
    fn from(number: &'a str) -> Self {
        Destination::number(number)
    }
}

impl From<String> for Destination<'_> {
    /// A phone number.
    fn from(number: String) -> Self {
        Destination::number(number)
    }
}

impl<'a> From<&'a String> for Destination<'a> {
    /// A phone number.
    fn from(number: &'a String) -> Self {
        Destination::number(number.as_str())
    }
}

impl From<E164> for Destination<'_> {
    fn from(number: E164) -> Self {
        Destination::number(number.into_string())
    }
}

impl<'a> From<&'a E164> for Destination<'a> {
    fn from(number: &'a E164) -> Self {
        Destination::number(number.as_str())
    }
}

/// A destination that owns its text: the type of the generated request fields.
pub type OwnedDestination = Destination<'static>;

crate::open_enum! {
    /// The kind of endpoint a destination names.
    pub enum DestinationType {
        /// A phone number (E.164).
        Number = "number",
        /// An in-app user id.
        Username = "username",
        /// A SIP address.
        Sip = "sip",
        /// The number called (callbacks only).
        Did = "did",
        /// A WebSocket server (`connectStream`).
        Websocket = "Websocket",
        /// A conference (callbacks of conference legs).
        Conference = "conference",
    }
}
