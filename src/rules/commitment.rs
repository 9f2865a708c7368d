//! vague-commitment's rewrite: a clause that promises effort, speed or reassurance becomes
//! a commitment with a deadline, an action and a proof, keeping the clause's own subject
//! and action and putting a placeholder wherever a fact is missing.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::{Document, FigureKind, Lang};
use crate::lexicon::{Lexicons, List};
use crate::Span;

use super::msg;

use crate::document::placeholder::{ACTION, PROOF};
use crate::rewrite::CommitmentTemplate;

const ZH_ACTION: &str = ACTION.zh;
const ZH_PROOF: &str = PROOF.zh;
const EN_ACTION: &str = ACTION.en;
const EN_PROOF: &str = PROOF.en;

/// One vague phrase the rule flagged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'a> {
    pub span: Span,
    pub category: &'a str,
}

/// How an English vague phrase is rewritten.
struct EnglishPhrase<'p> {
    /// A subject inside the phrase ("we" of "we will try"), kept.
    subject: &'p str,
    /// The phrase is an effort or intent verb ("do our best", "try to") that goes, and
    /// the clause's own verb after it takes "will".
    verb_dropped: bool,
    /// The phrase stays (deferral and cooperation verbs are the action).
    keep: bool,
    /// The verb at the end of a dropped phrase ("try to ensure" keeps "ensure").
    tail: &'p str,
}

fn english_phrase<'p>(lx: &Lexicons, phrase: &'p str, category: &str) -> EnglishPhrase<'p> {
    let lower = phrase.to_lowercase();
    let subject_len = ["we", "i", "you"]
        .iter()
        .find(|w| lower.starts_with(*w) && lower[w.len()..].starts_with([' ', '\'', '’']))
        .map_or(0, |w| w.len());
    let subject = &phrase[..subject_len];
    let mut inner = phrase[subject_len..].trim_start();
    loop {
        let l = inner.to_lowercase();
        let Some(m) = lx.word_forms(List::Modal).iter().find(|m| {
            l.starts_with(m.as_str()) && (l.len() == m.len() || l[m.len()..].starts_with(' '))
        }) else {
            break;
        };
        inner = inner[m.len()..].trim_start();
    }
    let first = inner.split_whitespace().next().unwrap_or("").to_lowercase();
    let verbish = lx.any_word(List::EffortVerb, |w| w == first);
    let adverbial =
        category == "effort" && (lower.contains("possible") || lower.starts_with("best effort"));
    let dropped = verbish && matches!(category, "effort" | "intent" | "reassurance");
    let tail = match inner.find(" to ") {
        Some(i) if dropped => &inner[i + 4..],
        _ => "",
    };
    EnglishPhrase {
        subject,
        verb_dropped: dropped,
        keep: !dropped && !adverbial && category != "speed",
        tail,
    }
}

// A clause this rewrite produced holds a deadline or action placeholder and is not
// flagged again (`Document::holds_frame_placeholder`).

fn strip_suffix_words<'t>(mut s: &'t str, words: &[String], en: bool) -> (&'t str, bool) {
    let mut stripped = false;
    loop {
        let t = s.trim_end();
        let hit = words.iter().find(|w| {
            let lower = t.to_lowercase();
            lower.ends_with(w.as_str())
                && (!(en || w.is_ascii()) || {
                    let cut = t.len() - w.len();
                    // "'ll" attaches to its word; other English modals stand alone.
                    w.starts_with('\'')
                        || w.starts_with('’')
                        || cut == 0
                        || !t[..cut].ends_with(|c: char| c.is_alphanumeric())
                })
        });
        match hit {
            Some(w) => {
                s = &t[..t.len() - w.len()];
                stripped = true;
            }
            None => return (s, stripped),
        }
    }
}

fn only_filler(mut rest: String, filler: &[String]) -> bool {
    for f in filler {
        rest = rest.replace(f.as_str(), " ");
    }
    rest.chars()
        .all(|c| c.is_whitespace() || c.is_ascii_punctuation() || "，、“”".contains(c))
}

/// The fillers of one language, longest first.
fn filler_forms(lx: &Lexicons, en: bool) -> Vec<String> {
    let lang = if en { Lang::En } else { Lang::Zh };
    let mut forms: Vec<String> = lx
        .words(List::Filler)
        .filter(|e| e.lang == lang)
        .map(|e| e.phrase.clone())
        .collect();
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms
}

fn clause_has_duration(doc: &Document, si: usize, clause: Span) -> bool {
    doc.sentence_figures(si)
        .iter()
        .any(|f| f.kind == FigureKind::Duration && clause.contains(f.span))
}

/// The rewrite of one clause: the edit and whether it is a deletion.
fn rewrite_clause(
    doc: &Document,
    lx: &Lexicons,
    si: usize,
    clause: Span,
    found: &[Found],
    lang: Lang,
    tpl: &CommitmentTemplate,
) -> Option<(Edit, bool)> {
    let text = &doc.text;
    let en = lang == Lang::En;
    let sentence = doc.sentences[si].span;
    // A reassurance or effort phrase that is the whole clause: remove the clause.
    let mut rest = String::new();
    let mut at = clause.start;
    for f in found {
        rest.push_str(&text[at..f.span.start]);
        rest.push(' ');
        at = f.span.end;
    }
    rest.push_str(&text[at..clause.end]);
    let lowered = rest.to_lowercase();
    let filler_only = only_filler(lowered, &filler_forms(lx, en));
    if filler_only
        && found
            .iter()
            .all(|f| matches!(f.category, "reassurance" | "effort"))
    {
        return delete_clause(doc, sentence, clause).map(|e| (e, true));
    }
    let has_deadline = clause_has_duration(doc, si, clause);
    let mut out = String::new();
    let mut cursor = clause.start;
    // "Please rest assured that we will...": a reassurance that frames the clause goes
    // whole, with the fillers before it and its "that"; the clause it framed stays.
    let mut found = found;
    if en {
        if let Some(f) = found.first().filter(|f| f.category == "reassurance") {
            let lead = text[clause.start..f.span.start].to_lowercase();
            let after = &text[f.span.end..clause.end];
            let t = after.trim_start();
            let that = ["that ", "that\t"]
                .iter()
                .any(|w| t.len() > w.len() && t[..w.len()].eq_ignore_ascii_case(w));
            if that && only_filler(lead, &filler_forms(lx, en)) {
                let rest = t[4..].trim_start();
                cursor = clause.end - rest.len();
                found = &found[1..];
            }
        }
    }
    let mut frame_at: Option<usize> = None;
    let mut deadline_done = has_deadline;
    for f in found {
        let phrase = &text[f.span.start..f.span.end];
        let seg = &text[cursor..f.span.start];
        cursor = f.span.end;
        if en {
            let p = english_phrase(lx, phrase, f.category);
            if p.verb_dropped && frame_at.is_none() {
                if p.subject.is_empty() {
                    out.push_str(strip_suffix_words(seg, lx.word_forms(List::Modal), true).0);
                } else {
                    out.push_str(seg);
                    out.push_str(p.subject);
                }
                out.push(' ');
                out.push_str(&tpl.will);
                out.push(' ');
                frame_at = Some(out.len());
            } else {
                out.push_str(seg);
                if p.verb_dropped {
                    out.push_str(p.subject);
                }
            }
            if p.keep {
                out.push_str(phrase);
            } else if f.category == "speed" && !deadline_done {
                out.push_str(&tpl.deadline_text(lang));
                deadline_done = true;
            }
            out.push_str(p.tail);
            // "do our best to fix it": the "to" goes with the phrase.
            if p.verb_dropped && p.tail.is_empty() {
                let after = &text[cursor..clause.end];
                let t = after.trim_start();
                if t.starts_with("to ") || t == "to" {
                    cursor += after.len() - t.len() + 2;
                }
            }
            continue;
        }
        let core = lx
            .word_forms(List::ClauseVerb)
            .iter()
            .find(|v| phrase.ends_with(v.as_str()))
            .map_or("", String::as_str);
        if frame_at.is_none() && (f.category != "reassurance" || !core.is_empty()) {
            out.push_str(strip_suffix_words(seg, lx.word_forms(List::Modal), false).0);
            out.push_str(&tpl.will);
            if !has_deadline {
                out.push_str(&tpl.deadline_text(lang));
                deadline_done = true;
            }
            frame_at = Some(out.len());
        } else {
            out.push_str(seg);
        }
        if !core.is_empty() {
            out.push_str(core);
        } else if matches!(f.category, "deferral" | "cooperation") {
            out.push_str(phrase);
        }
        // 尽力地解决, 尽快去处理.
        let after = &text[cursor..clause.end];
        if let Some(p) = ["地", "去", "来"].iter().find(|p| after.starts_with(*p)) {
            cursor += p.len();
        }
    }
    let rest = &text[cursor..clause.end];
    if frame_at.is_none() && !en {
        // Only reassurance without a verb (我们保证满意, 旺季也不用担心): the phrase goes
        // with the fillers and adverbs that leaned on it (请您, 完全, 也), and the frame
        // takes its place, with 我们 as its subject unless the clause has one.
        let fillers = filler_forms(lx, false);
        loop {
            let t = out.trim_end();
            let modal = strip_suffix_words(t, lx.word_forms(List::Modal), false).0;
            if modal.len() < t.len() {
                out.truncate(modal.len());
                continue;
            }
            match fillers
                .iter()
                .find(|f| t.ends_with(f.as_str()) && f.as_str() != "我们")
            {
                Some(f) => out.truncate(t.len() - f.len()),
                None => break,
            }
        }
        // 旺季也不用担心，我们会尽快发货: the next clause is the commitment; the
        // reassurance goes with its delimiter and the topic (旺季) opens that clause.
        if rest.trim().is_empty() {
            if let Some(next) = next_clause_start(doc, si, clause) {
                return Some((
                    Edit {
                        start: clause.start,
                        end: next,
                        content: out,
                    },
                    true,
                ));
            }
        }
        if !out.contains("我们") && !out.contains('我') {
            out.push_str("我们");
        }
        out.push_str(&tpl.will);
        if !has_deadline {
            out.push_str(&tpl.deadline_text(lang));
            deadline_done = true;
        }
        frame_at = Some(out.len());
    }
    out.push_str(rest);
    if let Some(at) = frame_at {
        let action = out[at..]
            .trim()
            .trim_end_matches(['，', ',', '的', '了', '吧', '啊', '呢']);
        if action.is_empty() || (!en && lx.any_word(List::GenericAction, |w| w == action)) {
            out.truncate(at);
            out.push_str(if en { EN_ACTION } else { ZH_ACTION });
        }
    }
    if en {
        out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        if !deadline_done {
            out.push(' ');
            out.push_str(&tpl.deadline_text(lang));
        }
        // The clause opened the sentence with a capital: keep it.
        let was_upper = text[clause.start..]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase());
        if clause.start == sentence.start || was_upper {
            let mut cs = out.chars();
            if let Some(c) = cs.next() {
                if was_upper {
                    out = c.to_uppercase().chain(cs).collect();
                }
            }
        }
    }
    Some((
        Edit {
            start: clause.start,
            end: clause.end,
            content: out,
        },
        false,
    ))
}

/// Where the clause after `clause` starts in sentence `si` (past the delimiter and any
/// space), when one follows with words in it.
fn next_clause_start(doc: &Document, si: usize, clause: Span) -> Option<usize> {
    let text = &doc.text;
    let sentence = doc.sentences[si].span;
    let after = &text[clause.end..sentence.end];
    let c = after.chars().next()?;
    if !matches!(c, '，' | ',' | '；' | ';') {
        return None;
    }
    let rest = &after[c.len_utf8()..];
    let start = clause.end + c.len_utf8() + (rest.len() - rest.trim_start().len());
    text[start..sentence.end]
        .chars()
        .any(char::is_alphanumeric)
        .then_some(start)
}

/// Removes a clause with its delimiter: the one after it, or before it when it ends the
/// sentence. A clause that is the whole sentence is left alone.
fn delete_clause(doc: &Document, sentence: Span, clause: Span) -> Option<Edit> {
    let text = &doc.text;
    let after = &text[clause.end..sentence.end];
    let mut chars = after.char_indices();
    if let Some((_, c)) = chars.next() {
        if matches!(c, '，' | ',' | '；' | ';' | '：' | ':') {
            let rest = &after[c.len_utf8()..];
            let ws = rest.len() - rest.trim_start().len();
            let end = clause.end + c.len_utf8() + ws;
            // The next word now opens the sentence: capitalise it.
            let next = text[end..sentence.end].chars().next();
            if clause.start == sentence.start {
                if let Some(n) = next.filter(|n| n.is_lowercase()) {
                    return Some(Edit {
                        start: clause.start,
                        end: end + n.len_utf8(),
                        content: n.to_uppercase().collect(),
                    });
                }
            }
            return Some(Edit {
                start: clause.start,
                end,
                content: String::new(),
            });
        }
    }
    // The last clause: remove the delimiter before it.
    let before = &text[sentence.start..clause.start];
    let trimmed = before.trim_end();
    let c = trimmed.chars().next_back()?;
    if matches!(c, '，' | ',' | '；' | ';' | '：' | ':') {
        return Some(Edit {
            start: sentence.start + trimmed.len() - c.len_utf8(),
            end: clause.end,
            content: String::new(),
        });
    }
    None
}

/// Fixes for the phrases flagged in sentence `si`, one per phrase (phrases in the same
/// clause share one fix, which only the clause's first phrase carries when copies of it
/// on every phrase would exceed [`REPEATED_FIX_BYTES`]). The proof placeholder goes after the last rewritten clause,
/// unless the sentence already names its evidence.
pub(crate) fn fixes(
    doc: &Document,
    lx: &Lexicons,
    si: usize,
    found: &[Found],
    lang: Lang,
    tpl: &CommitmentTemplate,
) -> Vec<Option<Fix>> {
    let mut clauses: Vec<(Span, Vec<usize>)> = Vec::new();
    for (i, f) in found.iter().enumerate() {
        let c = doc.clause_of(si, f.span.start);
        match clauses.last_mut() {
            Some((span, members)) if *span == c => members.push(i),
            _ => clauses.push((c, vec![i])),
        }
    }
    let mut edits: Vec<Option<(Edit, bool)>> = clauses
        .iter()
        .map(|(c, members)| {
            let fs: Vec<Found> = members.iter().map(|&i| found[i]).collect();
            rewrite_clause(doc, lx, si, *c, &fs, lang, tpl)
        })
        .collect();
    // A proof placeholder later on the same line (a rewritten tier's) counts too.
    let s = doc.sentences[si].span;
    // (At most 512 bytes on: a tier's proof follows its action closely, and a text that
    // is one long line must not be searched to its end for every sentence.)
    let mut line_end = doc
        .line_index
        .line_span(&doc.text, doc.line_index.line_of(s.end))
        .1
        .max(s.end)
        .min(s.end + 512);
    while !doc.text.is_char_boundary(line_end) {
        line_end -= 1;
    }
    let rest_of_line = &doc.text[s.start..line_end];
    let needs_proof = doc.sentences[si].evidence.specific.is_none()
        && !rest_of_line.contains(ZH_PROOF)
        && !rest_of_line.contains(EN_PROOF);
    // The proof closes the sentence (before its final mark), after every clause the
    // sentence commits to, never between two of its clauses.
    let proof_at = sentence_end(&doc.text, s);
    let mut proof_edit: Option<(usize, Edit)> = None;
    if needs_proof {
        if let Some((i, Some((e, _)))) = edits
            .iter_mut()
            .enumerate()
            .rev()
            .find(|(_, e)| matches!(e, Some((_, false))))
        {
            let proof = tpl.proof_text(lang);
            if e.end >= proof_at {
                e.content.push_str(&proof);
            } else {
                proof_edit = Some((
                    i,
                    Edit {
                        start: proof_at,
                        end: proof_at,
                        content: proof,
                    },
                ));
            }
        }
    }
    let title = msg(
        lang,
        "改写为带时限、动作和凭证占位符的承诺".into(),
        "rewrite as a commitment with deadline, action and proof placeholders".into(),
    );
    let mut out = vec![None; found.len()];
    for (ci, ((_, members), edit)) in clauses.iter().zip(edits).enumerate() {
        let Some((edit, _)) = edit else { continue };
        let mut fix_edits = vec![edit.clone()];
        if let Some((_, p)) = proof_edit.as_ref().filter(|(i, _)| *i == ci) {
            fix_edits.push(p.clone());
        }
        // Each finding of the clause carries the clause's fix while the copies stay small;
        // past that only the first one does (applying it fixes them all), so that output
        // and memory stay linear in the text when one long clause holds many findings.
        let size = edit.content.len() + (edit.end - edit.start);
        let carriers = if size.saturating_mul(members.len()) <= REPEATED_FIX_BYTES {
            &members[..]
        } else {
            &members[..1]
        };
        for &i in carriers {
            out[i] = Some(Fix {
                title: title.clone(),
                applicability: Applicability::Unsafe,
                edits: fix_edits.clone(),
            });
        }
    }
    out
}

/// Where sentence `s` ends before its final marks and closing space: where a proof that
/// closes the sentence goes.
fn sentence_end(text: &str, s: Span) -> usize {
    let t = s.slice(text);
    let trimmed = t
        .trim_end()
        .trim_end_matches(['。', '！', '？', '.', '!', '?', '…'])
        .trim_end();
    s.start + trimmed.len()
}

/// The most bytes (rewrite plus the text it replaces) of one clause's fix repeated over
/// the findings of that clause; see [`fixes`].
pub(crate) const REPEATED_FIX_BYTES: usize = 4096;
