//! Check and Diff of every resource, called as the gRPC handlers call them (the provider's
//! `rpc::Provider` methods), with inputs shaped by the schema and with anything at all.
//! Expected: an answer (bad input is a CheckFailure, never an error or a panic), no secret in a
//! failure's text, a second Check of checked inputs changing nothing, and no change when the
//! state equals the inputs.

use std::sync::Arc;

use proptest::prelude::*;

use pulumi_auth0_provider::provider::Auth0Provider;
use pulumi_auth0_provider::resources::{self, Resource};
use pulumi_auth0_provider::rpc::{
    Autonaming, AutonamingMode, Changes, CheckRequest, CheckResponse, DiffRequest, Provider,
};
use pulumi_auth0_provider::schema;
use pulumi_auth0_provider::value::{PropertyMap, Value};

use crate::fuzz;
use crate::strategies::{any_map, fields, SECRET_MARK};

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A provider that reads no environment (so no real tenant can be reached).
pub fn provider() -> Arc<Auth0Provider> {
    Auth0Provider::with_env(Box::new(|_| None))
}

fn spec(resource: &dyn Resource) -> &'static schema::Resource {
    schema::package()
        .resource(resource.def().token)
        .expect("every resource is in schema.json")
}

fn urn(resource: &dyn Resource) -> String {
    format!("urn:pulumi:dev::fuzz::{}::thing", resource.def().token)
}

/// Inputs for `resource`: schema-shaped most of the time, anything at all otherwise.
pub fn inputs(resource: &'static dyn Resource) -> BoxedStrategy<PropertyMap> {
    prop_oneof![
        3 => fields(&spec(resource).inputs, &spec(resource).required_inputs, true, resource.def().allowed_values),
        3 => fields(&spec(resource).inputs, &spec(resource).required_inputs, false, resource.def().allowed_values),
        1 => any_map(),
    ]
    .boxed()
}

fn state(resource: &'static dyn Resource) -> BoxedStrategy<PropertyMap> {
    prop_oneof![
        3 => fields(&spec(resource).outputs, &Default::default(), true, resource.def().allowed_values),
        3 => fields(&spec(resource).outputs, &Default::default(), false, resource.def().allowed_values),
        1 => any_map(),
    ]
    .boxed()
}

fn autonaming() -> impl Strategy<Value = Option<Autonaming>> {
    proptest::option::of(
        (
            "[a-z-]{0,12}",
            prop_oneof![
                Just(AutonamingMode::Propose),
                Just(AutonamingMode::Enforce),
                Just(AutonamingMode::Disable)
            ],
        )
            .prop_map(|(proposed_name, mode)| Autonaming {
                proposed_name,
                mode,
            }),
    )
}

fn check_request(resource: &'static dyn Resource) -> impl Strategy<Value = CheckRequest> {
    (
        inputs(resource),
        inputs(resource),
        proptest::collection::vec(any::<u8>(), 0..16),
        autonaming(),
    )
        .prop_map(move |(news, olds, random_seed, autonaming)| CheckRequest {
            urn: urn(resource),
            name: "thing".into(),
            type_token: resource.def().token.into(),
            olds,
            news,
            random_seed,
            autonaming,
        })
}

/// Every failure names the resource and holds no secret; the answer is an answer.
fn well_formed(
    resource: &dyn Resource,
    answer: &Result<CheckResponse, pulumi_auth0_provider::error::Error>,
) -> Result<(), TestCaseError> {
    let response = match answer {
        Ok(response) => response,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "Check answered an error instead of check failures: {e}"
            )))
        }
    };
    for failure in &response.failures {
        prop_assert!(
            failure
                .reason
                .starts_with(&format!("{}.", resource.def().label)),
            "{failure:?}"
        );
        prop_assert!(
            !failure.reason.contains(SECRET_MARK),
            "a check failure quotes a secret: {failure:?}"
        );
    }
    Ok(())
}

#[test]
fn check_of_any_input_answers_with_failures_never_a_panic_nor_a_secret() {
    let rt = runtime();
    let p = provider();
    for resource in resources::all() {
        fuzz!(
            resource.def().label,
            3,
            check_request(resource),
            |req, tally| {
                let answer = tally.time(|| rt.block_on(p.check(req.clone())))?;
                well_formed(resource, &answer)?;
                let first = answer.expect("checked above");
                if first.failures.is_empty() && !first.inputs.values().any(Value::contains_unknowns)
                {
                    // The engine checks again with the checked inputs: nothing may move.
                    tally.deeper();
                    let again = CheckRequest {
                        news: first.inputs.clone(),
                        olds: first.inputs.clone(),
                        ..req
                    };
                    let second = rt.block_on(p.check(again));
                    well_formed(resource, &second)?;
                    let second = second.expect("checked above");
                    prop_assert!(second.failures.is_empty(), "{:?}", second.failures);
                    prop_assert_eq!(&second.inputs, &first.inputs);
                }
                Ok(())
            }
        );
    }
}

fn diff_request(resource: &'static dyn Resource) -> impl Strategy<Value = DiffRequest> {
    let names: Vec<String> = spec(resource).inputs.keys().cloned().collect();
    (
        state(resource),
        inputs(resource),
        inputs(resource),
        proptest::collection::vec(
            prop_oneof![
                3 => proptest::sample::select(names),
                1 => "[a-zA-Z.\\[\\]0-9]{0,10}"
            ],
            0..3,
        ),
    )
        .prop_map(
            move |(olds, news, old_inputs, ignore_changes)| DiffRequest {
                id: "id-1".into(),
                urn: urn(resource),
                name: "thing".into(),
                type_token: resource.def().token.into(),
                olds,
                news,
                old_inputs,
                ignore_changes,
            },
        )
}

#[test]
fn diff_of_any_state_and_inputs_answers_consistently() {
    let rt = runtime();
    let p = provider();
    for resource in resources::all() {
        fuzz!(
            resource.def().label,
            3,
            diff_request(resource),
            |req, tally| {
                let answer = tally
                    .time(|| rt.block_on(p.diff(req.clone())))?
                    .map_err(|e| TestCaseError::fail(format!("Diff answered an error: {e}")))?;
                prop_assert_eq!(answer.changes == Changes::None, answer.diffs.is_empty());
                for name in &answer.replaces {
                    prop_assert!(
                        answer.diffs.contains(name),
                        "{name} replaces without a diff"
                    );
                }
                for path in answer.detailed_diff.keys() {
                    prop_assert!(
                        answer.diffs.iter().any(|d| path.starts_with(d.as_str())),
                        "{path} is detailed but not among {:?}",
                        answer.diffs
                    );
                }
                for ignored in &req.ignore_changes {
                    prop_assert!(!answer.diffs.contains(ignored), "{ignored} was ignored");
                }
                Ok(())
            }
        );
    }
}

#[test]
fn diff_of_checked_inputs_against_themselves_shows_no_change() {
    let rt = runtime();
    let p = provider();
    for resource in resources::all() {
        fuzz!(
            resource.def().label,
            3,
            check_request(resource),
            |req, tally| {
                let checked = tally.time(|| rt.block_on(p.check(req)))?;
                let Ok(checked) = checked else {
                    return Ok(());
                };
                if !checked.failures.is_empty()
                    || checked.inputs.values().any(Value::contains_unknowns)
                {
                    return Ok(());
                }
                tally.deeper();
                let same = DiffRequest {
                    id: "id-1".into(),
                    urn: urn(resource),
                    name: "thing".into(),
                    type_token: resource.def().token.into(),
                    olds: checked.inputs.clone(),
                    news: checked.inputs.clone(),
                    old_inputs: checked.inputs.clone(),
                    ignore_changes: Vec::new(),
                };
                let answer = rt
                    .block_on(p.diff(same))
                    .map_err(|e| TestCaseError::fail(format!("Diff answered an error: {e}")))?;
                prop_assert_eq!(answer.changes, Changes::None, "{:?}", answer.detailed_diff);
                Ok(())
            }
        );
    }
}
