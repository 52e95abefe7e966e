//! ResourceServer (an API in Auth0).

use async_trait::async_trait;

use super::defaults::{default, Lit::*, Use};
use super::{api_names, Context, Resource, ResourceDef};
use crate::auth0::{ApiError, Auth0Client};
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
    use serde_json::json;

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
}
