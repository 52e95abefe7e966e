//! The three resources: per-resource facts (paths, naming exceptions, allowed values) and
//! the few behaviours the schema cannot express. Everything else is schema-driven.

pub mod api_names;
pub mod client;
pub mod client_grant;
pub mod resource_server;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use crate::auth0::{ApiError, Auth0Client};
use crate::check::{AllowedValues, Checker};
use crate::mapping::ApiNames;
use crate::rpc::CheckRequest;
use crate::schema::Package;
use crate::value::PropertyMap;

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
    /// Inputs Auth0 refuses in PATCH (they force replacement instead).
    pub create_only: &'static [&'static str],
    /// Inputs kept by the provider in state and never sent to Auth0.
    pub provider_only: &'static [&'static str],
    /// List inputs cleared with null rather than `[]` when removed from the program.
    pub clear_with_null: &'static [&'static str],
    /// Input paths Auth0 accepts but never returns (e.g. a key's PEM): state keeps the program's value.
    pub write_only: &'static [&'static str],
    /// Map inputs Auth0 merges on PATCH: a removed key must be sent as null.
    pub merged_maps: &'static [&'static str],
    /// An input whose change rotates a secret: (input, action path under the resource).
    pub rotation: Option<(&'static str, &'static str)>,
    /// Auth0's own defaults (a key may appear more than once: Auth0 changed some over time).
    /// On import, inputs holding one of these are left out of the program.
    pub import_defaults: fn() -> Vec<(&'static str, Json)>,
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
            .expect("warnings lock")
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
}

/// The resource for a type token.
pub fn lookup(token: &str) -> Option<&'static dyn Resource> {
    let all: [&'static dyn Resource; 3] = [
        &client::Client,
        &resource_server::ResourceServer,
        &client_grant::ClientGrant,
    ];
    all.into_iter().find(|r| r.def().token == token)
}
