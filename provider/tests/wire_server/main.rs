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

mod check_diff;
mod crud;
mod diagnostics;
mod errors;
mod handshake;

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
