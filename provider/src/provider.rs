//! `Auth0Provider`: the plugin's implementation of [`crate::rpc::Provider`]. It runs the
//! schema-driven check and diff, expands inputs into one Auth0 request per operation, and
//! flattens Auth0's answer back into state.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::Method;
use serde_json::Value as Json;

use crate::auth0::{encode_path_segment, ApiError, ApiRequest, Auth0Client};
use crate::check::{apply_defaults, Checker};
use crate::config::settings_from_config;
use crate::diff::{self, DiffInput};
use crate::error::Error;
use crate::mapping;
use crate::resources::lifecycle::{self, Collection, Lifecycle, Op};
use crate::resources::{self, Context, Resource, ResourceDef};
use crate::rpc::*;
use crate::schema::{self, Property};
use crate::state::{self, imported_inputs, refreshed_inputs};
use crate::value::{PropertyMap, Value};

mod invoke;
mod scope_owners;

type Env = dyn Fn(&str) -> Option<String> + Send + Sync;

pub struct Auth0Provider {
    diagnostics: RwLock<Arc<dyn Diagnostics>>,
    client: RwLock<Option<Auth0Client>>,
    env: Box<Env>,
    /// Check warnings already given, by resource URN: the engine may check a resource more
    /// than once in a run, and a program is told each thing once.
    checked_warnings: Mutex<HashSet<(String, String)>>,
    /// Which resources of this run manage each API's scope list: identifier → (label, URN).
    scope_owners: scope_owners::ScopeOwners,
}

impl Auth0Provider {
    pub fn new() -> Arc<Self> {
        Self::with_env(Box::new(|name| std::env::var(name).ok()))
    }

    /// A provider reading `AUTH0_*` settings through `env` instead of the process environment.
    pub fn with_env(env: Box<Env>) -> Arc<Self> {
        Arc::new(Auth0Provider {
            diagnostics: RwLock::new(Arc::new(TracingDiagnostics)),
            client: RwLock::new(None),
            env,
            checked_warnings: Mutex::new(HashSet::new()),
            scope_owners: Default::default(),
        })
    }

    fn client(&self) -> Result<Auth0Client> {
        self.client.read().unwrap_or_else(PoisonError::into_inner).clone().ok_or_else(|| {
            Error::Config(
                "the auth0 provider is not configured; set auth0:domain and credentials (auth0:clientId and auth0:clientSecret, or auth0:apiToken)".into(),
            )
        })
    }

    fn management_audience(&self) -> Option<String> {
        self.client
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|c| c.settings().audience.clone())
    }

    fn warn(&self, urn: &str, messages: impl IntoIterator<Item = String>) {
        let diagnostics = self
            .diagnostics
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for message in messages {
            diagnostics.log(Severity::Warning, urn, &message);
        }
    }

    /// Like `warn`, but each message only the first time it is given for this URN.
    fn warn_once(&self, urn: &str, messages: Vec<String>) {
        let mut given = self
            .checked_warnings
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let fresh: Vec<String> = messages
            .into_iter()
            .filter(|m| given.insert((urn.to_string(), m.clone())))
            .collect();
        drop(given);
        self.warn(urn, fresh);
    }

    /// Sends what the behaviours warned about so far, before Auth0 is asked (so a failing
    /// request still shows them).
    fn flush_warnings(&self, urn: &str, ctx: &Context<'_>) {
        let warnings =
            std::mem::take(&mut *ctx.warnings.lock().unwrap_or_else(PoisonError::into_inner));
        self.warn(urn, warnings);
    }

    fn env_lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |name| (self.env)(name)
    }
}

fn resource_for(token: &str) -> Result<(&'static dyn Resource, &'static schema::Resource)> {
    let resource = resources::lookup(token).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "unknown resource type {token:?}; this provider manages {}",
            resources::labels()
        ))
    })?;
    let spec = schema::package()
        .resource(token)
        .ok_or_else(|| Error::Internal(format!("schema.json has no resource {token}")))?;
    Ok((resource, spec))
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|t| Instant::now() + t)
}

fn lifecycle(resource: &dyn Resource) -> &dyn Lifecycle {
    resource.lifecycle().unwrap_or(&Collection)
}

/// `<logical name>-<7 hex>`, deterministic for the engine's random seed.
fn autoname(name: &str, seed: &[u8]) -> String {
    let bytes: Vec<u8> = if seed.len() >= 4 {
        seed[..4].to_vec()
    } else {
        rand::random::<[u8; 4]>().to_vec()
    };
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{name}-{}", &hex[..7])
}

/// Inputs that go to Auth0 (provider-only ones stay in state).
fn sent_inputs(def: &ResourceDef, spec: &schema::Resource) -> BTreeMap<String, Property> {
    spec.inputs
        .iter()
        .filter(|(name, _)| !def.provider_only.contains(&name.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl Auth0Provider {
    async fn explain(
        &self,
        resource: &dyn Resource,
        ctx: &Context<'_>,
        inputs: &PropertyMap,
        err: ApiError,
    ) -> Error {
        if matches!(err, ApiError::Status { .. }) {
            if let Ok(client) = self.client() {
                if let Some(sentence) = resource.explain(ctx, &client, inputs, &err).await {
                    return Error::Auth0 {
                        status: err.status().unwrap_or_default(),
                        message: sentence,
                    };
                }
            }
        }
        match err {
            ApiError::Status { status, .. } => Error::Auth0 {
                status,
                message: format!("{}: {}", resource.def().label, err.sentence()),
            },
            other => Error::from(other),
        }
    }

    fn context(&self) -> Context<'static> {
        Context {
            package: schema::package(),
            management_audience: self.management_audience(),
            warnings: Mutex::new(Vec::new()),
        }
    }
}

fn value_of(map: &PropertyMap, name: &str) -> Option<Value> {
    map.get(name).filter(|v| !v.is_null()).cloned()
}

#[async_trait]
impl Provider for Auth0Provider {
    fn schema(&self) -> &str {
        schema::served_schema()
    }

    fn set_diagnostics(&self, diagnostics: Arc<dyn Diagnostics>) {
        *self
            .diagnostics
            .write()
            .unwrap_or_else(PoisonError::into_inner) = diagnostics;
    }

    async fn check_config(&self, req: CheckRequest) -> Result<CheckResponse> {
        // Unknown config (computed from other resources) cannot be validated yet.
        if req.news.values().any(Value::contains_unknowns) {
            return Ok(CheckResponse {
                inputs: req.news,
                failures: Vec::new(),
            });
        }
        let failures = match settings_from_config(&req.news, &self.env_lookup()) {
            Ok(_) => Vec::new(),
            Err(failures) => failures,
        };
        Ok(CheckResponse {
            inputs: req.news,
            failures,
        })
    }

    async fn diff_config(&self, req: DiffRequest) -> Result<DiffResponse> {
        Ok(crate::config::diff_config(&req))
    }

    async fn configure(&self, req: ConfigureRequest) -> Result<()> {
        let settings = settings_from_config(&req.args, &self.env_lookup()).map_err(|failures| {
            Error::Config(
                failures
                    .into_iter()
                    .map(|f| f.reason)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })?;
        let client = Auth0Client::with_env(settings, &self.env_lookup())?;
        *self.client.write().unwrap_or_else(PoisonError::into_inner) = Some(client);
        Ok(())
    }

    async fn check(&self, req: CheckRequest) -> Result<CheckResponse> {
        let (resource, spec) = resource_for(&req.type_token)?;
        let def = resource.def();
        let ctx = self.context();
        let mut inputs = req.news.clone();
        let mut checker = Checker::new(ctx.package, def.label, def.allowed_values);
        if let Some(name_prop) = def.autoname {
            if value_of(&inputs, name_prop).is_none() {
                match (value_of(&req.olds, name_prop), &req.autonaming) {
                    (Some(old), _) => {
                        inputs.insert(name_prop.into(), old);
                    }
                    (None, Some(a)) if a.mode == AutonamingMode::Disable => checker.fail(
                        name_prop,
                        "is required because autonaming is disabled for this stack; set it",
                    ),
                    (None, Some(a)) => {
                        inputs.insert(name_prop.into(), Value::String(a.proposed_name.clone()));
                    }
                    (None, None) => {
                        inputs.insert(
                            name_prop.into(),
                            Value::String(autoname(&req.name, &req.random_seed)),
                        );
                    }
                }
            }
        }
        apply_defaults(&mut inputs, &spec.inputs);
        checker.check_map(&inputs, &spec.inputs, &spec.required_inputs, "");
        resource.check(&ctx, &req, &inputs, &mut checker);
        resource.normalize(&ctx, &mut inputs);
        if let Some(identifier) = resource.scope_owner(&inputs) {
            if let Some(warning) = self.scope_owners.claim(def.label, &req.urn, identifier) {
                ctx.warn(warning);
            }
        }
        let mut warnings: Vec<String> = checker
            .deprecations
            .iter()
            .map(|(path, message)| format!("{}.{path} is deprecated: {message}", def.label))
            .collect();
        warnings.extend(
            ctx.warnings
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
        );
        self.warn_once(&req.urn, warnings);
        Ok(CheckResponse {
            inputs,
            failures: checker.failures,
        })
    }

    async fn diff(&self, req: DiffRequest) -> Result<DiffResponse> {
        let (resource, spec) = resource_for(&req.type_token)?;
        let def = resource.def();
        let input = DiffInput {
            olds: &req.olds,
            news: &req.news,
            old_inputs: &req.old_inputs,
            ignore_changes: &req.ignore_changes,
        };
        let mut response = diff::diff(schema::package(), spec, def.set_properties, &input);
        if response.replaces.is_empty() {
            let rotating = def
                .rotation
                .is_some_and(|(trigger, _)| response.diffs.iter().any(|d| d == trigger));
            response.stables = spec
                .output_only()
                .map(|(name, _)| name.clone())
                .filter(|name| !(rotating && spec.outputs[name].secret))
                .chain(
                    spec.inputs
                        .keys()
                        .filter(|name| {
                            !response.diffs.contains(name) && spec.outputs.contains_key(*name)
                        })
                        .cloned(),
                )
                .collect();
        }
        Ok(response)
    }

    async fn create(&self, req: CreateRequest) -> Result<CreateResponse> {
        let (resource, spec) = resource_for(&req.type_token)?;
        let def = resource.def();
        if req.preview {
            let mut properties = req.properties.clone();
            for name in spec.outputs.keys() {
                properties.entry(name.clone()).or_insert(Value::Computed);
            }
            return Ok(CreateResponse {
                id: String::new(),
                properties,
            });
        }
        if let Some((name, _)) = req.properties.iter().find(|(_, v)| v.contains_unknowns()) {
            return Err(Error::InvalidArgument(format!(
                "{}.{name} is still unknown outside preview; this is an engine bug",
                def.label
            )));
        }
        let client = self.client()?;
        let ctx = self.context();
        let mut body = mapping::expand(
            ctx.package,
            def.api_names,
            &sent_inputs(def, spec),
            &req.properties,
        );
        resource.adjust_body(&ctx, &req.properties, &mut body);
        self.flush_warnings(&req.urn, &ctx);
        let op = Op {
            client: &client,
            def,
            deadline: deadline(req.timeout),
        };
        // Kept to resend or compare with what Auth0 holds if the create's answer is lost.
        let sent = body.clone();
        let created = match lifecycle(resource).create(&op, &req.properties, body).await {
            Ok(created) => created,
            Err(err) if err.outcome_unknown() && client.is_cancelled() => {
                return Err(lifecycle::cancelled_create(
                    resource, &req.name, &sent, &err,
                ))
            }
            Err(err) if err.outcome_unknown() => {
                tracing::warn!(resource = def.label, name = %req.name, "the answer to a create was lost; finding out whether Auth0 applied it");
                resource.recover_create(&op, &req.name, &sent, err).await?
            }
            Err(err) => return Err(self.explain(resource, &ctx, &req.properties, err).await),
        };
        let id = created
            .get(def.id_field)
            .and_then(Json::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                Error::Internal(format!(
                    "Auth0 created the {} but its answer has no {}",
                    def.label, def.id_field
                ))
            })?;
        let properties = state::from_body(def, spec, &created, &req.properties, None);
        Ok(CreateResponse { id, properties })
    }

    async fn read(&self, req: ReadRequest) -> Result<ReadResponse> {
        let (resource, spec) = resource_for(&req.type_token)?;
        let def = resource.def();
        let client = self.client()?;
        let op = Op {
            client: &client,
            def,
            deadline: deadline(req.timeout),
        };
        let body = match lifecycle(resource)
            .read(&op, &req.id, &req.properties)
            .await
        {
            Ok(body) => body,
            Err(err) if err.is_not_found() => return Ok(ReadResponse::default()),
            Err(err) => {
                return Err(self
                    .explain(resource, &self.context(), &req.inputs, err)
                    .await)
            }
        };
        let id = body
            .get(def.id_field)
            .and_then(Json::as_str)
            .unwrap_or(&req.id)
            .to_string();
        let importing = req.inputs.is_empty() && req.properties.is_empty();
        let properties = state::from_body(def, spec, &body, &req.inputs, Some(&req.properties));
        let inputs = if importing {
            imported_inputs(def, spec, &properties)
        } else {
            refreshed_inputs(def, &req.inputs, &properties)
        };
        Ok(ReadResponse {
            id,
            properties,
            inputs,
        })
    }

    async fn update(&self, req: UpdateRequest) -> Result<UpdateResponse> {
        let (resource, spec) = resource_for(&req.type_token)?;
        let def = resource.def();
        let package = schema::package();
        let input = DiffInput {
            olds: &req.olds,
            news: &req.news,
            old_inputs: &req.old_inputs,
            ignore_changes: &req.ignore_changes,
        };
        let changed = diff::diff(package, spec, def.set_properties, &input).diffs;
        let rotate = def
            .rotation
            .filter(|(trigger, _)| changed.iter().any(|c| c == trigger));

        if req.preview {
            let mut properties = req.olds.clone();
            for name in &changed {
                match req.news.get(name) {
                    Some(value) => properties.insert(name.clone(), value.clone()),
                    None => properties.remove(name),
                };
            }
            if rotate.is_some() {
                for (name, property) in spec.output_only() {
                    if property.secret {
                        properties.insert(name.clone(), Value::Computed);
                    }
                }
            }
            return Ok(UpdateResponse { properties });
        }

        let client = self.client()?;
        let ctx = self.context();
        let sendable = sent_inputs(def, spec);
        let rules = def.update_rules(package, &sendable);
        let (mut body, warnings) = mapping::update_body(
            package,
            &rules,
            &changed,
            &req.olds,
            &req.old_inputs,
            &req.news,
        );
        for warning in warnings {
            ctx.warn(warning);
        }
        resource.adjust_body(&ctx, &req.news, &mut body);
        self.flush_warnings(&req.urn, &ctx);

        let path = format!("{}/{}", def.collection, encode_path_segment(&req.id));
        let deadline = deadline(req.timeout);
        let op = Op {
            client: &client,
            def,
            deadline,
        };
        let mut latest: Option<Json> = None;
        if !body.is_empty() {
            match lifecycle(resource)
                .update(&op, &req.id, &req.olds, &req.news, body)
                .await
            {
                Ok(updated) => latest = Some(updated),
                Err(err) if err.outcome_unknown() && client.is_cancelled() => {
                    return Err(lifecycle::cancelled_change(def, &err))
                }
                Err(err) => return Err(self.explain(resource, &ctx, &req.news, err).await),
            }
        }
        if let Some((_, action)) = rotate {
            let rotated = client
                .send(ApiRequest::new(Method::POST, format!("{path}/{action}")).deadline(deadline))
                .await;
            match rotated {
                Ok(response) => latest = Some(response.body),
                Err(err) => {
                    let err = self.explain(resource, &ctx, &req.news, err).await;
                    return Err(match latest {
                        // The PATCH went through: keep its result in state.
                        Some(body) => Error::PartialFailure {
                            id: req.id.clone(),
                            properties: state::from_body(
                                def,
                                spec,
                                &body,
                                &req.old_inputs,
                                Some(&req.olds),
                            ),
                            inputs: req.old_inputs.clone(),
                            reasons: vec![format!(
                                "{}: the update was applied but rotating the secret failed: {err}",
                                def.label
                            )],
                        },
                        None => err,
                    });
                }
            }
        }
        let properties = match latest {
            Some(body) => state::from_body(def, spec, &body, &req.news, Some(&req.olds)),
            None => {
                // Only provider-side inputs changed: nothing to ask Auth0.
                let mut properties = req.olds.clone();
                for name in def.provider_only {
                    match req.news.get(*name) {
                        Some(v) if spec.outputs.contains_key(*name) => {
                            properties.insert(name.to_string(), v.clone())
                        }
                        _ => properties.remove(*name),
                    };
                }
                properties
            }
        };
        Ok(UpdateResponse { properties })
    }

    async fn delete(&self, req: DeleteRequest) -> Result<()> {
        let (resource, _) = resource_for(&req.type_token)?;
        let def = resource.def();
        let client = self.client()?;
        let op = Op {
            client: &client,
            def,
            deadline: deadline(req.timeout),
        };
        match lifecycle(resource)
            .delete(&op, &req.id, &req.properties)
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.is_not_found() => Ok(()),
            Err(err) if err.outcome_unknown() && client.is_cancelled() => {
                Err(lifecycle::cancelled_change(def, &err))
            }
            Err(err) => Err(self
                .explain(resource, &self.context(), &req.old_inputs, err)
                .await),
        }
    }

    async fn invoke(&self, req: InvokeRequest) -> Result<InvokeResponse> {
        self.run_function(req).await
    }

    async fn cancel(&self) {
        if let Some(client) = self
            .client
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            client.cancel();
        }
    }
}
