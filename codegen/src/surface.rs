//! What the wrapping crate builds on beside progenitor's client, from the same spec, so a spec
//! change reaches its users without a hand edit:
//!
//! - `enums`: each string enum of the components as an open enum (known values are variants,
//!   any other text is kept as `Unknown`, reading ignores case), used wherever the schema is,
//!   in place of typify's closed enum; `x-enum-varnames` and `x-enum-descriptions` name and
//!   document the variants;
//! - `operations`: one descriptor per operation: method, path, the path parameters with the
//!   value rule `x-sinch-value` attaches, whether a failed attempt may be sent again (from the
//!   method; a POST says so with `x-sinch-retry`, else it is never sent twice), and the host a
//!   `servers` override names;
//! - `client_operations!`: one method per operation, named from its operationId, for the
//!   wrapping crate's client, which supplies `path_value`, `request_body`, `raw_for` and
//!   `run_operation` (checks, routing, signing, retries, errors).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::Segment::Key;
use crate::error::{Error, ErrorKind, json_path};
use crate::normalise::{self, typify_name};

/// Where the open enums live in the generated crate (typify refers to them by this path).
pub(crate) const ENUMS_MODULE: &str = "crate::enums";

/// The value rules of `sinch-voice-values` a parameter may name with `x-sinch-value`.
const VALUE_RULES: [&str; 4] = ["CallId", "ConferenceId", "E164", "Dtmf"];

/// A component string enum, generated as an open enum.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OpenEnum {
    /// The Rust name (typify's name for the component).
    pub(crate) name: String,
    description: Option<String>,
    variants: Vec<Variant>,
}

impl OpenEnum {
    /// The Rust variant for a wire text, if the enum has one.
    pub(crate) fn variant_for(&self, text: &str) -> Option<&str> {
        self.variants
            .iter()
            .find(|v| v.text == text)
            .map(|v| v.ident.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Variant {
    ident: String,
    text: String,
    doc: Option<String>,
}

/// The component schemas that become open enums: `type: string` with an `enum` of strings
/// and nothing else that shapes the value. An enum whose variant names would clash is left
/// to typify (normalisation has already split such enums, see `normalise::enums`).
pub(crate) fn open_enums(doc: &Value) -> Vec<OpenEnum> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| open_enum(name, schema))
        .collect()
}

fn open_enum(name: &str, schema: &Value) -> Option<OpenEnum> {
    let map = schema.as_object()?;
    if map.get("type").and_then(Value::as_str) != Some("string")
        || map.get("nullable") == Some(&Value::Bool(true))
        || ["oneOf", "anyOf", "allOf", "not", "default"]
            .iter()
            .any(|k| map.contains_key(*k))
    {
        return None;
    }
    let texts: Vec<&str> = map
        .get("enum")?
        .as_array()?
        .iter()
        .map(Value::as_str)
        .collect::<Option<_>>()?;
    if texts.is_empty() {
        return None;
    }
    let strings = |key: &str| -> Option<Vec<Option<String>>> {
        let list = map.get(key)?.as_array()?;
        (list.len() == texts.len()).then(|| {
            list.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect()
        })
    };
    let names = strings("x-enum-varnames");
    let docs = strings("x-enum-descriptions");
    let mut variants = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        let ident = names
            .as_ref()
            .and_then(|n| n[i].clone())
            .unwrap_or_else(|| typify_name(text));
        // `Unknown` is the variant that keeps any other text.
        let taken = ident == "Unknown" || variants.iter().any(|v: &Variant| v.ident == ident);
        if taken || syn::parse_str::<syn::Ident>(&ident).is_err() {
            return None;
        }
        variants.push(Variant {
            ident,
            text: (*text).to_string(),
            doc: docs.as_ref().and_then(|d| d[i].clone()),
        });
    }
    Some(OpenEnum {
        name: typify_name(name),
        description: map
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        variants,
    })
}

/// Components the spec gives a Rust type of `sinch-voice-values` (`x-rust-type` on the
/// component itself): typify uses the type where the schema is used, with no wrapper.
/// `(typify's name, the type's path)`.
pub(crate) fn native_components(doc: &Value) -> Vec<(String, String)> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let path = schema.pointer("/x-rust-type/path")?.as_str()?;
            let crate_name = schema.pointer("/x-rust-type/crate")?.as_str()?;
            (crate_name == "sinch-voice-values" && path.starts_with("sinch_voice_values::"))
                .then(|| (typify_name(name), format!("::{path}")))
        })
        .collect()
}

/// Marks every struct with named fields in `types` `#[non_exhaustive]`: a property the spec
/// adds is then a minor version (cargo-semver-checks agrees), not a break of every struct
/// literal outside the crate. Values are built with the builders (`requests`,
/// `types::builder`) or decoded; fields stay public to read and to set.
pub(crate) fn non_exhaustive_structs(file: &mut syn::File) {
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    let Some((_, items)) = types else {
        return;
    };
    for item in items {
        if let syn::Item::Struct(s) = item
            && matches!(s.fields, syn::Fields::Named(_))
            && !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
        {
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
}

/// For the generator: "a known value or any string" (`anyOf`/`oneOf` of a `$ref` to an open
/// enum and `type: string`) is the open enum itself, which already keeps any string.
pub(crate) fn for_generator(doc: &mut Value, enums: &[OpenEnum]) {
    let is_open = |reference: &str| {
        reference
            .strip_prefix("#/components/schemas/")
            .is_some_and(|name| enums.iter().any(|e| e.name == typify_name(name)))
    };
    normalise::for_each_schema(doc, &mut |schema, _| {
        let Value::Object(map) = schema else {
            return;
        };
        // Lengths are checked by the request builders (`requests`), not by typify's
        // newtypes: an answer with a longer text than the spec says still decodes.
        if map.get("type").and_then(Value::as_str) == Some("string") {
            for key in ["minLength", "maxLength"] {
                if let Some(limit) = map.remove(key) {
                    map.insert(format!("x-sinch-{key}"), limit);
                }
            }
        }
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = map.get(key) else {
                continue;
            };
            let [a, b] = members.as_slice() else {
                continue;
            };
            let reference = [a, b]
                .into_iter()
                .find_map(|m| m.get("$ref").and_then(Value::as_str).filter(|r| is_open(r)));
            let plain_string = [a, b].into_iter().any(|m| {
                m.get("type").and_then(Value::as_str) == Some("string")
                    && m.as_object()
                        .is_some_and(|o| o.keys().all(|k| k == "type" || k == "description"))
            });
            if let (Some(reference), true) = (reference, plain_string) {
                let reference = Value::String(reference.to_string());
                map.clear();
                map.insert("$ref".into(), reference);
                return;
            }
        }
    });
}

/// The `enums` module: one `open_enum!` per open enum.
pub(crate) fn enums_module(enums: &[OpenEnum]) -> TokenStream {
    let items = enums.iter().map(|e| {
        let name = format_ident!("{}", e.name);
        let doc = e
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` values of the spec.", e.name));
        let variants = e.variants.iter().map(|v| {
            let ident = format_ident!("{}", v.ident);
            let text = &v.text;
            let doc = v.doc.clone().unwrap_or_else(|| format!("`{text}`."));
            quote! { #[doc = #doc] #ident = #text, }
        });
        quote! {
            ::sinch_voice_values::open_enum! {
                #[doc = #doc]
                pub enum #name { #(#variants)* }
            }
        }
    });
    quote! {
        /// The spec's string enums, open: known values are variants, any other text the
        /// platform sends is kept as `Unknown`, reading ignores case, writing gives the
        /// spec's spelling.
        pub mod enums {
            #(#items)*
        }
    }
}

/// One operation as the generated method and its descriptor need it.
struct Shape {
    id: String,
    method_name: String,
    const_name: String,
    http_method: String,
    path: String,
    doc: String,
    retry: Retry,
    server: Option<String>,
    params: Vec<Param>,
    /// The body type, as progenitor's builder names it (`types::X`).
    body: Option<syn::Type>,
    /// The answer type of `send()` (`types::X` or `()`).
    answer: syn::Type,
}

struct Param {
    wire: String,
    rust: String,
    rule: Option<&'static str>,
    /// `None` for a string (taken as `&str`), else the builder's type.
    ty: Option<syn::Type>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Retry {
    Repeatable,
    NeverTwice,
}

/// What progenitor's builder offers for one operation: its setters' target types and the
/// answer type of `send()`.
struct Builder {
    setters: Vec<(String, syn::Type)>,
    answer: Option<syn::Type>,
}

/// The `operations` module and the text of `client_operations!`. An operation the method
/// cannot express yet (query or header parameters, a builder not found) has a descriptor
/// but no method; the macro's docs name it.
pub(crate) fn operations(
    file: &str,
    doc: &Value,
    client: &syn::File,
) -> Result<(TokenStream, String), Error> {
    let builders = builders(client);
    let mut shapes = Vec::new();
    let mut left_out = Vec::new();
    for (path, method) in normalise::operations(doc) {
        let operation = &doc["paths"][&path][method];
        let at = |k: &str| {
            json_path(&[
                Key("paths".into()),
                Key(path.clone()),
                Key(method.into()),
                Key(k.into()),
            ])
        };
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let retry = retry(method, operation.get("x-sinch-retry")).map_err(|message| {
            Error::new(ErrorKind::SpecShape, file, at("x-sinch-retry"), message)
        })?;
        let method_name = snake(id);
        let builder = builders.get(&typify_name(id));
        let mut params = Vec::new();
        let mut unsupported = None;
        for (i, param) in parameters(doc, &path, method).into_iter().enumerate() {
            let wire = param.get("name").and_then(Value::as_str).unwrap_or("");
            let location = param.get("in").and_then(Value::as_str).unwrap_or("");
            if location != "path" {
                unsupported = Some(format!("its {location} parameter `{wire}`"));
                continue;
            }
            let rule = match param.get("x-sinch-value") {
                None => None,
                Some(value) => Some(
                    value
                        .as_str()
                        .and_then(|v| VALUE_RULES.iter().copied().find(|r| *r == v))
                        .ok_or_else(|| {
                            Error::new(
                                ErrorKind::SpecShape,
                                file,
                                format!("{}[{i}].x-sinch-value", at("parameters")),
                                format!(
                                    "names no value rule of sinch-voice-values (one of {})",
                                    VALUE_RULES.join(", ")
                                ),
                            )
                        })?,
                ),
            };
            let rust = snake(wire);
            let ty = builder.and_then(|b| b.setter(&rust));
            match ty {
                Some(ty) => params.push(Param {
                    wire: wire.to_string(),
                    ty: (!is_string(ty)).then(|| ty.clone()),
                    rust,
                    rule,
                }),
                None => unsupported = Some(format!("no builder setter for `{wire}`")),
            }
        }
        let body = match operation.get("requestBody") {
            None => None,
            Some(_) => match builder.and_then(|b| b.setter("body")) {
                Some(ty) => Some(ty.clone()),
                None => {
                    unsupported = Some("a request body that is not JSON".into());
                    None
                }
            },
        };
        let answer = builder.and_then(|b| b.answer.clone());
        let reserved = ["request", "operation", "raw", "self"];
        if params.iter().any(|p| reserved.contains(&p.rust.as_str())) {
            unsupported = Some("a parameter named like a local of the method".into());
        }
        let (Some(answer), None) = (answer, &unsupported) else {
            left_out.push(format!(
                "`{id}` ({})",
                unsupported.unwrap_or_else(|| "no builder".into())
            ));
            continue;
        };
        let text = |k: &str| operation.get(k).and_then(Value::as_str).map(str::trim);
        let summary = [text("summary"), text("description")]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        let server = [operation, &doc["paths"][&path]]
            .iter()
            .find_map(|o| o.pointer("/servers/0/url").and_then(Value::as_str))
            .map(str::to_string);
        shapes.push(Shape {
            id: id.to_string(),
            const_name: method_name.to_uppercase(),
            method_name,
            http_method: method.to_uppercase(),
            path: path.clone(),
            doc: summary,
            retry,
            server,
            params,
            body,
            answer,
        });
    }
    Ok((operations_module(&shapes), macro_text(&shapes, &left_out)))
}

impl Builder {
    fn setter(&self, name: &str) -> Option<&syn::Type> {
        self.setters.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }
}

/// `GET`, `PUT`, `PATCH`, `DELETE`, `HEAD`, `OPTIONS` and `TRACE` may be repeated; a POST
/// only when the spec says `x-sinch-retry: repeatable`.
fn retry(method: &str, extension: Option<&Value>) -> Result<Retry, String> {
    let default = if method == "post" {
        Retry::NeverTwice
    } else {
        Retry::Repeatable
    };
    match extension {
        None => Ok(default),
        Some(Value::String(s)) if s == "repeatable" => Ok(Retry::Repeatable),
        Some(Value::String(s)) if s == "never-twice" => Ok(Retry::NeverTwice),
        Some(other) => Err(format!(
            "`repeatable` or `never-twice` (whether a failed attempt may be sent again), not {other}"
        )),
    }
}

/// The operation's parameters, path-level ones first unless the operation overrides them,
/// with `$ref`s to `components.parameters` resolved.
fn parameters(doc: &Value, path: &str, method: &str) -> Vec<Value> {
    let resolve = |p: &Value| -> Value {
        match p
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/parameters/"))
        {
            Some(name) => doc["components"]["parameters"][name].clone(),
            None => p.clone(),
        }
    };
    let list = |v: &Value| -> Vec<Value> {
        v.get("parameters")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().map(resolve).collect())
            .unwrap_or_default()
    };
    let own = list(&doc["paths"][path][method]);
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let mut out: Vec<Value> = list(&doc["paths"][path])
        .into_iter()
        .filter(|p| !own.iter().any(|o| key(o) == key(p)))
        .collect();
    out.extend(own);
    out
}

/// progenitor's builders by type name: `pub mod builder { impl<'a> GetCall<'a> { ... } }`.
fn builders(client: &syn::File) -> std::collections::BTreeMap<String, Builder> {
    let mut out = std::collections::BTreeMap::new();
    let module = client.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
        _ => None,
    });
    let Some((_, items)) = module else {
        return out;
    };
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let mut builder = Builder {
            setters: Vec::new(),
            answer: None,
        };
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            let fn_name = f.sig.ident.to_string();
            if fn_name == "send" {
                builder.answer = send_answer(&f.sig.output);
            } else if let Some(target) = try_into_target(&f.sig) {
                builder.setters.push((fn_name, target));
            }
        }
        out.insert(name, builder);
    }
    out
}

/// `T` of `-> Result<ResponseValue<T>, Error<..>>`.
fn send_answer(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = last_generic(ty, "Result")?;
    last_generic(&result, "ResponseValue")
}

fn last_generic(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
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
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

/// `T` of a setter `fn x<V>(mut self, value: V) -> Self where V: TryInto<T>`.
fn try_into_target(sig: &syn::Signature) -> Option<syn::Type> {
    let predicates = &sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(p) = p else {
            return None;
        };
        p.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            let segment = t.path.segments.last()?;
            if segment.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            }
        })
    })
}

fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"))
}

/// progenitor's method names: snake case of the operationId.
pub(crate) fn snake(name: &str) -> String {
    use heck::ToSnakeCase;
    let out = name
        .replace(|c: char| !unicode_ident::is_xid_continue(c), "_")
        .to_snake_case();
    match out.chars().next() {
        Some(c) if unicode_ident::is_xid_start(c) || c == '_' => out,
        _ => format!("_{out}"),
    }
}

fn operations_module(shapes: &[Shape]) -> TokenStream {
    let consts = shapes.iter().map(|s| {
        let name = format_ident!("{}", s.const_name);
        let (id, method_name, method, path) = (&s.id, &s.method_name, &s.http_method, &s.path);
        let retry = match s.retry {
            Retry::Repeatable => quote!(Retry::Repeatable),
            Retry::NeverTwice => quote!(Retry::NeverTwice),
        };
        let server = match &s.server {
            Some(url) => quote!(::std::option::Option::Some(#url)),
            None => quote!(::std::option::Option::None),
        };
        let params = s.params.iter().map(|p| {
            let (wire, rust) = (&p.wire, &p.rust);
            let check = match p.rule {
                Some(rule) => {
                    let rule = format_ident!("{rule}");
                    quote!(::std::option::Option::Some(::sinch_voice_values::#rule::check))
                }
                None => quote!(::std::option::Option::None),
            };
            quote! { Param { name: #wire, rust_name: #rust, check: #check } }
        });
        let doc = format!("`{method} {path}` (`{id}`).");
        quote! {
            #[doc = #doc]
            pub const #name: Operation = Operation {
                id: #id,
                method_name: #method_name,
                method: #method,
                path: #path,
                retry: #retry,
                server: #server,
                params: &[#(#params),*],
            };
        }
    });
    let all = shapes.iter().map(|s| format_ident!("{}", s.const_name));
    quote! {
        /// One descriptor per operation of the spec, for the wrapping crate's transport.
        pub mod operations {
            /// Whether an attempt that failed may be sent again.
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum Retry {
                /// Repeating it leaves the same state (reads, updates, deletes, a POST
                /// the spec marks `x-sinch-retry: repeatable`).
                Repeatable,
                /// Sent again only when it provably never left: it may place a call.
                NeverTwice,
            }

            /// A value rule: `Ok` when the text keeps it.
            pub type Check =
                fn(&str) -> ::std::result::Result<(), ::sinch_voice_values::ValueError>;

            /// A path parameter and the value rule it is checked with before sending.
            #[derive(Debug, Clone, Copy)]
            pub struct Param {
                /// Its name in the spec.
                pub name: &'static str,
                /// The Rust argument it is.
                pub rust_name: &'static str,
                /// The rule of `sinch-voice-values` the spec attaches (`x-sinch-value`).
                pub check: ::std::option::Option<Check>,
            }

            /// An operation of the spec.
            #[derive(Debug, Clone, Copy)]
            pub struct Operation {
                /// The spec's operationId.
                pub id: &'static str,
                /// The Rust method (snake case of the operationId).
                pub method_name: &'static str,
                /// The HTTP method, upper case.
                pub method: &'static str,
                /// The path template.
                pub path: &'static str,
                /// Whether a failed attempt may be sent again.
                pub retry: Retry,
                /// The host the spec routes it to, when not the document's servers.
                pub server: ::std::option::Option<&'static str>,
                /// The path parameters, in the order the method takes them.
                pub params: &'static [Param],
            }

            /// A request body: the raw type itself, or anything that builds one (the
            /// wrapping crate's typed requests), checked before it is sent.
            pub trait IntoRequest<T> {
                /// The body, or the field that makes it invalid.
                fn into_request(self) -> ::std::result::Result<T, ::sinch_voice_values::FieldError>;
            }

            impl<T> IntoRequest<T> for T {
                fn into_request(self) -> ::std::result::Result<T, ::sinch_voice_values::FieldError> {
                    ::std::result::Result::Ok(self)
                }
            }

            #(#consts)*

            /// Every operation, in the spec's order.
            pub const ALL: &[&Operation] = &[#(&#all),*];
        }
    }
}

/// `__crate__` and `__Error__` stand for the macro's `$crate` and `$error` while the methods
/// go through prettyplease as ordinary Rust.
fn macro_text(shapes: &[Shape], left_out: &[String]) -> String {
    let rewrite = |ty: &syn::Type| -> TokenStream {
        let text = quote!(#ty).to_string();
        // Paths into the generated crate: `types::X` from the builder module, `crate::enums::X`.
        let text = if text.starts_with("types ::") {
            format!("__crate__ :: {text}")
        } else if let Some(rest) = text.strip_prefix("crate ::") {
            format!("__crate__ ::{rest}")
        } else {
            text
        };
        text.parse().expect("a type stays a type")
    };
    let methods = shapes.iter().map(|s| {
        let name = format_ident!("{}", s.method_name);
        let constant = format_ident!("{}", s.const_name);
        let mut doc = s.doc.clone();
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{} {}` (`{}`).", s.http_method, s.path, s.id));
        let args = s.params.iter().map(|p| {
            let arg = format_ident!("{}", p.rust);
            match &p.ty {
                None => quote!(#arg: &str),
                Some(ty) => {
                    let ty = rewrite(ty);
                    quote!(#arg: #ty)
                }
            }
        });
        let checks = s.params.iter().enumerate().filter(|(_, p)| p.ty.is_none()).map(|(i, p)| {
            let arg = format_ident!("{}", p.rust);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote! { let #arg = self.path_value(operation, #i, #arg)?; }
        });
        let setters = s.params.iter().map(|p| {
            let arg = format_ident!("{}", p.rust);
            match p.ty {
                None => quote!(.#arg(#arg)),
                Some(_) => quote!(.#arg(::std::clone::Clone::clone(&#arg))),
            }
        });
        let answer = rewrite(&s.answer);
        let (body_arg, body_check, body_setter) = match &s.body {
            Some(ty) => {
                let ty = rewrite(ty);
                (
                    quote!(, request: impl __crate__::operations::IntoRequest<#ty>),
                    quote!(let request = self.request_body(operation, request)?;),
                    quote!(.body(::std::clone::Clone::clone(&request))),
                )
            }
            None => (quote!(), quote!(), quote!()),
        };
        quote! {
            #[doc = #doc]
            pub async fn #name(&self #(, #args)* #body_arg) -> ::std::result::Result<#answer, __Error__> {
                let operation = &__crate__::operations::#constant;
                #(#checks)*
                #body_check
                let raw = self.raw_for(operation);
                self.run_operation(operation, || raw.#name() #(#setters)* #body_setter .send())
                    .await
            }
        }
    });
    let dummy = quote! { impl __Client { #(#methods)* } };
    let file: syn::File = syn::parse2(dummy).expect("the methods parse");
    let text = prettyplease::unparse(&file);
    let body = text
        .trim()
        .strip_prefix("impl __Client {")
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or("")
        .replace("__crate__", "$crate")
        .replace("__Error__", "$error");
    let mut docs = String::from(
        "/// One method per operation of the spec, for the wrapping crate's client: invoked as\n\
         /// `impl Client {{ client_operations!(Error); }}` in a crate whose `Client` has `path_value`,\n\
         /// `request_body`, `raw_for` and `run_operation`.\n",
    );
    if !left_out.is_empty() {
        docs.push_str("///\n/// Without a method yet (their descriptors are in [`operations`]):\n");
        for item in left_out {
            docs.push_str(&format!("/// - {item}\n"));
        }
    }
    format!(
        "{docs}#[macro_export]\nmacro_rules! client_operations {{\n    ($error:ty) => {{{body}}};\n}}\n",
        docs = docs.replace("{{", "{").replace("}}", "}")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_enums_become_open_enums_with_names_and_docs_from_the_spec() {
        let doc = json!({"components": {"schemas": {
            "callResult": {"type": "string", "enum": ["N/A", "ANSWERED"],
                "x-enum-varnames": ["NotApplicable", "Answered"],
                "x-enum-descriptions": ["Not applicable.", "Answered."]},
            "Kind": {"type": "string", "enum": ["run-menu", "park"]},
            "Clash": {"type": "string", "enum": ["a"], "x-enum-varnames": ["Unknown"]},
            "Nullable": {"type": "string", "enum": ["a"], "nullable": true},
            "Numbers": {"type": "integer", "enum": [1, 2]},
            "Obj": {"type": "object"}
        }}});
        let enums = open_enums(&doc);
        let names: Vec<&str> = enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["CallResult", "Kind"]);
        assert_eq!(enums[0].variants[0].ident, "NotApplicable");
        assert_eq!(enums[0].variants[0].doc.as_deref(), Some("Not applicable."));
        assert_eq!(enums[1].variants[0].ident, "RunMenu");
        let tokens = enums_module(&enums).to_string();
        assert!(tokens.contains("NotApplicable = \"N/A\""), "{tokens}");
    }

    #[test]
    fn the_open_enum_idiom_collapses_to_the_enum() {
        let enums = open_enums(&json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["ONGOING"]}}}}));
        let mut doc = json!({"components": {"schemas": {
        "Status": {"type": "string", "enum": ["ONGOING"]},
        "Call": {"type": "object", "properties": {
            "status": {"oneOf": [{"$ref": "#/components/schemas/Status"}, {"type": "string"}]},
            "other": {"oneOf": [{"$ref": "#/components/schemas/Status"}, {"type": "integer"}]}
        }}}}});
        for_generator(&mut doc, &enums);
        let props = &doc["components"]["schemas"]["Call"]["properties"];
        assert_eq!(
            props["status"],
            json!({"$ref": "#/components/schemas/Status"})
        );
        assert!(
            props["other"].get("oneOf").is_some(),
            "only `enum | string` collapses"
        );
    }

    #[test]
    fn retries_come_from_the_method_and_the_extension() {
        assert_eq!(retry("get", None), Ok(Retry::Repeatable));
        assert_eq!(retry("delete", None), Ok(Retry::Repeatable));
        assert_eq!(retry("post", None), Ok(Retry::NeverTwice));
        assert_eq!(
            retry("post", Some(&json!("repeatable"))),
            Ok(Retry::Repeatable)
        );
        assert_eq!(
            retry("patch", Some(&json!("never-twice"))),
            Ok(Retry::NeverTwice)
        );
        assert!(
            retry("post", Some(&json!(true)))
                .unwrap_err()
                .contains("never-twice")
        );
    }

    #[test]
    fn method_names_are_progenitors() {
        assert_eq!(snake("getCall"), "get_call");
        assert_eq!(snake("kickAllFromConference"), "kick_all_from_conference");
        assert_eq!(snake("Calling_GetCallResult"), "calling_get_call_result");
    }

    #[test]
    fn structs_with_named_fields_in_types_are_non_exhaustive() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Answer { pub status: Option<String> }
                pub struct Newtype(pub String);
                pub enum Union { A { a: String } }
                pub mod builder { pub struct Answer { status: Option<String> } }
            }
            pub struct Client { baseurl: String }
        };
        non_exhaustive_structs(&mut file);
        non_exhaustive_structs(&mut file);
        let text = prettyplease::unparse(&file);
        assert_eq!(text.matches("#[non_exhaustive]").count(), 1, "{text}");
        assert!(
            text.contains("#[non_exhaustive]\n    pub struct Answer {"),
            "{text}"
        );
    }
}
