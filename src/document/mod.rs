//! The document: text → sentences, tokens, figures, lexicon matches and evidence, built
//! once and shared, read-only, by every rule.

pub mod act;
pub mod clauses;
pub mod figures;
pub mod hedges;
pub mod lang;
pub mod line_index;
pub mod placeholder;
pub mod sentence;
pub mod suppress;
pub mod tokens;

use std::ops::Range;

pub use act::Act;
pub use figures::{Figure, FigureKind, NonFigure, NonFigureKind};
pub use hedges::hedged;
pub use lang::Lang;
pub use line_index::{LineIndex, Position};
pub use placeholder::{has_placeholder, placeholder_re};
pub use sentence::BlockKind;
pub use suppress::Suppressions;
pub use tokens::{Pos, Token};

use crate::lexicon::{Entry, Lexicons, List, RawMatch};
use crate::Span;
use sentence::is_han;

/// A phrase from a lexicon found on token boundaries inside one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexMatch {
    pub list: List,
    pub entry: u32,
    pub span: Span,
    pub sentence: u32,
}

/// What a sentence offers as evidence for its figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// A specific, checkable artifact (报关单, a contract number with its id...).
    pub specific: Option<Span>,
    /// A generic source that does not count (据内部统计, "studies show"): its entry.
    pub generic: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub span: Span,
    pub kind: BlockKind,
    pub block: usize,
    /// Heading level for headings, else 0.
    pub level: u8,
    pub lang: Lang,
    pub tokens: Range<usize>,
    pub figures: Range<usize>,
    pub non_figures: Range<usize>,
    pub matches: Range<usize>,
    pub evidence: Evidence,
    pub has_benchmark: bool,
    /// Whether the sentence has any quotation mark (most do not; see [`is_quoted`]).
    pub has_quotes: bool,
    /// What the sentence does, from its context markers ([`act::lexicon_act`]); the
    /// sentence model may refine it (`rules::Context::act`).
    pub act: Act,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocOptions {
    /// Markdown (comments are `<!-- -->`) or plain text (`#` / `//` directives).
    pub markdown: bool,
    /// Force every sentence to one language (`--lang zh|en`).
    pub lang: Option<Lang>,
}

impl Default for DocOptions {
    fn default() -> Self {
        DocOptions {
            markdown: true,
            lang: None,
        }
    }
}

#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub line_index: LineIndex,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    pub figures: Vec<Figure>,
    pub non_figures: Vec<NonFigure>,
    pub matches: Vec<LexMatch>,
    pub suppressions: Suppressions,
    /// Comments and directives, not part of any sentence.
    pub hidden: Vec<Span>,
    /// Sorted token boundaries inside text with Han characters.
    boundaries: Vec<usize>,
    /// The first sentence that is a list item (for the file's list style).
    pub first_list_item: Option<usize>,
    /// Measure words (`measure-word.tsv`), longest first: after a Chinese numeral one
    /// still starts a word.
    measure_words: Vec<String>,
    /// Clause breaks of every sentence, found once ([`clauses`]).
    breaks: clauses::Breaks,
    /// The matches of the context list (markers of requests, courtesy, advice...).
    context: Vec<LexMatch>,
    /// The same markers by act, for the checks made per finding.
    markers: act::MarkerIndex,
}

impl Document {
    pub fn build(text: String, lexicons: &Lexicons, opts: DocOptions) -> Document {
        let line_index = LineIndex::new(&text);
        let (hidden, suppressions) = suppress::parse(&text, opts.markdown);
        let raw = sentence::split(&text, &hidden, lexicons);
        let mut doc = Document {
            line_index,
            sentences: Vec::with_capacity(raw.len()),
            tokens: Vec::new(),
            figures: Vec::new(),
            non_figures: Vec::new(),
            matches: Vec::new(),
            suppressions,
            hidden,
            boundaries: Vec::new(),
            first_list_item: raw.iter().position(|r| r.kind == BlockKind::ListItem),
            measure_words: lexicons.word_forms(List::MeasureWord).to_vec(),
            breaks: clauses::Breaks::default(),
            context: Vec::new(),
            markers: act::MarkerIndex::default(),
            text,
        };
        // The document's language, for sentences with neither Han nor Latin letters;
        // computed only when such a sentence occurs.
        let doc_lang = std::cell::OnceCell::new();
        for r in &raw {
            let s = r.span.slice(&doc.text);
            let has_han = s.chars().any(is_han);
            let lang = opts.lang.unwrap_or_else(|| {
                lang::detect_opt(s).unwrap_or_else(|| {
                    *doc_lang.get_or_init(|| match lang::detect(&doc.text, Lang::Zh) {
                        Lang::Mixed => Lang::Zh,
                        l => l,
                    })
                })
            });
            doc.breaks.scan(&doc.text, r.span);
            let t0 = doc.tokens.len();
            tokens::tokenize(&doc.text, r.span, has_han, &mut doc.tokens);
            if has_han {
                for t in &doc.tokens[t0..] {
                    doc.boundaries.push(t.span.start);
                    doc.boundaries.push(t.span.end);
                }
            }
            let f0 = doc.figures.len();
            let n0 = doc.non_figures.len();
            figures::scan(
                &doc.text,
                r.span,
                lexicons,
                &mut doc.figures,
                &mut doc.non_figures,
            );
            doc.sentences.push(Sentence {
                span: r.span,
                kind: r.kind,
                block: r.block,
                level: r.level,
                lang,
                tokens: t0..doc.tokens.len(),
                figures: f0..doc.figures.len(),
                non_figures: n0..doc.non_figures.len(),
                matches: 0..0,
                evidence: Evidence::default(),
                has_benchmark: false,
                has_quotes: s.contains(['“', '「', '『', '‘', '《', '"']),
                act: Act::Other,
            });
        }
        doc.boundaries.sort_unstable();
        doc.boundaries.dedup();
        doc.find_matches(lexicons);
        doc.markers = act::MarkerIndex::build(&doc.matches, lexicons);
        doc.find_evidence(lexicons);
        for si in 0..doc.sentences.len() {
            doc.sentences[si].act = act::lexicon_act(&doc, lexicons, si);
        }
        doc
    }

    /// Lexicon matches: on token boundaries, inside one sentence, in a language the
    /// sentence has, with exceptions and shorter overlapped matches of the same list removed.
    fn find_matches(&mut self, lexicons: &Lexicons) {
        let mut raw: Vec<RawMatch> = Vec::new();
        lexicons.find_all(&self.text, &mut raw);
        raw.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        let mut si = 0usize;
        let mut kept: Vec<LexMatch> = Vec::new();
        for m in raw {
            while si < self.sentences.len() && self.sentences[si].span.end <= m.start {
                si += 1;
            }
            let Some(s) = self.sentences.get(si) else {
                break;
            };
            if m.start < s.span.start || m.end > s.span.end {
                continue;
            }
            let e = lexicons.entry(m.entry);
            if !s.lang.includes(e.lang)
                && (e.lang != Lang::En || !contains_latin(&self.text[m.start..m.end]))
            {
                continue;
            }
            // Names, evidence words, plan claims and the structure lists (topics, coverage,
            // actions: 头程, 差评, 补寄, often missing from the trimmed dictionary) are
            // specific, and jieba often
            // glues an unknown neighbour to them (物流商为云途 → 商为): no boundary check
            // for their Chinese forms. Exceptions need only their start on a boundary, so
            // that 及时率 still covers 及时 in 及时率为98%.
            // Any Chinese phrase of three characters or more is specific enough as well.
            let n = e.phrase.chars().count();
            let relaxed = e.lang == Lang::Zh
                && (n >= 3
                    || (n >= 2
                        && matches!(
                            e.list,
                            List::Entities
                                | List::Evidence
                                | List::Plan
                                | List::Benchmark
                                | List::Topics
                                | List::Coverage
                                | List::Actions
                        )));
            // Names and acronyms (DHL, CE, REACH) are written with a capital: "reach" is a verb.
            if e.list == List::Entities
                && e.phrase.is_ascii()
                && !self.text[m.start..m.end]
                    .starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
            {
                continue;
            }
            if !relaxed
                && (!self.is_boundary(m.start) || (!e.is_exception() && !self.is_boundary(m.end)))
            {
                continue;
            }
            kept.push(LexMatch {
                list: e.list,
                entry: m.entry,
                span: Span::new(m.start, m.end),
                sentence: si as u32,
            });
        }
        // Drop matches covered by an exception or by a longer match of the same list (of
        // two equal matches, the later one). `kept` is sorted by start, longest first, so
        // every match before `m` starts at or before it: one of the same list covers `m`
        // exactly when the furthest end among them reaches `m`'s end. After `m`, only an
        // exception with `m`'s very span covers it. One pass, however many matches a long
        // sentence holds.
        let mut out: Vec<LexMatch> = Vec::with_capacity(kept.len());
        let mut furthest: Vec<(List, u32, usize)> = Vec::new();
        for (i, m) in kept.iter().enumerate() {
            let reach = match furthest.iter_mut().find(|f| f.0 == m.list) {
                Some(f) => {
                    if f.1 != m.sentence {
                        *f = (m.list, m.sentence, 0);
                    }
                    f
                }
                None => {
                    furthest.push((m.list, m.sentence, 0));
                    furthest.last_mut().expect("just pushed")
                }
            };
            let covered_before = reach.2 >= m.span.end;
            reach.2 = reach.2.max(m.span.end);
            let covered_after = || {
                kept[i + 1..]
                    .iter()
                    .take_while(|o| o.span.start == m.span.start && o.sentence == m.sentence)
                    .any(|o| {
                        o.list == m.list
                            && o.span == m.span
                            && lexicons.entry(o.entry).is_exception()
                    })
            };
            if !covered_before && !covered_after() && !lexicons.entry(m.entry).is_exception() {
                out.push(*m);
            }
        }
        let mut start = 0;
        for (si, s) in self.sentences.iter_mut().enumerate() {
            let end = start
                + out[start..]
                    .iter()
                    .take_while(|m| m.sentence as usize == si)
                    .count();
            s.matches = start..end;
            start = end;
        }
        self.context = out
            .iter()
            .filter(|m| m.list == List::Context)
            .copied()
            .collect();
        self.matches = out;
    }

    fn find_evidence(&mut self, lexicons: &Lexicons) {
        for si in 0..self.sentences.len() {
            let mut ev = Evidence::default();
            let mut bench = false;
            for m in &self.matches[self.sentences[si].matches.clone()] {
                let e = lexicons.entry(m.entry);
                match (m.list, e.category.as_str()) {
                    (List::Evidence, "artifact" | "attached") => {
                        ev.specific.get_or_insert(m.span);
                    }
                    (List::Evidence, "needs-id")
                        if self.identifier_near(si, m.span.end, IDENTIFIER_REACH) =>
                    {
                        ev.specific.get_or_insert(m.span);
                    }
                    (List::Evidence, "generic") => {
                        ev.generic.get_or_insert(m.entry);
                    }
                    (List::Evidence, "source-lead") if ev.specific.is_none() => {
                        ev.specific = self.source_clause(si, m, lexicons);
                    }
                    (List::Benchmark, _) => bench = true,
                    _ => {}
                }
            }
            // A breakdown of the previous sentence (其中空气炸锅占46%, "Of these, 29 are
            // certified") shares its named source, within one paragraph.
            if ev.specific.is_none() && si > 0 && self.continues_previous(si, lexicons) {
                ev.specific = self.sentences[si - 1].evidence.specific;
            }
            self.sentences[si].evidence = ev;
            self.sentences[si].has_benchmark = bench;
        }
    }

    /// Whether sentence `si` opens with a `source-continuation` word (其中, "Of these") and
    /// the sentence before it is in the same block.
    fn continues_previous(&self, si: usize, lexicons: &Lexicons) -> bool {
        let s = &self.sentences[si];
        if self.sentences[si - 1].block != s.block {
            return false;
        }
        let lead = s.span.start
            + (s.span.slice(&self.text).len() - s.span.slice(&self.text).trim_start().len());
        self.sentence_matches(si).iter().any(|m| {
            m.list == List::Evidence
                && m.span.start == lead
                && lexicons.entry(m.entry).category == "source-continuation"
        })
    }

    /// A source clause led by `lead` (according to / based on / see / 根据 / 来自 / 见...):
    /// its span when a record or system noun (`source-noun`: dashboard, report, 后台,
    /// 报表...) follows within [`SOURCE_REACH`] with no clause break between. In English
    /// the words between must name which one (last month's Zendesk dashboard, the Q3
    /// returns report): "the system" or "our report" alone names nothing.
    fn source_clause(&self, si: usize, lead: &LexMatch, lexicons: &Lexicons) -> Option<Span> {
        let lang = self.sentences[si].lang;
        self.sentence_matches(si)
            .iter()
            .filter(|n| {
                n.list == List::Evidence
                    && n.span.start >= lead.span.end
                    && matches!(
                        lexicons.entry(n.entry).category.as_str(),
                        "source-noun" | "needs-id"
                    )
            })
            .find(|n| {
                let gap = &self.text[lead.span.end..n.span.start];
                SOURCE_REACH.covers(&self.text, lead.span.end, n.span.start, lang)
                    && !gap.contains(|c: char| {
                        matches!(
                            c,
                            '，' | ',' | '。' | '；' | ';' | '：' | ':' | '.' | '!' | '?'
                        )
                    })
                    && (lang != Lang::En
                        || gap
                            .split(|c: char| !c.is_alphanumeric() && c != '\'')
                            .any(|w| {
                                !w.is_empty()
                                    && !NAMES_NO_SOURCE.contains(&w.to_ascii_lowercase().as_str())
                            }))
            })
            .map(|n| Span::new(lead.span.start, n.span.end))
    }

    /// Whether an identifier (contract or certificate number, 附件3, Appendix 4) starts
    /// within `window` after `from` in sentence `si` (measured in the sentence's language).
    pub fn identifier_near(&self, si: usize, from: usize, window: Window) -> bool {
        let lang = self.sentences[si].lang;
        self.non_figures[self.sentences[si].non_figures.clone()]
            .iter()
            .any(|n| {
                n.kind == NonFigureKind::Identifier
                    && n.span.end > from
                    && (n.span.start <= from || window.covers(&self.text, from, n.span.start, lang))
            })
    }

    /// The dates, clock times, phone numbers, identifiers... of sentence `si`.
    pub fn sentence_non_figures(&self, si: usize) -> &[NonFigure] {
        &self.non_figures[self.sentences[si].non_figures.clone()]
    }

    /// Whether sentence `si` has an identifier anywhere.
    pub fn has_identifier(&self, si: usize) -> bool {
        self.non_figures[self.sentences[si].non_figures.clone()]
            .iter()
            .any(|n| n.kind == NonFigureKind::Identifier)
    }

    /// Whether `offset` is a word boundary: between two Han characters it must be a jieba
    /// token boundary; between two ASCII alphanumerics it never is; elsewhere it is.
    pub fn is_boundary(&self, offset: usize) -> bool {
        let before = self.text[..offset].chars().next_back();
        let after = self.text[offset..].chars().next();
        match (before, after) {
            (Some(b), Some(a)) if is_han(b) && is_han(a) => {
                self.boundaries.binary_search(&offset).is_ok()
                    // jieba keeps numeral + measure word together (几十家): the measure
                    // word still starts a word.
                    || (figures::is_cn_numeral(b) && self.is_measure_word(offset))
            }
            (Some(b), Some(a)) => !(is_word_char(b) && is_word_char(a)),
            _ => true,
        }
    }

    /// Whether a measure word (`measure-word.tsv`) starts at `offset`.
    fn is_measure_word(&self, offset: usize) -> bool {
        let rest = &self.text[offset..];
        self.measure_words
            .iter()
            .any(|w| rest.starts_with(w.as_str()))
    }

    pub fn sentence_text(&self, si: usize) -> &str {
        self.sentences[si].span.slice(&self.text)
    }

    pub fn sentence_matches(&self, si: usize) -> &[LexMatch] {
        &self.matches[self.sentences[si].matches.clone()]
    }

    /// The context-list matches of sentence `si` (those of [`Self::sentence_matches`]
    /// whose list is [`List::Context`]).
    pub fn sentence_context(&self, si: usize) -> &[LexMatch] {
        let si = si as u32;
        let a = self.context.partition_point(|m| m.sentence < si);
        let b = self.context.partition_point(|m| m.sentence <= si);
        &self.context[a..b]
    }

    pub fn sentence_figures(&self, si: usize) -> &[Figure] {
        &self.figures[self.sentences[si].figures.clone()]
    }

    /// The clause of sentence `si` around byte `at` that vague-commitment rewrites: from
    /// the previous clause punctuation to the next ([`clauses::Breaks::commitment`]),
    /// whitespace trimmed. A binary search over the breaks found when the document was built.
    pub fn clause_of(&self, si: usize, at: usize) -> Span {
        let s = self.sentences[si].span;
        let c = clauses::around(clauses::within(&self.breaks.commitment, s), s, at);
        let slice = c.slice(&self.text);
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        Span::new(c.start + lead, (c.end - trail).max(c.start + lead))
    }

    /// The comma-delimited clause of sentence `si` around byte `at`
    /// ([`clauses::Breaks::comma`]), not trimmed.
    pub fn comma_clause(&self, si: usize, at: usize) -> Span {
        let s = self.sentences[si].span;
        clauses::around(clauses::within(&self.breaks.comma, s), s, at)
    }

    /// The context markers of the document by act.
    pub fn markers(&self) -> &act::MarkerIndex {
        &self.markers
    }

    /// The English conjunctions ([`clauses::CONJUNCTIONS`]) in sentence `si`, in order.
    pub fn conjunctions(&self, si: usize) -> &[Span] {
        clauses::within(&self.breaks.conjunctions, self.sentences[si].span)
    }

    /// Whether `clause` (inside one sentence) holds a deadline or action placeholder, as a
    /// clause that vague-commitment's fix rewrote does.
    pub fn holds_frame_placeholder(&self, clause: Span) -> bool {
        clauses::within(&self.breaks.frames, clause)
            .iter()
            .any(|f| f.end <= clause.end)
    }

    pub fn sentence_tokens(&self, si: usize) -> &[Token] {
        &self.tokens[self.sentences[si].tokens.clone()]
    }

    /// The reason, if any, why a phrase at `span` in sentence `si` is not the writer's own
    /// commitment: it is quoted, it follows advice about phrases (不要说, avoid saying), it
    /// is part of a request to the other party (请您, please, 随时联系我们) in the same
    /// clause, or its clause is courtesy, a question, an instruction or its sentence a
    /// live-chat hold ([`act::clause_act`]).
    pub fn cancel_reason(&self, si: usize, span: Span) -> Option<Cancel> {
        let s = &self.sentences[si];
        if s.has_quotes && is_quoted(&self.text, s.span, span) {
            return Some(Cancel::Quoted);
        }
        // The first of: advice anywhere before the phrase in its sentence, a request
        // before it in its clause.
        let clause_start = self.comma_clause(si, span.start).start;
        let advice = act::first_in(&self.markers.reported, s.span.start, span.start);
        let request = act::first_in(&self.markers.request, clause_start, span.start);
        let order = |m: Span| (m.start, std::cmp::Reverse(m.end));
        match (advice, request) {
            (Some(a), Some(r)) if order(r) < order(a) => return Some(Cancel::Request),
            (Some(_), _) => return Some(Cancel::Advice),
            (None, Some(_)) => return Some(Cancel::Request),
            (None, None) => {}
        }
        match act::clause_act(self, si, span)? {
            Act::Request => Some(Cancel::Request),
            Act::Courtesy => Some(Cancel::Courtesy),
            Act::Question => Some(Cancel::Question),
            Act::Instruction => Some(Cancel::Instruction),
            Act::Hold => Some(Cancel::Hold),
            _ => None,
        }
    }

    pub fn entry<'a>(&self, lexicons: &'a Lexicons, m: &LexMatch) -> &'a Entry {
        lexicons.entry(m.entry)
    }
}

/// Why a lexicon hit does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    Quoted,
    Advice,
    Request,
    /// Thanks, an apology, a greeting (感谢您的耐心, "sorry for the wait").
    Courtesy,
    /// A question to the reader inside a statement (请问, "could you tell me").
    Question,
    /// A step for the reader to follow (长按, "tap").
    Instruction,
    /// A live-chat hold (稍等, "one moment").
    Hold,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn contains_latin(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Start of the clause (after the last ，,;：: before `at`) within a sentence.
pub fn clause_start(text: &str, sentence_start: usize, at: usize) -> usize {
    text[sentence_start..at]
        .char_indices()
        .filter(|(_, c)| matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '、'))
        .map(|(i, c)| sentence_start + i + c.len_utf8())
        .next_back()
        .unwrap_or(sentence_start)
}

/// Whether `span` lies inside a pair of quotation marks within the sentence.
fn is_quoted(text: &str, sentence: Span, span: Span) -> bool {
    let before = &text[sentence.start..span.start];
    let after = &text[span.end..sentence.end];
    for (open, close) in [
        ('“', '”'),
        ('「', '」'),
        ('『', '』'),
        ('‘', '’'),
        ('《', '》'),
    ] {
        let opened = before.rfind(open);
        let closed_before = before.rfind(close);
        if let Some(o) = opened {
            if closed_before.is_none_or(|c| c < o) && after.contains(close) {
                return true;
            }
        }
    }
    // Straight quotes: an odd number before and at least one after.
    let n = before.matches('"').count();
    n % 2 == 1 && after.contains('"')
}

/// How far an evidence phrase that needs an identifier (合同编号, "order number") may be
/// from it.
pub const IDENTIFIER_REACH: Window = Window::new(40, 14);
/// Words between a source lead and its noun that do not say which record it is
/// (according to *our internal* system): determiners and possessives.
const NAMES_NO_SOURCE: &[&str] = &[
    "the",
    "a",
    "an",
    "our",
    "my",
    "your",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "internal",
    "own",
    "company",
    "company's",
    "we",
    "us",
];
/// Largest gap between a source clause's lead (according to, 根据) and its record noun.
pub const SOURCE_REACH: Window = Window::new(48, 16);

/// A window meant to cover a few words, counted in characters: `en` for English text,
/// `zh` for Chinese and mixed text. Characters, not bytes, so that a space, a digit or a
/// Latin letter inside a Chinese sentence (大概 3 天) weighs as much as a Han character;
/// and a count per language because a Chinese word is one or two characters where an
/// English one is about six with its space. (The Chinese counts are the byte windows these
/// replace divided by three: the same reach over Han text.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub en: usize,
    pub zh: usize,
}

impl Window {
    pub const fn new(en: usize, zh: usize) -> Window {
        Window { en, zh }
    }

    /// The reach in characters for text in `lang`.
    pub fn chars(self, lang: Lang) -> usize {
        if lang == Lang::En {
            self.en
        } else {
            self.zh
        }
    }

    /// Whether `text[from..to]` fits in the window (`from <= to`).
    pub fn covers(self, text: &str, from: usize, to: usize, lang: Lang) -> bool {
        let limit = self.chars(lang);
        from <= to && text[from..to].chars().take(limit + 1).count() <= limit
    }
}

/// Whether a sentence is answer text a rule should judge: not a heading (the question)
/// and not itself a question.
pub fn is_statement(doc: &Document, si: usize) -> bool {
    let s = &doc.sentences[si];
    if s.kind == BlockKind::Heading {
        return false;
    }
    let t = doc
        .sentence_text(si)
        .trim_end_matches(['”', '"', '）', ')', '」']);
    !(t.ends_with('？') || t.ends_with('?'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_characters_per_language() {
        let w = Window::new(11, 4);
        // Four Han characters fit the Chinese reach; a fifth does not.
        let t = "并且要在24";
        assert!(w.covers(t, 0, "并且要在".len(), Lang::Zh));
        assert!(!w.covers("并且马上要在", 0, "并且马上要在".len(), Lang::Zh));
        // A space or a digit weighs one character, as a Han character does.
        assert!(w.covers("在 2 天", 0, "在 2 ".len(), Lang::Zh));
        // English counts its own characters.
        assert!(w.covers("and within 24", 0, "and within ".len(), Lang::En));
        assert!(!w.covers("and then within 24", 0, "and then within ".len(), Lang::En));
        assert!(!w.covers("abc", 2, 1, Lang::En));
    }

    fn doc(text: &str) -> Document {
        Document::build(
            text.to_string(),
            &Lexicons::builtin(),
            DocOptions::default(),
        )
    }

    #[test]
    fn builds_sentences_with_languages() {
        let d = doc("## 优势\n\n我们的退货率1.2%。We ship within 24 hours.\n");
        let langs: Vec<Lang> = d.sentences.iter().map(|s| s.lang).collect();
        assert_eq!(langs, vec![Lang::Zh, Lang::Zh, Lang::En]);
        assert_eq!(d.sentences[0].kind, BlockKind::Heading);
        assert_eq!(d.sentence_figures(1).len(), 1);
    }

    #[test]
    fn boundaries() {
        let d = doc("我们会尽力解决");
        let at = d.text.find("尽力").unwrap();
        assert!(d.is_boundary(at));
        assert!(d.is_boundary(at + "尽力".len()));
        let d = doc("the asap-ness of it; asapx");
        assert!(d.is_boundary(d.text.find("asap").unwrap()));
        assert!(!d.is_boundary(d.text.find("asapx").unwrap() + 4));
    }

    #[test]
    fn quoted() {
        let t = "不要说“尽快处理”这种话";
        let s = Span::new(0, t.len());
        let at = t.find("尽快").unwrap();
        assert!(is_quoted(t, s, Span::new(at, at + 6)));
        let t = "我们尽快处理";
        assert!(!is_quoted(t, Span::new(0, t.len()), Span::new(6, 12)));
    }
}
