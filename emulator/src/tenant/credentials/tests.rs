use super::*;
use crate::tenant::fixtures::tenant;

fn certificate() -> String {
    crate::keys::SigningKey::shared()
        .unwrap()
        .cert_pem()
        .to_string()
}

fn client_with_credential(t: &mut Tenant) -> (String, String) {
    let c = t.create_client(&json!({"name": "c"})).unwrap();
    let id = c["client_id"].as_str().unwrap().to_string();
    let cred = t
        .create_credential(
            &id,
            &json!({"credential_type": "public_key", "pem": certificate()}),
        )
        .unwrap();
    (id, cred["id"].as_str().unwrap().to_string())
}

#[test]
fn a_stored_credential_keeps_its_pem_and_client_but_answers_neither() {
    let mut t = tenant();
    let (id, cred) = client_with_credential(&mut t);
    let stored = &t.credentials[&cred];
    assert_eq!(stored["client_id"], id.as_str());
    assert!(stored["pem"].as_str().unwrap().contains("CERTIFICATE"));
    let answered = t.credential(&id, &cred).unwrap();
    assert!(answered.get("pem").is_none() && answered.get("client_id").is_none());
    assert_eq!(
        t.list_credentials(&id).unwrap(),
        vec![Value::Object(answered)]
    );
}

#[test]
fn a_credential_is_only_found_under_its_own_client() {
    let mut t = tenant();
    let (_, cred) = client_with_credential(&mut t);
    let other = t.create_client(&json!({"name": "other"})).unwrap();
    let other = other["client_id"].as_str().unwrap();
    assert_eq!(
        t.credential(other, &cred).unwrap_err().error_code,
        Some("inexistent_credential")
    );
    // Deleting it through another client deletes nothing.
    t.delete_credential(other, &cred).unwrap();
    assert!(t.credentials.contains_key(&cred));
}

#[test]
fn a_client_created_with_too_many_inline_credentials_is_refused_and_nothing_is_stored() {
    let mut t = tenant();
    let key = json!({"credential_type": "public_key", "pem": certificate()});
    let before = t.clients.len();
    let err = t
        .create_client(&json!({
            "name": "c",
            "client_authentication_methods": {"private_key_jwt": {"credentials": [key, key]}}
        }))
        .unwrap_err();
    assert_eq!(err.status, 409, "{}", err.message);
    assert_eq!((t.clients.len(), t.credentials.len()), (before, 0));
}

#[test]
fn a_credential_is_seeded_under_an_existing_client_with_its_kid_from_the_pem() {
    let mut t = tenant();
    t.seed(&json!({
        "clients": [{"client_id": "seededseededseededseededseeded12", "name": "s"}],
        "credentials": [{"client_id": "seededseededseededseededseeded12", "id": "cred_seeded", "pem": certificate()}]
    }))
    .unwrap();
    let c = t
        .credential("seededseededseededseededseeded12", "cred_seeded")
        .unwrap();
    assert_eq!(
        c["kid"].as_str(),
        crate::thumbprint::rsa_cert_thumbprint(&certificate()).as_deref()
    );
    assert_eq!(
        (c["alg"].as_str(), c["credential_type"].as_str()),
        (Some("RS256"), Some("public_key"))
    );
    let err = t
        .seed(&json!({"credentials": [{"client_id": "nobody", "kid": "k1234567890"}]}))
        .unwrap_err();
    assert!(err.contains("seed the client first"), "{err}");
}

#[test]
fn only_the_credentials_private_key_jwt_names_sign_assertions() {
    let mut t = tenant();
    let (id, cred) = client_with_credential(&mut t);
    assert!(
        t.assertion_keys(&id).is_none(),
        "not on private_key_jwt yet"
    );
    t.update_client(
        &id,
        &json!({"client_authentication_methods": {"private_key_jwt": {"credentials": [{"id": cred}]}}, "token_endpoint_auth_method": null}),
    )
    .unwrap();
    let keys = t.assertion_keys(&id).unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].alg, "RS256");
    assert!(t.assertion_keys("nobody").is_none());
}
