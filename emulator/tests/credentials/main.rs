//! Client credentials over HTTP: `/api/v2/clients/{id}/credentials`, a client's
//! `token_endpoint_auth_method` and `client_authentication_methods`, and `private_key_jwt`
//! client assertions at `/oauth/token`.

#[path = "../common/mod.rs"]
mod common;

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use auth0_emulator::Emulator;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{call, http, management_token, start, token_for};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

mod auth_methods;
mod endpoints;
mod private_key_jwt;

/// An RSA key pair a test client signs its assertions with.
struct TestKey {
    pkcs8_der: Vec<u8>,
    /// SPKI `PUBLIC KEY` PEM.
    public_pem: String,
    /// A self-signed certificate of the key, valid until 2033-05-13.
    cert_pem: String,
    /// RFC 7638 thumbprint, computed here with `sha2`, independently of the emulator.
    thumbprint: String,
}

fn test_key(i: usize) -> &'static TestKey {
    static KEYS: OnceLock<Vec<TestKey>> = OnceLock::new();
    &KEYS.get_or_init(|| {
        (0..3)
            .map(|_| {
                use sha2::{Digest, Sha256};
                let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
                let pkcs8_pem = private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
                let public = private.to_public_key();
                let jwk = format!(
                    "{{\"e\":\"{}\",\"kty\":\"RSA\",\"n\":\"{}\"}}",
                    URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
                    URL_SAFE_NO_PAD.encode(public.n().to_bytes_be())
                );
                let rc_key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(
                    &pkcs8_pem,
                    &rcgen::PKCS_RSA_SHA256,
                )
                .unwrap();
                let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
                params.not_after = rcgen::date_time_ymd(2033, 5, 13);
                TestKey {
                    pkcs8_der: private.to_pkcs8_der().unwrap().as_bytes().to_vec(),
                    public_pem: public.to_public_key_pem(LineEnding::LF).unwrap(),
                    cert_pem: params.self_signed(&rc_key).unwrap().pem(),
                    thumbprint: URL_SAFE_NO_PAD.encode(Sha256::digest(jwk.as_bytes())),
                }
            })
            .collect()
    })[i]
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A compact JWS of `header` and `claims`, signed with `key` under `alg`.
fn sign(key: &TestKey, alg: &str, header: Value, claims: Value) -> String {
    use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PSS_SHA256};
    let mut header = header;
    header["alg"] = json!(alg);
    let mut input = URL_SAFE_NO_PAD.encode(header.to_string());
    input.push('.');
    input.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
    let pair = RsaKeyPair::from_pkcs8(&key.pkcs8_der).unwrap();
    let padding: &dyn ring::signature::RsaEncoding = match alg {
        "RS256" => &RSA_PKCS1_SHA256,
        "RS384" => &RSA_PKCS1_SHA384,
        "PS256" => &RSA_PSS_SHA256,
        other => panic!("no test signer for {other}"),
    };
    let mut sig = vec![0; pair.public().modulus_len()];
    pair.sign(
        padding,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Claims a well-formed assertion for `client_id` carries, with a fresh jti.
fn claims(emu: &Emulator, client_id: &str) -> Value {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": format!("https://{}/", emu.domain()),
        "iat": now(),
        "exp": now() + 60,
        "jti": format!("jti-{n}-{}", now()),
    })
}

/// POST /oauth/token with a client assertion: (status, body).
async fn token_with_assertion(emu: &Emulator, assertion: &str, audience: &str) -> (u16, Value) {
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
            ("audience", audience),
        ])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// An API with a scope, and a machine-to-machine client granted it; returns the client's id.
async fn granted_client(emu: &Emulator, token: &str) -> String {
    let (s, b) = call(
        emu,
        token,
        "POST",
        "/api/v2/resource-servers",
        Some(json!({"identifier": "https://api.example.com/", "scopes": [{"value": "read:data"}]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, c) = call(
        emu,
        token,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "svc", "app_type": "non_interactive", "token_endpoint_auth_method": "client_secret_post"})),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let id = c["client_id"].as_str().unwrap().to_string();
    let (s, b) = call(
        emu,
        token,
        "POST",
        "/api/v2/client-grants",
        Some(json!({"client_id": id, "audience": "https://api.example.com/", "scope": ["read:data"]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    id
}

async fn add_credential(emu: &Emulator, token: &str, client_id: &str, body: Value) -> Value {
    let (s, b) = call(
        emu,
        token,
        "POST",
        &format!("/api/v2/clients/{client_id}/credentials"),
        Some(body),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Make `client_id` authenticate with private_key_jwt using `credential_ids`.
async fn use_private_key_jwt(
    emu: &Emulator,
    token: &str,
    client_id: &str,
    credential_ids: &[&str],
) -> Value {
    let refs: Vec<Value> = credential_ids.iter().map(|id| json!({"id": id})).collect();
    let (s, b) = call(
        emu,
        token,
        "PATCH",
        &format!("/api/v2/clients/{client_id}"),
        Some(json!({
            "client_authentication_methods": {"private_key_jwt": {"credentials": refs}},
            "token_endpoint_auth_method": null
        })),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b
}
