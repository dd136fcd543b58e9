//! The emulator pointed at a small axum application whose answers each test scripts as a
//! function of the callback it receives, with helpers for the REST and control APIs.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sinch_voice_emulator::{CallSnapshot, Config, Emulator, EmulatorHandle};

type Script = Arc<dyn Fn(&Value) -> Response + Send + Sync>;

#[derive(Clone)]
struct App {
    script: Script,
    seen: Arc<Mutex<Vec<Value>>>,
}

async fn app(State(app): State<App>, request: Request) -> Response {
    let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let event: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    app.seen.lock().unwrap().push(event.clone());
    (app.script)(&event)
}

/// A 200 answer with SVAML.
pub fn svaml(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// A 200 answer with no body.
pub fn ok() -> Response {
    StatusCode::OK.into_response()
}

/// The emulator, the scripted application it calls back, and an HTTP client (no proxy, no
/// redirects followed).
pub struct Rig {
    pub emulator: EmulatorHandle,
    pub http: reqwest::Client,
    /// Every callback body the application received, in order.
    pub seen: Arc<Mutex<Vec<Value>>>,
    _server: tokio::task::JoinHandle<()>,
}

pub async fn rig_with(
    config: Config,
    script: impl Fn(&Value) -> Response + Send + Sync + 'static,
) -> Rig {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = App {
        script: Arc::new(script),
        seen: Arc::clone(&seen),
    };
    let router = axum::Router::new().fallback(app).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callbacks", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let emulator = Emulator::builder()
        .config(config)
        .callback_url(url)
        .start()
        .await
        .unwrap();
    sinch_voice::install_tls_provider();
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Rig {
        emulator,
        http,
        seen,
        _server: server,
    }
}

impl Rig {
    pub fn basic(&self) -> String {
        let text = format!(
            "{}:{}",
            self.emulator.application_key(),
            self.emulator.application_secret()
        );
        format!("Basic {}", STANDARD.encode(text))
    }

    /// A REST request with Basic auth: status, JSON body (or null) and headers.
    pub async fn rest(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value, HeaderMap) {
        let url = format!("{}{path}", self.emulator.url());
        let mut request = self
            .http
            .request(method.parse().unwrap(), url)
            .header("authorization", self.basic());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        (status, body, headers)
    }

    /// Places a callout; its call id.
    pub async fn callout(&self, body: Value) -> String {
        let (status, reply, _) = self.rest("POST", "/calling/v1/callouts", Some(body)).await;
        assert_eq!(status, 200, "{reply}");
        reply["callId"].as_str().unwrap().to_string()
    }

    /// A control API request (path under `/_emulator/v1`).
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.emulator.control_url());
        let mut request = self.http.request(method.parse().unwrap(), url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    }

    /// Waits (at most `wait`) for the call to end.
    pub async fn ended_within(&self, id: &str, wait: Duration) -> CallSnapshot {
        self.emulator
            .wait_until_ended(id, wait)
            .await
            .unwrap_or_else(|| panic!("{id} did not end: {:?}", self.emulator.call(id)))
    }
}
