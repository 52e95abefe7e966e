//! Every Auth0 field the samples send is in Auth0's request schema or listed with evidence.

use super::samples::all_samples;
use super::*;

/// The Management API request schemas (OpenAPI subset) the emulator validates with.
const OPENAPI: &str = include_str!("../../../emulator/schema/auth0-management-api-v2.openapi.json");

/// Auth0 fields the provider sends that the OpenAPI subset does not declare, with the
/// evidence that Auth0 knows them (or why they are sent anyway).
const FIELDS_BEYOND_OPENAPI: &[(&str, &str)] = &[
    ("addons.samlp.binding", "TestAccClientAddons.yaml: PATCH /clients with it answers 200 and echoes it"),
    ("addons.samlp.includeAttributeNameFormat", "TestAccClientAddons.yaml: PATCH /clients with it answers 200 and echoes it"),
    ("addons.samlp.logout", "TestAccClientAddons.yaml: PATCH /clients with logout.callback and logout.slo_enabled answers 200"),
    ("addons.samlp.signingCert", "TestAccClientAddons.yaml: PATCH /clients with it answers 200"),
    ("addons.samlp.typedAttributes", "TestAccClientAddons.yaml: PATCH /clients with it answers 200 and echoes it"),
    ("allow_online_access_with_ephemeral_sessions", "newer than the OpenAPI subset: Auth0's generated SDKs (auth0-php, node) carry it on resource servers"),
    ("fedcm_login", "TestAccDataClients.yaml: GET /clients returns fedcm_login.google.is_enabled"),
    ("my_organization_configuration.invitation_landing_client_id", "newer than the OpenAPI subset: Auth0's generated SDKs (auth0.net, auth0-php, ruby) carry it"),
    ("token_lifetime_for_web", "TestAccResourceServer.yaml: POST and PATCH /resource-servers with it answer 2xx"),
    ("verificationLocation", "go-auth0 management.ResourceServer json tag `verificationLocation`"),
];

fn request_schema(token: &str) -> &'static str {
    match token {
        CLIENT => "CreateClientRequestContent",
        API => "CreateResourceServerRequestContent",
        _ => "CreateClientGrantRequestContent",
    }
}

fn resolve<'a>(doc: &'a Json, mut schema: &'a Json) -> &'a Json {
    while let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        schema = &doc["components"]["schemas"][name];
    }
    schema
}

/// Dotted Auth0 field paths in `body` that `schema` does not declare. Free-form objects
/// (no `properties`, e.g. client_metadata) are not looked into.
fn undeclared(doc: &Json, schema: &Json, body: &Json, path: &str, out: &mut BTreeSet<String>) {
    let schema = resolve(doc, schema);
    if let Some(options) = schema.get("oneOf").and_then(Json::as_array) {
        let kind = |s: &Json| resolve(doc, s).get("type").cloned();
        let wanted = match body {
            Json::Array(_) => "array",
            Json::Object(_) => "object",
            _ => return,
        };
        if let Some(option) = options.iter().find(|o| {
            kind(o).is_some_and(|t| {
                t == wanted || t.as_array().is_some_and(|a| a.contains(&json!(wanted)))
            })
        }) {
            undeclared(doc, option, body, path, out);
        }
        return;
    }
    match body {
        Json::Object(fields) => {
            let Some(properties) = schema.get("properties").and_then(Json::as_object) else {
                return;
            };
            for (name, value) in fields {
                let field_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match properties.get(name) {
                    Some(field_schema) => undeclared(doc, field_schema, value, &field_path, out),
                    None => {
                        out.insert(field_path);
                    }
                }
            }
        }
        Json::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    undeclared(doc, item_schema, item, path, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_auth0_field_the_samples_send_is_in_auth0s_request_schema_or_listed_with_evidence() {
    let doc: Json = serde_json::from_str(OPENAPI).expect("the OpenAPI subset is JSON");
    let package = schema::package();
    let mut found = BTreeSet::new();
    for s in all_samples() {
        let def = resources::lookup(s.token).unwrap().def();
        let spec = package.resource(s.token).unwrap();
        let sendable = spec
            .inputs
            .iter()
            .filter(|(name, _)| !def.provider_only.contains(&name.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for value in [&s.first, &s.second] {
            let mut program = PropertyMap::new();
            program.insert(top(s.path).to_string(), Value::from_json(value));
            // As Check leaves the inputs that reach Auth0.
            let ctx = resources::Context {
                package,
                management_audience: None,
                warnings: std::sync::Mutex::new(Vec::new()),
            };
            resources::lookup(s.token)
                .unwrap()
                .normalize(&ctx, &mut program);
            let body =
                pulumi_auth0_provider::mapping::expand(package, def.api_names, &sendable, &program);
            let schema = &doc["components"]["schemas"][request_schema(s.token)];
            undeclared(&doc, schema, &Json::Object(body), "", &mut found);
        }
    }
    let listed: BTreeSet<String> = FIELDS_BEYOND_OPENAPI
        .iter()
        .map(|(f, _)| f.to_string())
        .collect();
    let unlisted: Vec<&String> = found.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "Auth0 fields sent but not in the request schema (list them with evidence, or fix the name): {unlisted:#?}\nlisted but no longer sent or now declared: {stale:#?}"
    );
}
