//! Lexicons: phrase lists from `lexicons/<lang>/<list>.tsv`, embedded at build time and
//! compiled once into a single Aho-Corasick automaton, so that a document is scanned once
//! for every phrase of every list and language.

use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::lang::Lang;

/// The phrase lists. The order is the order of the files in the table of
/// `lexicons/FORMAT.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    VagueCommitment,
    Hedge,
    VagueQuantity,
    UnverifiableClaim,
    Evidence,
    Benchmark,
    Plan,
    Entities,
    Context,
    Topics,
    Coverage,
    Actions,
    /// Word lists (see [`List::is_word_list`]) from here on.
    Sequence,
    VagueTiming,
    WordDeadline,
    Negation,
    SafetyStock,
    Modal,
    ClauseVerb,
    GenericAction,
    Filler,
    EffortVerb,
    DeadlineVerb,
    DeadlineMark,
    DeadlineLead,
    Unit,
    NonAction,
    LowerBound,
    RatingWord,
    SpeakerLabel,
    MeasureWord,
    CertifiedMark,
    DeadlineHedge,
    ChainExtra,
    PriceWord,
    Courtesy,
}

impl List {
    pub const ALL: [List; 36] = [
        List::VagueCommitment,
        List::Hedge,
        List::VagueQuantity,
        List::UnverifiableClaim,
        List::Evidence,
        List::Benchmark,
        List::Plan,
        List::Entities,
        List::Context,
        List::Topics,
        List::Coverage,
        List::Actions,
        List::Sequence,
        List::VagueTiming,
        List::WordDeadline,
        List::Negation,
        List::SafetyStock,
        List::Modal,
        List::ClauseVerb,
        List::GenericAction,
        List::Filler,
        List::EffortVerb,
        List::DeadlineVerb,
        List::DeadlineMark,
        List::DeadlineLead,
        List::Unit,
        List::NonAction,
        List::LowerBound,
        List::RatingWord,
        List::SpeakerLabel,
        List::MeasureWord,
        List::CertifiedMark,
        List::DeadlineHedge,
        List::ChainExtra,
        List::PriceWord,
        List::Courtesy,
    ];

    /// A word list: read by one piece of code with its own matching (a prefix, a word
    /// automaton, a clause test), not scanned for in every document, so never among
    /// a document's lexicon matches. Same files, same checks, same
    /// `add`/`except` in answerlint.toml as the phrase lists.
    pub fn is_word_list(self) -> bool {
        self >= List::Sequence
    }

    /// The file stem, also the key used in `answerlint.toml`.
    pub fn name(self) -> &'static str {
        match self {
            List::VagueCommitment => "vague-commitment",
            List::Hedge => "hedge",
            List::VagueQuantity => "vague-quantity",
            List::UnverifiableClaim => "unverifiable-claim",
            List::Evidence => "evidence",
            List::Benchmark => "benchmark",
            List::Plan => "plan",
            List::Entities => "entities",
            List::Context => "context",
            List::Topics => "topics",
            List::Coverage => "coverage",
            List::Actions => "actions",
            List::Sequence => "sequence",
            List::VagueTiming => "vague-timing",
            List::WordDeadline => "word-deadline",
            List::Negation => "negation",
            List::SafetyStock => "safety-stock",
            List::Modal => "modal",
            List::ClauseVerb => "clause-verb",
            List::GenericAction => "generic-action",
            List::Filler => "filler",
            List::EffortVerb => "effort-verb",
            List::DeadlineVerb => "deadline-verb",
            List::DeadlineMark => "deadline-mark",
            List::DeadlineLead => "deadline-lead",
            List::Unit => "unit",
            List::NonAction => "non-action",
            List::LowerBound => "lower-bound",
            List::RatingWord => "rating-word",
            List::SpeakerLabel => "speaker-label",
            List::MeasureWord => "measure-word",
            List::CertifiedMark => "certified-mark",
            List::DeadlineHedge => "deadline-hedge",
            List::ChainExtra => "chain-extra",
            List::PriceWord => "price-word",
            List::Courtesy => "courtesy",
        }
    }

    pub fn from_name(name: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Categories allowed in this list's files.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            List::VagueCommitment => &[
                "effort",
                "speed",
                "intent",
                "cooperation",
                "reassurance",
                "deferral",
                "exception",
            ],
            List::Hedge => &["before", "after", "bound", "exception"],
            List::VagueQuantity => &["amount", "quantifier", "exception"],
            List::UnverifiableClaim => &["superlative", "guarantee", "absolute", "exception"],
            List::Evidence => &[
                "artifact",
                "needs-id",
                "generic",
                "source-lead",
                "source-noun",
                "source-continuation",
                "attached",
            ],
            List::Benchmark => &["benchmark"],
            List::Plan => &[
                "contract",
                "carrier",
                "warehouse",
                "certificate",
                "contract-noun",
                "carrier-noun",
                "warehouse-noun",
                "certificate-noun",
                "frame",
            ],
            List::Entities => &[
                "carrier",
                "warehouse",
                "platform",
                "certification",
                "location",
            ],
            List::Context => &[
                "advice",
                "request",
                "quote-intro",
                "courtesy",
                "question",
                "instruction",
                "hold",
                "commitment",
            ],
            List::Topics => &[
                "core-strength",
                "logistics-delay",
                "quality-complaint",
                "supply-chain",
                "compliance",
                "brand-ip",
                "returns",
                "customs",
                "service",
                "logistics",
            ],
            List::Coverage => &[
                "sc-footage",
                "sc-sku",
                "sc-capacity",
                "sc-oem",
                "sc-licence",
                "sc-authorisation",
                "op-first-leg",
                "op-clearance",
                "op-overseas-warehouse",
                "op-returns",
                "co-epr",
                "co-fda",
                "co-certification",
                "co-prohibited",
                "br-trademark",
                "br-site",
                "br-invoice",
                "br-scope",
                "br-iso",
            ],
            List::Actions => &["action"],
            List::Sequence => &["sequence"],
            List::VagueTiming => &["timing", "immediate"],
            List::WordDeadline => &["same-day", "next-day"],
            List::Negation => &["negation"],
            List::SafetyStock => &["stock"],
            List::Modal => &["modal"],
            List::ClauseVerb => &["verb"],
            List::GenericAction => &["generic"],
            List::Filler => &["filler"],
            List::EffortVerb => &["verb"],
            List::DeadlineVerb => &["verb"],
            List::DeadlineMark => &["mark"],
            List::DeadlineLead => &["lead", "date-lead"],
            List::Unit => &[
                "percent", "money", "duration", "rating", "count", "measure", "not-unit",
            ],
            List::NonAction => &["auxiliary", "general"],
            List::LowerBound => &["lower-bound"],
            List::RatingWord => &["rating"],
            List::SpeakerLabel => &["question", "answer", "buyer", "seller", "examiner"],
            List::MeasureWord => &["measure"],
            List::CertifiedMark => &["mark"],
            List::DeadlineHedge => &["hedge"],
            List::ChainExtra => &["record", "condition"],
            List::PriceWord => &["price", "target"],
            List::Courtesy => &["apology", "thanks"],
        }
    }

    /// A list whose order is its file's order (not sorted): code that applies its
    /// words one after another, where an earlier word changes what a later one sees.
    /// Its entries are read in file order, zh before en, `add`ed words last.
    pub fn keeps_file_order(self) -> bool {
        matches!(self, List::DeadlineHedge)
    }

    /// The category given to phrases a user adds in `answerlint.toml`.
    pub fn default_category(self) -> &'static str {
        self.categories()[0]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub list: List,
    pub lang: Lang,
    pub phrase: String,
    pub category: String,
    pub note: String,
}

impl Entry {
    pub fn is_exception(&self) -> bool {
        self.category == "exception"
    }
}

macro_rules! embedded {
    ($($lang:literal / $name:literal),* $(,)?) => {
        &[$(($lang, $name, include_str!(concat!("../../lexicons/", $lang, "/", $name, ".tsv")))),*]
    };
}

/// (language, list, contents) of every embedded file.
pub static EMBEDDED: &[(&str, &str, &str)] = embedded!(
    "zh" / "vague-commitment",
    "zh" / "hedge",
    "zh" / "vague-quantity",
    "zh" / "unverifiable-claim",
    "zh" / "evidence",
    "zh" / "benchmark",
    "zh" / "plan",
    "zh" / "entities",
    "zh" / "context",
    "zh" / "topics",
    "zh" / "coverage",
    "zh" / "actions",
    "zh" / "sequence",
    "zh" / "vague-timing",
    "zh" / "word-deadline",
    "zh" / "negation",
    "zh" / "safety-stock",
    "zh" / "modal",
    "zh" / "clause-verb",
    "zh" / "generic-action",
    "zh" / "filler",
    "zh" / "deadline-verb",
    "zh" / "deadline-mark",
    "zh" / "deadline-lead",
    "zh" / "unit",
    "zh" / "non-action",
    "zh" / "lower-bound",
    "zh" / "rating-word",
    "zh" / "speaker-label",
    "zh" / "measure-word",
    "zh" / "certified-mark",
    "zh" / "deadline-hedge",
    "zh" / "chain-extra",
    "zh" / "price-word",
    "zh" / "courtesy",
    "en" / "vague-commitment",
    "en" / "hedge",
    "en" / "vague-quantity",
    "en" / "unverifiable-claim",
    "en" / "evidence",
    "en" / "benchmark",
    "en" / "plan",
    "en" / "entities",
    "en" / "context",
    "en" / "topics",
    "en" / "coverage",
    "en" / "actions",
    "en" / "sequence",
    "en" / "vague-timing",
    "en" / "word-deadline",
    "en" / "negation",
    "en" / "safety-stock",
    "en" / "modal",
    "en" / "filler",
    "en" / "effort-verb",
    "en" / "deadline-verb",
    "en" / "deadline-lead",
    "en" / "unit",
    "en" / "lower-bound",
    "en" / "rating-word",
    "en" / "speaker-label",
    "en" / "certified-mark",
    "en" / "deadline-hedge",
    "en" / "chain-extra",
    "en" / "price-word",
    "en" / "courtesy",
);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parses one lexicon file.
pub fn parse(file: &str, lang: Lang, list: List, text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let err = |message: String| ParseError {
            file: file.to_string(),
            line: n + 1,
            message,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 3 {
            return Err(err(format!(
                "expected 3 tab-separated columns, found {}",
                cols.len()
            )));
        }
        if cols.iter().any(|c| c.trim().is_empty()) {
            return Err(err("empty column".into()));
        }
        if !list.categories().contains(&cols[1]) {
            return Err(err(format!(
                "unknown category `{}` (expected one of: {})",
                cols[1],
                list.categories().join(", ")
            )));
        }
        out.push(Entry {
            list,
            lang,
            phrase: cols[0].to_string(),
            category: cols[1].to_string(),
            note: cols[2].to_string(),
        });
    }
    Ok(out)
}

/// The normal form of a phrase: what a lexicon line must already be in.
pub fn normalise(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len());
    for c in phrase.trim().chars() {
        // Full-width ASCII → half-width.
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        };
        let c = if c == '’' { '\'' } else { c };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A compiled set of lexicon entries.
pub struct Lexicons {
    entries: Vec<Entry>,
    /// Pattern id → entry index (a phrase with an apostrophe has a second, curly variant).
    pattern_entry: Vec<u32>,
    automaton: AhoCorasick,
    /// One-word English actions, for matching their inflected forms; built on first use.
    english_actions: OnceLock<std::collections::HashSet<String>>,
    /// Per word list: its entries (both languages, exceptions applied).
    words: Vec<Vec<u32>>,
    /// Per word list: a case-insensitive automaton over `words`, built on first use.
    word_automata: Vec<OnceLock<AhoCorasick>>,
    /// Per word list: its phrases longest first, built on first use.
    word_forms: Vec<OnceLock<Vec<String>>>,
    /// Per word list: entry ids by first byte (ASCII lower-cased), built on first use.
    word_index: Vec<OnceLock<Vec<Vec<u32>>>>,
}

impl std::fmt::Debug for Lexicons {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicons")
            .field("entries", &self.entries.len())
            .finish()
    }
}

/// A raw match of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMatch {
    pub entry: u32,
    pub start: usize,
    pub end: usize,
}

impl Lexicons {
    pub fn new(entries: Vec<Entry>) -> Lexicons {
        let mut patterns = Vec::with_capacity(entries.len() + 16);
        let mut pattern_entry = Vec::with_capacity(entries.len() + 16);
        let mut words = vec![Vec::new(); List::ALL.len()];
        let excepted: std::collections::HashSet<(List, Lang, &str)> = entries
            .iter()
            .filter(|e| e.list.is_word_list() && e.is_exception())
            .map(|e| (e.list, e.lang, e.phrase.as_str()))
            .collect();
        for (i, e) in entries.iter().enumerate() {
            if e.list.is_word_list() {
                if !e.is_exception() && !excepted.contains(&(e.list, e.lang, e.phrase.as_str())) {
                    words[e.list as usize].push(i as u32);
                }
                continue;
            }
            patterns.push(e.phrase.clone());
            pattern_entry.push(i as u32);
            if e.phrase.contains('\'') {
                patterns.push(e.phrase.replace('\'', "’"));
                pattern_entry.push(i as u32);
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("lexicon automaton");
        Lexicons {
            entries,
            pattern_entry,
            automaton,
            english_actions: OnceLock::new(),
            words,
            word_automata: (0..List::ALL.len()).map(|_| OnceLock::new()).collect(),
            word_forms: (0..List::ALL.len()).map(|_| OnceLock::new()).collect(),
            word_index: (0..List::ALL.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The one-word English phrases of the `actions` list (reply, ship...), collected
    /// once: the structure module matches their inflected forms (ships, replied).
    pub fn english_actions(&self) -> &std::collections::HashSet<String> {
        self.english_actions.get_or_init(|| {
            self.entries
                .iter()
                .filter(|e| {
                    e.list == List::Actions && e.lang == Lang::En && !e.phrase.contains(' ')
                })
                .map(|e| e.phrase.clone())
                .collect()
        })
    }

    /// The entries of a word list, both languages, without the excepted ones.
    pub fn words(&self, list: List) -> impl Iterator<Item = &Entry> + '_ {
        self.words[list as usize].iter().map(|&i| self.entry(i))
    }

    /// Whether any word of `list` satisfies `f`.
    pub fn any_word(&self, list: List, f: impl Fn(&str) -> bool) -> bool {
        self.words(list).any(|e| f(&e.phrase))
    }

    /// A word list as an ASCII-case-insensitive automaton (pattern `i` is the `i`th entry
    /// of [`Lexicons::words`]); built on first use.
    pub fn word_automaton(&self, list: List) -> &AhoCorasick {
        self.word_automata[list as usize].get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(self.words(list).map(|e| e.phrase.as_str()))
                .expect("word automaton")
        })
    }

    /// The phrases of a word list (both languages, one with an apostrophe also with a
    /// curly one), longest first: for code that takes the first word that fits (a
    /// suffix, a prefix) and means the longest.
    pub fn word_forms(&self, list: List) -> &[String] {
        self.word_forms[list as usize].get_or_init(|| {
            let mut forms: Vec<String> = Vec::new();
            for e in self.words(list) {
                forms.push(e.phrase.clone());
                if e.phrase.contains('\'') {
                    forms.push(e.phrase.replace('\'', "’"));
                }
            }
            forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
            forms
        })
    }

    /// The words of a list whose first byte, ASCII lower-cased, is `b` (for scanners that
    /// try every word at one position).
    pub fn words_starting_with(&self, list: List, b: u8) -> impl Iterator<Item = &Entry> + '_ {
        let index = self.word_index[list as usize].get_or_init(|| {
            let mut idx = vec![Vec::new(); 256];
            for &i in &self.words[list as usize] {
                if let Some(&first) = self.entry(i).phrase.as_bytes().first() {
                    idx[first.to_ascii_lowercase() as usize].push(i);
                }
            }
            idx
        });
        index[b.to_ascii_lowercase() as usize]
            .iter()
            .map(|&i| self.entry(i))
    }

    /// The entry behind pattern `pattern` of [`Lexicons::word_automaton`].
    pub fn word_entry(&self, list: List, pattern: usize) -> &Entry {
        self.entry(self.words[list as usize][pattern])
    }

    /// The built-in lexicons, parsed and compiled once.
    pub fn builtin() -> Arc<Lexicons> {
        static B: OnceLock<Arc<Lexicons>> = OnceLock::new();
        B.get_or_init(|| Arc::new(Lexicons::new(builtin_entries())))
            .clone()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, id: u32) -> &Entry {
        &self.entries[id as usize]
    }

    /// Every occurrence of every phrase in `text`, overlapping ones included.
    pub fn find_all(&self, text: &str, out: &mut Vec<RawMatch>) {
        for m in self.automaton.find_overlapping_iter(text) {
            out.push(RawMatch {
                entry: self.pattern_entry[m.pattern().as_usize()],
                start: m.start(),
                end: m.end(),
            });
        }
    }
}

/// The embedded entries, in file order.
pub fn builtin_entries() -> Vec<Entry> {
    let mut all = Vec::new();
    for (lang, name, text) in EMBEDDED {
        let l = if *lang == "zh" { Lang::Zh } else { Lang::En };
        let list = List::from_name(name).expect("embedded list name");
        // The embedded files are checked by tests; a malformed one is a build error.
        all.extend(
            parse(&format!("lexicons/{lang}/{name}.tsv"), l, list, text)
                .expect("embedded lexicon parses"),
        );
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_line_and_problem() {
        let e = parse(
            "x.tsv",
            Lang::Zh,
            List::Hedge,
            "尽量\tbefore\t去掉\n大概\tnope\tx\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unknown category `nope`"));
        let e = parse("x.tsv", Lang::Zh, List::Hedge, "尽量\tbefore\n").unwrap_err();
        assert!(e.message.contains("3 tab-separated"));
    }

    #[test]
    fn normalise_folds_width_case_and_spaces() {
        assert_eq!(normalise(" We’ll  Do ＡＳＡＰ "), "we'll do asap");
        assert_eq!(normalise("１００％保证"), "100%保证");
    }

    #[test]
    fn curly_apostrophe_matches() {
        let lx = Lexicons::new(vec![Entry {
            list: List::VagueCommitment,
            lang: Lang::En,
            phrase: "we'll try".into(),
            category: "effort".into(),
            note: "n".into(),
        }]);
        let mut out = Vec::new();
        lx.find_all("OK, We’ll try.", &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn word_lists_are_not_scanned_and_take_add_and_except() {
        let entry = |phrase: &str, category: &str| Entry {
            list: List::Sequence,
            lang: Lang::Zh,
            phrase: phrase.into(),
            category: category.into(),
            note: "(answerlint.toml)".into(),
        };
        let mut entries = builtin_entries();
        entries.push(entry("第五步", "sequence"));
        entries.push(entry("首先", "exception"));
        let lx = Lexicons::new(entries);
        let words: Vec<&str> = lx
            .words(List::Sequence)
            .map(|e| e.phrase.as_str())
            .collect();
        assert!(
            words.contains(&"第五步") && words.contains(&"其次"),
            "{words:?}"
        );
        assert!(!words.contains(&"首先"), "{words:?}");
        // Word lists never appear among the document scan's matches.
        let mut out = Vec::new();
        lx.find_all("首先，第五步，然后", &mut out);
        assert!(out.iter().all(|m| !lx.entry(m.entry).list.is_word_list()));
        let m = lx
            .word_automaton(List::Sequence)
            .find("第五步：补发")
            .unwrap();
        assert_eq!(
            lx.word_entry(List::Sequence, m.pattern().as_usize()).phrase,
            "第五步"
        );
    }

    #[test]
    fn an_ordered_word_list_keeps_file_order_and_appends_added_words() {
        let mut entries = builtin_entries();
        entries.push(Entry {
            list: List::DeadlineHedge,
            lang: Lang::Zh,
            phrase: "前后".into(),
            category: "hedge".into(),
            note: "(answerlint.toml)".into(),
        });
        let lx = Lexicons::new(entries);
        let words: Vec<&str> = lx
            .words(List::DeadlineHedge)
            .map(|e| e.phrase.as_str())
            .collect();
        assert_eq!(
            words,
            ["左右", "上下", "之内", "以内", "内", "or so", "to", "前后"]
        );
        assert!(List::DeadlineHedge.keeps_file_order());
        assert!(!List::Sequence.keeps_file_order());
    }
}
