//! `auth0-emulator`: parse flags, start the emulator, print the ready line, wait for a signal.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimit};
use clap::Parser;
use serde_json::json;

/// A local Auth0: Management API v2 (clients, resource servers, client grants), /oauth/token
/// (client credentials, RS256) and JWKS, for tests, demos and benchmarks.
///
/// The first line on stdout is a JSON ready line with listen, baseUrl, domain, audience, clientId
/// and credentialsFile. It never holds a secret. Logs go to stderr. Stop with SIGINT or SIGTERM.
#[derive(Debug, Parser)]
#[command(name = "auth0-emulator", version)]
struct Args {
    /// Address to listen on (loopback by default; port 0 picks a free port).
    #[arg(long, env = "AUTH0_EMULATOR_LISTEN", default_value = "127.0.0.1:0")]
    listen: std::net::SocketAddr,

    /// Tenant domain (default: the bound host:port). The Management API identifier is
    /// https://{domain}/api/v2/ and tokens' iss is https://{domain}/, even over plain http.
    #[arg(long, env = "AUTH0_EMULATOR_DOMAIN")]
    domain: Option<String>,

    /// Client id of the bootstrap machine-to-machine client (default: generated).
    #[arg(long, env = "AUTH0_EMULATOR_CLIENT_ID")]
    client_id: Option<String>,

    /// Secret of the bootstrap client (default: generated and written to --credentials-file).
    /// Prefer the environment variable: a flag is visible in the process list.
    #[arg(long, env = "AUTH0_EMULATOR_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,

    /// Where to write generated bootstrap credentials (JSON, mode 0600)
    /// [default: <temp dir>/auth0-emulator-<port>-credentials.json].
    #[arg(long, env = "AUTH0_EMULATOR_CREDENTIALS_FILE")]
    credentials_file: Option<PathBuf>,

    /// Keep state in FILE across restarts. Every acknowledged change is written atomically before
    /// the response. The file holds secrets and is written with mode 0600.
    #[arg(long, value_name = "FILE", env = "AUTH0_EMULATOR_STATE")]
    state: Option<PathBuf>,

    /// Pre-load objects from a JSON FILE: {"clients":[…],"resource_servers":[…],"client_grants":[…],
    /// "credentials":[…]} in Auth0's shape (ids kept when given; a credential names its client_id).
    /// Ignored when --state restores an existing tenant.
    #[arg(long, value_name = "FILE", env = "AUTH0_EMULATOR_SEED")]
    seed: Option<PathBuf>,

    /// Management API rate limit: free (burst 2, 2/s), self-service (burst 10, 150/min),
    /// enterprise (burst 50, 16/s), off, or BURST:PER_SECOND such as 10:2.5.
    #[arg(long, env = "AUTH0_EMULATOR_RATE_LIMIT", default_value = "off")]
    rate_limit: RateLimit,

    /// Latency added to every Management API and token request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,

    /// Latency added to every Management API answer after the request is processed, in
    /// milliseconds: a change is committed even if the caller stops waiting for its answer.
    #[arg(long, default_value_t = 0)]
    answer_latency_ms: u64,

    /// Seed of the fault generator; the same seed and request order give the same faults.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,

    /// Probability (0-1) of a 5xx before processing (nothing changes).
    #[arg(long, default_value_t = 0.0)]
    fault_error_before: f64,

    /// Probability (0-1) of a 5xx after the change is committed (the response is lost).
    #[arg(long, default_value_t = 0.0)]
    fault_error_after: f64,

    /// Probability (0-1) of closing the connection before processing.
    #[arg(long, default_value_t = 0.0)]
    fault_drop_before: f64,

    /// Probability (0-1) of closing the connection after the change is committed.
    #[arg(long, default_value_t = 0.0)]
    fault_drop_after: f64,

    /// HTTP status of injected errors (a 5xx).
    #[arg(long, default_value_t = 503)]
    fault_status: u16,

    /// Serve HTTPS with a self-signed certificate (SANs: localhost, 127.0.0.1 and the domain host).
    #[arg(long)]
    tls: bool,

    /// Where to write the TLS certificate (PEM)
    /// [default: <temp dir>/auth0-emulator-<port>-cert.pem].
    #[arg(long, value_name = "FILE")]
    tls_cert_file: Option<PathBuf>,

    /// Log filter for stderr, e.g. info, debug (one line per request), warn. RUST_LOG overrides it.
    #[arg(long, default_value = "info")]
    log_level: String,

    /// Log format on stderr: text or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
}

fn init_logs(args: &Args) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&args.log_level));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if args.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(args: Args) -> Result<(), String> {
    let seed = match &args.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--seed {}: cannot read it: {e}", path.display()))?;
            Some(serde_json::from_str(&text).map_err(|e| {
                format!(
                    "--seed {}: not JSON ({e}); see --help for the format",
                    path.display()
                )
            })?)
        }
        None => None,
    };
    let faults = FaultConfig {
        seed: args.fault_seed,
        latency: Duration::from_millis(args.latency_ms),
        answer_latency: Duration::from_millis(args.answer_latency_ms),
        error_before: args.fault_error_before,
        error_after: args.fault_error_after,
        drop_before: args.fault_drop_before,
        drop_after: args.fault_drop_after,
        error_status: args.fault_status,
    };
    faults.validate().map_err(|e| format!("--fault-*: {e}"))?;
    // The TLS certificate path depends on the port, known only after binding: bind first when
    // the port is 0 so that the default file name carries the real port.
    let config = EmulatorConfig {
        listen: args.listen,
        domain: args.domain.clone(),
        bootstrap_client_id: args.client_id.clone(),
        bootstrap_client_secret: args.client_secret.clone(),
        rate_limit: args.rate_limit,
        faults,
        seed,
        state_file: args.state.clone(),
        tls: args.tls,
        tls_cert_file: None,
        fresh_signing_key: true,
    };
    let emu = Emulator::start(config).await.map_err(|e| e.to_string())?;
    let port = emu.local_addr().port();
    let tmp = std::env::temp_dir();

    let tls_cert_file = match (args.tls, emu.tls_cert_pem()) {
        (true, Some(pem)) => {
            let path = args
                .tls_cert_file
                .clone()
                .unwrap_or_else(|| tmp.join(format!("auth0-emulator-{port}-cert.pem")));
            std::fs::write(&path, pem)
                .map_err(|e| format!("--tls-cert-file {}: cannot write it: {e}", path.display()))?;
            Some(path)
        }
        _ => None,
    };

    // Credentials are written unless the secret was given (then the caller already has it).
    let credentials_file = if args.client_secret.is_none() {
        let path = args
            .credentials_file
            .clone()
            .unwrap_or_else(|| tmp.join(format!("auth0-emulator-{port}-credentials.json")));
        let body = json!({
            "domain": emu.domain(),
            "baseUrl": emu.base_url(),
            "audience": emu.management_audience(),
            "tokenUrl": format!("{}/oauth/token", emu.base_url()),
            "clientId": emu.bootstrap_client_id(),
            "clientSecret": emu.bootstrap_client_secret(),
        });
        let bytes = serde_json::to_vec_pretty(&body).unwrap_or_default();
        write_private(&path, &bytes).map_err(|e| {
            format!(
                "--credentials-file {}: cannot write it: {e}",
                path.display()
            )
        })?;
        Some(path)
    } else {
        None
    };

    let ready = json!({
        "listen": emu.local_addr().to_string(),
        "baseUrl": emu.base_url(),
        "domain": emu.domain(),
        "audience": emu.management_audience(),
        "clientId": emu.bootstrap_client_id(),
        "credentialsFile": credentials_file.as_ref().map(|p| p.display().to_string()),
        "tlsCertFile": tls_cert_file.as_ref().map(|p| p.display().to_string()),
        "stateFile": args.state.as_ref().map(|p| p.display().to_string()),
    });
    let signals = Signals::install()?;
    println!("{ready}");
    use std::io::Write;
    let _ = std::io::stdout().flush();

    signals.wait().await;
    tracing::info!("shutting down");
    emu.shutdown().await;
    Ok(())
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut f = options.open(path)?;
        // An existing file keeps its mode on open; tighten it.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        std::io::Write::write_all(&mut f, bytes)
    }
    #[cfg(not(unix))]
    {
        let mut f = options.open(path)?;
        std::io::Write::write_all(&mut f, bytes)
    }
}

/// Signal handlers, installed before the ready line so that a SIGTERM sent right after reading it
/// is handled (and not the default action).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> Result<Signals, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let term = signal(SignalKind::terminate())
                .map_err(|e| format!("cannot install the SIGTERM handler: {e}"))?;
            let int = signal(SignalKind::interrupt())
                .map_err(|e| format!("cannot install the SIGINT handler: {e}"))?;
            Ok(Signals { term, int })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    init_logs(&args);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("auth0-emulator: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("auth0-emulator: {e}");
            ExitCode::from(2)
        }
    }
}
