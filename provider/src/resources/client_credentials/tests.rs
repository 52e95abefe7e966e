use super::*;

#[test]
fn the_view_names_the_method_and_fills_credentials_from_auth0_and_the_program() {
    let client = json!({
        "client_id": "abc", "client_secret": "s3cret", "token_endpoint_auth_method": null,
        "client_authentication_methods": {"private_key_jwt": {"credentials": [{"id": "cred_1"}]}}
    });
    let registered = vec![json!({"id": "cred_1", "kid": "k1", "alg": "RS256",
        "credential_type": "public_key", "created_at": "2026-01-01T00:00:00.000Z"})];
    let program: Map<String, Json> =
        serde_json::from_value(json!({"id": "cred_1", "pem": "PEM"})).unwrap();
    let v = view(&client, &registered, &[("private_key_jwt", vec![program])]);
    assert_eq!(v["authentication_method"], "private_key_jwt");
    assert_eq!(v["client_secret"], "s3cret");
    assert_eq!(
        v["private_key_jwt"]["credentials"][0],
        json!({"id": "cred_1", "key_id": "k1", "algorithm": "RS256", "credential_type": "public_key",
               "created_at": "2026-01-01T00:00:00.000Z", "pem": "PEM"})
    );
}

#[test]
fn an_unchanged_credential_keeps_its_id_and_a_removed_one_is_retired() {
    let old = vec![(
        "private_key_jwt",
        vec![
            serde_json::from_value(json!({"id": "cred_1", "pem": "A"})).unwrap(),
            serde_json::from_value(json!({"id": "cred_2", "pem": "B"})).unwrap(),
        ],
    )];
    let wanted: Map<String, Json> = serde_json::from_value(json!({
        "authentication_method": "private_key_jwt",
        "private_key_jwt": {"credentials": [{"pem": "B"}, {"pem": "C"}]}
    }))
    .unwrap();
    let matched = with_ids(
        entries(wanted.get("private_key_jwt")),
        &old,
        "private_key_jwt",
    );
    assert_eq!(matched[0].get("id"), Some(&json!("cred_2")));
    assert_eq!(matched[1].get("id"), None);
    assert_eq!(retired_ids(&old, &wanted), vec!["cred_1".to_string()]);
}

#[test]
fn switching_to_a_secret_method_retires_every_credential() {
    let old = vec![(
        "private_key_jwt",
        vec![serde_json::from_value(json!({"id": "cred_1", "pem": "A"})).unwrap()],
    )];
    let wanted: Map<String, Json> =
        serde_json::from_value(json!({"authentication_method": "client_secret_post"})).unwrap();
    assert_eq!(retired_ids(&old, &wanted), vec!["cred_1".to_string()]);
}

#[test]
fn a_registration_uses_auth0_names_and_the_block_type() {
    let entry: Map<String, Json> = serde_json::from_value(
        json!({"name": "k", "pem": "PEM", "algorithm": "RS384", "parse_expiry_from_cert": true}),
    )
    .unwrap();
    assert_eq!(
        registration(&entry, credential_type("private_key_jwt")),
        json!({"credential_type": "public_key", "name": "k", "pem": "PEM", "alg": "RS384",
               "parse_expiry_from_cert": true})
    );
}
