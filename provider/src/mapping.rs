//! Schema-driven conversion between Pulumi property values and Auth0 JSON bodies.
//!
//! The Auth0 field is the snake_case of the Pulumi property name at every object level,
//! except where a resource's `api_names` table says otherwise. Map keys are user data and
//! are never renamed. Expand and flatten are pure, so they are tested without a network.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::schema::{Package, Property, Type};
use crate::value::{join_path, PropertyMap, Value};

/// `lifetimeInSeconds` → `lifetime_in_seconds`, `sha256CertFingerprints` → `sha256_cert_fingerprints`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Naming exceptions: (Pulumi property path, Auth0 field path relative to the parent object).
pub type ApiNames = &'static [(&'static str, &'static str)];

/// The Auth0 field path (dotted, relative to the parent object) for a Pulumi property path.
pub fn api_path(names: ApiNames, pulumi_path: &str) -> String {
    names
        .iter()
        .find(|(path, _)| *path == pulumi_path)
        .map(|(_, api)| api.to_string())
        .unwrap_or_else(|| snake_case(pulumi_path.rsplit('.').next().unwrap_or(pulumi_path)))
}

/// Converts the given top-level properties to an Auth0 JSON object. Properties not in
/// `schema_props` are skipped (callers filter provider-only properties first). Unknown
/// values must have been ruled out by the caller; any left are sent as null.
pub fn expand(
    package: &Package,
    names: ApiNames,
    schema_props: &BTreeMap<String, Property>,
    props: &PropertyMap,
) -> Map<String, Json> {
    let mut body = Map::new();
    for (name, value) in props {
        if let Some(property) = schema_props.get(name) {
            let api = api_path(names, name);
            insert_path(
                &mut body,
                &api,
                expand_value(package, names, &property.ty, value, name),
            );
        }
    }
    body
}

/// Converts one property value of the given type to JSON, renaming nested object fields.
pub fn expand_value(
    package: &Package,
    names: ApiNames,
    ty: &Type,
    value: &Value,
    path: &str,
) -> Json {
    let value = value.unwrap_all();
    match (ty, &value) {
        (_, Value::Null) => Json::Null,
        (Type::Object(token), Value::Object(fields)) => {
            let Some(object) = package.object_type(token) else {
                return value.to_json().unwrap_or(Json::Null);
            };
            let mut out = Map::new();
            for (name, field) in fields {
                let field_path = join_path(path, name);
                let api = api_path(names, &field_path);
                let ty = object
                    .properties
                    .get(name)
                    .map(|p| &p.ty)
                    .unwrap_or(&Type::Any);
                insert_path(
                    &mut out,
                    &api,
                    expand_value(package, names, ty, field, &field_path),
                );
            }
            Json::Object(out)
        }
        (Type::Array(item), Value::Array(items)) => Json::Array(
            items
                .iter()
                .map(|v| expand_value(package, names, item, v, path))
                .collect(),
        ),
        (Type::Map(item), Value::Object(entries)) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), expand_value(package, names, item, v, path)))
                .collect(),
        ),
        _ => value.to_json().unwrap_or(Json::Null),
    }
}

/// The tables a PATCH body is built from; a resource's `ResourceDef` provides them.
pub struct UpdateRules<'a, Clear> {
    /// Used in warnings, e.g. `Client`.
    pub label: &'a str,
    pub names: ApiNames,
    /// Inputs sent to Auth0 (provider-only inputs are left out).
    pub sendable: &'a BTreeMap<String, Property>,
    /// Map inputs Auth0 merges on PATCH: a key no longer wanted is sent as null.
    pub merged_maps: &'a [&'a str],
    /// What clears an input removed from the program (given its old value), or `None` when
    /// Auth0 cannot clear it.
    pub clear: Clear,
}

/// The PATCH body for the changed top-level inputs, and a warning for each removed input Auth0
/// cannot clear. Nested objects are sent whole; inputs that force replacement
/// (`replaceOnChanges`) are never sent, since Auth0 refuses them in PATCH. `olds` are the old
/// outputs (what Auth0 holds), `old_inputs` what the program set before.
pub fn update_body(
    package: &Package,
    rules: &UpdateRules<'_, impl Fn(&str, &Property, Option<&Value>) -> Option<Json>>,
    changed: &[String],
    olds: &PropertyMap,
    old_inputs: &PropertyMap,
    news: &PropertyMap,
) -> (Map<String, Json>, Vec<String>) {
    let mut body = Map::new();
    let mut warnings = Vec::new();
    for name in changed {
        let Some(property) = rules.sendable.get(name) else {
            continue;
        };
        if property.replace_on_changes {
            continue;
        }
        match news.get(name).filter(|v| !v.is_null()) {
            Some(value) => {
                let one: PropertyMap = [(name.clone(), value.clone())].into();
                let mut part = expand(package, rules.names, rules.sendable, &one);
                if rules.merged_maps.contains(&name.as_str()) {
                    if let (Some(Value::Object(old)), Some(Json::Object(new))) = (
                        olds.get(name).map(Value::unwrap_all),
                        part.get_mut(&api_path(rules.names, name)),
                    ) {
                        for key in old.keys() {
                            new.entry(key.clone()).or_insert(Json::Null);
                        }
                    }
                }
                if let Type::Object(_) = property.ty {
                    clear_removed_fields(rules, name, property, olds, old_inputs, value, &mut part, &mut warnings);
                }
                body.extend(part);
            }
            None => match (rules.clear)(name, property, olds.get(name)) {
                Some(clear) => insert_path(&mut body, &api_path(rules.names, name), clear),
                None => warnings.push(format!(
                    "{}.{name} was removed from the program, but Auth0 cannot clear it, so it keeps its current value",
                    rules.label
                )),
            },
        }
    }
    (body, warnings)
}

/// Auth0 merges some nested objects one level deep on PATCH (`jwt_configuration`, `mobile`,
/// `native_social_login`): a field left out keeps its value. So a field the program set before
/// and has now removed is sent with the value that clears it, taken from the property's clear
/// value; without one, the field keeps its value and a warning says so. For objects Auth0
/// replaces whole, sending the clearing value changes nothing.
#[allow(clippy::too_many_arguments)]
fn clear_removed_fields(
    rules: &UpdateRules<'_, impl Fn(&str, &Property, Option<&Value>) -> Option<Json>>,
    name: &str,
    property: &Property,
    olds: &PropertyMap,
    old_inputs: &PropertyMap,
    new: &Value,
    part: &mut Map<String, Json>,
    warnings: &mut Vec<String>,
) {
    let (Some(Value::Object(before)), Value::Object(now)) = (
        old_inputs.get(name).map(Value::unwrap_all),
        new.unwrap_all(),
    ) else {
        return;
    };
    let removed: Vec<&String> = before
        .keys()
        .filter(|k| now.get(*k).is_none_or(Value::is_null))
        .collect();
    if removed.is_empty() {
        return;
    }
    let clear = (rules.clear)(name, property, olds.get(name));
    let Some(Json::Object(sent)) = part.get_mut(&api_path(rules.names, name)) else {
        return;
    };
    for key in removed {
        let full = api_path(rules.names, &format!("{name}.{key}"));
        let api_key = full.rsplit('.').next().unwrap_or(&full).to_string();
        match clear.as_ref().and_then(|c| c.get(&api_key)) {
            Some(value) => {
                sent.insert(api_key, value.clone());
            }
            None => warnings.push(format!(
                "{}.{name}.{key} was removed from the program, but Auth0 keeps the fields a change of {name} leaves out and cannot clear this one, so it keeps its current value",
                rules.label
            )),
        }
    }
}

/// Sets `value` at a dotted Auth0 field path, creating the objects on the way.
pub fn insert_path(object: &mut Map<String, Json>, dotted: &str, value: Json) {
    match dotted.split_once('.') {
        None => {
            object.insert(dotted.to_string(), value);
        }
        Some((head, rest)) => {
            let child = object
                .entry(head.to_string())
                .or_insert_with(|| Json::Object(Map::new()));
            if !child.is_object() {
                *child = Json::Object(Map::new());
            }
            if let Json::Object(child) = child {
                insert_path(child, rest, value);
            }
        }
    }
}

fn get_path<'a>(object: &'a Map<String, Json>, dotted: &str) -> Option<&'a Json> {
    match dotted.split_once('.') {
        None => object.get(dotted),
        Some((head, rest)) => object
            .get(head)?
            .as_object()
            .and_then(|child| get_path(child, rest)),
    }
}

/// Converts an Auth0 JSON object to Pulumi properties: every property in `schema_props`
/// that Auth0 returned (and is not null) is kept; fields with no property are dropped.
pub fn flatten(
    package: &Package,
    names: ApiNames,
    schema_props: &BTreeMap<String, Property>,
    body: &Json,
) -> PropertyMap {
    let mut out = PropertyMap::new();
    let Some(object) = body.as_object() else {
        return out;
    };
    for (name, property) in schema_props {
        if let Some(json) = get_path(object, &api_path(names, name)) {
            if let Some(value) = flatten_value(package, names, &property.ty, json, name) {
                out.insert(name.clone(), value);
            }
        }
    }
    out
}

fn flatten_value(
    package: &Package,
    names: ApiNames,
    ty: &Type,
    json: &Json,
    path: &str,
) -> Option<Value> {
    if json.is_null() {
        return None;
    }
    Some(match (ty, json) {
        (Type::Object(token), Json::Object(fields)) => {
            let object = package.object_type(token)?;
            let mut out = PropertyMap::new();
            for (name, property) in &object.properties {
                let field_path = join_path(path, name);
                if let Some(field) = get_path(fields, &api_path(names, &field_path)) {
                    if let Some(v) = flatten_value(package, names, &property.ty, field, &field_path)
                    {
                        // Nested secrets (add-on keys and passwords) must not land in state in
                        // plain text; the caller marks top-level ones.
                        let v = if property.secret { v.into_secret() } else { v };
                        out.insert(name.clone(), v);
                    }
                }
            }
            Value::Object(out)
        }
        (Type::Array(item), Json::Array(items)) => Value::Array(
            items
                .iter()
                .filter_map(|v| flatten_value(package, names, item, v, path))
                .collect(),
        ),
        (Type::Map(item), Json::Object(entries)) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| {
                    flatten_value(package, names, item, v, path).map(|v| (k.clone(), v))
                })
                .collect(),
        ),
        // Auth0 sometimes returns numbers for string-typed properties (and vice versa).
        (Type::String, Json::Number(n)) => Value::String(n.to_string()),
        (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
        // A string property carrying structured JSON (addons.samlp.flexibleMappings).
        (Type::String, Json::Object(_) | Json::Array(_)) => Value::String(canonical_json(json)),
        _ => Value::from_json(json),
    })
}

/// Compact JSON text with object keys sorted at every depth, so that two texts of the same
/// JSON compare equal.
pub fn canonical_json(json: &Json) -> String {
    fn sorted(json: &Json) -> Json {
        match json {
            Json::Object(fields) => {
                let mut keys: Vec<&String> = fields.keys().collect();
                keys.sort();
                Json::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&fields[k])))
                        .collect(),
                )
            }
            Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(json).to_string()
}

/// Terraform's `disable` marker, kept in the Pulumi schema: `{disable: true}` (or a list item
/// holding it) means the object is not wanted, so the input is dropped and a removed input
/// is reset. The flag is never an Auth0 field, so it is stripped wherever it appears.
pub fn apply_disable_marker(inputs: &mut PropertyMap, name: &str) {
    fn strip(value: &mut Value) -> bool {
        match value {
            Value::Secret(inner) => strip(inner),
            Value::Output {
                value: Some(inner), ..
            } => strip(inner),
            Value::Object(fields) => fields
                .remove("disable")
                .is_some_and(|flag| flag.unwrap_all() == Value::Bool(true)),
            Value::Array(items) => {
                // Every item is stripped, so no short-circuiting.
                let mut disabled = false;
                for item in items {
                    disabled |= strip(item);
                }
                disabled
            }
            _ => false,
        }
    }
    if inputs.get_mut(name).is_some_and(strip) {
        inputs.remove(name);
    }
}

#[cfg(test)]
mod tests;
