//! A callback the platform sent reaches the handler: behind a nested or merged router, with
//! only the fields the vendor's schema requires, for an event this crate does not know, and
//! when the handler fails or panics (the documented answer, and the server keeps serving).
//! Verification also works from plain header pairs, as any framework hands them over.

use std::sync::{Arc, Mutex};

use axum::Router;
use serde_json::{Value, json};
use sinch_voice::Credentials;
use sinch_voice::callbacks::{
    AceEvent, CallbackHandler, CallbackRouter, CallbackService, DiceEvent, HandlerError, IceEvent,
    NotifyEvent, PieEvent, SignedCallback, UnknownEvent, Verifier,
};
use sinch_voice::svaml::{AceResponse, IceResponse, PieResponse};

const KEY: &str = "669E367E-6BBA-48AB-AF15-266871C28135";
const SECRET: &str = "BeIukql3pTKJ8RGL5zo0DA==";

fn credentials() -> Credentials {
    Credentials::new(KEY, SECRET).unwrap()
}

/// Records what reached it; fails or panics when the event's `custom` says so.
#[derive(Clone, Default)]
struct Handler(Arc<Mutex<Vec<String>>>);

impl Handler {
    fn saw(&self, what: impl Into<String>) {
        self.0.lock().unwrap().push(what.into());
    }

    fn seen(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

fn misbehave(custom: Option<&str>) -> Result<(), HandlerError> {
    match custom {
        Some("fail") => Err(HandlerError::msg("the database is down")),
        Some("panic") => panic!("a bug in the handler"),
        _ => Ok(()),
    }
}

impl CallbackHandler for Handler {
    async fn on_ice(&self, e: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        self.saw("ice");
        misbehave(e.custom.as_deref())?;
        Ok(IceResponse::builder()
            .say("Welcome", "en-US")
            .hangup()
            .build()?)
    }

    async fn on_ace(&self, e: AceEvent<'static>) -> Result<AceResponse<'static>, HandlerError> {
        self.saw("ace");
        misbehave(e.custom.as_deref())?;
        Ok(AceResponse::builder().say("Hi", "en-US").hangup().build()?)
    }

    async fn on_pie(&self, e: PieEvent<'static>) -> Result<PieResponse<'static>, HandlerError> {
        self.saw("pie");
        misbehave(e.custom.as_deref())?;
        Ok(PieResponse::builder().proceed().build()?)
    }

    async fn on_dice(&self, e: DiceEvent<'static>) -> Result<(), HandlerError> {
        self.saw("dice");
        misbehave(e.custom.as_deref())
    }

    async fn on_notify(&self, e: NotifyEvent<'static>) -> Result<(), HandlerError> {
        self.saw(format!(
            "notify {}",
            e.conference_id.as_deref().unwrap_or("-")
        ));
        misbehave(e.custom.as_deref())
    }

    async fn on_unknown(&self, e: UnknownEvent<'static>) -> Result<(), HandlerError> {
        self.saw(format!("unknown {} {}", e.name, e.body.get()));
        Ok(())
    }
}

struct Served {
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(app: Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Served { base, task }
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: String,
}

/// POSTs `body` to `base` + `path`, signed as the platform signs it for `signed_path`.
async fn send(base: &str, path: &str, signed_path: &str, body: &str, secret: &str) -> Answer {
    let credentials = Credentials::new(KEY, secret).unwrap();
    let signed = SignedCallback::new(&credentials, signed_path, body);
    sinch_voice::install_tls_provider();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    // Sent to `path`, which may differ from the path it was signed for.
    let mut outgoing = http.post(format!("{base}{path}"));
    for (name, value) in signed.headers() {
        outgoing = outgoing.header(name, value);
    }
    let response = outgoing.body(body.to_string()).send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string()),
        body: response.text().await.unwrap(),
    }
}

const ICE: &str = r#"{"event":"ice","callid":"c1","cli":"46701234567","to":{"type":"did","endpoint":"+46812345678"}}"#;
const FORGED_SECRET: &str = "d3JvbmctZ3Vlc3MtMTIzNA==";

fn router(handler: Handler) -> Router {
    CallbackRouter::new(Verifier::new(&credentials()), handler).into_router("/sinch")
}

#[tokio::test]
async fn nested_and_merged_routers_accept_genuine_callbacks_and_refuse_forged_ones() {
    let handler = Handler::default();
    let nested = serve(Router::new().nest("/hooks", router(handler.clone()))).await;
    let merged = serve(
        Router::new()
            .route("/health", axum::routing::get(|| async { "ok" }))
            .merge(
                CallbackRouter::new(Verifier::new(&credentials()), handler.clone())
                    .into_router("/hooks/sinch"),
            ),
    )
    .await;
    for served in [&nested, &merged] {
        let genuine = send(&served.base, "/hooks/sinch", "/hooks/sinch", ICE, SECRET).await;
        assert_eq!(genuine.status, 200, "{}", genuine.body);
        assert_eq!(genuine.content_type.as_deref(), Some("application/json"));
        assert!(
            genuine.body.contains(r#""name":"hangup""#),
            "{}",
            genuine.body
        );
        let forged = send(
            &served.base,
            "/hooks/sinch",
            "/hooks/sinch",
            ICE,
            FORGED_SECRET,
        )
        .await;
        assert_eq!(forged.status, 401);
        assert_eq!(forged.body, "");
        // Signed for another path (what the router sees after `nest` strips the prefix).
        let stripped = send(&served.base, "/hooks/sinch", "/sinch", ICE, SECRET).await;
        assert_eq!(stripped.status, 401);
    }
    assert_eq!(handler.seen(), ["ice", "ice"]);
}

#[tokio::test]
async fn a_signed_test_callback_is_one_call() {
    let handler = Handler::default();
    let served = serve(Router::new().nest("/hooks", router(handler.clone()))).await;
    let url = format!("{}/hooks/sinch", served.base);
    let answer = SignedCallback::new(&credentials(), url.as_str(), ICE)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.bytes().await.unwrap();
    let reply = sinch_voice::svaml::IceResponse::parse(&body).unwrap();
    assert_eq!(reply.action().map(|a| a.kind().name()), Some("hangup"));
    // Signed with another application's secret: refused, the handler never runs.
    let forged = Credentials::new(KEY, FORGED_SECRET).unwrap();
    let refused = SignedCallback::new(&forged, url.as_str(), ICE)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(handler.seen(), ["ice"]);
}

#[tokio::test]
async fn the_router_nests_into_an_app_with_state() {
    #[derive(Clone)]
    struct AppState {
        name: &'static str,
    }
    let handler = Handler::default();
    // Router<AppState>: `into_router` takes the app's state type, no `with_state` dance.
    let app: Router<AppState> =
        Router::new()
            .route(
                "/name",
                axum::routing::get(
                    |axum::extract::State(state): axum::extract::State<AppState>| async move {
                        state.name
                    },
                ),
            )
            .nest(
                "/hooks",
                CallbackRouter::new(Verifier::new(&credentials()), handler.clone())
                    .into_router("/sinch"),
            );
    let served = serve(app.with_state(AppState { name: "reminders" })).await;
    let genuine = send(&served.base, "/hooks/sinch", "/hooks/sinch", ICE, SECRET).await;
    assert_eq!(genuine.status, 200, "{}", genuine.body);
    let name = reqwest::get(format!("{}/name", served.base)).await.unwrap();
    assert_eq!(name.text().await.unwrap(), "reminders");
    assert_eq!(handler.seen(), ["ice"]);
}

#[tokio::test]
async fn a_public_path_covers_a_proxy_that_rewrites() {
    let handler = Handler::default();
    let app = CallbackRouter::new(Verifier::new(&credentials()), handler.clone())
        .public_path("/public/sinch")
        .into_router("/internal");
    let served = serve(app).await;
    let answer = send(&served.base, "/internal", "/public/sinch", ICE, SECRET).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = send(&served.base, "/internal", "/internal", ICE, SECRET).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn what_the_vendor_schema_accepts_is_answered_200() {
    let handler = Handler::default();
    let served = serve(router(handler.clone())).await;
    let cases = [
        (
            r#"{"event":"notify","conferenceId":"standup","type":"recording_available","destination":"s3://b/f.mp3"}"#,
            "notify standup",
            "",
        ),
        (r#"{"event":"ace"}"#, "ace", r#""name":"hangup""#),
        (r#"{"event":"notify","type":"amd"}"#, "notify -", ""),
        (
            r#"{"event":"somethingnew","callid":"c9","shape":{"any":[1,2]}}"#,
            r#"unknown somethingnew {"event":"somethingnew","callid":"c9","shape":{"any":[1,2]}}"#,
            "",
        ),
    ];
    for (body, seen, reply) in cases {
        let answer = send(&served.base, "/sinch", "/sinch", body, SECRET).await;
        assert_eq!(answer.status, 200, "{body}: {}", answer.body);
        if reply.is_empty() {
            assert_eq!(answer.body, "", "{body}");
        } else {
            assert!(answer.body.contains(reply), "{body}: {}", answer.body);
        }
        assert_eq!(handler.seen().last().map(String::as_str), Some(seen));
    }
}

#[tokio::test]
async fn a_failing_or_panicking_handler_gets_the_documented_answer() {
    let handler = Handler::default();
    let served = serve(router(handler.clone())).await;
    let hangup = json!({"action": {"name": "hangup"}});
    let proceed = json!({"action": {"name": "continue"}});
    let pie = r#","menuResult":{"menuId":"main","type":"return","value":"1"}"#;
    for how in ["fail", "panic"] {
        let cases = [
            (
                format!(r#"{{"event":"ice","callid":"c","custom":"{how}"}}"#),
                Some(&hangup),
            ),
            (
                format!(r#"{{"event":"ace","callid":"c","custom":"{how}"}}"#),
                Some(&proceed),
            ),
            (
                format!(r#"{{"event":"pie","callid":"c","custom":"{how}"{pie}}}"#),
                Some(&hangup),
            ),
            (
                format!(r#"{{"event":"dice","callid":"c","custom":"{how}"}}"#),
                None,
            ),
            (
                format!(r#"{{"event":"notify","callid":"c","type":"amd","custom":"{how}"}}"#),
                None,
            ),
        ];
        for (body, expected) in cases {
            let answer = send(&served.base, "/sinch", "/sinch", &body, SECRET).await;
            assert_eq!(answer.status, 200, "{body}");
            match expected {
                Some(svaml) => {
                    let got: Value = serde_json::from_str(&answer.body).unwrap();
                    assert_eq!(&got, svaml, "{body}");
                }
                None => assert_eq!(answer.body, "", "{body}"),
            }
        }
    }
    // The server keeps serving, and a healthy call gets the handler's own answer.
    let answer = send(&served.base, "/sinch", "/sinch", ICE, SECRET).await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("Welcome"), "{}", answer.body);
    assert_eq!(handler.seen().len(), 11);
}

#[tokio::test]
async fn verification_and_dispatch_from_plain_header_pairs_in_any_case() {
    let signed = SignedCallback::new(&credentials(), "/cb", ICE);
    let pairs = |case: fn(&str) -> String| -> Vec<(String, String)> {
        signed
            .headers()
            .iter()
            .map(|(n, v)| (case(n), v.to_string()))
            .collect()
    };
    let verifier = Verifier::new(&credentials());
    for case in [
        (|n: &str| n.to_string()) as fn(&str) -> String,
        |n: &str| n.to_ascii_uppercase(),
        |n: &str| {
            n.split('-')
                .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
                .collect::<Vec<_>>()
                .join("-")
        },
    ] {
        let headers = pairs(case);
        assert_eq!(
            verifier.verify_pairs("POST", "/cb", headers_ref(&headers), ICE.as_bytes()),
            Ok(())
        );
        // Another body, path or method: refused.
        assert!(
            verifier
                .verify_pairs("POST", "/cb", headers_ref(&headers), b"{}")
                .is_err()
        );
        assert!(
            verifier
                .verify_pairs("POST", "/other", headers_ref(&headers), ICE.as_bytes())
                .is_err()
        );
    }
    // A signature header sent twice is refused, as with an http::HeaderMap.
    let mut twice = pairs(|n| n.to_string());
    let auth = twice
        .iter()
        .find(|(n, _)| n == "authorization")
        .cloned()
        .unwrap();
    twice.push(auth);
    assert!(
        verifier
            .verify_pairs("POST", "/cb", headers_ref(&twice), ICE.as_bytes())
            .is_err()
    );
    // Non-ASCII header values are refused, not a panic.
    let bad = vec![
        ("authorization", "Application é:x"),
        ("x-timestamp", "2024-01-01T00:00:00Z"),
    ];
    assert!(
        verifier
            .verify_pairs("POST", "/cb", bad, ICE.as_bytes())
            .is_err()
    );

    // The framework-neutral service: pairs in, status and SVAML out.
    let service = CallbackService::new(verifier, Handler::default());
    let answer = service
        .respond(
            "POST",
            "/cb",
            pairs(|n| n.to_ascii_uppercase()),
            ICE.as_bytes(),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, Some("application/json"));
    assert!(String::from_utf8_lossy(&answer.body).contains("hangup"));
    let refused = service
        .respond(
            "POST",
            "/cb",
            Vec::<(String, String)>::new(),
            ICE.as_bytes(),
        )
        .await;
    assert_eq!((refused.status, refused.body.len()), (401, 0));
}

fn headers_ref(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}
