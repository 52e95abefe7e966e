//! An API's scopes as resources of their own: `ResourceServerScopes` owns the whole list,
//! `ResourceServerScope` one entry of it. Both live in the API's `scopes` field, which Auth0
//! only replaces whole (PATCH /resource-servers/{id} with the full list); Auth0 accepts the
//! API's identifier in place of its id on that path.
//!
//! `ResourceServerScope` is a read-modify-write of that list. Operations on the same API are
//! serialized within this plugin process, so the parallel creates of one `pulumi up` lose no
//! scope. Two processes (two stacks, or `up` beside a dashboard edit) can still interleave a
//! read and a write, and the later PATCH wins: Auth0 offers no conditional update to stop it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};

use super::lifecycle::{not_found, Lifecycle, Op};
use super::{Context, Resource, ResourceDef};
use crate::auth0::ApiError;
use crate::check::Checker;
use crate::rpc::CheckRequest;
use crate::value::PropertyMap;

const COLLECTION: &str = "/api/v2/resource-servers";

pub struct ResourceServerScopes;

pub static SCOPES_DEF: ResourceDef = ResourceDef {
    token: "auth0:index/resourceServerScopes:ResourceServerScopes",
    label: "ResourceServerScopes",
    collection: COLLECTION,
    id_field: "identifier",
    autoname: None,
    api_names: &[
        ("resourceServerIdentifier", "identifier"),
        ("scopes.name", "value"),
    ],
    allowed_values: &[],
    set_properties: &["scopes"],
    provider_only: &[],
    clear_with_null: &[],
    secret_outputs: &[],
    write_only: &[],
    unclearable: &[],
    merged_maps: &[],
    rotation: None,
    auth0_defaults: &[],
};

#[async_trait]
impl Resource for ResourceServerScopes {
    fn def(&self) -> &'static ResourceDef {
        &SCOPES_DEF
    }

    fn check(
        &self,
        _ctx: &Context<'_>,
        _req: &CheckRequest,
        inputs: &PropertyMap,
        checker: &mut Checker<'_>,
    ) {
        let Some(crate::value::Value::Array(scopes)) =
            inputs.get("scopes").map(crate::value::Value::unwrap_all)
        else {
            return;
        };
        let mut seen = std::collections::BTreeSet::new();
        for (index, scope) in scopes.iter().enumerate() {
            let name = match scope {
                crate::value::Value::Object(fields) => fields.get("name").and_then(|v| v.as_str()),
                _ => None,
            };
            if let Some(name) = name {
                if !seen.insert(name.to_string()) {
                    checker.fail(
                        &format!("scopes[{index}].name"),
                        format!("{name:?} is listed twice; Auth0 keeps one entry per scope, so list it once"),
                    );
                }
            }
        }
    }

    fn scope_owner(&self, inputs: &PropertyMap) -> Option<String> {
        inputs
            .get("resourceServerIdentifier")?
            .as_str()
            .map(str::to_string)
    }

    fn lifecycle(&self) -> Option<&dyn Lifecycle> {
        Some(&ScopesLifecycle)
    }
}

struct ScopesLifecycle;

fn api_path(identifier: &str) -> String {
    format!(
        "{COLLECTION}/{}",
        crate::auth0::encode_path_segment(identifier)
    )
}

#[async_trait]
impl Lifecycle for ScopesLifecycle {
    async fn create(
        &self,
        op: &Op<'_>,
        _inputs: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        let identifier = body
            .get("identifier")
            .and_then(Json::as_str)
            .unwrap_or_default();
        let scopes = body.get("scopes").cloned().unwrap_or(json!([]));
        let response = op
            .client
            .patch(
                &api_path(identifier),
                json!({ "scopes": scopes }),
                op.deadline,
            )
            .await?;
        Ok(response.body)
    }

    async fn read(&self, op: &Op<'_>, id: &str, _state: &PropertyMap) -> Result<Json, ApiError> {
        Ok(op.client.get(&api_path(id), op.deadline).await?.body)
    }

    async fn update(
        &self,
        op: &Op<'_>,
        id: &str,
        _olds: &PropertyMap,
        _news: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        // The identifier never changes in place (it replaces), so the body holds only scopes.
        let scopes = body.get("scopes").cloned().unwrap_or(json!([]));
        let response = op
            .client
            .patch(&api_path(id), json!({ "scopes": scopes }), op.deadline)
            .await?;
        Ok(response.body)
    }

    async fn delete(&self, op: &Op<'_>, id: &str, _olds: &PropertyMap) -> Result<(), ApiError> {
        op.client
            .patch(&api_path(id), json!({ "scopes": [] }), op.deadline)
            .await?;
        Ok(())
    }
}

pub struct ResourceServerScope;

pub static SCOPE_DEF: ResourceDef = ResourceDef {
    token: "auth0:index/resourceServerScope:ResourceServerScope",
    label: "ResourceServerScope",
    collection: COLLECTION,
    id_field: "id",
    autoname: None,
    api_names: &[],
    allowed_values: &[],
    set_properties: &[],
    provider_only: &[],
    clear_with_null: &[],
    secret_outputs: &[],
    write_only: &[],
    unclearable: &[],
    merged_maps: &[],
    rotation: None,
    auth0_defaults: &[],
};

#[async_trait]
impl Resource for ResourceServerScope {
    fn def(&self) -> &'static ResourceDef {
        &SCOPE_DEF
    }

    fn scope_owner(&self, inputs: &PropertyMap) -> Option<String> {
        inputs
            .get("resourceServerIdentifier")?
            .as_str()
            .map(str::to_string)
    }

    fn lifecycle(&self) -> Option<&dyn Lifecycle> {
        Some(&ScopeLifecycle)
    }
}

/// `<API identifier>::<scope>`, the id the official provider gives a ResourceServerScope.
pub fn scope_id(identifier: &str, scope: &str) -> String {
    format!("{identifier}::{scope}")
}

/// The identifier and scope of an id; the identifier may itself contain `::`, a scope not.
pub fn parse_scope_id(id: &str) -> Option<(&str, &str)> {
    id.rsplit_once("::")
        .filter(|(identifier, scope)| !identifier.is_empty() && !scope.is_empty())
}

/// One lock per API identifier, shared by every ResourceServerScope operation in this process.
fn api_lock(identifier: &str) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut locks = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    locks.entry(identifier.to_string()).or_default().clone()
}

struct ScopeLifecycle;

/// The API's scopes as Auth0 returned them (value and description objects).
fn scopes_of(api: &Json) -> Vec<Json> {
    api.get("scopes")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

fn value_of(scope: &Json) -> Option<&str> {
    scope.get("value").and_then(Json::as_str)
}

/// The state-shaped view of one scope of an API.
fn scope_view(identifier: &str, scope: &Json) -> Json {
    let value = value_of(scope).unwrap_or_default();
    let mut view = json!({
        "id": scope_id(identifier, value),
        "resource_server_identifier": identifier,
        "scope": value,
    });
    if let Some(description) = scope.get("description").filter(|d| !d.is_null()) {
        view["description"] = description.clone();
    }
    view
}

fn missing_scope(identifier: &str, scope: &str) -> ApiError {
    not_found(format!("the API {identifier} has no scope {scope:?}"))
}

impl ScopeLifecycle {
    /// Reads the API's scopes, applies `change` and writes them back if they changed, all under
    /// the API's lock. Returns the API as Auth0 answered last.
    async fn modify(
        &self,
        op: &Op<'_>,
        identifier: &str,
        change: impl FnOnce(&mut Vec<Json>) + Send,
    ) -> Result<Json, ApiError> {
        let lock = api_lock(identifier);
        let _held = lock.lock().await;
        let api = op
            .client
            .get(&api_path(identifier), op.deadline)
            .await?
            .body;
        let before = scopes_of(&api);
        let mut scopes = before.clone();
        change(&mut scopes);
        if scopes == before {
            return Ok(api);
        }
        let response = op
            .client
            .patch(
                &api_path(identifier),
                json!({ "scopes": scopes }),
                op.deadline,
            )
            .await?;
        Ok(response.body)
    }
}

/// Puts `value` with `description` into the list, in place if it is there, else at the end.
fn upsert(scopes: &mut Vec<Json>, value: &str, description: Option<&Json>) {
    let mut entry = json!({ "value": value });
    if let Some(description) = description.filter(|d| !d.is_null()) {
        entry["description"] = description.clone();
    }
    match scopes.iter_mut().find(|s| value_of(s) == Some(value)) {
        Some(existing) => *existing = entry,
        None => scopes.push(entry),
    }
}

fn find_view(api: &Json, identifier: &str, scope: &str) -> Result<Json, ApiError> {
    scopes_of(api)
        .iter()
        .find(|s| value_of(s) == Some(scope))
        .map(|s| scope_view(identifier, s))
        .ok_or_else(|| missing_scope(identifier, scope))
}

#[async_trait]
impl Lifecycle for ScopeLifecycle {
    async fn create(
        &self,
        op: &Op<'_>,
        _inputs: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        let identifier = body
            .get("resource_server_identifier")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let scope = body
            .get("scope")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let description = body.get("description").cloned();
        let api = self
            .modify(op, &identifier, |scopes| {
                upsert(scopes, &scope, description.as_ref())
            })
            .await?;
        find_view(&api, &identifier, &scope)
    }

    async fn read(&self, op: &Op<'_>, id: &str, _state: &PropertyMap) -> Result<Json, ApiError> {
        let (identifier, scope) = parse_scope_id(id).ok_or_else(|| bad_id(id))?;
        let api = op
            .client
            .get(&api_path(identifier), op.deadline)
            .await?
            .body;
        find_view(&api, identifier, scope)
    }

    async fn update(
        &self,
        op: &Op<'_>,
        id: &str,
        _olds: &PropertyMap,
        news: &PropertyMap,
        _body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        // Only the description changes in place; identifier and scope replace.
        let (identifier, scope) = parse_scope_id(id).ok_or_else(|| bad_id(id))?;
        let description = news.get("description").and_then(|v| v.to_json());
        let api = self
            .modify(op, identifier, |scopes| {
                upsert(scopes, scope, description.as_ref())
            })
            .await?;
        find_view(&api, identifier, scope)
    }

    async fn delete(&self, op: &Op<'_>, id: &str, _olds: &PropertyMap) -> Result<(), ApiError> {
        let (identifier, scope) = parse_scope_id(id).ok_or_else(|| bad_id(id))?;
        self.modify(op, identifier, |scopes| {
            scopes.retain(|s| value_of(s) != Some(scope))
        })
        .await?;
        Ok(())
    }
}

fn bad_id(id: &str) -> ApiError {
    ApiError::Status {
        status: 400,
        error: "Bad Request".into(),
        message: format!(
            "{id:?} is not a ResourceServerScope id; it is `<API identifier>::<scope>`, e.g. https://api.example.com/::read:data"
        ),
        error_code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_id_splits_at_the_last_double_colon() {
        assert_eq!(
            parse_scope_id("https://api.example.com/::read:data"),
            Some(("https://api.example.com/", "read:data"))
        );
        assert_eq!(
            parse_scope_id("urn::api::write"),
            Some(("urn::api", "write"))
        );
        assert_eq!(parse_scope_id("no-separator"), None);
        assert_eq!(parse_scope_id("::read"), None);
        assert_eq!(parse_scope_id("https://api/::"), None);
    }

    #[test]
    fn upsert_replaces_a_scope_in_place_and_appends_a_new_one() {
        let mut scopes = vec![
            json!({"value": "read", "description": "old"}),
            json!({"value": "write"}),
        ];
        upsert(&mut scopes, "read", Some(&json!("new")));
        upsert(&mut scopes, "delete", None);
        assert_eq!(
            scopes,
            vec![
                json!({"value": "read", "description": "new"}),
                json!({"value": "write"}),
                json!({"value": "delete"}),
            ]
        );
    }

    #[test]
    fn the_view_of_a_scope_carries_its_id_and_description() {
        let view = scope_view(
            "https://api/",
            &json!({"value": "read", "description": "Read"}),
        );
        assert_eq!(
            view,
            json!({"id": "https://api/::read", "resource_server_identifier": "https://api/",
                   "scope": "read", "description": "Read"})
        );
        let api = json!({"scopes": [{"value": "read"}]});
        assert!(find_view(&api, "https://api/", "write")
            .unwrap_err()
            .is_not_found());
    }
}
