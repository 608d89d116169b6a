//! The short code printed in the QR URL: a certificate's 128-bit id in Crockford base32.
//!
//! 26 characters carry 130 bits, so the id is read as a big-endian number with two leading zero
//! bits (the first character is always 0 to 7). Upper case keeps the QR code in its compact
//! alphanumeric mode; decoding accepts either case and Crockford's look-alikes (I, L for 1; O
//! for 0), because people type codes from paper.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH: usize = 26;

/// A certificate id in its printed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertificateCode(Uuid);

/// Why a string is not a certificate code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Codes have exactly 26 characters.
    #[error("a certificate code has 26 characters, this one has {0}")]
    WrongLength(usize),
    /// Only Crockford base32 characters are allowed.
    #[error("`{0}` is not a Crockford base32 character")]
    InvalidCharacter(char),
    /// The first character may only be 0 to 7, since the code carries 128 bits.
    #[error("the code is larger than a 128-bit id")]
    Overflow,
}

impl CertificateCode {
    /// The code for a certificate id.
    pub fn from_uuid(id: Uuid) -> Self {
        CertificateCode(id)
    }

    /// The certificate id this code stands for.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0.as_u128();
        let mut text = String::with_capacity(CODE_LENGTH);
        for position in (0..CODE_LENGTH).rev() {
            let digit = (value >> (position * 5)) & 0x1f;
            text.push(char::from(ALPHABET[digit as usize]));
        }
        f.write_str(&text)
    }
}

impl FromStr for CertificateCode {
    type Err = CodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let length = text.chars().count();
        if length != CODE_LENGTH {
            return Err(CodeError::WrongLength(length));
        }

        let mut value: u128 = 0;
        for (index, character) in text.chars().enumerate() {
            let digit = crockford_digit(character).ok_or(CodeError::InvalidCharacter(character))?;
            if index == 0 && digit > 7 {
                return Err(CodeError::Overflow);
            }
            value = (value << 5) | u128::from(digit);
        }
        Ok(CertificateCode(Uuid::from_u128(value)))
    }
}

fn crockford_digit(character: char) -> Option<u8> {
    let upper = match character.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&c| char::from(c) == upper)
        .and_then(|p| u8::try_from(p).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_round_trips_to_the_same_id() {
        for _ in 0..200 {
            let id = Uuid::new_v4();
            let code = CertificateCode::from_uuid(id).to_string();
            assert_eq!(code.len(), 26);
            assert_eq!(
                code.parse::<CertificateCode>().expect("valid code").uuid(),
                id
            );
        }
    }

    #[test]
    fn known_ids_give_known_codes() {
        assert_eq!(
            CertificateCode::from_uuid(Uuid::nil()).to_string(),
            "0".repeat(26)
        );
        let max = CertificateCode::from_uuid(Uuid::max()).to_string();
        assert_eq!(max, format!("7{}", "Z".repeat(25)));
    }

    #[test]
    fn decoding_forgives_case_and_look_alike_letters() {
        let id = Uuid::from_u128(1);
        let code = "0000000000000000000000000l"
            .parse::<CertificateCode>()
            .expect("valid");
        assert_eq!(code.uuid(), id);
        let with_o = "o000000000000000000000000I"
            .parse::<CertificateCode>()
            .expect("valid");
        assert_eq!(with_o.uuid(), id);
    }

    #[test]
    fn malformed_codes_are_refused_with_the_reason() {
        assert_eq!(
            "ABC".parse::<CertificateCode>(),
            Err(CodeError::WrongLength(3))
        );
        let with_u = format!("0{}", "U".repeat(25));
        assert_eq!(
            with_u.parse::<CertificateCode>(),
            Err(CodeError::InvalidCharacter('U'))
        );
        let too_big = "8".repeat(26);
        assert_eq!(too_big.parse::<CertificateCode>(), Err(CodeError::Overflow));
    }
}
