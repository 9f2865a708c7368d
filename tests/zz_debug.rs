#[test]
fn debug() {
    let lx = answerlint::lexicon::Lexicons::builtin();
    for line in std::fs::read_to_string("/tmp/dbg.txt").unwrap().lines() {
        let d = answerlint::Document::build(line.to_string(), &lx, Default::default());
        println!("== {line}");
        for (si, s) in d.sentences.iter().enumerate() {
            let toks: Vec<String> = d
                .sentence_tokens(si)
                .iter()
                .map(|t| format!("{}/{:?}", t.span.slice(&d.text), t.pos))
                .collect();
            println!("  toks {}", toks.join(" "));
            for m in d.sentence_matches(si) {
                let e = lx.entry(m.entry);
                println!(
                    "  match {:?} {} [{}]",
                    m.list,
                    m.span.slice(&d.text),
                    e.category
                );
            }
            for f in d.sentence_figures(si) {
                println!(
                    "  fig {} {:?} deadline={}",
                    f.span.slice(&d.text),
                    f.kind,
                    f.deadline
                );
            }
            for n in &d.non_figures[s.non_figures.clone()] {
                println!("  non {} {:?}", n.span.slice(&d.text), n.kind);
            }
            println!("  evidence {:?}", s.evidence);
        }
    }
}
