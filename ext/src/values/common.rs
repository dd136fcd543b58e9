//! Small objects that REST answers, SVAML and callbacks share.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

type Text<'a> = Cow<'a, str>;

/// A header passed along with a call (`{key, value}`): SIP headers, in-app call headers, and
/// the cookies a callback carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CallHeader<'a> {
    /// Header name.
    #[serde(
        borrow,
        default,
        deserialize_with = "super::borrow::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub key: Option<Text<'a>>,
    /// Header value.
    #[serde(
        borrow,
        default,
        deserialize_with = "super::borrow::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Text<'a>>,
}

impl<'a> CallHeader<'a> {
    /// A header `key: value`.
    pub fn new(key: impl Into<Text<'a>>, value: impl Into<Text<'a>>) -> Self {
        CallHeader {
            key: Some(key.into()),
            value: Some(value.into()),
        }
    }

    /// The same header owning its text.
    pub fn into_owned(self) -> CallHeader<'static> {
        CallHeader {
            key: self.key.map(|k| Cow::Owned(k.into_owned())),
            value: self.value.map(|v| Cow::Owned(v.into_owned())),
        }
    }
}

/// A price (`userRate`, `debit`, a number's `rate`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Price<'a> {
    /// ISO 4217 currency, e.g. `EUR`.
    #[serde(
        borrow,
        default,
        deserialize_with = "super::borrow::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub currency_id: Option<Text<'a>>,
    /// The amount (a float).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
}

impl<'a> Price<'a> {
    /// `amount` in `currency_id`.
    pub fn new(currency_id: impl Into<Text<'a>>, amount: f64) -> Self {
        Price {
            currency_id: Some(currency_id.into()),
            amount: Some(amount),
        }
    }

    /// The same price owning its text.
    pub fn into_owned(self) -> Price<'static> {
        Price {
            currency_id: self.currency_id.map(|c| Cow::Owned(c.into_owned())),
            amount: self.amount,
        }
    }
}
