//! ResourceServer (an API in Auth0).

use async_trait::async_trait;

use super::defaults::{default, Lit::*, Use};
use serde_json::{Map, Value as Json};

use super::lifecycle::{self, holds_what_was_sent, import_command, resend_create, Op, Resent};
use super::{api_names, Context, Resource, ResourceDef};
use crate::auth0::{ApiError, Auth0Client};
use crate::check::Checker;
use crate::error::Error;
use crate::rpc::CheckRequest;
use crate::value::{PropertyMap, Value};

pub struct ResourceServer;

pub static DEF: ResourceDef = ResourceDef {
    token: "auth0:index/resourceServer:ResourceServer",
    label: "ResourceServer",
    collection: "/api/v2/resource-servers",
    id_field: "id",
    autoname: Some("name"),
    api_names: api_names::RESOURCE_SERVER,
    allowed_values: &[
        (
            "consentPolicy",
            &["transactional-authorization-with-mfa", "null"],
        ),
        ("signingAlg", &["HS256", "RS256", "PS256"]),
        (
            "tokenDialect",
            &[
                "access_token",
                "access_token_authz",
                "rfc9068_profile",
                "rfc9068_profile_authz",
            ],
        ),
        ("tokenEncryption.format", &["compact-nested-jwe"]),
        ("proofOfPossession.mechanism", &["mtls", "dpop"]),
        (
            "subjectTypeAuthorization.user.policy",
            &["allow_all", "deny_all", "require_client_grant"],
        ),
        (
            "subjectTypeAuthorization.client.policy",
            &["deny_all", "require_client_grant"],
        ),
    ],
    set_properties: &["scopes"],
    provider_only: &[],
    clear_with_null: &["authorizationDetails"],
    secret_outputs: &["signingSecret"],
    write_only: &["tokenEncryption.encryptionKey.pem"],
    unclearable: &["signingSecret", "verificationLocation"],
    merged_maps: &[],
    rotation: None,
    // Auth0's values for an API that never set them: POST /resource-servers in
    // TestAccResourceServer.yaml, except enforce_policies, token_dialect and the online-access
    // flags (Auth0's documented defaults).
    auth0_defaults: &[
        default("allowOfflineAccess", Bool(false), Use::ClearAndImport),
        default("allowOnlineAccess", Bool(false), Use::ClearAndImport),
        default("enforcePolicies", Bool(false), Use::ClearAndImport),
        default("signingAlg", Str("RS256"), Use::ClearAndImport),
        default(
            "skipConsentForVerifiableFirstPartyClients",
            Bool(false),
            Use::ClearAndImport,
        ),
        default("tokenDialect", Str("access_token"), Use::ClearAndImport),
        default("tokenLifetime", Int(86400), Use::ClearAndImport),
        default("tokenLifetimeForWeb", Int(7200), Use::ClearAndImport),
        default(
            "subjectTypeAuthorization",
            Object(&[
                ("user", Object(&[("policy", Str("allow_all"))])),
                ("client", Object(&[("policy", Str("require_client_grant"))])),
            ]),
            Use::Clear,
        ),
        default(
            "allowOnlineAccessWithEphemeralSessions",
            Bool(false),
            Use::Clear,
        ),
    ],
};

#[async_trait]
impl Resource for ResourceServer {
    fn def(&self) -> &'static ResourceDef {
        &DEF
    }

    fn after_cancelled_create(&self, name: &str, body: &Map<String, Json>) -> String {
        let identifier = body.get("identifier").and_then(Json::as_str);
        let what = format!(
            "an API with identifier {:?}",
            identifier.unwrap_or_default()
        );
        lifecycle::adopt_advice(&DEF, name, &what)
    }

    /// An API is unique by identifier, so the create is sent again: it either creates the API
    /// (the lost one was not applied) or gets a 409. After a 409 the API with that identifier is
    /// adopted only if it holds exactly what was sent, and never if it is a system API (the
    /// Management API): those belong to Auth0, and deleting one from a program must not be
    /// possible. Anything else is named with its import command.
    async fn recover_create(
        &self,
        op: &Op<'_>,
        name: &str,
        body: &Map<String, Json>,
        lost: ApiError,
    ) -> Result<Json, Error> {
        let identifier = body
            .get("identifier")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let what = format!("ResourceServer {name} (identifier {identifier:?})");
        match resend_create(op, body).await {
            Ok(Resent::Created(created)) => return Ok(created),
            Ok(Resent::Conflict) => {}
            Err(err) if err.outcome_unknown() => {
                return Err(Error::OutcomeUnknown(format!(
                    "{what}: {} Run pulumi up again: an API Auth0 holds already is then reported with its id.",
                    err.sentence()
                )))
            }
            Err(err) => return Err(Error::from(err)),
        }
        let found = op
            .client
            .get(&op.item_path(&identifier), op.deadline)
            .await
            .map_err(|err| {
                Error::OutcomeUnknown(format!(
                    "{what}: {} Auth0 holds an API with that identifier, but reading it failed ({}); adopt it with `{}`.",
                    lost.sentence(),
                    err.sentence().trim_end_matches('.'),
                    import_command(&DEF, name, "<id>")
                ))
            })?
            .body;
        let id = found
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or("<id>")
            .to_string();
        let system = found.get("is_system").and_then(Json::as_bool) == Some(true)
            || op.client.settings().audience == identifier;
        if system {
            return Err(Error::OutcomeUnknown(format!(
                "{what}: {} The identifier is Auth0's system API, which a program never manages; choose another identifier.",
                lost.sentence()
            )));
        }
        if holds_what_was_sent(body, &found) {
            tracing::info!(name, "adopted the API a lost create had made");
            return Ok(found);
        }
        Err(Error::OutcomeUnknown(format!(
            "{what}: {} Auth0 now holds API {id} with that identifier, which differs from this program's, so it was not adopted; adopt it with `{}` or delete it.",
            lost.sentence(),
            import_command(&DEF, name, &id)
        )))
    }

    /// An API's scopes are managed here only when `scopes` is set; unset leaves them alone.
    fn scope_owner(&self, inputs: &PropertyMap) -> Option<String> {
        inputs.get("scopes").filter(|v| !v.is_null())?;
        inputs.get("identifier")?.as_str().map(str::to_string)
    }

    fn normalize(&self, _ctx: &Context<'_>, inputs: &mut PropertyMap) {
        for name in [
            "authorizationDetails",
            "proofOfPossession",
            "tokenEncryption",
        ] {
            crate::mapping::apply_disable_marker(inputs, name);
        }
        // "null" is how a program says "no consent policy": the same as leaving it out.
        if inputs.get("consentPolicy").and_then(Value::as_str) == Some("null") {
            inputs.remove("consentPolicy");
        }
    }

    fn check(
        &self,
        ctx: &Context<'_>,
        req: &CheckRequest,
        inputs: &PropertyMap,
        checker: &mut Checker<'_>,
    ) {
        // Creating an API with the tenant's own Management API identifier ends in a 409 halfway
        // through `up`; an API already in state (imported) is the system API itself and may stay.
        let Some(value) = inputs.get("identifier") else {
            return;
        };
        let identifier = value.as_str();
        if req.olds.is_empty()
            && identifier.is_some()
            && identifier == ctx.management_audience.as_deref()
        {
            // A secret is never quoted, even one that equals a public identifier.
            let shown = match value.is_secret() {
                true => "this identifier".to_string(),
                false => format!("{:?}", identifier.unwrap_or_default()),
            };
            checker.fail(
                "identifier",
                format!(
                    "{shown} is the tenant's Auth0 Management API, which Auth0 manages; a client is given Management API scopes with a ClientGrant whose audience is this identifier, and an API of your own needs an identifier of its own, such as https://api.example.com/"
                ),
            );
        }
    }

    async fn explain(
        &self,
        ctx: &Context<'_>,
        _client: &Auth0Client,
        inputs: &PropertyMap,
        err: &ApiError,
    ) -> Option<String> {
        if err.status() != Some(409) {
            return None;
        }
        let identifier = inputs
            .get("identifier")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let owner = if ctx.management_audience.as_deref() == Some(identifier) {
            "the tenant's own Auth0 Management API (a system API every tenant has)".to_string()
        } else {
            "another API in this tenant".to_string()
        };
        Some(format!(
            "ResourceServer.identifier: Auth0 answered 409 Conflict: {identifier:?} is already used by {owner}; choose an identifier of your own, such as https://myapi.example.com/, or adopt the existing API with `pulumi import auth0:index/resourceServer:ResourceServer <name> <id>`."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as Json};

    #[test]
    fn consent_policy_null_and_disabled_objects_are_left_out_of_the_inputs() {
        let ctx = Context {
            package: crate::schema::package(),
            management_audience: None,
            warnings: std::sync::Mutex::new(Vec::new()),
        };
        let Value::Object(mut inputs) = Value::from_json(&json!({
            "consentPolicy": "null",
            "tokenEncryption": {"disable": true},
            "proofOfPossession": {"disable": false, "mechanism": "dpop", "required": true},
            "identifier": "https://api.example.com/"
        })) else {
            unreachable!()
        };
        ResourceServer.normalize(&ctx, &mut inputs);
        let expected = json!({
            "proofOfPossession": {"mechanism": "dpop", "required": true},
            "identifier": "https://api.example.com/"
        });
        assert_eq!(Value::Object(inputs), Value::from_json(&expected));
    }

    fn identifier_failures(audience: Option<&str>, olds: Json, identifier: &str) -> Vec<String> {
        let ctx = Context {
            package: crate::schema::package(),
            management_audience: audience.map(str::to_string),
            warnings: std::sync::Mutex::new(Vec::new()),
        };
        let Value::Object(olds) = Value::from_json(&olds) else {
            unreachable!()
        };
        let req = CheckRequest {
            olds,
            ..CheckRequest::default()
        };
        let inputs: PropertyMap = [("identifier".to_string(), Value::from(identifier))].into();
        let mut checker = Checker::new(ctx.package, "ResourceServer", DEF.allowed_values);
        ResourceServer.check(&ctx, &req, &inputs, &mut checker);
        checker
            .failures
            .into_iter()
            .map(|f| format!("{}: {}", f.property, f.reason))
            .collect()
    }

    const MANAGEMENT_API: &str = "https://tenant.auth0.com/api/v2/";

    #[test]
    fn a_new_api_with_the_management_api_identifier_fails_check_in_one_sentence() {
        let failures = identifier_failures(Some(MANAGEMENT_API), json!({}), MANAGEMENT_API);
        assert_eq!(
            failures,
            ["identifier: ResourceServer.identifier: \"https://tenant.auth0.com/api/v2/\" is the tenant's Auth0 Management API, which Auth0 manages; a client is given Management API scopes with a ClientGrant whose audience is this identifier, and an API of your own needs an identifier of its own, such as https://api.example.com/"]
        );
    }

    #[test]
    fn the_management_api_already_in_state_and_other_identifiers_pass_check() {
        let imported = json!({"identifier": MANAGEMENT_API, "name": "Auth0 Management API"});
        assert!(identifier_failures(Some(MANAGEMENT_API), imported, MANAGEMENT_API).is_empty());
        assert!(
            identifier_failures(Some(MANAGEMENT_API), json!({}), "https://api.example.com/")
                .is_empty()
        );
        // Without a configured tenant (unknown config at preview) there is nothing to compare with.
        assert!(identifier_failures(None, json!({}), MANAGEMENT_API).is_empty());
    }
}
