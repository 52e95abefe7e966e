//! `Auth0Provider`: the plugin's implementation of [`crate::rpc::Provider`].
//! (Being built: operations answer Unimplemented until their part lands.)

use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::error::Error;
use crate::rpc::*;

pub struct Auth0Provider {
    diagnostics: RwLock<Arc<dyn Diagnostics>>,
}

impl Auth0Provider {
    pub fn new() -> Arc<Self> {
        Arc::new(Auth0Provider { diagnostics: RwLock::new(Arc::new(TracingDiagnostics)) })
    }
}

fn todo<T>(what: &str) -> Result<T> {
    Err(Error::Unimplemented(format!("{what} is not implemented yet")))
}

#[async_trait]
impl Provider for Auth0Provider {
    fn schema(&self) -> &str {
        "{}"
    }
    fn set_diagnostics(&self, diagnostics: Arc<dyn Diagnostics>) {
        *self.diagnostics.write().unwrap() = diagnostics;
    }
    async fn check_config(&self, _req: CheckRequest) -> Result<CheckResponse> {
        todo("CheckConfig")
    }
    async fn diff_config(&self, _req: DiffRequest) -> Result<DiffResponse> {
        todo("DiffConfig")
    }
    async fn configure(&self, _req: ConfigureRequest) -> Result<()> {
        todo("Configure")
    }
    async fn check(&self, _req: CheckRequest) -> Result<CheckResponse> {
        todo("Check")
    }
    async fn diff(&self, _req: DiffRequest) -> Result<DiffResponse> {
        todo("Diff")
    }
    async fn create(&self, _req: CreateRequest) -> Result<CreateResponse> {
        todo("Create")
    }
    async fn read(&self, _req: ReadRequest) -> Result<ReadResponse> {
        todo("Read")
    }
    async fn update(&self, _req: UpdateRequest) -> Result<UpdateResponse> {
        todo("Update")
    }
    async fn delete(&self, _req: DeleteRequest) -> Result<()> {
        todo("Delete")
    }
    async fn cancel(&self) {}
}
