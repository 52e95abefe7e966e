//! The `pulumirpc.ResourceProvider` gRPC service. It only converts and dispatches:
//! every request becomes a `crate::rpc` request, every answer or error goes back on the wire.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prost::Message;
use tonic::{Code, Request, Response, Status};

use super::engine_log::EngineLog;
use super::proto::google::rpc as google_rpc;
use super::proto::pulumirpc as pb;
use super::values::{decode_struct, encode_struct, Encoding};
use crate::error::Error;
use crate::rpc::{self, Provider};
use crate::value::{PropertyMap, Value};

type RpcResult<T> = Result<Response<T>, Status>;

/// The type URL under which ErrorResourceInitFailed travels in status details.
pub const ERROR_RESOURCE_INIT_FAILED_TYPE_URL: &str =
    "type.googleapis.com/pulumirpc.ErrorResourceInitFailed";

/// Values in responses are encoded without output objects: no engine request says it
/// accepts them back, and their plain form (secret/unknown) is always understood.
const RESPONSE_ENCODING: Encoding = Encoding { outputs: false };

/// Maps each error kind to exactly one gRPC code. Partial failures carry the resource's
/// state as an ErrorResourceInitFailed detail so the engine keeps it. An elapsed timeout is
/// DEADLINE_EXCEEDED, never CANCELLED: the engine and the user did not ask to stop.
pub fn status_from_error(err: &Error) -> Status {
    let message = err.to_string();
    match err {
        Error::InvalidArgument(_) => Status::new(Code::InvalidArgument, message),
        Error::Config(_) => Status::new(Code::FailedPrecondition, message),
        Error::Auth0 { .. } => Status::new(Code::Unknown, message),
        Error::Transport(_) => Status::new(Code::Unavailable, message),
        Error::Cancelled(_) => Status::new(Code::Cancelled, message),
        Error::DeadlineExceeded(_) => Status::new(Code::DeadlineExceeded, message),
        Error::RateLimited(_) => Status::new(Code::ResourceExhausted, message),
        Error::OutcomeUnknown(_) => Status::new(Code::Unknown, message),
        Error::Unimplemented(_) => Status::new(Code::Unimplemented, message),
        Error::Internal(_) => Status::new(Code::Internal, message),
        Error::PartialFailure {
            id,
            properties,
            inputs,
            reasons,
        } => {
            let detail = pb::ErrorResourceInitFailed {
                id: id.clone(),
                properties: Some(encode_struct(properties, RESPONSE_ENCODING)),
                reasons: reasons.clone(),
                inputs: Some(encode_struct(inputs, RESPONSE_ENCODING)),
                refresh_before_update: false,
            };
            let status = google_rpc::Status {
                code: Code::Unknown as i32,
                message: message.clone(),
                details: vec![prost_types::Any {
                    type_url: ERROR_RESOURCE_INIT_FAILED_TYPE_URL.to_string(),
                    value: detail.encode_to_vec(),
                }],
            };
            Status::with_details(Code::Unknown, message, status.encode_to_vec().into())
        }
    }
}

fn to_status(err: Error) -> Status {
    status_from_error(&err)
}

/// The service: a provider plus what the engine told us about itself.
pub struct ResourceProviderService {
    provider: Arc<dyn Provider>,
    engine_address: Mutex<Option<String>>,
}

impl ResourceProviderService {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        ResourceProviderService {
            provider,
            engine_address: Mutex::new(None),
        }
    }

    /// The tonic server for this service, ready to add to a `Server` builder.
    pub fn into_server(self) -> pb::resource_provider_server::ResourceProviderServer<Self> {
        pb::resource_provider_server::ResourceProviderServer::new(self)
    }

    /// Remembers the engine's address and routes the provider's diagnostics to it
    /// (once per distinct address; an empty address changes nothing).
    pub fn connect_engine(&self, address: &str) {
        if address.is_empty() {
            return;
        }
        let mut current = self
            .engine_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.as_deref() == Some(address) {
            return;
        }
        *current = Some(address.to_string());
        self.provider
            .set_diagnostics(Arc::new(EngineLog::spawn(address)));
    }

    /// Runs one provider operation on its own task, so a panic in it becomes an Internal
    /// error rather than a dropped connection. The task is aborted if the engine abandons the call.
    async fn call<T, F, Fut>(&self, operation: F) -> Result<T, Status>
    where
        F: FnOnce(Arc<dyn Provider>) -> Fut,
        Fut: Future<Output = rpc::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let task = tokio::spawn(operation(self.provider.clone()));
        let _abort = AbortOnDrop(task.abort_handle());
        match task.await {
            Ok(result) => result.map_err(to_status),
            Err(err) if err.is_panic() => Err(to_status(Error::Internal(
                "the provider panicked while handling this request; this is a bug, please report it with the plugin log".into(),
            ))),
            Err(_) => Err(to_status(Error::Cancelled(
                "the operation was cancelled before it finished".into(),
            ))),
        }
    }

    /// The engine address from the command line, Handshake or Attach, if any.
    pub fn engine_address(&self) -> Option<String> {
        self.engine_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A resource's name and type token: from the request, or derived from the URN when an
/// older engine leaves them empty.
fn name_and_type(urn: &str, name: String, type_token: String) -> Result<(String, String), Status> {
    if !name.is_empty() && !type_token.is_empty() {
        return Ok((name, type_token));
    }
    let (urn_name, urn_type) = parse_urn(urn).ok_or_else(|| {
        to_status(Error::InvalidArgument(format!(
            "urn \"{urn}\" is not a Pulumi URN; the engine must send urn:pulumi:<stack>::<project>::<type>::<name>"
        )))
    })?;
    let name = if name.is_empty() { urn_name } else { name };
    let type_token = if type_token.is_empty() {
        urn_type
    } else {
        type_token
    };
    Ok((name, type_token))
}

/// Splits `urn:pulumi:stack::project::parent$type::name` into (name, type). The name is
/// everything after the third `::` (names may contain `::`; types may not).
pub fn parse_urn(urn: &str) -> Option<(String, String)> {
    let rest = urn.strip_prefix("urn:pulumi:")?;
    let mut parts = rest.splitn(4, "::");
    let _stack = parts.next()?;
    let _project = parts.next()?;
    let qualified_type = parts.next()?;
    let name = parts.next()?;
    let type_token = qualified_type.rsplit('$').next()?;
    if type_token.is_empty() {
        return None;
    }
    Some((name.to_string(), type_token.to_string()))
}

/// The engine sends 0 for "no custom timeout"; anything not a positive finite number is none.
fn timeout(seconds: f64) -> Option<Duration> {
    if seconds.is_finite() && seconds > 0.0 {
        Duration::try_from_secs_f64(seconds).ok()
    } else {
        None
    }
}

fn decode(s: Option<&prost_types::Struct>, what: &str) -> Result<PropertyMap, Status> {
    decode_struct(s, what).map_err(to_status)
}

fn encode(map: &PropertyMap) -> Option<prost_types::Struct> {
    Some(encode_struct(map, RESPONSE_ENCODING))
}

fn check_request(req: pb::CheckRequest) -> Result<rpc::CheckRequest, Status> {
    let (name, type_token) = name_and_type(&req.urn, req.name, req.r#type)?;
    let autonaming = match req.autonaming {
        None => None,
        Some(options) => {
            use pb::check_request::autonaming_options::Mode;
            let mode = match Mode::try_from(options.mode) {
                Ok(Mode::Propose) => rpc::AutonamingMode::Propose,
                Ok(Mode::Enforce) => rpc::AutonamingMode::Enforce,
                Ok(Mode::Disable) => rpc::AutonamingMode::Disable,
                Err(_) => {
                    return Err(to_status(Error::InvalidArgument(format!(
                        "autonaming.mode {} is not a known mode; use PROPOSE (0), ENFORCE (1) or DISABLE (2)",
                        options.mode
                    ))))
                }
            };
            Some(rpc::Autonaming {
                proposed_name: options.proposed_name,
                mode,
            })
        }
    };
    Ok(rpc::CheckRequest {
        olds: decode(req.olds.as_ref(), "olds")?,
        news: decode(req.news.as_ref(), "news")?,
        urn: req.urn,
        name,
        type_token,
        random_seed: req.random_seed,
        autonaming,
    })
}

fn check_failures(failures: Vec<rpc::CheckFailure>) -> Vec<pb::CheckFailure> {
    failures
        .into_iter()
        .map(|f| pb::CheckFailure {
            property: f.property,
            reason: f.reason,
        })
        .collect()
}

fn check_response(resp: rpc::CheckResponse) -> pb::CheckResponse {
    pb::CheckResponse {
        inputs: encode(&resp.inputs),
        failures: check_failures(resp.failures),
    }
}

fn diff_request(req: pb::DiffRequest) -> Result<rpc::DiffRequest, Status> {
    let (name, type_token) = name_and_type(&req.urn, req.name, req.r#type)?;
    Ok(rpc::DiffRequest {
        olds: decode(req.olds.as_ref(), "olds")?,
        news: decode(req.news.as_ref(), "news")?,
        old_inputs: decode(req.old_inputs.as_ref(), "oldInputs")?,
        id: req.id,
        urn: req.urn,
        name,
        type_token,
        ignore_changes: req.ignore_changes,
    })
}

fn diff_response(resp: rpc::DiffResponse) -> pb::DiffResponse {
    use pb::diff_response::DiffChanges;
    use pb::property_diff::Kind;
    let changes = match resp.changes {
        rpc::Changes::Unknown => DiffChanges::DiffUnknown,
        rpc::Changes::None => DiffChanges::DiffNone,
        rpc::Changes::Some => DiffChanges::DiffSome,
    };
    let detailed_diff = resp
        .detailed_diff
        .into_iter()
        .map(|(path, diff)| {
            let kind = match diff.kind {
                rpc::DiffKind::Add => Kind::Add,
                rpc::DiffKind::AddReplace => Kind::AddReplace,
                rpc::DiffKind::Delete => Kind::Delete,
                rpc::DiffKind::DeleteReplace => Kind::DeleteReplace,
                rpc::DiffKind::Update => Kind::Update,
                rpc::DiffKind::UpdateReplace => Kind::UpdateReplace,
            };
            (
                path,
                pb::PropertyDiff {
                    kind: kind as i32,
                    input_diff: diff.input_diff,
                },
            )
        })
        .collect();
    pb::DiffResponse {
        replaces: resp.replaces,
        stables: resp.stables,
        delete_before_replace: resp.delete_before_replace,
        changes: changes as i32,
        diffs: resp.diffs,
        detailed_diff,
        has_detailed_diff: resp.has_detailed_diff,
    }
}

/// Config from the deprecated `variables` map (`auth0:config:domain` or `auth0:domain` keys),
/// for engines that send no `args`.
fn config_from_variables(variables: std::collections::HashMap<String, String>) -> PropertyMap {
    variables
        .into_iter()
        .map(|(key, value)| {
            let short = key.rsplit(':').next().unwrap_or(&key).to_string();
            (short, Value::String(value))
        })
        .collect()
}

fn unimplemented(rpc: &str) -> Status {
    to_status(Error::Unimplemented(format!(
        "{rpc} is not supported by the auth0 provider"
    )))
}

#[tonic::async_trait]
impl pb::resource_provider_server::ResourceProvider for ResourceProviderService {
    async fn handshake(
        &self,
        request: Request<pb::ProviderHandshakeRequest>,
    ) -> RpcResult<pb::ProviderHandshakeResponse> {
        self.connect_engine(&request.get_ref().engine_address);
        Ok(Response::new(pb::ProviderHandshakeResponse {
            accept_secrets: true,
            accept_resources: true,
            accept_outputs: true,
            supports_autonaming_configuration: true,
            accepts_byte_string: false,
        }))
    }

    async fn parameterize(
        &self,
        _: Request<pb::ParameterizeRequest>,
    ) -> RpcResult<pb::ParameterizeResponse> {
        Err(unimplemented("Parameterize"))
    }

    async fn get_schema(
        &self,
        request: Request<pb::GetSchemaRequest>,
    ) -> RpcResult<pb::GetSchemaResponse> {
        let req = request.into_inner();
        if req.version > 0 {
            return Err(to_status(Error::InvalidArgument(format!(
                "GetSchema version {} is not supported; this provider serves schema version 0",
                req.version
            ))));
        }
        if !req.subpackage_name.is_empty() {
            return Err(to_status(Error::InvalidArgument(format!(
                "subpackage \"{}\" is not known; the auth0 provider has no parameterized subpackages",
                req.subpackage_name
            ))));
        }
        Ok(Response::new(pb::GetSchemaResponse {
            schema: self.provider.schema().to_string(),
        }))
    }

    async fn check_config(
        &self,
        request: Request<pb::CheckRequest>,
    ) -> RpcResult<pb::CheckResponse> {
        let req = check_request(request.into_inner())?;
        let resp = self
            .call(move |p| async move { p.check_config(req).await })
            .await?;
        Ok(Response::new(check_response(resp)))
    }

    async fn diff_config(&self, request: Request<pb::DiffRequest>) -> RpcResult<pb::DiffResponse> {
        let req = diff_request(request.into_inner())?;
        let resp = self
            .call(move |p| async move { p.diff_config(req).await })
            .await?;
        Ok(Response::new(diff_response(resp)))
    }

    async fn configure(
        &self,
        request: Request<pb::ConfigureRequest>,
    ) -> RpcResult<pb::ConfigureResponse> {
        let req = request.into_inner();
        let args = match req.args.as_ref() {
            Some(args) => decode(Some(args), "config")?,
            None => config_from_variables(req.variables),
        };
        self.call(move |p| async move { p.configure(rpc::ConfigureRequest { args }).await })
            .await?;
        Ok(Response::new(pb::ConfigureResponse {
            accept_secrets: true,
            supports_preview: true,
            accept_resources: true,
            accept_outputs: true,
            supports_autonaming_configuration: true,
        }))
    }

    async fn invoke(&self, request: Request<pb::InvokeRequest>) -> RpcResult<pb::InvokeResponse> {
        let req = request.into_inner();
        let req = rpc::InvokeRequest {
            args: decode(req.args.as_ref(), "args")?,
            token: req.tok,
        };
        let resp = self
            .call(move |p| async move { p.invoke(req).await })
            .await?;
        Ok(Response::new(pb::InvokeResponse {
            r#return: encode(&resp.outputs),
            failures: check_failures(resp.failures),
        }))
    }

    async fn call(&self, _: Request<pb::CallRequest>) -> RpcResult<pb::CallResponse> {
        Err(unimplemented("Call"))
    }

    async fn check(&self, request: Request<pb::CheckRequest>) -> RpcResult<pb::CheckResponse> {
        let req = check_request(request.into_inner())?;
        let resp = self
            .call(move |p| async move { p.check(req).await })
            .await?;
        Ok(Response::new(check_response(resp)))
    }

    async fn diff(&self, request: Request<pb::DiffRequest>) -> RpcResult<pb::DiffResponse> {
        let req = diff_request(request.into_inner())?;
        let resp = self.call(move |p| async move { p.diff(req).await }).await?;
        Ok(Response::new(diff_response(resp)))
    }

    async fn create(&self, request: Request<pb::CreateRequest>) -> RpcResult<pb::CreateResponse> {
        let req = request.into_inner();
        let (name, type_token) = name_and_type(&req.urn, req.name, req.r#type)?;
        let req = rpc::CreateRequest {
            properties: decode(req.properties.as_ref(), "properties")?,
            urn: req.urn,
            name,
            type_token,
            timeout: timeout(req.timeout),
            preview: req.preview,
        };
        let resp = self
            .call(move |p| async move { p.create(req).await })
            .await?;
        Ok(Response::new(pb::CreateResponse {
            id: resp.id,
            properties: encode(&resp.properties),
            refresh_before_update: false,
        }))
    }

    async fn read(&self, request: Request<pb::ReadRequest>) -> RpcResult<pb::ReadResponse> {
        let req = request.into_inner();
        let (name, type_token) = name_and_type(&req.urn, req.name, req.r#type)?;
        let req = rpc::ReadRequest {
            properties: decode(req.properties.as_ref(), "properties")?,
            inputs: decode(req.inputs.as_ref(), "inputs")?,
            timeout: timeout(req.timeout),
            id: req.id,
            urn: req.urn,
            name,
            type_token,
        };
        let resp = self.call(move |p| async move { p.read(req).await }).await?;
        Ok(Response::new(pb::ReadResponse {
            id: resp.id,
            properties: encode(&resp.properties),
            inputs: encode(&resp.inputs),
            refresh_before_update: false,
        }))
    }

    type ListStream = tonic::codegen::tokio_stream::Empty<Result<pb::ListResponse, Status>>;

    async fn list(&self, _: Request<pb::ListRequest>) -> RpcResult<Self::ListStream> {
        Err(unimplemented("List"))
    }

    async fn update(&self, request: Request<pb::UpdateRequest>) -> RpcResult<pb::UpdateResponse> {
        let req = request.into_inner();
        let (name, type_token) = name_and_type(&req.urn, req.name, req.r#type)?;
        let req = rpc::UpdateRequest {
            olds: decode(req.olds.as_ref(), "olds")?,
            news: decode(req.news.as_ref(), "news")?,
            old_inputs: decode(req.old_inputs.as_ref(), "oldInputs")?,
            id: req.id,
            urn: req.urn,
            name,
            type_token,
            ignore_changes: req.ignore_changes,
            timeout: timeout(req.timeout),
            preview: req.preview,
        };
        let resp = self
            .call(move |p| async move { p.update(req).await })
            .await?;
        Ok(Response::new(pb::UpdateResponse {
            properties: encode(&resp.properties),
            refresh_before_update: false,
        }))
    }

    async fn delete(&self, request: Request<pb::DeleteRequest>) -> RpcResult<()> {
        let req = request.into_inner();
        let (name, type_token) = name_and_type(&req.urn, req.name, req.r#type)?;
        let req = rpc::DeleteRequest {
            properties: decode(req.properties.as_ref(), "properties")?,
            old_inputs: decode(req.old_inputs.as_ref(), "oldInputs")?,
            id: req.id,
            urn: req.urn,
            name,
            type_token,
            timeout: timeout(req.timeout),
        };
        self.call(move |p| async move { p.delete(req).await })
            .await?;
        Ok(Response::new(()))
    }

    async fn construct(
        &self,
        _: Request<pb::ConstructRequest>,
    ) -> RpcResult<pb::ConstructResponse> {
        Err(unimplemented("Construct"))
    }

    async fn cancel(&self, _: Request<()>) -> RpcResult<()> {
        self.provider.cancel().await;
        Ok(Response::new(()))
    }

    async fn get_plugin_info(&self, _: Request<()>) -> RpcResult<pb::PluginInfo> {
        Ok(Response::new(pb::PluginInfo {
            version: self.provider.version().to_string(),
        }))
    }

    async fn attach(&self, request: Request<pb::PluginAttach>) -> RpcResult<()> {
        self.connect_engine(&request.get_ref().address);
        Ok(Response::new(()))
    }

    async fn get_mapping(
        &self,
        _: Request<pb::GetMappingRequest>,
    ) -> RpcResult<pb::GetMappingResponse> {
        Err(unimplemented("GetMapping"))
    }

    async fn get_mappings(
        &self,
        _: Request<pb::GetMappingsRequest>,
    ) -> RpcResult<pb::GetMappingsResponse> {
        Err(unimplemented("GetMappings"))
    }
}

#[cfg(test)]
mod tests;
