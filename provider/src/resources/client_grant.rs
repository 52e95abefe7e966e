//! ClientGrant (which scopes a client may request for an API).

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::defaults::{default, Lit::*, Use};
use super::lifecycle::{self, holds_what_was_sent, import_command, resend_create, Op, Resent};
use super::{api_names, Context, Resource, ResourceDef};
use crate::auth0::{ApiError, Auth0Client};
use crate::check::Checker;
use crate::error::Error;
use crate::rpc::CheckRequest;
use crate::value::{PropertyMap, Value};

pub struct ClientGrant;

pub static DEF: ResourceDef = ResourceDef {
    token: "auth0:index/clientGrant:ClientGrant",
    label: "ClientGrant",
    collection: "/api/v2/client-grants",
    id_field: "id",
    autoname: None,
    api_names: api_names::CLIENT_GRANT,
    allowed_values: &[
        ("organizationUsage", &["deny", "allow", "require"]),
        ("subjectType", &["client", "user"]),
    ],
    set_properties: &["scopes", "authorizationDetailsTypes"],
    // `scope` is folded into `scopes` by Check, so it never reaches Auth0 on its own.
    provider_only: &["scope"],
    clear_with_null: &[],
    secret_outputs: &[],
    write_only: &[],
    unclearable: &[],
    merged_maps: &[],
    rotation: None,
    auth0_defaults: &[
        default("subjectType", Str("client"), Use::Import),
        default("allowAnyOrganization", Bool(false), Use::Import),
        default("allowAllScopes", Bool(false), Use::Import),
    ],
};

#[async_trait]
impl Resource for ClientGrant {
    fn def(&self) -> &'static ResourceDef {
        &DEF
    }

    /// `scope` is the deprecated alias of `scopes` (Check has refused the two differing), and
    /// `allowAllScopes` is dropped for the Management API (Check has warned), so neither is
    /// left in the inputs to diff against a state that never holds it.
    fn normalize(&self, ctx: &Context<'_>, inputs: &mut PropertyMap) {
        if let Some(scope) = inputs.remove("scope") {
            inputs.entry("scopes".into()).or_insert(scope);
        }
        if is_management_api(ctx, inputs) {
            inputs.remove("allowAllScopes");
        }
    }

    fn check(
        &self,
        ctx: &Context<'_>,
        _req: &CheckRequest,
        inputs: &PropertyMap,
        checker: &mut Checker<'_>,
    ) {
        if let (Some(scope), Some(scopes)) = (inputs.get("scope"), inputs.get("scopes")) {
            if !scope.contains_unknowns()
                && !scopes.contains_unknowns()
                && !crate::diff::same(scope, scopes)
            {
                checker.fail(
                    "scope",
                    "is a deprecated alias of `scopes` and the two differ; set only `scopes`",
                );
            }
        }
        let set = |name: &str| inputs.get(name).is_some_and(|v| !v.is_null());
        match (set("clientId"), set("defaultFor")) {
            (true, true) => checker.fail(
                "defaultFor",
                "cannot be set together with `clientId`; a grant is either for one client or the default for a kind of client, so remove one of them",
            ),
            (false, false) => checker.fail("clientId", "is required unless `defaultFor` is set; set the id of the client to grant"),
            _ => {}
        }
        if set("allowAllScopes") && is_management_api(ctx, inputs) {
            ctx.warn(
                "ClientGrant.allowAllScopes is not sent for the Auth0 Management API, which refuses it; list the scopes in `scopes` instead",
            );
        }
    }

    fn adjust_body(&self, ctx: &Context<'_>, inputs: &PropertyMap, body: &mut Map<String, Json>) {
        // pulumi-auth0#1069: a system API answers 400 to allow_all_scopes. Normalize drops the
        // input already; this also covers an audience that was still unknown at Check time.
        if is_management_api(ctx, inputs) {
            body.remove("allow_all_scopes");
        }
    }

    fn after_cancelled_create(&self, name: &str, body: &Map<String, Json>) -> String {
        let field = |key: &str| body.get(key).and_then(Json::as_str);
        let audience = field("audience").unwrap_or_default();
        let what = match (field("client_id"), field("default_for")) {
            (None, Some(default_for)) => {
                format!("a default grant for {default_for} to the API {audience:?}")
            }
            (client, _) => format!(
                "a grant of client {:?} to the API {audience:?}",
                client.unwrap_or_default()
            ),
        };
        lifecycle::adopt_advice(&DEF, name, &what)
    }

    /// A grant is unique per (client, API, subject type), so the create is sent again: it
    /// either creates the grant (the lost one was not applied) or gets a 409. After a 409 the
    /// existing grant is adopted only if it is identical to what was sent (same client_id,
    /// audience, subject_type, scopes and every other field sent): adopting a grant that differs
    /// would hide a change, so that one is named with its import command instead.
    async fn recover_create(
        &self,
        op: &Op<'_>,
        name: &str,
        body: &Map<String, Json>,
        lost: ApiError,
    ) -> Result<Json, Error> {
        let field = |key: &str| body.get(key).and_then(Json::as_str).unwrap_or_default();
        let what = format!(
            "ClientGrant {name} (client {:?}, audience {:?})",
            field("client_id").to_string() + field("default_for"),
            field("audience")
        );
        match resend_create(op, body).await {
            Ok(Resent::Created(created)) => return Ok(created),
            Ok(Resent::Conflict) => {}
            Err(err) if err.outcome_unknown() => {
                return Err(Error::OutcomeUnknown(format!(
                    "{what}: {} Run pulumi up again: a grant Auth0 holds already is then reported with its id.",
                    err.sentence()
                )))
            }
            Err(err) => return Err(Error::from(err)),
        }
        let subject_type = body
            .get("subject_type")
            .and_then(Json::as_str)
            .unwrap_or("client");
        let mut req = crate::auth0::ApiRequest::new(reqwest::Method::GET, DEF.collection)
            .query("audience", field("audience"))
            .deadline(op.deadline);
        for key in ["client_id", "default_for"] {
            if body.contains_key(key) {
                req = req.query(key, field(key));
            }
        }
        let listed = op.client.send(req).await.map_err(|err| {
            Error::OutcomeUnknown(format!(
                "{what}: {} Auth0 holds such a grant, but listing it failed ({}); find its id with GET /api/v2/client-grants?client_id=…&audience=… and adopt it with `{}`.",
                lost.sentence(),
                err.sentence().trim_end_matches('.'),
                import_command(&DEF, name, "<id>")
            ))
        })?;
        let grants = match listed.body {
            Json::Array(items) => items,
            Json::Object(mut page) => match page.remove("client_grants") {
                Some(Json::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let existing = grants.into_iter().find(|g| {
            g.get("subject_type")
                .and_then(Json::as_str)
                .unwrap_or("client")
                == subject_type
        });
        match existing {
            Some(grant) if holds_what_was_sent(body, &grant) => {
                tracing::info!(name, "adopted the grant a lost create had made");
                Ok(grant)
            }
            Some(grant) => {
                let id = grant.get("id").and_then(Json::as_str).unwrap_or("<id>");
                Err(Error::OutcomeUnknown(format!(
                    "{what}: {} Auth0 now holds grant {id} for that client and API, which differs from this program's, so it was not adopted; adopt it with `{}` or delete it.",
                    lost.sentence(),
                    import_command(&DEF, name, id)
                )))
            }
            None => Err(Error::OutcomeUnknown(format!(
                "{what}: {} Auth0 refused to create it again as a duplicate, yet lists no such grant; run pulumi up again.",
                lost.sentence()
            ))),
        }
    }

    async fn explain(
        &self,
        _ctx: &Context<'_>,
        client: &Auth0Client,
        inputs: &PropertyMap,
        err: &ApiError,
    ) -> Option<String> {
        let audience = inputs
            .get("audience")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let client_id = inputs
            .get("clientId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match err.status() {
            // A grant's create names two things that may not exist: tell which one Auth0 meant.
            // Any other 404 (e.g. the grant itself is gone) keeps the generic sentence.
            Some(404) if err.error_code() == Some("inexistent_client") || err.sentence().contains("Client not found") => Some(format!(
                "ClientGrant.clientId: Auth0 answered 404 Not Found: no client with id {client_id:?} exists in this tenant; create it (auth0.Client) or correct the clientId."
            )),
            Some(404) if err.error_code() == Some("inexistent_resource_server") || err.sentence().contains("Resource server not found") => Some(format!(
                "ClientGrant.audience: Auth0 answered 404 Not Found: no API with identifier {audience:?} exists in this tenant; create it (auth0.ResourceServer) or correct the audience."
            )),
            Some(409) => {
                let existing = existing_grant(client, inputs).await;
                let adopt = match &existing {
                    Some(id) => format!(
                        " ({id}); adopt it with `pulumi import auth0:index/clientGrant:ClientGrant <name> {id}` or delete it in Auth0"
                    ),
                    None => "; adopt it with `pulumi import auth0:index/clientGrant:ClientGrant <name> <grant id>` or delete it in Auth0".into(),
                };
                Some(format!(
                    "ClientGrant.clientId: Auth0 answered 409 Conflict: a grant between client {client_id:?} and API {audience:?} already exists{adopt}."
                ))
            }
            _ => None,
        }
    }
}

fn is_management_api(ctx: &Context<'_>, inputs: &PropertyMap) -> bool {
    let audience = inputs.get("audience").and_then(Value::as_str);
    audience.is_some() && audience == ctx.management_audience.as_deref()
}

/// The id of the grant that conflicts with these inputs (same client or default class, API and
/// subject type), found with one list request.
async fn existing_grant(client: &Auth0Client, inputs: &PropertyMap) -> Option<String> {
    let mut req = crate::auth0::ApiRequest::new(reqwest::Method::GET, DEF.collection);
    for (input, query) in [
        ("audience", "audience"),
        ("clientId", "client_id"),
        ("defaultFor", "default_for"),
        ("subjectType", "subject_type"),
    ] {
        if let Some(value) = inputs.get(input).and_then(Value::as_str) {
            req = req.query(query, value);
        }
    }
    let response = client.send(req).await.ok()?;
    let grants = match &response.body {
        Json::Array(items) => items.clone(),
        Json::Object(page) => page
            .get("client_grants")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    grants
        .iter()
        .find_map(|g| g.get("id").and_then(Json::as_str).map(str::to_string))
}
