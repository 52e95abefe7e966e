//! State written by the official bridged provider (pulumi-auth0 v3.49.0), as our provider gets it
//! after a user swaps SDKs: Check, Diff, Read and Update must take it as it is. The fixture is a
//! real `pulumi stack export` from tests/e2e/test_migration.py (see fixtures/bridged-state/README.md):
//! bridge bookkeeping (`__defaults` in inputs, `__pulumi_raw_state_delta` in outputs), outputs our
//! schema lacks, and Terraform's empty values ("" and [] where Auth0 holds nothing).

use std::sync::Arc;

use serde_json::{json, Value as Json};

use auth0_emulator::{Emulator, EmulatorConfig};
use pulumi_auth0_provider::provider::Auth0Provider;
use pulumi_auth0_provider::rpc::{
    Changes, CheckRequest, ConfigureRequest, DiffRequest, Provider, ReadRequest, UpdateRequest,
};
use pulumi_auth0_provider::value::{PropertyMap, Value};

const FIXTURE: &str = include_str!("fixtures/bridged-state/orders-platform.json");
const SECRET_SIG: &str = "4dabf18193072939515e22adb298388d";

/// One resource of the exported state.
struct Recorded {
    token: String,
    urn: String,
    id: String,
    inputs: PropertyMap,
    outputs: PropertyMap,
}

/// A state file's value as the engine hands it to a provider: a secret's plaintext becomes a secret.
fn from_state(json: &Json) -> Value {
    match json {
        Json::Object(map) if map.get(SECRET_SIG).is_some() => {
            let plain = map["plaintext"]
                .as_str()
                .expect("a secret has its plaintext");
            from_state(&serde_json::from_str(plain).expect("plaintext is JSON")).into_secret()
        }
        Json::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), from_state(v)))
                .collect(),
        ),
        Json::Array(items) => Value::Array(items.iter().map(from_state).collect()),
        other => Value::from_json(other),
    }
}

fn object(value: Value) -> PropertyMap {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other:?}"),
    }
}

fn recorded() -> Vec<Recorded> {
    let state: Json = serde_json::from_str(FIXTURE).unwrap();
    state["deployment"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str().unwrap().starts_with("auth0:index/"))
        .map(|r| Recorded {
            token: r["type"].as_str().unwrap().to_string(),
            urn: r["urn"].as_str().unwrap().to_string(),
            id: r["id"].as_str().unwrap().to_string(),
            inputs: object(from_state(&r["inputs"])),
            outputs: object(from_state(&r["outputs"])),
        })
        .collect()
}

fn named<'a>(all: &'a [Recorded], name: &str) -> &'a Recorded {
    all.iter()
        .find(|r| r.urn.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("{name} is in the fixture"))
}

/// The program's inputs as our SDK sends them: the same values, without the bridge's `__defaults`.
fn program_inputs(bridged: &PropertyMap) -> PropertyMap {
    fn strip(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| k.as_str() != "__defaults")
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            Value::Secret(inner) => strip(inner).into_secret(),
            other => other.clone(),
        }
    }
    object(strip(&Value::Object(bridged.clone())))
}

/// The tenant the fixture was recorded against, rebuilt with the recorded ids.
fn seed(all: &[Recorded]) -> Json {
    let web = named(all, "orders-web");
    let worker = named(all, "orders-worker");
    let api = named(all, "orders-api");
    let worker_grant = named(all, "orders-worker-grant");
    let web_grant = named(all, "orders-web-user-grant");
    json!({
        "resource_servers": [{
            "id": api.id, "name": "Orders API", "identifier": "https://orders.example.com/",
            "signing_alg": "HS256", "signing_secret": "[REDACTED-signing-secret-0123456789]",
            "token_lifetime": 7200, "token_lifetime_for_web": 3600, "allow_offline_access": true,
            "skip_consent_for_verifiable_first_party_clients": true,
            "subject_type_authorization": {
                "user": {"policy": "require_client_grant"}, "client": {"policy": "require_client_grant"}
            }
        }],
        "clients": [
            {
                "client_id": web.id, "name": "Orders Web", "description": "The orders dashboard",
                "app_type": "regular_web", "callbacks": ["https://orders.example.com/callback"],
                "allowed_logout_urls": ["https://orders.example.com/"],
                "web_origins": ["https://orders.example.com"],
                "grant_types": ["authorization_code", "refresh_token"], "oidc_conformant": true,
                "client_metadata": {"team": "orders", "tier": "gold"},
                "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 3600, "secret_encoded": false},
                "refresh_token": {
                    "rotation_type": "rotating", "expiration_type": "expiring", "leeway": 15,
                    "token_lifetime": 86400, "idle_token_lifetime": 43200,
                    "infinite_token_lifetime": false, "infinite_idle_token_lifetime": false
                },
                "mobile": {
                    "android": {"app_package_name": "com.example.orders", "sha256_cert_fingerprints": ["DE:AD:BE:EF"]},
                    "ios": {"team_id": "ABCDE12345", "app_bundle_identifier": "com.example.orders"}
                },
                "native_social_login": {"apple": {"enabled": true}, "facebook": {"enabled": false}},
                "oidc_logout": {"backchannel_logout_urls": ["https://orders.example.com/logout/backchannel"]}
            },
            {
                "client_id": worker.id, "name": "Orders Worker", "description": "Managed by Pulumi",
                "app_type": "non_interactive",
                "grant_types": ["client_credentials"], "client_metadata": {"team": "orders"}
            }
        ],
        "client_grants": [
            {"id": worker_grant.id, "client_id": worker.id, "audience": "https://orders.example.com/",
             "scope": ["read:orders", "write:orders"], "subject_type": "client"},
            {"id": web_grant.id, "client_id": web.id, "audience": "https://orders.example.com/",
             "scope": ["read:orders"], "subject_type": "user"}
        ]
    })
}

/// The client as the emulator holds it (secret included).
fn stored_client(emulator: &Emulator, id: &str) -> Json {
    emulator.snapshot()["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("client {id} exists"))
}

async fn provider_for(emulator: &Emulator) -> Arc<Auth0Provider> {
    let provider = Auth0Provider::with_env(Box::new(|_| None));
    let mut args = PropertyMap::new();
    args.insert("domain".into(), Value::from(emulator.base_url()));
    args.insert(
        "clientId".into(),
        Value::from(emulator.bootstrap_client_id()),
    );
    args.insert(
        "clientSecret".into(),
        Value::from(emulator.bootstrap_client_secret()).into_secret(),
    );
    provider
        .configure(ConfigureRequest { args })
        .await
        .expect("configure");
    provider
}

async fn start(all: &[Recorded]) -> (Emulator, Arc<Auth0Provider>) {
    let emulator = Emulator::start(EmulatorConfig {
        seed: Some(seed(all)),
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts");
    let provider = provider_for(&emulator).await;
    (emulator, provider)
}

async fn checked(provider: &Auth0Provider, r: &Recorded, news: PropertyMap) -> PropertyMap {
    let response = provider
        .check(CheckRequest {
            urn: r.urn.clone(),
            name: r.urn.rsplit("::").next().unwrap().to_string(),
            type_token: r.token.clone(),
            olds: r.inputs.clone(),
            news,
            random_seed: vec![1, 2, 3, 4],
            autonaming: None,
        })
        .await
        .expect("check");
    assert!(
        response.failures.is_empty(),
        "{}: {:?}",
        r.urn,
        response.failures
    );
    response.inputs
}

async fn diff(
    provider: &Auth0Provider,
    r: &Recorded,
    olds: &PropertyMap,
    news: &PropertyMap,
    old_inputs: &PropertyMap,
) -> pulumi_auth0_provider::rpc::DiffResponse {
    provider
        .diff(DiffRequest {
            id: r.id.clone(),
            urn: r.urn.clone(),
            name: String::new(),
            type_token: r.token.clone(),
            olds: olds.clone(),
            news: news.clone(),
            old_inputs: old_inputs.clone(),
            ignore_changes: vec![],
        })
        .await
        .expect("diff")
}

#[test]
fn the_fixture_holds_the_bridges_bookkeeping_and_no_real_secret() {
    let all = recorded();
    assert_eq!(all.len(), 5);
    for r in &all {
        assert!(r.inputs.contains_key("__defaults"), "{}", r.urn);
        assert!(
            r.outputs.contains_key("__pulumi_raw_state_delta"),
            "{}",
            r.urn
        );
    }
    let api = named(&all, "orders-api");
    assert!(api.outputs["signingSecret"].is_secret());
    assert!(!FIXTURE.contains("orders-signing-secret-0123456789abcdef"));
}

#[tokio::test]
async fn the_program_unchanged_shows_no_diff_against_bridged_state() {
    let all = recorded();
    let (_emulator, provider) = start(&all).await;
    for r in &all {
        let news = checked(&provider, r, program_inputs(&r.inputs)).await;
        let response = diff(&provider, r, &r.outputs, &news, &r.inputs).await;
        assert_eq!(
            response.changes,
            Changes::None,
            "{}: {:?} {:?}",
            r.urn,
            response.diffs,
            response.detailed_diff
        );
        assert!(
            response.replaces.is_empty(),
            "{}: {:?}",
            r.urn,
            response.replaces
        );
    }
}

#[tokio::test]
async fn reading_bridged_state_drops_the_bridges_bookkeeping_and_adds_the_client_secret() {
    let all = recorded();
    let (emulator, provider) = start(&all).await;
    for r in &all {
        let read = provider
            .read(ReadRequest {
                id: r.id.clone(),
                urn: r.urn.clone(),
                name: String::new(),
                type_token: r.token.clone(),
                properties: r.outputs.clone(),
                inputs: r.inputs.clone(),
                timeout: None,
            })
            .await
            .expect("read");
        assert_eq!(read.id, r.id);
        for key in read.properties.keys().chain(read.inputs.keys()) {
            assert!(!key.starts_with("__"), "{}: {key} kept", r.urn);
        }
        // The refreshed inputs diff clean against the same program.
        let news = checked(&provider, r, program_inputs(&r.inputs)).await;
        let response = diff(&provider, r, &read.properties, &news, &read.inputs).await;
        assert_eq!(
            response.changes,
            Changes::None,
            "{}: {:?}",
            r.urn,
            response.detailed_diff
        );
        if r.token == "auth0:index/client:Client" {
            let secret = &read.properties["clientSecret"];
            assert!(secret.is_secret(), "{}", r.urn);
            let stored = stored_client(&emulator, &r.id);
            assert_eq!(
                secret.unwrap_all().as_str(),
                stored["client_secret"].as_str()
            );
        }
    }
}

#[tokio::test]
async fn an_update_from_bridged_state_changes_only_what_the_program_changed() {
    let all = recorded();
    let (emulator, provider) = start(&all).await;
    let web = named(&all, "orders-web");
    // The bridge of older versions kept Terraform's timeouts in `__meta`; that must not matter either.
    let mut olds = web.outputs.clone();
    olds.insert(
        "__meta".into(),
        Value::from(r#"{"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0":{"create":600000000000}}"#),
    );
    let mut news = program_inputs(&web.inputs);
    news.insert(
        "description".into(),
        Value::from("The orders dashboard, v2"),
    );
    let news = checked(&provider, web, news).await;
    let response = diff(&provider, web, &olds, &news, &web.inputs).await;
    assert_eq!(response.diffs, vec!["description".to_string()]);
    assert!(response.replaces.is_empty());

    emulator.reset_stats();
    let updated = provider
        .update(UpdateRequest {
            id: web.id.clone(),
            urn: web.urn.clone(),
            name: String::new(),
            type_token: web.token.clone(),
            olds,
            news: news.clone(),
            old_inputs: web.inputs.clone(),
            timeout: None,
            ignore_changes: vec![],
            preview: false,
        })
        .await
        .expect("update");
    assert_eq!(
        updated.properties["description"].as_str(),
        Some("The orders dashboard, v2")
    );
    assert!(!updated.properties.keys().any(|k| k.starts_with("__")));
    assert_eq!(emulator.stats().management_total, 1, "one PATCH");
    let client = stored_client(&emulator, &web.id);
    assert_eq!(client["mobile"]["ios"]["team_id"], "ABCDE12345");
    assert_eq!(client["refresh_token"]["leeway"], 15);
}
