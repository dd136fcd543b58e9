//! A custom callout with typed replies: the ICE, ACE and PIE SVAML go on the wire as the JSON
//! strings the API wants (a string inside the request body), or as callback URLs.

use sinch_voice_raw::types;

use crate::svaml::{Ace, Context, Ice, Pie, Svaml};

/// What the platform does at one event of a custom callout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalloutReply<'a, C: Context> {
    /// Ask this URL (your callback server).
    Url(String),
    /// Use this SVAML without asking.
    Svaml(Svaml<'a, C>),
}

impl<'a, C: Context> From<Svaml<'a, C>> for CalloutReply<'a, C> {
    fn from(svaml: Svaml<'a, C>) -> Self {
        CalloutReply::Svaml(svaml)
    }
}

impl<C: Context> CalloutReply<'_, C> {
    fn to_wire(&self) -> String {
        match self {
            CalloutReply::Url(url) => url.clone(),
            CalloutReply::Svaml(svaml) => svaml.to_json(),
        }
    }
}

/// A callout driven by SVAML. With inline ICE SVAML (e.g. a `connectPstn`), leave `cli` and
/// `destination` out: the SVAML says where the call goes.
#[derive(Debug, Clone, Default)]
pub struct CustomCallout<'a> {
    /// Caller id (E.164).
    pub cli: Option<String>,
    /// Whom to call.
    pub destination: Option<types::Destination>,
    /// DTMF played when the callee answers.
    pub dtmf: Option<String>,
    /// Free text returned in the callbacks.
    pub custom: Option<String>,
    /// Longest the call may last, in seconds.
    pub max_duration: Option<u64>,
    /// What to do at the Incoming Call Event.
    pub ice: Option<CalloutReply<'a, Ice>>,
    /// What to do when the call is answered.
    pub ace: Option<CalloutReply<'a, Ace>>,
    /// What to do on menu input.
    pub pie: Option<CalloutReply<'a, Pie>>,
}

impl<'a> CustomCallout<'a> {
    /// A custom callout whose ICE reply is `ice`.
    pub fn with_ice(ice: impl Into<CalloutReply<'a, Ice>>) -> Self {
        CustomCallout {
            ice: Some(ice.into()),
            ..CustomCallout::default()
        }
    }

    /// Sets the ACE reply.
    pub fn ace(mut self, ace: impl Into<CalloutReply<'a, Ace>>) -> Self {
        self.ace = Some(ace.into());
        self
    }

    /// Sets the PIE reply.
    pub fn pie(mut self, pie: impl Into<CalloutReply<'a, Pie>>) -> Self {
        self.pie = Some(pie.into());
        self
    }

    /// The request as the API takes it.
    pub fn to_request(&self) -> types::CalloutRequest {
        types::CalloutRequest::CustomCallout {
            custom_callout: types::CustomCallout {
                cli: self.cli.clone(),
                destination: self.destination.clone(),
                dtmf: self.dtmf.clone(),
                custom: self.custom.clone(),
                max_duration: self.max_duration,
                ice: self.ice.as_ref().map(CalloutReply::to_wire),
                ace: self.ace.as_ref().map(CalloutReply::to_wire),
                pie: self.pie.as_ref().map(CalloutReply::to_wire),
            },
        }
    }
}

/// The raw client's loosely typed form of a PATCH body.
pub(crate) fn to_raw_control<C: Context>(svaml: &Svaml<'_, C>) -> types::SvamlControl {
    serde_json::from_value(serde_json::to_value(svaml).expect("SVAML serialises"))
        .expect("the raw SvamlControl accepts any SVAML object")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svaml::{AceResponse, ConnectPstn, IceResponse};

    #[test]
    fn replies_travel_as_json_strings() {
        let ice = IceResponse::builder()
            .connect_pstn(ConnectPstn::to("+46701234567").cli("+14045001000"))
            .build()
            .unwrap();
        let callout = CustomCallout::with_ice(ice)
            .ace(AceResponse::builder().proceed().build().unwrap())
            .pie(CalloutReply::Url("https://example.com/pie".into()));
        let body = serde_json::to_value(callout.to_request()).unwrap();
        assert_eq!(body["method"], "customCallout");
        let inner = &body["customCallout"];
        assert_eq!(
            inner["ice"],
            r#"{"action":{"name":"connectPstn","number":"+46701234567","cli":"+14045001000"}}"#
        );
        assert_eq!(inner["ace"], r#"{"action":{"name":"continue"}}"#);
        assert_eq!(inner["pie"], "https://example.com/pie");
        assert!(inner.get("cli").is_none() && inner.get("destination").is_none());
    }
}
