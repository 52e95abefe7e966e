//! The provider's configuration: `auth0:*` keys first, then `AUTH0_*` environment variables,
//! resolved into the Auth0 client's `Settings`. Every problem becomes one `CheckFailure` naming
//! the config key and the fix; no reason ever holds a secret.

use std::time::Duration;

use crate::auth0::settings::{ASSERTION_ALGORITHMS, DEFAULT_RATE_LIMIT_WAIT, RATE_RANGE};
use crate::auth0::{Credentials, Settings};
use crate::diff;
use crate::rpc::{Changes, CheckFailure, DiffKind, DiffRequest, DiffResponse, PropertyDiff};
use crate::value::{PropertyMap, Value};

/// A config key and the environment variable that fills it when config leaves it unset.
#[derive(Clone, Copy)]
struct Key {
    name: &'static str,
    env: &'static str,
}

const DOMAIN: Key = Key {
    name: "domain",
    env: "AUTH0_DOMAIN",
};
const CLIENT_ID: Key = Key {
    name: "clientId",
    env: "AUTH0_CLIENT_ID",
};
const CLIENT_SECRET: Key = Key {
    name: "clientSecret",
    env: "AUTH0_CLIENT_SECRET",
};
const API_TOKEN: Key = Key {
    name: "apiToken",
    env: "AUTH0_API_TOKEN",
};
const AUDIENCE: Key = Key {
    name: "audience",
    env: "AUTH0_AUDIENCE",
};
const DEBUG: Key = Key {
    name: "debug",
    env: "AUTH0_DEBUG",
};
const ASSERTION_KEY: Key = Key {
    name: "clientAssertionPrivateKey",
    env: "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
};
const ASSERTION_ALG: Key = Key {
    name: "clientAssertionSigningAlg",
    env: "AUTH0_CLIENT_ASSERTION_SIGNING_ALG",
};
const CUSTOM_DOMAIN_HEADER: Key = Key {
    name: "customDomainHeader",
    env: "AUTH0_CUSTOM_DOMAIN_HEADER",
};
const CLI_LOGIN: Key = Key {
    name: "cliLogin",
    env: "AUTH0_CLI_LOGIN",
};
const DYNAMIC_CREDENTIALS: Key = Key {
    name: "dynamicCredentials",
    env: "AUTH0_DYNAMIC_CREDENTIALS",
};
const MAX_RPS: Key = Key {
    name: "maxRequestsPerSecond",
    env: "AUTH0_MAX_REQUESTS_PER_SECOND",
};
const RATE_LIMIT_WAIT: Key = Key {
    name: "rateLimitWaitSeconds",
    env: "AUTH0_RATE_LIMIT_WAIT_SECONDS",
};

/// A looked-up value and whether it came in marked secret (then it is never echoed).
struct Raw {
    text: String,
    secret: bool,
}

impl Raw {
    /// The value quoted for an error sentence, or nothing if it is secret.
    fn shown(&self) -> String {
        if self.secret {
            String::new()
        } else {
            format!(" {:?}", self.text)
        }
    }
}

struct Lookup<'a> {
    args: &'a PropertyMap,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Lookup<'_> {
    /// The config value if set and not blank, else the environment variable.
    /// Unknown values count as unset: the engine does not call Configure with unknowns.
    fn get(&self, key: Key) -> Option<Raw> {
        if let Some(value) = self.args.get(key.name) {
            let secret = value.is_secret();
            let text = match value.unwrap_all() {
                Value::String(s) => Some(s),
                Value::Bool(b) => Some(b.to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            if let Some(text) = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
                return Some(Raw { text, secret });
            }
        }
        (self.env)(key.env)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .map(|text| Raw {
                text,
                secret: false,
            })
    }
}

fn failure(key: Key, reason: String) -> CheckFailure {
    CheckFailure {
        property: key.name.to_string(),
        reason,
    }
}

/// Go's strconv.ParseBool spellings, which terraform-provider-auth0 users already write.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

fn bool_setting(lookup: &Lookup, key: Key, failures: &mut Vec<CheckFailure>) -> bool {
    let Some(raw) = lookup.get(key) else {
        return false;
    };
    match parse_bool(&raw.text) {
        Some(b) => b,
        None => {
            failures.push(failure(
                key,
                format!(
                    "auth0:{} must be true or false, not{}; set it with \"pulumi config set auth0:{} true\" or {}",
                    key.name,
                    raw.shown(),
                    key.name,
                    key.env
                ),
            ));
            false
        }
    }
}

/// The scheme and authority of a domain setting: a full http(s) URL as is, a bare host as https.
/// Returns `(base_url, host_and_port)`.
fn parse_domain(text: &str) -> Option<(String, String)> {
    let lower = text.to_ascii_lowercase();
    let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
        text.to_string()
    } else if lower.contains("://") {
        return None;
    } else {
        if text.contains('/') || text.contains('?') || text.contains('#') {
            return None;
        }
        format!("https://{text}")
    };
    let url = reqwest::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?;
    if host.is_empty() || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let path = url.path().trim_end_matches('/');
    if url.query().is_some() || url.fragment().is_some() {
        return None;
    }
    let base = format!("{}://{}{}", url.scheme(), authority, path);
    Some((base, authority))
}

/// Resolves provider configuration (keys without the `auth0:` prefix; non-strings arrive
/// JSON-encoded) with `env` filling unset keys. Returns every problem found, not just the first.
pub fn settings_from_config(
    args: &PropertyMap,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, Vec<CheckFailure>> {
    let lookup = Lookup { args, env };
    let mut failures = Vec::new();

    let domain = match lookup.get(DOMAIN) {
        None => {
            failures.push(failure(
                DOMAIN,
                "auth0:domain is not set; set it with \"pulumi config set auth0:domain <tenant>.auth0.com\" or AUTH0_DOMAIN".to_string(),
            ));
            None
        }
        Some(raw) => match parse_domain(&raw.text) {
            Some(parsed) => Some(parsed),
            None => {
                failures.push(failure(
                    DOMAIN,
                    format!(
                        "auth0:domain{} is not a host name or an http(s) URL; set it to <tenant>.auth0.com or a full URL such as https://<tenant>.auth0.com",
                        raw.shown()
                    ),
                ));
                None
            }
        },
    };

    let audience = lookup.get(AUDIENCE).map(|raw| raw.text);
    let credentials = credentials(&lookup, &mut failures);

    let custom_domain_header = match lookup.get(CUSTOM_DOMAIN_HEADER) {
        Some(raw) if reqwest::header::HeaderValue::from_str(&raw.text).is_err() => {
            failures.push(failure(
                CUSTOM_DOMAIN_HEADER,
                format!(
                    "auth0:customDomainHeader{} is not a valid header value; set it to your custom domain, e.g. login.example.com",
                    raw.shown()
                ),
            ));
            None
        }
        other => other.map(|raw| raw.text),
    };

    let debug = bool_setting(&lookup, DEBUG, &mut failures);
    for key in [CLI_LOGIN, DYNAMIC_CREDENTIALS] {
        if bool_setting(&lookup, key, &mut failures) {
            failures.push(failure(
                key,
                format!(
                    "auth0:{} is not supported by this provider; use clientId/clientSecret or apiToken",
                    key.name
                ),
            ));
        }
    }

    let max_requests_per_second = lookup.get(MAX_RPS).and_then(|raw| {
        match raw.text.parse::<f64>() {
            Ok(rate) if RATE_RANGE.contains(&rate) => Some(rate),
            _ => {
                failures.push(failure(
                    MAX_RPS,
                    format!(
                        "auth0:maxRequestsPerSecond must be a number from {} to {}, not{}; set it like \"pulumi config set auth0:maxRequestsPerSecond 5\" or unset it for no limit",
                        RATE_RANGE.start(),
                        RATE_RANGE.end(),
                        raw.shown()
                    ),
                ));
                None
            }
        }
    });

    let rate_limit_wait = match lookup.get(RATE_LIMIT_WAIT) {
        None => DEFAULT_RATE_LIMIT_WAIT,
        Some(raw) => match raw.text.parse::<f64>() {
            Ok(secs) if secs.is_finite() && (0.0..=86_400.0).contains(&secs) => {
                Duration::from_secs_f64(secs)
            }
            _ => {
                failures.push(failure(
                    RATE_LIMIT_WAIT,
                    format!(
                        "auth0:rateLimitWaitSeconds must be a number of seconds from 0 to 86400, not{}; set it like \"pulumi config set auth0:rateLimitWaitSeconds 300\"",
                        raw.shown()
                    ),
                ));
                DEFAULT_RATE_LIMIT_WAIT
            }
        },
    };

    match (domain, credentials) {
        (Some((base_url, authority)), Some(credentials)) if failures.is_empty() => Ok(Settings {
            audience: audience.unwrap_or_else(|| format!("https://{authority}/api/v2/")),
            base_url,
            credentials,
            custom_domain_header,
            debug,
            max_requests_per_second,
            rate_limit_wait,
        }),
        _ => Err(failures),
    }
}

/// apiToken wins; otherwise clientId with a private key (assertion) or with a secret.
fn credentials(lookup: &Lookup, failures: &mut Vec<CheckFailure>) -> Option<Credentials> {
    let api_token = lookup.get(API_TOKEN);
    let client_id = lookup.get(CLIENT_ID);
    let client_secret = lookup.get(CLIENT_SECRET);
    let private_key = lookup.get(ASSERTION_KEY);

    if let Some(token) = api_token {
        return Some(Credentials::ApiToken(token.text));
    }

    // Checked only when apiToken does not win: an unused setting cannot break anything.
    let alg = match lookup.get(ASSERTION_ALG) {
        None => Some("RS256".to_string()),
        Some(raw) => {
            let upper = raw.text.to_ascii_uppercase();
            if ASSERTION_ALGORITHMS.contains(&upper.as_str()) {
                Some(upper)
            } else {
                failures.push(failure(
                    ASSERTION_ALG,
                    format!(
                        "auth0:clientAssertionSigningAlg{} is not supported; set it to RS256, RS384 or PS256",
                        raw.shown()
                    ),
                ));
                None
            }
        }
    };

    match (client_id, client_secret, private_key) {
        (Some(id), _, Some(key)) => {
            if jsonwebtoken::EncodingKey::from_rsa_pem(key.text.as_bytes()).is_err() {
                failures.push(failure(
                    ASSERTION_KEY,
                    "auth0:clientAssertionPrivateKey is not a PEM-encoded RSA private key; set it to the key's PEM text (-----BEGIN PRIVATE KEY----- …) or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY".to_string(),
                ));
                return None;
            }
            Some(Credentials::PrivateKeyJwt {
                client_id: id.text,
                private_key_pem: key.text,
                alg: alg?,
            })
        }
        (Some(id), Some(secret), None) => Some(Credentials::ClientSecret {
            client_id: id.text,
            client_secret: secret.text,
        }),
        (Some(_), None, None) => {
            failures.push(failure(
                CLIENT_SECRET,
                "auth0:clientId is set but auth0:clientSecret is not; set it with \"pulumi config set --secret auth0:clientSecret <secret>\" or AUTH0_CLIENT_SECRET, or set auth0:clientAssertionPrivateKey".to_string(),
            ));
            None
        }
        (None, secret, key) if secret.is_some() || key.is_some() => {
            let which = if secret.is_some() {
                "clientSecret"
            } else {
                "clientAssertionPrivateKey"
            };
            failures.push(failure(
                CLIENT_ID,
                format!(
                    "auth0:{which} is set but auth0:clientId is not; set it with \"pulumi config set auth0:clientId <client id>\" or AUTH0_CLIENT_ID"
                ),
            ));
            None
        }
        _ => {
            failures.push(failure(
                CLIENT_ID,
                "no Auth0 credentials are set; set auth0:clientId and auth0:clientSecret (AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET), or auth0:apiToken (AUTH0_API_TOKEN)".to_string(),
            ));
            None
        }
    }
}

/// DiffConfig: which provider settings changed. Pure: a change of plugin version alone is
/// never a reason to replace the provider (or its resources).
pub fn diff_config(req: &DiffRequest) -> DiffResponse {
    let keys: std::collections::BTreeSet<&String> = req
        .olds
        .keys()
        .chain(req.news.keys())
        .filter(|k| *k != "version")
        .collect();
    let mut response = DiffResponse {
        has_detailed_diff: true,
        ..Default::default()
    };
    for key in keys {
        let (old, new) = (req.olds.get(key), req.news.get(key));
        let changed = match (old, new) {
            (Some(o), Some(n)) => n.contains_unknowns() || !diff::same(o, n),
            (None, None) => false,
            _ => true,
        };
        if changed && !req.ignore_changes.contains(key) {
            let kind = match (old, new) {
                (None, _) => DiffKind::Add,
                (_, None) => DiffKind::Delete,
                _ => DiffKind::Update,
            };
            response.diffs.push(key.clone());
            response.detailed_diff.insert(
                key.clone(),
                PropertyDiff {
                    kind,
                    input_diff: true,
                },
            );
        }
    }
    response.changes = if response.diffs.is_empty() {
        Changes::None
    } else {
        Changes::Some
    };
    response
}

#[cfg(test)]
mod tests;
