//! State from Auth0's answers: the outputs flattened from a body, and the inputs a refresh or
//! an import leaves in the program. Pure: no request is made here.

use serde_json::Value as Json;

use crate::diff;
use crate::mapping;
use crate::resources::{defaults, ResourceDef};
use crate::schema;
use crate::value::{PropertyMap, Value};

/// State from an Auth0 body: flattened outputs, provider-only inputs, and secrets marked.
pub fn from_body(
    def: &ResourceDef,
    spec: &schema::Resource,
    body: &Json,
    inputs: &PropertyMap,
    old_state: Option<&PropertyMap>,
) -> PropertyMap {
    let package = schema::package();
    let mut out = mapping::flatten(package, def.api_names, &spec.outputs, body);
    // Write-only fields Auth0 never returns: keep the program's value.
    for path in def.write_only {
        keep_write_only(&mut out, inputs, path);
    }
    for name in def.provider_only {
        if let (Some(value), true) = (inputs.get(*name), spec.outputs.contains_key(*name)) {
            out.insert(name.to_string(), value.clone());
        }
    }
    for (name, property) in &spec.outputs {
        if property.secret && !out.contains_key(name) {
            // Auth0 leaves secrets out for tokens without read:client_keys: keep what we had.
            if let Some(old) = old_state.and_then(|s| s.get(name)) {
                out.insert(name.clone(), old.clone());
            }
        }
        let secret_input = inputs.get(name).is_some_and(Value::is_secret);
        if property.secret || secret_input || def.secret_outputs.contains(&name.as_str()) {
            if let Some(value) = out.remove(name) {
                out.insert(name.clone(), value.into_secret());
            }
        }
    }
    out
}

/// Copies the input's value at a dotted object path into the state when Auth0 left it out.
fn keep_write_only(state: &mut PropertyMap, inputs: &PropertyMap, path: &str) {
    let Some((head, rest)) = path.split_once('.') else {
        if let Some(value) = inputs.get(path) {
            state
                .entry(path.to_string())
                .or_insert_with(|| value.clone());
        }
        return;
    };
    if let (Some(Value::Object(input)), Some(Value::Object(output))) =
        (inputs.get(head).map(Value::unwrap_all), state.get_mut(head))
    {
        keep_write_only(output, &input, rest);
    }
}

/// On refresh, the inputs keep their keys but take Auth0's current values (objects keep
/// only the fields the program set), so a later diff sees what really changed.
pub fn refreshed_inputs(
    def: &ResourceDef,
    old_inputs: &PropertyMap,
    outputs: &PropertyMap,
) -> PropertyMap {
    fn project(old: &Value, new: &Value) -> Value {
        match (diff::strip(old), diff::strip(new)) {
            (Value::Object(old_fields), Value::Object(new_fields)) if !old_fields.is_empty() => {
                let projected = Value::Object(
                    old_fields
                        .iter()
                        .filter_map(|(k, o)| new_fields.get(k).map(|n| (k.clone(), project(o, n))))
                        .collect(),
                );
                if new.is_secret() {
                    projected.into_secret()
                } else {
                    projected
                }
            }
            _ => new.clone(),
        }
    }
    old_inputs
        .iter()
        .filter_map(|(name, old)| {
            if def.provider_only.contains(&name.as_str()) {
                return Some((name.clone(), old.clone()));
            }
            let new = outputs.get(name)?;
            let value = project(old, new);
            Some((
                name.clone(),
                if old.is_secret() {
                    value.into_secret()
                } else {
                    value
                },
            ))
        })
        .collect()
}

/// On import, the inputs a program would need: every input Auth0 holds, less empty values
/// and Auth0's own defaults. An empty string input that has a schema default is kept as "", since
/// leaving it out would make Check fill in the default (Client.description: "Managed by Pulumi")
/// and the imported program would then propose a change.
pub fn imported_inputs(
    def: &ResourceDef,
    spec: &schema::Resource,
    outputs: &PropertyMap,
) -> PropertyMap {
    spec.inputs
        .iter()
        .filter(|(name, _)| !def.provider_only.contains(&name.as_str()))
        .filter_map(|(name, property)| {
            let value = outputs.get(name);
            if value.is_none_or(|v| diff::is_empty(Some(v)) || v.as_str() == Some("")) {
                return match property.default {
                    Some(Json::String(_)) => Some((name.clone(), Value::from(""))),
                    _ => None,
                };
            }
            let value = value?;
            if defaults::is_import_default(def.auth0_defaults, name, value) {
                return None;
            }
            Some((name.clone(), value.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn imported_client(auth0_body: Json) -> PropertyMap {
        let resource = crate::resources::lookup("auth0:index/client:Client").unwrap();
        let spec = schema::package().resource(resource.def().token).unwrap();
        let outputs = match Value::from_json(&auth0_body) {
            Value::Object(map) => map,
            other => panic!("not an object: {other:?}"),
        };
        imported_inputs(resource.def(), spec, &outputs)
    }

    #[test]
    fn importing_a_client_without_a_description_keeps_it_empty_instead_of_the_default() {
        let inputs = imported_client(json!({"name": "Legacy", "appType": "non_interactive"}));
        assert_eq!(inputs.get("description"), Some(&Value::from("")));
        let inputs = imported_client(json!({"name": "Legacy", "description": ""}));
        assert_eq!(inputs.get("description"), Some(&Value::from("")));
    }

    #[test]
    fn importing_a_client_keeps_its_own_description_and_leaves_other_empties_out() {
        let inputs = imported_client(
            json!({"name": "Legacy", "description": "Made by hand", "callbacks": []}),
        );
        assert_eq!(
            inputs.get("description"),
            Some(&Value::from("Made by hand"))
        );
        assert_eq!(inputs.get("name"), Some(&Value::from("Legacy")));
        assert!(!inputs.contains_key("callbacks"), "{inputs:?}");
    }
}
