//! How a resource's operations reach Auth0. Most resources are a Management API collection:
//! one POST, GET, PATCH or DELETE each ([`Collection`]). A resource that is part of another
//! Auth0 object (an API's scopes, a client's credentials) says how instead.

use std::time::Instant;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::ResourceDef;
use crate::auth0::{encode_path_segment, ApiError, Auth0Client};
use crate::value::PropertyMap;

/// What an operation works with: the Auth0 client, the resource's facts and its deadline.
pub struct Op<'a> {
    pub client: &'a Auth0Client,
    pub def: &'static ResourceDef,
    pub deadline: Option<Instant>,
}

impl Op<'_> {
    /// `<collection>/<id>`, the id percent-encoded.
    pub fn item_path(&self, id: &str) -> String {
        format!("{}/{}", self.def.collection, encode_path_segment(id))
    }
}

/// The requests behind Create, Read, Update and Delete. Each returns Auth0's view of the
/// object as JSON in Auth0's names, which the schema-driven flatten turns into state; the
/// resource's id is that JSON's `id_field`.
#[async_trait]
pub trait Lifecycle: Send + Sync {
    /// Creates the object from the expanded inputs.
    async fn create(
        &self,
        op: &Op<'_>,
        inputs: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError>;

    /// Auth0's current view; a 404 means the object is gone. `state` is the last known state
    /// (empty on import).
    async fn read(&self, op: &Op<'_>, id: &str, state: &PropertyMap) -> Result<Json, ApiError>;

    /// Applies a change body (never empty) built from the changed inputs.
    async fn update(
        &self,
        op: &Op<'_>,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError>;

    /// Removes the object; the caller treats a 404 as already gone.
    async fn delete(&self, op: &Op<'_>, id: &str, olds: &PropertyMap) -> Result<(), ApiError>;
}

/// A Management API collection: one request per operation.
pub struct Collection;

#[async_trait]
impl Lifecycle for Collection {
    async fn create(
        &self,
        op: &Op<'_>,
        _inputs: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        let response = op
            .client
            .post(op.def.collection, Json::Object(body), op.deadline)
            .await?;
        Ok(response.body)
    }

    async fn read(&self, op: &Op<'_>, id: &str, _state: &PropertyMap) -> Result<Json, ApiError> {
        Ok(op.client.get(&op.item_path(id), op.deadline).await?.body)
    }

    async fn update(
        &self,
        op: &Op<'_>,
        id: &str,
        _olds: &PropertyMap,
        _news: &PropertyMap,
        body: Map<String, Json>,
    ) -> Result<Json, ApiError> {
        let response = op
            .client
            .patch(&op.item_path(id), Json::Object(body), op.deadline)
            .await?;
        Ok(response.body)
    }

    async fn delete(&self, op: &Op<'_>, id: &str, _olds: &PropertyMap) -> Result<(), ApiError> {
        op.client.delete(&op.item_path(id), op.deadline).await?;
        Ok(())
    }
}

/// A 404 for something that lives inside another object (a scope of an API), in Auth0's words.
pub fn not_found(message: String) -> ApiError {
    ApiError::Status {
        status: 404,
        error: "Not Found".into(),
        message,
        error_code: None,
    }
}
