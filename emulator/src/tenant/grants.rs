//! Client grants: one client's or a default grant to an API, and the scopes a token gets from them.

use serde_json::{json, Value};

use super::filter::Filter;
use super::paging::{ListQuery, TotalsShape};
use super::{new_client_grant_id, Object, Tenant};
use crate::error::ApiError;
use crate::schema::{validate, RequestSchema};

impl Tenant {
    pub fn create_client_grant(&mut self, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::CreateClientGrant, body)?;
        let mut body = body.as_object().cloned().unwrap_or_default();
        // A grant is for one client, or (default_for) a default for a class of clients.
        let client_id = body.remove("client_id");
        let default_for = body.remove("default_for");
        let audience = body
            .get("audience")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let grantee = match (&client_id, &default_for) {
            (Some(id), _) => {
                if !self.clients.contains_key(id.as_str().unwrap_or("")) {
                    return Err(ApiError::new(
                        404,
                        "Client not found",
                        Some("inexistent_client"),
                    ));
                }
                id.as_str().unwrap_or("").to_string()
            }
            (None, Some(class)) => class.as_str().unwrap_or("").to_string(),
            (None, None) => {
                return Err(ApiError::payload(
                    "'Missing required property: client_id' (or default_for, for a default grant).",
                ));
            }
        };
        let Some(api) = self.resource_server_by_identifier(&audience) else {
            return Err(ApiError::new(
                404,
                "Resource server not found",
                Some("inexistent_resource_server"),
            ));
        };
        if api.get("is_system") == Some(&Value::Bool(true))
            && body.get("allow_all_scopes") == Some(&Value::Bool(true))
        {
            return Err(ApiError::payload(
                "'allow_all_scopes is not allowed for system resource servers' on property allow_all_scopes.",
            ));
        }
        let subject_type = body
            .remove("subject_type")
            .unwrap_or_else(|| json!("client"));
        // A client's grants are told apart by client_id; default grants (no client_id) by the
        // class of clients they are for.
        let duplicate = self.client_grants.values().any(|g| {
            let same_grantee = match &client_id {
                Some(_) => g.get("client_id") == client_id.as_ref(),
                None => {
                    g.get("client_id").is_none() && g.get("default_for") == default_for.as_ref()
                }
            };
            same_grantee
                && g.get("audience").and_then(Value::as_str) == Some(&audience)
                && g.get("subject_type") == Some(&subject_type)
        });
        if duplicate {
            return Err(ApiError::conflict(format!(
                "A client grant already exists between {grantee} and {audience}"
            )));
        }
        let id = new_client_grant_id();
        let mut grant = Object::new();
        grant.insert("id".into(), json!(id));
        if let Some(v) = client_id {
            grant.insert("client_id".into(), v);
        }
        if let Some(v) = default_for {
            grant.insert("default_for".into(), v);
        }
        grant.insert("audience".into(), json!(audience));
        grant.insert(
            "scope".into(),
            body.remove("scope").unwrap_or_else(|| json!([])),
        );
        grant.insert("subject_type".into(), subject_type);
        body.remove("audience");
        for (k, v) in body {
            grant.insert(k, v);
        }
        self.client_grants.insert(id, grant.clone());
        Ok(grant)
    }

    pub fn client_grant(&self, id: &str) -> Result<&Object, ApiError> {
        self.client_grants
            .get(id)
            .ok_or_else(ApiError::client_grant_not_found)
    }

    pub fn update_client_grant(&mut self, id: &str, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::UpdateClientGrant, body)?;
        let audience = self
            .client_grants
            .get(id)
            .ok_or_else(ApiError::client_grant_not_found)?
            .get("audience")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let system = self
            .resource_server_by_identifier(&audience)
            .is_some_and(|rs| rs.get("is_system") == Some(&Value::Bool(true)));
        if system && body.get("allow_all_scopes") == Some(&Value::Bool(true)) {
            return Err(ApiError::payload(
                "'allow_all_scopes is not allowed for system resource servers' on property allow_all_scopes.",
            ));
        }
        let grant = self
            .client_grants
            .get_mut(id)
            .ok_or_else(ApiError::client_grant_not_found)?;
        for (k, v) in body.as_object().cloned().unwrap_or_default() {
            // allow_all_scopes: true replaces the scope list (TestAccClientGrant.yaml #38).
            if k == "allow_all_scopes" && v == Value::Bool(true) {
                grant.shift_remove("scope");
            }
            if v.is_null() {
                grant.shift_remove(&k);
            } else {
                grant.insert(k, v);
            }
        }
        Ok(grant.clone())
    }

    /// Delete a grant. Deleting a missing one succeeds (TestAccClientGrant.yaml #85).
    pub fn delete_client_grant(&mut self, id: &str) -> Result<(), ApiError> {
        self.client_grants.shift_remove(id);
        Ok(())
    }

    pub fn list_client_grants(&self, q: &ListQuery) -> Result<Value, ApiError> {
        let default_for = q.get("default_for");
        if let Some(class) = default_for.filter(|c| *c != "third_party_clients") {
            return Err(ApiError::query(format!(
                "'No enum match for: \"{class}\"' on property default_for. Allowed values: third_party_clients"
            )));
        }
        Filter::new()
            .equals("audience", q.get("audience"))
            .equals("client_id", q.get("client_id"))
            .equals("subject_type", q.get("subject_type"))
            .equals("default_for", default_for)
            .flag("allow_any_organization", q.bool("allow_any_organization")?)
            .page(&self.client_grants, q, "client_grants", TotalsShape::Plain)
    }

    /// The grant that lets `client_id` get tokens for `audience`, with its scopes resolved.
    pub fn granted_scopes(&self, client_id: &str, audience: &str) -> Option<Vec<String>> {
        let api = self.resource_server_by_identifier(audience)?;
        let identifier = api.get("identifier").and_then(Value::as_str)?;
        let grant = self.client_grants.values().find(|g| {
            g.get("client_id").and_then(Value::as_str) == Some(client_id)
                && g.get("audience").and_then(Value::as_str) == Some(identifier)
                && g.get("subject_type")
                    .and_then(Value::as_str)
                    .unwrap_or("client")
                    == "client"
        })?;
        if grant.get("allow_all_scopes") == Some(&Value::Bool(true)) {
            let all = api
                .get("scopes")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(|x| x.get("value").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            return Some(all);
        }
        Some(
            grant
                .get("scope")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::fixtures::{q, tenant};

    #[test]
    fn a_default_grant_has_no_client_and_a_second_one_for_the_same_api_and_subject_is_a_conflict() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let body =
            json!({"audience": "https://a/", "default_for": "third_party_clients", "scope": []});
        let g = t.create_client_grant(&body).unwrap();
        assert_eq!(g["default_for"], "third_party_clients");
        assert!(g.get("client_id").is_none(), "{g:?}");
        assert_eq!(g["subject_type"], "client");
        let err = t.create_client_grant(&body).unwrap_err();
        assert_eq!(err.status, 409);
        let mut user = body.clone();
        user["subject_type"] = json!("user");
        t.create_client_grant(&user).unwrap();
        // A client's own grant to the same API is another grant.
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        t.create_client_grant(&json!({"client_id": c["client_id"], "audience": "https://a/"}))
            .unwrap();
    }

    #[test]
    fn a_grant_with_neither_client_id_nor_default_for_is_refused_naming_both() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let err = t
            .create_client_grant(&json!({"audience": "https://a/"}))
            .unwrap_err();
        assert_eq!(err.status, 400);
        assert!(
            err.message.contains("client_id") && err.message.contains("default_for"),
            "{}",
            err.message
        );
    }

    #[test]
    fn default_grants_are_listed_by_default_for_and_give_no_client_a_token() {
        let mut t = tenant();
        t.create_resource_server(
            &json!({"identifier": "https://a/", "scopes": [{"value": "read:data"}]}),
        )
        .unwrap();
        let c = t
            .create_client(&json!({"name": "c", "is_first_party": false}))
            .unwrap();
        let id = c["client_id"].as_str().unwrap();
        let g = t
            .create_client_grant(&json!({"audience": "https://a/", "default_for": "third_party_clients", "scope": ["read:data"]}))
            .unwrap();
        let list = t
            .list_client_grants(&q("default_for=third_party_clients"))
            .unwrap();
        assert_eq!(list, json!([Value::Object(g)]));
        let list = t
            .list_client_grants(&q(&format!("client_id={id}")))
            .unwrap();
        assert_eq!(list, json!([]));
        assert_eq!(t.granted_scopes(id, "https://a/"), None);
        let err = t
            .list_client_grants(&q("default_for=first_party_clients"))
            .unwrap_err();
        assert_eq!(err.status, 400);
        assert!(err.message.contains("default_for"), "{}", err.message);
    }

    #[test]
    fn a_duplicate_grant_for_the_same_subject_type_is_a_conflict_but_another_subject_type_is_not() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        let body = json!({"client_id": c["client_id"], "audience": "https://a/", "scope": []});
        t.create_client_grant(&body).unwrap();
        assert_eq!(t.create_client_grant(&body).unwrap_err().status, 409);
        let mut user = body.clone();
        user["subject_type"] = json!("user");
        t.create_client_grant(&user).unwrap();
    }

    #[test]
    fn a_grant_to_an_unknown_api_is_not_found() {
        let mut t = tenant();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        let err = t
            .create_client_grant(&json!({"client_id": c["client_id"], "audience": "https://nope/"}))
            .unwrap_err();
        assert_eq!(
            (err.status, err.message.as_str()),
            (404, "Resource server not found")
        );
    }

    #[test]
    fn allow_all_scopes_on_a_system_api_grant_is_rejected() {
        let mut t = tenant();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        let err = t
            .create_client_grant(&json!({"client_id": c["client_id"], "audience": "https://tenant.test/api/v2/", "allow_all_scopes": true}))
            .unwrap_err();
        assert_eq!(err.status, 400);
    }

    #[test]
    fn token_scopes_come_from_the_grant_and_allow_all_scopes_takes_every_api_scope() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/", "scopes": [{"value": "read:data"}, {"value": "write:data"}]}))
            .unwrap();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        let id = c["client_id"].as_str().unwrap();
        assert_eq!(t.granted_scopes(id, "https://a/"), None);
        let g = t
            .create_client_grant(
                &json!({"client_id": id, "audience": "https://a/", "scope": ["read:data"]}),
            )
            .unwrap();
        assert_eq!(
            t.granted_scopes(id, "https://a/"),
            Some(vec!["read:data".to_string()])
        );
        t.update_client_grant(
            g["id"].as_str().unwrap(),
            &json!({"allow_all_scopes": true}),
        )
        .unwrap();
        assert_eq!(
            t.granted_scopes(id, "https://a/"),
            Some(vec!["read:data".to_string(), "write:data".to_string()])
        );
    }
}
