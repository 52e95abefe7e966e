//! The emulator over HTTP: auth, scopes, tokens, errors, rate limits, faults, stats, state, TLS.

mod common;

use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimit};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{call, http, management_token, start, token_for};
use serde_json::{json, Value};

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
async fn errors_carry_auth0s_error_codes() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (s, b) = call(&emu, &t, "GET", "/api/v2/clients/doesnotexist", None).await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (404, Some("inexistent_client"))
    );
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/resource-servers/0123456789abcdef01234567",
        None,
    )
    .await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (404, Some("inexistent_resource_server"))
    );
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        "/api/v2/client-grants/cgr_nope",
        Some(json!({"scope": []})),
    )
    .await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (404, Some("inexistent_client_grant"))
    );
    let (s, b) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "x", "client_id": "mine"})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        b["message"],
        "Payload validation error: 'Additional properties not allowed: client_id'."
    );
    let (s, b) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/resource-servers",
        Some(json!({"identifier": 7})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, _) = call(&emu, &t, "DELETE", "/api/v2/clients/doesnotexist", None).await;
    assert_eq!(s, 204);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_default_grant_for_third_party_clients_is_created_listed_and_gives_no_token() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &t).await;
    let default_grant = json!({
        "audience": "https://myapi.example.com/",
        "default_for": "third_party_clients",
        "scope": ["write:data"]
    });
    let (s, g) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/client-grants",
        Some(default_grant.clone()),
    )
    .await;
    assert_eq!(s, 201, "{g}");
    assert_eq!(g["default_for"], "third_party_clients");
    assert!(g.get("client_id").is_none(), "{g}");
    let (s, b) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/client-grants",
        Some(default_grant),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    let (s, list) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/client-grants?default_for=third_party_clients&include_totals=true",
        None,
    )
    .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["client_grants"][0]["id"], g["id"]);
    // The client's own grant still decides its token's scopes.
    let (s, tok) = token_for(&emu, &id, &secret, "https://myapi.example.com/").await;
    assert_eq!(s, 200, "{tok}");
    assert_eq!(tok["scope"], "read:data");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_patch_may_null_only_what_auth0_lets_be_null() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (s, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({
            "name": "n", "logo_uri": "https://cdn.example.com/l.png",
            "fedcm_login": {"google": {"is_enabled": true}},
            "addons": {"slack": {"team": "x"}}
        })),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["fedcm_login"], json!({"google": {"is_enabled": true}}));
    let path = format!("/api/v2/clients/{}", c["client_id"].as_str().unwrap());
    let (s, b) = call(&emu, &t, "PATCH", &path, Some(json!({"logo_uri": null}))).await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(
        b["message"],
        "Payload validation error: 'Expected type string but found type null' on property logo_uri."
    );
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &path,
        Some(json!({"addons": null, "token_quota": null, "fedcm_login": {"google": {"is_enabled": false}}})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(b.get("addons").is_none(), "{b}");
    assert_eq!(b["logo_uri"], "https://cdn.example.com/l.png");
    assert_eq!(b["fedcm_login"], json!({"google": {"is_enabled": false}}));
    let (s, rs) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/resource-servers",
        Some(json!({"identifier": "https://n/", "verificationLocation": "https://verify.example.com"})),
    )
    .await;
    assert_eq!(s, 201, "{rs}");
    assert_eq!(rs["verificationLocation"], "https://verify.example.com");
    let rs_path = format!("/api/v2/resource-servers/{}", rs["id"].as_str().unwrap());
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &rs_path,
        Some(json!({"token_lifetime": null})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &rs_path,
        Some(json!({"token_encryption": null})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    emu.shutdown().await;
}

#[tokio::test]
async fn duplicates_are_409_and_the_system_api_is_protected() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (id, _) = api_client_and_grant(&emu, &t).await;
    let (s, _) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/resource-servers",
        Some(json!({"identifier": "https://myapi.example.com/"})),
    )
    .await;
    assert_eq!(s, 409);
    let (s, b) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/client-grants",
        Some(json!({"client_id": id, "audience": "https://myapi.example.com/", "scope": []})),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    let encoded = emu
        .management_audience()
        .replace(':', "%3A")
        .replace('/', "%2F");
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/resource-servers/{encoded}"),
        None,
    )
    .await;
    assert_eq!((s, &b["is_system"]), (200, &json!(true)));
    let (s, _) = call(
        &emu,
        &t,
        "DELETE",
        &format!("/api/v2/resource-servers/{encoded}"),
        None,
    )
    .await;
    assert_eq!(s, 403);
    emu.shutdown().await;
}

#[tokio::test]
async fn an_api_is_found_by_its_url_encoded_identifier_and_listed_by_identifiers() {
    let emu = start().await;
    let t = management_token(&emu).await;
    api_client_and_grant(&emu, &t).await;
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/resource-servers/https%3A%2F%2Fmyapi.example.com%2F",
        None,
    )
    .await;
    assert_eq!((s, b["name"].as_str()), (200, Some("My API")));
    let (s, b) = call(&emu, &t, "GET", "/api/v2/resource-servers?identifiers=https%3A%2F%2Fmyapi.example.com%2F&include_totals=true", None).await;
    assert_eq!(s, 200);
    assert_eq!(b["total"], 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_headers_once_the_burst_is_spent() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_rate_limit(RateLimit::Bucket {
        burst: 2,
        per_second: 0.5,
    });
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let res = http()
            .get(format!("{}/api/v2/clients", emu.base_url()))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
        assert_eq!(res.headers()["x-ratelimit-limit"], "2");
        last = Some(res);
    }
    assert_eq!(statuses, vec![200, 200, 429]);
    let res = last.unwrap();
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    let reset: u64 = res.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset > now && reset <= now + 5, "reset {reset} now {now}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"})
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn an_error_before_processing_changes_nothing_and_one_after_commit_keeps_the_change() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        error_before: 1.0,
        ..FaultConfig::default()
    });
    let (s, _) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "before"})),
    )
    .await;
    assert_eq!(s, 503);
    emu.set_faults(FaultConfig {
        error_after: 1.0,
        error_status: 500,
        ..FaultConfig::default()
    });
    let (s, _) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "after"})),
    )
    .await;
    assert_eq!(s, 500);
    emu.set_faults(FaultConfig::default());
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"after"), "{names:?}");
    assert!(!names.contains(&"before"), "{names:?}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gives_the_client_a_transport_error() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        drop_after: 1.0,
        ..FaultConfig::default()
    });
    let res = http()
        .post(format!("{}/api/v2/clients", emu.base_url()))
        .bearer_auth(&t)
        .json(&json!({"name": "dropped"}))
        .send()
        .await;
    assert!(
        res.is_err(),
        "expected a transport error, got {:?}",
        res.map(|r| r.status())
    );
    emu.set_faults(FaultConfig::default());
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "dropped"));
    emu.shutdown().await;
}

#[tokio::test]
async fn seeded_faults_repeat_across_runs() {
    async fn run() -> Vec<u16> {
        let emu = start().await;
        let t = management_token(&emu).await;
        emu.set_faults(FaultConfig {
            seed: 7,
            error_before: 0.5,
            ..FaultConfig::default()
        });
        let mut out = Vec::new();
        for _ in 0..16 {
            out.push(call(&emu, &t, "GET", "/api/v2/clients", None).await.0);
        }
        emu.shutdown().await;
        out
    }
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn added_latency_delays_responses() {
    let emu = start().await;
    let t = management_token(&emu).await;
    emu.set_faults(FaultConfig {
        latency: Duration::from_millis(150),
        ..FaultConfig::default()
    });
    let started = std::time::Instant::now();
    call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    emu.shutdown().await;
}

#[tokio::test]
async fn stats_count_management_routes_and_tokens_separately() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (_, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "s"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    let stats = emu.stats();
    assert_eq!(stats.count("GET /api/v2/clients/{id}"), 2);
    assert_eq!(stats.count("POST /api/v2/clients"), 1);
    assert_eq!(stats.management_total, 3);
    assert_eq!(stats.token, 1);
    let over_http: Value = http()
        .get(format!("{}/emulator/stats", emu.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http["routes"]["GET /api/v2/clients/{id}"], 2);
    assert_eq!(over_http["managementTotal"], 3);
    let res = http()
        .post(format!("{}/emulator/stats/reset", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(emu.stats().management_total, 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn state_survives_a_restart_and_old_tokens_stay_valid() {
    let dir = std::env::temp_dir().join(format!("emu-state-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    // A fixed domain keeps the audience and issuer stable while the port changes.
    let config = EmulatorConfig {
        state_file: Some(path.clone()),
        domain: Some("tenant.test".into()),
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start(config.clone()).await.unwrap();
    let t = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &t).await;
    let bootstrap = emu.bootstrap_client_id().to_string();
    emu.shutdown().await;

    let emu = Emulator::start(config).await.unwrap();
    assert_eq!(emu.bootstrap_client_id(), bootstrap);
    // The token from before the restart is still accepted: same signing key, same audience.
    let (s, c) = call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    // Compared, not printed: a failure message must not show the secret.
    assert_eq!(
        (s, c["client_secret"].as_str() == Some(secret.as_str())),
        (200, true)
    );
    let (s, _) = token_for(&emu, &id, &secret, "https://myapi.example.com/").await;
    assert_eq!(s, 200);
    emu.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn seeded_objects_are_served_and_a_bad_seed_changes_nothing() {
    let emu = start().await;
    emu.seed(json!({
        "resource_servers": [{"identifier": "https://myapi.example.com/", "name": "Existing"}],
        "clients": [{"client_id": "existingexistingexistingexisting", "name": "existing"}]
    }))
    .unwrap();
    let t = management_token(&emu).await;
    let (s, _) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients/existingexistingexistingexisting",
        None,
    )
    .await;
    assert_eq!(s, 200);
    let err = emu
        .seed(json!({"clients": [{"name": "half"}], "client_grants": [{"client_id": "nope", "audience": "https://x/"}]}))
        .unwrap_err();
    assert!(err.contains("client_grants"), "{err}");
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert!(!list.as_array().unwrap().iter().any(|c| c["name"] == "half"));
    emu.shutdown().await;
}

#[tokio::test]
async fn drift_can_be_made_through_the_management_api() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (_, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "drifty"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &format!("/api/v2/clients/{id}"),
        Some(json!({"description": "changed in the UI"})),
    )
    .await;
    assert_eq!(
        (s, b["description"].as_str()),
        (200, Some("changed in the UI"))
    );
    emu.shutdown().await;
}

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

#[tokio::test]
async fn every_acknowledged_change_is_in_the_state_file_before_the_response() {
    let dir = std::env::temp_dir().join(format!("emu-ack-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let emu = Emulator::start(EmulatorConfig {
        state_file: Some(path.clone()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let t = management_token(&emu).await;
    for i in 0..5 {
        let (s, c) = call(
            &emu,
            &t,
            "POST",
            "/api/v2/clients",
            Some(json!({"name": format!("acked-{i}")})),
        )
        .await;
        assert_eq!(s, 201);
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(
            saved.contains(c["client_id"].as_str().unwrap()),
            "client {i} is on disk when acknowledged"
        );
    }
    emu.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_invalid_json_body_is_a_400_naming_the_payload() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let res = http()
        .post(format!("{}/api/v2/clients", emu.base_url()))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["message"], "Invalid request payload JSON format");
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
