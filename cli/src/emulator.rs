//! `sinch-voice emulator`: serve the emulator, or drive a running one through its control
//! API (`/_emulator/v1`, see spec/emulator-control.openapi.yaml).

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::{EmulatorArgs, EmulatorOp, Global};
use crate::failure::Failure;

/// Where the subcommands find a running emulator when `--emulator` is not given.
pub(crate) const URL_VAR: &str = "SINCH_VOICE_EMULATOR_URL";

/// How long `call --press` waits for the call to reach a menu (or any step).
const STEP_WAIT: Duration = Duration::from_secs(15);

pub(crate) fn run(global: &Global, args: EmulatorArgs) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Failed(format!("cannot start the async runtime: {e}")))?;
    match args.op {
        None => runtime.block_on(serve(args.port, args.listen, args.callback_url)),
        Some(op) => {
            let control = Control::new(global, args.emulator)?;
            runtime.block_on(control.run(global, op))
        }
    }
}

async fn serve(
    port: u16,
    listen: Option<String>,
    callback_url: Option<String>,
) -> Result<(), Failure> {
    let mut builder = sinch_voice_emulator::Emulator::builder();
    if let Some(address) = &listen {
        let address: std::net::IpAddr = address
            .parse()
            .map_err(|_| Failure::Usage(format!("--listen {address:?} is not an IP address")))?;
        builder = builder.listen_on(address);
    }
    if let Some(url) = &callback_url {
        reqwest::Url::parse(url)
            .map_err(|_| Failure::Usage(format!("--callback-url {url:?} is not a URL")))?;
        builder = builder.callback_url(url);
    }
    let host = listen.as_deref().unwrap_or("127.0.0.1");
    let emulator = builder
        .start_on(port)
        .await
        .map_err(|e| Failure::Failed(format!("cannot listen on {host}:{port}: {e}")))?;
    println!("Sinch Voice emulator at {}", emulator.url());
    println!("control API at {}", emulator.control_url());
    println!("console at {}", emulator.console_url());
    match &callback_url {
        Some(url) => println!("callbacks go to {url}"),
        None => println!(
            "callbacks go nowhere yet: set them with `numbers`/`callbacks set` or --callback-url"
        ),
    }
    println!("SINCH_APPLICATION_KEY={}", emulator.application_key());
    println!("SINCH_APPLICATION_SECRET={}", emulator.application_secret());
    println!("{}={}", sinch_voice::CALLING_URL_VAR, emulator.url());
    println!("{}={}", sinch_voice::CONFIGURATION_URL_VAR, emulator.url());
    println!("{URL_VAR}={}", emulator.url());
    println!("(ctrl-c to stop)");
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

struct Control {
    base: String,
    http: reqwest::Client,
}

fn base_of(url: &str) -> String {
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix("/_emulator/v1").unwrap_or(url);
    format!("{url}/_emulator/v1")
}

impl Control {
    fn new(global: &Global, emulator: Option<String>) -> Result<Self, Failure> {
        let url = emulator
            .or_else(|| std::env::var(URL_VAR).ok().filter(|v| !v.is_empty()))
            .or_else(|| global.calling_url.clone())
            .or_else(|| {
                std::env::var(sinch_voice::CALLING_URL_VAR)
                    .ok()
                    .filter(|v| !v.is_empty())
            })
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "where is the emulator? give --emulator URL or set {URL_VAR} (printed by `sinch-voice emulator`)"
                ))
            })?;
        let http = sinch_voice::http_client_builder()
            .no_proxy()
            .build()
            .map_err(|e| Failure::Failed(format!("cannot build an HTTP client: {e}")))?;
        Ok(Control {
            base: base_of(&url),
            http,
        })
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Failure> {
        let url = format!("{}{path}", self.base);
        let method: reqwest::Method = method.parse().expect("a valid method");
        let mut request = self.http.request(method.clone(), &url);
        if method == reqwest::Method::POST || method == reqwest::Method::PUT {
            request = request.json(&body.unwrap_or_else(|| json!({})));
        }
        let response = request
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| Failure::Network(format!("{url}: {e}")))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| Failure::Network(format!("{url}: {e}")))?;
        let value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status.is_success() {
            Ok(value)
        } else {
            let message = value["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            Err(Failure::Api(format!(
                "{} {}: {message} (errorCode {})",
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                value["errorCode"]
            )))
        }
    }

    async fn call_view(&self, id: &str) -> Result<Value, Failure> {
        self.request("GET", &format!("/calls/{id}"), None).await
    }

    /// Waits until `ready` holds for the call (or it finished).
    async fn wait(&self, id: &str, ready: impl Fn(&Value) -> bool) -> Result<Value, Failure> {
        let deadline = Instant::now() + STEP_WAIT;
        loop {
            let view = self.call_view(id).await?;
            if ready(&view) || view["finished"] == true {
                return Ok(view);
            }
            if Instant::now() > deadline {
                return Err(Failure::Failed(format!(
                    "call {id} did not get there within {STEP_WAIT:?}: phase {}",
                    view["phase"]
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn run(&self, global: &Global, op: EmulatorOp) -> Result<(), Failure> {
        match op {
            EmulatorOp::Call {
                from,
                to,
                domain,
                press,
                hangup,
                wait,
            } => {
                let call = self
                    .request(
                        "POST",
                        "/calls",
                        Some(json!({ "from": from, "to": to, "domain": domain })),
                    )
                    .await?;
                let id = call["callId"].as_str().unwrap_or_default().to_string();
                if !global.json {
                    println!("call {id}: {from} -> {to}");
                }
                let callbacks = |v: &Value| v["callbacks"].as_array().map_or(0, Vec::len);
                let mut view = self.wait(&id, |v| callbacks(v) > 0).await?;
                for keys in &press {
                    // A menu that listens now: the phase stays `inMenu` while a PIE is out,
                    // and keys pressed before the next menu listens would be lost.
                    view = self.wait(&id, |v| v["listening"].is_object()).await?;
                    if view["finished"] == true {
                        return Err(Failure::Failed(format!(
                            "call {id} ended before the caller could press {keys}: {} {}",
                            view["result"], view["reason"]
                        )));
                    }
                    let before = callbacks(&view);
                    self.request(
                        "POST",
                        &format!("/calls/{id}/keys"),
                        Some(json!({ "keys": keys })),
                    )
                    .await?;
                    if !global.json {
                        println!("pressed {keys}");
                    }
                    view = self.wait(&id, |v| callbacks(v) > before).await?;
                }
                if hangup && view["finished"] != true {
                    self.request("POST", &format!("/calls/{id}/hangup"), Some(json!({})))
                        .await?;
                }
                if hangup || wait {
                    view = self.wait(&id, |v| v["finished"] == true).await?;
                }
                print_call(global, &view);
                Ok(())
            }
            EmulatorOp::Press { id, keys } => {
                self.request(
                    "POST",
                    &format!("/calls/{id}/keys"),
                    Some(json!({ "keys": keys })),
                )
                .await?;
                done(global, &format!("pressed {keys} on {id}"));
                Ok(())
            }
            EmulatorOp::Speak { id, text } => {
                self.request(
                    "POST",
                    &format!("/calls/{id}/speech"),
                    Some(json!({ "text": text })),
                )
                .await?;
                done(global, &format!("said {text:?} on {id}"));
                Ok(())
            }
            EmulatorOp::Hangup { id, callee } => {
                let party = if callee { "callee" } else { "caller" };
                self.request(
                    "POST",
                    &format!("/calls/{id}/hangup"),
                    Some(json!({ "party": party })),
                )
                .await?;
                done(global, &format!("the {party} of {id} hung up"));
                Ok(())
            }
            EmulatorOp::Answer { id, answer } => {
                self.request(
                    "POST",
                    &format!("/calls/{id}/answer"),
                    Some(json!({ "as": answer })),
                )
                .await?;
                done(global, &format!("answered {id} as {answer}"));
                Ok(())
            }
            EmulatorOp::Conferences => {
                let rooms = self.request("GET", "/conferences", None).await?;
                if global.json {
                    println!("{}", rooms["conferences"]);
                } else {
                    if rooms["conferences"].as_array().is_none_or(Vec::is_empty) {
                        println!("no conferences");
                    }
                    for room in rooms["conferences"].as_array().into_iter().flatten() {
                        println!("{}", room["conferenceId"].as_str().unwrap_or(""));
                        for p in room["participants"].as_array().into_iter().flatten() {
                            println!(
                                "  {}  {}  {} s{}{}",
                                p["callId"].as_str().unwrap_or(""),
                                p["cli"].as_str().unwrap_or(""),
                                p["duration"],
                                if p["muted"] == true { "  muted" } else { "" },
                                if p["onHold"] == true { "  on hold" } else { "" },
                            );
                        }
                    }
                }
                Ok(())
            }
            EmulatorOp::Calls => {
                let calls = self.request("GET", "/calls", None).await?;
                if global.json {
                    println!("{}", calls["calls"]);
                } else {
                    if calls["calls"].as_array().is_none_or(Vec::is_empty) {
                        println!("no calls");
                    }
                    for call in calls["calls"].as_array().into_iter().flatten() {
                        println!(
                            "{}  {:8} {} -> {}  {} {} {}",
                            call["callId"].as_str().unwrap_or(""),
                            call["direction"].as_str().unwrap_or(""),
                            call["from"].as_str().unwrap_or(""),
                            call["to"].as_str().unwrap_or(""),
                            call["phase"].as_str().unwrap_or(""),
                            call["result"].as_str().unwrap_or(""),
                            call["reason"].as_str().unwrap_or(""),
                        );
                    }
                }
                Ok(())
            }
            EmulatorOp::Show { id } => {
                let view = self.call_view(&id).await?;
                print_call(global, &view);
                Ok(())
            }
            EmulatorOp::Requests { call } => {
                let path = match call {
                    Some(id) => {
                        // The query encoded as a form would be: any id reaches the emulator intact.
                        let mut url =
                            reqwest::Url::parse("http://emulator/requests").expect("a valid URL");
                        url.query_pairs_mut().append_pair("callId", &id);
                        format!("/requests?{}", url.query().unwrap_or(""))
                    }
                    None => "/requests".to_string(),
                };
                let requests = self.request("GET", &path, None).await?;
                if global.json {
                    println!("{}", requests["requests"]);
                } else {
                    for r in requests["requests"].as_array().into_iter().flatten() {
                        println!(
                            "#{} {} {} -> {} ({:.1} ms){}",
                            r["seq"],
                            r["method"].as_str().unwrap_or(""),
                            r["decodedPath"].as_str().unwrap_or(""),
                            r["status"],
                            r["tookMs"].as_f64().unwrap_or(0.0),
                            match &r["body"] {
                                Value::Null => String::new(),
                                body => format!("\n    {body}"),
                            }
                        );
                    }
                }
                Ok(())
            }
            EmulatorOp::Callee {
                behaviour,
                number,
                after_ms,
            } => {
                self.request(
                    "POST",
                    "/callees",
                    Some(json!({ "behaviour": behaviour, "number": number, "answerAfterMs": after_ms })),
                )
                .await?;
                done(global, &format!("next callee: {behaviour}"));
                Ok(())
            }
            EmulatorOp::Reset { quiet } => {
                self.request("POST", "/reset", Some(json!({ "quiet": quiet })))
                    .await?;
                done(global, "reset");
                Ok(())
            }
            EmulatorOp::Events { until_finished } => self.events(global, until_finished).await,
        }
    }

    /// Follows the event stream, one line per event.
    async fn events(&self, global: &Global, until_finished: Option<String>) -> Result<(), Failure> {
        let url = format!("{}/events", self.base);
        let mut response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| Failure::Network(format!("{url}: {e}")))?;
        if !response.status().is_success() {
            return Err(Failure::Api(format!("{url}: HTTP {}", response.status())));
        }
        // Subscribed first, then checked: a call that already finished ends the wait at once.
        if let Some(id) = &until_finished {
            let view = self.call_view(id).await?;
            if view["finished"] == true {
                if !global.json {
                    println!(
                        "call {id} is already over ({} {})",
                        view["result"], view["reason"]
                    );
                }
                return Ok(());
            }
        }
        let mut buffer = String::new();
        let mut stdout = std::io::stdout();
        loop {
            let chunk = tokio::select! {
                chunk = response.chunk() => chunk.map_err(|e| Failure::Network(format!("{url}: {e}")))?,
                _ = tokio::signal::ctrl_c() => return Ok(()),
            };
            let Some(chunk) = chunk else {
                return Ok(());
            };
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) else {
                    continue;
                };
                let event: Value = serde_json::from_str(data).unwrap_or(Value::Null);
                // Only events: the stream's opening data (no type) is not one.
                if !event["type"].is_string() {
                    continue;
                }
                if global.json {
                    let _ = writeln!(stdout, "{data}");
                } else {
                    let _ = writeln!(stdout, "{}", describe(&event));
                }
                let _ = stdout.flush();
                if let Some(id) = &until_finished
                    && event["type"] == "call.finished"
                    && event["callId"].as_str() == Some(id)
                {
                    return Ok(());
                }
            }
        }
    }
}

fn done(global: &Global, text: &str) {
    if global.json {
        println!("{}", json!({ "ok": true }));
    } else {
        println!("{text}");
    }
}

/// One line for an event of the stream.
fn describe(event: &Value) -> String {
    let id = event["callId"].as_str().unwrap_or("-");
    let data = &event["data"];
    let what = match event["type"].as_str().unwrap_or("") {
        "callback" => format!(
            "{} -> {} {}{}",
            data["event"].as_str().unwrap_or("").to_uppercase(),
            data["status"],
            match &data["reply"] {
                Value::Null => String::new(),
                reply => reply.to_string(),
            },
            data["error"]
                .as_str()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ),
        "transcript" => data["line"].as_str().unwrap_or("").to_string(),
        "request" => format!(
            "REST {} {} -> {}",
            data["method"].as_str().unwrap_or(""),
            data["decodedPath"].as_str().unwrap_or(""),
            data["status"]
        ),
        _ => data.to_string(),
    };
    format!(
        "{:>5} {:<14} {id}  {what}",
        event["seq"],
        event["type"].as_str().unwrap_or("")
    )
}

fn print_call(global: &Global, view: &Value) {
    if global.json {
        println!("{view}");
        return;
    }
    println!(
        "call {}  {} -> {}  {}  {} {}",
        view["callId"].as_str().unwrap_or(""),
        view["from"].as_str().unwrap_or(""),
        view["to"].as_str().unwrap_or(""),
        view["phase"].as_str().unwrap_or(""),
        view["result"].as_str().unwrap_or(""),
        view["reason"].as_str().unwrap_or("")
    );
    for line in view["transcript"].as_array().into_iter().flatten() {
        println!("  | {}", line.as_str().unwrap_or(""));
    }
    for callback in view["callbacks"].as_array().into_iter().flatten() {
        let sent = sent_summary(&callback["request"]);
        println!(
            "  {}{} -> {} {}",
            callback["event"].as_str().unwrap_or("").to_uppercase(),
            if sent.is_empty() {
                String::new()
            } else {
                format!(" ({sent})")
            },
            callback["status"],
            match &callback["reply"] {
                Value::Null => callback["error"].as_str().unwrap_or("").to_string(),
                reply => reply.to_string(),
            }
        );
        if callback["verdict"]["accepted"] == false {
            for issue in callback["verdict"]["issues"]
                .as_array()
                .into_iter()
                .flatten()
            {
                println!(
                    "      refused at {}: {}",
                    issue["path"].as_str().unwrap_or("$"),
                    issue["message"].as_str().unwrap_or("")
                );
            }
        }
    }
    if let Some(legs) = view["legs"].as_array().filter(|l| !l.is_empty()) {
        println!(
            "  legs: {}",
            legs.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// What a callback told the app that matters most: a PIE's menu result, a DiCE's outcome.
fn sent_summary(request: &Value) -> String {
    let field = |v: &Value| v.as_str().unwrap_or("").to_string();
    match request["event"].as_str() {
        Some("pie") => {
            let result = &request["menuResult"];
            let mut text = format!(
                "menu {} {}",
                field(&result["menuId"]),
                field(&result["type"])
            );
            if let Some(value) = result["value"].as_str().filter(|v| !v.is_empty()) {
                text.push_str(&format!(" {value}"));
            }
            text
        }
        Some("dice") => format!(
            "{} {}",
            field(&request["result"]),
            field(&request["reason"])
        ),
        _ => String::new(),
    }
}
