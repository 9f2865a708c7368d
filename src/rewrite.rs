//! The three-tier template: missing-tiers' rewrite of a complaint answer (`answerlint
//! rewrite`). The answer's own steps become the tiers, ordered by deadline; each keeps
//! its action, deadline and proof as written. What a step lacks, and the tiers the answer
//! lacks, become the template's placeholders. Text that is not a step (an apology, a
//! remark) stays, as a paragraph before the list. The list uses the answer's own list
//! marker (or the file's, else "- "), and the file's line endings.
//!
//! The templates themselves ([`Templates`]) live here too: `answerlint.toml`'s
//! `[template]` table deserialises into them, so configuration depends on the rewrite and
//! rules read templates without knowing the configuration file.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Edit;
use crate::document::placeholder::{placeholder, DEADLINE, PROOF};
use crate::document::{BlockKind, Document};
use crate::lang::Lang;
use crate::lexicon::{Lexicons, List};
use crate::structure::{sequence_prefix, Section, Step};
use crate::Span;

/// Templates for `answerlint rewrite`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    #[serde(default, rename = "three-tier")]
    pub three_tier: ThreeTierTemplates,
    /// The frame of vague-commitment's fix (`[template.commitment.zh]` / `.en`).
    #[serde(default, skip_serializing_if = "CommitmentTemplates::is_empty")]
    pub commitment: CommitmentTemplates,
}

/// The commitment frame per language; keys left out keep the built-in values.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentTemplates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<CommitmentOverrides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<CommitmentOverrides>,
}

impl CommitmentTemplates {
    fn is_empty(&self) -> bool {
        self.zh.is_none() && self.en.is_none()
    }

    /// The frame for `lang` (Chinese for mixed text): the built-in one with the
    /// configured keys over it.
    pub fn get(&self, lang: Lang) -> CommitmentTemplate {
        let (base, over) = if lang == Lang::En {
            (CommitmentTemplate::en(), &self.en)
        } else {
            (CommitmentTemplate::zh(), &self.zh)
        };
        let Some(o) = over else { return base };
        CommitmentTemplate {
            will: o.will.clone().unwrap_or(base.will),
            deadline: o.deadline.clone().unwrap_or(base.deadline),
            proof: o.proof.clone().unwrap_or(base.proof),
        }
    }
}

/// `[template.commitment.zh]` / `.en` as written in answerlint.toml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CommitmentOverrides {
    pub will: Option<String>,
    pub deadline: Option<String>,
    pub proof: Option<String>,
}

/// How vague-commitment's fix words a commitment: `will` replaces the clause's modal
/// before its action (将, "will"), `deadline` is where the deadline placeholder goes
/// (在{deadline}内 before the action, "within {deadline}" after the clause), `proof`
/// closes the sentence (，并以{proof}为证, "; {proof} available on request"). The
/// placeholders themselves are fixed: the linter finds them again to know a clause
/// was rewritten.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentTemplate {
    pub will: String,
    pub deadline: String,
    pub proof: String,
}

impl CommitmentTemplate {
    pub fn zh() -> CommitmentTemplate {
        CommitmentTemplate {
            will: "将".into(),
            deadline: "在{deadline}内".into(),
            proof: "，并以{proof}为证".into(),
        }
    }

    pub fn en() -> CommitmentTemplate {
        CommitmentTemplate {
            will: "will".into(),
            deadline: "within {deadline}".into(),
            proof: "; {proof} available on request".into(),
        }
    }

    /// `deadline` with the deadline placeholder of `lang`.
    pub fn deadline_text(&self, lang: Lang) -> String {
        self.deadline.replace("{deadline}", DEADLINE.get(lang))
    }

    /// `proof` with the proof placeholder of `lang`.
    pub fn proof_text(&self, lang: Lang) -> String {
        self.proof.replace("{proof}", PROOF.get(lang))
    }

    /// Whether the frame is usable: `deadline` holds `{deadline}` and `proof` holds
    /// `{proof}`, once each, and no other field; `will` is a word.
    pub fn check(&self) -> Result<(), String> {
        for (key, text, field) in [
            ("deadline", &self.deadline, "{deadline}"),
            ("proof", &self.proof, "{proof}"),
            ("will", &self.will, ""),
        ] {
            let fields = text.matches('{').count() + text.matches('}').count();
            let own = if field.is_empty() {
                0
            } else {
                text.matches(field).count()
            };
            if !field.is_empty() && own != 1 {
                return Err(format!("`{key}` must contain {field} once"));
            }
            if fields != 2 * own {
                return Err(format!(
                    "`{key}` may hold no field but {}",
                    if field.is_empty() { "none" } else { field }
                ));
            }
        }
        if !self.will.chars().any(char::is_alphanumeric) {
            return Err("`will` must be a word".into());
        }
        Ok(())
    }
}

/// The three-tier template per language; keys left out keep the built-in values.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreeTierTemplates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<TierOverrides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<TierOverrides>,
}

impl ThreeTierTemplates {
    /// The template for `lang`: the built-in one with the configured keys over it.
    pub fn get(&self, lang: Lang) -> TierTemplate {
        let (base, over) = if lang == Lang::En {
            (TierTemplate::en(), &self.en)
        } else {
            (TierTemplate::zh(), &self.zh)
        };
        let Some(o) = over else { return base };
        TierTemplate {
            labels: o.labels.clone().unwrap_or(base.labels),
            more: o.more.clone().unwrap_or(base.more),
            tier: o.tier.clone().unwrap_or(base.tier),
            missing_proof: o.missing_proof.clone().unwrap_or(base.missing_proof),
            missing_deadline: o.missing_deadline.clone().unwrap_or(base.missing_deadline),
            missing_action: o.missing_action.clone().unwrap_or(base.missing_action),
        }
    }
}

/// `[template.three-tier.zh]` / `.en` as written in answerlint.toml.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TierOverrides {
    pub labels: Option<Vec<String>>,
    pub more: Option<String>,
    pub tier: Option<String>,
    pub missing_proof: Option<String>,
    pub missing_deadline: Option<String>,
    pub missing_action: Option<Vec<String>>,
}

/// How one tier of the three-tier template is written. `tier` takes `{label}`,
/// `{deadline}`, `{action}` and `{proof}`; `{proof}` is empty when the step names its
/// proof, else `missing-proof`. Missing deadlines and actions become `missing-deadline`
/// and the `missing-action` of the tier's position.
#[derive(Debug, Clone, PartialEq)]
pub struct TierTemplate {
    pub labels: Vec<String>,
    pub more: String,
    pub tier: String,
    pub missing_proof: String,
    pub missing_deadline: String,
    pub missing_action: Vec<String>,
}

impl TierTemplate {
    pub fn zh() -> TierTemplate {
        TierTemplate {
            labels: vec!["第一级".into(), "第二级".into(), "第三级".into()],
            more: "追加一级".into(),
            tier: "{label}（{deadline}内）：{action}{proof}".into(),
            missing_proof: format!("，凭证：{}", PROOF.zh),
            missing_deadline: DEADLINE.zh.into(),
            missing_action: vec![
                placeholder(Lang::Zh, "受理动作，如专人接手并回复买家"),
                placeholder(Lang::Zh, "补救动作，如补发或退款"),
                placeholder(Lang::Zh, "根因分析与预防措施"),
            ],
        }
    }

    pub fn en() -> TierTemplate {
        TierTemplate {
            labels: vec!["Tier one".into(), "Tier two".into(), "Tier three".into()],
            more: "Extra tier".into(),
            tier: "{label} (within {deadline}): {action}{proof}".into(),
            missing_proof: format!("; proof: {}", PROOF.en),
            missing_deadline: DEADLINE.en.into(),
            missing_action: vec![
                placeholder(Lang::En, "first response, e.g. an agent takes the case"),
                placeholder(Lang::En, "remedy, e.g. replacement or refund"),
                placeholder(Lang::En, "root cause and prevention"),
            ],
        }
    }

    /// The tier line with its fields filled in.
    pub fn render(&self, label: &str, deadline: &str, action: &str, proof: &str) -> String {
        self.tier
            .replace("{label}", label)
            .replace("{deadline}", deadline)
            .replace("{action}", action)
            .replace("{proof}", proof)
    }

    /// Whether the template is usable: known fields only, `{action}` present, labels
    /// and actions given. The error names what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if !self.tier.contains("{action}") {
            return Err("`tier` must contain {action}".into());
        }
        let mut rest = self.tier.as_str();
        while let Some(i) = rest.find('{') {
            let end = rest[i..].find('}').map(|j| i + j + 1).unwrap_or(rest.len());
            let name = &rest[i..end];
            if !matches!(name, "{label}" | "{deadline}" | "{action}" | "{proof}") {
                return Err(format!(
                    "unknown field `{name}` in `tier` (known: {{label}}, {{deadline}}, {{action}}, {{proof}})"
                ));
            }
            rest = &rest[end..];
        }
        if self.labels.is_empty() || self.missing_action.is_empty() {
            return Err("`labels` and `missing-action` need at least one entry".into());
        }
        Ok(())
    }
}

/// The rewrite of a section's answer into the template, or `None` when the answer has no
/// text to rewrite.
pub fn three_tier(
    doc: &Document,
    lx: &Lexicons,
    sec: &Section,
    tpl: &TierTemplate,
) -> Option<Edit> {
    let text = &doc.text;
    // Text before the first question is no answer to rewrite.
    sec.title?;
    let answer: Vec<usize> = sec.answer.clone().collect();
    let (&first, &last) = (answer.first()?, answer.last()?);
    // An answer that already holds this template's first tier was rewritten before; its
    // steps may not read as tiers (a stray arrow elsewhere), and rewriting it again would
    // only pile up copies.
    let head = tpl.tier.split("{deadline}").next().unwrap_or("");
    let opening = head.replace("{label}", &tpl.labels[0]);
    if !opening.trim().is_empty()
        && answer
            .iter()
            .any(|&si| tidy(doc.sentence_text(si)).starts_with(opening.trim()))
    {
        return None;
    }
    let steps = sec.steps(doc, lx);
    // A step is a tier when it does something or sets a time for it, or when the author
    // wrote it as a list item of its own.
    let list_item = |s: &Step| {
        let si = doc
            .sentences
            .partition_point(|x| x.span.end <= s.span.start);
        doc.sentences
            .get(si)
            .is_some_and(|x| x.kind == BlockKind::ListItem && x.span.start == s.span.start)
    };
    // An apology or thanks without a deadline is courtesy, not a tier: it stays in the
    // lead paragraph.
    let courtesy = |s: &Step| {
        let t = s.span.slice(text).to_lowercase();
        s.deadline.is_none() && lx.any_word(List::Courtesy, |w| t.contains(&w.to_lowercase()))
    };
    // Steps attached to the chain (a track record, a conditional escalation) follow the
    // tiers as written.
    let attached: Vec<Span> = steps.iter().filter(|s| !s.tier).map(|s| s.span).collect();
    let mut usable: Vec<&Step> = Step::tiers(steps)
        .filter(|s| s.action || s.deadline.is_some() || s.vague_timing.is_some() || list_item(s))
        .filter(|s| !courtesy(s))
        .collect();
    // Ordered by deadline; a step done at once (马上, "right away") comes first, its
    // deadline left to fill in; a step without any deadline comes last.
    let immediate = |s: &Step| {
        s.deadline.is_none()
            && s.vague_timing.is_some_and(|h| {
                let w = h.slice(text).to_lowercase();
                lx.words(List::VagueTiming)
                    .any(|e| e.category == "immediate" && e.phrase.to_lowercase() == w)
            })
    };
    usable.sort_by(|a, b| {
        let h = |s: &Step| {
            if immediate(s) {
                -1.0
            } else {
                s.deadline.map_or(f64::INFINITY, |d| d.0)
            }
        };
        h(a).total_cmp(&h(b))
    });
    let en = sec.lang(doc) == crate::document::Lang::En;
    // Everything the usable steps do not cover: kept before the list.
    let mut covered: Vec<Span> = usable.iter().map(|s| s.span).collect();
    covered.sort_by_key(|s| s.start);
    let mut lead: Vec<String> = Vec::new();
    let mut trail: Vec<String> = Vec::new();
    for &si in &answer {
        let s = doc.sentences[si].span;
        let mut at = s.start;
        let mut pieces = Vec::new();
        // Steps are sorted and do not overlap: only those from the first that ends after
        // the sentence's start.
        let from = covered.partition_point(|c| c.end <= s.start);
        for c in covered[from..]
            .iter()
            .take_while(|c| c.start < s.end)
            .filter(|c| c.end > s.start)
        {
            pieces.push(Span::new(at, c.start.max(at)));
            at = at.max(c.end);
        }
        pieces.push(Span::new(at.min(s.end), s.end));
        for p in pieces {
            let t = p.slice(text).trim_matches(is_joiner);
            if t.chars().any(char::is_alphanumeric) {
                let mut t = t.to_string();
                if !t.ends_with(['。', '！', '？', '.', '!', '?', '…']) {
                    t.push(if en { '.' } else { '。' });
                }
                if attached
                    .iter()
                    .any(|a| a.start <= p.start && p.start < a.end)
                {
                    trail.push(t);
                } else {
                    lead.push(t);
                }
            }
        }
    }
    let mut tiers: Vec<String> = Vec::new();
    for (i, s) in usable.iter().enumerate() {
        // A hedged deadline (约12小时, "roughly 12 hours") keeps its hedge and gains a
        // placeholder asking for the firm figure.
        let deadline = match s.deadline {
            Some((_, d)) => {
                let whole = hedged_deadline(text, d, s.vague_timing);
                let mut out = whole.slice(text).to_string();
                // A Chinese hedge written apart from its deadline (尽量在24小时内) joins it
                // in the label (尽量24小时); an English one stays in the action where it
                // was written ("Orders usually ship"). Either way the label asks for the
                // firm figure.
                if let Some(h) = s.vague_timing.filter(|h| !whole.contains(*h)) {
                    if hedge_joins_label(text, en, h, d) {
                        out.insert_str(0, h.slice(text));
                    }
                }
                if s.vague_timing.is_some() {
                    out.push_str(&if en {
                        format!(
                            " {}",
                            placeholder(Lang::En, "firm deadline for this estimate")
                        )
                    } else {
                        placeholder(Lang::Zh, "把估计改为确定时限")
                    });
                }
                out
            }
            None => tpl.missing_deadline.clone(),
        };
        let action = action_text(doc, lx, s, tpl, en);
        let action = if action.chars().any(char::is_alphanumeric) {
            action
        } else {
            tidy(s.span.slice(text)).to_string()
        };
        let proof = if s.proof || action.contains(tpl.missing_proof.trim_matches(is_joiner)) {
            ""
        } else {
            &tpl.missing_proof
        };
        tiers.push(tpl.render(label(tpl, i), &deadline, &action, proof));
    }
    for i in tiers.len()..3 {
        let action = &tpl.missing_action[i.min(tpl.missing_action.len() - 1)];
        tiers.push(tpl.render(
            label(tpl, i),
            &tpl.missing_deadline,
            action,
            &tpl.missing_proof,
        ));
    }
    // Where the answer starts and ends: whole lines for list items (their markers go),
    // from the first sentence otherwise (a speaker label such as 客服： stays).
    let line_start = |at: usize| {
        let line = doc.line_index.line_of(at);
        doc.line_index.line_span(text, line).0
    };
    let start = if doc.sentences[first].kind == BlockKind::ListItem {
        line_start(doc.sentences[first].span.start)
    } else {
        doc.sentences[first].span.start
    };
    let end = doc.sentences[last].span.end;
    // The answer's own line ending (the next one after it starts, else the one before):
    // work proportional to the section, not a scan of the whole document per section.
    let bytes = text.as_bytes();
    let nl = memchr::memchr(b'\n', &bytes[start..])
        .map(|i| start + i)
        .or_else(|| memchr::memrchr(b'\n', &bytes[..start]));
    let newline = match nl {
        Some(i) if i > 0 && bytes[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let marker = ListMarker::of(doc, &answer);
    let mut out = String::new();
    // Comments inside the answer (a suppression, a note to self) are no text to rewrite:
    // they stay, each on its own line before the rewrite.
    let mut rest = &text[start..end];
    while let Some(i) = rest.find("<!--") {
        let Some(j) = rest[i..].find("-->") else {
            break;
        };
        out.push_str(&rest[i..i + j + 3]);
        out.push_str(newline);
        rest = &rest[i + j + 3..];
    }
    if !lead.is_empty() {
        let sep = if en { " " } else { "" };
        out.push_str(&lead.join(sep));
        out.push_str(newline);
        out.push_str(newline);
    }
    for (i, t) in tiers.iter().enumerate() {
        if i > 0 {
            out.push_str(newline);
        }
        out.push_str(&marker.nth(i));
        out.push_str(t);
    }
    if !trail.is_empty() {
        out.push_str(newline);
        out.push_str(newline);
        out.push_str(&trail.join(if en { " " } else { "" }));
    }
    Some(Edit {
        start,
        end,
        content: out,
    })
}

fn label(tpl: &TierTemplate, i: usize) -> &str {
    tpl.labels.get(i).unwrap_or(&tpl.more)
}

/// Punctuation and arrows that join a piece of text to its neighbours.
fn is_joiner(c: char) -> bool {
    c.is_whitespace() || "，,；;：:、→>-=⇒⟶➔➜".contains(c)
}

/// Text without the punctuation and connectives that joined it to its neighbours.
fn tidy(t: &str) -> &str {
    t.trim_matches(is_joiner)
        .trim_end_matches(['。', '.', '！', '!'])
        .trim_matches(is_joiner)
}

/// A step's text without its deadline (在24小时内, "within 24 hours"), its hedge, and the
/// sequence word before it (第二步, then).
fn action_text(doc: &Document, lx: &Lexicons, s: &Step, tpl: &TierTemplate, en: bool) -> String {
    let text = &doc.text;
    let mut cut: Vec<Span> = Vec::new();
    let skip = sequence_prefix(doc, lx, s.span);
    if skip > 0 {
        cut.push(Span::new(s.span.start, s.span.start + skip));
    }
    if let Some((_, d)) = s.deadline {
        let d = hedged_deadline(text, d, s.vague_timing);
        let mut a = d.start;
        let mut b = d.end;
        let before = &text[s.span.start..a];
        for w in ["在", "within ", "Within ", "in ", "In ", "by ", "By "] {
            if before.ends_with(w) {
                a -= w.len();
                break;
            }
        }
        let after = &text[b..s.span.end];
        for w in ["以内", "之内", "内"] {
            if after.starts_with(w) {
                b += w.len();
                break;
            }
        }
        cut.push(Span::new(a, b));
        if let Some(h) = s.vague_timing.filter(|h| !d.contains(*h)) {
            if hedge_joins_label(text, en, h, d) {
                cut.push(h);
            }
        }
    } else if let Some(h) = s.vague_timing {
        // "as soon as we can": the whole idiom goes, never its middle word alone.
        if let Some(h) = timing_idiom(text, h, s.span) {
            cut.push(h);
        }
    }
    cut.sort_by_key(|c| c.start);
    let mut out = String::new();
    let mut at = s.span.start;
    for c in cut {
        if c.start >= at {
            out.push_str(&text[at..c.start]);
            at = c.end;
        } else {
            at = at.max(c.end);
        }
    }
    out.push_str(&text[at.min(s.span.end)..s.span.end]);
    // A tier this template wrote before: the part of the template before {action} goes
    // (its deadline is read again from the step).
    let own = tidy(s.span.slice(text));
    let head = tpl.tier.split("{action}").next().unwrap_or("");
    let deadlines = [
        s.deadline.map(|(_, d)| d.slice(text)).unwrap_or(""),
        tpl.missing_deadline.as_str(),
    ];
    for label in tpl.labels.iter().chain([&tpl.more]) {
        for d in deadlines {
            let prefix = head
                .replace("{label}", label)
                .replace("{deadline}", d)
                .replace("{proof}", "");
            let prefix = prefix.trim();
            if !prefix.is_empty() && own.starts_with(prefix) {
                return tidy(&own[prefix.len()..]).to_string();
            }
        }
    }
    let t = tidy(&out);
    // "Within 2 hours, an agent calls": the comma stays behind when the deadline goes.
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
}

/// Whether hedge `h`, written apart from deadline `d`, moves into the tier's label: a
/// Chinese hedge before its deadline (尽量在24小时内 → 尽量24小时); anything else stays in
/// the action, where it was written.
fn hedge_joins_label(text: &str, en: bool, h: Span, d: Span) -> bool {
    !en && !h.slice(text).is_ascii() && h.end <= d.start
}

/// The deadline `d` with its hedge when the two are written together ("roughly 12
/// hours", 24小时左右), else `d` alone.
fn hedged_deadline(text: &str, d: Span, hedge: Option<Span>) -> Span {
    let Some(h) = hedge else { return d };
    let (a, b) = if h.end <= d.start {
        (h.end, d.start)
    } else if d.end <= h.start {
        (d.end, h.start)
    } else {
        return Span::new(d.start.min(h.start), d.end.max(h.end));
    };
    if text[a..b].trim().is_empty() {
        Span::new(d.start.min(h.start), d.end.max(h.end))
    } else {
        d
    }
}

/// The span to cut for a vague timing word `h` inside `step`: the word itself, or the
/// whole of "as soon as possible" / "as soon as we can"; `None` when the word is part of
/// a longer phrase that says when ("as soon as the parcel arrives"), which stays.
fn timing_idiom(text: &str, h: Span, step: Span) -> Option<Span> {
    let before = text[step.start..h.start].to_lowercase();
    if !before.ends_with("as ") {
        return Some(h);
    }
    let after = text[h.end..step.end].to_lowercase();
    let ends = [
        " as possible",
        " as we possibly can",
        " as we can",
        " as i can",
        " as they can",
    ];
    let tail = ends.iter().find(|e| after.starts_with(*e))?;
    Some(Span::new(h.start - 3, h.end + tail.len()))
}

/// The timing idioms ("as soon as we can", "as soon as possible") inside `within`: the
/// spans [`timing_idiom`] cuts whole from a step (what the edit contract counts as the
/// vague timing a rewrite replaces).
pub fn timing_idioms(text: &str, within: Span) -> Vec<Span> {
    let lower = text[within.start..within.end].to_ascii_lowercase();
    lower
        .match_indices("soon")
        .filter_map(|(i, _)| {
            let h = Span::new(within.start + i, within.start + i + 4);
            timing_idiom(text, h, within).filter(|s| s.len() > h.len())
        })
        .collect()
}

/// The list marker to write tiers with.
enum ListMarker {
    Bullet(String),
    /// Digits, then this separator: "1. ", "1）".
    Numbered(String),
    Circled,
}

impl ListMarker {
    /// The answer's own marker, else the first one in the file, else "- ".
    fn of(doc: &Document, answer: &[usize]) -> ListMarker {
        let text = &doc.text;
        let items = answer
            .iter()
            .copied()
            .chain(doc.first_list_item)
            .filter(|&si| doc.sentences[si].kind == BlockKind::ListItem);
        for si in items {
            let start = doc.sentences[si].span.start;
            let line_start = doc
                .line_index
                .line_span(text, doc.line_index.line_of(start))
                .0;
            let line = &text[line_start..start];
            let m = line.trim_start();
            if m.is_empty() {
                continue;
            }
            let digits = m.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                return ListMarker::Numbered(m[digits..].to_string());
            }
            if m.starts_with(|c: char| ('①'..='⑳').contains(&c)) {
                return ListMarker::Circled;
            }
            if m.starts_with(['-', '*', '+', '•', '·']) {
                return ListMarker::Bullet(m.to_string());
            }
        }
        ListMarker::Bullet("- ".into())
    }

    fn nth(&self, i: usize) -> String {
        match self {
            ListMarker::Bullet(b) => b.clone(),
            ListMarker::Numbered(sep) => format!("{}{sep}", i + 1),
            ListMarker::Circled => char::from_u32('①' as u32 + i.min(19) as u32)
                .map(|c| format!("{c} "))
                .unwrap_or_default(),
        }
    }
}
