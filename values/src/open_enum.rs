//! Enums the platform may extend: known values are variants, anything else is kept as
//! written (`Unknown`), reading ignores case, writing gives the canonical spelling. The
//! generated client declares each of the spec's enums through [`open_enum!`](crate::open_enum).

/// Declares an open enum: variants with their canonical wire text, plus `Unknown(String)`.
///
/// ```
/// sinch_voice_values::open_enum! {
///     /// A colour.
///     pub enum Colour {
///         /// Red.
///         Red = "RED",
///     }
/// }
/// assert_eq!(Colour::parse("red"), Colour::Red);
/// assert_eq!(Colour::parse("blue"), Colour::Unknown("blue".into()));
/// let back: Colour = serde_json::from_str("\"Blue\"").unwrap();
/// assert_eq!(serde_json::to_string(&back).unwrap(), "\"Blue\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value not known when this crate was generated, kept as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every known value, in its canonical spelling.
            pub const KNOWN: &'static [&'static str] = &[$($text),*];

            /// The wire text: canonical for known values, as received otherwise.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Unknown(text) => text,
                }
            }

            /// Reads a value, ignoring case; anything else becomes `Unknown`.
            pub fn parse(text: &str) -> Self {
                $( if text.eq_ignore_ascii_case($text) { return $name::$variant; } )*
                $name::Unknown(text.to_string())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                // The text is only looked at: no copy unless it is a value not known.
                $crate::read_str(deserializer, |text| Ok($name::parse(text)))
            }
        }

        $crate::__open_enum_schema!($name);
    };
}

/// The JSON Schema of an open enum (with the `schemars` feature).
#[cfg(feature = "schemars")]
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum_schema {
    ($name:ident) => {
        impl $crate::__private::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!({
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

/// Without the `schemars` feature, open enums have no schema.
#[cfg(not(feature = "schemars"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum_schema {
    ($name:ident) => {};
}
