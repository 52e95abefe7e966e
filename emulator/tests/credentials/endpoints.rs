//! The credentials endpoints: create, read, list, update and delete, their errors and their scopes.

use super::*;

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
