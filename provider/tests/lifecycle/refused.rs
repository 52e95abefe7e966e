//! Bad inputs and missing configuration fail with one clear sentence, before any request where possible.

use super::*;

#[tokio::test]
async fn a_new_api_with_the_tenants_management_api_identifier_fails_check_without_a_request() {
    let mut h = Harness::start().await;
    let identifier = h.emulator.management_audience();
    h.emulator.reset_stats();
    let (_, failures) = h
        .check(
            API,
            "service-api",
            &PropertyMap::new(),
            json!({"identifier": identifier}),
        )
        .await;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].property, "identifier");
    assert!(
        failures[0]
            .reason
            .contains("is the tenant's Auth0 Management API, which Auth0 manages"),
        "{failures:?}"
    );
    assert_eq!(h.management_calls(), 0, "Check asks Auth0 nothing");
    let imported = props(json!({"identifier": identifier, "name": "Auth0 Management API"}));
    let (_, failures) = h
        .check(
            API,
            "system-api",
            &imported,
            json!({"identifier": identifier, "name": "Auth0 Management API"}),
        )
        .await;
    assert!(failures.is_empty(), "{failures:?}");
}

#[tokio::test]
async fn bad_inputs_fail_check_naming_the_property() {
    let mut h = Harness::start().await;
    let metadata: serde_json::Map<String, Json> =
        (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
    let (_, failures) = h
        .check(CLIENT, "bad", &PropertyMap::new(), json!({"name": "x", "appType": "server", "clientMetadata": metadata, "grantTypes": "client_credentials"}))
        .await;
    let named: Vec<&str> = failures.iter().map(|f| f.property.as_str()).collect();
    assert_eq!(
        named,
        vec!["appType", "grantTypes", "clientMetadata"],
        "{failures:?}"
    );
    assert!(
        failures[0].reason.contains("non_interactive"),
        "the fix lists the allowed values: {}",
        failures[0].reason
    );

    let (_, failures) = h
        .check(
            GRANT,
            "g",
            &PropertyMap::new(),
            json!({"audience": "https://a/", "clientId": "x", "defaultFor": "third_party_clients"}),
        )
        .await;
    assert_eq!(
        failures
            .iter()
            .map(|f| f.property.as_str())
            .collect::<Vec<_>>(),
        vec!["defaultFor"]
    );
}

#[tokio::test]
async fn creating_with_the_management_api_identifier_past_check_fails_with_one_clear_sentence() {
    // Check refuses this identifier for a new API; Create still explains Auth0's 409 when Check
    // could not see it (an identifier or a provider configuration unknown at preview).
    let mut h = Harness::start().await;
    let identifier = h.emulator.management_audience();
    let inputs = props(json!({"identifier": identifier, "name": "service-api"}));
    let err = h
        .create(API, "service-api", &inputs, false)
        .await
        .unwrap_err();
    assert!(err.message().contains("409"), "{}", err.message());
    assert!(
        err.message().contains("Auth0 Management API"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("ResourceServer.identifier"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn an_unconfigured_provider_says_what_to_set() {
    let provider = Auth0Provider::with_env(Box::new(|_| None));
    let response = provider
        .check_config(pulumi_auth0_provider::rpc::CheckRequest {
            news: props(json!({"version": "0.1.0"})),
            ..Default::default()
        })
        .await
        .unwrap();
    let keys: Vec<&str> = response
        .failures
        .iter()
        .map(|f| f.property.as_str())
        .collect();
    assert!(keys.contains(&"domain"), "{:?}", response.failures);
    let err = provider
        .read(pulumi_auth0_provider::rpc::ReadRequest {
            id: "x".into(),
            type_token: CLIENT.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("auth0:domain"), "{err}");
}
