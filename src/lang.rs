//! The language of a text or a phrase list: Chinese, English or mixed. The lowest layer:
//! lexicons, documents and everything above them name languages with it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
    Mixed,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Mixed => "mixed",
        }
    }
    /// Whether rules for `lang` apply to a sentence in `self`.
    pub fn includes(self, lang: Lang) -> bool {
        self == lang || self == Lang::Mixed
    }
}
