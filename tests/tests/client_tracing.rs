//! Every request gets a span with its operation, method, host, attempt, status and duration,
//! and nothing the client or its HTTP stack traces ever carries a credential.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::any;
use sinch_voice::{AuthMode, Client, Credentials, RetryPolicy};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

const KEY: &str = "5a2b3c4d-1111-2222-3333-444455556666";
const SECRET: &str = "JJSgZ4rNXEOfAhAw5etWWA==";

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

async fn server() -> String {
    let app = Router::new()
        .route(
            "/calling/v1/calls/id/{id}",
            any(|| async {
                (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    r#"{"callId":"abc","status":"FINAL"}"#,
                )
            }),
        )
        .fallback(|| async { (StatusCode::SERVICE_UNAVAILABLE, "busy") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn spans_describe_each_attempt_and_never_carry_secrets() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let url = server().await;
    for auth in [AuthMode::Signed, AuthMode::Basic] {
        let client = Client::builder()
            .credentials(Credentials::new(KEY, SECRET).unwrap())
            .auth(auth)
            .calling_url(&url)
            .configuration_url(&url)
            .retry_policy(RetryPolicy {
                max_attempts: 2,
                initial_backoff: std::time::Duration::from_millis(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        client.get_call("abc").await.unwrap();
        // The configuration host answers 503 here: two attempts, two spans.
        client.list_numbers().await.unwrap_err();
    }

    let text = captured.text();
    for expected in [
        "sinch_voice.request",
        "operation=\"get_call\"",
        "method=\"GET\"",
        "host=127.0.0.1",
        "attempt=1",
        "status=200",
        "duration_ms=",
        "operation=\"list_numbers\"",
        "attempt=2",
        "status=503",
    ] {
        assert!(
            text.contains(expected),
            "{expected} missing from the trace:\n{text}"
        );
    }
    let basic = format!("{KEY}:{SECRET}");
    for secret in [SECRET, "Application ", "Basic ", basic.as_str(), "JJSgZ4rN"] {
        assert!(
            !text.contains(secret),
            "the trace shows {secret:?}:\n{text}"
        );
    }
}
