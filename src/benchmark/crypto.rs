//! The raw Ed25519 rates the service's ratios are measured against (performance.md: "verify,
//! cold ÷ raw `verify_strict` ops/s" and "issuance per second ÷ raw sign per second"), taken in
//! the same process and on the same core as the server runs, so the ratio cancels the machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use serde::Serialize;

use crate::credential::{CredentialError, generate_signing_key};

/// Operations per second of the two primitives every certificate goes through.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CryptoRates {
    /// Ed25519 signatures per second over the 64-byte `eddsa-jcs-2022` hash data.
    pub sign_per_second: f64,
    /// `verify_strict` checks per second of such a signature.
    pub verify_strict_per_second: f64,
}

/// Signs and verifies the 64 bytes an `eddsa-jcs-2022` proof covers, each for about `budget`.
pub fn measure_crypto_rates(budget: Duration) -> Result<CryptoRates, CredentialError> {
    let key = generate_signing_key()?;
    let message = [0x5a_u8; 64];

    let sign_per_second = rate(budget, || {
        black_box(key.sign(black_box(&message)));
    });
    let verify_strict_per_second = verify_rate(&key, &message, budget)?;
    Ok(CryptoRates {
        sign_per_second,
        verify_strict_per_second,
    })
}

fn verify_rate(
    key: &SigningKey,
    message: &[u8; 64],
    budget: Duration,
) -> Result<f64, CredentialError> {
    let public_key = key.verifying_key();
    let signature = key.sign(message);
    public_key
        .verify_strict(message, &signature)
        .map_err(|_| CredentialError::SelfCheckFailed)?;

    Ok(rate(budget, || {
        black_box(public_key.verify_strict(black_box(message), black_box(&signature))).ok();
    }))
}

/// Runs `operation` in chunks until `budget` has passed and returns operations per second.
fn rate(budget: Duration, mut operation: impl FnMut()) -> f64 {
    const CHUNK: u32 = 64;
    let started = Instant::now();
    let mut done: u64 = 0;
    while started.elapsed() < budget {
        for _ in 0..CHUNK {
            operation();
        }
        done += u64::from(CHUNK);
    }
    done as f64 / started.elapsed().as_secs_f64()
}
