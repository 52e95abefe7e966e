//! `private_key_jwt` client authentication at `/oauth/token` (RFC 7523): the client sends a JWT
//! signed with the private key of one of its `public_key` credentials instead of a secret.
//!
//! The checks follow Auth0's "Authenticate with Private Key JWT" page: `iss` and `sub` are the
//! client id, `aud` is the tenant URL `https://{domain}/` (the token endpoint URL is accepted too),
//! `exp` is at most five minutes ahead, `iat`/`nbf` may be up to 10 seconds early, `jti` is required,
//! `iss`, `sub` and `jti` are at most 64 characters, and the header's `alg` must be the credential's
//! (`kid` is optional). The error bodies are the OAuth shape; their wording is the emulator's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use crate::credential_key::CredentialKey;
use crate::error::OAuthError;

/// The only `client_assertion_type` there is.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Auth0 accepts assertions that live at most five minutes.
const MAX_LIFETIME_SECS: u64 = 300;
/// Clock skew allowed on `iat` and `nbf`.
const SKEW_SECS: u64 = 10;
/// Longest `iss`, `sub` and `jti` Auth0 accepts.
const MAX_CLAIM_CHARS: usize = 64;

/// A credential a client may sign assertions with.
#[derive(Debug, Clone)]
pub struct AssertionKey {
    pub kid: String,
    pub alg: String,
    pub key: CredentialKey,
    /// Milliseconds since the epoch after which the credential is no longer usable.
    pub expires_at: Option<i64>,
}

/// An assertion whose signature and claims checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub client_id: String,
    pub jti: String,
    /// `exp`, in seconds since the epoch: how long the jti must be remembered.
    pub exp: u64,
}

fn refused(why: impl Into<String>) -> OAuthError {
    OAuthError::new(401, "invalid_client", why)
}

fn decode_part(part: &str) -> Option<Value> {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .filter(Value::is_object)
}

fn numeric(claims: &Value, name: &str) -> Result<Option<u64>, OAuthError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(|| refused(format!("client_assertion: \"{name}\" is not a NumericDate"))),
    }
}

/// The client a compact JWS names as its issuer, before any check (to look up its keys).
pub fn issuer(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    decode_part(payload)?
        .get("iss")?
        .as_str()
        .map(str::to_string)
}

/// Verify `assertion` against `keys` (the issuing client's credentials) at time `now` (seconds).
/// `client_id` is the request's `client_id` parameter, when sent; `audiences` are the values
/// `aud` may hold.
pub fn verify(
    assertion: &str,
    client_id: Option<&str>,
    audiences: &[String],
    keys: &[AssertionKey],
    now: u64,
) -> Result<Verified, OAuthError> {
    let mut parts = assertion.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refused(
            "client_assertion is not a compact JWS (header.payload.signature)",
        ));
    };
    let header =
        decode_part(h).ok_or_else(|| refused("client_assertion has an unreadable header"))?;
    let claims =
        decode_part(p).ok_or_else(|| refused("client_assertion has an unreadable payload"))?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| refused("client_assertion has an unreadable signature"))?;

    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let iss = text("iss")
        .ok_or_else(|| refused("client_assertion: \"iss\" is missing; set it to the client id"))?;
    if text("sub") != Some(iss) {
        return Err(refused(
            "client_assertion: \"sub\" must equal \"iss\", the client id",
        ));
    }
    if let Some(sent) = client_id.filter(|c| !c.is_empty()) {
        if sent != iss {
            return Err(refused(format!(
                "client_assertion: \"iss\" is \"{iss}\" but client_id is \"{sent}\""
            )));
        }
    }
    let jti = text("jti").ok_or_else(|| {
        refused("client_assertion: \"jti\" is missing; give each assertion a unique id")
    })?;
    for (name, value) in [("iss", iss), ("sub", iss), ("jti", jti)] {
        if value.chars().count() > MAX_CLAIM_CHARS {
            return Err(refused(format!(
                "client_assertion: \"{name}\" is longer than {MAX_CLAIM_CHARS} characters"
            )));
        }
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => audiences.iter().any(|x| x == a),
        Some(Value::Array(list)) => list
            .iter()
            .any(|a| a.as_str().is_some_and(|a| audiences.iter().any(|x| x == a))),
        _ => false,
    };
    if !aud_ok {
        return Err(refused(format!(
            "client_assertion: \"aud\" must be {}",
            audiences
                .first()
                .map(String::as_str)
                .unwrap_or("the tenant URL")
        )));
    }
    let exp =
        numeric(&claims, "exp")?.ok_or_else(|| refused("client_assertion: \"exp\" is missing"))?;
    if exp <= now {
        return Err(refused("client_assertion has expired"));
    }
    if exp > now + MAX_LIFETIME_SECS + SKEW_SECS {
        return Err(refused(format!(
            "client_assertion: \"exp\" is more than {MAX_LIFETIME_SECS} seconds ahead"
        )));
    }
    for name in ["iat", "nbf"] {
        if numeric(&claims, name)?.is_some_and(|t| t > now + SKEW_SECS) {
            return Err(refused(format!(
                "client_assertion: \"{name}\" is in the future"
            )));
        }
    }

    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let kid = header.get("kid").and_then(Value::as_str);
    let signed = &assertion[..h.len() + 1 + p.len()];
    let now_ms = (now as i64).saturating_mul(1000);
    let usable = keys
        .iter()
        .filter(|k| kid.is_none_or(|kid| kid == k.kid))
        .filter(|k| k.expires_at.is_none_or(|at| at > now_ms));
    let mut candidates = 0;
    for k in usable.filter(|k| k.alg == alg) {
        candidates += 1;
        if k.key.verifies(alg, signed.as_bytes(), &signature) {
            return Ok(Verified {
                client_id: iss.to_string(),
                jti: jti.to_string(),
                exp,
            });
        }
    }
    Err(refused(if candidates == 0 {
        format!(
            "client_assertion: no usable {alg} credential{} is registered for private_key_jwt on client {iss}",
            kid.map(|k| format!(" with kid {k}")).unwrap_or_default()
        )
    } else {
        "client_assertion signature does not verify with the client's credentials".to_string()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: u64 = 1_900_000_000;

    fn keys() -> Vec<AssertionKey> {
        let signer = crate::keys::SigningKey::shared().unwrap();
        vec![AssertionKey {
            kid: signer.kid().to_string(),
            alg: "RS256".into(),
            key: CredentialKey::from_pem(signer.cert_pem()).unwrap(),
            expires_at: None,
        }]
    }

    fn audiences() -> Vec<String> {
        vec!["https://tenant.test/".into()]
    }

    /// An assertion signed with the shared signing key (RS256), whose header names that key's kid.
    fn assertion(claims: serde_json::Value) -> String {
        crate::keys::SigningKey::shared()
            .unwrap()
            .sign(&claims)
            .unwrap()
    }

    fn good_claims() -> serde_json::Value {
        json!({"iss": "abc", "sub": "abc", "aud": "https://tenant.test/", "exp": NOW + 60, "jti": "1"})
    }

    #[test]
    fn a_well_formed_assertion_names_its_client_and_jti() {
        let keys = keys();
        let header = assertion(good_claims());
        let v = verify(&header, Some("abc"), &audiences(), &keys, NOW).unwrap();
        assert_eq!(
            v,
            Verified {
                client_id: "abc".into(),
                jti: "1".into(),
                exp: NOW + 60
            }
        );
        assert_eq!(issuer(&header).as_deref(), Some("abc"));
        // A client_id parameter that is not the issuer is refused.
        assert_eq!(
            verify(&header, Some("xyz"), &audiences(), &keys, NOW)
                .unwrap_err()
                .error,
            "invalid_client"
        );
        // So is a kid that names no credential.
        let mut other = keys.clone();
        other[0].kid = "someone-else".into();
        assert!(verify(&header, None, &audiences(), &other, NOW).is_err());
        // And an expired credential.
        let mut expired = keys;
        expired[0].expires_at = Some((NOW as i64 - 1) * 1000);
        assert!(verify(&header, None, &audiences(), &expired, NOW).is_err());
    }

    #[test]
    fn an_array_audience_needs_one_accepted_value() {
        let keys = keys();
        let mut claims = good_claims();
        claims["aud"] = json!(["https://elsewhere/", "https://tenant.test/"]);
        assert!(verify(&assertion(claims.clone()), None, &audiences(), &keys, NOW).is_ok());
        claims["aud"] = json!(["https://elsewhere/"]);
        let err = verify(&assertion(claims), None, &audiences(), &keys, NOW).unwrap_err();
        assert!(
            err.description.contains("https://tenant.test/"),
            "{}",
            err.description
        );
    }

    #[test]
    fn the_lifetime_and_times_are_checked_against_now() {
        let keys = keys();
        for (claim, value) in [
            ("exp", json!(NOW)),
            ("exp", json!(NOW + 311)),
            ("exp", json!("soon")),
            ("nbf", json!(NOW + 11)),
            ("iat", json!(NOW + 11)),
        ] {
            let mut claims = good_claims();
            claims[claim] = value.clone();
            assert!(
                verify(&assertion(claims), None, &audiences(), &keys, NOW).is_err(),
                "{claim}: {value}"
            );
        }
        let mut claims = good_claims();
        claims["iat"] = json!(NOW + 10);
        claims["exp"] = json!(NOW + 310);
        assert!(verify(&assertion(claims), None, &audiences(), &keys, NOW).is_ok());
    }
}
