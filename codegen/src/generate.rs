//! From the effective spec to formatted Rust: progenitor (builder interface, one inner type,
//! hooks expected), a fixed hooks shim, prettyplease.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use progenitor::{CrateVers, GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;
use serde_json::Value;

use crate::error::Segment::{self, Key};
use crate::error::{Error, ErrorKind, json_path};
use crate::normalise::{self, DroppedKind, Report, operation_path};
use crate::overlay::serde_segments;
use crate::surface;

/// Which optional crates the generated source refers to, so a Cargo.toml can list them.
/// Read off the generated tokens (every path that starts with one of [`OPTIONAL_CRATES`]),
/// not guessed from the spec: pagination brings `futures`, a websocket upgrade `base64` and
/// `rand`, `format: date-time` `chrono`, and so on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuntimeNeeds {
    /// The optional crates used, in [`OPTIONAL_CRATES`] order (Rust names, `_` not `-`).
    pub crates: Vec<&'static str>,
}

/// Crates that progenitor or typify may emit paths into beyond the fixed runtime
/// (`progenitor_client`, `reqwest`, `serde`, `serde_json`).
pub const OPTIONAL_CRATES: [&str; 8] = [
    "base64",
    "bytes",
    "chrono",
    "futures",
    "rand",
    "regress",
    "sinch_voice_values",
    "uuid",
];

impl RuntimeNeeds {
    /// Whether the source uses `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.crates.contains(&name)
    }

    /// The optional crates `tokens` refers to: an identifier from [`OPTIONAL_CRATES`] that
    /// starts a path (`::futures::StreamExt`, `futures::stream::iter`), at any depth.
    pub(crate) fn of(tokens: &proc_macro2::TokenStream) -> Self {
        let mut found = Vec::new();
        scan(tokens.clone(), &mut found);
        RuntimeNeeds {
            crates: OPTIONAL_CRATES
                .into_iter()
                .filter(|c| found.iter().any(|f| f == c))
                .collect(),
        }
    }
}

fn scan(tokens: proc_macro2::TokenStream, found: &mut Vec<String>) {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let is_colon =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => scan(group.stream(), found),
            TokenTree::Ident(ident) => {
                let starts_path = is_colon(tokens.get(i + 1)) && is_colon(tokens.get(i + 2));
                // `a::futures::x` names a module of `a`, not the crate.
                let continues_path = i >= 2
                    && is_colon(tokens.get(i - 1))
                    && is_colon(tokens.get(i - 2))
                    && matches!(tokens.get(i.wrapping_sub(3)), Some(TokenTree::Ident(_)));
                let name = ident.to_string();
                if starts_path && !continues_path && OPTIONAL_CRATES.contains(&name.as_str()) {
                    found.push(name);
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Generates the client source (without header) from the spec as progenitor is to see it.
///
/// When progenitor or typify refuse it (or panic), the culprit is found by generating from
/// reduced copies: the component schemas alone, bisected down to one schema; otherwise the
/// shortest prefix of the operations that fails, whose last operation is the culprit. Strict,
/// that is the error; with `--skip-unsupported` the operation is left out (the schema typed as
/// any JSON), recorded in `report`, and generation goes on.
pub(crate) fn client_source(
    file: &str,
    spec: &mut Value,
    report: &mut Report,
) -> Result<(String, RuntimeNeeds), Error> {
    let enums = surface::open_enums(spec);
    let natives = surface::native_components(spec);
    surface::for_generator(spec, &enums);
    // Each round removes one culprit, so the number of rounds is bounded by the document.
    loop {
        let openapi: openapiv3::OpenAPI = match serde_path_to_error::deserialize(&*spec) {
            Ok(openapi) => openapi,
            Err(e) => {
                // openapiv3 flattens its extension maps, which hides the path below that point
                // from serde; descend through the parts one by one to name the offending node.
                let (segments, problem) = shape::locate(spec)
                    .unwrap_or_else(|| (serde_segments(e.path()), e.inner().to_string()));
                let problem = one_line(&problem);
                match shape_culprit(&segments, &problem) {
                    Some(culprit) if report.skip_unsupported => {
                        blame(report, spec, culprit)?;
                        continue;
                    }
                    _ => {
                        return Err(Error::new(
                            ErrorKind::SpecShape,
                            file,
                            json_path(&segments),
                            format!("not an OpenAPI 3.0 document here: {problem}"),
                        ));
                    }
                }
            }
        };
        match run_progenitor(&openapi, &enums, &natives) {
            Ok(tokens) => return finish(file, spec, &enums, tokens),
            Err(failure) => match locate_failure(spec) {
                Some(culprit) => blame(report, spec, culprit)?,
                None => {
                    return Err(Error::new(
                        ErrorKind::Unsupported,
                        file,
                        "$",
                        format!(
                            "progenitor cannot generate this document: {}",
                            failure.describe()
                        ),
                    ));
                }
            },
        }
    }
}

fn blame(report: &mut Report, spec: &mut Value, culprit: Culprit) -> Result<(), Error> {
    match culprit {
        Culprit::Operation {
            path,
            method,
            reason,
        } => {
            report.unsupported(
                DroppedKind::Operation,
                operation_path(&path, &method),
                reason,
            )?;
            normalise::remove_operation(spec, &path, &method);
        }
        Culprit::Schema { name, reason } => {
            report.unsupported(DroppedKind::Schema, schema_path(&name), reason)?;
            if let Some(schemas) = normalise::component_schemas(spec) {
                let description = schemas
                    .get(&name)
                    .and_then(|s| s.get("description"))
                    .cloned();
                let mut any = serde_json::json!({});
                if let Some(d) = description {
                    any["description"] = d;
                }
                schemas.insert(name, any);
            }
        }
    }
    Ok(())
}

fn finish(
    file: &str,
    spec: &Value,
    enums: &[surface::OpenEnum],
    tokens: proc_macro2::TokenStream,
) -> Result<(String, RuntimeNeeds), Error> {
    let parse = |tokens: proc_macro2::TokenStream| -> Result<syn::File, Error> {
        syn::parse2(tokens).map_err(|e| {
            Error::new(
                ErrorKind::Unsupported,
                file,
                "$",
                format!("progenitor produced code that does not parse: {e}"),
            )
        })
    };
    let client = parse(tokens.clone())?;
    let (operations, client_operations) = surface::operations(file, spec, &client)?;
    let shim = hooks_shim();
    let enums = surface::enums_module(enums);
    let requests = crate::requests::module(spec, &client);
    let all = quote! { #tokens #shim #enums #operations #requests };
    let needs = RuntimeNeeds::of(&all);
    let mut parsed = parse(all)?;
    surface::non_exhaustive_structs(&mut parsed);
    Ok((
        prettyplease::unparse(&parsed) + "\n" + &client_operations,
        needs,
    ))
}

fn schema_path(name: &str) -> String {
    json_path(&[
        Key("components".into()),
        Key("schemas".into()),
        Key(name.into()),
    ])
}

/// What a shape error can be blamed on and left out.
fn shape_culprit(segments: &[Segment], problem: &str) -> Option<Culprit> {
    match segments {
        [Key(paths), Key(path), Key(method), ..]
            if paths == "paths" && normalise::METHODS.contains(&method.as_str()) =>
        {
            Some(Culprit::Operation {
                path: path.clone(),
                method: method.clone(),
                reason: format!("not OpenAPI 3.0 here: {problem}"),
            })
        }
        [Key(components), Key(schemas), Key(name), ..]
            if components == "components" && schemas == "schemas" =>
        {
            Some(Culprit::Schema {
                name: name.clone(),
                reason: format!("not OpenAPI 3.0 here: {problem}"),
            })
        }
        _ => None,
    }
}

enum Culprit {
    Operation {
        path: String,
        method: String,
        reason: String,
    },
    Schema {
        name: String,
        reason: String,
    },
}

enum Failure {
    Refused(String),
    Panicked(String),
}

impl Failure {
    fn describe(&self) -> String {
        match self {
            Failure::Refused(message) => one_line(message),
            Failure::Panicked(message) => format!("it panicked: {}", one_line(message)),
        }
    }
}

/// The first line of a message, without the Debug dump progenitor sometimes appends
/// (`media type encoding not empty: MediaType {` and 200 more lines), and not too long.
fn one_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    let line = match line.strip_suffix('{') {
        // `...: MediaType {`: drop the type name that opens the dump, and the colon.
        Some(rest) => rest
            .trim_end()
            .rsplit_once(' ')
            .map(|(head, _)| head)
            .unwrap_or(rest)
            .trim_end_matches(':')
            .trim_end(),
        None => line,
    };
    let line = line.trim_start_matches("not yet implemented: ");
    let line = line.trim_start_matches("unexpected or unhandled format in the OpenAPI document ");
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(200).collect();
        format!("{cut}...")
    } else if line.is_empty() {
        "no message".into()
    } else {
        line.to_string()
    }
}

/// progenitor and typify panic on some inputs; one panic must not take the xtask down without
/// saying where. The panic hook stays quiet on a thread that is generating, since the message
/// is returned; other threads (and other panics) are reported as before.
fn run_progenitor(
    openapi: &openapiv3::OpenAPI,
    enums: &[surface::OpenEnum],
    natives: &[(String, String)],
) -> Result<proc_macro2::TokenStream, Failure> {
    thread_local! {
        static GENERATING: Cell<bool> = const { Cell::new(false) };
    }
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GENERATING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    GENERATING.with(|g| g.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings(enums, natives));
        generator.generate_tokens(openapi)
    }));
    GENERATING.with(|g| g.set(false));
    match result {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(Failure::Refused(e.to_string())),
        Err(payload) => Err(Failure::Panicked(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no message".into()),
        )),
    }
}

fn settings(enums: &[surface::OpenEnum], natives: &[(String, String)]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote! { crate::hooks::Hooks })
        .with_hooks(progenitor::HooksMode::Expected);
    // `x-rust-type` may name the value rules of sinch-voice-values (E164, Dtmf, ...).
    settings.with_crate("sinch-voice-values", CrateVers::Any, None);
    for (name, path) in natives {
        settings.with_replacement(name, path, std::iter::empty());
    }
    for open in enums {
        settings.with_replacement(
            &open.name,
            format!("{}::{}", surface::ENUMS_MODULE, open.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Generates from `spec`; the failure, if any.
fn attempt(spec: &Value) -> Option<Failure> {
    match serde_json::from_value::<openapiv3::OpenAPI>(spec.clone()) {
        Ok(openapi) => run_progenitor(
            &openapi,
            &surface::open_enums(spec),
            &surface::native_components(spec),
        )
        .err(),
        Err(e) => Some(Failure::Refused(e.to_string())),
    }
}

/// Finds the one schema or operation a failure is down to (see [`client_source`]).
fn locate_failure(spec: &Value) -> Option<Culprit> {
    let mut without_paths = spec.clone();
    without_paths["paths"] = serde_json::json!({});
    if attempt(&without_paths).is_some() {
        let names: Vec<String> = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let name = failing_schema(&without_paths, &names)?;
        let reason = attempt(&with_schemas(
            &without_paths,
            &closure(&without_paths, std::slice::from_ref(&name)),
        ))
        .map(|f| f.describe())
        .unwrap_or_else(|| "fails only together with other schemas".into());
        return Some(Culprit::Schema { name, reason });
    }

    let operations = normalise::operations(spec);
    let with_prefix = |k: usize| -> Value {
        let mut reduced = spec.clone();
        let mut paths = serde_json::Map::new();
        for (path, method) in &operations[..k] {
            let item = paths.entry(path.clone()).or_insert_with(|| {
                let mut item = spec["paths"][path].clone();
                if let Some(item) = item.as_object_mut() {
                    item.retain(|k, _| !normalise::METHODS.contains(&k.as_str()));
                }
                item
            });
            item[*method] = spec["paths"][path][*method].clone();
        }
        reduced["paths"] = Value::Object(paths);
        reduced
    };
    // Invariant: the first `lo` operations generate, the first `hi` do not.
    let (mut lo, mut hi) = (0, operations.len());
    let mut failure = attempt(&with_prefix(hi))?;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match attempt(&with_prefix(mid)) {
            Some(f) => {
                hi = mid;
                failure = f;
            }
            None => lo = mid,
        }
    }
    let (path, method) = operations.get(hi.checked_sub(1)?)?.clone();
    Some(Culprit::Operation {
        path,
        method: method.to_string(),
        reason: failure.describe(),
    })
}

/// The schemas `roots` refer to, directly or not, with the roots.
fn closure(spec: &Value, roots: &[String]) -> Vec<String> {
    let schemas = spec.pointer("/components/schemas");
    let mut out: Vec<String> = Vec::new();
    let mut todo: Vec<String> = roots.to_vec();
    while let Some(name) = todo.pop() {
        if out.contains(&name) {
            continue;
        }
        if let Some(schema) = schemas.and_then(|s| s.get(&name)) {
            let mut refs = Vec::new();
            collect_refs(schema, &mut refs);
            todo.extend(refs);
        }
        out.push(name);
    }
    out
}

/// The component schema names `$ref`s in `value` point at, unescaped.
pub(crate) fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn with_schemas(spec: &Value, names: &[String]) -> Value {
    let mut reduced = spec.clone();
    if let Some(Value::Object(schemas)) = reduced.pointer_mut("/components/schemas") {
        schemas.retain(|name, _| names.contains(name));
    }
    reduced
}

/// A schema that fails with only what it refers to; among the schemas it refers to, the
/// deepest one that still fails, so the blame lands on the schema that is at fault.
fn failing_schema(spec: &Value, names: &[String]) -> Option<String> {
    let fails = |set: &[String]| attempt(&with_schemas(spec, &closure(spec, set))).is_some();
    if names.is_empty() || !fails(names) {
        return None;
    }
    let mut candidates: Vec<String> = names.to_vec();
    while candidates.len() > 1 {
        let (a, b) = candidates.split_at(candidates.len() / 2);
        if fails(a) {
            candidates = a.to_vec();
        } else if fails(b) {
            candidates = b.to_vec();
        } else {
            // Fails only in company: blame the first that fails with everything before it.
            let first = (1..=candidates.len()).find(|k| fails(&candidates[..*k]))?;
            candidates = vec![candidates[first - 1].clone()];
        }
    }
    let mut culprit = candidates.pop()?;
    let mut visited = vec![culprit.clone()];
    loop {
        let deps: Vec<String> = closure(spec, std::slice::from_ref(&culprit))
            .into_iter()
            .filter(|d| !visited.contains(d))
            .collect();
        match deps.into_iter().find(|d| {
            visited.push(d.clone());
            fails(std::slice::from_ref(d))
        }) {
            Some(dep) => culprit = dep,
            None => return Some(culprit),
        }
    }
}

/// The fixed part of every generated crate: the inner type progenitor is told to use, and the
/// `ClientHooks` impl that delegates to closures the hand-written crate installs. The impl
/// must live beside `Client` (orphan rule), so it is generated; the behaviour is not.
fn hooks_shim() -> proc_macro2::TokenStream {
    quote! {
        /// The seam between this generated client and the crate that wraps it: closures run on
        /// every request, so signing, host routing, retries and tracing live in hand-written
        /// code while this file stays generated.
        pub mod hooks {
            use std::future::Future;
            use std::pin::Pin;
            use std::sync::Arc;

            pub use progenitor_client::OperationInfo;

            /// Runs on the final request (method, URL, headers and body bytes as they will go
            /// on the wire) before it is sent. An `Err` aborts the request with
            /// `Error::Custom(message)`.
            pub type PrepareFn = dyn Fn(&mut reqwest::Request, &OperationInfo) -> Result<(), String> + Send + Sync;

            /// What [`ExecuteFn`] returns.
            pub type ExecuteFuture = Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send>>;

            /// Sends a prepared request; replaces `reqwest::Client::execute`.
            pub type ExecuteFn = dyn Fn(reqwest::Client, reqwest::Request, &OperationInfo) -> ExecuteFuture + Send + Sync;

            /// The inner value of every [`Client`](crate::Client): optional hooks.
            /// `Hooks::default()` sends requests unchanged.
            #[derive(Clone, Default)]
            pub struct Hooks {
                prepare: Option<Arc<PrepareFn>>,
                execute: Option<Arc<ExecuteFn>>,
            }

            impl Hooks {
                /// Hooks that change nothing.
                pub fn new() -> Self {
                    Self::default()
                }

                /// Installs the hook that edits each request before it is sent.
                pub fn with_prepare(
                    mut self,
                    prepare: impl Fn(&mut reqwest::Request, &OperationInfo) -> Result<(), String> + Send + Sync + 'static,
                ) -> Self {
                    self.prepare = Some(Arc::new(prepare));
                    self
                }

                /// Installs the hook that sends each request.
                pub fn with_execute(
                    mut self,
                    execute: impl Fn(reqwest::Client, reqwest::Request, &OperationInfo) -> ExecuteFuture + Send + Sync + 'static,
                ) -> Self {
                    self.execute = Some(Arc::new(execute));
                    self
                }
            }

            impl std::fmt::Debug for Hooks {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct("Hooks")
                        .field("prepare", &self.prepare.is_some())
                        .field("execute", &self.execute.is_some())
                        .finish()
                }
            }

            impl progenitor_client::ClientHooks<Hooks> for crate::Client {
                async fn pre<E>(
                    &self,
                    request: &mut reqwest::Request,
                    info: &OperationInfo,
                ) -> Result<(), progenitor_client::Error<E>> {
                    match &self.inner.prepare {
                        Some(prepare) => prepare(request, info).map_err(progenitor_client::Error::Custom),
                        None => Ok(()),
                    }
                }

                async fn exec(
                    &self,
                    request: reqwest::Request,
                    info: &OperationInfo,
                ) -> reqwest::Result<reqwest::Response> {
                    match &self.inner.execute {
                        Some(execute) => execute(self.client.clone(), request, info).await,
                        None => self.client.execute(request).await,
                    }
                }
            }
        }
    }
}

/// Finds where a document stops being OpenAPI 3.0, one typed part at a time.
mod shape {
    use openapiv3::{
        Example, Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response,
        Schema, SecurityScheme,
    };
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use crate::error::Segment;

    type Found = Option<(Vec<Segment>, String)>;

    fn fails<T: DeserializeOwned>(value: &Value) -> Option<String> {
        serde_json::from_value::<T>(value.clone())
            .err()
            .map(|e| e.to_string())
    }

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_string())
    }

    pub(super) fn locate(spec: &Value) -> Found {
        if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
            for (path, item) in paths.iter().filter(|(k, _)| !k.starts_with("x-")) {
                if let Some(problem) = fails::<ReferenceOr<PathItem>>(item) {
                    let at = vec![key("paths"), key(path)];
                    return Some(path_item(item, at.clone()).unwrap_or((at, problem)));
                }
            }
        }
        let components = spec.get("components")?.as_object()?;
        for (section, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, entry) in entries {
                let problem = match section.as_str() {
                    "schemas" => fails::<ReferenceOr<Schema>>(entry),
                    "responses" => fails::<ReferenceOr<Response>>(entry),
                    "parameters" => fails::<ReferenceOr<Parameter>>(entry),
                    "requestBodies" => fails::<ReferenceOr<RequestBody>>(entry),
                    "headers" => fails::<ReferenceOr<Header>>(entry),
                    "examples" => fails::<ReferenceOr<Example>>(entry),
                    "securitySchemes" => fails::<ReferenceOr<SecurityScheme>>(entry),
                    _ => None,
                };
                if let Some(problem) = problem {
                    return Some((vec![key("components"), key(section), key(name)], problem));
                }
            }
        }
        None
    }

    fn path_item(item: &Value, at: Vec<Segment>) -> Found {
        let item = item.as_object()?;
        for (method, operation) in item {
            let at = [at.clone(), vec![key(method)]].concat();
            if method == "parameters" {
                if let Some(found) = parameters(operation, at) {
                    return Some(found);
                }
                continue;
            }
            if let Some(problem) = fails::<Operation>(operation) {
                return Some(operation_part(operation, at.clone()).unwrap_or((at, problem)));
            }
        }
        None
    }

    fn parameters(list: &Value, at: Vec<Segment>) -> Found {
        let Some(items) = list.as_array() else {
            return fails::<Vec<ReferenceOr<Parameter>>>(list).map(|p| (at, p));
        };
        items.iter().enumerate().find_map(|(i, p)| {
            fails::<ReferenceOr<Parameter>>(p)
                .map(|problem| ([at.clone(), vec![Segment::Index(i)]].concat(), problem))
        })
    }

    fn operation_part(operation: &Value, at: Vec<Segment>) -> Found {
        let operation = operation.as_object()?;
        for (field, value) in operation {
            let here = [at.clone(), vec![key(field)]].concat();
            let found = match field.as_str() {
                "parameters" => parameters(value, here),
                "requestBody" => fails::<ReferenceOr<RequestBody>>(value).map(|p| (here, p)),
                "responses" => match value.as_object() {
                    Some(responses) => responses.iter().find_map(|(status, response)| {
                        fails::<ReferenceOr<Response>>(response)
                            .map(|p| ([here.clone(), vec![key(status)]].concat(), p))
                    }),
                    None => Some((
                        here,
                        format!("expected a mapping of responses, found {value}"),
                    )),
                },
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{RuntimeNeeds, one_line};

    #[test]
    fn needs_are_the_crates_that_start_a_path() {
        let tokens = quote::quote! {
            fn f() -> impl futures::Stream<Item = ()> {
                use ::futures::StreamExt;
                let _ = ::base64::Engine::encode(&x, ::rand::random::<[u8; 16]>());
                let _ = types::chrono::Local;
                let uuid = 1;
                regress
            }
        };
        assert_eq!(
            RuntimeNeeds::of(&tokens).crates,
            ["base64", "futures", "rand"]
        );
        assert!(
            RuntimeNeeds::of(&quote::quote! { struct A; })
                .crates
                .is_empty()
        );
    }

    #[test]
    fn messages_lose_their_debug_dumps() {
        // What progenitor says on Stripe's form bodies: 200 lines of Debug after the colon.
        let dump = "not yet implemented: media type encoding not empty: MediaType {\n    schema: Some(\n        Item(\n}";
        assert_eq!(one_line(dump), "media type encoding not empty");
        assert_eq!(
            one_line(
                "unexpected or unhandled format in the OpenAPI document path /a is missing operation ID"
            ),
            "path /a is missing operation ID"
        );
        assert_eq!(one_line("}"), "}");
        assert_eq!(one_line(""), "no message");
        assert!(one_line(&"x".repeat(500)).ends_with("..."));
    }
}
