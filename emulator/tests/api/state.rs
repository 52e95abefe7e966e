//! State: surviving restarts, seeds, drift through the API, and the state file written before the response.

use super::*;

#[tokio::test]
async fn state_survives_a_restart_and_old_tokens_stay_valid() {
    let dir = std::env::temp_dir().join(format!("emu-state-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    // A fixed domain keeps the audience and issuer stable while the port changes.
    let config = EmulatorConfig {
        state_file: Some(path.clone()),
        domain: Some("tenant.test".into()),
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start(config.clone()).await.unwrap();
    let t = management_token(&emu).await;
    let (id, secret) = api_client_and_grant(&emu, &t).await;
    let bootstrap = emu.bootstrap_client_id().to_string();
    emu.shutdown().await;

    let emu = Emulator::start(config).await.unwrap();
    assert_eq!(emu.bootstrap_client_id(), bootstrap);
    // The token from before the restart is still accepted: same signing key, same audience.
    let (s, c) = call(&emu, &t, "GET", &format!("/api/v2/clients/{id}"), None).await;
    // Compared, not printed: a failure message must not show the secret.
    assert_eq!(
        (s, c["client_secret"].as_str() == Some(secret.as_str())),
        (200, true)
    );
    let (s, _) = token_for(&emu, &id, &secret, "https://myapi.example.com/").await;
    assert_eq!(s, 200);
    emu.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn seeded_objects_are_served_and_a_bad_seed_changes_nothing() {
    let emu = start().await;
    emu.seed(json!({
        "resource_servers": [{"identifier": "https://myapi.example.com/", "name": "Existing"}],
        "clients": [{"client_id": "existingexistingexistingexisting", "name": "existing"}]
    }))
    .unwrap();
    let t = management_token(&emu).await;
    let (s, _) = call(
        &emu,
        &t,
        "GET",
        "/api/v2/clients/existingexistingexistingexisting",
        None,
    )
    .await;
    assert_eq!(s, 200);
    let err = emu
        .seed(json!({"clients": [{"name": "half"}], "client_grants": [{"client_id": "nope", "audience": "https://x/"}]}))
        .unwrap_err();
    assert!(err.contains("client_grants"), "{err}");
    let (_, list) = call(&emu, &t, "GET", "/api/v2/clients", None).await;
    assert!(!list.as_array().unwrap().iter().any(|c| c["name"] == "half"));
    emu.shutdown().await;
}

#[tokio::test]
async fn drift_can_be_made_through_the_management_api() {
    let emu = start().await;
    let t = management_token(&emu).await;
    let (_, c) = call(
        &emu,
        &t,
        "POST",
        "/api/v2/clients",
        Some(json!({"name": "drifty"})),
    )
    .await;
    let id = c["client_id"].as_str().unwrap();
    let (s, b) = call(
        &emu,
        &t,
        "PATCH",
        &format!("/api/v2/clients/{id}"),
        Some(json!({"description": "changed in the UI"})),
    )
    .await;
    assert_eq!(
        (s, b["description"].as_str()),
        (200, Some("changed in the UI"))
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn every_acknowledged_change_is_in_the_state_file_before_the_response() {
    let dir = std::env::temp_dir().join(format!("emu-ack-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let emu = Emulator::start(EmulatorConfig {
        state_file: Some(path.clone()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let t = management_token(&emu).await;
    for i in 0..5 {
        let (s, c) = call(
            &emu,
            &t,
            "POST",
            "/api/v2/clients",
            Some(json!({"name": format!("acked-{i}")})),
        )
        .await;
        assert_eq!(s, 201);
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(
            saved.contains(c["client_id"].as_str().unwrap()),
            "client {i} is on disk when acknowledged"
        );
    }
    emu.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
