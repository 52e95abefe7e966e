//! The tenant: clients, resource servers (APIs) and client grants, with Auth0's defaults, rules,
//! paging and cascades. Pure data and logic; no HTTP, no locking, no I/O.

mod clients;
mod filter;
mod grants;
mod paging;
mod resource_servers;

use indexmap::IndexMap;
use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use paging::ListQuery;

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

fn as_object(v: Value) -> Object {
    match v {
        Value::Object(m) => m,
        _ => Object::new(),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::{ListQuery, Tenant};

    pub(crate) fn tenant() -> Tenant {
        Tenant::new(
            "tenant.test",
            "CERT",
            "bootstrapbootstrapbootstrapboots",
            "s3cret",
        )
    }

    pub(crate) fn q(raw: &str) -> ListQuery {
        ListQuery::parse(Some(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::clients::DEFAULT_GRANT_TYPES;
    use crate::tenant::fixtures::{q, tenant};

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
