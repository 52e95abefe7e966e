//! Management API access tokens: a static apiToken, or client credentials exchanged at
//! `/oauth/token` (with a secret or a signed JWT assertion), cached until shortly before expiry.

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::Rng;
use serde_json::json;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::{ApiError, ConfigError};
use super::settings::Credentials;

/// An access token. Its `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AccessToken(Arc<str>);

impl AccessToken {
    pub(crate) fn new(token: &str) -> AccessToken {
        AccessToken(Arc::from(token))
    }
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

/// Lifetime assumed when `/oauth/token` does not say (Auth0's default is 24 h).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(86_400);
/// Auth0 issues Management API tokens for at most 30 days; a longer `expires_in` is taken as
/// this, so the refresh time never overflows the clock.
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 86_400);
/// How long a client assertion stays valid; Auth0 only needs it for the one exchange.
const ASSERTION_LIFETIME_SECS: u64 = 60;
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Where tokens come from.
pub(crate) enum TokenSource {
    Static(AccessToken),
    ClientSecret {
        client_id: String,
        client_secret: String,
    },
    Assertion {
        client_id: String,
        key: EncodingKey,
        alg: Algorithm,
        /// `https://{domain}/`: the tenant, which is who the assertion is for.
        assertion_audience: String,
    },
}

impl TokenSource {
    pub(crate) fn from_credentials(
        credentials: &Credentials,
        base_url: &str,
    ) -> Result<TokenSource, ConfigError> {
        Ok(match credentials {
            Credentials::ApiToken(token) => TokenSource::Static(AccessToken::new(token)),
            Credentials::ClientSecret {
                client_id,
                client_secret,
            } => TokenSource::ClientSecret {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
            },
            Credentials::PrivateKeyJwt {
                client_id,
                private_key_pem,
                alg,
            } => {
                let key = EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(|_| {
                    ConfigError(
                        "auth0:clientAssertionPrivateKey is not a PEM-encoded RSA private key; set it to the key's PEM text".to_string(),
                    )
                })?;
                let alg = match Algorithm::from_str(alg) {
                    Ok(alg @ (Algorithm::RS256 | Algorithm::RS384 | Algorithm::PS256)) => alg,
                    _ => {
                        return Err(ConfigError(format!(
                            "auth0:clientAssertionSigningAlg {alg:?} is not supported; set it to RS256, RS384 or PS256"
                        )))
                    }
                };
                TokenSource::Assertion {
                    client_id: client_id.clone(),
                    key,
                    alg,
                    assertion_audience: format!("{base_url}/"),
                }
            }
        })
    }

    /// The static token, if this source has one.
    pub(crate) fn static_token(&self) -> Option<&AccessToken> {
        match self {
            TokenSource::Static(token) => Some(token),
            _ => None,
        }
    }

    pub(crate) fn client_id(&self) -> Option<&str> {
        match self {
            TokenSource::Static(_) => None,
            TokenSource::ClientSecret { client_id, .. }
            | TokenSource::Assertion { client_id, .. } => Some(client_id),
        }
    }

    /// The JSON body for `POST /oauth/token`. Never log it: it holds the credential.
    pub(crate) fn token_request_body(&self, audience: &str) -> Result<serde_json::Value, ApiError> {
        match self {
            TokenSource::Static(_) => Err(ApiError::Transport(
                "internal error: a static API token cannot be exchanged".to_string(),
            )),
            TokenSource::ClientSecret {
                client_id,
                client_secret,
            } => Ok(json!({
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
                "audience": audience,
            })),
            TokenSource::Assertion {
                client_id,
                key,
                alg,
                assertion_audience,
            } => {
                let assertion =
                    client_assertion(client_id, assertion_audience, key, *alg, unix_now())?;
                Ok(json!({
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_assertion": assertion,
                    "client_assertion_type": ASSERTION_TYPE,
                    "audience": audience,
                }))
            }
        }
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A signed client assertion: iss = sub = client id, aud = the tenant, short-lived, unique jti.
pub(crate) fn client_assertion(
    client_id: &str,
    audience: &str,
    key: &EncodingKey,
    alg: Algorithm,
    now: u64,
) -> Result<String, ApiError> {
    let jti: String = rand::thread_rng()
        .gen::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + ASSERTION_LIFETIME_SECS,
        "jti": jti,
    });
    jsonwebtoken::encode(&Header::new(alg), &claims, key).map_err(|e| {
        ApiError::Transport(format!(
            "could not sign the client assertion with auth0:clientAssertionPrivateKey ({}); check the key matches auth0:clientAssertionSigningAlg",
            e.kind_name()
        ))
    })
}

trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for jsonwebtoken::errors::Error {
    /// A short, key-free description of why signing failed.
    fn kind_name(&self) -> &'static str {
        use jsonwebtoken::errors::ErrorKind;
        match self.kind() {
            ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => "invalid RSA key",
            ErrorKind::InvalidAlgorithm => "algorithm does not fit the key",
            _ => "signing failed",
        }
    }
}

/// Reads `{access_token, expires_in}` from `/oauth/token`'s answer.
pub(crate) fn parse_token_response(
    body: &serde_json::Value,
) -> Result<(AccessToken, Duration), ApiError> {
    let token = body
        .get("access_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Transport(
                "Auth0's /oauth/token answer has no access_token; check auth0:domain points at an Auth0 tenant".to_string(),
            )
        })?;
    let lifetime = body
        .get("expires_in")
        .and_then(|e| e.as_f64())
        .filter(|secs| secs.is_finite() && *secs > 0.0)
        .map(|secs| Duration::try_from_secs_f64(secs).unwrap_or(MAX_LIFETIME))
        .unwrap_or(DEFAULT_LIFETIME)
        .min(MAX_LIFETIME);
    Ok((AccessToken::new(token), lifetime))
}

/// Refresh this long before expiry, so a token never expires mid-request.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(Duration::from_secs(60))
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

/// One cached token, fetched by one caller at a time: concurrent callers wait for the
/// fetch in flight instead of starting their own.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Option<Cached>>,
}

impl TokenCache {
    /// The cached token if still fresh, else the result of `fetch` (then cached).
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<AccessToken, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(AccessToken, Duration), ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref() {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let (token, lifetime) = fetch().await?;
        let lifetime = lifetime.min(MAX_LIFETIME);
        let refresh_at = Instant::now() + lifetime.saturating_sub(refresh_margin(lifetime));
        *slot = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    /// Forgets `used` if it is still the cached token (a later token is kept: someone else
    /// already refreshed).
    pub(crate) async fn invalidate(&self, used: &AccessToken) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|cached| &cached.token == used) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const PRIVATE_KEY: &str = include_str!("testdata/assertion-key.pem");
    const PUBLIC_KEY: &str = include_str!("testdata/assertion-key.pub.pem");

    async fn counting_fetch(
        count: &AtomicUsize,
        lifetime: Duration,
    ) -> Result<(AccessToken, Duration), ApiError> {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
        Ok((AccessToken::new(&format!("token-{n}")), lifetime))
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::default());
        let count = Arc::new(AtomicUsize::new(0));
        let hour = Duration::from_secs(3600);
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (cache, count) = (cache.clone(), count.clone());
                tokio::spawn(async move { cache.get(|| counting_fetch(&count, hour)).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().as_str(), "token-1");
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_refreshed_shortly_before_it_expires() {
        let cache = TokenCache::default();
        let count = AtomicUsize::new(0);
        let lifetime = Duration::from_secs(600);
        cache
            .get(|| counting_fetch(&count, lifetime))
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(530)).await;
        assert_eq!(
            cache
                .get(|| counting_fetch(&count, lifetime))
                .await
                .unwrap()
                .as_str(),
            "token-1"
        );
        tokio::time::advance(Duration::from_secs(20)).await; // inside the 60 s margin
        assert_eq!(
            cache
                .get(|| counting_fetch(&count, lifetime))
                .await
                .unwrap()
                .as_str(),
            "token-2"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn invalidating_an_old_token_keeps_a_newer_one() {
        let cache = TokenCache::default();
        let count = AtomicUsize::new(0);
        let hour = Duration::from_secs(3600);
        let first = cache.get(|| counting_fetch(&count, hour)).await.unwrap();
        cache.invalidate(&first).await;
        let second = cache.get(|| counting_fetch(&count, hour)).await.unwrap();
        cache.invalidate(&first).await; // a late 401 for the first token
        assert_eq!(
            cache.get(|| counting_fetch(&count, hour)).await.unwrap(),
            second
        );
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_fetch_is_not_cached() {
        let cache = TokenCache::default();
        let err = cache
            .get(|| async { Err(ApiError::Transport("down".into())) })
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::Transport("down".into()));
        let count = AtomicUsize::new(0);
        assert!(cache
            .get(|| counting_fetch(&count, Duration::from_secs(60)))
            .await
            .is_ok());
    }

    #[test]
    fn the_margin_is_a_quarter_of_short_lifetimes_and_a_minute_otherwise() {
        assert_eq!(
            refresh_margin(Duration::from_secs(20)),
            Duration::from_secs(5)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(86_400)),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn a_token_answer_without_expiry_gets_the_default_lifetime() {
        let (token, lifetime) = parse_token_response(&json!({"access_token": "abc"})).unwrap();
        assert_eq!(token.as_str(), "abc");
        assert_eq!(lifetime, DEFAULT_LIFETIME);
        let (_, lifetime) =
            parse_token_response(&json!({"access_token": "abc", "expires_in": 120})).unwrap();
        assert_eq!(lifetime, Duration::from_secs(120));
        assert!(parse_token_response(&json!({"token_type": "Bearer"})).is_err());
    }

    #[test]
    fn an_absurd_expires_in_is_capped_at_thirty_days_instead_of_panicking() {
        for expires_in in [json!(1e300), json!(u64::MAX), json!(1e19)] {
            let (_, lifetime) =
                parse_token_response(&json!({"access_token": "abc", "expires_in": expires_in}))
                    .unwrap();
            assert_eq!(lifetime, MAX_LIFETIME, "{expires_in}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_with_an_endless_lifetime_is_cached_without_overflowing_the_clock() {
        let cache = TokenCache::default();
        let count = AtomicUsize::new(0);
        let first = cache
            .get(|| counting_fetch(&count, Duration::MAX))
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(3600)).await;
        let again = cache
            .get(|| counting_fetch(&count, Duration::MAX))
            .await
            .unwrap();
        assert_eq!(first, again);
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_client_assertion_is_signed_for_the_tenant_by_the_client() {
        let key = EncodingKey::from_rsa_pem(PRIVATE_KEY.as_bytes()).unwrap();
        let now = unix_now();
        for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::PS256] {
            let jwt =
                client_assertion("my-client", "https://t.auth0.com/", &key, alg, now).unwrap();
            let mut validation = jsonwebtoken::Validation::new(alg);
            validation.set_audience(&["https://t.auth0.com/"]);
            validation.set_issuer(&["my-client"]);
            validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
            let decoding = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
            let data =
                jsonwebtoken::decode::<serde_json::Value>(&jwt, &decoding, &validation).unwrap();
            assert_eq!(data.header.alg, alg);
            let claims = data.claims;
            assert_eq!(claims["sub"], "my-client");
            assert_eq!(claims["iat"], now);
            assert!(claims["exp"].as_u64().unwrap() - now <= 300);
            assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
        }
    }

    #[test]
    fn each_assertion_has_a_fresh_jti() {
        let key = EncodingKey::from_rsa_pem(PRIVATE_KEY.as_bytes()).unwrap();
        let jti = |jwt: String| {
            let mut v = jsonwebtoken::Validation::new(Algorithm::RS256);
            v.insecure_disable_signature_validation();
            v.validate_aud = false;
            jsonwebtoken::decode::<serde_json::Value>(
                &jwt,
                &jsonwebtoken::DecodingKey::from_secret(b""),
                &v,
            )
            .unwrap()
            .claims["jti"]
                .clone()
        };
        let a = client_assertion("c", "https://t/", &key, Algorithm::RS256, unix_now()).unwrap();
        let b = client_assertion("c", "https://t/", &key, Algorithm::RS256, unix_now()).unwrap();
        assert_ne!(jti(a), jti(b));
    }

    #[test]
    fn the_assertion_body_carries_the_assertion_type_and_no_secret_field() {
        let creds = Credentials::PrivateKeyJwt {
            client_id: "cid".into(),
            private_key_pem: PRIVATE_KEY.into(),
            alg: "PS256".into(),
        };
        let source = TokenSource::from_credentials(&creds, "https://t.auth0.com").unwrap();
        let body = source
            .token_request_body("https://t.auth0.com/api/v2/")
            .unwrap();
        assert_eq!(body["client_assertion_type"], ASSERTION_TYPE);
        assert_eq!(body["grant_type"], "client_credentials");
        assert_eq!(body["audience"], "https://t.auth0.com/api/v2/");
        assert!(body.get("client_secret").is_none());
        assert!(
            body["client_assertion"]
                .as_str()
                .unwrap()
                .split('.')
                .count()
                == 3
        );
    }

    #[test]
    fn token_debug_output_hides_the_token() {
        assert!(!format!("{:?}", AccessToken::new("eyJ-secret")).contains("eyJ-secret"));
    }
}
