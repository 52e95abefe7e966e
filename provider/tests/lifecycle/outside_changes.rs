//! What changed outside this provider: drift, imports, and state written by the official bridged provider.

use super::*;

#[tokio::test]
async fn drift_made_outside_pulumi_shows_on_read_and_is_put_back_by_update() {
    let mut h = Harness::start().await;
    let inputs = h.checked(CLIENT, "c", json!({"name": "Drifty", "appType": "non_interactive", "clientMetadata": {"team": "ai"}})).await;
    let (id, state) = h.create(CLIENT, "c", &inputs, false).await.unwrap();

    let (http, token) = h.admin().await;
    let patched = http
        .patch(format!("{}/api/v2/clients/{id}", h.emulator.base_url()))
        .bearer_auth(&token)
        .json(&json!({"name": "Changed in the dashboard", "client_metadata": {"extra": "x"}}))
        .send()
        .await
        .unwrap();
    assert!(patched.status().is_success(), "{:?}", patched.text().await);

    let (_, drifted, _) = h.read(CLIENT, "c", &id, &state, &inputs).await;
    assert_eq!(str_of(&drifted, "name"), "Changed in the dashboard");
    let diff = h.diff(CLIENT, "c", &id, &drifted, &inputs, &inputs).await;
    assert_eq!(diff.diffs, vec!["clientMetadata", "name"]);
    assert!(
        diff.detailed_diff.contains_key("clientMetadata.extra"),
        "{:?}",
        diff.detailed_diff.keys()
    );

    let repaired = h
        .update(CLIENT, "c", &id, &drifted, &inputs, &inputs, false)
        .await
        .unwrap();
    assert_eq!(str_of(&repaired, "name"), "Drifty");
    assert_eq!(
        repaired["clientMetadata"],
        Value::from_json(&json!({"team": "ai"})),
        "the key added outside Pulumi is removed"
    );
    let settled = h.diff(CLIENT, "c", &id, &repaired, &inputs, &inputs).await;
    assert_eq!(settled.changes(), pb::diff_response::DiffChanges::DiffNone);
}

#[tokio::test]
async fn importing_a_seeded_client_reconstructs_inputs_that_preview_without_changes() {
    let mut h = Harness::start().await;
    h.emulator
        .seed(json!({"clients": [{"client_id": "imp0rtedclient0000000000000000ab", "name": "Legacy Service", "app_type": "non_interactive", "grant_types": ["client_credentials"], "description": "Made by hand"}]}))
        .unwrap();
    h.emulator.reset_stats();
    let (id, state, inputs) = h
        .read(
            CLIENT,
            "legacy",
            "imp0rtedclient0000000000000000ab",
            &PropertyMap::new(),
            &PropertyMap::new(),
        )
        .await;
    assert_eq!(h.management_calls(), 1);
    assert_eq!(id, "imp0rtedclient0000000000000000ab");
    assert_eq!(str_of(&inputs, "name"), "Legacy Service");
    assert!(
        !inputs.contains_key("clientId") && !inputs.contains_key("clientSecret"),
        "outputs are not inputs"
    );
    assert!(
        !inputs.contains_key("jwtConfiguration"),
        "Auth0's defaults are left out: {inputs:?}"
    );

    let program = h.checked(CLIENT, "legacy", json!({"name": "Legacy Service", "appType": "non_interactive", "grantTypes": ["client_credentials"], "description": "Made by hand"})).await;
    let diff = h
        .diff(CLIENT, "legacy", &id, &state, &program, &inputs)
        .await;
    assert_eq!(
        diff.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "{diff:?}"
    );
}

#[tokio::test]
async fn state_written_by_the_official_bridged_provider_is_diffed_updated_and_read() {
    let mut h = Harness::start().await;
    let inputs = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "bridged", "appType": "non_interactive"}),
        )
        .await;
    let (id, mut state) = h.create(CLIENT, "c", &inputs, false).await.unwrap();
    // The bridged provider keeps its own bookkeeping and empty values in state and inputs.
    state.insert("__meta".into(), Value::from(r#"{"schema_version":"0"}"#));
    state.insert("callbacks".into(), Value::Array(vec![]));
    state.insert("id".into(), Value::from(id.as_str()));
    let mut old_inputs = inputs.clone();
    old_inputs.insert("__defaults".into(), Value::Array(vec![]));

    let same = h.diff(CLIENT, "c", &id, &state, &inputs, &old_inputs).await;
    assert_eq!(
        same.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "{same:?}"
    );
    let renamed = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "renamed", "appType": "non_interactive"}),
        )
        .await;
    let diff = h
        .diff(CLIENT, "c", &id, &state, &renamed, &old_inputs)
        .await;
    assert_eq!(diff.diffs, vec!["name"]);
    let updated = h
        .update(CLIENT, "c", &id, &state, &renamed, &old_inputs, false)
        .await
        .unwrap();
    assert_eq!(str_of(&updated, "name"), "renamed");
    let (read_id, _, _) = h.read(CLIENT, "c", &id, &state, &old_inputs).await;
    assert_eq!(read_id, id);
}

#[tokio::test]
async fn a_sub_object_removed_from_a_merged_nested_object_is_cleared_or_warned_about() {
    // Auth0 (and the emulator) merge jwt_configuration, mobile and native_social_login one level
    // deep on PATCH, so what the program drops must be sent with its clearing value.
    let mut h = Harness::start().await;
    let before = json!({
        "name": "Nested", "appType": "native",
        "jwtConfiguration": {"alg": "HS256", "lifetimeInSeconds": 3600},
        "nativeSocialLogin": {"apple": {"enabled": true}, "facebook": {"enabled": true}},
        "mobile": {"android": {"appPackageName": "com.example"}, "ios": {"teamId": "TEAM"}}
    });
    let inputs = h.checked(CLIENT, "n", before).await;
    let (id, state) = h.create(CLIENT, "n", &inputs, false).await.unwrap();
    let after = json!({
        "name": "Nested", "appType": "native",
        "jwtConfiguration": {"lifetimeInSeconds": 7200},
        "nativeSocialLogin": {"apple": {"enabled": true}},
        "mobile": {"android": {"appPackageName": "com.example.v2"}}
    });
    let news = h.checked(CLIENT, "n", after).await;
    let updated = h
        .update(CLIENT, "n", &id, &state, &news, &inputs, false)
        .await
        .unwrap();
    let updated = Value::Object(updated).to_json().unwrap();
    assert_eq!(
        updated["jwtConfiguration"]["alg"], "RS256",
        "alg goes back to Auth0's default"
    );
    assert_eq!(updated["jwtConfiguration"]["lifetimeInSeconds"], 7200);
    assert_eq!(updated["nativeSocialLogin"]["facebook"]["enabled"], false);
    assert_eq!(updated["nativeSocialLogin"]["apple"]["enabled"], true);
    assert_eq!(
        updated["mobile"]["android"]["appPackageName"],
        "com.example.v2"
    );
    // mobile.ios has no value that clears it: it stays, and the user is told.
    assert_eq!(updated["mobile"]["ios"]["teamId"], "TEAM");
    let warnings = h.warnings.0.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Client.mobile.ios was removed from the program")),
        "{warnings:?}"
    );
}
