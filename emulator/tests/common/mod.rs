//! Helpers shared by the emulator's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

/// A token for `audience` with the given client credentials, or the error response.
pub async fn token_for(
    emu: &Emulator,
    client_id: &str,
    secret: &str,
    audience: &str,
) -> (u16, Value) {
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .json(&json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "audience": audience,
        }))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// A Management API token for the bootstrap client (every scope).
pub async fn management_token(emu: &Emulator) -> String {
    let (status, body) = token_for(
        emu,
        emu.bootstrap_client_id(),
        emu.bootstrap_client_secret(),
        &emu.management_audience(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// A Management API call: (status, JSON body or Null).
pub async fn call(
    emu: &Emulator,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http()
        .request(method, format!("{}{}", emu.base_url(), path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}
