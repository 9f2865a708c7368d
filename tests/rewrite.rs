//! `answerlint rewrite`: snapshots of the rewritten text of every fixture in
//! tests/fixtures/rewrite/ (zero, one and two usable tiers in both languages, vague
//! answers in a list, a CRLF GBK file), rewritten alone and with the unsafe fixes, and
//! what every rewrite must keep: no invented number, the file's encoding and line
//! endings, one pass enough.

use std::path::{Path, PathBuf};

use answerlint::engine::fix_until_stable;
use answerlint::engine::{Outcome, Settings};
use answerlint::fix::FixMode;
use answerlint::Linter;

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/rewrite")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn rewrite(path: &Path, unsafe_fixes: bool) -> (String, usize, answerlint::input::Encoding) {
    let mut linter = Linter::new(Settings::default()).unwrap();
    let first = linter.lint_path(path, true);
    let mode = FixMode {
        unsafe_fixes,
        rewrite: true,
    };
    let (out, n) = fix_until_stable(&mut linter, first, mode);
    let Outcome::Linted(r) = &out else {
        panic!("{out:?}")
    };
    let (text, encoding) = (r.text.clone(), r.encoding);
    // Once is enough: a second pass changes nothing.
    let relinted = linter.relint(r, text.clone());
    let (again, m) = fix_until_stable(&mut linter, relinted, mode);
    assert_eq!(m, 0, "{}: second pass applied {m}", path.display());
    let Outcome::Linted(r2) = &again else {
        panic!()
    };
    assert_eq!(r2.text, text);
    (text, n, encoding)
}

#[test]
fn rewrites() {
    let files = fixtures();
    assert!(files.len() >= 9);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (alone, n, _) = rewrite(&path, false);
        assert!(n >= 1, "{name}: nothing rewritten");
        let (with_unsafe, _, _) = rewrite(&path, true);
        let shown = format!(
            "## answerlint rewrite\n{}\n## answerlint rewrite --unsafe-fixes\n{}",
            alone.replace('\r', "␍"),
            with_unsafe.replace('\r', "␍")
        );
        insta::assert_snapshot!(format!("rewrite-{name}"), shown);
    }
}

#[test]
fn rewritten_answers_have_the_tier_shape_once_filled_in() {
    // Filling every placeholder with a (made-up, test-only) value leaves no problem of
    // tier count, deadlines or proof: the template's shape is what missing-tiers asks
    // for. (A tier whose own words name no action the lists know stays a finding.)
    for path in fixtures() {
        let (text, _, _) = rewrite(&path, true);
        let filled = fill(&text);
        for d in answerlint::lint_text(&filled) {
            let shape = ["tier", "deadline", "级", "时限"];
            let action_only = d.message.rsplit(['：', ':']).next().is_some_and(|m| {
                m.split(['；', ';'])
                    .all(|p| p.contains("没有具体动作") || p.contains("has no action"))
            });
            assert!(
                d.rule != "placeholder-left"
                    && d.rule != "missing-tier-proof"
                    && (d.rule != "missing-tiers"
                        || action_only
                        || !shape.iter().any(|w| d.message.contains(w))),
                "{}: {}: {}\n{filled}",
                path.display(),
                d.rule,
                d.message
            );
        }
    }
}

/// Placeholders replaced by growing deadlines, an action or a proof (test data only).
fn fill(text: &str) -> String {
    let mut out = String::new();
    let mut hours = 100;
    let mut rest = text;
    while let Some(i) = rest.find(['【', '[']) {
        let close = if rest[i..].starts_with('【') {
            '】'
        } else {
            ']'
        };
        let Some(j) = rest[i..].find(close) else {
            break;
        };
        let inner = &rest[i..i + j];
        out.push_str(&rest[..i]);
        let zh = close == '】';
        out.push_str(&if inner.contains("时限") || inner.contains("deadline") {
            hours += 100;
            if zh {
                format!("{hours}小时")
            } else {
                format!("{hours} hours")
            }
        } else if inner.contains("凭证") || inner.contains("proof") || inner.contains("source") {
            if zh {
                "工单号TK-5501".to_string()
            } else {
                "ticket TK-5501".to_string()
            }
        } else if zh {
            "安排专人回访买家".to_string()
        } else {
            "an agent calls the buyer".to_string()
        });
        rest = &rest[i + j + close.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn crlf_gbk_stays_crlf_gbk() {
    let path = Path::new("tests/fixtures/rewrite/crlf-gbk.zh.txt");
    let (text, _, encoding) = rewrite(path, false);
    assert!(!encoding.is_utf8());
    assert!(!text.contains("\n\n") || text.contains("\r\n\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    let bytes = answerlint::fix::encode(&text, encoding);
    let (back, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    assert_eq!(back, text);
    // No trailing newline in the input, none added.
    assert!(!text.ends_with('\n'));
}

#[test]
fn numbers_come_from_the_input_or_a_configured_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("answerlint.toml"),
        "[template.three-tier.en]\nlabels = [\"Tier 1\", \"Tier 2\", \"Tier 3\"]\nmore = \"Tier 4+\"\n",
    )
    .unwrap();
    let f = dir.path().join("a.md");
    std::fs::copy("tests/fixtures/rewrite/one-tier.en.md", &f).unwrap();
    let before = std::fs::read_to_string(&f).unwrap();
    let (after, _, _) = rewrite(&f, true);
    assert!(after.contains("Tier 1 (within 48 hours)"), "{after}");
    let template = "Tier 1 Tier 2 Tier 3 Tier 4+";
    for n in digit_runs(&after) {
        assert!(
            before.contains(&n) || template.contains(&n),
            "invented {n}:\n{after}"
        );
    }
}

/// The courtesy words (an apology or thanks keeps its step out of the tiers) are a word
/// list that answerlint.toml extends and trims like the others.
#[test]
fn courtesy_words_come_from_the_lexicon_and_its_config() {
    let answer = |first: &str| {
        format!(
            "## A buyer says the parcel arrived damaged. What do you do?\n\n- {first}\n- An agent replies within 2 hours with the ticket number.\n- A new parcel ships within 48 hours with the tracking number.\n"
        )
    };
    let lead = |text: &str, first: &str| {
        text.lines()
            .take_while(|l| !l.starts_with("- "))
            .any(|l| l == first)
    };
    let run = |config: &str, first: &str| {
        let dir = tempfile::tempdir().unwrap();
        if !config.is_empty() {
            std::fs::write(dir.path().join("answerlint.toml"), config).unwrap();
        }
        let f = dir.path().join("a.md");
        std::fs::write(&f, answer(first)).unwrap();
        rewrite(&f, false).0
    };
    let sorry = "We are sorry for the trouble.";
    let regret = "We regret the trouble.";
    // Built in: an apology stays before the list; "regret" is no courtesy word.
    assert!(lead(&run("", sorry), sorry));
    assert!(!lead(&run("", regret), regret));
    // Added and excepted in answerlint.toml.
    let add = "[lexicon.en.courtesy]\nadd = [\"regret\"]\n";
    assert!(lead(&run(add, regret), regret));
    let except = "[lexicon.en.courtesy]\nexcept = [\"sorry\"]\n";
    let out = run(except, sorry);
    assert!(!lead(&out, sorry), "{out}");
    assert!(out.contains(sorry.trim_end_matches('.')), "{out}");
}

/// vague-commitment's frame follows `[template.commitment.*]`, and the fixed text is
/// stable (the placeholders stay the linter's own).
#[test]
fn the_commitment_frame_follows_the_configured_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("answerlint.toml"),
        "[template.commitment.zh]\nwill = \"会\"\ndeadline = \"于{deadline}之内\"\nproof = \"，凭证为{proof}\"\n\n[template.commitment.en]\nwill = \"shall\"\ndeadline = \"by {deadline}\"\nproof = \" ({proof} attached)\"\n",
    )
    .unwrap();
    let zh = dir.path().join("zh.md");
    std::fs::write(&zh, "## 有中文说明书吗？\n\n我们会尽量提供中文说明书。\n").unwrap();
    let (out, _, _) = rewrite(&zh, true);
    assert!(
        out.contains("我们会于【待补充：时限】之内提供中文说明书，凭证为【待补充：凭证】。"),
        "{out}"
    );
    let en = dir.path().join("en.md");
    std::fs::write(
        &en,
        "## Do you have an English manual?\n\nWe will try to provide an English manual.\n",
    )
    .unwrap();
    let (out, _, _) = rewrite(&en, true);
    assert!(
        out.contains(
            "We shall provide an English manual by [TODO: deadline] ([TODO: proof] attached)."
        ),
        "{out}"
    );
}

/// A hedge written apart from its deadline never goes silently: a Chinese one joins the
/// tier's label, an English one stays in the action; both labels ask for the firm
/// figure. A comment inside the answer stays.
#[test]
fn hedges_apart_from_their_deadline_and_comments_stay() {
    let dir = tempfile::tempdir().unwrap();
    let zh = dir.path().join("zh.md");
    std::fs::write(
        &zh,
        "## 买家投诉鞋底开胶，如何处理？\n\n<!-- 面试前再核对时限 -->\n- 我们尽量在24小时内联系买家。\n- 48小时内补发新鞋，附物流单号。\n",
    )
    .unwrap();
    let (out, _, _) = rewrite(&zh, false);
    assert!(
        out.contains("（尽量24小时【待补充：把估计改为确定时限】内）：我们联系买家"),
        "{out}"
    );
    assert!(out.contains("<!-- 面试前再核对时限 -->"), "{out}");
    let en = dir.path().join("en.md");
    std::fs::write(
        &en,
        "## A buyer says the kettle leaks. What do you do?\n\n- An agent replies within 2 hours with the ticket number.\n- Replacements usually ship within 48 hours, with the tracking number.\n",
    )
    .unwrap();
    let (out, _, _) = rewrite(&en, false);
    assert!(
        out.contains(
            "(within 48 hours [TODO: firm deadline for this estimate]): Replacements usually ship"
        ),
        "{out}"
    );
}

fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Forty answers written for reading the rewrites as a seller would
/// (tests/fixtures/seller/: 20 zh, 20 en, strong and weak): each one's text after
/// `answerlint fix --unsafe-fixes` and after `answerlint rewrite --unsafe-fixes`, one
/// snapshot per answer. The judgement of each is in the note of issue 15.
#[test]
fn seller_answers() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/seller")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 40);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read_to_string(&path).unwrap();
        let mut linter = Linter::new(Settings::default()).unwrap();
        let first = linter.lint_path(&path, true);
        let (fixed, _) = fix_until_stable(&mut linter, first, FixMode::fixes(true));
        let Outcome::Linted(fixed) = &fixed else {
            panic!("{fixed:?}")
        };
        let (rewritten, _, _) = rewrite(&path, true);
        let shown = format!(
            "## input\n{input}\n## answerlint fix --unsafe-fixes\n{}\n## answerlint rewrite --unsafe-fixes\n{rewritten}",
            fixed.text
        );
        insta::assert_snapshot!(format!("seller-{name}"), shown);
    }
}
