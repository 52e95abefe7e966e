//! `/api/v2/clients/{id}/credentials[/{credential_id}]`: a client's credentials, a collection
//! nested in a client, with the `*:client_credentials` scopes the OpenAPI gives its operations.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::Value;

use super::collections::parse_body;
use super::{Shared, TokenInfo};
use crate::error::ApiError;

const PATH: &str = "/api/v2/clients/{id}/credentials";

/// The list, create, get, update and delete routes of client credentials.
pub(super) fn routes() -> Router<Shared> {
    Router::new().route(PATH, get(list).post(create)).route(
        &format!("{PATH}/{{credential_id}}"),
        get(read).patch(update).delete(delete),
    )
}

async fn list(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(client_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:client_credentials"])?;
    let list = app.read(|t| t.list_credentials(&client_id))?;
    Ok(Json(Value::Array(list)))
}

async fn create(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    info.require(&["create:client_credentials"])?;
    let body = parse_body(&headers, &body)?;
    let created = app
        .write(|t| t.create_credential(&client_id, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(Value::Object(created))).into_response())
}

async fn read(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path((client_id, credential_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:client_credentials"])?;
    let c = app.read(|t| t.credential(&client_id, &credential_id))?;
    Ok(Json(Value::Object(c)))
}

/// PATCH answers 200, as recorded (TestAccClientAuthenticationMethodsPrivateKeyJWT.yaml #39),
/// not the OpenAPI's 201.
async fn update(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path((client_id, credential_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    info.require(&["update:client_credentials"])?;
    let body = parse_body(&headers, &body)?;
    let c = app
        .write(|t| t.update_credential(&client_id, &credential_id, &body))
        .await?;
    Ok(Json(Value::Object(c)))
}

async fn delete(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path((client_id, credential_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    info.require(&["delete:client_credentials"])?;
    app.write(|t| t.delete_credential(&client_id, &credential_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
