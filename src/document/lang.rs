//! Detecting the language of a sentence ([`Lang`] lives in [`crate::lang`]).

pub use crate::lang::Lang;

use super::sentence::is_han;

/// Decides by the share of Han characters against Latin letters. A Chinese word is one to
/// two characters and an English one about five letters, so letters count a third.
/// `fallback` is used for text with neither (numbers, punctuation).
pub fn detect(text: &str, fallback: Lang) -> Lang {
    detect_opt(text).unwrap_or(fallback)
}

/// Like [`detect`], `None` for text with neither Han characters nor Latin letters.
pub fn detect_opt(text: &str) -> Option<Lang> {
    let mut han = 0usize;
    let mut latin = 0usize;
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    Some(match (han, latin) {
        (0, 0) => return None,
        (0, _) => Lang::En,
        (_, 0) => Lang::Zh,
        (h, l) => {
            let l = l as f64 / 3.0;
            let h = h as f64;
            if h >= 4.0 * l {
                Lang::Zh
            } else if l >= 4.0 * h {
                Lang::En
            } else {
                Lang::Mixed
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        assert_eq!(detect("我们会尽力解决您的问题", Lang::En), Lang::Zh);
        assert_eq!(detect("用ERP导出的数据核对库存", Lang::En), Lang::Zh);
        assert_eq!(detect("We will ship within 24 hours.", Lang::Zh), Lang::En);
        assert_eq!(
            detect("我们的 return rate 是 industry average 的一半", Lang::En),
            Lang::Mixed
        );
        assert_eq!(detect("1.2%", Lang::Zh), Lang::Zh);
    }
}
