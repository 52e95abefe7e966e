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
fn nested_routes_find_their_operation_whatever_their_parameters_are_called() {
    check_query(
        "GET",
        "/api/v2/clients/{id}/credentials",
        Some("include_totals=true&per_page=50"),
    )
    .unwrap();
    let err = check_query(
        "GET",
        "/api/v2/clients/{id}/credentials/{credential_id}",
        Some("per_page=50"),
    )
    .unwrap_err();
    assert_eq!(err.status, 400);
}

#[test]
fn a_query_value_outside_its_enum_is_rejected() {
    check_query("GET", "/api/v2/client-grants", Some("subject_type=user")).unwrap();
    let err = check_query("GET", "/api/v2/client-grants", Some("subject_type=robot")).unwrap_err();
    assert_eq!(
        err.message,
        "Query validation error: 'No enum match for: \"robot\"' on property subject_type. Allowed values: client, user"
    );
    check_query(
        "GET",
        "/api/v2/client-grants",
        Some("allow_any_organization=true"),
    )
    .unwrap();
    assert!(check_query(
        "GET",
        "/api/v2/client-grants",
        Some("allow_any_organization=false")
    )
    .is_err());
}

#[test]
fn a_credential_needs_a_type_and_its_patch_changes_only_the_expiry() {
    assert_eq!(
        message(RequestSchema::CreateClientCredential, json!({"pem": "x"})),
        "Payload validation error: 'Missing required property: credential_type'."
    );
    validate(
        RequestSchema::CreateClientCredential,
        &json!({"name":"Testing Credentials 2","credential_type":"public_key","pem":"x","alg":"RS256","parse_expiry_from_cert":false,"expires_at":"2095-05-13T09:33:13Z"}),
    )
    .unwrap();
    assert!(message(
        RequestSchema::CreateClientCredential,
        json!({"credential_type": "public_key", "alg": "HS256"})
    )
    .contains("No enum match"));
    validate(
        RequestSchema::UpdateClientCredential,
        &json!({"expires_at": null}),
    )
    .unwrap();
    assert!(
        message(RequestSchema::UpdateClientCredential, json!({})).contains("Too few properties")
    );
    assert!(
        message(RequestSchema::UpdateClientCredential, json!({"name": "x"}))
            .contains("Additional properties")
    );
}

#[test]
fn the_recorded_switch_back_to_a_secret_validates() {
    validate(
        RequestSchema::UpdateClient,
        &json!({"client_authentication_methods":null,"signed_request_object":null,"token_endpoint_auth_method":"client_secret_post"}),
    )
    .unwrap();
    validate(
        RequestSchema::UpdateClient,
        &json!({"client_authentication_methods":{"private_key_jwt":{"credentials":[{"id":"cred_fquyqiJaDoUm1ZCWhwUzUZ"},{"id":"cred_xxZHKAnUa3d9h3U1Cq8MKE"}]}},"token_endpoint_auth_method":null}),
    )
    .unwrap();
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
