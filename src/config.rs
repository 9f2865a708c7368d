//! `answerlint.toml`: found by walking up from each file, or given with `--config`.
//!
//! ```toml
//! [files]
//! extensions = ["md", "markdown", "txt"]   # what a directory walk picks up
//! include = []                             # globs, relative to this file's directory
//! exclude = ["drafts/**"]
//! max-size = 10485760                      # bytes; larger files are skipped with a warning
//!
//! [rules]
//! hedged-figure = "error"                  # off | info | warning | error
//! vague-quantity = "off"
//!
//! [lexicon.zh.vague-commitment]
//! add = ["包在我们身上"]                    # extra phrases
//! except = ["争取时间"]                     # phrases that are never flagged
//!
//! [template.three-tier.zh]                 # `answerlint rewrite` (any key may be left out)
//! labels = ["第一级", "第二级", "第三级"]   # tier names; `more` names tiers after them
//! tier = "{label}（{deadline}内）：{action}{proof}"
//! missing-proof = "，凭证：【待补充：凭证】"
//!
//! [template.commitment.zh]                 # vague-commitment's fix (any key may be left out)
//! will = "将"                              # replaces the modal before the action
//! deadline = "在{deadline}内"
//! proof = "，并以{proof}为证"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::RuleId;
use crate::document::Lang;
use crate::lexicon::{normalise, Entry, List};
pub use crate::rewrite::{
    CommitmentOverrides, CommitmentTemplate, CommitmentTemplates, Templates, ThreeTierTemplates,
    TierOverrides, TierTemplate,
};
use crate::{rules, Severity};

pub const FILE_NAME: &str = "answerlint.toml";

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub files: Files,
    /// Rule id → level.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    #[serde(default)]
    pub lexicon: LexiconConfig,
    #[serde(default)]
    pub template: Templates,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    #[serde(default = "default_extensions")]
    pub extensions: Vec<String>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Files larger than this many bytes are skipped with a warning.
    #[serde(default = "default_max_size", rename = "max-size")]
    pub max_size: u64,
}

impl Default for Files {
    fn default() -> Self {
        Files {
            extensions: default_extensions(),
            include: Vec::new(),
            exclude: Vec::new(),
            max_size: default_max_size(),
        }
    }
}

/// 10 MB: far beyond any script, small enough that one file cannot take the machine.
pub const DEFAULT_MAX_SIZE: u64 = 10 * 1024 * 1024;

fn default_max_size() -> u64 {
    DEFAULT_MAX_SIZE
}

fn default_extensions() -> Vec<String> {
    vec!["md".into(), "markdown".into(), "txt".into()]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconConfig {
    /// List name → extra phrases, for Chinese.
    #[serde(default)]
    pub zh: BTreeMap<String, ListExtra>,
    #[serde(default)]
    pub en: BTreeMap<String, ListExtra>,
}

impl LexiconConfig {
    pub fn is_empty(&self) -> bool {
        self.zh.is_empty() && self.en.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListExtra {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
}

/// A TOML error for people: its lines cut to 200 characters (a 200 KB line is not echoed),
/// and the line named when the parser's own message does not (a nesting too deep).
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let cut: Vec<String> = e
        .to_string()
        .trim()
        .lines()
        .map(|l| {
            if l.chars().count() > 200 {
                format!("{}…", l.chars().take(200).collect::<String>())
            } else {
                l.to_string()
            }
        })
        .collect();
    let m = cut.join("\n");
    if m.contains("line ") {
        return m;
    }
    match e.span() {
        Some(sp) => {
            let at = sp.start.min(text.len());
            let line = text.as_bytes()[..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            format!("line {line}: {m}")
        }
        None => format!("{m} (nesting too deep?)"),
    }
}

/// Rule levels set outside answerlint.toml (an editor's settings), and which side wins
/// where both name a rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleLevels {
    /// Rule id → level; the ids are checked by whoever fills this in.
    pub rules: BTreeMap<String, Level>,
    /// These levels win over the file's `[rules]`; otherwise the file's entries win and
    /// these only set the rules it does not name.
    pub win: bool,
}

impl Config {
    /// This configuration with `levels` merged into its `[rules]`.
    pub fn with_levels(mut self, levels: &RuleLevels) -> Config {
        for (id, level) in &levels.rules {
            if levels.win {
                self.rules.insert(id.clone(), *level);
            } else {
                self.rules.entry(id.clone()).or_insert(*level);
            }
        }
        self
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.display().to_string(),
            message,
        };
        let cfg: Config = toml::from_str(text).map_err(|e| invalid(toml_message(text, &e)))?;
        for id in cfg.rules.keys() {
            if RuleId::from_name(id).is_none() {
                let known: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
                return Err(invalid(format!(
                    "unknown rule `{id}` in [rules] (known rules: {})",
                    known.join(", ")
                )));
            }
        }
        for (lang, lists) in [("zh", &cfg.lexicon.zh), ("en", &cfg.lexicon.en)] {
            for (name, extra) in lists {
                if List::from_name(name).is_none() {
                    let known: Vec<&str> = List::ALL.iter().map(|l| l.name()).collect();
                    return Err(invalid(format!(
                        "unknown list `{name}` in [lexicon.{lang}] (known lists: {})",
                        known.join(", ")
                    )));
                }
                for p in extra.add.iter().chain(&extra.except) {
                    if normalise(p).is_empty() {
                        return Err(invalid(format!("empty phrase in [lexicon.{lang}.{name}]")));
                    }
                    if p.chars().count() > 200 {
                        return Err(invalid(format!(
                            "phrase longer than 200 characters in [lexicon.{lang}.{name}]"
                        )));
                    }
                }
            }
        }
        for (lang, l) in [("zh", Lang::Zh), ("en", Lang::En)] {
            cfg.template
                .three_tier
                .get(l)
                .check()
                .map_err(|m| invalid(format!("[template.three-tier.{lang}]: {m}")))?;
            cfg.template
                .commitment
                .get(l)
                .check()
                .map_err(|m| invalid(format!("[template.commitment.{lang}]: {m}")))?;
        }
        for (key, globs) in [
            ("include", &cfg.files.include),
            ("exclude", &cfg.files.exclude),
        ] {
            for g in globs {
                if let Err(e) = globset::Glob::new(g) {
                    return Err(invalid(format!("invalid glob `{g}` in [files] {key}: {e}")));
                }
            }
        }
        for ext in &cfg.files.extensions {
            if ext.starts_with('.') || ext.is_empty() {
                return Err(invalid(format!(
                    "extension `{ext}` in [files]: write it without the dot (\"md\")"
                )));
            }
        }
        Ok(cfg)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                message: "is a directory, not a configuration file".into(),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            message: crate::input::describe_io(&e),
        })?;
        Config::parse(&text, path)
    }

    /// The nearest `answerlint.toml` in `dir` or its ancestors. Anything by that name
    /// counts (a directory, a dangling link, a link loop): loading it is then an error
    /// that names it, never a silent fall-back to a parent's configuration.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        let mut d = Some(dir);
        while let Some(cur) = d {
            let p = cur.join(FILE_NAME);
            if std::fs::symlink_metadata(&p).is_ok() {
                return Some(p);
            }
            d = cur.parent();
        }
        None
    }

    /// The configured severity of a rule, `None` when it is off.
    pub fn severity(&self, rule: &rules::RuleMeta) -> Option<Severity> {
        match self.rules.get(rule.id.as_str()) {
            Some(level) => level.severity(),
            None => Some(rule.default_severity),
        }
    }

    /// Lexicon entries the config adds (as extra phrases or as exceptions).
    pub fn extra_entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        for (lang, lists) in [(Lang::Zh, &self.lexicon.zh), (Lang::En, &self.lexicon.en)] {
            for (name, extra) in lists {
                let Some(list) = List::from_name(name) else {
                    continue;
                };
                for (phrases, category) in [
                    (&extra.add, list.default_category()),
                    (&extra.except, "exception"),
                ] {
                    for p in phrases {
                        out.push(Entry {
                            list,
                            lang,
                            phrase: normalise(p),
                            category: category.to_string(),
                            note: "(answerlint.toml)".to_string(),
                        });
                    }
                }
            }
        }
        out
    }

    /// The merged configuration as TOML, for `--show-config`.
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        for r in rules::REGISTRY {
            let meta = r.meta();
            shown.rules.entry(meta.id.as_str().to_string()).or_insert(
                match meta.default_severity {
                    Severity::Error => Level::Error,
                    Severity::Warning => Level::Warning,
                    Severity::Info => Level::Info,
                },
            );
        }
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let e = Config::parse("[rulez]\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("rulez"), "{e}");
        let e = Config::parse("[rules]\nvague = \"off\"\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown rule `vague`"), "{e}");
        let e = Config::parse("[lexicon.zh.nope]\nadd=[\"x\"]\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown list `nope`"), "{e}");
        let e = Config::parse("[lexicon.zh.hedge]\nadd=[\"  \"]\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty phrase"), "{e}");
    }

    #[test]
    fn templates_merge_over_the_builtin_ones_and_are_checked() {
        let c = Config::parse(
            "[template.three-tier.zh]\nlabels = [\"一\", \"二\", \"三\"]\n",
            Path::new("a.toml"),
        )
        .unwrap();
        let t = c.template.three_tier.get(Lang::Zh);
        assert_eq!(t.labels, vec!["一", "二", "三"]);
        assert_eq!(t.tier, TierTemplate::zh().tier);
        assert_eq!(c.template.three_tier.get(Lang::En), TierTemplate::en());
        let e = Config::parse(
            "[template.three-tier.en]\ntier = \"{label}: {what}\"\n",
            Path::new("a.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("[template.three-tier.en]") && e.contains("{action}"),
            "{e}"
        );
        let e = Config::parse(
            "[template.three-tier.en]\ntier = \"{label}: {action} {what}\"\n",
            Path::new("a.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown field `{what}`"), "{e}");
    }

    #[test]
    fn commitment_frames_merge_and_are_checked() {
        let c = Config::parse(
            "[template.commitment.zh]\nwill = \"会\"\nproof = \"，凭证为{proof}\"\n",
            Path::new("a.toml"),
        )
        .unwrap();
        let t = c.template.commitment.get(Lang::Zh);
        assert_eq!(t.will, "会");
        assert_eq!(t.deadline, CommitmentTemplate::zh().deadline);
        assert_eq!(t.proof_text(Lang::Zh), "，凭证为【待补充：凭证】");
        assert_eq!(
            c.template.commitment.get(Lang::En),
            CommitmentTemplate::en()
        );
        for (bad, says) in [
            ("deadline = \"within soon\"", "{deadline}"),
            ("proof = \"; {proof} and {proof}\"", "{proof} once"),
            ("proof = \"; {proof} by {who}\"", "no field but {proof}"),
            ("will = \" \"", "`will`"),
            ("frame = \"x\"", "frame"),
        ] {
            let e = Config::parse(
                &format!("[template.commitment.en]\n{bad}\n"),
                Path::new("a.toml"),
            )
            .unwrap_err()
            .to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn levels_and_extras() {
        let c = Config::parse(
            "[rules]\nhedged-figure = \"error\"\nvague-quantity = \"off\"\n[lexicon.zh.vague-commitment]\nadd = [\"包在我们身上\"]\n",
            Path::new("a.toml"),
        )
        .unwrap();
        let hf = rules::find("hedged-figure").unwrap().meta();
        let vq = rules::find("vague-quantity").unwrap().meta();
        assert_eq!(c.severity(hf), Some(Severity::Error));
        assert_eq!(c.severity(vq), None);
        let extra = c.extra_entries();
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].category, "effort");
    }

    #[test]
    fn deep_or_long_toml_errors_name_the_line_and_stay_short() {
        let deep = format!(
            "[files]\nexclude = {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let e = Config::parse(&deep, Path::new("answerlint.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("answerlint.toml") && e.contains("line"), "{e}");
        assert!(e.len() < 2_000, "{} bytes", e.len());
        let long = format!("[files]\nexclude = [{}\n", "\"a\", ".repeat(40_000));
        let e = Config::parse(&long, Path::new("answerlint.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line"), "{e}");
        assert!(e.len() < 2_000, "{} bytes", e.len());
    }
}
