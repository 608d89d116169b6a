//! Helpers shared by this module's tests: where the official vectors live and how to read them.
//!
//! The vectors stay in the project's shared folder (see its README for their origins); the path
//! is built from the crate's manifest folder so it resolves the same from any crate beside it.

use std::fs;

/// The folder that holds the shared test vectors.
const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors");

/// The full path of a vector file, given its path inside the vectors folder.
pub fn vector_path(relative: &str) -> String {
    format!("{VECTORS}/{relative}")
}

/// The bytes of a vector file exactly as stored, trailing newline or not.
pub fn read_vector(relative: &str) -> Vec<u8> {
    let path = vector_path(relative);

    fs::read(&path).unwrap_or_else(|error| panic!("cannot read test vector {path}: {error}"))
}

/// A vector file parsed as JSON.
pub fn read_json_vector(relative: &str) -> serde_json::Value {
    serde_json::from_slice(&read_vector(relative))
        .unwrap_or_else(|error| panic!("test vector {relative} is not JSON: {error}"))
}

/// A vector file of text with surrounding whitespace removed (hex and base58 files).
pub fn read_text_vector(relative: &str) -> String {
    let bytes = read_vector(relative);

    String::from_utf8(bytes)
        .unwrap_or_else(|error| panic!("test vector {relative} is not UTF-8: {error}"))
        .trim()
        .to_owned()
}
