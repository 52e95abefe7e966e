//! The tenant: clients, resource servers (APIs) and client grants, with Auth0's defaults, rules,
//! paging and cascades. Pure data and logic; no HTTP, no locking, no I/O.

use indexmap::IndexMap;
use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::schema::{validate, RequestSchema};

pub type Object = Map<String, Value>;

/// The Management API scopes the emulator checks, all granted to the bootstrap client.
pub const MANAGEMENT_SCOPES: &[(&str, &str)] = &[
    ("read:clients", "Read Clients"),
    ("create:clients", "Create Clients"),
    ("update:clients", "Update Clients"),
    ("delete:clients", "Delete Clients"),
    ("read:client_keys", "Read Client Keys"),
    ("create:client_keys", "Create Client Keys"),
    ("update:client_keys", "Update Client Keys"),
    ("delete:client_keys", "Delete Client Keys"),
    ("read:resource_servers", "Read Resource Servers"),
    ("create:resource_servers", "Create Resource Servers"),
    ("update:resource_servers", "Update Resource Servers"),
    ("delete:resource_servers", "Delete Resource Servers"),
    ("read:client_grants", "Read Client Grants"),
    ("create:client_grants", "Create Client Grants"),
    ("update:client_grants", "Update Client Grants"),
    ("delete:client_grants", "Delete Client Grants"),
];

const DEFAULT_GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "refresh_token",
    "client_credentials",
];

/// Random characters from `alphabet`.
fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    let pick = Uniform::from(0..alphabet.len());
    (0..len)
        .map(|_| alphabet[pick.sample(&mut rng)] as char)
        .collect()
}

fn random_alnum(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A 32-character client id.
pub fn new_client_id() -> String {
    random_alnum(32)
}

/// A 64-character client secret (Auth0's secrets are URL-safe base64 characters).
pub fn new_client_secret() -> String {
    random_from(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        64,
    )
}

fn new_resource_server_id() -> String {
    random_from(b"0123456789abcdef", 24)
}

fn new_client_grant_id() -> String {
    format!("cgr_{}", random_alnum(16))
}

/// Parsed list parameters shared by the three list endpoints.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub pairs: Vec<(String, String)>,
}

impl ListQuery {
    pub fn parse(raw: Option<&str>) -> ListQuery {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        ListQuery { pairs }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, also as `name[]`, split on commas.
    pub fn all(&self, name: &str) -> Vec<String> {
        let bracketed = format!("{name}[]");
        self.pairs
            .iter()
            .filter(|(k, _)| k == name || *k == bracketed)
            .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .collect()
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::query(format!(
                "'Expected type boolean but found type string' on property {name} (got \"{other}\")."
            ))),
        }
    }

    fn number(&self, name: &str, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => {
                let n: u64 = raw.parse().map_err(|_| {
                    ApiError::query(format!(
                        "'Expected type integer but found type string' on property {name} (got \"{raw}\")."
                    ))
                })?;
                if n < min {
                    return Err(ApiError::query(format!(
                        "'Value {n} is less than minimum {min}' on property {name}."
                    )));
                }
                if n > max {
                    return Err(ApiError::query(format!(
                        "'Value {n} is greater than maximum {max}' on property {name}."
                    )));
                }
                Ok(Some(n))
            }
        }
    }
}

/// What to return from a list: offset pages (optionally with totals) or a checkpoint page.
fn paginate(
    items: Vec<Value>,
    ids: Vec<String>,
    q: &ListQuery,
    collection: &str,
    totals_shape: TotalsShape,
) -> Result<Value, ApiError> {
    if let Some(take) = q.number("take", 1, 100)? {
        // Checkpoint paging: `from` is the id of the first item to return.
        let start = match q.get("from").filter(|f| !f.is_empty()) {
            None => 0,
            Some(from) => ids.iter().position(|id| id == from).unwrap_or(items.len()),
        };
        let end = (start + take as usize).min(items.len());
        let mut body = Map::new();
        body.insert(
            collection.to_string(),
            Value::Array(items[start..end].to_vec()),
        );
        if end < items.len() {
            body.insert("next".to_string(), json!(ids[end]));
        }
        return Ok(Value::Object(body));
    }
    let per_page = q.number("per_page", 1, 100)?.unwrap_or(50) as usize;
    let page = q.number("page", 0, u32::MAX as u64)?.unwrap_or(0) as usize;
    let total = items.len();
    let start = page.saturating_mul(per_page).min(total);
    let end = (start + per_page).min(total);
    let slice = items[start..end].to_vec();
    if q.bool("include_totals")? != Some(true) {
        return Ok(Value::Array(slice));
    }
    let mut body = Map::new();
    match totals_shape {
        // As recorded for GET /clients (TestAccDataClients.yaml), including "length":0 and "next":"".
        TotalsShape::Clients => {
            body.insert("start".into(), json!(start));
            body.insert("limit".into(), json!(per_page));
            body.insert("length".into(), json!(0));
            body.insert("total".into(), json!(total));
            body.insert("next".into(), json!(""));
        }
        TotalsShape::Plain => {
            body.insert("total".into(), json!(total));
            body.insert("start".into(), json!(start));
            body.insert("limit".into(), json!(per_page));
        }
    }
    body.insert(collection.to_string(), Value::Array(slice));
    Ok(Value::Object(body))
}

#[derive(Clone, Copy)]
enum TotalsShape {
    Clients,
    Plain,
}

/// The objects a tenant holds, in the format of `--seed` files and the state file.
#[derive(Default, Clone, Serialize, Deserialize)]
pub struct TenantData {
    #[serde(default)]
    pub clients: Vec<Object>,
    #[serde(default)]
    pub resource_servers: Vec<Object>,
    #[serde(default)]
    pub client_grants: Vec<Object>,
}

impl std::fmt::Debug for TenantData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Counts only: clients hold secrets.
        f.debug_struct("TenantData")
            .field("clients", &self.clients.len())
            .field("resource_servers", &self.resource_servers.len())
            .field("client_grants", &self.client_grants.len())
            .finish()
    }
}

/// One Auth0 tenant's configuration objects.
#[derive(Debug, Clone)]
pub struct Tenant {
    domain: String,
    signing_cert: String,
    pub bootstrap_client_id: String,
    system_api_id: String,
    clients: IndexMap<String, Object>,
    resource_servers: IndexMap<String, Object>,
    client_grants: IndexMap<String, Object>,
}

impl Tenant {
    /// A tenant holding the system Management API and the bootstrap client with a grant to it.
    pub fn new(
        domain: &str,
        signing_cert: &str,
        bootstrap_id: &str,
        bootstrap_secret: &str,
    ) -> Tenant {
        let mut t = Tenant {
            domain: domain.to_string(),
            signing_cert: signing_cert.to_string(),
            bootstrap_client_id: bootstrap_id.to_string(),
            system_api_id: String::new(),
            clients: IndexMap::new(),
            resource_servers: IndexMap::new(),
            client_grants: IndexMap::new(),
        };
        t.ensure_system_objects(bootstrap_secret);
        t
    }

    /// Rebuild a tenant from saved data, pointing the system API at `domain` (the port may differ
    /// between runs) and making sure the bootstrap client exists with `bootstrap_secret`.
    pub fn restore(
        data: TenantData,
        domain: &str,
        signing_cert: &str,
        bootstrap_id: &str,
        bootstrap_secret: &str,
    ) -> Result<Tenant, String> {
        let mut t = Tenant {
            domain: domain.to_string(),
            signing_cert: signing_cert.to_string(),
            bootstrap_client_id: bootstrap_id.to_string(),
            system_api_id: String::new(),
            clients: IndexMap::new(),
            resource_servers: IndexMap::new(),
            client_grants: IndexMap::new(),
        };
        let audience = t.management_audience();
        let mut old_system_identifier = None;
        for rs in data.resource_servers {
            let id = rs
                .get("id")
                .and_then(Value::as_str)
                .ok_or("a saved resource server has no id")?
                .to_string();
            if rs.get("is_system") == Some(&Value::Bool(true)) {
                old_system_identifier = rs.get("identifier").cloned();
                let mut rs = rs;
                rs.insert("identifier".into(), json!(audience));
                t.system_api_id = id.clone();
                t.resource_servers.insert(id, rs);
            } else {
                t.resource_servers.insert(id, rs);
            }
        }
        for c in data.clients {
            let id = c
                .get("client_id")
                .and_then(Value::as_str)
                .ok_or("a saved client has no client_id")?
                .to_string();
            t.clients.insert(id, c);
        }
        for mut g in data.client_grants {
            let id = g
                .get("id")
                .and_then(Value::as_str)
                .ok_or("a saved client grant has no id")?
                .to_string();
            if old_system_identifier.is_some()
                && g.get("audience") == old_system_identifier.as_ref()
            {
                g.insert("audience".into(), json!(audience));
            }
            t.client_grants.insert(id, g);
        }
        t.ensure_system_objects(bootstrap_secret);
        Ok(t)
    }

    pub fn data(&self) -> TenantData {
        TenantData {
            clients: self.clients.values().cloned().collect(),
            resource_servers: self.resource_servers.values().cloned().collect(),
            client_grants: self.client_grants.values().cloned().collect(),
        }
    }

    fn ensure_system_objects(&mut self, bootstrap_secret: &str) {
        let audience = self.management_audience();
        if self.system_api_id.is_empty() {
            let id = new_resource_server_id();
            let scopes: Vec<Value> = MANAGEMENT_SCOPES
                .iter()
                .map(|(v, d)| json!({"value": v, "description": d}))
                .collect();
            let rs = json!({
                "id": id,
                "name": "Auth0 Management API",
                "identifier": audience,
                "allow_offline_access": false,
                "skip_consent_for_verifiable_first_party_clients": false,
                "token_lifetime": 86400,
                "token_lifetime_for_web": 7200,
                "signing_alg": "RS256",
                "scopes": scopes,
                "is_system": true,
            });
            self.system_api_id = id.clone();
            self.resource_servers.insert(id, as_object(rs));
        }
        let bootstrap_id = self.bootstrap_client_id.clone();
        match self.clients.get_mut(&bootstrap_id) {
            Some(c) => {
                c.insert("client_secret".into(), json!(bootstrap_secret));
            }
            None => {
                let mut body = as_object(json!({
                    "name": "Auth0 Emulator Bootstrap (M2M)",
                    "app_type": "non_interactive",
                    "grant_types": ["client_credentials"],
                }));
                body.insert("client_id".into(), json!(bootstrap_id));
                body.insert("client_secret".into(), json!(bootstrap_secret));
                let client = self.client_with_defaults(body);
                self.clients.insert(bootstrap_id.clone(), client);
            }
        }
        let has_grant = self.client_grants.values().any(|g| {
            g.get("client_id").and_then(Value::as_str) == Some(&bootstrap_id)
                && g.get("audience").and_then(Value::as_str) == Some(&audience)
        });
        if !has_grant {
            let id = new_client_grant_id();
            let scopes: Vec<&str> = MANAGEMENT_SCOPES.iter().map(|(v, _)| *v).collect();
            let grant = json!({
                "id": id,
                "client_id": bootstrap_id,
                "audience": audience,
                "scope": scopes,
                "subject_type": "client",
            });
            self.client_grants.insert(id, as_object(grant));
        }
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    pub fn management_audience(&self) -> String {
        format!("https://{}/api/v2/", self.domain)
    }

    // ---------------------------------------------------------------- clients

    fn client_with_defaults(&self, mut body: Object) -> Object {
        let app_type = body
            .get("app_type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let is_resource_server = app_type == "resource_server";
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
            // Machine-to-machine clients get longer defaults (TestAccClientJWTConfiguration.yaml).
            let (lifetime, idle) = if app_type == "non_interactive" {
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
        c
    }

    pub fn create_client(&mut self, body: &Value) -> Result<Object, ApiError> {
        validate(RequestSchema::CreateClient, body)?;
        let body = body.as_object().cloned().unwrap_or_default();
        if let Some(identifier) = body
            .get("resource_server_identifier")
            .and_then(Value::as_str)
        {
            if self.resource_server_by_identifier(identifier).is_none() {
                return Err(ApiError::resource_server_not_found());
            }
        }
        let client = self.client_with_defaults(body);
        let id = client["client_id"].as_str().unwrap_or_default().to_string();
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
                        if mv.is_null() {
                            merged.shift_remove(&mk);
                        } else {
                            merged.insert(mk, mv);
                        }
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
        let app_types = q.all("app_type");
        let is_global = q.bool("is_global")?;
        let is_first_party = q.bool("is_first_party")?;
        let mut items = Vec::new();
        let mut ids = Vec::new();
        for (id, c) in &self.clients {
            if !app_types.is_empty() {
                let t = c.get("app_type").and_then(Value::as_str).unwrap_or("");
                if !app_types.iter().any(|a| a == t) {
                    continue;
                }
            }
            if let Some(g) = is_global {
                if c.get("global").and_then(Value::as_bool).unwrap_or(false) != g {
                    continue;
                }
            }
            if let Some(f) = is_first_party {
                if c.get("is_first_party")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    != f
                {
                    continue;
                }
            }
            items.push(Value::Object(c.clone()));
            ids.push(id.clone());
        }
        paginate(items, ids, q, "clients", TotalsShape::Clients)
    }

    pub fn client_by_credentials(&self, id: &str) -> Option<&Object> {
        self.clients.get(id)
    }

    // ---------------------------------------------------------------- resource servers

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

    fn resource_server_with_defaults(&self, mut body: Object) -> Object {
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
        let mut items = Vec::new();
        let mut ids = Vec::new();
        for (id, rs) in &self.resource_servers {
            if !identifiers.is_empty() {
                let ident = rs.get("identifier").and_then(Value::as_str).unwrap_or("");
                if !identifiers.iter().any(|i| i == ident) {
                    continue;
                }
            }
            items.push(Value::Object(rs.clone()));
            ids.push(id.clone());
        }
        paginate(items, ids, q, "resource_servers", TotalsShape::Plain)
    }

    // ---------------------------------------------------------------- client grants

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
        let audience = q.get("audience");
        let client_id = q.get("client_id");
        let subject_type = q.get("subject_type");
        let default_for = q.get("default_for");
        if let Some(class) = default_for.filter(|c| *c != "third_party_clients") {
            return Err(ApiError::query(format!(
                "'No enum match for: \"{class}\"' on property default_for. Allowed values: third_party_clients"
            )));
        }
        let allow_any_org = q.bool("allow_any_organization")?;
        let mut items = Vec::new();
        let mut ids = Vec::new();
        for (id, g) in &self.client_grants {
            let field = |k: &str| g.get(k).and_then(Value::as_str);
            if audience.is_some() && field("audience") != audience {
                continue;
            }
            if client_id.is_some() && field("client_id") != client_id {
                continue;
            }
            if subject_type.is_some() && field("subject_type") != subject_type {
                continue;
            }
            if default_for.is_some() && field("default_for") != default_for {
                continue;
            }
            if let Some(a) = allow_any_org {
                if g.get("allow_any_organization")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    != a
                {
                    continue;
                }
            }
            items.push(Value::Object(g.clone()));
            ids.push(id.clone());
        }
        paginate(items, ids, q, "client_grants", TotalsShape::Plain)
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

    // ---------------------------------------------------------------- seeding

    /// Add objects directly, bypassing request validation, keeping given ids and filling in defaults.
    /// The format is the one of `--seed` files: `{"clients":[…],"resource_servers":[…],"client_grants":[…]}`.
    pub fn seed(&mut self, seed: &Value) -> Result<(), String> {
        let data: TenantData = serde_json::from_value(seed.clone())
            .map_err(|e| format!("seed: expected {{\"clients\":[…],\"resource_servers\":[…],\"client_grants\":[…]}} with objects inside; {e}"))?;
        for rs in data.resource_servers {
            let identifier = rs.get("identifier").and_then(Value::as_str).ok_or(
                "seed: resource_servers[].identifier is missing; give each API its identifier URL",
            )?;
            if self.resource_server_by_identifier(identifier).is_some() {
                return Err(format!(
                    "seed: resource server {identifier} already exists; remove it from the seed"
                ));
            }
            let rs = self.resource_server_with_defaults(rs);
            let id = rs["id"].as_str().unwrap_or_default().to_string();
            self.resource_servers.insert(id, rs);
        }
        for c in data.clients {
            if !c.get("name").is_some_and(Value::is_string) {
                return Err("seed: clients[].name is missing; give each client a name".into());
            }
            if let Some(id) = c.get("client_id").and_then(Value::as_str) {
                if self.clients.contains_key(id) {
                    return Err(format!(
                        "seed: client {id} already exists; remove it from the seed or change its client_id"
                    ));
                }
            }
            // A client copied from an Auth0 response (it has signing_keys) is kept as it is, with
            // this tenant's signing certificate; a sketch of one gets Auth0's create defaults.
            let c = if c.contains_key("signing_keys") {
                let mut c = c;
                c.entry("client_id")
                    .or_insert_with(|| json!(new_client_id()));
                c.insert("signing_keys".into(), json!([{"cert": self.signing_cert}]));
                c
            } else {
                self.client_with_defaults(c)
            };
            let id = c["client_id"].as_str().unwrap_or_default().to_string();
            self.clients.insert(id, c);
        }
        for mut g in data.client_grants {
            let client_id = g.get("client_id").and_then(Value::as_str).unwrap_or("");
            let audience = g.get("audience").and_then(Value::as_str).unwrap_or("");
            let default_grant = !g.contains_key("client_id") && g.contains_key("default_for");
            if !default_grant && !self.clients.contains_key(client_id) {
                return Err(format!(
                    "seed: client_grants[].client_id \"{client_id}\" is not a client; seed the client first"
                ));
            }
            if self.resource_server_by_identifier(audience).is_none() {
                return Err(format!(
                    "seed: client_grants[].audience \"{audience}\" is not an API identifier; seed the API first"
                ));
            }
            let id = g
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(new_client_grant_id);
            g.insert("id".into(), json!(id));
            g.entry("scope").or_insert_with(|| json!([]));
            g.entry("subject_type").or_insert_with(|| json!("client"));
            self.client_grants.insert(id, g);
        }
        Ok(())
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
        if v.is_null() {
            merged.shift_remove(&k);
        } else {
            merged.insert(k, v);
        }
    }
    Value::Object(merged)
}

fn as_object(v: Value) -> Object {
    match v {
        Value::Object(m) => m,
        _ => Object::new(),
    }
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> Tenant {
        Tenant::new(
            "tenant.test",
            "CERT",
            "bootstrapbootstrapbootstrapboots",
            "s3cret",
        )
    }

    fn q(raw: &str) -> ListQuery {
        ListQuery::parse(Some(raw))
    }

    #[test]
    fn a_new_tenant_holds_the_system_api_and_the_bootstrap_grant() {
        let t = tenant();
        let api = t.resource_server("https://tenant.test/api/v2/").unwrap();
        assert_eq!(api["is_system"], true);
        assert_eq!(api["name"], "Auth0 Management API");
        let scopes = t
            .granted_scopes(
                "bootstrapbootstrapbootstrapboots",
                "https://tenant.test/api/v2/",
            )
            .unwrap();
        assert!(scopes.contains(&"create:clients".to_string()));
        assert!(scopes.contains(&"read:client_keys".to_string()));
    }

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
    fn a_machine_to_machine_client_gets_longer_refresh_token_defaults() {
        let mut t = tenant();
        let c = t
            .create_client(&json!({"name": "m2m", "app_type": "non_interactive"}))
            .unwrap();
        assert_eq!(c["refresh_token"]["token_lifetime"], 31557600);
        assert_eq!(c["refresh_token"]["idle_token_lifetime"], 2592000);
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
    fn updating_a_missing_client_is_inexistent_client() {
        let mut t = tenant();
        let err = t.update_client("nope", &json!({"name": "x"})).unwrap_err();
        assert_eq!(err.error_code, Some("inexistent_client"));
        assert_eq!(err.status, 404);
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
    fn offset_paging_with_totals_reports_start_limit_and_total() {
        let mut t = tenant();
        for i in 0..5 {
            t.create_resource_server(&json!({"identifier": format!("https://a{i}/")}))
                .unwrap();
        }
        // 6 with the system API.
        let page = t
            .list_resource_servers(&q("page=1&per_page=4&include_totals=true"))
            .unwrap();
        assert_eq!(page["total"], 6);
        assert_eq!(page["start"], 4);
        assert_eq!(page["limit"], 4);
        assert_eq!(page["resource_servers"].as_array().unwrap().len(), 2);
        let bare = t.list_resource_servers(&q("page=0&per_page=2")).unwrap();
        assert_eq!(bare.as_array().unwrap().len(), 2);
    }

    #[test]
    fn checkpoint_paging_walks_every_item_once() {
        let mut t = tenant();
        for i in 0..5 {
            t.create_client(&json!({"name": format!("c{i}")})).unwrap();
        }
        let mut seen = Vec::new();
        let mut from = String::new();
        for _ in 0..10 {
            let page = t.list_clients(&q(&format!("take=2&from={from}"))).unwrap();
            for c in page["clients"].as_array().unwrap() {
                seen.push(c["client_id"].as_str().unwrap().to_string());
            }
            match page.get("next").and_then(Value::as_str) {
                Some(next) => from = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 6);
        seen.dedup();
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn per_page_above_one_hundred_is_a_query_error() {
        let t = tenant();
        let err = t.list_clients(&q("per_page=101")).unwrap_err();
        assert_eq!(err.status, 400);
    }

    #[test]
    fn clients_filter_by_app_type() {
        let mut t = tenant();
        t.create_client(&json!({"name": "spa", "app_type": "spa"}))
            .unwrap();
        let list = t.list_clients(&q("app_type=spa")).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        let list = t.list_clients(&q("app_type=spa,non_interactive")).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2);
    }

    #[test]
    fn grants_filter_by_audience_and_client() {
        let mut t = tenant();
        t.create_resource_server(&json!({"identifier": "https://a/"}))
            .unwrap();
        let c = t.create_client(&json!({"name": "c"})).unwrap();
        t.create_client_grant(&json!({"client_id": c["client_id"], "audience": "https://a/"}))
            .unwrap();
        let list = t
            .list_client_grants(&q("audience=https%3A%2F%2Fa%2F"))
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        let list = t
            .list_client_grants(&q(&format!(
                "client_id={}",
                c["client_id"].as_str().unwrap()
            )))
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
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

    #[test]
    fn seeding_keeps_given_ids_and_fills_defaults() {
        let mut t = tenant();
        t.seed(&json!({
            "resource_servers": [{"identifier": "https://myapi.example.com/", "name": "My API"}],
            "clients": [{"client_id": "seededseededseededseededseeded12", "name": "seeded"}],
            "client_grants": [{"client_id": "seededseededseededseededseeded12", "audience": "https://myapi.example.com/", "scope": []}]
        }))
        .unwrap();
        let c = t.client("seededseededseededseededseeded12").unwrap();
        assert_eq!(c["grant_types"], json!(DEFAULT_GRANT_TYPES));
        assert_eq!(
            t.resource_server("https://myapi.example.com/").unwrap()["token_lifetime"],
            86400
        );
    }

    #[test]
    fn a_seed_grant_for_an_unknown_client_is_refused_with_a_fix() {
        let mut t = tenant();
        let err = t
            .seed(&json!({"client_grants": [{"client_id": "x", "audience": "https://tenant.test/api/v2/"}]}))
            .unwrap_err();
        assert!(err.contains("seed the client first"), "{err}");
    }

    #[test]
    fn restoring_on_another_port_moves_the_system_api_and_its_grants() {
        let t = tenant();
        let data = t.data();
        let r = Tenant::restore(
            data,
            "tenant.test:9",
            "CERT",
            "bootstrapbootstrapbootstrapboots",
            "s3cret",
        )
        .unwrap();
        assert!(r
            .granted_scopes(
                "bootstrapbootstrapbootstrapboots",
                "https://tenant.test:9/api/v2/"
            )
            .is_some());
        assert_eq!(
            r.list_resource_servers(&q(""))
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
