//! The emulator's web console in a real headless browser: Chromium and chromedriver from
//! Debian's packages, driven over WebDriver (fantoccini). The page is used as a person would:
//! dial the demo IVR from its phone, press keys, watch the timeline, mute a participant, answer
//! a callout, open a refused reply.
//!
//! `#[ignore]`d in `cargo test --workspace` (a fresh machine has no browser);
//! `bash tests/browser/run.sh` installs both packages when missing and runs these. A screenshot
//! of a finished call's timeline goes to `target/console/timeline.png` (and, with
//! `CONSOLE_SCREENSHOT_DOCS=1`, to `docs/console-timeline.png` for the README).

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use common::BINARY;

/// Longest wait for anything the page should show.
const WAIT: Duration = Duration::from_secs(15);

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A child process in a process group of its own, killed with everything it started when
/// dropped: chromedriver leaves Chromium running if it dies with the session open (a test
/// that failed).
struct ProcessGroup(Child);

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.wait();
    }
}

/// `sinch-voice demo --console`: the demo's calls played, then the emulator and IVR kept on.
struct Demo {
    _process: Process,
    console: String,
    emulator: String,
}

fn start_demo() -> Demo {
    let mut child = Command::new(BINARY)
        .args(["demo", "--console"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sinch-voice binary runs");
    let stdout = child.stdout.take().expect("piped stdout");
    let process = Process(child);
    let (found, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.trim().strip_prefix("console") {
                let _ = found.send(url.trim().to_string());
            }
        }
    });
    let console = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("the demo prints the console URL once its calls are played");
    let emulator = console
        .strip_suffix("/_emulator/console/")
        .expect("the console lives under the emulator")
        .to_string();
    Demo {
        _process: process,
        console,
        emulator,
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// chromedriver and a headless Chromium session.
struct Browser {
    client: Client,
    _driver: ProcessGroup,
}

async fn start_browser() -> Browser {
    let port = free_port();
    let driver = ProcessGroup(
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (bash tests/browser/run.sh installs it)"),
    );
    let mut options = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1250", "--lang=en-US"],
    });
    if let Ok(binary) = std::env::var("CHROMIUM") {
        options["binary"] = json!(binary);
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), options);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => break client,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no WebDriver session from chromedriver at {url}: {e}"),
        }
    };
    Browser {
        client,
        _driver: driver,
    }
}

impl Browser {
    /// Runs a script in the page and returns what it returned.
    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until a script returns true.
    async fn until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.js(script).await == Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                let page = self
                    .js("return document.querySelector('main').innerText")
                    .await;
                panic!("the page did not show {what} within {WAIT:?}\n--- page text\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks an element, finding it again if the page re-rendered it meanwhile.
    async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = self
                .client
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css(css))
                .await;
            let error = match found {
                Ok(element) => match element.click().await {
                    Ok(()) => return,
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            };
            if Instant::now() > deadline || !error.contains("stale") {
                panic!("cannot click {css}: {error}");
            }
        }
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .text()
            .await
            .unwrap_or_default()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let input = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no input {css}: {e}"));
        input.clear().await.expect("clear the input");
        input.send_keys(text).await.expect("type into the input");
    }

    async fn open(&self, console: &str) {
        self.client.goto(console).await.expect("the console loads");
        self.until(
            "the live event stream",
            "return document.getElementById('live').textContent === 'live'",
        )
        .await;
        self.until(
            "the application's numbers",
            "return document.getElementById('dial-to').options.length > 0",
        )
        .await;
    }

    /// Dials the application from the page's phone and returns the new call's id (the page
    /// selects it).
    async fn dial(&self, from: &str) -> String {
        let before = self
            .js("return document.querySelectorAll('#call-list tbody tr').length")
            .await;
        self.type_into("#dial-from", from).await;
        self.click("#dial").await;
        self.until(
            "the new call selected",
            &format!(
                "return document.querySelectorAll('#call-list tbody tr').length > {before} \
                 && document.querySelector('#call-list tr.selected') !== null \
                 && document.getElementById('detail-id').textContent.length > 0"
            ),
        )
        .await;
        self.text("#detail-id").await
    }

    /// Waits for a callback of the selected call in the timeline with an outcome class
    /// (`accepted`, `refused`, `garbage`, `error`, `empty`, `unread`).
    async fn callback(&self, event: &str, outcome: &str) {
        self.until(
            &format!("a {event} callback marked {outcome}"),
            &format!(
                "return document.querySelector('#timeline li[data-event=\"{event}\"].callback-{outcome}') !== null"
            ),
        )
        .await;
    }

    async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = target_dir().join("console");
        std::fs::create_dir_all(&dir).expect("target/console");
        let path = dir.join(name);
        std::fs::write(&path, &png).expect("write the screenshot");
        path
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

async fn control(demo: &Demo, method: &str, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = http.request(
        method.parse().unwrap(),
        format!("{}/_emulator/v1{path}", demo.emulator),
    );
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the control API answers");
    response.json().await.unwrap_or(Value::Null)
}

#[test]
#[ignore = "needs Chromium and chromedriver: bash tests/browser/run.sh"]
fn dial_the_demo_ivr_press_1_join_the_conference_hang_up() {
    sinch_voice::install_tls_provider();
    runtime().block_on(async {
        let demo = start_demo();
        let browser = start_browser().await;
        browser.open(&demo.console).await;
        // The demo's own two calls are listed.
        browser
            .until("the demo's two calls", "return document.querySelectorAll('#call-list tbody tr').length >= 2")
            .await;

        let id = browser.dial("+15550001234").await;
        browser.callback("ice", "accepted").await;
        browser
            .until(
                "the menu listening",
                "return document.querySelector('#phone-call .listening') !== null",
            )
            .await;
        browser.click("#keypad button[data-key=\"1\"]").await;
        browser.callback("pie", "accepted").await;
        browser
            .until(
                "the conference join in the transcript",
                "return [...document.querySelectorAll('#transcript li')].some(li => li.textContent === 'joined conference sales')",
            )
            .await;
        // The conference panel lists the caller; mute goes through the REST API.
        let participant = format!(".conference[data-conference-id=\"sales\"] .participant[data-call-id=\"{id}\"]");
        browser
            .until(
                "the caller in the room",
                &format!("return document.querySelector('{participant}') !== null"),
            )
            .await;
        browser.click(&format!("{participant} button[data-action=mute]")).await;
        browser
            .until(
                "the caller muted",
                &format!("return document.querySelector('{participant}').textContent.includes('muted')"),
            )
            .await;
        browser.click(&format!("{participant} button[data-action=hold]")).await;
        browser
            .until(
                "the caller on hold",
                &format!("return document.querySelector('{participant}').textContent.includes('on hold')"),
            )
            .await;
        browser
            .until(
                "the REST call listed on the call",
                &format!(
                    "return [...document.querySelectorAll('#rest-calls li')].some(li => li.textContent.includes('PATCH /calling/v1/conferences/id/sales/{id}'))"
                ),
            )
            .await;

        browser.click("#hangup").await;
        browser.callback("dice", "empty").await;
        browser
            .until(
                "the call ended",
                "return document.querySelector('#call-list tr.selected .phase').textContent === 'ended'",
            )
            .await;
        let arrows: Value = browser
            .js("return [...document.querySelectorAll('#timeline li')].map(li => li.dataset.event)")
            .await;
        assert_eq!(arrows, json!(["ice", "pie", "dice"]));
        let facts = browser.text("#detail-facts").await;
        assert!(facts.contains("CALLERHANGUP"), "{facts}");
        // Ended: no longer "in conference sales".
        let phone = browser.text("#phone-call").await;
        assert!(!phone.contains("in conference"), "{phone}");
        // Offsets and timings: milliseconds under a second, then seconds.
        let formatted: Value = browser.js("return [ms(480.4), ms(16470), ms(1000)]").await;
        assert_eq!(formatted, json!(["480 ms", "16.5 s", "1.0 s"]));
        // The page asks for no favicon (it was a 401 from the REST API).
        let requests = control(&demo, "GET", "/requests", None).await;
        assert!(
            !requests.to_string().contains("favicon"),
            "{requests}"
        );
        let shot = browser.screenshot("timeline.png").await;
        if std::env::var_os("CONSOLE_SCREENSHOT_DOCS").is_some() {
            let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::copy(&shot, docs.join("console-timeline.png")).unwrap();
        }
        // The ICE opened: the request and the pretty-printed reply side by side, with the verdict.
        browser.click("#timeline li[data-event=\"ice\"] summary").await;
        let reply = browser
            .text("#timeline li[data-event=\"ice\"] .reply-body")
            .await;
        assert!(reply.contains("\"runMenu\""), "{reply}");
        let verdict = browser.text("#timeline li[data-event=\"ice\"] .verdict").await;
        assert_eq!(verdict, "valid as an ICE reply");

        // A second call, keyed from the keyboard: 2 is goodbye, and the IVR hangs up.
        browser.dial("+15550004321").await;
        browser.callback("ice", "accepted").await;
        browser
            .until(
                "the menu listening",
                "return document.querySelector('#phone-call .listening') !== null",
            )
            .await;
        browser
            .client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .send_keys("2")
            .await
            .unwrap();
        browser.callback("pie", "accepted").await;
        browser.callback("dice", "empty").await;

        // A third joins the room and is kicked from the page (REST DELETE): DiCE, MANAGERHANGUP.
        let kicked = browser.dial("+15550005555").await;
        // Newest first: the call just placed heads the list.
        browser
            .until(
                "the new call at the top",
                &format!("return document.querySelector('#call-list tbody tr').dataset.callId === '{kicked}'"),
            )
            .await;
        browser.callback("ice", "accepted").await;
        browser
            .until(
                "the menu listening",
                "return document.querySelector('#phone-call .listening') !== null",
            )
            .await;
        browser.click("#keypad button[data-key=\"1\"]").await;
        let participant = format!(".participant[data-call-id=\"{kicked}\"]");
        browser
            .until(
                "the caller in the room",
                &format!("return document.querySelector('{participant}') !== null"),
            )
            .await;
        browser.click(&format!("{participant} button[data-action=kick]")).await;
        browser.callback("dice", "empty").await;
        let facts = browser.text("#detail-facts").await;
        assert!(facts.contains("MANAGERHANGUP"), "{facts}");
        browser.client.clone().close().await.ok();
    });
}

#[test]
#[ignore = "needs Chromium and chromedriver: bash tests/browser/run.sh"]
fn answer_a_callout_from_the_page_as_a_machine_or_busy() {
    sinch_voice::install_tls_provider();
    runtime().block_on(async {
        let demo = start_demo();
        let browser = start_browser().await;
        browser.open(&demo.console).await;
        let info = control(&demo, "GET", "/info", None).await;
        let client = sinch_voice::Client::builder()
            .credentials(
                sinch_voice::Credentials::new(
                    info["applicationKey"].as_str().unwrap(),
                    info["applicationSecret"].as_str().unwrap(),
                )
                .unwrap(),
            )
            .calling_url(&demo.emulator)
            .configuration_url(&demo.emulator)
            .build()
            .unwrap();
        // What the select shows is in effect: a person answering, until it is changed, and a
        // choice applies at once (no second button).
        let shown: Value = browser
            .js("return document.getElementById('next-callee').value")
            .await;
        assert_eq!(shown, "human");
        assert_eq!(control(&demo, "GET", "/info", None).await["defaultCallee"], "human");
        browser
            .client
            .find(Locator::Css("#next-callee"))
            .await
            .unwrap()
            .select_by_value("manual")
            .await
            .unwrap();
        browser
            .until(
                "every callee scripted",
                "return document.getElementById('callee-status').textContent.includes('lets me answer')",
            )
            .await;
        assert_eq!(control(&demo, "GET", "/info", None).await["defaultCallee"], "manual");
        for (button, result) in [("#answer-machine", "ANSWERED"), ("#answer-busy", "BUSY")] {
            let callout = sinch_voice::TtsCallout::to("+15557770000")
                .cli("+14045001000")
                .text("Your table is ready")
                .enable_dice(true);
            let id = client.callout(callout).await.expect("the callout is placed");
            browser
                .click(&format!("#call-list tr[data-call-id=\"{id}\"]"))
                .await;
            browser
                .until(
                    "the answer buttons",
                    "return !document.getElementById('answer-box').hidden",
                )
                .await;
            browser.click(button).await;
            browser
                .until(
                    &format!("the callout ending {result}"),
                    &format!(
                        "return document.querySelector('#call-list tr[data-call-id=\"{id}\"]').textContent.includes('{result}')"
                    ),
                )
                .await;
        }
        browser.client.clone().close().await.ok();
    });
}

/// What the test's own callback server answers to an ICE, chosen by the caller's number.
fn odd_answer(ice: &Value) -> Response {
    let json = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    match ice["cli"].as_str().unwrap_or("").trim_start_matches('+') {
        // Refused: a room id with a space and a bang.
        "15550000001" => json(json!({
            "instructions": [{ "name": "say", "text": "<script>window.pwned = 1</script>", "locale": "en-US" }],
            "action": { "name": "connectConf", "conferenceId": "bad room!" }
        })),
        // Not JSON, and markup at that.
        "15550000002" => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<script>window.pwned = 2</script><img src=x onerror=\"window.pwned = 3\">",
        )
            .into_response(),
        // A 1 MB JSON answer.
        "15550000003" => json(json!({
            "instructions": [{ "name": "say", "text": "x".repeat(1_000_000) }],
            "action": { "name": "hangup" }
        })),
        // A menu that hears speech.
        "15550000005" => json(json!({
            "action": { "name": "runMenu", "enableVoice": true, "locale": "en-US", "menus": [{
                "id": "main", "mainPrompt": "#tts[Say sales or support]",
                "options": [{ "dtmf": "1", "action": "return(sales)" }]
            }] }
        })),
        _ => json(json!({ "action": { "name": "hangup" } })),
    }
}

#[test]
#[ignore = "needs Chromium and chromedriver: bash tests/browser/run.sh"]
fn refused_replies_garbage_and_script_bodies_are_shown_as_text() {
    sinch_voice::install_tls_provider();
    runtime().block_on(async {
        let demo = start_demo();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let callbacks = format!("http://{}/odd", listener.local_addr().unwrap());
        let router = axum::Router::new().fallback(|body: axum::body::Bytes| async move {
            let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            match event["event"].as_str() {
                // A slow server: the answer comes after the platform gave up (2 s).
                Some("ice") if event["cli"] == "15550000006" => {
                    tokio::time::sleep(Duration::from_millis(2500)).await;
                    odd_answer(&event)
                }
                Some("ice") => odd_answer(&event),
                _ => StatusCode::OK.into_response(),
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });

        let browser = start_browser().await;
        browser.open(&demo.console).await;
        // Point the application at the odd server from the page.
        browser.type_into("#callback-url", &callbacks).await;
        browser.click("#set-callback").await;
        browser
            .until(
                "the new callback URL",
                &format!("return document.getElementById('callback-status').textContent.includes('{callbacks}')"),
            )
            .await;

        // A refused reply: its reason and JSON path, and the <script> text as text.
        browser.dial("+15550000001").await;
        browser.callback("ice", "refused").await;
        browser.click("#timeline li[data-event=\"ice\"] summary").await;
        let path = browser.text("#timeline li[data-event=\"ice\"] .issue-path").await;
        assert!(path.contains("conferenceId"), "{path}");
        let message = browser
            .text("#timeline li[data-event=\"ice\"] .issue-message")
            .await;
        assert!(!message.is_empty());
        let reply = browser
            .text("#timeline li[data-event=\"ice\"] .reply-body")
            .await;
        assert!(reply.contains("<script>window.pwned = 1</script>"), "{reply}");
        browser.callback("notify", "empty").await;
        let shot = browser.screenshot("refused.png").await;
        assert!(shot.exists());

        // An answer that is not JSON: shown as text, nothing of it runs.
        browser.dial("+15550000002").await;
        browser.callback("ice", "garbage").await;
        browser.click("#timeline li[data-event=\"ice\"] summary").await;
        let text = browser
            .text("#timeline li[data-event=\"ice\"] .reply-text")
            .await;
        assert!(text.contains("<script>window.pwned = 2</script>"), "{text}");
        assert_eq!(browser.js("return typeof window.pwned").await, json!("undefined"));
        assert_eq!(
            browser
                .js("return document.querySelectorAll('#timeline script, #timeline img').length")
                .await,
            json!(0)
        );

        // A 1 MB answer: the page cuts what it shows and keeps working.
        browser.dial("+15550000003").await;
        browser.callback("ice", "refused").await;
        browser.click("#timeline li[data-event=\"ice\"] summary").await;
        let big = browser
            .text("#timeline li[data-event=\"ice\"] .reply-body")
            .await;
        assert!(big.contains("more characters not shown"), "{}", &big[big.len().saturating_sub(200)..]);

        // Speech where the menu has enableVoice: the page shows a text box.
        browser.dial("+15550000005").await;
        browser.callback("ice", "accepted").await;
        browser
            .until(
                "the voice box",
                "return !document.getElementById('voice-form').hidden",
            )
            .await;
        browser.type_into("#voice-text", "sales please").await;
        browser.click("#voice-send").await;
        browser.callback("pie", "empty").await;
        browser
            .until(
                "what was heard in the transcript",
                "return [...document.querySelectorAll('#transcript li')].some(li => li.textContent === 'heard: sales please')",
            )
            .await;
        let pie = browser
            .text("#timeline li[data-event=\"pie\"] .gist")
            .await;
        assert!(pie.contains("(voice)"), "{pie}");

        // A slow server: the platform gave up waiting, and the timeline says so.
        browser.dial("+15550000006").await;
        browser.callback("ice", "error").await;
        browser.click("#timeline li[data-event=\"ice\"] summary").await;
        let verdict = browser.text("#timeline li[data-event=\"ice\"] .verdict").await;
        assert_eq!(verdict, "no answer in time", "the timeout, said plainly");

        // A callback server that is down: the timeline says so.
        let down = format!("http://127.0.0.1:{}/gone", free_port());
        browser.type_into("#callback-url", &down).await;
        browser.click("#set-callback").await;
        browser
            .until(
                "the dead callback URL",
                &format!("return document.getElementById('callback-status').textContent.includes('{down}')"),
            )
            .await;
        browser.dial("+15550000004").await;
        browser.callback("ice", "error").await;
        let badge = browser
            .text("#timeline li[data-event=\"ice\"] .badge")
            .await;
        assert_eq!(badge, "no usable answer");
        browser.client.clone().close().await.ok();
    });
}
