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
