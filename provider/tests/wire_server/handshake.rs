//! Handshake, plugin info, GetSchema, Configure, CheckConfig and DiffConfig.

use super::*;

// ---- Handshake, plugin info, schema

#[tokio::test]
async fn handshake_accepts_secrets_resources_outputs_and_autonaming_configuration() {
    let (_, mut client) = fixture().await;
    let resp = client
        .handshake(pb::ProviderHandshakeRequest {
            engine_address: String::new(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.accept_secrets);
    assert!(resp.accept_resources);
    assert!(resp.accept_outputs);
    assert!(resp.supports_autonaming_configuration);
}

#[tokio::test]
async fn get_plugin_info_reports_the_crate_version() {
    let (_, mut client) = fixture().await;
    let info = client.get_plugin_info(()).await.unwrap().into_inner();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn get_schema_returns_the_providers_schema() {
    let (_, mut client) = fixture().await;
    let resp = client
        .get_schema(pb::GetSchemaRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.schema, SCHEMA);
}

#[tokio::test]
async fn get_schema_with_a_version_above_zero_is_an_invalid_argument() {
    let (_, mut client) = fixture().await;
    let status = client
        .get_schema(pb::GetSchemaRequest {
            version: 1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("version 1"),
        "{}",
        status.message()
    );
}

// ---- Configure and CheckConfig/DiffConfig

#[tokio::test]
async fn configure_delivers_secret_args_as_secret_values_and_announces_capabilities() {
    let (provider, mut client) = fixture().await;
    let args = pstruct(&[
        ("domain", pstr("tenant.example")),
        ("clientSecret", psecret(pstr("hunter2"))),
    ]);
    let resp = client
        .configure(pb::ConfigureRequest {
            args: Some(args),
            accept_secrets: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        resp.accept_secrets
            && resp.supports_preview
            && resp.accept_resources
            && resp.accept_outputs
    );
    let expected = map(&[
        ("domain", Value::from("tenant.example")),
        (
            "clientSecret",
            Value::Secret(Box::new(Value::from("hunter2"))),
        ),
    ]);
    assert_eq!(
        provider.calls(),
        vec![Call::Configure(rpc::ConfigureRequest { args: expected })]
    );
}

#[tokio::test]
async fn check_config_and_diff_config_reach_the_provider() {
    let (provider, mut client) = fixture().await;
    let news = pstruct(&[("domain", pstr("t.example"))]);
    let resp = client
        .check_config(pb::CheckRequest {
            urn: "urn:pulumi:dev::p::pulumi:providers:auth0::default".into(),
            news: Some(news.clone()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.inputs, Some(news));
    let diff = client
        .diff_config(pb::DiffRequest {
            urn: "urn:pulumi:dev::p::pulumi:providers:auth0::default".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        diff.changes,
        pb::diff_response::DiffChanges::DiffNone as i32
    );
    let calls = provider.calls();
    assert!(
        matches!(&calls[0], Call::CheckConfig(req) if req.type_token == "pulumi:providers:auth0" && req.name == "default")
    );
    assert!(matches!(&calls[1], Call::DiffConfig(_)));
}
