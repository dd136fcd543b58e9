//! Your call flow behind any HTTP framework: a request's method, path, headers and body in;
//! status, content type and body out. Verification, parsing, the handler, and what to answer
//! when the handler fails, all in one place; the axum router and any other adapter only move
//! bytes.
//!
//! An adapter for a framework that is not axum is three lines: hand over the request's parts,
//! send back what comes out.
//!
//! ```
//! use sinch_voice::Credentials;
//! use sinch_voice::callbacks::{CallbackHandler, CallbackService, HandlerError, IceEvent, Verifier};
//! use sinch_voice::svaml::IceResponse;
//!
//! struct Ivr;
//! impl CallbackHandler for Ivr {
//!     async fn on_ice(&self, _: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
//!         Ok(IceResponse::builder().say("Hello!", "en-US").hangup().build()?)
//!     }
//! }
//!
//! # async fn serve(method: &str, path: &str, headers: Vec<(String, String)>, body: Vec<u8>) {
//! # let credentials = Credentials::new("app-key", "c2VjcmV0").unwrap();
//! let service = CallbackService::new(Verifier::new(&credentials), Ivr);
//! // In your framework's handler, with the request's parts:
//! let answer = service.respond(method, path, headers, &body).await;
//! // ... then answer.status, answer.content_type and answer.body go back to the sender.
//! # let _ = answer;
//! # }
//! ```

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::event::{
    AceEvent, CallbackEvent, DiceEvent, IceEvent, NotifyEvent, PieEvent, UnknownEvent,
};
use super::verify::Verifier;
use crate::svaml::{AceResponse, IceResponse, PieResponse};

/// Default body limit: callbacks are about 1 KB.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Room for a typical SVAML reply (a menu is a few hundred bytes), so that writing one
/// seldom grows the buffer.
const REPLY_CAPACITY: usize = 1024;

/// Why a handler could not answer: any error converts into it with `?`.
pub struct HandlerError(Box<dyn std::error::Error + Send + Sync>);

impl HandlerError {
    /// An error with this message.
    pub fn msg(message: impl Into<String>) -> Self {
        HandlerError(message.into().into())
    }

    /// The underlying error.
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

// Like anyhow's error, this type is not itself an `std::error::Error`, so that every error
// converts into it.
impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for HandlerError {
    fn from(error: E) -> Self {
        HandlerError(error.into())
    }
}

impl std::fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// Your call flow: one method per event. Each may fail (or panic); the call is then kept
/// sane rather than dropped:
///
/// | event | default | on an error or a panic |
/// |---|---|---|
/// | ICE | (required) | `hangup` |
/// | ACE | `continue` | `continue` |
/// | PIE | `hangup` | `hangup` |
/// | DiCE, Notify, unknown | nothing | 200 with no body |
///
/// Each failure is logged at error level with the event and call id.
pub trait CallbackHandler: Send + Sync + 'static {
    /// An incoming call: say what to do with it.
    fn on_ice(
        &self,
        event: IceEvent<'static>,
    ) -> impl Future<Output = Result<IceResponse<'static>, HandlerError>> + Send;

    /// The callee answered.
    fn on_ace(
        &self,
        event: AceEvent<'static>,
    ) -> impl Future<Output = Result<AceResponse<'static>, HandlerError>> + Send {
        let _ = event;
        async { Ok(proceed()) }
    }

    /// A menu produced a result.
    fn on_pie(
        &self,
        event: PieEvent<'static>,
    ) -> impl Future<Output = Result<PieResponse<'static>, HandlerError>> + Send {
        let _ = event;
        async { Ok(hang_up_pie()) }
    }

    /// The call ended.
    fn on_dice(
        &self,
        event: DiceEvent<'static>,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let _ = event;
        async { Ok(()) }
    }

    /// A notification (recording, AMD, error).
    fn on_notify(
        &self,
        event: NotifyEvent<'static>,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let _ = event;
        async { Ok(()) }
    }

    /// An event this crate does not know yet (answered 200 with no body).
    fn on_unknown(
        &self,
        event: UnknownEvent<'static>,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send {
        tracing::info!(event = %event.name, "callback of an unknown event; answered 200");
        async { Ok(()) }
    }
}

fn proceed() -> AceResponse<'static> {
    AceResponse::builder()
        .proceed()
        .build()
        .expect("a bare continue is valid")
}

fn hang_up_pie() -> PieResponse<'static> {
    PieResponse::builder()
        .hangup()
        .build()
        .expect("a bare hangup is valid")
}

fn hang_up_ice() -> IceResponse<'static> {
    IceResponse::builder()
        .hangup()
        .build()
        .expect("a bare hangup is valid")
}

/// What to send back for one callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackResponse {
    /// 200, or 400 / 401 / 413 for a refused callback.
    pub status: u16,
    /// `application/json` when there is a body.
    pub content_type: Option<&'static str>,
    /// SVAML for ICE, ACE and PIE; the reason (JSON) for a 400; empty otherwise.
    pub body: Vec<u8>,
}

impl CallbackResponse {
    fn empty(status: u16) -> Self {
        CallbackResponse {
            status,
            content_type: None,
            body: Vec::new(),
        }
    }

    fn json(status: u16, body: Vec<u8>) -> Self {
        CallbackResponse {
            status,
            content_type: Some("application/json"),
            body,
        }
    }
}

/// Serves callbacks for one application, framework-neutral; [`CallbackRouter`]
/// (feature `axum`) is this plus axum glue.
///
/// [`CallbackRouter`]: super::CallbackRouter
pub struct CallbackService<H> {
    handler: Arc<H>,
    verifier: Verifier,
    body_limit: usize,
    public_path: Option<String>,
}

impl<H> Clone for CallbackService<H> {
    fn clone(&self) -> Self {
        CallbackService {
            handler: Arc::clone(&self.handler),
            verifier: self.verifier.clone(),
            body_limit: self.body_limit,
            public_path: self.public_path.clone(),
        }
    }
}

impl<H: CallbackHandler> CallbackService<H> {
    /// Callbacks verified by `verifier`, answered by `handler`.
    pub fn new(verifier: Verifier, handler: H) -> Self {
        CallbackService {
            handler: Arc::new(handler),
            verifier,
            body_limit: DEFAULT_BODY_LIMIT,
            public_path: None,
        }
    }

    /// Bodies larger than this get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The largest body accepted.
    pub fn limit(&self) -> usize {
        self.body_limit
    }

    /// The path Sinch signs (your callback URL's path), when a proxy in front rewrites it:
    /// used in place of the path the request arrives on.
    pub fn public_path(mut self, path: impl Into<String>) -> Self {
        self.public_path = Some(path.into());
        self
    }

    /// Answers one callback: headers as `(name, value)` pairs, names in any case.
    pub async fn respond<I, K, V>(
        &self,
        method: &str,
        path: &str,
        headers: I,
        body: &[u8],
    ) -> CallbackResponse
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        if body.len() > self.body_limit {
            return CallbackResponse::empty(413);
        }
        let path = self.signed_path(path);
        let verdict = self.verifier.verify_pairs(method, path, headers, body);
        self.after_verification(verdict, path, body).await
    }

    /// Answers one callback whose headers are an `http::HeaderMap`.
    pub async fn respond_http(
        &self,
        method: &str,
        path: &str,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> CallbackResponse {
        if body.len() > self.body_limit {
            return CallbackResponse::empty(413);
        }
        let path = self.signed_path(path);
        let verdict = self.verifier.verify(method, path, headers, body);
        self.after_verification(verdict, path, body).await
    }

    fn signed_path<'p>(&'p self, arrived_on: &'p str) -> &'p str {
        self.public_path.as_deref().unwrap_or(arrived_on)
    }

    async fn after_verification(
        &self,
        verdict: Result<(), super::VerifyError>,
        path: &str,
        body: &[u8],
    ) -> CallbackResponse {
        if let Err(reason) = verdict {
            // The reason goes to the log, never to the sender; the secret and the signature
            // go nowhere.
            tracing::warn!(%reason, path, "callback refused: not verified (401)");
            return CallbackResponse::empty(401);
        }
        let event = match CallbackEvent::parse_owned(body) {
            Ok(event) => event,
            Err(error) => {
                tracing::warn!(error = %error.message, at = %error.path, path, "callback refused: bad body (400)");
                let body = serde_json::json!({ "error": error.message, "path": error.path });
                return CallbackResponse::json(400, body.to_string().into_bytes());
            }
        };
        self.dispatch(event).await
    }

    /// Hands a verified, parsed event to the handler and turns its outcome into the answer.
    pub async fn dispatch(&self, event: CallbackEvent<'static>) -> CallbackResponse {
        // Kept for the log line of a failure: the event itself goes to the handler.
        let name: std::borrow::Cow<'static, str> = match &event {
            CallbackEvent::Unknown(e) => e.name.to_string().into(),
            known => known.static_name().into(),
        };
        let callid = event.callid().map(str::to_string);
        let handler = &self.handler;
        let failed = |what: &dyn std::fmt::Display, answer: &str| {
            tracing::error!(
                event = %name,
                callid = callid.as_deref().unwrap_or("-"),
                error = %what,
                "callback handler failed; answering {answer}"
            );
        };
        macro_rules! reply {
            ($call:expr, $fallback:expr, $answer:literal) => {{
                let svaml = match caught($call).await {
                    Ok(Ok(svaml)) => svaml,
                    Ok(Err(error)) => {
                        failed(&error, $answer);
                        $fallback
                    }
                    Err(panic) => {
                        failed(&panic, $answer);
                        $fallback
                    }
                };
                let mut body = Vec::with_capacity(REPLY_CAPACITY);
                svaml.write_json(&mut body);
                CallbackResponse::json(200, body)
            }};
        }
        macro_rules! ack {
            ($call:expr) => {{
                match caught($call).await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => failed(&error, "200"),
                    Err(panic) => failed(&panic, "200"),
                }
                CallbackResponse::empty(200)
            }};
        }
        match event {
            CallbackEvent::Ice(e) => reply!(handler.on_ice(e), hang_up_ice(), "hangup"),
            CallbackEvent::Ace(e) => reply!(handler.on_ace(e), proceed(), "continue"),
            CallbackEvent::Pie(e) => reply!(handler.on_pie(e), hang_up_pie(), "hangup"),
            CallbackEvent::Dice(e) => ack!(handler.on_dice(e)),
            CallbackEvent::Notify(e) => ack!(handler.on_notify(e)),
            CallbackEvent::Unknown(e) => ack!(handler.on_unknown(e)),
        }
    }
}

/// A handler panic, as text.
struct Panicked(String);

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "panicked: {}", self.0)
    }
}

/// Runs `future`, turning a panic inside it into an error. (Boxed: pinning it in place
/// would take `unsafe` or another crate, and one allocation per callback is nothing.)
fn caught<F: Future>(future: F) -> CatchUnwind<F> {
    CatchUnwind {
        future: Box::pin(future),
    }
}

struct CatchUnwind<F> {
    future: Pin<Box<F>>,
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.future.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => {
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-text panic".to_string());
                Poll::Ready(Err(Panicked(text)))
            }
        }
    }
}
