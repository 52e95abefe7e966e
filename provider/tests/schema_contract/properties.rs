//! Single properties as promised: the client secret, its rotation trigger, scopes, the scope alias, the default description.

use super::*;

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
