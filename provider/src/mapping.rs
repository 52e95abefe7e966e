//! Schema-driven conversion between Pulumi property values and Auth0 JSON bodies.
//!
//! The Auth0 field is the snake_case of the Pulumi property name at every object level,
//! except where a resource's `api_names` table says otherwise. Map keys are user data and
//! are never renamed. Expand and flatten are pure, so they are tested without a network.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::schema::{Package, Property, Type};
use crate::value::{join_path, PropertyMap, Value};

/// `lifetimeInSeconds` → `lifetime_in_seconds`, `sha256CertFingerprints` → `sha256_cert_fingerprints`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Naming exceptions: (Pulumi property path, Auth0 field path relative to the parent object).
pub type ApiNames = &'static [(&'static str, &'static str)];

/// The Auth0 field path (dotted, relative to the parent object) for a Pulumi property path.
pub fn api_path(names: ApiNames, pulumi_path: &str) -> String {
    names
        .iter()
        .find(|(path, _)| *path == pulumi_path)
        .map(|(_, api)| api.to_string())
        .unwrap_or_else(|| snake_case(pulumi_path.rsplit('.').next().unwrap_or(pulumi_path)))
}

/// Converts the given top-level properties to an Auth0 JSON object. Properties not in
/// `schema_props` are skipped (callers filter provider-only properties first). Unknown
/// values must have been ruled out by the caller; any left are sent as null.
pub fn expand(
    package: &Package,
    names: ApiNames,
    schema_props: &BTreeMap<String, Property>,
    props: &PropertyMap,
) -> Map<String, Json> {
    let mut body = Map::new();
    for (name, value) in props {
        if let Some(property) = schema_props.get(name) {
            let api = api_path(names, name);
            insert_path(
                &mut body,
                &api,
                expand_value(package, names, &property.ty, value, name),
            );
        }
    }
    body
}

/// Converts one property value of the given type to JSON, renaming nested object fields.
pub fn expand_value(
    package: &Package,
    names: ApiNames,
    ty: &Type,
    value: &Value,
    path: &str,
) -> Json {
    let value = value.unwrap_all();
    match (ty, &value) {
        (_, Value::Null) => Json::Null,
        (Type::Object(token), Value::Object(fields)) => {
            let Some(object) = package.object_type(token) else {
                return value.to_json().unwrap_or(Json::Null);
            };
            let mut out = Map::new();
            for (name, field) in fields {
                let field_path = join_path(path, name);
                let api = api_path(names, &field_path);
                let ty = object
                    .properties
                    .get(name)
                    .map(|p| &p.ty)
                    .unwrap_or(&Type::Any);
                insert_path(
                    &mut out,
                    &api,
                    expand_value(package, names, ty, field, &field_path),
                );
            }
            Json::Object(out)
        }
        (Type::Array(item), Value::Array(items)) => Json::Array(
            items
                .iter()
                .map(|v| expand_value(package, names, item, v, path))
                .collect(),
        ),
        (Type::Map(item), Value::Object(entries)) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), expand_value(package, names, item, v, path)))
                .collect(),
        ),
        _ => value.to_json().unwrap_or(Json::Null),
    }
}

/// The tables a PATCH body is built from; a resource's `ResourceDef` provides them.
pub struct UpdateRules<'a, Clear> {
    /// Used in warnings, e.g. `Client`.
    pub label: &'a str,
    pub names: ApiNames,
    /// Inputs sent to Auth0 (provider-only inputs are left out).
    pub sendable: &'a BTreeMap<String, Property>,
    /// Map inputs Auth0 merges on PATCH: a key no longer wanted is sent as null.
    pub merged_maps: &'a [&'a str],
    /// What clears an input removed from the program (given its old value), or `None` when
    /// Auth0 cannot clear it.
    pub clear: Clear,
}

/// The PATCH body for the changed top-level inputs, and a warning for each removed input Auth0
/// cannot clear. Nested objects are sent whole; inputs that force replacement
/// (`replaceOnChanges`) are never sent, since Auth0 refuses them in PATCH. `olds` are the old
/// outputs (what Auth0 holds), `old_inputs` what the program set before.
pub fn update_body(
    package: &Package,
    rules: &UpdateRules<'_, impl Fn(&str, &Property, Option<&Value>) -> Option<Json>>,
    changed: &[String],
    olds: &PropertyMap,
    old_inputs: &PropertyMap,
    news: &PropertyMap,
) -> (Map<String, Json>, Vec<String>) {
    let mut body = Map::new();
    let mut warnings = Vec::new();
    for name in changed {
        let Some(property) = rules.sendable.get(name) else {
            continue;
        };
        if property.replace_on_changes {
            continue;
        }
        match news.get(name).filter(|v| !v.is_null()) {
            Some(value) => {
                let one: PropertyMap = [(name.clone(), value.clone())].into();
                let mut part = expand(package, rules.names, rules.sendable, &one);
                if rules.merged_maps.contains(&name.as_str()) {
                    if let (Some(Value::Object(old)), Some(Json::Object(new))) = (
                        olds.get(name).map(Value::unwrap_all),
                        part.get_mut(&api_path(rules.names, name)),
                    ) {
                        for key in old.keys() {
                            new.entry(key.clone()).or_insert(Json::Null);
                        }
                    }
                }
                if let Type::Object(_) = property.ty {
                    clear_removed_fields(rules, name, property, olds, old_inputs, value, &mut part, &mut warnings);
                }
                body.extend(part);
            }
            None => match (rules.clear)(name, property, olds.get(name)) {
                Some(clear) => insert_path(&mut body, &api_path(rules.names, name), clear),
                None => warnings.push(format!(
                    "{}.{name} was removed from the program, but Auth0 cannot clear it, so it keeps its current value",
                    rules.label
                )),
            },
        }
    }
    (body, warnings)
}

/// Auth0 merges some nested objects one level deep on PATCH (`jwt_configuration`, `mobile`,
/// `native_social_login`): a field left out keeps its value. So a field the program set before
/// and has now removed is sent with the value that clears it, taken from the property's clear
/// value; without one, the field keeps its value and a warning says so. For objects Auth0
/// replaces whole, sending the clearing value changes nothing.
#[allow(clippy::too_many_arguments)]
fn clear_removed_fields(
    rules: &UpdateRules<'_, impl Fn(&str, &Property, Option<&Value>) -> Option<Json>>,
    name: &str,
    property: &Property,
    olds: &PropertyMap,
    old_inputs: &PropertyMap,
    new: &Value,
    part: &mut Map<String, Json>,
    warnings: &mut Vec<String>,
) {
    let (Some(Value::Object(before)), Value::Object(now)) = (
        old_inputs.get(name).map(Value::unwrap_all),
        new.unwrap_all(),
    ) else {
        return;
    };
    let removed: Vec<&String> = before
        .keys()
        .filter(|k| now.get(*k).is_none_or(Value::is_null))
        .collect();
    if removed.is_empty() {
        return;
    }
    let clear = (rules.clear)(name, property, olds.get(name));
    let Some(Json::Object(sent)) = part.get_mut(&api_path(rules.names, name)) else {
        return;
    };
    for key in removed {
        let full = api_path(rules.names, &format!("{name}.{key}"));
        let api_key = full.rsplit('.').next().unwrap_or(&full).to_string();
        match clear.as_ref().and_then(|c| c.get(&api_key)) {
            Some(value) => {
                sent.insert(api_key, value.clone());
            }
            None => warnings.push(format!(
                "{}.{name}.{key} was removed from the program, but Auth0 keeps the fields a change of {name} leaves out and cannot clear this one, so it keeps its current value",
                rules.label
            )),
        }
    }
}

/// Sets `value` at a dotted Auth0 field path, creating the objects on the way.
pub fn insert_path(object: &mut Map<String, Json>, dotted: &str, value: Json) {
    match dotted.split_once('.') {
        None => {
            object.insert(dotted.to_string(), value);
        }
        Some((head, rest)) => {
            let child = object
                .entry(head.to_string())
                .or_insert_with(|| Json::Object(Map::new()));
            if !child.is_object() {
                *child = Json::Object(Map::new());
            }
            if let Json::Object(child) = child {
                insert_path(child, rest, value);
            }
        }
    }
}

fn get_path<'a>(object: &'a Map<String, Json>, dotted: &str) -> Option<&'a Json> {
    match dotted.split_once('.') {
        None => object.get(dotted),
        Some((head, rest)) => object
            .get(head)?
            .as_object()
            .and_then(|child| get_path(child, rest)),
    }
}

/// Converts an Auth0 JSON object to Pulumi properties: every property in `schema_props`
/// that Auth0 returned (and is not null) is kept; fields with no property are dropped.
pub fn flatten(
    package: &Package,
    names: ApiNames,
    schema_props: &BTreeMap<String, Property>,
    body: &Json,
) -> PropertyMap {
    let mut out = PropertyMap::new();
    let Some(object) = body.as_object() else {
        return out;
    };
    for (name, property) in schema_props {
        if let Some(json) = get_path(object, &api_path(names, name)) {
            if let Some(value) = flatten_value(package, names, &property.ty, json, name) {
                out.insert(name.clone(), value);
            }
        }
    }
    out
}

fn flatten_value(
    package: &Package,
    names: ApiNames,
    ty: &Type,
    json: &Json,
    path: &str,
) -> Option<Value> {
    if json.is_null() {
        return None;
    }
    Some(match (ty, json) {
        (Type::Object(token), Json::Object(fields)) => {
            let object = package.object_type(token)?;
            let mut out = PropertyMap::new();
            for (name, property) in &object.properties {
                let field_path = join_path(path, name);
                if let Some(field) = get_path(fields, &api_path(names, &field_path)) {
                    if let Some(v) = flatten_value(package, names, &property.ty, field, &field_path)
                    {
                        // Nested secrets (add-on keys and passwords) must not land in state in
                        // plain text; the caller marks top-level ones.
                        let v = if property.secret { v.into_secret() } else { v };
                        out.insert(name.clone(), v);
                    }
                }
            }
            Value::Object(out)
        }
        (Type::Array(item), Json::Array(items)) => Value::Array(
            items
                .iter()
                .filter_map(|v| flatten_value(package, names, item, v, path))
                .collect(),
        ),
        (Type::Map(item), Json::Object(entries)) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| {
                    flatten_value(package, names, item, v, path).map(|v| (k.clone(), v))
                })
                .collect(),
        ),
        // Auth0 sometimes returns numbers for string-typed properties (and vice versa).
        (Type::String, Json::Number(n)) => Value::String(n.to_string()),
        (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
        // A string property carrying structured JSON (addons.samlp.flexibleMappings).
        (Type::String, Json::Object(_) | Json::Array(_)) => Value::String(canonical_json(json)),
        _ => Value::from_json(json),
    })
}

/// Compact JSON text with object keys sorted at every depth, so that two texts of the same
/// JSON compare equal.
pub fn canonical_json(json: &Json) -> String {
    fn sorted(json: &Json) -> Json {
        match json {
            Json::Object(fields) => {
                let mut keys: Vec<&String> = fields.keys().collect();
                keys.sort();
                Json::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&fields[k])))
                        .collect(),
                )
            }
            Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(json).to_string()
}

/// Terraform's `disable` marker, kept in the Pulumi schema: `{disable: true}` (or a list item
/// holding it) means the object is not wanted, so the input is dropped and a removed input
/// is reset. The flag is never an Auth0 field, so it is stripped wherever it appears.
pub fn apply_disable_marker(inputs: &mut PropertyMap, name: &str) {
    fn strip(value: &mut Value) -> bool {
        match value {
            Value::Secret(inner) => strip(inner),
            Value::Output {
                value: Some(inner), ..
            } => strip(inner),
            Value::Object(fields) => fields
                .remove("disable")
                .is_some_and(|flag| flag.unwrap_all() == Value::Bool(true)),
            Value::Array(items) => {
                // Every item is stripped, so no short-circuiting.
                let mut disabled = false;
                for item in items {
                    disabled |= strip(item);
                }
                disabled
            }
            _ => false,
        }
    }
    if inputs.get_mut(name).is_some_and(strip) {
        inputs.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &str = r##"{
      "types": {
        "t:index/Jwt:Jwt": {"type": "object", "properties": {
          "lifetimeInSeconds": {"type": "integer"}, "scopes": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "t:index/Saml:Saml": {"type": "object", "properties": {"createUpnClaim": {"type": "boolean"}, "signResponse": {"type": "boolean"}}}
      },
      "resources": {"t:index/client:Client": {
        "inputProperties": {
          "crossOriginAuth": {"type": "boolean"},
          "backchannelUrls": {"type": "array", "items": {"type": "string"}},
          "jwtConfiguration": {"$ref": "#/types/t:index/Jwt:Jwt"},
          "samls": {"type": "array", "items": {"$ref": "#/types/t:index/Saml:Saml"}},
          "clientMetadata": {"type": "object", "additionalProperties": {"type": "string"}},
          "resourceServerIdentifier": {"type": "string", "replaceOnChanges": true},
          "appType": {"type": "string"},
          "rotationTrigger": {"type": "string"}
        },
        "properties": {
          "crossOriginAuth": {"type": "boolean"},
          "backchannelUrls": {"type": "array", "items": {"type": "string"}},
          "jwtConfiguration": {"$ref": "#/types/t:index/Jwt:Jwt"},
          "samls": {"type": "array", "items": {"$ref": "#/types/t:index/Saml:Saml"}},
          "clientMetadata": {"type": "object", "additionalProperties": {"type": "string"}},
          "clientId": {"type": "string"}
        }}}
    }"##;
    const NAMES: ApiNames = &[
        ("crossOriginAuth", "cross_origin_authentication"),
        (
            "backchannelUrls",
            "oidc_backchannel_logout.backchannel_logout_urls",
        ),
        ("samls.createUpnClaim", "createUpnClaim"),
    ];

    fn props(json: Json) -> PropertyMap {
        match Value::from_json(&json) {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn snake_case_handles_digits_and_single_words() {
        assert_eq!(snake_case("lifetimeInSeconds"), "lifetime_in_seconds");
        assert_eq!(
            snake_case("sha256CertFingerprints"),
            "sha256_cert_fingerprints"
        );
        assert_eq!(snake_case("office365"), "office365");
        assert_eq!(snake_case("sso"), "sso");
    }

    #[test]
    fn expand_renames_fields_but_never_map_keys_and_honours_exceptions() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let input = props(json!({
            "crossOriginAuth": true,
            "backchannelUrls": ["https://a/logout"],
            "jwtConfiguration": {"lifetimeInSeconds": 60, "scopes": {"someKey": "v"}},
            "samls": [{"createUpnClaim": true, "signResponse": false}],
            "clientMetadata": {"camelKey": "kept"}
        }));
        let body = expand(&package, NAMES, &resource.inputs, &input);
        assert_eq!(
            Json::Object(body),
            json!({
                "cross_origin_authentication": true,
                "oidc_backchannel_logout": {"backchannel_logout_urls": ["https://a/logout"]},
                "jwt_configuration": {"lifetime_in_seconds": 60, "scopes": {"someKey": "v"}},
                "samls": [{"createUpnClaim": true, "sign_response": false}],
                "client_metadata": {"camelKey": "kept"}
            })
        );
    }

    #[test]
    fn flatten_inverts_expand_and_drops_fields_without_a_property() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let body = json!({
            "client_id": "abc",
            "cross_origin_authentication": false,
            "oidc_backchannel_logout": {"backchannel_logout_urls": ["https://a/logout"]},
            "jwt_configuration": {"lifetime_in_seconds": 36000, "secret_encoded": false},
            "samls": [{"createUpnClaim": true}],
            "tenant": "ignored",
            "client_metadata": null
        });
        let out = flatten(&package, NAMES, &resource.outputs, &body);
        assert_eq!(
            out,
            props(json!({
                "clientId": "abc",
                "crossOriginAuth": false,
                "backchannelUrls": ["https://a/logout"],
                "jwtConfiguration": {"lifetimeInSeconds": 36000},
                "samls": [{"createUpnClaim": true}]
            }))
        );
    }

    /// Rules as a resource gives them: `appType` cannot be cleared, `jwtConfiguration` is reset
    /// to a default, `rotationTrigger` stays with the provider, anything else clears with null.
    fn patch(changed: &[&str], olds: Json, news: Json) -> (Json, Vec<String>) {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let mut sendable = resource.inputs.clone();
        sendable.remove("rotationTrigger");
        let rules = UpdateRules {
            label: "Client",
            names: NAMES,
            sendable: &sendable,
            merged_maps: &["clientMetadata"],
            clear: |name: &str, _: &Property, _: Option<&Value>| match name {
                "appType" => None,
                "jwtConfiguration" => Some(json!({"lifetime_in_seconds": 36000})),
                _ => Some(Json::Null),
            },
        };
        let changed: Vec<String> = changed.iter().map(|c| c.to_string()).collect();
        let olds = props(olds);
        let (body, warnings) = update_body(&package, &rules, &changed, &olds, &olds, &props(news));
        (Json::Object(body), warnings)
    }

    #[test]
    fn a_field_removed_from_a_nested_object_is_sent_with_the_value_that_clears_it() {
        // Auth0 merges such objects on PATCH: leaving the field out would keep its old value.
        let (body, warnings) = patch(
            &["jwtConfiguration"],
            json!({"jwtConfiguration": {"lifetimeInSeconds": 60, "scopes": {"k": "v"}}}),
            json!({"jwtConfiguration": {"scopes": {"k": "w"}}}),
        );
        assert_eq!(
            body,
            json!({"jwt_configuration": {"scopes": {"k": "w"}, "lifetime_in_seconds": 36000}})
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_removed_nested_field_without_a_clearing_value_is_left_with_a_warning_naming_it() {
        let (body, warnings) = patch(
            &["jwtConfiguration"],
            json!({"jwtConfiguration": {"lifetimeInSeconds": 60, "scopes": {"k": "v"}}}),
            json!({"jwtConfiguration": {"lifetimeInSeconds": 90}}),
        );
        assert_eq!(
            body,
            json!({"jwt_configuration": {"lifetime_in_seconds": 90}})
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("Client.jwtConfiguration.scopes was removed from the program"),
            "{warnings:?}"
        );
    }

    #[test]
    fn an_update_sends_only_the_changed_inputs_renamed_and_nested_objects_whole() {
        let (body, warnings) = patch(
            &["crossOriginAuth", "jwtConfiguration"],
            json!({"crossOriginAuth": false, "jwtConfiguration": {"lifetimeInSeconds": 60}, "backchannelUrls": ["https://a/"]}),
            json!({"crossOriginAuth": true, "jwtConfiguration": {"lifetimeInSeconds": 90, "scopes": {"k": "v"}}, "backchannelUrls": ["https://a/"]}),
        );
        assert_eq!(
            body,
            json!({
                "cross_origin_authentication": true,
                "jwt_configuration": {"lifetime_in_seconds": 90, "scopes": {"k": "v"}}
            })
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_key_removed_from_a_merged_map_is_sent_as_null() {
        let (body, _) = patch(
            &["clientMetadata"],
            json!({"clientMetadata": {"keep": "1", "drop": "2"}}),
            json!({"clientMetadata": {"keep": "1", "add": "3"}}),
        );
        assert_eq!(
            body,
            json!({"client_metadata": {"keep": "1", "add": "3", "drop": null}})
        );
    }

    #[test]
    fn a_removed_input_is_cleared_with_what_its_rules_say_at_its_auth0_path() {
        let (body, warnings) = patch(
            &["jwtConfiguration", "backchannelUrls", "crossOriginAuth"],
            json!({"jwtConfiguration": {"lifetimeInSeconds": 60}, "backchannelUrls": ["https://a/"], "crossOriginAuth": true}),
            json!({"crossOriginAuth": null}),
        );
        assert_eq!(
            body,
            json!({
                "jwt_configuration": {"lifetime_in_seconds": 36000},
                "oidc_backchannel_logout": {"backchannel_logout_urls": null},
                "cross_origin_authentication": null
            })
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn an_input_auth0_cannot_clear_is_left_out_with_a_warning() {
        let (body, warnings) = patch(&["appType"], json!({"appType": "spa"}), json!({}));
        assert_eq!(body, json!({}));
        assert_eq!(
            warnings,
            ["Client.appType was removed from the program, but Auth0 cannot clear it, so it keeps its current value"]
        );
    }

    #[test]
    fn replacing_and_provider_only_inputs_are_never_sent() {
        let (body, warnings) = patch(
            &[
                "resourceServerIdentifier",
                "rotationTrigger",
                "unknownInput",
            ],
            json!({"resourceServerIdentifier": "https://old/", "rotationTrigger": "1"}),
            json!({"resourceServerIdentifier": "https://new/", "rotationTrigger": "2", "unknownInput": 1}),
        );
        assert_eq!(body, json!({}));
        assert!(warnings.is_empty());
    }

    #[test]
    fn secrets_are_unwrapped_when_expanding() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let mut input = PropertyMap::new();
        input.insert(
            "clientMetadata".into(),
            Value::Object(props(json!({"k": "v"}))).into_secret(),
        );
        let body = expand(&package, NAMES, &resource.inputs, &input);
        assert_eq!(body["client_metadata"], json!({"k": "v"}));
    }

    #[test]
    fn a_true_disable_marker_drops_the_input_and_a_false_one_is_stripped() {
        let mut inputs = props(json!({
            "tokenEncryption": {"disable": true, "format": "compact-nested-jwe"},
            "proofOfPossession": {"disable": false, "mechanism": "mtls"},
            "authorizationDetails": [{"type": "payment"}, {"disable": true}],
            "defaultOrganization": {"flows": ["client_credentials"]}
        }));
        for name in [
            "tokenEncryption",
            "proofOfPossession",
            "authorizationDetails",
            "defaultOrganization",
            "absent",
        ] {
            apply_disable_marker(&mut inputs, name);
        }
        assert_eq!(
            inputs,
            props(json!({
                "proofOfPossession": {"mechanism": "mtls"},
                "defaultOrganization": {"flows": ["client_credentials"]}
            }))
        );
    }

    #[test]
    fn the_disable_marker_is_found_inside_a_secret() {
        let mut inputs = PropertyMap::new();
        inputs.insert(
            "tokenEncryption".into(),
            Value::Object(props(json!({"disable": true}))).into_secret(),
        );
        apply_disable_marker(&mut inputs, "tokenEncryption");
        assert!(inputs.is_empty());
    }

    #[test]
    fn structured_json_for_a_string_property_is_read_as_canonical_json_text() {
        let package = Package::parse(
            r##"{"resources": {"t:index/x:X": {"properties": {"flexible": {"type": "string"}}}}}"##,
        )
        .unwrap();
        let resource = package.resource("t:index/x:X").unwrap();
        let body = json!({"flexible": {"name": ["n"], "email": ["mail", "email"]}});
        let out = flatten(&package, &[], &resource.outputs, &body);
        assert_eq!(
            out["flexible"],
            Value::from(r#"{"email":["mail","email"],"name":["n"]}"#)
        );
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_keeps_list_order() {
        let a: Json = serde_json::from_str(r#"{"b": {"y": 1, "x": [2, 1]}, "a": null}"#).unwrap();
        assert_eq!(canonical_json(&a), r#"{"a":null,"b":{"x":[2,1],"y":1}}"#);
    }

    #[test]
    fn nested_properties_the_schema_marks_secret_are_read_as_secrets() {
        let package = Package::parse(
            r##"{"types": {"t:index/Blob:Blob": {"type": "object", "properties": {
                   "accountName": {"type": "string"}, "key": {"type": "string", "secret": true}}}},
                 "resources": {"t:index/x:X": {"properties": {"blob": {"$ref": "#/types/t:index/Blob:Blob"}}}}}"##,
        )
        .unwrap();
        let resource = package.resource("t:index/x:X").unwrap();
        let body = json!({"blob": {"account_name": "acct", "key": "s3cr3t"}});
        let out = flatten(&package, &[], &resource.outputs, &body);
        let Value::Object(blob) = &out["blob"] else {
            panic!("blob is not an object: {out:?}")
        };
        assert_eq!(blob["accountName"], Value::from("acct"));
        assert_eq!(blob["key"], Value::from("s3cr3t").into_secret());
    }
}
