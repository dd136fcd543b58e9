//! Conferences (spec `getConference`, `manageConferenceParticipant`,
//! `kickParticipantFromConference`, `kickAllFromConference`): who is in a room, and mute, hold,
//! resume or remove them.
//!
//! ```no_run
//! # async fn run(client: sinch_voice::Client) -> Result<(), sinch_voice::Error> {
//! use sinch_voice::MusicOnHold;
//!
//! let room = client.get_conference("standup").await?;
//! for participant in &room.participants {
//!     if let Some(id) = &participant.id {
//!         client.hold_participant("standup", id, Some(MusicOnHold::Music1)).await?;
//!     }
//! }
//! # Ok(()) }
//! ```

use sinch_voice_raw::types::ManageParticipantRequestCommand as Command;

use crate::client::Client;
use crate::error::Error;
use crate::values::MusicOnHold;

/// The participants of an ongoing conference (`get_conference`), as the spec declares them.
pub use sinch_voice_raw::types::ConferenceInfo;

/// One participant of a conference: `id` is the call id of their leg.
pub use sinch_voice_raw::types::Participant;

impl Client {
    /// Mutes a participant: the others no longer hear them.
    pub async fn mute_participant(&self, conference_id: &str, call_id: &str) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, Command::Mute, None)
            .await
    }

    /// Unmutes a participant.
    pub async fn unmute_participant(
        &self,
        conference_id: &str,
        call_id: &str,
    ) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, Command::Unmute, None)
            .await
    }

    /// Puts a participant on hold, hearing `music` (silence when `None`).
    pub async fn hold_participant(
        &self,
        conference_id: &str,
        call_id: &str,
        music: Option<MusicOnHold>,
    ) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, Command::Onhold, music)
            .await
    }

    /// Takes a participant off hold.
    pub async fn resume_participant(
        &self,
        conference_id: &str,
        call_id: &str,
    ) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, Command::Resume, None)
            .await
    }

    async fn participant_command(
        &self,
        conference_id: &str,
        call_id: &str,
        command: Command,
        moh: Option<MusicOnHold>,
    ) -> Result<(), Error> {
        let mut request = crate::raw::requests::ManageParticipantRequest::new(command);
        if let Some(moh) = moh {
            request = request.moh(moh);
        }
        self.manage_conference_participant(conference_id, call_id, request)
            .await
    }
}
