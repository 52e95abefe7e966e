//! Client (an Auth0 application).

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::defaults::{default, Lit, Lit::*, Use};
use super::lifecycle::{self, import_command, Op};
use super::{api_names, Context, Resource, ResourceDef};
use crate::auth0::ApiError;
use crate::check::Checker;
use crate::error::Error;
use crate::rpc::CheckRequest;
use crate::value::{PropertyMap, Value};

pub struct Client;

/// How many pages of clients (100 each) are searched for one whose create's answer was lost.
const ORPHAN_SEARCH_PAGES: usize = 50;

/// Auth0 limits on client metadata.
const METADATA_MAX_KEYS: usize = 10;
const METADATA_MAX_VALUE_CHARS: usize = 255;

const JWT: &[(&str, Lit)] = &[
    ("secretEncoded", Bool(false)),
    ("lifetimeInSeconds", Int(36000)),
];
const JWT_WITH_ALG: &[(&str, Lit)] = &[
    ("secretEncoded", Bool(false)),
    ("lifetimeInSeconds", Int(36000)),
    ("alg", Str("RS256")),
];

const REFRESH_TOKEN: [(&str, Lit); 7] = refresh_token(2592000, 1296000);
/// What a client created with token_endpoint_auth_method client_secret_post gets (recordings).
const REFRESH_TOKEN_SECRET_POST: [(&str, Lit); 7] = refresh_token(31557600, 2592000);

/// Auth0's refresh-token settings for a client that never set them.
const fn refresh_token(token_lifetime: i64, idle: i64) -> [(&'static str, Lit); 7] {
    [
        ("rotationType", Str("non-rotating")),
        ("expirationType", Str("non-expiring")),
        ("leeway", Int(0)),
        ("tokenLifetime", Int(token_lifetime)),
        ("infiniteTokenLifetime", Bool(true)),
        ("infiniteIdleTokenLifetime", Bool(true)),
        ("idleTokenLifetime", Int(idle)),
    ]
}

pub static DEF: ResourceDef = ResourceDef {
    token: "auth0:index/client:Client",
    label: "Client",
    collection: "/api/v2/clients",
    id_field: "client_id",
    autoname: Some("name"),
    api_names: api_names::CLIENT,
    allowed_values: &[
        (
            "appType",
            &[
                "native",
                "spa",
                "regular_web",
                "non_interactive",
                "resource_server",
                "express_configuration",
                "rms",
                "box",
                "cloudbees",
                "concur",
                "dropbox",
                "mscrm",
                "echosign",
                "egnyte",
                "newrelic",
                "office365",
                "salesforce",
                "sentry",
                "sharepoint",
                "slack",
                "springcm",
                "zendesk",
                "zoom",
                "sso_integration",
                "oag",
            ],
        ),
        (
            "complianceLevel",
            &[
                "none",
                "fapi1_adv_pkj_par",
                "fapi1_adv_mtls_par",
                "fapi2_sp_pkj_mtls",
                "fapi2_sp_mtls_mtls",
            ],
        ),
        (
            "jwtConfiguration.alg",
            &["HS256", "RS256", "RS512", "PS256"],
        ),
        (
            "organizationRequireBehavior",
            &["no_prompt", "pre_login_prompt", "post_login_prompt"],
        ),
        ("organizationUsage", &["deny", "allow", "require"]),
        ("refreshToken.expirationType", &["expiring", "non-expiring"]),
        ("refreshToken.rotationType", &["rotating", "non-rotating"]),
        (
            "skipNonVerifiableCallbackUriConfirmationPrompt",
            &["true", "false", "null"],
        ),
        ("thirdPartySecurityMode", &["strict", "permissive"]),
    ],
    set_properties: &["grantTypes"],
    provider_only: &["clientSecretRotationTrigger"],
    clear_with_null: &[
        "asyncApprovalNotificationChannels",
        "organizationDiscoveryMethods",
    ],
    secret_outputs: &[],
    write_only: &[],
    unclearable: &[
        "appType",
        "mobile",
        "redirectionPolicy",
        "thirdPartySecurityMode",
    ],
    merged_maps: &["clientMetadata"],
    rotation: Some(("clientSecretRotationTrigger", "rotate-secret")),
    auth0_defaults: &[
        // Auth0's answers to POST /clients (recordings).
        default("crossOriginAuth", Bool(false), Use::ClearAndImport),
        default("customLoginPageOn", Bool(true), Use::ClearAndImport),
        default("isFirstParty", Bool(true), Use::ClearAndImport),
        default(
            "isTokenEndpointIpHeaderTrusted",
            Bool(false),
            Use::ClearAndImport,
        ),
        default("oidcConformant", Bool(false), Use::ClearAndImport),
        default("requireProofOfPossession", Bool(false), Use::ClearAndImport),
        default(
            "requirePushedAuthorizationRequests",
            Bool(false),
            Use::ClearAndImport,
        ),
        default("sso", Bool(false), Use::ClearAndImport),
        default("ssoDisabled", Bool(false), Use::ClearAndImport),
        // Strings are cleared with "" as terraform-provider-auth0 does (TestAccClientConfig.yaml, PATCH 200).
        default("customLoginPage", Str(""), Use::Clear),
        default("formTemplate", Str(""), Use::Clear),
        default("initiateLoginUri", Str(""), Use::Clear),
        default("logoUri", Str(""), Use::Clear),
        default(
            "fedcmLogin",
            Object(&[("google", Object(&[("isEnabled", Bool(false))]))]),
            Use::Clear,
        ),
        default(
            "jwtConfiguration",
            Object(&[
                ("alg", Str("RS256")),
                ("lifetimeInSeconds", Int(36000)),
                ("scopes", Object(&[])),
            ]),
            Use::Clear,
        ),
        default(
            "nativeSocialLogin",
            Object(&[
                ("apple", Object(&[("enabled", Bool(false))])),
                ("facebook", Object(&[("enabled", Bool(false))])),
                ("google", Object(&[("enabled", Bool(false))])),
            ]),
            Use::Clear,
        ),
        default(
            "oidcLogout",
            Object(&[("backchannelLogoutUrls", List(&[]))]),
            Use::Clear,
        ),
        default("description", Str(""), Use::Import),
        default(
            "grantTypes",
            List(&[
                Str("authorization_code"),
                Str("implicit"),
                Str("refresh_token"),
                Str("client_credentials"),
            ]),
            Use::Import,
        ),
        default("jwtConfiguration", Object(JWT), Use::Import),
        default("jwtConfiguration", Object(JWT_WITH_ALG), Use::Import),
        // Auth0's two defaults: which one a client gets follows its token_endpoint_auth_method.
        default("refreshToken", Object(&REFRESH_TOKEN), Use::Import),
        default(
            "refreshToken",
            Object(&REFRESH_TOKEN_SECRET_POST),
            Use::Import,
        ),
    ],
};

/// `addons.samlp.<field>` of the inputs, when the program set it (secrets are not looked into).
fn samlp_field_mut<'a>(inputs: &'a mut PropertyMap, field: &str) -> Option<&'a mut Value> {
    match inputs.get_mut("addons")? {
        Value::Object(addons) => match addons.get_mut("samlp")? {
            Value::Object(samlp) => samlp.get_mut(field),
            _ => None,
        },
        _ => None,
    }
}

#[async_trait]
impl Resource for Client {
    fn def(&self) -> &'static ResourceDef {
        &DEF
    }

    fn after_cancelled_create(&self, name: &str, body: &Map<String, Json>) -> String {
        let app = body.get("name").and_then(Json::as_str).unwrap_or_default();
        let what = format!("an application named {app:?}");
        lifecycle::adopt_advice(&DEF, name, &what) + " Otherwise pulumi up creates a second one."
    }

    /// A client has no natural key: Auth0 lets two clients share a name, so sending the create
    /// again could make a second client, and a 409 never tells us the first one exists. A
    /// marker in client_metadata could identify it, but it would take one of the ten metadata
    /// keys from the user and need stripping from every read. So no guess is made: the create
    /// fails with one error naming the clients Auth0 now holds with exactly this name (the
    /// possible orphan) and the import command that adopts one, or, when the search cannot be
    /// made, how to find it.
    async fn recover_create(
        &self,
        op: &Op<'_>,
        name: &str,
        body: &Map<String, Json>,
        lost: ApiError,
    ) -> Result<Json, Error> {
        let client_name = body.get("name").and_then(Json::as_str).unwrap_or_default();
        let mut matches: Vec<String> = Vec::new();
        let mut pages = 0;
        let searched = op
            .client
            .list(DEF.collection, &[], "clients", op.deadline, |items| {
                pages += 1;
                matches.extend(items.iter().filter_map(|c| {
                    (c.get("name").and_then(Json::as_str) == Some(client_name))
                        .then(|| {
                            c.get("client_id")
                                .and_then(Json::as_str)
                                .map(str::to_string)
                        })
                        .flatten()
                }));
                pages < ORPHAN_SEARCH_PAGES
            })
            .await;
        let prefix = format!("Client {name}: {}", lost.sentence());
        let find_it = format!(
            "look for an application named {client_name:?} in the Auth0 dashboard (Applications) and adopt it with `{}` before running pulumi up again, or pulumi up creates a second one",
            import_command(&DEF, name, "<client_id>")
        );
        let message = match (searched, matches.as_slice()) {
            (Err(err), _) => format!(
                "{prefix} Searching for it failed ({}); {find_it}.",
                err.sentence().trim_end_matches('.')
            ),
            (Ok(_), []) if pages >= ORPHAN_SEARCH_PAGES => format!(
                "{prefix} The first {} clients hold none named {client_name:?}; {find_it}.",
                ORPHAN_SEARCH_PAGES * crate::auth0::listing::PER_PAGE
            ),
            (Ok(_), []) => format!(
                "{prefix} Auth0 holds no client named {client_name:?}, so it was not created; run pulumi up again."
            ),
            (Ok(_), [id]) => format!(
                "{prefix} Auth0 now holds client {id} named {client_name:?}, possibly created by this attempt; if it is, adopt it with `{}` before running pulumi up again, or pulumi up creates a second one.",
                import_command(&DEF, name, id)
            ),
            (Ok(_), ids) => format!(
                "{prefix} Auth0 now holds {} clients named {client_name:?} ({}), one possibly created by this attempt; adopt it with `{}` before running pulumi up again, or pulumi up creates another.",
                ids.len(),
                ids.join(", "),
                import_command(&DEF, name, "<client_id>")
            ),
        };
        Err(Error::OutcomeUnknown(message))
    }

    fn normalize(&self, _ctx: &Context<'_>, inputs: &mut PropertyMap) {
        crate::mapping::apply_disable_marker(inputs, "defaultOrganization");
        // Auth0 answers with the parsed object, read back as canonical text: write it the same way.
        if let Some(Value::String(text)) = samlp_field_mut(inputs, "flexibleMappings") {
            if let Ok(json) = serde_json::from_str::<Json>(text) {
                *text = crate::mapping::canonical_json(&json);
            }
        }
        // "null" is how a program says "not set" for this tri-state: the same as leaving it out.
        let tri_state = "skipNonVerifiableCallbackUriConfirmationPrompt";
        if inputs.get(tri_state).and_then(Value::as_str) == Some("null") {
            inputs.remove(tri_state);
        }
    }

    fn check(
        &self,
        _ctx: &Context<'_>,
        _req: &CheckRequest,
        inputs: &PropertyMap,
        checker: &mut Checker<'_>,
    ) {
        let samlp = inputs
            .get("addons")
            .map(Value::unwrap_all)
            .and_then(|addons| match addons {
                Value::Object(mut addons) => addons.remove("samlp"),
                _ => None,
            });
        if let Some(Value::Object(samlp)) = samlp {
            let path = "addons.samlp.flexibleMappings";
            if let Some(Value::String(text)) = samlp.get("flexibleMappings") {
                if !matches!(serde_json::from_str::<Json>(text), Ok(Json::Object(_))) {
                    checker.fail(
                        path,
                        "is not a JSON object; give the mappings as JSON text such as {\"email\": [\"email\", \"mail\"]}",
                    );
                } else if !crate::diff::is_empty(samlp.get("mappings")) {
                    checker.fail(
                        path,
                        "cannot be set together with `mappings` (both are Auth0's samlp mappings); keep only one of them",
                    );
                }
            }
        }
        if let Some(Value::Object(metadata)) = inputs.get("clientMetadata").map(Value::unwrap_all) {
            if metadata.len() > METADATA_MAX_KEYS {
                checker.fail(
                    "clientMetadata",
                    format!(
                        "has {} keys but Auth0 allows at most {METADATA_MAX_KEYS}; remove {} of them",
                        metadata.len(),
                        metadata.len() - METADATA_MAX_KEYS
                    ),
                );
            }
            for (key, value) in &metadata {
                if let Value::String(s) = value {
                    if s.chars().count() > METADATA_MAX_VALUE_CHARS {
                        checker.fail(
                            &crate::diff::child_path("clientMetadata", key),
                            format!(
                                "is {} characters long but Auth0 allows at most {METADATA_MAX_VALUE_CHARS}; shorten it",
                                s.chars().count()
                            ),
                        );
                    }
                }
            }
        }
    }

    fn adjust_body(&self, _ctx: &Context<'_>, _inputs: &PropertyMap, body: &mut Map<String, Json>) {
        // flexibleMappings is JSON text in Pulumi; Auth0 wants the object under samlp.mappings.
        if let Some(mappings) = body
            .get_mut("addons")
            .and_then(|a| a.get_mut("samlp"))
            .and_then(|s| s.get_mut("mappings"))
        {
            if let Some(parsed) = mappings
                .as_str()
                .and_then(|text| serde_json::from_str::<Json>(text).ok())
            {
                *mappings = parsed;
            }
        }
        // Pulumi carries this tri-state as a string; Auth0 wants a boolean or null.
        let key = "skip_non_verifiable_callback_uri_confirmation_prompt";
        if let Some(Json::String(s)) = body.get(key) {
            let value = match s.as_str() {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                _ => Json::Null,
            };
            body.insert(key.to_string(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_disabled_default_organization_and_a_null_tri_state_are_left_out_of_the_inputs() {
        let ctx = Context {
            package: crate::schema::package(),
            management_audience: None,
            warnings: std::sync::Mutex::new(Vec::new()),
        };
        let Value::Object(mut inputs) = Value::from_json(&json!({
            "defaultOrganization": {"disable": true},
            "skipNonVerifiableCallbackUriConfirmationPrompt": "null",
            "name": "app"
        })) else {
            unreachable!()
        };
        Client.normalize(&ctx, &mut inputs);
        assert_eq!(
            Value::Object(inputs),
            Value::from_json(&json!({"name": "app"}))
        );
    }

    fn check_failures(program: Json) -> Vec<String> {
        let ctx = Context {
            package: crate::schema::package(),
            management_audience: None,
            warnings: std::sync::Mutex::new(Vec::new()),
        };
        let Value::Object(inputs) = Value::from_json(&program) else {
            unreachable!()
        };
        let mut checker = Checker::new(ctx.package, "Client", DEF.allowed_values);
        Client.check(&ctx, &CheckRequest::default(), &inputs, &mut checker);
        checker.failures.into_iter().map(|f| f.reason).collect()
    }

    #[test]
    fn flexible_mappings_must_be_a_json_object_and_not_come_with_mappings() {
        assert!(check_failures(
            json!({"addons": {"samlp": {"flexibleMappings": "{\"a\": [\"b\"]}"}}})
        )
        .is_empty());
        let bad = check_failures(json!({"addons": {"samlp": {"flexibleMappings": "[1, 2"}}}));
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].starts_with("Client.addons.samlp.flexibleMappings: is not a JSON object"),
            "{bad:?}"
        );
        let both = check_failures(
            json!({"addons": {"samlp": {"flexibleMappings": "{}", "mappings": {"a": "b"}}}}),
        );
        assert_eq!(both.len(), 1);
        assert!(
            both[0].contains("cannot be set together with `mappings`"),
            "{both:?}"
        );
    }

    #[test]
    fn flexible_mappings_are_canonical_in_the_inputs_and_an_object_in_the_body() {
        let ctx = Context {
            package: crate::schema::package(),
            management_audience: None,
            warnings: std::sync::Mutex::new(Vec::new()),
        };
        let Value::Object(mut inputs) = Value::from_json(&json!({
            "addons": {"samlp": {"flexibleMappings": "{ \"name\": [\"n\"], \"email\": [\"mail\"] }"}}
        })) else {
            unreachable!()
        };
        Client.normalize(&ctx, &mut inputs);
        assert_eq!(
            samlp_field_mut(&mut inputs, "flexibleMappings").cloned(),
            Some(Value::from(r#"{"email":["mail"],"name":["n"]}"#))
        );
        let mut body = crate::mapping::expand(
            ctx.package,
            DEF.api_names,
            &ctx.package.resource(DEF.token).unwrap().inputs,
            &inputs,
        );
        Client.adjust_body(&ctx, &inputs, &mut body);
        assert_eq!(
            Json::Object(body),
            json!({"addons": {"samlp": {"mappings": {"email": ["mail"], "name": ["n"]}}}})
        );
    }
}
