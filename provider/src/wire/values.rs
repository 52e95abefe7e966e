//! `google.protobuf.Struct` <-> [`Value`]/[`PropertyMap`], including Pulumi's special
//! objects (secrets, resource references, output values) and unknown sentinel strings.

use prost_types::value::Kind;
use prost_types::{ListValue, Struct};

use crate::error::Error;
use crate::value::{join_path, PropertyMap, Value};

/// The key that marks an object as one of Pulumi's special values.
pub const SIG_KEY: &str = "4dabf18193072939515e22adb298388d";
pub const SIG_SECRET: &str = "1b47061264138c4ac30d75fd1eb44270";
pub const SIG_RESOURCE_REF: &str = "5cf8f73096256a8f31e491e813e4eb8e";
pub const SIG_OUTPUT: &str = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
pub const SIG_ASSET: &str = "c44067f5952c0a294b673a41bacd8c17";
pub const SIG_ARCHIVE: &str = "0def7320c3a5731c473e5ecbe6d01bc7";

pub const UNKNOWN_STRING: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
pub const UNKNOWN_BOOL: &str = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
pub const UNKNOWN_NUMBER: &str = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
pub const UNKNOWN_ARRAY: &str = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
pub const UNKNOWN_OBJECT: &str = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";
pub const UNKNOWN_ASSET: &str = "030794c1-ac77-496b-92df-f27374a8bd58";
pub const UNKNOWN_ARCHIVE: &str = "e48ece36-62e2-4504-bad9-02848725956a";

/// How to encode values for the engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Encoding {
    /// Emit output values as output objects. When false they become their plain value,
    /// wrapped as a secret if they are secret, or an unknown if they have no value.
    pub outputs: bool,
}

/// Decodes a request's Struct (absent means empty). `what` names it in errors, e.g. `news`.
pub fn decode_struct(s: Option<&Struct>, what: &str) -> Result<PropertyMap, Error> {
    match s {
        None => Ok(PropertyMap::new()),
        Some(s) => decode_fields(s, what),
    }
}

fn decode_fields(s: &Struct, path: &str) -> Result<PropertyMap, Error> {
    s.fields
        .iter()
        .map(|(key, v)| Ok((key.clone(), decode_value(v, &join_path(path, key))?)))
        .collect()
}

/// Decodes one protobuf value; `path` locates it in error messages.
pub fn decode_value(v: &prost_types::Value, path: &str) -> Result<Value, Error> {
    Ok(match &v.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::BoolValue(b)) => Value::Bool(*b),
        Some(Kind::NumberValue(n)) => Value::Number(*n),
        Some(Kind::StringValue(s)) => decode_string(s, path)?,
        Some(Kind::ListValue(list)) => Value::Array(
            list.values
                .iter()
                .enumerate()
                .map(|(i, item)| decode_value(item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Some(Kind::StructValue(s)) => match s.fields.get(SIG_KEY) {
            None => Value::Object(decode_fields(s, path)?),
            Some(sig) => decode_special(sig, s, path)?,
        },
    })
}

fn decode_string(s: &str, path: &str) -> Result<Value, Error> {
    Ok(match s {
        UNKNOWN_STRING | UNKNOWN_BOOL | UNKNOWN_NUMBER | UNKNOWN_ARRAY | UNKNOWN_OBJECT => {
            Value::Computed
        }
        UNKNOWN_ASSET | UNKNOWN_ARCHIVE => return Err(no_assets(path)),
        _ => Value::String(s.to_string()),
    })
}

fn no_assets(path: &str) -> Error {
    Error::InvalidArgument(format!(
        "{path}: assets and archives are not supported by the auth0 provider; pass a string, number, bool, list or object instead"
    ))
}

fn decode_special(sig: &prost_types::Value, s: &Struct, path: &str) -> Result<Value, Error> {
    let sig = match &sig.kind {
        Some(Kind::StringValue(sig)) => sig.as_str(),
        _ => {
            return Err(Error::InvalidArgument(format!(
                "{path}: the special-value key {SIG_KEY} must hold a string signature; the engine sent something else"
            )))
        }
    };
    let field = |name: &str| s.fields.get(name);
    match sig {
        SIG_SECRET => {
            let inner = match field("value") {
                Some(v) => decode_value(v, path)?,
                None => Value::Null,
            };
            Ok(Value::Secret(Box::new(inner)))
        }
        SIG_RESOURCE_REF => {
            let urn = match field("urn").and_then(|v| v.kind.as_ref()) {
                Some(Kind::StringValue(urn)) => urn.clone(),
                _ => {
                    return Err(Error::InvalidArgument(format!(
                        "{path}: a resource reference needs a string `urn`; the engine sent none"
                    )))
                }
            };
            // An empty id is how the engine says the referenced resource's id is unknown.
            let id = match field("id") {
                None => None,
                Some(prost_types::Value { kind: Some(Kind::StringValue(id)) }) if id.is_empty() => {
                    Some(Box::new(Value::Computed))
                }
                Some(v) => Some(Box::new(decode_value(v, &join_path(path, "id"))?)),
            };
            let package_version = match field("packageVersion").and_then(|v| v.kind.as_ref()) {
                Some(Kind::StringValue(version)) => version.clone(),
                _ => String::new(),
            };
            Ok(Value::ResourceRef { urn, id, package_version })
        }
        SIG_OUTPUT => {
            let value = match field("value") {
                None => None,
                Some(v) => match decode_value(v, path)? {
                    // An output whose value is an unknown sentinel is an unknown output.
                    Value::Computed => None,
                    known => Some(Box::new(known)),
                },
            };
            let secret = matches!(field("secret").and_then(|v| v.kind.as_ref()), Some(Kind::BoolValue(true)));
            let dependencies = match field("dependencies").and_then(|v| v.kind.as_ref()) {
                None | Some(Kind::NullValue(_)) => Vec::new(),
                Some(Kind::ListValue(list)) => list
                    .values
                    .iter()
                    .map(|d| match &d.kind {
                        Some(Kind::StringValue(urn)) => Ok(urn.clone()),
                        _ => Err(Error::InvalidArgument(format!(
                            "{path}: output dependencies must be URN strings; the engine sent something else"
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(Error::InvalidArgument(format!(
                        "{path}: output dependencies must be a list of URNs; the engine sent something else"
                    )))
                }
            };
            Ok(Value::Output { value, secret, dependencies })
        }
        SIG_ASSET | SIG_ARCHIVE => Err(no_assets(path)),
        other => Err(Error::InvalidArgument(format!(
            "{path}: unknown special-value signature \"{other}\"; this provider understands secrets, resource references and output values"
        ))),
    }
}

/// Encodes a property map as a Struct.
pub fn encode_struct(map: &PropertyMap, enc: Encoding) -> Struct {
    Struct {
        fields: map
            .iter()
            .map(|(k, v)| (k.clone(), encode_value(v, enc)))
            .collect(),
    }
}

fn kind(kind: Kind) -> prost_types::Value {
    prost_types::Value { kind: Some(kind) }
}

fn string(s: &str) -> prost_types::Value {
    kind(Kind::StringValue(s.to_string()))
}

fn special(
    sig: &str,
    fields: impl IntoIterator<Item = (&'static str, prost_types::Value)>,
) -> prost_types::Value {
    let mut s = Struct::default();
    s.fields.insert(SIG_KEY.to_string(), string(sig));
    for (k, v) in fields {
        s.fields.insert(k.to_string(), v);
    }
    kind(Kind::StructValue(s))
}

/// Encodes one value. `Computed` becomes the string-unknown sentinel, which the engine
/// accepts for a value of any type.
pub fn encode_value(v: &Value, enc: Encoding) -> prost_types::Value {
    match v {
        Value::Null => kind(Kind::NullValue(0)),
        Value::Bool(b) => kind(Kind::BoolValue(*b)),
        Value::Number(n) => kind(Kind::NumberValue(*n)),
        Value::String(s) => string(s),
        Value::Computed => string(UNKNOWN_STRING),
        Value::Array(items) => kind(Kind::ListValue(ListValue {
            values: items.iter().map(|item| encode_value(item, enc)).collect(),
        })),
        Value::Object(map) => kind(Kind::StructValue(encode_struct(map, enc))),
        Value::Secret(inner) => special(SIG_SECRET, [("value", encode_value(inner, enc))]),
        Value::ResourceRef {
            urn,
            id,
            package_version,
        } => {
            let mut fields = vec![("urn", string(urn))];
            if let Some(id) = id {
                let id = match id.as_ref() {
                    Value::Computed => string(""),
                    known => encode_value(known, enc),
                };
                fields.push(("id", id));
            }
            if !package_version.is_empty() {
                fields.push(("packageVersion", string(package_version)));
            }
            special(SIG_RESOURCE_REF, fields)
        }
        Value::Output {
            value,
            secret,
            dependencies,
        } if enc.outputs => {
            let mut fields = Vec::new();
            if let Some(value) = value {
                fields.push(("value", encode_value(value, enc)));
            }
            if *secret {
                fields.push(("secret", kind(Kind::BoolValue(true))));
            }
            if !dependencies.is_empty() {
                let urns = dependencies.iter().map(|d| string(d)).collect();
                fields.push((
                    "dependencies",
                    kind(Kind::ListValue(ListValue { values: urns })),
                ));
            }
            special(SIG_OUTPUT, fields)
        }
        Value::Output { value, secret, .. } => {
            let plain = match value {
                Some(value) => encode_value(value, enc),
                None => string(UNKNOWN_STRING),
            };
            if *secret {
                special(SIG_SECRET, [("value", plain)])
            } else {
                plain
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_OUTPUTS: Encoding = Encoding { outputs: true };

    fn obj(pairs: &[(&str, Value)]) -> PropertyMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn round_trip(map: &PropertyMap) -> PropertyMap {
        decode_struct(Some(&encode_struct(map, WITH_OUTPUTS)), "test").expect("decodes")
    }

    fn decode_one(v: prost_types::Value) -> Result<Value, Error> {
        decode_value(&v, "prop")
    }

    fn struct_value(pairs: &[(&str, prost_types::Value)]) -> prost_types::Value {
        kind(Kind::StructValue(Struct {
            fields: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }))
    }

    #[test]
    fn plain_values_round_trip() {
        let map = obj(&[
            ("null", Value::Null),
            ("yes", Value::Bool(true)),
            ("count", Value::Number(36000.0)),
            ("ratio", Value::Number(0.25)),
            ("name", Value::from("my-app")),
            ("empty", Value::from("")),
            (
                "list",
                Value::Array(vec![Value::from("a"), Value::Number(1.0), Value::Null]),
            ),
            (
                "nested",
                Value::Object(obj(&[(
                    "deep",
                    Value::Object(obj(&[("x", Value::Bool(false))])),
                )])),
            ),
        ]);
        assert_eq!(round_trip(&map), map);
    }

    #[test]
    fn secrets_round_trip_at_any_depth() {
        let map = obj(&[
            ("clientSecret", Value::from("s3cret").into_secret()),
            (
                "list",
                Value::Array(vec![Value::Secret(Box::new(Value::Number(2.0)))]),
            ),
            (
                "obj",
                Value::Secret(Box::new(Value::Object(obj(&[(
                    "inner",
                    Value::Secret(Box::new(Value::Bool(true))),
                )])))),
            ),
        ]);
        assert_eq!(round_trip(&map), map);
    }

    #[test]
    fn a_secret_is_encoded_as_the_signature_object_with_its_value() {
        let encoded = encode_value(&Value::from("s3cret").into_secret(), Encoding::default());
        let Some(Kind::StructValue(s)) = encoded.kind else {
            panic!("not an object: {encoded:?}")
        };
        assert_eq!(s.fields[SIG_KEY], string(SIG_SECRET));
        assert_eq!(s.fields["value"], string("s3cret"));
        assert_eq!(s.fields.len(), 2);
    }

    #[test]
    fn computed_values_round_trip_inside_lists_objects_and_secrets() {
        let map = obj(&[
            ("top", Value::Computed),
            (
                "list",
                Value::Array(vec![Value::from("a"), Value::Computed]),
            ),
            ("obj", Value::Object(obj(&[("x", Value::Computed)]))),
            ("secret", Value::Secret(Box::new(Value::Computed))),
        ]);
        assert_eq!(round_trip(&map), map);
    }

    #[test]
    fn computed_is_encoded_as_the_string_unknown_sentinel() {
        assert_eq!(
            encode_value(&Value::Computed, Encoding::default()),
            string(UNKNOWN_STRING)
        );
    }

    #[test]
    fn every_typed_unknown_sentinel_decodes_as_computed() {
        for sentinel in [
            UNKNOWN_STRING,
            UNKNOWN_BOOL,
            UNKNOWN_NUMBER,
            UNKNOWN_ARRAY,
            UNKNOWN_OBJECT,
        ] {
            assert_eq!(
                decode_one(string(sentinel)).unwrap(),
                Value::Computed,
                "{sentinel}"
            );
        }
    }

    #[test]
    fn resource_references_round_trip_with_and_without_id() {
        let map = obj(&[
            (
                "full",
                Value::ResourceRef {
                    urn: "urn:pulumi:dev::p::auth0:index/client:Client::app".into(),
                    id: Some(Box::new(Value::from("abc123"))),
                    package_version: "0.1.0".into(),
                },
            ),
            (
                "unknownId",
                Value::ResourceRef {
                    urn: "urn:pulumi:dev::p::auth0:index/client:Client::app".into(),
                    id: Some(Box::new(Value::Computed)),
                    package_version: String::new(),
                },
            ),
            (
                "component",
                Value::ResourceRef {
                    urn: "urn:pulumi:dev::p::my:C::c".into(),
                    id: None,
                    package_version: String::new(),
                },
            ),
        ]);
        assert_eq!(round_trip(&map), map);
    }

    #[test]
    fn output_values_round_trip_known_unknown_secret_and_with_dependencies() {
        let map = obj(&[
            (
                "known",
                Value::Output {
                    value: Some(Box::new(Value::from("x"))),
                    secret: false,
                    dependencies: vec![],
                },
            ),
            (
                "unknown",
                Value::Output {
                    value: None,
                    secret: false,
                    dependencies: vec![],
                },
            ),
            (
                "secretWithDeps",
                Value::Output {
                    value: Some(Box::new(Value::Array(vec![Value::Number(1.0)]))),
                    secret: true,
                    dependencies: vec!["urn:a".into(), "urn:b".into()],
                },
            ),
        ]);
        assert_eq!(round_trip(&map), map);
    }

    #[test]
    fn without_negotiated_outputs_an_output_is_encoded_as_its_plain_value_secret_or_unknown() {
        let enc = Encoding { outputs: false };
        let known = Value::Output {
            value: Some(Box::new(Value::from("x"))),
            secret: false,
            dependencies: vec!["u".into()],
        };
        assert_eq!(encode_value(&known, enc), string("x"));

        let secret = Value::Output {
            value: Some(Box::new(Value::from("x"))),
            secret: true,
            dependencies: vec![],
        };
        assert_eq!(
            decode_one(encode_value(&secret, enc)).unwrap(),
            Value::Secret(Box::new(Value::from("x")))
        );

        let unknown = Value::Output {
            value: None,
            secret: false,
            dependencies: vec![],
        };
        assert_eq!(encode_value(&unknown, enc), string(UNKNOWN_STRING));
    }

    #[test]
    fn an_output_whose_value_is_an_unknown_sentinel_is_an_unknown_output() {
        let v = struct_value(&[
            (SIG_KEY, string(SIG_OUTPUT)),
            ("value", string(UNKNOWN_NUMBER)),
        ]);
        assert_eq!(
            decode_one(v).unwrap(),
            Value::Output {
                value: None,
                secret: false,
                dependencies: vec![]
            }
        );
    }

    #[test]
    fn assets_archives_and_their_unknowns_are_rejected_naming_the_property() {
        for v in [
            struct_value(&[(SIG_KEY, string(SIG_ASSET)), ("text", string("hi"))]),
            struct_value(&[(SIG_KEY, string(SIG_ARCHIVE))]),
            string(UNKNOWN_ASSET),
            string(UNKNOWN_ARCHIVE),
        ] {
            let Err(Error::InvalidArgument(msg)) = decode_one(v) else {
                panic!("accepted an asset")
            };
            assert!(
                msg.starts_with("prop:") && msg.contains("assets and archives are not supported"),
                "{msg}"
            );
        }
    }

    #[test]
    fn an_unknown_signature_is_rejected_with_the_property_path() {
        let bad = struct_value(&[(SIG_KEY, string("nope"))]);
        let s = Struct {
            fields: [(
                "outer".to_string(),
                kind(Kind::ListValue(ListValue { values: vec![bad] })),
            )]
            .into(),
        };
        let Err(Error::InvalidArgument(msg)) = decode_struct(Some(&s), "news") else {
            panic!("accepted")
        };
        assert!(
            msg.starts_with("news.outer[0]:") && msg.contains("\"nope\""),
            "{msg}"
        );
    }

    #[test]
    fn a_resource_reference_without_urn_is_rejected() {
        let v = struct_value(&[(SIG_KEY, string(SIG_RESOURCE_REF)), ("id", string("x"))]);
        assert!(matches!(decode_one(v), Err(Error::InvalidArgument(msg)) if msg.contains("`urn`")));
    }

    #[test]
    fn a_non_string_signature_is_rejected() {
        let v = struct_value(&[(SIG_KEY, kind(Kind::NumberValue(1.0)))]);
        assert!(matches!(decode_one(v), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn an_absent_struct_decodes_as_an_empty_map() {
        assert_eq!(decode_struct(None, "olds").unwrap(), PropertyMap::new());
    }

    #[test]
    fn a_value_without_kind_decodes_as_null() {
        assert_eq!(
            decode_one(prost_types::Value { kind: None }).unwrap(),
            Value::Null
        );
    }
}
