//! schema.json is read by two parsers: the provider's (`pulumi_auth0_provider::schema`, what check,
//! diff, expand and flatten use) and sdk-gen's (`sdk_gen::load`, what the SDKs are generated
//! from). They must accept the same file and see the same resources, object types, config keys,
//! properties and flags, or an SDK would offer what the provider does not handle.

use std::collections::{BTreeMap, BTreeSet};

use pulumi_auth0_provider::schema::{self, short_token, Package, Type};
use serde_json::Value;

/// What both parsers know about one property, in one vocabulary.
#[derive(Debug, PartialEq)]
struct Seen {
    ty: String,
    secret: bool,
    replace_on_changes: bool,
    deprecated: bool,
    default: Option<Value>,
    default_env: Vec<String>,
    /// `None` where the provider's parser does not read the required list (outputs, config).
    required: Option<bool>,
}

type Properties = BTreeMap<String, Seen>;

fn provider_type(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Integer => "integer".into(),
        Type::Number => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Any => "any".into(),
        Type::Array(item) => format!("array of {}", provider_type(item)),
        Type::Map(item) => format!("map of {}", provider_type(item)),
        Type::Object(token) => format!("object {}", short_token(token)),
    }
}

/// sdk-gen names object types for the SDKs (`getClientMobile` becomes `GetClientMobile`);
/// `names` maps those names back to the short token the provider uses.
fn sdk_type(ty: &sdk_gen::model::TypeRef, names: &BTreeMap<String, String>) -> String {
    use sdk_gen::model::TypeRef;
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::Integer => "integer".into(),
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Any => "any".into(),
        TypeRef::Array(item) => format!("array of {}", sdk_type(item, names)),
        TypeRef::Map(item) => format!("map of {}", sdk_type(item, names)),
        TypeRef::Object(name) => format!(
            "object {}",
            names.get(name).map(String::as_str).unwrap_or(name)
        ),
        TypeRef::Enum(name) => format!("enum {name}"),
    }
}

fn provider_properties(
    properties: &BTreeMap<String, schema::Property>,
    required: Option<&BTreeSet<String>>,
) -> Properties {
    properties
        .iter()
        .map(|(name, p)| {
            let seen = Seen {
                ty: provider_type(&p.ty),
                secret: p.secret,
                replace_on_changes: p.replace_on_changes,
                deprecated: p.deprecation.is_some(),
                default: p.default.clone(),
                default_env: p.default_env.clone(),
                required: required.map(|r| r.contains(name)),
            };
            (name.clone(), seen)
        })
        .collect()
}

fn sdk_properties(
    properties: &[sdk_gen::model::Property],
    with_required: bool,
    names: &BTreeMap<String, String>,
) -> Properties {
    properties
        .iter()
        .map(|p| {
            let seen = Seen {
                ty: sdk_type(&p.ty, names),
                secret: p.secret,
                replace_on_changes: p.replace_on_changes,
                deprecated: p.deprecation.is_some(),
                default: p.default.clone(),
                default_env: p.default_env.clone(),
                required: with_required.then_some(p.required),
            };
            (p.name.clone(), seen)
        })
        .collect()
}

/// Every owner of properties (config, a resource's inputs or outputs, an object type) with what
/// the provider's parser reads for them; `sdk_view` keys the same owners alike.
fn provider_view(package: &Package) -> BTreeMap<String, Properties> {
    let mut view = BTreeMap::new();
    view.insert(
        "config".to_string(),
        provider_properties(&package.config, None),
    );
    for (token, r) in &package.resources {
        view.insert(
            format!("{token} inputs"),
            provider_properties(&r.inputs, Some(&r.required_inputs)),
        );
        view.insert(
            format!("{token} outputs"),
            provider_properties(&r.outputs, None),
        );
    }
    for (token, t) in &package.types {
        view.insert(
            format!("type {token}"),
            provider_properties(&t.properties, Some(&t.required)),
        );
    }
    for (token, f) in &package.functions {
        view.insert(
            format!("{token} inputs"),
            provider_properties(&f.inputs, Some(&f.required_inputs)),
        );
        view.insert(
            format!("{token} outputs"),
            provider_properties(&f.outputs, None),
        );
    }
    view
}

fn sdk_view(package: &sdk_gen::Package) -> BTreeMap<String, Properties> {
    let names: BTreeMap<String, String> = package
        .objects
        .iter()
        .map(|o| (o.name.clone(), short_token(&o.token).to_string()))
        .collect();
    let mut view = BTreeMap::new();
    view.insert(
        "config".to_string(),
        sdk_properties(&package.config, false, &names),
    );
    for r in &package.resources {
        view.insert(
            format!("{} inputs", r.token),
            sdk_properties(&r.inputs, true, &names),
        );
        view.insert(
            format!("{} outputs", r.token),
            sdk_properties(&r.outputs, false, &names),
        );
    }
    for f in &package.functions {
        view.insert(
            format!("{} inputs", f.token),
            sdk_properties(&f.inputs, true, &names),
        );
        view.insert(
            format!("{} outputs", f.token),
            sdk_properties(&f.outputs, false, &names),
        );
    }
    for o in &package.objects {
        view.insert(
            format!("type {}", o.token),
            sdk_properties(&o.properties, true, &names),
        );
    }
    for e in &package.enums {
        // The provider's parser has no enums; one here is a difference to name.
        view.insert(format!("enum {}", e.token), Properties::new());
    }
    view
}

/// Every place where the two parsers read `schema_json` differently, one line each.
fn differences(schema_json: &str) -> Vec<String> {
    let provider = Package::parse(schema_json)
        .unwrap_or_else(|e| panic!("the provider's parser refuses the schema: {e}"));
    let sdk = sdk_gen::load(schema_json, "0.0.0")
        .unwrap_or_else(|e| panic!("sdk-gen's parser refuses the schema: {e}"));
    let (ours, theirs) = (provider_view(&provider), sdk_view(&sdk));
    let mut found = Vec::new();
    let owners: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    for owner in owners {
        let (Some(a), Some(b)) = (ours.get(owner), theirs.get(owner)) else {
            let only = if ours.contains_key(owner) {
                "the provider"
            } else {
                "sdk-gen"
            };
            found.push(format!("{owner}: only {only} sees it"));
            continue;
        };
        let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for name in names {
            match (a.get(name), b.get(name)) {
                (Some(x), Some(y)) if x != y => found.push(format!(
                    "{owner}.{name}: the provider reads {x:?}, sdk-gen reads {y:?}"
                )),
                (Some(_), Some(_)) => {}
                (Some(_), None) => found.push(format!("{owner}.{name}: only the provider sees it")),
                (None, _) => found.push(format!("{owner}.{name}: only sdk-gen sees it")),
            }
        }
    }
    found
}

#[test]
fn the_provider_and_sdk_gen_read_the_same_resources_properties_and_flags_from_schema_json() {
    let found = differences(schema::SCHEMA_JSON);
    assert!(
        found.is_empty(),
        "the two schema parsers disagree on schema.json:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_comparison_sees_every_resource_and_a_secret_a_replacement_and_a_required_input() {
    // Guards the test above against comparing two empty views.
    let provider = Package::parse(schema::SCHEMA_JSON).unwrap();
    let view = provider_view(&provider);
    for token in [
        "auth0:index/client:Client",
        "auth0:index/resourceServer:ResourceServer",
        "auth0:index/clientGrant:ClientGrant",
    ] {
        assert!(view.contains_key(&format!("{token} inputs")), "{token}");
    }
    let all = || view.values().flat_map(|p| p.values());
    assert!(all().any(|p| p.secret));
    assert!(all().any(|p| p.replace_on_changes));
    assert!(all().any(|p| p.required == Some(true)));
}
