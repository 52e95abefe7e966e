//! Auth0's answers turned into state: flatten of arbitrary (and Auth0-shaped) JSON, then the
//! state, refresh and import views built from it. Expected: no panic, and a secret property of
//! the schema is never left in plain text in state.

use proptest::prelude::*;
use serde_json::Value as Json;

use pulumi_auth0_provider::mapping;
use pulumi_auth0_provider::resources::{self, Resource};
use pulumi_auth0_provider::schema;
use pulumi_auth0_provider::state::{from_body, imported_inputs, refreshed_inputs};
use pulumi_auth0_provider::value::{PropertyMap, Value};

use crate::fuzz;
use crate::strategies::{any_json, any_map, fields};

/// An Auth0 body for `resource`: its outputs in Auth0's names with values of (mostly) the
/// right type, sometimes with unexpected fields merged in, or any JSON at all.
fn auth0_body(resource: &'static dyn Resource) -> BoxedStrategy<Json> {
    let def = resource.def();
    let spec = schema::package()
        .resource(def.token)
        .expect("in schema.json");
    let shaped = fields(&spec.outputs, &Default::default(), true, def.allowed_values).prop_map(
        move |outputs| {
            let known: PropertyMap = outputs
                .into_iter()
                .filter(|(_, v)| !v.contains_unknowns())
                .collect();
            Json::Object(mapping::expand(
                schema::package(),
                def.api_names,
                &spec.outputs,
                &known,
            ))
        },
    );
    prop_oneof![
        4 => shaped.clone(),
        1 => (shaped, any_json(3)).prop_map(|(mut body, extra)| {
            if let (Json::Object(body), Json::Object(extra)) = (&mut body, extra) {
                body.extend(extra);
            }
            body
        }),
        1 => any_json(5),
    ]
    .boxed()
}

fn inputs(resource: &'static dyn Resource) -> BoxedStrategy<PropertyMap> {
    let spec = schema::package()
        .resource(resource.def().token)
        .expect("in schema.json");
    prop_oneof![4 => fields(&spec.inputs, &spec.required_inputs, true, resource.def().allowed_values), 1 => any_map()].boxed()
}

fn plain_secret_in(value: &Value) -> bool {
    !value.is_secret() && !value.is_null()
}

#[test]
fn any_auth0_answer_becomes_state_without_a_panic_and_with_secrets_kept_secret() {
    for resource in resources::all() {
        let def = resource.def();
        let spec = schema::package()
            .resource(def.token)
            .expect("in schema.json");
        let strategy = (
            auth0_body(resource),
            inputs(resource),
            proptest::option::of(any_map()),
        );
        fuzz!(
            def.label,
            4,
            strategy,
            |(body, inputs, old_state), tally| {
                let state =
                    tally.time(|| from_body(def, spec, &body, &inputs, old_state.as_ref()))?;
                for (name, property) in &spec.outputs {
                    if let (true, Some(value)) = (property.secret, state.get(name)) {
                        prop_assert!(
                            !plain_secret_in(value),
                            "{}.{name} is in state in plain text",
                            def.label
                        );
                    }
                }
                let _ = refreshed_inputs(def, &inputs, &state);
                let _ = imported_inputs(def, spec, &state);
                Ok(())
            }
        );
    }
}

#[test]
fn flatten_of_any_json_never_panics_for_any_resource() {
    fuzz!("flatten any json", 60, any_json(6), |body, tally| {
        tally.time(|| {
            for resource in resources::all() {
                let def = resource.def();
                let spec = schema::package()
                    .resource(def.token)
                    .expect("in schema.json");
                let _ = mapping::flatten(schema::package(), def.api_names, &spec.outputs, &body);
            }
        })?;
        Ok(())
    });
}

/// The other way: inputs that passed Check become a create body and a PATCH body (the changed
/// properties from Diff) without a panic, and the PATCH holds only what changed.
#[test]
fn checked_inputs_become_create_and_update_bodies_without_a_panic() {
    use crate::check_diff::{inputs as checkable, provider, runtime};
    use pulumi_auth0_provider::rpc::{CheckRequest, DiffRequest, Provider};

    let rt = runtime();
    let p = provider();
    for resource in resources::all() {
        let def = resource.def();
        let spec = schema::package()
            .resource(def.token)
            .expect("in schema.json");
        let sendable: std::collections::BTreeMap<_, _> = spec
            .inputs
            .iter()
            .filter(|(name, _)| !def.provider_only.contains(&name.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let strategy = (checkable(resource), inputs(resource), any_map());
        fuzz!(def.label, 1, strategy, |(news, old_inputs, olds), tally| {
            let check = |news: PropertyMap| CheckRequest {
                urn: format!("urn:pulumi:dev::fuzz::{}::thing", def.token),
                name: "thing".into(),
                type_token: def.token.into(),
                news,
                ..Default::default()
            };
            let checked = tally.time(|| rt.block_on(p.check(check(news))))?;
            let Ok(checked) = checked else { return Ok(()) };
            if !checked.failures.is_empty() || checked.inputs.values().any(Value::contains_unknowns)
            {
                return Ok(());
            }
            tally.deeper();
            let news = checked.inputs;
            let _ = mapping::expand(schema::package(), def.api_names, &sendable, &news);
            let diff = rt
                .block_on(p.diff(DiffRequest {
                    type_token: def.token.into(),
                    olds: olds.clone(),
                    news: news.clone(),
                    old_inputs: old_inputs.clone(),
                    ..Default::default()
                }))
                .map_err(|e| TestCaseError::fail(format!("Diff answered an error: {e}")))?;
            let rules = def.update_rules(schema::package(), &sendable);
            let (patch, _) = mapping::update_body(
                schema::package(),
                &rules,
                &diff.diffs,
                &olds,
                &old_inputs,
                &news,
            );
            // A PATCH sends what changed and nothing else.
            let changed: Vec<String> = diff
                .diffs
                .iter()
                .map(|name| {
                    let api = mapping::api_path(def.api_names, name);
                    api.split('.').next().unwrap_or_default().to_string()
                })
                .collect();
            for field in patch.keys() {
                prop_assert!(
                    changed.contains(field),
                    "{}: the PATCH body has {field}, which is not among the changes {:?}",
                    def.label,
                    diff.diffs
                );
            }
            Ok(())
        });
    }
}
