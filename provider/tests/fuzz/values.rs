//! `google.protobuf.Struct` ↔ `Value`: decode never panics, and encode then decode is the
//! identity on every value decode can produce (and on plain values without reserved strings).

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use prost::Message;
use prost_types::value::Kind;
use prost_types::{ListValue, Struct};

use pulumi_auth0_provider::value::{PropertyMap, Value};
use pulumi_auth0_provider::wire::values::{
    decode_struct, decode_value, encode_struct, encode_value, Encoding, SIG_KEY,
};

use crate::fuzz;
use crate::strategies::{any_value, nested, number, plain_value, text, RESERVED};

const OUTPUTS: Encoding = Encoding { outputs: true };
const NO_OUTPUTS: Encoding = Encoding { outputs: false };

/// Equality that takes NaN to equal NaN (the wire keeps a NaN a NaN).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => same_map(x, y),
        (Value::Secret(x), Value::Secret(y)) => same(x, y),
        (
            Value::Output {
                value: xv,
                secret: xs,
                dependencies: xd,
            },
            Value::Output {
                value: yv,
                secret: ys,
                dependencies: yd,
            },
        ) => {
            xs == ys
                && xd == yd
                && match (xv, yv) {
                    (Some(x), Some(y)) => same(x, y),
                    (None, None) => true,
                    _ => false,
                }
        }
        (
            Value::ResourceRef {
                urn: xu,
                id: xi,
                package_version: xp,
            },
            Value::ResourceRef {
                urn: yu,
                id: yi,
                package_version: yp,
            },
        ) => {
            xu == yu
                && xp == yp
                && match (xi, yi) {
                    (Some(x), Some(y)) => same(x, y),
                    (None, None) => true,
                    _ => false,
                }
        }
        _ => a == b,
    }
}

pub fn same_map(a: &PropertyMap, b: &PropertyMap) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
}

/// A protobuf value as the engine (or anything on the socket) might send: any shape, with
/// signature objects whose fields are right, wrong or missing.
fn wire_value() -> BoxedStrategy<prost_types::Value> {
    let kind_of = |k: Kind| prost_types::Value { kind: Some(k) };
    let leaf = prop_oneof![
        Just(prost_types::Value { kind: None }),
        Just(kind_of(Kind::NullValue(0))),
        any::<i32>().prop_map(move |n| kind_of(Kind::NullValue(n))),
        any::<bool>().prop_map(move |b| kind_of(Kind::BoolValue(b))),
        number().prop_map(move |n| kind_of(Kind::NumberValue(n))),
        text().prop_map(move |s| kind_of(Kind::StringValue(s))),
    ];
    let special_key = prop_oneof![
        3 => proptest::sample::select(vec![SIG_KEY, "value", "urn", "id", "packageVersion", "secret", "dependencies"])
            .prop_map(str::to_string),
        1 => "[a-z]{1,6}",
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        let signature = proptest::sample::select(RESERVED)
            .prop_map(move |sig| kind_of(Kind::StringValue(sig.to_string())));
        prop_oneof![
            2 => vec(inner.clone(), 0..5)
                .prop_map(move |values| kind_of(Kind::ListValue(ListValue { values }))),
            2 => btree_map("[a-zA-Z]{0,6}", inner.clone(), 0..5).prop_map(move |m| {
                kind_of(Kind::StructValue(Struct { fields: m.into_iter().collect() }))
            }),
            3 => (signature, btree_map(special_key.clone(), inner, 0..5)).prop_map(move |(sig, m)| {
                let mut fields: std::collections::BTreeMap<_, _> = m.into_iter().collect();
                fields.insert(SIG_KEY.to_string(), sig);
                kind_of(Kind::StructValue(Struct { fields }))
            }),
        ]
    })
    .boxed()
}

#[test]
fn decoding_any_protobuf_value_never_panics_and_what_it_decodes_round_trips() {
    fuzz!("wire decode", 400, wire_value(), |raw, tally| {
        let decoded = tally.time(|| decode_value(&raw, "prop"))?;
        if let Ok(value) = decoded {
            let again = decode_value(&encode_value(&value, OUTPUTS), "prop")
                .map_err(|e| TestCaseError::fail(format!("re-decoding failed: {e}")))?;
            prop_assert!(same(&again, &value), "{again:?} != {value:?}");
            // Without output values the same value comes back with its outputs made plain.
            let plain = decode_value(&encode_value(&value, NO_OUTPUTS), "prop").map_err(|e| {
                TestCaseError::fail(format!("decoding without outputs failed: {e}"))
            })?;
            prop_assert!(!has_output(&plain), "{plain:?}");
        }
        Ok(())
    });
}

fn has_output(value: &Value) -> bool {
    match value {
        Value::Output { .. } => true,
        Value::Secret(v) => has_output(v),
        Value::Array(items) => items.iter().any(has_output),
        Value::Object(map) => map.values().any(has_output),
        Value::ResourceRef { id: Some(id), .. } => has_output(id),
        _ => false,
    }
}

#[test]
fn encoding_then_decoding_a_plain_value_is_the_identity_modulo_unknown_outputs() {
    fuzz!(
        "wire round trip",
        10,
        btree_map("[a-zA-Z]{1,8}", plain_value(), 0..6),
        |map, tally| {
            let back = tally
                .time(|| decode_struct(Some(&encode_struct(&map, OUTPUTS)), "news"))?
                .map_err(|e| TestCaseError::fail(format!("decode failed: {e}")))?;
            let expected: PropertyMap =
                map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect();
            prop_assert!(same_map(&back, &expected), "{back:?} != {expected:?}");
            Ok(())
        }
    );
}

/// What the wire makes of a value that has more than one encoding: an output holding an
/// unknown is an unknown output, and a resource reference with an empty id has an unknown id.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        Value::Secret(v) => Value::Secret(Box::new(canonical(v))),
        Value::Output {
            value,
            secret,
            dependencies,
        } => Value::Output {
            value: value
                .as_deref()
                .map(canonical)
                .filter(|v| *v != Value::Computed)
                .map(Box::new),
            secret: *secret,
            dependencies: dependencies.clone(),
        },
        Value::ResourceRef {
            urn,
            id,
            package_version,
        } => Value::ResourceRef {
            urn: urn.clone(),
            id: id
                .as_deref()
                .map(|id| match canonical(id) {
                    Value::String(s) if s.is_empty() => Value::Computed,
                    other => other,
                })
                .map(Box::new),
            package_version: package_version.clone(),
        },
        other => other.clone(),
    }
}

#[test]
fn any_value_survives_the_protobuf_bytes_or_is_refused_with_an_error() {
    fuzz!("wire bytes", 10, any_value(), |value, tally| {
        tally.time(|| {
            let map: PropertyMap = [("p".to_string(), value.clone())].into();
            let bytes = encode_struct(&map, OUTPUTS).encode_to_vec();
            let parsed = Struct::decode(bytes.as_slice()).expect("prost reads what it wrote");
            // Reserved strings may be refused (an asset sentinel), never with a panic.
            let _ = decode_struct(Some(&parsed), "news");
        })?;
        Ok(())
    });
}

#[test]
fn deeply_nested_values_decode_and_round_trip() {
    let levels = vec(any::<u8>(), 0..200);
    fuzz!(
        "wire nesting",
        1,
        (plain_value(), levels),
        |(leaf, levels), tally| {
            let value = nested(leaf, &levels);
            let back = tally
                .time(|| decode_value(&encode_value(&value, OUTPUTS), "prop"))?
                .map_err(|e| TestCaseError::fail(format!("decode failed: {e}")))?;
            prop_assert!(same(&back, &canonical(&value)));
            Ok(())
        }
    );
}
