//! QR codes for the verification URL: error correction level Q, a quiet zone of four modules,
//! square modules, and nothing in the code but the short URL.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::certificate::CertificateCode;

/// Smallest and largest module size for PNG rendering, in pixels.
pub const MODULE_PX_RANGE: std::ops::RangeInclusive<u32> = 1..=40;

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

/// `{public_base_url}/v/{CODE}`: what the QR code carries.
pub fn verification_url(public_base_url: &str, code: CertificateCode) -> String {
    format!("{}/v/{code}", public_base_url.trim_end_matches('/'))
}

fn encode(url: &str) -> Result<QrCode, QrError> {
    Ok(QrCode::with_error_correction_level(
        url.as_bytes(),
        EcLevel::Q,
    )?)
}

/// The code as an SVG document, scalable for print.
pub fn qr_svg(url: &str) -> Result<String, QrError> {
    let code = encode(url)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The code as a PNG with `module_px` pixels per module (clamped to [`MODULE_PX_RANGE`]).
pub fn qr_png(url: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    let module_px = module_px.clamp(*MODULE_PX_RANGE.start(), *MODULE_PX_RANGE.end());
    let image = encode(url)?
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module_px, module_px)
        .build();

    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png)?;
    Ok(png.into_inner())
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
}
