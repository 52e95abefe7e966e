//! ResourceServer (an API in Auth0).

use async_trait::async_trait;
use serde_json::json;

use super::{api_names, Context, Resource, ResourceDef};
use crate::auth0::{ApiError, Auth0Client};
use crate::value::PropertyMap;

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
    create_only: &["identifier"],
    provider_only: &[],
    clear_with_null: &["authorizationDetails"],
    merged_maps: &[],
    rotation: None,
    import_defaults: || {
        vec![
            ("signingAlg", json!("RS256")),
            ("tokenLifetime", json!(86400)),
            ("tokenLifetimeForWeb", json!(7200)),
            ("allowOfflineAccess", json!(false)),
            ("skipConsentForVerifiableFirstPartyClients", json!(false)),
            ("enforcePolicies", json!(false)),
            ("tokenDialect", json!("access_token")),
        ]
    },
};

#[async_trait]
impl Resource for ResourceServer {
    fn def(&self) -> &'static ResourceDef {
        &DEF
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
