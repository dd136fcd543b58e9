//! Speaks to one leg of a call, then hangs the call up.
//!
//! `cargo run -p sinch-voice --example call_leg -- --call-id CALL_ID --say "Two minutes left."`

use clap::Parser;
use sinch_voice::svaml::{CallUpdate, LegUpdate};
use sinch_voice::{CallLeg, Client};

/// Play a prompt on the callee's leg, then end the call.
#[derive(Parser)]
struct Args {
    /// The call's id.
    #[arg(long)]
    call_id: String,
    /// What the callee hears.
    #[arg(long)]
    say: String,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let client = Client::from_env()?;
    let prompt = LegUpdate::builder().say(&args.say, "en-US").build()?;
    client
        .manage_call_leg(&args.call_id, CallLeg::Callee, &prompt)
        .await?;
    let hangup = CallUpdate::builder()
        .say("Goodbye.", "en-US")
        .hangup()
        .build()?;
    client.update_call(&args.call_id, &hangup).await?;
    println!("{}: told the callee, then hung up", args.call_id);
    Ok(())
}
