//! The enums only SVAML uses; each stays open (see [`crate::values`]).

use sinch_voice_values::open_enum;

open_enum! {
    /// SIP transport of `connectSip` (default UDP).
    pub enum Transport {
        /// UDP.
        Udp = "UDP",
        /// TCP.
        Tcp = "TCP",
        /// TLS.
        Tls = "TLS",
    }
}

open_enum! {
    /// Conference DTMF handling.
    pub enum DtmfMode {
        /// Tones are heard by everyone; nothing else happens (the default).
        Ignore = "ignore",
        /// Tones are forwarded to the other participants.
        Forward = "forward",
        /// Digits are sent to your backend as a PIE.
        Detect = "detect",
    }
}

open_enum! {
    /// Ring-back tone country of `connectPstn` (svaml.md §6.6; Norway is `no`, never `false`).
    pub enum Indications {
        /// Austria.
        At = "at",
        /// Australia.
        Au = "au",
        /// Bulgaria.
        Bg = "bg",
        /// Brazil.
        Br = "br",
        /// Belgium.
        Be = "be",
        /// Switzerland.
        Ch = "ch",
        /// Chile.
        Cl = "cl",
        /// China.
        Cn = "cn",
        /// Czechia.
        Cz = "cz",
        /// Germany.
        De = "de",
        /// Denmark.
        Dk = "dk",
        /// Estonia.
        Ee = "ee",
        /// Spain.
        Es = "es",
        /// Finland.
        Fi = "fi",
        /// France.
        Fr = "fr",
        /// Greece.
        Gr = "gr",
        /// Hungary.
        Hu = "hu",
        /// Israel.
        Il = "il",
        /// India.
        In = "in",
        /// Italy.
        It = "it",
        /// Lithuania.
        Lt = "lt",
        /// Japan.
        Jp = "jp",
        /// Mexico.
        Mx = "mx",
        /// Malaysia.
        My = "my",
        /// Netherlands.
        Nl = "nl",
        /// Norway.
        No = "no",
        /// New Zealand.
        Nz = "nz",
        /// Philippines.
        Ph = "ph",
        /// Poland.
        Pl = "pl",
        /// Portugal.
        Pt = "pt",
        /// Russia.
        Ru = "ru",
        /// Sweden.
        Se = "se",
        /// Singapore.
        Sg = "sg",
        /// Thailand.
        Th = "th",
        /// United Kingdom.
        Uk = "uk",
        /// United States.
        Us = "us",
        /// Taiwan.
        Tw = "tw",
        /// Venezuela.
        Ve = "ve",
        /// South Africa.
        Za = "za",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_ignore_case_and_unknown_ones_are_kept() {
        assert_eq!(Transport::parse("tls"), Transport::Tls);
        assert_eq!(serde_json::to_string(&Transport::Tls).unwrap(), "\"TLS\"");
        let future: Transport = serde_json::from_str("\"QUIC\"").unwrap();
        assert_eq!(future, Transport::Unknown("QUIC".into()));
        assert_eq!(serde_json::to_string(&future).unwrap(), "\"QUIC\"");
        assert_eq!(Indications::KNOWN.len(), 39);
        assert_eq!(Indications::No.as_str(), "no");
        assert_eq!(
            crate::values::DestinationType::parse("WEBSOCKET"),
            crate::values::DestinationType::Websocket
        );
    }
}
