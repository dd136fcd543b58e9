//! Assigns a number to this application for voice, points the callbacks at your server, and
//! unassigns another number.
//!
//! `cargo run -p sinch-voice --example numbers_and_callbacks -- --assign +14045001000 --callback-url https://ivr.example.com/sinch`

use clap::Parser;
use sinch_voice::{AssignNumbers, CallbackUrls, Capability, Client, UnassignNumber};

/// Configure numbers and callback URLs.
#[derive(Parser)]
struct Args {
    /// A number to assign to this application (E.164).
    #[arg(long)]
    assign: String,
    /// Where the platform sends callbacks.
    #[arg(long)]
    callback_url: String,
    /// Used when the callback URL fails.
    #[arg(long)]
    fallback_url: Option<String>,
    /// A number to take away from its application (E.164).
    #[arg(long)]
    unassign: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let client = Client::from_env()?;
    client
        .assign_numbers(AssignNumbers::new([&args.assign]).capability(Capability::Voice))
        .await?;
    let mut urls = CallbackUrls::primary(&args.callback_url);
    if let Some(fallback) = &args.fallback_url {
        urls = urls.fallback(fallback);
    }
    client.update_callback_urls(urls).await?;
    if let Some(number) = &args.unassign {
        client.unassign_number(UnassignNumber::new(number)).await?;
    }
    let now = client.get_callback_urls().await?;
    println!(
        "{} assigned; callbacks go to {}",
        args.assign,
        now.url.and_then(|u| u.primary).as_deref().unwrap_or("-")
    );
    Ok(())
}
