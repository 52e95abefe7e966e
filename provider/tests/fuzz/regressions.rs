//! The minimal inputs fuzzing found, one plain test each, beside the fix they prove.

use pulumi_auth0_provider::rpc::{Changes, CheckRequest, DiffRequest, Provider};
use pulumi_auth0_provider::value::{PropertyMap, Value};

use crate::check_diff::{provider, runtime};

const CLIENT: &str = "auth0:index/client:Client";

fn check_client(news: PropertyMap) -> Vec<String> {
    let req = CheckRequest {
        urn: format!("urn:pulumi:dev::fuzz::{CLIENT}::thing"),
        name: "thing".into(),
        type_token: CLIENT.into(),
        news,
        ..Default::default()
    };
    let answer = runtime()
        .block_on(provider().check(req))
        .expect("an answer");
    answer.failures.into_iter().map(|f| f.reason).collect()
}

fn nested_nan() -> Value {
    let inner = Value::Object([("a".to_string(), Value::Number(f64::NAN))].into());
    Value::Object(
        [(
            "A".to_string(),
            Value::Object([("A".to_string(), inner)].into()),
        )]
        .into(),
    )
}

/// Found by `check_of_any_input…`: a NaN inside a value of type any passed Check, and since
/// NaN never equals itself the rotation trigger showed a change (a new secret) on every run.
#[test]
fn a_nan_inside_the_rotation_trigger_is_a_check_failure_naming_its_path() {
    let failures = check_client([("clientSecretRotationTrigger".to_string(), nested_nan())].into());
    assert_eq!(
        failures,
        vec![
            r#"Client.clientSecretRotationTrigger["A"]["A"]["a"]: NaN is not a finite number; use a finite number"#
        ]
    );
}

#[test]
fn infinity_in_an_integer_property_is_a_check_failure() {
    let jwt = Value::Object(
        [(
            "lifetimeInSeconds".to_string(),
            Value::Number(f64::INFINITY),
        )]
        .into(),
    );
    let failures = check_client([("jwtConfiguration".to_string(), jwt)].into());
    assert_eq!(
        failures,
        vec!["Client.jwtConfiguration.lifetimeInSeconds: inf is not a finite number; use a finite number"]
    );
}

#[test]
fn a_secret_nan_is_refused_without_being_quoted() {
    let trigger = Value::Object(
        [(
            "k".to_string(),
            Value::Secret(Box::new(Value::Number(f64::NAN))),
        )]
        .into(),
    );
    let failures = check_client([("clientSecretRotationTrigger".to_string(), trigger)].into());
    assert_eq!(
        failures,
        vec![
            r#"Client.clientSecretRotationTrigger["k"]: a secret value is not a finite number; use a finite number"#
        ]
    );
}

/// What the failure prevents: the same NaN in state and inputs is a change to the diff.
#[test]
fn without_the_check_a_nan_trigger_would_differ_from_itself() {
    let inputs: PropertyMap = [("clientSecretRotationTrigger".to_string(), nested_nan())].into();
    let req = DiffRequest {
        type_token: CLIENT.into(),
        olds: inputs.clone(),
        news: inputs.clone(),
        old_inputs: inputs,
        ..Default::default()
    };
    let answer = runtime().block_on(provider().diff(req)).expect("an answer");
    assert_eq!(answer.changes, Changes::Some);
}
