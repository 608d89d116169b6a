//! GS1 Digital Link: `{base}/01/{gtin}/10/{lot}/21/{serial}`, the URL form packaging scanners
//! read, for products with a GTIN. It resolves to the same buyer page as `/v/{code}`; the
//! serial is the certificate's code.

use crate::application::is_valid_gtin14;
use crate::certificate::CertificateCode;

/// Longest batch or lot number GS1 allows (AI 10).
pub const MAX_LOT_CHARS: usize = 20;

/// Why a Digital Link cannot be made for a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Gs1Error {
    /// The product has no GTIN, or one that fails its check digit.
    #[error("the product has no valid GTIN-14")]
    NoGtin,
    /// The product has no lot: AI 10 is part of the link.
    #[error("the product has no lot number")]
    NoLot,
    /// The lot is longer than GS1 allows or uses characters outside GS1's set 82.
    #[error("the lot `{0}` is not a GS1 lot: at most 20 characters from GS1's character set 82")]
    LotNotGs1(String),
}

/// The Digital Link URL of a certificate's product and lot.
// Limitation: GS1 caps a serial number (AI 21) at 20 characters and our code has 26, so a
// strict GS1 syntax checker refuses the link although our resolver and every QR reader accept
// it. A shorter serial would need a look-up by code prefix that the storage does not offer yet.
pub fn digital_link(
    public_base_url: &str,
    gtin: Option<&str>,
    lot: Option<&str>,
    code: CertificateCode,
) -> Result<String, Gs1Error> {
    let gtin = gtin
        .filter(|gtin| is_valid_gtin14(gtin))
        .ok_or(Gs1Error::NoGtin)?;
    let lot = lot.ok_or(Gs1Error::NoLot)?;
    if !is_gs1_lot(lot) {
        return Err(Gs1Error::LotNotGs1(lot.to_owned()));
    }
    Ok(format!(
        "{}/01/{gtin}/10/{}/21/{code}",
        public_base_url.trim_end_matches('/'),
        percent_encode(lot)
    ))
}

/// GS1 character set 82 (the printable ASCII GS1 allows in AI 10), at most 20 characters.
pub fn is_gs1_lot(lot: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c);
    !lot.is_empty() && lot.chars().count() <= MAX_LOT_CHARS && lot.chars().all(allowed)
}

/// Percent-encodes everything but RFC 3986's unreserved characters, as Digital Link asks.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_product_with_gtin_and_lot_gets_its_digital_link() {
        let code = CertificateCode::from_uuid(Uuid::from_u128(7));
        let link = digital_link(
            "https://labels.example.cn/",
            Some("06901234567892"),
            Some("2026/CH-01"),
            code,
        );
        assert_eq!(
            link,
            Ok(format!(
                "https://labels.example.cn/01/06901234567892/10/2026%2FCH-01/21/{code}"
            ))
        );
    }

    #[test]
    fn no_link_without_a_valid_gtin_or_a_gs1_lot() {
        let code = CertificateCode::from_uuid(Uuid::from_u128(7));
        let base = "https://x.cn";
        let bad_check_digit = digital_link(base, Some("06901234567893"), Some("A"), code);
        assert_eq!(bad_check_digit, Err(Gs1Error::NoGtin));
        assert_eq!(
            digital_link(base, None, Some("A"), code),
            Err(Gs1Error::NoGtin)
        );
        assert_eq!(
            digital_link(base, Some("06901234567892"), None, code),
            Err(Gs1Error::NoLot)
        );
        let chinese = digital_link(base, Some("06901234567892"), Some("第一批"), code);
        assert_eq!(chinese, Err(Gs1Error::LotNotGs1("第一批".into())));
        assert!(!is_gs1_lot(&"A".repeat(21)));
    }
}
