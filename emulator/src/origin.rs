//! The guard in front of everything the emulator serves (the control API and the console, which
//! need no credentials, and the REST API, whose credentials are fixed and printed): a web page
//! the developer visits can send requests to localhost, so the `Host` must be a loopback name or
//! an IP literal (no DNS rebinding), an `Origin` must be the emulator's own, and cross-site
//! fetches (`Sec-Fetch-Site`) are refused.

use axum::extract::Request;
use axum::http::{StatusCode, header};

use crate::error::ApiError;

/// The host part of a `Host` value (`[::1]:80` gives `::1`).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// Refuses what a page from another origin could send.
pub(crate) fn check(request: &Request) -> Result<(), ApiError> {
    let forbidden = |m: String| ApiError::new(StatusCode::FORBIDDEN, 40300, m);
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host_name(host);
    let loopback_or_ip =
        name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok();
    if !loopback_or_ip {
        return Err(forbidden(format!(
            "Host {host:?} refused: use 127.0.0.1, localhost or an IP address"
        )));
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if origin != format!("http://{host}") {
            return Err(forbidden(format!(
                "Origin {origin:?} refused: the emulator takes no cross-origin requests"
            )));
        }
    }
    let site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if matches!(site, Some("cross-site") | Some("same-site")) {
        return Err(forbidden(
            "cross-site request refused (Sec-Fetch-Site)".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("localhost"), "localhost");
    }
}
