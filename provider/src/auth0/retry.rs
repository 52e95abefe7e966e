//! When and how long to wait before sending again, and what is safe to log.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqwest::header::HeaderMap;

/// Server errors worth another try: the request may simply have hit a bad moment.
pub(crate) const RETRYABLE_STATUSES: [u16; 4] = [500, 502, 503, 504];

const BACKOFF_START: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// Without X-RateLimit-Reset, 429 waits double from 1 s up to this.
const RATE_LIMIT_BACKOFF_CAP: Duration = Duration::from_secs(32);
/// A reset time further out than this is taken as this: the caller then gives up at once
/// (no request waits longer than auth0:rateLimitWaitSeconds, at most a day), and adding it to
/// the clock cannot overflow.
const RATE_LIMIT_MAX_WAIT: Duration = Duration::from_secs(2 * 86_400);
/// A reset time at or before now still needs a moment: Auth0's clock is not ours.
const RATE_LIMIT_MIN_WAIT: Duration = Duration::from_millis(100);

/// Jittered exponential backoff for retry number `retry` (0-based): half to all of
/// 200 ms, 400 ms, 800 ms, … capped at 5 s, so concurrent retries spread out.
pub(crate) fn backoff_delay(retry: u32) -> Duration {
    let full = BACKOFF_START
        .saturating_mul(1u32 << retry.min(16))
        .min(BACKOFF_CAP);
    full.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

/// Up to 250 ms added to each 429 wait.
pub(crate) fn rate_limit_jitter() -> Duration {
    Duration::from_millis(rand::thread_rng().gen_range(0..=250))
}

pub(crate) fn unix_now_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// How long to wait after a 429: until X-RateLimit-Reset (UNIX seconds) if Auth0 sent it,
/// else 1 s, 2 s, 4 s, … for successive 429s (`round` counts them from 0).
pub(crate) fn rate_limit_delay(headers: &HeaderMap, now_unix: f64, round: u32) -> Duration {
    let reset = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite());
    match reset {
        Some(reset) => Duration::try_from_secs_f64((reset - now_unix).max(0.0))
            .unwrap_or(RATE_LIMIT_MAX_WAIT)
            .clamp(RATE_LIMIT_MIN_WAIT, RATE_LIMIT_MAX_WAIT),
        None => Duration::from_secs(1u64 << round.min(5)).min(RATE_LIMIT_BACKOFF_CAP),
    }
}

/// Fields whose string values are credentials (a client's `refresh_token` settings object
/// is left alone: only strings are hidden).
const SECRET_FIELDS: [&str; 9] = [
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "client_assertion",
    "password",
    "secret",
    "private_key",
    "api_token",
];

/// A copy of `body` safe for logs: credential strings replaced at any depth.
pub(crate) fn redact(body: &serde_json::Value) -> serde_json::Value {
    match body {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let hidden =
                        v.is_string() && SECRET_FIELDS.contains(&k.to_ascii_lowercase().as_str());
                    let v = if hidden {
                        serde_json::Value::from("[redacted]")
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(redact).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn backoff_doubles_from_200ms_with_jitter_and_stays_capped() {
        for _ in 0..50 {
            let first = backoff_delay(0);
            assert!(
                first >= Duration::from_millis(100) && first <= Duration::from_millis(200),
                "{first:?}"
            );
            let third = backoff_delay(2);
            assert!(
                third >= Duration::from_millis(400) && third <= Duration::from_millis(800),
                "{third:?}"
            );
            assert!(backoff_delay(30) <= BACKOFF_CAP);
        }
    }

    #[test]
    fn a_429_waits_until_the_reset_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", "1000003".parse().unwrap());
        assert_eq!(
            rate_limit_delay(&headers, 1_000_000.5, 0),
            Duration::from_millis(2500)
        );
    }

    #[test]
    fn a_reset_in_the_past_still_waits_a_moment() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", "999".parse().unwrap());
        assert_eq!(rate_limit_delay(&headers, 1000.0, 3), RATE_LIMIT_MIN_WAIT);
    }

    #[test]
    fn an_absurd_reset_time_is_capped_instead_of_panicking() {
        for reset in ["1e300", "1e19", "18446744073709551616"] {
            let mut headers = HeaderMap::new();
            headers.insert("x-ratelimit-reset", reset.parse().unwrap());
            assert_eq!(
                rate_limit_delay(&headers, 1000.0, 0),
                RATE_LIMIT_MAX_WAIT,
                "{reset}"
            );
        }
    }

    #[test]
    fn without_a_reset_header_429_waits_double_from_one_second() {
        let headers = HeaderMap::new();
        let waits: Vec<u64> = (0..8)
            .map(|r| rate_limit_delay(&headers, 0.0, r).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 32, 32]);
    }

    #[test]
    fn redaction_hides_credential_strings_at_any_depth_and_keeps_the_rest() {
        let body = json!({
            "name": "app",
            "client_secret": "s3cret",
            "refresh_token": {"rotation_type": "rotating"},
            "nested": [{"access_token": "tok", "keep": 1}],
        });
        let text = redact(&body).to_string();
        assert!(
            !text.contains("s3cret") && !text.contains("\"tok\""),
            "{text}"
        );
        assert!(text.contains("rotating") && text.contains("\"keep\":1") && text.contains("app"));
    }
}
