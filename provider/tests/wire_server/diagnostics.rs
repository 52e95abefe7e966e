//! Diagnostics reach the engine's Log service.

use super::*;

// ---- Diagnostics reach the engine's Log service

#[derive(Default, Clone)]
struct FakeEngine {
    logs: Arc<Mutex<Vec<pb::LogRequest>>>,
}

#[tonic::async_trait]
impl pb::engine_server::Engine for FakeEngine {
    async fn log(&self, request: Request<pb::LogRequest>) -> Result<Response<()>, Status> {
        self.logs.lock().unwrap().push(request.into_inner());
        Ok(Response::new(()))
    }
    async fn get_root_resource(
        &self,
        _: Request<pb::GetRootResourceRequest>,
    ) -> Result<Response<pb::GetRootResourceResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
    async fn set_root_resource(
        &self,
        _: Request<pb::SetRootResourceRequest>,
    ) -> Result<Response<pb::SetRootResourceResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
    async fn start_debugging(
        &self,
        _: Request<pb::StartDebuggingRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("fake"))
    }
    async fn require_pulumi_version(
        &self,
        _: Request<pb::RequirePulumiVersionRequest>,
    ) -> Result<Response<pb::RequirePulumiVersionResponse>, Status> {
        Err(Status::unimplemented("fake"))
    }
}

async fn start_engine() -> (FakeEngine, String) {
    let engine = FakeEngine::default();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let server = pb::engine_server::EngineServer::new(engine.clone());
    tokio::spawn(
        Server::builder()
            .add_service(server)
            .serve_with_incoming(TcpIncoming::from(listener)),
    );
    (engine, address)
}

/// Waits (at most 5 s, polling every 20 ms) until the engine has `n` log messages.
async fn wait_for_logs(engine: &FakeEngine, n: usize) -> Vec<pb::LogRequest> {
    for _ in 0..250 {
        let logs = engine.logs.lock().unwrap().clone();
        if logs.len() >= n {
            return logs;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the engine received {} log messages, expected {n}",
        engine.logs.lock().unwrap().len()
    );
}

fn installed_diagnostics(provider: &FakeProvider) -> Arc<dyn Diagnostics> {
    provider
        .diagnostics
        .lock()
        .unwrap()
        .clone()
        .expect("the service installed diagnostics")
}

#[tokio::test]
async fn after_handshake_provider_diagnostics_reach_the_engine_log_in_order() {
    let (engine, address) = start_engine().await;
    let (provider, mut client) = fixture().await;
    client
        .handshake(pb::ProviderHandshakeRequest {
            engine_address: address,
            ..Default::default()
        })
        .await
        .unwrap();

    let diagnostics = installed_diagnostics(&provider);
    diagnostics.log(
        Severity::Warning,
        CLIENT_URN,
        "grant scopes were reordered by Auth0",
    );
    diagnostics.log(Severity::Error, "", "second");
    let logs = wait_for_logs(&engine, 2).await;
    assert_eq!(logs[0].severity, pb::LogSeverity::Warning as i32);
    assert_eq!(logs[0].urn, CLIENT_URN);
    assert_eq!(logs[0].message, "grant scopes were reordered by Auth0");
    assert_eq!(logs[1].severity, pb::LogSeverity::Error as i32);
    assert_eq!(logs[1].message, "second");
}

#[tokio::test]
async fn attach_sets_the_engine_address_for_diagnostics() {
    let (engine, address) = start_engine().await;
    let (provider, mut client) = fixture().await;
    assert!(provider.diagnostics.lock().unwrap().is_none());
    client.attach(pb::PluginAttach { address }).await.unwrap();

    installed_diagnostics(&provider).log(Severity::Info, "", "attached");
    let logs = wait_for_logs(&engine, 1).await;
    assert_eq!(
        (logs[0].severity, logs[0].message.as_str()),
        (pb::LogSeverity::Info as i32, "attached")
    );
}

#[tokio::test]
async fn logging_to_an_unreachable_engine_never_blocks_the_caller() {
    // Reserve a port, then free it so nothing listens there.
    let address = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let (provider, mut client) = fixture().await;
    client
        .handshake(pb::ProviderHandshakeRequest {
            engine_address: address,
            ..Default::default()
        })
        .await
        .unwrap();
    let diagnostics = installed_diagnostics(&provider);
    let started = std::time::Instant::now();
    for i in 0..2000 {
        diagnostics.log(Severity::Info, "", &format!("message {i}"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "logging took {:?}",
        started.elapsed()
    );
    // The service still answers.
    client.get_plugin_info(()).await.unwrap();
}
