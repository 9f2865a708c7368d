//! Answer structure: a script is a list of questions and answers.
//!
//! [`Script::parse`] splits a document into sections (a Markdown heading at any level, or a
//! plain-text question line: 问：, 问题1：, Q:, Question 2:, a numbered question, a buyer's
//! message), gives each a type (core strength, logistics delay, complaint...) from the
//! `topics` lexicon, records which of the examiner's key items the answers cover (the
//! `coverage` lexicon), and finds the steps of three-tier responses ([`steps`]). The
//! structure rules (missing-tiers, missing-tier-proof, missing-anchor, the section check of
//! unverifiable-plan, missing-dimension) and the readiness score ([`score`]) read it.

pub mod score;

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::document::{BlockKind, Document, FigureKind, Lang, Pos, Window};
use crate::lexicon::{Entry, Lexicons, List};
use crate::Span;

/// What a question is about, which decides the checks its answer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionType {
    CoreStrength,
    LogisticsDelay,
    /// Any complaint, incident or after-sales case.
    QualityComplaint,
    SupplyChain,
    Compliance,
    BrandIp,
    Returns,
    Customs,
    Other,
}

impl SectionType {
    /// Tie-break order: the more specific checks first.
    const BY_PRIORITY: [SectionType; 8] = [
        SectionType::QualityComplaint,
        SectionType::LogisticsDelay,
        SectionType::Returns,
        SectionType::Customs,
        SectionType::Compliance,
        SectionType::BrandIp,
        SectionType::CoreStrength,
        SectionType::SupplyChain,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SectionType::CoreStrength => "core-strength",
            SectionType::LogisticsDelay => "logistics-delay",
            SectionType::QualityComplaint => "quality-complaint",
            SectionType::SupplyChain => "supply-chain",
            SectionType::Compliance => "compliance",
            SectionType::BrandIp => "brand-ip",
            SectionType::Returns => "returns",
            SectionType::Customs => "customs",
            SectionType::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<SectionType> {
        Self::BY_PRIORITY
            .into_iter()
            .chain([SectionType::Other])
            .find(|t| t.id() == id)
    }

    /// The examiner's dimension an answer of this type is scored under.
    pub fn dimension(self) -> Option<Dimension> {
        match self {
            SectionType::CoreStrength | SectionType::SupplyChain => Some(Dimension::SupplyChain),
            SectionType::LogisticsDelay
            | SectionType::QualityComplaint
            | SectionType::Returns
            | SectionType::Customs => Some(Dimension::Operations),
            SectionType::Compliance => Some(Dimension::Compliance),
            SectionType::BrandIp => Some(Dimension::Brand),
            SectionType::Other => None,
        }
    }
}

/// The examiner's four weighted dimensions (../shared/domain.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    SupplyChain,
    Operations,
    Compliance,
    Brand,
}

/// A key item of a dimension: the `coverage` lexicon's category id and its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyItem {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn item(id: &'static str, zh: &'static str, en: &'static str) -> KeyItem {
    KeyItem { id, zh, en }
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::SupplyChain,
        Dimension::Operations,
        Dimension::Compliance,
        Dimension::Brand,
    ];

    /// Points of 100.
    pub fn weight(self) -> f64 {
        match self {
            Dimension::SupplyChain => 35.0,
            Dimension::Operations => 30.0,
            Dimension::Compliance => 20.0,
            Dimension::Brand => 15.0,
        }
    }

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::SupplyChain => "supply_chain",
            Dimension::Operations => "operations",
            Dimension::Compliance => "compliance",
            Dimension::Brand => "brand",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang == Lang::En) {
            (Dimension::SupplyChain, false) => "供应链真实性",
            (Dimension::Operations, false) => "跨境运营能力",
            (Dimension::Compliance, false) => "合规风控",
            (Dimension::Brand, false) => "品牌与知识产权",
            (Dimension::SupplyChain, true) => "supply-chain authenticity",
            (Dimension::Operations, true) => "cross-border operations",
            (Dimension::Compliance, true) => "compliance and risk",
            (Dimension::Brand, true) => "brand and IP",
        }
    }

    pub fn items(self) -> &'static [KeyItem] {
        match self {
            Dimension::SupplyChain => &SUPPLY_CHAIN_ITEMS,
            Dimension::Operations => &OPERATIONS_ITEMS,
            Dimension::Compliance => &COMPLIANCE_ITEMS,
            Dimension::Brand => &BRAND_ITEMS,
        }
    }
}

static SUPPLY_CHAIN_ITEMS: [KeyItem; 6] = [
    item(
        "sc-footage",
        "工厂或仓库实拍",
        "factory or warehouse footage",
    ),
    item("sc-sku", "SKU数量", "SKU count"),
    item("sc-capacity", "月产能", "monthly capacity"),
    item("sc-oem", "主要OEM客户", "main OEM clients"),
    item(
        "sc-licence",
        "与营业执照一致",
        "consistency with the business licence",
    ),
    item(
        "sc-authorisation",
        "品牌授权书",
        "brand authorisation letters",
    ),
];

static OPERATIONS_ITEMS: [KeyItem; 4] = [
    item(
        "op-first-leg",
        "头程方式（海运或空运）",
        "first-leg shipping mode",
    ),
    item(
        "op-clearance",
        "目的国清关主体",
        "who clears customs at destination",
    ),
    item(
        "op-overseas-warehouse",
        "两国以上海外仓",
        "overseas warehouses in 2+ countries",
    ),
    item(
        "op-returns",
        "15个工作日内退货处理",
        "returns handled within 15 working days",
    ),
];

static COMPLIANCE_ITEMS: [KeyItem; 4] = [
    item("co-epr", "欧盟EPR注册号", "EU EPR registration number"),
    item("co-fda", "美国FDA状态", "US FDA status"),
    item(
        "co-certification",
        "认证路径（CE、FCC、UKCA、RoHS、REACH）",
        "certification path (CE, FCC, UKCA, RoHS, REACH)",
    ),
    item("co-prohibited", "禁限售清单", "the prohibited-items list"),
];

static BRAND_ITEMS: [KeyItem; 5] = [
    item("br-trademark", "注册商标", "registered trademark"),
    item("br-site", "品牌官网", "brand website"),
    item(
        "br-invoice",
        "转售品牌的进货发票",
        "purchase invoices for resold brands",
    ),
    item(
        "br-scope",
        "授权范围写明平台",
        "an authorisation scope that names the platform",
    ),
    item("br-iso", "ISO 9001", "ISO 9001"),
];

/// One question and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The question as written (a heading, a question line, a buyer's message); `None`
    /// for text before the first question.
    pub title: Option<Span>,
    /// Sentence indices of the question.
    pub question: Range<usize>,
    /// Sentence indices of the answer.
    pub answer: Range<usize>,
    pub kind: SectionType,
    /// 1-based line of the question (or of the answer's start).
    pub line: usize,
    /// From the question's start to the answer's end.
    pub span: Span,
    /// Where diagnostics about the whole section point: the question, or the answer's
    /// first sentence.
    pub anchor: Span,
    /// The question is a buyer's message (a customer-service thread).
    pub buyer: bool,
    /// The `topics` lexicon typed the section (or found it service-level). When false the
    /// section is `Other` for want of evidence ("unsure"): no type-specific rule runs.
    pub typed: bool,
    /// A logistics section about delays (延误, 旺季, "peak season": the `logistics-delay`
    /// words, not the general `logistics` ones such as 头程) in its question, or in its
    /// answer when it has no question words: the plan check of unverifiable-plan.
    pub delay: bool,
    /// The answer's steps, found on first use (two rules read them).
    steps: OnceLock<Vec<Step>>,
}

/// A parsed script.
#[derive(Debug, Clone)]
pub struct Script {
    /// Sections with an answer, in order.
    pub sections: Vec<Section>,
    /// Coverage categories (key-item ids) found in answers.
    pub covered: Vec<&'static str>,
    /// The language most of the answer text is in (messages about the whole script).
    pub lang: Lang,
}

impl Default for Script {
    fn default() -> Script {
        Script {
            sections: Vec::new(),
            covered: Vec::new(),
            lang: Lang::Zh,
        }
    }
}

/// Who a buyer's message is labelled with, as regex alternatives: one list for the
/// question line and for telling a buyer's message from an interview question.
const BUYER_LABELS_ZH: &str = "买家|顾客|客户|消费者";
const BUYER_LABELS_EN: &str = "customer|buyer|client";

fn question_line_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?xi)^\s*(?:[-*+>]\s*)?(?:\*\*)?(?:
                问题?\s*[0-9一二三四五六七八九十]*\s*[:：.、]
              | Q(?:uestion)?\s*\d*\s*[:：.]
              | (?:{BUYER_LABELS_ZH})(?:留言|消息|问)?\s*[:：]
              | (?:{BUYER_LABELS_EN})(?:\s+message)?\s*[:：]
            )"
        ))
        .expect("question regex")
    })
}

fn numbered_question_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*(?:\*\*)?(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[.、．)）]\s*\S.*[？?](?:\*\*)?\s*$")
            .expect("numbered question regex")
    })
}

fn buyer_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)^\s*(?:[-*+>]\s*)?(?:{BUYER_LABELS_ZH}|{BUYER_LABELS_EN})"
        ))
        .expect("buyer regex")
    })
}

/// The line (without its newline) that contains byte `offset`.
fn line_at(doc: &Document, offset: usize) -> (usize, &str) {
    let line = doc.line_index.line_of(offset);
    let (a, b) = doc.line_index.line_span(&doc.text, line);
    (a, doc.text[a..b].trim_end_matches('\r'))
}

/// How sentence `si` starts a section, if it does.
fn starts_section(doc: &Document, si: usize) -> Option<bool> {
    let s = &doc.sentences[si];
    if s.kind == BlockKind::Heading {
        // A heading of several sentences is one question; a heading that opens with a
        // buyer's label (## 买家：…, ## Customer: …) is a buyer's message.
        let continues = si > 0 && {
            let p = &doc.sentences[si - 1];
            p.kind == BlockKind::Heading && p.block == s.block
        };
        // The label may be a sentence of its own or left out of the heading's text: read
        // the line, without its `#`s.
        let (_, line) = line_at(doc, s.span.start);
        let text = line.trim_start().trim_start_matches('#');
        let buyer = buyer_re().is_match(text) && question_line_re().is_match(text);
        return (!continues).then_some(buyer);
    }
    let (line_start, line) = line_at(doc, s.span.start);
    // Only the first sentence on its line can start a question.
    if si > 0 && doc.sentences[si - 1].span.end > line_start {
        return None;
    }
    if question_line_re().is_match(line) {
        return Some(buyer_re().is_match(line));
    }
    if numbered_question_re().is_match(line) {
        return Some(false);
    }
    None
}

impl Script {
    pub fn parse(doc: &Document, lx: &Lexicons) -> Script {
        let n = doc.sentences.len();
        // (first sentence of the question, buyer message)
        let starts: Vec<(usize, bool)> = (0..n)
            .filter_map(|si| starts_section(doc, si).map(|buyer| (si, buyer)))
            .collect();
        let mut sections = Vec::new();
        // Text before the first question is a section without a title.
        let first = starts.first().map_or(n, |s| s.0);
        if first > 0 {
            sections.push(make_section(doc, lx, None, 0..0, 0..first, false));
        }
        for (k, &(qs, buyer)) in starts.iter().enumerate() {
            let next = starts.get(k + 1).map_or(n, |s| s.0);
            // The question: the heading, or the sentences on the question's line.
            let mut qe = qs + 1;
            let same_unit = |a: usize, b: usize| {
                let (sa, sb) = (&doc.sentences[a], &doc.sentences[b]);
                if sa.kind == BlockKind::Heading {
                    sb.kind == BlockKind::Heading && sb.block == sa.block
                } else {
                    doc.line_index.line_of(sb.span.start) == doc.line_index.line_of(sa.span.start)
                }
            };
            while qe < next && same_unit(qs, qe) {
                qe += 1;
            }
            let title = Span::new(doc.sentences[qs].span.start, doc.sentences[qe - 1].span.end);
            sections.push(make_section(doc, lx, Some(title), qs..qe, qe..next, buyer));
        }
        sections.retain(|s| {
            s.answer
                .clone()
                .any(|si| crate::document::is_statement(doc, si))
        });
        // Text before the first question of a script is its preamble (a title, notes), not
        // an answer: no type, so no type's checks. A file without questions (one answer
        // pasted alone) keeps the type its words give.
        if sections.iter().any(|s| s.title.is_some()) {
            for s in sections.iter_mut().filter(|s| s.title.is_none()) {
                s.kind = SectionType::Other;
                s.delay = false;
            }
        }

        let mut covered: Vec<&'static str> = Vec::new();
        let mut zh = 0usize;
        let mut en = 0usize;
        for sec in &sections {
            for si in sec.answer.clone() {
                match doc.sentences[si].lang {
                    Lang::En => en += doc.sentences[si].span.len(),
                    _ => zh += doc.sentences[si].span.len(),
                }
                for m in doc.sentence_matches(si) {
                    if m.list != List::Coverage {
                        continue;
                    }
                    let cat = &lx.entry(m.entry).category;
                    if let Some(it) = Dimension::ALL
                        .iter()
                        .flat_map(|d| d.items())
                        .find(|i| i.id == cat)
                    {
                        if !covered.contains(&it.id) {
                            covered.push(it.id);
                        }
                    }
                }
            }
        }
        Script {
            sections,
            covered,
            lang: if en > zh { Lang::En } else { Lang::Zh },
        }
    }

    /// How many sections have an interview question (not a buyer's message).
    pub fn questions(&self) -> usize {
        self.sections
            .iter()
            .filter(|s| s.title.is_some() && !s.buyer)
            .count()
    }

    /// Whether a key item is covered anywhere in the answers.
    pub fn covers(&self, id: &str) -> bool {
        self.covered.contains(&id)
    }
}

impl Section {
    /// The language most of the answer's sentences are in (Chinese on a tie).
    pub fn lang(&self, doc: &Document) -> Lang {
        let en = self
            .answer
            .clone()
            .filter(|&si| doc.sentences[si].lang == Lang::En)
            .count();
        if 2 * en > self.answer.len() {
            Lang::En
        } else {
            Lang::Zh
        }
    }
    /// The answer's steps (see [`steps`]), computed once.
    pub fn steps(&self, doc: &Document, lx: &Lexicons) -> &[Step] {
        self.steps.get_or_init(|| steps(doc, lx, self))
    }

    /// Whether the answer offers anything an examiner could check: a figure, an
    /// identifier, specific evidence, or a named partner.
    pub fn verifiable(&self, doc: &Document) -> bool {
        self.answer.clone().any(|si| {
            let s = &doc.sentences[si];
            crate::document::is_statement(doc, si)
                && (!s.figures.is_empty()
                    || doc.has_identifier(si)
                    || s.evidence.specific.is_some()
                    || doc
                        .sentence_matches(si)
                        .iter()
                        .any(|m| m.list == List::Entities))
        })
    }
}

fn make_section(
    doc: &Document,
    lx: &Lexicons,
    title: Option<Span>,
    question: Range<usize>,
    answer: Range<usize>,
    buyer: bool,
) -> Section {
    let start = title.map_or_else(
        || doc.sentences.get(answer.start).map_or(0, |s| s.span.start),
        |t| t.start,
    );
    let end = if answer.is_empty() {
        title.map_or(start, |t| t.end)
    } else {
        doc.sentences[answer.end - 1].span.end
    };
    let anchor = title.unwrap_or_else(|| {
        doc.sentences
            .get(answer.start)
            .map_or(Span::new(start, start), |s| s.span)
    });
    let (kind, typed) = classify(doc, lx, &question, &answer, buyer);
    let delay = kind == SectionType::LogisticsDelay && {
        let cue = |r: &Range<usize>| {
            r.clone().any(|si| {
                doc.sentence_matches(si).iter().any(|m| {
                    m.list == List::Topics && lx.entry(m.entry).category == "logistics-delay"
                })
            })
        };
        let asked = question.clone().any(|si| {
            doc.sentence_matches(si)
                .iter()
                .any(|m| m.list == List::Topics)
        });
        if asked {
            cue(&question)
        } else {
            cue(&answer)
        }
    };
    Section {
        title,
        kind,
        typed,
        delay,
        question,
        answer,
        line: doc.line_index.line_of(start) + 1,
        span: Span::new(start, end),
        anchor,
        buyer,
        steps: OnceLock::new(),
    }
}

/// The section type and whether the `topics` lexicon was sure of it.
///
/// The question decides: the type with the most `topics` phrases in the question wins,
/// the answer's phrases breaking ties (then the more specific type: complaints first).
/// A buyer's message with a complaint phrase counts it once more. Service-level phrases
/// (response times, support hours, team size: the `service` category) type the section
/// `Other` when they weigh at least as much as the complaint phrases, so that "How fast
/// do you reply to a buyer's problem?" gets no complaint check. A question without any
/// topic phrase takes the answer's type when the answer has two complaint phrases, or
/// three of another type; otherwise the section is `Other` and unsure (`typed` false).
fn classify(
    doc: &Document,
    lx: &Lexicons,
    question: &Range<usize>,
    answer: &Range<usize>,
    buyer: bool,
) -> (SectionType, bool) {
    // The eight types in priority order, then `service`.
    const SERVICE: usize = 8;
    let mut q = [0u32; 9];
    let mut a = [0u32; 9];
    let count = |range: &Range<usize>, into: &mut [u32; 9]| {
        for si in range.clone() {
            for m in doc.sentence_matches(si) {
                if m.list != List::Topics {
                    continue;
                }
                let cat = lx.entry(m.entry).category.as_str();
                // General logistics words (头程, "carrier") count for logistics-delay.
                let cat = if cat == "logistics" {
                    "logistics-delay"
                } else {
                    cat
                };
                if cat == "service" {
                    into[SERVICE] += 1;
                } else if let Some(t) = SectionType::from_id(cat) {
                    let i = SectionType::BY_PRIORITY
                        .iter()
                        .position(|x| *x == t)
                        .unwrap();
                    into[i] += 1;
                }
            }
        }
    };
    count(question, &mut q);
    count(answer, &mut a);
    // Index 0 is QualityComplaint.
    if buyer && q[0] > 0 {
        q[0] += 1;
    }
    if q.iter().any(|&n| n > 0) {
        let strongest = q[..SERVICE].iter().copied().max().unwrap_or(0);
        if q[SERVICE] > 0 && q[SERVICE] >= strongest {
            return (SectionType::Other, true);
        }
        let mut best: Option<(u32, u32, SectionType)> = None;
        for (i, t) in SectionType::BY_PRIORITY.into_iter().enumerate() {
            if q[i] == 0 {
                continue;
            }
            let key = (q[i], a[i].min(4));
            if best.is_none_or(|b| key > (b.0, b.1)) {
                best = Some((key.0, key.1, t));
            }
        }
        if let Some((_, _, t)) = best {
            // Service words beside a complaint word of equal weight: not a complaint.
            if t == SectionType::QualityComplaint && q[SERVICE] >= q[0] {
                return (SectionType::Other, true);
            }
            return (t, true);
        }
    }
    // No question words: the answer's, two complaint words (投诉, 破损: specific) or three
    // of another type (物流, 库存: words any answer uses).
    let mut best = (0u32, SectionType::Other);
    for (i, t) in SectionType::BY_PRIORITY.into_iter().enumerate() {
        let score = a[i].min(4);
        let enough = if t == SectionType::QualityComplaint {
            2
        } else {
            3
        };
        if score >= enough && score > best.0 {
            best = (score, t);
        }
    }
    (best.1, best.1 != SectionType::Other)
}

/// One step of a response: a list item, the text between arrows, or the clauses of a
/// paragraph from one deadline (or sequence word) to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub span: Span,
    /// Hours by which the step is done, and where that is written.
    pub deadline: Option<(f64, Span)>,
    /// A hedge on the deadline (左右, "or so") or a timing with no figure (之后, later).
    pub vague_timing: Option<Span>,
    pub action: bool,
    pub proof: bool,
    /// The step holds a placeholder (【待补充：…】, [TODO: …]) for a person to fill in:
    /// what it lacks is placeholder-left's finding, not the tier rules'.
    pub pending: bool,
    /// The step is a tier of the response. A step that reports a track record (去年同类投诉
    /// 5起, "last year"), opens with a condition (如果…, "Should the report show..."), or
    /// follows three tiers without a growing deadline and an action of its own is attached
    /// to the chain instead (see [`attach`]): the tier rules skip it and a rewrite keeps it
    /// after the tiers.
    pub tier: bool,
}

impl Step {
    /// The tiers among `steps`.
    pub fn tiers(steps: &[Step]) -> impl Iterator<Item = &Step> {
        steps.iter().filter(|s| s.tier)
    }
}

const ARROWS: &[&str] = &["→", "->", "⇒", "=>", "⟶", "➔", "➜"];

/// Hours in one unit of a duration as the figure scanner writes it.
pub fn unit_hours(unit: &str) -> Option<f64> {
    let u = unit.to_ascii_lowercase();
    let u = u.trim();
    Some(if u.contains("分钟") || u.starts_with("min") {
        1.0 / 60.0
    } else if u.contains('秒') || u.starts_with("sec") {
        1.0 / 3600.0
    } else if u.contains("小时") || u == "h" || u.starts_with("hour") || u.starts_with("hr") {
        1.0
    } else if u.contains("工作日")
        || u.contains("天")
        || u.contains('日')
        || u.ends_with("day")
        || u.ends_with("days")
    {
        24.0
    } else if u.contains('周') || u.contains("星期") || u.starts_with("week") {
        168.0
    } else if u.contains('月') || u.starts_with("month") {
        720.0
    } else if u.contains('年') || u.starts_with("year") {
        8760.0
    } else {
        return None;
    })
}

/// The words of a word list in `span` on word boundaries (Chinese: jieba tokens; English:
/// whole words, any case), overlapping ones included: their spans and entries.
pub(crate) fn word_matches<'a, 'l: 'a>(
    doc: &'a Document,
    lx: &'l Lexicons,
    span: Span,
    list: List,
) -> impl Iterator<Item = (Span, &'l Entry)> + 'a {
    lx.word_automaton(list)
        .find_overlapping_iter(span.slice(&doc.text))
        .map(move |m| {
            (
                Span::new(span.start + m.start(), span.start + m.end()),
                lx.word_entry(list, m.pattern().as_usize()),
            )
        })
        .filter(|(s, _)| doc.is_boundary(s.start) && doc.is_boundary(s.end))
}

/// The earliest word of a word list in `span` on word boundaries (the longest where
/// several start there): its span and entry.
fn find_word<'l>(
    doc: &Document,
    lx: &'l Lexicons,
    span: Span,
    list: List,
) -> Option<(Span, &'l Entry)> {
    word_matches(doc, lx, span, list).min_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)))
}

/// Hours a word deadline stands for, by its category in `word-deadline.tsv`.
fn word_deadline_hours(e: &Entry) -> f64 {
    if e.category == "same-day" {
        12.0
    } else {
        24.0
    }
}

/// Sentences that overlap `span`.
fn sentences_in(doc: &Document, span: Span) -> Range<usize> {
    let a = doc.sentences.partition_point(|s| s.span.end <= span.start);
    let b = doc.sentences.partition_point(|s| s.span.start < span.end);
    a..b.max(a)
}

/// Splits an answer into steps (see [`Step`]).
pub fn steps(doc: &Document, lx: &Lexicons, sec: &Section) -> Vec<Step> {
    let answer: Vec<usize> = sec
        .answer
        .clone()
        .filter(|&si| crate::document::is_statement(doc, si))
        .collect();
    let mut parts: Vec<Span> = Vec::new();
    // Arrows: the lines that have them (one line, or a line per step: → 1小时内：…), cut at
    // each arrow and at each line break.
    let arrow_lines: Vec<usize> = {
        let mut lines: Vec<usize> = answer
            .iter()
            .filter(|&&si| ARROWS.iter().any(|a| doc.sentence_text(si).contains(a)))
            .map(|&si| doc.line_index.line_of(doc.sentences[si].span.start))
            .collect();
        lines.dedup();
        lines
    };
    if !arrow_lines.is_empty() {
        let on_lines: Vec<usize> = answer
            .iter()
            .copied()
            .filter(|&s| arrow_lines.contains(&doc.line_index.line_of(doc.sentences[s].span.start)))
            .collect();
        for line in on_lines.chunk_by(|&a, &b| {
            doc.line_index.line_of(doc.sentences[a].span.start)
                == doc.line_index.line_of(doc.sentences[b].span.start)
        }) {
            let span = Span::new(
                doc.sentences[line[0]].span.start,
                doc.sentences[*line.last().unwrap()].span.end,
            );
            let text = span.slice(&doc.text);
            let mut cuts = vec![(0usize, 0usize)];
            for a in ARROWS {
                cuts.extend(text.match_indices(a).map(|(i, m)| (i, i + m.len())));
            }
            cuts.sort();
            cuts.push((text.len(), text.len()));
            for w in cuts.windows(2) {
                let (from, to) = (w[0].1, w[1].0);
                if from < to && !text[from..to].trim().is_empty() {
                    parts.push(Span::new(span.start + from, span.start + to));
                }
            }
        }
    }
    // List items: each item is a step.
    if parts.is_empty() {
        let mut items: Vec<Span> = Vec::new();
        let mut last_block = usize::MAX;
        for &si in &answer {
            let s = &doc.sentences[si];
            if s.kind != BlockKind::ListItem {
                continue;
            }
            if s.block == last_block {
                items.last_mut().unwrap().end = s.span.end;
            } else {
                items.push(s.span);
                last_block = s.block;
            }
        }
        if items.len() >= 2 {
            parts = items;
        }
    }
    if !parts.is_empty() {
        let mut out: Vec<Step> = parts.into_iter().map(|p| step(doc, lx, p)).collect();
        attach(doc, lx, &mut out);
        return out;
    }
    // Paragraphs: clauses, a new step at each deadline or sequence word.
    let mut out: Vec<Span> = Vec::new();
    for &si in &answer {
        // Where the clauses of this sentence that no step opened begin: a step opened by a
        // deadline takes them ("The replacement ships, or the refund is paid, within 3
        // days": the action comes before its deadline). A semicolon ends them.
        let mut loose: Option<usize> = None;
        for clause in clauses(doc, lx, si) {
            let sequence = starts_with_sequence(doc, lx, clause);
            let starts_step = sequence
                || deadline(doc, lx, clause).is_some()
                || find_word(doc, lx, clause, List::VagueTiming).is_some();
            if starts_step {
                // Only where a step is open: text before the first step (an apology) is
                // the answer's lead, not part of a tier.
                let start = match loose {
                    Some(at) if !sequence && !out.is_empty() => at,
                    _ => clause.start,
                };
                if let Some(last) = out.last_mut() {
                    if last.end > start {
                        last.end = start;
                    }
                }
                out.retain(|s| !doc.text[s.start..s.end].trim().is_empty());
                out.push(Span::new(start, clause.end));
                loose = None;
            } else {
                if let Some(last) = out.last_mut() {
                    last.end = clause.end;
                }
                loose = if clause.slice(&doc.text).trim_end().ends_with(['；', ';']) {
                    None
                } else {
                    loose.or(Some(clause.start))
                };
            }
        }
    }
    let mut steps: Vec<Step> = out.into_iter().map(|p| step(doc, lx, p)).collect();
    attach(doc, lx, &mut steps);
    steps
}

/// Marks the steps that are no tiers of their own (see [`Step::tier`]): after three tiers,
/// a step that opens with a condition or reports a track record (`chain-extra`), or one
/// without a deadline that grows or without an action; before that, a conditional or
/// record step whose deadline does not grow (an alternative: 若您更希望退款，同样在48小时内…).
fn attach(doc: &Document, lx: &Lexicons, steps: &mut [Step]) {
    let mut tiers = 0;
    let mut last: Option<f64> = None;
    for (i, s) in steps.iter_mut().enumerate() {
        let grows = match (s.deadline, last) {
            (Some((h, _)), Some(l)) => h > l,
            (None, _) => false,
            (Some(_), None) => true,
        };
        let conditional = i > 0 && chain_extra(doc, lx, s.span);
        let extra = if tiers >= 3 {
            conditional || !grows || !s.action
        } else {
            conditional && !grows
        };
        if extra {
            s.tier = false;
            continue;
        }
        tiers += 1;
        if let Some((h, _)) = s.deadline {
            last = Some(h);
        }
    }
}

/// Whether a step opens with a condition (after any sequence word) or holds a record word.
fn chain_extra(doc: &Document, lx: &Lexicons, span: Span) -> bool {
    let skip = sequence_prefix(doc, lx, span);
    let text = span.slice(&doc.text);
    let rest =
        text[skip..].trim_start_matches(|c: char| c.is_whitespace() || "，,：:、→>-=".contains(c));
    let at = span.start + (text.len() - rest.len());
    word_matches(doc, lx, span, List::ChainExtra)
        .any(|(s, e)| e.category != "condition" || s.start == at)
}

/// Most characters between a comma and the deadline that opens the next clause (并在,
/// "and within ").
const DEADLINE_LEAD: Window = Window::new(11, 4);

/// Clauses of a sentence: cut at semicolons, and at commas followed by a sequence word
/// or a deadline (联系买家，24小时内补发).
fn clauses(doc: &Document, lx: &Lexicons, si: usize) -> Vec<Span> {
    let span = doc.sentences[si].span;
    let lang = doc.sentences[si].lang;
    let text = span.slice(&doc.text);
    let mut cuts = vec![0usize];
    for (i, c) in text.char_indices() {
        let after = i + c.len_utf8();
        match c {
            '；' | ';' => cuts.push(after),
            '，' | ',' | '：' | ':' => {
                let rest = Span::new(span.start + after, span.end);
                // "First, within 2 hours": a sequence word alone is no clause.
                let last = *cuts.last().unwrap();
                let piece = Span::new(span.start + last, span.start + i);
                let only_sequence = sequence_prefix(doc, lx, piece) >= piece.len();
                let deadline_next = !only_sequence
                    && doc.sentence_figures(si).iter().any(|f| {
                        f.deadline
                            && f.span.start >= rest.start
                            && DEADLINE_LEAD.covers(&doc.text, rest.start, f.span.start, lang)
                            && !text[after..f.span.start - span.start].contains(['，', ','])
                    });
                if deadline_next || starts_with_sequence(doc, lx, rest) {
                    cuts.push(after);
                }
            }
            _ => {}
        }
    }
    cuts.push(text.len());
    cuts.dedup();
    // Two deadlines in one clause joined by a connective ("within 1 hour and send a new
    // scale within 2 days", 1小时内联系买家并在24小时内补发): two steps, cut at the
    // connective before the second deadline.
    let deadlines: Vec<(usize, usize)> = doc
        .sentence_figures(si)
        .iter()
        .filter(|f| f.deadline)
        .map(|f| (f.span.start - span.start, f.span.end - span.start))
        .collect();
    let mut extra = Vec::new();
    for w in cuts.windows(2) {
        let inside: Vec<&(usize, usize)> = deadlines
            .iter()
            .filter(|d| d.0 >= w[0] && d.1 <= w[1])
            .collect();
        for pair in inside.windows(2) {
            let between = &text[pair[0].1..pair[1].0];
            let at = CONNECTIVES
                .iter()
                .filter_map(|c| between.rfind(c).map(|i| (i, c)))
                .max_by_key(|(i, c)| (*i, std::cmp::Reverse(c.len())));
            if let Some((i, _)) = at {
                extra.push(pair[0].1 + i);
            }
        }
    }
    cuts.extend(extra);
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| !text[w[0]..w[1]].trim().is_empty())
        .map(|w| Span::new(span.start + w[0], span.start + w[1]))
        .collect()
}

/// Connectives that join two steps in one clause (see [`clauses`]).
const CONNECTIVES: &[&str] = &[
    " and then ",
    " and ",
    " then ",
    "并在",
    "并于",
    "然后",
    "随后",
    "再在",
];

fn starts_with_sequence(doc: &Document, lx: &Lexicons, span: Span) -> bool {
    sequence_prefix(doc, lx, span) > 0
}

/// Bytes at the start of `span` that a sequence word takes (第二步，, "Then "), with a
/// connective before it and punctuation after it; 0 when there is none.
pub(crate) fn sequence_prefix(doc: &Document, lx: &Lexicons, span: Span) -> usize {
    let full = span.slice(&doc.text);
    let mut text = full.trim_start();
    for c in ["and ", "And ", "并且", "而且", "并"] {
        if let Some(rest) = text.strip_prefix(c) {
            text = rest.trim_start();
            break;
        }
    }
    let at = span.start + full.len() - text.len();
    let Some(end) = lx
        .word_automaton(List::Sequence)
        .find_overlapping_iter(text)
        .take_while(|m| m.start() == 0)
        .filter(|m| doc.is_boundary(at + m.end()))
        .map(|m| m.end())
        .max()
    else {
        return 0;
    };
    let rest = &text[end..];
    // "First of all" opens a sentence; it numbers nothing.
    if rest.trim_start().to_lowercase().starts_with("of all") {
        return 0;
    }
    let skipped = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_whitespace() || "，,：:、".contains(c))
            .len();
    full.len() - text.len() + end + skipped
}

/// The first deadline in `span`: a duration figure, or a word deadline (次日, "next
/// business day"), in hours.
fn deadline(doc: &Document, lx: &Lexicons, span: Span) -> Option<(f64, Span)> {
    let fig = sentences_in(doc, span)
        .flat_map(|si| doc.sentence_figures(si))
        .filter(|f| span.contains(f.span) && f.kind == FigureKind::Duration)
        .find_map(|f| Some((f.upper.unwrap_or(f.value) * unit_hours(&f.unit)?, f.span)));
    let word =
        find_word(doc, lx, span, List::WordDeadline).map(|(s, e)| (word_deadline_hours(e), s));
    match (fig, word) {
        (Some(f), Some(w)) => Some(if w.1.start < f.1.start { w } else { f }),
        (f, w) => f.or(w),
    }
}

fn step(doc: &Document, lx: &Lexicons, span: Span) -> Step {
    let deadline = deadline(doc, lx, span);
    let within = sentences_in(doc, span);
    let matches = within
        .clone()
        .flat_map(|si| doc.sentence_matches(si))
        .filter(|m| span.contains(m.span));
    let mut action = false;
    let mut proof = false;
    let mut hedge = None;
    for m in matches {
        let e = lx.entry(m.entry);
        match m.list {
            List::Actions => action = true,
            List::Evidence if matches!(e.category.as_str(), "artifact" | "needs-id") => {
                proof = true
            }
            // A hedge on the deadline figure itself, as hedged-figure attaches them.
            List::Hedge if hedge.is_none() => {
                let on_deadline = crate::document::hedged(doc, lx, m)
                    .is_some_and(|f| deadline.is_some_and(|(_, d)| d == f.span));
                if on_deadline {
                    hedge = Some(m.span);
                }
            }
            _ => {}
        }
    }
    if !proof {
        // A source clause (根据后台报表, "per the Q3 returns report").
        proof = within.clone().any(|si| {
            doc.sentences[si]
                .evidence
                .specific
                .is_some_and(|sp| span.contains(sp))
        });
    }
    if !proof {
        // An identifier of its own (工单号TK-2291, tracking number LP00123) is proof.
        proof = within.clone().any(|si| {
            doc.non_figures[doc.sentences[si].non_figures.clone()]
                .iter()
                .any(|n| {
                    n.kind == crate::document::NonFigureKind::Identifier
                        && span.contains(n.span)
                        // 第一, 第3级, 问题2 are ordinals, not ids.
                        && !n
                            .span
                            .slice(&doc.text)
                            .starts_with(|c| "第问步题".contains(c))
                })
        });
    }
    if !action {
        action = english_action(doc, lx, span) || english_subject_verb(span.slice(&doc.text));
    }
    if !action {
        // Chinese: any verb jieba knows, other than auxiliaries and verbs too general to
        // be an action (non-action.tsv).
        action = within
            .clone()
            .flat_map(|si| doc.sentence_tokens(si))
            .any(|t| {
                span.contains(t.span)
                    && t.pos(&doc.text) == Pos::Verb
                    && !lx.any_word(List::NonAction, |w| w == t.span.slice(&doc.text))
            });
    }
    let vague_timing = match deadline {
        Some(_) => hedge,
        None => find_word(doc, lx, span, List::VagueTiming).map(|(s, _)| s),
    };
    Step {
        span,
        deadline,
        vague_timing,
        action,
        proof,
        pending: crate::document::has_placeholder(span.slice(&doc.text)),
        tier: true,
    }
}

/// A verb in its role: the writer's side as subject (we, I, our team, the agent) and a
/// verb after it that is no auxiliary or intention ("we calm the buyer down", "our
/// warehouse pauses shipments"), so a verb no list knows still makes the step an action.
fn english_subject_verb(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:we|i|our\s+(?:[a-z]+\s+)?(?:team|agents?|staff|warehouse|factory|supplier|department|lead|manager)|the\s+(?:[a-z]+\s+)?(?:team|agent|warehouse|factory|supplier|seller))(?:'ll|\s+(?:will|shall|must|then|also|immediately|first|now|always|promptly|personally|directly|still))*\s+([a-z]+)\b",
        )
        .expect("subject-verb regex")
    });
    const NOT_ACTIONS: &[&str] = &[
        "am",
        "are",
        "is",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "hope",
        "try",
        "tries",
        "think",
        "believe",
        "feel",
        "want",
        "wants",
        "aim",
        "aims",
        "wish",
        "expect",
        "strive",
        "understand",
        "know",
        "not",
        "never",
        "usually",
        "often",
        "sometimes",
        "generally",
        "normally",
        "really",
        "sincerely",
        "deeply",
        "truly",
        "apologize",
        "apologise",
        "thank",
        "sorry",
        "value",
        "care",
        "promise",
        "guarantee",
        "ensure",
        "make",
        "and",
        "or",
        "to",
        "who",
        "that",
        "which",
        "with",
        "for",
        "of",
    ];
    re.captures_iter(text).any(|c| {
        let w = c[1].to_ascii_lowercase();
        !NOT_ACTIONS.contains(&w.as_str())
    })
}

/// An inflected form of a one-word English action (ships, filed, replacing) in `span`.
fn english_action(doc: &Document, lx: &Lexicons, span: Span) -> bool {
    let text = span.slice(&doc.text);
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let verbs = lx.english_actions();
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 2)
        .map(str::to_ascii_lowercase)
        .any(|w| {
            let mut forms = vec![w.clone()];
            for suffix in ["s", "es", "ed", "d", "ing"] {
                if let Some(stem) = w.strip_suffix(suffix) {
                    forms.push(stem.to_string());
                    forms.push(format!("{stem}e"));
                    // shipped, shipping
                    let b = stem.as_bytes();
                    if b.len() > 2 && b[b.len() - 1] == b[b.len() - 2] {
                        forms.push(stem[..stem.len() - 1].to_string());
                    }
                }
            }
            forms.iter().any(|f| verbs.contains(f.as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocOptions, Document};

    fn parse(text: &str, markdown: bool) -> (Document, Script, std::sync::Arc<Lexicons>) {
        let lx = Lexicons::builtin();
        let doc = Document::build(
            text.to_string(),
            &lx,
            DocOptions {
                markdown,
                lang: None,
            },
        );
        let script = Script::parse(&doc, &lx);
        (doc, script, lx)
    }

    fn titles(doc: &Document, s: &Script) -> Vec<(String, SectionType)> {
        s.sections
            .iter()
            .map(|x| {
                (
                    x.title
                        .map(|t| t.slice(&doc.text).to_string())
                        .unwrap_or_default(),
                    x.kind,
                )
            })
            .collect()
    }

    #[test]
    fn plain_text_question_conventions_start_sections() {
        let text = "问：贵司的核心优势是什么？\n答：月产能3万件。\n\n问题2：买家投诉商品破损怎么办？\n我们24小时内补发。\n\nQ: How do you handle peak-season delays?\nA: We book space early.\n\n3. 你们如何应对清关查验？\n我们委托报关行处理。\n";
        let (doc, s, _) = parse(text, false);
        let t = titles(&doc, &s);
        assert_eq!(t.len(), 4, "{t:?}");
        assert_eq!(t[0].1, SectionType::CoreStrength);
        assert_eq!(t[1].1, SectionType::QualityComplaint);
        assert_eq!(t[2].1, SectionType::LogisticsDelay);
        assert_eq!(t[3].1, SectionType::Customs);
        // The label (问题2：) is not part of the question's text.
        assert_eq!(t[1].0, "买家投诉商品破损怎么办？");
        // Answer lines (答：, A:) never start a section; line numbers are 1-based.
        assert_eq!(s.sections[2].line, 7);
    }

    #[test]
    fn a_buyer_message_and_its_reply_form_a_section() {
        let text = "买家：收到的台灯灯罩碎了。\n客服：2小时内受理。\n\n买家：好的，谢谢。\n客服：不客气。\n";
        let (doc, s, _) = parse(text, false);
        let t = titles(&doc, &s);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].1, SectionType::QualityComplaint);
        // No complaint word: a thank-you is not an after-sales case.
        assert_eq!(t[1].1, SectionType::Other);
    }

    #[test]
    fn a_heading_of_several_sentences_is_one_question() {
        let text = "## A buyer complains that a lamp flickers. What do you do?\n\nWithin 2 hours we reply.\n";
        let (doc, s, _) = parse(text, true);
        let t = titles(&doc, &s);
        assert_eq!(t.len(), 1);
        assert!(
            t[0].0.starts_with("A buyer") && t[0].0.ends_with("do?"),
            "{t:?}"
        );
        assert_eq!(t[0].1, SectionType::QualityComplaint);
    }

    #[test]
    fn deadlines_are_normalised_to_hours() {
        assert_eq!(unit_hours("小时"), Some(1.0));
        assert_eq!(unit_hours("h"), Some(1.0));
        assert_eq!(unit_hours("个工作日"), Some(24.0));
        assert_eq!(unit_hours("business days"), Some(24.0));
        assert_eq!(unit_hours("分钟"), Some(1.0 / 60.0));
        assert_eq!(unit_hours("weeks"), Some(168.0));
        assert_eq!(unit_hours("件"), None);
        let text = "## 买家投诉破损怎么办？\n\n- 30分钟内客服回复，发送工单号\n- 次日补发，运单号同步给买家\n- 3个工作日内提交8D报告\n";
        let (doc, s, lx) = parse(text, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        let hours: Vec<f64> = st.iter().map(|x| x.deadline.unwrap().0).collect();
        assert_eq!(hours, vec![0.5, 24.0, 72.0]);
        assert!(st
            .iter()
            .all(|x| x.action && x.proof && x.vague_timing.is_none()));
    }

    #[test]
    fn steps_from_arrows_paragraphs_and_hedges() {
        let arrows = "## 客诉处理？\n\n2小时内受理并发送工单号 → 24小时内补发并同步运单号 -> 72小时内提交8D报告\n";
        let (doc, s, lx) = parse(arrows, true);
        assert_eq!(steps(&doc, &lx, &s.sections[0]).len(), 3);

        let para = "## How do you handle a complaint?\n\nWe have three tiers. First, within 2 hours an agent replies with a ticket number; then within 24 hours we ship a replacement and send the tracking number, and finally within 72 hours we file an 8D report.\n";
        let (doc, s, lx) = parse(para, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        assert_eq!(st.len(), 3, "{st:?}");
        assert!(st.iter().all(|x| x.deadline.is_some() && x.action));

        let hedged =
            "## 投诉怎么处理？\n\n1. 2小时内回复买家\n2. 之后安排补发\n3. 72小时左右出具报告\n";
        let (doc, s, lx) = parse(hedged, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        assert_eq!(st[1].deadline, None);
        assert_eq!(st[1].vague_timing.map(|v| v.slice(&doc.text)), Some("之后"));
        assert_eq!(st[2].vague_timing.map(|v| v.slice(&doc.text)), Some("左右"));
    }

    fn kinds(text: &str) -> Vec<SectionType> {
        let (_, s, _) = parse(text, true);
        s.sections.iter().map(|x| x.kind).collect()
    }

    #[test]
    fn buyer_messages_refund_demands_and_service_questions_are_typed_as_an_examiner_would() {
        // A buyer's message as the heading is a buyer's message, and a defect in it makes
        // it a complaint; a refund demanded over a defect is a complaint, not a returns
        // policy question.
        let text = "## 买家：杯子收到就裂了，要退钱\n\n非常抱歉，我们会尽快处理。\n\n## 买家说耳机没声音，要求退款，怎么处理？\n\n我们会处理。\n\n## Customer: The lamp arrived broken, I want my money back.\n\nSorry about that.\n";
        let (doc, s, _) = parse(text, true);
        assert!(s.sections[0].buyer && s.sections[2].buyer);
        assert!(!s.sections[1].buyer);
        assert_eq!(
            titles(&doc, &s).iter().map(|t| t.1).collect::<Vec<_>>(),
            vec![SectionType::QualityComplaint; 3]
        );
        // Service levels are not complaints, even beside a complaint word.
        let service = "## How fast do you respond to messages?\n\nWithin 2 hours.\n\n## 买家反映问题以后，你们一般多快给答复？\n\n2小时内。\n\n## 你们的售后团队有多少人？\n\n6人。\n";
        assert_eq!(kinds(service), vec![SectionType::Other; 3]);
        let (_, s, _) = parse(service, true);
        assert!(
            s.sections.iter().all(|x| x.typed),
            "service-level is a decision, not a guess"
        );
        // A returns-policy question stays returns; a question with no topic word is unsure.
        let policy = "## What is your return window?\n\n30 days.\n\n## 说说你们吧。\n\n好的。\n";
        let (_, s, _) = parse(policy, true);
        assert_eq!(s.sections[0].kind, SectionType::Returns);
        assert_eq!(s.sections[1].kind, SectionType::Other);
        assert!(s.sections[0].typed && !s.sections[1].typed);
    }

    fn tier_count(text: &str) -> (usize, usize) {
        let (doc, s, lx) = parse(text, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        (Step::tiers(&st).count(), st.len())
    }

    #[test]
    fn track_records_and_conditional_escalations_after_a_chain_are_not_tiers() {
        let zh = "## 买家投诉吹风机不出热风怎么办？\n\n第一步，1小时内客服道歉并登记工单。\n其次，48小时内寄出替换机，运单号同步到工单。\n最后，5个工作日内质检部拆机分析，出具8D报告。\n去年同类投诉6起，均在3天内结案，记录见工单系统。\n";
        assert_eq!(tier_count(zh), (3, 4));
        let zh_if = "## 买家投诉蜂蜜罐漏了怎么处理？\n\n2小时内回复买家并登记工单；24小时内全额退款，退款截图存档；7天内更换封口，作业指导书上传ERP。\n如果7天后仍有同类投诉，立即暂停发货。\n";
        assert_eq!(tier_count(zh_if).0, 3);
        let en = "## A buyer complains that the zipper broke. What do you do?\n\nWe contact the buyer within 2 hours and log a ticket. The replacement ships, or the refund is paid, within 3 days, and the confirmation is saved to the ticket. Within 14 days the supplier returns an 8D report.\n\nShould the report confirm a batch problem, we switch suppliers within 30 days.\n\nLast year we had 4 such complaints, all closed within 3 days.\n";
        let (doc, s, lx) = parse(en, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        let tiers: Vec<&Step> = Step::tiers(&st).collect();
        assert_eq!(tiers.len(), 3, "{st:?}");
        // The action written before its deadline belongs to the deadline's tier.
        assert!(tiers[1]
            .span
            .slice(&doc.text)
            .starts_with("The replacement ships"));
        assert!(tiers.iter().all(|t| t.action));
        // An alternative inside a tier (若…同样在48小时内) is no tier of its own.
        let alt = "## 买家：推车少了一个轮子\n\n第一步，1小时内登记工单。\n其次，48小时内补寄轮子，物流单号同步到工单；若您更希望退款，同样在48小时内原路退回。\n最后，7天内清点同批次库存，清点表存档。\n";
        assert_eq!(tier_count(alt).0, 3);
        // Without a complete chain before it, a fourth line with a deadline still counts.
        let short = "## 投诉怎么处理？\n\n- 2小时内回复买家\n- 24小时内补发\n";
        assert_eq!(tier_count(short), (2, 2));
    }

    #[test]
    fn verbs_no_list_knows_are_actions_by_their_role() {
        let en = "## Customer: the heater smells of burning.\n\n- Within 1 hour we calm the buyer down and log ticket HT-2201.\n- Within 24 hours our warehouse pauses shipments of the batch.\n- Within 7 days we photograph the new packing in the ERP.\n";
        let (doc, s, lx) = parse(en, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        assert_eq!(st.len(), 3);
        assert!(st.iter().all(|x| x.action), "{st:?}");
        // An intention is no action.
        let (doc, s, lx) = parse("## Customer: it broke.\n\n- Within 1 hour we hope things improve.\n- Within 2 days we try our best.\n", true);
        assert!(steps(&doc, &lx, &s.sections[0]).iter().all(|x| !x.action));
        let zh = "## 买家投诉加湿器漏水\n\n→ 1小时内：安抚买家情绪，登记工单\n→ 24小时内：冻结链接，暂停发货\n→ 7天内：完成复检，出具报告\n";
        let (doc, s, lx) = parse(zh, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        // One arrow per line: each line is a step.
        assert_eq!(st.len(), 3, "{st:?}");
        assert!(st.iter().all(|x| x.action && x.deadline.is_some()));
    }

    #[test]
    fn two_deadlines_joined_by_a_connective_are_two_steps() {
        let en = "## Customer: the scale shows the wrong weight.\n\nWe apologise to the customer within 1 hour and send a new scale within 2 days. Within 7 days we calibrate 20 scales from stock and file report SC-77.\n";
        let (doc, s, lx) = parse(en, true);
        let st = steps(&doc, &lx, &s.sections[0]);
        let hours: Vec<f64> = st.iter().filter_map(|x| x.deadline.map(|d| d.0)).collect();
        assert_eq!(hours, vec![1.0, 48.0, 168.0], "{st:?}");
        assert!(st[1].span.slice(&doc.text).contains("send a new scale"));
        let zh = "## 买家投诉杯子漏水\n\n1小时内联系买家并在24小时内补发新杯，7天内完成抽检并出具报告。\n";
        let (doc, s, lx) = parse(zh, true);
        assert_eq!(steps(&doc, &lx, &s.sections[0]).len(), 3);
        // A range is one deadline, not two steps.
        let range = "## 投诉怎么处理？\n\n- 2小时内回复\n- 24至48小时内补发\n- 7天内复盘\n";
        assert_eq!(tier_count(range).0, 3);
    }
}
