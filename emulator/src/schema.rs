//! Request-body validation against the Management API's OpenAPI request schemas.
//!
//! Auth0 validates bodies with JSON Schema and `additionalProperties: false`. This module implements
//! the subset of keywords the schemas use (type, properties, additionalProperties, required, enum,
//! items, oneOf, min/max for strings, numbers, arrays and objects) and answers with Auth0's
//! "Payload validation error" messages. Regex `pattern`s are not evaluated, except the
//! common "no angle brackets" one.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::error::ApiError;

const OPENAPI: &str = include_str!("../schema/auth0-management-api-v2.openapi.json");

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(OPENAPI).expect("embedded OpenAPI document is JSON"))
}

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

    /// Top-level properties Auth0 accepts although the OpenAPI subset omits them.
    /// Each one is seen accepted in the recordings (which win over the OpenAPI).
    fn accepted_beyond_openapi(self) -> &'static [&'static str] {
        match self {
            // TestAccResourceServer.yaml: POST and PATCH with token_lifetime_for_web answer 200.
            RequestSchema::CreateResourceServer | RequestSchema::UpdateResourceServer => {
                &["token_lifetime_for_web"]
            }
            _ => &[],
        }
    }
}

/// Validate `body` against `schema`; the error is Auth0's 400 with the first violation found.
pub fn validate(schema: RequestSchema, body: &Value) -> Result<(), ApiError> {
    let root = &document()["components"]["schemas"][schema.name()];
    let extra = schema.accepted_beyond_openapi();
    let Value::Object(fields) = body else {
        return Err(ApiError::payload(format!(
            "'Expected type object but found type {}'.",
            type_name(body)
        )));
    };
    // The extra properties are checked for type loosely (any JSON value) and removed before the
    // schema check, so that additionalProperties does not reject them.
    let mut rest = fields.clone();
    for name in extra {
        if let Some(v) = rest.remove(*name) {
            if !v.is_number() && !v.is_null() {
                return Err(ApiError::payload(format!(
                    "'Expected type integer but found type {}' on property {name}.",
                    type_name(&v)
                )));
            }
        }
    }
    if schema == RequestSchema::UpdateClient {
        // Auth0 accepts null for a top-level client property on PATCH and removes the property
        // (TestAccClientAddons.yaml sends {"addons":null}); grant_types is the known exception.
        let before = rest.len();
        rest.retain(|k, v| {
            !(v.is_null() && k != "grant_types" && root["properties"].get(k).is_some())
        });
        if rest.is_empty() && before > 0 {
            return Ok(());
        }
    }
    check(root, &Value::Object(rest), "").map_err(ApiError::payload)
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
    fn a_client_update_may_null_a_property_but_not_grant_types() {
        validate(RequestSchema::UpdateClient, &json!({"addons": null})).unwrap();
        assert!(
            message(RequestSchema::UpdateClient, json!({"grant_types": null}))
                .contains("on property grant_types")
        );
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
