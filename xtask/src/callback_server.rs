//! `cargo xtask callback-server`: the IVR of `shared/peers/callback_server_node.mjs` on this
//! crate's `CallbackRouter` (verify, parse, answer the ICE with say + setCookie + runMenu), for
//! load runs side by side with the Node SDK's, and a wrk script that sends the peers' signed
//! 950-byte ICE to either.
//!
//! `cargo xtask callback-server --port 18802` serves; `cargo xtask callback-server --wrk-script
//! /tmp/ice.lua` writes the script (signed now: use it within 300 s) and exits.

use std::process::ExitCode;

use sinch_voice::Credentials;
use sinch_voice::callbacks::{CallbackHandler, CallbackRouter, HandlerError, IceEvent, Verifier};
use sinch_voice::signing::{SigningInput, format_timestamp, sign};
use sinch_voice::svaml::{IceResponse, Menu, Prompt, RunMenu};

const FIXTURES: &str = include_str!("../data/peers-fixtures.json");

/// `cargo xtask callback-server`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The port on 127.0.0.1.
    #[arg(long, default_value_t = 18802)]
    port: u16,
    /// Write a wrk script POSTing the peers' signed ICE (valid 300 s) and exit.
    #[arg(long, value_name = "FILE")]
    wrk_script: Option<String>,
    /// Tokio worker threads (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    workers: Option<u64>,
}

struct Ivr;

impl CallbackHandler for Ivr {
    async fn on_ice(&self, _: IceEvent<'static>) -> Result<IceResponse<'static>, HandlerError> {
        let menu = Menu::new("main")
            .prompt(Prompt::tts(
                "Press 1 for sales, 2 for support, 3 for reception.",
            ))
            .repeat(
                Prompt::tts("Press 1 for sales, 2 for support, 3 for reception."),
                2,
            )
            .max_digits(1)
            .timeout_mills(5000)
            .on_key_return("1", "confirm")
            .on_key_return("2", "reception")
            .on_key_return("3", "support");
        Ok(IceResponse::builder()
            .say("Welcome to Acme.", "en-GB")
            .set_cookie("flow", "reminder")
            .run_menu(
                RunMenu::new([menu])
                    .locale("en-GB")
                    .barge(true)
                    .main_menu("main"),
            )
            .build()?)
    }
}

fn fixture(key: &str) -> String {
    let fixtures: serde_json::Value = serde_json::from_str(FIXTURES).expect("fixtures are JSON");
    fixtures[key]
        .as_str()
        .expect("a string fixture")
        .to_string()
}

fn credentials() -> Credentials {
    Credentials::new(
        fixture("application_key"),
        fixture("application_secret_b64"),
    )
    .expect("the fixture credentials")
}

/// A wrk script POSTing the peers' ICE, signed now (valid for the verifier's 300 s window).
fn wrk_script() -> String {
    let credentials = credentials();
    let body = fixture("ice_body");
    let path = fixture("callback_path");
    let content_type = fixture("callback_content_type");
    let timestamp = format_timestamp(chrono::Utc::now());
    let signature = sign(
        &credentials,
        &SigningInput {
            method: "POST",
            path: &path,
            content_type: Some(&content_type),
            body: Some(body.as_bytes()),
            timestamp: &timestamp,
        },
    );
    let lua = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "wrk.method = \"POST\"\nwrk.path = \"{}\"\nwrk.body = \"{}\"\n\
         wrk.headers[\"Content-Type\"] = \"{}\"\nwrk.headers[\"x-timestamp\"] = \"{}\"\n\
         wrk.headers[\"Authorization\"] = \"{}\"\n",
        lua(&path),
        lua(&body),
        lua(&content_type),
        lua(&timestamp),
        lua(&signature.authorization)
    )
}

pub fn run(options: &Options) -> ExitCode {
    if let Some(file) = &options.wrk_script {
        if let Err(e) = std::fs::write(file, wrk_script()) {
            eprintln!("error: cannot write {file}: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {file}");
        return ExitCode::SUCCESS;
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = options.workers {
        runtime.worker_threads(workers as usize);
    }
    let runtime = runtime.enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let path = fixture("callback_path");
        let app = CallbackRouter::new(Verifier::new(&credentials()), Ivr).into_router(&path);
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", options.port);
                return ExitCode::FAILURE;
            }
        };
        println!("ready {} {path}", options.port);
        let _ = axum::serve(listener, app).await;
        ExitCode::SUCCESS
    })
}
