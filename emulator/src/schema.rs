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

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::error::ApiError;

const OPENAPI: &str = include_str!("../schema/auth0-management-api-v2.openapi.json");

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc: Value =
            serde_json::from_str(OPENAPI).expect("embedded OpenAPI document is JSON");
        for (schema, property, definition) in ACCEPTED_BEYOND_OPENAPI {
            let properties = &mut doc["components"]["schemas"][*schema]["properties"];
            assert!(
                properties.is_object(),
                "OpenAPI schema {schema} has no properties to add {property} to"
            );
            properties[*property] =
                serde_json::from_str(definition).expect("added property schemas are JSON");
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

/// Properties Auth0 accepts although the OpenAPI subset omits them: (schema, property, JSON
/// schema). None is nullable: nothing shows Auth0 accepting null for them.
const ACCEPTED_BEYOND_OPENAPI: &[(&str, &str, &str)] = &[
    // TestAccResourceServer.yaml: POST and PATCH with token_lifetime_for_web answer 200.
    (
        "CreateResourceServerRequestContent",
        "token_lifetime_for_web",
        r#"{"type": "integer"}"#,
    ),
    (
        "UpdateResourceServerRequestContent",
        "token_lifetime_for_web",
        r#"{"type": "integer"}"#,
    ),
    // TestAccDataClients.yaml: GET /clients returns "fedcm_login":{"google":{"is_enabled":true}};
    // Auth0's generated SDKs (FedCmLogin, FedCmLoginPatch) send the same shape.
    ("CreateClientRequestContent", "fedcm_login", FEDCM_LOGIN),
    ("UpdateClientRequestContent", "fedcm_login", FEDCM_LOGIN),
    // Auth0's generated SDKs (auth0-php, ruby, auth0.net) carry it in my_organization_configuration.
    (
        "ClientMyOrganizationPostConfiguration",
        "invitation_landing_client_id",
        r#"{"type": "string"}"#,
    ),
    (
        "ClientMyOrganizationPatchConfiguration",
        "invitation_landing_client_id",
        r#"{"type": "string"}"#,
    ),
    // Auth0's generated SDKs (auth0-php, node) carry it on resource servers.
    (
        "CreateResourceServerRequestContent",
        "allow_online_access_with_ephemeral_sessions",
        r#"{"type": "boolean"}"#,
    ),
    (
        "UpdateResourceServerRequestContent",
        "allow_online_access_with_ephemeral_sessions",
        r#"{"type": "boolean"}"#,
    ),
    // go-auth0 management.ResourceServer: `json:"verificationLocation,omitempty"` (camelCase).
    (
        "CreateResourceServerRequestContent",
        "verificationLocation",
        r#"{"type": "string"}"#,
    ),
    (
        "UpdateResourceServerRequestContent",
        "verificationLocation",
        r#"{"type": "string"}"#,
    ),
];

/// Properties the recordings show Auth0 accepting null for, although the OpenAPI subset does not
/// mark them nullable (the recordings win): (schema, property).
const NULLABLE_BEYOND_OPENAPI: &[(&str, &str)] = &[
    // TestAccClientAddons.yaml: PATCH /clients with {"addons":null} answers 200.
    ("UpdateClientRequestContent", "addons"),
    // Auth0 traffic outside the recordings: {"oidc_backchannel_logout":null} answers 200 and
    // clears oidc_logout too.
    ("UpdateClientRequestContent", "oidc_backchannel_logout"),
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

/// Reject query parameters the operation does not define, as Auth0 does.
/// `route` is the emulator's route pattern, e.g. `/api/v2/clients/{id}`.
pub fn check_query(method: &str, route: &str, raw: Option<&str>) -> Result<(), ApiError> {
    let Some(raw) = raw.filter(|q| !q.is_empty()) else {
        return Ok(());
    };
    let path = route.strip_prefix("/api/v2").unwrap_or(route);
    let Some(op) = document()["paths"]
        .get(path)
        .and_then(|p| p.get(method.to_ascii_lowercase()))
    else {
        return Ok(());
    };
    let known: Vec<&str> = op["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut unknown: Vec<String> = Vec::new();
    for (name, _) in form_urlencoded::parse(raw.as_bytes()) {
        let bare = name.strip_suffix("[]").unwrap_or(&name);
        if !known.contains(&bare) && !unknown.iter().any(|u| u == bare) {
            unknown.push(bare.to_string());
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

fn resolve(schema: &Value) -> &Value {
    let mut current = schema;
    // Refs point at #/components/schemas/<Name>; follow chains of them.
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                current = &document()["components"]["schemas"][name];
            }
            None => break,
        }
    }
    current
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn matches_type(expected: &str, v: &Value) -> bool {
    match expected {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn on(path: &str) -> String {
    if path.is_empty() {
        ".".to_string()
    } else {
        format!(" on property {path}.")
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check(schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    let schema = resolve(schema);

    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let mut first_error = None;
        for option in options {
            match check(option, v, path) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        return Err(first_error.unwrap_or_else(|| format!("'No matching schema'{}", on(path))));
    }

    match schema.get("type") {
        Some(Value::String(t)) if !matches_type(t, v) => {
            return Err(format!(
                "'Expected type {t} but found type {}'{}",
                type_name(v),
                on(path)
            ));
        }
        Some(Value::Array(ts)) if !ts.iter().any(|t| matches_type(t.as_str().unwrap_or(""), v)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            return Err(format!(
                "'Expected type {} but found type {}'{}",
                names.join(","),
                type_name(v),
                on(path)
            ));
        }
        _ => {}
    }

    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !v.is_null() && !allowed.contains(v) {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| {
                    a.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| a.to_string())
                })
                .collect();
            return Err(format!(
                "'No enum match for: {v}'{} Allowed values: {}",
                on(path),
                names.join(", ")
            ));
        }
    }

    match v {
        Value::String(s) => check_string(schema, s, path),
        Value::Number(n) => check_number(schema, n.as_f64().unwrap_or_default(), path),
        Value::Array(items) => check_array(schema, items, path),
        Value::Object(fields) => check_object(schema, fields, path),
        _ => Ok(()),
    }
}

fn check_string(schema: &Value, s: &str, path: &str) -> Result<(), String> {
    let len = s.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        if len < min {
            return Err(format!(
                "'String is too short ({len} chars), minimum {min}'{}",
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        if len > max {
            return Err(format!(
                "'String is too long ({len} chars), maximum {max}'{}",
                on(path)
            ));
        }
    }
    if schema.get("pattern").and_then(Value::as_str) == Some("^[^<>]+$")
        && (s.is_empty() || s.contains(['<', '>']))
    {
        return Err(format!(
            "'String does not match pattern: ^[^<>]+$'{}",
            on(path)
        ));
    }
    Ok(())
}

fn check_number(schema: &Value, n: f64, path: &str) -> Result<(), String> {
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if n < min {
            return Err(format!(
                "'Value {n} is less than minimum {min}'{}",
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        if n > max {
            return Err(format!(
                "'Value {n} is greater than maximum {max}'{}",
                on(path)
            ));
        }
    }
    Ok(())
}

fn check_array(schema: &Value, items: &[Value], path: &str) -> Result<(), String> {
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
        if (items.len() as u64) < min {
            return Err(format!(
                "'Array is too short ({}), minimum {min}'{}",
                items.len(),
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
        if (items.len() as u64) > max {
            return Err(format!(
                "'Array is too long ({}), maximum {max}'{}",
                items.len(),
                on(path)
            ));
        }
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &join(path, &i.to_string()))?;
        }
    }
    Ok(())
}

fn check_object(schema: &Value, fields: &Map<String, Value>, path: &str) -> Result<(), String> {
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(Value::Bool(false)) = schema.get("additionalProperties") {
        let unknown: Vec<&str> = fields
            .keys()
            .filter(|k| !properties.is_some_and(|p| p.contains_key(*k)))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(format!(
                "'Additional properties not allowed: {}'{}",
                unknown.join(","),
                on(path)
            ));
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !fields.contains_key(name) {
                return Err(format!("'Missing required property: {name}'{}", on(path)));
            }
        }
    }
    if let Some(min) = schema.get("minProperties").and_then(Value::as_u64) {
        if (fields.len() as u64) < min {
            return Err(format!(
                "'Too few properties defined ({}), minimum {min}'{}",
                fields.len(),
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64) {
        if (fields.len() as u64) > max {
            return Err(format!(
                "'Too many properties defined ({}), maximum {max}'{}",
                fields.len(),
                on(path)
            ));
        }
    }
    for (key, value) in fields {
        let sub = properties
            .and_then(|p| p.get(key))
            .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
        if let Some(sub) = sub {
            check(sub, value, &join(path, key))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(schema: RequestSchema, body: Value) -> String {
        validate(schema, &body).unwrap_err().message
    }

    #[test]
    fn read_only_fields_in_a_grant_update_are_additional_properties() {
        assert_eq!(
            message(
                RequestSchema::UpdateClientGrant,
                json!({"audience": "https://x/", "client_id": "abc", "scope": []})
            ),
            "Payload validation error: 'Additional properties not allowed: audience,client_id'."
        );
    }

    #[test]
    fn a_wrong_type_names_the_property() {
        assert_eq!(
            message(
                RequestSchema::CreateClient,
                json!({"name": "x", "is_first_party": "yes"})
            ),
            "Payload validation error: 'Expected type boolean but found type string' on property is_first_party."
        );
    }

    #[test]
    fn a_client_needs_a_name() {
        assert!(
            message(RequestSchema::CreateClient, json!({"app_type": "spa"}))
                .contains("Missing required property: name")
        );
    }

    #[test]
    fn an_unknown_app_type_is_rejected() {
        assert!(message(
            RequestSchema::CreateClient,
            json!({"name": "x", "app_type": "mainframe"})
        )
        .contains("on property app_type"));
    }

    #[test]
    fn nested_unknown_fields_are_rejected_with_their_path() {
        let m = message(
            RequestSchema::CreateResourceServer,
            json!({"identifier": "https://a/", "scopes": [{"value": "read:a", "colour": "red"}]}),
        );
        assert!(
            m.contains("Additional properties not allowed: colour"),
            "{m}"
        );
        assert!(m.contains("scopes.0"), "{m}");
    }

    #[test]
    fn the_recorded_requests_that_auth0_accepted_validate() {
        validate(
            RequestSchema::CreateResourceServer,
            &json!({"name":"Acceptance Test","identifier":"https://uat.api/x","signing_alg":"RS256","allow_offline_access":true,"token_lifetime":7200,"token_lifetime_for_web":3600,"skip_consent_for_verifiable_first_party_clients":true,"enforce_policies":false,"subject_type_authorization":{"user":{"policy":"allow_all"},"client":{"policy":"require_client_grant"}}}),
        )
        .unwrap();
        validate(
            RequestSchema::CreateClientGrant,
            &json!({"client_id":"hwfO6jMNCVy4N1LghfAu64DlVmNmiRcH","audience":"https://x/","scope":["create:bar"],"subject_type":"user","authorization_details_types":["payment","shipping"]}),
        )
        .unwrap();
        validate(
            RequestSchema::UpdateClient,
            &json!({"name":"x","client_metadata":{"bar":null,"foo":"newZooButOldFoo"}}),
        )
        .unwrap();
    }

    #[test]
    fn a_client_update_may_null_addons_as_recorded_but_not_grant_types() {
        validate(RequestSchema::UpdateClient, &json!({"addons": null})).unwrap();
        assert_eq!(
            message(RequestSchema::UpdateClient, json!({"grant_types": null})),
            "Payload validation error: 'Expected type array but found type null' on property grant_types."
        );
    }

    #[test]
    fn a_client_update_refuses_null_for_fields_the_schema_does_not_mark_nullable() {
        for field in [
            "name",
            "description",
            "logo_uri",
            "callbacks",
            "client_metadata",
            "jwt_configuration",
            "mobile",
            "native_social_login",
            "oidc_logout",
            "sso_disabled",
            "is_first_party",
            "custom_login_page_on",
            "cross_origin_authentication",
            "fedcm_login",
        ] {
            let m = message(RequestSchema::UpdateClient, json!({ field: null }));
            assert!(
                m.contains("found type null") && m.ends_with(&format!("on property {field}.")),
                "{field}: {m}"
            );
        }
    }

    #[test]
    fn a_client_update_accepts_null_where_the_schema_or_the_recordings_allow_it() {
        // Nullable in the OpenAPI, and recorded: token_quota, session_transfer,
        // skip_non_verifiable_callback_uri_confirmation_prompt.
        for field in [
            "token_quota",
            "session_transfer",
            "skip_non_verifiable_callback_uri_confirmation_prompt",
            "cross_origin_loc",
            "organization_usage",
            "refresh_token",
            "default_organization",
            "organization_discovery_methods",
            "my_organization_configuration",
        ] {
            validate(RequestSchema::UpdateClient, &json!({ field: null }))
                .unwrap_or_else(|e| panic!("{field}: {}", e.message));
        }
    }

    #[test]
    fn a_client_create_refuses_null_for_a_field_only_a_patch_may_null() {
        assert!(message(
            RequestSchema::CreateClient,
            json!({"name": "x", "token_quota": null})
        )
        .contains("on property token_quota"));
    }

    #[test]
    fn resource_server_updates_refuse_null_unless_the_field_is_nullable() {
        for field in [
            "name",
            "token_lifetime",
            "token_lifetime_for_web",
            "allow_offline_access",
            "signing_alg",
            "scopes",
            "allow_online_access_with_ephemeral_sessions",
            "verificationLocation",
        ] {
            let m = message(RequestSchema::UpdateResourceServer, json!({ field: null }));
            assert!(m.contains("found type null"), "{field}: {m}");
        }
        for field in [
            "authorization_details",
            "token_encryption",
            "proof_of_possession",
            "consent_policy",
        ] {
            validate(RequestSchema::UpdateResourceServer, &json!({ field: null }))
                .unwrap_or_else(|e| panic!("{field}: {}", e.message));
        }
    }

    #[test]
    fn grant_updates_refuse_null_authorization_details_types_but_accept_null_scope() {
        assert!(message(
            RequestSchema::UpdateClientGrant,
            json!({"authorization_details_types": null})
        )
        .contains("on property authorization_details_types"));
        validate(
            RequestSchema::UpdateClientGrant,
            &json!({"scope": null, "organization_usage": null}),
        )
        .unwrap();
    }

    #[test]
    fn fedcm_login_is_accepted_in_the_recorded_shape_and_unknown_fields_in_it_are_not() {
        let fedcm = json!({"google": {"is_enabled": true}});
        validate(
            RequestSchema::CreateClient,
            &json!({"name": "x", "fedcm_login": fedcm}),
        )
        .unwrap();
        validate(RequestSchema::UpdateClient, &json!({"fedcm_login": fedcm})).unwrap();
        let m = message(
            RequestSchema::UpdateClient,
            json!({"fedcm_login": {"google": {"is_enabled": "yes"}}}),
        );
        assert!(
            m.contains("on property fedcm_login.google.is_enabled"),
            "{m}"
        );
        let m = message(
            RequestSchema::UpdateClient,
            json!({"fedcm_login": {"apple": {}}}),
        );
        assert!(
            m.contains("Additional properties not allowed: apple"),
            "{m}"
        );
    }

    #[test]
    fn invitation_landing_client_id_is_accepted_in_my_organization_configuration() {
        let config = json!({
            "allowed_strategies": ["oidc"],
            "connection_deletion_behavior": "allow",
            "invitation_landing_client_id": "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
        });
        validate(
            RequestSchema::CreateClient,
            &json!({"name": "x", "my_organization_configuration": config}),
        )
        .unwrap();
        validate(
            RequestSchema::UpdateClient,
            &json!({"my_organization_configuration": config}),
        )
        .unwrap();
        let mut wrong = config.clone();
        wrong["invitation_landing_client_id"] = json!(7);
        assert!(message(
            RequestSchema::UpdateClient,
            json!({"my_organization_configuration": wrong})
        )
        .contains("on property my_organization_configuration.invitation_landing_client_id"));
    }

    #[test]
    fn ephemeral_session_access_and_verification_location_are_accepted_on_apis() {
        let body = json!({
            "identifier": "https://a/",
            "allow_online_access_with_ephemeral_sessions": true,
            "verificationLocation": "https://verify.example.com"
        });
        validate(RequestSchema::CreateResourceServer, &body).unwrap();
        validate(
            RequestSchema::UpdateResourceServer,
            &json!({"allow_online_access_with_ephemeral_sessions": false, "verificationLocation": "https://v2.example.com"}),
        )
        .unwrap();
        assert!(message(
            RequestSchema::UpdateResourceServer,
            json!({"allow_online_access_with_ephemeral_sessions": "yes"})
        )
        .contains("on property allow_online_access_with_ephemeral_sessions"));
        // The go-auth0 json tag is camelCase; the snake_case spelling is not a field.
        assert!(message(
            RequestSchema::UpdateResourceServer,
            json!({"verification_location": "https://v.example.com"})
        )
        .contains("Additional properties not allowed: verification_location"));
    }

    #[test]
    fn a_default_grant_needs_no_client_id_and_only_third_party_clients_is_a_class() {
        validate(
            RequestSchema::CreateClientGrant,
            &json!({"audience": "https://a/", "default_for": "third_party_clients"}),
        )
        .unwrap();
        assert!(message(
            RequestSchema::CreateClientGrant,
            json!({"audience": "https://a/", "default_for": "first_party_clients"})
        )
        .contains("on property default_for"));
    }

    #[test]
    fn unknown_query_parameters_are_rejected_and_known_ones_pass() {
        check_query(
            "GET",
            "/api/v2/client-grants",
            Some("audience=https%3A%2F%2Fa%2F&include_totals=true&per_page=50&take=100"),
        )
        .unwrap();
        check_query(
            "GET",
            "/api/v2/resource-servers",
            Some("identifiers[]=a&identifiers[]=b"),
        )
        .unwrap();
        let err = check_query("GET", "/api/v2/clients", Some("page=0&colour=red")).unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(
            err.message,
            "Query validation error: 'Additional properties not allowed: colour'."
        );
    }

    #[test]
    fn an_empty_grant_update_is_rejected() {
        assert!(message(RequestSchema::UpdateClientGrant, json!({})).contains("Too few properties"));
    }

    #[test]
    fn a_token_lifetime_above_thirty_days_is_rejected() {
        assert!(message(
            RequestSchema::CreateResourceServer,
            json!({"identifier": "https://a/", "token_lifetime": 2592001})
        )
        .contains("greater than maximum"));
    }
}
