//! Fidelity suite: replay every recorded Auth0 cassette against the emulator and compare status
//! codes and response bodies, apart from generated values (ids, secrets, signing keys).
//!
//! - The emulator runs with the recorded tenant's domain, so identifiers match.
//! - Objects the recorded tenant already held (seen in a response before, or without, their
//!   creation in the cassette) are seeded first, with their recorded ids.
//! - Ids the emulator generates are mapped from the recorded ones as they appear in responses.
//! - Credentials are seeded under the client their URL names; their timestamps, like secrets, are
//!   compared by presence only.
//! - The emulator's own bootstrap client and system API are left out of list comparisons.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use auth0_emulator::{Emulator, EmulatorConfig};
use common::{http, management_token};
use serde_json::{json, Map, Value};

const RECORDED_DOMAIN: &str = "terraform-provider-auth0-dev.eu.auth0.com";

/// Differences the emulator keeps on purpose: (cassette, body path, why).
/// Any other difference in these cassettes still fails.
const KNOWN_DIVERGENCES: &[(&str, &str, &str)] = &[
    // These two cassettes were recorded before Auth0 began answering a create with
    // cross_origin_authentication; every newer recording has it (false), which we follow. Their
    // refresh_token lifetimes are no exception: they follow token_endpoint_auth_method, which
    // these creates do not send.
    (
        "TestAccDataClientById.yaml",
        ".cross_origin_authentication",
        "older Auth0 default",
    ),
    (
        "TestAccDataClientHideClientSecret.yaml",
        ".cross_origin_authentication",
        "older Auth0 default",
    ),
    // A jwt_configuration given on create keeps secret_encoded: false beside it (#0); the other
    // recordings' creates neither show nor contradict it, so the emulator does not guess.
    (
        "TestAccClientCredentialsPrivateKeyJWTFullRotation.yaml",
        ".jwt_configuration.secret_encoded",
        "jwt_configuration given on create gains secret_encoded: false",
    ),
];

fn cassettes() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recordings");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

struct Interaction {
    id: u64,
    method: String,
    path: String,
    body: String,
    code: u16,
    response: String,
}

fn load(path: &Path) -> Vec<Interaction> {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        doc["version"].as_u64(),
        Some(2),
        "{} is a go-vcr v2 cassette",
        path.display()
    );
    doc["interactions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|i| {
            let url = i["request"]["url"].as_str().unwrap();
            let prefix = format!("https://{RECORDED_DOMAIN}");
            Interaction {
                id: i["id"].as_u64().unwrap(),
                method: i["request"]["method"].as_str().unwrap().to_string(),
                path: url.strip_prefix(&prefix).unwrap_or(url).to_string(),
                body: i["request"]["body"]
                    .as_str()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                code: i["response"]["code"].as_u64().unwrap() as u16,
                response: i["response"]["body"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
enum Kind {
    ResourceServer,
    Client,
    Grant,
    Credential,
}

/// Classify an Auth0 object and give its id.
fn identify(o: &Map<String, Value>) -> Option<(Kind, String)> {
    if let Some(id) = o.get("client_id").and_then(Value::as_str) {
        if o.contains_key("name") && !o.contains_key("audience") {
            return Some((Kind::Client, id.to_string()));
        }
    }
    let id = o.get("id").and_then(Value::as_str)?;
    if id.starts_with("cgr_") {
        return Some((Kind::Grant, id.to_string()));
    }
    if id.starts_with("cred_") && o.contains_key("credential_type") {
        return Some((Kind::Credential, id.to_string()));
    }
    if o.contains_key("identifier") {
        return Some((Kind::ResourceServer, id.to_string()));
    }
    None
}

fn collect_objects(v: &Value, out: &mut Vec<(Kind, String, Map<String, Value>)>) {
    match v {
        Value::Object(o) => {
            if let Some((kind, id)) = identify(o) {
                out.push((kind, id, o.clone()));
            } else {
                for child in o.values() {
                    collect_objects(child, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_objects(x, out)),
        _ => {}
    }
}

/// The objects the recorded tenant held before the cassette: seen in responses but never created
/// by one of the cassette's own POSTs.
fn pre_existing(interactions: &[Interaction]) -> Value {
    let mut created = HashSet::new();
    for i in interactions
        .iter()
        .filter(|i| i.method == "POST" && i.code == 201)
    {
        if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(&i.response) {
            if let Some((_, id)) = identify(&o) {
                created.insert(id);
            }
        }
    }
    let mut seen: indexmap::IndexMap<(Kind, String), Map<String, Value>> =
        indexmap::IndexMap::new();
    for i in interactions {
        let Ok(v) = serde_json::from_str::<Value>(&i.response) else {
            continue;
        };
        let mut found = Vec::new();
        collect_objects(&v, &mut found);
        for (kind, id, mut o) in found {
            if kind == Kind::Credential {
                // A credential's client is in the URL, never in its body.
                let Some(client_id) = credentials_client(&i.path) else {
                    continue;
                };
                o.insert("client_id".into(), json!(client_id));
            }
            if !created.contains(&id) && o.get("is_system") != Some(&Value::Bool(true)) {
                seen.entry((kind, id)).or_insert(o);
            }
        }
    }
    let pick = |k: Kind| -> Vec<Value> {
        seen.iter()
            .filter(|((kind, _), _)| *kind == k)
            .map(|(_, o)| Value::Object(o.clone()))
            .collect()
    };
    json!({
        "resource_servers": pick(Kind::ResourceServer),
        "clients": pick(Kind::Client),
        "client_grants": pick(Kind::Grant),
        "credentials": pick(Kind::Credential),
    })
}

/// The client of a `/api/v2/clients/{id}/credentials[/…]` path.
fn credentials_client(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api/v2/clients/")?;
    let (client_id, tail) = rest.split_once('/')?;
    tail.starts_with("credentials").then_some(client_id)
}

/// Replace every recorded id with the emulator's.
fn map_ids(text: &str, ids: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (recorded, ours) in ids {
        out = out.replace(recorded, ours);
    }
    out
}

/// Generated values are compared by presence only.
fn normalise(v: &mut Value, hidden_clients: &[String]) {
    match v {
        Value::Object(o) => {
            let credential = o
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.starts_with("cred_"));
            let generated: &[&str] = if credential {
                &["created_at", "updated_at"]
            } else {
                &["client_secret", "signing_keys"]
            };
            for key in generated {
                if let Some(x) = o.get_mut(*key) {
                    *x = json!("<generated>");
                }
            }
            for (key, items) in o.iter_mut() {
                if ["clients", "resource_servers", "client_grants"].contains(&key.as_str()) {
                    if let Value::Array(a) = items {
                        a.retain(|x| !hidden(x, hidden_clients));
                        // Seeded objects necessarily precede the replay's own creations, so
                        // list order is compared by id, not position.
                        a.sort_by_key(sort_key);
                    }
                }
            }
            for child in o.values_mut() {
                normalise(child, hidden_clients);
            }
        }
        Value::Array(a) => {
            a.retain(|x| !hidden(x, hidden_clients));
            if a.iter()
                .all(|x| x.get("client_id").is_some() || x.get("id").is_some())
            {
                a.sort_by_key(sort_key);
            }
            a.iter_mut().for_each(|x| normalise(x, hidden_clients));
        }
        _ => {}
    }
}

fn sort_key(x: &Value) -> String {
    x.get("id")
        .or_else(|| x.get("client_id"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The emulator's own bootstrap client, its grant and the system API.
fn hidden(x: &Value, hidden_clients: &[String]) -> bool {
    x.get("is_system") == Some(&Value::Bool(true))
        || x.get("client_id")
            .and_then(Value::as_str)
            .is_some_and(|c| hidden_clients.iter().any(|h| h == c))
}

/// Lists count the emulator's bootstrap client, which the recorded tenant did not have.
fn adjust_totals(v: &mut Value, removed: usize) {
    if let Some(t) = v.get_mut("total").and_then(|t| t.as_u64().map(|n| (t, n))) {
        let (slot, n) = t;
        *slot = json!(n.saturating_sub(removed as u64));
    }
}

fn count_hidden(v: &Value, hidden_clients: &[String]) -> usize {
    ["clients", "resource_servers", "client_grants"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_array))
        .map(|a| a.iter().filter(|x| hidden(x, hidden_clients)).count())
        .sum()
}

/// Paths where two bodies differ, with both values.
fn diff(path: &str, ours: &Value, recorded: &Value, out: &mut Vec<String>) {
    match (ours, recorded) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => diff(&p, x, y, out),
                    (Some(x), None) => out.push(format!("{p}: ours {x}, not recorded")),
                    (None, Some(y)) => out.push(format!("{p}: missing, recorded {y}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (a, b) if a != b => out.push(format!("{path}: ours {a}, recorded {b}")),
        _ => {}
    }
}

async fn replay(path: &Path) -> (usize, usize, Vec<String>) {
    let interactions = load(path);
    let emu = Emulator::start(EmulatorConfig {
        domain: Some(RECORDED_DOMAIN.to_string()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    emu.seed(pre_existing(&interactions)).unwrap();
    let token = management_token(&emu).await;
    let hidden_clients = vec![emu.bootstrap_client_id().to_string()];
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut tolerated = 0;
    let name = path.file_name().unwrap().to_string_lossy().to_string();

    for i in &interactions {
        let url = format!("{}{}", emu.base_url(), map_ids(&i.path, &ids));
        let method = reqwest::Method::from_bytes(i.method.as_bytes()).unwrap();
        let mut req = http().request(method, url).bearer_auth(&token);
        if !i.body.is_empty() {
            req = req
                .header("content-type", "application/json")
                .body(map_ids(&i.body, &ids));
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let what = format!("{name} #{} {} {}", i.id, i.method, i.path);
        if status != i.code {
            failures.push(format!(
                "{what}: status {status}, recorded {}; body {text}",
                i.code
            ));
            continue;
        }
        if i.response.is_empty() {
            continue;
        }
        let mut ours: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(_) => {
                failures.push(format!("{what}: body is not JSON: {text}"));
                continue;
            }
        };
        let recorded_raw: Value = serde_json::from_str(&i.response).unwrap();
        // Learn the ids the emulator generated for objects this request created.
        if i.method == "POST" {
            if let (Value::Object(r), Value::Object(o)) = (&recorded_raw, &ours) {
                if let (Some((_, rid)), Some((_, oid))) = (identify(r), identify(o)) {
                    if rid != oid {
                        ids.insert(rid, oid);
                    }
                }
            }
        }
        let mut recorded: Value = serde_json::from_str(&map_ids(&i.response, &ids)).unwrap();
        let removed = count_hidden(&ours, &hidden_clients);
        normalise(&mut ours, &hidden_clients);
        adjust_totals(&mut ours, removed);
        normalise(&mut recorded, &hidden_clients);
        if ours != recorded {
            let mut diffs = Vec::new();
            diff("", &ours, &recorded, &mut diffs);
            diffs.retain(|d| {
                !KNOWN_DIVERGENCES
                    .iter()
                    .any(|(c, p, _)| *c == name && d.starts_with(&format!("{p}:")))
            });
            if diffs.is_empty() {
                tolerated += 1;
                continue;
            }
            failures.push(format!("{what}:\n    {}", diffs.join("\n    ")));
        }
    }
    emu.shutdown().await;
    (interactions.len(), tolerated, failures)
}

#[tokio::test]
async fn every_recorded_interaction_replays_with_the_same_status_and_body() {
    let files = cassettes();
    assert_eq!(files.len(), 21, "all 21 cassettes are fixtures");
    let mut total = 0;
    let mut tolerated = 0;
    let mut failures = Vec::new();
    for f in &files {
        let (n, t, mut fails) = replay(f).await;
        total += n;
        tolerated += t;
        failures.append(&mut fails);
    }
    println!("replayed {total} interactions; {tolerated} differ only by a known divergence");
    // The known divergences must stay few: 14 interactions for the older defaults and 16 for
    // jwt_configuration on create in TestAccClientCredentialsPrivateKeyJWTFullRotation.
    assert!(
        tolerated <= 30,
        "{tolerated} interactions rely on known divergences"
    );
    assert!(total > 850, "replayed {total} interactions");
    if let Ok(path) = std::env::var("FIDELITY_REPORT") {
        std::fs::write(path, failures.join("\n")).unwrap();
    }
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(25).collect();
        panic!(
            "{} of {total} interactions differ from the recordings; first ones:\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
