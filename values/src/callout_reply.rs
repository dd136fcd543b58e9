//! What a custom callout's `ice`, `ace` and `pie` carry: a callback URL, or the SVAML reply to
//! that event serialised to a JSON string inside the body. One type per event, so a reply made
//! for one event cannot be given for another; `sinch-voice` makes them from its typed SVAML
//! (checked), and they hold what was received as it was.

use serde::{Deserialize, Serialize};

use crate::field::{FieldError, IntoValue};

macro_rules! reply_text {
    ($($name:ident: $event:literal),*) => {$(
        #[doc = concat!("A callback URL or the SVAML reply to the ", $event,
            ", as the text a custom callout carries.")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Text already in its wire form, taken as it is: what was received, or what a
            /// crate that checks replies (`sinch-voice`) has rendered.
            pub fn from_wire(text: impl Into<String>) -> Self {
                $name(text.into())
            }

            /// The URL or the SVAML JSON.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The URL or the SVAML JSON, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl IntoValue<$name> for $name {
            fn into_value(self) -> Result<$name, FieldError> {
                Ok(self)
            }
        }
    )*};
}

reply_text!(
    IceReplyText: "Incoming Call Event",
    AceReplyText: "Answered Call Event",
    PieReplyText: "Prompt Input Event"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_is_the_bare_string_and_round_trips() {
        let ice = IceReplyText::from_wire(r#"{"action":{"name":"hangup"}}"#);
        let json = serde_json::to_string(&ice).unwrap();
        assert_eq!(json, r#""{\"action\":{\"name\":\"hangup\"}}""#);
        let back: IceReplyText = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ice);
        assert_eq!(back.as_str(), r#"{"action":{"name":"hangup"}}"#);
        // Anything but a string is refused, as the field is a string.
        assert!(serde_json::from_str::<AceReplyText>(r#"{"action":{}}"#).is_err());
        assert!(serde_json::from_str::<PieReplyText>("7").is_err());
    }
}
