//! The provider at load, through its gRPC service, against the emulator in-process.
//!
//! Faults at load (issue 14 §1): many Client, ResourceServer and ClientGrant operations, 32 at
//! a time, through the gRPC service, against the emulator answering 20% 503s and 5% dropped
//! connections before processing, 5% answers lost after commit, and bursts of 429s.
//!
//! What must hold, whatever the faults drew: every operation either succeeds, or fails with a
//! retry budget spent on faults before processing, or fails with one OutcomeUnknown error that
//! names what it may have created. The emulator then holds exactly what the provider said
//! exists plus the named possible orphans: no silent duplicate, nothing lost.
//!
//! `RELIABILITY_GROUPS` sets the load (8.5 operations per group on average; default 40, about
//! 340 operations); `make reliability` runs 120 groups (about 1,000) and prints the figures.
//!
//! Rate limits (§2): on the `free` tenant (2 requests a second) every create completes, one
//! token serves all 32 concurrent operations, and with auth0:maxRequestsPerSecond under the
//! tenant's limit Auth0 never answers 429. `RELIABILITY_CREATES` sets how many creates (default
//! 16; `make reliability` runs 100). Times are printed, never asserted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::Code;

use auth0_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimit};
use pulumi_auth0_provider::provider::Auth0Provider;
use pulumi_auth0_provider::value::{PropertyMap, Value};
use pulumi_auth0_provider::wire::proto::pulumirpc as pb;
use pulumi_auth0_provider::wire::values::{decode_struct, encode_struct, Encoding};
use pulumi_auth0_provider::wire::ResourceProviderService;

use pb::resource_provider_client::ResourceProviderClient;

const CLIENT: &str = "auth0:index/client:Client";
const API: &str = "auth0:index/resourceServer:ResourceServer";
const GRANT: &str = "auth0:index/clientGrant:ClientGrant";
const CONCURRENCY: usize = 32;

fn urn(token: &str, name: &str) -> String {
    format!("urn:pulumi:load::faults::{token}::{name}")
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

/// What the operations told us.
#[derive(Default)]
struct Ledger {
    operations: usize,
    /// (type, id) of every object the provider's answers say exists now.
    exists: BTreeSet<(&'static str, String)>,
    /// Failures whose retries were all spent on faults before processing.
    exhausted: Vec<String>,
    /// OutcomeUnknown failures: each names what it may have created.
    outcome_unknown: Vec<String>,
    /// Any other failure: the test fails on these.
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<Ledger>>;

struct Rpc {
    rpc: ResourceProviderClient<Channel>,
    ledger: Shared,
}

impl Rpc {
    fn record(&self, op: &str, result: &Result<(), tonic::Status>) {
        let mut ledger = self.ledger.lock().unwrap();
        ledger.operations += 1;
        let Err(status) = result else { return };
        let text = format!("{op}: {:?}: {}", status.code(), status.message());
        let before_processing = status.message().contains("503 Service Unavailable")
            || status.message().contains("connection to Auth0");
        if status.message().contains("may or may not have applied it") {
            ledger.outcome_unknown.push(text);
        } else if matches!(status.code(), Code::Unknown | Code::Unavailable) && before_processing {
            ledger.exhausted.push(text);
        } else {
            ledger.unexpected.push(text);
        }
    }

    async fn checked(
        &mut self,
        token: &str,
        name: &str,
        olds: &PropertyMap,
        news: Json,
    ) -> PropertyMap {
        let response = self
            .rpc
            .check(pb::CheckRequest {
                urn: urn(token, name),
                olds: st(olds),
                news: st(&props(news)),
                random_seed: vec![1, 2, 3, 4],
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await
            .expect("check")
            .into_inner();
        assert!(
            response.failures.is_empty(),
            "{name}: {:?}",
            response.failures
        );
        de(response.inputs)
    }

    async fn create(
        &mut self,
        token: &'static str,
        name: &str,
        inputs: &PropertyMap,
    ) -> Option<(String, PropertyMap)> {
        let result = self
            .rpc
            .create(pb::CreateRequest {
                urn: urn(token, name),
                properties: st(inputs),
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await;
        let created = result.map(|r| {
            let r = r.into_inner();
            (r.id, de(r.properties))
        });
        self.record(
            &format!("create {name}"),
            &created.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let (id, state) = created.ok()?;
        self.ledger
            .lock()
            .unwrap()
            .exists
            .insert((token, id.clone()));
        Some((id, state))
    }

    async fn read(&mut self, token: &'static str, name: &str, id: &str, state: &PropertyMap) {
        let result = self
            .rpc
            .read(pb::ReadRequest {
                id: id.into(),
                urn: urn(token, name),
                properties: st(state),
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await;
        let result = result.map(|r| {
            assert_eq!(r.into_inner().id, id, "{name} vanished");
        });
        self.record(&format!("read {name}"), &result);
    }

    async fn update(
        &mut self,
        token: &'static str,
        name: &str,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        old_inputs: &PropertyMap,
    ) {
        let result = self
            .rpc
            .update(pb::UpdateRequest {
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
            .map(|_| ());
        self.record(&format!("update {name}"), &result);
    }

    async fn delete(&mut self, token: &'static str, name: &str, id: &str, state: &PropertyMap) {
        let result = self
            .rpc
            .delete(pb::DeleteRequest {
                id: id.into(),
                urn: urn(token, name),
                properties: st(state),
                name: name.into(),
                r#type: token.into(),
                ..Default::default()
            })
            .await
            .map(|_| ());
        self.record(&format!("delete {name}"), &result);
        if result.is_ok() {
            self.ledger
                .lock()
                .unwrap()
                .exists
                .remove(&(token, id.to_string()));
        }
    }
}

/// One API, one client and the grant between them: create, read, update the client, and for
/// every other group delete all three (the grant first), as the engine orders them.
async fn group(mut rpc: Rpc, g: usize) {
    let api_name = format!("api-{g}");
    let api_inputs = rpc
        .checked(
            API,
            &api_name,
            &PropertyMap::new(),
            json!({
                "name": api_name, "identifier": format!("https://load-{g}.example/"),
                "scopes": [{"value": "read:data", "description": "Read"}],
            }),
        )
        .await;
    let client_name = format!("client-{g}");
    let program = json!({"name": format!("load client {g}"), "appType": "non_interactive", "grantTypes": ["client_credentials"]});
    let client_inputs = rpc
        .checked(CLIENT, &client_name, &PropertyMap::new(), program)
        .await;
    let api = rpc.create(API, &api_name, &api_inputs).await;
    let client = rpc.create(CLIENT, &client_name, &client_inputs).await;
    let (Some((api_id, api_state)), Some((client_id, client_state))) = (api, client) else {
        return;
    };
    let grant_name = format!("grant-{g}");
    let grant_inputs = rpc
        .checked(GRANT, &grant_name, &PropertyMap::new(), json!({
            "audience": format!("https://load-{g}.example/"), "clientId": client_id, "scopes": ["read:data"],
        }))
        .await;
    let grant = rpc.create(GRANT, &grant_name, &grant_inputs).await;
    rpc.read(API, &api_name, &api_id, &api_state).await;
    rpc.read(CLIENT, &client_name, &client_id, &client_state)
        .await;
    if let Some((grant_id, grant_state)) = &grant {
        rpc.read(GRANT, &grant_name, grant_id, grant_state).await;
    }
    let described = json!({"name": format!("load client {g}"), "appType": "non_interactive", "grantTypes": ["client_credentials"], "description": "updated under load"});
    let news = rpc
        .checked(CLIENT, &client_name, &client_inputs, described)
        .await;
    rpc.update(
        CLIENT,
        &client_name,
        &client_id,
        &client_state,
        &news,
        &client_inputs,
    )
    .await;
    if g % 2 == 0 {
        if let Some((grant_id, grant_state)) = &grant {
            rpc.delete(GRANT, &grant_name, grant_id, grant_state).await;
        }
        rpc.delete(CLIENT, &client_name, &client_id, &client_state)
            .await;
        rpc.delete(API, &api_name, &api_id, &api_state).await;
    }
}

/// Every object in the emulator a program could have made (not the bootstrap client, its grant
/// or the system API), as (type, id).
fn tenant_objects(emulator: &Emulator) -> BTreeSet<(&'static str, String)> {
    let snapshot = emulator.snapshot();
    let bootstrap = emulator.bootstrap_client_id().to_string();
    let id = |o: &Json, field: &str| o[field].as_str().unwrap_or_default().to_string();
    let list = |key: &str| snapshot[key].as_array().cloned().unwrap_or_default();
    let mut objects = BTreeSet::new();
    for c in list("clients") {
        if id(&c, "client_id") != bootstrap {
            objects.insert((CLIENT, id(&c, "client_id")));
        }
    }
    for a in list("resource_servers") {
        if a["is_system"].as_bool() != Some(true) {
            objects.insert((API, id(&a, "id")));
        }
    }
    for g in list("client_grants") {
        if id(&g, "client_id") != bootstrap {
            objects.insert((GRANT, id(&g, "id")));
        }
    }
    objects
}

/// The emulator and a provider served on loopback, configured for it with `config` added.
async fn start(
    emulator: EmulatorConfig,
    config: Json,
) -> (Arc<Emulator>, ResourceProviderClient<Channel>) {
    let emulator = Arc::new(Emulator::start(emulator).await.unwrap());
    let provider = Auth0Provider::with_env(Box::new(|_| None));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(
        Server::builder()
            .add_service(ResourceProviderService::new(provider).into_server())
            .serve_with_incoming(TcpIncoming::from(listener)),
    );
    let mut rpc = ResourceProviderClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let mut args =
        props(json!({"domain": emulator.base_url(), "clientId": emulator.bootstrap_client_id()}));
    args.extend(props(config));
    args.insert(
        "clientSecret".into(),
        Value::from(emulator.bootstrap_client_secret()).into_secret(),
    );
    rpc.configure(pb::ConfigureRequest {
        args: st(&args),
        accept_secrets: true,
        accept_resources: true,
        ..Default::default()
    })
    .await
    .expect("configure");
    (emulator, rpc)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Creates `n` APIs, 32 at a time; returns the failures and the wall time.
async fn create_apis(rpc: &ResourceProviderClient<Channel>, n: usize) -> (Vec<String>, Duration) {
    let ledger: Shared = Arc::default();
    let started = Instant::now();
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let mut worker = Rpc {
            rpc: rpc.clone(),
            ledger: ledger.clone(),
        };
        tasks.spawn(async move {
            let name = format!("rl-{i}");
            let inputs = worker
                .checked(
                    API,
                    &name,
                    &PropertyMap::new(),
                    json!({"name": name, "identifier": format!("https://rl-{i}.example/")}),
                )
                .await;
            worker.create(API, &name, &inputs).await;
            drop(permit);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a create panicked");
    }
    let ledger = ledger.lock().unwrap();
    let failures = [
        &ledger.exhausted,
        &ledger.outcome_unknown,
        &ledger.unexpected,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    (failures, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_free_tenant_every_create_completes_and_one_token_serves_them_all() {
    let n = env_number("RELIABILITY_CREATES", 16);
    let free = EmulatorConfig {
        rate_limit: RateLimit::FREE,
        ..EmulatorConfig::default()
    };
    let (emulator, rpc) = start(free, json!({})).await;
    let (failures, wall) = create_apis(&rpc, n).await;
    let stats = emulator.stats();
    eprintln!(
        "free tenant (2/s), no client-side limit: {n} creates, 32 at a time, in {:.1}s (requests/rate = {:.1}s); {} Management API requests ({} answered 429), {} token request(s)",
        wall.as_secs_f64(),
        n as f64 / 2.0,
        stats.management_total,
        stats.rate_limited,
        stats.token
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // The first requests all leave before any 429 is seen; after that the tenant's pace, learned
    // from the first 429's headers, spaces them out. Requests that each waited for the reset
    // on their own met 13 refusals per create.
    let first_round = n.min(32) as u64;
    assert!(
        stats.rate_limited <= first_round + n as u64 / 2,
        "{} 429s for {n} creates: the pace was not learned",
        stats.rate_limited
    );
    assert_eq!(
        stats.token, 1,
        "32 concurrent operations must share one token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_max_requests_per_second_under_the_tenant_limit_auth0_never_answers_429() {
    let n = env_number("RELIABILITY_CREATES", 16);
    let free = EmulatorConfig {
        rate_limit: RateLimit::FREE,
        ..EmulatorConfig::default()
    };
    let (emulator, rpc) = start(free, json!({"maxRequestsPerSecond": "1.8"})).await;
    let (failures, wall) = create_apis(&rpc, n).await;
    let stats = emulator.stats();
    eprintln!(
        "free tenant (2/s), auth0:maxRequestsPerSecond 1.8: {n} creates in {:.1}s (requests/rate = {:.1}s); {} Management API requests, {} token request(s)",
        wall.as_secs_f64(),
        n as f64 / 1.8,
        stats.management_total,
        stats.token
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // Each create is one request: a 429 would have made a second request for the same create.
    assert_eq!(stats.management_total, n as u64, "{:?}", stats.routes);
    assert_eq!(stats.token, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_faults_and_429_bursts_nothing_is_duplicated_or_lost_and_every_failure_is_explained()
{
    let groups = env_number("RELIABILITY_GROUPS", 40);
    let seed = env_number("RELIABILITY_SEED", 14) as u64;
    let (emulator, rpc) = start(EmulatorConfig::default(), json!({})).await;

    emulator.set_faults(FaultConfig {
        seed,
        error_before: 0.20,
        drop_before: 0.05,
        drop_after: 0.05,
        ..FaultConfig::default()
    });
    // 429 bursts: every 2 s, a second in which the tenant allows 5 requests a second.
    let bursts = tokio::spawn({
        let emulator = emulator.clone();
        async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                emulator.set_rate_limit(RateLimit::Bucket {
                    burst: 5,
                    per_second: 5.0,
                });
                tokio::time::sleep(Duration::from_secs(1)).await;
                emulator.set_rate_limit(RateLimit::Off);
            }
        }
    });

    let ledger: Shared = Arc::default();
    let started = Instant::now();
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for g in 0..groups {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let worker = Rpc {
            rpc: rpc.clone(),
            ledger: ledger.clone(),
        };
        tasks.spawn(async move {
            group(worker, g).await;
            drop(permit);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a group panicked");
    }
    let wall = started.elapsed();
    bursts.abort();
    emulator.set_faults(FaultConfig::default());
    emulator.set_rate_limit(RateLimit::Off);

    let ledger = ledger.lock().unwrap();
    let stats = emulator.stats();
    let in_tenant = tenant_objects(&emulator);
    let named = |id: &str| ledger.outcome_unknown.iter().any(|m| m.contains(id));
    let unexplained: Vec<_> = in_tenant
        .iter()
        .filter(|o| !ledger.exists.contains(*o) && !named(&o.1))
        .collect();
    let lost: Vec<_> = ledger.exists.difference(&in_tenant).collect();
    let orphans = in_tenant
        .iter()
        .filter(|o| !ledger.exists.contains(*o) && named(&o.1))
        .count();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for c in emulator.snapshot()["clients"].as_array().unwrap() {
        *names
            .entry(c["name"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
    }
    let duplicate_names: Vec<_> = names.iter().filter(|(_, n)| **n > 1).collect();
    let recovered = stats.count("POST /api/v2/client-grants")
        + stats.count("POST /api/v2/resource-servers")
        + stats.count("POST /api/v2/clients");
    eprintln!(
        "faults at load: {} operations ({groups} groups, {CONCURRENCY} at a time) in {:.1}s; {} Management API requests ({} POSTs), {} token requests; \
         {} failed after spending their retries on faults before processing, {} failed with an unknown outcome naming {orphans} possible orphan(s); \
         {} objects left in the tenant; {} unexplained, {} lost, {} duplicate names",
        ledger.operations,
        wall.as_secs_f64(),
        stats.management_total,
        recovered,
        stats.token,
        ledger.exhausted.len(),
        ledger.outcome_unknown.len(),
        in_tenant.len(),
        unexplained.len(),
        lost.len(),
        duplicate_names.len(),
    );
    for m in ledger.outcome_unknown.iter().take(3) {
        eprintln!("  e.g. {m}");
    }
    assert!(
        ledger.unexpected.is_empty(),
        "failures no fault explains: {:#?}",
        ledger.unexpected
    );
    assert!(
        unexplained.is_empty(),
        "objects in Auth0 that no answer or error names: {unexplained:?}"
    );
    assert!(
        lost.is_empty(),
        "objects the provider reported that Auth0 does not hold: {lost:?}"
    );
    assert!(
        duplicate_names.is_empty(),
        "clients created twice: {duplicate_names:?}"
    );
    for m in &ledger.outcome_unknown {
        assert!(
            m.contains("pulumi import auth0:index/")
                || m.contains("so it was not created")
                || m.contains("run pulumi up again"),
            "an unknown outcome that says neither what to import nor that nothing was made: {m}"
        );
    }
}
