//! What gets printed on the bag: the QR code that leads a buyer's phone to the verification
//! page, and the label around it (SVG, PNG, PDF, and A4 sheets of labels).
//!
//! Everything here is a pure function of a certificate, so it is drawn on first request and
//! kept in [`LabelCache`]; issuing a certificate never waits for a drawing.

pub mod cache;
pub mod design;
pub mod gs1;
pub mod qr;
pub mod render;

use qrcode::QrCode;

pub use cache::{LabelCache, Rendered};
pub use design::{LabelFacts, label_svg, sheet_svg};
pub use gs1::{Gs1Error, digital_link};
pub use qr::{QrError, qr_payload, qr_png, qr_svg, verification_url};
pub use render::{LabelError, PRINT_DPI};

/// Largest number of labels in one `labels.pdf` (ten A4 sheets).
pub const MAX_SHEET_LABELS: usize = 10 * design::LABELS_PER_SHEET;

/// Which URL the QR code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    /// `{base}/v/{code}`, upper-cased when that makes the code smaller.
    Short,
    /// The GS1 Digital Link `{base}/01/{gtin}/10/{lot}/21/{code}`.
    Gs1,
}

/// One printable thing made from a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Artifact {
    /// The QR code alone, as SVG.
    QrSvg(Link),
    /// The QR code alone, as PNG with this many pixels per module.
    QrPng(Link, u32),
    /// The 40 × 25 mm label as SVG.
    LabelSvg(Link),
    /// The label as PNG at [`PRINT_DPI`].
    LabelPng(Link),
    /// The label as a one-page PDF of its own size.
    LabelPdf(Link),
    /// An A4 PDF of this many labels, with cut marks.
    Sheet(Link, usize),
}

impl Artifact {
    /// The URL its QR code carries.
    pub fn link(self) -> Link {
        match self {
            Artifact::QrSvg(link)
            | Artifact::QrPng(link, _)
            | Artifact::LabelSvg(link)
            | Artifact::LabelPng(link)
            | Artifact::LabelPdf(link)
            | Artifact::Sheet(link, _) => link,
        }
    }

    /// Its media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Artifact::QrSvg(_) | Artifact::LabelSvg(_) => "image/svg+xml",
            Artifact::QrPng(..) | Artifact::LabelPng(_) => "image/png",
            Artifact::LabelPdf(_) | Artifact::Sheet(..) => "application/pdf",
        }
    }
}

/// Draws `artifact` for a certificate whose QR code is `qr` and whose claim is `facts`.
pub fn draw(artifact: Artifact, qr: &QrCode, facts: &LabelFacts) -> Result<Vec<u8>, LabelError> {
    match artifact {
        Artifact::QrSvg(_) => Ok(qr::svg_of(qr).into_bytes()),
        Artifact::QrPng(_, module_px) => Ok(qr::png_of(qr, module_px)?),
        Artifact::LabelSvg(_) => Ok(label_svg(facts, qr).into_bytes()),
        Artifact::LabelPng(_) => render::png(&label_svg(facts, qr), PRINT_DPI),
        Artifact::LabelPdf(_) => render::pdf(&label_svg(facts, qr)),
        Artifact::Sheet(_, count) => {
            let count = count.clamp(1, MAX_SHEET_LABELS);
            render::sheet_pdf(count, |labels| sheet_svg(facts, qr, labels))
        }
    }
}
