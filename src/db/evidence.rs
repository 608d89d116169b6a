//! Evidence files attached to applications.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::evidence;
use super::{DbConnection, StorageError};

/// An evidence file as listed: everything but its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evidence)]
pub struct EvidenceRow {
    /// UUID.
    pub id: String,
    /// The application it supports.
    pub application_id: String,
    /// `invoice`, `meter_reading`, `soil_lab_report` or `other`.
    pub kind: String,
    /// The name the farmer gave it.
    pub file_name: String,
    /// `application/pdf`, `image/png`, `image/jpeg` or `image/webp`.
    pub media_type: String,
    /// Size of the content.
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Who attached it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: NaiveDateTime,
}

/// A new evidence file with its content.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = evidence)]
pub struct NewEvidence<'a> {
    /// UUID.
    pub id: &'a str,
    /// The application.
    pub application_id: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// File name.
    pub file_name: &'a str,
    /// Media type.
    pub media_type: &'a str,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256, hex.
    pub sha256: &'a str,
    /// The bytes.
    pub content: &'a [u8],
    /// Who.
    pub uploaded_by: &'a str,
    /// When.
    pub uploaded_at: NaiveDateTime,
}

/// Stores an evidence file.
pub fn insert_evidence(conn: &mut DbConnection, new: &NewEvidence<'_>) -> Result<(), StorageError> {
    diesel::insert_into(evidence::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// The evidence of an application, in the order it was attached.
pub fn evidence_of_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> Result<Vec<EvidenceRow>, StorageError> {
    Ok(evidence::table
        .filter(evidence::application_id.eq(application_id))
        .select(EvidenceRow::as_select())
        .order((evidence::uploaded_at, evidence::id))
        .load(conn)?)
}

/// One evidence file of an application, with its content.
pub fn find_evidence_content(
    conn: &mut DbConnection,
    application_id: &str,
    id: &str,
) -> Result<Option<(EvidenceRow, Vec<u8>)>, StorageError> {
    Ok(evidence::table
        .filter(evidence::application_id.eq(application_id))
        .filter(evidence::id.eq(id))
        .select((EvidenceRow::as_select(), evidence::content))
        .first(conn)
        .optional()?)
}

/// Copies every evidence file of one application to another (a revision), with new ids.
pub fn copy_evidence(
    conn: &mut DbConnection,
    from_application: &str,
    to_application: &str,
    new_id: impl Fn() -> String,
) -> Result<usize, StorageError> {
    let files: Vec<(EvidenceRow, Vec<u8>)> = evidence::table
        .filter(evidence::application_id.eq(from_application))
        .select((EvidenceRow::as_select(), evidence::content))
        .order((evidence::uploaded_at, evidence::id))
        .load(conn)?;
    for (file, content) in &files {
        let id = new_id();
        let copy = NewEvidence {
            id: &id,
            application_id: to_application,
            kind: &file.kind,
            file_name: &file.file_name,
            media_type: &file.media_type,
            size_bytes: file.size_bytes,
            sha256: &file.sha256,
            content,
            uploaded_by: &file.uploaded_by,
            uploaded_at: file.uploaded_at,
        };
        insert_evidence(conn, &copy)?;
    }
    Ok(files.len())
}
