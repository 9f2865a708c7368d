//! Figures: numbers with a unit and a kind, and the numbers that are not figures
//! (dates, clock times, phone numbers, identifiers, list numbers, versions).
//!
//! Two passes over a sentence: first the non-figures are found and masked with a few
//! anchored patterns; then a hand-written scanner reads each remaining number (Arabic or
//! Chinese numerals), with a currency before it, a magnitude (万, 亿, k, M), a range
//! (3至5天, 5-7 days), a lower bound (40多, over 50) and a unit after it.

use std::sync::OnceLock;

use regex::Regex;

use crate::lexicon::{Lexicons, List};
use crate::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureKind {
    Percent,
    Money,
    Count,
    Duration,
    Rating,
    /// A number with no unit that says what it counts.
    Plain,
    /// A physical measure (kg, cm, mAh, 毫升): a product's or a parcel's spec, not a
    /// performance figure.
    Measure,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub span: Span,
    pub value: f64,
    /// Upper end of a range.
    pub upper: Option<f64>,
    pub kind: FigureKind,
    /// The unit as written (%, 元, 天, hours...), empty for plain numbers.
    pub unit: String,
    /// "40多", "over 50", "1000+".
    pub lower_bound: bool,
    /// A duration that sets a deadline: 24小时内, within 48 hours.
    pub deadline: bool,
}

impl Figure {
    /// Percentages, money, counts, ratings, and durations that are not deadlines: the
    /// figures an examiner wants evidence for.
    pub fn is_business(&self) -> bool {
        match self.kind {
            FigureKind::Percent | FigureKind::Money | FigureKind::Count | FigureKind::Rating => {
                true
            }
            FigureKind::Duration => !self.deadline,
            FigureKind::Plain | FigureKind::Measure => false,
        }
    }

    /// A deadline (24小时内发货, "within 1 business day"): a figure the writer commits to,
    /// which needs its source as a business figure does where it is a policy.
    pub fn is_commitment(&self) -> bool {
        self.kind == FigureKind::Duration && self.deadline
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonFigureKind {
    Date,
    Time,
    Phone,
    Identifier,
    Ordinal,
    Version,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonFigure {
    pub span: Span,
    pub kind: NonFigureKind,
}

fn masks() -> &'static [(NonFigureKind, Regex)] {
    static M: OnceLock<Vec<(NonFigureKind, Regex)>> = OnceLock::new();
    M.get_or_init(|| {
        let months = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
        let list: Vec<(NonFigureKind, String)> = vec![
            (NonFigureKind::Version, r"(?i)(?-u:\b)v[0-9]+(?:\.[0-9]+)+(?-u:\b)|(?-u:\b)[0-9]+\.[0-9]+\.[0-9]+(?-u:\b)".into()),
            (
                NonFigureKind::Date,
                [
                    r"[0-9]{4}[ \t]*年(?:[ \t]*[0-9]{1,2}[ \t]*月(?:[ \t]*[0-9]{1,2}[ \t]*[日号])?)?(?:[上下]半年|第?[一二三四1-4]季度)?",
                    r"[0-9]{1,2}[ \t]*月[ \t]*[0-9]{1,2}[ \t]*[日号]",
                    r"[0-9]{1,2}[ \t]*月份?",
                    r"(?-u:\b)[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?-u:\b)",
                    r"(?-u:\b)[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}(?-u:\b)",
                    r"(?-u:\b)[Qq][1-4][ \t]*(?:[0-9]{4}|'[0-9]{2})(?-u:\b)",
                    r"(?-u:\b)[0-9]{4}[ \t]*[Qq][1-4](?-u:\b)",
                    r"(?-u:\b)[Hh][12][ \t]*[0-9]{4}(?-u:\b)",
                    r"(?-u:\b)FY[ \t]*[0-9]{2,4}(?-u:\b)",
                    r"双[ \t]*1[12]|双十[一二]|黑五|(?-u:\b)618(?-u:\b)",
                    r"(?-u:\b)(?:in|since|from|by|until|before|after|of|during|throughout)[ \t]+(?:19|20)[0-9]{2}(?-u:\b)",
                    r"(?-u:\b)(?:19|20)[0-9]{2}[ \t]*(?:-|to|–)[ \t]*(?:19|20)[0-9]{2}(?-u:\b)",
                ]
                .join("|")
                    + &format!(
                        r"|(?i)(?-u:\b){months}[ \t]+[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?[ \t]*[0-9]{{4}})?(?-u:\b)|(?i)(?-u:\b)[0-9]{{1,2}}(?:st|nd|rd|th)?[ \t]+{months}(?:[ \t]*[0-9]{{4}})?(?-u:\b)|(?i)(?-u:\b){months}[ \t]+[0-9]{{4}}(?-u:\b)"
                    ),
            ),
            (
                NonFigureKind::Time,
                r"(?-u:\b)[0-9]{1,2}[:：][0-9]{2}(?:[ \t]*[AaPp]\.?[Mm]\.?)?|(?-u:\b)[0-9]{1,2}[ \t]*[AaPp]\.?[Mm](?-u:\b)\.?|(?:上午|下午|晚上|早上|凌晨|中午|当天|次日|今天|明天)?[0-9]{1,2}[ \t]*[点時](?:[0-9]{1,2}分|半)?"
                    .into(),
            ),
            (
                NonFigureKind::Phone,
                r"\+[0-9]{1,3}[-[ \t]]?[0-9][[0-9][ \t]-]{6,}[0-9]|(?-u:\b)1[3-9][0-9]{9}(?-u:\b)|(?-u:\b)[0-9]{3,4}-[0-9]{7,8}(?-u:\b)|(?-u:\b)[0-9]{3}-[0-9]{3}-[0-9]{4}(?-u:\b)|(?-u:\b)400-?[0-9]{3}-?[0-9]{4}(?-u:\b)".into(),
            ),
            (
                NonFigureKind::Identifier,
                [
                    // Letters and digits mixed: CN-2024-0831, HT2024001, SKU-001, ISO9001.
                    r"(?-u:\b)[A-Za-z][A-Za-z]*[-_/#]?[0-9][A-Za-z0-9]*(?:[-_/][A-Za-z0-9]+)*(?-u:\b)",
                    r"(?-u:\b)[0-9]+[-_/][A-Za-z]+[A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*(?-u:\b)",
                    // Digit groups joined by hyphens: 2024-0831-17.
                    r"(?-u:\b)[0-9]{2,}(?:-[0-9]{2,}){2,}(?-u:\b)",
                    r"(?-u:\b)[0-9]{4,}-[0-9]{3,}(?-u:\b)",
                    // Model names: iPhone 15, Galaxy S23, Model 3.
                    r"(?-u:\b)[a-z]*[A-Z][A-Za-z]*[ \t]+[0-9]+(?-u:\b)",
                    // Long digit strings: tracking and order numbers.
                    r"(?-u:\b)[0-9]{8,}(?-u:\b)",
                    r"(?i)(?-u:\b)(?:no|nr|ref)\.?[ \t]*[0-9][[A-Za-z0-9_]-]*|#[ \t]*[0-9][[A-Za-z0-9_]-]*",
                    r"(?:编号|单号|号码|订单号|运单号|合同号|证书号|注册号|批次号|型号|货号|登记号)[ \t]*[:：为是]?[ \t]*[A-Za-z0-9][A-Za-z0-9-]*",
                    r"(?i)(?-u:\b)(?:appendix|attachment|annex|exhibit|section|page|clause|article|item|line)[ \t]+[A-Za-z0-9]+(?:\.[0-9]+)*(?-u:\b)",
                    r"(?:附件|附录|第)[ \t]*[0-9一二三四五六七八九十]+[ \t]*(?:条|款|项|章|页|号|级|步|层|阶段|轮|次|名|位|个问题|题)?",
                    r"(?:问题|步骤|题)[ \t]*[0-9一二三四五六七八九十]+",
                    r"(?i)(?-u:\b)(?:question|step|tier|level|stage|phase|round|rank)[ \t]+[0-9]+(?-u:\b)|(?-u:\b)[Qq][0-9]{1,2}(?-u:\b)",
                    r"(?i)(?-u:\b)(?:iso|en|gb|iec|astm|ul|ieee)[ \t]*[0-9]+(?:[-:.][0-9]+)*(?-u:\b)",
                ]
                .join("|"),
            ),
        ];
        list.into_iter()
            .map(|(k, p)| (k, Regex::new(&p).expect("figure mask pattern")))
            .collect()
    })
}

/// Finds the non-figures and figures in `text[span]`, with spans into `text`.
pub fn scan(
    text: &str,
    span: Span,
    lx: &Lexicons,
    figures: &mut Vec<Figure>,
    non: &mut Vec<NonFigure>,
) {
    let s = span.slice(text);
    if !s.bytes().any(|b| b.is_ascii_digit())
        && !s.chars().any(is_cn_numeral)
        && !s.bytes().any(|b| b.is_ascii_alphabetic())
    {
        return;
    }
    let first_non = non.len();
    if s.bytes().any(|b| b.is_ascii_digit()) {
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let has = |c: char| s.contains(c);
        for (kind, re) in masks() {
            // Cheap tests that rule a pattern out before running it.
            let possible = match kind {
                NonFigureKind::Version => has('.'),
                NonFigureKind::Phone => digits >= 7,
                NonFigureKind::Time => {
                    has(':')
                        || has('：')
                        || has('点')
                        || has('時')
                        || s.bytes().any(|b| b == b'm' || b == b'M')
                }
                _ => true,
            };
            if !possible {
                continue;
            }
            for m in re.find_iter(s) {
                // Only what contains a digit (or a Chinese ordinal) is masked.
                let ms = Span::new(span.start + m.start(), span.start + m.end());
                if non[first_non..].iter().any(|n| n.span.overlaps(ms)) {
                    continue;
                }
                if *kind == NonFigureKind::Identifier && looks_like_figure(m.as_str()) {
                    continue;
                }
                non.push(NonFigure {
                    span: ms,
                    kind: *kind,
                });
            }
        }
    }
    non[first_non..].sort_by_key(|n| n.span.start);
    let masked = &non[first_non..];
    let mut next_mask = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        let abs = span.start + i;
        while next_mask < masked.len() && masked[next_mask].span.end <= abs {
            next_mask += 1;
        }
        if let Some(m) = masked.get(next_mask).filter(|m| m.span.start <= abs) {
            i = m.span.end - span.start;
            continue;
        }
        let b = bytes[i];
        if b.is_ascii_alphabetic() {
            // A whole word at once: a number word (two, thirty) or nothing.
            let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            if !(word_start && read_en_number(s, i).is_some()) {
                while i < s.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                continue;
            }
        } else if b.is_ascii() && !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        if c.is_ascii_digit() || is_cn_numeral(c) || c.is_ascii_alphabetic() {
            let prev = s[..i].chars().next_back();
            // Digits glued to letters are part of a word (handled as identifiers above).
            if prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.') && c.is_ascii_digit() {
                i += c.len_utf8();
                continue;
            }
            if let Some((fig, end)) = read_figure(s, i, span.start, masked, lx) {
                figures.push(fig);
                i = end;
                continue;
            }
        }
        i += c.len_utf8();
    }
}

/// Identifier-shaped tokens that are really figures: 72h, 5k, 1.2M, 3pcs, 10x.
fn looks_like_figure(m: &str) -> bool {
    let t = m.trim();
    // "Within 2 hours", "Over 30 buyers" at a sentence start: a capitalised word, not a
    // model name (iPhone 15).
    if let Some((word, num)) = t.split_once([' ', '\t']) {
        if num.trim().bytes().all(|b| b.is_ascii_digit())
            && CAPITALISED_WORDS.contains(&word.to_ascii_lowercase().as_str())
        {
            return true;
        }
    }
    let digits = t
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    digits > 0
        && matches!(
            t[digits..].to_ascii_lowercase().as_str(),
            "h" | "hr" | "hrs" | "k" | "m" | "w" | "pcs" | "x" | "d" | "min" | "mins" | "kg" | "t"
        )
}

/// Words that start a sentence before a number without naming a product.
const CAPITALISED_WORDS: &[&str] = &[
    "within",
    "in",
    "by",
    "for",
    "after",
    "before",
    "over",
    "under",
    "about",
    "around",
    "approximately",
    "roughly",
    "nearly",
    "almost",
    "only",
    "just",
    "up",
    "to",
    "at",
    "on",
    "every",
    "each",
    "all",
    "some",
    "top",
    "since",
    "until",
    "from",
    "with",
    "our",
    "we",
    "the",
    "another",
    "more",
    "less",
    "than",
    "first",
    "last",
    "next",
    "past",
    "usually",
    "typically",
    "normally",
    "generally",
    "then",
    "and",
    "or",
    "so",
    "but",
    "also",
];

pub(crate) fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
            | '半'
    )
}

fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Value of a Chinese numeral such as 三十, 两万, 一千二百, 十五.
pub fn parse_cn_numeral(s: &str) -> Option<f64> {
    if s == "半" {
        return Some(0.5);
    }
    let mut total = 0u64;
    let mut section = 0u64;
    let mut digit: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = cn_digit(c) {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            '亿' => 100_000_000,
            _ => return None,
        };
        if unit >= 10_000 {
            section = (section + digit.take().unwrap_or(0)) * unit;
            total += section;
            section = 0;
        } else {
            section += digit.take().unwrap_or(1) * unit;
        }
    }
    Some((total + section + digit.unwrap_or(0)) as f64)
}

/// Units written with a symbol that the lexicon format cannot hold (the full-width ％,
/// whose normal form is `%`); every other unit is the `unit` word list.
const SYMBOL_UNITS: &[(&str, FigureKind)] = &[("％", FigureKind::Percent)];

/// A figure's kind from its unit's category in `unit.tsv`; `None` for a `not-unit`
/// entry (a word that starts like a unit: 成本 is not 成).
fn unit_kind(category: &str) -> Option<FigureKind> {
    Some(match category {
        "percent" => FigureKind::Percent,
        "money" => FigureKind::Money,
        "duration" => FigureKind::Duration,
        "rating" => FigureKind::Rating,
        "measure" => FigureKind::Measure,
        "not-unit" => return None,
        _ => FigureKind::Count,
    })
}

/// Whether the last non-space character before byte `at` of `s` is a Han character or
/// Chinese punctuation: the number stands in Chinese text.
fn han_before(s: &str, at: usize) -> bool {
    s[..at]
        .trim_end_matches([' ', '\u{a0}'])
        .chars()
        .next_back()
        .is_some_and(|c| {
            super::sentence::is_han(c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ffef}').contains(&c)
        })
}

/// The units (text, kind) whose first byte, ASCII lower-cased, is `b`.
fn units_starting_with(lx: &Lexicons, b: u8) -> impl Iterator<Item = (&str, Option<FigureKind>)> {
    lx.words_starting_with(List::Unit, b)
        .map(|e| (e.phrase.as_str(), unit_kind(&e.category)))
        .chain(
            SYMBOL_UNITS
                .iter()
                .filter(move |(t, _)| t.as_bytes()[0].eq_ignore_ascii_case(&b))
                .map(|&(t, k)| (t, Some(k))),
        )
}

/// Whether `s` starts with `p`, ASCII letters in any case.
fn starts_with_any_case(s: &str, p: &str) -> bool {
    s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
}

const MAGNITUDES: &[(&str, f64)] = &[
    ("亿", 1e8),
    ("万", 1e4),
    ("千", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("thousand", 1e3),
    ("mn", 1e6),
    ("bn", 1e9),
    ("k", 1e3),
    ("K", 1e3),
    ("M", 1e6),
    ("w", 1e4),
    ("W", 1e4),
];

const CURRENCY_BEFORE: &[&str] = &[
    "US$",
    "HK$",
    "$",
    "¥",
    "￥",
    "€",
    "£",
    "USD",
    "RMB",
    "CNY",
    "EUR",
    "GBP",
    "人民币",
    "美元",
];

/// Reads one figure at byte `i` of `s`. Returns it and the byte offset after it.
fn read_figure(
    s: &str,
    i: usize,
    base: usize,
    masked: &[NonFigure],
    lx: &Lexicons,
) -> Option<(Figure, usize)> {
    let (value, mut end, chinese) = read_number(s, i)?;
    // A Chinese numeral in a word (一定, 统一, 十分) is not followed by a unit, a range
    // or a lower bound: reject it before the full unit search.
    if chinese && !s[i..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        let next = s[end..].chars().next().unwrap_or(' ');
        let mut buf = [0u8; 4];
        let next_str: &str = next.encode_utf8(&mut buf);
        if !units_starting_with(lx, next_str.as_bytes()[0]).any(|(u, _)| u.starts_with(next))
            && !matches!(next, '多' | '余' | '至' | '到' | '~' | '～' | '-' | '以')
        {
            return None;
        }
    }
    let mut start = i;
    let mut kind: Option<FigureKind> = None;
    let mut unit = String::new();
    // Currency before the number.
    let before = s[..i].trim_end();
    if let Some(cur) = CURRENCY_BEFORE.iter().find(|c| before.ends_with(*c)) {
        let cur_start = before.len() - cur.len();
        if i - cur_start <= cur.len() + 1 {
            kind = Some(FigureKind::Money);
            unit = (*cur).to_string();
            start = cur_start;
        }
    }
    let mut value = value;
    // Magnitude: 1.8万, 5k, $1.5M, 2 million. Single letters must not start a word (5 kg).
    let rest = &s[end..];
    let after_space = rest.trim_start_matches(' ');
    for (m, f) in MAGNITUDES {
        let word = m.len() > 2;
        let (text, gap) = if word {
            (after_space, rest.len() - after_space.len())
        } else {
            (rest, 0)
        };
        if text.starts_with(m) && !(m.is_ascii() && next_is_alpha(text, m.len())) {
            value *= f;
            end += gap + m.len();
            kind.get_or_insert(FigureKind::Count);
            break;
        }
    }
    let mut lower_bound = false;
    let mut upper = None;
    // Lower bounds: 40多, 300余, 1000+.
    for lb in ["多", "余", "+", "＋"] {
        if s[end..].starts_with(lb) {
            lower_bound = true;
            end += lb.len();
            break;
        }
    }
    // Ranges: 3至5天, 3-5天, 5~7 days, 5 to 7 days.
    if !lower_bound {
        let rest = &s[end..];
        for sep in ["至", "到", "-", "–", "—", "~", "～", " - ", " to ", "–"] {
            if let Some(r) = rest.strip_prefix(sep) {
                let j = end + sep.len();
                let first = r.chars().next().unwrap_or(' ');
                if first.is_ascii_digit() || (chinese && is_cn_numeral(first)) {
                    if let Some((v2, e2, _)) = read_number(s, j) {
                        if v2 >= value / 10.0 && !masked.iter().any(|m| m.span.start == base + j) {
                            upper = Some(v2);
                            end = e2;
                        }
                    }
                }
                break;
            }
        }
    }
    // Unit, after spaces or an English hyphen (an 18-month warranty, a 4.8-star rating).
    let rest = &s[end..];
    let skip = if rest.starts_with('-') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
    {
        1
    } else {
        rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len()
    };
    let rest2 = &rest[skip..];
    let lower = rest2
        .get(..rest2.len().min(16))
        .map(str::to_ascii_lowercase);
    let mut found: Option<(&str, Option<FigureKind>)> = None;
    let first = rest2.as_bytes().first().map_or(0, u8::to_ascii_lowercase);
    for un in units_starting_with(lx, first) {
        let ok = if un.0.is_ascii() && un.0.bytes().any(|b| b.is_ascii_alphabetic()) {
            lower.as_deref().is_some_and(|l| l.starts_with(un.0))
                && !next_is_alpha(rest2, un.0.len())
        } else {
            starts_with_any_case(rest2, un.0)
        };
        // Chinese units right after the number, or after a space or two where the text
        // around is Chinese (2 小时内, 亲，3 天到); any spaces before English ones.
        let spaced_ok = skip == 0 || un.0.is_ascii() || (skip <= 2 && han_before(s, start));
        if ok && spaced_ok && found.is_none_or(|f| un.0.len() > f.0.len()) {
            found = Some(un);
        }
    }
    // The longest match is a word that only starts like a unit (成本, 成功 after 成):
    // no unit.
    let mut found: Option<(&str, FigureKind)> = found.and_then(|(t, k)| Some((t, k?)));
    // English: up to two words between a number and its count noun (126 active SKUs,
    // 45 overseas brand clients).
    let mut found_at = skip;
    if found.is_none() && skip > 0 {
        let mut off = skip;
        for _ in 0..2 {
            let word_len = rest[off..]
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len() - off);
            let word = &rest[off..off + word_len];
            if word.is_empty() || FUNCTION_WORDS.contains(&word.to_ascii_lowercase().as_str()) {
                break;
            }
            off += word_len;
            let sp = rest[off..].len() - rest[off..].trim_start_matches(' ').len();
            if sp == 0 {
                break;
            }
            off += sp;
            let l = rest[off..]
                .get(..rest[off..].len().min(16))
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            if let Some(un) = lx
                .words(List::Unit)
                .map(|e| (e.phrase.as_str(), unit_kind(&e.category)))
                .filter(|u| u.1 == Some(FigureKind::Count) && u.0.is_ascii() && u.0.len() > 2)
                .filter(|u| l.starts_with(u.0) && !next_is_alpha(&rest[off..], u.0.len()))
                .max_by_key(|u| u.0.len())
            {
                found = Some((un.0, FigureKind::Count));
                found_at = off;
                break;
            }
        }
    }
    let skip = found_at;
    let rest2 = &rest[skip..];
    if let Some(un) = found {
        // A year in a duration unit is a date (2024年) unless it is a count of years (5年).
        let (text, unit_kind) = un;
        let is_year_date = text == "年" && (1900.0..=2100.0).contains(&value);
        // 分 after a number with no decimals and > 100 is minutes or a price fragment: skip.
        let rating_ok = unit_kind != FigureKind::Rating || value <= 100.0;
        if !is_year_date && rating_ok {
            if kind != Some(FigureKind::Money) || unit_kind == FigureKind::Money {
                kind = Some(unit_kind);
            }
            unit = rest2[..text.len()].to_string();
            end += skip + text.len();
        }
    }
    // Trailing lower bound: 50以上, 100 and above.
    for lb in ["以上", "多", "余", "+"] {
        if s[end..].starts_with(lb) {
            lower_bound = true;
            end += lb.len();
            break;
        }
    }
    // Leading lower bound: over 50, more than 100, at least 20, 超过50.
    let lead = tail(&s[..start], 24).trim_end().to_ascii_lowercase();
    if lx.any_word(List::LowerBound, |lb| lead.ends_with(lb)) {
        lower_bound = true;
    }
    // A rating written without unit: 4.87 after 评分/rating/score, or x.x/5.
    let mut kind = kind.unwrap_or(FigureKind::Plain);
    if kind == FigureKind::Plain && value <= 5.0 && s[i..end].contains('.') {
        let lead = tail(&s[..start], 24).to_ascii_lowercase();
        let mut tail = lead
            .trim_end()
            .trim_end_matches([':', '：', '为', '是'])
            .trim_end();
        for w in [" of", " is", " at", "达到", "高达"] {
            tail = tail.strip_suffix(w).unwrap_or(tail).trim_end();
        }
        if lx.any_word(List::RatingWord, |w| tail.ends_with(w)) {
            kind = FigureKind::Rating;
        }
    }
    // A range of years (2016—2020款, 2018-2022 models) is a date, whatever follows it:
    // a plain number, which no rule takes for a business figure.
    let year = |v: f64| v.fract() == 0.0 && (1950.0..=2100.0).contains(&v);
    if upper.is_some_and(|u| year(value) && year(u) && u > value && u - value <= 40.0)
        && !matches!(kind, FigureKind::Money | FigureKind::Percent)
    {
        kind = FigureKind::Plain;
    }
    // A model year (2024款): a date too.
    if upper.is_none() && (1990.0..=2100.0).contains(&value) && value.fract() == 0.0 && unit == "款"
    {
        kind = FigureKind::Plain;
    }
    // Chinese numerals need a unit to count as a figure (一定 is a word), and never make
    // a rating (十分满意 is "very satisfied").
    if chinese && matches!(kind, FigureKind::Plain | FigureKind::Rating) {
        return None;
    }
    // A single 一 with a unit (一家工厂, 一次) is an article-like use, not a figure.
    if chinese && s[i..end].starts_with('一') && value == 1.0 && upper.is_none() {
        return None;
    }
    let deadline =
        kind == FigureKind::Duration && is_deadline(lx, tail(&s[..start], 32), head(&s[end..], 32));
    Some((
        Figure {
            span: Span::new(base + start, base + end),
            value,
            upper,
            kind,
            unit,
            lower_bound,
            deadline,
        },
        end,
    ))
}

/// The last `n` characters of `s` (all of it when shorter): the words before a figure.
fn tail(s: &str, n: usize) -> &str {
    match n.checked_sub(1).and_then(|k| s.char_indices().rev().nth(k)) {
        Some((i, _)) => &s[i..],
        None if n == 0 => "",
        None => s,
    }
}

/// The first `n` characters of `s` (all of it when shorter): the words after a figure.
fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "a", "an", "to", "in", "on", "at", "and", "or", "for", "by", "with", "from", "is",
    "are", "was", "were", "we", "our", "per", "than", "times",
];

fn next_is_alpha(s: &str, at: usize) -> bool {
    s[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
}

/// Whether a duration is a deadline: marked as one (3天内, 48小时之前), followed by an action
/// (3天发货, "5 days to deliver"), or led by a deadline word (within, 不超过); not when
/// it is an average. The words are the `deadline-*` word lists.
fn is_deadline(lx: &Lexicons, before: &str, after: &str) -> bool {
    let after = after.trim_start();
    // 平均3天内完成, "3 days on average": a measured value, not a deadline.
    let b = before.trim_end();
    if b.ends_with("平均")
        || b.to_ascii_lowercase().ends_with("average")
        || after.starts_with("on average")
    {
        return false;
    }
    if lx.any_word(List::DeadlineMark, |w| after.starts_with(w)) {
        return true;
    }
    // 3天发货, 一般3天左右送达, "5 days to deliver": a time to an action is a deadline.
    let mut a = after;
    // The words of `deadline-hedge.tsv` are stripped in file order; a one-word English
    // one only when a space follows ("to deliver", not "today").
    for e in lx.words(List::DeadlineHedge) {
        let h = e.phrase.as_str();
        let one_word = h.bytes().all(|b| b.is_ascii_alphabetic());
        let stripped = a
            .strip_prefix(h)
            .filter(|rest| !one_word || rest.starts_with(' '));
        a = stripped.unwrap_or(a).trim_start();
    }
    let a_lower = a.to_ascii_lowercase();
    if lx.any_word(List::DeadlineVerb, |v| {
        a.starts_with(v) || a_lower.starts_with(v)
    }) {
        return true;
    }
    let b = before.trim_end().to_ascii_lowercase();
    lx.words(List::DeadlineLead)
        .any(|e| b.ends_with(e.phrase.as_str()))
}

const EN_NUMBERS: &[(&str, f64)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("ninety", 90.0),
];

/// An English number word (two, thirty) at byte `i` that starts a word.
fn read_en_number(s: &str, i: usize) -> Option<(f64, usize)> {
    if s[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let rest = &s[i..];
    // Number words start with one of these letters; most words are rejected here.
    let first = rest.as_bytes().first()?.to_ascii_lowercase();
    if !matches!(first, b'o' | b't' | b'f' | b's' | b'e' | b'n') {
        return None;
    }
    // The whole word, lower-cased in a small buffer, compared once.
    let len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    if len > 7 {
        return None;
    }
    let mut buf = [0u8; 7];
    for (d, c) in buf.iter_mut().zip(rest.bytes()) {
        *d = c.to_ascii_lowercase();
    }
    let word = &buf[..len];
    EN_NUMBERS
        .iter()
        .find(|(w, _)| w.as_bytes() == word)
        .map(|(_, v)| (*v, i + len))
}

/// Reads an Arabic (1,200.5) or Chinese (三十, 两万) number at byte `i`.
/// Returns the value, the end offset, and whether it was Chinese.
fn read_number(s: &str, i: usize) -> Option<(f64, usize, bool)> {
    let b = s.as_bytes();
    if b[i].is_ascii_digit() {
        let mut j = i;
        let mut digits = String::new();
        while j < b.len() {
            if b[j].is_ascii_digit() {
                digits.push(b[j] as char);
                j += 1;
            } else if b[j] == b','
                && b.get(j + 1..j + 4)
                    .is_some_and(|t| t.iter().all(u8::is_ascii_digit))
                && !b.get(j + 4).is_some_and(u8::is_ascii_digit)
            {
                j += 1;
            } else if b[j] == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                digits.push('.');
                j += 1;
            } else {
                break;
            }
        }
        return digits.parse().ok().map(|v| (v, j, false));
    }
    if let Some((v, end)) = read_en_number(s, i) {
        return Some((v, end, true));
    }
    let run: String = s[i..].chars().take_while(|&c| is_cn_numeral(c)).collect();
    if run.is_empty() {
        return None;
    }
    // Trailing magnitudes are read by the caller, so keep them only when inside the run.
    let v = parse_cn_numeral(&run)?;
    Some((v, i + run.len(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures of `s` (built-in lexicons).
    fn scanned(s: &str) -> Vec<Figure> {
        let mut f = Vec::new();
        let mut n = Vec::new();
        scan(
            s,
            Span::new(0, s.len()),
            &Lexicons::builtin(),
            &mut f,
            &mut n,
        );
        f
    }

    fn figs(s: &str) -> Vec<(String, FigureKind)> {
        scanned(s)
            .iter()
            .map(|x| (x.span.slice(s).to_string(), x.kind))
            .collect()
    }

    fn one(s: &str) -> Figure {
        let mut f = scanned(s);
        assert_eq!(f.len(), 1, "{s}: {f:?}");
        f.remove(0)
    }

    #[test]
    fn kinds() {
        use FigureKind::*;
        assert_eq!(figs("退货率1.2%"), vec![("1.2%".into(), Percent)]);
        assert_eq!(figs("月产能5万件"), vec![("5万件".into(), Count)]);
        assert_eq!(figs("年销售额$1.5M"), vec![("$1.5M".into(), Money)]);
        assert_eq!(figs("营收3000万元"), vec![("3000万元".into(), Money)]);
        assert_eq!(figs("店铺评分4.9分"), vec![("4.9分".into(), Rating)]);
        assert_eq!(
            figs("DSR rating 4.87 this year"),
            vec![("4.87".into(), Rating)]
        );
        assert_eq!(
            figs("we ship 1,200 units a day"),
            vec![("1,200 units".into(), Count)]
        );
        assert_eq!(figs("三十天无理由退货"), vec![("三十天".into(), Duration)]);
        assert_eq!(figs("库存两万件"), vec![("两万件".into(), Count)]);
        assert_eq!(figs("SKU共1.8万个"), vec![("1.8万个".into(), Count)]);
        assert_eq!(
            figs("平均时效2.5 days"),
            vec![("2.5 days".into(), Duration)]
        );
    }

    #[test]
    fn values_ranges_bounds() {
        let f = one("预计3至5个工作日送达");
        assert_eq!(
            (f.value, f.upper, f.kind),
            (3.0, Some(5.0), FigureKind::Duration)
        );
        let f = one("delivery in 5-7 days");
        assert_eq!((f.value, f.upper), (5.0, Some(7.0)));
        assert!(one("合作工厂40多家").lower_bound);
        assert!(one("over 50 clients").lower_bound);
        assert_eq!(one("两万件").value, 20000.0);
        assert_eq!(one("1.8万件").value, 18000.0);
        assert!(one("24小时内发货").deadline);
        assert!(one("within 48 hours").deadline);
        assert!(!one("平均发货时长36小时").deadline);
    }

    #[test]
    fn not_figures() {
        for s in [
            "2024年3月上线",
            "Q3 2024 we grew",
            "双11大促",
            "每天14:00截单",
            "电话13812345678",
            "合同编号CN-2024-0831",
            "iPhone 15 cases",
            "问题1：你们的优势",
            "version v2.3.1",
            "see Appendix 4",
            "in 2023 we started",
            "下午3点前",
            "第3条",
            "我们是一家工厂",
            "一定处理好",
            "十分满意",
            "ISO 9001 certified",
        ] {
            let f: Vec<_> = figs(s)
                .into_iter()
                .filter(|(_, k)| *k != FigureKind::Plain)
                .collect();
            assert!(f.is_empty(), "{s}: {f:?}");
        }
    }

    #[test]
    fn cn_numerals() {
        assert_eq!(parse_cn_numeral("三十"), Some(30.0));
        assert_eq!(parse_cn_numeral("十五"), Some(15.0));
        assert_eq!(parse_cn_numeral("一千二百"), Some(1200.0));
        assert_eq!(parse_cn_numeral("两万"), Some(20000.0));
        assert_eq!(parse_cn_numeral("三亿五千万"), Some(350_000_000.0));
    }
}
