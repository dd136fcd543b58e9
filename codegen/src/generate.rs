//! From the effective spec to formatted Rust: progenitor (builder interface, one inner type,
//! hooks expected), a fixed hooks shim, prettyplease.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::error::{Error, ErrorKind, json_path};
use crate::overlay::serde_segments;

/// Which optional crates the generated source refers to, so a Cargo.toml can list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuntimeNeeds {
    /// `format: date-time` / `date` became `chrono` types.
    pub chrono: bool,
    /// `format: uuid` became `uuid::Uuid`.
    pub uuid: bool,
    /// A `pattern` is checked with `regress`.
    pub regress: bool,
}

/// Generates the client source (without header) from the effective spec.
pub(crate) fn client_source(file: &str, spec: &Value) -> Result<(String, RuntimeNeeds), Error> {
    let openapi: openapiv3::OpenAPI = serde_path_to_error::deserialize(spec).map_err(|e| {
        // openapiv3 flattens its extension maps, which hides the path below that point from
        // serde; descend through the parts one by one to name the offending node.
        let (segments, problem) = shape::locate(spec)
            .unwrap_or_else(|| (serde_segments(e.path()), e.inner().to_string()));
        Error::new(
            ErrorKind::SpecShape,
            file,
            json_path(&segments),
            format!("not an OpenAPI 3.0 document here: {problem}"),
        )
    })?;

    let (tokens, needs) = match run_progenitor(&openapi) {
        Ok(done) => done,
        Err(Failure::Refused(message)) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                file,
                locate_failure(spec).unwrap_or_else(|| "$".into()),
                format!("progenitor cannot generate this: {message}"),
            ));
        }
        Err(Failure::Panicked(message)) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                file,
                locate_failure(spec).unwrap_or_else(|| "$".into()),
                format!(
                    "progenitor gave up (it panicked) on a construct it cannot take: {message}"
                ),
            ));
        }
    };

    let shim = hooks_shim();
    let all = quote! { #tokens #shim };
    let parsed: syn::File = syn::parse2(all).map_err(|e| {
        Error::new(
            ErrorKind::Unsupported,
            file,
            "$",
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;
    Ok((prettyplease::unparse(&parsed), needs))
}

enum Failure {
    Refused(String),
    Panicked(String),
}

/// progenitor and typify panic on some inputs; one panic must not take the xtask down without
/// saying where. The default panic hook is silenced meanwhile, since the message is returned.
fn run_progenitor(
    openapi: &openapiv3::OpenAPI,
) -> Result<(proc_macro2::TokenStream, RuntimeNeeds), Failure> {
    static HOOK_LOCK: Mutex<()> = Mutex::new(());
    let _guard = HOOK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings());
        let tokens = generator.generate_tokens(openapi);
        let needs = RuntimeNeeds {
            chrono: generator.get_type_space().uses_chrono(),
            uuid: generator.get_type_space().uses_uuid(),
            regress: generator.get_type_space().uses_regress(),
        };
        tokens.map(|t| (t, needs))
    }));
    std::panic::set_hook(previous);
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

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote! { crate::hooks::Hooks })
        .with_hooks(progenitor::HooksMode::Expected);
    settings
}

/// Narrows a failure down to one operation (or to the component schemas) by generating from
/// reduced copies of the spec.
fn locate_failure(spec: &Value) -> Option<String> {
    let mut without_paths = spec.clone();
    without_paths["paths"] = serde_json::json!({});
    if !generates(&without_paths) {
        return Some("$.components.schemas".into());
    }
    let paths = spec.get("paths")?.as_object()?;
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, _) in item.iter().filter(|(k, _)| {
            matches!(
                k.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            )
        }) {
            let mut reduced = spec.clone();
            let mut only = item.clone();
            only.retain(|k, _| {
                k == method
                    || !matches!(
                        k.as_str(),
                        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                    )
            });
            reduced["paths"] = serde_json::json!({ path.clone(): only });
            if !generates(&reduced) {
                use crate::error::Segment::Key;
                return Some(json_path(&[
                    Key("paths".into()),
                    Key(path.clone()),
                    Key(method.clone()),
                ]));
            }
        }
    }
    None
}

fn generates(spec: &Value) -> bool {
    serde_json::from_value::<openapiv3::OpenAPI>(spec.clone())
        .map(|openapi| run_progenitor(&openapi).is_ok())
        .unwrap_or(false)
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
