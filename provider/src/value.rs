//! Property values as the engine means them: JSON-like data plus secrets, unknowns,
//! output values and resource references. The wire adapter converts
//! `google.protobuf.Struct` to and from these; everything past it works on them.

use std::collections::BTreeMap;

/// A property map: top-level properties of a resource, config, or an object value.
pub type PropertyMap = BTreeMap<String, Value>;

#[derive(Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(PropertyMap),
    /// A value the engine must keep secret.
    Secret(Box<Value>),
    /// A value not known yet (preview). Only allowed in responses when preview is true.
    Computed,
    /// An output value: possibly unknown, possibly secret, with dependencies.
    Output {
        value: Option<Box<Value>>,
        secret: bool,
        dependencies: Vec<String>,
    },
    /// A reference to another resource.
    ResourceRef {
        urn: String,
        id: Option<Box<Value>>,
        package_version: String,
    },
}

/// Debug output never shows what a secret holds: errors and test failures may print values.
impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => f.debug_tuple("Bool").field(b).finish(),
            Value::Number(n) => f.debug_tuple("Number").field(n).finish(),
            Value::String(s) => f.debug_tuple("String").field(s).finish(),
            Value::Array(items) => f.debug_tuple("Array").field(items).finish(),
            Value::Object(map) => f.debug_tuple("Object").field(map).finish(),
            Value::Secret(_) | Value::Output { secret: true, .. } => {
                f.write_str("Secret([redacted])")
            }
            Value::Computed => f.write_str("Computed"),
            Value::Output {
                value,
                dependencies,
                ..
            } => f
                .debug_struct("Output")
                .field("value", value)
                .field("dependencies", dependencies)
                .finish(),
            Value::ResourceRef {
                urn,
                id,
                package_version,
            } => f
                .debug_struct("ResourceRef")
                .field("urn", urn)
                .field("id", id)
                .field("package_version", package_version)
                .finish(),
        }
    }
}

impl Value {
    /// True if this value, or anything inside it, is not known yet.
    pub fn contains_unknowns(&self) -> bool {
        match self {
            Value::Computed => true,
            Value::Output { value: None, .. } => true,
            Value::Output { value: Some(v), .. } | Value::Secret(v) => v.contains_unknowns(),
            Value::Array(items) => items.iter().any(Value::contains_unknowns),
            Value::Object(map) => map.values().any(Value::contains_unknowns),
            _ => false,
        }
    }

    /// True if this value itself is unknown (not merely something inside it).
    pub fn is_computed(&self) -> bool {
        match self {
            Value::Computed | Value::Output { value: None, .. } => true,
            Value::Secret(v) => v.is_computed(),
            Value::Output { value: Some(v), .. } => v.is_computed(),
            _ => false,
        }
    }

    /// True if this value is marked secret at its top level.
    pub fn is_secret(&self) -> bool {
        matches!(self, Value::Secret(_) | Value::Output { secret: true, .. })
    }

    /// The value with secret and output wrappers removed at every depth.
    /// Unknown outputs become `Computed`; resource references become their id (or Computed).
    pub fn unwrap_all(&self) -> Value {
        match self {
            Value::Secret(v) => v.unwrap_all(),
            Value::Output { value: Some(v), .. } => v.unwrap_all(),
            Value::Output { value: None, .. } => Value::Computed,
            Value::ResourceRef { id: Some(id), .. } => id.unwrap_all(),
            Value::ResourceRef { id: None, .. } => Value::Computed,
            Value::Array(items) => Value::Array(items.iter().map(Value::unwrap_all).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.unwrap_all()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Wraps the value as a secret unless it already is one.
    pub fn into_secret(self) -> Value {
        match self {
            Value::Secret(_) | Value::Null => self,
            Value::Output {
                value,
                dependencies,
                ..
            } => Value::Output {
                value,
                secret: true,
                dependencies,
            },
            other => Value::Secret(Box::new(other)),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Secret(v) => v.as_str(),
            Value::Output { value: Some(v), .. } => v.as_str(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Converts plain JSON into a value (no secrets, no unknowns).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to plain JSON, dropping secret and output wrappers.
    /// Returns `None` if the value holds an unknown anywhere.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self.unwrap_all() {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(n) => number_to_json(n),
            Value::String(s) => serde_json::Value::String(s),
            Value::Array(items) => serde_json::Value::Array(
                items
                    .iter()
                    .map(Value::to_json)
                    .collect::<Option<Vec<_>>>()?,
            ),
            Value::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| v.to_json().map(|j| (k.clone(), j)))
                    .collect::<Option<serde_json::Map<_, _>>>()?,
            ),
            Value::Computed => return None,
            // unwrap_all removed these.
            Value::Secret(_) | Value::Output { .. } | Value::ResourceRef { .. } => return None,
        })
    }
}

/// Whole numbers become JSON integers, so Auth0 sees `36000`, not `36000.0`.
fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// `parent` + `name` → `parent.name` (just `name` at the top level): a dotted property path.
pub fn join_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_become_json_integers() {
        assert_eq!(
            Value::Number(36000.0).to_json(),
            Some(serde_json::json!(36000))
        );
        assert_eq!(Value::Number(0.5).to_json(), Some(serde_json::json!(0.5)));
    }

    #[test]
    fn an_unknown_anywhere_makes_json_conversion_fail() {
        let v = Value::Object([("a".to_string(), Value::Array(vec![Value::Computed]))].into());
        assert!(v.contains_unknowns());
        assert_eq!(v.to_json(), None);
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let v = Value::Object(
            [(
                "clientSecret".to_string(),
                Value::from("s3cret-value").into_secret(),
            )]
            .into(),
        );
        let shown = format!("{v:?}");
        assert!(
            !shown.contains("s3cret-value") && shown.contains("[redacted]"),
            "{shown}"
        );
    }

    #[test]
    fn secrets_are_unwrapped_for_json_and_rewrapped_once() {
        let v = Value::from("s3cret").into_secret().into_secret();
        assert!(matches!(&v, Value::Secret(inner) if !inner.is_secret()));
        assert_eq!(v.to_json(), Some(serde_json::json!("s3cret")));
    }
}
