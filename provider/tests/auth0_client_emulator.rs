//! The Auth0 client against the real emulator: real tokens, TLS with a private CA, and
//! Auth0-style rate limits.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorConfig, RateLimit};
use pulumi_auth0_provider::auth0::{ApiError, Auth0Client, Settings};
use pulumi_auth0_provider::config::settings_from_config;
use pulumi_auth0_provider::value::{PropertyMap, Value};

const TEST_LIMIT: Duration = Duration::from_secs(60);

async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(TEST_LIMIT, test)
        .await
        .expect("test exceeded its time limit")
}

/// Settings as a user would write them: `domain` is the emulator's URL.
fn settings_for(emu: &Emulator, extra: &[(&str, &str)]) -> Settings {
    settings_at(emu, &emu.base_url(), extra)
}

/// Settings for the emulator's credentials with `domain` set to `url`.
fn settings_at(emu: &Emulator, url: &str, extra: &[(&str, &str)]) -> Settings {
    let mut args: PropertyMap = [
        ("domain".to_string(), Value::from(url)),
        (
            "clientId".to_string(),
            Value::from(emu.bootstrap_client_id()),
        ),
        (
            "clientSecret".to_string(),
            Value::from(emu.bootstrap_client_secret()).into_secret(),
        ),
    ]
    .into_iter()
    .collect();
    for (k, v) in extra {
        args.insert(k.to_string(), Value::from(*v));
    }
    settings_from_config(&args, &|_| None).expect("emulator settings resolve")
}

fn client_ids(body: &serde_json::Value) -> Vec<String> {
    body.as_array()
        .expect("GET /api/v2/clients answers an array")
        .iter()
        .filter_map(|c| c["client_id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_real_token_from_the_emulator_lists_its_clients() {
    bounded(async {
        let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let settings = settings_for(&emu, &[]);
        assert_eq!(settings.audience, emu.management_audience());
        let client = Auth0Client::with_env(settings, &|_| None).unwrap();
        let first = client.get("/api/v2/clients", None).await.unwrap();
        assert!(client_ids(&first.body).contains(&emu.bootstrap_client_id().to_string()));
        client.get("/api/v2/clients", None).await.unwrap();
        let stats = emu.stats();
        assert_eq!(stats.token, 1, "the token is reused");
        assert_eq!(stats.count("GET /api/v2/clients"), 2);
        emu.shutdown().await;
    })
    .await;
}

/// A file removed when dropped, so a failing test leaves nothing behind either.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Forwards loopback TCP connections to `target` and counts them: one per attempt.
async fn counting_forwarder(target: SocketAddr) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let copy = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    let _ = tokio::time::timeout(TEST_LIMIT, copy).await;
                }
            });
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn the_emulators_private_ca_is_trusted_through_ssl_cert_file() {
    bounded(async {
        let emu = Emulator::start(EmulatorConfig {
            tls: true,
            ..EmulatorConfig::default()
        })
        .await
        .unwrap();
        assert!(emu.base_url().starts_with("https://"));
        let cert = TempFile(std::env::temp_dir().join(format!(
            "auth0-client-test-ca-{}-{}.pem",
            std::process::id(),
            emu.local_addr().port()
        )));
        std::fs::write(&cert.0, emu.tls_cert_pem().unwrap()).unwrap();
        let cert_path = cert.0.to_string_lossy().into_owned();

        let (forwarder, connections) = counting_forwarder(emu.local_addr()).await;
        let through_forwarder = format!("https://127.0.0.1:{}", forwarder.port());
        let untrusting =
            Auth0Client::with_env(settings_at(&emu, &through_forwarder, &[]), &|_| None).unwrap();
        let err = untrusting.get("/api/v2/clients", None).await.unwrap_err();
        assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "retrying cannot fix an untrusted certificate, so there is one attempt"
        );
        assert!(
            err.sentence().contains("SSL_CERT_FILE"),
            "{}",
            err.sentence()
        );

        let env = |name: &str| (name == "SSL_CERT_FILE").then(|| cert_path.clone());
        let trusting = Auth0Client::with_env(settings_for(&emu, &[]), &env).unwrap();
        let listed = trusting.get("/api/v2/clients", None).await.unwrap();
        assert!(client_ids(&listed.body).contains(&emu.bootstrap_client_id().to_string()));
        emu.shutdown().await;
    })
    .await;
}

/// Sends `n` concurrent GETs and returns how many requests the emulator saw in all
/// (refused 429s included).
async fn requests_seen_for(n: usize, extra: &[(&str, &str)]) -> u64 {
    let emu = Emulator::start(EmulatorConfig {
        rate_limit: RateLimit::Bucket {
            burst: 3,
            per_second: 4.0,
        },
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = Auth0Client::with_env(settings_for(&emu, extra), &|_| None).unwrap();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get("/api/v2/resource-servers", None).await })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("every request succeeds in the end");
    }
    let total = emu.stats().management_total;
    emu.shutdown().await;
    total
}

#[tokio::test]
async fn a_rate_limited_tenant_is_waited_out_and_the_client_side_limit_avoids_429s() {
    bounded(async {
        let unlimited = requests_seen_for(8, &[]).await;
        assert!(
            unlimited > 8,
            "8 concurrent requests against burst 3 should meet 429s (saw {unlimited})"
        );
        let limited = requests_seen_for(8, &[("maxRequestsPerSecond", "3")]).await;
        assert_eq!(
            limited, 8,
            "at 3/s (burst 3) under a tenant limit of burst 3 at 4/s no request is refused"
        );
        eprintln!("8 concurrent GETs, tenant burst 3 at 4/s: {unlimited} requests reached the emulator without a client-side limit, {limited} at maxRequestsPerSecond 3");
    })
    .await;
}
