//! Inline suppression comments.
//!
//! Markdown: `<!-- answerlint-disable RULE[, RULE] -->`, `<!-- answerlint-enable [RULE] -->`,
//! `<!-- answerlint-disable-next-line RULE -->`. Plain text: the same words after `#` or
//! `//` on a line of their own. No rule means every rule.

use std::sync::OnceLock;

use regex::Regex;

use crate::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Region {
    span: Span,
    /// `None`: every rule.
    rules: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    regions: Vec<Region>,
}

impl Suppressions {
    pub fn is_suppressed(&self, rule: &str, offset: usize) -> bool {
        self.regions.iter().any(|r| {
            r.span.start <= offset
                && offset < r.span.end
                && r.rules
                    .as_ref()
                    .is_none_or(|rs| rs.iter().any(|x| x == rule))
        })
    }
}

fn html_comment() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?s)<!--(.*?)-->").expect("comment pattern"))
}

fn line_directive() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?m)^[ \t]*(?:#|//)[ \t]*(answerlint-[a-z-]+.*?)[ \t]*\r?$")
            .expect("directive pattern")
    })
}

/// Rule names in suppression directives that name no rule: each with its byte offset
/// and the known rule id nearest to it (fewest edits).
pub fn unknown_rules(text: &str, markdown: bool) -> Vec<(usize, String, &'static str)> {
    let mut out = Vec::new();
    for (span, body) in directives(text, markdown).1 {
        let rest = body.split_once(char::is_whitespace).map_or("", |p| p.1);
        for name in rest
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if crate::diagnostic::RuleId::from_name(name).is_some() {
                continue;
            }
            let nearest = crate::diagnostic::RuleId::ALL
                .iter()
                .map(|r| r.as_str())
                .min_by_key(|r| edit_distance(name, r))
                .unwrap_or("");
            out.push((span.start, name.to_string(), nearest));
        }
    }
    out
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Comments to hide from sentences, and suppression directives with their spans.
fn directives(text: &str, markdown: bool) -> (Vec<Span>, Vec<(Span, String)>) {
    let mut hidden = Vec::new();
    let mut directives: Vec<(Span, String)> = Vec::new();
    if markdown {
        if text.contains("<!--") {
            for c in html_comment().captures_iter(text) {
                let whole = c.get(0).expect("match");
                hidden.push(Span::new(whole.start(), whole.end()));
                let body = c.get(1).map_or("", |m| m.as_str()).trim();
                if body.starts_with("answerlint-") {
                    directives.push((Span::new(whole.start(), whole.end()), body.to_string()));
                }
            }
        }
    } else if text.contains("answerlint-") {
        for c in line_directive().captures_iter(text) {
            let whole = c.get(0).expect("match");
            hidden.push(Span::new(whole.start(), whole.end()));
            directives.push((
                Span::new(whole.start(), whole.end()),
                c.get(1).map_or("", |m| m.as_str()).to_string(),
            ));
        }
    }
    (hidden, directives)
}

/// Finds comments (to hide from sentences) and suppression directives.
pub fn parse(text: &str, markdown: bool) -> (Vec<Span>, Suppressions) {
    let (hidden, directives) = directives(text, markdown);
    let mut regions = Vec::new();
    // Open `disable` regions: (start, rules).
    let mut open: Vec<(usize, Option<Vec<String>>)> = Vec::new();
    for (span, body) in directives {
        let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((&body, ""));
        let rules: Vec<String> = rest
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let rules = (!rules.is_empty()).then_some(rules);
        match word {
            "answerlint-disable" => open.push((span.end, rules)),
            "answerlint-enable" => {
                let mut keep = Vec::new();
                for (start, r) in open.drain(..) {
                    let closes = match (&rules, &r) {
                        (None, _) => true,
                        (Some(en), Some(dis)) => dis.iter().all(|d| en.contains(d)),
                        (Some(_), None) => false,
                    };
                    if closes {
                        regions.push(Region {
                            span: Span::new(start, span.start),
                            rules: r,
                        });
                    } else {
                        keep.push((start, r));
                    }
                }
                open = keep;
            }
            "answerlint-disable-next-line" => {
                if let Some(line) = next_nonblank_line(text, span.end) {
                    regions.push(Region { span: line, rules });
                }
            }
            _ => {}
        }
    }
    for (start, r) in open {
        regions.push(Region {
            span: Span::new(start, text.len()),
            rules: r,
        });
    }
    (hidden, Suppressions { regions })
}

fn next_nonblank_line(text: &str, from: usize) -> Option<Span> {
    let after = text[from..].find('\n')? + from + 1;
    let mut start = after;
    for line in text[after..].split_inclusive('\n') {
        if !line.trim().is_empty() {
            return Some(Span::new(start, start + line.len()));
        }
        start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_regions() {
        let text = "AAA\n<!-- answerlint-disable vague-commitment -->\nBBB\n<!-- answerlint-enable -->\nCCC\n<!-- answerlint-disable-next-line -->\n\nDDD\nEEE\n";
        let (hidden, s) = parse(text, true);
        assert_eq!(hidden.len(), 3);
        let at = |n: &str| text.find(n).unwrap();
        assert!(!s.is_suppressed("vague-commitment", at("AAA")));
        assert!(s.is_suppressed("vague-commitment", at("BBB")));
        assert!(!s.is_suppressed("hedged-figure", at("BBB")));
        assert!(!s.is_suppressed("vague-commitment", at("CCC")));
        assert!(s.is_suppressed("hedged-figure", at("DDD")));
        assert!(!s.is_suppressed("hedged-figure", at("EEE")));
    }

    #[test]
    fn plain_text_directives() {
        let text = "x\n# answerlint-disable-next-line hedged-figure\ny\n// answerlint-disable\nz\n";
        let (hidden, s) = parse(text, false);
        assert_eq!(hidden.len(), 2);
        assert!(s.is_suppressed("hedged-figure", text.find('y').unwrap()));
        assert!(!s.is_suppressed("vague-commitment", text.find('y').unwrap()));
        assert!(s.is_suppressed("vague-commitment", text.find('z').unwrap()));
        assert!(!s.is_suppressed("vague-commitment", 0));
    }
}
