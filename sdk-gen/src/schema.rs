//! Raw serde structs for the parts of the Pulumi package schema that sdk-gen reads.
//!
//! Every struct keeps the keys it does not know in `unknown`, so validation can name an
//! unsupported construct instead of silently dropping it.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawPackage {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub homepage: Option<String>,
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, rename = "pluginDownloadURL")]
    pub plugin_download_url: Option<String>,
    #[serde(default)]
    pub meta: Option<Value>,
    #[serde(default)]
    pub config: RawConfig,
    #[serde(default)]
    pub provider: Option<RawResource>,
    #[serde(default)]
    pub resources: BTreeMap<String, RawResource>,
    #[serde(default)]
    pub types: BTreeMap<String, RawTypeDef>,
    #[serde(default)]
    pub functions: BTreeMap<String, Value>,
    #[serde(default)]
    pub language: BTreeMap<String, Value>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawConfig {
    #[serde(default)]
    pub variables: BTreeMap<String, RawProperty>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// A resource: an object schema (its outputs) plus the inputs and flags only resources have.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawResource {
    /// `description`, `properties`, `required`, `type` and any key sdk-gen does not know.
    #[serde(flatten)]
    pub object: RawObject,
    #[serde(default)]
    pub input_properties: BTreeMap<String, RawProperty>,
    #[serde(default)]
    pub required_inputs: Vec<String>,
    #[serde(default)]
    pub state_inputs: Option<RawObject>,
    #[serde(default)]
    pub deprecation_message: Option<String>,
    #[serde(default)]
    pub is_component: bool,
    #[serde(default)]
    pub methods: BTreeMap<String, Value>,
    #[serde(default)]
    pub aliases: Vec<Value>,
}

/// An object schema: a resource's output side, or its `stateInputs`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawObject {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, RawProperty>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

/// An entry of `types`: an object type or an enum.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawTypeDef {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, RawProperty>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<RawEnumValue>>,
    #[serde(default)]
    pub language: BTreeMap<String, Value>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawEnumValue {
    #[serde(default)]
    pub name: Option<String>,
    pub value: Value,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub deprecation_message: Option<String>,
}

/// A property, or a type expression inside one (`items`, `additionalProperties`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawProperty {
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub items: Option<Box<RawProperty>>,
    #[serde(default)]
    pub additional_properties: Option<Box<RawProperty>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub default_info: Option<RawDefaultInfo>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub deprecation_message: Option<String>,
    /// Not in the metaschema; the trimmed reference schema marks deprecation this way.
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub replace_on_changes: bool,
    #[serde(default)]
    pub will_replace_on_changes: bool,
    #[serde(default)]
    pub plain: bool,
    #[serde(default)]
    pub language: BTreeMap<String, Value>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawDefaultInfo {
    #[serde(default)]
    pub environment: Vec<String>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, Value>,
}
