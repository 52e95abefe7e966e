//! private_key_jwt client assertions at /oauth/token.

use super::*;

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
