//! Create, Read, Update, Delete and Cancel: what reaches the provider and what goes back.

use super::*;

// ---- Create, Read, Update, Delete, Cancel

#[tokio::test]
async fn an_empty_name_and_type_are_derived_from_the_urn() {
    let (provider, mut client) = fixture().await;
    let urn = "urn:pulumi:dev::proj::my:app:Component$auth0:index/client:Client::spa-client";
    client
        .create(pb::CreateRequest {
            urn: urn.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let Call::Create(req) = &provider.calls()[0] else {
        panic!("Create not called")
    };
    assert_eq!(req.name, "spa-client");
    assert_eq!(req.type_token, "auth0:index/client:Client");
    assert_eq!(req.urn, urn);
}

#[tokio::test]
async fn create_maps_timeout_and_preview_and_returns_id_and_secret_outputs() {
    let (provider, mut client) = fixture().await;
    let resp = client
        .create(pb::CreateRequest {
            urn: CLIENT_URN.into(),
            name: "my-app".into(),
            r#type: "auth0:index/client:Client".into(),
            properties: Some(pstruct(&[("name", pstr("My App"))])),
            timeout: 30.0,
            preview: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.id, "client-1");
    let properties = resp.properties.unwrap();
    assert_eq!(
        properties.fields["clientSecret"],
        psecret(pstr("generated"))
    );
    assert_eq!(properties.fields["name"], pstr("My App"));
    let Call::Create(req) = &provider.calls()[0] else {
        panic!("Create not called")
    };
    assert_eq!(req.timeout, Some(Duration::from_secs(30)));
    assert!(req.preview);

    client
        .create(pb::CreateRequest {
            urn: CLIENT_URN.into(),
            timeout: 0.0,
            ..Default::default()
        })
        .await
        .unwrap();
    let Call::Create(req) = &provider.calls()[1] else {
        panic!("Create not called")
    };
    assert_eq!(req.timeout, None, "timeout 0 means no custom timeout");
}

#[tokio::test]
async fn reading_a_gone_resource_answers_an_empty_id() {
    let (provider, mut client) = fixture().await;
    let resp = client
        .read(pb::ReadRequest {
            id: "client-1".into(),
            urn: CLIENT_URN.into(),
            properties: Some(pstruct(&[("name", pstr("x"))])),
            inputs: Some(pstruct(&[("name", pstr("x"))])),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.id, "");
    let Call::Read(req) = &provider.calls()[0] else {
        panic!("Read not called")
    };
    assert_eq!(
        (req.id.as_str(), req.type_token.as_str()),
        ("client-1", "auth0:index/client:Client")
    );
    assert_eq!(req.inputs["name"], Value::from("x"));
}

#[tokio::test]
async fn update_maps_olds_news_old_inputs_ignore_changes_and_timeout() {
    let (provider, mut client) = fixture().await;
    let resp = client
        .update(pb::UpdateRequest {
            id: "client-1".into(),
            urn: CLIENT_URN.into(),
            olds: Some(pstruct(&[("name", pstr("old"))])),
            news: Some(pstruct(&[("name", pstr("new"))])),
            old_inputs: Some(pstruct(&[("name", pstr("old-in"))])),
            ignore_changes: vec!["callbacks".into()],
            timeout: 1.5,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.properties.unwrap().fields["name"], pstr("new"));
    let Call::Update(req) = &provider.calls()[0] else {
        panic!("Update not called")
    };
    assert_eq!(req.olds["name"], Value::from("old"));
    assert_eq!(req.old_inputs["name"], Value::from("old-in"));
    assert_eq!(req.ignore_changes, vec!["callbacks"]);
    assert_eq!(req.timeout, Some(Duration::from_millis(1500)));
    assert!(!req.preview);
}

#[tokio::test]
async fn delete_and_cancel_reach_the_provider() {
    let (provider, mut client) = fixture().await;
    client
        .delete(pb::DeleteRequest {
            id: "client-1".into(),
            urn: CLIENT_URN.into(),
            properties: Some(pstruct(&[("clientSecret", psecret(pstr("s")))])),
            ..Default::default()
        })
        .await
        .unwrap();
    client.cancel(()).await.unwrap();
    let calls = provider.calls();
    let Call::Delete(req) = &calls[0] else {
        panic!("Delete not called")
    };
    assert_eq!(req.id, "client-1");
    assert!(req.properties["clientSecret"].is_secret());
    assert_eq!(req.timeout, None);
    assert_eq!(calls[1], Call::Cancel);
}
