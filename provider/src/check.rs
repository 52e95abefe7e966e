//! Schema-driven validation of resource inputs: types, required inputs, unknown properties,
//! allowed values of enumerated strings, and deprecations. Unknown values always pass.

use std::collections::BTreeMap;

use crate::rpc::CheckFailure;
use crate::schema::{short_token, Package, Property, Type};
use crate::value::{join_path, PropertyMap, Value};

/// Per-resource facts the schema cannot express: the allowed values of enumerated strings,
/// keyed by property path (dotted, array items transparent).
pub type AllowedValues = &'static [(&'static str, &'static [&'static str])];

pub struct Checker<'a> {
    pub package: &'a Package,
    /// Used in messages, e.g. `Client`.
    pub label: &'a str,
    pub allowed: AllowedValues,
    pub failures: Vec<CheckFailure>,
    /// Paths of deprecated properties that were set, with the deprecation message.
    pub deprecations: Vec<(String, String)>,
    /// How many secrets enclose the value being checked: messages never quote a secret.
    secret_depth: usize,
}

impl<'a> Checker<'a> {
    pub fn new(package: &'a Package, label: &'a str, allowed: AllowedValues) -> Self {
        Checker {
            package,
            label,
            allowed,
            failures: Vec::new(),
            deprecations: Vec::new(),
            secret_depth: 0,
        }
    }

    pub fn fail(&mut self, path: &str, reason: impl Into<String>) {
        self.failures.push(CheckFailure {
            property: path.to_string(),
            reason: format!("{}.{}: {}", self.label, path, reason.into()),
        });
    }

    /// Checks a property map against property definitions and required names.
    pub fn check_map(
        &mut self,
        props: &PropertyMap,
        schema: &BTreeMap<String, Property>,
        required: &std::collections::BTreeSet<String>,
        parent: &str,
    ) {
        for name in required {
            if props.get(name).is_none_or(Value::is_null) {
                let path = join_path(parent, name);
                self.fail(&path, "is required; set it");
            }
        }
        for (name, value) in props {
            let path = join_path(parent, name);
            match schema.get(name) {
                None => {
                    let known: Vec<&str> = schema.keys().map(String::as_str).collect();
                    let hint = closest(name, &known)
                        .map(|k| format!("did you mean `{k}`? "))
                        .unwrap_or_default();
                    self.fail(
                        &path,
                        format!(
                            "is not a property of {}; {}remove it",
                            self.owner(parent),
                            hint
                        ),
                    );
                }
                Some(property) => {
                    if let Some(message) = &property.deprecation {
                        if !value.is_null() {
                            self.deprecations.push((path.clone(), message.clone()));
                        }
                    }
                    self.check_value(value, &property.ty, &path);
                }
            }
        }
    }

    fn owner(&self, parent: &str) -> String {
        if parent.is_empty() {
            self.label.to_string()
        } else {
            format!("{}.{}", self.label, parent)
        }
    }

    pub fn check_value(&mut self, value: &Value, ty: &Type, path: &str) {
        let value = match value {
            Value::Secret(inner)
            | Value::Output {
                value: Some(inner),
                secret: true,
                ..
            } => {
                self.secret_depth += 1;
                self.check_value(inner, ty, path);
                self.secret_depth -= 1;
                return;
            }
            Value::Output {
                value: Some(inner), ..
            } => return self.check_value(inner, ty, path),
            Value::Output { value: None, .. } | Value::Computed => return,
            Value::ResourceRef { id: Some(id), .. } => return self.check_value(id, ty, path),
            Value::ResourceRef { id: None, .. } => return,
            Value::Null => return,
            other => other,
        };
        match (ty, value) {
            (Type::Any, _) => self.check_finite(value, path),
            // NaN and ±Infinity have no JSON form (Auth0 would get null) and never equal
            // themselves, so the diff would show a change on every run.
            (Type::Number | Type::Integer, Value::Number(n)) if !n.is_finite() => {
                let shown = self.show(|| n.to_string());
                self.fail(
                    path,
                    format!("{shown} is not a finite number; use a finite number"),
                )
            }
            (Type::String, Value::String(s)) => self.check_allowed(path, s),
            (Type::Boolean, Value::Bool(_)) | (Type::Number, Value::Number(_)) => {}
            (Type::Integer, Value::Number(n)) if n.fract() == 0.0 => {}
            (Type::Integer, Value::Number(n)) => {
                let shown = self.show(|| n.to_string());
                self.fail(
                    path,
                    format!("{shown} is not a whole number; use an integer"),
                )
            }
            (Type::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_value(v, item, &format!("{path}[{i}]"));
                }
            }
            (Type::Map(item), Value::Object(entries)) => {
                for (k, v) in entries {
                    self.check_value(v, item, &format!("{path}[{k:?}]"));
                }
            }
            (Type::Object(token), Value::Object(fields)) => match self.package.object_type(token) {
                Some(object) => self.check_map(fields, &object.properties, &object.required, path),
                None => self.fail(path, format!("has undefined type {}", short_token(token))),
            },
            (ty, other) => {
                let got = self.show(|| describe(other));
                self.fail(
                    path,
                    format!(
                        "expected {}, got {got}; change the value's type",
                        ty.describe()
                    ),
                )
            }
        }
    }

    /// A value of any type may hold any JSON, but not a number JSON cannot carry.
    fn check_finite(&mut self, value: &Value, path: &str) {
        match value {
            Value::Number(_) => self.check_value(value, &Type::Number, path),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_value(v, &Type::Any, &format!("{path}[{i}]"));
                }
            }
            Value::Object(entries) => {
                for (k, v) in entries {
                    self.check_value(v, &Type::Any, &format!("{path}[{k:?}]"));
                }
            }
            _ => {}
        }
    }

    /// The value as a message may quote it, or "a secret value".
    fn show(&self, quote: impl FnOnce() -> String) -> String {
        if self.secret_depth > 0 {
            "a secret value".to_string()
        } else {
            quote()
        }
    }

    fn check_allowed(&mut self, path: &str, value: &str) {
        let key = strip_indices(path);
        if let Some((_, allowed)) = self.allowed.iter().find(|(p, _)| *p == key) {
            if !allowed.contains(&value) {
                self.fail(
                    path,
                    format!(
                        "{} is not an allowed value; use one of: {}",
                        self.show(|| format!("{value:?}")),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }
}

/// Adds schema defaults for inputs that were not set.
pub fn apply_defaults(props: &mut PropertyMap, schema: &BTreeMap<String, Property>) {
    for (name, property) in schema {
        if let Some(default) = &property.default {
            props
                .entry(name.clone())
                .or_insert_with(|| Value::from_json(default));
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string {s:?}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        _ => "an unsupported value".into(),
    }
}

/// `addons.samlp.mappings["x"]` and `scopes[2]` → `addons.samlp.mappings`, `scopes`.
pub fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The known name closest to a misspelt one, if any is close enough to be a likely typo.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase().replace('_', "");
    known
        .iter()
        .map(|k| (k, edit_distance(&lower, &k.to_ascii_lowercase())))
        .filter(|(_, d)| *d <= 2)
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| *k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &str = r##"{
      "types": {"t:index/Jwt:Jwt": {"type": "object", "required": ["alg"], "properties": {
          "alg": {"type": "string"}, "lifetimeInSeconds": {"type": "integer"}}}},
      "resources": {"t:index/client:Client": {
        "requiredInputs": ["name"],
        "inputProperties": {
          "name": {"type": "string"},
          "appType": {"type": "string"},
          "grantTypes": {"type": "array", "items": {"type": "string"}},
          "jwtConfiguration": {"$ref": "#/types/t:index/Jwt:Jwt"},
          "oldUrls": {"type": "array", "items": {"type": "string"}, "deprecationMessage": "Use oidcLogout."},
          "description": {"type": "string", "default": "Managed by Pulumi"}
        }}}
    }"##;
    const ALLOWED: AllowedValues = &[
        ("appType", &["native", "non_interactive"]),
        ("jwtConfiguration.alg", &["RS256", "HS256"]),
    ];

    fn run(input: Json) -> (Vec<CheckFailure>, Vec<(String, String)>) {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let Value::Object(props) = Value::from_json(&input) else {
            unreachable!()
        };
        let mut checker = Checker::new(&package, "Client", ALLOWED);
        checker.check_map(&props, &resource.inputs, &resource.required_inputs, "");
        (checker.failures, checker.deprecations)
    }
    use serde_json::Value as Json;

    #[test]
    fn valid_inputs_pass() {
        let (failures, _) =
            run(json!({"name": "a", "appType": "native", "jwtConfiguration": {"alg": "RS256"}}));
        assert_eq!(failures, vec![]);
    }

    #[test]
    fn a_missing_required_input_names_the_property() {
        let (failures, _) = run(json!({"appType": "native"}));
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].property, "name");
        assert_eq!(failures[0].reason, "Client.name: is required; set it");
    }

    #[test]
    fn wrong_types_and_disallowed_values_are_reported_with_their_paths() {
        let (failures, _) = run(json!({
            "name": "a", "appType": "server", "grantTypes": ["client_credentials", 7],
            "jwtConfiguration": {"alg": "none", "lifetimeInSeconds": 1.5}
        }));
        let props: Vec<&str> = failures.iter().map(|f| f.property.as_str()).collect();
        assert_eq!(
            props,
            vec![
                "appType",
                "grantTypes[1]",
                "jwtConfiguration.alg",
                "jwtConfiguration.lifetimeInSeconds"
            ]
        );
        assert!(
            failures[0]
                .reason
                .contains("use one of: native, non_interactive"),
            "{}",
            failures[0].reason
        );
        assert!(
            failures[1]
                .reason
                .contains("expected a string, got the number 7"),
            "{}",
            failures[1].reason
        );
    }

    #[test]
    fn unknown_properties_fail_with_a_spelling_hint() {
        let (failures, _) = run(json!({"name": "a", "app_type": "native"}));
        assert_eq!(failures[0].property, "app_type");
        assert!(
            failures[0].reason.contains("did you mean `appType`?"),
            "{}",
            failures[0].reason
        );
    }

    #[test]
    fn unknown_values_pass_even_where_required() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let mut props = PropertyMap::new();
        props.insert("name".into(), Value::Computed);
        props.insert(
            "jwtConfiguration".into(),
            Value::Output {
                value: None,
                secret: false,
                dependencies: vec![],
            },
        );
        let mut checker = Checker::new(&package, "Client", ALLOWED);
        checker.check_map(&props, &resource.inputs, &resource.required_inputs, "");
        assert_eq!(checker.failures, vec![]);
    }

    #[test]
    fn deprecated_properties_that_are_set_are_collected() {
        let (_, deprecations) = run(json!({"name": "a", "oldUrls": ["https://x"]}));
        assert_eq!(
            deprecations,
            vec![("oldUrls".to_string(), "Use oidcLogout.".to_string())]
        );
    }

    #[test]
    fn failures_never_quote_a_secret_value() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let mut props = PropertyMap::new();
        props.insert("name".into(), Value::from("a"));
        props.insert(
            "appType".into(),
            Value::from("hunter2-not-an-app-type").into_secret(),
        );
        props.insert(
            "grantTypes".into(),
            Value::Array(vec![Value::Number(31337.0).into_secret()]),
        );
        let mut checker = Checker::new(&package, "Client", ALLOWED);
        checker.check_map(&props, &resource.inputs, &resource.required_inputs, "");
        assert_eq!(checker.failures.len(), 2, "{:?}", checker.failures);
        for failure in &checker.failures {
            assert!(
                failure.reason.contains("a secret value"),
                "{}",
                failure.reason
            );
            assert!(
                !failure.reason.contains("hunter2") && !failure.reason.contains("31337"),
                "{}",
                failure.reason
            );
        }
    }

    #[test]
    fn defaults_fill_only_unset_inputs() {
        let package = Package::parse(SCHEMA).unwrap();
        let resource = package.resource("t:index/client:Client").unwrap();
        let mut props = PropertyMap::new();
        apply_defaults(&mut props, &resource.inputs);
        assert_eq!(props["description"], Value::from("Managed by Pulumi"));
        props.insert("description".into(), Value::from("mine"));
        apply_defaults(&mut props, &resource.inputs);
        assert_eq!(props["description"], Value::from("mine"));
    }
}
