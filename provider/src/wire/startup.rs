//! Process startup as the Pulumi engine expects it: parse the engine's arguments, listen on
//! 127.0.0.1:<any port>, print only that port on stdout, serve until SIGINT/SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;

use super::server::ResourceProviderService;
use crate::rpc::Provider;

/// After a shutdown signal, in-flight calls get this long to finish before the process exits.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);

/// The engine's command line for a plugin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub log_to_stderr: bool,
    /// `-v=N`: log verbosity; None when not given.
    pub verbosity: Option<u32>,
    /// `--tracing ENDPOINT`: accepted for compatibility; spans are not exported.
    pub tracing: Option<String>,
    /// None means attach mode: the engine sends its address with Attach.
    pub engine_address: Option<String>,
}

/// Parses `--logtostderr`, `-v=N` / `-v N`, `--tracing ENDPOINT` (one or two dashes, as Go's
/// flag package allows), then the optional engine address. Unknown flags are ignored so a
/// newer engine cannot stop the plugin from starting.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
            parsed.engine_address.get_or_insert(arg);
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (flag, None),
        };
        match name {
            "logtostderr" => {
                parsed.log_to_stderr = match inline.as_deref() {
                    None | Some("true") | Some("1") => true,
                    Some("false") | Some("0") => false,
                    Some(other) => {
                        return Err(format!("--logtostderr={other} is not a boolean; use --logtostderr or --logtostderr=false"))
                    }
                }
            }
            "v" => {
                let value = match inline {
                    Some(value) => value,
                    None => args.next().ok_or("-v needs a level; use -v=N, e.g. -v=9")?,
                };
                let level = value
                    .parse()
                    .map_err(|_| format!("-v={value} is not a verbosity level; use a whole number, e.g. -v=9"))?;
                parsed.verbosity = Some(level);
            }
            "tracing" => {
                let value = match inline {
                    Some(value) => value,
                    None => args.next().ok_or("--tracing needs an endpoint; use --tracing <endpoint>")?,
                };
                parsed.tracing = Some(value);
            }
            _ => {}
        }
    }
    Ok(parsed)
}

/// The tracing filter for a Pulumi verbosity level (`-v=N`): 1–3 show the provider's info,
/// up to 9 its debug output, above 9 everything including the gRPC/HTTP libraries.
/// Libraries stay at warn below that, so `-v=9` shows provider detail, not HTTP/2 frames.
fn filter_for(verbosity: Option<u32>) -> String {
    let own = match verbosity.unwrap_or(0) {
        0 => "warn",
        1..=3 => "info",
        4..=9 => "debug",
        _ => return "trace".to_string(),
    };
    format!("warn,pulumi_auth0_provider={own},pulumi_resource_auth0={own}")
}

/// Logs go to stderr, and only when the engine asked for them; stdout carries only the port.
/// RUST_LOG, when set, replaces the filter derived from `-v`.
fn init_logging(args: &Args) {
    if !args.log_to_stderr && args.verbosity.is_none() {
        return;
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter_for(args.verbosity)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs the plugin: the whole life of the process. `args` excludes the program name.
pub fn serve(args: impl IntoIterator<Item = String>, provider: Arc<dyn Provider>) -> ExitCode {
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("pulumi-resource-auth0: {message}");
            return ExitCode::from(2);
        }
    };
    init_logging(&args);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("pulumi-resource-auth0: could not start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args, provider)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pulumi-resource-auth0: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args, provider: Arc<dyn Provider>) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|err| format!("could not listen on 127.0.0.1: {err}"))?;
    let port = listener
        .local_addr()
        .map_err(|err| format!("could not read the listening port: {err}"))?
        .port();

    let service = ResourceProviderService::new(provider.clone());
    if let Some(address) = &args.engine_address {
        service.connect_engine(address);
    }

    let shutdown = tokio::sync::watch::channel(false);
    let (stop, mut stopped) = shutdown;
    let server = Server::builder()
        .add_service(service.into_server())
        // Without TCP_NODELAY, an answer larger than one segment (the Check of a client with
        // many properties) waited ~40 ms for the engine's delayed ACK (Nagle's algorithm).
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            },
        );

    // The engine reads the port from the first line of stdout: print it only now, ready to serve.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{port}")
        .and_then(|()| stdout.flush())
        .map_err(|err| format!("could not print the port: {err}"))?;
    drop(stdout);
    tracing::info!(port, "serving");

    let mut server = std::pin::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(|err| format!("the gRPC server failed: {err}")),
        signal = shutdown_signal() => {
            tracing::info!(signal, "shutting down");
        }
    }
    let _ = stop.send(true);
    provider.cancel().await;
    match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
        Ok(result) => result.map_err(|err| format!("the gRPC server failed: {err}")),
        Err(_) => {
            tracing::warn!("calls still running after the shutdown grace period; exiting anyway");
            Ok(())
        }
    }
}

/// Resolves on SIGINT or SIGTERM with the signal's name.
#[cfg(unix)]
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // Without signal handlers the default action (terminate) applies; just never resolve.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

/// Resolves on Ctrl-C (Windows has no SIGTERM; the engine ends a plugin by killing it there).
#[cfg(not(unix))]
async fn shutdown_signal() -> &'static str {
    match tokio::signal::ctrl_c().await {
        Ok(()) => "Ctrl-C",
        // Without a handler the default action applies; just never resolve.
        Err(_) => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn no_arguments_means_attach_mode() {
        assert_eq!(parse(&[]).unwrap(), Args::default());
    }

    #[test]
    fn the_engine_launch_line_is_parsed_in_full() {
        let args = parse(&[
            "--logtostderr",
            "-v=9",
            "--tracing",
            "127.0.0.1:9411",
            "127.0.0.1:40000",
        ])
        .unwrap();
        assert_eq!(
            args,
            Args {
                log_to_stderr: true,
                verbosity: Some(9),
                tracing: Some("127.0.0.1:9411".into()),
                engine_address: Some("127.0.0.1:40000".into())
            }
        );
    }

    #[test]
    fn verbosity_may_be_a_separate_argument_and_flags_may_use_one_dash() {
        let args = parse(&["-v", "3", "-logtostderr", "-tracing=x", "127.0.0.1:1"]).unwrap();
        assert_eq!(args.verbosity, Some(3));
        assert!(args.log_to_stderr);
        assert_eq!(args.tracing.as_deref(), Some("x"));
        assert_eq!(args.engine_address.as_deref(), Some("127.0.0.1:1"));
    }

    #[test]
    fn a_non_numeric_verbosity_is_an_error_naming_the_value() {
        let err = parse(&["-v=lots"]).unwrap_err();
        assert!(
            err.contains("-v=lots") && err.contains("whole number"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_flag_value_is_an_error() {
        assert!(parse(&["--tracing"]).unwrap_err().contains("--tracing"));
        assert!(parse(&["-v"]).unwrap_err().contains("-v"));
    }

    #[test]
    fn unknown_flags_are_ignored() {
        let args = parse(&["--some-future-flag", "127.0.0.1:5"]).unwrap();
        assert_eq!(args.engine_address.as_deref(), Some("127.0.0.1:5"));
    }

    #[test]
    fn higher_verbosity_logs_more_of_the_provider_and_only_above_nine_the_libraries() {
        assert!(filter_for(None).contains("pulumi_auth0_provider=warn"));
        assert!(filter_for(Some(1)).contains("pulumi_auth0_provider=info"));
        assert!(
            filter_for(Some(9)).starts_with("warn,")
                && filter_for(Some(9)).contains("pulumi_auth0_provider=debug")
        );
        assert_eq!(filter_for(Some(11)), "trace");
        for level in [None, Some(3), Some(9), Some(11)] {
            assert!(
                tracing_subscriber::EnvFilter::try_new(filter_for(level)).is_ok(),
                "{level:?}"
            );
        }
    }
}
