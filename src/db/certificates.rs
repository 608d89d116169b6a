//! Issued certificates and their revocations. Both are append-only: a revocation adds a row and
//! never rewrites the signed document.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{certificates, log_entries, revocations};
use super::transparency::LogEntryRow;
use super::{DbConnection, StorageError};

/// A certificate as stored: the signed document exactly as issued.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = certificates)]
pub struct CertificateRow {
    /// UUID.
    pub id: String,
    /// Crockford base32 code of the id.
    pub code: String,
    /// The approved application.
    pub application_id: String,
    /// The signed credential, JSON text as issued.
    pub document: String,
    /// SHA-256 of `document`, hex.
    pub document_sha256: String,
    /// `did:key:...#...` that signed.
    pub verification_method: String,
    /// Start of validity.
    pub valid_from: NaiveDateTime,
    /// End of validity.
    pub valid_until: NaiveDateTime,
    /// When it was signed.
    pub issued_at: NaiveDateTime,
}

/// A revocation as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = revocations)]
pub struct RevocationRow {
    /// The certificate.
    pub certificate_id: String,
    /// Why it was revoked.
    pub reason: String,
    /// The auditor.
    pub revoked_by: String,
    /// When.
    pub revoked_at: NaiveDateTime,
}

/// Adds a certificate.
pub fn insert_certificate(
    conn: &mut DbConnection,
    row: &CertificateRow,
) -> Result<(), StorageError> {
    diesel::insert_into(certificates::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Finds a certificate by id.
pub fn find_certificate(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<CertificateRow>, StorageError> {
    Ok(certificates::table
        .find(id)
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()?)
}

/// What a scan reads of one certificate: its row, its revocation if any, and the log leaf
/// that recorded its issuance if any.
#[derive(Debug, Clone)]
pub struct ScanRows {
    /// The certificate.
    pub certificate: CertificateRow,
    /// Set once revoked.
    pub revocation: Option<RevocationRow>,
    /// The issuance leaf (absent for a certificate issued before the log existed).
    pub issuance: Option<LogEntryRow>,
}

/// Finds a certificate with its revocation and issuance leaf in one query: on PostgreSQL each
/// query is a network round trip, and a scan that misses the cache is mostly round trips. The
/// workflow writes one issuance leaf per certificate; should there ever be two, the first wins.
pub fn find_for_scan(conn: &mut DbConnection, id: &str) -> Result<Option<ScanRows>, StorageError> {
    let found = certificates::table
        .left_join(revocations::table)
        .left_join(
            log_entries::table.on(log_entries::certificate_id
                .eq(certificates::id.nullable())
                .and(log_entries::kind.eq("issuance"))),
        )
        .filter(certificates::id.eq(id))
        .order(log_entries::leaf_index.asc())
        .select((
            CertificateRow::as_select(),
            Option::<RevocationRow>::as_select(),
            Option::<LogEntryRow>::as_select(),
        ))
        .first::<(CertificateRow, Option<RevocationRow>, Option<LogEntryRow>)>(conn)
        .optional()?;
    Ok(found.map(|(certificate, revocation, issuance)| ScanRows {
        certificate,
        revocation,
        issuance,
    }))
}

/// Finds the certificate issued for an application.
pub fn find_certificate_of_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> Result<Option<CertificateRow>, StorageError> {
    Ok(certificates::table
        .filter(certificates::application_id.eq(application_id))
        .select(CertificateRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records a revocation.
pub fn insert_revocation(conn: &mut DbConnection, row: &RevocationRow) -> Result<(), StorageError> {
    diesel::insert_into(revocations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The revocation of a certificate, if it was revoked.
pub fn find_revocation(
    conn: &mut DbConnection,
    certificate_id: &str,
) -> Result<Option<RevocationRow>, StorageError> {
    Ok(revocations::table
        .find(certificate_id)
        .select(RevocationRow::as_select())
        .first(conn)
        .optional()?)
}
