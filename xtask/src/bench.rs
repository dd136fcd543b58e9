//! `cargo xtask bench`: the cases the peer SDK benchmarks measure, on the same inputs
//! (`xtask/data/peers-fixtures.json`), one JSON line per case on stdout.
//!
//! Always measured in a release build: a debug xtask re-runs itself with `--release`.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sinch_voice::signing::{SigningInput, format_timestamp, sign};
use sinch_voice::{Client, Credentials, Domain, RetryPolicy, TtsCallout};

const FIXTURES: &str = include_str!("../data/peers-fixtures.json");
const CASES: [&str; 5] = [
    "sign_request",
    "verify_callback",
    "parse_callback",
    "build_svaml",
    "callout_roundtrip",
];

/// `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Only these cases (comma-separated).
    #[arg(long, value_name = "CASE,...", value_delimiter = ',', value_parser = case)]
    only: Option<Vec<String>>,
    /// Send the callouts there (e.g. shared/peers/callout_server.mjs) instead of a loopback
    /// server started in-process.
    #[arg(long, value_name = "URL")]
    calling_url: Option<String>,
    /// Runs per case.
    #[arg(long, default_value = "5", value_parser = number)]
    runs: usize,
    /// Callouts per run.
    #[arg(long, default_value = "2000", value_parser = number)]
    callouts: usize,
    /// The shortest run, in milliseconds.
    #[arg(long = "min-run-ms", value_name = "N", default_value = "1000", value_parser = millis)]
    min_run: Duration,
}

fn case(name: &str) -> Result<String, String> {
    if CASES.contains(&name) {
        Ok(name.to_string())
    } else {
        Err(format!(
            "unknown case `{name}`; cases: {}",
            CASES.join(", ")
        ))
    }
}

fn millis(text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("`{text}` is not a number of milliseconds"))
}

impl Options {
    fn wants(&self, case: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|c| c == case))
    }
}

fn number(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("expected a positive number, found `{text}`"))
}

pub fn run(args: &[String], options: &Options) -> ExitCode {
    if cfg!(debug_assertions) {
        return rerun_in_release(args);
    }
    let fixtures: Value = serde_json::from_str(FIXTURES).expect("the fixtures file is JSON");
    let text = |key: &str| {
        fixtures[key]
            .as_str()
            .unwrap_or_else(|| panic!("fixtures: `{key}` missing"))
            .to_string()
    };
    let credentials = Credentials::new(text("application_key"), text("application_secret_b64"))
        .expect("fixture credentials are valid");
    if options.wants("sign_request") {
        sign_request(
            options,
            &credentials,
            &text("callout_path"),
            &text("callout_content_type"),
            &text("callout_body"),
        );
    }
    if options.wants("verify_callback") {
        verify_callback(options, &credentials, &fixtures);
    }
    if options.wants("parse_callback") {
        parse_callback(options, &text("ice_body"));
    }
    if options.wants("build_svaml") {
        build_svaml(options);
    }
    if options.wants("callout_roundtrip") {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let body: Value =
            serde_json::from_str(&text("callout_body")).expect("the callout body is JSON");
        if let Err(message) = runtime.block_on(callout_roundtrip(options, credentials, body)) {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn rerun_in_release(args: &[String]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("# building xtask in release for meaningful numbers");
    let status = std::process::Command::new(cargo)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "bench",
        ])
        .args(args)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn emit(line: Value) {
    let mut line = line;
    line["lang"] = json!("rust");
    line["sdk"] = json!(concat!("sinch-voice ", env!("CARGO_PKG_VERSION")));
    println!("{line}");
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

/// The signing the client does per request: a fresh `x-timestamp`, Content-MD5, HMAC and the
/// header value (the Node figure to compare with is its plugin chain, which does the same).
fn sign_request(
    options: &Options,
    credentials: &Credentials,
    path: &str,
    content_type: &str,
    body: &str,
) {
    let one = || {
        let timestamp = format_timestamp(chrono::Utc::now());
        let signature = sign(
            credentials,
            &SigningInput {
                method: "POST",
                path,
                content_type: Some(content_type),
                body: Some(body.as_bytes()),
                timestamp: &timestamp,
            },
        );
        black_box(signature.authorization.len())
    };
    for _ in 0..20_000 {
        black_box(one());
    }
    let mut rates = Vec::new();
    for _ in 0..options.runs {
        let started = Instant::now();
        let mut n = 0u64;
        while started.elapsed() < options.min_run {
            for _ in 0..256 {
                black_box(one());
            }
            n += 256;
        }
        rates.push(n as f64 / started.elapsed().as_secs_f64());
    }
    emit(json!({
        "case": "sign_request",
        "variant": "client_signing",
        "ops_per_sec": median(rates.clone()).round(),
        "runs_ops_per_sec": rates.iter().map(|r| r.round()).collect::<Vec<_>>(),
        "note": "sinch_voice::signing::sign incl. a fresh x-timestamp from the system clock; secret decoded once",
    }));
}

/// Runs `one` for `options.runs` runs of at least `options.min_run`: the ops/s of each run.
fn micro_runs<T>(options: &Options, mut one: impl FnMut() -> T) -> Vec<f64> {
    for _ in 0..20_000 {
        black_box(one());
    }
    let mut rates = Vec::new();
    for _ in 0..options.runs {
        let started = Instant::now();
        let mut n = 0u64;
        while started.elapsed() < options.min_run {
            for _ in 0..256 {
                black_box(one());
            }
            n += 256;
        }
        rates.push(n as f64 / started.elapsed().as_secs_f64());
    }
    rates
}

/// The peers' `verify_callback`: the signed ICE of the fixtures, checked against its headers
/// (signature over the body, key, scheme; the timestamp check is off, since the fixture's
/// timestamp is fixed).
fn verify_callback(options: &Options, credentials: &Credentials, fixtures: &Value) {
    use sinch_voice::callbacks::Verifier;
    let field = |key: &str| fixtures[key].as_str().expect("fixture field").to_string();
    let body = field("ice_body").into_bytes();
    let path = field("callback_path");
    let timestamp = field("callback_timestamp");
    let content_type = field("callback_content_type");
    // Signed by hand with the fixture's exact content type and timestamp text.
    let signature = sign(
        credentials,
        &SigningInput {
            method: "POST",
            path: &path,
            content_type: Some(&content_type),
            body: Some(&body),
            timestamp: &timestamp,
        },
    );
    let mut headers = sinch_voice::reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("content-type", content_type),
        ("x-timestamp", timestamp),
        ("authorization", signature.authorization),
    ] {
        headers.insert(name, value.parse().expect("a header value"));
    }
    let verifier = Verifier::new(credentials).tolerance(None);
    verifier
        .verify("POST", &path, &headers, &body)
        .expect("the fixture callback verifies");
    let mut forged = headers.clone();
    forged.insert(
        "x-timestamp",
        "2026-11-25T17:04:05.124Z".parse().expect("a header value"),
    );
    assert!(
        verifier.verify("POST", &path, &forged, &body).is_err(),
        "a forged callback must fail"
    );
    let rates = micro_runs(options, || {
        verifier.verify("POST", &path, &headers, &body).is_ok()
    });
    emit(json!({
        "case": "verify_callback",
        "variant": "verifier",
        "ops_per_sec": median(rates.clone()).round(),
        "runs_ops_per_sec": rates.iter().map(|r| r.round()).collect::<Vec<_>>(),
        "note": "Verifier::verify: scheme, key, MD5 of the body, HMAC-SHA256, constant-time compare",
    }));
}

/// The peers' `parse_callback`: the fixture ICE into a typed, validated event (every field,
/// timestamp parsed).
fn parse_callback(options: &Options, body: &str) {
    use sinch_voice::callbacks::CallbackEvent;
    let body = body.as_bytes();
    match CallbackEvent::parse(body).expect("the fixture ICE parses") {
        CallbackEvent::Ice(ice) => assert!(ice.timestamp.is_some() && ice.call_headers.len() == 9),
        other => panic!("expected an ICE, got {}", other.name()),
    }
    let rates = micro_runs(options, || match CallbackEvent::parse(body) {
        Ok(event) => event.callid().map_or(0, str::len),
        Err(_) => 0,
    });
    emit(json!({
        "case": "parse_callback",
        "variant": "typed",
        "ops_per_sec": median(rates.clone()).round(),
        "runs_ops_per_sec": rates.iter().map(|r| r.round()).collect::<Vec<_>>(),
        "note": "CallbackEvent::parse: typed ICE, every field, timestamp parsed, strings borrowed from the body",
    }));
}

/// The peers' `build_svaml`: an ICE reply with setCookie + say and a runMenu of two menus of
/// three options each, built, validated and serialised (into a reused buffer).
fn build_svaml(options: &Options) {
    use sinch_voice::svaml::{IceResponse, Menu, RunMenu};
    let mut buffer = Vec::with_capacity(2048);
    let mut build = move || {
        let reply = IceResponse::builder()
            .set_cookie("order", "4711")
            .say("Thanks for calling Sinch.", "en-US")
            .run_menu(
                RunMenu::new([
                    Menu::new("main")
                        .prompt("Welcome. Press 1 for sales, 2 for support, 3 for billing.")
                        .repeat("Sorry, please try again.", 2)
                        .max_digits(1)
                        .timeout_mills(5000)
                        .on_key_return("1", "sales")
                        .on_key_menu("2", "support")
                        .on_key_return("3", "billing"),
                    Menu::new("support")
                        .prompt("Press 1 for internet, 2 for phone, 3 to go back.")
                        .max_digits(1)
                        .timeout_mills(5000)
                        .on_key_return("1", "support-internet")
                        .on_key_return("2", "support-phone")
                        .on_key_menu("3", "main"),
                ])
                .barge(true)
                .locale("en-US")
                .main_menu("main"),
            )
            .build()
            .expect("the benchmark reply is valid");
        buffer.clear();
        reply.write_json(&mut buffer);
        black_box(buffer.len())
    };
    let size = build();
    let rates = micro_runs(options, build);
    emit(json!({
        "case": "build_svaml",
        "variant": "typed_builder",
        "ops_per_sec": median(rates.clone()).round(),
        "runs_ops_per_sec": rates.iter().map(|r| r.round()).collect::<Vec<_>>(),
        "bytes": size,
        "note": "IceResponse builder + runMenu (2 menus x 3 options) + setCookie + say, validated, serialised into a reused buffer",
    }));
}

/// Starts a loopback stand-in for the callout endpoint on its own thread and runtime (as the
/// Node benchmark runs its server in another process), answering like callout_server.mjs.
fn start_server() -> Result<String, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let counter = Arc::new(AtomicU64::new(0));
            let app = axum::Router::new().fallback(move |_body: axum::body::Bytes| {
                let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "application/json; charset=utf-8",
                        )],
                        format!("{{\"callId\":\"{n:032x}\"}}"),
                    )
                }
            });
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(format!("http://127.0.0.1:{port}"))
}

async fn callout_roundtrip(
    options: &Options,
    credentials: Credentials,
    body: Value,
) -> Result<(), String> {
    let (base, server) = match &options.calling_url {
        Some(url) => (url.clone(), "given by --calling-url"),
        None => (start_server()?, "in-process axum on its own thread"),
    };
    let client = Client::builder()
        .credentials(credentials.clone())
        .calling_url(&base)
        .retry_policy(RetryPolicy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let request = Fixture {
        typed: fixture_callout(&body)?,
        raw: serde_json::from_value(body)
            .map_err(|e| format!("the fixture callout is not a CalloutRequest: {e}"))?,
    };
    let floor = Arc::new(RawFloor::new(&base, credentials)?);
    let callers = [Caller::Client(client), Caller::RawFloor(floor)];
    for caller in &callers {
        for _ in 0..200 {
            black_box(caller.callout(&request).await?);
        }
    }
    for concurrency in [1usize, 16] {
        // Interleaved in slices, alternating which goes first, so that the bursts of other
        // work on a shared machine (builds, tests) weigh on both alike: each run of `n`
        // callouts per caller is made of SLICES slices, client and floor taking turns.
        let mut runs: [Vec<(f64, f64, f64)>; 2] = [Vec::new(), Vec::new()];
        for run in 0..options.runs {
            let mut slices: [Vec<Slice>; 2] = [Vec::new(), Vec::new()];
            for slice in 0..SLICES {
                let n = options.callouts / SLICES + usize::from(slice < options.callouts % SLICES);
                let order = if (run * SLICES + slice).is_multiple_of(2) {
                    [0, 1]
                } else {
                    [1, 0]
                };
                for i in order {
                    slices[i].push(load_slice(&callers[i], &request, n, concurrency).await?);
                }
            }
            for (i, slices) in slices.into_iter().enumerate() {
                runs[i].push(summarise(slices));
            }
        }
        let rates = |runs: &[(f64, f64, f64)]| runs.iter().map(|r| r.0).collect::<Vec<f64>>();
        let client_rates = rates(&runs[0]);
        let floor_rates = rates(&runs[1]);
        let client_median = median(client_rates.clone());
        let floor_median = median(floor_rates.clone());
        let paired: Vec<f64> = client_rates
            .iter()
            .zip(&floor_rates)
            .map(|(c, f)| round3(c / f))
            .collect();
        for (i, caller) in callers.iter().enumerate() {
            let rates = if i == 0 { &client_rates } else { &floor_rates };
            let med = if i == 0 { client_median } else { floor_median };
            let closest = runs[i]
                .iter()
                .min_by(|a, b| (a.0 - med).abs().total_cmp(&(b.0 - med).abs()))
                .expect("at least one run");
            let mut line = json!({
                "case": "callout_roundtrip",
                "variant": caller.variant(),
                "n": options.callouts,
                "concurrency": concurrency,
                "ops_per_sec": med.round(),
                "requests_per_sec": med.round(),
                "p50_ms": round3(closest.1),
                "p99_ms": round3(closest.2),
                "runs_rps": rates.iter().map(|r| r.round()).collect::<Vec<_>>(),
                "server": server,
                "note": caller.note(),
            });
            if i == 0 {
                line["ratio_to_raw_floor"] = json!(round3(client_median / floor_median));
                line["runs_ratio_to_raw_floor"] = json!(paired);
            }
            emit(line);
        }
        emit(json!({
            "case": "callout_roundtrip",
            "variant": "client_over_raw_floor",
            "concurrency": concurrency,
            "ratio": round3(client_median / floor_median),
            "median_of_paired_runs": round3(median(paired.clone())),
            "note": "requests/s of the client divided by those of the raw floor (medians of interleaved runs)",
        }));
    }
    Ok(())
}

/// The peers' fixture callout: as the typed request a user of this crate writes, and as the
/// raw body the floor sends.
#[derive(Clone)]
struct Fixture {
    typed: TtsCallout,
    raw: sinch_voice::raw::types::CalloutRequest,
}

/// The peers' fixture callout as the typed request a user writes.
fn fixture_callout(body: &Value) -> Result<TtsCallout, String> {
    let c = &body["ttsCallout"];
    let text = |key: &str| {
        c[key]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("the fixture callout has no ttsCallout.{key}"))
    };
    let flag = |key: &str| c[key].as_bool().unwrap_or(false);
    let to = c["destination"]["endpoint"]
        .as_str()
        .ok_or("the fixture callout has no destination")?
        .to_string();
    Ok(TtsCallout::to(to)
        .cli(text("cli")?)
        .domain(Domain::parse(&text("domain")?))
        .custom(text("custom")?)
        .locale(text("locale")?)
        .text(text("text")?)
        .enable_ace(flag("enableAce"))
        .enable_dice(flag("enableDice"))
        .enable_pie(flag("enablePie")))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// What a user of plain reqwest would write to place a callout: serialise, sign with this
/// crate's `signing::sign`, send, read and decode the reply. No retries, timeouts, tracing
/// or size limit: the floor the client's own path is measured against.
struct RawFloor {
    http: reqwest::Client,
    url: String,
    credentials: Credentials,
}

const CALLOUTS_PATH: &str = "/calling/v1/callouts";

impl RawFloor {
    fn new(base: &str, credentials: Credentials) -> Result<Self, String> {
        let http = sinch_voice::http_client_builder()
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(RawFloor {
            http,
            url: format!("{}{CALLOUTS_PATH}", base.trim_end_matches('/')),
            credentials,
        })
    }

    async fn callout(
        &self,
        request: &sinch_voice::raw::types::CalloutRequest,
    ) -> Result<String, String> {
        let body = serde_json::to_vec(request).map_err(|e| e.to_string())?;
        let timestamp = format_timestamp(chrono::Utc::now());
        let signature = sign(
            &self.credentials,
            &SigningInput {
                method: "POST",
                path: CALLOUTS_PATH,
                content_type: Some("application/json"),
                body: Some(&body),
                timestamp: &timestamp,
            },
        );
        let response = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .header("x-timestamp", timestamp)
            .header(reqwest::header::AUTHORIZATION, signature.authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("raw floor: HTTP {status}"));
        }
        let reply: sinch_voice::raw::types::CalloutResponse =
            serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        reply
            .call_id
            .ok_or_else(|| "raw floor: no callId".to_string())
    }
}

/// Who places the callouts of a load run.
#[derive(Clone)]
enum Caller {
    Client(Client),
    RawFloor(Arc<RawFloor>),
}

impl Caller {
    async fn callout(&self, request: &Fixture) -> Result<String, String> {
        match self {
            Caller::Client(client) => client
                .callout(request.typed.clone())
                .await
                .map(|id| id.into_string())
                .map_err(|e| e.to_string()),
            Caller::RawFloor(floor) => floor.callout(&request.raw).await,
        }
    }

    fn variant(&self) -> &'static str {
        match self {
            Caller::Client(_) => "client",
            Caller::RawFloor(_) => "raw_floor",
        }
    }

    fn note(&self) -> &'static str {
        match self {
            Caller::Client(_) => {
                "Client::callout(TtsCallout): check, serialise, sign, send over keep-alive, read and decode the reply"
            }
            Caller::RawFloor(_) => {
                "plain reqwest + sinch_voice::signing::sign: serialise, sign, send, read and decode the reply; no retries, timeouts, tracing or size limit"
            }
        }
    }
}

/// Slices of one run: each caller's `n` callouts are split into this many turns.
const SLICES: usize = 4;

/// One slice of a run: its duration and each callout's latency in ms.
struct Slice {
    elapsed: f64,
    latencies: Vec<f64>,
}

/// The slices of one run as (requests per second, p50 ms, p99 ms).
fn summarise(slices: Vec<Slice>) -> (f64, f64, f64) {
    let elapsed: f64 = slices.iter().map(|s| s.elapsed).sum();
    let mut latencies: Vec<f64> = slices.into_iter().flat_map(|s| s.latencies).collect();
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| {
        latencies
            [((p / 100.0 * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    (latencies.len() as f64 / elapsed, at(50.0), at(99.0))
}

/// `n` callouts with `concurrency` in flight.
async fn load_slice(
    caller: &Caller,
    request: &Fixture,
    n: usize,
    concurrency: usize,
) -> Result<Slice, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let caller = caller.clone();
        let request = request.clone();
        let next = Arc::clone(&next);
        workers.spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let sent = Instant::now();
                let call_id = caller.callout(&request).await?;
                black_box(call_id.len());
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, String>(latencies)
        });
    }
    let mut latencies = Vec::with_capacity(n);
    while let Some(done) = workers.join_next().await {
        latencies.extend(done.map_err(|e| e.to_string())??);
    }
    Ok(Slice {
        elapsed: started.elapsed().as_secs_f64(),
        latencies,
    })
}
