//! Lists the account's numbers: the vendor's `list_numbers` script.
//!
//! `cargo run -p sinch-voice --example list_numbers`

use sinch_voice::Client;

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    for number in Client::from_env()?.list_numbers().await?.numbers {
        println!(
            "{} {} {}",
            number.number.as_deref().unwrap_or("-"),
            number.capability.as_ref().map_or("-", |c| c.as_str()),
            number.applicationkey.as_deref().unwrap_or("(unassigned)"),
        );
    }
    Ok(())
}
