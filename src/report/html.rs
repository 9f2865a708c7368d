//! The report as one self-contained HTML5 page: inline CSS, inline SVG charts and a small
//! inline script (table sorting, expanding a file's details); nothing is loaded from the
//! network, so the file can be mailed or archived as is. Every piece of report data goes
//! through [`escape`]; the same [`Report`] always gives the same bytes.

use std::fmt::Write as _;

use super::stats::{fmt_num, rule_totals, score_bins, totals, worst_first, Totals, BIN_LABELS};
use super::{DiagSummary, FileSummary, Report, SectionSummary};

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($($t:tt)*) => {{
        let _ = write!($($t)*);
    }};
}

/// The file's most frequent rules (at most `n`), most first, ties by id.
pub(super) fn top_rules(f: &FileSummary, n: usize) -> Vec<(&str, usize)> {
    let mut v: Vec<(&str, usize)> = f
        .counts
        .iter()
        .filter(|&(id, &c)| c > 0 && !super::stats::script_level(id))
        .map(|(id, &c)| (id.as_str(), c))
        .collect();
    v.sort_by_key(|&(_, c)| std::cmp::Reverse(c));
    v.truncate(n);
    v
}

/// `text` split at the char range `range` (clipped to the text): before, inside, after.
pub(super) fn split_chars(text: &str, range: (usize, usize)) -> (&str, &str, &str) {
    let byte_at = |ci: usize| text.char_indices().nth(ci).map_or(text.len(), |(b, _)| b);
    let start = byte_at(range.0);
    let end = byte_at(range.1.max(range.0)).max(start);
    (&text[..start], &text[start..end], &text[end..])
}

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in text and
/// in quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A severity as a CSS class suffix (only known values, so data never becomes markup).
fn sev_class(sev: &str) -> &'static str {
    match sev {
        "error" => "error",
        "warning" => "warning",
        "info" => "info",
        _ => "other",
    }
}

fn sev_color(sev: &str) -> &'static str {
    match sev {
        "error" => "#d1242f",
        "warning" => "#bf8700",
        "info" => "#0969da",
        _ => "#8c959f",
    }
}

/// A score's CSS class: low, mid or high.
fn score_class(s: u32) -> &'static str {
    match s {
        0..=49 => "low",
        50..=74 => "mid",
        _ => "high",
    }
}

/// Fill of a histogram bar: red for low scores through amber to green.
const BIN_COLORS: [&str; 10] = [
    "#cf222e", "#d8452a", "#de6327", "#e08224", "#dd9f22", "#c7ad1f", "#9fb223", "#74ad2e",
    "#4a9f36", "#2a8c3c",
];

const STYLE: &str = r#"
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--err:#cf222e;--warn:#9a6700;--info:#0969da;--mark:#fff0a0;--low:#cf222e;--mid:#9a6700;--high:#1a7f37}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--err:#ff7b72;--warn:#d29922;--info:#4493f8;--mark:#6b5800;--low:#ff7b72;--mid:#d29922;--high:#3fb950}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","Noto Sans SC","WenQuanYi Micro Hei",Roboto,"Helvetica Neue",Arial,sans-serif;word-break:break-word;overflow-wrap:anywhere}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK SC","Sarasa Mono SC",monospace;font-size:.9em}
.wrap{max-width:1200px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.8em;margin:0 0 4px}
h2{font-size:1.3em;margin:32px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:1em;margin:16px 0 6px}
.meta{color:var(--muted);margin:0 0 16px}
.totals{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0}
.totals div{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:110px}
.totals dt{color:var(--muted);font-size:.8em}
.totals dd{margin:0;font-size:1.4em;font-weight:600;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:20px}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}
figure svg{display:block;max-width:100%;height:auto}
.note{color:var(--muted);font-size:.9em;margin:6px 0 0}
.tools{margin:0 0 8px}
button{font:inherit;color:inherit}
.tools button{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:2px 10px;cursor:pointer}
table{border-collapse:collapse;width:100%}
#files th,#files td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
#files thead th{position:sticky;top:0;background:var(--bg);z-index:1;white-space:nowrap}
#files thead button{background:none;border:0;padding:0;cursor:pointer;font-weight:600}
#files th[aria-sort=ascending] button::after{content:" ▲"}
#files th[aria-sort=descending] button::after{content:" ▼"}
#files .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
#files tr.file:hover{background:var(--panel)}
#files td.path{min-width:16em}
.toggle{background:none;border:1px solid var(--line);border-radius:4px;width:1.6em;height:1.6em;line-height:1;padding:0;margin-right:6px;cursor:pointer;vertical-align:middle}
.toggle[aria-expanded=true]{transform:rotate(90deg)}
tr.detail>td{background:var(--panel);padding:8px 16px 16px}
.score{font-weight:700}
.score.low{color:var(--low)}.score.mid{color:var(--mid)}.score.high{color:var(--high)}
.none{color:var(--muted)}
.rules{color:var(--muted);font-size:.9em}
.failed{color:var(--err);font-weight:600}
.dims{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:4px 16px}
.dims meter{width:100px;vertical-align:middle;margin:0 6px}
table.sections{width:auto;min-width:50%}
table.sections th,table.sections td{padding:2px 10px;border-bottom:1px solid var(--line);text-align:left}
ol.diags{margin:0;padding-left:1.6em}
ol.diags li{margin:0 0 10px}
.sev{display:inline-block;font-size:.75em;font-weight:700;text-transform:uppercase;border-radius:4px;padding:0 6px;color:#fff}
.sev.error{background:var(--err)}.sev.warning{background:var(--warn)}.sev.info{background:var(--info)}.sev.other{background:var(--muted)}
.pos{color:var(--muted);font-variant-numeric:tabular-nums}
.msg{margin:2px 0}
.sugg{margin:2px 0;color:var(--muted)}
pre.src{margin:4px 0 0;padding:6px 8px;background:var(--bg);border:1px solid var(--line);border-radius:6px;white-space:pre-wrap;word-break:break-word;overflow-wrap:anywhere}
pre.src .ln{color:var(--muted);user-select:none}
mark{background:var(--mark);color:inherit;border-bottom:2px solid var(--err);border-radius:2px}
mark.empty{border:0;border-left:2px solid var(--err);background:none;padding:0}
footer{color:var(--muted);font-size:.85em;margin-top:32px}
@media print{tr.detail[hidden]{display:table-row}.toggle,.tools{display:none}#files thead th{position:static}}
"#;

const SCRIPT: &str = r##"
(function () {
  "use strict";
  var table = document.getElementById("files");
  if (!table || !table.tHead) return;
  var heads = table.tHead.rows[0].cells;
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var current = { col: -1, dir: 1 };
  function value(body, col) {
    var cell = body.rows[0] && body.rows[0].cells[col];
    return cell ? cell.getAttribute("data-v") || "" : "";
  }
  function order(body) { return Number(body.getAttribute("data-index")); }
  function sortBy(col, dir) {
    var numeric = heads[col].getAttribute("data-type") === "num";
    var bodies = Array.prototype.slice.call(table.tBodies);
    bodies.sort(function (a, b) {
      var x = value(a, col), y = value(b, col), r = 0;
      if (numeric) {
        if (x === "" || y === "") {
          r = (x === "" ? 1 : 0) - (y === "" ? 1 : 0);
        } else {
          r = dir * (parseFloat(x) - parseFloat(y));
        }
      } else {
        r = dir * collator.compare(x, y);
      }
      return r || order(a) - order(b);
    });
    bodies.forEach(function (body) { table.appendChild(body); });
    for (var i = 0; i < heads.length; i++) {
      heads[i].setAttribute("aria-sort", i === col ? (dir > 0 ? "ascending" : "descending") : "none");
    }
    current = { col: col, dir: dir };
  }
  function colOf(key) {
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].getAttribute("data-key") === key) return i;
    }
    return -1;
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var dir = current.col === col ? -current.dir : (th.getAttribute("data-first") === "desc" ? -1 : 1);
      sortBy(col, dir);
      if (history.replaceState) {
        history.replaceState(null, "", "#sort=" + th.getAttribute("data-key") + ":" + (dir > 0 ? "asc" : "desc"));
      }
    });
  });
  function setOpen(button, open) {
    var row = document.getElementById(button.getAttribute("aria-controls"));
    if (!row) return;
    row.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  table.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button.toggle") : null;
    if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });
  function all(open) {
    Array.prototype.forEach.call(table.querySelectorAll("button.toggle"), function (b) { setOpen(b, open); });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) expand.addEventListener("click", function () { all(true); });
  if (collapse) collapse.addEventListener("click", function () { all(false); });
  var m = /^#sort=([A-Za-z0-9_-]+):(asc|desc)$/.exec(location.hash);
  var start = m ? colOf(m[1]) : -1;
  if (start >= 0) {
    sortBy(start, m[2] === "asc" ? 1 : -1);
  } else {
    var def = colOf("score");
    if (def >= 0) current = { col: def, dir: 1 };
  }
  document.documentElement.setAttribute("data-ready", "1");
})();
"##;

/// The report as one HTML page.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024 + r.files.len() * 2048);
    let t = totals(r);
    let gen = escape(&r.generated);
    let ver = escape(&r.tool_version);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    w!(
        out,
        "<meta name=\"generator\" content=\"answerlint {ver}\">\n"
    );
    w!(out, "<title>answerlint report · {gen}</title>\n");
    w!(out, "<style>{STYLE}</style>\n");
    out.push_str(
        "<noscript><style>tr.detail[hidden]{display:table-row}.toggle,.tools{display:none}\
         </style></noscript>\n",
    );
    out.push_str("</head>\n<body>\n<div class=\"wrap\">\n<header>\n");
    out.push_str("<h1>answerlint report</h1>\n");
    w!(
        out,
        "<p class=\"meta\">generated <time>{gen}</time> · answerlint {ver}</p>\n"
    );
    header_totals(&mut out, &t);
    out.push_str("</header>\n<main>\n<h2>Overview</h2>\n<div class=\"charts\">\n");

    out.push_str("<figure>\n<figcaption>Score distribution</figcaption>\n");
    let (bins, unscored) = score_bins(&r.files);
    histogram(&mut out, &bins);
    let unscored_note = match unscored {
        0 => "Every file has a score.".to_string(),
        1 => "1 file without a score (no answer text, or not linted).".to_string(),
        n => format!("{n} files without a score (no answer text, or not linted)."),
    };
    w!(
        out,
        "<p class=\"note\" id=\"unscored\" data-count=\"{unscored}\">{unscored_note}</p>\n"
    );
    out.push_str("</figure>\n");

    out.push_str("<figure>\n<figcaption>Findings per rule</figcaption>\n");
    rule_chart(&mut out, r);
    out.push_str("</figure>\n</div>\n");

    files_table(&mut out, r);
    out.push_str("</main>\n");
    w!(
        out,
        "<footer>answerlint {ver} · {} files · generated {gen}</footer>\n",
        t.files
    );
    out.push_str("</div>\n");
    w!(out, "<script>{SCRIPT}</script>\n");
    out.push_str("</body>\n</html>\n");
    out
}

fn header_totals(out: &mut String, t: &Totals) {
    let opt = |x: Option<f64>| x.map_or_else(|| "–".to_string(), fmt_num);
    let items: [(&str, &str, String); 9] = [
        ("files", "files", t.files.to_string()),
        (
            "with-errors",
            "files with errors",
            t.with_error_findings.to_string(),
        ),
        ("not-linted", "files not linted", t.not_linted.to_string()),
        ("mean", "mean score", opt(t.mean)),
        ("median", "median score", opt(t.median)),
        ("errors", "errors", t.errors.to_string()),
        ("warnings", "warnings", t.warnings.to_string()),
        ("infos", "infos", t.infos.to_string()),
        ("scored", "files scored", t.scored.to_string()),
    ];
    out.push_str("<dl class=\"totals\">\n");
    for (id, label, value) in items {
        w!(
            out,
            "<div id=\"total-{id}\"><dt>{label}</dt><dd>{value}</dd></div>\n"
        );
    }
    out.push_str("</dl>\n");
}

/// A "nice" step (1, 2 or 5 times a power of ten) for about four ticks up to `max`.
fn tick_step(max: usize) -> usize {
    let rough = (max as f64 / 4.0).max(1.0);
    let mut p = 1usize;
    loop {
        for m in [1, 2, 5] {
            if (m * p) as f64 >= rough {
                return m * p;
            }
        }
        p *= 10;
    }
}

fn histogram(out: &mut String, bins: &[usize; 10]) {
    const W: f64 = 560.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 20.0;
    const BOTTOM: f64 = 52.0;
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let max = bins.iter().copied().max().unwrap_or(0);
    let step = tick_step(max);
    let top = max.div_ceil(step).max(1) * step;
    let y_of = |v: usize| TOP + ph - ph * v as f64 / top as f64;
    let total: usize = bins.iter().sum();
    w!(
        out,
        "<svg id=\"score-histogram\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" \
         width=\"{W}\" height=\"{H}\" role=\"img\" aria-labelledby=\"hist-title\" \
         font-size=\"12\" fill=\"currentColor\">\n\
         <title id=\"hist-title\">Score distribution: {total} scored files in ten bins</title>\n"
    );
    // Grid lines and y ticks.
    let mut v = 0;
    while v <= top {
        let y = y_of(v);
        w!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" \
             stroke-opacity=\"0.15\"/>\n<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>\n",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
        v += step;
    }
    let bw = pw / 10.0;
    for (i, &count) in bins.iter().enumerate() {
        let x = LEFT + bw * i as f64 + 3.0;
        let y = y_of(count);
        let h = TOP + ph - y;
        let label = BIN_LABELS[i];
        w!(
            out,
            "<g class=\"bin\"><title>scores {label}: {count} files</title>\
             <rect class=\"bar\" data-bin=\"{label}\" data-count=\"{count}\" x=\"{x:.1}\" y=\"{y:.1}\" \
             width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\" rx=\"2\"/>\
             <text class=\"count\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"600\">{count}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{label}</text></g>\n",
            bw - 6.0,
            BIN_COLORS[i],
            x + (bw - 6.0) / 2.0,
            y - 5.0,
            x + (bw - 6.0) / 2.0,
            TOP + ph + 16.0,
        );
    }
    // Axes and their labels.
    w!(
        out,
        "<line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{}\" stroke=\"currentColor\"/>\n\
         <line x1=\"{LEFT}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"currentColor\"/>\n\
         <text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">score</text>\n\
         <text transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">files</text>\n\
         </svg>\n",
        TOP + ph,
        W - RIGHT,
        TOP + ph,
        TOP + ph,
        LEFT + pw / 2.0,
        H - 10.0,
        TOP + ph / 2.0,
    );
}

fn rule_chart(out: &mut String, r: &Report) {
    let rows = rule_totals(r);
    const ROW: f64 = 24.0;
    const TOP: f64 = 8.0;
    const BOTTOM: f64 = 36.0;
    const BAR_W: f64 = 320.0;
    let label_chars = rows
        .iter()
        .map(|(id, _)| id.chars().count())
        .max()
        .unwrap_or(0);
    let left = (label_chars as f64 * 7.2 + 16.0).clamp(80.0, 280.0);
    let w = left + BAR_W + 56.0;
    let h = TOP + ROW * rows.len().max(1) as f64 + BOTTOM;
    let max = rows.first().map_or(0, |&(_, n)| n);
    let total: usize = rows.iter().map(|(_, n)| n).sum();
    w!(
        out,
        "<svg id=\"rule-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0} {h:.0}\" \
         width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-labelledby=\"rule-title\" \
         font-size=\"12\" fill=\"currentColor\">\n\
         <title id=\"rule-title\">Findings per rule: {total} findings, {} rules</title>\n",
        rows.len()
    );
    if rows.is_empty() {
        w!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">no findings</text>\n",
            w / 2.0,
            TOP + ROW / 2.0 + 4.0
        );
    }
    for (i, (id, n)) in rows.iter().enumerate() {
        let info = r.rules.iter().find(|ri| &ri.id == id);
        let sev = info.map_or("", |ri| ri.severity.as_str());
        let summary = info.map_or(String::new(), |ri| format!(" — {}", ri.summary));
        let y = TOP + ROW * i as f64;
        let bw = (BAR_W * *n as f64 / max.max(1) as f64).max(2.0);
        let id_e = escape(id);
        w!(
            out,
            "<g class=\"rule\" data-rule=\"{id_e}\" data-count=\"{n}\"><title>{id_e}: {n} findings{}</title>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{id_e}</text>\
             <rect x=\"{left:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{}\" rx=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"600\">{n}</text></g>\n",
            escape(&summary),
            left - 8.0,
            y + ROW / 2.0 + 4.0,
            y + 4.0,
            ROW - 8.0,
            sev_color(sev),
            left + bw + 6.0,
            y + ROW / 2.0 + 4.0,
        );
    }
    let axis_y = TOP + ROW * rows.len().max(1) as f64;
    w!(
        out,
        "<line x1=\"{left:.1}\" x2=\"{left:.1}\" y1=\"{TOP}\" y2=\"{axis_y:.1}\" stroke=\"currentColor\"/>\n\
         <line x1=\"{left:.1}\" x2=\"{:.1}\" y1=\"{axis_y:.1}\" y2=\"{axis_y:.1}\" stroke=\"currentColor\"/>\n\
         <text x=\"{left:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">0</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{max}</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">findings</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">rule</text>\n</svg>\n",
        left + BAR_W,
        axis_y + 14.0,
        left + BAR_W,
        axis_y + 14.0,
        left + BAR_W / 2.0,
        axis_y + 30.0,
        left - 8.0,
        axis_y + 30.0,
    );
}

fn files_table(out: &mut String, r: &Report) {
    w!(out, "<h2>Files ({})</h2>\n", r.files.len());
    out.push_str(
        "<p class=\"tools\"><button type=\"button\" id=\"expand-all\">expand all</button> \
         <button type=\"button\" id=\"collapse-all\">collapse all</button></p>\n",
    );
    out.push_str("<table id=\"files\">\n<thead><tr>");
    // key, label, type, first direction, default sort
    let cols = [
        ("path", "path", "text", "asc"),
        ("score", "score", "num", "asc"),
        ("errors", "errors", "num", "desc"),
        ("warnings", "warnings", "num", "desc"),
        ("infos", "infos", "num", "desc"),
        ("rules", "top rules", "text", "asc"),
    ];
    for (key, label, ty, first) in cols {
        let sort = if key == "score" { "ascending" } else { "none" };
        let class = if ty == "num" { " class=\"num\"" } else { "" };
        w!(
            out,
            "<th{class} data-key=\"{key}\" data-type=\"{ty}\" data-first=\"{first}\" \
             aria-sort=\"{sort}\"><button type=\"button\">{label}</button></th>"
        );
    }
    out.push_str("</tr></thead>\n");
    for (i, f) in worst_first(&r.files).into_iter().enumerate() {
        file_rows(out, f, i);
    }
    out.push_str("</table>\n");
}

fn file_rows(out: &mut String, f: &FileSummary, i: usize) {
    let path = escape(&f.path);
    let state = if f.error.is_some() {
        "failed"
    } else {
        "linted"
    };
    w!(out, "<tbody data-index=\"{i}\">\n");
    w!(
        out,
        "<tr class=\"file\" data-path=\"{path}\" data-state=\"{state}\">\
         <td class=\"path\" data-v=\"{path}\"><button type=\"button\" class=\"toggle\" \
         aria-expanded=\"false\" aria-controls=\"detail-{i}\" title=\"details\">▸</button>\
         <span class=\"mono\">{path}</span></td>"
    );
    match f.score {
        Some(s) => w!(
            out,
            "<td class=\"num\" data-v=\"{s}\"><span class=\"score {}\">{s}</span></td>",
            score_class(s)
        ),
        None if f.error.is_some() => {
            out.push_str("<td class=\"num\" data-v=\"\"><span class=\"failed\">error</span></td>")
        }
        None => out.push_str("<td class=\"num\" data-v=\"\"><span class=\"none\">–</span></td>"),
    }
    for n in [f.errors, f.warnings, f.infos] {
        w!(out, "<td class=\"num\" data-v=\"{n}\">{n}</td>");
    }
    let top = top_rules(f, 3)
        .into_iter()
        .map(|(id, n)| format!("{} ×{n}", escape(id)))
        .collect::<Vec<_>>()
        .join(", ");
    w!(
        out,
        "<td class=\"rules\" data-v=\"{top}\">{top}</td></tr>\n"
    );
    w!(
        out,
        "<tr class=\"detail\" id=\"detail-{i}\" hidden><td colspan=\"6\">\n"
    );
    file_detail(out, f);
    out.push_str("</td></tr>\n</tbody>\n");
}

fn file_detail(out: &mut String, f: &FileSummary) {
    if let Some(e) = &f.error {
        w!(
            out,
            "<p class=\"failed\">Could not be linted: {}</p>\n",
            escape(e)
        );
    }
    if !f.dimensions.is_empty() {
        out.push_str("<h3>Dimensions</h3>\n<ul class=\"dims\">\n");
        for (name, pts, of) in &f.dimensions {
            if f.not_covered.contains(name) {
                w!(
                    out,
                    "<li><span>{}</span><span class=\"mono notcovered\">not covered</span></li>\n",
                    escape(name)
                );
                continue;
            }
            let (p, o) = (fmt_num(*pts), fmt_num(*of));
            w!(
                out,
                "<li><span>{}</span><meter min=\"0\" max=\"{o}\" value=\"{p}\"></meter>\
                 <span class=\"mono\">{p} / {o}</span></li>\n",
                escape(name)
            );
        }
        out.push_str("</ul>\n");
    }
    if !f.worst.is_empty() {
        sections(out, &f.worst);
    }
    if !f.diagnostics.is_empty() {
        let total = f.diagnostics.len() + f.more_diagnostics;
        w!(
            out,
            "<h3>Diagnostics ({total})</h3>\n<ol class=\"diags\">\n"
        );
        for d in &f.diagnostics {
            diagnostic(out, d);
        }
        out.push_str("</ol>\n");
        if f.more_diagnostics > 0 {
            w!(
                out,
                "<p class=\"note\">… and {} more diagnostics not shown.</p>\n",
                f.more_diagnostics
            );
        }
    } else if f.error.is_none() {
        out.push_str("<p class=\"note\">No findings.</p>\n");
    }
}

fn sections(out: &mut String, worst: &[SectionSummary]) {
    out.push_str(
        "<h3>Worst sections</h3>\n<table class=\"sections\"><thead><tr><th>section</th>\
         <th>line</th><th>type</th><th>score</th></tr></thead><tbody>\n",
    );
    for s in worst {
        w!(
            out,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td>\
             <td class=\"mono\">{} / 5</td></tr>\n",
            escape(&s.title),
            s.line,
            escape(&s.kind),
            fmt_num(s.score)
        );
    }
    out.push_str("</tbody></table>\n");
}

fn diagnostic(out: &mut String, d: &DiagSummary) {
    let sev = sev_class(&d.severity);
    w!(
        out,
        "<li class=\"diag\" data-rule=\"{}\"><span class=\"sev {sev}\">{}</span> \
         <code>{}</code> <span class=\"pos\">{}:{}</span>\n<p class=\"msg\">{}</p>\n",
        escape(d.rule.as_str()),
        escape(&d.severity),
        escape(d.rule.as_str()),
        d.line,
        d.column,
        escape(&d.message)
    );
    if let Some(s) = &d.suggestion {
        w!(out, "<p class=\"sugg\">suggestion: {}</p>\n", escape(s));
    }
    let (before, inside, after) = split_chars(&d.line_text, d.highlight);
    let mark = if inside.is_empty() {
        "<mark class=\"empty\"></mark>".to_string()
    } else {
        format!("<mark>{}</mark>", escape(inside))
    };
    w!(
        out,
        "<pre class=\"src\"><span class=\"ln\">{} │ </span>{}{mark}{}</pre></li>\n",
        d.line,
        escape(before),
        escape(after)
    );
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::report::{DiagSummary, FileSummary, Report, RuleInfo, SectionSummary};

    fn diag(
        rule: &str,
        sev: &str,
        line: usize,
        col: usize,
        msg: &str,
        text: &str,
        hl: (usize, usize),
    ) -> DiagSummary {
        DiagSummary {
            rule: rule.into(),
            severity: sev.into(),
            line,
            column: col,
            message: msg.into(),
            suggestion: None,
            line_text: text.into(),
            highlight: hl,
        }
    }

    /// A small report: Chinese and English files, text that needs escaping, a file that
    /// could not be read, an empty one, scores across the bins. Paths are in path order.
    pub(in crate::report) fn sample() -> Report {
        let rules = vec![
            RuleInfo {
                id: "vague-commitment".into(),
                severity: "warning".into(),
                summary: "承诺没有期限 <时限>".into(),
            },
            RuleInfo {
                id: "unsupported-figure".into(),
                severity: "error".into(),
                summary: "Figures need a source & proof".into(),
            },
            RuleInfo {
                id: "hedged-figure".into(),
                severity: "info".into(),
                summary: "A hedge before a number".into(),
            },
            RuleInfo {
                id: "placeholder-left".into(),
                severity: "warning".into(),
                summary: "Unfilled placeholder".into(),
            },
        ];
        let mut zh = FileSummary {
            path: "答案/售后,第二轮.md".into(),
            score: Some(42),
            dimensions: vec![
                ("供应链".into(), 12.5, 25.0),
                ("运营".into(), 10.0, 25.0),
                ("合规".into(), 9.0, 25.0),
                ("品牌".into(), 10.5, 25.0),
            ],
            errors: 1,
            warnings: 2,
            infos: 0,
            worst: vec![SectionSummary {
                title: "退货处理 | 时效".into(),
                line: 3,
                kind: "quality-complaint".into(),
                score: 1.5,
            }],
            diagnostics: vec![
                diag(
                    "vague-commitment",
                    "warning",
                    4,
                    4,
                    "“尽快”不是期限，请写明几小时内完成",
                    "我们会尽快处理所有客户投诉。",
                    (3, 5),
                ),
                diag(
                    "unsupported-figure",
                    "error",
                    6,
                    1,
                    "数字缺少来源: 退货率 3%",
                    "退货率一直低于3%左右。",
                    (7, 9),
                ),
                diag(
                    "vague-commitment",
                    "warning",
                    8,
                    2,
                    "承诺含糊",
                    "短",
                    (0, 9),
                ),
            ],
            ..Default::default()
        };
        zh.diagnostics[0].suggestion = Some("改为“24小时内处理”".into());
        zh.counts.insert("vague-commitment".into(), 2);
        zh.counts.insert("unsupported-figure".into(), 1);

        let mut en = FileSummary {
            path: "answers/<script>alert(1)</script>&co.md".into(),
            score: Some(88),
            dimensions: vec![("supply chain".into(), 22.0, 25.0)],
            warnings: 1,
            infos: 2,
            diagnostics: vec![diag(
                "hedged-figure",
                "info",
                2,
                11,
                "The figure is \"about\" 5, a hedge\nthen a number <b>bold</b> & 'quoted'",
                "We ship in about 5 days, <always>.",
                (11, 18),
            )],
            more_diagnostics: 4,
            ..Default::default()
        };
        en.counts.insert("hedged-figure".into(), 2);
        en.counts.insert("placeholder-left".into(), 1);

        let broken = FileSummary {
            path: "broken/坏文件.txt".into(),
            error: Some("invalid UTF-8 at byte 17, 无法解码 <bad>".into()),
            ..Default::default()
        };
        let empty = FileSummary {
            path: "empty.md".into(),
            ..Default::default()
        };
        let perfect = FileSummary {
            path: "perfect.md".into(),
            score: Some(100),
            ..Default::default()
        };
        let low = FileSummary {
            path: "z-low.md".into(),
            score: Some(9),
            errors: 3,
            ..Default::default()
        };
        let ninety = FileSummary {
            path: "zz-ninety.md".into(),
            score: Some(90),
            ..Default::default()
        };
        let mut files = vec![zh, en, broken, empty, perfect, low, ninety];
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Report {
            generated: "2025-03-14".into(),
            tool_version: "0.1.0".into(),
            files,
            rules,
        }
    }

    fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
        let pat = format!("{attr}=\"");
        html.match_indices(&pat)
            .map(|(i, _)| {
                let rest = &html[i + pat.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    #[test]
    fn escape_replaces_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("中文不变"), "中文不变");
    }

    #[test]
    fn data_is_escaped_everywhere() {
        let html = render(&sample());
        // The only script element is the report's own.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains("<b>bold"));
        assert!(!html.contains("<always>"));
        assert!(!html.contains("<bad>"));
        assert!(!html.contains("<时限>"));
        assert!(
            html.contains("data-path=\"answers/&lt;script&gt;alert(1)&lt;/script&gt;&amp;co.md\"")
        );
        assert!(html.contains("The figure is &quot;about&quot; 5, a hedge\nthen a number &lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;"));
        assert!(html.contains("invalid UTF-8 at byte 17, 无法解码 &lt;bad&gt;"));
        assert!(html.contains("承诺没有期限 &lt;时限&gt;"));
    }

    #[test]
    fn page_is_self_contained_and_deterministic() {
        let r = sample();
        let html = render(&r);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        for font in [
            "PingFang SC",
            "Hiragino Sans GB",
            "Microsoft YaHei",
            "Noto Sans CJK SC",
            "Source Han Sans SC",
        ] {
            assert!(html.contains(font), "{font}");
        }
        assert!(html.contains("overflow-wrap:anywhere"));
        for external in ["src=", "href=", "@import", "url(", "http://", "https://"] {
            let hits: Vec<_> = html
                .match_indices(external)
                .map(|(i, _)| &html[i..(i + 40).min(html.len())])
                .collect();
            // The SVG namespace is an identifier, not a request.
            let hits: Vec<_> = hits
                .into_iter()
                .filter(|h| !h.starts_with("http://www.w3.org/2000/svg"))
                .collect();
            assert!(hits.is_empty(), "{external}: {hits:?}");
        }
        assert_eq!(html, render(&r));
        assert!(html.contains("<time>2025-03-14</time>"));
    }

    #[test]
    fn mark_covers_the_chinese_characters_of_the_highlight() {
        let html = render(&sample());
        assert!(
            html.contains("我们会<mark>尽快</mark>处理所有客户投诉。"),
            "{html}"
        );
        assert!(html.contains("退货率一直低于<mark>3%</mark>左右。"));
        // An end past the line is clipped to it.
        assert!(html.contains("<mark>短</mark></pre>"));
        // English, with escaping inside and around the mark.
        assert!(html.contains("We ship in <mark>about 5</mark> days, &lt;always&gt;."));
    }

    #[test]
    fn split_chars_counts_characters_not_bytes() {
        assert_eq!(split_chars("甲乙丙丁", (1, 3)), ("甲", "乙丙", "丁"));
        assert_eq!(split_chars("甲乙", (5, 9)), ("甲乙", "", ""));
        assert_eq!(split_chars("甲乙", (1, 0)), ("甲", "", "乙"));
        assert_eq!(split_chars("", (0, 3)), ("", "", ""));
        let html = render(&Report {
            files: vec![FileSummary {
                path: "a.md".into(),
                score: Some(50),
                diagnostics: vec![diag("r", "info", 1, 3, "m", "甲乙丙", (2, 2))],
                ..Default::default()
            }],
            ..Default::default()
        });
        assert!(html.contains("甲乙<mark class=\"empty\"></mark>丙"));
    }

    #[test]
    fn histogram_counts_per_bin() {
        let r = sample();
        let (bins, unscored) = score_bins(&r.files);
        // 9 → 0–9, 42 → 40–49, 88 → 80–89, 90 and 100 → 90–100.
        assert_eq!(bins, [1, 0, 0, 0, 1, 0, 0, 0, 1, 2]);
        assert_eq!(unscored, 2);
        let html = render(&r);
        let svg = &html[html.find("<svg id=\"score-histogram\"").unwrap()..];
        let svg = &svg[..svg.find("</svg>").unwrap()];
        let counts: Vec<&str> = attr_values(svg, "data-count");
        assert_eq!(counts, ["1", "0", "0", "0", "1", "0", "0", "0", "1", "2"]);
        assert_eq!(attr_values(svg, "data-bin")[9], "90–100");
        assert!(svg.contains(">score</text>") && svg.contains(">files</text>"));
        assert!(html.contains("data-count=\"2\">2 files without a score"));
    }

    #[test]
    fn rule_chart_sorted_descending_without_zero_rules() {
        let html = render(&sample());
        let svg = &html[html.find("<svg id=\"rule-chart\"").unwrap()..];
        let svg = &svg[..svg.find("</svg>").unwrap()];
        // vague-commitment 2 and hedged-figure 2 tie: registry order decides.
        assert_eq!(
            attr_values(svg, "data-rule"),
            [
                "vague-commitment",
                "hedged-figure",
                "unsupported-figure",
                "placeholder-left"
            ]
        );
        assert_eq!(attr_values(svg, "data-count"), ["2", "2", "1", "1"]);

        let mut r = sample();
        r.files.iter_mut().for_each(|f| f.counts.clear());
        r.files[0].counts.insert("placeholder-left".into(), 0);
        let html = render(&r);
        let svg = &html[html.find("<svg id=\"rule-chart\"").unwrap()..];
        let svg = &svg[..svg.find("</svg>").unwrap()];
        assert!(attr_values(svg, "data-rule").is_empty());
        assert!(svg.contains("no findings"));
    }

    #[test]
    fn files_worst_score_first_unscored_last() {
        let html = render(&sample());
        let table = &html[html.find("<table id=\"files\">").unwrap()..];
        let paths = attr_values(table, "data-path");
        assert_eq!(
            paths,
            [
                "z-low.md",
                "答案/售后,第二轮.md",
                "answers/&lt;script&gt;alert(1)&lt;/script&gt;&amp;co.md",
                "zz-ninety.md",
                "perfect.md",
                "broken/坏文件.txt",
                "empty.md",
            ]
        );
        assert_eq!(html.matches("<tr class=\"file\"").count(), 7);
        assert_eq!(html.matches("class=\"file\"").count(), 7);
        // Each row has its detail row, hidden until expanded.
        assert_eq!(html.matches("<tr class=\"detail\" id=\"detail-").count(), 7);
        assert!(html.contains("aria-sort=\"ascending\"><button type=\"button\">score</button>"));
    }

    #[test]
    fn details_show_dimensions_sections_diagnostics_and_errors() {
        let html = render(&sample());
        assert!(html.contains("<span>供应链</span><meter min=\"0\" max=\"25\" value=\"12.5\"></meter><span class=\"mono\">12.5 / 25</span>"));
        assert!(html.contains("<td>退货处理 | 时效</td><td class=\"mono\">3</td><td class=\"mono\">quality-complaint</td><td class=\"mono\">1.5 / 5</td>"));
        assert!(html.contains("<span class=\"sev warning\">warning</span> <code>vague-commitment</code> <span class=\"pos\">4:4</span>"));
        assert!(html.contains("suggestion: 改为“24小时内处理”"));
        assert!(html.contains("Could not be linted: invalid UTF-8"));
        assert!(html.contains("… and 4 more diagnostics not shown."));
        assert!(html.contains("<h3>Diagnostics (5)</h3>"));
        // Top rules, most first.
        assert!(html.contains(">vague-commitment ×2, unsupported-figure ×1</td>"));
    }

    #[test]
    fn totals_in_the_header() {
        let r = sample();
        let t = totals(&r);
        assert_eq!(
            (t.files, t.with_error_findings, t.not_linted, t.scored),
            (7, 2, 1, 5)
        );
        assert_eq!((t.errors, t.warnings, t.infos), (4, 3, 2));
        // Scores 9, 42, 88, 90, 100.
        assert_eq!(fmt_num(t.mean.unwrap()), "65.8");
        assert_eq!(t.median, Some(88.0));
        let html = render(&r);
        assert!(html.contains("<div id=\"total-files\"><dt>files</dt><dd>7</dd></div>"));
        assert!(html.contains("<dt>files with errors</dt><dd>2</dd>"));
        assert!(html.contains("<dt>mean score</dt><dd>65.8</dd>"));
        assert!(html.contains("<dt>median score</dt><dd>88</dd>"));
        let even = Report {
            files: vec![
                FileSummary {
                    score: Some(40),
                    ..Default::default()
                },
                FileSummary {
                    score: Some(45),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(totals(&even).median, Some(42.5));
        assert_eq!(totals(&Report::default()).mean, None);
    }

    #[test]
    fn empty_report_renders() {
        let html = render(&Report::default());
        assert!(html.contains("<svg id=\"score-histogram\""));
        assert!(html.contains("<svg id=\"rule-chart\""));
        assert!(html.contains("<dt>mean score</dt><dd>–</dd>"));
        assert_eq!(html.matches("class=\"file\"").count(), 0);
    }
}
