//! Raw schema to validated model: package keys, type definitions and resources, with an error that
//! names the place and the fix for anything sdk-gen cannot render.

use super::{
    err, object_name, EnumType, EnumValue, ObjectType, Package, Resource, SchemaError, TypeRef,
};
use crate::names;
use crate::schema::{RawPackage, RawResource, RawTypeDef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
    if !raw.functions.is_empty() {
        let first = raw
            .functions
            .keys()
            .next()
            .map(String::as_str)
            .unwrap_or_default();
        return err(format!(
            "functions.{first}: functions (invokes) are not supported by sdk-gen yet; remove them from schema.json or add invoke templates"
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
    for o in &mut objects {
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
        objects,
        enums,
    })
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

enum TypeDef {
    Object(ObjectType),
    Enum(EnumType),
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Side {
    Input,
    Output,
    Neither,
}

pub(super) struct Ctx<'a> {
    pub(super) raw: &'a RawPackage,
    pub(super) inputs: BTreeSet<String>,
    pub(super) outputs: BTreeSet<String>,
}

impl Ctx<'_> {
    /// `auth0:index/ClientAddons:ClientAddons` -> `ClientAddons`, checking package and module.
    pub(super) fn short_name(&self, token: &str, at: &str) -> Result<String, SchemaError> {
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
        let name = self.short_name(token, &at)?;
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
        let mut node_required_outputs = Vec::new();
        if let Some(v) = def
            .language
            .get("nodejs")
            .and_then(|n| n.get("requiredOutputs"))
        {
            let Some(list) = v.as_array() else {
                return err(format!("{at}.language.nodejs.requiredOutputs: {v} is not a list; give a list of property names"));
            };
            for n in list {
                match n.as_str() {
                    Some(n) if def.properties.contains_key(n) => node_required_outputs.push(n.to_string()),
                    _ => {
                        return err(format!(
                            "{at}.language.nodejs.requiredOutputs: {n} is not a property of the type; remove it or add the property"
                        ))
                    }
                }
            }
        }
        Ok(TypeDef::Object(ObjectType {
            token: token.to_string(),
            name,
            description,
            properties,
            is_input: false,
            is_output: false,
            node_required_outputs,
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
        if let Some(key) = r.object.unknown.keys().next() {
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
            (&r.object.required, "required", &r.object.properties),
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
            &r.object.properties,
            &r.object.required,
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
            description: r.object.description.clone().unwrap_or_default(),
            deprecation: r.deprecation_message.clone(),
            inputs,
            outputs,
            state,
            is_provider,
        })
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
    fn functions_are_rejected_until_sdk_gen_supports_them() {
        let e = error_of(r#"{"name": "p", "functions": {"p:index/getThing:getThing": {}}}"#);
        assert!(e.contains("functions (invokes) are not supported"), "{e}");
    }

    #[test]
    fn resources_outside_the_index_module_are_rejected() {
        let e = error_of(r#"{"name": "p", "resources": {"p:other/thing:Thing": {}}}"#);
        assert!(e.contains("only generates the index module"), "{e}");
    }

    #[test]
    fn an_unknown_resource_key_is_rejected_naming_it() {
        let e = error_of(
            r#"{"name": "p", "resources": {"p:index/thing:Thing": {"inputProperties": {}, "colour": "red"}}}"#,
        );
        assert!(
            e.contains("resources.p:index/thing:Thing: key `colour` is not supported"),
            "{e}"
        );
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
