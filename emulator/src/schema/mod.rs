//! Request-body validation against the Management API's OpenAPI request schemas.
//!
//! Auth0 validates bodies with JSON Schema and `additionalProperties: false`. This module implements
//! the subset of keywords the schemas use (type, properties, additionalProperties, required, enum,
//! items, oneOf, min/max for strings, numbers, arrays and objects) and answers with Auth0's
//! "Payload validation error" messages. Regex `pattern`s are not evaluated, except the
//! common "no angle brackets" one.
//!
//! Null is a value like any other: a property accepts it only where its schema's type allows
//! "null" (OpenAPI 3.1's nullable), or where the recordings show Auth0 accepting it.

mod keywords;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::error::ApiError;
use keywords::{check, resolve, type_name};

const OPENAPI: &str = include_str!("../../schema/auth0-management-api-v2.openapi.json");

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc: Value =
            serde_json::from_str(OPENAPI).expect("embedded OpenAPI document is JSON");
        for (schemas, property, definition) in ACCEPTED_BEYOND_OPENAPI {
            for schema in *schemas {
                let properties = &mut doc["components"]["schemas"][*schema]["properties"];
                assert!(
                    properties.is_object(),
                    "OpenAPI schema {schema} has no properties to add {property} to"
                );
                properties[*property] =
                    serde_json::from_str(definition).expect("added property schemas are JSON");
            }
        }
        for (schema, property) in NULLABLE_BEYOND_OPENAPI {
            let declared = &mut doc["components"]["schemas"][*schema]["properties"][*property];
            assert!(
                declared.is_object(),
                "OpenAPI schema {schema} has no property {property} to make nullable"
            );
            // The declared schema comes first, so its error is the one reported.
            *declared = json!({"oneOf": [declared.take(), {"type": "null"}]});
        }
        doc
    })
}

/// Properties Auth0 accepts although the OpenAPI subset omits them: (the request schemas, property,
/// JSON schema). None is nullable: nothing shows Auth0 accepting null for them.
const ACCEPTED_BEYOND_OPENAPI: &[(&[&str], &str, &str)] = &[
    // TestAccResourceServer.yaml: POST and PATCH with token_lifetime_for_web answer 200.
    (
        RESOURCE_SERVER_BODIES,
        "token_lifetime_for_web",
        r#"{"type": "integer"}"#,
    ),
    // TestAccDataClients.yaml: GET /clients returns "fedcm_login":{"google":{"is_enabled":true}};
    // Auth0's generated SDKs (FedCmLogin, FedCmLoginPatch) send the same shape.
    (CLIENT_BODIES, "fedcm_login", FEDCM_LOGIN),
    // Auth0's generated SDKs (auth0-php, ruby, auth0.net) carry it in my_organization_configuration.
    (
        &[
            "ClientMyOrganizationPostConfiguration",
            "ClientMyOrganizationPatchConfiguration",
        ],
        "invitation_landing_client_id",
        r#"{"type": "string"}"#,
    ),
    // Auth0's generated SDKs (auth0-php, node) carry it on resource servers.
    (
        RESOURCE_SERVER_BODIES,
        "allow_online_access_with_ephemeral_sessions",
        r#"{"type": "boolean"}"#,
    ),
    // go-auth0 management.ResourceServer: `json:"verificationLocation,omitempty"` (camelCase).
    (
        RESOURCE_SERVER_BODIES,
        "verificationLocation",
        r#"{"type": "string"}"#,
    ),
];

const CLIENT_BODIES: &[&str] = &["CreateClientRequestContent", "UpdateClientRequestContent"];
const RESOURCE_SERVER_BODIES: &[&str] = &[
    "CreateResourceServerRequestContent",
    "UpdateResourceServerRequestContent",
];

/// Properties the recordings show Auth0 accepting null for, although the OpenAPI subset does not
/// mark them nullable (the recordings win): (schema, property).
const NULLABLE_BEYOND_OPENAPI: &[(&str, &str)] = &[
    // TestAccClientAddons.yaml: PATCH /clients with {"addons":null} answers 200.
    ("UpdateClientRequestContent", "addons"),
    // TestAccClientCredentialsImport.yaml #22: PATCH /clients with {"signed_request_object":null,…}
    // answers 200.
    ("UpdateClientRequestContent", "signed_request_object"),
    // Auth0 traffic outside the recordings: {"oidc_backchannel_logout":null} answers 200 and
    // clears oidc_logout too.
    ("UpdateClientRequestContent", "oidc_backchannel_logout"),
];

/// Query parameters Auth0 accepts (and ignores) although the OpenAPI does not list them:
/// (method, OpenAPI path, parameters).
const QUERY_ACCEPTED_BEYOND_OPENAPI: &[(&str, &str, &[&str])] = &[
    // TestAccClientCredentialsImport.yaml #18: GET …/credentials?include_totals=true&per_page=50
    // answers a bare array.
    (
        "get",
        "/clients/{client_id}/credentials",
        &["include_totals", "per_page", "page"],
    ),
];

const FEDCM_LOGIN: &str = r#"{
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "google": {
            "type": "object",
            "additionalProperties": false,
            "properties": {"is_enabled": {"type": "boolean"}}
        }
    }
}"#;

/// The request bodies the emulator validates, by OpenAPI schema name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestSchema {
    CreateClient,
    UpdateClient,
    CreateResourceServer,
    UpdateResourceServer,
    CreateClientGrant,
    UpdateClientGrant,
    CreateClientCredential,
    UpdateClientCredential,
}

impl RequestSchema {
    fn name(self) -> &'static str {
        match self {
            RequestSchema::CreateClient => "CreateClientRequestContent",
            RequestSchema::UpdateClient => "UpdateClientRequestContent",
            RequestSchema::CreateResourceServer => "CreateResourceServerRequestContent",
            RequestSchema::UpdateResourceServer => "UpdateResourceServerRequestContent",
            RequestSchema::CreateClientGrant => "CreateClientGrantRequestContent",
            RequestSchema::UpdateClientGrant => "UpdateClientGrantRequestContent",
            RequestSchema::CreateClientCredential => "PostClientCredentialRequestContent",
            RequestSchema::UpdateClientCredential => "PatchClientCredentialRequestContent",
        }
    }
}

/// Validate `body` against `schema`; the error is Auth0's 400 with the first violation found.
pub fn validate(schema: RequestSchema, body: &Value) -> Result<(), ApiError> {
    let root = &document()["components"]["schemas"][schema.name()];
    if !body.is_object() {
        return Err(ApiError::payload(format!(
            "'Expected type object but found type {}'.",
            type_name(body)
        )));
    }
    check(root, body, "").map_err(ApiError::payload)
}

/// The OpenAPI operation for a route pattern such as `/api/v2/clients/{id}/credentials`: the
/// emulator's path parameters may be named differently (`{id}` for `{client_id}`).
fn operation(method: &str, route: &str) -> Option<(&'static str, &'static Value)> {
    let path = route.strip_prefix("/api/v2").unwrap_or(route);
    let segments: Vec<&str> = path.split('/').collect();
    let same_shape = |candidate: &str| {
        let theirs: Vec<&str> = candidate.split('/').collect();
        theirs.len() == segments.len()
            && theirs
                .iter()
                .zip(&segments)
                .all(|(a, b)| a == b || (a.starts_with('{') && b.starts_with('{')))
    };
    let paths = document()["paths"].as_object()?;
    let (name, item) = paths
        .iter()
        .find(|(p, _)| p.as_str() == path)
        .or_else(|| paths.iter().find(|(p, _)| same_shape(p)))?;
    Some((name.as_str(), item.get(method.to_ascii_lowercase())?))
}

/// Reject query parameters the operation does not define, and enum values it does not list, as
/// Auth0 does. `route` is the emulator's route pattern, e.g. `/api/v2/clients/{id}`.
pub fn check_query(method: &str, route: &str, raw: Option<&str>) -> Result<(), ApiError> {
    let Some(raw) = raw.filter(|q| !q.is_empty()) else {
        return Ok(());
    };
    let Some((path, op)) = operation(method, route) else {
        return Ok(());
    };
    let params: Vec<&Value> = op["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter(|p| p["in"] == "query").collect())
        .unwrap_or_default();
    let beyond: &[&str] = QUERY_ACCEPTED_BEYOND_OPENAPI
        .iter()
        .find(|(m, p, _)| m.eq_ignore_ascii_case(method) && *p == path)
        .map(|(_, _, names)| *names)
        .unwrap_or_default();
    let mut unknown: Vec<String> = Vec::new();
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        let bare = name.strip_suffix("[]").unwrap_or(&name);
        let Some(param) = params.iter().find(|p| p["name"] == bare) else {
            if !beyond.contains(&bare) && !unknown.iter().any(|u| u == bare) {
                unknown.push(bare.to_string());
            }
            continue;
        };
        let schema = resolve(&param["schema"]);
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            // Query values arrive as text; an enum of booleans lists true/false.
            let names: Vec<String> = allowed
                .iter()
                .map(|a| {
                    a.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| a.to_string())
                })
                .collect();
            if !names.iter().any(|n| *n == value) {
                return Err(ApiError::query(format!(
                    "'No enum match for: \"{value}\"' on property {bare}. Allowed values: {}",
                    names.join(", ")
                )));
            }
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::query(format!(
            "'Additional properties not allowed: {}'.",
            unknown.join(",")
        )))
    }
}
