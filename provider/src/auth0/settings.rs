//! What the Auth0 client is given: the tenant, the credentials and the client-side limits,
//! already resolved and validated (the provider's `config` module reads them).

use std::fmt;
use std::time::Duration;

/// How long a request may keep waiting out 429s when it has no deadline of its own.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(300);

/// The client-side limits auth0:maxRequestsPerSecond may take: below one request per 100 s
/// nothing useful finishes, and above 1000 the limit cannot matter to any Auth0 tenant.
pub const RATE_RANGE: std::ops::RangeInclusive<f64> = 0.01..=1000.0;

/// Signing algorithms Auth0 accepts for a private key JWT client assertion.
pub const ASSERTION_ALGORITHMS: [&str; 3] = ["RS256", "RS384", "PS256"];

/// Everything the Auth0 client needs, resolved and validated.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// `https://tenant.auth0.com` or `http://127.0.0.1:1234`, without a trailing slash.
    pub base_url: String,
    /// The Management API audience, e.g. `https://tenant.auth0.com/api/v2/`.
    pub audience: String,
    pub credentials: Credentials,
    /// Sent as the `Auth0-Custom-Domain` header when set.
    pub custom_domain_header: Option<String>,
    pub debug: bool,
    /// Client-side limit; `None` means no limit.
    pub max_requests_per_second: Option<f64>,
    /// How long a request without a deadline keeps waiting out Auth0's 429s.
    pub rate_limit_wait: Duration,
}

#[derive(Clone, PartialEq)]
pub enum Credentials {
    /// A Management API token used as is; it cannot be refreshed.
    ApiToken(String),
    /// Client credentials exchanged at `/oauth/token` for a Management API token.
    ClientSecret {
        client_id: String,
        client_secret: String,
    },
    /// Client credentials where the client proves itself with a signed JWT assertion.
    PrivateKeyJwt {
        client_id: String,
        private_key_pem: String,
        alg: String,
    },
}

const REDACTED: &str = "[redacted]";

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiToken(_) => f.debug_tuple("ApiToken").field(&REDACTED).finish(),
            Credentials::ClientSecret { client_id, .. } => f
                .debug_struct("ClientSecret")
                .field("client_id", client_id)
                .field("client_secret", &REDACTED)
                .finish(),
            Credentials::PrivateKeyJwt { client_id, alg, .. } => f
                .debug_struct("PrivateKeyJwt")
                .field("client_id", client_id)
                .field("private_key_pem", &REDACTED)
                .field("alg", alg)
                .finish(),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("audience", &self.audience)
            .field("credentials", &self.credentials)
            .field("custom_domain_header", &self.custom_domain_header)
            .field("debug", &self.debug)
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("rate_limit_wait", &self.rate_limit_wait)
            .finish()
    }
}
