//! The Management API collections: one table row per collection, and one route builder that turns
//! a row into its list, create, get, update and delete routes.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Map, Value};

use super::{Shared, TokenInfo};
use crate::error::ApiError;
use crate::tenant::{ListQuery, Object, Tenant};

/// The scopes each route of a collection takes; any one of a list is enough.
struct Scopes {
    read: &'static [&'static str],
    create: &'static [&'static str],
    update: &'static [&'static str],
    /// What an update that sets `client_secret` takes instead; such a collection reads the body
    /// before it checks scopes.
    update_secret: Option<&'static [&'static str]>,
    delete: &'static [&'static str],
}

/// What differs between the collections' routes: the path, the scopes and the tenant's operations.
pub(super) struct Collection {
    /// Items live at `{path}/{id}`.
    path: &'static str,
    /// The key a page with totals holds the items under.
    key: &'static str,
    scopes: Scopes,
    list: fn(&Tenant, &ListQuery) -> Result<Value, ApiError>,
    create: fn(&mut Tenant, &Value) -> Result<Object, ApiError>,
    get: for<'t> fn(&'t Tenant, &str) -> Result<&'t Object, ApiError>,
    update: fn(&mut Tenant, &str, &Value) -> Result<Object, ApiError>,
    delete: fn(&mut Tenant, &str) -> Result<(), ApiError>,
    /// An item as the caller may see it.
    view: fn(&Object, &TokenInfo, &ListQuery) -> Value,
}

pub(super) static CLIENTS: Collection = Collection {
    path: "/api/v2/clients",
    key: "clients",
    scopes: Scopes {
        read: &["read:clients", "read:client_keys"],
        create: &["create:clients"],
        update: &["update:clients", "update:client_keys"],
        update_secret: Some(&["update:client_keys"]),
        delete: &["delete:clients"],
    },
    list: Tenant::list_clients,
    create: Tenant::create_client,
    get: Tenant::client,
    update: Tenant::update_client,
    delete: Tenant::delete_client,
    view: client_view,
};

pub(super) static RESOURCE_SERVERS: Collection = Collection {
    path: "/api/v2/resource-servers",
    key: "resource_servers",
    scopes: Scopes {
        read: &["read:resource_servers"],
        create: &["create:resource_servers"],
        update: &["update:resource_servers"],
        update_secret: None,
        delete: &["delete:resource_servers"],
    },
    list: Tenant::list_resource_servers,
    create: Tenant::create_resource_server,
    get: Tenant::resource_server,
    update: Tenant::update_resource_server,
    delete: Tenant::delete_resource_server,
    view: stored_view,
};

pub(super) static CLIENT_GRANTS: Collection = Collection {
    path: "/api/v2/client-grants",
    key: "client_grants",
    scopes: Scopes {
        read: &["read:client_grants"],
        create: &["create:client_grants"],
        update: &["update:client_grants"],
        update_secret: None,
        delete: &["delete:client_grants"],
    },
    list: Tenant::list_client_grants,
    create: Tenant::create_client_grant,
    get: Tenant::client_grant,
    update: Tenant::update_client_grant,
    delete: Tenant::delete_client_grant,
    view: stored_view,
};

/// `GET`/`POST {path}` and `GET`/`PATCH`/`DELETE {path}/{id}` for one collection.
pub(super) fn routes(c: &'static Collection) -> Router<Shared> {
    Router::new()
        .route(
            c.path,
            get(move |app, info, raw| list(c, app, info, raw))
                .post(move |app, info, headers, body| create(c, app, info, headers, body)),
        )
        .route(
            &format!("{}/{{id}}", c.path),
            get(move |app, info, id, raw| read(c, app, info, id, raw))
                .patch(move |app, info, id, headers, body| update(c, app, info, id, headers, body))
                .delete(move |app, info, id| delete(c, app, info, id)),
        )
}

async fn list(
    c: &'static Collection,
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    info.require(c.scopes.read)?;
    let q = ListQuery::parse(raw.as_deref());
    let list = app.read(|t| (c.list)(t, &q))?;
    Ok(Json(map_list(list, c.key, |o| (c.view)(o, &info, &q))))
}

async fn create(
    c: &'static Collection,
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    info.require(c.scopes.create)?;
    let body = parse_body(&headers, &body)?;
    let created = app.write(|t| (c.create)(t, &body)).await?;
    let view = (c.view)(&created, &info, &ListQuery::default());
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn read(
    c: &'static Collection,
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    info.require(c.scopes.read)?;
    let q = ListQuery::parse(raw.as_deref());
    app.read(|t| Ok(Json((c.view)((c.get)(t, &id)?, &info, &q))))
}

async fn update(
    c: &'static Collection,
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = match c.scopes.update_secret {
        None => {
            info.require(c.scopes.update)?;
            parse_body(&headers, &body)?
        }
        Some(secret_scopes) => {
            let body = parse_body(&headers, &body)?;
            if body.get("client_secret").is_some() {
                info.require(secret_scopes)?;
            } else {
                info.require(c.scopes.update)?;
            }
            body
        }
    };
    let updated = app.write(|t| (c.update)(t, &id, &body)).await?;
    Ok(Json((c.view)(&updated, &info, &ListQuery::default())))
}

async fn delete(
    c: &'static Collection,
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    info.require(c.scopes.delete)?;
    app.write(|t| (c.delete)(t, &id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resource servers and grants are seen as stored.
fn stored_view(o: &Object, _: &TokenInfo, _: &ListQuery) -> Value {
    Value::Object(o.clone())
}

/// Parse a Management API request body: JSON, or form-encoded (as the OpenAPI allows).
fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, ApiError> {
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if form {
        let map: Map<String, Value> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Ok(Value::Object(map));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|_| {
        ApiError::new(
            400,
            "Invalid request payload JSON format",
            Some("invalid_body"),
        )
    })
}

/// A client as the caller may see it: `client_secret` only with `read:client_keys`, and the
/// `fields`/`include_fields` selection applied.
fn client_view(c: &Object, info: &TokenInfo, q: &ListQuery) -> Value {
    let mut c = c.clone();
    if !info.has("read:client_keys") {
        c.shift_remove("client_secret");
    }
    let fields: Vec<String> = q.all("fields");
    if !fields.is_empty() {
        let include = q.get("include_fields") != Some("false");
        c.retain(|k, _| fields.iter().any(|f| f == k) == include);
    }
    Value::Object(c)
}

fn map_list(list: Value, key: &str, f: impl Fn(&Object) -> Value) -> Value {
    let apply = |items: &Value| -> Value {
        Value::Array(
            items
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_object).map(&f).collect())
                .unwrap_or_default(),
        )
    };
    match list {
        Value::Array(_) => apply(&list),
        Value::Object(mut m) => {
            if let Some(items) = m.get(key) {
                let mapped = apply(items);
                m.insert(key.to_string(), mapped);
            }
            Value::Object(m)
        }
        other => other,
    }
}

pub(super) async fn rotate_secret(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    info.require(&["update:client_keys"])?;
    let c = app.write(|t| t.rotate_secret(&id)).await?;
    Ok(Json(client_view(&c, &info, &ListQuery::default())))
}
