//! Calls a number into a conference room: the vendor's `make_conference_call` script.
//!
//! `cargo run -p sinch-voice --example make_conference_call -- --to +14045005000 --conference-id myRoom`

use clap::Parser;
use sinch_voice::{Client, ConferenceCallout};

/// Place a conference callout.
#[derive(Parser)]
struct Args {
    /// Whom to call (E.164).
    #[arg(long)]
    to: String,
    /// The room (created if it does not exist).
    #[arg(long)]
    conference_id: String,
    /// The caller id shown (E.164).
    #[arg(long, default_value = "+14045001000")]
    cli: String,
    /// Spoken to the callee on joining.
    #[arg(long)]
    greeting: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let client = Client::from_env()?;
    let mut callout = ConferenceCallout::to(&args.to, &args.conference_id)
        .cli(&args.cli)
        .enable_ace(true);
    if let Some(greeting) = &args.greeting {
        callout = callout.greeting(greeting).locale("en-US");
    }
    let call_id = client.callout(callout).await?;
    println!("Call ID: {call_id}");
    Ok(())
}
