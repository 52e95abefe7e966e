//! How the emulator presents itself: TLS, the discovery document and a configured domain.

use super::*;

#[tokio::test]
async fn tls_serves_https_with_a_certificate_for_ip_and_dns_names() {
    let emu = Emulator::start(EmulatorConfig {
        tls: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    let cert = reqwest::Certificate::from_pem(emu.tls_cert_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(cert)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let port = emu.local_addr().port();
    for host in ["127.0.0.1", "localhost"] {
        let res = client
            .get(format!(
                "https://{host}:{port}/.well-known/openid-configuration"
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("https via {host}: {e}"));
        assert_eq!(res.status(), 200);
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn the_discovery_document_names_the_issuer_and_jwks() {
    let emu = start().await;
    let doc: Value = http()
        .get(format!(
            "{}/.well-known/openid-configuration",
            emu.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], format!("https://{}/", emu.domain()));
    assert_eq!(
        doc["jwks_uri"],
        format!("{}/.well-known/jwks.json", emu.base_url())
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_configured_domain_sets_the_audience_and_issuer() {
    let emu = Emulator::start(EmulatorConfig {
        domain: Some("tenant.example.test".into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(
        emu.management_audience(),
        "https://tenant.example.test/api/v2/"
    );
    let t = management_token(&emu).await;
    let claims = verify_independently(&t, &emu.jwks());
    assert_eq!(claims["iss"], "https://tenant.example.test/");
    emu.shutdown().await;
}
