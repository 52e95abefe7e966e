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
        let args = props(json!({
            "domain": self.emulator.base_url(),
            "clientId": self.emulator.bootstrap_client_id(),
        }));
        let mut args = args;
        args.insert(
            "clientSecret".into(),
            Value::from(self.emulator.bootstrap_client_secret()).into_secret(),
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
async fn the_deprecated_scope_alias_is_warned_about_once_per_resource() {
    let mut h = Harness::start().await;
    let grant =
        json!({"audience": "https://ai.example.com/", "clientId": "abc", "scope": ["read:data"]});
    for name in ["client-grant", "client-grant", "other-grant"] {
        h.checked(GRANT, name, grant.clone()).await;
    }
    let warnings = h.warnings.0.lock().unwrap().clone();
    let about_scope: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("ClientGrant.scope is deprecated: Use `scopes` instead"))
        .collect();
    assert_eq!(
        about_scope.len(),
        2,
        "once for each of the two grants: {warnings:?}"
    );
}

#[tokio::test]
async fn a_new_api_with_the_tenants_management_api_identifier_fails_check_without_a_request() {
    let mut h = Harness::start().await;
    let identifier = h.emulator.management_audience();
    h.emulator.reset_stats();
    let (_, failures) = h
        .check(
            API,
            "service-api",
            &PropertyMap::new(),
            json!({"identifier": identifier}),
        )
        .await;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].property, "identifier");
    assert!(
        failures[0]
            .reason
            .contains("is the tenant's Auth0 Management API, which Auth0 manages"),
        "{failures:?}"
    );
    assert_eq!(h.management_calls(), 0, "Check asks Auth0 nothing");
    let imported = props(json!({"identifier": identifier, "name": "Auth0 Management API"}));
    let (_, failures) = h
        .check(
            API,
            "system-api",
            &imported,
            json!({"identifier": identifier, "name": "Auth0 Management API"}),
        )
        .await;
    assert!(failures.is_empty(), "{failures:?}");
}

#[tokio::test]
async fn an_api_and_a_grant_with_the_deprecated_scope_alias_give_a_working_grant() {
    let mut h = Harness::start().await;
    let api_inputs = h
        .checked(API, "service-api", json!({"identifier": "https://ai.example.com/", "scopes": [
            {"value": "read:data", "description": "Read data"}, {"value": "write:data", "description": "Write data"}]}))
        .await;
    assert!(
        str_of(&api_inputs, "name").starts_with("service-api-"),
        "the API name is autonamed"
    );
    let (api_id, api_state) = h
        .create(API, "service-api", &api_inputs, false)
        .await
        .unwrap();
    let no_change = h
        .diff(
            API,
            "service-api",
            &api_id,
            &api_state,
            &api_inputs,
            &api_inputs,
        )
        .await;
    assert_eq!(
        no_change.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "{no_change:?}"
    );

    let client_inputs = h.checked(CLIENT, "service-client", json!({"name": "Service Client", "appType": "non_interactive", "grantTypes": ["client_credentials"]})).await;
    let (client_id, _) = h
        .create(CLIENT, "service-client", &client_inputs, false)
        .await
        .unwrap();

    let grant_inputs = h
        .checked(GRANT, "client-grant", json!({"audience": "https://ai.example.com/", "clientId": client_id, "scope": ["read:data", "write:data"]}))
        .await;
    assert!(
        !grant_inputs.contains_key("scope"),
        "scope is folded into scopes"
    );
    assert_eq!(
        grant_inputs["scopes"],
        Value::from_json(&json!(["read:data", "write:data"]))
    );
    let warnings = h.warnings.0.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("ClientGrant.scope is deprecated")),
        "{warnings:?}"
    );

    h.emulator.reset_stats();
    let (grant_id, grant_state) = h
        .create(GRANT, "client-grant", &grant_inputs, false)
        .await
        .unwrap();
    assert!(grant_id.starts_with("cgr_"), "{grant_id}");
    assert_eq!(h.management_calls(), 1);
    let reordered = h.checked(GRANT, "client-grant", json!({"audience": "https://ai.example.com/", "clientId": client_id, "scopes": ["write:data", "read:data"]})).await;
    let same = h
        .diff(
            GRANT,
            "client-grant",
            &grant_id,
            &grant_state,
            &reordered,
            &grant_inputs,
        )
        .await;
    assert_eq!(
        same.changes(),
        pb::diff_response::DiffChanges::DiffNone,
        "scopes compare as sets"
    );

    let fewer = h.checked(GRANT, "client-grant", json!({"audience": "https://ai.example.com/", "clientId": client_id, "scopes": ["read:data"]})).await;
    let diff = h
        .diff(
            GRANT,
            "client-grant",
            &grant_id,
            &grant_state,
            &fewer,
            &grant_inputs,
        )
        .await;
    assert_eq!(diff.diffs, vec!["scopes"]);
    assert!(
        diff.replaces.is_empty(),
        "changing scopes updates the grant in place"
    );
    let updated = h
        .update(
            GRANT,
            "client-grant",
            &grant_id,
            &grant_state,
            &fewer,
            &grant_inputs,
            false,
        )
        .await
        .unwrap();
    assert_eq!(updated["scopes"], Value::from_json(&json!(["read:data"])));

    let other_api = h
        .checked(
            GRANT,
            "client-grant",
            json!({"audience": "https://other.example.com/", "clientId": client_id}),
        )
        .await;
    let replace = h
        .diff(
            GRANT,
            "client-grant",
            &grant_id,
            &updated,
            &other_api,
            &fewer,
        )
        .await;
    assert_eq!(
        replace.replaces,
        vec!["audience"],
        "a new audience replaces the grant"
    );

    // The client can now get a token for the API with exactly the granted scopes.
    let secret = h
        .read(
            CLIENT,
            "service-client",
            &client_id,
            &PropertyMap::new(),
            &PropertyMap::new(),
        )
        .await
        .1["clientSecret"]
        .unwrap_all();
    let token: Json = reqwest::Client::new()
        .post(format!("{}/oauth/token", h.emulator.base_url()))
        .json(&json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret.as_str().unwrap(), "audience": "https://ai.example.com/"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["scope"], "read:data");
}

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
async fn bad_inputs_fail_check_naming_the_property() {
    let mut h = Harness::start().await;
    let metadata: serde_json::Map<String, Json> =
        (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
    let (_, failures) = h
        .check(CLIENT, "bad", &PropertyMap::new(), json!({"name": "x", "appType": "server", "clientMetadata": metadata, "grantTypes": "client_credentials"}))
        .await;
    let named: Vec<&str> = failures.iter().map(|f| f.property.as_str()).collect();
    assert_eq!(
        named,
        vec!["appType", "grantTypes", "clientMetadata"],
        "{failures:?}"
    );
    assert!(
        failures[0].reason.contains("non_interactive"),
        "the fix lists the allowed values: {}",
        failures[0].reason
    );

    let (_, failures) = h
        .check(
            GRANT,
            "g",
            &PropertyMap::new(),
            json!({"audience": "https://a/", "clientId": "x", "defaultFor": "third_party_clients"}),
        )
        .await;
    assert_eq!(
        failures
            .iter()
            .map(|f| f.property.as_str())
            .collect::<Vec<_>>(),
        vec!["defaultFor"]
    );
}

#[tokio::test]
async fn creating_with_the_management_api_identifier_past_check_fails_with_one_clear_sentence() {
    // Check refuses this identifier for a new API; Create still explains Auth0's 409 when Check
    // could not see it (an identifier or a provider configuration unknown at preview).
    let mut h = Harness::start().await;
    let identifier = h.emulator.management_audience();
    let inputs = props(json!({"identifier": identifier, "name": "service-api"}));
    let err = h
        .create(API, "service-api", &inputs, false)
        .await
        .unwrap_err();
    assert!(err.message().contains("409"), "{}", err.message());
    assert!(
        err.message().contains("Auth0 Management API"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("ResourceServer.identifier"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn a_duplicate_grant_names_the_existing_grant_and_how_to_import_it() {
    let mut h = Harness::start().await;
    let api = h
        .checked(
            API,
            "api",
            json!({"identifier": "https://dup.example.com/"}),
        )
        .await;
    h.create(API, "api", &api, false).await.unwrap();
    let client = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "appType": "non_interactive"}),
        )
        .await;
    let (client_id, _) = h.create(CLIENT, "c", &client, false).await.unwrap();
    let grant = h
        .checked(
            GRANT,
            "g",
            json!({"audience": "https://dup.example.com/", "clientId": client_id, "scopes": []}),
        )
        .await;
    let (first, _) = h.create(GRANT, "g", &grant, false).await.unwrap();
    let err = h.create(GRANT, "g2", &grant, false).await.unwrap_err();
    assert!(err.message().contains(&first), "{}", err.message());
    assert!(
        err.message()
            .contains("pulumi import auth0:index/clientGrant:ClientGrant"),
        "{}",
        err.message()
    );
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

#[tokio::test]
async fn an_unconfigured_provider_says_what_to_set() {
    let provider = Auth0Provider::with_env(Box::new(|_| None));
    let response = provider
        .check_config(pulumi_auth0_provider::rpc::CheckRequest {
            news: props(json!({"version": "0.1.0"})),
            ..Default::default()
        })
        .await
        .unwrap();
    let keys: Vec<&str> = response
        .failures
        .iter()
        .map(|f| f.property.as_str())
        .collect();
    assert!(keys.contains(&"domain"), "{:?}", response.failures);
    let err = provider
        .read(pulumi_auth0_provider::rpc::ReadRequest {
            id: "x".into(),
            type_token: CLIENT.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("auth0:domain"), "{err}");
}

#[tokio::test]
async fn a_grant_to_a_missing_api_or_client_says_which_one_is_missing() {
    let mut h = Harness::start().await;
    let client = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "appType": "non_interactive"}),
        )
        .await;
    let (client_id, _) = h.create(CLIENT, "c", &client, false).await.unwrap();
    let no_api = h
        .checked(
            GRANT,
            "g",
            json!({"audience": "https://nowhere.example.com/", "clientId": client_id}),
        )
        .await;
    let err = h.create(GRANT, "g", &no_api, false).await.unwrap_err();
    assert!(
        err.message()
            .starts_with("ClientGrant.audience: Auth0 answered 404"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("https://nowhere.example.com/"),
        "{}",
        err.message()
    );

    let api = h
        .checked(
            API,
            "api",
            json!({"identifier": "https://somewhere.example.com/"}),
        )
        .await;
    h.create(API, "api", &api, false).await.unwrap();
    let no_client = h.checked(GRANT, "g", json!({"audience": "https://somewhere.example.com/", "clientId": "doesnotexist000000000000000000ab"})).await;
    let err = h.create(GRANT, "g", &no_client, false).await.unwrap_err();
    assert!(
        err.message()
            .starts_with("ClientGrant.clientId: Auth0 answered 404"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn a_grant_setting_both_scope_and_scopes_or_allow_all_scopes_on_the_management_api_settles() {
    let mut h = Harness::start().await;
    let client = h
        .checked(
            CLIENT,
            "c",
            json!({"name": "c", "appType": "non_interactive"}),
        )
        .await;
    let (client_id, _) = h.create(CLIENT, "c", &client, false).await.unwrap();
    let audience = h.emulator.management_audience();
    let program = json!({"audience": audience, "clientId": client_id, "scope": ["read:clients"],
                         "scopes": ["read:clients"], "allowAllScopes": true});
    let inputs = h.checked(GRANT, "g", program.clone()).await;
    assert!(
        !inputs.contains_key("scope") && !inputs.contains_key("allowAllScopes"),
        "{inputs:?}"
    );
    let warnings = h.warnings.0.lock().unwrap().clone();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("allowAllScopes is not sent")),
        "{warnings:?}"
    );
    let (id, state) = h
        .create(GRANT, "g", &inputs, false)
        .await
        .expect("no allow_all_scopes reaches the system API");
    let again = h.checked(GRANT, "g", program).await;
    let diff = h.diff(GRANT, "g", &id, &state, &again, &inputs).await;
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
