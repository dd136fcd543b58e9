//! Enums the platform may extend: known values are typed, anything else is kept as written
//! (`Unknown`), parsing ignores case, and serialising emits the canonical spelling.

use std::borrow::Cow;

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
                let text = <Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::parse(&text))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
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
    /// SIP transport of `connectSip` (default UDP).
    pub enum Transport {
        /// UDP.
        Udp = "UDP",
        /// TCP.
        Tcp = "TCP",
        /// TLS.
        Tls = "TLS",
    }
}

open_enum! {
    /// Conference DTMF handling.
    pub enum DtmfMode {
        /// Tones are heard by everyone; nothing else happens (the default).
        Ignore = "ignore",
        /// Tones are forwarded to the other participants.
        Forward = "forward",
        /// Digits are sent to your backend as a PIE.
        Detect = "detect",
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
    }
}

open_enum! {
    /// Ring-back tone country of `connectPstn` (svaml.md §6.6; Norway is `no`, never `false`).
    pub enum Indications {
        /// Austria.
        At = "at",
        /// Australia.
        Au = "au",
        /// Bulgaria.
        Bg = "bg",
        /// Brazil.
        Br = "br",
        /// Belgium.
        Be = "be",
        /// Switzerland.
        Ch = "ch",
        /// Chile.
        Cl = "cl",
        /// China.
        Cn = "cn",
        /// Czechia.
        Cz = "cz",
        /// Germany.
        De = "de",
        /// Denmark.
        Dk = "dk",
        /// Estonia.
        Ee = "ee",
        /// Spain.
        Es = "es",
        /// Finland.
        Fi = "fi",
        /// France.
        Fr = "fr",
        /// Greece.
        Gr = "gr",
        /// Hungary.
        Hu = "hu",
        /// Israel.
        Il = "il",
        /// India.
        In = "in",
        /// Italy.
        It = "it",
        /// Lithuania.
        Lt = "lt",
        /// Japan.
        Jp = "jp",
        /// Mexico.
        Mx = "mx",
        /// Malaysia.
        My = "my",
        /// Netherlands.
        Nl = "nl",
        /// Norway.
        No = "no",
        /// New Zealand.
        Nz = "nz",
        /// Philippines.
        Ph = "ph",
        /// Poland.
        Pl = "pl",
        /// Portugal.
        Pt = "pt",
        /// Russia.
        Ru = "ru",
        /// Sweden.
        Se = "se",
        /// Singapore.
        Sg = "sg",
        /// Thailand.
        Th = "th",
        /// United Kingdom.
        Uk = "uk",
        /// United States.
        Us = "us",
        /// Taiwan.
        Tw = "tw",
        /// Venezuela.
        Ve = "ve",
        /// South Africa.
        Za = "za",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_ignore_case_and_unknown_ones_are_kept() {
        assert_eq!(Transport::parse("tls"), Transport::Tls);
        assert_eq!(serde_json::to_string(&Transport::Tls).unwrap(), "\"TLS\"");
        let future: Transport = serde_json::from_str("\"QUIC\"").unwrap();
        assert_eq!(future, Transport::Unknown("QUIC".into()));
        assert_eq!(serde_json::to_string(&future).unwrap(), "\"QUIC\"");
        assert_eq!(Indications::KNOWN.len(), 39);
        assert_eq!(Indications::No.as_str(), "no");
        assert_eq!(
            DestinationType::parse("WEBSOCKET"),
            DestinationType::Websocket
        );
    }
}
