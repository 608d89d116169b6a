//! The two languages of the public pages, Chinese and English, chosen from `?lang=` or the
//! browser's `Accept-Language`.

use actix_web::HttpRequest;
use actix_web::http::header;

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The query value that selects this language.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks `?lang=zh|en` first, then the first of zh/en in `Accept-Language`, else Chinese
    /// (the village's language).
    pub fn of_request(request: &HttpRequest) -> Lang {
        let query = request.query_string();
        let asked = query.split('&').find_map(|pair| pair.strip_prefix("lang="));
        match asked {
            Some("en") => return Lang::En,
            Some("zh") => return Lang::Zh,
            _ => {}
        }
        let accept = request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        first_known_language(accept).unwrap_or(Lang::Zh)
    }

    /// Picks the text for this language.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

fn first_known_language(accept_language: &str) -> Option<Lang> {
    let mut ranked: Vec<(f32, Lang)> = accept_language
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                return None;
            };
            Some((quality, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, lang)| *lang)
}

/// The crop's name for people.
pub fn crop_name(lang: Lang, crop: &str) -> String {
    let (zh, en) = match crop {
        "maize" => ("玉米", "Maize"),
        "wheat" => ("小麦", "Wheat"),
        "rice" => ("水稻", "Rice"),
        "apple" => ("苹果", "Apple"),
        "chestnut" => ("板栗", "Chestnut"),
        "tomato" => ("番茄", "Tomato"),
        "chinese_cabbage" => ("大白菜", "Chinese cabbage"),
        "honey" => ("蜂蜜", "Honey"),
        other => return other.to_owned(),
    };
    lang.pick(zh, en).to_owned()
}

/// The label tier's name for people.
pub fn tier_name(lang: Lang, tier: &str) -> &'static str {
    match tier {
        "zero_carbon" => lang.pick("零碳", "Zero carbon"),
        "carbon_neutral_with_offsets" => {
            lang.pick("碳中和（使用碳抵消）", "Carbon neutral with offsets")
        }
        "low_carbon" => lang.pick("低碳", "Low carbon"),
        _ => lang.pick("碳足迹已核证", "Footprint certified"),
    }
}

/// The status word for people.
pub fn status_word(lang: Lang, status: &str) -> &'static str {
    match status {
        "valid" => lang.pick("有效", "Valid"),
        "expired" => lang.pick("已过期", "Expired"),
        "not_yet_valid" => lang.pick("尚未生效", "Not yet valid"),
        "revoked" => lang.pick("已撤销", "Revoked"),
        "signature_invalid" => lang.pick("签名无效", "Signature invalid"),
        "key_not_trusted" => lang.pick("签名密钥不可信", "Key not trusted"),
        _ => lang.pick("未找到此标签", "Unknown label"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_known_language() {
        assert_eq!(
            first_known_language("en-GB,en;q=0.9,zh;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            first_known_language("fr,zh-CN;q=0.9,en;q=0.5"),
            Some(Lang::Zh)
        );
        assert_eq!(first_known_language("de"), None);
    }
}
