//! The functions (Invoke): lookups of existing Auth0 objects. Inputs are checked against the
//! schema, each lookup makes as few requests as Auth0 allows (one GET by id; otherwise a
//! listing filtered by Auth0 where it can filter, followed only as far as needed), and the
//! outputs are flattened from Auth0's JSON by the schema, as a resource's state is.

pub mod lookups;
pub mod outputs;

use std::time::Instant;

use async_trait::async_trait;
use serde_json::Value as Json;

use crate::auth0::Auth0Client;
use crate::check::Checker;
use crate::error::Error;
use crate::mapping::ApiNames;
use crate::resources::ResourceDef;
use crate::schema::{self, Package};
use crate::value::{PropertyMap, Value};

/// Facts about one function, read by the generic invoke.
pub struct FunctionDef {
    pub token: &'static str,
    /// The name in messages, e.g. `getClient`.
    pub label: &'static str,
    /// The resource whose outputs (and Auth0 names) the function's outputs mirror.
    pub mirrors: Option<&'static ResourceDef>,
    /// Output paths whose Auth0 field the mirrored resource does not name.
    pub api_names: ApiNames,
    /// Outputs kept secret though the official schema does not mark them.
    pub secret_outputs: &'static [&'static str],
}

/// What a lookup works with.
pub struct Lookup<'a> {
    pub client: &'a Auth0Client,
    pub deadline: Option<Instant>,
    pub package: &'a Package,
}

/// A function: checks beyond the schema, and the requests behind it.
#[async_trait]
pub trait Function: Send + Sync {
    fn def(&self) -> &'static FunctionDef;

    /// Checks the schema cannot express (e.g. one of two inputs is required).
    fn check(&self, _inputs: &PropertyMap, _checker: &mut Checker<'_>) {}

    /// Asks Auth0 and returns the outputs.
    async fn invoke(&self, lookup: &Lookup<'_>, inputs: &PropertyMap)
        -> Result<PropertyMap, Error>;
}

/// Every function, in the order of the schema.
pub fn all() -> [&'static dyn Function; 4] {
    [
        &lookups::GetClient,
        &lookups::GetClientGrants,
        &lookups::GetClients,
        &lookups::GetResourceServer,
    ]
}

pub fn lookup(token: &str) -> Option<&'static dyn Function> {
    all().into_iter().find(|f| f.def().token == token)
}

/// "getClient, getClientGrants, getClients and getResourceServer", for messages.
pub fn labels() -> String {
    let labels: Vec<&str> = all().iter().map(|f| f.def().label).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => labels.concat(),
    }
}

/// The outputs of `def` from one Auth0 object, with the function's secrets marked.
pub fn outputs_of(def: &FunctionDef, body: &Json) -> PropertyMap {
    let package = schema::package();
    let Some(function) = package.function(def.token) else {
        return PropertyMap::new();
    };
    let mirror = def
        .mirrors
        .and_then(|r| package.resource(r.token))
        .map(|r| &r.outputs);
    let names = outputs::Names {
        resource: def.mirrors.map(|r| r.api_names).unwrap_or(&[]),
        own: def.api_names,
    };
    let mut out = outputs::flatten(package, &function.outputs, mirror, &names, body);
    for name in def.secret_outputs {
        if let Some(value) = out.remove(*name) {
            out.insert(name.to_string(), value.into_secret());
        }
    }
    out
}

/// A string input, if set and known.
pub fn string_input<'a>(inputs: &'a PropertyMap, name: &str) -> Option<&'a str> {
    inputs
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A stable id for a listing, from its filters (FNV-1a of their canonical JSON), so the same
/// call gives the same id in every run.
pub fn listing_id(label: &str, filters: &PropertyMap) -> String {
    let json: serde_json::Map<String, Json> = filters
        .iter()
        .filter_map(|(k, v)| v.unwrap_all().to_json().map(|j| (k.clone(), j)))
        .collect();
    let text = crate::mapping::canonical_json(&Json::Object(json));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{label}-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_in_the_schema_has_a_definition_found_by_its_token() {
        let package = schema::package();
        let mut defined: Vec<&str> = all().iter().map(|f| f.def().token).collect();
        defined.sort();
        let in_schema: Vec<&str> = package.functions.keys().map(String::as_str).collect();
        assert_eq!(defined, in_schema);
        for token in in_schema {
            assert_eq!(lookup(token).map(|f| f.def().token), Some(token));
        }
        assert!(lookup("auth0:index/getRole:getRole").is_none());
        assert_eq!(
            labels(),
            "getClient, getClientGrants, getClients and getResourceServer"
        );
    }

    #[test]
    fn every_name_table_path_and_secret_output_is_an_output_of_its_function() {
        let package = schema::package();
        for function in all() {
            let def = function.def();
            let spec = package.function(def.token).unwrap();
            for (path, _) in def.api_names {
                let top = path.split('.').next().unwrap();
                assert!(spec.outputs.contains_key(top), "{}: {path}", def.label);
            }
            for name in def.secret_outputs {
                assert!(spec.outputs.contains_key(*name), "{}: {name}", def.label);
            }
        }
    }

    #[test]
    fn secret_outputs_are_secret_whether_or_not_the_schema_marks_them() {
        let api = outputs_of(
            lookup("auth0:index/getResourceServer:getResourceServer")
                .unwrap()
                .def(),
            &serde_json::json!({"id": "abc", "identifier": "https://api/", "signing_secret": "hush"}),
        );
        assert!(api["signingSecret"].is_secret());
        assert_eq!(api["resourceServerId"], Value::String("abc".into()));
        assert!(!api["identifier"].is_secret());
        let client = outputs_of(
            lookup("auth0:index/getClient:getClient").unwrap().def(),
            &serde_json::json!({"client_id": "c", "client_secret": "s", "signing_keys": [{"cert": "PEM"}]}),
        );
        assert!(client["clientSecret"].is_secret());
        assert!(client["signingKeys"].is_secret());
        assert_eq!(client["id"], Value::String("c".into()));
    }

    #[test]
    fn a_listing_id_is_stable_and_depends_on_the_filters() {
        let a: PropertyMap =
            [("audience".to_string(), Value::String("https://api/".into()))].into();
        let b: PropertyMap = [(
            "audience".to_string(),
            Value::String("https://other/".into()),
        )]
        .into();
        assert_eq!(
            listing_id("getClientGrants", &a),
            listing_id("getClientGrants", &a)
        );
        assert_ne!(
            listing_id("getClientGrants", &a),
            listing_id("getClientGrants", &b)
        );
        assert!(listing_id("getClientGrants", &a).starts_with("getClientGrants-"));
    }
}
