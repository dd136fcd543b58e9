//! Calls a number and speaks a text: the vendor's `make_tts_call` script.
//!
//! `cargo run -p sinch-voice --example make_tts_call -- --to +14045005000 --text "Hello"`
//! (credentials from SINCH_APPLICATION_KEY / SINCH_APPLICATION_SECRET, SINCH_VOICE_REGION).

use clap::Parser;
use sinch_voice::{Client, TtsCallout};

/// Place a text-to-speech callout.
#[derive(Parser)]
struct Args {
    /// Whom to call (E.164).
    #[arg(long)]
    to: String,
    /// What to say.
    #[arg(long)]
    text: String,
    /// The caller id shown (E.164).
    #[arg(long, default_value = "+14045001000")]
    cli: String,
    /// Language or voice of the text.
    #[arg(long, default_value = "en-US")]
    locale: String,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let client = Client::from_env()?;
    let callout = TtsCallout::to(&args.to)
        .cli(&args.cli)
        .text(&args.text)
        .locale(&args.locale);
    let call_id = client.callout(callout).await?;
    println!("Call ID: {call_id}");
    Ok(())
}
