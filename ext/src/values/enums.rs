//! Enums the platform may extend (shared by REST, SVAML and callbacks): known values are typed, anything else is kept as written
//! (`Unknown`), parsing ignores case, and serialising emits the canonical spelling.

use sinch_voice_values::open_enum;

open_enum! {
    /// What a lone or held participant hears (`moh`, `mohClass`).
    pub enum MusicOnHold {
        /// Progress tone.
        Ring = "ring",
        /// Music 1.
        Music1 = "music1",
        /// Music 2.
        Music2 = "music2",
        /// Music 3.
        Music3 = "music3",
    }
}

open_enum! {
    /// Where a call is terminated or comes from (`domain`, `originationType`). A callout's
    /// `domain` takes `pstn` or `mxp`.
    pub enum Domain {
        /// The phone network.
        Pstn = "pstn",
        /// In-app (Sinch SDK clients).
        Mxp = "mxp",
        /// A conference.
        Conference = "conference",
        /// SIP.
        Sip = "sip",
    }
}

open_enum! {
    /// How a call ended (DiCE `result`, call information `result`).
    pub enum CallResult {
        /// Not applicable.
        NotApplicable = "N/A",
        /// Answered.
        Answered = "ANSWERED",
        /// Busy.
        Busy = "BUSY",
        /// Not answered.
        NoAnswer = "NOANSWER",
        /// Failed.
        Failed = "FAILED",
    }
}

open_enum! {
    /// Why a call ended (DiCE `reason`, call information `reason`; callbacks.md §5).
    pub enum CallEndReason {
        /// Not applicable.
        NotApplicable = "N/A",
        /// The call was connected.
        Established = "ESTABLISHED",
        /// Another instance of the same user answered.
        OtherPeerAnswered = "OTHERPEERANSWERED",
        /// A timeout (dialTimeout, maxDuration).
        Timeout = "TIMEOUT",
        /// The caller hung up.
        CallerHangup = "CALLERHANGUP",
        /// The callee hung up.
        CalleeHangup = "CALLEEHANGUP",
        /// Blocked.
        Blocked = "BLOCKED",
        /// Ended by the platform (a hangup action, REST).
        ManagerHangup = "MANAGERHANGUP",
        /// Not enough credit.
        NoCreditPartner = "NOCREDITPARTNER",
        /// Client network problem.
        ClientNetwork = "CLIENTNETWORK",
        /// No route.
        Congestion = "CONGESTION",
        /// Unspecified error.
        GeneralError = "GENERALERROR",
        /// Cancelled.
        Cancel = "CANCEL",
        /// User not found.
        UserNotFound = "USERNOTFOUND",
        /// Your callback failed.
        CallbackError = "CALLBACKERROR",
        /// Your SVAML asked for something the call cannot do.
        InvalidSvamlAction = "INVALIDSVAMLACTION",
    }
}

open_enum! {
    /// Whether a call is still going (call information `status`).
    pub enum CallStatus {
        /// In progress.
        Ongoing = "ONGOING",
        /// Ended.
        Final = "FINAL",
    }
}

open_enum! {
    /// What a number is used for.
    pub enum Capability {
        /// Calls.
        Voice = "voice",
        /// Text messages.
        Sms = "sms",
    }
}

open_enum! {
    /// The kind of a number (number query).
    pub enum NumberType {
        /// The platform does not know (sent as `Unknown`).
        Unspecified = "Unknown",
        /// A landline.
        Fixed = "Fixed",
        /// A mobile phone.
        Mobile = "Mobile",
        /// Something else.
        Other = "Other",
    }
}
