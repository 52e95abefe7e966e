//! The `auth0-emulator` binary: --help, the ready line, credentials file, --seed and SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_auth0-emulator");

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("emu-bin-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running emulator. Dropping it kills the process, so a failed assert leaves nothing behind.
struct Running(Option<Child>);

impl Running {
    fn id(&self) -> u32 {
        self.0.as_ref().map(Child::id).unwrap_or(0)
    }

    /// Send SIGTERM and wait (bounded to 20 s) for the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let mut child = self.0.take().expect("a running child");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the emulator did not stop within 20 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Start the binary and read its ready line (bounded to 60 s).
fn spawn(args: &[&str]) -> (Running, Value) {
    spawn_with_env(args, &[])
}

fn spawn_with_env(args: &[&str], env: &[(&str, &str)]) -> (Running, Value) {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(Some(child));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("ready line within 60 s");
    (
        running,
        serde_json::from_str(&line).expect("the ready line is JSON"),
    )
}

fn is_running(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

#[test]
fn an_emulator_a_test_drops_without_stopping_is_killed() {
    let dir = temp_dir();
    let creds = dir.join("creds.json");
    let (child, _) = spawn(&["--credentials-file", creds.to_str().unwrap()]);
    let pid = child.id();
    drop(child);
    let deadline = Instant::now() + Duration::from_secs(5);
    while is_running(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!is_running(pid), "emulator {pid} outlived its handle");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_documents_every_flag() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--domain",
        "--client-id",
        "--client-secret",
        "--credentials-file",
        "--state",
        "--seed",
        "--rate-limit",
        "--latency-ms",
        "--fault-seed",
        "--fault-error-before",
        "--fault-error-after",
        "--fault-drop-before",
        "--fault-drop-after",
        "--fault-status",
        "--tls",
        "--tls-cert-file",
        "--log-level",
        "--log-format",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

#[test]
fn the_ready_line_names_the_credentials_file_but_never_the_secret_and_sigterm_stops_cleanly() {
    let dir = temp_dir();
    let creds = dir.join("creds.json");
    let (child, ready) = spawn(&["--credentials-file", creds.to_str().unwrap()]);
    let listen = ready["listen"].as_str().unwrap();
    assert!(listen.starts_with("127.0.0.1:"));
    assert_eq!(ready["domain"], listen);
    assert_eq!(ready["audience"], format!("https://{listen}/api/v2/"));
    assert_eq!(ready["credentialsFile"], creds.to_str().unwrap());

    let saved: Value = serde_json::from_slice(&std::fs::read(&creds).unwrap()).unwrap();
    let secret = saved["clientSecret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert_eq!(saved["clientId"], ready["clientId"]);
    assert!(!ready.to_string().contains(secret));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert!(child.terminate().success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn given_credentials_are_used_and_no_credentials_file_is_written() {
    // Only the id is given, so the generated secret goes to a credentials file: keep it in a temp dir.
    let dir = temp_dir();
    let creds = dir.join("creds.json");
    let (child, ready) = spawn(&[
        "--client-id",
        "fixedfixedfixedfixedfixedfixed12",
        "--credentials-file",
        creds.to_str().unwrap(),
    ]);
    assert_eq!(ready["clientId"], "fixedfixedfixedfixedfixedfixed12");
    assert_eq!(ready["credentialsFile"], creds.to_str().unwrap());
    assert!(child.terminate().success());
    std::fs::remove_dir_all(&dir).unwrap();

    let (child, ready) = spawn_with_env(
        &[],
        &[(
            "AUTH0_EMULATOR_CLIENT_SECRET",
            "given-secret-given-secret-given-secret",
        )],
    );
    assert!(ready["credentialsFile"].is_null());
    assert!(child.terminate().success());
}

#[test]
fn a_seed_file_is_loaded_at_start() {
    let dir = temp_dir();
    let seed = dir.join("seed.json");
    std::fs::write(
        &seed,
        r#"{"resource_servers":[{"identifier":"https://myapi.example.com/","name":"Existing API"}]}"#,
    )
    .unwrap();
    let state = dir.join("state.json");
    let (child, _) = spawn(&[
        "--seed",
        seed.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--credentials-file",
        dir.join("creds.json").to_str().unwrap(),
    ]);
    assert!(child.terminate().success());
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("https://myapi.example.com/"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_flag_value_fails_with_a_message_naming_it() {
    let out = Command::new(BIN)
        .args(["--rate-limit", "fast"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("fast") && err.contains("self-service"),
        "{err}"
    );

    let out = Command::new(BIN)
        .args(["--fault-error-before", "2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("error_before=2"), "{err}");
}

#[test]
fn tls_writes_the_certificate_and_serves_https() {
    let dir = temp_dir();
    let cert = dir.join("cert.pem");
    let creds = dir.join("creds.json");
    let (child, ready) = spawn(&[
        "--tls",
        "--tls-cert-file",
        cert.to_str().unwrap(),
        "--credentials-file",
        creds.to_str().unwrap(),
    ]);
    let base_url = ready["baseUrl"].as_str().unwrap().to_string();
    assert!(base_url.starts_with("https://127.0.0.1:"), "{base_url}");
    assert_eq!(ready["tlsCertFile"], cert.to_str().unwrap());

    // A client that trusts only the written certificate gets an answer over HTTPS.
    let pem = std::fs::read(&cert).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, discovery) = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let res = client
            .get(format!("{base_url}/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("HTTPS to {base_url} trusting {}: {e}", cert.display()));
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    });
    assert_eq!(status, 200);
    assert_eq!(
        discovery["token_endpoint"],
        format!("{base_url}/oauth/token")
    );
    assert!(child.terminate().success());
    std::fs::remove_dir_all(&dir).unwrap();
}
