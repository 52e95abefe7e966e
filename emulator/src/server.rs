//! The accept loop: plain TCP or TLS, HTTP/1.1 and HTTP/2, graceful shutdown, and a per-connection
//! handle that lets fault injection close a connection without answering.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::http::ConnKill;

/// A self-signed certificate for `--tls`, with IP and DNS SANs.
pub struct TlsMaterial {
    pub acceptor: TlsAcceptor,
    pub cert_pem: String,
}

/// Build a self-signed certificate for `host` (plus localhost and 127.0.0.1).
pub fn self_signed(host: &str) -> Result<TlsMaterial, String> {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if !host.is_empty() && !names.iter().any(|n| n == host) {
        names.push(host.to_string());
    }
    let certified = rcgen::generate_simple_self_signed(names)
        .map_err(|e| format!("--tls: generating the self-signed certificate failed: {e}"))?;
    let cert_der = certified.cert.der().clone();
    let key_der =
        rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("--tls: TLS configuration failed: {e}"))?
        .with_no_client_auth()
        .with_single_cert(vec![cert_der], key_der)
        .map_err(|e| format!("--tls: TLS configuration failed: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        cert_pem: certified.cert.pem(),
    })
}

/// Write the certificate where clients can trust it.
pub fn write_cert(path: &Path, pem: &str) -> Result<(), String> {
    std::fs::write(path, pem)
        .map_err(|e| format!("--tls-cert-file {}: cannot write it: {e}", path.display()))
}

/// Serve `router` on `listener` until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let tls = tls.clone();
                let shutdown = shutdown.clone();
                connections.spawn(async move {
                    match tls {
                        None => serve_connection(stream, router, shutdown).await,
                        Some(acceptor) => match acceptor.accept(stream).await {
                            Ok(s) => serve_connection(s, router, shutdown).await,
                            Err(e) => tracing::debug!(error = %e, "TLS handshake failed"),
                        },
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    // Let in-flight requests finish, bounded so shutdown never hangs.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
}

async fn serve_connection<S>(stream: S, router: Router, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = ConnKill::default();
    let notify = kill.0.clone();
    let service = router.map_request(
        move |mut req: axum::extract::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(kill.clone());
            req
        },
    );
    let builder = Builder::new(TokioExecutor::new());
    let conn = builder
        .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        // Fault injection: drop the connection (and the request future) without a response.
        _ = notify.notified() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), conn.as_mut()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_self_signed_certificate_is_pem() {
        let m = self_signed("127.0.0.1").unwrap();
        assert!(m.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
