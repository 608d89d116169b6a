//! The issuer's signing keys on disk, and the did:web document that publishes them.
//!
//! Keys are PKCS#8 PEM files (OpenSSL reads them) with mode 0600. The newest file is the active
//! key. A key that others can read is refused, because anyone who copied it could issue labels.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

use crate::certificate::TrustedKey;
use crate::certificate::document::timestamp;
use crate::credential;

const KEY_FILE_PREFIX: &str = "issuer-ed25519-";
const KEY_FILE_SUFFIX: &str = ".pem";

/// Failures while loading or creating the issuer key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The keys folder or a key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file is readable or writable by group or others.
    #[error("key file {0} is accessible to other users (mode {1:o}); run `chmod 600` on it")]
    TooOpen(PathBuf, u32),
    /// A key file is not a PKCS#8 Ed25519 private key.
    #[error("key file {0} is not an Ed25519 PKCS#8 PEM key: {1}")]
    Unreadable(PathBuf, String),
    /// The database names an active key whose file is not in the keys folder.
    #[error("the active key {0} has no file in {1}; restore it or run `zerolabel keys rotate`")]
    NotInFolder(String, PathBuf),
    /// No randomness could be had to make a key.
    #[error("could not create a key: {0}")]
    Generate(String),
}

/// The key that signs new certificates, with its public forms precomputed.
#[derive(Clone)]
pub struct IssuerKey {
    signing_key: SigningKey,
    /// `z6Mk...`: the public key as published.
    pub public_key_multibase: String,
    /// `did:key:z6Mk...#z6Mk...`: what proofs name as their verification method.
    pub verification_method: String,
    /// The file it was read from.
    pub path: PathBuf,
}

impl IssuerKey {
    /// The private key, for signing only.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    fn from_signing_key(signing_key: SigningKey, path: PathBuf) -> Self {
        let public = signing_key.verifying_key();
        IssuerKey {
            public_key_multibase: credential::multikey(&public),
            verification_method: credential::verification_method(&public),
            signing_key,
            path,
        }
    }
}

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("public_key_multibase", &self.public_key_multibase)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Loads the newest key in `dir`, creating the folder and a first key if there is none.
pub fn load_or_create_active_key(dir: &Path, now: DateTime<Utc>) -> Result<IssuerKey, KeyError> {
    fs::create_dir_all(dir).map_err(|source| KeyError::Io {
        path: dir.to_owned(),
        source,
    })?;

    match key_files(dir)?.pop() {
        Some(path) => load_key(&path),
        None => create_key_file(dir, now),
    }
}

/// Every key file in `dir`, oldest first (the names sort by creation time).
fn key_files(dir: &Path) -> Result<Vec<PathBuf>, KeyError> {
    let io_error = |source| KeyError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with(KEY_FILE_PREFIX) && name.ends_with(KEY_FILE_SUFFIX) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Loads every key file in `dir`, each checked for its permissions.
pub fn load_all_keys(dir: &Path) -> Result<Vec<IssuerKey>, KeyError> {
    key_files(dir)?.iter().map(|path| load_key(path)).collect()
}

fn load_key(path: &Path) -> Result<IssuerKey, KeyError> {
    let io_error = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let mode = fs::metadata(path).map_err(io_error)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::TooOpen(path.to_owned(), mode & 0o777));
    }

    let pem = fs::read_to_string(path).map_err(io_error)?;
    let signing_key = credential::signing_key_from_pem(&pem)
        .map_err(|e| KeyError::Unreadable(path.to_owned(), e.to_string()))?;
    Ok(IssuerKey::from_signing_key(signing_key, path.to_owned()))
}

/// Writes a new random key to `dir` (mode 0600, never overwriting a file).
pub fn create_key_file(dir: &Path, now: DateTime<Utc>) -> Result<IssuerKey, KeyError> {
    fs::create_dir_all(dir).map_err(|source| KeyError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let signing_key =
        credential::generate_signing_key().map_err(|e| KeyError::Generate(e.to_string()))?;
    let pem = credential::signing_key_to_pem(&signing_key)
        .map_err(|e| KeyError::Generate(e.to_string()))?;

    let (path, mut file) = new_key_file(dir, now)?;
    let io_error = |source| KeyError::Io {
        path: path.clone(),
        source,
    };
    file.write_all(pem.as_bytes()).map_err(io_error)?;
    file.sync_all().map_err(io_error)?;

    tracing::info!(path = %path.display(), "created a new issuer key");
    Ok(IssuerKey::from_signing_key(signing_key, path))
}

/// Opens a new, private key file named after `now`. Callers pass whole seconds, so a key made
/// in the same second as another (a rotation right after the first start) takes the next free
/// microsecond: the name stays unique and still sorts after the older key.
fn new_key_file(dir: &Path, now: DateTime<Utc>) -> Result<(PathBuf, fs::File), KeyError> {
    let mut stamp_time = now;
    loop {
        let stamp = stamp_time.format("%Y%m%dT%H%M%S%.6fZ");
        let path = dir.join(format!("{KEY_FILE_PREFIX}{stamp}{KEY_FILE_SUFFIX}"));
        let opened = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path);
        match opened {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                stamp_time += chrono::Duration::microseconds(1);
            }
            Err(source) => return Err(KeyError::Io { path, source }),
        }
    }
}

/// The issuer keys the service can sign with, found by public key. The database decides which
/// one is active; a key rotated in by `zerolabel keys rotate` while the service runs is read
/// from the folder the first time it is asked for.
#[derive(Debug, Clone)]
pub struct KeyRing {
    dir: PathBuf,
    keys: Arc<RwLock<HashMap<String, IssuerKey>>>,
}

impl KeyRing {
    /// Loads every key file of `dir`.
    pub fn load(dir: &Path) -> Result<Self, KeyError> {
        let ring = KeyRing {
            dir: dir.to_owned(),
            keys: Arc::default(),
        };
        ring.reload()?;
        Ok(ring)
    }

    /// The key with this public key, reading the folder again if it is not loaded yet.
    pub fn get(&self, public_key_multibase: &str) -> Result<IssuerKey, KeyError> {
        if let Some(key) = self.cached(public_key_multibase) {
            return Ok(key);
        }
        self.reload()?;
        self.cached(public_key_multibase)
            .ok_or_else(|| KeyError::NotInFolder(public_key_multibase.to_owned(), self.dir.clone()))
    }

    fn cached(&self, public_key_multibase: &str) -> Option<IssuerKey> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.get(public_key_multibase).cloned()
    }

    fn reload(&self) -> Result<(), KeyError> {
        let loaded = load_all_keys(&self.dir)?;
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for key in loaded {
            keys.insert(key.public_key_multibase.clone(), key);
        }
        Ok(())
    }
}

/// The did:web identifier for a deployment reachable at `public_base_url`.
///
/// `http://127.0.0.1:8080` becomes `did:web:127.0.0.1%3A8080`; a path becomes `:`-separated
/// segments, as the did:web method specifies.
pub fn did_web(public_base_url: &str) -> String {
    let without_scheme = public_base_url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut parts = without_scheme.split('/');
    let host = parts.next().unwrap_or_default().replace(':', "%3A");
    let path: Vec<&str> = parts.filter(|segment| !segment.is_empty()).collect();

    if path.is_empty() {
        format!("did:web:{host}")
    } else {
        format!("did:web:{host}:{}", path.join(":"))
    }
}

/// The issuer's DID document: every key it has signed with, with its signing window.
pub fn did_document(did: &str, keys: &[TrustedKey]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|key| verification_method_entry(did, key))
        .collect();
    let usable: Vec<Value> = keys
        .iter()
        .filter(|key| key.compromised_at.is_none())
        .map(|key| json!(format!("{did}#{}", key.public_key_multibase)))
        .collect();

    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": usable,
    })
}

fn verification_method_entry(did: &str, key: &TrustedKey) -> Value {
    let mut entry = json!({
        "id": format!("{did}#{}", key.public_key_multibase),
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": key.public_key_multibase,
        "validFrom": timestamp(key.valid_from),
    });
    if let Some(until) = key.valid_until {
        entry["validUntil"] = json!(timestamp(until));
    }
    if let Some(since) = key.compromised_at {
        entry["revokedAt"] = json!(timestamp(since));
    }
    entry
}

/// Reads the trusted keys back from a DID document, for offline verification.
pub fn trusted_keys_from_did_document(document: &Value) -> Vec<TrustedKey> {
    let methods = document.get("verificationMethod").and_then(Value::as_array);
    methods
        .into_iter()
        .flatten()
        .filter_map(trusted_key_from_entry)
        .collect()
}

fn trusted_key_from_entry(entry: &Value) -> Option<TrustedKey> {
    let time = |field: &str| -> Option<DateTime<Utc>> {
        let text = entry.get(field)?.as_str()?;
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    Some(TrustedKey {
        public_key_multibase: entry.get("publicKeyMultibase")?.as_str()?.to_owned(),
        valid_from: time("validFrom")?,
        valid_until: time("validUntil"),
        compromised_at: time("revokedAt"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_start_creates_a_private_key_file_and_later_starts_reuse_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let created = load_or_create_active_key(dir.path(), Utc::now()).expect("created");
        let mode = fs::metadata(&created.path)
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);

        let loaded = load_or_create_active_key(dir.path(), Utc::now()).expect("loaded");
        assert_eq!(loaded.public_key_multibase, created.public_key_multibase);
    }

    #[test]
    fn a_key_made_in_the_same_second_as_another_gets_its_own_later_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let now = DateTime::from_timestamp(1_790_000_000, 0).expect("time");
        let first = create_key_file(dir.path(), now).expect("first key");
        let second = create_key_file(dir.path(), now).expect("second key in the same second");

        assert_ne!(first.path, second.path);
        let newest = load_or_create_active_key(dir.path(), now).expect("loaded");
        assert_eq!(newest.public_key_multibase, second.public_key_multibase);
    }

    #[test]
    fn a_key_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = load_or_create_active_key(dir.path(), Utc::now()).expect("created");
        fs::set_permissions(&key.path, fs::Permissions::from_mode(0o644)).expect("chmod");

        let refused = load_or_create_active_key(dir.path(), Utc::now());
        assert!(matches!(refused, Err(KeyError::TooOpen(_, 0o644))));
    }

    #[test]
    fn did_web_encodes_the_port_and_path() {
        assert_eq!(did_web("http://127.0.0.1:8080"), "did:web:127.0.0.1%3A8080");
        assert_eq!(
            did_web("https://labels.example.cn/"),
            "did:web:labels.example.cn"
        );
        assert_eq!(
            did_web("https://example.cn/zl/v1"),
            "did:web:example.cn:zl:v1"
        );
    }

    #[test]
    fn the_did_document_round_trips_the_key_windows() {
        let keys = vec![TrustedKey {
            public_key_multibase: "z6MkExample".into(),
            valid_from: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .expect("time")
                .with_timezone(&Utc),
            valid_until: None,
            compromised_at: None,
        }];
        let document = did_document("did:web:example.cn", &keys);
        assert_eq!(trusted_keys_from_did_document(&document), keys);
    }
}
