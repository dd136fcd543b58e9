//! An axum router for callbacks: [`CallbackService`] behind a route. 401 (and nothing else
//! said) when not genuine, 400 naming the field for a bad body, 413 over the body limit; the
//! handler only ever sees verified, well-formed events.
//!
//! Mounted anywhere: `Router::new().nest("/hooks", router)` or `.merge(router)` both work,
//! because the signature is checked over the path the request was sent to (axum's
//! `OriginalUri`), not the path left after nesting.

use axum::body::Body;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::dispatch::{CallbackHandler, CallbackResponse, CallbackService};
use super::verify::Verifier;

/// Serves callbacks for one application as an axum router.
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub struct CallbackRouter<H> {
    service: CallbackService<H>,
}

impl<H> Clone for CallbackRouter<H> {
    fn clone(&self) -> Self {
        CallbackRouter {
            service: self.service.clone(),
        }
    }
}

impl<H: CallbackHandler> CallbackRouter<H> {
    /// Callbacks verified by `verifier`, answered by `handler`.
    pub fn new(verifier: Verifier, handler: H) -> Self {
        CallbackRouter {
            service: CallbackService::new(verifier, handler),
        }
    }

    /// Bodies larger than this get 413 without being read further.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.service = self.service.body_limit(bytes);
        self
    }

    /// The path Sinch signs (the callback URL's path), when a proxy in front rewrites it.
    pub fn public_path(mut self, path: impl Into<String>) -> Self {
        self.service = self.service.public_path(path);
        self
    }

    /// An axum router serving POST `path`, for an app of any state `S`: nest or merge it
    /// into your `Router<AppState>` as it is (`Router::new().nest("/hooks", callbacks)`).
    pub fn into_router<S: Clone + Send + Sync + 'static>(self, path: &str) -> axum::Router<S> {
        // One shared router: a request costs a reference count, not a copy of the verifier.
        let this = std::sync::Arc::new(self);
        axum::Router::new().route(
            path,
            axum::routing::post(move |request: Request| {
                let this = std::sync::Arc::clone(&this);
                async move { this.handle(request).await }
            }),
        )
    }

    /// Handles one callback request (for use in your own routing).
    pub async fn handle(&self, request: Request) -> Response {
        let limit = self.service.limit();
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
        let body = match axum::body::to_bytes(body, limit).await {
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
        // The path the sender signed: before any `nest` stripped a prefix.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|original| original.0.path())
            .unwrap_or(parts.uri.path());
        let answer = self
            .service
            .respond_http(parts.method.as_str(), path, &parts.headers, &body)
            .await;
        into_response(answer)
    }
}

fn into_response(answer: CallbackResponse) -> Response {
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(content_type) = answer.content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    response
}
