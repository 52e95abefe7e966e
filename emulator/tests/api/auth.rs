//! Management API authentication: missing, foreign, under-scoped, rotated, expired and foreign-signed tokens.

use super::*;

#[tokio::test]
async fn a_management_call_without_a_token_is_401_with_auth0s_body() {
    let emu = start().await;
    let res = http()
        .get(format!("{}/api/v2/clients", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode":401,"error":"Unauthorized","message":"Missing authentication"})
    );
    let (status, _) = call(&emu, "not.a.jwt", "GET", "/api/v2/clients", None).await;
    assert_eq!(status, 401);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_token_for_another_api_is_not_a_management_token() {
    let emu = start().await;
    let token = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &token).await;
    let (_, body) = token_for(&emu, &id, &secret, "https://myapi.example.com/").await;
    let (status, body) = call(
        &emu,
        body["access_token"].as_str().unwrap(),
        "GET",
        "/api/v2/clients",
        None,
    )
    .await;
    assert_eq!(status, 401, "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn an_under_scoped_token_is_403_and_client_secret_needs_read_client_keys() {
    let emu = start().await;
    let admin = management_token(&emu).await;
    let (_, c) = call(
        &emu,
        &admin,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "reader", "app_type": "non_interactive"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    let (s, _) = call(
        &emu,
        &admin,
        "POST",
        "/api/v2/client-grants",
        Some(json!({
            "client_id": id, "audience": emu.management_audience(), "scope": ["read:clients"]
        })),
    )
    .await;
    assert_eq!(s, 201);
    let (_, t) = token_for(
        &emu,
        id,
        c["client_secret"].as_str().unwrap(),
        &emu.management_audience(),
    )
    .await;
    let reader = t["access_token"].as_str().unwrap();

    let (status, body) = call(
        &emu,
        reader,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: create:clients","errorCode":"insufficient_scope"})
    );
    let (status, body) = call(&emu, reader, "GET", &format!("/api/v2/clients/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(body.get("client_secret").is_none(), "{body}");
    let (_, body) = call(&emu, &admin, "GET", &format!("/api/v2/clients/{id}"), None).await;
    assert_eq!(body["client_secret"], c["client_secret"]);
    let (status, _) = call(
        &emu,
        reader,
        "POST",
        &format!("/api/v2/clients/{id}/rotate-secret"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    emu.shutdown().await;
}

#[tokio::test]
async fn rotating_a_secret_invalidates_the_old_one() {
    let emu = start().await;
    let admin = management_token(&emu).await;
    let (id, old) = api_client_and_grant(&emu, &admin).await;
    let (status, body) = call(
        &emu,
        &admin,
        "POST",
        &format!("/api/v2/clients/{id}/rotate-secret"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let new = body["client_secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        token_for(&emu, &id, &old, "https://myapi.example.com/")
            .await
            .0,
        401
    );
    assert_eq!(
        token_for(&emu, &id, new, "https://myapi.example.com/")
            .await
            .0,
        200
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_and_a_token_signed_by_another_key_are_401() {
    let emu = start().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "iss": format!("https://{}/", emu.domain()),
        "sub": "someone@clients",
        "aud": emu.management_audience(),
        "iat": now - 7200,
        "exp": now - 3600,
        "scope": "read:clients",
    });
    // In-process emulators share the process's signing key.
    let expired = auth0_emulator::SigningKey::shared()
        .unwrap()
        .sign(&claims)
        .unwrap();
    let (s, b) = call(&emu, &expired, "GET", "/api/v2/clients", None).await;
    assert_eq!(s, 401);
    assert_eq!(
        b["message"],
        "Expired token received for JSON Web Token validation"
    );

    let mut fresh_claims = claims.clone();
    fresh_claims["exp"] = json!(now + 3600);
    let other_key = auth0_emulator::SigningKey::generate().unwrap();
    let forged = other_key.sign(&fresh_claims).unwrap();
    let (s, b) = call(&emu, &forged, "GET", "/api/v2/clients", None).await;
    assert_eq!((s, b["message"].as_str()), (401, Some("Invalid token")));
    emu.shutdown().await;
}
