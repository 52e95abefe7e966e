//! The validated model: `$ref`s resolved, required lists applied, names chosen per language.
//! Everything the language templates need is here, so they never look at raw JSON.

use crate::names;
use crate::schema::{RawPackage, RawProperty, RawResource, RawTypeDef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod functions;
mod rename;
pub use functions::Function;

/// A schema that sdk-gen cannot turn into SDKs, with the place and the fix in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

fn err<T>(msg: impl Into<String>) -> Result<T, SchemaError> {
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
    /// `language.nodejs.requiredInputs`: when given, the properties required in the TypeScript
    /// input type instead of `required`.
    pub node_required_inputs: Option<Vec<String>>,
    /// Reachable from some function's inputs or outputs (Python names its output class `...Result`).
    pub in_function: bool,
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
    pub functions: Vec<Function>,
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

/// Package-level keys that only carry metadata for the registry; sdk-gen does not need them.
const IGNORED_PACKAGE_KEYS: &[&str] = &[
    "logoUrl",
    "attribution",
    "allowedPackageNames",
    "parameterization",
];

/// Validate a parsed schema. `version` is the SDK version (the workspace version).
pub fn validate(raw: &RawPackage, version: &str) -> Result<Package, SchemaError> {
    if let Some(key) = raw
        .unknown
        .keys()
        .find(|k| !IGNORED_PACKAGE_KEYS.contains(&k.as_str()))
    {
        return err(format!(
            "schema: top-level key `{key}` is not supported by sdk-gen; remove it or teach sdk-gen about it"
        ));
    }
    if !names::is_identifier(&raw.name) {
        return err(format!(
            "name: \"{}\" is not a valid package name; use letters, digits and underscores",
            raw.name
        ));
    }
    let mut ctx = Ctx {
        raw,
        inputs: BTreeSet::new(),
        outputs: BTreeSet::new(),
    };

    let mut objects_and_enums = Vec::new();
    for (token, def) in &raw.types {
        objects_and_enums.push(ctx.type_def(token, def)?);
    }

    let config = {
        let c = &raw.config;
        if let Some(key) = c.unknown.keys().next() {
            return err(format!(
                "config: key `{key}` is not supported by sdk-gen; remove it"
            ));
        }
        for r in &c.required {
            if !c.variables.contains_key(r) {
                return err(format!(
                    "config.required: \"{r}\" is not a config variable; add it to config.variables or remove it from required"
                ));
            }
        }
        ctx.properties("config.variables", &c.variables, &c.required, Side::Input)?
    };

    let provider = match &raw.provider {
        Some(p) => ctx.resource(&format!("pulumi:providers:{}", raw.name), p, true)?,
        None => Resource {
            token: format!("pulumi:providers:{}", raw.name),
            name: "Provider".into(),
            description: String::new(),
            deprecation: None,
            inputs: Vec::new(),
            outputs: Vec::new(),
            state: Vec::new(),
            is_provider: true,
        },
    };
    let mut resources = Vec::new();
    for (token, r) in &raw.resources {
        resources.push(ctx.resource(token, r, false)?);
    }
    resources.sort_by(|a, b| a.name.cmp(&b.name));
    let functions = functions::validate(&mut ctx, &raw.functions, &resources)?;

    // Propagate input/output reachability through nested object types.
    let mut objects = Vec::new();
    let mut enums = Vec::new();
    for item in objects_and_enums {
        match item {
            TypeDef::Object(o) => objects.push(o),
            TypeDef::Enum(e) => enums.push(e),
        }
    }
    let inputs = closure(&objects, &ctx.inputs);
    let outputs = closure(&objects, &ctx.outputs);
    let in_functions = closure(&objects, &functions::roots(&functions));
    for o in &mut objects {
        o.in_function = in_functions.contains(&o.name);
        let unreferenced = !inputs.contains(&o.name) && !outputs.contains(&o.name);
        o.is_input = inputs.contains(&o.name) || unreferenced;
        o.is_output = outputs.contains(&o.name) || unreferenced;
    }
    objects.sort_by(|a, b| a.name.cmp(&b.name));
    enums.sort_by(|a, b| a.name.cmp(&b.name));

    let lang =
        |l: &str, key: &str| -> Option<&Value> { raw.language.get(l).and_then(|v| v.get(key)) };
    let python_package = lang("python", "packageName")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("pulumi_{}", raw.name));
    let python_requires = lang("python", "requires")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_else(|| BTreeMap::from([("pulumi".to_string(), ">=3.0.0,<4.0.0".to_string())]));
    let npm_package = lang("nodejs", "packageName")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("pulumi-{}", raw.name));
    let go_import_path = lang("go", "importBasePath")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| raw.name.clone());
    if !names::is_identifier(&python_package) {
        return err(format!(
            "language.python.packageName: \"{python_package}\" is not a Python identifier; use letters, digits and underscores"
        ));
    }
    let description = raw.description.clone().unwrap_or_default();
    Ok(Package {
        name: raw.name.clone(),
        version: version.to_string(),
        display_name: raw.display_name.clone().unwrap_or_else(|| raw.name.clone()),
        npm_description: lang("nodejs", "packageDescription")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| description.clone()),
        description,
        homepage: raw.homepage.clone(),
        repository: raw.repository.clone(),
        license: raw.license.clone(),
        publisher: raw.publisher.clone(),
        keywords: raw.keywords.clone(),
        plugin_download_url: raw.plugin_download_url.clone(),
        python_package,
        python_requires,
        npm_package,
        go_import_path,
        config,
        provider,
        resources,
        functions,
        objects,
        enums,
    })
}

/// `language.nodejs.<key>` of a type: a list of its property names, if given.
fn node_property_list(
    at: &str,
    def: &RawTypeDef,
    key: &str,
) -> Result<Option<Vec<String>>, SchemaError> {
    let Some(v) = def.language.get("nodejs").and_then(|n| n.get(key)) else {
        return Ok(None);
    };
    let Some(list) = v.as_array() else {
        return err(format!(
            "{at}.language.nodejs.{key}: {v} is not a list; give a list of property names"
        ));
    };
    let mut out = Vec::new();
    for n in list {
        match n.as_str() {
            Some(n) if def.properties.contains_key(n) => out.push(n.to_string()),
            _ => {
                return err(format!(
                    "{at}.language.nodejs.{key}: {n} is not a property of the type; remove it or add the property"
                ))
            }
        }
    }
    Ok(Some(out))
}

fn closure(objects: &[ObjectType], roots: &BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = roots.clone();
    let mut stack: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = stack.pop() {
        if let Some(o) = objects.iter().find(|o| o.name == name) {
            for p in &o.properties {
                if let Some(n) = object_name(&p.ty) {
                    if seen.insert(n.to_string()) {
                        stack.push(n.to_string());
                    }
                }
            }
        }
    }
    seen
}

/// The object type a property holds, directly or as array/map elements.
pub fn object_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Object(n) => Some(n),
        TypeRef::Array(t) | TypeRef::Map(t) => object_name(t),
        _ => None,
    }
}

enum TypeDef {
    Object(ObjectType),
    Enum(EnumType),
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Input,
    Output,
    Neither,
}

struct Ctx<'a> {
    raw: &'a RawPackage,
    inputs: BTreeSet<String>,
    outputs: BTreeSet<String>,
}

impl Ctx<'_> {
    /// `auth0:index/ClientAddons:ClientAddons` -> `ClientAddons`, checking package and module.
    fn short_name(&self, token: &str, at: &str) -> Result<String, SchemaError> {
        let parts: Vec<&str> = token.split(':').collect();
        if parts.len() != 3 || parts[0] != self.raw.name {
            return err(format!(
                "{at}: token \"{token}\" is not of the form {}:index/<name>:<Name>; fix the token",
                self.raw.name
            ));
        }
        let module = parts[1].split('/').next().unwrap_or_default();
        if module != "index" {
            return err(format!(
                "{at}: token \"{token}\" is in module \"{module}\", but sdk-gen only generates the index module; move it to index"
            ));
        }
        if !names::is_identifier(parts[2]) {
            return err(format!(
                "{at}: type name \"{}\" is not an identifier; use letters and digits",
                parts[2]
            ));
        }
        Ok(parts[2].to_string())
    }

    fn type_def(&mut self, token: &str, def: &RawTypeDef) -> Result<TypeDef, SchemaError> {
        let at = format!("types.{token}");
        let name = self.type_name(token, &at)?;
        if let Some(key) = def.unknown.keys().next() {
            return err(format!(
                "{at}: key `{key}` is not supported by sdk-gen; remove it"
            ));
        }
        let description = def.description.clone().unwrap_or_default();
        if let Some(values) = &def.enum_values {
            let underlying = match def.ty.as_str() {
                "string" => TypeRef::String,
                "integer" => TypeRef::Integer,
                "number" => TypeRef::Number,
                "boolean" => TypeRef::Boolean,
                other => {
                    return err(format!(
                        "{at}: enum of type \"{other}\" is not supported; use string, integer, number or boolean"
                    ))
                }
            };
            if values.is_empty() {
                return err(format!("{at}: enum has no values; add at least one"));
            }
            let mut out = Vec::new();
            for v in values {
                let member = match (&v.name, &v.value) {
                    (Some(n), _) => names::pascal_case(n),
                    (None, Value::String(s)) => names::pascal_case(s),
                    (None, other) => {
                        return err(format!(
                            "{at}: enum value {other} has no name; give it a `name`"
                        ))
                    }
                };
                let type_ok = match underlying {
                    TypeRef::String => v.value.is_string(),
                    TypeRef::Integer => v.value.is_i64() || v.value.is_u64(),
                    TypeRef::Number => v.value.is_number(),
                    _ => v.value.is_boolean(),
                };
                if !type_ok || !names::is_identifier(&member) {
                    return err(format!(
                        "{at}: enum value {} does not fit type \"{}\" or has no usable name; fix the value or add a `name`",
                        v.value, def.ty
                    ));
                }
                out.push(EnumValue {
                    name: member,
                    value: v.value.clone(),
                    description: v.description.clone().unwrap_or_default(),
                    deprecation: v.deprecation_message.clone(),
                });
            }
            return Ok(TypeDef::Enum(EnumType {
                token: token.to_string(),
                name,
                description,
                underlying,
                values: out,
            }));
        }
        if def.ty != "object" {
            return err(format!(
                "{at}: type \"{}\" without `enum` is not supported; use an object type or an enum",
                def.ty
            ));
        }
        for r in &def.required {
            if !def.properties.contains_key(r) {
                return err(format!(
                    "{at}.required: \"{r}\" is not a property; add it to properties or remove it from required"
                ));
            }
        }
        let properties = self.properties(&at, &def.properties, &def.required, Side::Neither)?;
        let node_required_outputs =
            node_property_list(&at, def, "requiredOutputs")?.unwrap_or_default();
        let node_required_inputs = node_property_list(&at, def, "requiredInputs")?;
        Ok(TypeDef::Object(ObjectType {
            token: token.to_string(),
            name,
            description,
            properties,
            is_input: false,
            is_output: false,
            node_required_outputs,
            node_required_inputs,
            in_function: false,
        }))
    }

    fn resource(
        &mut self,
        token: &str,
        r: &RawResource,
        is_provider: bool,
    ) -> Result<Resource, SchemaError> {
        let at = if is_provider {
            "provider".to_string()
        } else {
            format!("resources.{token}")
        };
        let name = if is_provider {
            "Provider".to_string()
        } else {
            self.short_name(token, &at)?
        };
        if let Some(key) = r.unknown.keys().next() {
            return err(format!(
                "{at}: key `{key}` is not supported by sdk-gen; remove it"
            ));
        }
        if r.is_component {
            return err(format!(
                "{at}: component resources are not supported by sdk-gen; remove isComponent"
            ));
        }
        if let Some(m) = r.methods.keys().next() {
            return err(format!("{at}.methods.{m}: resource methods are not supported by sdk-gen; remove the method"));
        }
        if !r.aliases.is_empty() {
            return err(format!(
                "{at}.aliases: resource aliases are not supported by sdk-gen; remove them"
            ));
        }
        for (list, what, props) in [
            (&r.required_inputs, "requiredInputs", &r.input_properties),
            (&r.required, "required", &r.properties),
        ] {
            for n in list {
                if !props.contains_key(n) {
                    return err(format!(
                        "{at}.{what}: \"{n}\" is not a property there; add the property or remove it from {what}"
                    ));
                }
            }
        }
        let inputs = self.properties(
            &format!("{at}.inputProperties"),
            &r.input_properties,
            &r.required_inputs,
            Side::Input,
        )?;
        let outputs = self.properties(
            &format!("{at}.properties"),
            &r.properties,
            &r.required,
            Side::Output,
        )?;
        let state = match &r.state_inputs {
            Some(s) => self.properties(
                &format!("{at}.stateInputs"),
                &s.properties,
                &[],
                Side::Neither,
            )?,
            None => Vec::new(),
        };
        Ok(Resource {
            token: token.to_string(),
            name,
            description: r.description.clone().unwrap_or_default(),
            deprecation: r.deprecation_message.clone(),
            inputs,
            outputs,
            state,
            is_provider,
        })
    }

    fn properties(
        &mut self,
        at: &str,
        props: &BTreeMap<String, RawProperty>,
        required: &[String],
        side: Side,
    ) -> Result<Vec<Property>, SchemaError> {
        let mut out = Vec::new();
        let mut py_names = BTreeMap::new();
        for (name, p) in props {
            let here = format!("{at}.{name}");
            if !names::is_identifier(name) {
                return err(format!("{here}: property name is not an identifier; rename it to camelCase letters and digits"));
            }
            let prop = self.property(&here, name, p, required.contains(name), side)?;
            if let Some(other) = py_names.insert(prop.python_name.clone(), name.clone()) {
                return err(format!(
                    "{here}: Python name \"{}\" clashes with property \"{other}\"; set language.python.name on one of them",
                    prop.python_name
                ));
            }
            out.push(prop);
        }
        Ok(out)
    }

    fn property(
        &mut self,
        at: &str,
        name: &str,
        p: &RawProperty,
        required: bool,
        side: Side,
    ) -> Result<Property, SchemaError> {
        if let Some(key) = p.unknown.keys().next() {
            return err(format!(
                "{at}: key `{key}` is not supported by sdk-gen; remove it"
            ));
        }
        if let Some(di) = &p.default_info {
            if let Some(key) = di.unknown.keys().next() {
                return err(format!("{at}.defaultInfo: key `{key}` is not supported by sdk-gen; use only `environment`"));
            }
        }
        let ty = self.type_ref(at, p, side)?;
        if let Some(d) = &p.default {
            let fits = match &ty {
                TypeRef::String => d.is_string(),
                TypeRef::Integer => d.is_i64() || d.is_u64(),
                TypeRef::Number => d.is_number(),
                TypeRef::Boolean => d.is_boolean(),
                TypeRef::Enum(_) => !d.is_object() && !d.is_array(),
                _ => false,
            };
            if !fits {
                return err(format!(
                    "{at}.default: {d} is not a valid default for this property; defaults must be a scalar of the property's type"
                ));
            }
        }
        if p.default_info
            .as_ref()
            .is_some_and(|d| !d.environment.is_empty())
            && !matches!(
                ty,
                TypeRef::String
                    | TypeRef::Integer
                    | TypeRef::Number
                    | TypeRef::Boolean
                    | TypeRef::Enum(_)
            )
        {
            return err(format!(
                "{at}.defaultInfo: environment defaults are only supported on scalar properties; remove defaultInfo"
            ));
        }
        let python_name = match p.language.get("python").and_then(|l| l.get("name")) {
            Some(Value::String(n)) if names::is_identifier(n) => n.clone(),
            Some(other) => {
                return err(format!("{at}.language.python.name: {other} is not a Python identifier; use snake_case letters"))
            }
            None => names::python_name(name),
        };
        let deprecation = match (&p.deprecation_message, p.deprecated) {
            (Some(m), _) => Some(m.clone()),
            (None, Some(true)) => Some(format!("{name} is deprecated.")),
            _ => None,
        };
        Ok(Property {
            name: name.to_string(),
            python_name,
            description: p.description.clone().unwrap_or_default(),
            ty,
            required,
            secret: p.secret,
            deprecation,
            default: p.default.clone(),
            default_env: p
                .default_info
                .as_ref()
                .map(|d| d.environment.clone())
                .unwrap_or_default(),
            replace_on_changes: p.replace_on_changes || p.will_replace_on_changes,
        })
    }

    fn type_ref(&mut self, at: &str, p: &RawProperty, side: Side) -> Result<TypeRef, SchemaError> {
        if let Some(r) = &p.reference {
            if p.ty.as_deref().is_some_and(|t| {
                t != "object" && t != "string" && t != "integer" && t != "number" && t != "boolean"
            }) {
                return err(format!(
                    "{at}: both `type` and `$ref` are set; keep only `$ref`"
                ));
            }
            return match r.as_str() {
                "pulumi.json#/Any" | "pulumi.json#/Json" => Ok(TypeRef::Any),
                _ => {
                    let Some(token) = r.strip_prefix("#/types/") else {
                        return err(format!(
                            "{at}: $ref \"{r}\" is not supported; sdk-gen resolves #/types/<token> and pulumi.json#/Any only"
                        ));
                    };
                    let Some(def) = self.raw.types.get(token) else {
                        return err(format!("{at}: $ref \"{r}\" points to no entry of `types`; add the type or fix the reference"));
                    };
                    let name = self.type_name(token, at)?;
                    if def.enum_values.is_some() {
                        Ok(TypeRef::Enum(name))
                    } else {
                        match side {
                            Side::Input => {
                                self.inputs.insert(name.clone());
                            }
                            Side::Output => {
                                self.outputs.insert(name.clone());
                            }
                            Side::Neither => {}
                        }
                        Ok(TypeRef::Object(name))
                    }
                }
            };
        }
        let Some(ty) = p.ty.as_deref() else {
            return err(format!(
                "{at}: neither `type` nor `$ref` is set; add a type"
            ));
        };
        let item = |ctx: &mut Self,
                    inner: &Option<Box<RawProperty>>,
                    key: &str|
         -> Result<TypeRef, SchemaError> {
            match inner {
                Some(i) => {
                    if let Some(k) = i.unknown.keys().next() {
                        return err(format!(
                            "{at}.{key}: key `{k}` is not supported by sdk-gen; remove it"
                        ));
                    }
                    ctx.type_ref(&format!("{at}.{key}"), i, side)
                }
                None => Ok(TypeRef::Any),
            }
        };
        match ty {
            "string" => Ok(TypeRef::String),
            "integer" => Ok(TypeRef::Integer),
            "number" => Ok(TypeRef::Number),
            "boolean" => Ok(TypeRef::Boolean),
            "array" => {
                if p.items.is_none() {
                    return err(format!("{at}: array without `items`; add items with the element type"));
                }
                Ok(TypeRef::Array(Box::new(item(self, &p.items, "items")?)))
            }
            "object" => {
                // A map: an object with additionalProperties and no named properties.
                Ok(TypeRef::Map(Box::new(match &p.additional_properties {
                    Some(_) => item(self, &p.additional_properties, "additionalProperties")?,
                    None => TypeRef::Any,
                })))
            }
            other => err(format!(
                "{at}: type \"{other}\" is not supported; use string, integer, number, boolean, array, object or a $ref"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load;

    fn error_of(schema: &str) -> String {
        load(schema, "1.0.0")
            .expect_err("schema should be rejected")
            .0
    }

    const RES: &str = r#""resources": {"p:index/thing:Thing": {"inputProperties": {"a": PROP}, "properties": {}}}"#;

    fn with_prop(prop: &str) -> String {
        format!("{{\"name\": \"p\", {}}}", RES.replace("PROP", prop))
    }

    #[test]
    fn a_property_with_one_of_is_rejected_naming_the_property() {
        let e = error_of(&with_prop(
            r#"{"oneOf": [{"type": "string"}, {"type": "integer"}]}"#,
        ));
        assert!(
            e.contains("resources.p:index/thing:Thing.inputProperties.a"),
            "{e}"
        );
        assert!(e.contains("`oneOf` is not supported"), "{e}");
    }

    #[test]
    fn a_reference_to_a_missing_type_is_rejected() {
        let e = error_of(&with_prop(r##"{"$ref": "#/types/p:index/Nope:Nope"}"##));
        assert!(e.contains("points to no entry of `types`"), "{e}");
    }

    #[test]
    fn a_reference_to_another_package_is_rejected() {
        let e = error_of(&with_prop(
            r#"{"$ref": "/aws/v6.0.0/schema.json#/types/aws:s3:Bucket"}"#,
        ));
        assert!(e.contains("is not supported"), "{e}");
    }

    #[test]
    fn resources_outside_the_index_module_are_rejected() {
        let e = error_of(r#"{"name": "p", "resources": {"p:other/thing:Thing": {}}}"#);
        assert!(e.contains("only generates the index module"), "{e}");
    }

    #[test]
    fn a_required_input_that_is_not_a_property_is_rejected() {
        let e = error_of(
            r#"{"name": "p", "resources": {"p:index/thing:Thing": {"requiredInputs": ["ghost"]}}}"#,
        );
        assert!(e.contains("\"ghost\" is not a property"), "{e}");
    }

    #[test]
    fn a_default_of_the_wrong_type_is_rejected() {
        let e = error_of(&with_prop(r#"{"type": "integer", "default": "three"}"#));
        assert!(e.contains("is not a valid default"), "{e}");
    }

    #[test]
    fn invalid_json_reports_the_parse_error() {
        let e = error_of("{\"name\": ");
        assert!(e.starts_with("schema.json does not parse"), "{e}");
    }

    #[test]
    fn language_python_name_overrides_the_snake_case_name() {
        let pkg = load(
            &with_prop(r#"{"type": "string", "language": {"python": {"name": "alpha"}}}"#),
            "1.0.0",
        )
        .unwrap();
        assert_eq!(pkg.resources[0].inputs[0].python_name, "alpha");
    }

    #[test]
    fn nodejs_required_outputs_must_name_properties_of_the_type() {
        let e = error_of(
            r#"{"name": "p", "types": {"p:index/T:T": {"type": "object", "properties": {"a": {"type": "string"}},
                "language": {"nodejs": {"requiredOutputs": ["b"]}}}}}"#,
        );
        assert!(
            e.contains("requiredOutputs: \"b\" is not a property"),
            "{e}"
        );
    }

    #[test]
    fn objects_reachable_only_from_outputs_are_not_input_types() {
        let pkg = load(
            r##"{"name": "p",
                "resources": {"p:index/thing:Thing": {"properties": {"o": {"$ref": "#/types/p:index/Out:Out"}}}},
                "types": {"p:index/Out:Out": {"type": "object", "properties": {"i": {"$ref": "#/types/p:index/Inner:Inner"}}},
                          "p:index/Inner:Inner": {"type": "object", "properties": {}}}}"##,
            "1.0.0",
        )
        .unwrap();
        for o in &pkg.objects {
            assert!(o.is_output && !o.is_input, "{}", o.name);
        }
    }
}
