//! The ResourceProvider service in-process on 127.0.0.1, driven by the generated tonic client,
//! with a fake `Provider` that records what it was asked and answers canned values.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use prost::Message;
use prost_types::value::Kind;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::{Code, Request, Response, Status};

use pulumi_auth0_provider::error::Error;
use pulumi_auth0_provider::rpc::{self, Diagnostics, Provider, Severity};
use pulumi_auth0_provider::value::{PropertyMap, Value};
use pulumi_auth0_provider::wire::proto::google::rpc as google_rpc;
use pulumi_auth0_provider::wire::proto::pulumirpc as pb;
use pulumi_auth0_provider::wire::values::{
    SIG_ASSET, SIG_KEY, SIG_SECRET, UNKNOWN_NUMBER, UNKNOWN_STRING,
};
use pulumi_auth0_provider::wire::{status_from_error, ResourceProviderService};

use pb::resource_provider_client::ResourceProviderClient;

const SCHEMA: &str = r#"{"name":"auth0","version":"0.1.0"}"#;
const CLIENT_URN: &str = "urn:pulumi:dev::proj::auth0:index/client:Client::my-app";

/// What the fake provider was asked, in order.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    CheckConfig(rpc::CheckRequest),
    DiffConfig(rpc::DiffRequest),
    Configure(rpc::ConfigureRequest),
    Check(rpc::CheckRequest),
    Diff(rpc::DiffRequest),
    Create(rpc::CreateRequest),
    Read(rpc::ReadRequest),
    Update(rpc::UpdateRequest),
    Delete(rpc::DeleteRequest),
    Invoke(rpc::InvokeRequest),
    Cancel,
}

type ErrorFactory = Box<dyn Fn() -> Error + Send + Sync>;

#[derive(Default)]
struct FakeProvider {
    calls: Mutex<Vec<Call>>,
    /// When set, every fallible operation fails with this error.
    fail_with: Mutex<Option<ErrorFactory>>,
    diagnostics: Mutex<Option<Arc<dyn Diagnostics>>>,
}

impl FakeProvider {
    fn record(&self, call: Call) -> rpc::Result<()> {
        self.calls.lock().unwrap().push(call);
        match &*self.fail_with.lock().unwrap() {
            Some(make) => Err(make()),
            None => Ok(()),
        }
    }
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
    fn fail_with(&self, make: impl Fn() -> Error + Send + Sync + 'static) {
        *self.fail_with.lock().unwrap() = Some(Box::new(make));
    }
}

fn map(pairs: &[(&str, Value)]) -> PropertyMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[async_trait]
impl Provider for FakeProvider {
    fn schema(&self) -> &str {
        SCHEMA
    }
    fn set_diagnostics(&self, diagnostics: Arc<dyn Diagnostics>) {
        *self.diagnostics.lock().unwrap() = Some(diagnostics);
    }
    async fn check_config(&self, req: rpc::CheckRequest) -> rpc::Result<rpc::CheckResponse> {
        let inputs = req.news.clone();
        self.record(Call::CheckConfig(req))?;
        Ok(rpc::CheckResponse {
            inputs,
            failures: vec![],
        })
    }
    async fn diff_config(&self, req: rpc::DiffRequest) -> rpc::Result<rpc::DiffResponse> {
        self.record(Call::DiffConfig(req))?;
        Ok(rpc::DiffResponse {
            changes: rpc::Changes::None,
            ..Default::default()
        })
    }
    async fn configure(&self, req: rpc::ConfigureRequest) -> rpc::Result<()> {
        self.record(Call::Configure(req))
    }
    async fn check(&self, req: rpc::CheckRequest) -> rpc::Result<rpc::CheckResponse> {
        if req.news.contains_key("panic") {
            panic!("fake provider bug");
        }
        let inputs = req.news.clone();
        let failures = if inputs.contains_key("bad") {
            vec![rpc::CheckFailure {
                property: "bad".into(),
                reason: "bad: not allowed; remove it".into(),
            }]
        } else {
            vec![]
        };
        self.record(Call::Check(req))?;
        Ok(rpc::CheckResponse { inputs, failures })
    }
    async fn diff(&self, req: rpc::DiffRequest) -> rpc::Result<rpc::DiffResponse> {
        self.record(Call::Diff(req))?;
        Ok(rpc::DiffResponse {
            changes: rpc::Changes::Some,
            replaces: vec!["appType".into()],
            stables: vec!["clientId".into()],
            delete_before_replace: true,
            diffs: vec!["appType".into(), "callbacks".into()],
            detailed_diff: BTreeMap::from([
                (
                    "appType".to_string(),
                    rpc::PropertyDiff {
                        kind: rpc::DiffKind::UpdateReplace,
                        input_diff: true,
                    },
                ),
                (
                    "callbacks[1]".to_string(),
                    rpc::PropertyDiff {
                        kind: rpc::DiffKind::Add,
                        input_diff: false,
                    },
                ),
            ]),
            has_detailed_diff: true,
        })
    }
    async fn create(&self, req: rpc::CreateRequest) -> rpc::Result<rpc::CreateResponse> {
        let mut properties = req.properties.clone();
        properties.insert(
            "clientSecret".into(),
            Value::from("generated").into_secret(),
        );
        self.record(Call::Create(req))?;
        Ok(rpc::CreateResponse {
            id: "client-1".into(),
            properties,
        })
    }
    async fn read(&self, req: rpc::ReadRequest) -> rpc::Result<rpc::ReadResponse> {
        self.record(Call::Read(req))?;
        // The resource is gone.
        Ok(rpc::ReadResponse::default())
    }
    async fn update(&self, req: rpc::UpdateRequest) -> rpc::Result<rpc::UpdateResponse> {
        let properties = req.news.clone();
        self.record(Call::Update(req))?;
        Ok(rpc::UpdateResponse { properties })
    }
    async fn delete(&self, req: rpc::DeleteRequest) -> rpc::Result<()> {
        self.record(Call::Delete(req))
    }
    async fn invoke(&self, req: rpc::InvokeRequest) -> rpc::Result<rpc::InvokeResponse> {
        let failures = match req.args.contains_key("clientId") {
            true => vec![],
            false => vec![rpc::CheckFailure {
                property: "clientId".into(),
                reason: "or name is required; set one of them".into(),
            }],
        };
        self.record(Call::Invoke(req))?;
        let outputs = match failures.is_empty() {
            true => map(&[
                ("clientId", Value::from("abc")),
                ("clientSecret", Value::from("s3cret").into_secret()),
            ]),
            false => PropertyMap::new(),
        };
        Ok(rpc::InvokeResponse { outputs, failures })
    }
    async fn cancel(&self) {
        self.calls.lock().unwrap().push(Call::Cancel);
    }
}

async fn start(provider: Arc<FakeProvider>) -> ResourceProviderClient<Channel> {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = ResourceProviderService::new(provider).into_server();
    tokio::spawn(
        Server::builder()
            .add_service(service)
            .serve_with_incoming(TcpIncoming::from(listener)),
    );
    ResourceProviderClient::connect(format!("http://{address}"))
        .await
        .unwrap()
}

async fn fixture() -> (Arc<FakeProvider>, ResourceProviderClient<Channel>) {
    let provider = Arc::new(FakeProvider::default());
    let client = start(provider.clone()).await;
    (provider, client)
}

// ---- protobuf value builders

fn pv(kind: Kind) -> prost_types::Value {
    prost_types::Value { kind: Some(kind) }
}
fn pstr(s: &str) -> prost_types::Value {
    pv(Kind::StringValue(s.into()))
}
fn pstruct(pairs: &[(&str, prost_types::Value)]) -> prost_types::Struct {
    prost_types::Struct {
        fields: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}
fn psecret(inner: prost_types::Value) -> prost_types::Value {
    pv(Kind::StructValue(pstruct(&[
        (SIG_KEY, pstr(SIG_SECRET)),
        ("value", inner),
    ])))
}

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

// ---- Diagnostics reach the engine's Log service

#[derive(Default, Clone)]
struct FakeEngine {
    logs: Arc<Mutex<Vec<pb::LogRequest>>>,
}

#[tonic::async_trait]
impl pb::engine_server::Engine for FakeEngine {
    async fn log(&self, request: Request<pb::LogRequest>) -> Result<Response<()>, Status> {
        self.logs.lock().unwrap().push(request.into_inner());
        Ok(Response::new(()))
    }
    async fn get_root_resource(
        &self,
        _: Request<pb::GetRootResourceRequest>,
    ) -> Result<Response<pb::GetRootResourceResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
    async fn set_root_resource(
        &self,
        _: Request<pb::SetRootResourceRequest>,
    ) -> Result<Response<pb::SetRootResourceResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
    async fn start_debugging(
        &self,
        _: Request<pb::StartDebuggingRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("fake"))
    }
    async fn require_pulumi_version(
        &self,
        _: Request<pb::RequirePulumiVersionRequest>,
    ) -> Result<Response<pb::RequirePulumiVersionResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
}

async fn start_engine() -> (FakeEngine, String) {
    let engine = FakeEngine::default();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let server = pb::engine_server::EngineServer::new(engine.clone());
    tokio::spawn(
        Server::builder()
            .add_service(server)
            .serve_with_incoming(TcpIncoming::from(listener)),
    );
    (engine, address)
}

/// Waits (at most 5 s, polling every 20 ms) until the engine has `n` log messages.
async fn wait_for_logs(engine: &FakeEngine, n: usize) -> Vec<pb::LogRequest> {
    for _ in 0..250 {
        let logs = engine.logs.lock().unwrap().clone();
        if logs.len() >= n {
            return logs;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the engine received {} log messages, expected {n}",
        engine.logs.lock().unwrap().len()
    );
}

fn installed_diagnostics(provider: &FakeProvider) -> Arc<dyn Diagnostics> {
    provider
        .diagnostics
        .lock()
        .unwrap()
        .clone()
        .expect("the service installed diagnostics")
}

#[tokio::test]
async fn after_handshake_provider_diagnostics_reach_the_engine_log_in_order() {
    let (engine, address) = start_engine().await;
    let (provider, mut client) = fixture().await;
    client
        .handshake(pb::ProviderHandshakeRequest {
            engine_address: address,
            ..Default::default()
        })
        .await
        .unwrap();

    let diagnostics = installed_diagnostics(&provider);
    diagnostics.log(
        Severity::Warning,
        CLIENT_URN,
        "grant scopes were reordered by Auth0",
    );
    diagnostics.log(Severity::Error, "", "second");
    let logs = wait_for_logs(&engine, 2).await;
    assert_eq!(logs[0].severity, pb::LogSeverity::Warning as i32);
    assert_eq!(logs[0].urn, CLIENT_URN);
    assert_eq!(logs[0].message, "grant scopes were reordered by Auth0");
    assert_eq!(logs[1].severity, pb::LogSeverity::Error as i32);
    assert_eq!(logs[1].message, "second");
}

#[tokio::test]
async fn attach_sets_the_engine_address_for_diagnostics() {
    let (engine, address) = start_engine().await;
    let (provider, mut client) = fixture().await;
    assert!(provider.diagnostics.lock().unwrap().is_none());
    client.attach(pb::PluginAttach { address }).await.unwrap();

    installed_diagnostics(&provider).log(Severity::Info, "", "attached");
    let logs = wait_for_logs(&engine, 1).await;
    assert_eq!(
        (logs[0].severity, logs[0].message.as_str()),
        (pb::LogSeverity::Info as i32, "attached")
    );
}

#[tokio::test]
async fn logging_to_an_unreachable_engine_never_blocks_the_caller() {
    // Reserve a port, then free it so nothing listens there.
    let address = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let (provider, mut client) = fixture().await;
    client
        .handshake(pb::ProviderHandshakeRequest {
            engine_address: address,
            ..Default::default()
        })
        .await
        .unwrap();
    let diagnostics = installed_diagnostics(&provider);
    let started = std::time::Instant::now();
    for i in 0..2000 {
        diagnostics.log(Severity::Info, "", &format!("message {i}"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "logging took {:?}",
        started.elapsed()
    );
    // The service still answers.
    client.get_plugin_info(()).await.unwrap();
}
