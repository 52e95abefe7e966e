//! Interim `make demo`: start the emulator, create an API, a client and a grant through the
//! Management API, get a token for the client and verify it against the JWKS.
//!
//! Run: `cargo run -p auth0-emulator --example demo`

use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorConfig};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

type Error = Box<dyn std::error::Error>;

async fn send(req: reqwest::RequestBuilder, what: &str) -> Result<Value, Error> {
    let res = req.send().await?;
    let status = res.status();
    let body: Value = res.json().await?;
    if !status.is_success() {
        return Err(format!("{what} failed with {status}: {body}").into());
    }
    Ok(body)
}

/// Verify an RS256 token against the JWKS with the `rsa` crate (not the emulator's signer).
fn verify(token: &str, jwks: &Value) -> Result<Value, Error> {
    use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
    use sha2::{Digest, Sha256};
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err("the token is not a compact JWS".into());
    };
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header)?)?;
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == header["kid"]))
        .ok_or("the token's kid is not in the JWKS")?;
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap_or_default())?;
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap_or_default())?;
    let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))?;
    let digest = Sha256::digest(format!("{}.{}", parts[0], parts[1]).as_bytes());
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &digest,
        &URL_SAFE_NO_PAD.decode(signature)?,
    )?;
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let emu = Emulator::start(EmulatorConfig::default()).await?;
    let base = emu.base_url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()?;
    println!("emulator:   {base} (domain {})", emu.domain());

    let token = send(
        http.post(format!("{base}/oauth/token")).json(&json!({
            "grant_type": "client_credentials",
            "client_id": emu.bootstrap_client_id(),
            "client_secret": emu.bootstrap_client_secret(),
            "audience": emu.management_audience(),
        })),
        "Management API token",
    )
    .await?["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    let api = send(
        http.post(format!("{base}/api/v2/resource-servers"))
            .bearer_auth(&token)
            .json(&json!({
                "name": "My API",
                "identifier": "https://myapi.example.com/",
                "scopes": [
                    {"value": "read:data", "description": "Read data"},
                    {"value": "write:data", "description": "Write data"}
                ]
            })),
        "creating the API",
    )
    .await?;
    println!(
        "API:        {} ({})",
        api["identifier"].as_str().unwrap_or_default(),
        api["id"].as_str().unwrap_or_default()
    );

    let client = send(
        http.post(format!("{base}/api/v2/clients"))
            .bearer_auth(&token)
            .json(&json!({"name": "demo-service", "app_type": "non_interactive", "grant_types": ["client_credentials"]})),
        "creating the client",
    )
    .await?;
    let client_id = client["client_id"].as_str().unwrap_or_default();
    let client_secret = client["client_secret"].as_str().unwrap_or_default();
    println!("client:     {client_id}");

    let grant = send(
        http.post(format!("{base}/api/v2/client-grants"))
            .bearer_auth(&token)
            .json(&json!({
                "client_id": client_id,
                "audience": "https://myapi.example.com/",
                "scope": ["read:data", "write:data"]
            })),
        "creating the grant",
    )
    .await?;
    println!(
        "grant:      {} scopes {}",
        grant["id"].as_str().unwrap_or_default(),
        grant["scope"]
    );

    let issued = send(
        http.post(format!("{base}/oauth/token"))
            .basic_auth(client_id, Some(client_secret))
            .form(&[
                ("grant_type", "client_credentials"),
                ("audience", "https://myapi.example.com/"),
            ]),
        "the service token",
    )
    .await?;
    let jwks = send(
        http.get(format!("{base}/.well-known/jwks.json")),
        "fetching the JWKS",
    )
    .await?;
    let claims = verify(issued["access_token"].as_str().unwrap_or_default(), &jwks)?;
    if claims["aud"] != "https://myapi.example.com/"
        || claims["sub"] != format!("{client_id}@clients")
    {
        return Err(format!("unexpected claims: {claims}").into());
    }
    println!("token:      RS256 signature verified against the JWKS");
    println!("claims:     {}", serde_json::to_string_pretty(&claims)?);
    emu.shutdown().await;
    println!("demo: OK");
    Ok(())
}
