//! The two languages of the public pages, Chinese and English, chosen from `?lang=` or the
//! browser's `Accept-Language`.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::footprint::{PreSeason, Source, Tier, TierRule, WaterRegime};

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// What the free calculator says a batch would qualify for. Unlike [`tier_name`], tier `none`
/// is never worded as a certified footprint: the calculator certifies nothing.
pub fn would_qualify_for(lang: Lang, tier: Tier) -> &'static str {
    match tier {
        Tier::None => lang.pick(
            "无标签等级（只能标示碳足迹）",
            "No label tier (the footprint alone could be shown)",
        ),
        other => tier_name(lang, other.id()),
    }
}

/// The rule that decided a tier, in the page's language; English is the engine's own sentence.
pub fn tier_rule_sentence(lang: Lang, rule: TierRule) -> &'static str {
    let chinese = match rule {
        TierRule::RemovalsBringNetToZero => {
            "毛排放不超过该作物基准值，且经核证的农田土壤固碳使净排放小于或等于零；不使用碳抵消。"
        }
        TierRule::CreditsCloseTheGap => {
            "毛排放不超过基准值，扣除固碳后的剩余排放由注销的碳信用抵消；此声明依赖碳抵消，欧盟自 2026 年 9 月 27 日起禁止以抵消为依据的中和声明。"
        }
        TierRule::WithinLowCarbonShare => "毛排放不超过该作物基准值的 70%。",
        TierRule::AboveBenchmark => {
            "毛排放高于该作物基准值：在减少排放之前，无论固碳或碳信用多少，都不适用任何中和等级。"
        }
        TierRule::AboveLowCarbonShare => "毛排放不超过基准值但高于其 70%，且未被固碳抵至零。",
    };
    lang.pick(chinese, rule.sentence())
}

/// A result source's name for people (methodology section 3 keys).
pub fn source_name(lang: Lang, source: Source) -> &'static str {
    let (zh, en) = match source {
        Source::SoilN2oDirect => ("土壤氧化亚氮（直接）", "Soil N2O, direct"),
        Source::SoilN2oIndirectVolatilisation => (
            "土壤氧化亚氮（挥发后间接）",
            "Soil N2O, indirect after volatilisation",
        ),
        Source::SoilN2oIndirectLeaching => (
            "土壤氧化亚氮（淋溶后间接）",
            "Soil N2O, indirect after leaching",
        ),
        Source::UreaCo2 => ("尿素释放的二氧化碳", "CO2 from urea"),
        Source::LimingCo2 => ("石灰释放的二氧化碳", "CO2 from lime"),
        Source::RiceCh4 => ("稻田甲烷", "Methane from flooded rice"),
        Source::Diesel => ("柴油", "Diesel"),
        Source::Gasoline => ("汽油", "Gasoline"),
        Source::Lpg => ("液化石油气", "LPG"),
        Source::Coal => ("煤", "Coal"),
        Source::Electricity => ("电网电力", "Grid electricity"),
        Source::FertiliserManufacture => ("化肥生产", "Making fertilisers"),
        Source::PesticideManufacture => ("农药生产", "Making pesticides"),
        Source::PlasticFilm => ("地膜生产", "Making mulch film"),
        Source::InboundTransport => ("投入品运输", "Carrying inputs to the farm"),
        Source::Composting => ("农场堆肥", "On-farm composting"),
    };
    lang.pick(zh, en)
}

/// A rice water regime during the season, for the calculator's choice list.
pub fn water_regime_name(lang: Lang, regime: WaterRegime) -> &'static str {
    match regime {
        WaterRegime::ContinuouslyFlooded => lang.pick("全季淹水", "Continuously flooded"),
        WaterRegime::SingleDrainage => lang.pick("排水一次（晒田一次）", "Drained once"),
        WaterRegime::MultipleDrainage => lang.pick(
            "多次排水（含干湿交替）",
            "Drained several times (incl. alternate wetting and drying)",
        ),
        WaterRegime::Upland => lang.pick("旱作（从不淹水）", "Upland (never flooded)"),
    }
}

/// A rice field's water before the season, for the calculator's choice list.
pub fn pre_season_name(lang: Lang, pre_season: PreSeason) -> &'static str {
    match pre_season {
        PreSeason::NonFloodedUnder180d => {
            lang.pick("季前未淹水，不足 180 天", "Not flooded, under 180 days")
        }
        PreSeason::NonFloodedOver180d => {
            lang.pick("季前未淹水，超过 180 天", "Not flooded, over 180 days")
        }
        PreSeason::FloodedOver30d => lang.pick("季前淹水超过 30 天", "Flooded over 30 days"),
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
