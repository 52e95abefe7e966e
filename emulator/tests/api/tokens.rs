//! /oauth/token: who gets a token, for which API, with which client authentication, and that it verifies.

use super::*;

#[tokio::test]
async fn a_client_token_verifies_against_the_jwks_with_an_independent_verifier() {
    let emu = start().await;
    let token = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &token).await;
    let (status, body) = token_for(&emu, &id, &secret, "https://myapi.example.com/").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    let claims = verify_independently(body["access_token"].as_str().unwrap(), &jwks(&emu).await);
    assert_eq!(claims["iss"], format!("https://{}/", emu.domain()));
    assert_eq!(claims["sub"], format!("{id}@clients"));
    assert_eq!(claims["aud"], "https://myapi.example.com/");
    assert_eq!(claims["azp"], id.as_str());
    assert_eq!(claims["scope"], "read:data");
    assert_eq!(claims["gty"], "client-credentials");
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        86400
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_token_is_refused_without_a_grant_and_with_a_wrong_secret() {
    let emu = start().await;
    let token = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &token).await;
    let (status, body) = token_for(&emu, &id, &secret, &emu.management_audience()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "access_denied");
    let (status, body) = token_for(&emu, &id, "wrong", "https://myapi.example.com/").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("access_denied"))
    );
    let (status, _) = token_for(&emu, &id, &secret, "https://unknown.example.com/").await;
    assert_eq!(status, 403);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_client_without_a_secret_gets_no_token_for_an_empty_secret() {
    let emu = start().await;
    let token = management_token(&emu).await;
    api_client_and_grant(&emu, &token).await;
    // A client that authenticates with credentials (private_key_jwt) has no client_secret.
    let (s, c) = call(
        &emu,
        &token,
        "POST",
        "/api/v2/clients",
        Some(json!({
            "name": "keyed", "app_type": "non_interactive",
            "client_authentication_methods": {"private_key_jwt": {"credentials": []}}
        })),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    assert!(c.get("client_secret").is_none(), "{c}");
    let id = c["client_id"].as_str().unwrap();
    let (s, g) = call(
        &emu,
        &token,
        "POST",
        "/api/v2/client-grants",
        Some(json!({"client_id": id, "audience": "https://myapi.example.com/", "scope": []})),
    )
    .await;
    assert_eq!(s, 201, "{g}");
    let (status, body) = token_for(&emu, id, "", "https://myapi.example.com/").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("access_denied")),
        "{body}"
    );
    // Leaving client_secret out altogether is refused the same way.
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .json(&json!({
            "grant_type": "client_credentials", "client_id": id,
            "audience": "https://myapi.example.com/"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    emu.shutdown().await;
}

#[tokio::test]
async fn an_apis_id_is_not_its_identifier_for_tokens_and_grants() {
    let emu = start().await;
    let token = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &token).await;
    let (_, api) = call(
        &emu,
        &token,
        "GET",
        "/api/v2/resource-servers/https%3A%2F%2Fmyapi.example.com%2F",
        None,
    )
    .await;
    let api_id = api["id"].as_str().unwrap();
    assert_ne!(api_id, "https://myapi.example.com/");
    let (status, body) = token_for(&emu, &id, &secret, api_id).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("access_denied")),
        "a token was issued for audience={api_id}"
    );
    let (s, c) = call(
        &emu,
        &token,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "other", "app_type": "non_interactive"})),
    )
    .await;
    assert_eq!(s, 201);
    let (s, body) = call(
        &emu,
        &token,
        "POST",
        "/api/v2/client-grants",
        Some(json!({"client_id": c["client_id"], "audience": api_id, "scope": []})),
    )
    .await;
    assert_eq!(s, 404, "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_seeded_client_without_grant_types_is_refused_the_client_credentials_grant() {
    let emu = start().await;
    emu.seed(json!({
        "resource_servers": [{"identifier": "https://myapi.example.com/", "name": "API"}],
        "clients": [{
            "client_id": "copiedcopiedcopiedcopiedcopied12", "name": "copied",
            "client_secret": "copied-secret-copied-secret-copied-secret",
            "signing_keys": [{"cert": "x"}]
        }],
        "client_grants": [{
            "client_id": "copiedcopiedcopiedcopiedcopied12",
            "audience": "https://myapi.example.com/", "scope": []
        }]
    }))
    .unwrap();
    let (status, body) = token_for(
        &emu,
        "copiedcopiedcopiedcopiedcopied12",
        "copied-secret-copied-secret-copied-secret",
        "https://myapi.example.com/",
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("unauthorized_client"))
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_token_request_may_use_http_basic_and_a_form_body() {
    let emu = start().await;
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .basic_auth(
            emu.bootstrap_client_id(),
            Some(emu.bootstrap_client_secret()),
        )
        .form(&[
            ("grant_type", "client_credentials"),
            ("audience", emu.management_audience().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["scope"].as_str().unwrap().contains("create:clients"));
    emu.shutdown().await;
}

#[tokio::test]
async fn a_basic_secret_with_plus_and_percent_works_whether_or_not_the_client_url_encoded_it() {
    let secret = "given+secret%2Fwith/odd chars:and-more-given-secret";
    let emu = Emulator::start(EmulatorConfig {
        bootstrap_client_secret: Some(secret.into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    // Python requests' HTTPBasicAuth and reqwest send the secret as it is; RFC 6749 clients
    // (Go's oauth2) form-encode it first.
    let rfc_encoded: String = form_urlencoded_component(secret);
    for (how, sent) in [("as is", secret.to_string()), ("form-encoded", rfc_encoded)] {
        let res = http()
            .post(format!("{}/oauth/token", emu.base_url()))
            .basic_auth(emu.bootstrap_client_id(), Some(&sent))
            .form(&[
                ("grant_type", "client_credentials"),
                ("audience", emu.management_audience().as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "a Basic secret sent {how} was refused");
    }
    emu.shutdown().await;
}

/// `application/x-www-form-urlencoded` encoding of one value (RFC 6749 section 2.3.1).
fn form_urlencoded_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_grant_type_other_than_client_credentials_is_refused() {
    let emu = start().await;
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
    emu.shutdown().await;
}
