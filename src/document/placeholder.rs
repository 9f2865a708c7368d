//! Placeholders: what fixes and rewrites write where the text lacks a fact
//! (【待补充：时限】, [TODO: deadline]), and finding them again. Rules skip text that
//! holds one (placeholder-left reports it); step parsing reads it as a pending proof.

use std::sync::OnceLock;

use regex::Regex;

use crate::lang::Lang;

/// A placeholder's text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Placeholder {
    /// The form for text in `lang` (Chinese for Chinese and mixed text).
    pub fn get(self, lang: Lang) -> &'static str {
        if lang == Lang::En {
            self.en
        } else {
            self.zh
        }
    }
}

/// The placeholders fixes write, in one place with the syntax [`placeholder_re`] finds.
pub const DEADLINE: Placeholder = Placeholder {
    zh: "【待补充：时限】",
    en: "[TODO: deadline]",
};
pub const ACTION: Placeholder = Placeholder {
    zh: "【待补充：具体动作】",
    en: "[TODO: action]",
};
pub const PROOF: Placeholder = Placeholder {
    zh: "【待补充：凭证】",
    en: "[TODO: proof]",
};
/// The proof of a figure that was hedged (a record or a screenshot).
pub const RECORD: Placeholder = Placeholder {
    zh: "【待补充：记录或截图】",
    en: "[TODO: proof]",
};
/// The source of a business figure (a report or a screenshot).
pub const SOURCE: Placeholder = Placeholder {
    zh: "【待补充：报表或截图】",
    en: "[TODO: source]",
};

/// A placeholder for `what` (written in `lang`) in that language's syntax: 【待补充：what】
/// or [TODO: what].
pub fn placeholder(lang: Lang, what: &str) -> String {
    if lang == Lang::En {
        format!("[TODO: {what}]")
    } else {
        format!("【待补充：{what}】")
    }
}

/// A placeholder as fixes write them.
pub fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"【待补充[:：][^】\n]*】|\[(?i:todo):[^\]\n]*\]").expect("placeholder regex")
    })
}

/// Whether `text` holds a placeholder.
pub fn has_placeholder(text: &str) -> bool {
    (text.contains("【待补充") || text.contains('[')) && placeholder_re().is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_found_again() {
        for p in [DEADLINE, ACTION, PROOF, RECORD, SOURCE] {
            for lang in [Lang::Zh, Lang::En] {
                assert!(has_placeholder(p.get(lang)), "{}", p.get(lang));
                assert_eq!(
                    placeholder_re().find(p.get(lang)).unwrap().len(),
                    p.get(lang).len()
                );
            }
        }
        assert!(has_placeholder(&placeholder(Lang::Zh, "根因分析")));
        assert!(has_placeholder(&placeholder(Lang::En, "root cause")));
    }
}
