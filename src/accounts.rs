//! Accounts and bearer tokens.
//!
//! A token is 256 random bits shown once to its owner; the database keeps only its SHA-256, so
//! a copy of the database cannot be used to sign in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Enters batches for the farms they belong to.
    Farmer,
    /// Reviews submitted batches, approves, rejects and revokes.
    Auditor,
    /// Manages users, farms and keys.
    Admin,
}

impl Role {
    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Farmer => "farmer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// Whether an account with this role may be a member of a farm. Only farmers are: an
    /// auditor or admin who belonged to a farm would be in a position to decide on its batches.
    pub fn may_belong_to_a_farm(self) -> bool {
        self == Role::Farmer
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is none of `farmer`, `auditor`, `admin`.
#[derive(Debug, thiserror::Error)]
#[error("unknown role `{0}`: expected farmer, auditor or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "farmer" => Ok(Role::Farmer),
            "auditor" => Ok(Role::Auditor),
            "admin" => Ok(Role::Admin),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// A freshly made bearer token: the secret to hand out, and what to store.
pub struct NewToken {
    /// The secret, `zl_` followed by 64 hex digits. Never stored, never logged.
    pub secret: String,
    /// SHA-256 of the secret, hex: what the database keeps.
    pub sha256: String,
    /// The first characters of the secret, so that an owner can tell tokens apart in a list.
    pub prefix: String,
}

/// The operating system's random source failed; nothing safe can be issued without it.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RandomSourceFailed(String);

impl NewToken {
    /// Draws 256 random bits from the operating system.
    pub fn generate() -> Result<Self, RandomSourceFailed> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| RandomSourceFailed(e.to_string()))?;

        let secret = format!("zl_{}", hex::encode(bytes));
        let prefix = secret[..9].to_owned();
        Ok(NewToken {
            sha256: token_sha256(&secret),
            secret,
            prefix,
        })
    }
}

/// SHA-256 of a presented token, hex: the key to look it up by.
pub fn token_sha256(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_only_as_their_hash() {
        let first = NewToken::generate().expect("random source");
        let second = NewToken::generate().expect("random source");

        assert_ne!(first.secret, second.secret);
        assert_eq!(first.secret.len(), 3 + 64);
        assert_eq!(first.sha256, token_sha256(&first.secret));
        assert!(!first.sha256.contains(&first.secret[3..]));
        assert!(first.secret.starts_with(&first.prefix));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Farmer, Role::Auditor, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>().expect("known role"), role);
        }
        assert!("owner".parse::<Role>().is_err());
    }

    #[test]
    fn only_farmers_may_belong_to_a_farm() {
        assert!(Role::Farmer.may_belong_to_a_farm());
        assert!(!Role::Auditor.may_belong_to_a_farm());
        assert!(!Role::Admin.may_belong_to_a_farm());
    }
}
