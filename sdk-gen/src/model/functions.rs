//! Functions (invokes) in the validated model, and the names object types take in the SDKs.

use super::validate::{Ctx, Side};
use super::{err, object_name, Property, Resource, SchemaError};
use crate::names;
use crate::schema::{RawFunction, RawObject};
use std::collections::{BTreeMap, BTreeSet};

/// A provider function: `auth0:index/getClient:getClient`.
#[derive(Debug, Clone)]
pub struct Function {
    pub token: String,
    /// The token's last part: `getClient`.
    pub name: String,
    pub description: String,
    pub deprecation: Option<String>,
    pub inputs: Vec<Property>,
    /// The result's properties.
    pub outputs: Vec<Property>,
    /// Go's name: `LookupClient` when the function reads one resource of this package
    /// (`getClient` and the resource `Client`), else `GetClients`. A `GetClient` would clash
    /// with the resource's own `GetClient(ctx, name, id, state)`.
    pub go_name: String,
}

impl Function {
    /// Python module and function name: `get_client`.
    pub fn python_name(&self) -> String {
        names::snake_case(&self.name)
    }
    /// `GetClient`: the stem of the Args and Result names in Python and TypeScript.
    pub fn class_name(&self) -> String {
        names::pascal_case(&self.name)
    }
}

impl Ctx<'_> {
    /// The SDK name of an object or enum type: the token's name with a capital first letter
    /// (`getClientMobile` -> `GetClientMobile`). Languages whose names would clash rename further
    /// (see `Package::renaming_objects`).
    pub(in crate::model) fn type_name(&self, token: &str, at: &str) -> Result<String, SchemaError> {
        Ok(names::pascal_case(&self.short_name(token, at)?))
    }

    fn function(
        &mut self,
        token: &str,
        f: &RawFunction,
        resources: &[Resource],
    ) -> Result<Function, SchemaError> {
        let at = format!("functions.{token}");
        let name = self.short_name(token, &at)?;
        if let Some(key) = f.unknown.keys().next() {
            return err(format!(
                "{at}: key `{key}` is not supported by sdk-gen; remove it"
            ));
        }
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return err(format!(
                "{at}: function name \"{name}\" must start with a lower-case letter (getThing); rename the token"
            ));
        }
        let inputs = match &f.inputs {
            Some(o) => self.signature(&format!("{at}.inputs"), o, Side::Input)?,
            None => Vec::new(),
        };
        if let Some(p) = inputs.iter().find(|p| object_name(&p.ty).is_some()) {
            return err(format!(
                "{at}.inputs.{}: object-typed function inputs are not supported by sdk-gen yet; use scalars, or lists and maps of scalars",
                p.name
            ));
        }
        let Some(outputs) = &f.outputs else {
            return err(format!(
                "{at}: a function without `outputs` is not supported; give it an object of outputs"
            ));
        };
        let outputs = self.signature(&format!("{at}.outputs"), outputs, Side::Output)?;
        let pascal = names::pascal_case(&name);
        let go_name = match pascal.strip_prefix("Get") {
            Some(rest) if resources.iter().any(|r| r.name == rest) => format!("Lookup{rest}"),
            _ => pascal,
        };
        Ok(Function {
            token: token.to_string(),
            name,
            description: f.description.clone().unwrap_or_default(),
            deprecation: f.deprecation_message.clone(),
            inputs,
            outputs,
            go_name,
        })
    }

    fn signature(
        &mut self,
        at: &str,
        o: &RawObject,
        side: Side,
    ) -> Result<Vec<Property>, SchemaError> {
        if let Some(key) = o.unknown.keys().next() {
            return err(format!(
                "{at}: key `{key}` is not supported by sdk-gen; remove it"
            ));
        }
        if o.ty.as_deref().is_some_and(|t| t != "object") {
            return err(format!(
                "{at}: type \"{}\" is not supported; a function's inputs and outputs are objects with properties",
                o.ty.as_deref().unwrap_or_default()
            ));
        }
        for r in &o.required {
            if !o.properties.contains_key(r) {
                return err(format!(
                    "{at}.required: \"{r}\" is not a property; add it to properties or remove it from required"
                ));
            }
        }
        self.properties(
            &format!("{at}.properties"),
            &o.properties,
            &o.required,
            side,
        )
    }
}

/// Validate every function; `resources` decide the Go names.
pub(super) fn validate(
    ctx: &mut Ctx,
    raw: &BTreeMap<String, RawFunction>,
    resources: &[Resource],
) -> Result<Vec<Function>, SchemaError> {
    let mut out = Vec::new();
    for (token, f) in raw {
        out.push(ctx.function(token, f, resources)?);
    }
    let mut go_names = BTreeMap::new();
    for f in &out {
        if let Some(other) = go_names.insert(f.go_name.clone(), f.token.clone()) {
            return err(format!(
                "functions.{}: its Go name {} is also the Go name of {other}; rename one of the tokens",
                f.token, f.go_name
            ));
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Names of the object types a function's inputs or outputs refer to directly.
pub(super) fn roots(functions: &[Function]) -> BTreeSet<String> {
    functions
        .iter()
        .flat_map(|f| f.inputs.iter().chain(&f.outputs))
        .filter_map(|p| object_name(&p.ty).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::load;

    const CLIENT: &str = r#""p:index/client:Client": {"inputProperties": {}, "properties": {}}"#;

    fn schema(functions: &str, types: &str) -> String {
        format!(
            "{{\"name\": \"p\", \"resources\": {{{CLIENT}}}, \"functions\": {{{functions}}}, \"types\": {{{types}}}}}"
        )
    }

    fn error_of(schema: &str) -> String {
        load(schema, "1.0.0")
            .expect_err("schema should be rejected")
            .0
    }

    #[test]
    fn a_function_reading_one_resource_is_named_lookup_in_go_and_others_get() {
        let pkg = load(
            &schema(
                r#""p:index/getClient:getClient": {"inputs": {"properties": {"clientId": {"type": "string"}}},
                       "outputs": {"properties": {"id": {"type": "string"}}, "required": ["id"]}},
                   "p:index/getClients:getClients": {"outputs": {"properties": {"id": {"type": "string"}}}}"#,
                "",
            ),
            "1.0.0",
        )
        .unwrap();
        let names: Vec<(&str, String, String)> = pkg
            .functions
            .iter()
            .map(|f| (f.go_name.as_str(), f.python_name(), f.class_name()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "LookupClient",
                    "get_client".to_string(),
                    "GetClient".to_string()
                ),
                (
                    "GetClients",
                    "get_clients".to_string(),
                    "GetClients".to_string()
                ),
            ]
        );
        assert!(pkg.functions[0].outputs[0].required);
        assert!(!pkg.functions[0].inputs[0].required);
    }

    #[test]
    fn types_reached_from_functions_are_function_types_with_a_capitalised_name() {
        let pkg = load(
            &schema(
                r##""p:index/getClient:getClient": {"outputs": {"properties": {
                       "mobiles": {"type": "array", "items": {"$ref": "#/types/p:index/getClientMobile:getClientMobile"}}}}}"##,
                r##""p:index/getClientMobile:getClientMobile": {"type": "object", "properties": {
                       "ios": {"$ref": "#/types/p:index/getClientMobileIo:getClientMobileIo"}}},
                   "p:index/getClientMobileIo:getClientMobileIo": {"type": "object", "properties": {}}"##,
            ),
            "1.0.0",
        )
        .unwrap();
        for o in &pkg.objects {
            assert!(o.in_function && o.is_output && !o.is_input, "{}", o.name);
        }
        let names: Vec<&str> = pkg.objects.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["GetClientMobile", "GetClientMobileIo"]);
    }

    #[test]
    fn object_typed_function_inputs_are_rejected_naming_the_input() {
        let e = error_of(&schema(
            r##""p:index/getX:getX": {"inputs": {"properties": {"o": {"$ref": "#/types/p:index/O:O"}}},
                   "outputs": {"properties": {}}}"##,
            r#""p:index/O:O": {"type": "object", "properties": {}}"#,
        ));
        assert!(e.contains("functions.p:index/getX:getX.inputs.o"), "{e}");
        assert!(
            e.contains("object-typed function inputs are not supported"),
            "{e}"
        );
    }

    #[test]
    fn unknown_function_keys_are_rejected() {
        let e = error_of(&schema(
            r#""p:index/getX:getX": {"multiArgumentInputs": ["a"], "outputs": {"properties": {}}}"#,
            "",
        ));
        assert!(
            e.contains("key `multiArgumentInputs` is not supported"),
            "{e}"
        );
    }

    #[test]
    fn a_function_without_outputs_is_rejected() {
        let e = error_of(&schema(r#""p:index/getX:getX": {}"#, ""));
        assert!(e.contains("without `outputs`"), "{e}");
    }
}
