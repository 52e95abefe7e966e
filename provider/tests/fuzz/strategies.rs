//! Generators: any property value, values shaped by a schema type (mostly right, sometimes
//! wrong, secret, unknown or an output), and Auth0-like JSON.

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::Value as Json;

use pulumi_auth0_provider::check::AllowedValues;
use pulumi_auth0_provider::resources;
use pulumi_auth0_provider::schema::{self, Property, Type};
use pulumi_auth0_provider::value::{join_path, PropertyMap, Value};
use pulumi_auth0_provider::wire::values::{
    SIG_ARCHIVE, SIG_ASSET, SIG_KEY, SIG_OUTPUT, SIG_RESOURCE_REF, SIG_SECRET, UNKNOWN_ARRAY,
    UNKNOWN_ASSET, UNKNOWN_BOOL, UNKNOWN_NUMBER, UNKNOWN_STRING,
};

/// Every string a secret holds starts with this, so a test can look for it in error texts.
pub const SECRET_MARK: &str = "s3cr3t-";

/// Strings the wire gives a meaning to: signatures and unknown sentinels.
pub const RESERVED: &[&str] = &[
    SIG_KEY,
    SIG_SECRET,
    SIG_RESOURCE_REF,
    SIG_OUTPUT,
    SIG_ASSET,
    SIG_ARCHIVE,
    UNKNOWN_STRING,
    UNKNOWN_BOOL,
    UNKNOWN_NUMBER,
    UNKNOWN_ARRAY,
    UNKNOWN_ASSET,
];

/// Strings that mean something to Auth0 or to the resources: allowed values, URLs, scopes.
fn known_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "a",
        "read:data",
        "write:data",
        "https://api.example.com/",
        "https://tenant.auth0.com/api/v2/",
        "urn:pulumi:dev::p::auth0:index/client:Client::app",
        "client-id-1",
        "0",
        "-1",
        "true",
        "null",
        "{}",
        "[1,2]",
        "{\"a\":[{\"b\":1}]}",
        "é✓\u{0}",
        "a.b",
        "x[0]",
        "disable",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for resource in resources::all() {
        for (_, values) in resource.def().allowed_values {
            out.extend(values.iter().map(|v| v.to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Plain text: known strings, short arbitrary ones, and now and then a reserved one.
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        14 => plain_text(),
        1 => proptest::sample::select(RESERVED).prop_map(str::to_string),
    ]
    .boxed()
}

/// Text without the wire's reserved strings (for exact round trips). No filter, so a long run
/// never stops on proptest's limit of rejected inputs.
pub fn plain_text() -> BoxedStrategy<String> {
    prop_oneof![
        6 => proptest::sample::select(known_strings()),
        6 => "[a-z:/._ -]{0,12}",
        2 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
    ]
    .boxed()
}

pub fn secret_text() -> BoxedStrategy<String> {
    "[a-zA-Z0-9]{4,16}"
        .prop_map(|s| format!("{SECRET_MARK}{s}"))
        .boxed()
}

pub fn number() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => (-5i64..100_000).prop_map(|n| n as f64),
        2 => any::<i64>().prop_map(|n| n as f64),
        2 => any::<f64>(),
        1 => proptest::sample::select(vec![
            0.5, -0.0, 1e16, 9.0e15, f64::MAX, f64::MIN_POSITIVE,
            f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
        ]),
    ]
    .boxed()
}

fn urn() -> BoxedStrategy<String> {
    prop_oneof![
        Just("urn:pulumi:dev::p::auth0:index/client:Client::app".to_string()),
        "urn:pulumi:[a-z]{1,4}::[a-z]{1,4}::[a-zA-Z:/]{1,12}::[a-z]{1,6}",
        text(),
    ]
    .boxed()
}

/// Object keys: property-like names, user map keys and the odd reserved key.
pub fn key() -> BoxedStrategy<String> {
    prop_oneof![
        8 => plain_key(),
        1 => Just(SIG_KEY.to_string()),
    ]
    .boxed()
}

fn plain_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z][a-zA-Z0-9]{0,10}".boxed(),
        1 => plain_text(),
    ]
    .boxed()
}

/// Any value with `leaf` strings: every variant, nested up to `depth` levels.
fn value_with(
    strings: BoxedStrategy<String>,
    keys: BoxedStrategy<String>,
    depth: u32,
) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        strings.clone().prop_map(Value::String),
        secret_text().prop_map(|s| Value::Secret(Box::new(Value::String(s)))),
        Just(Value::Computed),
    ];
    leaf.prop_recursive(depth, 96, 6, move |inner| {
        prop_oneof![
            3 => vec(inner.clone(), 0..6).prop_map(Value::Array),
            3 => btree_map(keys.clone(), inner.clone(), 0..6).prop_map(Value::Object),
            1 => inner.clone().prop_map(|v| Value::Secret(Box::new(v))),
            1 => (option::of(inner.clone()), any::<bool>(), vec(urn(), 0..3)).prop_map(
                |(value, secret, dependencies)| Value::Output {
                    value: value.map(Box::new),
                    secret,
                    dependencies,
                }
            ),
            1 => (urn(), option::of(inner), "[0-9.]{0,6}").prop_map(|(urn, id, package_version)| {
                Value::ResourceRef { urn, id: id.map(Box::new), package_version }
            }),
        ]
    })
    .boxed()
}

/// Any value, reserved strings and keys included.
pub fn any_value() -> BoxedStrategy<Value> {
    value_with(text(), key(), 6)
}

/// Any value without the wire's reserved strings and keys.
pub fn plain_value() -> BoxedStrategy<Value> {
    value_with(plain_text(), plain_key(), 6)
}

/// A property map of any values.
pub fn any_map() -> BoxedStrategy<PropertyMap> {
    btree_map(key(), any_value(), 0..6).boxed()
}

/// `value` nested `levels` deep in arrays, objects and secrets.
pub fn nested(value: Value, levels: &[u8]) -> Value {
    levels.iter().fold(value, |inner, level| match level % 3 {
        0 => Value::Array(vec![inner]),
        1 => Value::Object([("k".to_string(), inner)].into()),
        _ => Value::Secret(Box::new(inner)),
    })
}

/// A value for a property of type `ty`: usually of that type, sometimes wrong, secret,
/// unknown, an output, a resource reference or null. Without `noise`, always of that type
/// and known (so Check mostly passes and what comes after it is reached).
pub fn typed(ty: &Type, secret: bool, depth: u32, noise: bool, at: &Shape) -> BoxedStrategy<Value> {
    let right = if depth > 6 {
        Just(Value::Null).boxed()
    } else {
        match ty {
            Type::String if secret => secret_text().prop_map(Value::String).boxed(),
            Type::String => match at.allowed() {
                Some(allowed) if noise => prop_oneof![
                    3 => proptest::sample::select(allowed).prop_map(str::to_string),
                    1 => text(),
                ]
                .prop_map(Value::String)
                .boxed(),
                Some(allowed) => proptest::sample::select(allowed)
                    .prop_map(|s| Value::String(s.to_string()))
                    .boxed(),
                None => text().prop_map(Value::String).boxed(),
            },
            Type::Integer => prop_oneof![
                8 => (-5i64..100_000).prop_map(|n| Value::Number(n as f64)),
                1 => number().prop_map(Value::Number),
            ]
            .boxed(),
            Type::Number => number().prop_map(Value::Number).boxed(),
            Type::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
            Type::Array(item) => vec(typed(item, secret, depth + 1, noise, at), 0..4)
                .prop_map(Value::Array)
                .boxed(),
            Type::Map(item) => btree_map(key(), typed(item, secret, depth + 1, noise, at), 0..4)
                .prop_map(Value::Object)
                .boxed(),
            Type::Object(token) => match schema::package().object_type(token) {
                Some(object) => {
                    fields_of(&object.properties, &object.required, depth + 1, noise, at)
                        .prop_map(Value::Object)
                        .boxed()
                }
                None => any_value(),
            },
            Type::Any => value_with(text(), key(), 3),
        }
    };
    if !noise {
        return right;
    }
    prop_oneof![
        12 => right.clone(),
        1 => value_with(text(), key(), 2),
        1 => Just(Value::Null),
        1 => Just(Value::Computed),
        1 => right.clone().prop_map(|v| Value::Secret(Box::new(v))),
        1 => (option::of(right.clone()), any::<bool>()).prop_map(|(value, secret)| Value::Output {
            value: value.map(Box::new),
            secret,
            dependencies: vec!["urn:pulumi:dev::p::t::d".into()],
        }),
        1 => (urn(), option::of(right)).prop_map(|(urn, id)| Value::ResourceRef {
            urn,
            id: id.map(Box::new),
            package_version: String::new(),
        }),
    ]
    .boxed()
}

/// A map shaped by property definitions: a random subset of them, plus now and then a property
/// the schema does not have.
pub fn fields(
    properties: &BTreeMap<String, Property>,
    required: &BTreeSet<String>,
    noise: bool,
    allowed: AllowedValues,
) -> BoxedStrategy<PropertyMap> {
    let at = Shape {
        path: String::new(),
        allowed,
    };
    fields_of(properties, required, 0, noise, &at)
}

/// Where a value is generated: its property path (dotted, no indices) and the resource's
/// allowed values, so enumerated strings are mostly allowed ones.
#[derive(Clone)]
pub struct Shape {
    path: String,
    allowed: AllowedValues,
}

impl Shape {
    fn child(&self, name: &str) -> Shape {
        Shape {
            path: join_path(&self.path, name),
            allowed: self.allowed,
        }
    }

    fn allowed(&self) -> Option<Vec<&'static str>> {
        self.allowed
            .iter()
            .find(|(path, _)| *path == self.path)
            .map(|(_, values)| values.to_vec())
    }
}

fn fields_of(
    properties: &BTreeMap<String, Property>,
    required: &BTreeSet<String>,
    depth: u32,
    noise: bool,
    at: &Shape,
) -> BoxedStrategy<PropertyMap> {
    let each: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
        .iter()
        .map(|(name, property)| {
            let name = name.clone();
            let value = typed(
                &property.ty,
                property.secret,
                depth,
                noise,
                &at.child(&name),
            );
            // Without noise, required properties are always there.
            if !noise && required.contains(&name) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                option::weighted(0.2, value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed()
            }
        })
        .collect();
    let extra = if noise {
        prop_oneof![
            8 => Just(BTreeMap::new()),
            1 => btree_map(key(), value_with(text(), key(), 2), 1..3),
        ]
        .boxed()
    } else {
        Just(BTreeMap::new()).boxed()
    };
    (each, extra)
        .prop_map(|(chosen, extra)| {
            let mut map: PropertyMap = extra;
            map.extend(chosen.into_iter().flatten());
            map
        })
        .boxed()
}

/// Any JSON, nested up to `depth`.
pub fn any_json(depth: u32) -> BoxedStrategy<Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        number().prop_map(|n| serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)),
        text().prop_map(Json::String),
    ];
    leaf.prop_recursive(depth, 64, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Json::Array),
            btree_map(key(), inner, 0..5).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}
