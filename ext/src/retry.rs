//! When to try a request again, how long to wait, and how much retrying a client may do in all.
//!
//! Which requests are retried comes from the spec (each operation's
//! [`Retry`](sinch_voice_raw::operations::Retry), from its method and `x-sinch-retry`):
//! - `Repeatable` (GET, PATCH, DELETE; the configuration POSTs, which set state to a given
//!   value): retried on transport failures, timeouts, 429 and 500/502/503/504.
//! - `NeverTwice` (the callout POST, and any POST the spec does not mark): it may place a
//!   call, so it is retried only when the request provably never left ([`Error::NotSent`]:
//!   connection refused, DNS, TLS handshake). A timeout, a dropped connection or any answer
//!   (even 503) is returned as it is: a retry must never place a second call.

use std::sync::Mutex;
use std::time::Duration;

use sinch_voice_raw::operations::Retry;

use crate::Error;

/// How a request may be retried. Disabled with [`RetryPolicy::none`].
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The backoff before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// The backoff never exceeds this.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is capped to it. Whatever the value, a wait that
    /// would end after the overall timeout is not waited for: the error is returned.
    pub max_retry_after: Duration,
    /// The budget shared by every request of a client.
    pub budget: BudgetSettings,
}

/// A token bucket: each first attempt deposits `deposit_per_request`, each retry withdraws
/// one token; with the bucket empty, errors are returned without retrying. During an outage
/// retries therefore add at most about `deposit_per_request` of load, after `initial_tokens`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetSettings {
    /// Tokens available at the start.
    pub initial_tokens: f64,
    /// Tokens the bucket can hold.
    pub max_tokens: f64,
    /// Tokens added per first attempt.
    pub deposit_per_request: f64,
}

impl Default for BudgetSettings {
    fn default() -> Self {
        BudgetSettings {
            initial_tokens: 10.0,
            max_tokens: 100.0,
            deposit_per_request: 0.2,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            budget: BudgetSettings::default(),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry): full jitter over a
    /// capped exponential, or the server's `Retry-After` (capped) when it gave one.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max_retry_after);
        }
        let exponent = retry.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        // Never `mul_f64`: a ceiling near `Duration::MAX` would overflow it.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * fastrand::f64())
            .unwrap_or(ceiling)
            .min(ceiling)
    }
}

pub(crate) fn should_retry(error: &Error, retry: Retry) -> bool {
    match retry {
        Retry::Repeatable => error.is_retryable(),
        Retry::NeverTwice => matches!(error, Error::NotSent { .. }),
    }
}

/// The shared token bucket of [`BudgetSettings`].
#[derive(Debug)]
pub(crate) struct RetryBudget {
    settings: BudgetSettings,
    tokens: Mutex<f64>,
}

impl RetryBudget {
    pub(crate) fn new(settings: BudgetSettings) -> Self {
        RetryBudget {
            settings,
            tokens: Mutex::new(settings.initial_tokens.min(settings.max_tokens)),
        }
    }

    pub(crate) fn deposit(&self) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = (*tokens + self.settings.deposit_per_request).min(self.settings.max_tokens);
    }

    /// Takes one token for a retry; `false` when the budget is spent.
    pub(crate) fn withdraw(&self) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than a u64 holds is still "a very long time", not "no advice".
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_under_a_capped_exponential() {
        let policy = RetryPolicy::default();
        for retry in 1..40 {
            let ceiling = (Duration::from_millis(100) * 2u32.saturating_pow((retry - 1).min(20)))
                .min(Duration::from_secs(5));
            let d = policy.delay(retry, None);
            assert!(d <= ceiling, "retry {retry}: {d:?} > {ceiling:?}");
        }
        let unbounded = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..RetryPolicy::default()
        };
        for retry in 1..40 {
            unbounded.delay(retry, None);
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(30)
        );
        let patient = RetryPolicy {
            max_retry_after: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(
            patient.delay(1, Some(Duration::from_secs(u64::MAX))),
            Duration::from_secs(u64::MAX)
        );
    }

    #[test]
    fn the_largest_retry_after_parses_and_larger_ones_saturate() {
        let now = chrono::Utc::now();
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).map(|d| d > Duration::ZERO),
            Some(true)
        );
    }

    #[test]
    fn the_budget_runs_out_and_refills_with_traffic() {
        let budget = RetryBudget::new(BudgetSettings {
            initial_tokens: 2.0,
            max_tokens: 3.0,
            deposit_per_request: 0.5,
        });
        assert!(budget.withdraw());
        assert!(budget.withdraw());
        assert!(!budget.withdraw());
        budget.deposit();
        assert!(!budget.withdraw());
        budget.deposit();
        assert!(budget.withdraw());
        for _ in 0..100 {
            budget.deposit();
        }
        assert!(budget.withdraw() && budget.withdraw() && budget.withdraw());
        assert!(!budget.withdraw());
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 10:00:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn a_callout_is_retried_only_when_not_sent() {
        let not_sent = Error::NotSent {
            operation: "create_callout",
            source: crate::http_client_builder()
                .build()
                .unwrap()
                .get("not a url")
                .build()
                .expect_err("not a URL"),
        };
        let timeout = Error::Timeout {
            operation: "create_callout",
            after: Duration::from_secs(1),
            scope: crate::TimeoutScope::Attempt,
        };
        assert!(should_retry(&not_sent, Retry::NeverTwice));
        assert!(!should_retry(&timeout, Retry::NeverTwice));
        assert!(should_retry(&timeout, Retry::Repeatable));
    }
}
