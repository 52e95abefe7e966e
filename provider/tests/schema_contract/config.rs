//! Provider configuration: the official keys, which are secret, their environment variables, our extension keys.

use super::*;

#[test]
fn provider_config_has_every_official_key_with_the_same_type() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for (label, pointer) in [
        ("config variable", "/config/variables"),
        ("provider input", "/provider/inputProperties"),
        ("provider output", "/provider/properties"),
    ] {
        let theirs = object(&official, pointer);
        let mine = object(&ours, pointer);
        for (key, _) in OFFICIAL_CONFIG_ENV {
            if !theirs.contains_key(key) {
                differences.push(format!("the fixture's {label}s lack `{key}`"));
            }
        }
        for (name, spec) in theirs {
            match mine.get(name) {
                None => differences.push(format!("{label} `{name}` is missing")),
                Some(m) if m.get("type") != spec.get("type") => differences.push(format!(
                    "{label} `{name}`: official type {} but schema.json has {}",
                    spec["type"],
                    m.get("type").unwrap_or(&Value::Null)
                )),
                Some(_) => {}
            }
        }
    }
    assert_no_differences("provider config", differences);
}

#[test]
fn provider_credentials_are_secret_and_nothing_else_in_config_is() {
    let schema = ours();
    let mut differences = Vec::new();
    for pointer in [
        "/config/variables",
        "/provider/inputProperties",
        "/provider/properties",
    ] {
        for (name, spec) in object(&schema, pointer) {
            let secret = spec.get("secret") == Some(&Value::Bool(true));
            let should = SECRET_CONFIG.contains(&name.as_str());
            if secret != should {
                differences.push(format!(
                    "{pointer}/{name}: secret is {secret}, want {should}"
                ));
            }
        }
    }
    assert_no_differences("secret config keys", differences);
}

#[test]
fn every_config_key_reads_its_auth0_environment_variable() {
    let schema = ours();
    let mut expected: Vec<(&str, &str)> = OFFICIAL_CONFIG_ENV.to_vec();
    expected.push(("maxRequestsPerSecond", "AUTH0_MAX_REQUESTS_PER_SECOND"));
    expected.push(("rateLimitWaitSeconds", "AUTH0_RATE_LIMIT_WAIT_SECONDS"));
    let mut differences = Vec::new();
    for pointer in ["/config/variables", "/provider/inputProperties"] {
        let props = object(&schema, pointer);
        for (key, env) in &expected {
            let got = props
                .get(*key)
                .and_then(|p| p.pointer("/defaultInfo/environment"));
            if got != Some(&json!([env])) {
                differences.push(format!(
                    "{pointer}/{key}: environment {}, want [\"{env}\"]",
                    got.unwrap_or(&Value::Null)
                ));
            }
        }
        let listed: BTreeSet<String> = expected.iter().map(|(k, _)| k.to_string()).collect();
        for extra in names(props).difference(&listed) {
            differences.push(format!("{pointer}/{extra} is not a known config key"));
        }
    }
    assert_no_differences("config environment variables", differences);
}

#[test]
fn rate_limit_settings_are_non_secret_extension_config_keys() {
    let schema = ours();
    let mut differences = Vec::new();
    for pointer in [
        "/config/variables",
        "/provider/inputProperties",
        "/provider/properties",
    ] {
        for (key, ty) in [
            ("maxRequestsPerSecond", "number"),
            ("rateLimitWaitSeconds", "integer"),
        ] {
            let Some(spec) = object(&schema, pointer).get(key) else {
                differences.push(format!("{pointer}/{key} is missing"));
                continue;
            };
            if spec.get("type") != Some(&json!(ty)) {
                differences.push(format!("{pointer}/{key}: type {}, want {ty}", spec["type"]));
            }
        }
    }
    for pointer in ["/config/variables", "/provider/inputProperties"] {
        let default = schema.pointer(&format!("{pointer}/rateLimitWaitSeconds/default"));
        if default != Some(&json!(300)) {
            differences.push(format!(
                "{pointer}/rateLimitWaitSeconds: default {}, want 300",
                default.unwrap_or(&Value::Null)
            ));
        }
    }
    assert_no_differences("rate limit config", differences);
}

#[test]
fn provider_offers_no_terraform_config_method() {
    let schema = ours();
    assert!(
        schema.pointer("/provider/methods").is_none(),
        "provider.methods must be absent: we implement no provider methods, found {}",
        schema["provider"]["methods"]
    );
}
