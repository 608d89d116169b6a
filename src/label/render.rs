//! Turns the label's SVG into a PNG (resvg) and a PDF (svg2pdf), with the system's CJK font.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use image::{ImageFormat, RgbImage};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use super::design::{A4_HEIGHT_MM, A4_WIDTH_MM, FONT_FAMILIES, LABELS_PER_SHEET};
use super::qr::QrError;

/// Printing resolution of label PNGs.
pub const PRINT_DPI: f32 = 300.0;

/// usvg measures in CSS pixels, 96 to the inch.
const CSS_DPI: f32 = 96.0;
/// PDF measures in points, 72 to the inch.
const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// A label could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The QR code could not be made.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// No font with Chinese glyphs is installed, so the label's Chinese would print as boxes.
    #[error(
        "no Chinese font is installed (looked for {families}); install fonts-noto-cjk \
         (Debian) or another of those"
    )]
    NoCjkFont {
        /// The families looked for.
        families: String,
    },
    /// The drawing did not parse (a bug in the label design).
    #[error("label drawing: {0}")]
    Svg(#[from] usvg::Error),
    /// Rasterising or PNG encoding failed.
    #[error("label image: {0}")]
    Raster(String),
    /// PDF conversion failed.
    #[error("label PDF: {0}")]
    Pdf(String),
}

/// The system fonts, loaded once (scanning them takes a moment), and the CJK family found.
fn fonts() -> Result<Arc<fontdb::Database>, LabelError> {
    static FONTS: OnceLock<Option<Arc<fontdb::Database>>> = OnceLock::new();
    FONTS
        .get_or_init(load_fonts)
        .clone()
        .ok_or_else(|| LabelError::NoCjkFont {
            families: FONT_FAMILIES.join(", "),
        })
}

fn load_fonts() -> Option<Arc<fontdb::Database>> {
    let mut database = fontdb::Database::new();
    database.load_system_fonts();
    let installed = FONT_FAMILIES.iter().find(|wanted| {
        database
            .faces()
            .any(|face| face.families.iter().any(|(name, _)| name == *wanted))
    })?;
    database.set_sans_serif_family(*installed);
    tracing::info!(font = installed, "label font found");
    Some(Arc::new(database))
}

/// Whether labels can be drawn here: a CJK font is installed.
pub fn fonts_available() -> bool {
    fonts().is_ok()
}

fn parse(svg: &str) -> Result<usvg::Tree, LabelError> {
    let options = usvg::Options {
        fontdb: fonts()?,
        languages: vec!["zh-CN".into(), "en".into()],
        ..usvg::Options::default()
    };
    Ok(usvg::Tree::from_str(svg, &options)?)
}

/// The drawing as a PNG at `dpi`, on white.
pub fn png(svg: &str, dpi: f32) -> Result<Vec<u8>, LabelError> {
    let tree = parse(svg)?;
    let scale = dpi / CSS_DPI;
    let size = tree.size();
    let pixels = |length: f32| (length * scale).round() as u32;
    let (width, height) = (pixels(size.width()), pixels(size.height()));
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| LabelError::Raster("cannot allocate the image".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );

    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|pixel| [pixel[0], pixel[1], pixel[2]])
        .collect();
    let image = RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| LabelError::Raster("image buffer size".into()))?;
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|e| LabelError::Raster(e.to_string()))?;
    Ok(png.into_inner())
}

/// The drawing as a one-page PDF of its own size, text kept as text (fonts embedded).
pub fn pdf(svg: &str) -> Result<Vec<u8>, LabelError> {
    let tree = parse(svg)?;
    let page = svg2pdf::PageOptions { dpi: CSS_DPI };
    svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
        .map_err(|e| LabelError::Pdf(e.to_string()))
}

/// An A4 PDF of `count` labels: full sheets of [`LABELS_PER_SHEET`], then the rest. `page_svg`
/// draws a sheet holding a given number of labels; each distinct sheet is converted once and
/// reused on every page that holds as many.
pub fn sheet_pdf(count: usize, page_svg: impl Fn(usize) -> String) -> Result<Vec<u8>, LabelError> {
    let per_page = labels_per_page(count);
    let mut refs = Refs(0);
    let (catalog, page_tree) = (refs.next(), refs.next());
    let mut pdf = Pdf::new();

    let mut drawings: HashMap<usize, Ref> = HashMap::new();
    for labels in &per_page {
        if !drawings.contains_key(labels) {
            let drawing = embed(&mut pdf, &mut refs, &page_svg(*labels))?;
            drawings.insert(*labels, drawing);
        }
    }

    let mut pages = Vec::new();
    for labels in &per_page {
        let drawing = drawings
            .get(labels)
            .copied()
            .ok_or_else(|| LabelError::Pdf("a sheet was not drawn".into()))?;
        pages.push(add_page(&mut pdf, &mut refs, page_tree, drawing));
    }
    pdf.pages(page_tree)
        .kids(pages.iter().copied())
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.catalog(catalog).pages(page_tree);
    Ok(pdf.finish())
}

/// How many labels each page holds: full sheets first.
fn labels_per_page(count: usize) -> Vec<usize> {
    (0..count.div_ceil(LABELS_PER_SHEET))
        .map(|page| (count - page * LABELS_PER_SHEET).min(LABELS_PER_SHEET))
        .collect()
}

/// Hands out PDF object numbers.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// Converts an SVG page into a form XObject inside `pdf`; returns its object.
fn embed(pdf: &mut Pdf, refs: &mut Refs, svg: &str) -> Result<Ref, LabelError> {
    let tree = parse(svg)?;
    let (chunk, root) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
        .map_err(|e| LabelError::Pdf(e.to_string()))?;
    let mut renumbered = HashMap::new();
    let chunk = chunk.renumber(|old| *renumbered.entry(old).or_insert_with(|| refs.next()));
    let root = renumbered
        .get(&root)
        .copied()
        .ok_or_else(|| LabelError::Pdf("the drawing has no root object".into()))?;
    pdf.extend(&chunk);
    Ok(root)
}

/// Adds an A4 page showing `drawing` over the whole page; returns the page object.
fn add_page(pdf: &mut Pdf, refs: &mut Refs, page_tree: Ref, drawing: Ref) -> Ref {
    let width = A4_WIDTH_MM as f32 * POINTS_PER_MM;
    let height = A4_HEIGHT_MM as f32 * POINTS_PER_MM;
    let (page, contents) = (refs.next(), refs.next());

    let mut content = Content::new();
    content
        .transform([width, 0.0, 0.0, height, 0.0, 0.0])
        .x_object(Name(b"Sheet"));
    pdf.stream(contents, &content.finish());

    let mut writer = pdf.page(page);
    writer
        .media_box(Rect::new(0.0, 0.0, width, height))
        .parent(page_tree)
        .contents(contents);
    writer.resources().x_objects().pair(Name(b"Sheet"), drawing);
    writer.finish();
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fill_whole_sheets_before_the_last() {
        assert_eq!(labels_per_page(1), [1]);
        assert_eq!(labels_per_page(40), [40]);
        assert_eq!(labels_per_page(45), [40, 5]);
        assert_eq!(labels_per_page(80), [40, 40]);
    }
}
