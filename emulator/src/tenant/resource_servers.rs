//! Resource servers (APIs): lookup by id or identifier, defaults, the system API's guard and the
//! token encryption thumbprint.

use serde_json::{json, Value};

use super::filter::Filter;
use super::paging::{ListQuery, TotalsShape};
use super::{new_resource_server_id, Object, Tenant};
use crate::error::ApiError;
use crate::schema::{validate, RequestSchema};

impl Tenant {
    /// Find a resource server by its id or its identifier, as the `{id}` routes do.
    fn find_resource_server(&self, id_or_identifier: &str) -> Option<&Object> {
        self.resource_servers.get(id_or_identifier).or_else(|| {
            self.resource_servers
                .values()
                .find(|rs| rs.get("identifier").and_then(Value::as_str) == Some(id_or_identifier))
        })
    }

    /// Find a resource server by its identifier only, as Auth0 does for token audiences, grant
    /// audiences and identifier conflicts (only the `{id}` routes also accept the id).
    pub fn resource_server_by_identifier(&self, identifier: &str) -> Option<&Object> {
        self.resource_servers
            .values()
            .find(|rs| rs.get("identifier").and_then(Value::as_str) == Some(identifier))
    }

    fn resource_server_id(&self, id_or_identifier: &str) -> Option<String> {
        self.find_resource_server(id_or_identifier)
            .and_then(|rs| rs.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    pub fn resource_server(&self, id_or_identifier: &str) -> Result<&Object, ApiError> {
        self.find_resource_server(id_or_identifier)
            .ok_or_else(ApiError::resource_server_not_found)
    }

    pub(super) fn resource_server_with_defaults(&self, mut body: Object) -> Object {
        let mut rs = Object::new();
        let id = body
            .remove("id")
            .unwrap_or_else(|| json!(new_resource_server_id()));
        rs.insert("id".into(), id);
        for k in ["name", "identifier"] {
            if let Some(v) = body.remove(k) {
                rs.insert(k.into(), v);
            }
        }
        for (k, default) in [
            ("allow_offline_access", json!(false)),
            (
                "skip_consent_for_verifiable_first_party_clients",
                json!(false),
            ),
            (
                "subject_type_authorization",
                json!({"user": {"policy": "allow_all"}, "client": {"policy": "require_client_grant"}}),
            ),
            ("token_lifetime", json!(86400)),
            ("token_lifetime_for_web", json!(7200)),
            ("signing_alg", json!("RS256")),
        ] {
            rs.insert(k.into(), body.remove(k).unwrap_or(default));
        }
        for (k, v) in body {
            if !v.is_null() {
                rs.insert(k, v);
            }
        }
        rs
    }

    pub fn create_resource_server(&mut self, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::CreateResourceServer, body)?;
        let mut body = body.as_object().cloned().unwrap_or_default();
        store_encryption_key(&mut body)?;
        let identifier = body.get("identifier").and_then(Value::as_str).unwrap_or("");
        if self.resource_server_by_identifier(identifier).is_some() {
            return Err(ApiError::conflict(
                "A resource server with the same identifier already exists.",
            ));
        }
        let rs = self.resource_server_with_defaults(body);
        let id = rs["id"].as_str().unwrap_or_default().to_string();
        self.resource_servers.insert(id, rs.clone());
        Ok(rs)
    }

    pub fn update_resource_server(&mut self, key: &str, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::UpdateResourceServer, body)?;
        let id = self
            .resource_server_id(key)
            .ok_or_else(ApiError::resource_server_not_found)?;
        if id == self.system_api_id {
            // Auth0 refuses changes to the system API; the exact message is ours.
            return Err(ApiError::new(
                403,
                "The system resource server Auth0 Management API cannot be updated",
                Some("operation_not_supported"),
            ));
        }
        let rs = self
            .resource_servers
            .get_mut(&id)
            .ok_or_else(ApiError::resource_server_not_found)?;
        let mut body = body.as_object().cloned().unwrap_or_default();
        store_encryption_key(&mut body)?;
        for (k, v) in body {
            if v.is_null() {
                rs.shift_remove(&k);
            } else {
                rs.insert(k, v);
            }
        }
        Ok(rs.clone())
    }

    /// Delete an API and the grants to it. Deleting a missing one succeeds, as in Auth0.
    pub fn delete_resource_server(&mut self, key: &str) -> Result<(), ApiError> {
        let Some(id) = self.resource_server_id(key) else {
            return Ok(());
        };
        if id == self.system_api_id {
            return Err(ApiError::new(
                403,
                "The system resource server Auth0 Management API cannot be deleted",
                Some("operation_not_supported"),
            ));
        }
        if let Some(rs) = self.resource_servers.shift_remove(&id) {
            let identifier = rs.get("identifier").cloned();
            self.client_grants
                .retain(|_, g| g.get("audience") != identifier.as_ref());
        }
        Ok(())
    }

    pub fn list_resource_servers(&self, q: &ListQuery) -> Result<Value, ApiError> {
        let identifiers = q.all("identifiers");
        if identifiers.len() > 10 {
            return Err(ApiError::query(
                "'Array is too long (more than 10 identifiers), maximum 10' on property identifiers.",
            ));
        }
        Filter::new().one_of("identifier", identifiers).page(
            &self.resource_servers,
            q,
            "resource_servers",
            TotalsShape::Plain,
        )
    }
}

/// Auth0 keeps a token encryption certificate but answers with its thumbprint only.
fn store_encryption_key(body: &mut Object) -> Result<(), ApiError> {
    let Some(key) = body
        .get_mut("token_encryption")
        .and_then(|t| t.get_mut("encryption_key"))
        .and_then(Value::as_object_mut)
    else {
        return Ok(());
    };
    if let Some(pem) = key.shift_remove("pem") {
        let thumbprint = pem
            .as_str()
            .and_then(crate::thumbprint::rsa_cert_thumbprint)
            .ok_or_else(|| {
                ApiError::payload(
                    "'token_encryption.encryption_key.pem is not a PEM X.509 certificate with an RSA key' on property token_encryption.encryption_key.pem.",
                )
            })?;
        key.insert("thumbprint_sha256".into(), json!(thumbprint));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::fixtures::tenant;

    #[test]
    fn an_apis_ephemeral_session_access_and_verification_location_are_stored() {
        let mut t = tenant();
        let rs = t
            .create_resource_server(&json!({
                "identifier": "https://a/",
                "allow_online_access_with_ephemeral_sessions": true,
                "verificationLocation": "https://verify.example.com"
            }))
            .unwrap();
        assert_eq!(rs["allow_online_access_with_ephemeral_sessions"], true);
        assert_eq!(rs["verificationLocation"], "https://verify.example.com");
        let rs = t
            .update_resource_server(
                "https://a/",
                &json!({"allow_online_access_with_ephemeral_sessions": false, "verificationLocation": "https://v2.example.com"}),
            )
            .unwrap();
        assert_eq!(rs["allow_online_access_with_ephemeral_sessions"], false);
        assert_eq!(rs["verificationLocation"], "https://v2.example.com");
    }

    #[test]
    fn a_duplicate_api_identifier_is_a_conflict() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let err = t
            .create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap_err();
        assert_eq!(err.status, 409);
    }

    #[test]
    fn deleting_an_api_deletes_the_grants_to_it() {
        let mut t = tenant();
        let rs = t
            .create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        let g = t
            .create_client_grant(&json!({"client_id": c["client_id"], "audience": "https://a/"}))
            .unwrap();
        t.delete_resource_server(rs["id"].as_str().unwrap())
            .unwrap();
        assert!(t.client_grant(g["id"].as_str().unwrap()).is_err());
    }

    #[test]
    fn the_system_api_cannot_be_deleted_or_changed() {
        let mut t = tenant();
        assert_eq!(
            t.delete_resource_server("https://tenant.test/api/v2/")
                .unwrap_err()
                .status,
            403
        );
        assert_eq!(
            t.update_resource_server("https://tenant.test/api/v2/", &json!({"name": "x"}))
                .unwrap_err()
                .status,
            403
        );
    }
}
