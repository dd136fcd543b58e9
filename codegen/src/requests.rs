//! The `requests` module of the generated crate: one builder per object a request body is
//! made of, so a property the spec adds to a request is a setter without a hand edit.
//!
//! Required properties are the constructor's arguments (`new`, or the name the schema's
//! `x-sinch-constructor` gives), every property has a setter named after it with the spec's
//! description as its docs, and what the spec says of a value is checked as it is set
//! (`maxLength`, `minimum`, `maxItems`, ..., and the value rules of `sinch-voice-values` that
//! `x-rust-type` attaches). The first problem is kept and returned by `build()`, naming the
//! property by its JSON path. A builder is the body of its operation (`IntoRequest`), and a
//! variant's payload is the body of a `oneOf` union (a callout's `ttsCallout`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::normalise::{self, typify_name};

/// What typify made of one component: a struct's fields, or a union's struct-like variants.
enum Shape {
    Struct(Vec<Field>),
    /// `(variant, wire name of its one field, the field's Rust name, payload type name)`.
    Union(Vec<(syn::Ident, String, syn::Ident, String)>),
}

struct Field {
    ident: syn::Ident,
    wire: String,
    ty: syn::Type,
    flatten: bool,
}

/// The `requests` module's tokens.
pub(crate) fn module(doc: &Value, client: &syn::File) -> TokenStream {
    let shapes = shapes(client);
    let names = type_names(client);
    let schemas = component_schemas(doc);
    // Every struct reachable from a request body, and the unions among the bodies.
    let mut todo: Vec<String> = request_roots(doc);
    let mut builders: Vec<String> = Vec::new();
    let mut unions: Vec<String> = Vec::new();
    while let Some(name) = todo.pop() {
        if builders.contains(&name) || unions.contains(&name) {
            continue;
        }
        match shapes.get(&name) {
            Some(Shape::Struct(fields)) => {
                for field in fields {
                    collect_type_names(&field.ty, &names, &mut todo);
                }
                builders.push(name);
            }
            Some(Shape::Union(variants)) => {
                todo.extend(variants.iter().map(|v| v.3.clone()));
                unions.push(name);
            }
            None => {}
        }
    }
    builders.sort();
    unions.sort();
    let items = builders.iter().map(|name| {
        let Some(Shape::Struct(fields)) = shapes.get(name) else {
            unreachable!("only structs are builders")
        };
        builder(name, fields, schemas.get(name), &names, &builders)
    });
    let union_impls = unions.iter().map(|name| {
        let Some(Shape::Union(variants)) = shapes.get(name) else {
            unreachable!("only unions are unions")
        };
        let union = format_ident!("{name}");
        let impls = variants.iter().filter(|v| builders.contains(&v.3)).map(
            |(variant, wire, field, payload)| {
                let payload = format_ident!("{payload}");
                quote! {
                    impl IntoRequest<types::#union> for #payload {
                        fn into_request(self) -> ::std::result::Result<types::#union, FieldError> {
                            let payload = self.build().map_err(|e| e.within(#wire))?;
                            ::std::result::Result::Ok(types::#union::#variant { #field: payload })
                        }
                    }
                    impl IntoRequest<types::#union> for types::#payload {
                        fn into_request(self) -> ::std::result::Result<types::#union, FieldError> {
                            ::std::result::Result::Ok(types::#union::#variant { #field: self })
                        }
                    }
                }
            },
        );
        quote! { #(#impls)* }
    });
    quote! {
        /// One builder per object a request body is made of: required properties are the
        /// constructor's arguments, each property has a setter, values are checked as they
        /// are set and `build()` (or sending) returns the first problem by its JSON path.
        pub mod requests {
            use super::operations::IntoRequest;
            use super::types;
            use ::sinch_voice_values::{FieldError, IntoValue};

            /// Keeps the first problem: later ones are often caused by it.
            fn keep_first(problem: &mut ::std::option::Option<FieldError>, error: FieldError) {
                if problem.is_none() {
                    *problem = ::std::option::Option::Some(error);
                }
            }

            fn check_length(
                text: &str,
                min: ::std::option::Option<usize>,
                max: ::std::option::Option<usize>,
            ) -> ::std::result::Result<(), FieldError> {
                let count = text.chars().count();
                match (min, max) {
                    (::std::option::Option::Some(min), _) if count < min => ::std::result::Result::Err(
                        FieldError::new("", format!("at least {min} characters, got {count}")),
                    ),
                    (_, ::std::option::Option::Some(max)) if count > max => ::std::result::Result::Err(
                        FieldError::new("", format!("at most {max} characters, got {count}")),
                    ),
                    _ => ::std::result::Result::Ok(()),
                }
            }

            fn check_range<N: ::std::cmp::PartialOrd + ::std::fmt::Display + ::std::marker::Copy>(
                value: N,
                min: ::std::option::Option<N>,
                max: ::std::option::Option<N>,
            ) -> ::std::result::Result<(), FieldError> {
                match (min, max) {
                    (::std::option::Option::Some(min), _) if value < min => ::std::result::Result::Err(
                        FieldError::new("", format!("at least {min}, got {value}")),
                    ),
                    (_, ::std::option::Option::Some(max)) if value > max => ::std::result::Result::Err(
                        FieldError::new("", format!("at most {max}, got {value}")),
                    ),
                    _ => ::std::result::Result::Ok(()),
                }
            }

            fn check_items(
                count: usize,
                min: ::std::option::Option<usize>,
                max: ::std::option::Option<usize>,
            ) -> ::std::result::Result<(), FieldError> {
                let below = min.is_some_and(|m| count < m);
                let above = max.is_some_and(|m| count > m);
                if below || above {
                    let min = min.unwrap_or(0);
                    let range = match max {
                        ::std::option::Option::Some(max) => format!("{min} to {max}"),
                        ::std::option::Option::None => format!("at least {min}"),
                    };
                    return ::std::result::Result::Err(FieldError::new(
                        "",
                        format!("give {range} items, got {count}"),
                    ));
                }
                ::std::result::Result::Ok(())
            }

            #(#items)*
            #(#union_impls)*
        }
    }
}

/// The component schemas by typify's name for them.
fn component_schemas(doc: &Value) -> BTreeMap<String, &Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (typify_name(k), v)).collect())
        .unwrap_or_default()
}

/// The types request bodies name (`$ref`s), in spec order.
fn request_roots(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, method) in normalise::operations(doc) {
        let body = &doc["paths"][&path][method]["requestBody"];
        let reference = body
            .pointer("/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"));
        if let Some(name) = reference {
            out.push(typify_name(name));
        }
    }
    out.reverse();
    out
}

/// Every item name of progenitor's `types` module.
fn type_names(client: &syn::File) -> BTreeSet<String> {
    let module = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
        _ => None,
    });
    let mut out = BTreeSet::new();
    for item in module
        .map(|(_, items)| items.as_slice())
        .unwrap_or_default()
    {
        match item {
            syn::Item::Struct(s) => out.insert(s.ident.to_string()),
            syn::Item::Enum(e) => out.insert(e.ident.to_string()),
            syn::Item::Type(t) => out.insert(t.ident.to_string()),
            _ => false,
        };
    }
    out
}

/// Structs and struct-variant unions of progenitor's `types` module.
fn shapes(client: &syn::File) -> BTreeMap<String, Shape> {
    let mut out = BTreeMap::new();
    let module = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
        _ => None,
    });
    let Some((_, items)) = module else {
        return out;
    };
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let syn::Fields::Named(named) = &s.fields else {
                    continue;
                };
                let fields = named
                    .named
                    .iter()
                    .filter_map(|f| {
                        let ident = f.ident.clone()?;
                        let (rename, flatten) = serde_attrs(&f.attrs);
                        Some(Field {
                            wire: rename.unwrap_or_else(|| ident.to_string()),
                            ident,
                            ty: f.ty.clone(),
                            flatten,
                        })
                    })
                    .collect();
                out.insert(s.ident.to_string(), Shape::Struct(fields));
            }
            syn::Item::Enum(e) => {
                let variants: Option<Vec<_>> = e
                    .variants
                    .iter()
                    .map(|v| {
                        let syn::Fields::Named(named) = &v.fields else {
                            return None;
                        };
                        let [field] = named.named.iter().collect::<Vec<_>>()[..] else {
                            return None;
                        };
                        let syn::Type::Path(p) = &field.ty else {
                            return None;
                        };
                        let payload = p.path.segments.last()?.ident.to_string();
                        let ident = field.ident.clone()?;
                        let wire = serde_attrs(&field.attrs)
                            .0
                            .unwrap_or_else(|| ident.to_string());
                        Some((v.ident.clone(), wire, ident, payload))
                    })
                    .collect();
                if let Some(variants) = variants.filter(|v| !v.is_empty()) {
                    out.insert(e.ident.to_string(), Shape::Union(variants));
                }
            }
            _ => {}
        }
    }
    out
}

/// `#[serde(rename = "..")]` and whether `#[serde(flatten)]` is there.
fn serde_attrs(attrs: &[syn::Attribute]) -> (Option<String>, bool) {
    let mut rename = None;
    let mut flatten = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.path.is_ident("flatten") {
                flatten = true;
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    (rename, flatten)
}

/// Names of `types` items a type mentions.
fn collect_type_names(ty: &syn::Type, names: &BTreeSet<String>, out: &mut Vec<String>) {
    let syn::Type::Path(p) = ty else {
        return;
    };
    for segment in &p.path.segments {
        let ident = segment.ident.to_string();
        if names.contains(&ident) {
            out.push(ident);
        }
        if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
            for arg in &args.args {
                if let syn::GenericArgument::Type(t) = arg {
                    collect_type_names(t, names, out);
                }
            }
        }
    }
}

/// The type as seen from the `requests` module: `types` items qualified.
fn qualify(ty: &syn::Type, names: &BTreeSet<String>) -> syn::Type {
    let mut ty = ty.clone();
    qualify_in_place(&mut ty, names);
    ty
}

fn qualify_in_place(ty: &mut syn::Type, names: &BTreeSet<String>) {
    let syn::Type::Path(p) = ty else {
        return;
    };
    for segment in p.path.segments.iter_mut() {
        if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in args.args.iter_mut() {
                if let syn::GenericArgument::Type(t) = arg {
                    qualify_in_place(t, names);
                }
            }
        }
    }
    if p.qself.is_none()
        && p.path.leading_colon.is_none()
        && p.path.segments.len() == 1
        && names.contains(&p.path.segments[0].ident.to_string())
    {
        let ident = &p.path.segments[0];
        *ty = syn::parse_quote!(types::#ident);
    }
}

/// `T` of `Wrapper<T>` when `ty` is `[::std::option::]Wrapper<T>`.
fn inner_of(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let segment = p.path.segments.last()?;
    if segment.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// How a setter takes a value of type `ty`.
enum Takes {
    /// `impl Into<String>`.
    Text,
    /// `impl IntoValue<T>`: a checked value or a nested object.
    Checked,
    /// `impl Into<T>`.
    Plain,
}

fn takes(ty: &syn::Type, builders: &[String]) -> Takes {
    let text = quote!(#ty).to_string().replace(' ', "");
    if text.ends_with("::String") || text == "String" {
        Takes::Text
    } else if text.contains("sinch_voice_values::")
        || text
            .strip_prefix("types::")
            .is_some_and(|n| builders.iter().any(|b| b == n))
    {
        Takes::Checked
    } else {
        Takes::Plain
    }
}

fn builder(
    name: &str,
    fields: &[Field],
    schema: Option<&&Value>,
    names: &BTreeSet<String>,
    builders: &[String],
) -> TokenStream {
    let ident = format_ident!("{name}");
    let schema = schema.copied().unwrap_or(&Value::Null);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let constructor = format_ident!(
        "{}",
        schema
            .get("x-sinch-constructor")
            .and_then(Value::as_str)
            .unwrap_or("new")
    );
    let settable: Vec<&Field> = fields.iter().filter(|f| !f.flatten).collect();
    let is_required = |f: &Field| required.contains(&f.wire.as_str());
    let mut setters = Vec::new();
    let mut ctor_args = Vec::new();
    let mut ctor_calls = Vec::new();
    for field in &settable {
        let property = &schema["properties"][&field.wire];
        let fname = &field.ident;
        let wire = &field.wire;
        let optional = inner_of(&field.ty, "Option");
        let value_ty = qualify(optional.as_ref().unwrap_or(&field.ty), names);
        let wrap = if optional.is_some() {
            quote!(::std::option::Option::Some(value))
        } else {
            quote!(value)
        };
        let (arg_ty, convert) = value_taking(&value_ty, property, builders);
        let mut doc = property
            .get("description")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        if doc.is_empty() {
            doc = format!("`{wire}`.");
        }
        setters.push(quote! {
            #[doc = #doc]
            pub fn #fname(mut self, value: #arg_ty) -> Self {
                let checked: ::std::result::Result<#value_ty, FieldError> = #convert;
                match checked {
                    ::std::result::Result::Ok(value) => self.inner = self.inner.#fname(#wrap),
                    ::std::result::Result::Err(e) => keep_first(&mut self.problem, e.within(#wire)),
                }
                self
            }
        });
        if is_required(field) {
            let position = required.iter().position(|r| *r == field.wire.as_str());
            ctor_args.push((position, quote!(#fname: #arg_ty)));
            ctor_calls.push(quote!(.#fname(#fname)));
        }
    }
    // The constructor takes the required properties in the spec's `required` order.
    ctor_args.sort_by_key(|(position, _)| *position);
    let ctor_args: Vec<TokenStream> = ctor_args.into_iter().map(|(_, arg)| arg).collect();
    let struct_doc = schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("Builds a [`types::{name}`]."));
    let required_doc = if ctor_args.is_empty() {
        "No property is required.".to_string()
    } else {
        let list: Vec<String> = required
            .iter()
            .filter(|r| settable.iter().any(|f| f.wire == **r))
            .map(|r| format!("`{r}`"))
            .collect();
        format!(
            "Required: {}, the constructor's arguments.",
            list.join(", ")
        )
    };
    let default_impl = if ctor_args.is_empty() {
        quote! {
            impl ::std::default::Default for #ident {
                fn default() -> Self {
                    Self::#constructor()
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #[doc = #struct_doc]
        #[doc = ""]
        #[doc = #required_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is built or sent"]
        pub struct #ident {
            inner: types::builder::#ident,
            problem: ::std::option::Option<FieldError>,
        }

        impl #ident {
            /// A request with its required properties.
            pub fn #constructor(#(#ctor_args),*) -> Self {
                Self {
                    inner: ::std::default::Default::default(),
                    problem: ::std::option::Option::None,
                }
                #(#ctor_calls)*
            }

            #(#setters)*

            /// The body, or the first property that breaks a rule (by its JSON path).
            pub fn build(self) -> ::std::result::Result<types::#ident, FieldError> {
                if let ::std::option::Option::Some(problem) = self.problem {
                    return ::std::result::Result::Err(problem);
                }
                types::#ident::try_from(self.inner).map_err(|e| FieldError::new("", e.to_string()))
            }
        }

        #default_impl

        impl IntoRequest<types::#ident> for #ident {
            fn into_request(self) -> ::std::result::Result<types::#ident, FieldError> {
                self.build()
            }
        }

        impl IntoValue<types::#ident> for #ident {
            fn into_value(self) -> ::std::result::Result<types::#ident, FieldError> {
                self.build()
            }
        }

        impl IntoValue<types::#ident> for types::#ident {
            fn into_value(self) -> ::std::result::Result<types::#ident, FieldError> {
                ::std::result::Result::Ok(self)
            }
        }
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

fn usize_limit(v: Option<&Value>) -> TokenStream {
    match v.and_then(Value::as_u64) {
        Some(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
            quote!(::std::option::Option::Some(#n))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// The setter's argument type and the expression that checks it into `ty`.
fn value_taking(
    ty: &syn::Type,
    property: &Value,
    builders: &[String],
) -> (TokenStream, TokenStream) {
    if let Some(item) = inner_of(ty, "Vec") {
        let (min, max) = (
            usize_limit(property.get("minItems")),
            usize_limit(property.get("maxItems")),
        );
        let (item_arg, item_convert) = match takes(&item, builders) {
            Takes::Text => (
                quote!(impl ::std::convert::Into<::std::string::String>),
                quote!(::std::result::Result::Ok(item.into())),
            ),
            Takes::Checked => (quote!(impl IntoValue<#item>), quote!(item.into_value())),
            Takes::Plain => (
                quote!(impl ::std::convert::Into<#item>),
                quote!(::std::result::Result::Ok(item.into())),
            ),
        };
        return (
            quote!(impl ::std::iter::IntoIterator<Item = #item_arg>),
            quote! {
                value
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let checked: ::std::result::Result<#item, FieldError> = #item_convert;
                        checked.map_err(|e| e.at_index(i))
                    })
                    .collect::<::std::result::Result<::std::vec::Vec<#item>, FieldError>>()
                    .and_then(|items| check_items(items.len(), #min, #max).map(|()| items))
            },
        );
    }
    match takes(ty, builders) {
        Takes::Text => {
            let limit = |key: &str| {
                property
                    .get(key)
                    .or_else(|| property.get(format!("x-sinch-{key}")))
            };
            let (min, max) = (
                usize_limit(limit("minLength")),
                usize_limit(limit("maxLength")),
            );
            let convert = if min.to_string() == quote!(::std::option::Option::None).to_string()
                && max.to_string() == min.to_string()
            {
                quote!(::std::result::Result::Ok(value.into()))
            } else {
                quote! {{
                    let text: ::std::string::String = value.into();
                    check_length(&text, #min, #max).map(|()| text)
                }}
            };
            (
                quote!(impl ::std::convert::Into<::std::string::String>),
                convert,
            )
        }
        Takes::Checked => (quote!(impl IntoValue<#ty>), quote!(value.into_value())),
        Takes::Plain => {
            let integer = matches!(
                quote!(#ty).to_string().as_str(),
                "i64" | "i32" | "u64" | "u32" | "f64" | "f32"
            );
            let (min, max) = (
                number(property.get("minimum")),
                number(property.get("maximum")),
            );
            let convert = if integer && (min.is_some() || max.is_some()) {
                let bound = |b: Option<f64>| match b {
                    // JSON numbers as the field's type: bounds are whole for integers.
                    Some(b) => {
                        // A suffixed literal (`14400_i64`): whole for integer types.
                        let ty = quote!(#ty).to_string();
                        let literal = match ty.starts_with('f') {
                            true => format!("{b:?}_{ty}"),
                            false => format!("{}_{ty}", b.trunc() as i128),
                        };
                        let literal: TokenStream = literal.parse().expect("a literal parses");
                        quote!(::std::option::Option::Some(#literal))
                    }
                    None => quote!(::std::option::Option::None),
                };
                let (min, max) = (bound(min), bound(max));
                quote! {{
                    let number: #ty = value.into();
                    check_range(number, #min, #max).map(|()| number)
                }}
            } else {
                quote!(::std::result::Result::Ok(value.into()))
            };
            (quote!(impl ::std::convert::Into<#ty>), convert)
        }
    }
}
