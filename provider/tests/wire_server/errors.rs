//! Errors, panics, Invoke and unsupported RPCs: what the engine sees.

use super::*;

// ---- Errors

#[tokio::test]
async fn a_partial_failure_carries_decodable_error_resource_init_failed_details() {
    let (provider, mut client) = fixture().await;
    provider.fail_with(|| Error::PartialFailure {
        id: "client-1".into(),
        properties: map(&[
            ("name", Value::from("My App")),
            ("clientSecret", Value::from("s").into_secret()),
        ]),
        inputs: map(&[("name", Value::from("My App"))]),
        reasons: vec![
            "client-1 was created but its grants could not be set: Auth0 answered 429".into(),
        ],
    });
    let status = client
        .create(pb::CreateRequest {
            urn: CLIENT_URN.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unknown);
    assert!(status.message().contains("grants could not be set"));

    let details =
        google_rpc::Status::decode(status.details()).expect("details are a google.rpc.Status");
    assert_eq!(details.details.len(), 1);
    assert_eq!(
        details.details[0].type_url,
        "type.googleapis.com/pulumirpc.ErrorResourceInitFailed"
    );
    let failed = pb::ErrorResourceInitFailed::decode(details.details[0].value.as_slice()).unwrap();
    assert_eq!(failed.id, "client-1");
    assert_eq!(failed.reasons.len(), 1);
    let properties = failed.properties.unwrap();
    assert_eq!(properties.fields["name"], pstr("My App"));
    assert_eq!(properties.fields["clientSecret"], psecret(pstr("s")));
    assert_eq!(failed.inputs.unwrap().fields["name"], pstr("My App"));
}

#[tokio::test]
async fn provider_errors_reach_the_engine_with_their_code_and_message() {
    let (provider, mut client) = fixture().await;
    provider.fail_with(|| {
        Error::Config(
            "auth0:domain is missing; set it with `pulumi config set auth0:domain <tenant>`".into(),
        )
    });
    let status = client
        .update(pb::UpdateRequest {
            urn: CLIENT_URN.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(
        status.message(),
        "auth0:domain is missing; set it with `pulumi config set auth0:domain <tenant>`"
    );
}

#[test]
fn each_error_kind_maps_to_its_one_code() {
    let cases = [
        (Error::InvalidArgument("x".into()), Code::InvalidArgument),
        (Error::Config("x".into()), Code::FailedPrecondition),
        (
            Error::Auth0 {
                status: 400,
                message: "x".into(),
            },
            Code::Unknown,
        ),
        (
            Error::Auth0 {
                status: 503,
                message: "x".into(),
            },
            Code::Unknown,
        ),
        (Error::Transport("x".into()), Code::Unavailable),
        (Error::Cancelled("x".into()), Code::Cancelled),
        (Error::DeadlineExceeded("x".into()), Code::DeadlineExceeded),
        (Error::RateLimited("x".into()), Code::ResourceExhausted),
        (Error::OutcomeUnknown("x".into()), Code::Unknown),
        (Error::Unimplemented("x".into()), Code::Unimplemented),
        (Error::Internal("x".into()), Code::Internal),
        (
            Error::PartialFailure {
                id: "i".into(),
                properties: PropertyMap::new(),
                inputs: PropertyMap::new(),
                reasons: vec!["x".into()],
            },
            Code::Unknown,
        ),
    ];
    // Adding an error kind without a row here fails to compile.
    let rows = |error: &Error| match error {
        Error::InvalidArgument(_)
        | Error::Config(_)
        | Error::Auth0 { .. }
        | Error::Transport(_)
        | Error::PartialFailure { .. }
        | Error::Cancelled(_)
        | Error::DeadlineExceeded(_)
        | Error::RateLimited(_)
        | Error::OutcomeUnknown(_)
        | Error::Unimplemented(_)
        | Error::Internal(_) => (),
    };
    for (error, _) in &cases {
        rows(error);
    }
    for (error, code) in cases {
        let status = status_from_error(&error);
        assert_eq!(status.code(), code, "{error:?}");
        assert_eq!(
            status.details().is_empty(),
            !matches!(error, Error::PartialFailure { .. }),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn a_panicking_provider_answers_internal_and_the_server_keeps_serving() {
    let (_, mut client) = fixture().await;
    let news = pstruct(&[("panic", pstr("now"))]);
    let status = client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            news: Some(news),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal);
    assert!(
        !status.message().contains("fake provider bug"),
        "panic payloads stay out of errors"
    );
    let again = client
        .check(pb::CheckRequest {
            urn: CLIENT_URN.into(),
            ..Default::default()
        })
        .await;
    assert!(again.is_ok(), "{again:?}");
}

#[tokio::test]
async fn invoke_decodes_args_and_encodes_secret_outputs_and_failures() {
    let (provider, mut client) = fixture().await;
    let resp = client
        .invoke(pb::InvokeRequest {
            tok: "auth0:index/getClient:getClient".into(),
            args: Some(pstruct(&[("clientId", pstr("abc"))])),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let outputs = resp.r#return.unwrap();
    assert_eq!(outputs.fields["clientId"], pstr("abc"));
    assert_eq!(outputs.fields["clientSecret"], psecret(pstr("s3cret")));
    assert!(resp.failures.is_empty());
    let Call::Invoke(req) = &provider.calls()[0] else {
        panic!("Invoke not called")
    };
    assert_eq!(req.token, "auth0:index/getClient:getClient");
    assert_eq!(req.args["clientId"], Value::from("abc"));

    let refused = client
        .invoke(pb::InvokeRequest {
            tok: "auth0:index/getClient:getClient".into(),
            args: Some(pstruct(&[])),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(refused.failures.len(), 1);
    assert_eq!(refused.failures[0].property, "clientId");
}

#[tokio::test]
async fn unsupported_rpcs_answer_unimplemented() {
    let (provider, mut client) = fixture().await;
    let mut codes = vec![
        (
            "Construct",
            client
                .construct(pb::ConstructRequest::default())
                .await
                .unwrap_err()
                .code(),
        ),
        (
            "Call",
            client
                .call(pb::CallRequest::default())
                .await
                .unwrap_err()
                .code(),
        ),
        (
            "Parameterize",
            client
                .parameterize(pb::ParameterizeRequest::default())
                .await
                .unwrap_err()
                .code(),
        ),
        (
            "GetMapping",
            client
                .get_mapping(pb::GetMappingRequest::default())
                .await
                .unwrap_err()
                .code(),
        ),
        (
            "GetMappings",
            client
                .get_mappings(pb::GetMappingsRequest::default())
                .await
                .unwrap_err()
                .code(),
        ),
    ];
    codes.push((
        "List",
        client
            .list(pb::ListRequest::default())
            .await
            .err()
            .map(|s| s.code())
            .unwrap_or(Code::Ok),
    ));
    for (rpc, code) in codes {
        assert_eq!(code, Code::Unimplemented, "{rpc}");
    }
    assert!(provider.calls().is_empty());
}
