//! How a resource's operations reach Auth0. Most resources are a Management API collection:
//! one POST, GET, PATCH or DELETE each ([`Collection`]). A resource that is part of another
//! Auth0 object (an API's scopes, a client's credentials) says how instead.

use std::time::Instant;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::{Resource, ResourceDef};
use crate::auth0::{encode_path_segment, ApiError, Auth0Client};
use crate::error::Error;
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

/// How many times a create whose answer was lost is sent again to find out what happened.
const RESEND_ATTEMPTS: u32 = 3;

/// What sending a create again after its answer was lost told us.
#[derive(Debug)]
pub enum Resent {
    /// The first attempt had not been applied; this one created the object.
    Created(Json),
    /// Auth0 refused it as a duplicate: an object with the same natural key exists, possibly
    /// the one the lost attempt created.
    Conflict,
}

/// Sends a create again after [`ApiError::OutcomeUnknown`], for resources with a natural key
/// Auth0 enforces (a grant's client, API and subject type; an API's identifier): a second object
/// cannot be made, so resending is safe and a 409 says the first one (or an older one) exists.
pub async fn resend_create(op: &Op<'_>, body: &Map<String, Json>) -> Result<Resent, ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match op
            .client
            .post(op.def.collection, Json::Object(body.clone()), op.deadline)
            .await
        {
            Ok(response) => return Ok(Resent::Created(response.body)),
            Err(err) if err.status() == Some(409) => return Ok(Resent::Conflict),
            Err(err) if err.outcome_unknown() && attempt < RESEND_ATTEMPTS => {
                tracing::info!(
                    collection = op.def.collection,
                    attempt,
                    "resending a create whose answer was lost"
                );
            }
            Err(err) => return Err(err),
        }
    }
}

/// True when `found` (Auth0's object) holds every field of `sent` (the create body) with the
/// same value: lists compare as sets, objects field by field, and fields Auth0 adds are ignored.
pub fn holds_what_was_sent(sent: &Map<String, Json>, found: &Json) -> bool {
    sent.iter()
        .all(|(key, value)| found.get(key).is_some_and(|f| same_json(value, f)))
}

fn same_json(sent: &Json, found: &Json) -> bool {
    match (sent, found) {
        (Json::Object(sent), found @ Json::Object(_)) => holds_what_was_sent(sent, found),
        (Json::Array(sent), Json::Array(found)) => {
            sent.len() == found.len()
                && sent.iter().all(|s| found.iter().any(|f| same_json(s, f)))
                && found.iter().all(|f| sent.iter().any(|s| same_json(s, f)))
        }
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// The error of a create cancelled while Auth0 may have been applying it. A cancelled
/// provider sends nothing more, so nothing is looked up: the resource's advice says what to
/// look for.
pub fn cancelled_create(
    resource: &dyn Resource,
    name: &str,
    body: &Map<String, Json>,
    lost: &ApiError,
) -> Error {
    Error::OutcomeUnknown(format!(
        "{} {name}: {} {}",
        resource.def().label,
        lost.sentence(),
        resource.after_cancelled_create(name, body)
    ))
}

/// "If Auth0 now holds `what`, adopt it with `pulumi import …` before running pulumi up
/// again.", for a create that makes a new object.
pub fn adopt_advice(def: &ResourceDef, name: &str, what: &str) -> String {
    format!(
        "If Auth0 now holds {what}, adopt it with `{}` before running pulumi up again.",
        import_command(def, name, &format!("<{}>", def.id_field))
    )
}

/// The error of an update or delete cancelled while Auth0 may have been applying it. The
/// engine keeps the state from before, and the request is safe to send again.
pub fn cancelled_change(def: &ResourceDef, lost: &ApiError) -> Error {
    Error::OutcomeUnknown(format!(
        "{}: {} The state from before is kept: running the same pulumi command again repeats it safely, and pulumi refresh shows what Auth0 holds now.",
        def.label,
        lost.sentence()
    ))
}

/// `pulumi import <token> <name> <id>`, the command that adopts an object into the program.
pub fn import_command(def: &ResourceDef, name: &str, id: &str) -> String {
    format!("pulumi import {} {name} {id}", def.token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Json) -> Map<String, Json> {
        match value {
            Json::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_cancelled_create_says_what_each_resource_may_have_left_and_how_to_deal_with_it() {
        use crate::resources::{
            client::Client, client_credentials::ClientCredentials, client_grant::ClientGrant,
            resource_server::ResourceServer, resource_server_scopes::ResourceServerScopes,
        };
        let lost = ApiError::OutcomeUnknown("POST /x was cancelled after it was sent".into());
        let message = |resource: &dyn Resource, body: Json| {
            cancelled_create(resource, "r", &map(body), &lost).to_string()
        };
        let sentence =
            "POST /x was cancelled after it was sent; Auth0 may or may not have applied it.";
        assert_eq!(
            message(&Client, json!({"name": "svc"})),
            format!("Client r: {sentence} If Auth0 now holds an application named \"svc\", adopt it with `pulumi import auth0:index/client:Client r <client_id>` before running pulumi up again. Otherwise pulumi up creates a second one.")
        );
        assert_eq!(
            message(&ResourceServer, json!({"identifier": "https://api/"})),
            format!("ResourceServer r: {sentence} If Auth0 now holds an API with identifier \"https://api/\", adopt it with `pulumi import auth0:index/resourceServer:ResourceServer r <id>` before running pulumi up again.")
        );
        assert!(message(&ClientGrant, json!({"client_id": "c1", "audience": "https://api/"}))
            .contains("If Auth0 now holds a grant of client \"c1\" to the API \"https://api/\", adopt it with `pulumi import auth0:index/clientGrant:ClientGrant r <id>`"));
        assert!(message(&ClientGrant, json!({"default_for": "third_party_clients", "audience": "https://api/"}))
            .contains("If Auth0 now holds a default grant for third_party_clients to the API \"https://api/\""));
        assert!(message(&ClientCredentials, json!({"client_id": "c1"}))
            .ends_with("first delete any credential of client c1 that its authentication method does not list (the application's Credentials tab, or DELETE /api/v2/clients/c1/credentials/<credential_id>), as Auth0 keeps at most 2 per client."));
        assert_eq!(
            message(&ResourceServerScopes, json!({"identifier": "https://api/"})),
            format!("ResourceServerScopes r: {sentence} Running pulumi up again sends it again, which is harmless.")
        );
    }

    #[test]
    fn an_object_holds_what_was_sent_when_every_sent_field_matches_lists_as_sets() {
        let sent = map(json!({"client_id": "c", "audience": "a", "scope": ["x", "y"]}));
        let found = json!({"id": "g", "client_id": "c", "audience": "a", "scope": ["y", "x"], "subject_type": "client"});
        assert!(holds_what_was_sent(&sent, &found));
    }

    #[test]
    fn a_differing_or_missing_field_or_an_extra_list_item_is_not_what_was_sent() {
        let sent = map(json!({"client_id": "c", "audience": "a", "scope": ["x"]}));
        for found in [
            json!({"client_id": "c", "audience": "a", "scope": ["x", "y"]}),
            json!({"client_id": "c", "audience": "b", "scope": ["x"]}),
            json!({"client_id": "c", "scope": ["x"]}),
            json!({"client_id": "c", "audience": "a", "scope": []}),
        ] {
            assert!(!holds_what_was_sent(&sent, &found), "{found}");
        }
    }

    #[test]
    fn nested_objects_compare_field_by_field_and_numbers_by_value() {
        let sent =
            map(json!({"jwt": {"lifetime": 60}, "scopes": [{"value": "r", "description": "d"}]}));
        let found = json!({"jwt": {"lifetime": 60.0, "alg": "RS256"}, "scopes": [{"value": "r", "description": "d"}]});
        assert!(holds_what_was_sent(&sent, &found));
        let other =
            json!({"jwt": {"lifetime": 61}, "scopes": [{"value": "r", "description": "d"}]});
        assert!(!holds_what_was_sent(&sent, &other));
    }
}
