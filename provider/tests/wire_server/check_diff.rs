//! Check and Diff: unknowns, failures, autonaming, assets and detailed diffs.

use super::*;

// ---- Check

#[tokio::test]
async fn check_keeps_unknowns_in_news_and_in_the_returned_inputs() {
    let (provider, mut client) = fixture().await;
    let news = pstruct(&[
        ("name", pstr("app")),
        (
            "callbacks",
            pv(Kind::ListValue(prost_types::ListValue {
                values: vec![pstr("https://a"), pstr(UNKNOWN_STRING)],
            })),
        ),
        ("tokenLifetime", pstr(UNKNOWN_NUMBER)),
    ]);
    let resp = client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            news: Some(news),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let Call::Check(req) = &provider.calls()[0] else {
        panic!("Check not called")
    };
    assert_eq!(req.news["tokenLifetime"], Value::Computed);
    assert_eq!(
        req.news["callbacks"],
        Value::Array(vec![Value::from("https://a"), Value::Computed])
    );
    let inputs = resp.inputs.unwrap();
    assert_eq!(inputs.fields["tokenLifetime"], pstr(UNKNOWN_STRING));
    assert_eq!(inputs.fields["name"], pstr("app"));
}

#[tokio::test]
async fn check_returns_failures_with_property_and_reason() {
    let (_, mut client) = fixture().await;
    let news = pstruct(&[("bad", pstr("x"))]);
    let resp = client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            news: Some(news),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        resp.failures,
        vec![pb::CheckFailure {
            property: "bad".into(),
            reason: "bad: not allowed; remove it".into()
        }]
    );
}

#[tokio::test]
async fn check_passes_autonaming_and_the_random_seed() {
    let (provider, mut client) = fixture().await;
    let autonaming = pb::check_request::AutonamingOptions {
        proposed_name: "app-1234".into(),
        mode: pb::check_request::autonaming_options::Mode::Enforce as i32,
    };
    client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            random_seed: vec![1, 2, 3],
            autonaming: Some(autonaming),
            ..Default::default()
        })
        .await
        .unwrap();
    let Call::Check(req) = &provider.calls()[0] else {
        panic!("Check not called")
    };
    assert_eq!(req.random_seed, vec![1, 2, 3]);
    assert_eq!(
        req.autonaming,
        Some(rpc::Autonaming {
            proposed_name: "app-1234".into(),
            mode: rpc::AutonamingMode::Enforce
        })
    );
}

#[tokio::test]
async fn an_unknown_autonaming_mode_is_an_invalid_argument() {
    let (provider, mut client) = fixture().await;
    let autonaming = pb::check_request::AutonamingOptions {
        proposed_name: "x".into(),
        mode: 7,
    };
    let status = client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            autonaming: Some(autonaming),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("autonaming.mode 7"));
    assert!(provider.calls().is_empty());
}

#[tokio::test]
async fn an_asset_in_news_is_rejected_before_reaching_the_provider() {
    let (provider, mut client) = fixture().await;
    let asset = pv(Kind::StructValue(pstruct(&[
        (SIG_KEY, pstr(SIG_ASSET)),
        ("path", pstr("logo.png")),
    ])));
    let status = client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            news: Some(pstruct(&[("logoUri", asset)])),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("news.logoUri:"),
        "{}",
        status.message()
    );
    assert!(provider.calls().is_empty());
}

// ---- Diff

#[tokio::test]
async fn diff_answers_are_encoded_with_their_detailed_diff() {
    let (provider, mut client) = fixture().await;
    let resp = client
        .diff(pb::DiffRequest {
            id: "client-1".into(),
            urn: CLIENT_URN.into(),
            olds: Some(pstruct(&[("appType", pstr("spa"))])),
            news: Some(pstruct(&[("appType", pstr("non_interactive"))])),
            old_inputs: Some(pstruct(&[("appType", pstr("spa"))])),
            ignore_changes: vec!["description".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    use pb::property_diff::Kind as DiffKind;
    assert_eq!(
        resp.changes,
        pb::diff_response::DiffChanges::DiffSome as i32
    );
    assert_eq!(resp.replaces, vec!["appType"]);
    assert_eq!(resp.stables, vec!["clientId"]);
    assert!(resp.delete_before_replace && resp.has_detailed_diff);
    assert_eq!(resp.diffs, vec!["appType", "callbacks"]);
    assert_eq!(
        resp.detailed_diff["appType"],
        pb::PropertyDiff {
            kind: DiffKind::UpdateReplace as i32,
            input_diff: true
        }
    );
    assert_eq!(
        resp.detailed_diff["callbacks[1]"],
        pb::PropertyDiff {
            kind: DiffKind::Add as i32,
            input_diff: false
        }
    );
    let Call::Diff(req) = &provider.calls()[0] else {
        panic!("Diff not called")
    };
    assert_eq!(req.id, "client-1");
    assert_eq!(req.ignore_changes, vec!["description"]);
    assert_eq!(req.old_inputs["appType"], Value::from("spa"));
    assert_eq!(req.news["appType"], Value::from("non_interactive"));
}
