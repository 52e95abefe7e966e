use super::*;
use crate::tenant::fixtures::tenant;

#[test]
fn a_created_client_gets_auth0s_defaults() {
    let mut t = tenant();
    let c = t.create_client(&json!({"name": "svc"})).unwrap();
    assert_eq!(c["client_id"].as_str().unwrap().len(), 32);
    assert_eq!(c["client_secret"].as_str().unwrap().len(), 64);
    assert_eq!(c["grant_types"], json!(DEFAULT_GRANT_TYPES));
    assert_eq!(
        c["jwt_configuration"],
        json!({"secret_encoded": false, "lifetime_in_seconds": 36000})
    );
    assert_eq!(c["refresh_token"]["token_lifetime"], 2592000);
    assert_eq!(c["is_first_party"], true);
}

#[test]
fn refresh_token_defaults_follow_the_token_endpoint_auth_method_not_the_app_type() {
    let mut t = tenant();
    let lifetimes = |c: &Object| {
        (
            c["refresh_token"]["token_lifetime"].clone(),
            c["refresh_token"]["idle_token_lifetime"].clone(),
        )
    };
    let longer = (json!(31557600), json!(2592000));
    let shorter = (json!(2592000), json!(1296000));
    for (body, expected) in [
        (
            json!({"name": "a", "app_type": "non_interactive", "token_endpoint_auth_method": "client_secret_post"}),
            &longer,
        ),
        (
            json!({"name": "b", "app_type": "regular_web", "token_endpoint_auth_method": "client_secret_post"}),
            &longer,
        ),
        (
            json!({"name": "c", "token_endpoint_auth_method": "client_secret_post"}),
            &longer,
        ),
        (
            json!({"name": "d", "app_type": "non_interactive"}),
            &shorter,
        ),
        (
            json!({"name": "e", "app_type": "native", "token_endpoint_auth_method": "none"}),
            &shorter,
        ),
        (
            json!({"name": "f", "app_type": "non_interactive", "token_endpoint_auth_method": "client_secret_basic"}),
            &shorter,
        ),
    ] {
        let c = t.create_client(&body).unwrap();
        assert_eq!(&lifetimes(&c), expected, "{body}");
    }
}

#[test]
fn patching_mobile_android_keeps_mobile_ios() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "app", "mobile": {
            "android": {"app_package_name": "com.example.old"},
            "ios": {"team_id": "TEAM", "app_bundle_identifier": "com.example"}
        }}))
        .unwrap();
    let id = c["client_id"].as_str().unwrap();
    let c = t
        .update_client(
            id,
            &json!({"mobile": {"android": {"app_package_name": "com.example.new"}}}),
        )
        .unwrap();
    assert_eq!(
        c["mobile"],
        json!({
            "android": {"app_package_name": "com.example.new"},
            "ios": {"team_id": "TEAM", "app_bundle_identifier": "com.example"}
        })
    );
}

#[test]
fn nested_objects_merge_one_level_deep_and_a_sent_sub_object_is_replaced_whole() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "app",
            "native_social_login": {"apple": {"enabled": true}, "facebook": {"enabled": true}},
            "jwt_configuration": {"alg": "HS256", "lifetime_in_seconds": 3600, "scopes": {"a": "b"}}
        }))
        .unwrap();
    let id = c["client_id"].as_str().unwrap();
    let c = t
        .update_client(
            id,
            &json!({
                "native_social_login": {"facebook": {"enabled": false}},
                "jwt_configuration": {"alg": "RS256", "scopes": {"c": "d"}}
            }),
        )
        .unwrap();
    assert_eq!(
        c["native_social_login"],
        json!({"apple": {"enabled": true}, "facebook": {"enabled": false}})
    );
    assert_eq!(
        c["jwt_configuration"],
        json!({"alg": "RS256", "lifetime_in_seconds": 3600, "scopes": {"c": "d"}})
    );
}

#[test]
fn refresh_token_is_replaced_whole_on_patch() {
    let mut t = tenant();
    let c = t.create_client(&json!({"name": "app"})).unwrap();
    let id = c["client_id"].as_str().unwrap();
    let sent = json!({"rotation_type": "rotating", "expiration_type": "expiring"});
    let c = t
        .update_client(id, &json!({"refresh_token": sent}))
        .unwrap();
    assert_eq!(c["refresh_token"], sent);
}

#[test]
fn oidc_logout_urls_are_mirrored_into_oidc_backchannel_logout() {
    let mut t = tenant();
    let urls = json!(["https://app.example.com/logout"]);
    let c = t
        .create_client(&json!({"name": "app", "oidc_logout": {"backchannel_logout_urls": urls}}))
        .unwrap();
    assert_eq!(
        c["oidc_backchannel_logout"],
        json!({"backchannel_logout_urls": urls})
    );
    let id = c["client_id"].as_str().unwrap().to_string();
    assert_eq!(
        t.client(&id).unwrap()["oidc_backchannel_logout"],
        c["oidc_backchannel_logout"]
    );

    let plain = t.create_client(&json!({"name": "plain"})).unwrap();
    assert!(!plain.contains_key("oidc_backchannel_logout"), "{plain:?}");
}

#[test]
fn the_deprecated_oidc_backchannel_logout_sets_oidc_logout_and_null_clears_both() {
    let mut t = tenant();
    let urls = json!(["https://app.example.com/logout"]);
    let c = t
        .create_client(
            &json!({"name": "app", "oidc_backchannel_logout": {"backchannel_logout_urls": urls}}),
        )
        .unwrap();
    assert_eq!(c["oidc_logout"], json!({"backchannel_logout_urls": urls}));
    let id = c["client_id"].as_str().unwrap();

    let newer = json!(["https://app.example.com/logout/v2"]);
    let c = t
        .update_client(
            id,
            &json!({"oidc_backchannel_logout": {"backchannel_logout_urls": newer}}),
        )
        .unwrap();
    assert_eq!(c["oidc_logout"]["backchannel_logout_urls"], newer);
    assert_eq!(
        c["oidc_backchannel_logout"]["backchannel_logout_urls"],
        newer
    );

    let c = t
        .update_client(id, &json!({"oidc_backchannel_logout": null}))
        .unwrap();
    assert!(!c.contains_key("oidc_logout"), "{c:?}");
    assert!(!c.contains_key("oidc_backchannel_logout"), "{c:?}");
}

#[test]
fn client_metadata_merges_and_null_removes_a_key() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "m", "client_metadata": {"bar": "baz", "foo": "zoo"}}))
        .unwrap();
    let id = c["client_id"].as_str().unwrap();
    let c = t
        .update_client(id, &json!({"client_metadata": {"bar": null, "new": "x"}}))
        .unwrap();
    assert_eq!(c["client_metadata"], json!({"foo": "zoo", "new": "x"}));
}

#[test]
fn a_refused_patch_changes_nothing() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "before", "client_metadata": {"k0": "v"}}))
        .unwrap();
    let id = c["client_id"].as_str().unwrap().to_string();
    let too_many: Object = (1..=10).map(|i| (format!("k{i}"), json!("v"))).collect();
    let err = t
        .update_client(
            &id,
            &json!({"name": "after", "description": "d", "client_metadata": too_many}),
        )
        .unwrap_err();
    assert_eq!(err.status, 400);
    assert_eq!(t.client(&id).unwrap(), &c);
}

#[test]
fn patching_addons_to_null_removes_them_as_recorded() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "a", "addons": {"slack": {"team": "x"}}}))
        .unwrap();
    let id = c["client_id"].as_str().unwrap();
    let c = t.update_client(id, &json!({"addons": null})).unwrap();
    assert!(c.get("addons").is_none());
}

#[test]
fn patching_a_non_nullable_field_to_null_is_refused_and_changes_nothing() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "a", "description": "kept"}))
        .unwrap();
    let id = c["client_id"].as_str().unwrap();
    let err = t
        .update_client(id, &json!({"name": "b", "description": null}))
        .unwrap_err();
    assert_eq!(err.status, 400);
    assert_eq!(
        err.message,
        "Payload validation error: 'Expected type string but found type null' on property description."
    );
    let c = t.client(id).unwrap();
    assert_eq!(
        (c["name"].as_str(), c["description"].as_str()),
        (Some("a"), Some("kept"))
    );
}

#[test]
fn fedcm_login_is_stored_and_returned_on_create_and_update() {
    let mut t = tenant();
    let c = t
        .create_client(&json!({"name": "f", "fedcm_login": {"google": {"is_enabled": true}}}))
        .unwrap();
    assert_eq!(c["fedcm_login"], json!({"google": {"is_enabled": true}}));
    let id = c["client_id"].as_str().unwrap();
    t.update_client(
        id,
        &json!({"fedcm_login": {"google": {"is_enabled": false}}}),
    )
    .unwrap();
    assert_eq!(
        t.client(id).unwrap()["fedcm_login"],
        json!({"google": {"is_enabled": false}})
    );
}

#[test]
fn updating_a_missing_client_is_inexistent_client() {
    let mut t = tenant();
    let err = t.update_client("nope", &json!({"name": "x"})).unwrap_err();
    assert_eq!(err.error_code, Some("inexistent_client"));
    assert_eq!(err.status, 404);
}

#[test]
fn deleting_a_client_deletes_its_grants() {
    let mut t = tenant();
    t.create_resource_server(&json!({"identifier": "https://a/"}))
        .unwrap();
    let c = t.create_client(&json!({"name": "c"})).unwrap();
    let id = c["client_id"].as_str().unwrap().to_string();
    let g = t
        .create_client_grant(&json!({"client_id": id, "audience": "https://a/", "scope": []}))
        .unwrap();
    t.delete_client(&id).unwrap();
    assert!(t.client_grant(g["id"].as_str().unwrap()).is_err());
}
