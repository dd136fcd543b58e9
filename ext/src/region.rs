//! Sinch Voice regions and the two hosts every request goes to (the spec's `servers`).

use std::fmt;
use std::str::FromStr;

/// The configuration host: numbers, callback URLs and number query. Global only.
pub const CONFIGURATION_URL: &str = "https://callingapi.sinch.com";

/// Where calls, callouts and conferences are handled. Numbers and callback URLs always go to
/// [`CONFIGURATION_URL`], whatever the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// `calling.api.sinch.com`: Sinch routes the request to a suitable region.
    #[default]
    Global,
    /// United States / North America (`use1`).
    Use1,
    /// Europe (`euc1`).
    Euc1,
    /// South America (`sae1`).
    Sae1,
    /// Southeast Asia 1 (`apse1`).
    Apse1,
    /// Southeast Asia 2 (`apse2`).
    Apse2,
}

impl Region {
    /// Every region, in a stable order.
    pub const ALL: [Region; 6] = [
        Region::Global,
        Region::Use1,
        Region::Euc1,
        Region::Sae1,
        Region::Apse1,
        Region::Apse2,
    ];

    /// The short key Sinch uses (`global`, `use1`, `euc1`, ...); [`FromStr`] accepts it.
    pub fn key(self) -> &'static str {
        match self {
            Region::Global => "global",
            Region::Use1 => "use1",
            Region::Euc1 => "euc1",
            Region::Sae1 => "sae1",
            Region::Apse1 => "apse1",
            Region::Apse2 => "apse2",
        }
    }

    /// A readable name, e.g. "Europe".
    pub fn name(self) -> &'static str {
        match self {
            Region::Global => "Global (routed by Sinch)",
            Region::Use1 => "United States / North America",
            Region::Euc1 => "Europe",
            Region::Sae1 => "South America",
            Region::Apse1 => "Southeast Asia 1",
            Region::Apse2 => "Southeast Asia 2",
        }
    }

    /// The calling host of this region, e.g. `https://calling-euc1.api.sinch.com`.
    pub fn calling_url(self) -> &'static str {
        match self {
            Region::Global => "https://calling.api.sinch.com",
            Region::Use1 => "https://calling-use1.api.sinch.com",
            Region::Euc1 => "https://calling-euc1.api.sinch.com",
            Region::Sae1 => "https://calling-sae1.api.sinch.com",
            Region::Apse1 => "https://calling-apse1.api.sinch.com",
            Region::Apse2 => "https://calling-apse2.api.sinch.com",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A region key that is not one of [`Region::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Sinch Voice region {0:?}: expected one of global, use1, euc1, sae1, apse1, apse2")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;

    /// Accepts the key in any case, with surrounding spaces, and `calling-<key>` forms.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        let wanted = wanted.strip_prefix("calling-").unwrap_or(&wanted);
        Region::ALL
            .into_iter()
            .find(|r| r.key() == wanted)
            .ok_or_else(|| UnknownRegion(s.to_string()))
    }
}

/// Whether `host` is one of Sinch's calling hosts (the only hosts a `callResourceUrl` taken
/// from a callback may point the client at).
pub(crate) fn is_sinch_calling_host(host: &str) -> bool {
    Region::ALL
        .iter()
        .any(|r| r.calling_url().strip_prefix("https://") == Some(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_keys_are_named() {
        for region in Region::ALL {
            assert_eq!(region.key().parse::<Region>().unwrap(), region);
            assert_eq!(region.to_string(), region.key());
        }
        assert_eq!(" EUC1 ".parse::<Region>().unwrap(), Region::Euc1);
        assert_eq!("calling-apse2".parse::<Region>().unwrap(), Region::Apse2);
        let err = "mars1".parse::<Region>().unwrap_err();
        assert!(err.to_string().contains("\"mars1\""), "{err}");
    }

    #[test]
    fn only_sinch_calling_hosts_are_recognised() {
        assert!(is_sinch_calling_host("calling-euc1.api.sinch.com"));
        assert!(is_sinch_calling_host("calling.api.sinch.com"));
        assert!(!is_sinch_calling_host("callingapi.sinch.com"));
        assert!(!is_sinch_calling_host(
            "calling-euc1.api.sinch.com.evil.example"
        ));
        assert!(!is_sinch_calling_host("evil.example"));
    }
}
