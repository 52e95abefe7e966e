//! The plugin binary as the engine runs it: it prints only its port, serves gRPC on it,
//! and exits 0 on SIGINT/SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pulumi_auth0_provider::wire::proto::pulumirpc::resource_provider_client::ResourceProviderClient;

const PLUGIN: &str = env!("CARGO_BIN_EXE_pulumi-resource-auth0");

/// Kills the plugin if a test fails before it exits.
struct Plugin {
    child: Child,
    stdout: Option<BufReader<ChildStdout>>,
    /// Drained on a thread so a chatty plugin never blocks on a full pipe.
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Plugin {
    fn start(args: &[&str]) -> Plugin {
        let mut child = Command::new(PLUGIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the plugin binary starts");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Plugin {
            child,
            stdout: Some(stdout),
            stderr: Some(stderr),
        }
    }

    /// The first stdout line, read on a thread so a silent plugin fails the test in 20 s.
    fn first_line(&mut self) -> String {
        let mut stdout = self.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = tx.send((line, stdout));
        });
        let (line, stdout) = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the plugin printed a line within 20 s");
        self.stdout = Some(stdout);
        line
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits at most `limit` for the process to exit.
    fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < limit,
                "the plugin did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        self.stdout
            .take()
            .unwrap()
            .read_to_string(&mut rest)
            .unwrap();
        rest
    }

    /// Everything the plugin wrote to stderr; call after it exited.
    fn stderr(&mut self) -> String {
        self.stderr.take().unwrap().join().unwrap()
    }
}

fn port_of(line: &str) -> u16 {
    let digits = line
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("the first line ends in a newline: {line:?}"));
    assert!(
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        "the first line is only a port: {line:?}"
    );
    let port: u16 = digits.parse().unwrap();
    assert!(port > 0);
    port
}

fn plugin_version(port: u16) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let call = async {
            let mut client = ResourceProviderClient::connect(format!("http://127.0.0.1:{port}"))
                .await
                .unwrap();
            client
                .get_plugin_info(())
                .await
                .unwrap()
                .into_inner()
                .version
        };
        tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .expect("GetPluginInfo answered within 10 s")
    })
}

#[test]
fn in_attach_mode_the_plugin_prints_only_its_port_serves_and_exits_zero_on_sigint() {
    let mut plugin = Plugin::start(&[]);
    let port = port_of(&plugin.first_line());
    assert_eq!(plugin_version(port), env!("CARGO_PKG_VERSION"));

    let signalled = Instant::now();
    plugin.signal("INT");
    let status = plugin.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(
        signalled.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        signalled.elapsed()
    );
    assert_eq!(
        plugin.rest_of_stdout(),
        "",
        "nothing but the port goes to stdout"
    );
}

#[test]
fn with_an_engine_address_and_verbose_logging_stdout_still_holds_only_the_port_and_sigterm_exits_zero(
) {
    // An engine address where nothing listens: diagnostics must not disturb serving.
    let engine = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let mut plugin = Plugin::start(&["--logtostderr", "-v=9", "--tracing", "127.0.0.1:1", &engine]);
    let port = port_of(&plugin.first_line());
    assert_eq!(plugin_version(port), env!("CARGO_PKG_VERSION"));

    plugin.signal("TERM");
    let status = plugin.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(plugin.rest_of_stdout(), "");
    assert!(
        plugin.stderr().contains("serving"),
        "-v=9 --logtostderr logs to stderr"
    );
}

#[test]
fn a_bad_verbosity_flag_exits_with_a_one_line_error_naming_it() {
    let mut plugin = Plugin::start(&["-v=loud"]);
    let status = plugin.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(2));
    assert_eq!(plugin.rest_of_stdout(), "");
    let stderr = plugin.stderr();
    assert!(
        stderr.contains("-v=loud") && stderr.trim_end().lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn sigint_exits_promptly_even_while_the_engine_holds_its_connection_open() {
    let mut plugin = Plugin::start(&[]);
    let port = port_of(&plugin.first_line());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut client = runtime.block_on(async {
        let mut client = ResourceProviderClient::connect(format!("http://127.0.0.1:{port}"))
            .await
            .unwrap();
        client.get_plugin_info(()).await.unwrap();
        client
    });

    let signalled = Instant::now();
    plugin.signal("INT");
    let status = plugin.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(
        signalled.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        signalled.elapsed()
    );
    // The connection is gone with the plugin.
    let after = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(5), client.get_plugin_info(())).await
    });
    assert!(matches!(after, Ok(Err(_))), "{after:?}");
}
