//! Clients: Auth0's create defaults, PATCH merging, secret rotation and the client listing.

use serde_json::{json, Value};

use super::filter::Filter;
use super::paging::{ListQuery, TotalsShape};
use super::{as_object, new_client_id, new_client_secret, patch_key, Object, Tenant};
use crate::error::ApiError;
use crate::schema::{validate, RequestSchema};

pub(super) const DEFAULT_GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "refresh_token",
    "client_credentials",
];

impl Tenant {
    pub(super) fn client_with_defaults(&self, mut body: Object) -> Object {
        let app_type = body
            .get("app_type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let is_resource_server = app_type == "resource_server";
        let secret_post =
            body.get("token_endpoint_auth_method") == Some(&json!("client_secret_post"));
        // Third-party clients are OIDC conformant with rotating refresh tokens
        // (TestAccDataClients.yaml, a spa with is_first_party false).
        let third_party = body.get("is_first_party") == Some(&Value::Bool(false));
        let mut c = Object::new();
        // Field order follows Auth0's responses in the recordings.
        let take = |b: &mut Object, k: &str| b.remove(k);
        for k in ["name", "description"] {
            if let Some(v) = take(&mut body, k) {
                c.insert(k.into(), v);
            }
        }
        let client_id = take(&mut body, "client_id").unwrap_or_else(|| json!(new_client_id()));
        c.insert("client_id".into(), client_id);
        // Clients that authenticate with credentials (private_key_jwt, mTLS) have no secret
        // (TestAccDataClients.yaml, cred-repro-client).
        let uses_credentials = body.contains_key("client_authentication_methods");
        match take(&mut body, "client_secret") {
            Some(secret) => {
                c.insert("client_secret".into(), secret);
            }
            None if uses_credentials => {}
            None => {
                c.insert("client_secret".into(), json!(new_client_secret()));
            }
        }
        if let Some(v) = take(&mut body, "app_type") {
            c.insert("app_type".into(), v);
        }
        let defaults: [(&str, Value); 3] = [
            ("is_first_party", json!(true)),
            ("is_token_endpoint_ip_header_trusted", json!(false)),
            ("oidc_conformant", json!(is_resource_server || third_party)),
        ];
        for (k, default) in defaults {
            c.insert(k.into(), take(&mut body, k).unwrap_or(default));
        }
        let jwt = match take(&mut body, "jwt_configuration") {
            Some(v) => v,
            None if is_resource_server => json!({"secret_encoded": false, "alg": "RS256"}),
            None => json!({"secret_encoded": false, "lifetime_in_seconds": 36000}),
        };
        c.insert("jwt_configuration".into(), jwt);
        c.insert("signing_keys".into(), json!([{"cert": self.signing_cert}]));
        for (k, default) in [
            ("sso_disabled", json!(false)),
            ("cross_origin_authentication", json!(false)),
        ] {
            c.insert(k.into(), take(&mut body, k).unwrap_or(default));
        }
        let grant_types =
            take(&mut body, "grant_types").unwrap_or_else(|| match app_type.as_str() {
                "resource_server" => json!([]),
                // Public clients cannot keep a secret, so no client_credentials
                // (TestAccClientSessionTransfer.yaml, TestAccClientSkipPrompt.yaml).
                "native" | "spa" => json!(["authorization_code", "implicit", "refresh_token"]),
                _ => json!(DEFAULT_GRANT_TYPES),
            });
        c.insert("grant_types".into(), grant_types);
        c.insert(
            "custom_login_page_on".into(),
            take(&mut body, "custom_login_page_on").unwrap_or(json!(true)),
        );
        let refresh_token = take(&mut body, "refresh_token");
        let rs_identifier = take(&mut body, "resource_server_identifier");
        let session_transfer = take(&mut body, "session_transfer");
        for (k, v) in body {
            if k == "client_metadata" {
                c.insert(k, strip_nulls(v));
            } else if k == "initiate_login_uri" && v == json!("") {
                // An empty initiate_login_uri is not stored (TestAccClientConfig.yaml #8).
            } else if !v.is_null() {
                c.insert(k, v);
            }
        }
        let refresh_token = refresh_token.unwrap_or_else(|| {
            // The longer defaults go with client_secret_post, whatever the app_type: every recorded
            // create shows it (TestAccClientCanSetDefaultAuthMethodOnCreate.yaml: regular_web with
            // client_secret_post gets them, native with "none" does not; TestAccDataClientById.yaml:
            // non_interactive without a method does not).
            let (lifetime, idle) = if secret_post {
                (31557600, 2592000)
            } else {
                (2592000, 1296000)
            };
            json!({
                "rotation_type": if third_party { "rotating" } else { "non-rotating" },
                "expiration_type": if third_party { "expiring" } else { "non-expiring" },
                "leeway": 0,
                "token_lifetime": lifetime,
                "infinite_token_lifetime": !third_party,
                "infinite_idle_token_lifetime": !third_party,
                "idle_token_lifetime": idle,
            })
        });
        c.insert("refresh_token".into(), refresh_token);
        if let Some(v) = session_transfer.filter(|v| !v.is_null()) {
            c.insert("session_transfer".into(), merge_session_transfer(None, v));
        }
        if third_party {
            c.entry("third_party_security_mode")
                .or_insert_with(|| json!("permissive"));
        }
        if let Some(v) = rs_identifier {
            c.insert("resource_server_identifier".into(), v);
        }
        // Only the deprecated form sent: it sets oidc_logout, which it then mirrors.
        if !c.contains_key("oidc_logout") {
            if let Some(v) = c.get("oidc_backchannel_logout").cloned() {
                c.insert("oidc_logout".into(), v);
            }
        }
        mirror_backchannel_logout(&mut c);
        c
    }

    pub fn create_client(&mut self, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::CreateClient, body)?;
        let mut body = body.as_object().cloned().unwrap_or_default();
        check_one_auth_setting(&body)?;
        // Credentials given inline are created with the client, so it needs its id first.
        let id = new_client_id();
        body.insert("client_id".into(), json!(id));
        let credentials = self.take_inline_credentials(&id, &mut body)?;
        if let Some(identifier) = body
            .get("resource_server_identifier")
            .and_then(Value::as_str)
        {
            if self.resource_server_by_identifier(identifier).is_none() {
                return Err(ApiError::resource_server_not_found());
            }
        }
        let client = self.client_with_defaults(body);
        // The API of a resource_server client points back at it (TestAccClientResourceServer.yaml #4).
        if let Some(identifier) = client
            .get("resource_server_identifier")
            .and_then(Value::as_str)
        {
            let rs_id = self
                .resource_server_by_identifier(identifier)
                .and_then(|rs| rs.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(rs_id) = rs_id {
                if let Some(rs) = self.resource_servers.get_mut(&rs_id) {
                    rs.insert("client_id".into(), json!(id));
                }
            }
        }
        self.clients.insert(id, client.clone());
        self.store_credentials(credentials);
        Ok(client)
    }

    pub fn client(&self, id: &str) -> Result<&Object, ApiError> {
        self.clients.get(id).ok_or_else(ApiError::client_not_found)
    }

    pub fn update_client(&mut self, id: &str, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::UpdateClient, body)?;
        // Changes go to a copy that replaces the client only once the whole body is applied, so a
        // refused PATCH changes nothing.
        let mut client = self.client(id)?.clone();
        let patch = body.as_object().cloned().unwrap_or_default();
        for (k, v) in patch {
            match (k.as_str(), v) {
                // client_metadata merges; a key sent as null is removed (TestAccClientMetadataBehavior).
                ("client_metadata", Value::Object(changes)) => {
                    let mut merged = client
                        .get("client_metadata")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    for (mk, mv) in changes {
                        patch_key(&mut merged, mk, mv);
                    }
                    if merged.len() > 10 {
                        return Err(ApiError::payload(format!(
                            "'Too many properties defined ({}), maximum 10' on property client_metadata.",
                            merged.len()
                        )));
                    }
                    client.insert(k, Value::Object(merged));
                }
                ("session_transfer", v @ Value::Object(_)) => {
                    let merged = merge_session_transfer(client.get("session_transfer"), v);
                    client.insert(k, merged);
                }
                (field, Value::Object(changes)) if MERGED_ONE_LEVEL.contains(&field) => {
                    let mut merged = client
                        .get(field)
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    merged.extend(changes);
                    client.insert(k, Value::Object(merged));
                }
                // The deprecated mirror of oidc_logout's URLs: null clears both, a value sets both.
                ("oidc_backchannel_logout", Value::Null) => {
                    client.shift_remove("oidc_backchannel_logout");
                    client.shift_remove("oidc_logout");
                }
                ("oidc_backchannel_logout", Value::Object(settings)) => {
                    let mut oidc_logout = client
                        .get("oidc_logout")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    oidc_logout.extend(settings);
                    client.insert("oidc_logout".into(), Value::Object(oidc_logout));
                }
                ("initiate_login_uri", Value::String(s)) if s.is_empty() => {
                    client.shift_remove(&k);
                }
                (_, Value::Null) => {
                    client.shift_remove(&k);
                }
                (_, v) => {
                    client.insert(k, v);
                }
            }
        }
        // The Terraform provider notes that Auth0 "doesn't accept nil on both of these"
        // (resource_credentials.go, detachCredentialsFromClient).
        if body.get("token_endpoint_auth_method") == Some(&Value::Null)
            && body.get("client_authentication_methods") == Some(&Value::Null)
        {
            return Err(ApiError::bad_request(
                "token_endpoint_auth_method and client_authentication_methods cannot both be null; set one of them",
                "invalid_body",
            ));
        }
        check_one_auth_setting(&client)?;
        self.check_credential_references(id, &client)?;
        // A client back on a secret method has a secret again: the one it had, or a new one when
        // it was created with credentials.
        if !client.contains_key("client_authentication_methods")
            && !client.contains_key("client_secret")
        {
            client.insert("client_secret".into(), json!(new_client_secret()));
        }
        mirror_backchannel_logout(&mut client);
        self.clients.insert(id.to_string(), client.clone());
        Ok(client)
    }

    /// Delete a client and its grants. Deleting a missing client succeeds, as in Auth0.
    pub fn delete_client(&mut self, id: &str) -> Result<(), ApiError> {
        if id == self.bootstrap_client_id {
            return Err(ApiError::bad_request(
                "The emulator's bootstrap client cannot be deleted; it holds the Management API credentials",
                "operation_not_supported",
            ));
        }
        if self.clients.shift_remove(id).is_some() {
            self.client_grants
                .retain(|_, g| g.get("client_id").and_then(Value::as_str) != Some(id));
            self.forget_credentials_of(id);
        }
        Ok(())
    }

    pub fn rotate_secret(&mut self, id: &str) -> Result<Object, ApiError> {
        let client = self
            .clients
            .get_mut(id)
            .ok_or_else(ApiError::client_not_found)?;
        client.insert("client_secret".into(), json!(new_client_secret()));
        Ok(client.clone())
    }

    pub fn list_clients(&self, q: &ListQuery) -> Result<Value, ApiError> {
        if let Some(query) = q.get("q") {
            return self.search_clients(query, q);
        }
        Filter::new()
            .one_of("app_type", q.all("app_type"))
            .flag("global", q.bool("is_global")?)
            .flag("is_first_party", q.bool("is_first_party")?)
            .equals("external_client_id", q.get("external_client_id"))
            .page(&self.clients, q, "clients", TotalsShape::Clients)
    }

    /// GET /clients?q=…: Auth0 documents two permitted Lucene queries, no other filter beside
    /// them, and checkpoint paging (node-auth0 GetClientsRequest.q: "Permitted Queries:
    /// client_grant.organization_id:{organization_id}, client_grant.allow_any_organization:true";
    /// "Cannot be used in combination with other filters"; "Requires use of the from and take
    /// paging parameters").
    fn search_clients(&self, query: &str, q: &ListQuery) -> Result<Value, ApiError> {
        const PAGING: &[&str] = &[
            "q",
            "from",
            "take",
            "fields",
            "include_fields",
            "include_totals",
        ];
        if let Some((other, _)) = q.pairs.iter().find(|(k, _)| !PAGING.contains(&k.as_str())) {
            return Err(ApiError::query(format!(
                "'q cannot be combined with other filters' on property {other}."
            )));
        }
        if q.get("take").is_none() {
            return Err(ApiError::query(
                "'q requires checkpoint paging; add take (and from for the next pages)' on property q.",
            ));
        }
        let (field, value) = query.split_once(':').unwrap_or((query, ""));
        let value = value.trim_matches('"');
        let grantees: Vec<String> = match (field.trim(), value) {
            ("client_grant.allow_any_organization", "true") => self
                .client_grants
                .values()
                .filter(|g| g.get("allow_any_organization") == Some(&Value::Bool(true)))
                .filter_map(|g| {
                    g.get("client_id")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect(),
            // The emulator keeps no organizations, so no grant is associated with one.
            ("client_grant.organization_id", org) if !org.is_empty() => Vec::new(),
            _ => {
                return Err(ApiError::query(format!(
                    "'Unsupported query: {query}; GET /clients takes client_grant.organization_id:{{organization_id}} or client_grant.allow_any_organization:true' on property q."
                )));
            }
        };
        Filter::new().among("client_id", grantees).page(
            &self.clients,
            q,
            "clients",
            TotalsShape::Clients,
        )
    }

    pub fn client_by_credentials(&self, id: &str) -> Option<&Object> {
        self.clients.get(id)
    }
}

/// A client authenticates either with a secret method (`token_endpoint_auth_method`) or with
/// credentials (`client_authentication_methods`); the recordings set one and null the other in
/// the same PATCH (TestAccClientCredentialsImport.yaml #28, #37).
fn check_one_auth_setting(client: &Object) -> Result<(), ApiError> {
    let set = |k: &str| client.get(k).is_some_and(|v| !v.is_null());
    if set("token_endpoint_auth_method") && set("client_authentication_methods") {
        return Err(ApiError::bad_request(
            "token_endpoint_auth_method and client_authentication_methods cannot both be set; send token_endpoint_auth_method: null with client_authentication_methods",
            "invalid_body",
        ));
    }
    Ok(())
}

/// Nested client objects a PATCH merges one level deep: the fields sent replace theirs (a sub-object
/// such as `mobile.android` is replaced whole), the fields not sent are kept. jwt_configuration:
/// TestAccClientAuthenticationMethodsPrivateKeyJWT.yaml (a PATCH of `alg` alone keeps
/// `lifetime_in_seconds`); mobile and native_social_login: Auth0 traffic outside the recordings
/// (a PATCH of `mobile.android` keeps `mobile.ios`). session_transfer merges too, with its own
/// defaults and null removal (merge_session_transfer). Objects whose update schema requires fields
/// (refresh_token, token_quota, default_organization) are sent whole and replaced; addons are
/// cleared with null before a change (TestAccClientAddons.yaml), so nothing shows how they merge.
const MERGED_ONE_LEVEL: &[&str] = &["jwt_configuration", "mobile", "native_social_login"];

/// Auth0 answers with the deprecated `oidc_backchannel_logout` beside `oidc_logout`, holding the
/// same backchannel logout URLs.
fn mirror_backchannel_logout(client: &mut Object) {
    let urls = client
        .get("oidc_logout")
        .and_then(|o| o.get("backchannel_logout_urls"))
        .cloned();
    match urls {
        Some(urls) => {
            client.insert(
                "oidc_backchannel_logout".into(),
                json!({ "backchannel_logout_urls": urls }),
            );
        }
        // Without URLs the mirror holds none: tenants that show it answer `{}`
        // (TestAccClientCredentialsImport.yaml), and a client that never had it gets none.
        None => {
            if let Some(mirror) = client.get_mut("oidc_backchannel_logout") {
                if mirror.get("backchannel_logout_urls").is_some() {
                    *mirror = json!({});
                }
            }
        }
    }
}

/// session_transfer merges into the current settings (or Auth0's defaults); a key sent as null is
/// removed (TestAccClientSessionTransfer.yaml).
fn merge_session_transfer(current: Option<&Value>, changes: Value) -> Value {
    let mut merged = current
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(|| {
            as_object(json!({
                "can_create_session_transfer_token": false,
                "allowed_authentication_methods": [],
                "enforce_device_binding": "ip",
                "allow_refresh_token": false,
                "enforce_online_refresh_tokens": true,
                "enforce_cascade_revocation": true,
            }))
        });
    for (k, v) in as_object(changes) {
        patch_key(&mut merged, k, v);
    }
    Value::Object(merged)
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests;
