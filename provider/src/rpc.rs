//! The engine-facing operations in domain terms. The wire adapter (`crate::wire`) decodes
//! each gRPC request into one of these, calls [`Provider`], and encodes the answer.
//! Nothing here knows about protobuf; nothing in the wire adapter knows about Auth0.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;

use crate::error::Error;
use crate::value::PropertyMap;

pub type Result<T> = std::result::Result<T, Error>;

/// How the engine asks for a resource's name to be generated (CheckRequest.autonaming).
#[derive(Clone, Debug, PartialEq)]
pub struct Autonaming {
    pub proposed_name: String,
    pub mode: AutonamingMode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutonamingMode {
    /// Use the proposed name (the provider may still ignore it).
    Propose,
    /// The proposed name must be used as it is.
    Enforce,
    /// No autonaming: the user must give a name.
    Disable,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckRequest {
    pub urn: String,
    pub name: String,
    pub type_token: String,
    pub olds: PropertyMap,
    pub news: PropertyMap,
    pub random_seed: Vec<u8>,
    pub autonaming: Option<Autonaming>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    /// The property path at fault, e.g. `clientMetadata` or `jwtConfiguration.alg`.
    pub property: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckResponse {
    pub inputs: PropertyMap,
    pub failures: Vec<CheckFailure>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiffRequest {
    pub id: String,
    pub urn: String,
    pub name: String,
    pub type_token: String,
    /// The old outputs (state).
    pub olds: PropertyMap,
    /// The new checked inputs.
    pub news: PropertyMap,
    pub old_inputs: PropertyMap,
    pub ignore_changes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffKind {
    Add,
    AddReplace,
    Delete,
    DeleteReplace,
    Update,
    UpdateReplace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropertyDiff {
    pub kind: DiffKind,
    /// True when the diff is against the old inputs rather than the old outputs.
    pub input_diff: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Changes {
    #[default]
    Unknown,
    None,
    Some,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiffResponse {
    pub changes: Changes,
    /// Top-level properties whose change forces a replacement.
    pub replaces: Vec<String>,
    /// Top-level properties whose outputs will not change.
    pub stables: Vec<String>,
    pub delete_before_replace: bool,
    /// Top-level properties that changed.
    pub diffs: Vec<String>,
    /// Property path (e.g. `scopes[1]`, `refreshToken.leeway`) to its change.
    pub detailed_diff: BTreeMap<String, PropertyDiff>,
    pub has_detailed_diff: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigureRequest {
    /// Config keys without the `auth0:` prefix, e.g. `domain`, `clientSecret`.
    /// Non-string values arrive JSON-encoded as strings.
    pub args: PropertyMap,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateRequest {
    pub urn: String,
    pub name: String,
    pub type_token: String,
    pub properties: PropertyMap,
    /// None when the user set no custom timeout (the engine sends 0).
    pub timeout: Option<Duration>,
    pub preview: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateResponse {
    pub id: String,
    pub properties: PropertyMap,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadRequest {
    pub id: String,
    pub urn: String,
    pub name: String,
    pub type_token: String,
    /// The current state; empty on `pulumi import`.
    pub properties: PropertyMap,
    /// The current inputs; empty on `pulumi import`.
    pub inputs: PropertyMap,
    /// None when the user set no custom timeout (the engine sends 0).
    pub timeout: Option<Duration>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadResponse {
    /// Empty when the resource no longer exists.
    pub id: String,
    pub properties: PropertyMap,
    pub inputs: PropertyMap,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateRequest {
    pub id: String,
    pub urn: String,
    pub name: String,
    pub type_token: String,
    pub olds: PropertyMap,
    pub news: PropertyMap,
    pub old_inputs: PropertyMap,
    pub ignore_changes: Vec<String>,
    pub timeout: Option<Duration>,
    pub preview: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateResponse {
    pub properties: PropertyMap,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteRequest {
    pub id: String,
    pub urn: String,
    pub name: String,
    pub type_token: String,
    pub properties: PropertyMap,
    pub old_inputs: PropertyMap,
    pub timeout: Option<Duration>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvokeRequest {
    /// The function's type token, e.g. `auth0:index/getClient:getClient`.
    pub token: String,
    pub args: PropertyMap,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct InvokeResponse {
    pub outputs: PropertyMap,
    /// Inputs the function refused, as Check reports them; then `outputs` is empty.
    pub failures: Vec<CheckFailure>,
}

/// Severity of a diagnostic sent to the engine (engine.proto LogSeverity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Debug,
    Info,
    Warning,
    Error,
}

/// Where diagnostics go: the engine's Log service, so `pulumi up` shows them.
pub trait Diagnostics: Send + Sync {
    fn log(&self, severity: Severity, urn: &str, message: &str);
}

/// Diagnostics that go nowhere but tracing; used before the engine address is known and in tests.
pub struct TracingDiagnostics;

impl Diagnostics for TracingDiagnostics {
    fn log(&self, severity: Severity, urn: &str, message: &str) {
        tracing::info!(?severity, urn, message, "diagnostic");
    }
}

/// What the plugin does, in domain terms. The wire adapter calls exactly these.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The package schema (schema.json) as served by GetSchema.
    fn schema(&self) -> &str;
    /// The plugin version, from the workspace version.
    fn version(&self) -> &str {
        env!("CARGO_PKG_VERSION")
    }
    /// Installs the engine's diagnostics sink once the engine address is known.
    fn set_diagnostics(&self, diagnostics: std::sync::Arc<dyn Diagnostics>);

    async fn check_config(&self, req: CheckRequest) -> Result<CheckResponse>;
    async fn diff_config(&self, req: DiffRequest) -> Result<DiffResponse>;
    async fn configure(&self, req: ConfigureRequest) -> Result<()>;
    async fn check(&self, req: CheckRequest) -> Result<CheckResponse>;
    async fn diff(&self, req: DiffRequest) -> Result<DiffResponse>;
    async fn create(&self, req: CreateRequest) -> Result<CreateResponse>;
    async fn read(&self, req: ReadRequest) -> Result<ReadResponse>;
    async fn update(&self, req: UpdateRequest) -> Result<UpdateResponse>;
    async fn delete(&self, req: DeleteRequest) -> Result<()>;
    async fn invoke(&self, req: InvokeRequest) -> Result<InvokeResponse>;
    /// Stops in-flight work promptly; later calls may fail.
    async fn cancel(&self);
}
