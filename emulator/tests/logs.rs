//! Request logs name the request but never a secret or a token.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{call, management_token, start};
use serde_json::json;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread, so the emulator's tasks log into this test's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn request_logs_hold_neither_tokens_nor_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = start().await;
    let token = management_token(&emu).await;
    let (_, c) = call(
        &emu,
        &token,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "logged"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap().to_string();
    let secret = c["client_secret"].as_str().unwrap().to_string();
    call(&emu, &token, "GET", &format!("/api/v2/clients/{id}"), None).await;
    call(
        &emu,
        &token,
        "POST",
        &format!("/api/v2/clients/{id}/rotate-secret"),
        None,
    )
    .await;
    let bootstrap_secret = emu.bootstrap_client_secret().to_string();
    emu.shutdown().await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/api/v2/clients"),
        "requests are logged:\n{logs}"
    );
    assert!(
        logs.contains("/oauth/token"),
        "token requests are logged:\n{logs}"
    );
    assert!(!logs.contains(&token), "a token leaked into the logs");
    assert!(
        !logs.contains(&secret),
        "a client secret leaked into the logs"
    );
    assert!(
        !logs.contains(&bootstrap_secret),
        "the bootstrap secret leaked into the logs"
    );
    assert!(
        !logs.contains("PRIVATE KEY"),
        "the signing key leaked into the logs"
    );
}
