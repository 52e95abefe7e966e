//! The provider-against-emulator harness: create, diff, read, refresh, import, update and delete one sample.

use super::schema_walk::{exposed_secrets, input_type, is_empty, mismatches};
use super::*;

#[derive(Debug, Clone)]
pub(super) struct Failure {
    pub(super) path: String,
    pub(super) phase: &'static str,
    pub(super) detail: String,
}

pub(super) struct Run {
    pub(super) emulator: Emulator,
    pub(super) provider: Arc<Auth0Provider>,
    /// Placeholders in sample values: `{api}`, `{api2}`, `{client}`, `{client2}`.
    fixtures: BTreeMap<&'static str, String>,
    /// Outputs of a resource created from the base inputs only, per type token.
    pub(super) baselines: BTreeMap<&'static str, PropertyMap>,
    pub(super) failures: Vec<Failure>,
    pub(super) creates: usize,
    pub(super) counter: usize,
}

fn props(json: &Json) -> PropertyMap {
    match Value::from_json(json) {
        Value::Object(map) => map,
        other => panic!("not an object: {other:?}"),
    }
}

pub(super) fn urn(token: &str, name: &str) -> String {
    format!("urn:pulumi:coverage::coverage::{token}::{name}")
}

pub(super) fn describe_diff(d: &DiffResponse) -> String {
    let paths: Vec<String> = d
        .detailed_diff
        .iter()
        .map(|(k, v)| format!("{k}:{:?}", v.kind))
        .collect();
    format!(
        "diffs {:?} replaces {:?} detail [{}]",
        d.diffs,
        d.replaces,
        paths.join(", ")
    )
}

impl Run {
    pub(super) async fn start() -> Run {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .expect("emulator starts");
        let provider = Auth0Provider::with_env(Box::new(|_| None));
        let mut args = props(&json!({
            "domain": emulator.base_url(),
            "clientId": emulator.bootstrap_client_id(),
        }));
        args.insert(
            "clientSecret".into(),
            Value::from(emulator.bootstrap_client_secret()).into_secret(),
        );
        provider
            .configure(ConfigureRequest { args })
            .await
            .expect("the provider configures against the emulator");
        Run {
            emulator,
            provider,
            fixtures: BTreeMap::new(),
            baselines: BTreeMap::new(),
            failures: Vec::new(),
            creates: 0,
            counter: 0,
        }
    }

    pub(super) fn substitute(&self, value: &Json) -> Json {
        match value {
            Json::String(text) => {
                let mut text = text.clone();
                for (placeholder, actual) in &self.fixtures {
                    text = text.replace(placeholder, actual);
                }
                Json::String(text)
            }
            Json::Array(items) => Json::Array(items.iter().map(|v| self.substitute(v)).collect()),
            Json::Object(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), self.substitute(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    pub(super) fn base(&mut self, sample_token: &str, base: Option<&Json>) -> Json {
        self.counter += 1;
        match (sample_token, base) {
            (_, Some(b)) => self.substitute(b),
            (API, None) => json!({
                "identifier": format!("https://api-{}.coverage.example.com/", self.counter)
            }),
            (GRANT, None) => self.substitute(&json!({"audience": "{api}", "clientId": "{client}"})),
            _ => json!({}),
        }
    }

    pub(super) fn fail(&mut self, path: &str, phase: &'static str, mut detail: String) {
        if detail.chars().count() > 400 {
            detail = detail.chars().take(400).collect::<String>() + "…";
        }
        self.failures.push(Failure {
            path: path.to_string(),
            phase,
            detail,
        });
    }

    pub(super) async fn check(
        &self,
        token: &str,
        name: &str,
        olds: &PropertyMap,
        news: &Json,
    ) -> Result<PropertyMap, String> {
        let response = self
            .provider
            .check(CheckRequest {
                urn: urn(token, name),
                name: name.into(),
                type_token: token.into(),
                olds: olds.clone(),
                news: props(news),
                random_seed: vec![1, 2, 3, 4],
                autonaming: None,
            })
            .await
            .map_err(|e| format!("check errored: {e}"))?;
        if response.failures.is_empty() {
            Ok(response.inputs)
        } else {
            let reasons: Vec<&str> = response
                .failures
                .iter()
                .map(|f| f.reason.as_str())
                .collect();
            Err(format!("check failed: {}", reasons.join(" | ")))
        }
    }

    pub(super) async fn create(
        &mut self,
        token: &str,
        name: &str,
        inputs: &PropertyMap,
    ) -> Result<(String, PropertyMap), String> {
        self.creates += 1;
        let response = self
            .provider
            .create(CreateRequest {
                urn: urn(token, name),
                name: name.into(),
                type_token: token.into(),
                properties: inputs.clone(),
                timeout: None,
                preview: false,
            })
            .await
            .map_err(|e| format!("create errored: {e}"))?;
        Ok((response.id, response.properties))
    }

    pub(super) async fn diff(
        &self,
        token: &str,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        old_inputs: &PropertyMap,
    ) -> DiffResponse {
        self.provider
            .diff(DiffRequest {
                id: id.into(),
                urn: urn(token, "sample"),
                name: "sample".into(),
                type_token: token.into(),
                olds: olds.clone(),
                news: news.clone(),
                old_inputs: old_inputs.clone(),
                ignore_changes: Vec::new(),
            })
            .await
            .expect("diff never errors on well-formed state")
    }

    async fn read(
        &self,
        token: &str,
        id: &str,
        properties: &PropertyMap,
        inputs: &PropertyMap,
    ) -> Result<(PropertyMap, PropertyMap), String> {
        let response = self
            .provider
            .read(ReadRequest {
                id: id.into(),
                urn: urn(token, "sample"),
                name: "sample".into(),
                type_token: token.into(),
                properties: properties.clone(),
                inputs: inputs.clone(),
                timeout: None,
            })
            .await
            .map_err(|e| format!("read errored: {e}"))?;
        if response.id.is_empty() {
            return Err("read says the resource is gone".into());
        }
        Ok((response.properties, response.inputs))
    }

    /// Refresh: Read with the current state and inputs must find what the program set, give
    /// back the same inputs, and leave the next diff settled.
    pub(super) async fn refresh(
        &mut self,
        token: &str,
        id: &str,
        phase: &'static str,
        blame: &str,
        state: &PropertyMap,
        inputs: &PropertyMap,
    ) {
        match self.read(token, id, state, inputs).await {
            Ok((read, refreshed)) => {
                let _ = self.compare(token, phase, inputs, &read)
                    && self.compare(token, phase, inputs, &refreshed)
                    && self
                        .settled(token, id, phase, &read, inputs, &refreshed)
                        .await;
            }
            Err(e) => self.fail(blame, phase, e),
        }
    }

    /// Import: Read with no state must give inputs that hold the program's non-default
    /// value of `prop`, and that diff as no change against what it read.
    pub(super) async fn import(
        &mut self,
        token: &str,
        id: &str,
        prop: &str,
        blame: &str,
        inputs: &PropertyMap,
    ) {
        let (read, imported) = match self
            .read(token, id, &PropertyMap::new(), &PropertyMap::new())
            .await
        {
            Ok(r) => r,
            Err(e) => return self.fail(blame, "import", e),
        };
        let def = resources::lookup(token).unwrap().def();
        if let Some(value) = inputs.get(prop) {
            let is_default = defaults::is_import_default(def.auth0_defaults, prop, value);
            let set = def.set_properties.contains(&prop);
            if !is_default && !def.provider_only.contains(&prop) {
                for path in mismatches(
                    prop,
                    &input_type(token, prop),
                    value,
                    imported.get(prop),
                    set,
                ) {
                    self.fail(
                        &path,
                        "import",
                        format!(
                            "the imported program lacks it: {:?}",
                            imported.get(prop).map(|v| v.unwrap_all().to_json())
                        ),
                    );
                }
            }
        }
        let _ = self
            .settled(token, id, "import", &read, &imported, &imported)
            .await;
    }

    pub(super) async fn update(
        &self,
        token: &str,
        id: &str,
        olds: &PropertyMap,
        news: &PropertyMap,
        old_inputs: &PropertyMap,
    ) -> Result<PropertyMap, String> {
        self.provider
            .update(UpdateRequest {
                id: id.into(),
                urn: urn(token, "sample"),
                name: "sample".into(),
                type_token: token.into(),
                olds: olds.clone(),
                news: news.clone(),
                old_inputs: old_inputs.clone(),
                ignore_changes: Vec::new(),
                timeout: None,
                preview: false,
            })
            .await
            .map(|r| r.properties)
            .map_err(|e| format!("update errored: {e}"))
    }

    async fn delete(&self, token: &str, id: &str) {
        self.provider
            .delete(DeleteRequest {
                id: id.into(),
                urn: urn(token, "sample"),
                name: "sample".into(),
                type_token: token.into(),
                properties: PropertyMap::new(),
                old_inputs: PropertyMap::new(),
                timeout: None,
            })
            .await
            .expect("deleting a sample resource succeeds");
    }

    /// Creates the objects samples refer to, through the provider itself.
    pub(super) async fn fixtures(&mut self) {
        for (key, identifier) in [
            ("{api}", "https://fixture-api.coverage.example.com/"),
            ("{api2}", "https://fixture-api-2.coverage.example.com/"),
        ] {
            let news = json!({"identifier": identifier, "scopes": [{"value": "read:data"}, {"value": "write:data"}]});
            let inputs = self
                .check(API, "fixture", &PropertyMap::new(), &news)
                .await
                .unwrap();
            self.create(API, "fixture", &inputs).await.unwrap();
            self.fixtures.insert(key, identifier.to_string());
        }
        for key in ["{client}", "{client2}"] {
            let news = json!({"appType": "non_interactive", "grantTypes": ["client_credentials"]});
            let inputs = self
                .check(CLIENT, "fixture", &PropertyMap::new(), &news)
                .await
                .unwrap();
            let (id, outputs) = self.create(CLIENT, "fixture", &inputs).await.unwrap();
            self.fixtures.insert(key, id);
            // The tenant's signing certificate: a real RSA X.509 PEM for tokenEncryption.
            if let Some(Value::Array(keys)) = outputs.get("signingKeys").map(Value::unwrap_all) {
                if let Some(Value::Object(key)) = keys.first() {
                    if let Some(cert) = key.get("cert").and_then(Value::as_str) {
                        self.fixtures.insert("{cert}", cert.to_string());
                    }
                }
            }
        }
        for token in [CLIENT, API, GRANT] {
            let news = self.base(token, None);
            let inputs = self
                .check(token, "baseline", &PropertyMap::new(), &news)
                .await
                .unwrap();
            let (id, outputs) = self.create(token, "baseline", &inputs).await.unwrap();
            self.baselines.insert(token, outputs);
            if token == GRANT {
                self.delete(GRANT, &id).await;
            }
        }
    }

    /// Whether the state holds nothing of `prop` beyond what "reset" may mean: a default Check
    /// fills in, what a resource that never had the property holds, or one of Auth0's defaults
    /// the provider knows of.
    pub(super) fn is_reset(
        &self,
        token: &str,
        prop: &str,
        inputs: &PropertyMap,
        state: &PropertyMap,
    ) -> Result<(), String> {
        let ty = input_type(token, prop);
        let def = resources::lookup(token).unwrap().def();
        let held = state.get(prop).map(Value::unwrap_all);
        let mut expected: Vec<Value> = inputs
            .get(prop)
            .into_iter()
            .chain(self.baselines[token].get(prop))
            .map(Value::unwrap_all)
            .collect();
        expected.extend(defaults::import_values(def.auth0_defaults, prop));
        // "" is how Auth0 clears a string that cannot be null.
        let ok = is_empty(held.as_ref())
            || held.as_ref().and_then(Value::as_str) == Some("")
            || held.as_ref().is_some_and(|h| {
                expected.iter().any(|e| {
                    // Both ways round: nothing of the removed value may survive.
                    mismatches(prop, &ty, e, Some(h), true).is_empty()
                        && mismatches(prop, &ty, h, Some(e), true).is_empty()
                })
            });
        if ok {
            Ok(())
        } else {
            Err(format!(
                "Auth0 still holds {:?}; a resource that never had it holds {:?}",
                held.and_then(|v| v.to_json()),
                expected.first().and_then(|v| v.to_json())
            ))
        }
    }

    /// Compares every input with the state; returns false if anything is missing.
    pub(super) fn compare(
        &mut self,
        token: &str,
        phase: &'static str,
        inputs: &PropertyMap,
        state: &PropertyMap,
    ) -> bool {
        let def = resources::lookup(token).unwrap().def();
        let mut ok = true;
        for (name, value) in inputs {
            let ty = input_type(token, name);
            let set = def.set_properties.contains(&name.as_str());
            for path in mismatches(name, &ty, value, state.get(name), set) {
                ok = false;
                let detail = format!(
                    "program {:?} but state {:?}",
                    value.unwrap_all().to_json(),
                    state.get(name).map(|v| v.unwrap_all().to_json())
                );
                self.fail(&path, phase, detail);
            }
            if let Some(held) = state.get(name) {
                let mut exposed = BTreeSet::new();
                let secret = schema::package().resource(token).unwrap().inputs[name].secret;
                exposed_secrets(name, &ty, held, secret, false, &mut exposed);
                for path in exposed {
                    ok = false;
                    // Only the path: the value is a secret.
                    self.fail(
                        &path,
                        phase,
                        "schema.json marks it secret but the state holds it in plain text".into(),
                    );
                }
            }
        }
        ok
    }

    /// Asserts Diff(olds=state, news=inputs, old_inputs) has no changes; blames the paths it names.
    pub(super) async fn settled(
        &mut self,
        token: &str,
        id: &str,
        phase: &'static str,
        state: &PropertyMap,
        inputs: &PropertyMap,
        old_inputs: &PropertyMap,
    ) -> bool {
        let d = self.diff(token, id, state, inputs, old_inputs).await;
        if d.changes == Changes::None {
            return true;
        }
        let detail = format!("diff is not settled: {}", describe_diff(&d));
        for path in d.detailed_diff.keys() {
            self.fail(&strip_indices(path), phase, detail.clone());
        }
        if d.detailed_diff.is_empty() {
            for path in d.diffs.clone() {
                self.fail(&path, phase, detail.clone());
            }
        }
        false
    }
}
