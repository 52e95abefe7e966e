//! Diagnostics sent to the engine's `Engine.Log`, so `pulumi up` shows them next to the
//! resource. Sending never blocks an RPC: messages go through a bounded queue to one task
//! that connects lazily and delivers them in order; when the queue is full they are dropped.

use std::time::Duration;

use tokio::sync::mpsc;
use tonic::transport::Endpoint;

use super::proto::pulumirpc::{engine_client::EngineClient, LogRequest, LogSeverity};
use crate::rpc::{Diagnostics, Severity};

/// How many undelivered messages may wait before new ones are dropped.
const QUEUE_CAPACITY: usize = 1024;
/// One Log call may take at most this long; the engine answers in microseconds when healthy.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);

pub struct EngineLog {
    queue: mpsc::Sender<LogRequest>,
}

impl EngineLog {
    /// Starts the delivery task for the engine at `address` (`host:port`, or a URL).
    /// Outside a tokio runtime there is no task, and messages go to the plugin log only.
    pub fn spawn(address: &str) -> EngineLog {
        let (queue, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let uri = if address.contains("://") {
            address.to_string()
        } else {
            format!("http://{address}")
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(deliver(uri, receiver))),
            Err(_) => tracing::warn!("no async runtime; diagnostics go to the plugin log only"),
        }
        EngineLog { queue }
    }
}

fn log_severity(severity: Severity) -> LogSeverity {
    match severity {
        Severity::Debug => LogSeverity::Debug,
        Severity::Info => LogSeverity::Info,
        Severity::Warning => LogSeverity::Warning,
        Severity::Error => LogSeverity::Error,
    }
}

impl Diagnostics for EngineLog {
    fn log(&self, severity: Severity, urn: &str, message: &str) {
        let request = LogRequest {
            severity: log_severity(severity) as i32,
            message: message.to_string(),
            urn: urn.to_string(),
            stream_id: 0,
            ephemeral: false,
        };
        if self.queue.try_send(request).is_err() {
            tracing::warn!(urn, "engine log queue full or closed; diagnostic dropped");
        }
    }
}

async fn deliver(uri: String, mut receiver: mpsc::Receiver<LogRequest>) {
    let endpoint = match Endpoint::from_shared(uri.clone()) {
        Ok(endpoint) => endpoint.connect_timeout(SEND_TIMEOUT).timeout(SEND_TIMEOUT),
        Err(_) => {
            tracing::warn!(
                uri,
                "engine address is not a valid URI; diagnostics go to the plugin log only"
            );
            while let Some(request) = receiver.recv().await {
                tracing::info!(urn = request.urn, message = request.message, "diagnostic");
            }
            return;
        }
    };
    let mut client = EngineClient::new(endpoint.connect_lazy());
    while let Some(request) = receiver.recv().await {
        let urn = request.urn.clone();
        if let Err(status) = client.log(request).await {
            tracing::warn!(urn, code = ?status.code(), "engine did not accept a diagnostic");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_runtime_logging_neither_panics_nor_blocks() {
        let log = EngineLog::spawn("127.0.0.1:1");
        for _ in 0..(QUEUE_CAPACITY + 10) {
            log.log(Severity::Warning, "", "dropped");
        }
        assert!(log.queue.is_closed(), "no task owns the queue");
    }

    #[test]
    fn each_severity_maps_to_its_engine_severity() {
        assert_eq!(log_severity(Severity::Debug), LogSeverity::Debug);
        assert_eq!(log_severity(Severity::Info), LogSeverity::Info);
        assert_eq!(log_severity(Severity::Warning), LogSeverity::Warning);
        assert_eq!(log_severity(Severity::Error), LogSeverity::Error);
    }
}
