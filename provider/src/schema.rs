//! A typed view of schema.json: what check, diff, expand and flatten need to know about
//! each property. Parsed once from the embedded schema; resolves `$ref`s to object types.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value as Json;

/// schema.json as shipped, without a version (the workspace version is injected when served).
pub const SCHEMA_JSON: &str = include_str!("../../schema.json");

/// The package schema served by GetSchema: schema.json with `version` set to the plugin's.
pub fn served_schema() -> &'static str {
    static SERVED: OnceLock<String> = OnceLock::new();
    SERVED.get_or_init(|| {
        let mut json: Json = serde_json::from_str(SCHEMA_JSON).expect("schema.json is valid JSON");
        json["version"] = Json::String(env!("CARGO_PKG_VERSION").to_string());
        serde_json::to_string(&json).expect("schema serialises")
    })
}

/// The parsed embedded schema.
pub fn package() -> &'static Package {
    static PACKAGE: OnceLock<Package> = OnceLock::new();
    PACKAGE.get_or_init(|| Package::parse(SCHEMA_JSON).expect("schema.json parses into the model"))
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    Array(Box<Type>),
    /// A map with string keys; keys are user data and are never renamed.
    Map(Box<Type>),
    /// A named object type (a `$ref` to `#/types/...`).
    Object(String),
}

impl Type {
    pub fn describe(&self) -> String {
        match self {
            Type::String => "a string".into(),
            Type::Integer => "an integer".into(),
            Type::Number => "a number".into(),
            Type::Boolean => "a boolean".into(),
            Type::Any => "any value".into(),
            Type::Array(item) => format!("a list of {}", item.describe_plural()),
            Type::Map(item) => format!("a map of {}", item.describe_plural()),
            Type::Object(token) => format!("an object ({})", short_token(token)),
        }
    }

    fn describe_plural(&self) -> String {
        match self {
            Type::String => "strings".into(),
            Type::Integer => "integers".into(),
            Type::Number => "numbers".into(),
            Type::Boolean => "booleans".into(),
            Type::Any => "values".into(),
            Type::Object(token) => format!("{} objects", short_token(token)),
            other => other.describe(),
        }
    }
}

/// `auth0:index/ClientJwtConfiguration:ClientJwtConfiguration` → `ClientJwtConfiguration`.
pub fn short_token(token: &str) -> &str {
    token.rsplit(':').next().unwrap_or(token)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub ty: Type,
    pub secret: bool,
    /// A change forces replacement (`replaceOnChanges` or `willReplaceOnChanges`).
    pub replace_on_changes: bool,
    pub deprecation: Option<String>,
    pub default: Option<Json>,
    pub default_env: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectType {
    pub properties: BTreeMap<String, Property>,
    pub required: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    pub token: String,
    pub inputs: BTreeMap<String, Property>,
    pub outputs: BTreeMap<String, Property>,
    pub required_inputs: BTreeSet<String>,
}

impl Resource {
    /// Outputs that are not inputs (computed by Auth0).
    pub fn output_only(&self) -> impl Iterator<Item = (&String, &Property)> {
        self.outputs
            .iter()
            .filter(|(name, _)| !self.inputs.contains_key(*name))
    }

    /// The property's definition as an input, else as an output.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.inputs.get(name).or_else(|| self.outputs.get(name))
    }
}

/// A function (an Invoke token): its inputs and the object it returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Function {
    pub token: String,
    pub inputs: BTreeMap<String, Property>,
    pub required_inputs: BTreeSet<String>,
    pub outputs: BTreeMap<String, Property>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Package {
    pub resources: BTreeMap<String, Resource>,
    pub functions: BTreeMap<String, Function>,
    pub types: BTreeMap<String, ObjectType>,
    /// The provider's configuration keys.
    pub config: BTreeMap<String, Property>,
}

impl Package {
    pub fn parse(text: &str) -> Result<Package, String> {
        let json: Json =
            serde_json::from_str(text).map_err(|e| format!("schema is not JSON: {e}"))?;
        let mut package = Package::default();
        if let Some(types) = json["types"].as_object() {
            for (token, spec) in types {
                if spec["type"] != "object" {
                    return Err(format!("type {token}: only object types are supported"));
                }
                package.types.insert(
                    token.clone(),
                    ObjectType {
                        properties: parse_properties(&spec["properties"], token)?,
                        required: string_set(&spec["required"]),
                    },
                );
            }
        }
        if let Some(resources) = json["resources"].as_object() {
            for (token, spec) in resources {
                package.resources.insert(
                    token.clone(),
                    Resource {
                        token: token.clone(),
                        inputs: parse_properties(&spec["inputProperties"], token)?,
                        outputs: parse_properties(&spec["properties"], token)?,
                        required_inputs: string_set(&spec["requiredInputs"]),
                    },
                );
            }
        }
        if let Some(functions) = json["functions"].as_object() {
            for (token, spec) in functions {
                package.functions.insert(
                    token.clone(),
                    Function {
                        token: token.clone(),
                        inputs: parse_properties(&spec["inputs"]["properties"], token)?,
                        required_inputs: string_set(&spec["inputs"]["required"]),
                        outputs: parse_properties(&spec["outputs"]["properties"], token)?,
                    },
                );
            }
        }
        package.config = parse_properties(&json["config"]["variables"], "config")?;
        package.check_refs()?;
        Ok(package)
    }

    pub fn resource(&self, token: &str) -> Option<&Resource> {
        self.resources.get(token)
    }

    pub fn function(&self, token: &str) -> Option<&Function> {
        self.functions.get(token)
    }

    pub fn object_type(&self, token: &str) -> Option<&ObjectType> {
        self.types.get(token)
    }

    fn check_refs(&self) -> Result<(), String> {
        fn walk(package: &Package, ty: &Type, at: &str) -> Result<(), String> {
            match ty {
                Type::Array(item) | Type::Map(item) => walk(package, item, at),
                Type::Object(token) if !package.types.contains_key(token) => {
                    Err(format!("{at}: refers to undefined type {token}"))
                }
                _ => Ok(()),
            }
        }
        let resources = self
            .resources
            .values()
            .flat_map(|r| r.inputs.iter().chain(r.outputs.iter()));
        let functions = self
            .functions
            .values()
            .flat_map(|f| f.inputs.iter().chain(f.outputs.iter()));
        let types = self.types.values().flat_map(|t| t.properties.iter());
        for (name, property) in resources.chain(functions).chain(types) {
            walk(self, &property.ty, name)?;
        }
        Ok(())
    }
}

fn string_set(json: &Json) -> BTreeSet<String> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_properties(json: &Json, owner: &str) -> Result<BTreeMap<String, Property>, String> {
    let Some(map) = json.as_object() else {
        return Ok(BTreeMap::new());
    };
    map.iter()
        .map(|(name, spec)| {
            let ty = parse_type(spec).map_err(|e| format!("{owner}.{name}: {e}"))?;
            Ok((
                name.clone(),
                Property {
                    ty,
                    secret: spec["secret"].as_bool().unwrap_or(false),
                    replace_on_changes: spec["replaceOnChanges"].as_bool().unwrap_or(false)
                        || spec["willReplaceOnChanges"].as_bool().unwrap_or(false),
                    deprecation: spec["deprecationMessage"].as_str().map(str::to_string),
                    default: spec.get("default").cloned(),
                    default_env: string_set(&spec["defaultInfo"]["environment"])
                        .into_iter()
                        .collect(),
                },
            ))
        })
        .collect()
}

fn parse_type(spec: &Json) -> Result<Type, String> {
    if let Some(reference) = spec["$ref"].as_str() {
        return match reference {
            "pulumi.json#/Any" | "pulumi.json#/Json" => Ok(Type::Any),
            r => r
                .strip_prefix("#/types/")
                .map(|token| Type::Object(token.to_string()))
                .ok_or_else(|| format!("unsupported $ref {r}")),
        };
    }
    match spec["type"].as_str() {
        Some("string") => Ok(Type::String),
        Some("integer") => Ok(Type::Integer),
        Some("number") => Ok(Type::Number),
        Some("boolean") => Ok(Type::Boolean),
        Some("array") => Ok(Type::Array(Box::new(parse_type(&spec["items"])?))),
        Some("object") if spec.get("additionalProperties").is_some() => Ok(Type::Map(Box::new(
            parse_type(&spec["additionalProperties"])?,
        ))),
        Some("object") => Ok(Type::Map(Box::new(Type::Any))),
        other => Err(format!("unsupported type {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r##"{
      "name": "t",
      "config": {"variables": {"domain": {"type": "string", "defaultInfo": {"environment": ["T_DOMAIN"]}}}},
      "types": {"t:index/Jwt:Jwt": {"type": "object", "required": ["alg"], "properties": {
        "alg": {"type": "string"}, "secretEncoded": {"type": "boolean", "willReplaceOnChanges": true}}}},
      "resources": {"t:index/thing:Thing": {
        "requiredInputs": ["name"],
        "inputProperties": {"name": {"type": "string"}, "jwt": {"$ref": "#/types/t:index/Jwt:Jwt"},
                            "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                            "tags": {"type": "array", "items": {"type": "string"}, "deprecationMessage": "use labels"}},
        "properties": {"name": {"type": "string"}, "secret": {"type": "string", "secret": true}}}},
      "functions": {"t:index/getThing:getThing": {
        "inputs": {"properties": {"name": {"type": "string"}}, "required": ["name"], "type": "object"},
        "outputs": {"properties": {"jwts": {"type": "array", "items": {"$ref": "#/types/t:index/Jwt:Jwt"}},
                                   "secret": {"type": "string", "secret": true}}, "type": "object"}}}
    }"##;

    #[test]
    fn properties_types_and_flags_are_parsed() {
        let p = Package::parse(SMALL).unwrap();
        let thing = p.resource("t:index/thing:Thing").unwrap();
        assert_eq!(
            thing.inputs["jwt"].ty,
            Type::Object("t:index/Jwt:Jwt".into())
        );
        assert_eq!(thing.inputs["meta"].ty, Type::Map(Box::new(Type::String)));
        assert_eq!(
            thing.inputs["tags"].deprecation.as_deref(),
            Some("use labels")
        );
        assert!(thing.outputs["secret"].secret);
        assert_eq!(
            thing
                .output_only()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            vec!["secret"]
        );
        assert!(p.types["t:index/Jwt:Jwt"].properties["secretEncoded"].replace_on_changes);
        assert_eq!(p.config["domain"].default_env, vec!["T_DOMAIN".to_string()]);
    }

    #[test]
    fn functions_are_parsed_with_their_inputs_and_outputs() {
        let p = Package::parse(SMALL).unwrap();
        let f = p.function("t:index/getThing:getThing").unwrap();
        assert_eq!(f.inputs["name"].ty, Type::String);
        assert!(f.required_inputs.contains("name"));
        assert_eq!(
            f.outputs["jwts"].ty,
            Type::Array(Box::new(Type::Object("t:index/Jwt:Jwt".into())))
        );
        assert!(f.outputs["secret"].secret);
        let broken = SMALL.replace(
            r##""items": {"$ref": "#/types/t:index/Jwt:Jwt"}"##,
            r##""items": {"$ref": "#/types/t:index/Gone:Gone"}"##,
        );
        assert!(Package::parse(&broken)
            .unwrap_err()
            .contains("undefined type"));
    }

    #[test]
    fn a_dangling_ref_is_rejected() {
        let broken = SMALL.replace("#/types/t:index/Jwt:Jwt", "#/types/t:index/Nope:Nope");
        assert!(Package::parse(&broken)
            .unwrap_err()
            .contains("undefined type"));
    }

    #[test]
    fn the_embedded_schema_parses_and_is_served_with_the_workspace_version() {
        assert!(package().resource("auth0:index/client:Client").is_some());
        let served: Json = serde_json::from_str(served_schema()).unwrap();
        assert_eq!(served["version"], env!("CARGO_PKG_VERSION"));
    }
}
