//! # unsupported-figure (warning)
//!
//! ## What it flags
//! A sentence with a business figure (a percentage, money, a count of items, orders or
//! clients, a rating, a measured duration) and no specific evidence in the same sentence.
//! Evidence is a checkable artifact: 报关单, 后台截图, 合同编号 with its id, 发票, 审计报告,
//! 检测报告, ERP导出, 附件3, "contract no. ...", "invoice", "screenshot", "Appendix 4".
//! A generic source (据内部统计, 数据显示, "studies show", "customer feedback") does not
//! count, and the message says so. Dates, clock times, phone numbers, ids, model names,
//! list numbers, prices and discounts (售价29.99美元, "10% off": a `price-word` in the
//! sentence) are not business figures, and an indefinite amount (好几百个) is
//! vague-quantity's finding. A deadline the writer commits to (我们承诺三个工作日内退款,
//! "We dispatch every order within 1 business day") is a figure that needs its source
//! too, except in a complaint answer, whose tiers missing-tier-proof checks, and in a
//! sentence that speaks to the reader ("Your replacement will arrive in 4 days": one
//! customer's case in a reply, not a policy). Money in a sentence that speaks to the
//! reader is that customer's refund, fee or price ("Your order was refunded $35"), and a
//! range of years (适配2016—2020款) is a date, not a figure.
//!
//! ## Why it matters
//! The data-anchor method: a figure without its source is a claim the examiner cannot
//! accept. The source belongs in the same sentence, so that it is said in the same breath.
//!
//! ## Examples
//! Flagged:
//!     我们的退货率只有1.2%。
//!     据内部统计，复购率达到35%。          (a generic source)
//!     We ship 1,200 orders a day.
//!     我们承诺签收退货后三个工作日内退款。  (a committed deadline)
//! Not flagged:
//!     退货率1.2%（后台截图见附件3），低于类目平均的3.5%。
//!     Monthly output is 50,000 units (ERP export, Appendix 2).
//!     我们在2024年3月开店。                 (a date)
//!     这款台灯的售价是29.99美元。           (a price)
//!
//! ## Fix safety
//! Unsafe fix (`--fix --unsafe-fixes`): a placeholder right after each
//! figure, 退货率1.2%（来源：【待补充：报表或截图】）, "1.2% ([TODO: source])", which
//! placeholder-left then reports until a person fills it in. A sentence that already holds
//! a placeholder is not flagged again.
//!
//! ## Options
//! Extra evidence words in answerlint.toml: `[lexicon.zh.evidence] add = ["质检单"]`.

use crate::diagnostic::RuleId;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::placeholder::SOURCE;
use crate::document::{Document, Figure, FigureKind, Lang};
use crate::lexicon::{Lexicons, List};
use crate::structure::SectionType;
use crate::{Diagnostic, Severity, Source, Span};

use super::{is_statement, msg, Context, Rule, RuleMeta, Signal};

pub struct UnsupportedFigure;

static META: RuleMeta = RuleMeta {
    id: RuleId::UnsupportedFigure,
    default_severity: Severity::Warning,
    summary: "a business figure with no evidence in the same sentence",
    source: include_str!("unsupported_figure.rs"),
    fixable: true,
    structural: false,
};

impl Rule for UnsupportedFigure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, doc: &Document, cx: &Context, out: &mut Vec<Diagnostic>) {
        // Sentences of complaint answers, once per document (not a scan of the sections
        // per sentence).
        let mut complaint = vec![false; doc.sentences.len()];
        for sec in &cx.script.sections {
            if sec.kind == SectionType::QualityComplaint {
                complaint[sec.answer.clone()].fill(true);
            }
        }
        for (si, &in_complaint) in complaint.iter().enumerate() {
            let s = &doc.sentences[si];
            if doc.sentence_figures(si).is_empty() {
                continue;
            }
            // A placeholder for the source is pending: placeholder-left reports it.
            // Figures in steps to follow, requests, thanks or holds are not the writer's
            // performance claims (长按10秒, "reply within 7 days").
            if !is_statement(doc, si)
                || !cx.act(doc, si).is_own()
                || s.evidence.specific.is_some()
                || crate::document::has_placeholder(doc.sentence_text(si))
            {
                continue;
            }
            // Evidence the lists miss ("the numbers are in the export we sent").
            if cx
                .verdict(si, Signal::Evidence, s.lang)
                .is_some_and(|v| v.flags)
            {
                continue;
            }
            // Figures the model is sure are not business figures; its head was trained on
            // performance figures, so a committed deadline is not its to clear.
            let vetoed = cx
                .verdict(si, Signal::BusinessFigure, s.lang)
                .is_some_and(|v| v.vetoes);
            // A deadline the writer commits to outside a complaint answer (whose tiers
            // missing-tier-proof checks), and not one customer's own estimate.
            let reader = to_the_reader(doc.sentence_text(si));
            let commits = !in_complaint && !reader;
            // An indefinite amount (好几百个, "hundreds of") is vague-quantity's finding.
            let indefinite: Vec<crate::Span> = doc
                .sentence_matches(si)
                .iter()
                .filter(|m| {
                    m.list == List::VagueQuantity && !cx.lexicons.entry(m.entry).is_exception()
                })
                .map(|m| m.span)
                .collect();
            let price = doc
                .sentence_figures(si)
                .iter()
                .any(|f| matches!(f.kind, FigureKind::Money | FigureKind::Percent))
                && is_price(doc, cx.lexicons, si);
            let figures: Vec<_> = doc
                .sentence_figures(si)
                .iter()
                .filter(|f| (f.is_business() && !vetoed) || (commits && f.is_commitment()))
                .filter(|f| !indefinite.iter().any(|v| v.overlaps(f.span)))
                .filter(|f| !(price && matches!(f.kind, FigureKind::Money | FigureKind::Percent)))
                .filter(|f| !(reader && matches!(f.kind, FigureKind::Duration | FigureKind::Money)))
                .filter(|f| !is_target(doc, cx.lexicons, si, f))
                .filter(|f| !public_rating(doc, cx.lexicons, si, f))
                .filter(|f| doc.cancel_reason(si, f.span).is_none())
                .collect();
            let Some(first) = figures.first() else {
                continue;
            };
            let figure = first.span.slice(&doc.text);
            let more = figures.len() - 1;
            let lang = s.lang;
            let promise = !first.is_business();
            let mut message = match (more, lang) {
                (0, Lang::En) if promise => format!(
                    "the committed deadline \"{figure}\" has no evidence in the same sentence"
                ),
                (0, Lang::Zh) if promise => format!("承诺的时限「{figure}」在同一句里没有出处"),
                (0, Lang::En) => {
                    format!("figure \"{figure}\" has no evidence in the same sentence")
                }
                (n, Lang::En) => format!(
                    "figure \"{figure}\" and {n} more have no evidence in the same sentence"
                ),
                (0, _) => format!("数字「{figure}」在同一句里没有出处"),
                (n, _) => format!("数字「{figure}」等{}个数字在同一句里没有出处", n + 1),
            };
            if let Some(g) = s.evidence.generic {
                let generic = &cx.lexicons.entry(g).phrase;
                message.push_str(&msg(
                    lang,
                    format!("；「{generic}」是笼统的来源，不算证据"),
                    format!("; \"{generic}\" is a generic source and does not count"),
                ));
            }
            let mut d = META.diagnostic(first.span, message, Source::Pattern);
            d.suggestion = Some(msg(
                lang,
                "在同一句写明可核查的出处：报关单、后台截图、ERP导出、合同编号或附件号".into(),
                "name a checkable source in the same sentence: customs declaration, back-office screenshot, ERP export, contract no. or appendix".into(),
            ));
            // A placeholder right after each figure, never an invented source.
            d.fixes.push(Fix {
                title: msg(
                    lang,
                    "在数字后加出处占位符".into(),
                    "add a source placeholder after the figure".into(),
                ),
                applicability: Applicability::Unsafe,
                edits: figures
                    .iter()
                    .map(|f| after_hedge(doc, cx.lexicons, si, f))
                    .map(|at| Edit {
                        start: at,
                        end: at,
                        content: msg(
                            lang,
                            format!("（来源：{}）", SOURCE.zh),
                            format!(" ({})", SOURCE.en),
                        ),
                    })
                    .collect(),
            });
            out.push(d);
        }
    }
}

/// Whether a sentence speaks to the reader (您的包裹, "Your replacement will arrive in 4
/// days", "we'll ship you a new pair within 48 hours"): one customer's case in a reply, not
/// a policy stated to the examiner, who reads "the buyer".
fn to_the_reader(text: &str) -> bool {
    text.contains('您')
        || text.contains('你')
        || text
            .split(|c: char| !c.is_ascii_alphabetic() && c != '\'')
            .any(|w| {
                let w = w.to_ascii_lowercase();
                matches!(w.as_str(), "you" | "your" | "you'll" | "you're" | "yours")
            })
}

/// Whether the sentence prices something (售价, 优惠券, "on sale for", "coupon"): its money
/// is a price, not a business figure.
fn is_price(doc: &Document, lx: &Lexicons, si: usize) -> bool {
    crate::structure::word_matches(doc, lx, doc.sentences[si].span, List::PriceWord)
        .any(|(_, e)| e.category == "price")
}

/// Whether a goal word (`price-word` category `target`: 目标, 计划, "target", "plan to")
/// comes before figure `f` in its comma clause: the figure is aimed at, not claimed.
fn is_target(doc: &Document, lx: &Lexicons, si: usize, f: &Figure) -> bool {
    let clause = doc.comma_clause(si, f.span.start);
    let before = Span::new(clause.start, f.span.start);
    crate::structure::word_matches(doc, lx, before, List::PriceWord)
        .any(|(_, e)| e.category == "target")
}

/// Whether a rating stands beside a named marketplace or review site (Etsy, GetYourGuide,
/// 天猫): a public score the examiner can look up on the spot. The count of reviews beside
/// such a rating ("4.8 stars from 2,960 reviews") is public too.
fn public_rating(doc: &Document, lx: &Lexicons, si: usize, f: &Figure) -> bool {
    let figures = doc.sentence_figures(si);
    let rated = f.kind == FigureKind::Rating
        || (f.kind == FigureKind::Count
            && figures.iter().any(|g| g.kind == FigureKind::Rating)
            && ["review", "rating", "评价", "条评"]
                .iter()
                .any(|w| f.unit.to_lowercase().starts_with(w)));
    rated
        && doc
            .sentence_matches(si)
            .iter()
            .any(|m| m.list == List::Entities && lx.entry(m.entry).category == "platform")
}

/// Where a figure's source placeholder goes: after the figure, or after a hedge that
/// follows it (40%左右), so that hedged-figure's fix can remove the hedge in the same round.
fn after_hedge(doc: &Document, lx: &crate::lexicon::Lexicons, si: usize, f: &Figure) -> usize {
    doc.sentence_matches(si)
        .iter()
        .filter(|m| m.list == crate::lexicon::List::Hedge && m.span.start >= f.span.end)
        .filter(|m| crate::document::hedged(doc, lx, m).is_some_and(|h| h.span == f.span))
        .map(|m| m.span.end)
        .next()
        .unwrap_or_else(|| {
            // A deadline keeps its mark: 7天内（来源：…）, not 7天（来源：…）内.
            let rest = &doc.text[f.span.end..];
            let mark = ["以内", "之内", "内"]
                .iter()
                .find(|m| f.is_commitment() && rest.starts_with(**m))
                .map_or(0, |m| m.len());
            f.span.end + mark
        })
}

#[cfg(test)]
mod tests {
    /// Applies a diagnostic's first fix to `text`.
    fn fixed(text: &str) -> String {
        let d = crate::engine::lint_text_with(
            text,
            &crate::engine::Settings {
                select: Some(vec![crate::rules::RuleId::UnsupportedFigure]),
                ..Default::default()
            },
        );
        assert_eq!(d.len(), 1, "{d:?}");
        let fix = &d[0].fixes[0];
        assert_eq!(fix.applicability, crate::diagnostic::Applicability::Unsafe);
        let mut out = text.to_string();
        for e in fix.edits.iter().rev() {
            out.replace_range(e.start..e.end, &e.content);
        }
        out
    }

    #[test]
    fn fix_adds_a_placeholder_that_placeholder_left_then_reports() {
        let zh = fixed("我们的退货率只有1.2%，复购率35%。");
        assert_eq!(
            zh,
            "我们的退货率只有1.2%（来源：【待补充：报表或截图】），复购率35%（来源：【待补充：报表或截图】）。"
        );
        let en = fixed("We ship 1,200 orders a day.");
        assert_eq!(en, "We ship 1,200 orders ([TODO: source]) a day.");
        for text in [zh, en] {
            let rules: Vec<crate::rules::RuleId> = crate::engine::lint_text(&text)
                .iter()
                .map(|d| d.rule)
                .collect();
            assert!(
                rules.contains(&crate::rules::RuleId::PlaceholderLeft),
                "{rules:?}"
            );
            assert!(
                !rules.contains(&crate::rules::RuleId::UnsupportedFigure),
                "{rules:?}"
            );
        }
    }

    use super::super::testing::flagged;
    use super::*;

    #[test]
    fn flags_figures_without_evidence() {
        assert_eq!(
            flagged(&UnsupportedFigure, "我们的退货率只有1.2%。"),
            vec!["1.2%"]
        );
        assert_eq!(
            flagged(&UnsupportedFigure, "We ship 1,200 orders a day."),
            vec!["1,200 orders"]
        );
    }

    #[test]
    fn generic_source_does_not_count() {
        let lx = crate::lexicon::Lexicons::builtin();
        let doc = crate::Document::build(
            "据内部统计，复购率达到35%。".into(),
            &lx,
            Default::default(),
        );
        let mut out = Vec::new();
        UnsupportedFigure.check(
            &doc,
            &Context {
                lexicons: &lx,
                scores: None,
                script: &Default::default(),
                templates: &Default::default(),
            },
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("据内部统计"), "{}", out[0].message);
    }

    #[test]
    fn evidence_and_dates_pass() {
        assert!(flagged(&UnsupportedFigure, "退货率1.2%（后台截图见附件3）。").is_empty());
        assert!(flagged(&UnsupportedFigure, "我们在2024年3月开店。").is_empty());
        assert!(flagged(
            &UnsupportedFigure,
            "所有订单付款后48小时内发货，时效规则见后台截图。"
        )
        .is_empty());
    }

    #[test]
    fn source_clauses_and_breakdowns_count_as_evidence() {
        for text in [
            "根据 ERP 导出的月报，上季度退货率为 1.2%。",
            "Based on last month's Zendesk dashboard, first response takes 3 hours on average.",
            "Return rate fell to 0.8% (see the Q3 Grafana board).",
            "2025年销售额1,420万美元，数据来自卖家后台的业务报告。其中空气炸锅占46%。",
            "We sold 64,800 units (Seller Central business report). Of these, 12% were returned.",
        ] {
            assert!(flagged(&UnsupportedFigure, text).is_empty(), "{text}");
        }
        // A lead without a record, or a record nobody names, is no source.
        for text in [
            "根据我们的经验，复购率有35%。",
            "According to the system, 98% of orders ship on time.",
            "We sold 64,800 units last year. Of these, 12% were returned.",
        ] {
            assert!(!flagged(&UnsupportedFigure, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn targets_model_years_and_public_ratings_are_not_unsupported() {
        for text in [
            "明年的目标是 2,200 万。",
            "Our target for 2026 is $3.2M.",
            "比如 2024 款以后的新能源车我们还在补充数据。",
            "Our tour has 4.8 stars from 2,960 reviews on GetYourGuide.",
            "我们天猫店的评分是4.9。",
        ] {
            assert!(flagged(&UnsupportedFigure, text).is_empty(), "{text}");
        }
        // A rating with no place to look it up, and sales, still need their source.
        for text in [
            "我们的店铺评分4.9。",
            "Our target market sold 12,000 units last year.",
        ] {
            assert!(!flagged(&UnsupportedFigure, text).is_empty(), "{text}");
        }
    }

    #[test]
    fn specs_prices_year_ranges_and_the_readers_money_are_not_business_figures() {
        for text in [
            "This kettle holds 1.7 L and weighs 1.2 kg.",
            "胸围是 104 厘米，比尺码表小了 4 厘米。",
            "适配2016—2020款车型。",
            "Fits 2016-2020 models.",
            "客官，现在双十二活动价 ¥269。",
            "The city tour is €39 per adult.",
            "Your order 2024110587 has been refunded $35.",
        ] {
            assert!(flagged(&UnsupportedFigure, text).is_empty(), "{text}");
        }
        // Spaced units and tenths are figures like any other.
        assert_eq!(
            flagged(&UnsupportedFigure, "我们有三成的订单来自回头客。"),
            vec!["三成"]
        );
        assert_eq!(
            flagged(&UnsupportedFigure, "所有订单都在 2 小时内发出。"),
            vec!["2 小时"]
        );
        // A word that only starts like a unit is none: 成本 after a number is no 成.
        assert!(flagged(&UnsupportedFigure, "第3成本中心已经关闭。").is_empty());
    }

    #[test]
    fn committed_deadlines_need_a_source_outside_complaint_tiers() {
        for (text, figure) in [
            ("我们承诺签收退货后三个工作日内退款。", "三个工作日"),
            ("换货在10个工作日内完成。", "10个工作日"),
            (
                "We dispatch every order within 1 business day.",
                "1 business day",
            ),
        ] {
            let d = crate::rules::testing::diagnostics(&UnsupportedFigure, text);
            assert_eq!(d.len(), 1, "{text}: {d:?}");
            let flagged = d[0].span.slice(text);
            assert!(flagged.contains(figure), "{flagged:?}");
            assert!(
                d[0].message.contains("承诺的时限") || d[0].message.contains("committed deadline"),
                "{}",
                d[0].message
            );
        }
        // A tier of a complaint answer: its proof is missing-tier-proof's to ask for.
        let tier = "问：买家投诉杯子破损怎么办？\n答：我们24小时内补发新杯子。\n";
        assert!(flagged(&UnsupportedFigure, tier).is_empty());
        // One buyer's own estimate is no policy; an instruction is no claim.
        assert!(flagged(
            &UnsupportedFigure,
            "Your replacement will arrive in 4 days."
        )
        .is_empty());
        assert!(flagged(&UnsupportedFigure, "请给这位买家补发1个充电头。").is_empty());
    }

    #[test]
    fn prices_and_indefinite_amounts_are_not_unsupported_figures() {
        for text in [
            "这款台灯的售价是29.99美元。",
            "新客户下单可以使用5美元的优惠券。",
            "Use coupon code SAVE10 to get 10% off your first order.",
            "This week the jacket is on sale for 49 euros.",
            // vague-quantity's finding, not a second one here.
            "我们有好几百个老客户。",
            "We work with hundreds of clients.",
        ] {
            assert!(flagged(&UnsupportedFigure, text).is_empty(), "{text}");
        }
        // Money that is a business figure still needs its source.
        assert_eq!(
            flagged(&UnsupportedFigure, "去年销售额为187万美元。").len(),
            1
        );
    }
}
