//! When and how long to wait before sending again, and what is safe to log.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use reqwest::header::HeaderMap;

/// Server errors worth another try: the request may simply have hit a bad moment.
pub(crate) const RETRYABLE_STATUSES: [u16; 4] = [500, 502, 503, 504];

/// The one server error after which even a POST is sent again. By HTTP's definition a 503 says
/// the server could not handle the request (overload, maintenance), and Auth0's front end sends
/// it before a request reaches the API, so nothing was applied. A 500, 502 or 504 says no such
/// thing: the API may have committed the change before the answer broke (a 504 is the front
/// end giving up on an API that may still finish). Those make a POST's outcome unknown instead.
/// The trade-off: a 503 sent by Auth0 after committing (which would break HTTP's meaning of
/// 503) would make a retried POST create a second object.
pub(crate) const NOT_PROCESSED_STATUS: u16 = 503;

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

/// Any field whose name contains one of these (ignoring case) holds a credential: a client's
/// `client_secret`, an API's `signing_secret`, the add-ons' `sasKey`, `masterkey`,
/// `servicePassword`, `privateKey` or `principal`, and whatever users call theirs in metadata.
/// Over-hiding costs a little debug detail; under-hiding leaks a secret into a log.
const SECRET_NAME_PARTS: [&str; 12] = [
    "secret",
    "password",
    "passwd",
    "token",
    "key",
    "principal",
    "assertion",
    "credential",
    "private",
    "pem",
    "cert",
    "signature",
];

/// Matching names whose strings are settings, not credentials, and help when debugging.
const PUBLIC_FIELDS: [&str; 2] = ["token_endpoint_auth_method", "token_dialect"];

fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    !PUBLIC_FIELDS.contains(&name.as_str()) && SECRET_NAME_PARTS.iter().any(|p| name.contains(p))
}

const REDACTED: &str = "[redacted]";

/// A copy of `body` safe for logs: under a secret-like name, strings (also those in a list)
/// are replaced at any depth. Numbers and booleans stay, and objects are searched further
/// rather than hidden whole, so settings such as `refresh_token.rotation_type` stay readable.
pub(crate) fn redact(body: &serde_json::Value) -> serde_json::Value {
    redact_under(body, false)
}

fn redact_under(value: &serde_json::Value, secret_name: bool) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(_) if secret_name => Value::from(REDACTED),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact_under(v, is_secret_name(k))))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| redact_under(item, secret_name))
                .collect(),
        ),
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

    #[test]
    fn redaction_hides_every_secret_like_field_whatever_its_spelling() {
        let body = json!({
            "name": "app",
            "signing_secret": "v-signing",
            "addons": {
                "azure_sb": {"namespace": "ns", "sasKeyName": "v-keyname", "sasKey": "v-sas"},
                "azure_blob": {"accountName": "acct", "storageAccessKey": "v-storage"},
                "echosign": {"domain": "d"},
                "firebase": {"secret": "v-fb", "private_key": "v-fbkey", "client_email": "e@x"},
                "layer": {"providerId": "p", "keyId": "v-keyid", "privateKey": "v-layer"},
                "rms": {"url": "https://rms"},
                "salesforce": {"entity_id": "sf", "principal": "v-principal"},
                "sap_api": {"clientid": "c", "servicePassword": "v-sap"},
                "wams": {"masterkey": "v-master"},
            },
            "client_authentication_methods": {
                "private_key_jwt": {"credentials": [{"id": "cred_1"}]},
            },
            "client_metadata": {"API_KEY": "v-meta", "team": "core"},
            "signing_keys": [{"cert": "v-cert", "pkcs7": "p7", "subject": "/CN=app"}],
            "extra_keys": ["v-listed"],
            "token_endpoint_auth_method": "client_secret_post",
            "refresh_token": {"rotation_type": "rotating", "token_lifetime": 2592000},
            "jwt_configuration": {"secret_encoded": false, "lifetime_in_seconds": 36000},
        });
        let text = redact(&body).to_string();
        let hidden = [
            "v-signing",
            "v-keyname",
            "v-sas",
            "v-storage",
            "v-fb",
            "v-fbkey",
            "v-keyid",
            "v-layer",
            "v-principal",
            "v-sap",
            "v-master",
            "v-meta",
            "v-cert",
            "v-listed",
        ];
        for secret in hidden {
            assert!(!text.contains(secret), "{secret} shown in {text}");
        }
        for kept in [
            "\"name\":\"app\"",
            "\"namespace\":\"ns\"",
            "\"team\":\"core\"",
            "\"id\":\"cred_1\"",
            "\"subject\":\"/CN=app\"",
            "\"token_endpoint_auth_method\":\"client_secret_post\"",
            "\"rotation_type\":\"rotating\"",
            "\"token_lifetime\":2592000",
            "\"secret_encoded\":false",
        ] {
            assert!(text.contains(kept), "{kept} missing from {text}");
        }
    }
}
