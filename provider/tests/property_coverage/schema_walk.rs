//! Walking schema.json types: property paths, exposed secrets and the diff's meaning of "same".

use super::*;

pub(super) fn input_type(token: &str, top: &str) -> Type {
    schema::package().resource(token).unwrap().inputs[top]
        .ty
        .clone()
}

/// Every dotted property path set in `value` (array items transparent); maps are leaves.
pub(super) fn leaves(path: &str, ty: &Type, value: &Value, out: &mut BTreeSet<String>) {
    let value = value.unwrap_all();
    match (ty, &value) {
        (Type::Object(token), Value::Object(fields)) => {
            let object = schema::package().object_type(token).unwrap();
            if fields.is_empty() {
                out.insert(path.to_string());
            }
            for (name, field) in fields {
                let field_ty = object
                    .properties
                    .get(name)
                    .map(|p| p.ty.clone())
                    .unwrap_or(Type::Any);
                leaves(&format!("{path}.{name}"), &field_ty, field, out);
            }
        }
        (Type::Array(item), Value::Array(items)) if matches!(**item, Type::Object(_)) => {
            for v in items {
                leaves(path, item, v, out);
            }
        }
        _ => {
            out.insert(path.to_string());
        }
    }
}

/// Every input property path of a resource in schema.json, recursively through object types.
pub(super) fn schema_paths(token: &str) -> BTreeSet<String> {
    fn walk(prefix: &str, ty: &Type, out: &mut BTreeSet<String>) {
        match ty {
            Type::Object(token) => {
                let object = schema::package().object_type(token).unwrap();
                if object.properties.is_empty() {
                    out.insert(prefix.to_string());
                }
                for (name, p) in &object.properties {
                    walk(&format!("{prefix}.{name}"), &p.ty, out);
                }
            }
            Type::Array(item) if matches!(**item, Type::Object(_)) => walk(prefix, item, out),
            _ => {
                out.insert(prefix.to_string());
            }
        }
    }
    let mut out = BTreeSet::new();
    for (name, p) in &schema::package().resource(token).unwrap().inputs {
        walk(name, &p.ty, &mut out);
    }
    out
}

/// Paths of `value` that the schema marks secret but that are not inside a secret.
pub(super) fn exposed_secrets(
    path: &str,
    ty: &Type,
    value: &Value,
    secret: bool,
    protected: bool,
    out: &mut BTreeSet<String>,
) {
    let protected = protected || value.is_secret();
    if secret && !protected && !is_empty(Some(value)) {
        out.insert(path.to_string());
        return;
    }
    let inner = match value {
        Value::Secret(inner) => inner.as_ref(),
        Value::Output {
            value: Some(inner), ..
        } => inner.as_ref(),
        other => other,
    };
    match (ty, inner) {
        (Type::Object(token), Value::Object(fields)) => {
            let object = schema::package().object_type(token).unwrap();
            for (name, field) in fields {
                if let Some(p) = object.properties.get(name) {
                    exposed_secrets(
                        &format!("{path}.{name}"),
                        &p.ty,
                        field,
                        p.secret,
                        protected,
                        out,
                    );
                }
            }
        }
        (Type::Array(item), Value::Array(items)) | (Type::Map(item), Value::Array(items)) => {
            for v in items {
                exposed_secrets(path, item, v, false, protected, out);
            }
        }
        (Type::Map(item), Value::Object(entries)) => {
            for v in entries.values() {
                exposed_secrets(path, item, v, false, protected, out);
            }
        }
        _ => {}
    }
}

pub(super) fn is_empty(value: Option<&Value>) -> bool {
    match value.map(Value::unwrap_all) {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(map)) => map.is_empty(),
        _ => false,
    }
}

/// Paths where `got` does not hold what `want` says, with the diff's meaning of "same":
/// objects compare only the fields set, maps compare whole, `set` lists ignore order.
pub(super) fn mismatches(
    path: &str,
    ty: &Type,
    want: &Value,
    got: Option<&Value>,
    set: bool,
) -> Vec<String> {
    let want = want.unwrap_all();
    let got = got.map(Value::unwrap_all);
    let mut out = Vec::new();
    if is_empty(Some(&want)) {
        // An object type without fields (an add-on such as `box`) is switched on by being there.
        if let Type::Object(token) = ty {
            let fieldless = schema::package()
                .object_type(token)
                .is_some_and(|o| o.properties.is_empty());
            if fieldless && !matches!(got, Some(Value::Object(_))) {
                out.push(path.to_string());
            }
        }
        return out;
    }
    let all = |out: &mut Vec<String>| {
        let mut set = BTreeSet::new();
        leaves(path, ty, &want, &mut set);
        out.extend(set);
    };
    let Some(got) = got.filter(|g| !is_empty(Some(g))) else {
        all(&mut out);
        return out;
    };
    match (ty, &want, &got) {
        (Type::Object(token), Value::Object(fields), Value::Object(got_fields)) => {
            let object = schema::package().object_type(token).unwrap();
            for (name, field) in fields {
                let field_ty = object
                    .properties
                    .get(name)
                    .map(|p| p.ty.clone())
                    .unwrap_or(Type::Any);
                out.extend(mismatches(
                    &format!("{path}.{name}"),
                    &field_ty,
                    field,
                    got_fields.get(name),
                    false,
                ));
            }
        }
        (Type::Array(item), Value::Array(items), Value::Array(got_items))
            if matches!(**item, Type::Object(_)) =>
        {
            if items.len() != got_items.len() {
                all(&mut out);
            } else {
                for (w, g) in items.iter().zip(got_items) {
                    out.extend(mismatches(path, item, w, Some(g), false));
                }
            }
        }
        (Type::Array(_), Value::Array(items), Value::Array(got_items)) if set => {
            let key = |v: &Vec<Value>| {
                let mut k: Vec<String> = v.iter().map(|i| format!("{i:?}")).collect();
                k.sort();
                k.dedup();
                k
            };
            if key(items) != key(got_items) {
                out.push(path.to_string());
            }
        }
        _ => {
            if want != got {
                out.push(path.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
