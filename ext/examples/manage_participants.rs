//! Mutes, holds (with music), resumes and unmutes every participant of a conference.
//!
//! `cargo run -p sinch-voice --example manage_participants -- --conference-id myRoom`

use clap::Parser;
use sinch_voice::{Client, MusicOnHold};

/// Walk every participant of a room through mute, hold, resume and unmute.
#[derive(Parser)]
struct Args {
    /// The room.
    #[arg(long)]
    conference_id: String,
}

#[tokio::main]
async fn main() -> Result<(), sinch_voice::Error> {
    let args = Args::parse();
    let client = Client::from_env()?;
    let room = args.conference_id.as_str();
    for participant in client.get_conference(room).await?.participants {
        let Some(call) = participant.id.as_deref() else {
            continue;
        };
        client.mute_participant(room, call).await?;
        client
            .hold_participant(room, call, Some(MusicOnHold::Music1))
            .await?;
        client.resume_participant(room, call).await?;
        client.unmute_participant(room, call).await?;
        println!("{call}: muted, held, resumed, unmuted");
    }
    Ok(())
}
