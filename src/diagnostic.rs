//! Diagnostics and fixes: what a rule reports.

use serde::{Deserialize, Serialize};

/// Declares [`RuleId`]: each rule's variant and its stable kebab-case name, in the
/// registry's order (the order output and `answerlint rules` use).
macro_rules! rule_ids {
    ($($variant:ident = $name:literal,)*) => {
        /// A rule's id: the fixed name other tools parse (`vague-commitment`), typed. The
        /// one list of rules; the registry (`rules::REGISTRY`) holds their implementations
        /// in this order (a test checks it). Ordered as the registry is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum RuleId {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl RuleId {
            /// Every rule, in registry order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The stable kebab-case name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $name,)*
                }
            }
        }
    };
}

rule_ids! {
    VagueCommitment = "vague-commitment",
    HedgedFigure = "hedged-figure",
    VagueQuantity = "vague-quantity",
    UnverifiableClaim = "unverifiable-claim",
    UnsupportedFigure = "unsupported-figure",
    UnverifiablePlan = "unverifiable-plan",
    PlaceholderLeft = "placeholder-left",
    MissingTiers = "missing-tiers",
    MissingTierProof = "missing-tier-proof",
    MissingAnchor = "missing-anchor",
    MissingDimension = "missing-dimension",
}

impl RuleId {
    /// The rule named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.as_str() == name)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;
    fn from_str(s: &str) -> Result<RuleId, String> {
        RuleId::from_name(s).ok_or_else(|| format!("unknown rule `{s}`"))
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for RuleId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// A half-open byte range into a document's text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What found a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A phrase list in `lexicons/`.
    Lexicon,
    /// A structural pattern (hedge + figure, figure without evidence...).
    Pattern,
    /// The sentence classifier.
    Model,
    /// Answer structure (sections, tiers).
    Structure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    Safe,
    Unsafe,
    DisplayOnly,
    /// A whole-answer rewrite into a template (`answerlint rewrite`, `--template`).
    Rewrite,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    /// What to write instead, shown under the message.
    pub suggestion: Option<String>,
    pub source: Source,
    /// The model's probability when the model contributed, else `None`.
    pub confidence: Option<f32>,
    pub fixes: Vec<Fix>,
    /// Other places the finding talks about (the tiers of the answer missing-tiers
    /// judges), for editors that show them beside the finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

/// A place a finding refers to besides its own span, with what is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub span: Span,
    pub message: String,
}
