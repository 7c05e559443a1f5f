//! Tab completion, hints and multi-line input for the terminal: the words of a
//! program ([`Words`]), the pure [`complete`] and [`hint`] over them, and the
//! rustyline [`Helper`] that uses them.

use std::borrow::Cow;
use std::collections::HashMap;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::TypeText;
use super::command::{Arg, COMMANDS, spec};
use crate::ir::{FactNodeKind, FactTree, Program};
use crate::types::Type;

/// The names a program offers, sorted.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Parameterless rules by qualified name.
    pub rules: Vec<String>,
    /// Facts, groups of facts and fields of record facts, by dotted path.
    pub facts: Vec<String>,
    /// Functions as they are called: `add_workdays(`, `grievance.extension(`.
    pub functions: Vec<String>,
    pub modules: Vec<String>,
    /// The variants of facts of enum type, for the value of `:set`.
    pub variants: HashMap<String, Vec<String>>,
    /// A short description of a complete name, for hints: `date?  Art. 10 §6.A`.
    pub about: HashMap<String, String>,
}

impl Words {
    pub fn of(prog: &Program) -> Words {
        let names = TypeText(prog);
        let mut w = Words::default();
        for r in &prog.rules {
            let stdlib = prog.modules[r.module].is_stdlib;
            let cite = r.citation.as_ref().map(|c| format!("  {c}")).unwrap_or_default();
            match &r.params {
                None => {
                    w.rules.push(r.qualified.clone());
                    w.about
                        .insert(r.qualified.clone(), format!("{}{cite}", names.of(&r.ty)));
                }
                Some(ps) => {
                    let name = if stdlib { &r.name } else { &r.qualified };
                    let params: Vec<String> = ps.iter().map(|(n, t)| format!("{n}: {}", names.of(t))).collect();
                    w.about.insert(
                        format!("{name}("),
                        format!("{}): {}{cite}", params.join(", "), names.of(&r.ty)),
                    );
                    w.functions.push(format!("{name}("));
                }
            }
        }
        fact_paths(prog, &prog.fact_tree, "", &mut w);
        w.modules = prog.modules.iter().map(|m| m.name.clone()).collect();
        for v in [&mut w.rules, &mut w.facts, &mut w.functions, &mut w.modules] {
            v.sort();
            v.dedup();
        }
        w
    }
}

fn fact_paths(prog: &Program, tree: &FactTree, prefix: &str, w: &mut Words) {
    for (name, kind) in &tree.children {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match kind {
            FactNodeKind::Leaf(id) => {
                let ty = &prog.facts[id.index()].ty;
                about_fact(prog, ty, &path, w);
                record_fields(prog, ty, &path, w, 0);
            }
            FactNodeKind::Group(sub) => fact_paths(prog, sub, &path, w),
        }
        w.facts.push(path);
    }
}

fn about_fact(prog: &Program, ty: &Type, path: &str, w: &mut Words) {
    w.about
        .insert(path.to_string(), format!("fact: {}", TypeText(prog).of(ty)));
    if let Type::Enum(e) = ty.strip_optional() {
        w.variants
            .insert(path.to_string(), prog.enums[e.index()].variants.clone());
    }
}

fn record_fields(prog: &Program, ty: &Type, path: &str, w: &mut Words, depth: u32) {
    let Type::Record(r) = ty.strip_optional() else { return };
    if depth > 3 {
        return;
    }
    for (name, fty, _) in &prog.records[r.index()].fields {
        let sub = format!("{path}.{name}");
        about_fact(prog, fty, &sub, w);
        record_fields(prog, fty, &sub, w, depth + 1);
        w.facts.push(sub);
    }
}

/// What to complete at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// Replace the text from this byte offset with one of these.
    Words(usize, Vec<String>),
    /// A file name (`:load`).
    File,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// The candidates for the text before the cursor. Dotted names complete one
/// segment at a time: `grievance.st` offers `grievance.step1`,
/// `grievance.step1.` and `grievance.step1_deadline`, not every field.
pub fn complete(w: &Words, head: &str) -> Completion {
    let trimmed = head.trim_start();
    let lead = head.len() - trimmed.len();
    if trimmed.starts_with(':') {
        let Some(space) = trimmed.find(char::is_whitespace) else {
            let names = COMMANDS
                .iter()
                .filter(|c| c.name.starts_with(trimmed))
                .map(|c| match c.arg {
                    Arg::None => c.name.to_string(),
                    _ => format!("{} ", c.name),
                })
                .collect();
            return Completion::Words(lead, names);
        };
        let arg = match spec(&trimmed[..space]) {
            Some(s) => s.arg,
            None => return Completion::Words(head.len(), Vec::new()),
        };
        let value = trimmed
            .split_once('=')
            .filter(|_| trimmed[..space] == *":set")
            .map(|(path, _)| path[space..].trim());
        let pool: Vec<&[String]> = match (arg, value) {
            (Arg::File, _) => return Completion::File,
            (Arg::FactPath, None) => vec![&w.facts],
            (Arg::FactPath, Some(path)) => match w.variants.get(path) {
                // An enum fact: its variants, even before a letter is typed.
                Some(vs) if head.ends_with(|c: char| c.is_whitespace() || c == '=') => {
                    return Completion::Words(head.len(), vs.clone());
                }
                Some(vs) => vec![vs.as_slice()],
                None => expression_pool(w),
            },
            (Arg::Rule, _) => vec![&w.rules],
            (Arg::RuleThen(options), _) => {
                let args = trimmed[space..].trim_start();
                if !args.contains(char::is_whitespace) {
                    vec![&w.rules]
                } else {
                    // After the rule: the options not given yet, even before a letter is typed.
                    let start = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                    let typed = &head[start..];
                    let bare = typed.trim_start_matches("--");
                    let given: Vec<&str> = args.split_whitespace().skip(1).collect();
                    let cands = options
                        .iter()
                        .filter(|o| o.starts_with(bare) && !given.iter().any(|g| g.trim_start_matches("--") == **o))
                        .map(|o| format!("{}{o}", &typed[..typed.len() - bare.len()]))
                        .collect();
                    return Completion::Words(start, cands);
                }
            }
            (Arg::Module, _) => vec![&w.modules],
            (Arg::None, _) => vec![],
        };
        return words(head, &pool);
    }
    words(head, &expression_pool(w))
}

fn expression_pool(w: &Words) -> Vec<&[String]> {
    vec![&w.rules, &w.facts, &w.functions, &w.modules]
}

fn words(head: &str, pool: &[&[String]]) -> Completion {
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map_or(head.len(), |(i, _)| i);
    let prefix = &head[start..];
    if prefix.is_empty() {
        return Completion::Words(start, Vec::new());
    }
    let mut out: Vec<String> = pool
        .iter()
        .flat_map(|p| p.iter())
        .filter(|c| c.starts_with(prefix))
        .map(|c| match c[prefix.len()..].find('.') {
            Some(dot) => c[..prefix.len() + dot + 1].to_string(),
            None => c.clone(),
        })
        .collect();
    out.sort();
    out.dedup();
    Completion::Words(start, out)
}

/// A hint shown after the cursor at the end of the line: the rest of the only
/// completion (Right arrow takes it), a command's arguments, or what a
/// complete name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub text: String,
    /// Whether Right arrow inserts it.
    pub insert: bool,
}

impl rustyline::hint::Hint for Hint {
    fn display(&self) -> &str {
        &self.text
    }
    fn completion(&self) -> Option<&str> {
        self.insert.then_some(self.text.as_str())
    }
}

/// The hint for a line whose cursor is at its end.
pub fn hint(w: &Words, line: &str) -> Option<Hint> {
    let trimmed = line.trim_start();
    if let Some(s) = spec(trimmed)
        && !s.usage.is_empty()
    {
        return Some(Hint {
            text: format!(" {}", s.usage),
            insert: false,
        });
    }
    if trimmed.starts_with(':') && !trimmed.contains(char::is_whitespace) {
        if let Completion::Words(start, c) = complete(w, line)
            && let [only] = c.as_slice()
            && only.len() > line.len() - start
        {
            return Some(Hint {
                text: only[line.len() - start..].trim_end().to_string(),
                insert: true,
            });
        }
        return None;
    }
    let Completion::Words(start, cands) = complete(w, line) else {
        return None;
    };
    let word = &line[start..];
    if word.is_empty() {
        return None;
    }
    if let [only] = cands.as_slice()
        && only.len() > word.len()
    {
        return Some(Hint {
            text: only[word.len()..].to_string(),
            insert: true,
        });
    }
    w.about.get(word).map(|a| Hint {
        text: format!("  {a}"),
        insert: false,
    })
}

/// The rustyline helper: completion, hints (dimmed), and multi-line input
/// while the parser says the expression is unfinished.
pub struct ReplHelper {
    pub words: Words,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(words: Words) -> ReplHelper {
        ReplHelper {
            words,
            files: FilenameCompleter::new(),
        }
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = &line[..pos];
        match complete(&self.words, head) {
            Completion::File => self.files.complete(line, pos, ctx),
            Completion::Words(start, cands) => Ok((
                start,
                cands
                    .into_iter()
                    .map(|c| Pair {
                        display: c.clone(),
                        replacement: c,
                    })
                    .collect(),
            )),
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = Hint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<Hint> {
        if pos < line.len() || line.contains('\n') {
            return None;
        }
        hint(&self.words, line)
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

/// Every line is accepted as typed: the REPL joins an unfinished entry with the
/// next line itself, after a continuation prompt (`...> `).
impl Validator for ReplHelper {
    fn validate(&self, _ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(ValidationResult::Valid(None))
    }
}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        Words {
            rules: s(&["grievance.step1_deadline", "grievance.step2_deadline", "pay.rate"]),
            facts: s(&[
                "grievance",
                "grievance.knew_on",
                "grievance.step1",
                "grievance.step1.method",
                "grievance.step1.received_on",
            ]),
            functions: s(&["add_workdays(", "add_days("]),
            modules: s(&["grievance", "pay"]),
            variants: [("grievance.step1.method".to_string(), s(&["in_person", "mail"]))].into(),
            about: [(
                "grievance.step1_deadline".to_string(),
                "date?  Art. 10 §6.A".to_string(),
            )]
            .into(),
        }
    }

    fn names(c: Completion) -> (usize, Vec<String>) {
        match c {
            Completion::Words(s, v) => (s, v),
            Completion::File => panic!("file completion"),
        }
    }

    #[test]
    fn commands_complete_with_a_space_when_they_take_arguments() {
        assert_eq!(names(complete(&words(), ":s")), (0, vec![":set ".to_string()]));
        assert_eq!(names(complete(&words(), ":fa")), (0, vec![":facts".to_string()]));
        assert_eq!(names(complete(&words(), ":f")).1, vec![":facts", ":flip "]);
        assert_eq!(names(complete(&words(), ":i")).1, vec![":inputs "]);
        assert_eq!(names(complete(&words(), ":r")).1, vec![":reset", ":rules "]);
        assert_eq!(complete(&words(), ":load ex"), Completion::File);
    }

    #[test]
    fn dotted_names_complete_a_segment_at_a_time() {
        let w = words();
        assert_eq!(names(complete(&w, "gr")).1, vec!["grievance", "grievance."]);
        assert_eq!(
            names(complete(&w, "1 + grievance.st")),
            (
                4,
                vec![
                    "grievance.step1".to_string(),
                    "grievance.step1.".to_string(),
                    "grievance.step1_deadline".to_string(),
                    "grievance.step2_deadline".to_string()
                ]
            )
        );
        assert_eq!(names(complete(&w, "add_")).1, vec!["add_days(", "add_workdays("]);
        assert!(names(complete(&w, "1 + ")).1.is_empty());
    }

    #[test]
    fn each_command_completes_its_own_kind_of_name() {
        let w = words();
        assert_eq!(
            names(complete(&w, ":set grievance.step1.m")).1,
            vec!["grievance.step1.method"]
        );
        assert!(
            names(complete(&w, ":set grievance.step"))
                .1
                .iter()
                .all(|c| !c.contains("deadline"))
        );
        assert_eq!(
            names(complete(&w, ":why grievance.step1")).1,
            vec!["grievance.step1_deadline"]
        );
        assert_eq!(names(complete(&w, ":rules p")).1, vec!["pay"]);
        assert_eq!(
            names(complete(&w, ":flip grievance.step1")).1,
            vec!["grievance.step1_deadline"]
        );
        assert_eq!(
            names(complete(&w, ":flip pay.rate ")),
            (
                15,
                vec!["pairs".to_string(), "explain".to_string(), "why-not".to_string()]
            )
        );
        assert_eq!(
            names(complete(&w, ":flip pay.rate pairs e")),
            (21, vec!["explain".to_string()])
        );
        assert_eq!(names(complete(&w, ":flip pay.rate pairs --e")).1, vec!["--explain"]);
        assert_eq!(
            names(complete(&w, ":set grievance.step1.method = ")),
            (30, vec!["in_person".to_string(), "mail".to_string()])
        );
        assert_eq!(names(complete(&w, ":set grievance.step1.method = m")).1, vec!["mail"]);
        assert_eq!(
            names(complete(&w, ":set grievance.knew_on = add_w")),
            (25, vec!["add_workdays(".to_string()])
        );
    }

    #[test]
    fn hints() {
        let w = words();
        let h = |l| hint(&w, l).map(|h| (h.text, h.insert));
        assert_eq!(h(":set"), Some((" PATH = VALUE".into(), false)));
        assert_eq!(h(":fa"), Some(("cts".into(), true)));
        assert_eq!(h("pay.r"), Some(("ate".into(), true)));
        assert_eq!(
            h("grievance.step1_deadline"),
            Some(("  date?  Art. 10 §6.A".into(), false))
        );
        assert_eq!(h("1 +"), None);
    }
}
