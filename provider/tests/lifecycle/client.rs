//! A client's whole lifecycle with one request per operation, and rotating its secret.

use super::*;

#[tokio::test]
async fn a_client_goes_through_its_whole_lifecycle_with_one_request_per_operation() {
    let mut h = Harness::start().await;
    let program = json!({"name": "My AI Client App", "appType": "non_interactive", "grantTypes": ["client_credentials"]});
    let inputs = h.checked(CLIENT, "ai-client", program).await;
    assert_eq!(inputs["description"], Value::from("Managed by Pulumi"));

    h.emulator.reset_stats();
    let (preview_id, preview) = h.create(CLIENT, "ai-client", &inputs, true).await.unwrap();
    assert_eq!(preview_id, "");
    assert_eq!(
        preview["clientId"],
        Value::Computed,
        "computed outputs are unknown in preview"
    );
    assert_eq!(preview["name"], Value::from("My AI Client App"));
    assert_eq!(h.management_calls(), 0, "a preview never calls Auth0");

    let (id, state) = h.create(CLIENT, "ai-client", &inputs, false).await.unwrap();
    assert_eq!(h.emulator.stats().count("POST /api/v2/clients"), 1);
    assert_eq!(h.management_calls(), 1, "create is exactly one request");
    assert_eq!(str_of(&state, "clientId"), id);
    assert!(
        state["clientSecret"].is_secret(),
        "the client secret is a secret output"
    );
    assert!(
        !state.values().any(Value::contains_unknowns),
        "no unknowns outside preview"
    );

    let no_change = h
        .diff(CLIENT, "ai-client", &id, &state, &inputs, &inputs)
        .await;
    assert_eq!(
        no_change.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "no perpetual diff after create: {no_change:?}"
    );

    let renamed = h.checked(CLIENT, "ai-client", json!({"name": "Renamed", "appType": "non_interactive", "grantTypes": ["client_credentials"]})).await;
    let diff = h
        .diff(CLIENT, "ai-client", &id, &state, &renamed, &inputs)
        .await;
    assert_eq!(diff.changes(), pb::diff_response::DiffChanges::DiffSome);
    assert_eq!(diff.diffs, vec!["name"]);
    assert!(diff.replaces.is_empty());
    assert!(
        diff.stables.contains(&"clientId".to_string()),
        "clientId is stable across the update"
    );

    let preview = h
        .update(CLIENT, "ai-client", &id, &state, &renamed, &inputs, true)
        .await
        .unwrap();
    assert_eq!(
        preview["clientId"], state["clientId"],
        "an update preview keeps the client id"
    );
    h.emulator.reset_stats();
    let updated = h
        .update(CLIENT, "ai-client", &id, &state, &renamed, &inputs, false)
        .await
        .unwrap();
    assert_eq!(h.emulator.stats().count("PATCH /api/v2/clients/{id}"), 1);
    assert_eq!(h.management_calls(), 1, "update is exactly one request");
    assert_eq!(str_of(&updated, "name"), "Renamed");
    assert_eq!(
        updated["clientSecret"].unwrap_all(),
        state["clientSecret"].unwrap_all()
    );

    h.emulator.reset_stats();
    let (read_id, read_state, read_inputs) =
        h.read(CLIENT, "ai-client", &id, &updated, &renamed).await;
    assert_eq!(h.management_calls(), 1, "read is exactly one request");
    assert_eq!(read_id, id);
    assert_eq!(str_of(&read_state, "name"), "Renamed");
    assert_eq!(
        read_inputs.keys().collect::<Vec<_>>(),
        renamed.keys().collect::<Vec<_>>()
    );

    h.emulator.reset_stats();
    h.delete(CLIENT, "ai-client", &id).await.unwrap();
    assert_eq!(h.management_calls(), 1, "delete is exactly one request");
    let (gone, _, _) = h.read(CLIENT, "ai-client", &id, &updated, &renamed).await;
    assert_eq!(gone, "", "a deleted client reads as gone, not as an error");
    h.delete(CLIENT, "ai-client", &id)
        .await
        .expect("deleting a client that is already gone succeeds");
}

#[tokio::test]
async fn changing_the_rotation_trigger_rotates_the_client_secret() {
    let mut h = Harness::start().await;
    let inputs = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "clientSecretRotationTrigger": {"rotated": "2026-01"}}),
        )
        .await;
    let (id, state) = h.create(CLIENT, "c", &inputs, false).await.unwrap();
    let rotated_inputs = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "clientSecretRotationTrigger": {"rotated": "2026-02"}}),
        )
        .await;
    let diff = h
        .diff(CLIENT, "c", &id, &state, &rotated_inputs, &inputs)
        .await;
    assert_eq!(diff.diffs, vec!["clientSecretRotationTrigger"]);
    assert!(
        !diff.stables.contains(&"clientSecret".to_string()),
        "the secret is not stable while rotating"
    );
    h.emulator.reset_stats();
    let updated = h
        .update(CLIENT, "c", &id, &state, &rotated_inputs, &inputs, false)
        .await
        .unwrap();
    assert_eq!(
        h.emulator
            .stats()
            .count("POST /api/v2/clients/{id}/rotate-secret"),
        1
    );
    assert_eq!(h.management_calls(), 1, "only the rotation is sent");
    assert!(updated["clientSecret"].is_secret());
    assert_ne!(
        updated["clientSecret"].unwrap_all(),
        state["clientSecret"].unwrap_all()
    );
    assert_eq!(
        updated["clientSecretRotationTrigger"],
        rotated_inputs["clientSecretRotationTrigger"]
    );
}
