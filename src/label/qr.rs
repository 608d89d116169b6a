//! QR codes for the verification URL: error correction level Q, a quiet zone of four modules,
//! square modules, and nothing in the code but the short URL.
//!
//! A QR code's alphanumeric mode holds only upper-case letters, digits and ` $%*+-./:`, at 5.5
//! bits a character against 8 in byte mode. When the base URL is a bare scheme and host, the
//! whole URL can be written in upper case (scheme and host are case-insensitive, and `/V/` is
//! served like `/v/`); that form is printed whenever it gives a smaller code.

use std::fmt::Write as _;
use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::certificate::CertificateCode;

/// Smallest and largest module size for PNG rendering, in pixels.
pub const MODULE_PX_RANGE: std::ops::RangeInclusive<u32> = 1..=40;

/// Modules of blank margin on every side, as ISO/IEC 18004 asks for.
pub const QUIET_ZONE_MODULES: usize = 4;

/// The QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The URL is too long for a QR code at level Q.
    #[error("the URL does not fit in a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(#[from] image::ImageError),
}

/// `{public_base_url}/v/{CODE}`: the verification URL as people read it.
pub fn verification_url(public_base_url: &str, code: CertificateCode) -> String {
    format!("{}/v/{code}", public_base_url.trim_end_matches('/'))
}

/// What the QR code carries: the verification URL, in upper case when that makes the code
/// smaller (see the module documentation).
pub fn qr_payload(public_base_url: &str, code: CertificateCode) -> String {
    let url = verification_url(public_base_url, code);
    let upper = url.to_ascii_uppercase();
    if !can_be_upper_case(public_base_url) {
        return url;
    }
    match (encode(&url), encode(&upper)) {
        (Ok(mixed), Ok(shouting)) if version_of(&shouting) < version_of(&mixed) => upper,
        _ => url,
    }
}

/// A base URL may be upper-cased only when it is `scheme://host[:port]` (no path, whose case
/// matters) and every character fits the alphanumeric mode once upper-cased.
fn can_be_upper_case(public_base_url: &str) -> bool {
    let base = public_base_url.trim_end_matches('/');
    let Some((_, authority)) = base.split_once("://") else {
        return false;
    };
    let alphanumeric_mode = |c: char| c.is_ascii_alphanumeric() || " $%*+-./:".contains(c);
    !authority.contains('/') && base.chars().all(alphanumeric_mode)
}

fn version_of(code: &QrCode) -> i16 {
    match code.version() {
        qrcode::Version::Normal(n) | qrcode::Version::Micro(n) => n,
    }
}

/// Encodes a payload at level Q.
pub fn encode(payload: &str) -> Result<QrCode, QrError> {
    Ok(QrCode::with_error_correction_level(
        payload.as_bytes(),
        EcLevel::Q,
    )?)
}

/// The code as an SVG document, scalable for print.
pub fn svg_of(code: &QrCode) -> String {
    code.render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
}

/// The code as a PNG with `module_px` pixels per module (clamped to [`MODULE_PX_RANGE`]).
pub fn png_of(code: &QrCode, module_px: u32) -> Result<Vec<u8>, QrError> {
    let module_px = module_px.clamp(*MODULE_PX_RANGE.start(), *MODULE_PX_RANGE.end());
    let image = code
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module_px, module_px)
        .build();

    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// Width of the code in modules, quiet zone included.
pub fn width_with_quiet_zone(code: &QrCode) -> usize {
    code.width() + 2 * QUIET_ZONE_MODULES
}

/// SVG path data drawing every dark module as a unit square, offset by the quiet zone, for
/// embedding the code in a larger drawing (the label).
pub fn modules_path(code: &QrCode) -> String {
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (index, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let x = index % width + QUIET_ZONE_MODULES;
            let y = index / width + QUIET_ZONE_MODULES;
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    path
}

/// The code of `payload` as SVG (a convenience over [`encode`] and [`svg_of`]).
pub fn qr_svg(payload: &str) -> Result<String, QrError> {
    Ok(svg_of(&encode(payload)?))
}

/// The code of `payload` as PNG (a convenience over [`encode`] and [`png_of`]).
pub fn qr_png(payload: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    png_of(&encode(payload)?, module_px)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn decode(png: &[u8]) -> String {
        let image = image::load_from_memory(png).expect("png").to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(image);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "exactly one QR code in the image");
        grids[0].decode().expect("decodable").1
    }

    #[test]
    fn the_png_decodes_back_to_the_verification_url_at_several_sizes() {
        let code = CertificateCode::from_uuid(Uuid::new_v4());
        let url = verification_url("http://127.0.0.1:8080/", code);
        assert!(url.starts_with("http://127.0.0.1:8080/v/"));
        for module_px in [2, 4, 8] {
            assert_eq!(decode(&qr_png(&url, module_px).expect("png")), url);
        }
    }

    #[test]
    fn the_svg_is_a_standalone_svg_document() {
        let svg = qr_svg("http://127.0.0.1:8080/v/0123456789ABCDEFGHJKMNPQRS").expect("svg");
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#000000"));
    }

    #[test]
    fn a_bare_host_url_is_printed_in_upper_case_when_that_makes_a_smaller_code() {
        let code = CertificateCode::from_uuid(Uuid::new_v4());
        let payload = qr_payload("https://labels.example.cn", code);
        assert_eq!(payload, format!("HTTPS://LABELS.EXAMPLE.CN/V/{code}"));

        let mixed = encode(&verification_url("https://labels.example.cn", code)).expect("fits");
        let upper = encode(&payload).expect("fits");
        assert!(version_of(&upper) < version_of(&mixed));
        assert_eq!(upper.error_correction_level(), EcLevel::Q);
    }

    #[test]
    fn a_base_url_with_a_path_keeps_its_case() {
        let code = CertificateCode::from_uuid(Uuid::new_v4());
        let payload = qr_payload("https://example.org/Labels", code);
        assert_eq!(payload, format!("https://example.org/Labels/v/{code}"));
    }

    #[test]
    fn the_embedded_path_draws_one_square_per_dark_module_inside_the_quiet_zone() {
        let code = encode("HTTP://127.0.0.1:8080/V/0123456789ABCDEFGHJKMNPQRS").expect("fits");
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == qrcode::Color::Dark)
            .count();
        let path = modules_path(&code);
        assert_eq!(path.matches('M').count(), dark);
        assert!(path.starts_with("M4 4h1v1h-1z"), "the finder's corner");
        assert_eq!(width_with_quiet_zone(&code), code.width() + 8);
    }
}
