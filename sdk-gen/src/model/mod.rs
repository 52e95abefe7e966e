//! The validated model: `$ref`s resolved, required lists applied, names chosen per language.
//! Everything the language templates need is here, so they never look at raw JSON.

mod properties;
mod validate;

pub use validate::validate;

use crate::names;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A schema that sdk-gen cannot turn into SDKs, with the place and the fix in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

pub(super) fn err<T>(msg: impl Into<String>) -> Result<T, SchemaError> {
    Err(SchemaError(msg.into()))
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// An object type, by its short name (`ClientAddonsAws`).
    Object(String),
    /// An enum type, by its short name.
    Enum(String),
}

#[derive(Debug, Clone)]
pub struct Property {
    /// The wire name, as in schema.json (`clientId`).
    pub name: String,
    pub python_name: String,
    pub description: String,
    pub ty: TypeRef,
    pub required: bool,
    pub secret: bool,
    /// Documented in every SDK. Setting a deprecated input is not warned about by the SDKs:
    /// the provider's Check warns once per resource, for every language, YAML included.
    pub deprecation: Option<String>,
    pub default: Option<Value>,
    pub default_env: Vec<String>,
    pub replace_on_changes: bool,
}

impl Property {
    pub fn go_name(&self) -> String {
        names::pascal_case(&self.name)
    }
}

#[derive(Debug, Clone)]
pub struct ObjectType {
    pub token: String,
    pub name: String,
    pub description: String,
    pub properties: Vec<Property>,
    /// Reachable from some resource's inputs (or unreferenced).
    pub is_input: bool,
    /// Reachable from some resource's outputs (or unreferenced).
    pub is_output: bool,
    /// `language.nodejs.requiredOutputs`: properties always present in the TypeScript output type.
    pub node_required_outputs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    /// PascalCase member name.
    pub name: String,
    pub value: Value,
    pub description: String,
    pub deprecation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub token: String,
    pub name: String,
    pub description: String,
    /// String, Integer, Number or Boolean.
    pub underlying: TypeRef,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub token: String,
    /// `ClientGrant`; `Provider` for the provider resource.
    pub name: String,
    pub description: String,
    pub deprecation: Option<String>,
    pub inputs: Vec<Property>,
    pub outputs: Vec<Property>,
    pub state: Vec<Property>,
    pub is_provider: bool,
}

impl Resource {
    /// Module (file) name in Python: `client_grant`.
    pub fn python_module(&self) -> String {
        names::snake_case(&self.name)
    }
    /// File name in TypeScript: `clientGrant`.
    pub fn ts_module(&self) -> String {
        names::camel_case(&self.name)
    }
    /// Wire names of outputs that are secret.
    pub fn secret_outputs(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .outputs
            .iter()
            .filter(|p| p.secret)
            .map(|p| p.name.as_str())
            .collect();
        for p in &self.inputs {
            if p.secret && !names.contains(&p.name.as_str()) {
                names.push(p.name.as_str());
            }
        }
        names.sort();
        names
    }
    /// Outputs that are not also inputs: computed by the provider.
    pub fn output_only(&self) -> impl Iterator<Item = &Property> {
        self.outputs
            .iter()
            .filter(|o| !self.inputs.iter().any(|i| i.name == o.name))
    }
}

#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub display_name: String,
    pub description: String,
    pub homepage: Option<String>,
    pub repository: Option<String>,
    pub license: Option<String>,
    pub publisher: Option<String>,
    pub keywords: Vec<String>,
    pub plugin_download_url: Option<String>,
    pub python_package: String,
    pub python_requires: BTreeMap<String, String>,
    pub npm_package: String,
    pub npm_description: String,
    pub go_import_path: String,
    pub config: Vec<Property>,
    pub provider: Resource,
    pub resources: Vec<Resource>,
    pub objects: Vec<ObjectType>,
    pub enums: Vec<EnumType>,
}

impl Package {
    pub fn object(&self, name: &str) -> Option<&ObjectType> {
        self.objects.iter().find(|o| o.name == name)
    }
    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }
    /// The Go package name: the last path element of the import path.
    pub fn go_package(&self) -> String {
        self.go_import_path
            .rsplit('/')
            .next()
            .unwrap_or(&self.name)
            .replace('-', "")
    }
}

/// The object type a property holds, directly or as array/map elements.
pub fn object_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Object(n) => Some(n),
        TypeRef::Array(t) | TypeRef::Map(t) => object_name(t),
        _ => None,
    }
}
