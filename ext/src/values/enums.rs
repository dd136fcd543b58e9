//! Enums the platform may extend (shared by REST, SVAML and callbacks): known values are typed, anything else is kept as written
//! (`Unknown`), parsing ignores case, and serialising emits the canonical spelling.

/// Defines an open enum: `Known` variants with their canonical wire text, plus `Unknown`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know yet, kept as received.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in their canonical spelling.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The wire text: canonical for known values, as received otherwise.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(text) => text,
                }
            }

            /// Reads a value, ignoring case; anything else becomes `Unknown`.
            pub fn parse(text: &str) -> Self {
                $( if text.eq_ignore_ascii_case($text) { return $name::$variant; } )+
                $name::Unknown(text.to_string())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // The text is only looked at: no copy of it unless it is a value not known.
                $crate::values::borrow::read_str(deserializer, |text| Ok($name::parse(text)))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": "One of the known values (any case), or another string the platform may add.",
                    "anyOf": [
                        { "type": "string", "enum": $name::KNOWN },
                        { "type": "string" }
                    ]
                })
            }
        }
    };
}

pub(crate) use open_enum;

open_enum! {
    /// What a lone or held participant hears (`moh`, `mohClass`).
    pub enum MusicOnHold {
        /// Progress tone.
        Ring = "ring",
        /// Music 1.
        Music1 = "music1",
        /// Music 2.
        Music2 = "music2",
        /// Music 3.
        Music3 = "music3",
    }
}

open_enum! {
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
open_enum! {
    /// Where a call is terminated or comes from (`domain`, `originationType`). A callout's
    /// `domain` takes `pstn` or `mxp`.
    pub enum Domain {
        /// The phone network.
        Pstn = "pstn",
        /// In-app (Sinch SDK clients).
        Mxp = "mxp",
        /// A conference.
        Conference = "conference",
        /// SIP.
        Sip = "sip",
    }
}

open_enum! {
    /// How a call ended (DiCE `result`, call information `result`).
    pub enum CallResult {
        /// Not applicable.
        NotApplicable = "N/A",
        /// Answered.
        Answered = "ANSWERED",
        /// Busy.
        Busy = "BUSY",
        /// Not answered.
        NoAnswer = "NOANSWER",
        /// Failed.
        Failed = "FAILED",
    }
}

open_enum! {
    /// Why a call ended (DiCE `reason`, call information `reason`; callbacks.md §5).
    pub enum CallEndReason {
        /// Not applicable.
        NotApplicable = "N/A",
        /// The call was connected.
        Established = "ESTABLISHED",
        /// Another instance of the same user answered.
        OtherPeerAnswered = "OTHERPEERANSWERED",
        /// A timeout (dialTimeout, maxDuration).
        Timeout = "TIMEOUT",
        /// The caller hung up.
        CallerHangup = "CALLERHANGUP",
        /// The callee hung up.
        CalleeHangup = "CALLEEHANGUP",
        /// Blocked.
        Blocked = "BLOCKED",
        /// Ended by the platform (a hangup action, REST).
        ManagerHangup = "MANAGERHANGUP",
        /// Not enough credit.
        NoCreditPartner = "NOCREDITPARTNER",
        /// Client network problem.
        ClientNetwork = "CLIENTNETWORK",
        /// No route.
        Congestion = "CONGESTION",
        /// Unspecified error.
        GeneralError = "GENERALERROR",
        /// Cancelled.
        Cancel = "CANCEL",
        /// User not found.
        UserNotFound = "USERNOTFOUND",
        /// Your callback failed.
        CallbackError = "CALLBACKERROR",
        /// Your SVAML asked for something the call cannot do.
        InvalidSvamlAction = "INVALIDSVAMLACTION",
    }
}

open_enum! {
    /// Whether a call is still going (call information `status`).
    pub enum CallStatus {
        /// In progress.
        Ongoing = "ONGOING",
        /// Ended.
        Final = "FINAL",
    }
}

open_enum! {
    /// What a number is used for.
    pub enum Capability {
        /// Calls.
        Voice = "voice",
        /// Text messages.
        Sms = "sms",
    }
}

open_enum! {
    /// The kind of a number (number query).
    pub enum NumberType {
        /// The platform does not know (sent as `Unknown`).
        Unspecified = "Unknown",
        /// A landline.
        Fixed = "Fixed",
        /// A mobile phone.
        Mobile = "Mobile",
        /// Something else.
        Other = "Other",
    }
}
