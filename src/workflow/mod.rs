//! The application workflow: who may do what to an application or a certificate, and the
//! storage steps that go with each decision, done in one transaction.
//!
//! Both the HTTP handlers and the command line call these functions, so a rule holds the same
//! way whichever door a request comes through.

pub mod admin;
pub mod applications;
pub mod certificates;
pub mod evidence;
pub mod keys;
pub mod scans;
pub mod transparency;
pub mod users;

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

use crate::accounts::Role;
use crate::application::IllegalTransition;
use crate::certificate::Issuer;
use crate::db::StorageError;
use crate::footprint::InputErrors;
use crate::keys::KeyRing;

/// The signed-in user a request acts for.
#[derive(Debug, Clone)]
pub struct Actor {
    /// User id.
    pub id: Uuid,
    /// Display name (shown on certificates as the auditor).
    pub name: String,
    /// What they may do.
    pub role: Role,
}

/// What the service needs to issue certificates.
#[derive(Debug, Clone)]
pub struct IssuerContext {
    /// The signing keys; the database says which one is active.
    pub keys: KeyRing,
    /// did:web and display name.
    pub issuer: Issuer,
    /// Where the service is reached, for the QR URL.
    pub public_base_url: String,
}

/// Why a workflow step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The input broke a rule; nothing was stored.
    #[error("invalid input")]
    Invalid(#[from] InputErrors),
    /// Nothing with that id exists (or the actor may not know it exists).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The actor's role does not allow this step.
    #[error("{0}")]
    Forbidden(String),
    /// The step is not allowed in the current state.
    #[error("{0}")]
    Conflict(String),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A query names something outside what exists (a leaf past the log's end).
    #[error("{detail}")]
    OutOfRange {
        /// The parameter.
        field: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The service cannot do this now (no usable key); an operator must act.
    #[error("{0}")]
    Unavailable(String),
}

impl From<diesel::result::Error> for WorkflowError {
    fn from(error: diesel::result::Error) -> Self {
        WorkflowError::Storage(StorageError::Query(error))
    }
}

impl From<IllegalTransition> for WorkflowError {
    fn from(error: IllegalTransition) -> Self {
        WorkflowError::Conflict(error.to_string())
    }
}

/// Refuses the step unless the actor has one of `roles`.
pub fn require_role(actor: &Actor, roles: &[Role], step: &str) -> Result<(), WorkflowError> {
    if roles.contains(&actor.role) {
        return Ok(());
    }
    let allowed: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    Err(WorkflowError::Forbidden(format!(
        "{step} needs the role {}; you are signed in as {}",
        allowed.join(" or "),
        actor.role
    )))
}

/// The current time truncated to whole seconds, the precision that certificates carry.
pub fn now_seconds() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// A stored UTC time.
pub(crate) fn utc(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}
