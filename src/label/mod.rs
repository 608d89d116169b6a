//! What gets printed on the bag: the QR code that leads a buyer's phone to the verification page.

pub mod qr;

pub use qr::{QrError, qr_png, qr_svg, verification_url};
