//! serde borrows `Cow<str>` only for fields of exactly that type; these helpers borrow inside
//! `Option` too, so event strings point into the received body unless JSON escapes forced a copy.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, Visitor};

struct CowStr;

impl<'de> Visitor<'de> for CowStr {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A string key or value as `Cow`, borrowed from the input where JSON allows (serde's own
/// `Cow<str>` impl always copies).
#[allow(dead_code)]
pub(crate) fn cow_str<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Cow<'de, str>, D::Error> {
    deserializer.deserialize_str(CowStr)
}

pub(crate) use sinch_voice_values::read_str;

struct OptionCowStr;

impl<'de> Visitor<'de> for OptionCowStr {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(CowStr).map(Some)
    }
}

/// For `Option<Cow<'a, str>>` fields: `#[serde(borrow, default, deserialize_with = "...")]`.
pub(crate) fn option<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'a, str>>, D::Error> {
    deserializer.deserialize_option(OptionCowStr)
}

struct Headers<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for Headers<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Call headers come in handfuls; one allocation instead of a doubling series.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(64));
        while let Some(Object(item)) = seq.next_element::<Object<T>>()? {
            items.push(item);
        }
        Ok(Some(items))
    }
}

/// For `Option<Vec<T>>` lists of objects that are usually a few items long.
pub(crate) fn option_list<'de, D: Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Vec<T>>, D::Error> {
    deserializer.deserialize_option(Headers(std::marker::PhantomData))
}

/// serde fills a struct from a JSON array too (fields in order); event objects must be objects.
struct ObjectVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }
}

struct Object<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(ObjectVisitor(std::marker::PhantomData))
            .map(Object)
    }
}

struct OptionObject<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for OptionObject<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer
            .deserialize_map(ObjectVisitor(std::marker::PhantomData))
            .map(Some)
    }
}

/// For `Option<T>` fields holding an object.
pub(crate) fn object<'de, D: Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_option(OptionObject(std::marker::PhantomData))
}

/// A value that borrows from a received body, made to own its text: what the `into_owned`
/// methods of events are built from.
pub(crate) trait IntoStatic {
    type Static;
    fn into_static(self) -> Self::Static;
}

impl IntoStatic for Cow<'_, str> {
    type Static = Cow<'static, str>;
    fn into_static(self) -> Cow<'static, str> {
        Cow::Owned(self.into_owned())
    }
}

impl<T: IntoStatic> IntoStatic for Option<T> {
    type Static = Option<T::Static>;
    fn into_static(self) -> Self::Static {
        self.map(T::into_static)
    }
}

impl<T: IntoStatic> IntoStatic for Vec<T> {
    type Static = Vec<T::Static>;
    fn into_static(self) -> Self::Static {
        self.into_iter().map(T::into_static).collect()
    }
}

impl IntoStatic for super::CallHeader<'_> {
    type Static = super::CallHeader<'static>;
    fn into_static(self) -> Self::Static {
        self.into_owned()
    }
}

impl IntoStatic for super::Price<'_> {
    type Static = super::Price<'static>;
    fn into_static(self) -> Self::Static {
        self.into_owned()
    }
}

impl IntoStatic for super::Destination<'_> {
    type Static = super::Destination<'static>;
    fn into_static(self) -> Self::Static {
        self.into_owned()
    }
}

/// Values that own everything already.
macro_rules! already_static {
    ($($ty:ty),* $(,)?) => {
        $(
            impl IntoStatic for $ty {
                type Static = $ty;
                fn into_static(self) -> $ty {
                    self
                }
            }
        )*
    };
}
pub(crate) use already_static;

already_static!(
    i64,
    super::Domain,
    super::CallEndReason,
    super::CallResult,
    std::collections::BTreeMap<String, crate::callbacks::RawJson>,
);
