//! The state file: every acknowledged change is on disk before the response goes out.
//!
//! Writes go to a temporary file in the same directory, are synced, then renamed over the state
//! file (and the directory synced), so a crash leaves either the old or the new state, never a torn one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::keys::SigningKey;
use crate::tenant::{Tenant, TenantData};

/// What the state file holds. It contains secrets: it is written with mode 0600.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateFile {
    pub version: u32,
    pub signing_key_pem: String,
    pub bootstrap_client_id: String,
    pub tenant: TenantData,
}

impl std::fmt::Debug for StateFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The signing key and the client secrets stay out of debug output.
        f.debug_struct("StateFile")
            .field("version", &self.version)
            .field("bootstrap_client_id", &self.bootstrap_client_id)
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl StateFile {
    pub fn load(path: &Path) -> Result<Option<StateFile>, String> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                format!(
                    "--state {}: the file is not an emulator state file ({e}); point --state at a new path or delete the file",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("--state {}: cannot read it: {e}", path.display())),
        }
    }
}

/// A serialized state with its position in the order of changes.
pub struct Snapshot {
    seq: u64,
    bytes: Vec<u8>,
}

/// Writes snapshots in order, skipping any older than the last one written. Every write, from a
/// request or from a seed, goes through `written`, so an older snapshot never lands after a newer one.
pub struct Persister {
    path: PathBuf,
    next_seq: AtomicU64,
    written: Arc<Mutex<u64>>,
}

impl Persister {
    pub fn new(path: PathBuf) -> Persister {
        Persister {
            path,
            next_seq: AtomicU64::new(1),
            written: Arc::new(Mutex::new(0)),
        }
    }

    /// Serialize the tenant. Called under the tenant lock so that sequence order is change order.
    pub fn snapshot(&self, tenant: &Tenant, key: &SigningKey) -> Snapshot {
        let file = StateFile {
            version: 1,
            signing_key_pem: key.pkcs8_pem().to_string(),
            bootstrap_client_id: tenant.bootstrap_client_id.clone(),
            tenant: tenant.data(),
        };
        Snapshot {
            seq: self.next_seq.fetch_add(1, Ordering::SeqCst),
            bytes: serde_json::to_vec_pretty(&file).unwrap_or_default(),
        }
    }

    /// Write `s` unless a newer snapshot is already on disk (it contains this change too).
    pub async fn write(&self, s: Snapshot) -> std::io::Result<()> {
        let path = self.path.clone();
        let written = self.written.clone();
        tokio::task::spawn_blocking(move || write_in_order(&path, &written, s))
            .await
            .map_err(std::io::Error::other)?
    }

    /// As [`Persister::write`], on the calling thread (start-up and seeding, which are synchronous).
    pub fn write_blocking(&self, s: Snapshot) -> std::io::Result<()> {
        write_in_order(&self.path, &self.written, s)
    }
}

fn write_in_order(path: &Path, written: &Mutex<u64>, s: Snapshot) -> std::io::Result<()> {
    // Held across the write: writes of one state file are serialized and in sequence order.
    let mut written = written.lock().unwrap_or_else(|p| p.into_inner());
    if *written >= s.seq {
        return Ok(());
    }
    write_atomically(path, &s.bytes)?;
    *written = s.seq;
    Ok(())
}

/// Replace `path` with `bytes` atomically, readable by the owner only.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    // Unique per write, so that two writers (two emulators on one file) never share a temporary.
    static NEXT_TMP: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        NEXT_TMP.fetch_add(1, Ordering::Relaxed)
    ));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("emu-persist-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_state_files_debug_output_shows_neither_the_signing_key_nor_client_secrets() {
        let file = StateFile {
            version: 1,
            signing_key_pem: "-----BEGIN PRIVATE KEY-----hidden-key".into(),
            bootstrap_client_id: "visible-client-id".into(),
            tenant: serde_json::from_value(serde_json::json!({
                "clients": [{"client_id": "visible-client-id", "client_secret": "hidden-secret"}]
            }))
            .unwrap(),
        };
        let debug = format!("{file:?}");
        assert!(debug.contains("visible-client-id"), "{debug}");
        assert!(!debug.contains("hidden-key"), "{debug}");
        assert!(!debug.contains("hidden-secret"), "{debug}");
    }

    fn tenant_named(api: &str, key: &SigningKey) -> Tenant {
        let mut t = Tenant::new("tenant.test", key.cert_pem(), &"c".repeat(32), "s");
        t.seed(&serde_json::json!({"resource_servers": [{"identifier": api, "name": api}]}))
            .unwrap();
        t
    }

    #[tokio::test]
    async fn an_older_snapshot_written_late_does_not_replace_a_seeds_newer_state() {
        let dir = std::env::temp_dir().join(format!("emu-persist-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let key = SigningKey::shared().unwrap();
        let p = Persister::new(path.clone());
        let older = p.snapshot(&tenant_named("https://older/", &key), &key);
        let newer = p.snapshot(&tenant_named("https://newer/", &key), &key);
        p.write_blocking(newer).unwrap();
        p.write(older).await.unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(
            saved.contains("https://newer/"),
            "the older snapshot replaced the newer one"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_is_not_state_is_refused_with_a_fix() {
        let dir = std::env::temp_dir().join(format!("emu-persist-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        std::fs::write(&path, b"{\"not\":\"state\"}").unwrap();
        let err = StateFile::load(&path).unwrap_err();
        assert!(err.contains("--state") && err.contains("new path"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
