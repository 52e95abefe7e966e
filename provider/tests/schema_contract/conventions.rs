//! Schema-wide rules: extensions, descriptions, replaceOnChanges, deprecations, package identity and the file's layout.

use super::*;

#[test]
fn every_extension_says_it_is_an_extension() {
    let schema = ours();
    let mut differences = Vec::new();
    let extensions = [
        format!("/resources/{}/properties/clientSecret", seg(CLIENT)),
        format!(
            "/resources/{}/inputProperties/clientSecretRotationTrigger",
            seg(CLIENT)
        ),
        format!(
            "/resources/{}/properties/clientSecretRotationTrigger",
            seg(CLIENT)
        ),
        format!("/resources/{}/inputProperties/scopes", seg(RESOURCE_SERVER)),
        format!("/resources/{}/properties/scopes", seg(RESOURCE_SERVER)),
        format!("/types/{}", seg(SCOPE_TYPE)),
        "/config/variables/maxRequestsPerSecond".to_string(),
        "/config/variables/rateLimitWaitSeconds".to_string(),
        "/provider/inputProperties/maxRequestsPerSecond".to_string(),
        "/provider/inputProperties/rateLimitWaitSeconds".to_string(),
    ];
    for pointer in &extensions {
        match schema.pointer(pointer) {
            None => differences.push(format!("{pointer} is missing")),
            Some(spec) if !description(spec).to_lowercase().contains("extension") => differences
                .push(format!(
                    "{pointer}: description does not say it is an extension"
                )),
            Some(_) => {}
        }
    }
    assert_no_differences("extension descriptions", differences);
}

#[test]
fn every_resource_property_type_and_config_key_has_a_description() {
    let schema = ours();
    let mut missing = Vec::new();
    let is_blank = |text: &str| text.trim().is_empty() || text.trim() == "TODO";
    if is_blank(description(&schema)) {
        missing.push("the package".to_string());
    }
    if is_blank(description(&schema["provider"])) {
        missing.push("the provider".to_string());
    }
    for (token, spec) in object(&schema, "/resources") {
        if is_blank(description(spec)) {
            missing.push(format!("resource {token}"));
        }
        if is_blank(description(&spec["stateInputs"])) {
            missing.push(format!("resource {token} stateInputs"));
        }
    }
    for (token, spec) in object(&schema, "/types") {
        if is_blank(description(spec)) {
            missing.push(format!("type {token}"));
        }
    }
    for (label, spec) in every_property(&schema) {
        if is_blank(description(&spec)) {
            missing.push(label);
        }
    }
    assert_no_differences("descriptions", missing);
}

#[test]
fn schema_has_no_version_key() {
    let schema = ours();
    assert!(
        schema.get("version").is_none(),
        "schema.json must not set `version` (found {}); the workspace version in Cargo.toml is the single source",
        schema["version"]
    );
}

#[test]
fn replace_on_changes_is_set_exactly_on_create_only_properties() {
    let schema = ours();
    let expected: BTreeSet<(String, String)> = [
        ("ResourceServer", "identifier"),
        ("ClientGrant", "audience"),
        ("ClientGrant", "clientId"),
        ("ClientGrant", "subjectType"),
        ("ClientGrant", "defaultFor"),
        ("Client", "resourceServerIdentifier"),
        ("ClientJwtConfiguration", "secretEncoded"),
        ("ClientCredentials", "clientId"),
        ("ResourceServerScopes", "resourceServerIdentifier"),
        ("ResourceServerScope", "resourceServerIdentifier"),
        ("ResourceServerScope", "scope"),
        // A registered credential cannot be edited in Auth0, only removed and added again.
        ("ClientCredentialsTlsClientAuthCredential", "credentialType"),
        ("ClientCredentialsTlsClientAuthCredential", "pem"),
        ("ClientCredentialsTlsClientAuthCredential", "subjectDn"),
        (
            "ClientCredentialsSelfSignedTlsClientAuthCredential",
            "credentialType",
        ),
        ("ClientCredentialsSelfSignedTlsClientAuthCredential", "pem"),
        (
            "ClientCredentialsSignedRequestObjectCredential",
            "algorithm",
        ),
        (
            "ClientCredentialsSignedRequestObjectCredential",
            "credentialType",
        ),
        ("ClientCredentialsSignedRequestObjectCredential", "name"),
        (
            "ClientCredentialsSignedRequestObjectCredential",
            "parseExpiryFromCert",
        ),
        ("ClientCredentialsSignedRequestObjectCredential", "pem"),
    ]
    .into_iter()
    .map(|(owner, name)| (owner.to_string(), name.to_string()))
    .collect();
    let mut differences = Vec::new();
    let mut check = |owner: &str, part: &str, props: &Map<String, Value>| {
        for (name, spec) in props {
            let set = spec.get("replaceOnChanges") == Some(&Value::Bool(true));
            let want = expected.contains(&(owner.to_string(), name.clone()));
            if set != want {
                differences.push(format!(
                    "{owner} {part} `{name}`: replaceOnChanges is {set}, want {want}"
                ));
            }
        }
    };
    for (token, spec) in object(&schema, "/resources") {
        for part in ["inputProperties", "properties"] {
            check(short(token), part, spec[part].as_object().unwrap());
        }
    }
    for (token, spec) in object(&schema, "/types") {
        if let Some(props) = spec.get("properties").and_then(Value::as_object) {
            check(short(token), "property", props);
        }
    }
    for (owner, name) in &expected {
        let found = every_property(&schema).iter().any(|(label, _)| {
            label.contains(owner.as_str()) && label.contains(&format!("`{name}`"))
        });
        if !found {
            differences.push(format!("{owner}.{name} does not exist"));
        }
    }
    assert_no_differences("replaceOnChanges", differences);
}

#[test]
fn deprecated_official_properties_and_only_they_carry_a_deprecation_message() {
    let (official, ours) = (official(), ours());
    let mut differences = Vec::new();
    for token in RESOURCES {
        for part in ["inputProperties", "properties"] {
            let theirs = &resource(&official, token)[part];
            for (name, spec) in resource(&ours, token)[part].as_object().unwrap() {
                let deprecated = theirs
                    .pointer(&format!("/{}/deprecated", seg(name)))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    || (token == CLIENT_GRANT && name == "scope");
                let message = spec.get("deprecationMessage").and_then(Value::as_str);
                match (deprecated, message) {
                    (true, None) | (true, Some("")) => differences.push(format!(
                        "{} {part} `{name}` is deprecated but has no deprecationMessage",
                        short(token)
                    )),
                    (false, Some(m)) => differences.push(format!(
                        "{} {part} `{name}` is not deprecated but says {m:?}",
                        short(token)
                    )),
                    _ => {}
                }
                if spec.get("deprecated").is_some() {
                    differences.push(format!(
                        "{} {part} `{name}` keeps the fixture-only `deprecated` key",
                        short(token)
                    ));
                }
            }
        }
    }
    assert_no_differences("deprecation", differences);
}

#[test]
fn package_identity_tokens_and_language_names_are_as_agreed() {
    let (official, schema) = (official(), ours());
    assert_eq!(schema["name"], json!("auth0"));
    assert_eq!(schema["license"], json!("Apache-2.0"));
    assert_eq!(
        schema.pointer("/meta/moduleFormat"),
        official.pointer("/meta/moduleFormat"),
        "meta.moduleFormat must stay the official one"
    );
    assert_eq!(
        names(object(&schema, "/resources")),
        RESOURCES
            .iter()
            .map(|t| t.to_string())
            .collect::<BTreeSet<_>>()
    );
    for key in ["displayName", "publisher", "homepage", "repository"] {
        assert!(
            schema[key].as_str().is_some_and(|s| !s.is_empty()),
            "top-level `{key}` must be a non-empty string"
        );
    }
    assert!(
        string_list(schema.get("keywords")).contains("auth0"),
        "keywords must include auth0"
    );
    assert_eq!(
        schema.pointer("/language/python/packageName"),
        Some(&json!("pulumi_auth0"))
    );
    assert_eq!(
        schema.pointer("/language/nodejs/packageName"),
        Some(&json!("pulumi-auth0-rs"))
    );
    assert_eq!(
        schema.pointer("/language/go/importBasePath"),
        Some(&json!(
            "github.com/pulumi-auth0-rs/pulumi-auth0-rs/sdk/go/auth0"
        ))
    );
}

#[test]
fn schema_json_is_pretty_printed_with_two_spaces_and_sorted_maps() {
    let text = std::fs::read_to_string(repo_root().join("schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    // serde_json keeps key order here (the workspace enables preserve_order), so a pretty
    // re-print equals the file only if the file is 2-space pretty-printed as it stands.
    let reprinted = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    assert!(
        text == reprinted,
        "schema.json is not 2-space pretty-printed with a final newline; regenerate it with sorted keys and indent 2"
    );
    let mut unsorted = BTreeMap::new();
    find_unsorted_maps(&schema, "", &mut unsorted);
    assert_no_differences(
        "key order",
        unsorted
            .into_iter()
            .map(|(at, keys)| format!("{at}: keys not sorted: {keys}"))
            .collect(),
    );
}

fn find_unsorted_maps(value: &Value, at: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            let keys: Vec<&String> = map.keys().collect();
            if keys.windows(2).any(|w| w[0] > w[1]) {
                let shown: Vec<&str> = keys.iter().take(6).map(|k| k.as_str()).collect();
                out.insert(
                    if at.is_empty() { "/".into() } else { at.into() },
                    shown.join(", "),
                );
            }
            for (k, v) in map {
                find_unsorted_maps(v, &format!("{at}/{}", seg(k)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_unsorted_maps(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
