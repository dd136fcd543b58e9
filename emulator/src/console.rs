//! The web console: one static page (HTML, CSS, JS embedded in the binary, no build step) that
//! the emulator serves at [`PATH`]. It is a client of the control API and of the REST API like
//! any other: it reads `/_emulator/v1/calls`, follows `/_emulator/v1/events`, and mutes or kicks
//! participants through the REST operations a client uses.
//!
//! Everything the page shows from callbacks and replies is set as text, never as markup, and the
//! Content-Security-Policy allows only this page's own script and style, so a body holding
//! `<script>` renders as text.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Where the console lives.
pub const PATH: &str = "/_emulator/console/";

const INDEX: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/console.js");
const STYLE: &str = include_str!("../console/console.css");

const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// Whether a path is the console's.
pub(crate) fn serves(path: &str) -> bool {
    path == PATH.trim_end_matches('/') || path.starts_with(PATH)
}

/// Serves the console's files.
pub(crate) fn handle(request: Request) -> Response {
    if let Err(error) = crate::origin::check(&request) {
        return error.into_response();
    }
    let path = request.uri().path();
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return ApiError::method_not_allowed(request.method().as_str(), path, &["GET", "HEAD"])
            .into_response();
    }
    let (body, content_type) = match path.strip_prefix(PATH) {
        None => {
            return Response::builder()
                .status(StatusCode::PERMANENT_REDIRECT)
                .header(header::LOCATION, PATH)
                .body(Body::empty())
                .expect("a valid response");
        }
        Some("" | "index.html") => (INDEX, "text/html; charset=utf-8"),
        Some("console.js") => (SCRIPT, "text/javascript; charset=utf-8"),
        Some("console.css") => (STYLE, "text/css; charset=utf-8"),
        Some(other) => {
            return ApiError::not_found(format!("No such console file: {other}")).into_response();
        }
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_SECURITY_POLICY, POLICY)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from(body))
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_paths() {
        assert!(serves("/_emulator/console"));
        assert!(serves("/_emulator/console/"));
        assert!(serves("/_emulator/console/console.js"));
        assert!(!serves("/_emulator/consoles"));
        assert!(!serves("/_emulator/v1/calls"));
    }

    #[test]
    fn the_page_loads_only_its_own_files() {
        // No inline script or style: the policy would block them, and escaping relies on it.
        assert!(!INDEX.contains("<script>"), "inline script in index.html");
        assert!(!INDEX.contains("style="), "inline style in index.html");
        assert!(INDEX.contains(r#"<script src="console.js" defer></script>"#));
        assert!(INDEX.contains(r#"href="console.css""#));
        // The script builds elements as text: no HTML parsing sinks.
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!SCRIPT.contains(sink), "console.js uses {sink}");
        }
    }
}
