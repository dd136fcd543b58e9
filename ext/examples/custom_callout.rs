//! A custom callout whose replies are given up front as typed SVAML: the callee hears a
//! greeting and is connected to another number; answered calls simply continue.
//!
//! `cargo run -p sinch-voice --example custom_callout -- --to +14045005000 --connect +14045009000`

use clap::Parser;
use sinch_voice::svaml::{AceResponse, ConnectPstn, IceResponse};
use sinch_voice::{Client, CustomCallout};

/// Place a custom callout driven by SVAML.
#[derive(Parser)]
struct Args {
    /// Whom to call first (E.164).
    #[arg(long)]
    to: String,
    /// Where to connect them (E.164).
    #[arg(long)]
    connect: String,
    /// The caller id shown (E.164).
    #[arg(long, default_value = "+14045001000")]
    cli: String,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let ice = IceResponse::builder()
        .say("Connecting you now.", "en-US")
        .connect_pstn(ConnectPstn::to(&args.connect).cli(&args.cli))
        .build()?;
    let callout = CustomCallout::new()
        .ice(ice)
        .destination(&args.to)
        .cli(&args.cli)
        .ace(AceResponse::builder().proceed().build()?);
    let call_id = Client::from_env()?.callout(callout).await?;
    println!("Call ID: {call_id}");
    Ok(())
}
