//! Placeholders: what fixes and rewrites write where the text lacks a fact
//! (【待补充：时限】, [TODO: deadline]), and finding them again. Rules skip text that
//! holds one (placeholder-left reports it); step parsing reads it as a pending proof.

use std::sync::OnceLock;

use regex::Regex;

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
