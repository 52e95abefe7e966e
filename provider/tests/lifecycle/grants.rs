//! APIs and grants: the deprecated scope alias, duplicates, missing APIs or clients, scope settings that settle.

use super::*;

#[tokio::test]
async fn the_deprecated_scope_alias_is_warned_about_once_per_resource() {
    let mut h = Harness::start().await;
    let grant =
        json!({"audience": "https://ai.example.com/", "clientId": "abc", "scope": ["read:data"]});
    for name in ["client-grant", "client-grant", "other-grant"] {
        h.checked(GRANT, name, grant.clone()).await;
    }
    let warnings = h.warnings.0.lock().unwrap().clone();
    let about_scope: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("ClientGrant.scope is deprecated: Use `scopes` instead"))
        .collect();
    assert_eq!(
        about_scope.len(),
        2,
        "once for each of the two grants: {warnings:?}"
    );
}

#[tokio::test]
async fn an_api_and_a_grant_with_the_deprecated_scope_alias_give_a_working_grant() {
    let mut h = Harness::start().await;
    let api_inputs = h
        .checked(API, "service-api", json!({"identifier": "https://ai.example.com/", "scopes": [
            {"value": "read:data", "description": "Read data"}, {"value": "write:data", "description": "Write data"}]}))
        .await;
    assert!(
        str_of(&api_inputs, "name").starts_with("service-api-"),
        "the API name is autonamed"
    );
    let (api_id, api_state) = h
        .create(API, "service-api", &api_inputs, false)
        .await
        .unwrap();
    let no_change = h
        .diff(
            API,
            "service-api",
            &api_id,
            &api_state,
            &api_inputs,
            &api_inputs,
        )
        .await;
    assert_eq!(
        no_change.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "{no_change:?}"
    );

    let client_inputs = h.checked(CLIENT, "service-client", json!({"name": "Service Client", "appType": "non_interactive", "grantTypes": ["client_credentials"]})).await;
    let (client_id, _) = h
        .create(CLIENT, "service-client", &client_inputs, false)
        .await
        .unwrap();

    let grant_inputs = h
        .checked(GRANT, "client-grant", json!({"audience": "https://ai.example.com/", "clientId": client_id, "scope": ["read:data", "write:data"]}))
        .await;
    assert!(
        !grant_inputs.contains_key("scope"),
        "scope is folded into scopes"
    );
    assert_eq!(
        grant_inputs["scopes"],
        Value::from_json(&json!(["read:data", "write:data"]))
    );
    let warnings = h.warnings.0.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("ClientGrant.scope is deprecated")),
        "{warnings:?}"
    );

    h.emulator.reset_stats();
    let (grant_id, grant_state) = h
        .create(GRANT, "client-grant", &grant_inputs, false)
        .await
        .unwrap();
    assert!(grant_id.starts_with("cgr_"), "{grant_id}");
    assert_eq!(h.management_calls(), 1);
    let reordered = h.checked(GRANT, "client-grant", json!({"audience": "https://ai.example.com/", "clientId": client_id, "scopes": ["write:data", "read:data"]})).await;
    let same = h
        .diff(
            GRANT,
            "client-grant",
            &grant_id,
            &grant_state,
            &reordered,
            &grant_inputs,
        )
        .await;
    assert_eq!(
        same.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "scopes compare as sets"
    );

    let fewer = h.checked(GRANT, "client-grant", json!({"audience": "https://ai.example.com/", "clientId": client_id, "scopes": ["read:data"]})).await;
    let diff = h
        .diff(
            GRANT,
            "client-grant",
            &grant_id,
            &grant_state,
            &fewer,
            &grant_inputs,
        )
        .await;
    assert_eq!(diff.diffs, vec!["scopes"]);
    assert!(
        diff.replaces.is_empty(),
        "changing scopes updates the grant in place"
    );
    let updated = h
        .update(
            GRANT,
            "client-grant",
            &grant_id,
            &grant_state,
            &fewer,
            &grant_inputs,
            false,
        )
        .await
        .unwrap();
    assert_eq!(updated["scopes"], Value::from_json(&json!(["read:data"])));

    let other_api = h
        .checked(
            GRANT,
            "client-grant",
            json!({"audience": "https://other.example.com/", "clientId": client_id}),
        )
        .await;
    let replace = h
        .diff(
            GRANT,
            "client-grant",
            &grant_id,
            &updated,
            &other_api,
            &fewer,
        )
        .await;
    assert_eq!(
        replace.replaces,
        vec!["audience"],
        "a new audience replaces the grant"
    );

    // The client can now get a token for the API with exactly the granted scopes.
    let secret = h
        .read(
            CLIENT,
            "service-client",
            &client_id,
            &PropertyMap::new(),
            &PropertyMap::new(),
        )
        .await
        .1["clientSecret"]
        .unwrap_all();
    let token: Json = reqwest::Client::new()
        .post(format!("{}/oauth/token", h.emulator.base_url()))
        .json(&json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret.as_str().unwrap(), "audience": "https://ai.example.com/"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["scope"], "read:data");
}

#[tokio::test]
async fn a_duplicate_grant_names_the_existing_grant_and_how_to_import_it() {
    let mut h = Harness::start().await;
    let api = h
        .checked(
            API,
            "api",
            json!({"identifier": "https://dup.example.com/"}),
        )
        .await;
    h.create(API, "api", &api, false).await.unwrap();
    let client = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "appType": "non_interactive"}),
        )
        .await;
    let (client_id, _) = h.create(CLIENT, "c", &client, false).await.unwrap();
    let grant = h
        .checked(
            GRANT,
            "g",
            json!({"audience": "https://dup.example.com/", "clientId": client_id, "scopes": []}),
        )
        .await;
    let (first, _) = h.create(GRANT, "g", &grant, false).await.unwrap();
    let err = h.create(GRANT, "g2", &grant, false).await.unwrap_err();
    assert!(err.message().contains(&first), "{}", err.message());
    assert!(
        err.message()
            .contains("pulumi import auth0:index/clientGrant:ClientGrant"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn a_grant_to_a_missing_api_or_client_says_which_one_is_missing() {
    let mut h = Harness::start().await;
    let client = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "appType": "non_interactive"}),
        )
        .await;
    let (client_id, _) = h.create(CLIENT, "c", &client, false).await.unwrap();
    let no_api = h
        .checked(
            GRANT,
            "g",
            json!({"audience": "https://nowhere.example.com/", "clientId": client_id}),
        )
        .await;
    let err = h.create(GRANT, "g", &no_api, false).await.unwrap_err();
    assert!(
        err.message()
            .starts_with("ClientGrant.audience: Auth0 answered 404"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("https://nowhere.example.com/"),
        "{}",
        err.message()
    );

    let api = h
        .checked(
            API,
            "api",
            json!({"identifier": "https://somewhere.example.com/"}),
        )
        .await;
    h.create(API, "api", &api, false).await.unwrap();
    let no_client = h.checked(GRANT, "g", json!({"audience": "https://somewhere.example.com/", "clientId": "doesnotexist000000000000000000ab"})).await;
    let err = h.create(GRANT, "g", &no_client, false).await.unwrap_err();
    assert!(
        err.message()
            .starts_with("ClientGrant.clientId: Auth0 answered 404"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn a_grant_setting_both_scope_and_scopes_or_allow_all_scopes_on_the_management_api_settles() {
    let mut h = Harness::start().await;
    let client = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "appType": "non_interactive"}),
        )
        .await;
    let (client_id, _) = h.create(CLIENT, "c", &client, false).await.unwrap();
    let audience = h.emulator.management_audience();
    let program = json!({"audience": audience, "clientId": client_id, "scope": ["read:clients"],
                         "scopes": ["read:clients"], "allowAllScopes": true});
    let inputs = h.checked(GRANT, "g", program.clone()).await;
    assert!(
        !inputs.contains_key("scope") && !inputs.contains_key("allowAllScopes"),
        "{inputs:?}"
    );
    let warnings = h.warnings.0.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("allowAllScopes is not sent")),
        "{warnings:?}"
    );
    let (id, state) = h
        .create(GRANT, "g", &inputs, false)
        .await
        .expect("no allow_all_scopes reaches the system API");
    let again = h.checked(GRANT, "g", program).await;
    let diff = h.diff(GRANT, "g", &id, &state, &again, &inputs).await;
    assert_eq!(
        diff.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "{diff:?}"
    );
}
