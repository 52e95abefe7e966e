//! Listing filters and field selection over HTTP, as the OpenAPI names them: GET /clients
//! (`app_type`, `is_first_party`, `is_global`, `external_client_id`, `q`, `fields`), GET
//! /resource-servers (`identifiers`), GET /client-grants (`client_id`, `audience`,
//! `allow_any_organization`, `subject_type`), and reading an API by its identifier.

mod common;

use auth0_emulator::Emulator;
use common::{call, management_token, start};
use serde_json::{json, Value};

/// Client names in a listing (bare array or `{clients: […]}`), the bootstrap client left out.
fn names(emu: &Emulator, list: &Value) -> Vec<String> {
    let items = list
        .get("clients")
        .unwrap_or(list)
        .as_array()
        .unwrap_or_else(|| panic!("not a client listing: {list}"));
    items
        .iter()
        .filter(|c| c["client_id"] != emu.bootstrap_client_id())
        .map(|c| c["name"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn create(emu: &Emulator, t: &str, path: &str, body: Value) -> Value {
    let (s, b) = call(emu, t, "POST", path, Some(body)).await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Four clients of different kinds.
async fn some_clients(emu: &Emulator, t: &str) {
    for body in [
        json!({"name": "m2m", "app_type": "non_interactive"}),
        json!({"name": "spa", "app_type": "spa", "is_first_party": false}),
        json!({"name": "web", "app_type": "regular_web"}),
        json!({"name": "native", "app_type": "native"}),
    ] {
        create(emu, t, "/api/v2/clients", body).await;
    }
}

#[tokio::test]
async fn clients_filter_by_app_type_first_party_global_and_external_client_id() {
    let emu = start().await;
    let t = management_token(&emu).await;
    some_clients(&emu, &t).await;
    // external_client_id is read-only (it comes from a Client ID Metadata Document): seed it.
    emu.seed(json!({"clients": [{"name": "cimd", "app_type": "regular_web", "external_client_id": "https://app.example.com/client.json"}]}))
        .unwrap();
    let list = |query: &'static str| {
        let (emu, t) = (&emu, &t);
        async move {
            let (s, b) = call(emu, t, "GET", &format!("/api/v2/clients?{query}"), None).await;
            assert_eq!(s, 200, "{query}: {b}");
            names(emu, &b)
        }
    };
    assert_eq!(list("app_type=spa").await, ["spa"]);
    assert_eq!(list("app_type=spa,native").await, ["spa", "native"]);
    assert_eq!(list("is_first_party=false").await, ["spa"]);
    assert_eq!(
        list("is_first_party=true&app_type=regular_web,spa").await,
        ["web", "cimd"]
    );
    assert_eq!(list("is_global=true").await, Vec::<String>::new());
    assert_eq!(list("is_global=false").await.len(), 5);
    assert_eq!(
        list("external_client_id=https%3A%2F%2Fapp.example.com%2Fclient.json").await,
        ["cimd"]
    );
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients?is_first_party=maybe",
        None,
    )
    .await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (400, Some("invalid_query_string")),
        "{b}"
    );
    let (s, b) = call(&emu, &t, "GET", "/api/v2/clients?name=spa", None).await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (400, Some("invalid_query_string")),
        "{b}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_client_listing_pages_by_offset_with_totals_and_by_checkpoint() {
    let emu = start().await;
    let t = management_token(&emu).await;
    some_clients(&emu, &t).await;
    // Five clients with the bootstrap one.
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients?include_totals=true&page=1&per_page=2",
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        (
            b["start"].as_u64(),
            b["limit"].as_u64(),
            b["total"].as_u64()
        ),
        (Some(2), Some(2), Some(5))
    );
    assert_eq!(b["clients"].as_array().unwrap().len(), 2);
    let mut seen = Vec::new();
    let mut from = String::new();
    loop {
        let (s, b) = call(
            &emu,
            &t,
            "GET",
            &format!("/api/v2/clients?take=2&from={from}"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{b}");
        seen.extend(names(&emu, &b));
        match b.get("next").and_then(Value::as_str) {
            Some(next) => from = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, ["m2m", "spa", "web", "native"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn fields_select_what_a_client_shows_and_signing_keys_always_come_along() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let c = create(
        &emu,
        &t,
        "/api/v2/clients",
        json!({"name": "m2m", "app_type": "non_interactive"}),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    // TestAccClientCredentialsImport.yaml #16: fields=client_id,app_type answers those and signing_keys.
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}?fields=client_id%2Capp_type&include_fields=true"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let keys: Vec<&String> = b.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["client_id", "app_type", "signing_keys"]);
    let (_, b) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}?fields=name"),
        None,
    )
    .await;
    assert_eq!(b.as_object().unwrap().len(), 2, "{b}");
    let (_, b) = call(
        &emu,
        &t,
        "GET",
        &format!("/api/v2/clients/{id}?fields=client_secret,signing_keys&include_fields=false"),
        None,
    )
    .await;
    assert!(
        b.get("client_secret").is_none() && b.get("name").is_some(),
        "{b}"
    );
    let (_, list) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients?fields=name&app_type=non_interactive",
        None,
    )
    .await;
    for c in list.as_array().unwrap() {
        let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "signing_keys"], "{c}");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn q_takes_auth0s_two_permitted_queries_only_alone_and_with_checkpoint_paging() {
    let emu = start().await;
    let t = management_token(&emu).await;
    some_clients(&emu, &t).await;
    create(
        &emu,
        &t,
        "/api/v2/resource-servers",
        json!({"identifier": "https://api.example.com/"}),
    )
    .await;
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients?app_type=spa", None).await;
    let spa = list[0]["client_id"].as_str().unwrap().to_string();
    create(
        &emu,
        &t,
        "/api/v2/client-grants",
        json!({"client_id": spa, "audience": "https://api.example.com/", "scope": [], "allow_any_organization": true}),
    )
    .await;
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients?q=client_grant.allow_any_organization%3Atrue&take=50",
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(names(&emu, &b), ["spa"]);
    // The emulator has no organizations, so no client has a grant for one.
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients?q=client_grant.organization_id%3Aorg_123&take=50",
        None,
    )
    .await;
    assert_eq!((s, names(&emu, &b).len()), (200, 0), "{b}");
    for (query, why) in [
        ("q=name%3Aspa&take=50", "a query Auth0 does not permit"),
        (
            "q=client_grant.allow_any_organization%3Atrue",
            "without take",
        ),
        (
            "q=client_grant.allow_any_organization%3Atrue&take=50&app_type=spa",
            "with another filter",
        ),
    ] {
        let (s, b) = call(&emu, &t, "GET", &format!("/api/v2/clients?{query}"), None).await;
        assert_eq!(
            (s, b["errorCode"].as_str()),
            (400, Some("invalid_query_string")),
            "{why}: {b}"
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn apis_are_read_by_id_or_encoded_identifier_and_listed_by_identifiers() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let a = create(
        &emu,
        &t,
        "/api/v2/resource-servers",
        json!({"identifier": "https://a.example.com/x"}),
    )
    .await;
    create(
        &emu,
        &t,
        "/api/v2/resource-servers",
        json!({"identifier": "urn:b"}),
    )
    .await;
    create(
        &emu,
        &t,
        "/api/v2/resource-servers",
        json!({"identifier": "https://c.example.com/"}),
    )
    .await;
    for path in [
        format!("/api/v2/resource-servers/{}", a["id"].as_str().unwrap()),
        "/api/v2/resource-servers/https:%2F%2Fa.example.com%2Fx".to_string(),
        "/api/v2/resource-servers/https%3A%2F%2Fa.example.com%2Fx".to_string(),
    ] {
        let (s, b) = call(&emu, &t, "GET", &path, None).await;
        assert_eq!((s, &b), (200, &a), "{path}");
    }
    let identifiers = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["identifier"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/resource-servers?identifiers=urn%3Ab&identifiers=https%3A%2F%2Fc.example.com%2F",
        None,
    )
    .await;
    assert_eq!(identifiers(&b), ["urn:b", "https://c.example.com/"]);
    let (_, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/resource-servers?identifiers%5B%5D=urn%3Ab",
        None,
    )
    .await;
    assert_eq!(identifiers(&b), ["urn:b"]);
    let (s, b) = call(&emu, &t, "GET", "/api/v2/resource-servers/urn%3Anope", None).await;
    assert_eq!(
        (s, b["errorCode"].as_str()),
        (404, Some("inexistent_resource_server"))
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn client_grants_filter_by_client_audience_organization_and_subject_type() {
    let emu = start().await;
    let t = management_token(&emu).await;
    for id in ["https://a.example.com/", "https://b.example.com/"] {
        create(
            &emu,
            &t,
            "/api/v2/resource-servers",
            json!({"identifier": id}),
        )
        .await;
    }
    let one = create(&emu, &t, "/api/v2/clients", json!({"name": "one"})).await;
    let two = create(&emu, &t, "/api/v2/clients", json!({"name": "two"})).await;
    let (one, two) = (
        one["client_id"].as_str().unwrap(),
        two["client_id"].as_str().unwrap(),
    );
    let g1 = create(
        &emu,
        &t,
        "/api/v2/client-grants",
        json!({"client_id": one, "audience": "https://a.example.com/", "scope": []}),
    )
    .await;
    let g2 = create(&emu, &t, "/api/v2/client-grants", json!({"client_id": one, "audience": "https://b.example.com/", "scope": [], "allow_any_organization": true})).await;
    let g3 = create(&emu, &t, "/api/v2/client-grants", json!({"client_id": two, "audience": "https://a.example.com/", "scope": [], "subject_type": "user"})).await;
    let ids = |list: &Value| -> Vec<String> {
        list.get("client_grants")
            .unwrap_or(list)
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_str().unwrap().to_string())
            .collect()
    };
    let id = |g: &Value| g["id"].as_str().unwrap().to_string();
    for (query, expected) in [
        (format!("client_id={one}"), vec![id(&g1), id(&g2)]),
        (
            "audience=https%3A%2F%2Fa.example.com%2F".to_string(),
            vec![id(&g1), id(&g3)],
        ),
        (
            format!("client_id={one}&audience=https%3A%2F%2Fb.example.com%2F"),
            vec![id(&g2)],
        ),
        ("allow_any_organization=true".to_string(), vec![id(&g2)]),
        ("subject_type=user".to_string(), vec![id(&g3)]),
        // As TestAccDataSourceClientGrants.yaml sends it: offset totals beside take.
        (
            format!("client_id={two}&include_totals=true&per_page=50&take=100"),
            vec![id(&g3)],
        ),
    ] {
        let (s, b) = call(
            &emu,
            &t,
            "GET",
            &format!("/api/v2/client-grants?{query}"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{query}: {b}");
        assert_eq!(ids(&b), expected, "{query}");
    }
    let (s, b) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/client-grants?subject_type=robot",
        None,
    )
    .await;
    assert_eq!(s, 400, "{b}");
    emu.shutdown().await;
}
