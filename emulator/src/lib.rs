//! `auth0_emulator`: a local Auth0 for tests, demos and benchmarks.
//!
//! It serves the Management API v2 for clients, client credentials, resource servers (APIs) and
//! client grants, `POST /oauth/token` (the client credentials grant, authenticated by a secret or a
//! `private_key_jwt` assertion; RS256 JWTs), `/.well-known/jwks.json` and
//! `/.well-known/openid-configuration`, with Auth0's field names, defaults, errors, scopes and
//! rate limits. It also serves `GET /emulator/stats` and `POST /emulator/stats/reset` (no auth).
//!
//! In-process use:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use auth0_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! println!("{} {}", emu.base_url(), emu.management_audience());
//! // POST {base_url}/oauth/token with emu.bootstrap_client_id() / emu.bootstrap_client_secret().
//! emu.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod client_assertion;
mod credential_key;
mod error;
mod http;
mod keys;
mod limits;
mod persist;
mod schema;
mod server;
mod tenant;
mod thumbprint;
mod timestamp;

pub use error::ApiError;
pub use keys::SigningKey;
pub use limits::{FaultConfig, RateLimit};
pub use tenant::{new_client_id, new_client_secret, MANAGEMENT_SCOPES};

use http::App;
use persist::{Persister, StateFile};
use tenant::{Tenant, TenantData};

/// How to start an emulator. `EmulatorConfig::default()` suits in-process tests: loopback on a free
/// port, generated bootstrap credentials, no rate limit, no faults, in-memory state, plain HTTP.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Where to listen; default `127.0.0.1:0` (a free port).
    pub listen: SocketAddr,
    /// Tenant domain; default the bound `host:port`. The Management API identifier is
    /// `https://{domain}/api/v2/` and tokens' `iss` is `https://{domain}/`.
    pub domain: Option<String>,
    /// Bootstrap machine-to-machine client id; generated (32 characters) when absent.
    pub bootstrap_client_id: Option<String>,
    /// Bootstrap client secret; generated (64 characters) when absent.
    pub bootstrap_client_secret: Option<String>,
    /// Management API rate limit; default off.
    pub rate_limit: RateLimit,
    /// Fault injection; default none.
    pub faults: FaultConfig,
    /// Objects to pre-load: `{"clients":[…],"resource_servers":[…],"client_grants":[…],
    /// "credentials":[…]}` in Auth0's response shape; ids are kept when given, and a credential
    /// names its `client_id` (with `pem` to sign private_key_jwt assertions). Applied only to a new tenant (not one
    /// restored from `state_file`).
    pub seed: Option<Value>,
    /// Keep state in this file across restarts (atomic writes, mode 0600; it holds secrets).
    pub state_file: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate (IP and DNS SANs).
    pub tls: bool,
    /// Where to write the TLS certificate (PEM) when `tls` is set.
    pub tls_cert_file: Option<PathBuf>,
    /// Generate a signing key for this emulator instead of sharing one per process. In-process
    /// tests share one to avoid paying for RSA key generation each time.
    pub fresh_signing_key: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            domain: None,
            bootstrap_client_id: None,
            bootstrap_client_secret: None,
            rate_limit: RateLimit::Off,
            faults: FaultConfig::default(),
            seed: None,
            state_file: None,
            tls: false,
            tls_cert_file: None,
            fresh_signing_key: false,
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret and the seed (which may hold client secrets) stay out of debug output.
        f.debug_struct("EmulatorConfig")
            .field("listen", &self.listen)
            .field("domain", &self.domain)
            .field("bootstrap_client_id", &self.bootstrap_client_id)
            .field(
                "bootstrap_client_secret",
                &self.bootstrap_client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("rate_limit", &self.rate_limit)
            .field("faults", &self.faults)
            .field("seed", &self.seed.as_ref().map(|_| "<redacted>"))
            .field("state_file", &self.state_file)
            .field("tls", &self.tls)
            .field("tls_cert_file", &self.tls_cert_file)
            .field("fresh_signing_key", &self.fresh_signing_key)
            .finish()
    }
}

/// Request counts since start or the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Management API requests per route pattern, e.g. `"GET /api/v2/clients/{id}"`.
    pub routes: BTreeMap<String, u64>,
    /// `POST /oauth/token` requests (not part of `management_total`).
    pub token: u64,
    /// All Management API requests, including refused ones (401, 403, 429, injected faults).
    pub management_total: u64,
    /// Management API requests refused with 429 by the rate limit (part of `management_total`).
    pub rate_limited: u64,
}

impl Stats {
    /// The count for one route pattern such as `"PATCH /api/v2/clients/{id}"`.
    pub fn count(&self, route: &str) -> u64 {
        self.routes.get(route).copied().unwrap_or(0)
    }
}

/// A running emulator serving in a background task.
pub struct Emulator {
    app: Arc<App>,
    local_addr: SocketAddr,
    base_url: String,
    domain: String,
    bootstrap_client_id: String,
    bootstrap_client_secret: String,
    tls_cert_pem: Option<String>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
    router: axum::Router,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of debug output.
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("domain", &self.domain)
            .field("bootstrap_client_id", &self.bootstrap_client_id)
            .finish()
    }
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.into())
}

impl Emulator {
    /// Bind, build the tenant and serve in a background task.
    pub async fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        config.faults.validate().map_err(invalid)?;
        let listener = TcpListener::bind(config.listen).await?;
        let local_addr = listener.local_addr()?;
        let domain = config
            .domain
            .clone()
            .unwrap_or_else(|| local_addr.to_string());
        if domain.is_empty() || domain.contains('/') {
            return Err(invalid(format!(
                "domain \"{domain}\" is not a host[:port]; give e.g. tenant.local or 127.0.0.1:8080"
            )));
        }

        let saved = match &config.state_file {
            Some(path) => StateFile::load(path).map_err(invalid)?,
            None => None,
        };
        let key = match &saved {
            Some(s) => Arc::new(SigningKey::from_pkcs8_pem(&s.signing_key_pem).map_err(invalid)?),
            None if config.fresh_signing_key => {
                let key = tokio::task::spawn_blocking(SigningKey::generate)
                    .await
                    .map_err(io::Error::other)?;
                Arc::new(key.map_err(io::Error::other)?)
            }
            None => tokio::task::spawn_blocking(SigningKey::shared)
                .await
                .map_err(io::Error::other)?
                .map_err(io::Error::other)?,
        };

        let tenant = match saved {
            Some(s) => {
                let saved_secret = s
                    .tenant
                    .clients
                    .iter()
                    .find(|c| {
                        c.get("client_id").and_then(Value::as_str) == Some(&s.bootstrap_client_id)
                    })
                    .and_then(|c| c.get("client_secret").and_then(Value::as_str))
                    .map(str::to_string);
                let id = config
                    .bootstrap_client_id
                    .clone()
                    .unwrap_or(s.bootstrap_client_id.clone());
                let secret = config
                    .bootstrap_client_secret
                    .clone()
                    .or(saved_secret.filter(|_| id == s.bootstrap_client_id))
                    .unwrap_or_else(new_client_secret);
                Tenant::restore(s.tenant, &domain, key.cert_pem(), &id, &secret)
                    .map_err(|e| invalid(format!("--state: {e}; point --state at a new path")))?
            }
            None => {
                let id = config
                    .bootstrap_client_id
                    .clone()
                    .unwrap_or_else(new_client_id);
                let secret = config
                    .bootstrap_client_secret
                    .clone()
                    .unwrap_or_else(new_client_secret);
                let mut t = Tenant::new(&domain, key.cert_pem(), &id, &secret);
                if let Some(seed) = &config.seed {
                    t.seed(seed).map_err(invalid)?;
                }
                t
            }
        };
        let bootstrap_client_id = tenant.bootstrap_client_id.clone();
        let bootstrap_client_secret = tenant
            .client(&bootstrap_client_id)
            .ok()
            .and_then(|c| c.get("client_secret").and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();

        let persister = match &config.state_file {
            Some(path) => {
                let p = Persister::new(path.clone());
                p.write_blocking(p.snapshot(&tenant, &key)).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("--state {}: cannot write it: {e}", path.display()),
                    )
                })?;
                Some(p)
            }
            None => None,
        };

        let (tls, tls_cert_pem) = if config.tls {
            let host = domain.rsplit_once(':').map(|(h, _)| h).unwrap_or(&domain);
            let m = server::self_signed(host).map_err(invalid)?;
            if let Some(path) = &config.tls_cert_file {
                server::write_cert(path, &m.cert_pem).map_err(invalid)?;
            }
            (Some(m.acceptor), Some(m.cert_pem))
        } else {
            (None, None)
        };
        let scheme = if config.tls { "https" } else { "http" };
        let base_url = format!("{scheme}://{local_addr}");

        let app = Arc::new(App::new(
            tenant,
            key,
            config.rate_limit,
            config.faults.clone(),
            persister,
            base_url.clone(),
        ));
        let router = http::router(app.clone());
        let (shutdown, rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, router.clone(), tls, rx));
        tracing::info!(listen = %local_addr, domain = %domain, "auth0 emulator ready");
        Ok(Emulator {
            app,
            local_addr,
            base_url,
            domain,
            bootstrap_client_id,
            bootstrap_client_secret,
            tls_cert_pem,
            shutdown,
            task,
            router,
        })
    }

    /// Answers one request in-process, through the same routes and middleware as a connection
    /// (an injected dropped connection answers 503 here): for property tests that send many
    /// requests. A method or target that is not HTTP answers 400. Returns the status and body.
    pub async fn answer(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (u16, Vec<u8>) {
        use tower::ServiceExt;
        let mut request = axum::http::Request::builder().method(method).uri(target);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match request.body(axum::body::Body::from(body)) {
            Ok(request) => request,
            Err(e) => return (400, format!("not an HTTP request: {e}").into_bytes()),
        };
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map(|b| b.to_vec())
            .unwrap_or_default();
        (status, body)
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The tenant domain: the configured one, or `127.0.0.1:PORT`.
    pub fn domain(&self) -> String {
        self.domain.clone()
    }

    /// `https://{domain}/api/v2/`, the Management API identifier (token audience).
    pub fn management_audience(&self) -> String {
        format!("https://{}/api/v2/", self.domain)
    }

    /// The bootstrap machine-to-machine client, granted every Management API scope.
    pub fn bootstrap_client_id(&self) -> &str {
        &self.bootstrap_client_id
    }

    /// The bootstrap client's secret. Never log it.
    pub fn bootstrap_client_secret(&self) -> &str {
        &self.bootstrap_client_secret
    }

    /// The TLS certificate (PEM) when started with `tls`, for clients to trust.
    pub fn tls_cert_pem(&self) -> Option<&str> {
        self.tls_cert_pem.as_deref()
    }

    /// Request counts since start or the last [`Emulator::reset_stats`].
    pub fn stats(&self) -> Stats {
        self.app.stats()
    }

    pub fn reset_stats(&self) {
        self.app.reset_stats()
    }

    /// Add clients, resource servers and client grants directly (same format as `--seed`), e.g.
    /// to create objects that exist outside a program for import and drift tests.
    pub fn seed(&self, seed: Value) -> Result<(), String> {
        let snapshot = {
            let mut t = self.app.tenant.lock().unwrap_or_else(|p| p.into_inner());
            // Seed into a copy so that a bad seed changes nothing.
            let mut copy = t.clone();
            copy.seed(&seed)?;
            *t = copy;
            // Taken under the tenant lock, like a request's, so its place in the write order is right.
            self.app
                .persister
                .as_ref()
                .map(|p| (p, p.snapshot(&t, &self.app.key)))
        };
        if let Some((p, s)) = snapshot {
            p.write_blocking(s)
                .map_err(|e| format!("seed: persisting the state file failed: {e}"))?;
        }
        Ok(())
    }

    /// Change fault injection at runtime (the generator restarts from the new seed).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.app.set_faults(faults)
    }

    /// Change the rate limit at runtime (the bucket starts full).
    pub fn set_rate_limit(&self, rl: RateLimit) {
        self.app.set_rate_limit(rl)
    }

    /// The tenant's objects, as a seed would give them (includes secrets).
    pub fn snapshot(&self) -> Value {
        let t = self.app.tenant.lock().unwrap_or_else(|p| p.into_inner());
        let data: TenantData = t.data();
        serde_json::to_value(data).unwrap_or(Value::Null)
    }

    /// The tenant's public signing key set, as served at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        serde_json::json!({"keys": [self.app.key.jwk()]})
    }

    /// Stop accepting, let in-flight requests finish (bounded to 5 s) and stop.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configs_debug_output_shows_neither_the_secret_nor_the_seed() {
        let config = EmulatorConfig {
            bootstrap_client_id: Some("visible-client-id".into()),
            bootstrap_client_secret: Some("hidden-bootstrap-secret".into()),
            seed: Some(
                serde_json::json!({"clients": [{"name": "c", "client_secret": "hidden-seed-secret"}]}),
            ),
            ..EmulatorConfig::default()
        };
        let debug = format!("{config:?}");
        assert!(debug.contains("visible-client-id"), "{debug}");
        assert!(!debug.contains("hidden-bootstrap-secret"), "{debug}");
        assert!(!debug.contains("hidden-seed-secret"), "{debug}");
    }
}
