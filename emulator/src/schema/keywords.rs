//! The JSON Schema keywords the request schemas use, each checked with Auth0's message for it.

use serde_json::{Map, Value};

use super::document;

pub(super) fn resolve(schema: &Value) -> &Value {
    let mut current = schema;
    // Refs point at #/components/schemas/<Name>; follow chains of them.
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                current = &document()["components"]["schemas"][name];
            }
            None => break,
        }
    }
    current
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn matches_type(expected: &str, v: &Value) -> bool {
    match expected {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn on(path: &str) -> String {
    if path.is_empty() {
        ".".to_string()
    } else {
        format!(" on property {path}.")
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn check(schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    let schema = resolve(schema);

    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let mut first_error = None;
        for option in options {
            match check(option, v, path) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        return Err(first_error.unwrap_or_else(|| format!("'No matching schema'{}", on(path))));
    }

    match schema.get("type") {
        Some(Value::String(t)) if !matches_type(t, v) => {
            return Err(format!(
                "'Expected type {t} but found type {}'{}",
                type_name(v),
                on(path)
            ));
        }
        Some(Value::Array(ts)) if !ts.iter().any(|t| matches_type(t.as_str().unwrap_or(""), v)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            return Err(format!(
                "'Expected type {} but found type {}'{}",
                names.join(","),
                type_name(v),
                on(path)
            ));
        }
        _ => {}
    }

    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !v.is_null() && !allowed.contains(v) {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| {
                    a.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| a.to_string())
                })
                .collect();
            return Err(format!(
                "'No enum match for: {v}'{} Allowed values: {}",
                on(path),
                names.join(", ")
            ));
        }
    }

    match v {
        Value::String(s) => check_string(schema, s, path),
        Value::Number(n) => check_number(schema, n.as_f64().unwrap_or_default(), path),
        Value::Array(items) => check_array(schema, items, path),
        Value::Object(fields) => check_object(schema, fields, path),
        _ => Ok(()),
    }
}

fn check_string(schema: &Value, s: &str, path: &str) -> Result<(), String> {
    let len = s.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        if len < min {
            return Err(format!(
                "'String is too short ({len} chars), minimum {min}'{}",
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        if len > max {
            return Err(format!(
                "'String is too long ({len} chars), maximum {max}'{}",
                on(path)
            ));
        }
    }
    if schema.get("pattern").and_then(Value::as_str) == Some("^[^<>]+$")
        && (s.is_empty() || s.contains(['<', '>']))
    {
        return Err(format!(
            "'String does not match pattern: ^[^<>]+$'{}",
            on(path)
        ));
    }
    Ok(())
}

fn check_number(schema: &Value, n: f64, path: &str) -> Result<(), String> {
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if n < min {
            return Err(format!(
                "'Value {n} is less than minimum {min}'{}",
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        if n > max {
            return Err(format!(
                "'Value {n} is greater than maximum {max}'{}",
                on(path)
            ));
        }
    }
    Ok(())
}

fn check_array(schema: &Value, items: &[Value], path: &str) -> Result<(), String> {
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
        if (items.len() as u64) < min {
            return Err(format!(
                "'Array is too short ({}), minimum {min}'{}",
                items.len(),
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
        if (items.len() as u64) > max {
            return Err(format!(
                "'Array is too long ({}), maximum {max}'{}",
                items.len(),
                on(path)
            ));
        }
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &join(path, &i.to_string()))?;
        }
    }
    Ok(())
}

fn check_object(schema: &Value, fields: &Map<String, Value>, path: &str) -> Result<(), String> {
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(Value::Bool(false)) = schema.get("additionalProperties") {
        let unknown: Vec<&str> = fields
            .keys()
            .filter(|k| !properties.is_some_and(|p| p.contains_key(*k)))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(format!(
                "'Additional properties not allowed: {}'{}",
                unknown.join(","),
                on(path)
            ));
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !fields.contains_key(name) {
                return Err(format!("'Missing required property: {name}'{}", on(path)));
            }
        }
    }
    if let Some(min) = schema.get("minProperties").and_then(Value::as_u64) {
        if (fields.len() as u64) < min {
            return Err(format!(
                "'Too few properties defined ({}), minimum {min}'{}",
                fields.len(),
                on(path)
            ));
        }
    }
    if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64) {
        if (fields.len() as u64) > max {
            return Err(format!(
                "'Too many properties defined ({}), maximum {max}'{}",
                fields.len(),
                on(path)
            ));
        }
    }
    for (key, value) in fields {
        let sub = properties
            .and_then(|p| p.get(key))
            .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
        if let Some(sub) = sub {
            check(sub, value, &join(path, key))?;
        }
    }
    Ok(())
}
