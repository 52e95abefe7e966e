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

#[test]
fn schema_validates_against_the_pulumi_metaschema() {
    let metaschema = fixture("pulumi-package-metaschema.json");
    let validator = jsonschema::draft202012::new(&metaschema)
        .unwrap_or_else(|e| panic!("the metaschema fixture does not compile: {e}"));
    let schema = ours();
    let differences = validator
        .iter_errors(&schema)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert_no_differences("schema.json against the Pulumi metaschema", differences);
}

#[test]
fn every_official_resource_input_exists_with_the_same_type_shape() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        compare_properties(
            &format!("{} input", short(token)),
            object(
                &official,
                &format!("/resources/{}/inputProperties", seg(token)),
            ),
            object(&ours, &format!("/resources/{}/inputProperties", seg(token))),
            &mut differences,
        );
    }
    assert_no_differences("resource inputs", differences);
}

#[test]
fn every_official_resource_output_exists_with_the_same_type_shape() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        compare_properties(
            &format!("{} output", short(token)),
            object(&official, &format!("/resources/{}/properties", seg(token))),
            object(&ours, &format!("/resources/{}/properties", seg(token))),
            &mut differences,
        );
    }
    assert_no_differences("resource outputs", differences);
}

#[test]
fn state_inputs_list_exactly_the_outputs_of_each_resource() {
    let schema = ours();
    let mut differences = Vec::new();
    for token in RESOURCES {
        let outputs = object(&schema, &format!("/resources/{}/properties", seg(token)));
        let state = object(
            &schema,
            &format!("/resources/{}/stateInputs/properties", seg(token)),
        );
        if names(outputs) != names(state) {
            differences.push(format!(
                "{}: outputs {:?} but state inputs {:?}",
                short(token),
                names(outputs),
                names(state)
            ));
        }
        compare_properties(
            &format!("{} state input", short(token)),
            outputs,
            state,
            &mut differences,
        );
    }
    assert_no_differences("state inputs", differences);
}

#[test]
fn required_and_required_inputs_lists_equal_the_official_ones() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        for list in ["required", "requiredInputs"] {
            let theirs = string_list(resource(&official, token).get(list));
            let mine = string_list(resource(&ours, token).get(list));
            if theirs != mine {
                differences.push(format!(
                    "{} {list}: official {theirs:?} but schema.json has {mine:?}",
                    short(token)
                ));
            }
        }
    }
    assert_no_differences("required lists", differences);
}

#[test]
fn every_type_the_official_resources_reference_exists_with_the_same_properties_and_required() {
    let (official, ours) = (official(), ours());
    let wanted = referenced_types(&official);
    assert!(
        wanted.len() > 50,
        "the fixture should reference the Client, ResourceServer and ClientGrant types"
    );
    let mut differences = Vec::new();
    for token in &wanted {
        let pointer = format!("/types/{}", seg(token));
        let theirs = official
            .pointer(&pointer)
            .expect("fixture is self-consistent");
        let Some(mine) = ours.pointer(&pointer) else {
            differences.push(format!("type {token} is missing"));
            continue;
        };
        if mine.get("type") != theirs.get("type") {
            differences.push(format!(
                "type {token}: official type {} but schema.json has {}",
                theirs["type"],
                mine.get("type").unwrap_or(&Value::Null)
            ));
        }
        let empty = Map::new();
        let their_props = theirs
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let my_props = mine
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        compare_properties(
            &format!("type {} property", short(token)),
            their_props,
            my_props,
            &mut differences,
        );
        for extra in names(my_props).difference(&names(their_props)) {
            differences.push(format!(
                "type {} has property `{extra}` that the official type lacks",
                short(token)
            ));
        }
        let (theirs_req, mine_req) = (
            string_list(theirs.get("required")),
            string_list(mine.get("required")),
        );
        if theirs_req != mine_req {
            differences.push(format!(
                "type {} required: official {theirs_req:?} but schema.json has {mine_req:?}",
                short(token)
            ));
        }
        if theirs.pointer("/language/nodejs/requiredOutputs")
            != mine.pointer("/language/nodejs/requiredOutputs")
        {
            differences.push(format!(
                "type {} language.nodejs.requiredOutputs differs from the official one",
                short(token)
            ));
        }
    }
    assert_no_differences("referenced object types", differences);
}

#[test]
fn every_type_referenced_anywhere_is_defined_and_every_defined_type_is_used() {
    let schema = ours();
    let mut refs = BTreeSet::new();
    collect_type_refs(&schema, &mut refs);
    let defined = names(object(&schema, "/types"));
    let mut differences: Vec<String> = refs
        .difference(&defined)
        .map(|t| format!("{t} is referenced but not defined"))
        .collect();
    differences.extend(
        defined
            .difference(&referenced_types(&schema))
            .map(|t| format!("{t} is defined but no resource uses it")),
    );
    assert_no_differences("type references", differences);
}

#[test]
fn provider_config_has_every_official_key_with_the_same_type() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for (label, pointer) in [
        ("config variable", "/config/variables"),
        ("provider input", "/provider/inputProperties"),
        ("provider output", "/provider/properties"),
    ] {
        let theirs = object(&official, pointer);
        let mine = object(&ours, pointer);
        for (key, _) in OFFICIAL_CONFIG_ENV {
            if !theirs.contains_key(key) {
                differences.push(format!("the fixture's {label}s lack `{key}`"));
            }
        }
        for (name, spec) in theirs {
            match mine.get(name) {
                None => differences.push(format!("{label} `{name}` is missing")),
                Some(m) if m.get("type") != spec.get("type") => differences.push(format!(
                    "{label} `{name}`: official type {} but schema.json has {}",
                    spec["type"],
                    m.get("type").unwrap_or(&Value::Null)
                )),
                Some(_) => {}
            }
        }
    }
    assert_no_differences("provider config", differences);
}

#[test]
fn provider_credentials_are_secret_and_nothing_else_in_config_is() {
    let schema = ours();
    let mut differences = Vec::new();
    for pointer in [
        "/config/variables",
        "/provider/inputProperties",
        "/provider/properties",
    ] {
        for (name, spec) in object(&schema, pointer) {
            let secret = spec.get("secret") == Some(&Value::Bool(true));
            let should = SECRET_CONFIG.contains(&name.as_str());
            if secret != should {
                differences.push(format!(
                    "{pointer}/{name}: secret is {secret}, want {should}"
                ));
            }
        }
    }
    assert_no_differences("secret config keys", differences);
}

#[test]
fn every_config_key_reads_its_auth0_environment_variable() {
    let schema = ours();
    let mut expected: Vec<(&str, &str)> = OFFICIAL_CONFIG_ENV.to_vec();
    expected.push(("maxRequestsPerSecond", "AUTH0_MAX_REQUESTS_PER_SECOND"));
    expected.push(("rateLimitWaitSeconds", "AUTH0_RATE_LIMIT_WAIT_SECONDS"));
    let mut differences = Vec::new();
    for pointer in ["/config/variables", "/provider/inputProperties"] {
        let props = object(&schema, pointer);
        for (key, env) in &expected {
            let got = props
                .get(*key)
                .and_then(|p| p.pointer("/defaultInfo/environment"));
            if got != Some(&json!([env])) {
                differences.push(format!(
                    "{pointer}/{key}: environment {}, want [\"{env}\"]",
                    got.unwrap_or(&Value::Null)
                ));
            }
        }
        let listed: BTreeSet<String> = expected.iter().map(|(k, _)| k.to_string()).collect();
        for extra in names(props).difference(&listed) {
            differences.push(format!("{pointer}/{extra} is not a known config key"));
        }
    }
    assert_no_differences("config environment variables", differences);
}

#[test]
fn rate_limit_settings_are_non_secret_extension_config_keys() {
    let schema = ours();
    let mut differences = Vec::new();
    for pointer in [
        "/config/variables",
        "/provider/inputProperties",
        "/provider/properties",
    ] {
        for (key, ty) in [
            ("maxRequestsPerSecond", "number"),
            ("rateLimitWaitSeconds", "integer"),
        ] {
            let Some(spec) = object(&schema, pointer).get(key) else {
                differences.push(format!("{pointer}/{key} is missing"));
                continue;
            };
            if spec.get("type") != Some(&json!(ty)) {
                differences.push(format!("{pointer}/{key}: type {}, want {ty}", spec["type"]));
            }
        }
    }
    for pointer in ["/config/variables", "/provider/inputProperties"] {
        let default = schema.pointer(&format!("{pointer}/rateLimitWaitSeconds/default"));
        if default != Some(&json!(300)) {
            differences.push(format!(
                "{pointer}/rateLimitWaitSeconds: default {}, want 300",
                default.unwrap_or(&Value::Null)
            ));
        }
    }
    assert_no_differences("rate limit config", differences);
}

#[test]
fn provider_offers_no_terraform_config_method() {
    let schema = ours();
    assert!(
        schema.pointer("/provider/methods").is_none(),
        "provider.methods must be absent: we implement no provider methods, found {}",
        schema["provider"]["methods"]
    );
}

#[test]
fn functions_are_exactly_the_official_ones_with_the_same_inputs_and_outputs() {
    let (official, ours) = (official(), ours());
    assert_eq!(
        names(object(&ours, "/functions")),
        FUNCTIONS
            .iter()
            .map(|t| t.to_string())
            .collect::<BTreeSet<_>>()
    );
    let mut differences = Vec::new();
    for token in FUNCTIONS {
        for part in ["inputs", "outputs"] {
            let theirs = &function(&official, token)[part];
            let mine = &function(&ours, token)[part];
            let label = format!("{} {part}", short(token));
            compare_properties(
                &label,
                theirs["properties"].as_object().unwrap(),
                mine["properties"].as_object().unwrap(),
                &mut differences,
            );
            for name in names(mine["properties"].as_object().unwrap()) {
                if theirs["properties"].get(&name).is_none() {
                    differences.push(format!("{label} `{name}` is not official"));
                }
            }
            if string_list(theirs.get("required")) != string_list(mine.get("required")) {
                differences.push(format!(
                    "{label} required: official {:?}, schema.json {:?}",
                    string_list(theirs.get("required")),
                    string_list(mine.get("required"))
                ));
            }
        }
        if description(&Value::Object(function(&ours, token).clone()))
            .trim()
            .is_empty()
        {
            differences.push(format!("{} has no description", short(token)));
        }
    }
    assert_no_differences("functions", differences);
}

#[test]
fn client_secret_is_a_secret_string_output_and_never_an_input() {
    let schema = ours();
    let client = resource(&schema, CLIENT);
    assert_eq!(
        client["properties"].get("clientSecret").map(shape),
        Some(json!({"type": "string", "secret": true})),
        "Client output clientSecret must be a secret string"
    );
    assert!(
        client["inputProperties"].get("clientSecret").is_none(),
        "Client clientSecret must not be an input: Auth0 generates it"
    );
}

#[test]
fn client_secret_rotation_trigger_is_a_map_of_anything_in_inputs_and_outputs() {
    let schema = ours();
    let client = resource(&schema, CLIENT);
    let want = json!({
        "type": "object",
        "additionalProperties": {"$ref": "pulumi.json#/Any", "secret": false},
        "secret": false
    });
    for part in ["inputProperties", "properties"] {
        assert_eq!(
            client[part].get("clientSecretRotationTrigger").map(shape),
            Some(want.clone()),
            "Client {part} clientSecretRotationTrigger must be a map of Any"
        );
    }
}

#[test]
fn resource_server_scopes_are_a_list_of_value_and_description_objects() {
    let schema = ours();
    let server = resource(&schema, RESOURCE_SERVER);
    let want = json!({
        "type": "array",
        "items": {"$ref": format!("#/types/{SCOPE_TYPE}"), "secret": false},
        "secret": false
    });
    for part in ["inputProperties", "properties"] {
        assert_eq!(
            server[part].get("scopes").map(shape),
            Some(want.clone()),
            "ResourceServer {part} scopes must be an array of {SCOPE_TYPE}"
        );
    }
    assert!(
        !string_list(server.get("required")).contains("scopes")
            && !string_list(server.get("requiredInputs")).contains("scopes"),
        "ResourceServer scopes must stay optional: unset means the API's scopes are left alone"
    );
    let scope_type = object(&schema, &format!("/types/{}", seg(SCOPE_TYPE)));
    assert_eq!(scope_type["type"], json!("object"));
    assert_eq!(
        shape(&scope_type["properties"]["value"]),
        json!({"type": "string", "secret": false})
    );
    assert_eq!(
        shape(&scope_type["properties"]["description"]),
        json!({"type": "string", "secret": false})
    );
    assert_eq!(
        names(scope_type["properties"].as_object().unwrap()),
        BTreeSet::from(["description".to_string(), "value".to_string()])
    );
    assert_eq!(scope_type["required"], json!(["value"]));
}

#[test]
fn client_grant_scope_is_a_deprecated_input_only_alias_of_scopes() {
    let schema = ours();
    let grant = resource(&schema, CLIENT_GRANT);
    let scope = grant["inputProperties"]
        .get("scope")
        .expect("ClientGrant input scope is missing");
    assert_eq!(
        shape(scope),
        json!({"type": "array", "items": {"type": "string", "secret": false}, "secret": false})
    );
    let message = scope
        .get("deprecationMessage")
        .and_then(Value::as_str)
        .unwrap_or("");
    assert!(
        message.contains("`scopes`"),
        "ClientGrant scope's deprecationMessage must point to `scopes`, got {message:?}"
    );
    assert!(
        grant["properties"].get("scope").is_none(),
        "ClientGrant scope must not be an output; `scopes` reports the granted scopes"
    );
}

#[test]
fn every_extension_says_it_is_an_extension() {
    let schema = ours();
    let mut differences = Vec::new();
    let extensions = [
        format!("/resources/{}/properties/clientSecret", seg(CLIENT)),
        format!(
            "/resources/{}/inputProperties/clientSecretRotationTrigger",
            seg(CLIENT)
        ),
        format!(
            "/resources/{}/properties/clientSecretRotationTrigger",
            seg(CLIENT)
        ),
        format!("/resources/{}/inputProperties/scopes", seg(RESOURCE_SERVER)),
        format!("/resources/{}/properties/scopes", seg(RESOURCE_SERVER)),
        format!("/types/{}", seg(SCOPE_TYPE)),
        "/config/variables/maxRequestsPerSecond".to_string(),
        "/config/variables/rateLimitWaitSeconds".to_string(),
        "/provider/inputProperties/maxRequestsPerSecond".to_string(),
        "/provider/inputProperties/rateLimitWaitSeconds".to_string(),
    ];
    for pointer in &extensions {
        match schema.pointer(pointer) {
            None => differences.push(format!("{pointer} is missing")),
            Some(spec) if !description(spec).to_lowercase().contains("extension") => differences
                .push(format!(
                    "{pointer}: description does not say it is an extension"
                )),
            Some(_) => {}
        }
    }
    assert_no_differences("extension descriptions", differences);
}

#[test]
fn every_resource_property_type_and_config_key_has_a_description() {
    let schema = ours();
    let mut missing = Vec::new();
    let is_blank = |text: &str| text.trim().is_empty() || text.trim() == "TODO";
    if is_blank(description(&schema)) {
        missing.push("the package".to_string());
    }
    if is_blank(description(&schema["provider"])) {
        missing.push("the provider".to_string());
    }
    for (token, spec) in object(&schema, "/resources") {
        if is_blank(description(spec)) {
            missing.push(format!("resource {token}"));
        }
        if is_blank(description(&spec["stateInputs"])) {
            missing.push(format!("resource {token} stateInputs"));
        }
    }
    for (token, spec) in object(&schema, "/types") {
        if is_blank(description(spec)) {
            missing.push(format!("type {token}"));
        }
    }
    for (label, spec) in every_property(&schema) {
        if is_blank(description(&spec)) {
            missing.push(label);
        }
    }
    assert_no_differences("descriptions", missing);
}

#[test]
fn schema_has_no_version_key() {
    let schema = ours();
    assert!(
        schema.get("version").is_none(),
        "schema.json must not set `version` (found {}); the workspace version in Cargo.toml is the single source",
        schema["version"]
    );
}

#[test]
fn replace_on_changes_is_set_exactly_on_create_only_properties() {
    let schema = ours();
    let expected: BTreeSet<(String, String)> = [
        ("ResourceServer", "identifier"),
        ("ClientGrant", "audience"),
        ("ClientGrant", "clientId"),
        ("ClientGrant", "subjectType"),
        ("ClientGrant", "defaultFor"),
        ("Client", "resourceServerIdentifier"),
        ("ClientJwtConfiguration", "secretEncoded"),
        ("ClientCredentials", "clientId"),
        ("ResourceServerScopes", "resourceServerIdentifier"),
        ("ResourceServerScope", "resourceServerIdentifier"),
        ("ResourceServerScope", "scope"),
        // A registered credential cannot be edited in Auth0, only removed and added again.
        ("ClientCredentialsTlsClientAuthCredential", "credentialType"),
        ("ClientCredentialsTlsClientAuthCredential", "pem"),
        ("ClientCredentialsTlsClientAuthCredential", "subjectDn"),
        (
            "ClientCredentialsSelfSignedTlsClientAuthCredential",
            "credentialType",
        ),
        ("ClientCredentialsSelfSignedTlsClientAuthCredential", "pem"),
        (
            "ClientCredentialsSignedRequestObjectCredential",
            "algorithm",
        ),
        (
            "ClientCredentialsSignedRequestObjectCredential",
            "credentialType",
        ),
        ("ClientCredentialsSignedRequestObjectCredential", "name"),
        (
            "ClientCredentialsSignedRequestObjectCredential",
            "parseExpiryFromCert",
        ),
        ("ClientCredentialsSignedRequestObjectCredential", "pem"),
    ]
    .into_iter()
    .map(|(owner, name)| (owner.to_string(), name.to_string()))
    .collect();
    let mut differences = Vec::new();
    let mut check = |owner: &str, part: &str, props: &Map<String, Value>| {
        for (name, spec) in props {
            let set = spec.get("replaceOnChanges") == Some(&Value::Bool(true));
            let want = expected.contains(&(owner.to_string(), name.clone()));
            if set != want {
                differences.push(format!(
                    "{owner} {part} `{name}`: replaceOnChanges is {set}, want {want}"
                ));
            }
        }
    };
    for (token, spec) in object(&schema, "/resources") {
        for part in ["inputProperties", "properties"] {
            check(short(token), part, spec[part].as_object().unwrap());
        }
    }
    for (token, spec) in object(&schema, "/types") {
        if let Some(props) = spec.get("properties").and_then(Value::as_object) {
            check(short(token), "property", props);
        }
    }
    for (owner, name) in &expected {
        let found = every_property(&schema).iter().any(|(label, _)| {
            label.contains(owner.as_str()) && label.contains(&format!("`{name}`"))
        });
        if !found {
            differences.push(format!("{owner}.{name} does not exist"));
        }
    }
    assert_no_differences("replaceOnChanges", differences);
}

#[test]
fn deprecated_official_properties_and_only_they_carry_a_deprecation_message() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        for part in ["inputProperties", "properties"] {
            let theirs = &resource(&official, token)[part];
            for (name, spec) in resource(&ours, token)[part].as_object().unwrap() {
                let deprecated = theirs
                    .pointer(&format!("/{}/deprecated", seg(name)))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    || (token == CLIENT_GRANT && name == "scope");
                let message = spec.get("deprecationMessage").and_then(Value::as_str);
                match (deprecated, message) {
                    (true, None) | (true, Some("")) => differences.push(format!(
                        "{} {part} `{name}` is deprecated but has no deprecationMessage",
                        short(token)
                    )),
                    (false, Some(m)) => differences.push(format!(
                        "{} {part} `{name}` is not deprecated but says {m:?}",
                        short(token)
                    )),
                    _ => {}
                }
                if spec.get("deprecated").is_some() {
                    differences.push(format!(
                        "{} {part} `{name}` keeps the fixture-only `deprecated` key",
                        short(token)
                    ));
                }
            }
        }
    }
    assert_no_differences("deprecation", differences);
}

#[test]
fn package_identity_tokens_and_language_names_are_as_agreed() {
    let (official, schema) = (official(), ours());
    assert_eq!(schema["name"], json!("auth0"));
    assert_eq!(schema["license"], json!("Apache-2.0"));
    assert_eq!(
        schema.pointer("/meta/moduleFormat"),
        official.pointer("/meta/moduleFormat"),
        "meta.moduleFormat must stay the official one"
    );
    assert_eq!(
        names(object(&schema, "/resources")),
        RESOURCES
            .iter()
            .map(|t| t.to_string())
            .collect::<BTreeSet<_>>()
    );
    for key in ["displayName", "publisher", "homepage", "repository"] {
        assert!(
            schema[key].as_str().is_some_and(|s| !s.is_empty()),
            "top-level `{key}` must be a non-empty string"
        );
    }
    assert!(
        string_list(schema.get("keywords")).contains("auth0"),
        "keywords must include auth0"
    );
    assert_eq!(
        schema.pointer("/language/python/packageName"),
        Some(&json!("pulumi_auth0"))
    );
    assert_eq!(
        schema.pointer("/language/nodejs/packageName"),
        Some(&json!("pulumi-auth0-rs"))
    );
    assert_eq!(
        schema.pointer("/language/go/importBasePath"),
        Some(&json!(
            "github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0"
        ))
    );
}

#[test]
fn client_description_defaults_to_managed_by_pulumi() {
    let schema = ours();
    for part in ["inputProperties", "properties"] {
        assert_eq!(
            resource(&schema, CLIENT)[part]["description"].get("default"),
            Some(&json!("Managed by Pulumi")),
            "Client {part} description must default to \"Managed by Pulumi\""
        );
    }
}

#[test]
fn schema_json_is_pretty_printed_with_two_spaces_and_sorted_maps() {
    let text = std::fs::read_to_string(repo_root().join("schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    // serde_json keeps key order here (the workspace enables preserve_order), so a pretty
    // re-print equals the file only if the file is 2-space pretty-printed as it stands.
    let reprinted = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    assert!(
        text == reprinted,
        "schema.json is not 2-space pretty-printed with a final newline; regenerate it with sorted keys and indent 2"
    );
    let mut unsorted = BTreeMap::new();
    find_unsorted_maps(&schema, "", &mut unsorted);
    assert_no_differences(
        "key order",
        unsorted
            .into_iter()
            .map(|(at, keys)| format!("{at}: keys not sorted: {keys}"))
            .collect(),
    );
}

fn find_unsorted_maps(value: &Value, at: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            let keys: Vec<&String> = map.keys().collect();
            if keys.windows(2).any(|w| w[0] > w[1]) {
                let shown: Vec<&str> = keys.iter().take(6).map(|k| k.as_str()).collect();
                out.insert(
                    if at.is_empty() { "/".into() } else { at.into() },
                    shown.join(", "),
                );
            }
            for (k, v) in map {
                find_unsorted_maps(v, &format!("{at}/{}", seg(k)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_unsorted_maps(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
