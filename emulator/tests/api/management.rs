//! Management API answers: Auth0's error codes, default grants, nullable PATCH fields, duplicates, identifier lookups, invalid bodies.

use super::*;

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
