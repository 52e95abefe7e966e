//! A client's token_endpoint_auth_method and client_authentication_methods, and credentials given inline.

use super::*;

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
