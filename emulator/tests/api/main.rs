//! The emulator over HTTP: auth, scopes, tokens, errors, rate limits, faults, stats, state, TLS.

#[path = "../common/mod.rs"]
mod common;

use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimit};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{call, http, management_token, start, token_for};
use serde_json::{json, Value};

mod auth;
mod faults;
mod management;
mod serving;
mod state;
mod tokens;

/// Verify an RS256 JWT against a JWKS with the `rsa` crate and `sha2`: an implementation
/// independent of the emulator's signer (ring).
fn verify_independently(token: &str, jwks: &Value) -> Value {
    use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
    use sha2::{Digest, Sha256};

    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the token's kid is in the JWKS");
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).unwrap();
    let digest = Sha256::digest(format!("{}.{}", parts[0], parts[1]).as_bytes());
    let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &sig)
        .expect("signature verifies against the JWKS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

async fn jwks(emu: &Emulator) -> Value {
    http()
        .get(format!("{}/.well-known/jwks.json", emu.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// An API with two scopes, a client and a grant for read:data; returns (client_id, secret).
async fn api_client_and_grant(emu: &Emulator, token: &str) -> (String, String) {
    let (s, _) = call(
        emu,
        token,
        "POST",
        "/api/v2/resource-servers",
        Some(json!({
            "name": "My API", "identifier": "https://myapi.example.com/",
            "scopes": [{"value": "read:data"}, {"value": "write:data"}]
        })),
    )
    .await;
    assert_eq!(s, 201);
    let (s, c) = call(
        emu,
        token,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "svc", "app_type": "non_interactive"})),
    )
    .await;
    assert_eq!(s, 201);
    let id = c["client_id"].as_str().unwrap().to_string();
    let (s, _) = call(
        emu,
        token,
        "POST",
        "/api/v2/client-grants",
        Some(json!({
            "client_id": id, "audience": "https://myapi.example.com/", "scope": ["read:data"]
        })),
    )
    .await;
    assert_eq!(s, 201);
    (id, c["client_secret"].as_str().unwrap().to_string())
}
