//! Properties and type expressions: `$ref`s resolved, required lists applied, defaults checked.

use super::validate::{Ctx, Side};
use super::{err, Property, SchemaError, TypeRef};
use crate::names;
use crate::schema::RawProperty;
use serde_json::Value;
use std::collections::BTreeMap;

impl Ctx<'_> {
    pub(super) fn properties(
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

    pub(super) fn property(
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
                    let name = self.short_name(token, at)?;
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
