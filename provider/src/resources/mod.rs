//! The resources: per-resource facts (paths, naming exceptions, allowed values) and
//! the few behaviours the schema cannot express. Everything else is schema-driven.

pub mod api_names;
pub mod client;
pub mod client_credentials;
pub mod client_grant;
pub mod defaults;
pub mod lifecycle;
pub mod resource_server;
pub mod resource_server_scopes;

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use crate::auth0::{ApiError, Auth0Client};
use crate::check::{AllowedValues, Checker};
use crate::error::Error;
use crate::mapping::{ApiNames, UpdateRules};
use crate::rpc::CheckRequest;
use crate::schema::{Package, Property, Type};
use crate::value::{PropertyMap, Value};

/// Facts about one resource, read by the generic check/diff/expand/flatten.
pub struct ResourceDef {
    pub token: &'static str,
    /// Short name used in messages, e.g. `Client`.
    pub label: &'static str,
    /// Management API collection, e.g. `/api/v2/clients`.
    pub collection: &'static str,
    /// Auth0 field holding the resource's id.
    pub id_field: &'static str,
    /// Input autonamed `<logical name>-<7 hex>` when unset.
    pub autoname: Option<&'static str>,
    pub api_names: ApiNames,
    pub allowed_values: AllowedValues,
    /// List inputs compared as sets.
    pub set_properties: &'static [&'static str],
    /// Inputs kept by the provider in state and never sent to Auth0.
    pub provider_only: &'static [&'static str],
    /// List inputs cleared with null rather than `[]` when removed from the program.
    pub clear_with_null: &'static [&'static str],
    /// Inputs Auth0 cannot clear at all: removing one from the program leaves Auth0's value.
    pub unclearable: &'static [&'static str],
    /// Outputs kept secret in state although the official schema does not mark them secret.
    pub secret_outputs: &'static [&'static str],
    /// Input paths Auth0 accepts but never returns (e.g. a key's PEM): state keeps the program's value.
    pub write_only: &'static [&'static str],
    /// Map inputs Auth0 merges on PATCH: a removed key must be sent as null.
    pub merged_maps: &'static [&'static str],
    /// An input whose change rotates a secret: (input, action path under the resource).
    pub rotation: Option<(&'static str, &'static str)>,
    /// Auth0's own defaults: what clears an input whose Auth0 field refuses null, and what an
    /// import leaves out of the program. Inputs Auth0 refuses in PATCH are not listed anywhere:
    /// schema.json marks them `replaceOnChanges`.
    pub auth0_defaults: &'static [defaults::Auth0Default],
}

impl ResourceDef {
    /// The tables `mapping::update_body` builds this resource's PATCH bodies from.
    pub fn update_rules<'a>(
        &'a self,
        package: &'a Package,
        sendable: &'a BTreeMap<String, Property>,
    ) -> UpdateRules<'a, impl Fn(&str, &Property, Option<&Value>) -> Option<Json> + 'a> {
        UpdateRules {
            label: self.label,
            names: self.api_names,
            sendable,
            merged_maps: self.merged_maps,
            clear: move |name: &str, property: &Property, old: Option<&Value>| {
                self.clear_value(package, name, property, old)
            },
        }
    }

    /// What a PATCH sends to clear an input the program no longer sets; `None` when Auth0
    /// cannot clear it (then nothing is sent and the current value stays).
    pub fn clear_value(
        &self,
        package: &Package,
        name: &str,
        property: &Property,
        old: Option<&Value>,
    ) -> Option<Json> {
        if self.unclearable.contains(&name) {
            return None;
        }
        if let Some(reset) = defaults::reset_value(self.auth0_defaults, name) {
            let names = self.api_names;
            return Some(crate::mapping::expand_value(
                package,
                names,
                &property.ty,
                &reset,
                name,
            ));
        }
        if self.merged_maps.contains(&name) {
            // Auth0 merges this map: each key it holds is removed by sending it as null.
            let keys = match old.map(Value::unwrap_all) {
                Some(Value::Object(map)) => map.keys().cloned().collect(),
                _ => Vec::new(),
            };
            return Some(Json::Object(
                keys.into_iter().map(|k| (k, Json::Null)).collect(),
            ));
        }
        Some(match property.ty {
            Type::Array(_) if !self.clear_with_null.contains(&name) => Json::Array(Vec::new()),
            _ => Json::Null,
        })
    }
}

/// What behaviours can see: the schema, the tenant, and (outside preview) the Auth0 client.
pub struct Context<'a> {
    pub package: &'a Package,
    /// The Management API identifier of the configured tenant, when known.
    pub management_audience: Option<String>,
    pub warnings: std::sync::Mutex<Vec<String>>,
}

impl Context<'_> {
    pub fn warn(&self, message: impl Into<String>) {
        self.warnings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(message.into());
    }
}

/// The behaviours a resource adds on top of the schema-driven defaults.
#[async_trait]
pub trait Resource: Send + Sync {
    fn def(&self) -> &'static ResourceDef;

    /// Normalises inputs before the schema checks (aliases).
    fn normalize(&self, _ctx: &Context<'_>, _inputs: &mut PropertyMap) {}

    /// Checks that need more than the schema (limits, exclusive inputs).
    fn check(
        &self,
        _ctx: &Context<'_>,
        _req: &CheckRequest,
        _inputs: &PropertyMap,
        _checker: &mut Checker<'_>,
    ) {
    }

    /// Final touches to a create or update body (value shapes the schema can't say).
    fn adjust_body(
        &self,
        _ctx: &Context<'_>,
        _inputs: &PropertyMap,
        _body: &mut Map<String, Json>,
    ) {
    }

    /// A resource-specific sentence for an Auth0 error, if there is a better one than the generic.
    /// May look things up (e.g. the id of a conflicting grant) with one extra request.
    async fn explain(
        &self,
        _ctx: &Context<'_>,
        _client: &Auth0Client,
        _inputs: &PropertyMap,
        _err: &ApiError,
    ) -> Option<String> {
        None
    }

    /// The API whose scope list these inputs manage, if they manage one (for the warning when
    /// two resources of a program manage the same list).
    fn scope_owner(&self, _inputs: &PropertyMap) -> Option<String> {
        None
    }

    /// How the operations reach Auth0 when the resource is not a plain collection.
    fn lifecycle(&self) -> Option<&dyn lifecycle::Lifecycle> {
        None
    }

    /// The advice that ends the error of a create cancelled while Auth0 may have applied it
    /// (nothing can be looked up any more): what to look for and how to adopt it
    /// ([`lifecycle::adopt_advice`]). The default suits a create that changes an object that
    /// exists already, which is harmless to send again.
    fn after_cancelled_create(&self, _name: &str, _body: &Map<String, Json>) -> String {
        "Running pulumi up again sends it again, which is harmless.".to_string()
    }

    /// After a create whose answer was lost ([`ApiError::OutcomeUnknown`]): find out whether
    /// Auth0 applied it, and return the object to adopt, or one error that names the object
    /// that may have been created and how to adopt it. `name` is the resource's logical name.
    /// By default nothing is looked up: the error says the create may have been applied.
    async fn recover_create(
        &self,
        _op: &lifecycle::Op<'_>,
        name: &str,
        _body: &Map<String, Json>,
        lost: ApiError,
    ) -> Result<Json, Error> {
        Err(Error::OutcomeUnknown(format!(
            "{} {name}: {} Check Auth0 for it before running pulumi up again.",
            self.def().label,
            lost.sentence()
        )))
    }
}

/// Every resource, in the order of the schema.
pub fn all() -> [&'static dyn Resource; 6] {
    [
        &client::Client,
        &resource_server::ResourceServer,
        &client_grant::ClientGrant,
        &client_credentials::ClientCredentials,
        &resource_server_scopes::ResourceServerScopes,
        &resource_server_scopes::ResourceServerScope,
    ]
}

/// The resource for a type token.
pub fn lookup(token: &str) -> Option<&'static dyn Resource> {
    all().into_iter().find(|r| r.def().token == token)
}

/// "Client, ResourceServer, …and ResourceServerScope": what this provider manages, for messages.
pub fn labels() -> String {
    let labels: Vec<&str> = all().iter().map(|r| r.def().label).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => labels.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cleared(def: &ResourceDef, name: &str, old: serde_json::Value) -> Option<Json> {
        let spec = crate::schema::package().resource(def.token).unwrap();
        def.clear_value(
            crate::schema::package(),
            name,
            spec.property(name).unwrap(),
            Some(&Value::from_json(&old)),
        )
    }

    #[test]
    fn removing_a_field_auth0_cannot_null_sends_what_clears_it() {
        let client = client::Client.def();
        assert_eq!(
            cleared(client, "ssoDisabled", json!(true)),
            Some(json!(false))
        );
        assert_eq!(
            cleared(client, "customLoginPageOn", json!(false)),
            Some(json!(true))
        );
        assert_eq!(
            cleared(client, "formTemplate", json!("<html/>")),
            Some(json!(""))
        );
        assert_eq!(
            cleared(client, "crossOriginLoc", json!("https://x/")),
            Some(Json::Null),
            "nullable: null"
        );
        assert_eq!(
            cleared(client, "callbacks", json!(["https://x/cb"])),
            Some(json!([]))
        );
        let api = resource_server::ResourceServer.def();
        assert_eq!(cleared(api, "tokenLifetime", json!(60)), Some(json!(86400)));
        assert_eq!(
            cleared(api, "signingAlg", json!("HS256")),
            Some(json!("RS256"))
        );
        assert_eq!(
            cleared(
                api,
                "subjectTypeAuthorization",
                json!({"user": {"policy": "deny_all"}})
            ),
            Some(
                json!({"user": {"policy": "allow_all"}, "client": {"policy": "require_client_grant"}})
            )
        );
        assert_eq!(
            cleared(api, "authorizationDetails", json!([{"type": "x"}])),
            Some(Json::Null)
        );
    }

    #[test]
    fn a_removed_metadata_key_is_sent_as_null_because_auth0_merges_the_map() {
        let client = client::Client.def();
        assert_eq!(
            cleared(client, "clientMetadata", json!({"a": "1", "b": "2"})),
            Some(json!({"a": null, "b": null}))
        );
    }

    #[test]
    fn what_auth0_cannot_clear_is_not_sent() {
        assert_eq!(
            cleared(
                resource_server::ResourceServer.def(),
                "signingSecret",
                json!("s3cret-value-0123456789")
            ),
            None
        );
        assert_eq!(cleared(client::Client.def(), "appType", json!("spa")), None);
    }

    /// The property a dotted Pulumi path names, through object types (list and map items
    /// are transparent), among the resource's inputs or outputs.
    fn property_at<'a>(spec: &'a crate::schema::Resource, path: &str) -> Option<&'a Property> {
        let package = crate::schema::package();
        let mut parts = path.split('.');
        let mut property = spec.property(parts.next()?)?;
        for part in parts {
            let mut ty = &property.ty;
            while let Type::Array(item) | Type::Map(item) = ty {
                ty = item;
            }
            let Type::Object(token) = ty else {
                return None;
            };
            property = package.object_type(token)?.properties.get(part)?;
        }
        Some(property)
    }

    #[test]
    fn a_path_resolves_through_object_types_and_list_items_only() {
        let spec = crate::schema::package()
            .resource(client::DEF.token)
            .unwrap();
        assert!(property_at(spec, "refreshToken.policies.scopes").is_some());
        assert!(property_at(spec, "refreshToken.policies.scope").is_none());
        assert!(property_at(spec, "name.first").is_none());
        assert!(property_at(spec, "clientMetadata.anyKey").is_none());
    }

    #[test]
    fn every_resource_in_the_schema_has_a_definition_found_by_its_token() {
        let package = crate::schema::package();
        let defined: Vec<&str> = all().iter().map(|r| r.def().token).collect();
        let in_schema: Vec<&str> = package.resources.keys().map(String::as_str).collect();
        let mut sorted = defined.clone();
        sorted.sort();
        assert_eq!(sorted, in_schema);
        for token in defined {
            assert_eq!(lookup(token).map(|r| r.def().token), Some(token));
        }
        assert!(lookup("auth0:index/role:Role").is_none());
        assert_eq!(
            labels(),
            "Client, ResourceServer, ClientGrant, ClientCredentials, ResourceServerScopes and ResourceServerScope"
        );
    }

    #[test]
    fn every_table_names_real_properties_and_every_default_has_its_type() {
        for resource in all() {
            let def = resource.def();
            let label = def.label;
            let spec = crate::schema::package()
                .resource(def.token)
                .expect("resource in schema.json");
            let input = |name: &str| {
                assert!(
                    spec.inputs.contains_key(name),
                    "{label}: {name} is not an input"
                );
            };
            let path = |path: &str| {
                assert!(
                    property_at(spec, path).is_some(),
                    "{label}: {path} names no property"
                );
            };
            for name in def
                .unclearable
                .iter()
                .chain(def.provider_only)
                .chain(def.clear_with_null)
                .chain(def.merged_maps)
                .chain(def.set_properties)
                .chain(def.autoname.iter())
            {
                input(name);
            }
            for name in def.secret_outputs {
                assert!(
                    spec.outputs.contains_key(*name),
                    "{label}: {name} is not an output"
                );
            }
            if let Some((trigger, _)) = def.rotation {
                input(trigger);
            }
            for (pulumi, _) in def.api_names {
                path(pulumi);
            }
            for (allowed, values) in def.allowed_values {
                path(allowed);
                assert!(!values.is_empty(), "{label}: {allowed} allows nothing");
            }
            for written in def.write_only {
                path(written);
                assert!(spec.inputs.contains_key(written.split('.').next().unwrap()));
            }
            let package = crate::schema::package();
            for default in def.auth0_defaults {
                input(default.input);
                let value = default.value.to_value();
                let mut checker = crate::check::Checker::new(package, label, def.allowed_values);
                let one: PropertyMap = [(default.input.to_string(), value)].into();
                checker.check_map(&one, &spec.inputs, &Default::default(), "");
                assert!(
                    checker.failures.is_empty(),
                    "{label}: the default of {} does not fit its type: {:?}",
                    default.input,
                    checker.failures
                );
            }
        }
    }
}
