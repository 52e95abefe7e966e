//! The provider end to end through its gRPC service, against the Auth0 emulator in-process:
//! lifecycle, request counts, preview, import, drift, 404s, bad inputs, errors and secrets.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value as Json};
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};

use auth0_emulator::{Emulator, EmulatorConfig};
use pulumi_auth0_provider::provider::Auth0Provider;
use pulumi_auth0_provider::rpc::{Diagnostics, Provider, Severity};
use pulumi_auth0_provider::value::{PropertyMap, Value};
use pulumi_auth0_provider::wire::proto::pulumirpc as pb;
use pulumi_auth0_provider::wire::values::{decode_struct, encode_struct, Encoding};
use pulumi_auth0_provider::wire::ResourceProviderService;

use pb::resource_provider_client::ResourceProviderClient;

mod cancelled;
mod client;
mod credentials;
mod grants;
mod outside_changes;
mod refused;

const CLIENT: &str = "auth0:index/client:Client";
const API: &str = "auth0:index/resourceServer:ResourceServer";
const GRANT: &str = "auth0:index/clientGrant:ClientGrant";

fn urn(token: &str, name: &str) -> String {
    format!("urn:pulumi:dev::m2m::{token}::{name}")
}

fn props(json: Json) -> PropertyMap {
    match Value::from_json(&json) {
        Value::Object(map) => map,
        other => panic!("not an object: {other:?}"),
    }
}

fn st(map: &PropertyMap) -> Option<prost_types::Struct> {
    Some(encode_struct(map, Encoding { outputs: false }))
}

fn de(s: Option<prost_types::Struct>) -> PropertyMap {
    decode_struct(s.as_ref(), "test").expect("decodes")
}

/// Warnings the provider sent to the engine.
#[derive(Default)]
struct Recorded(Mutex<Vec<String>>);
impl Diagnostics for Recorded {
    fn log(&self, severity: Severity, _urn: &str, message: &str) {
        if severity == Severity::Warning {
            self.0.lock().unwrap().push(message.to_string());
        }
    }
}

struct Harness {
    emulator: Emulator,
    rpc: ResourceProviderClient<Channel>,
    warnings: Arc<Recorded>,
}

impl Harness {
    async fn start() -> Harness {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .expect("emulator starts");
        let provider = Auth0Provider::with_env(Box::new(|_| None));
        let warnings = Arc::new(Recorded::default());
        provider.set_diagnostics(warnings.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let service = ResourceProviderService::new(provider).into_server();
        tokio::spawn(
            Server::builder()
                .add_service(service)
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        let rpc = ResourceProviderClient::connect(format!("http://{address}"))
            .await
            .unwrap();
        let mut harness = Harness {
            emulator,
            rpc,
            warnings,
        };
        harness.configure().await;
        harness
    }

    async fn configure(&mut self) {
        let id = self.emulator.bootstrap_client_id().to_string();
        let secret = self.emulator.bootstrap_client_secret().to_string();
        self.configure_as(&id, &secret).await;
    }

    /// Configures the provider with an application's credentials, the secret as a secret.
    async fn configure_as(&mut self, client_id: &str, client_secret: &str) {
        let mut args = props(json!({
            "domain": self.emulator.base_url(),
            "clientId": client_id,
        }));
        args.insert(
            "clientSecret".into(),
            Value::from(client_secret).into_secret(),
        );
        self.rpc
            .configure(pb::ConfigureRequest {
                args: st(&args),
                accept_secrets: true,
                accept_resources: true,
                ..Default::default()
            })
            .await
            .expect("configure");
    }

    fn management_calls(&self) -> u64 {
        self.emulator.stats().management_total
    }

    async fn check(
        &mut self,
        token: &str,
        name: &str,
        olds: &PropertyMap,
        news: Json,
    ) -> (PropertyMap, Vec<pb::CheckFailure>) {
        let response = self
            .rpc
            .check(pb::CheckRequest {
                urn: urn(token, name),
                olds: st(olds),
                news: st(&props(news)),
                random_seed: vec![0xab, 0xcd, 0xef, 0x12],
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await
            .expect("check")
            .into_inner();
        (de(response.inputs), response.failures)
    }

    async fn checked(&mut self, token: &str, name: &str, news: Json) -> PropertyMap {
        let (inputs, failures) = self.check(token, name, &PropertyMap::new(), news).await;
        assert!(failures.is_empty(), "unexpected failures: {failures:?}");
        inputs
    }

    async fn create(
        &mut self,
        token: &str,
        name: &str,
        inputs: &PropertyMap,
        preview: bool,
    ) -> Result<(String, PropertyMap), tonic::Status> {
        let response = self
            .rpc
            .create(pb::CreateRequest {
                urn: urn(token, name),
                properties: st(inputs),
                preview,
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await?
            .into_inner();
        Ok((response.id, de(response.properties)))
    }

    async fn diff(
        &mut self,
        token: &str,
        name: &str,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        old_inputs: &PropertyMap,
    ) -> pb::DiffResponse {
        self.rpc
            .diff(pb::DiffRequest {
                id: id.into(),
                urn: urn(token, name),
                olds: st(olds),
                news: st(news),
                old_inputs: st(old_inputs),
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await
            .expect("diff")
            .into_inner()
    }

    async fn update(
        &mut self,
        token: &str,
        name: &str,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        old_inputs: &PropertyMap,
        preview: bool,
    ) -> Result<PropertyMap, tonic::Status> {
        let response = self
            .rpc
            .update(pb::UpdateRequest {
                id: id.into(),
                urn: urn(token, name),
                olds: st(olds),
                news: st(news),
                old_inputs: st(old_inputs),
                preview,
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await?
            .into_inner();
        Ok(de(response.properties))
    }

    async fn read(
        &mut self,
        token: &str,
        name: &str,
        id: &str,
        properties: &PropertyMap,
        inputs: &PropertyMap,
    ) -> (String, PropertyMap, PropertyMap) {
        let response = self
            .rpc
            .read(pb::ReadRequest {
                id: id.into(),
                urn: urn(token, name),
                properties: st(properties),
                inputs: st(inputs),
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await
            .expect("read")
            .into_inner();
        (response.id, de(response.properties), de(response.inputs))
    }

    async fn delete(&mut self, token: &str, name: &str, id: &str) -> Result<(), tonic::Status> {
        self.rpc
            .delete(pb::DeleteRequest {
                id: id.into(),
                urn: urn(token, name),
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await
            .map(|_| ())
    }

    /// A Management API token for poking the emulator directly, as a dashboard user would.
    async fn admin(&self) -> (reqwest::Client, String) {
        let http = reqwest::Client::new();
        let token: Json = http
            .post(format!("{}/oauth/token", self.emulator.base_url()))
            .json(&json!({
                "grant_type": "client_credentials",
                "client_id": self.emulator.bootstrap_client_id(),
                "client_secret": self.emulator.bootstrap_client_secret(),
                "audience": self.emulator.management_audience(),
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (http, token["access_token"].as_str().unwrap().to_string())
    }
}

fn str_of<'a>(map: &'a PropertyMap, key: &str) -> &'a str {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{key} is not a string in {map:?}"))
}
