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

/// Start the binary and read its ready line (bounded to 60 s).
fn spawn(args: &[&str]) -> (Child, Value) {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
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
        child,
        serde_json::from_str(&line).expect("the ready line is JSON"),
    )
}

fn terminate(mut child: Child) -> std::process::ExitStatus {
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
        assert!(
            Instant::now() < deadline,
            "the emulator did not stop within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
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
    assert!(terminate(child).success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn given_credentials_are_used_and_no_credentials_file_is_written() {
    let (child, ready) = spawn(&["--client-id", "fixedfixedfixedfixedfixedfixed12"]);
    assert_eq!(ready["clientId"], "fixedfixedfixedfixedfixedfixed12");
    assert!(ready["credentialsFile"].is_string());
    assert!(terminate(child).success());

    let mut child = Command::new(BIN)
        .env(
            "AUTH0_EMULATOR_CLIENT_SECRET",
            "given-secret-given-secret-given-secret",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap();
    assert!(ready["credentialsFile"].is_null());
    assert!(terminate(child).success());
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
    ]);
    assert!(terminate(child).success());
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
    let (child, ready) = spawn(&["--tls", "--tls-cert-file", cert.to_str().unwrap()]);
    assert!(ready["baseUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://127.0.0.1:"));
    assert_eq!(ready["tlsCertFile"], cert.to_str().unwrap());
    let pem = std::fs::read_to_string(&cert).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(terminate(child).success());
    std::fs::remove_dir_all(&dir).unwrap();
}
