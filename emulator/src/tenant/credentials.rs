//! Client credentials (`/clients/{client_id}/credentials`): the public keys and certificates a
//! client authenticates with instead of a secret, and the checks on a client's references to them
//! in `client_authentication_methods` and `signed_request_object`.
//!
//! Facts from the recordings (TestAccClientCredentialsImport, TestAccClientCredentialsPrivateKeyJWTFullRotation,
//! TestAccClientAuthenticationMethodsPrivateKeyJWT): a `public_key` credential answers `id`,
//! `credential_type`, `kid` (the key's RFC 7638 thumbprint), `alg`, `name` (when given),
//! `created_at`, `updated_at` and `expires_at` (when set), never the PEM; PATCH answers 200; a
//! listing is a bare array whatever paging parameters are sent. From Auth0's docs: a client holds at
//! most two credentials, and the same key cannot be uploaded twice to one client.

use serde_json::{json, Value};

use super::{random_alnum, Object, Tenant};
use crate::client_assertion::AssertionKey;
use crate::credential_key::CredentialKey;
use crate::error::ApiError;
use crate::schema::{validate, RequestSchema};
use crate::timestamp;

/// "The current application storage limit is two credentials at one time" (Auth0, Rotate Credentials).
const MAX_CREDENTIALS_PER_CLIENT: usize = 2;

/// Stored with a credential, never answered: its client and the PEM it was created from.
const INTERNAL_FIELDS: &[&str] = &["client_id", "pem"];

/// The credential type each client authentication method takes.
const METHOD_TYPES: &[(&str, &str)] = &[
    ("private_key_jwt", "public_key"),
    ("tls_client_auth", "cert_subject_dn"),
    ("self_signed_tls_client_auth", "x509_cert"),
];

fn new_credential_id() -> String {
    format!("cred_{}", random_alnum(22))
}

/// A credential as the API answers it.
fn credential_view(stored: &Object) -> Object {
    let mut view = stored.clone();
    for k in INTERNAL_FIELDS {
        view.shift_remove(*k);
    }
    view
}

fn credential_not_found() -> ApiError {
    ApiError::new(
        404,
        "The credential does not exist",
        Some("inexistent_credential"),
    )
}

fn date_time(field: &str, value: &Value) -> Result<String, ApiError> {
    value
        .as_str()
        .and_then(timestamp::parse_rfc3339)
        .map(timestamp::format_millis)
        .ok_or_else(|| {
            ApiError::payload(format!(
                "'Object didn't pass validation for format date-time: {}' on property {field}.",
                value.as_str().unwrap_or_default()
            ))
        })
}

/// The ids a `{credentials: [{id}]}` object refers to.
fn referenced_ids(method: &Value) -> Vec<String> {
    method
        .get("credentials")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Tenant {
    fn credentials_of<'t>(&'t self, client_id: &'t str) -> impl Iterator<Item = &'t Object> + 't {
        self.credentials
            .values()
            .filter(move |c| c.get("client_id").and_then(Value::as_str) == Some(client_id))
    }

    /// Build a credential for `client_id` from a create body (already schema-checked), without
    /// storing it.
    fn new_credential(&self, client_id: &str, body: &Object) -> Result<Object, ApiError> {
        let text = |k: &str| body.get(k).and_then(Value::as_str);
        let credential_type = text("credential_type").unwrap_or("public_key");
        let pem = text("pem");
        let key = match pem {
            Some(pem) => Some(CredentialKey::from_pem(pem).map_err(|why| {
                ApiError::payload(format!(
                    "'pem {why}; give a PEM public key (SPKI or PKCS#1) or an X.509 certificate' on property pem."
                ))
            })?),
            None => None,
        };
        let now = timestamp::format_millis(timestamp::now_millis());
        let mut c = Object::new();
        c.insert("id".into(), json!(new_credential_id()));
        c.insert("credential_type".into(), json!(credential_type));
        match credential_type {
            "public_key" => {
                let key = key
                    .as_ref()
                    .ok_or_else(|| ApiError::payload("'Missing required property: pem'."))?;
                if key.bits() < 2048 {
                    return Err(ApiError::payload(format!(
                        "'pem is a {}-bit RSA key; use 2048 bits or more' on property pem.",
                        key.bits()
                    )));
                }
                let kid = text("kid")
                    .map(str::to_string)
                    .unwrap_or_else(|| key.jwk_thumbprint());
                c.insert("kid".into(), json!(kid));
                c.insert("alg".into(), json!(text("alg").unwrap_or("RS256")));
            }
            "x509_cert" => {
                let thumbprint = key
                    .as_ref()
                    .ok_or_else(|| ApiError::payload("'Missing required property: pem'."))?
                    .certificate_thumbprint()
                    .ok_or_else(|| {
                        ApiError::payload(
                            "'pem is not an X.509 certificate; an x509_cert credential needs one' on property pem.",
                        )
                    })?;
                c.insert("thumbprint_sha256".into(), json!(thumbprint));
            }
            _ => {
                // cert_subject_dn: the subject DN a CA-signed client certificate must carry.
                let dn = text("subject_dn")
                    .ok_or_else(|| ApiError::payload("'Missing required property: subject_dn'."))?;
                c.insert("subject_dn".into(), json!(dn));
            }
        }
        if let Some(name) = body.get("name") {
            c.insert("name".into(), name.clone());
        }
        c.insert("created_at".into(), json!(now));
        c.insert("updated_at".into(), json!(now));
        // An explicit expires_at wins over the certificate's (the Terraform provider's docs of
        // parse_expiry_from_cert).
        let expires_at = match body.get("expires_at") {
            Some(v) => Some(date_time("expires_at", v)?),
            None if body.get("parse_expiry_from_cert") == Some(&Value::Bool(true)) => {
                let not_after = key
                    .as_ref()
                    .and_then(CredentialKey::not_after_millis)
                    .ok_or_else(|| {
                        ApiError::payload(
                            "'parse_expiry_from_cert needs pem to be an X.509 certificate' on property parse_expiry_from_cert.",
                        )
                    })?;
                Some(timestamp::format_millis(not_after))
            }
            None => None,
        };
        if let Some(at) = expires_at {
            c.insert("expires_at".into(), json!(at));
        }
        if let Some(kid) = c.get("kid").and_then(Value::as_str) {
            if self
                .credentials_of(client_id)
                .any(|other| other.get("kid").and_then(Value::as_str) == Some(kid))
            {
                return Err(ApiError::conflict(format!(
                    "Client {client_id} already has a credential with kid {kid}; the same key cannot be uploaded twice"
                )));
            }
        }
        c.insert("client_id".into(), json!(client_id));
        if let Some(pem) = pem {
            c.insert("pem".into(), json!(pem));
        }
        Ok(c)
    }

    fn check_room_for(&self, client_id: &str, more: usize) -> Result<(), ApiError> {
        let held = self.credentials_of(client_id).count();
        if held + more > MAX_CREDENTIALS_PER_CLIENT {
            return Err(ApiError::bad_request(
                format!(
                    "Client {client_id} already holds {held} credentials, the most a client can hold is {MAX_CREDENTIALS_PER_CLIENT}; delete an unused one first"
                ),
                "too_many_credentials",
            ));
        }
        Ok(())
    }

    pub fn create_credential(&mut self, client_id: &str, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::CreateClientCredential, body)?;
        self.client(client_id)?;
        self.check_room_for(client_id, 1)?;
        let body = body.as_object().cloned().unwrap_or_default();
        let c = self.new_credential(client_id, &body)?;
        let id = c["id"].as_str().unwrap_or_default().to_string();
        self.credentials.insert(id, c.clone());
        Ok(credential_view(&c))
    }

    /// A client's credentials, ordered by kid as every recorded listing is.
    pub fn list_credentials(&self, client_id: &str) -> Result<Vec<Value>, ApiError> {
        self.client(client_id)?;
        let mut list: Vec<&Object> = self.credentials_of(client_id).collect();
        list.sort_by_key(|c| c.get("kid").and_then(Value::as_str).unwrap_or(""));
        Ok(list
            .into_iter()
            .map(|c| Value::Object(credential_view(c)))
            .collect())
    }

    fn stored_credential(&self, client_id: &str, credential_id: &str) -> Result<&Object, ApiError> {
        self.client(client_id)?;
        self.credentials
            .get(credential_id)
            .filter(|c| c.get("client_id").and_then(Value::as_str) == Some(client_id))
            .ok_or_else(credential_not_found)
    }

    pub fn credential(&self, client_id: &str, credential_id: &str) -> Result<Object, ApiError> {
        self.stored_credential(client_id, credential_id)
            .map(credential_view)
    }

    /// PATCH changes only `expires_at`; null removes it.
    pub fn update_credential(
        &mut self,
        client_id: &str,
        credential_id: &str,
        body: &Value,
    ) -> Result<Object, ApiError> {
        validate(RequestSchema::UpdateClientCredential, body)?;
        self.stored_credential(client_id, credential_id)?;
        let expires_at = match body.get("expires_at") {
            Some(Value::Null) | None => None,
            Some(v) => Some(date_time("expires_at", v)?),
        };
        let Some(c) = self.credentials.get_mut(credential_id) else {
            return Err(credential_not_found());
        };
        match expires_at {
            Some(at) => {
                c.insert("expires_at".into(), json!(at));
            }
            None => {
                c.shift_remove("expires_at");
            }
        }
        let now = timestamp::format_millis(timestamp::now_millis());
        c.insert("updated_at".into(), json!(now));
        Ok(credential_view(c))
    }

    /// Delete a credential. One still named by the client's authentication methods or signed
    /// request object is refused; a missing one (or a missing client) is already gone, which
    /// succeeds like every Auth0 DELETE (none of them lists a 404).
    pub fn delete_credential(
        &mut self,
        client_id: &str,
        credential_id: &str,
    ) -> Result<(), ApiError> {
        let Ok(client) = self.client(client_id) else {
            return Ok(());
        };
        if self.stored_credential(client_id, credential_id).is_err() {
            return Ok(());
        }
        let methods = client.get("client_authentication_methods");
        let in_use = METHOD_TYPES
            .iter()
            .filter_map(|(m, _)| methods.and_then(|ms| ms.get(*m)).map(|v| (*m, v)))
            .chain(
                client
                    .get("signed_request_object")
                    .map(|v| ("signed_request_object", v)),
            )
            .find(|(_, v)| referenced_ids(v).iter().any(|id| id == credential_id));
        if let Some((method, _)) = in_use {
            return Err(ApiError::bad_request(
                format!(
                    "Credential {credential_id} is in use by the client's {method}; remove it from there (PATCH /api/v2/clients/{client_id}) before deleting it"
                ),
                "credential_in_use",
            ));
        }
        self.credentials.shift_remove(credential_id);
        Ok(())
    }

    /// Remove every credential of a deleted client.
    pub(super) fn forget_credentials_of(&mut self, client_id: &str) {
        self.credentials
            .retain(|_, c| c.get("client_id").and_then(Value::as_str) != Some(client_id));
    }

    /// Check a client's `client_authentication_methods` and `signed_request_object` (as they will
    /// be stored) against its credentials: every referenced id must be one of the client's
    /// credentials, of the type the method takes.
    pub(super) fn check_credential_references(
        &self,
        client_id: &str,
        client: &Object,
    ) -> Result<(), ApiError> {
        let mut refs: Vec<(String, &str, String)> = Vec::new();
        if let Some(methods) = client
            .get("client_authentication_methods")
            .and_then(Value::as_object)
        {
            for (method, wanted) in METHOD_TYPES {
                if let Some(m) = methods.get(*method) {
                    for id in referenced_ids(m) {
                        refs.push((
                            format!("client_authentication_methods.{method}"),
                            wanted,
                            id,
                        ));
                    }
                }
            }
        }
        if let Some(sro) = client.get("signed_request_object") {
            for id in referenced_ids(sro) {
                refs.push(("signed_request_object".into(), "public_key", id));
            }
        }
        for (property, wanted, id) in refs {
            let found = self
                .credentials
                .get(&id)
                .filter(|c| c.get("client_id").and_then(Value::as_str) == Some(client_id));
            let Some(found) = found else {
                return Err(ApiError::bad_request(
                    format!(
                        "{property}.credentials: {id} is not a credential of client {client_id}; create it with POST /api/v2/clients/{client_id}/credentials first"
                    ),
                    "invalid_body",
                ));
            };
            let actual = found
                .get("credential_type")
                .and_then(Value::as_str)
                .unwrap_or("");
            if actual != wanted {
                return Err(ApiError::bad_request(
                    format!("{property}.credentials: {id} is a {actual} credential; this method takes {wanted} credentials"),
                    "invalid_body",
                ));
            }
        }
        Ok(())
    }

    /// On create, `client_authentication_methods` and `signed_request_object` carry whole
    /// credentials (PEM and all) rather than ids (ClientCreateAuthenticationMethod,
    /// ClientSignedRequestObjectWithPublicKey): build them and leave only their ids in `body`.
    /// The caller stores the returned credentials once it stores the client.
    pub(super) fn take_inline_credentials(
        &self,
        client_id: &str,
        body: &mut Object,
    ) -> Result<Vec<Object>, ApiError> {
        let mut created: Vec<Object> = Vec::new();
        let mut lists: Vec<&mut Value> = Vec::new();
        for (key, value) in body.iter_mut() {
            match (key.as_str(), value) {
                ("client_authentication_methods", Value::Object(methods)) => {
                    lists.extend(
                        methods
                            .values_mut()
                            .filter_map(|m| m.get_mut("credentials")),
                    );
                }
                ("signed_request_object", v) => lists.extend(v.get_mut("credentials")),
                _ => {}
            }
        }
        for list in lists {
            let Some(items) = list.as_array_mut() else {
                continue;
            };
            for item in items.iter_mut() {
                let Some(definition) = item.as_object().cloned() else {
                    continue;
                };
                let c = self.new_credential(client_id, &definition)?;
                let kid = c.get("kid").and_then(Value::as_str);
                if kid.is_some()
                    && created
                        .iter()
                        .any(|o| o.get("kid").and_then(Value::as_str) == kid)
                {
                    return Err(ApiError::conflict(format!(
                        "The same key is given twice (kid {}); the same key cannot be uploaded twice",
                        kid.unwrap_or_default()
                    )));
                }
                *item = json!({"id": c["id"]});
                created.push(c);
            }
        }
        if created.len() > MAX_CREDENTIALS_PER_CLIENT {
            return Err(ApiError::bad_request(
                format!(
                    "A client can hold at most {MAX_CREDENTIALS_PER_CLIENT} credentials; this one gives {}",
                    created.len()
                ),
                "too_many_credentials",
            ));
        }
        Ok(created)
    }

    /// Store credentials built for a client.
    pub(super) fn store_credentials(&mut self, credentials: Vec<Object>) {
        for c in credentials {
            let id = c["id"].as_str().unwrap_or_default().to_string();
            self.credentials.insert(id, c);
        }
    }

    /// Add a credential from a seed: it names its `client_id`; the id, type (public_key), alg
    /// (RS256), kid (from `pem`) and timestamps are filled in when missing.
    pub(super) fn seed_credential(&mut self, mut c: Object) -> Result<(), String> {
        let client_id = c
            .get("client_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or("seed: credentials[].client_id is missing; name the client the credential belongs to")?;
        if self.clients.get(&client_id).is_none() {
            return Err(format!(
                "seed: credentials[].client_id \"{client_id}\" is not a client; seed the client first"
            ));
        }
        let id = c
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(new_credential_id);
        if self.credentials.contains_key(&id) {
            return Err(format!(
                "seed: credential {id} already exists; remove it from the seed"
            ));
        }
        c.insert("id".into(), json!(id));
        c.entry("credential_type")
            .or_insert_with(|| json!("public_key"));
        if c.get("credential_type") == Some(&json!("public_key")) {
            c.entry("alg").or_insert_with(|| json!("RS256"));
            if !c.contains_key("kid") {
                let pem = c.get("pem").and_then(Value::as_str).ok_or_else(|| {
                    format!(
                        "seed: credential {id} has neither kid nor pem; give its public key as pem"
                    )
                })?;
                let key = CredentialKey::from_pem(pem)
                    .map_err(|why| format!("seed: credential {id}: pem {why}"))?;
                c.insert("kid".into(), json!(key.jwk_thumbprint()));
            }
        }
        let now = timestamp::format_millis(timestamp::now_millis());
        c.entry("created_at").or_insert_with(|| json!(now));
        c.entry("updated_at").or_insert_with(|| json!(now));
        self.credentials.insert(id, c);
        Ok(())
    }

    /// The credentials a client may sign `private_key_jwt` assertions with: its `public_key`
    /// credentials named in `client_authentication_methods.private_key_jwt`. None when the client
    /// does not exist or does not use private_key_jwt.
    pub fn assertion_keys(&self, client_id: &str) -> Option<Vec<AssertionKey>> {
        let client = self.clients.get(client_id)?;
        let method = client
            .get("client_authentication_methods")?
            .get("private_key_jwt")?;
        let keys = referenced_ids(method)
            .iter()
            .filter_map(|id| self.credentials.get(id))
            .filter(|c| c.get("client_id").and_then(Value::as_str) == Some(client_id))
            .filter_map(|c| {
                let key = CredentialKey::from_pem(c.get("pem")?.as_str()?).ok()?;
                Some(AssertionKey {
                    kid: c.get("kid")?.as_str()?.to_string(),
                    alg: c.get("alg")?.as_str()?.to_string(),
                    key,
                    expires_at: c
                        .get("expires_at")
                        .and_then(Value::as_str)
                        .and_then(timestamp::parse_rfc3339),
                })
            })
            .collect();
        Some(keys)
    }
}

#[cfg(test)]
mod tests;
