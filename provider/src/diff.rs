//! Schema-driven diff of new inputs against the old state.
//!
//! The baseline is the old *outputs*, so drift made outside Pulumi shows up and is put back.
//! A property the user set is compared with what Auth0 holds; within an object type only
//! the fields the user set count (Auth0 fills the rest). A property that was in the old
//! inputs but is gone from the new ones is reset; a property never set is left alone.
//! Maps are compared key by key, `set_properties` as sets, null ≡ absent ≡ empty.

use std::collections::BTreeMap;

use crate::rpc::{Changes, DiffKind, DiffResponse, PropertyDiff};
use crate::schema::{Package, Property, Resource, Type};
use crate::value::{PropertyMap, Value};

pub struct DiffInput<'a> {
    pub olds: &'a PropertyMap,
    pub news: &'a PropertyMap,
    pub old_inputs: &'a PropertyMap,
    pub ignore_changes: &'a [String],
}

pub struct Differ<'a> {
    package: &'a Package,
    /// Top-level list properties compared as sets (e.g. scopes).
    set_properties: &'a [&'a str],
    detailed: BTreeMap<String, PropertyDiff>,
    replace: bool,
}

/// Diffs the resource's inputs. `stables` is left empty; the caller knows which outputs are stable.
pub fn diff(
    package: &Package,
    resource: &Resource,
    set_properties: &[&str],
    input: &DiffInput,
) -> DiffResponse {
    let mut response = DiffResponse {
        has_detailed_diff: true,
        ..Default::default()
    };
    for (name, property) in &resource.inputs {
        if input.ignore_changes.iter().any(|p| p == name) {
            continue;
        }
        let mut differ = Differ {
            package,
            set_properties,
            detailed: BTreeMap::new(),
            replace: false,
        };
        differ.property(name, property, input);
        differ.detailed.retain(|path, _| {
            !input
                .ignore_changes
                .iter()
                .any(|ignored| is_prefix(ignored, path))
        });
        if differ.detailed.is_empty() {
            continue;
        }
        let replace = differ.replace || property.replace_on_changes;
        response.diffs.push(name.clone());
        if replace {
            response.replaces.push(name.clone());
        }
        for (path, mut diff) in differ.detailed {
            if replace {
                diff.kind = as_replace(diff.kind);
            }
            response.detailed_diff.insert(path, diff);
        }
    }
    response.changes = if response.diffs.is_empty() {
        Changes::None
    } else {
        Changes::Some
    };
    response
}

fn is_prefix(prefix: &str, path: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn as_replace(kind: DiffKind) -> DiffKind {
    match kind {
        DiffKind::Add | DiffKind::AddReplace => DiffKind::AddReplace,
        DiffKind::Delete | DiffKind::DeleteReplace => DiffKind::DeleteReplace,
        DiffKind::Update | DiffKind::UpdateReplace => DiffKind::UpdateReplace,
    }
}

/// `a` + `b` → `a.b`; keys that are not identifiers use `a["b c"]`.
pub fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{parent}.{key}"),
        (false, false) => format!("{parent}[{key:?}]"),
    }
}

/// Null, an empty list and an empty map all mean "nothing set".
pub fn is_empty(value: Option<&Value>) -> bool {
    match value.map(Value::unwrap_all) {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(map)) => map.is_empty(),
        _ => false,
    }
}

fn is_empty_string(value: &Value) -> bool {
    value.unwrap_all().as_str() == Some("")
}

impl Differ<'_> {
    /// Null, [] and {} are unset, except {} for an object type without fields (an add-on that is on).
    fn unset(&self, ty: &Type, value: Option<&Value>) -> bool {
        let fieldless = matches!(ty, Type::Object(t) if self.package.object_type(t).is_some_and(|o| o.properties.is_empty()));
        is_empty(value)
            && !(fieldless && matches!(value.map(Value::unwrap_all), Some(Value::Object(_))))
    }

    fn record(&mut self, path: String, kind: DiffKind) {
        self.detailed.insert(
            path,
            PropertyDiff {
                kind,
                input_diff: false,
            },
        );
    }

    fn property(&mut self, name: &str, property: &Property, input: &DiffInput) {
        let new = input.news.get(name);
        let old = input.olds.get(name);
        if is_empty(new) {
            // Removed from the program: reset it, unless Auth0 already holds nothing.
            if !is_empty(input.old_inputs.get(name)) && !is_empty(old) {
                self.record(name.to_string(), DiffKind::Delete);
            }
            return;
        }
        let new = new.expect("checked non-empty");
        // Auth0 leaves an empty string field out of its answers, so "" in the program and nothing
        // in the state are the same value (e.g. an imported client without a description).
        if is_empty_string(new) && (is_empty(old) || old.is_some_and(is_empty_string)) {
            return;
        }
        if self.set_properties.contains(&name) {
            if new.contains_unknowns() || !same_set(new, old) {
                self.record(
                    name.to_string(),
                    if is_empty(old) {
                        DiffKind::Add
                    } else {
                        DiffKind::Update
                    },
                );
            }
            return;
        }
        let old_input = input.old_inputs.get(name);
        self.value(name.to_string(), &property.ty, new, old, old_input);
    }

    fn value(
        &mut self,
        path: String,
        ty: &Type,
        new: &Value,
        old: Option<&Value>,
        old_input: Option<&Value>,
    ) {
        if new.is_computed() {
            self.record(
                path,
                if is_empty(old) {
                    DiffKind::Add
                } else {
                    DiffKind::Update
                },
            );
            return;
        }
        let new = strip(new);
        if self.unset(ty, old) {
            if !self.unset(ty, Some(new)) {
                self.record(path, DiffKind::Add);
            }
            return;
        }
        let old = strip(old.expect("checked non-empty"));
        let old_input = old_input.map(strip);
        match (ty, new, old) {
            (Type::Object(token), Value::Object(new_fields), Value::Object(old_fields)) => {
                let Some(object) = self.package.object_type(token) else {
                    if !same(new, old) {
                        self.record(path, DiffKind::Update);
                    }
                    return;
                };
                let old_input_fields = match old_input {
                    Some(Value::Object(fields)) => Some(fields),
                    _ => None,
                };
                for (field, property) in &object.properties {
                    let field_path = child_path(&path, field);
                    let before = self.detailed.len();
                    let new_field = new_fields.get(field);
                    let old_field = old_fields.get(field);
                    let old_input_field = old_input_fields.and_then(|f| f.get(field));
                    if self.unset(&property.ty, new_field) {
                        if !self.unset(&property.ty, old_input_field)
                            && !self.unset(&property.ty, old_field)
                        {
                            self.record(field_path, DiffKind::Delete);
                        }
                    } else {
                        self.value(
                            field_path,
                            &property.ty,
                            new_field.unwrap(),
                            old_field,
                            old_input_field,
                        );
                    }
                    if self.detailed.len() > before && property.replace_on_changes {
                        self.replace = true;
                    }
                }
            }
            (Type::Map(item), Value::Object(new_entries), Value::Object(old_entries)) => {
                for (key, new_entry) in new_entries {
                    self.value(
                        child_path(&path, key),
                        item,
                        new_entry,
                        old_entries.get(key),
                        None,
                    );
                }
                for (key, old_entry) in old_entries {
                    if !new_entries.contains_key(key) && !is_empty(Some(old_entry)) {
                        self.record(child_path(&path, key), DiffKind::Delete);
                    }
                }
            }
            (Type::Array(item), Value::Array(new_items), Value::Array(old_items))
                if matches!(**item, Type::Object(_)) && new_items.len() == old_items.len() =>
            {
                for (i, (n, o)) in new_items.iter().zip(old_items).enumerate() {
                    self.value(format!("{path}[{i}]"), item, n, Some(o), None);
                }
            }
            _ => {
                if new.contains_unknowns() || !same(new, old) {
                    self.record(path, DiffKind::Update);
                }
            }
        }
    }
}

/// Removes secret/output wrappers at the top level (secretness does not make a diff).
pub fn strip(value: &Value) -> &Value {
    match value {
        Value::Secret(inner) => strip(inner),
        Value::Output {
            value: Some(inner), ..
        } => strip(inner),
        other => other,
    }
}

/// Deep equality ignoring secret wrappers, with whole numbers compared by value.
pub fn same(a: &Value, b: &Value) -> bool {
    a.unwrap_all() == b.unwrap_all()
}

fn same_set(new: &Value, old: Option<&Value>) -> bool {
    let as_set = |v: Option<&Value>| -> Vec<String> {
        let mut items: Vec<String> = match v.map(Value::unwrap_all) {
            Some(Value::Array(items)) => {
                items.iter().map(|i| format!("{:?}", i.to_json())).collect()
            }
            _ => Vec::new(),
        };
        items.sort();
        items.dedup();
        items
    };
    as_set(Some(new)) == as_set(old)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &str = r##"{
      "types": {"t:index/Jwt:Jwt": {"type": "object", "properties": {
          "alg": {"type": "string"}, "lifetimeInSeconds": {"type": "integer"},
          "secretEncoded": {"type": "boolean", "willReplaceOnChanges": true}}}},
      "resources": {"t:index/client:Client": {
        "inputProperties": {
          "name": {"type": "string"},
          "identifier": {"type": "string", "replaceOnChanges": true},
          "callbacks": {"type": "array", "items": {"type": "string"}},
          "scopes": {"type": "array", "items": {"type": "string"}},
          "clientMetadata": {"type": "object", "additionalProperties": {"type": "string"}},
          "jwtConfiguration": {"$ref": "#/types/t:index/Jwt:Jwt"}
        },
        "properties": {"clientId": {"type": "string"}}}}
    }"##;

    fn map(json: serde_json::Value) -> PropertyMap {
        match Value::from_json(&json) {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn run(
        olds: serde_json::Value,
        news: serde_json::Value,
        old_inputs: serde_json::Value,
    ) -> DiffResponse {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap().clone();
        let (olds, news, old_inputs) = (map(olds), map(news), map(old_inputs));
        diff(
            &package,
            &resource,
            &["scopes"],
            &DiffInput {
                olds: &olds,
                news: &news,
                old_inputs: &old_inputs,
                ignore_changes: &[],
            },
        )
    }

    fn kinds(r: &DiffResponse) -> Vec<(String, DiffKind)> {
        r.detailed_diff
            .iter()
            .map(|(k, v)| (k.clone(), v.kind))
            .collect()
    }

    #[test]
    fn an_empty_string_matches_a_field_auth0_left_out() {
        let r = run(
            json!({"name": "a"}),
            json!({"name": "a", "identifier": ""}),
            json!({"name": "a"}),
        );
        assert_eq!(r.changes, Changes::None, "{r:?}");
        let r = run(
            json!({"name": ""}),
            json!({"name": ""}),
            json!({"name": ""}),
        );
        assert_eq!(r.changes, Changes::None, "{r:?}");
        let r = run(
            json!({"name": "a"}),
            json!({"name": ""}),
            json!({"name": "a"}),
        );
        assert_eq!(kinds(&r), vec![("name".to_string(), DiffKind::Update)]);
    }

    #[test]
    fn identical_inputs_give_no_changes_even_when_auth0_filled_in_more() {
        let olds = json!({"name": "a", "clientId": "x", "jwtConfiguration": {"alg": "RS256", "lifetimeInSeconds": 36000, "secretEncoded": false}});
        let news = json!({"name": "a", "jwtConfiguration": {"alg": "RS256"}});
        let r = run(olds, news.clone(), news);
        assert_eq!(r.changes, Changes::None);
        assert!(r.diffs.is_empty() && r.detailed_diff.is_empty());
    }

    #[test]
    fn drift_against_the_old_outputs_is_a_change() {
        let r = run(
            json!({"name": "changed in the dashboard"}),
            json!({"name": "a"}),
            json!({"name": "a"}),
        );
        assert_eq!(kinds(&r), vec![("name".to_string(), DiffKind::Update)]);
        assert_eq!(r.diffs, vec!["name"]);
    }

    #[test]
    fn a_removed_input_is_reset_but_a_never_set_one_is_left_alone() {
        let olds = json!({"name": "a", "callbacks": ["https://a"], "scopes": ["read:x"]});
        let r = run(
            olds,
            json!({"name": "a"}),
            json!({"name": "a", "callbacks": ["https://a"]}),
        );
        assert_eq!(kinds(&r), vec![("callbacks".to_string(), DiffKind::Delete)]);
    }

    #[test]
    fn scopes_are_compared_as_sets() {
        let olds = json!({"scopes": ["read:data", "write:data"]});
        let same_order = run(
            olds.clone(),
            json!({"scopes": ["write:data", "read:data"]}),
            json!({}),
        );
        assert_eq!(same_order.changes, Changes::None);
        let changed = run(olds, json!({"scopes": ["read:data"]}), json!({}));
        assert_eq!(
            kinds(&changed),
            vec![("scopes".to_string(), DiffKind::Update)]
        );
    }

    #[test]
    fn replace_properties_top_level_and_nested_force_replacement() {
        let r = run(
            json!({"identifier": "https://a/"}),
            json!({"identifier": "https://b/"}),
            json!({}),
        );
        assert_eq!(r.replaces, vec!["identifier"]);
        assert_eq!(
            kinds(&r),
            vec![("identifier".to_string(), DiffKind::UpdateReplace)]
        );

        let olds = json!({"jwtConfiguration": {"alg": "HS256", "secretEncoded": false}});
        let r = run(
            olds,
            json!({"jwtConfiguration": {"alg": "HS256", "secretEncoded": true}}),
            json!({}),
        );
        assert_eq!(r.replaces, vec!["jwtConfiguration"]);
        assert_eq!(
            kinds(&r),
            vec![(
                "jwtConfiguration.secretEncoded".to_string(),
                DiffKind::UpdateReplace
            )]
        );
    }

    #[test]
    fn map_keys_are_diffed_one_by_one_and_extra_keys_are_removed() {
        let olds = json!({"clientMetadata": {"a": "1", "b": "2", "added outside": "x"}});
        let r = run(
            olds,
            json!({"clientMetadata": {"a": "1", "b": "3"}}),
            json!({}),
        );
        assert_eq!(
            kinds(&r),
            vec![
                ("clientMetadata.b".to_string(), DiffKind::Update),
                (
                    "clientMetadata[\"added outside\"]".to_string(),
                    DiffKind::Delete
                ),
            ]
        );
        assert_eq!(r.diffs, vec!["clientMetadata"]);
    }

    #[test]
    fn unknown_new_values_are_changes() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let olds = map(json!({"name": "a"}));
        let mut news = PropertyMap::new();
        news.insert("name".into(), Value::Computed);
        let r = diff(
            &package,
            resource,
            &[],
            &DiffInput {
                olds: &olds,
                news: &news,
                old_inputs: &olds,
                ignore_changes: &[],
            },
        );
        assert_eq!(kinds(&r), vec![("name".to_string(), DiffKind::Update)]);
    }

    #[test]
    fn ignore_changes_hides_top_level_and_nested_paths() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let olds = map(json!({"name": "a", "jwtConfiguration": {"alg": "HS256"}}));
        let news = map(json!({"name": "b", "jwtConfiguration": {"alg": "RS256"}}));
        let ignore = vec!["name".to_string(), "jwtConfiguration.alg".to_string()];
        let r = diff(
            &package,
            resource,
            &[],
            &DiffInput {
                olds: &olds,
                news: &news,
                old_inputs: &olds,
                ignore_changes: &ignore,
            },
        );
        assert_eq!(r.changes, Changes::None);
    }

    #[test]
    fn every_diffs_key_has_a_detailed_path_and_the_reverse() {
        let olds = json!({"name": "a", "callbacks": ["x"], "clientMetadata": {"k": "v"}, "jwtConfiguration": {"alg": "HS256"}});
        let news = json!({"name": "b", "clientMetadata": {}, "jwtConfiguration": {"alg": "RS256"}});
        let r = run(olds.clone(), news, olds);
        for key in &r.diffs {
            assert!(
                r.detailed_diff.keys().any(|p| is_prefix(key, p)),
                "{key} has no detailed path"
            );
        }
        for path in r.detailed_diff.keys() {
            assert!(
                r.diffs.iter().any(|k| is_prefix(k, path)),
                "{path} has no diffs key"
            );
        }
    }
}
