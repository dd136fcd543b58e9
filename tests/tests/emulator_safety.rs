//! The emulator is safe to leave running on a developer's machine: a web page cannot reach
//! its REST API through DNS rebinding, a slow or lying sender cannot hold a connection, and
//! idle connections are capped. Raw TCP on 127.0.0.1, since reqwest cannot misbehave enough.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sinch_voice_emulator::{Config, Emulator, EmulatorHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: Duration = Duration::from_millis(300);

async fn emulator(config: Config) -> EmulatorHandle {
    Emulator::builder()
        .config(config)
        .callback_url("http://127.0.0.1:9/before")
        .start()
        .await
        .unwrap()
}

fn address(emulator: &EmulatorHandle) -> String {
    emulator.url().trim_start_matches("http://").to_string()
}

/// Sends `head` (and `body`), then reads until the server closes or `within` passes.
/// Returns what came back and whether the connection was closed.
async fn exchange(address: &str, request: &[u8], within: Duration) -> (String, bool) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    read_until_closed(&mut stream, within).await
}

async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

#[tokio::test]
async fn a_dns_rebinding_page_cannot_change_the_callback_url() {
    let emulator = emulator(Config::default()).await;
    let address = address(&emulator);
    let port = address.rsplit(':').next().unwrap();
    let basic = STANDARD.encode(format!(
        "{}:{}",
        emulator.application_key(),
        emulator.application_secret()
    ));
    let body = r#"{"url":{"primary":"https://evil.example/steal"}}"#;
    let request = |host: &str, origin: Option<&str>| {
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        format!(
            "POST /v1/configuration/callbacks/applications/{} HTTP/1.1\r\nHost: {host}\r\n{origin}\
             Authorization: Basic {basic}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            emulator.application_key(),
            body.len()
        )
    };
    // What the page sends once evil.example resolves to 127.0.0.1.
    let evil = format!("evil.example:{port}");
    let (answer, _) = exchange(
        &address,
        request(&evil, Some(&format!("http://{evil}"))).as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("40300"), "{answer}");
    // No Origin at all (a form post, a fetch in no-cors mode): the Host alone is refused.
    let (answer, _) = exchange(
        &address,
        request(&evil, None).as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    let callbacks = emulator_callbacks(&emulator).await;
    assert!(callbacks.contains("/before"), "{callbacks}");
    // The same request from a client on this machine is served.
    let (answer, _) = exchange(
        &address,
        request(&address, None).as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    assert!(
        emulator_callbacks(&emulator)
            .await
            .contains("evil.example/steal")
    );
}

async fn emulator_callbacks(emulator: &EmulatorHandle) -> String {
    let client = sinch_voice::Client::builder()
        .credentials(emulator.credentials())
        .calling_url(emulator.url())
        .configuration_url(emulator.url())
        .build()
        .unwrap();
    format!("{:?}", client.get_callback_urls().await.unwrap())
}

#[tokio::test]
async fn a_body_that_does_not_arrive_is_408_and_the_connection_closes() {
    let emulator = emulator(Config {
        body_timeout: SHORT,
        ..Config::default()
    })
    .await;
    let head = "POST /calling/v1/callouts HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"method\":";
    let started = Instant::now();
    let (answer, closed) =
        exchange(&address(&emulator), head.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("40800"), "{answer}");
    assert!(closed, "the connection stayed open: {answer}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(emulator.call_ids().is_empty());
}

#[tokio::test]
async fn a_body_declared_too_large_is_413_before_it_is_read() {
    let emulator = emulator(Config::default()).await;
    // Declares 50 MB and sends 1 KB: answered at once, not waited for.
    let mut request = b"POST /calling/v1/callouts HTTP/1.1\r\nHost: 127.0.0.1\r\n\
        Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"
        .to_vec();
    request.extend(std::iter::repeat_n(b' ', 1024));
    let started = Instant::now();
    let (answer, _) = exchange(&address(&emulator), &request, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("41300"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The control API answers a large body with the same code.
    let control = emulator.control_url();
    let path = control.trim_start_matches(emulator.url());
    let request = format!(
        "POST {path}/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: 52428800\r\n\r\n{{"
    );
    let (answer, _) = exchange(
        &address(&emulator),
        request.as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("41300"), "{answer}");
}

#[tokio::test]
async fn a_head_that_does_not_arrive_and_an_idle_connection_are_closed() {
    let emulator = emulator(Config {
        header_timeout: SHORT,
        ..Config::default()
    })
    .await;
    let started = Instant::now();
    let (answer, closed) = exchange(
        &address(&emulator),
        b"GET /calling/v1/calls/id/x HTTP/1.1\r\nHost: 127",
        Duration::from_secs(5),
    )
    .await;
    assert!(closed, "a half head kept the connection: {answer}");
    assert!(started.elapsed() < Duration::from_secs(4));
    // Keep-alive: one answered request, then silence; the connection is closed too.
    let mut stream = TcpStream::connect(address(&emulator)).await.unwrap();
    stream
        .write_all(b"GET /_emulator/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle keep-alive connection stayed open");
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_on_accept() {
    let emulator = emulator(Config {
        max_connections: 3,
        ..Config::default()
    })
    .await;
    let address = address(&emulator);
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(TcpStream::connect(&address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (answer, closed) = exchange(
        &address,
        b"GET /_emulator/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        Duration::from_secs(2),
    )
    .await;
    assert!(
        closed && answer.is_empty(),
        "a fourth connection was served: {answer}"
    );
    // One idle connection goes away: the next is served.
    drop(idle.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (answer, _) = exchange(
        &address,
        b"GET /_emulator/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
