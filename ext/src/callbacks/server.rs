//! An axum router for callbacks: verify, parse, call the handler, answer with its SVAML.
//! 401 (and nothing else said) when not genuine, 400 naming the field for a bad body, 413
//! over the body limit; the handler only ever sees verified, well-formed events.

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::event::{AceEvent, CallbackEvent, DiceEvent, IceEvent, NotifyEvent, PieEvent};
use super::verify::Verifier;
use crate::svaml::{AceResponse, IceResponse, PieResponse};

/// Default body limit: callbacks are about 1 KB.
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Your call flow: one method per event. ACE defaults to `continue`, PIE to `hangup`; DiCE and
/// Notify need no reply.
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub trait CallbackHandler: Send + Sync + 'static {
    /// An incoming call: say what to do with it.
    fn on_ice(&self, event: IceEvent<'static>)
    -> impl Future<Output = IceResponse<'static>> + Send;

    /// The callee answered.
    fn on_ace(
        &self,
        event: AceEvent<'static>,
    ) -> impl Future<Output = AceResponse<'static>> + Send {
        let _ = event;
        async {
            AceResponse::builder()
                .proceed()
                .build()
                .expect("a bare continue is valid")
        }
    }

    /// A menu produced a result.
    fn on_pie(
        &self,
        event: PieEvent<'static>,
    ) -> impl Future<Output = PieResponse<'static>> + Send {
        let _ = event;
        async {
            PieResponse::builder()
                .hangup()
                .build()
                .expect("a bare hangup is valid")
        }
    }

    /// The call ended.
    fn on_dice(&self, event: DiceEvent<'static>) -> impl Future<Output = ()> + Send {
        let _ = event;
        async {}
    }

    /// A notification (recording, AMD, error).
    fn on_notify(&self, event: NotifyEvent<'static>) -> impl Future<Output = ()> + Send {
        let _ = event;
        async {}
    }
}

/// Serves callbacks for one application.
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub struct CallbackRouter<H> {
    handler: Arc<H>,
    verifier: Verifier,
    body_limit: usize,
    public_path: Option<String>,
}

impl<H> Clone for CallbackRouter<H> {
    fn clone(&self) -> Self {
        CallbackRouter {
            handler: Arc::clone(&self.handler),
            verifier: self.verifier.clone(),
            body_limit: self.body_limit,
            public_path: self.public_path.clone(),
        }
    }
}

impl<H: CallbackHandler> CallbackRouter<H> {
    /// Callbacks verified by `verifier`, answered by `handler`.
    pub fn new(verifier: Verifier, handler: H) -> Self {
        CallbackRouter {
            handler: Arc::new(handler),
            verifier,
            body_limit: DEFAULT_BODY_LIMIT,
            public_path: None,
        }
    }

    /// Bodies larger than this get 413 without being read further.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The path Sinch signs (the callback URL's path), when a proxy in front rewrites it.
    pub fn public_path(mut self, path: impl Into<String>) -> Self {
        self.public_path = Some(path.into());
        self
    }

    /// An axum router serving POST `path`.
    pub fn into_router(self, path: &str) -> axum::Router {
        axum::Router::new().route(
            path,
            axum::routing::post(move |request: Request| {
                let this = self.clone();
                async move { this.handle(request).await }
            }),
        )
    }

    /// Handles one callback request (for use in your own routing).
    pub async fn handle(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.body_limit as u64) {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
        let body = match axum::body::to_bytes(body, self.body_limit).await {
            Ok(bytes) => bytes,
            Err(e) => {
                let too_large = e.into_inner().is::<http_body_util::LengthLimitError>();
                // Otherwise broken framing (bad chunk sizes) or a sender that went away.
                return if too_large {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                }
                .into_response();
            }
        };
        let path = self.public_path.as_deref().unwrap_or(parts.uri.path());
        if let Err(reason) =
            self.verifier
                .verify(parts.method.as_str(), path, &parts.headers, &body)
        {
            // The reason goes to the log, never to the sender.
            tracing::debug!(%reason, path, "callback refused");
            return StatusCode::UNAUTHORIZED.into_response();
        }
        let event = match CallbackEvent::parse_owned(&body) {
            Ok(event) => event,
            Err(error) => {
                let body = serde_json::json!({ "error": error.message, "path": error.path });
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            }
        };
        match event {
            CallbackEvent::Ice(e) => svaml(self.handler.on_ice(e).await.to_json()),
            CallbackEvent::Ace(e) => svaml(self.handler.on_ace(e).await.to_json()),
            CallbackEvent::Pie(e) => svaml(self.handler.on_pie(e).await.to_json()),
            CallbackEvent::Dice(e) => {
                self.handler.on_dice(e).await;
                StatusCode::OK.into_response()
            }
            CallbackEvent::Notify(e) => {
                self.handler.on_notify(e).await;
                StatusCode::OK.into_response()
            }
        }
    }
}

fn svaml(json: String) -> Response {
    let mut response = Response::new(Body::from(json));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
