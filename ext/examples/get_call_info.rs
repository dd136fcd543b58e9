//! Reads a call: the vendor's `get_call_info` script.
//!
//! `cargo run -p sinch-voice --example get_call_info -- --call-id CALL_ID`

use clap::Parser;
use sinch_voice::Client;

/// Print what the platform knows of a call.
#[derive(Parser)]
struct Args {
    /// The call's id.
    #[arg(long)]
    call_id: String,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let call = Client::from_env()?.get_call(&args.call_id).await?;
    let text = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    println!("status:   {}", text(call.status.map(|s| s.to_string())));
    println!("result:   {}", text(call.result.map(|r| r.to_string())));
    println!("reason:   {}", text(call.reason.map(|r| r.to_string())));
    println!("to:       {}", text(call.to.map(|d| d.endpoint)));
    println!(
        "duration: {}",
        text(call.duration.map(|d| format!("{d} s")))
    );
    Ok(())
}
