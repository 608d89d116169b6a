//! The printed label as an SVG drawing in millimetres: the QR code on the left, the claim in
//! Chinese and English on the right, sized for retail packaging (40 × 25 mm); and an A4 sheet
//! of such labels with cut marks, for farmers printing at home.
//!
//! The drawing is plain SVG so that one source feeds the browser (`label.svg`), the rasteriser
//! (`label.png`) and the PDF writer (`label.pdf`, `labels.pdf`).

use std::fmt::Write as _;

use qrcode::QrCode;

use super::qr::{modules_path, width_with_quiet_zone};

/// Label width, mm.
pub const LABEL_WIDTH_MM: f64 = 40.0;
/// Label height, mm.
pub const LABEL_HEIGHT_MM: f64 = 25.0;
/// A4 width, mm.
pub const A4_WIDTH_MM: f64 = 210.0;
/// A4 height, mm.
pub const A4_HEIGHT_MM: f64 = 297.0;
/// Labels across an A4 sheet.
pub const SHEET_COLUMNS: usize = 4;
/// Labels down an A4 sheet.
pub const SHEET_ROWS: usize = 10;
/// Labels on one A4 sheet.
pub const LABELS_PER_SHEET: usize = SHEET_COLUMNS * SHEET_ROWS;

/// Fonts tried in order; the first holds Chinese glyphs on Debian (`fonts-noto-cjk`), the others
/// are the usual CJK fonts elsewhere. Text never falls back to a font without Chinese glyphs.
pub const FONT_FAMILIES: &[&str] = &[
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "PingFang SC",
    "Microsoft YaHei",
];

/// Space between labels across and down the sheet, mm.
const GAP_X_MM: f64 = 5.0;
const GAP_Y_MM: f64 = 2.0;
/// The QR code's square, quiet zone included, and where it sits.
/// 20 mm keeps modules above GS1's smallest retail module (0.396 mm) up to version 7.
const QR_SIDE_MM: f64 = 20.0;
const QR_LEFT_MM: f64 = 0.4;
const QR_TOP_MM: f64 = 2.5;
/// The text column.
const TEXT_LEFT_MM: f64 = 20.6;
const TEXT_WIDTH_MM: f64 = 18.8;
/// Smallest text printed, mm (about 3.4 pt).
const MIN_FONT_MM: f64 = 1.2;

/// What a label says, already worded: the caller picks the tier names and rounds the figure.
#[derive(Debug, Clone)]
pub struct LabelFacts {
    /// The tier in Chinese, e.g. 零碳.
    pub tier_zh: String,
    /// The tier in English, e.g. Zero carbon.
    pub tier_en: String,
    /// The footprint per kilogram as shown, e.g. `0.41 kg CO2e/kg`.
    pub footprint: String,
    /// Product name.
    pub product: String,
    /// Lot, when the farmer gave one.
    pub lot: Option<String>,
    /// Farm name.
    pub farm: String,
    /// Village.
    pub village: String,
    /// Last day of validity, `YYYY-MM-DD`.
    pub valid_until: String,
    /// Who signed the certificate.
    pub issuer: String,
}

/// One line of text: where its baseline sits, its largest size and weight.
struct Line {
    text: String,
    baseline_mm: f64,
    size_mm: f64,
    bold: bool,
}

/// The label as a standalone SVG document, 40 × 25 mm.
pub fn label_svg(facts: &LabelFacts, qr: &QrCode) -> String {
    let mut svg = svg_header(LABEL_WIDTH_MM, LABEL_HEIGHT_MM);
    svg.push_str(&label_group(facts, qr));
    svg.push_str("</svg>\n");
    svg
}

/// One A4 page holding `count` labels (at most [`LABELS_PER_SHEET`]), left to right and top to
/// bottom, with cut marks in the margins at every label edge.
pub fn sheet_svg(facts: &LabelFacts, qr: &QrCode, count: usize) -> String {
    let count = count.min(LABELS_PER_SHEET);
    let (left, top) = sheet_origin();
    let mut svg = svg_header(A4_WIDTH_MM, A4_HEIGHT_MM);
    let _ = write!(
        svg,
        "<defs><g id=\"label\">{}</g></defs>",
        label_group(facts, qr)
    );
    for index in 0..count {
        let x = left + (index % SHEET_COLUMNS) as f64 * (LABEL_WIDTH_MM + GAP_X_MM);
        let y = top + (index / SHEET_COLUMNS) as f64 * (LABEL_HEIGHT_MM + GAP_Y_MM);
        let _ = write!(svg, "<use href=\"#label\" x=\"{x:.2}\" y=\"{y:.2}\"/>");
    }
    svg.push_str(&cut_marks(count));
    svg.push_str("</svg>\n");
    svg
}

/// Top-left corner of the first label, centring the grid on the page.
fn sheet_origin() -> (f64, f64) {
    let columns = SHEET_COLUMNS as f64;
    let rows = SHEET_ROWS as f64;
    let grid_width = columns * LABEL_WIDTH_MM + (columns - 1.0) * GAP_X_MM;
    let grid_height = rows * LABEL_HEIGHT_MM + (rows - 1.0) * GAP_Y_MM;
    (
        (A4_WIDTH_MM - grid_width) / 2.0,
        (A4_HEIGHT_MM - grid_height) / 2.0,
    )
}

/// Short hairlines in the page margins on the line of every label edge, so a farmer can cut
/// with a ruler, and a light outline round each label for scissors.
fn cut_marks(count: usize) -> String {
    let (left, top) = sheet_origin();
    let used_rows = count.div_ceil(SHEET_COLUMNS);
    let used_columns = count.min(SHEET_COLUMNS);
    let grid_bottom = top + used_rows as f64 * (LABEL_HEIGHT_MM + GAP_Y_MM) - GAP_Y_MM;
    let grid_right = left + used_columns as f64 * (LABEL_WIDTH_MM + GAP_X_MM) - GAP_X_MM;
    let mut marks = String::from("<g stroke=\"#000\" stroke-width=\"0.15\" fill=\"none\">");
    for column in 0..used_columns {
        let x0 = left + column as f64 * (LABEL_WIDTH_MM + GAP_X_MM);
        for x in [x0, x0 + LABEL_WIDTH_MM] {
            let _ = write!(
                marks,
                "<line x1=\"{x:.2}\" y1=\"{:.2}\" x2=\"{x:.2}\" y2=\"{:.2}\"/>\
                 <line x1=\"{x:.2}\" y1=\"{:.2}\" x2=\"{x:.2}\" y2=\"{:.2}\"/>",
                top - 8.0,
                top - 2.0,
                grid_bottom + 2.0,
                grid_bottom + 8.0
            );
        }
    }
    for row in 0..used_rows {
        let y0 = top + row as f64 * (LABEL_HEIGHT_MM + GAP_Y_MM);
        for y in [y0, y0 + LABEL_HEIGHT_MM] {
            let _ = write!(
                marks,
                "<line x1=\"{:.2}\" y1=\"{y:.2}\" x2=\"{:.2}\" y2=\"{y:.2}\"/>\
                 <line x1=\"{:.2}\" y1=\"{y:.2}\" x2=\"{:.2}\" y2=\"{y:.2}\"/>",
                left - 8.0,
                left - 2.0,
                grid_right + 2.0,
                grid_right + 8.0
            );
        }
    }
    marks.push_str("</g>");
    marks
}

fn svg_header(width_mm: f64, height_mm: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width_mm}mm\" \
         height=\"{height_mm}mm\" viewBox=\"0 0 {width_mm} {height_mm}\">"
    )
}

/// The label's drawing at the origin, in millimetres.
fn label_group(facts: &LabelFacts, qr: &QrCode) -> String {
    let module_mm = QR_SIDE_MM / width_with_quiet_zone(qr) as f64;
    let mut group = format!(
        "<rect width=\"{LABEL_WIDTH_MM}\" height=\"{LABEL_HEIGHT_MM}\" fill=\"#fff\" \
         stroke=\"#bbb\" stroke-width=\"0.1\"/>\
         <path transform=\"translate({QR_LEFT_MM} {QR_TOP_MM}) scale({module_mm:.5})\" \
         d=\"{}\" fill=\"#000\" shape-rendering=\"crispEdges\"/>",
        modules_path(qr)
    );
    let _ = write!(
        group,
        "<g font-family=\"{}\" fill=\"#000\">",
        FONT_FAMILIES
            .iter()
            .map(|family| format!("'{family}'"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for line in lines(facts) {
        group.push_str(&text_element(&line));
    }
    group.push_str("</g>");
    group
}

fn lines(facts: &LabelFacts) -> Vec<Line> {
    let line = |text: String, baseline_mm: f64, size_mm: f64, bold: bool| Line {
        text,
        baseline_mm,
        size_mm,
        bold,
    };
    let lot = facts
        .lot
        .as_deref()
        .map_or_else(|| "–".to_owned(), str::to_owned);
    let mut lines = vec![
        line(facts.tier_zh.clone(), 3.9, 3.0, true),
        line(facts.tier_en.clone(), 6.4, 1.8, true),
        line(format!("碳足迹 {}", facts.footprint), 8.9, 1.7, true),
        line(facts.product.clone(), 11.2, 1.4, false),
        line(format!("批次 Lot {lot}"), 13.1, 1.3, false),
        line(facts.farm.clone(), 15.0, 1.3, false),
        line(facts.village.clone(), 16.9, 1.3, false),
        line(
            format!("有效期至 Until {}", facts.valid_until),
            18.8,
            1.3,
            false,
        ),
    ];
    let issuer = format!("签发 {}", facts.issuer);
    let (first, second) = split_line(&issuer, TEXT_WIDTH_MM, ISSUER_FONT_MM);
    lines.push(line(first, 20.8, ISSUER_FONT_MM, false));
    if let Some(rest) = second {
        lines.push(line(rest, 22.5, ISSUER_FONT_MM, false));
    }
    lines
}

/// The issuer's name may take two lines.
const ISSUER_FONT_MM: f64 = 1.25;

/// `text` as it fits on one line at `size_mm`, or as much as fits on the first line (cut at a
/// space) and the rest for a second.
fn split_line(text: &str, width_mm: f64, size_mm: f64) -> (String, Option<String>) {
    if estimated_ems(text) * size_mm <= width_mm {
        return (text.to_owned(), None);
    }
    let mut first = String::new();
    let mut words = text.split(' ').peekable();
    while let Some(word) = words.peek() {
        let candidate = if first.is_empty() {
            (*word).to_owned()
        } else {
            format!("{first} {word}")
        };
        if !first.is_empty() && estimated_ems(&candidate) * size_mm > width_mm {
            break;
        }
        first = candidate;
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    let second = (!rest.is_empty()).then(|| rest.join(" "));
    (first, second)
}

/// A text element shrunk to fit the column, and cut with an ellipsis if even the smallest size
/// is too wide.
fn text_element(line: &Line) -> String {
    let (text, size) = fit(&line.text, TEXT_WIDTH_MM, line.size_mm);
    let weight = if line.bold {
        " font-weight=\"bold\""
    } else {
        ""
    };
    format!(
        "<text x=\"{TEXT_LEFT_MM}\" y=\"{:.2}\" font-size=\"{size:.2}\"{weight}>{}</text>",
        line.baseline_mm,
        escape_xml(&text)
    )
}

/// The text and font size (mm) that fit `width_mm`: the preferred size when it fits, else
/// smaller down to [`MIN_FONT_MM`], else that size with the end cut off.
// Limitation: widths are estimated per character, not measured with the font, so a line may
// end a little short of the column; very long names are cut on the label (never on the page).
fn fit(text: &str, width_mm: f64, preferred_mm: f64) -> (String, f64) {
    let ems = estimated_ems(text);
    if ems * preferred_mm <= width_mm {
        return (text.to_owned(), preferred_mm);
    }
    let size = (width_mm / ems).max(MIN_FONT_MM);
    if ems * size <= width_mm {
        return (text.to_owned(), size);
    }
    let budget = width_mm / size - estimated_ems("…");
    let mut used = 0.0;
    let mut kept = String::new();
    for character in text.chars() {
        used += char_ems(character);
        if used > budget {
            break;
        }
        kept.push(character);
    }
    (format!("{}…", kept.trim_end()), size)
}

/// A generous estimate of the text's advance in ems: Chinese characters are one em, Latin
/// letters and digits of Noto Sans CJK about six tenths.
fn estimated_ems(text: &str) -> f64 {
    text.chars().map(char_ems).sum()
}

fn char_ems(character: char) -> f64 {
    if u32::from(character) >= 0x2E80 {
        1.0
    } else if character == ' ' {
        0.25
    } else {
        0.6
    }
}

/// Escapes text for an SVG text node or attribute.
pub fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::qr::encode;

    fn facts(product: &str) -> LabelFacts {
        LabelFacts {
            tier_zh: "低碳".into(),
            tier_en: "Low carbon".into(),
            footprint: "0.41 kg CO2e/kg".into(),
            product: product.into(),
            lot: Some("2026-CH-01".into()),
            farm: "Chestnut Orchard".into(),
            village: "Jinpoluo".into(),
            valid_until: "2027-12-04".into(),
            issuer: "Jinpoluo Zero-Carbon Label Office".into(),
        }
    }

    #[test]
    fn short_text_keeps_its_size_and_long_text_shrinks_then_is_cut() {
        assert_eq!(fit("低碳", 15.8, 3.2), ("低碳".to_owned(), 3.2));
        let (text, size) = fit("Jinpoluo chestnuts 2026", 15.8, 1.45);
        assert!((MIN_FONT_MM..1.45).contains(&size), "{size}");
        assert_eq!(text, "Jinpoluo chestnuts 2026");
        let long = "金叵罗板栗".repeat(10);
        let (cut, size) = fit(&long, 15.8, 1.45);
        assert_eq!(size, MIN_FONT_MM);
        assert!(
            cut.ends_with('…') && estimated_ems(&cut) * size <= 15.8,
            "{cut}"
        );
    }

    #[test]
    fn a_long_issuer_name_takes_a_second_line() {
        let (first, second) = split_line("签发 Jinpoluo Zero-Carbon Label Office", 18.8, 1.25);
        assert_eq!(first, "签发 Jinpoluo Zero-Carbon");
        assert_eq!(second.as_deref(), Some("Label Office"));
        assert_eq!(
            split_line("签发 Office", 18.8, 1.25),
            ("签发 Office".into(), None)
        );
    }

    #[test]
    fn text_is_escaped_so_a_product_name_cannot_break_the_drawing() {
        let qr = encode("HTTP://127.0.0.1/V/0").expect("fits");
        let svg = label_svg(&facts("<Tom & Jerry's \"best\">"), &qr);
        assert!(
            svg.contains("&lt;Tom &amp; Jerry&apos;s &quot;best&quot;&gt;"),
            "{svg}"
        );
        assert!(!svg.contains("<Tom"));
    }

    #[test]
    fn a_sheet_places_each_label_once_with_cut_marks_for_the_used_rows() {
        let qr = encode("HTTP://127.0.0.1/V/0").expect("fits");
        let full = sheet_svg(&facts("Chestnuts"), &qr, 99);
        assert_eq!(full.matches("<use ").count(), LABELS_PER_SHEET);
        let five = sheet_svg(&facts("Chestnuts"), &qr, 5);
        assert_eq!(five.matches("<use ").count(), 5);
        // Two rows of labels: two edges each, a mark on either side; four columns likewise.
        assert_eq!(five.matches("<line ").count(), 2 * 2 * 2 + 4 * 2 * 2);
    }
}
