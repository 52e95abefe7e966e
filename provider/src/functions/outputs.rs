//! A function's outputs from Auth0's JSON, driven by the function's schema.
//!
//! The official functions mirror a resource in Terraform data-source shape: an object the
//! resource holds once is a one-item list, under the plural name (`mobile` → `mobiles`,
//! `mobile.android` → `mobiles[0].androids`). So each output is matched to the mirrored
//! resource's property of the same name or of its singular, and that property's Auth0 name
//! (the resource's `api_names`) is used. Outputs the resource lacks use the function's own
//! names table, else the snake_case of the name (or of its singular).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::mapping::{api_path, canonical_json, snake_case, ApiNames};
use crate::schema::{Package, Property, Type};
use crate::value::{join_path, PropertyMap, Value};

/// The naming tables an output flatten consults.
pub struct Names {
    /// The mirrored resource's (paths in the resource's property names).
    pub resource: ApiNames,
    /// The function's own (paths in the function's output names), consulted first.
    pub own: ApiNames,
}

/// The names `name` may have in the mirrored resource: itself, then its singular forms.
pub fn candidates(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if let Some(stem) = name.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = name.strip_suffix("es") {
        out.push(stem.to_string());
    }
    if let Some(stem) = name.strip_suffix('s') {
        out.push(stem.to_string());
    }
    out
}

/// The mirrored property for an output, if the resource level has one.
fn counterpart<'a>(
    mirror: Option<&'a BTreeMap<String, Property>>,
    name: &str,
) -> Option<(String, &'a Property)> {
    let mirror = mirror?;
    candidates(name)
        .into_iter()
        .find_map(|c| mirror.get(&c).map(|p| (c, p)))
}

/// The object properties of a mirrored type (an object, or a list of objects).
fn object_props<'a>(package: &'a Package, ty: &Type) -> Option<&'a BTreeMap<String, Property>> {
    match ty {
        Type::Object(token) => package.object_type(token).map(|t| &t.properties),
        Type::Array(item) => object_props(package, item),
        _ => None,
    }
}

fn get_path<'a>(object: &'a Map<String, Json>, dotted: &str) -> Option<&'a Json> {
    match dotted.split_once('.') {
        None => object.get(dotted),
        Some((head, rest)) => get_path(object.get(head)?.as_object()?, rest),
    }
}

struct Flatten<'a> {
    package: &'a Package,
    names: &'a Names,
}

impl Flatten<'_> {
    fn object(
        &self,
        props: &BTreeMap<String, Property>,
        mirror: Option<&BTreeMap<String, Property>>,
        function_path: &str,
        resource_path: &str,
        object: &Map<String, Json>,
    ) -> PropertyMap {
        let mut out = PropertyMap::new();
        for (name, property) in props {
            let fpath = join_path(function_path, name);
            let matched = counterpart(mirror, name);
            let rpath = join_path(
                resource_path,
                matched.as_ref().map(|(n, _)| n.as_str()).unwrap_or(name),
            );
            let own = self
                .names
                .own
                .iter()
                .find(|(path, _)| *path == fpath)
                .map(|(_, api)| api.to_string());
            let fields: Vec<String> = match (own, &matched) {
                (Some(api), _) => vec![api],
                (None, Some(_)) => vec![api_path(self.names.resource, &rpath)],
                (None, None) => candidates(name).iter().map(|c| snake_case(c)).collect(),
            };
            let Some(json) = fields.iter().find_map(|f| get_path(object, f)) else {
                continue;
            };
            let nested = matched
                .as_ref()
                .and_then(|(_, p)| object_props(self.package, &p.ty));
            if let Some(value) = self.value(&property.ty, json, nested, &fpath, &rpath) {
                let value = if property.secret {
                    value.into_secret()
                } else {
                    value
                };
                out.insert(name.clone(), value);
            }
        }
        out
    }

    fn value(
        &self,
        ty: &Type,
        json: &Json,
        mirror: Option<&BTreeMap<String, Property>>,
        fpath: &str,
        rpath: &str,
    ) -> Option<Value> {
        if json.is_null() {
            return None;
        }
        Some(match (ty, json) {
            (Type::Object(token), Json::Object(fields)) => {
                let object = self.package.object_type(token)?;
                Value::Object(self.object(&object.properties, mirror, fpath, rpath, fields))
            }
            // An object the resource holds once is a one-item list here.
            (Type::Array(item), Json::Object(_)) if matches!(**item, Type::Object(_)) => {
                Value::Array(vec![self.value(item, json, mirror, fpath, rpath)?])
            }
            (Type::Array(item), Json::Array(items)) => Value::Array(
                items
                    .iter()
                    .filter_map(|v| self.value(item, v, mirror, fpath, rpath))
                    .collect(),
            ),
            (Type::Map(item), Json::Object(entries)) => Value::Object(
                entries
                    .iter()
                    .filter_map(|(k, v)| {
                        self.value(item, v, None, fpath, rpath)
                            .map(|v| (k.clone(), v))
                    })
                    .collect(),
            ),
            (Type::String, Json::Number(n)) => Value::String(n.to_string()),
            (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
            (Type::String, Json::Object(_) | Json::Array(_)) => Value::String(canonical_json(json)),
            _ => Value::from_json(json),
        })
    }
}

/// The outputs `props` read from one Auth0 object, mirroring `mirror` (a resource's outputs).
pub fn flatten(
    package: &Package,
    props: &BTreeMap<String, Property>,
    mirror: Option<&BTreeMap<String, Property>>,
    names: &Names,
    body: &Json,
) -> PropertyMap {
    match body.as_object() {
        Some(object) => Flatten { package, names }.object(props, mirror, "", "", object),
        None => PropertyMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn singular_candidates_cover_the_official_plurals() {
        assert!(candidates("mobiles").contains(&"mobile".to_string()));
        assert!(candidates("boxes").contains(&"box".to_string()));
        assert!(candidates("policies").contains(&"policy".to_string()));
        assert!(candidates("backchannelLogoutSessionMetadatas")
            .contains(&"backchannelLogoutSessionMetadata".to_string()));
        assert_eq!(candidates("ios")[0], "ios");
    }

    #[test]
    fn get_client_wraps_single_objects_in_lists_and_keeps_the_clients_auth0_names() {
        let package = crate::schema::package();
        let function = package.function("auth0:index/getClient:getClient").unwrap();
        let client = package.resource("auth0:index/client:Client").unwrap();
        let names = Names {
            resource: crate::resources::api_names::CLIENT,
            own: &[],
        };
        let body = json!({
            "client_id": "abc", "client_secret": "s3cret", "name": "svc",
            "cross_origin_authentication": true,
            "mobile": {"android": {"app_package_name": "com.example"}},
            "refresh_token": {"policies": [{"audience": "https://api/", "scope": ["read"]}]},
            "oidc_backchannel_logout": {"backchannel_logout_urls": ["https://a/logout"]},
            "client_metadata": {"team": "payments"}
        });
        let out = flatten(
            package,
            &function.outputs,
            Some(&client.outputs),
            &names,
            &body,
        );
        assert_eq!(out["clientId"], Value::String("abc".into()));
        assert!(out["clientSecret"].is_secret());
        assert_eq!(out["crossOriginAuth"], Value::Bool(true));
        assert_eq!(
            out["mobiles"],
            Value::from_json(&json!([{"androids": [{"appPackageName": "com.example"}]}]))
        );
        assert_eq!(
            out["refreshTokens"],
            Value::from_json(
                &json!([{"policies": [{"audience": "https://api/", "scopes": ["read"]}]}])
            )
        );
        assert_eq!(
            out["oidcBackchannelLogoutUrls"],
            Value::from_json(&json!(["https://a/logout"]))
        );
        assert_eq!(
            out["clientMetadata"],
            Value::from_json(&json!({"team": "payments"}))
        );
    }
}
