//! Support for the benchmark harness (`bench/run.sh`, performance.md): filling a database with
//! real certificates fast, and measuring the raw cryptography the service's ratios are taken
//! against. The command line exposes both only with the `bench` feature; the code itself is
//! always built so that the test suite checks it.

pub mod crypto;
pub mod seed;

pub use crypto::{CryptoRates, measure_crypto_rates};
pub use seed::{SeedSummary, seed_certificates};
