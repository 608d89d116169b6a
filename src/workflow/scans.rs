//! Scans answered from memory.
//!
//! A certificate never changes once issued; what can change is whether it was revoked and
//! whether the key that signed it is still trusted, and both changes are leaves of the
//! transparency log. So the costly part of a scan (reading the rows, checking the signature,
//! building the log evidence, writing the JSON) is done once per certificate and kept in a
//! bounded cache; a repeated scan only compares the clock with the validity window.
//!
//! Freshness: this process forgets a certificate the moment it revokes it, and
//! [`follow_log`] reads the log's new leaves (revocations and key changes made by another
//! instance or by the command line) every [`LOG_FOLLOW_INTERVAL`]. A scan answered by one
//! instance can therefore trail another instance's revocation by at most that interval, well
//! inside the `max-age` the answer already lets shared caches keep it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::certificates::{RevocationSummary, VerificationResult};
use super::keys::{active_signing_key, trusted_keys};
use super::transparency::{
    LogEvidence, current_head, inclusion_in_reached_size, origin, sign_checkpoint,
};
use super::{IssuerContext, WorkflowError, utc};
use crate::certificate::{CertificateCode, Judgement, TrustedKey, VerificationStatus, judge};
use crate::db::certificates as certificate_rows;
use crate::db::transparency::{self as log_rows, LogEntryRow};
use crate::db::{DbConnection, StorageError, read_together};
use crate::keys::IssuerKey;
use crate::tlog::Hash;

/// How often [`follow_log`] should be called to pick up other processes' revocations.
pub const LOG_FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// Bytes of scans kept (the least used go first): about 3 000 certificates of typical size.
const DEFAULT_BYTES: u64 = 16 * 1024 * 1024;

/// What `followed_to` holds before the first [`follow_log`].
const NOT_FOLLOWING: u64 = u64::MAX;

/// Log leaves read per [`follow_log`] query.
const FOLLOW_BATCH: i64 = 1000;

/// One certificate's scan, minus the clock.
#[derive(Debug)]
pub struct Scan {
    /// The printed code.
    pub code: CertificateCode,
    /// Signature, key and revocation, decided once.
    pub judgement: Judgement,
    /// The signed certificate exactly as issued.
    pub document: Value,
    /// Set once revoked.
    pub revocation: Option<RevocationSummary>,
    /// The issuance leaf with its inclusion proof and a checkpoint of the proof's tree size.
    pub log: Option<LogEvidence>,
    /// Every field of the JSON answer after `checked_at`, written once.
    tail_json: Vec<u8>,
}

/// The fields of a verification result that do not depend on the clock, in the order of
/// [`VerificationResult`].
#[derive(Serialize)]
struct Tail<'a> {
    code: String,
    certificate_id: Uuid,
    verification_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revocation: Option<&'a RevocationSummary>,
    certificate: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<&'a LogEvidence>,
}

/// The fields of a verification result that do.
#[derive(Serialize)]
struct Head<'a> {
    status: VerificationStatus,
    reason: &'a str,
    checked_at: DateTime<Utc>,
}

impl Scan {
    fn new(
        code: CertificateCode,
        judgement: Judgement,
        document: Value,
        revocation: Option<RevocationSummary>,
        log: Option<LogEvidence>,
    ) -> Result<Self, WorkflowError> {
        let tail = Tail {
            code: code.to_string(),
            certificate_id: code.uuid(),
            verification_method: verification_method(&judgement),
            revocation: revocation.as_ref(),
            certificate: &document,
            log: log.as_ref(),
        };
        let tail_json = serde_json::to_vec(&tail).map_err(json_error)?;
        Ok(Scan {
            code,
            judgement,
            document,
            revocation,
            log,
            tail_json,
        })
    }

    /// The status and its reason at `now`, in the statuses of product.md: a key that was not
    /// trusted when it signed reads `signature_invalid` (the reason says which).
    pub fn status_at(&self, now: DateTime<Utc>) -> (VerificationStatus, String) {
        let verdict = self.judgement.at(now);
        let status = match verdict.status {
            VerificationStatus::KeyNotTrusted => VerificationStatus::SignatureInvalid,
            other => other,
        };
        (status, verdict.reason)
    }

    /// The full result at `now`.
    pub fn result_at(&self, now: DateTime<Utc>) -> VerificationResult {
        let (status, reason) = self.status_at(now);
        VerificationResult {
            status,
            reason,
            checked_at: now,
            code: self.code.to_string(),
            certificate_id: self.code.uuid(),
            verification_method: verification_method(&self.judgement).map(str::to_owned),
            revocation: self.revocation.clone(),
            certificate: self.document.clone(),
            log: self.log.clone(),
        }
    }

    /// The result at `now` as JSON, the same bytes `serde_json` writes for
    /// [`Scan::result_at`], without serialising the certificate again.
    pub fn json_at(&self, now: DateTime<Utc>) -> Result<Vec<u8>, WorkflowError> {
        let (status, reason) = self.status_at(now);
        let head = Head {
            status,
            reason: &reason,
            checked_at: now,
        };
        let mut body = Vec::with_capacity(self.tail_json.len() + 128);
        serde_json::to_writer(&mut body, &head).map_err(json_error)?;
        // `{head}` and `{tail}` become `{head,tail}`: both are objects, neither is empty.
        body.pop();
        body.push(b',');
        body.extend_from_slice(self.tail_json.get(1..).unwrap_or_default());
        Ok(body)
    }

    fn weight(&self) -> u64 {
        // The parsed document takes about as much memory as its JSON text.
        u64::try_from(self.tail_json.len() * 2).unwrap_or(u64::MAX)
    }
}

fn verification_method(judgement: &Judgement) -> Option<&str> {
    match judgement {
        Judgement::Settled(verdict) => verdict.verification_method.as_deref(),
        Judgement::Signed {
            verification_method,
            ..
        } => Some(verification_method),
    }
}

fn json_error(error: serde_json::Error) -> WorkflowError {
    WorkflowError::Storage(StorageError::Corrupt(format!("verification JSON: {error}")))
}

#[derive(Clone)]
struct ScanWeight;

impl Weighter<Uuid, Arc<Scan>> for ScanWeight {
    fn weight(&self, _id: &Uuid, scan: &Arc<Scan>) -> u64 {
        scan.weight().max(1)
    }
}

/// The issuer's keys as scans need them, read once until a key changes.
struct Trust {
    keys: Vec<TrustedKey>,
    /// `None` while no key may sign (the active key is compromised and none replaced it).
    signing: Option<IssuerKey>,
}

/// A signed checkpoint and the tree it names.
struct SignedHead {
    size: u64,
    root: Hash,
    note: String,
}

/// Scans and the issuer state they were judged with. One per process, shared by all workers.
pub struct ScanCache {
    scans: Cache<Uuid, Arc<Scan>, ScanWeight>,
    trust: RwLock<Option<Arc<Trust>>>,
    head: Mutex<Option<Arc<SignedHead>>>,
    /// Moves on every forgetting, so a scan read before it is not kept after it.
    epoch: AtomicU64,
    /// The next log leaf [`follow_log`] reads.
    followed_to: AtomicU64,
}

impl Default for ScanCache {
    fn default() -> Self {
        ScanCache::new(DEFAULT_BYTES)
    }
}

impl ScanCache {
    /// A cache keeping up to `max_bytes` of scans (0 keeps none: every scan reads the database).
    pub fn new(max_bytes: u64) -> Self {
        ScanCache {
            scans: Cache::with_weighter(4096, max_bytes, ScanWeight),
            trust: RwLock::new(None),
            head: Mutex::new(None),
            epoch: AtomicU64::new(0),
            followed_to: AtomicU64::new(NOT_FOLLOWING),
        }
    }

    /// A kept scan, if any.
    pub fn get(&self, id: Uuid) -> Option<Arc<Scan>> {
        self.scans.get(&id)
    }

    /// Forgets one certificate's scan: call after committing its revocation.
    pub fn forget(&self, id: Uuid) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.scans.remove(&id);
    }

    /// Forgets every scan and the keys and checkpoint they were judged with: call after a key
    /// change.
    pub fn forget_all(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.scans.clear();
        *self.trust.write().unwrap_or_else(PoisonError::into_inner) = None;
        *self.head.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Bytes of scans kept now.
    pub fn weight(&self) -> u64 {
        self.scans.weight()
    }

    fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    fn keep(&self, scan: &Arc<Scan>, read_at_epoch: u64) {
        if self.epoch() == read_at_epoch {
            self.scans.insert(scan.code.uuid(), Arc::clone(scan));
        }
    }

    fn trust(
        &self,
        conn: &mut DbConnection,
        issuing: &IssuerContext,
    ) -> Result<Arc<Trust>, WorkflowError> {
        let kept = self
            .trust
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(trust) = kept {
            return Ok(trust);
        }
        let epoch = self.epoch();
        let keys = trusted_keys(conn)?;
        let signing = match active_signing_key(conn, &issuing.keys) {
            Ok(key) => Some(key),
            Err(WorkflowError::Unavailable(_)) => None,
            Err(other) => return Err(other),
        };
        let trust = Arc::new(Trust { keys, signing });
        if self.epoch() == epoch {
            *self.trust.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&trust));
        }
        Ok(trust)
    }

    /// A checkpoint signed by `key` that covers leaf `leaf_index`: the kept one while it does,
    /// else one of the current tree, signed once and kept.
    fn head_covering(
        &self,
        conn: &mut DbConnection,
        key: &IssuerKey,
        origin: &str,
        leaf_index: u64,
    ) -> Result<Arc<SignedHead>, WorkflowError> {
        let kept = self
            .head
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(head) = kept.filter(|head| head.size > leaf_index) {
            return Ok(head);
        }
        let epoch = self.epoch();
        let (size, root) = current_head(conn)?;
        let note = sign_checkpoint(key, origin, size, &root)?;
        let head = Arc::new(SignedHead { size, root, note });
        let mut kept = self.head.lock().unwrap_or_else(PoisonError::into_inner);
        let newer = kept.as_ref().is_none_or(|old| old.size < size);
        if newer && self.epoch() == epoch {
            *kept = Some(Arc::clone(&head));
        }
        Ok(head)
    }
}

/// The scan of certificate `code`: from the cache, or read, judged and kept.
pub fn scan(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    cache: &ScanCache,
    code: CertificateCode,
) -> Result<Arc<Scan>, WorkflowError> {
    if let Some(kept) = cache.get(code.uuid()) {
        return Ok(kept);
    }
    let epoch = cache.epoch();
    let scan = Arc::new(read_together(conn, |conn| {
        read_scan(conn, issuing, cache, code)
    })?);
    cache.keep(&scan, epoch);
    Ok(scan)
}

/// Reads and judges a scan. The rows read are never updated once written (a revocation is a
/// row of its own, and the epoch check in [`ScanCache::keep`] covers one arriving meanwhile),
/// so they need no snapshot; [`read_together`] only saves SQLite taking its lock per query.
fn read_scan(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    cache: &ScanCache,
    code: CertificateCode,
) -> Result<Scan, WorkflowError> {
    let id = code.uuid().to_string();
    let rows = certificate_rows::find_for_scan(conn, &id)?
        .ok_or(WorkflowError::NotFound("certificate"))?;
    let document: Value = serde_json::from_str(&rows.certificate.document)
        .map_err(|e| StorageError::Corrupt(format!("certificate document: {e}")))?;
    let revocation = rows.revocation.map(|r| RevocationSummary {
        revoked_at: utc(r.revoked_at),
        reason: r.reason,
    });

    let trust = cache.trust(conn, issuing)?;
    let judgement = judge(&document, Some(&trust.keys), revocation.is_some());
    let log = match (&trust.signing, rows.issuance) {
        (Some(key), Some(entry)) => Some(issuance_evidence(conn, cache, issuing, entry, key)?),
        _ => None,
    };
    Scan::new(code, judgement, document, revocation, log)
}

/// The issuance leaf of a certificate with its proof up to a kept checkpoint.
fn issuance_evidence(
    conn: &mut DbConnection,
    cache: &ScanCache,
    issuing: &IssuerContext,
    entry: LogEntryRow,
    key: &IssuerKey,
) -> Result<LogEvidence, WorkflowError> {
    let index = u64::try_from(entry.leaf_index)
        .map_err(|_| StorageError::Corrupt("negative leaf index".into()))?;
    let head = cache.head_covering(conn, key, &origin(&issuing.public_base_url), index)?;
    let inclusion_proof = inclusion_in_reached_size(conn, index, head.size)?;
    let leaf = serde_json::from_slice(&entry.data)
        .map_err(|e| StorageError::Corrupt(format!("log leaf: {e}")))?;
    debug_assert!(
        inclusion_proof
            .verify(&crate::tlog::leaf_hash(&entry.data), &head.root)
            .is_ok()
    );
    Ok(LogEvidence {
        leaf,
        inclusion_proof,
        checkpoint: head.note.clone(),
    })
}

/// Reads the log's leaves appended since the last call and forgets what they change: the scan
/// of a revoked certificate, and everything after a key was added or compromised. The first
/// call only notes where the log ends (nothing is kept yet). Returns how many leaves it read.
pub fn follow_log(conn: &mut DbConnection, cache: &ScanCache) -> Result<u64, WorkflowError> {
    let from = cache.followed_to.load(Ordering::SeqCst);
    if from == NOT_FOLLOWING {
        let size = log_rows::log_size(conn)?;
        cache.followed_to.store(size, Ordering::SeqCst);
        return Ok(0);
    }
    follow_from(conn, cache, from)
}

fn follow_from(
    conn: &mut DbConnection,
    cache: &ScanCache,
    from: u64,
) -> Result<u64, WorkflowError> {
    let start = i64::try_from(from).map_err(|_| StorageError::Corrupt("log index".into()))?;
    let entries = log_rows::entries(conn, start, FOLLOW_BATCH)?;
    for entry in &entries {
        match (entry.kind.as_str(), &entry.certificate_id) {
            ("revocation", Some(id)) => match Uuid::parse_str(id) {
                Ok(id) => cache.forget(id),
                Err(_) => cache.forget_all(),
            },
            (kind, _) if kind.starts_with("key_") => cache.forget_all(),
            _ => {}
        }
    }
    if let Some(last) = entries.last() {
        let next = u64::try_from(last.leaf_index + 1).unwrap_or(from);
        cache.followed_to.store(next, Ordering::SeqCst);
    }
    Ok(entries.len() as u64)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::credential::{add_proof, generate_signing_key, multikey};
    use crate::tlog::InclusionProof;

    fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, 12, 0, 0)
            .single()
            .expect("a real date")
    }

    /// A certificate valid through 2026, signed by a key listed from 2025.
    fn signed_scan(revocation: Option<RevocationSummary>) -> Scan {
        let key = generate_signing_key().expect("a key");
        let unsigned = json!({
            "id": "urn:uuid:6a4b0c3e-9d7f-4e8a-b1c2-3d4e5f6a7b8c",
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2026-12-31T23:59:59Z",
            "credentialSubject": { "product": { "name": "Chestnuts 栗子" } }
        });
        let document = add_proof(&unsigned, &key, at(2026, 1, 1)).expect("signed");
        let listed = TrustedKey {
            public_key_multibase: multikey(&key.verifying_key()),
            valid_from: at(2025, 1, 1),
            valid_until: None,
            compromised_at: None,
        };
        let judgement = judge(&document, Some(&[listed]), revocation.is_some());
        let log = LogEvidence {
            leaf: json!({ "kind": "issuance" }),
            inclusion_proof: InclusionProof {
                leaf_index: 3,
                tree_size: 8,
                hashes: vec![[7; 32], [9; 32]],
            },
            checkpoint: "example.org/log\n8\nAAAA\n\n— example.org/log sig\n".to_owned(),
        };
        let code = CertificateCode::from_uuid(
            certificate_id_of(&document).expect("the document names its id"),
        );
        Scan::new(code, judgement, document, revocation, Some(log)).expect("a scan")
    }

    fn certificate_id_of(document: &Value) -> Option<Uuid> {
        super::super::certificates::certificate_id_of(document)
    }

    #[test]
    fn the_spliced_json_is_byte_for_byte_the_serialised_result() {
        let revoked = RevocationSummary {
            revoked_at: at(2026, 6, 1),
            reason: "Residue \"test\" failed".to_owned(),
        };
        for scan in [signed_scan(None), signed_scan(Some(revoked))] {
            for now in [at(2025, 6, 1), at(2026, 6, 1), at(2027, 6, 1)] {
                let spliced = scan.json_at(now).expect("JSON");
                let whole = serde_json::to_vec(&scan.result_at(now)).expect("JSON");
                assert_eq!(
                    String::from_utf8_lossy(&spliced),
                    String::from_utf8_lossy(&whole)
                );
            }
        }
    }

    #[test]
    fn a_kept_scan_reads_the_clock_each_time() {
        let scan = signed_scan(None);
        let statuses: Vec<VerificationStatus> = [at(2025, 6, 1), at(2026, 6, 1), at(2027, 6, 1)]
            .into_iter()
            .map(|now| scan.status_at(now).0)
            .collect();
        assert_eq!(
            statuses,
            [
                VerificationStatus::NotYetValid,
                VerificationStatus::Valid,
                VerificationStatus::Expired
            ]
        );
        let revoked = signed_scan(Some(RevocationSummary {
            revoked_at: at(2026, 6, 1),
            reason: "Mislabelled".to_owned(),
        }));
        assert_eq!(
            revoked.status_at(at(2027, 6, 1)).0,
            VerificationStatus::Revoked
        );
    }

    #[test]
    fn forgetting_moves_the_epoch_so_a_read_begun_before_is_not_kept() {
        let cache = ScanCache::default();
        let scan = Arc::new(signed_scan(None));
        let id = scan.code.uuid();

        let before = cache.epoch();
        cache.forget(id);
        cache.keep(&scan, before);
        assert!(cache.get(id).is_none(), "a read from before the revocation");

        cache.keep(&scan, cache.epoch());
        assert!(cache.get(id).is_some());
        cache.forget_all();
        assert!(cache.get(id).is_none());
        assert_eq!(cache.weight(), 0);
    }

    #[test]
    fn a_cache_of_no_bytes_keeps_nothing() {
        let cache = ScanCache::new(0);
        let scan = Arc::new(signed_scan(None));
        cache.keep(&scan, cache.epoch());
        assert!(cache.get(scan.code.uuid()).is_none());
    }
}
