//! Evidence a farmer attaches to a draft: invoices, meter readings, soil lab reports, as PDF or
//! images. Each file is stored with its SHA-256, and the application's input hash (which the
//! certificate carries) covers every file, so a certificate vouches for exactly these files.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::applications::{
    canonical_sha256, readable_row, stored_body, stored_status, visible_row,
};
use super::{Actor, WorkflowError, require_role, utc};
use crate::accounts::Role;
use crate::db::applications as application_rows;
use crate::db::evidence::{self as rows, EvidenceRow, NewEvidence};
use crate::db::{self, DbConnection};
use crate::footprint::{ErrorCode, FieldError, InputErrors};

/// Largest evidence file accepted, in bytes (5 MiB: a scanned invoice or a phone photo).
pub const MAX_EVIDENCE_BYTES: usize = 5 * 1024 * 1024;

/// The kinds of evidence.
pub const EVIDENCE_KINDS: &[&str] = &["invoice", "meter_reading", "soil_lab_report", "other"];

/// The file types accepted, each with the bytes its files begin with.
pub const MEDIA_TYPES: &[(&str, &[u8])] = &[
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/webp", b"RIFF"),
];

const MAX_FILE_NAME_CHARS: usize = 200;

/// A file as a farmer sends it.
#[derive(Debug, Clone)]
pub struct EvidenceUpload {
    /// One of [`EVIDENCE_KINDS`].
    pub kind: String,
    /// The file's name, for people.
    pub file_name: String,
    /// One of [`MEDIA_TYPES`].
    pub media_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// An evidence file as listed.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// Id.
    pub id: Uuid,
    /// Kind.
    pub kind: String,
    /// File name.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// When it was attached.
    pub uploaded_at: DateTime<Utc>,
}

/// Checks an upload: a known kind, a plain file name, an accepted type whose content really
/// starts like that type, and a size within [`MAX_EVIDENCE_BYTES`]. Reports every problem.
pub fn check_upload(upload: &EvidenceUpload) -> Result<(), InputErrors> {
    let mut errors = Vec::new();
    if !EVIDENCE_KINDS.contains(&upload.kind.as_str()) {
        let message = format!("kind must be one of {}", EVIDENCE_KINDS.join(", "));
        errors.push(FieldError::new("kind", ErrorCode::InvalidValue, message));
    }
    let name = upload.file_name.trim();
    let plain = !name.is_empty()
        && name.chars().count() <= MAX_FILE_NAME_CHARS
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    if !plain {
        let message = format!(
            "name must be a file name of 1 to {MAX_FILE_NAME_CHARS} characters without slashes"
        );
        errors.push(FieldError::new("name", ErrorCode::InvalidValue, message));
    }
    match MEDIA_TYPES
        .iter()
        .find(|(media, _)| *media == upload.media_type)
    {
        None => {
            let accepted: Vec<&str> = MEDIA_TYPES.iter().map(|(media, _)| *media).collect();
            let message = format!("evidence must be one of {}", accepted.join(", "));
            errors.push(FieldError::new(
                "content_type",
                ErrorCode::InvalidValue,
                message,
            ));
        }
        Some((media, magic)) if !upload.content.starts_with(magic) => {
            let message = format!("the file is not {media}: its first bytes do not match");
            errors.push(FieldError::new("body", ErrorCode::InvalidValue, message));
        }
        Some(_) => {}
    }
    if upload.content.len() > MAX_EVIDENCE_BYTES {
        let message = format!("evidence files are at most {MAX_EVIDENCE_BYTES} bytes");
        errors.push(FieldError::new("body", ErrorCode::InvalidValue, message));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputErrors::invalid(errors))
    }
}

/// Attaches a file to a draft of the farmer's farm and updates the draft's input hash.
pub fn attach_evidence(
    conn: &mut DbConnection,
    actor: &Actor,
    application_id: Uuid,
    upload: &EvidenceUpload,
    now: DateTime<Utc>,
) -> Result<EvidenceView, WorkflowError> {
    require_role(actor, &[Role::Farmer], "attaching evidence")?;
    check_upload(upload)?;
    let id = Uuid::new_v4().to_string();
    let sha256 = hex::encode(Sha256::digest(&upload.content));
    let size = i64::try_from(upload.content.len()).unwrap_or(i64::MAX);

    db::write_transaction(conn, |conn| -> Result<(), WorkflowError> {
        let row = visible_row(conn, actor, application_id)?;
        stored_status(&row)?.edit()?;
        let new = NewEvidence {
            id: &id,
            application_id: &row.id,
            kind: &upload.kind,
            file_name: upload.file_name.trim(),
            media_type: &upload.media_type,
            size_bytes: size,
            sha256: &sha256,
            content: &upload.content,
            uploaded_by: &actor.id.to_string(),
            uploaded_at: now.naive_utc(),
        };
        rows::insert_evidence(conn, &new)?;
        let hash = input_sha256_with_evidence(conn, &row.id, &stored_body(&row)?)?;
        application_rows::set_input_sha256(conn, &row.id, &hash, now.naive_utc())?;
        let detail = format!("{} `{}` sha256 {sha256}", upload.kind, new.file_name);
        let event =
            super::applications::event(&row.id, None, actor, "evidence_added", Some(&detail), now);
        application_rows::record_event(conn, &event)?;
        Ok(())
    })?;
    let listed = rows::evidence_of_application(conn, &application_id.to_string())?;
    let row = listed
        .into_iter()
        .find(|row| row.id == id)
        .ok_or(WorkflowError::NotFound("evidence"))?;
    view(row)
}

/// The evidence of an application the actor may see.
pub fn list_evidence(
    conn: &mut DbConnection,
    actor: &Actor,
    application_id: Uuid,
) -> Result<Vec<EvidenceView>, WorkflowError> {
    let row = readable_row(conn, actor, application_id)?;
    rows::evidence_of_application(conn, &row.id)?
        .into_iter()
        .map(view)
        .collect()
}

/// One evidence file with its content, for someone who may see the application.
pub fn evidence_content(
    conn: &mut DbConnection,
    actor: &Actor,
    application_id: Uuid,
    evidence_id: Uuid,
) -> Result<(EvidenceView, Vec<u8>), WorkflowError> {
    let row = readable_row(conn, actor, application_id)?;
    let (found, content) = rows::find_evidence_content(conn, &row.id, &evidence_id.to_string())?
        .ok_or(WorkflowError::NotFound("evidence"))?;
    Ok((view(found)?, content))
}

/// The input hash of an application: of its body alone when it has no evidence, else of the
/// body together with every file's hash, kind, name and type (RFC 8785 canonical JSON).
pub fn input_sha256_with_evidence(
    conn: &mut DbConnection,
    application_id: &str,
    body: &Value,
) -> Result<String, WorkflowError> {
    let files = rows::evidence_of_application(conn, application_id)?;
    if files.is_empty() {
        return canonical_sha256(body);
    }
    let listed: Vec<Value> = files
        .iter()
        .map(|file| {
            json!({
                "sha256": file.sha256,
                "kind": file.kind,
                "file_name": file.file_name,
                "media_type": file.media_type,
            })
        })
        .collect();
    canonical_sha256(&json!({ "application": body, "evidence": listed }))
}

fn view(row: EvidenceRow) -> Result<EvidenceView, WorkflowError> {
    Ok(EvidenceView {
        id: db::stored_uuid(&row.id)?,
        kind: row.kind,
        file_name: row.file_name,
        media_type: row.media_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        uploaded_at: utc(row.uploaded_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(media_type: &str, content: &[u8]) -> EvidenceUpload {
        EvidenceUpload {
            kind: "invoice".into(),
            file_name: "diesel.pdf".into(),
            media_type: media_type.into(),
            content: content.to_vec(),
        }
    }

    #[test]
    fn a_file_must_really_be_of_the_type_it_claims() {
        assert!(check_upload(&upload("application/pdf", b"%PDF-1.7 ...")).is_ok());
        let lying = check_upload(&upload("application/pdf", b"MZ\x90\x00")).expect_err("exe");
        assert_eq!(lying.errors[0].field, "body");
        let html = check_upload(&upload("text/html", b"<html>")).expect_err("html");
        assert_eq!(html.errors[0].field, "content_type");
    }

    #[test]
    fn kind_and_name_are_checked_and_every_problem_reported() {
        let mut bad = upload("image/png", b"\x89PNG\r\n\x1a\nrest");
        bad.kind = "selfie".into();
        bad.file_name = "../../etc/passwd".into();
        let refused = check_upload(&bad).expect_err("refused");
        let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "name"]);
    }
}
