//! Client credentials over HTTP: `/api/v2/clients/{id}/credentials`, a client's
//! `token_endpoint_auth_method` and `client_authentication_methods`, and `private_key_jwt`
//! client assertions at `/oauth/token`.

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

// ---------------------------------------------------------------- the credentials endpoints

#[tokio::test]
async fn a_certificate_credential_is_created_read_listed_updated_and_deleted_without_its_pem() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let key = test_key(0);
    let created = add_credential(
        &emu,
        &t,
        &id,
        json!({
            "name": "Testing Credentials 1", "credential_type": "public_key",
            "pem": key.cert_pem, "alg": "RS256", "parse_expiry_from_cert": true
        }),
    )
    .await;
    let cred_id = created["id"].as_str().unwrap().to_string();
    assert!(
        cred_id.starts_with("cred_") && cred_id.len() == 27,
        "{cred_id}"
    );
    assert_eq!(created["credential_type"], "public_key");
    assert_eq!(created["kid"], key.thumbprint.as_str());
    assert_eq!(created["alg"], "RS256");
    assert_eq!(created["name"], "Testing Credentials 1");
    assert_eq!(created["expires_at"], "2033-05-13T00:00:00.000Z");
    assert_eq!(created["created_at"], created["updated_at"]);
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "credential_type",
            "kid",
            "alg",
            "name",
            "created_at",
            "updated_at",
            "expires_at"
        ]
    );

    let path = format!("/api/v2/clients/{id}/credentials/{cred_id}");
    let (s, read) = call(&emu, &t, "GET", &path, None).await;
    assert_eq!((s, &read), (200, &created));
    // Paging parameters are accepted and ignored, as recorded.
    let (s, list) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}/credentials?include_totals=true&per_page=50"),
        None,
    )
    .await;
    assert_eq!((s, list), (200, json!([created])));

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (s, updated) = call(
        &emu,
        &t,
        "PATCH",
        &path,
        Some(json!({"expires_at": "2096-05-13T09:33:13Z"})),
    )
    .await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["expires_at"], "2096-05-13T09:33:13.000Z");
    assert_eq!(updated["created_at"], created["created_at"]);
    assert_ne!(updated["updated_at"], created["updated_at"]);

    let (s, b) = call(&emu, &t, "DELETE", &path, None).await;
    assert_eq!((s, b), (204, Value::Null));
    let (s, b) = call(&emu, &t, "GET", &path, None).await;
    assert_eq!(
        (s, b),
        (
            404,
            json!({"statusCode": 404, "error": "Not Found", "message": "The credential does not exist", "errorCode": "inexistent_credential"})
        )
    );
    // Deleting what is already gone succeeds, like every Auth0 DELETE.
    let (s, _) = call(&emu, &t, "DELETE", &path, None).await;
    assert_eq!(s, 204);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_public_key_credential_gets_its_thumbprint_as_kid_unless_one_is_given_and_lists_by_kid() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let a = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(1).public_pem, "alg": "PS256"}),
    )
    .await;
    assert_eq!(a["kid"], test_key(1).thumbprint.as_str());
    assert_eq!(a["alg"], "PS256");
    assert!(
        a.get("name").is_none() && a.get("expires_at").is_none(),
        "{a}"
    );
    let b = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(2).public_pem, "kid": "0000-my-own-kid"}),
    )
    .await;
    assert_eq!(
        (b["kid"].as_str(), b["alg"].as_str()),
        (Some("0000-my-own-kid"), Some("RS256"))
    );
    let (_, list) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}/credentials"),
        None,
    )
    .await;
    let kids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kid"].as_str().unwrap())
        .collect();
    let mut sorted = kids.clone();
    sorted.sort();
    assert_eq!(kids, sorted);
    emu.shutdown().await;
}

#[tokio::test]
async fn bad_credential_requests_get_auth0s_errors() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let path = format!("/api/v2/clients/{id}/credentials");
    let post = |body: Value| {
        let (emu, t, path) = (&emu, &t, &path);
        async move { call(emu, t, "POST", path, Some(body)).await }
    };

    let (s, b) = post(json!({"pem": test_key(0).public_pem})).await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (400, Some("invalid_body")),
        "{b}"
    );
    assert!(
        b["message"].as_str().unwrap().contains("credential_type"),
        "{b}"
    );
    let (s, b) = post(json!({"credential_type": "password", "pem": "x"})).await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = post(json!({"credential_type": "public_key"})).await;
    assert_eq!(s, 400, "{b}");
    assert!(b["message"].as_str().unwrap().contains("pem"), "{b}");
    let (s, b) = post(json!({"credential_type": "public_key", "pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"})).await;
    assert_eq!(s, 400, "{b}");
    assert!(b["message"].as_str().unwrap().contains("pem"), "{b}");
    let (s, b) = post(
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem, "alg": "HS256"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = post(json!({"credential_type": "public_key", "pem": test_key(0).public_pem, "parse_expiry_from_cert": true})).await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["message"].as_str().unwrap().contains("certificate"),
        "{b}"
    );
    let (s, b) = post(json!({"credential_type": "public_key", "pem": test_key(0).public_pem, "expires_at": "next year"})).await;
    assert_eq!(s, 400, "{b}");
    assert!(b["message"].as_str().unwrap().contains("expires_at"), "{b}");
    let (s, b) = post(
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem, "colour": "red"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");

    // Two credentials at most, and the same key only once.
    let (s, _) =
        post(json!({"credential_type": "public_key", "pem": test_key(0).public_pem})).await;
    assert_eq!(s, 201);
    let (s, b) = post(json!({"credential_type": "public_key", "pem": test_key(0).cert_pem})).await;
    assert_eq!((s, b["statusCode"].as_u64()), (409, Some(409)), "{b}");
    let (s, _) =
        post(json!({"credential_type": "public_key", "pem": test_key(1).public_pem})).await;
    assert_eq!(s, 201);
    let (s, b) =
        post(json!({"credential_type": "public_key", "pem": test_key(2).public_pem})).await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["message"].as_str().unwrap().contains("at most 2")
            || b["message"]
                .as_str()
                .unwrap()
                .contains("most a client can hold is 2"),
        "{b}"
    );

    // An unknown client is Auth0's inexistent_client.
    let (s, b) = call(&emu, &t, "GET", "/api/v2/clients/nope/credentials", None).await;
    assert_eq!(
        (s, b),
        (
            404,
            json!({"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"})
        )
    );
    let (s, _) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients/nope/credentials",
        Some(json!({"credential_type": "public_key", "pem": test_key(2).public_pem})),
    )
    .await;
    assert_eq!(s, 404);
    // PATCH changes expires_at only.
    let (_, list) = call(&emu, &t, "GET", &path, None).await;
    let cred = list[0]["id"].as_str().unwrap();
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &format!("{path}/{cred}"),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &format!("{path}/{cred}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &format!("{path}/cred_missing"),
        Some(json!({"expires_at": null})),
    )
    .await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (404, Some("inexistent_credential"))
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn credentials_need_the_client_credentials_scopes() {
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
    call(
        &emu,
        &admin,
        "POST",
        "/api/v2/client-grants",
        Some(json!({"client_id": id, "audience": emu.management_audience(), "scope": ["read:clients", "read:client_credentials"]})),
    )
    .await;
    let (_, tok) = token_for(
        &emu,
        id,
        c["client_secret"].as_str().unwrap(),
        &emu.management_audience(),
    )
    .await;
    let reader = tok["access_token"].as_str().unwrap();
    let path = format!("/api/v2/clients/{id}/credentials");
    let (s, _) = call(&emu, reader, "GET", &path, None).await;
    assert_eq!(s, 200);
    let (s, b) = call(
        &emu,
        reader,
        "POST",
        &path,
        Some(json!({"credential_type": "public_key", "pem": test_key(0).public_pem})),
    )
    .await;
    assert_eq!(
        (s, b),
        (
            403,
            json!({"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: create:client_credentials","errorCode":"insufficient_scope"})
        )
    );
    let (s, _) = call(&emu, reader, "DELETE", &format!("{path}/cred_x"), None).await;
    assert_eq!(s, 403);
    let (s, _) = call(
        &emu,
        reader,
        "PATCH",
        &format!("{path}/cred_x"),
        Some(json!({"expires_at": null})),
    )
    .await;
    assert_eq!(s, 403);
    emu.shutdown().await;
}

// ---------------------------------------------------------------- clients and their methods

#[tokio::test]
async fn a_client_keeps_token_endpoint_auth_method_as_given_and_omits_it_when_not_given() {
    let emu = start().await;
    let t = management_token(&emu).await;
    for method in ["client_secret_post", "client_secret_basic", "none"] {
        let (s, c) = call(
            &emu,
            &t,
            "POST",
            "/api/v2/clients",
            Some(json!({"name": method, "token_endpoint_auth_method": method})),
        )
        .await;
        assert_eq!(
            (s, c["token_endpoint_auth_method"].as_str()),
            (201, Some(method))
        );
        assert!(c.get("client_secret").is_some(), "{c}");
    }
    // TestAccClientConfig.yaml: a client created without one has none in the response.
    let (_, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "plain"})),
    )
    .await;
    assert!(c.get("token_endpoint_auth_method").is_none(), "{c}");
    let (s, b) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "x", "token_endpoint_auth_method": "private_key_jwt"})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    emu.shutdown().await;
}

#[tokio::test]
async fn switching_to_private_key_jwt_hides_the_secret_and_switching_back_brings_it_back() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let (_, before) = call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    let cred = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem}),
    )
    .await;
    let cred_id = cred["id"].as_str().unwrap();
    let c = use_private_key_jwt(&emu, &t, &id, &[cred_id]).await;
    assert_eq!(
        c["client_authentication_methods"],
        json!({"private_key_jwt": {"credentials": [{"id": cred_id}]}})
    );
    assert!(
        c.get("client_secret").is_none() && c.get("token_endpoint_auth_method").is_none(),
        "{c}"
    );
    let (_, read) = call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    assert_eq!(read, c);
    let (_, listed) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients?app_type=non_interactive",
        None,
    )
    .await;
    let listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["client_id"] == id.as_str())
        .unwrap()
        .clone();
    assert!(listed.get("client_secret").is_none(), "{listed}");

    // The recorded way back: both auth settings in one PATCH.
    let (s, c) = call(
        &emu,
        &t,
        "PATCH",
        &format!("/api/v2/clients/{id}"),
        Some(json!({"client_authentication_methods": null, "signed_request_object": null, "token_endpoint_auth_method": "client_secret_post"})),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["token_endpoint_auth_method"], "client_secret_post");
    assert_eq!(c["client_secret"], before["client_secret"]);
    assert!(c.get("client_authentication_methods").is_none(), "{c}");
    emu.shutdown().await;
}

#[tokio::test]
async fn client_authentication_methods_must_name_the_clients_own_credentials_of_the_right_type() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let (_, other) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "other"})),
    )
    .await;
    let other_id = other["client_id"].as_str().unwrap();
    let foreign = add_credential(
        &emu,
        &t,
        other_id,
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem}),
    )
    .await;
    let own_x509 = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "x509_cert", "pem": test_key(1).cert_pem}),
    )
    .await;
    assert!(
        own_x509["thumbprint_sha256"]
            .as_str()
            .is_some_and(|s| s.len() == 43),
        "{own_x509}"
    );
    let patch = |methods: Value| {
        let (emu, t, id) = (&emu, &t, &id);
        async move {
            call(
                emu,
                t,
                "PATCH",
                &format!("/api/v2/clients/{id}"),
                Some(json!({"client_authentication_methods": methods, "token_endpoint_auth_method": null})),
            )
            .await
        }
    };
    for refs in [
        json!({"private_key_jwt": {"credentials": [{"id": foreign["id"]}]}}),
        json!({"private_key_jwt": {"credentials": [{"id": "cred_doesnotexist"}]}}),
        json!({"private_key_jwt": {"credentials": [{"id": own_x509["id"]}]}}),
    ] {
        let (s, b) = patch(refs.clone()).await;
        assert_eq!(s, 400, "{refs}: {b}");
        assert!(
            b["message"].as_str().unwrap().contains("credentials"),
            "{b}"
        );
    }
    let (s, b) =
        patch(json!({"self_signed_tls_client_auth": {"credentials": [{"id": own_x509["id"]}]}}))
            .await;
    assert_eq!(s, 200, "{b}");
    // One method at a time (maxProperties 1).
    let (s, _) = patch(
        json!({"private_key_jwt": {"credentials": []}, "tls_client_auth": {"credentials": []}}),
    )
    .await;
    assert_eq!(s, 400);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_two_auth_settings_cannot_both_be_set_nor_both_be_cleared() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let cred = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem}),
    )
    .await;
    let path = format!("/api/v2/clients/{id}");
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &path,
        Some(json!({
            "client_authentication_methods": {"private_key_jwt": {"credentials": [{"id": cred["id"]}]}},
            "token_endpoint_auth_method": "client_secret_post"
        })),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("token_endpoint_auth_method"),
        "{b}"
    );
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &path,
        Some(json!({"client_authentication_methods": null, "token_endpoint_auth_method": null})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    // Refused PATCHes changed nothing.
    let (_, c) = call(&emu, &t, "GET", &path, None).await;
    assert_eq!(c["token_endpoint_auth_method"], "client_secret_post");
    assert!(c.get("client_authentication_methods").is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn a_credential_in_use_is_not_deleted_and_deleting_the_client_deletes_its_credentials() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let cred = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem}),
    )
    .await;
    let cred_id = cred["id"].as_str().unwrap();
    use_private_key_jwt(&emu, &t, &id, &[cred_id]).await;
    let path = format!("/api/v2/clients/{id}/credentials/{cred_id}");
    let (s, b) = call(&emu, &t, "DELETE", &path, None).await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["message"].as_str().unwrap().contains("private_key_jwt"),
        "{b}"
    );
    let (s, _) = call(&emu, &t, "GET", &path, None).await;
    assert_eq!(s, 200);

    let (s, _) = call(&emu, &t, "DELETE", &format!("/api/v2/clients/{id}"), None).await;
    assert_eq!(s, 204);
    // A new client cannot reach the old client's credential.
    let (_, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "again"})),
    )
    .await;
    let (s, _) = call(
        &emu,
        &t,
        "GET",
        &format!(
            "/api/v2/clients/{}/credentials/{cred_id}",
            c["client_id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(s, 404);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_client_created_with_inline_credentials_gets_them_stored_and_named_by_id() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (s, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({
            "name": "keyed", "app_type": "non_interactive",
            "client_authentication_methods": {"private_key_jwt": {"credentials": [
                {"credential_type": "public_key", "name": "k1", "pem": test_key(0).public_pem}
            ]}}
        })),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    assert!(c.get("client_secret").is_none(), "{c}");
    let refs = c["client_authentication_methods"]["private_key_jwt"]["credentials"].clone();
    let cred_id = refs[0]["id"].as_str().unwrap();
    assert_eq!(refs, json!([{"id": cred_id}]));
    let id = c["client_id"].as_str().unwrap();
    let (s, cred) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}/credentials/{cred_id}"),
        None,
    )
    .await;
    assert_eq!(
        (s, cred["name"].as_str(), cred["kid"].as_str()),
        (200, Some("k1"), Some(test_key(0).thumbprint.as_str()))
    );
    emu.shutdown().await;
}

// ---------------------------------------------------------------- private_key_jwt at /oauth/token

#[tokio::test]
async fn a_private_key_jwt_client_gets_a_token_for_each_algorithm_and_it_verifies_against_the_jwks()
{
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let key = test_key(0);
    for (i, alg) in ["RS256", "RS384", "PS256"].into_iter().enumerate() {
        // Each algorithm is a credential of its own; a client holds two at most.
        let (_, old) = call(
            &emu,
            &t,
            "GET",
            &format!("/api/v2/clients/{id}/credentials"),
            None,
        )
        .await;
        call(
            &emu,
            &t,
            "PATCH",
            &format!("/api/v2/clients/{id}"),
            Some(json!({"client_authentication_methods": null, "token_endpoint_auth_method": "client_secret_post"})),
        )
        .await;
        for c in old.as_array().unwrap() {
            call(
                &emu,
                &t,
                "DELETE",
                &format!(
                    "/api/v2/clients/{id}/credentials/{}",
                    c["id"].as_str().unwrap()
                ),
                None,
            )
            .await;
        }
        let pem = if i % 2 == 0 {
            &key.public_pem
        } else {
            &key.cert_pem
        };
        let cred = add_credential(
            &emu,
            &t,
            &id,
            json!({"credential_type": "public_key", "pem": pem, "alg": alg}),
        )
        .await;
        use_private_key_jwt(&emu, &t, &id, &[cred["id"].as_str().unwrap()]).await;

        let assertion = sign(
            key,
            alg,
            json!({"typ": "JWT", "kid": key.thumbprint}),
            claims(&emu, &id),
        );
        let (s, body) = token_with_assertion(&emu, &assertion, "https://api.example.com/").await;
        assert_eq!(s, 200, "{alg}: {body}");
        let access = body["access_token"].as_str().unwrap();
        let jwks: Value = http()
            .get(format!("{}/.well-known/jwks.json", emu.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let claims = verify_rs256(access, &jwks);
        assert_eq!(claims["sub"], format!("{id}@clients"));
        assert_eq!(claims["aud"], "https://api.example.com/");
        assert_eq!(claims["scope"], "read:data");
    }
    emu.shutdown().await;
}

/// Verify an RS256 access token against the JWKS with `rsa` and `sha2`.
fn verify_rs256(token: &str, jwks: &Value) -> Value {
    use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
    use sha2::{Digest, Sha256};
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
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
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &digest,
        &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
    )
    .expect("the access token verifies against the JWKS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

/// A client using private_key_jwt with test key 0 (RS256); returns its id.
async fn private_key_jwt_client(emu: &Emulator, t: &str) -> String {
    let id = granted_client(emu, t).await;
    let cred = add_credential(
        emu,
        t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(0).cert_pem}),
    )
    .await;
    use_private_key_jwt(emu, t, &id, &[cred["id"].as_str().unwrap()]).await;
    id
}

#[tokio::test]
async fn an_assertion_signed_by_another_key_is_refused_as_invalid_client() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = private_key_jwt_client(&emu, &t).await;
    let forged = sign(test_key(1), "RS256", json!({}), claims(&emu, &id));
    let (s, body) = token_with_assertion(&emu, &forged, "https://api.example.com/").await;
    assert_eq!(
        (s, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    // The right key under another algorithm than the credential's is refused too.
    let wrong_alg = sign(test_key(0), "PS256", json!({}), claims(&emu, &id));
    let (s, _) = token_with_assertion(&emu, &wrong_alg, "https://api.example.com/").await;
    assert_eq!(s, 401);
    // And a kid that is not the credential's.
    let wrong_kid = sign(
        test_key(0),
        "RS256",
        json!({"kid": "someone-elses"}),
        claims(&emu, &id),
    );
    let (s, _) = token_with_assertion(&emu, &wrong_kid, "https://api.example.com/").await;
    assert_eq!(s, 401);
    emu.shutdown().await;
}

/// What makes an assertion bad, and the change to good claims that does it.
type ClaimChange = (&'static str, fn(&mut Value));

#[tokio::test]
async fn an_assertion_is_good_once_and_only_with_the_right_claims() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = private_key_jwt_client(&emu, &t).await;
    let key = test_key(0);
    let good = sign(key, "RS256", json!({}), claims(&emu, &id));
    let (s, b) = token_with_assertion(&emu, &good, "https://api.example.com/").await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = token_with_assertion(&emu, &good, "https://api.example.com/").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "a replayed jti: {b}"
    );

    // The token endpoint URL is an accepted audience too.
    let mut c = claims(&emu, &id);
    c["aud"] = json!(format!("https://{}/oauth/token", emu.domain()));
    let (s, b) = token_with_assertion(
        &emu,
        &sign(key, "RS256", json!({}), c),
        "https://api.example.com/",
    )
    .await;
    assert_eq!(s, 200, "{b}");

    let variants: Vec<ClaimChange> = vec![
        ("another audience", |c| {
            c["aud"] = json!("https://elsewhere.example.com/")
        }),
        ("expired", |c| c["exp"] = json!(now() - 5)),
        ("lives too long", |c| c["exp"] = json!(now() + 3600)),
        ("issued in the future", |c| c["iat"] = json!(now() + 120)),
        ("sub is not iss", |c| c["sub"] = json!("someone")),
        ("no jti", |c| {
            c.as_object_mut().unwrap().remove("jti");
        }),
        ("a 65-character jti", |c| c["jti"] = json!("j".repeat(65))),
        ("no exp", |c| {
            c.as_object_mut().unwrap().remove("exp");
        }),
    ];
    for (what, change) in variants {
        let mut c = claims(&emu, &id);
        change(&mut c);
        let (s, b) = token_with_assertion(
            &emu,
            &sign(key, "RS256", json!({}), c),
            "https://api.example.com/",
        )
        .await;
        assert_eq!(
            (s, b["error"].as_str()),
            (401, Some("invalid_client")),
            "{what}: {b}"
        );
    }
    let (s, b) = token_with_assertion(&emu, "not.a-jwt", "https://api.example.com/").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "{b}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_private_key_jwt_client_cannot_use_its_secret_and_a_secret_client_cannot_use_an_assertion(
) {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = granted_client(&emu, &t).await;
    let (_, c) = call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    let secret = c["client_secret"].as_str().unwrap().to_string();
    // With a secret method, an assertion signed by a key the client does not use is refused.
    let cred = add_credential(
        &emu,
        &t,
        &id,
        json!({"credential_type": "public_key", "pem": test_key(0).public_pem}),
    )
    .await;
    let assertion = sign(test_key(0), "RS256", json!({}), claims(&emu, &id));
    let (s, b) = token_with_assertion(&emu, &assertion, "https://api.example.com/").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "{b}"
    );

    use_private_key_jwt(&emu, &t, &id, &[cred["id"].as_str().unwrap()]).await;
    let (s, b) = token_for(&emu, &id, &secret, "https://api.example.com/").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("access_denied")),
        "{b}"
    );
    // A secret and an assertion together are refused.
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            (
                "client_assertion",
                &sign(test_key(0), "RS256", json!({}), claims(&emu, &id)),
            ),
            ("audience", "https://api.example.com/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // An unknown assertion type is a bad request.
    let res = http()
        .post(format!("{}/oauth/token", emu.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:example:saml"),
            ("client_assertion", "x"),
            ("audience", "https://api.example.com/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    emu.shutdown().await;
}

#[tokio::test]
async fn an_expired_credential_no_longer_signs_assertions() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let id = private_key_jwt_client(&emu, &t).await;
    let (_, list) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}/credentials"),
        None,
    )
    .await;
    let cred = list[0]["id"].as_str().unwrap();
    let (s, _) = call(
        &emu,
        &t,
        "PATCH",
        &format!("/api/v2/clients/{id}/credentials/{cred}"),
        Some(json!({"expires_at": "2020-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(s, 200);
    let assertion = sign(test_key(0), "RS256", json!({}), claims(&emu, &id));
    let (s, b) = token_with_assertion(&emu, &assertion, "https://api.example.com/").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("invalid_client")),
        "{b}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn discovery_offers_private_key_jwt_and_its_algorithms() {
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
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!([
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt"
        ])
    );
    assert_eq!(
        doc["token_endpoint_auth_signing_alg_values_supported"],
        json!(["RS256", "RS384", "PS256"])
    );
    emu.shutdown().await;
}
