//! `schema.json` held to its contract: it validates against the Pulumi metaschema, it is a
//! drop-in for the official pulumi-auth0 v3.49.0 schema of the machine-to-machine toolkit
//! (every resource and function token in the parity fixture, with the same names, type
//! shapes, secrets, required lists and nested types), and it
//! carries our extensions, descriptions and replacement rules exactly as promised.
//!
//! Every check collects all differences and fails once, naming each of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

mod config;
mod conventions;
mod parity;
mod properties;

const CLIENT: &str = "auth0:index/client:Client";
const RESOURCE_SERVER: &str = "auth0:index/resourceServer:ResourceServer";
const CLIENT_GRANT: &str = "auth0:index/clientGrant:ClientGrant";
const RESOURCES: [&str; 6] = [
    CLIENT,
    RESOURCE_SERVER,
    CLIENT_GRANT,
    "auth0:index/clientCredentials:ClientCredentials",
    "auth0:index/resourceServerScopes:ResourceServerScopes",
    "auth0:index/resourceServerScope:ResourceServerScope",
];
const FUNCTIONS: [&str; 4] = [
    "auth0:index/getClient:getClient",
    "auth0:index/getClients:getClients",
    "auth0:index/getResourceServer:getResourceServer",
    "auth0:index/getClientGrants:getClientGrants",
];
const SCOPE_TYPE: &str = "auth0:index/ResourceServerScope:ResourceServerScope";

/// Config keys of the official provider and the environment variable each one reads.
const OFFICIAL_CONFIG_ENV: [(&str, &str); 11] = [
    ("domain", "AUTH0_DOMAIN"),
    ("clientId", "AUTH0_CLIENT_ID"),
    ("clientSecret", "AUTH0_CLIENT_SECRET"),
    ("apiToken", "AUTH0_API_TOKEN"),
    ("audience", "AUTH0_AUDIENCE"),
    ("debug", "AUTH0_DEBUG"),
    (
        "clientAssertionPrivateKey",
        "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
    ),
    (
        "clientAssertionSigningAlg",
        "AUTH0_CLIENT_ASSERTION_SIGNING_ALG",
    ),
    ("customDomainHeader", "AUTH0_CUSTOM_DOMAIN_HEADER"),
    ("cliLogin", "AUTH0_CLI_LOGIN"),
    ("dynamicCredentials", "AUTH0_DYNAMIC_CREDENTIALS"),
];
const SECRET_CONFIG: [&str; 3] = ["clientSecret", "apiToken", "clientAssertionPrivateKey"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the provider crate sits inside the workspace")
        .to_path_buf()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

fn ours() -> Value {
    read_json(&repo_root().join("schema.json"))
}

fn fixture(name: &str) -> Value {
    read_json(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

fn official() -> Value {
    fixture("pulumi-auth0-v3.49.0-m2m.schema.json")
}

/// Fails with every collected difference, one per line.
fn assert_no_differences(what: &str, differences: Vec<String>) {
    assert!(
        differences.is_empty(),
        "{what}: {} difference(s):\n  {}",
        differences.len(),
        differences.join("\n  ")
    );
}

fn object<'a>(value: &'a Value, pointer: &str) -> &'a Map<String, Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("schema has no object at {pointer}"))
}

/// JSON pointer segment for a key (type tokens contain `/`).
fn seg(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn resource<'a>(schema: &'a Value, token: &str) -> &'a Map<String, Value> {
    object(schema, &format!("/resources/{}", seg(token)))
}

fn names(map: &Map<String, Value>) -> BTreeSet<String> {
    map.keys().cloned().collect()
}

fn string_list(value: Option<&Value>) -> BTreeSet<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// What makes two property specs the same to an SDK: type, $ref, items, additionalProperties,
/// secret and default. Descriptions, deprecation and replacement hints are not part of it.
fn shape(spec: &Value) -> Value {
    let mut out = Map::new();
    for key in ["type", "$ref", "default"] {
        if let Some(v) = spec.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(v) = spec.get(key) {
            out.insert(key.to_string(), shape(v));
        }
    }
    let secret = spec.get("secret").and_then(Value::as_bool).unwrap_or(false);
    out.insert("secret".to_string(), Value::Bool(secret));
    Value::Object(out)
}

/// Compares every property of `theirs` with the same-named one of `mine`.
fn compare_properties(
    label: &str,
    theirs: &Map<String, Value>,
    mine: &Map<String, Value>,
    differences: &mut Vec<String>,
) {
    for (name, spec) in theirs {
        match mine.get(name) {
            None => differences.push(format!("{label} `{name}` is missing")),
            Some(ours) if shape(ours) != shape(spec) => differences.push(format!(
                "{label} `{name}`: official {} but schema.json has {}",
                shape(spec),
                shape(ours)
            )),
            Some(_) => {}
        }
    }
}

fn collect_type_refs(value: &Value, refs: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(token) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/types/"))
            {
                refs.insert(token.to_string());
            }
            map.values().for_each(|v| collect_type_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_type_refs(v, refs)),
        _ => {}
    }
}

fn function<'a>(schema: &'a Value, token: &str) -> &'a Map<String, Value> {
    object(schema, &format!("/functions/{}", seg(token)))
}

/// Type tokens reachable from the resources and functions of `schema`, following nested types.
fn referenced_types(schema: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for token in RESOURCES {
        collect_type_refs(&Value::Object(resource(schema, token).clone()), &mut found);
    }
    for token in FUNCTIONS {
        if schema
            .pointer(&format!("/functions/{}", seg(token)))
            .is_some()
        {
            collect_type_refs(&Value::Object(function(schema, token).clone()), &mut found);
        }
    }
    loop {
        let mut next = found.clone();
        for token in &found {
            if let Some(spec) = schema.pointer(&format!("/types/{}", seg(token))) {
                collect_type_refs(spec, &mut next);
            }
        }
        if next == found {
            return found;
        }
        found = next;
    }
}

fn short(token: &str) -> &str {
    token.rsplit(':').next().unwrap_or(token)
}

/// Every (label, property spec) pair of the schema: resource inputs, outputs and state
/// inputs, object type properties, config variables, provider inputs and outputs.
fn every_property(schema: &Value) -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for (token, spec) in object(schema, "/resources") {
        for (part, pointer) in [
            ("input", "/inputProperties"),
            ("output", "/properties"),
            ("state input", "/stateInputs/properties"),
        ] {
            if let Some(props) = spec.pointer(pointer).and_then(Value::as_object) {
                for (name, p) in props {
                    all.push((format!("{} {part} `{name}`", short(token)), p.clone()));
                }
            }
        }
    }
    for (token, spec) in object(schema, "/types") {
        if let Some(props) = spec.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                all.push((
                    format!("type {} property `{name}`", short(token)),
                    p.clone(),
                ));
            }
        }
    }
    for (part, pointer) in [
        ("config variable", "/config/variables"),
        ("provider input", "/provider/inputProperties"),
        ("provider output", "/provider/properties"),
    ] {
        for (name, p) in object(schema, pointer) {
            all.push((format!("{part} `{name}`"), p.clone()));
        }
    }
    all
}

fn description(spec: &Value) -> &str {
    spec.get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
}
