//! Conferences (rest-api.md §4.6): who is in a room, and mute, hold, resume or remove them.
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

use serde::{Deserialize, Serialize};
use sinch_voice_raw::types;

use crate::client::Client;
use crate::error::Error;
use crate::values::MusicOnHold;
use crate::wire;

/// The participants of an ongoing conference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConferenceInfo {
    /// Everyone in the room.
    #[serde(default)]
    pub participants: Vec<Participant>,
}

/// One participant of a conference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Participant {
    /// The call id of the participant's leg (what the participant commands take).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E.164 for phone participants, or the cli of a data call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Seconds connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Muted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// On hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onhold: Option<bool>,
}

/// The body of "manage participant".
#[derive(Serialize)]
struct ParticipantCommand {
    command: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    moh: Option<MusicOnHold>,
}

impl Client {
    /// Lists the participants of an ongoing conference.
    pub async fn get_conference(&self, conference_id: &str) -> Result<ConferenceInfo, Error> {
        let conference_id = wire::conference_id("conference_id", conference_id)?;
        let raw = self.raw_calling();
        let info: types::ConferenceInfo = self
            .transport()
            .run(self.calling_op_repeatable("get_conference", "GET"), || {
                raw.get_conference().conference_id(conference_id).send()
            })
            .await?;
        wire::from_raw("get_conference", &info)
    }

    /// Removes every participant, ending the conference.
    pub async fn kick_all_from_conference(&self, conference_id: &str) -> Result<(), Error> {
        let conference_id = wire::conference_id("conference_id", conference_id)?;
        let raw = self.raw_calling();
        self.transport()
            .run(
                self.calling_op_repeatable("kick_all_from_conference", "DELETE"),
                || {
                    raw.kick_all_from_conference()
                        .conference_id(conference_id)
                        .send()
                },
            )
            .await
    }

    /// Removes one participant (by the call id of their leg).
    pub async fn kick_participant(&self, conference_id: &str, call_id: &str) -> Result<(), Error> {
        let conference_id = wire::conference_id("conference_id", conference_id)?;
        let call_id = wire::call_id("call_id", call_id)?;
        let raw = self.raw_calling();
        self.transport()
            .run(
                self.calling_op_repeatable("kick_participant_from_conference", "DELETE"),
                || {
                    raw.kick_participant_from_conference()
                        .conference_id(conference_id)
                        .call_id(call_id)
                        .send()
                },
            )
            .await
    }

    /// Mutes a participant: the others no longer hear them.
    pub async fn mute_participant(&self, conference_id: &str, call_id: &str) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, "mute", None)
            .await
    }

    /// Unmutes a participant.
    pub async fn unmute_participant(
        &self,
        conference_id: &str,
        call_id: &str,
    ) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, "unmute", None)
            .await
    }

    /// Puts a participant on hold, hearing `music` (silence when `None`).
    pub async fn hold_participant(
        &self,
        conference_id: &str,
        call_id: &str,
        music: Option<MusicOnHold>,
    ) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, "onhold", music)
            .await
    }

    /// Takes a participant off hold.
    pub async fn resume_participant(
        &self,
        conference_id: &str,
        call_id: &str,
    ) -> Result<(), Error> {
        self.participant_command(conference_id, call_id, "resume", None)
            .await
    }

    async fn participant_command(
        &self,
        conference_id: &str,
        call_id: &str,
        command: &'static str,
        moh: Option<MusicOnHold>,
    ) -> Result<(), Error> {
        let conference_id = wire::conference_id("conference_id", conference_id)?;
        let call_id = wire::call_id("call_id", call_id)?;
        let body: types::ManageParticipantRequest =
            wire::to_raw("participant", &ParticipantCommand { command, moh })?;
        let raw = self.raw_calling();
        self.transport()
            .run(
                self.calling_op_repeatable("manage_conference_participant", "PATCH"),
                || {
                    raw.manage_conference_participant()
                        .conference_id(conference_id)
                        .call_id(call_id)
                        .body(body.clone())
                        .send()
                },
            )
            .await
    }
}
