use super::*;
use std::collections::HashMap;

const SECRET: &str = "sup3r-s3cret-value";

fn config(pairs: &[(&str, Value)]) -> PropertyMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn resolve(pairs: &[(&str, Value)]) -> Result<Settings, Vec<CheckFailure>> {
    settings_from_config(&config(pairs), &no_env)
}

fn failures_of(pairs: &[(&str, Value)]) -> Vec<CheckFailure> {
    resolve(pairs).expect_err("configuration should be rejected")
}

fn with_secret_creds(mut pairs: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    pairs.push(("clientId", "cid".into()));
    pairs.push(("clientSecret", Value::from(SECRET).into_secret()));
    pairs
}

#[test]
fn a_bare_domain_means_https_with_the_management_api_audience() {
    let s = resolve(&with_secret_creds(vec![(
        "domain",
        "tenant.auth0.com".into(),
    )]))
    .unwrap();
    assert_eq!(s.base_url, "https://tenant.auth0.com");
    assert_eq!(s.audience, "https://tenant.auth0.com/api/v2/");
    assert_eq!(s.rate_limit_wait, DEFAULT_RATE_LIMIT_WAIT);
    assert_eq!(s.max_requests_per_second, None);
    assert!(!s.debug);
}

#[test]
fn a_bare_host_with_port_keeps_the_port_in_url_and_audience() {
    let s = resolve(&with_secret_creds(vec![(
        "domain",
        "localhost:8443".into(),
    )]))
    .unwrap();
    assert_eq!(s.base_url, "https://localhost:8443");
    assert_eq!(s.audience, "https://localhost:8443/api/v2/");
}

#[test]
fn a_full_url_domain_is_used_as_is_and_loses_its_trailing_slash() {
    let s = resolve(&with_secret_creds(vec![(
        "domain",
        "http://127.0.0.1:4321/".into(),
    )]))
    .unwrap();
    assert_eq!(s.base_url, "http://127.0.0.1:4321");
    assert_eq!(s.audience, "https://127.0.0.1:4321/api/v2/");
}

#[test]
fn an_explicit_audience_overrides_the_default() {
    let s = resolve(&with_secret_creds(vec![
        ("domain", "tenant.auth0.com".into()),
        ("audience", "https://tenant.eu.auth0.com/api/v2/".into()),
    ]))
    .unwrap();
    assert_eq!(s.audience, "https://tenant.eu.auth0.com/api/v2/");
}

#[test]
fn environment_variables_fill_what_config_leaves_unset() {
    let env: HashMap<&str, &str> = [
        ("AUTH0_DOMAIN", "env-tenant.auth0.com"),
        ("AUTH0_CLIENT_ID", "env-id"),
        ("AUTH0_CLIENT_SECRET", SECRET),
        ("AUTH0_DEBUG", "true"),
        ("AUTH0_MAX_REQUESTS_PER_SECOND", "2.5"),
        ("AUTH0_CUSTOM_DOMAIN_HEADER", "login.example.com"),
    ]
    .into_iter()
    .collect();
    let lookup = |k: &str| env.get(k).map(|v| v.to_string());
    let s = settings_from_config(&config(&[("clientId", "config-id".into())]), &lookup).unwrap();
    assert_eq!(s.base_url, "https://env-tenant.auth0.com");
    assert_eq!(
        s.credentials,
        Credentials::ClientSecret {
            client_id: "config-id".into(),
            client_secret: SECRET.into()
        }
    );
    assert!(s.debug);
    assert_eq!(s.max_requests_per_second, Some(2.5));
    assert_eq!(s.custom_domain_header.as_deref(), Some("login.example.com"));
}

#[test]
fn a_blank_config_value_falls_back_to_the_environment() {
    let lookup = |k: &str| (k == "AUTH0_DOMAIN").then(|| "from-env.auth0.com".to_string());
    let args = config(&with_secret_creds(vec![("domain", "  ".into())]));
    let s = settings_from_config(&args, &lookup).unwrap();
    assert_eq!(s.base_url, "https://from-env.auth0.com");
}

#[test]
fn json_encoded_non_strings_are_decoded() {
    let s = resolve(&with_secret_creds(vec![
        ("domain", "t.auth0.com".into()),
        ("debug", "true".into()),
        ("maxRequestsPerSecond", "5".into()),
        ("rateLimitWaitSeconds", "12.5".into()),
        ("cliLogin", "false".into()),
    ]))
    .unwrap();
    assert!(s.debug);
    assert_eq!(s.max_requests_per_second, Some(5.0));
    assert_eq!(s.rate_limit_wait, Duration::from_millis(12_500));
}

#[test]
fn plain_bools_and_numbers_are_accepted_too() {
    let s = resolve(&with_secret_creds(vec![
        ("domain", "t.auth0.com".into()),
        ("debug", Value::Bool(true)),
        ("maxRequestsPerSecond", Value::Number(3.0)),
    ]))
    .unwrap();
    assert!(s.debug);
    assert_eq!(s.max_requests_per_second, Some(3.0));
}

#[test]
fn secret_wrapped_values_are_unwrapped() {
    let s = resolve(&[
        ("domain", Value::from("t.auth0.com").into_secret()),
        ("apiToken", Value::from(SECRET).into_secret()),
    ])
    .unwrap();
    assert_eq!(s.base_url, "https://t.auth0.com");
    assert_eq!(s.credentials, Credentials::ApiToken(SECRET.into()));
}

#[test]
fn api_token_wins_over_client_credentials() {
    let s = resolve(&with_secret_creds(vec![
        ("domain", "t.auth0.com".into()),
        ("apiToken", "the-token".into()),
    ]))
    .unwrap();
    assert_eq!(s.credentials, Credentials::ApiToken("the-token".into()));
}

#[test]
fn a_private_key_selects_the_jwt_assertion_with_rs256_by_default() {
    let pem = include_str!("../auth0/testdata/assertion-key.pem");
    let s = resolve(&[
        ("domain", "t.auth0.com".into()),
        ("clientId", "cid".into()),
        ("clientAssertionPrivateKey", Value::from(pem).into_secret()),
    ])
    .unwrap();
    assert_eq!(
        s.credentials,
        Credentials::PrivateKeyJwt {
            client_id: "cid".into(),
            private_key_pem: pem.trim().into(),
            alg: "RS256".into()
        }
    );
}

#[test]
fn a_missing_domain_names_the_key_and_how_to_set_it() {
    let f = failures_of(&with_secret_creds(vec![]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "domain");
    assert!(
        f[0].reason.contains("pulumi config set auth0:domain"),
        "{}",
        f[0].reason
    );
    assert!(f[0].reason.contains("AUTH0_DOMAIN"));
}

#[test]
fn a_domain_that_is_not_a_host_is_rejected() {
    for bad in [
        "ftp://tenant.auth0.com",
        "tenant.auth0.com/path",
        "has space.com",
        "https://",
    ] {
        let f = failures_of(&with_secret_creds(vec![("domain", bad.into())]));
        assert_eq!(f.len(), 1, "{bad}");
        assert_eq!(f[0].property, "domain");
        assert!(
            f[0].reason.contains("is not a host name"),
            "{}",
            f[0].reason
        );
    }
}

#[test]
fn no_credentials_at_all_names_both_ways_to_authenticate() {
    let f = failures_of(&[("domain", "t.auth0.com".into())]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "clientId");
    assert!(f[0].reason.contains("auth0:clientSecret") && f[0].reason.contains("auth0:apiToken"));
}

#[test]
fn a_client_id_without_a_secret_asks_for_the_secret() {
    let f = failures_of(&[("domain", "t.auth0.com".into()), ("clientId", "cid".into())]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "clientSecret");
    assert!(f[0].reason.contains("AUTH0_CLIENT_SECRET"));
}

#[test]
fn a_secret_without_a_client_id_asks_for_the_client_id() {
    let f = failures_of(&[
        ("domain", "t.auth0.com".into()),
        ("clientSecret", Value::from(SECRET).into_secret()),
    ]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "clientId");
    assert!(f[0].reason.contains("AUTH0_CLIENT_ID"));
    assert!(!f[0].reason.contains(SECRET));
}

#[test]
fn an_unsupported_signing_alg_lists_the_allowed_ones() {
    let f = failures_of(&[
        ("domain", "t.auth0.com".into()),
        ("clientId", "cid".into()),
        (
            "clientAssertionPrivateKey",
            include_str!("../auth0/testdata/assertion-key.pem").into(),
        ),
        ("clientAssertionSigningAlg", "HS256".into()),
    ]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "clientAssertionSigningAlg");
    assert!(f[0].reason.contains("\"HS256\"") && f[0].reason.contains("RS256, RS384 or PS256"));
}

#[test]
fn an_unsupported_signing_alg_is_ignored_when_an_api_token_wins() {
    let s = resolve(&[
        ("domain", "t.auth0.com".into()),
        ("apiToken", Value::from(SECRET).into_secret()),
        ("clientId", "cid".into()),
        (
            "clientAssertionPrivateKey",
            include_str!("../auth0/testdata/assertion-key.pem").into(),
        ),
        ("clientAssertionSigningAlg", "HS256".into()),
    ])
    .expect("apiToken wins, so the unused signing alg must not fail CheckConfig");
    assert_eq!(s.credentials, Credentials::ApiToken(SECRET.into()));
}

#[test]
fn a_private_key_that_is_not_pem_is_rejected_without_echoing_it() {
    let f = failures_of(&[
        ("domain", "t.auth0.com".into()),
        ("clientId", "cid".into()),
        ("clientAssertionPrivateKey", SECRET.into()),
    ]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "clientAssertionPrivateKey");
    assert!(!f[0].reason.contains(SECRET));
}

#[test]
fn cli_login_and_dynamic_credentials_are_refused() {
    let f = failures_of(&with_secret_creds(vec![
        ("domain", "t.auth0.com".into()),
        ("cliLogin", "true".into()),
        ("dynamicCredentials", "true".into()),
    ]));
    let props: Vec<_> = f.iter().map(|f| f.property.as_str()).collect();
    assert_eq!(props, ["cliLogin", "dynamicCredentials"]);
    assert!(f
        .iter()
        .all(|f| f.reason.contains("not supported by this provider")));
}

#[test]
fn non_numeric_max_requests_per_second_is_rejected() {
    for bad in ["fast", "0", "-1", "NaN"] {
        let f = failures_of(&with_secret_creds(vec![
            ("domain", "t.auth0.com".into()),
            ("maxRequestsPerSecond", bad.into()),
        ]));
        assert_eq!(f.len(), 1, "{bad}");
        assert_eq!(f[0].property, "maxRequestsPerSecond");
        assert!(f[0].reason.contains(&format!("{bad:?}")), "{}", f[0].reason);
    }
}

#[test]
fn max_requests_per_second_outside_the_sane_range_is_rejected_with_the_range() {
    for bad in ["1e-300", "0.009", "1000.5", "1e300", "inf"] {
        let f = failures_of(&with_secret_creds(vec![
            ("domain", "t.auth0.com".into()),
            ("maxRequestsPerSecond", bad.into()),
        ]));
        assert_eq!(f.len(), 1, "{bad}");
        assert_eq!(f[0].property, "maxRequestsPerSecond");
        assert!(
            f[0].reason.contains("from 0.01 to 1000") && f[0].reason.contains(&format!("{bad:?}")),
            "{}",
            f[0].reason
        );
    }
}

#[test]
fn max_requests_per_second_at_the_ends_of_the_range_is_accepted() {
    for (text, rate) in [("0.01", 0.01), ("1000", 1000.0)] {
        let s = resolve(&with_secret_creds(vec![
            ("domain", "t.auth0.com".into()),
            ("maxRequestsPerSecond", text.into()),
        ]))
        .unwrap();
        assert_eq!(s.max_requests_per_second, Some(rate));
    }
}

#[test]
fn a_bool_that_is_not_a_bool_is_rejected() {
    let f = failures_of(&with_secret_creds(vec![
        ("domain", "t.auth0.com".into()),
        ("debug", "verbose".into()),
    ]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].property, "debug");
    assert!(f[0].reason.contains("true or false"));
}

#[test]
fn every_problem_is_reported_at_once_and_no_reason_holds_a_secret() {
    let f = failures_of(&[
        (
            "domain",
            Value::from(format!("https://{SECRET}/x?y")).into_secret(),
        ),
        ("clientSecret", Value::from(SECRET).into_secret()),
        (
            "clientAssertionSigningAlg",
            Value::from(SECRET).into_secret(),
        ),
        ("maxRequestsPerSecond", Value::from(SECRET).into_secret()),
        ("rateLimitWaitSeconds", "forever".into()),
        ("debug", Value::from(SECRET).into_secret()),
    ]);
    let props: Vec<_> = f.iter().map(|f| f.property.as_str()).collect();
    for key in [
        "domain",
        "clientId",
        "clientAssertionSigningAlg",
        "maxRequestsPerSecond",
        "rateLimitWaitSeconds",
        "debug",
    ] {
        assert!(props.contains(&key), "{key} missing from {props:?}");
    }
    for failure in &f {
        assert!(!failure.reason.contains(SECRET), "{}", failure.reason);
        assert!(
            failure
                .reason
                .contains(&format!("auth0:{}", failure.property))
                || failure.property == "clientId"
        );
    }
}

#[test]
fn debug_output_redacts_every_secret() {
    let s = resolve(&with_secret_creds(vec![("domain", "t.auth0.com".into())])).unwrap();
    let text = format!("{s:?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("cid"));
    for creds in [
        Credentials::ApiToken(SECRET.into()),
        Credentials::PrivateKeyJwt {
            client_id: "c".into(),
            private_key_pem: SECRET.into(),
            alg: "RS256".into(),
        },
    ] {
        assert!(!format!("{creds:?}").contains(SECRET));
    }
}
