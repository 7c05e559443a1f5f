//! `cba repl`: questions and what-ifs against one case, for people who know the
//! Agreement rather than Rust.
//!
//! A [`Session`] holds the program, the case's facts (as a fact-file tree, see
//! [`facts`]) and the baseline that `:diff` compares against; [`Session::handle`]
//! answers one entry with a [`Reply`]. The terminal (rustyline) and the piped
//! driver live in `cli/repl.rs`; completion and hints in [`complete`].

pub mod command;
pub mod complete;
pub mod facts;

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use crate::check::{Input, check_expr, check_expr_as, check_files};
use crate::diag::did_you_mean;
use crate::eval::format::{text, write_json};
use crate::eval::{Case, ErrorKind, EvalError};
use crate::facts::load::{Origin, convert, fill_case, parse};
use crate::facts::{FactNode, FactValue, UNKNOWN_OFFSET, parse_json};
pub(crate) use crate::ir::TypeText;
use crate::ir::{Program, RuleId};
use crate::report::render_text;
use crate::source::SourceMap;
use crate::syntax::span::FileId;
use crate::types::Type;
use command::Command;
use facts::Target;

/// What one entry produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The answer (standard output), newline-terminated when not empty.
    pub answer: String,
    /// A confirmation for a person at a terminal (not printed when piped).
    pub note: String,
    /// Something to know, though the entry did what it said (standard error).
    pub warning: String,
    /// Why the entry failed (standard error).
    pub error: String,
    pub quit: bool,
}

impl Reply {
    fn answer(s: impl Into<String>) -> Reply {
        let mut answer = s.into();
        if !answer.is_empty() && !answer.ends_with('\n') {
            answer.push('\n');
        }
        Reply {
            answer,
            ..Reply::default()
        }
    }

    fn error(s: impl Into<String>) -> Reply {
        Reply {
            error: lines(s.into()),
            ..Reply::default()
        }
    }

    fn note(s: impl Into<String>) -> Reply {
        Reply {
            note: lines(s.into()),
            ..Reply::default()
        }
    }

    fn warn(mut self, w: &[String]) -> Reply {
        for line in w {
            self.warning.push_str(&format!("warning: {line}\n"));
        }
        self
    }

    pub fn failed(&self) -> bool {
        !self.error.is_empty()
    }
}

fn lines(mut s: String) -> String {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// A fact file's name and text, for positions in messages.
#[derive(Debug, Clone, Default)]
struct FactFile {
    name: String,
    text: String,
}

impl FactFile {
    fn named(name: &str) -> FactFile {
        FactFile {
            name: name.into(),
            text: String::new(),
        }
    }
}

/// The state of one REPL session.
pub struct Session {
    prog: Rc<Program>,
    /// The case's facts now.
    facts: FactNode,
    /// The facts as last loaded, for `:reset`.
    loaded: FactNode,
    file: FactFile,
    /// The program and facts `:diff` compares with.
    baseline: (Rc<Program>, FactNode),
    /// Counts changes of program (completion words are rebuilt then).
    generation: u64,
    /// The line of the script (standard input) the entry being handled starts
    /// on, so messages point into the script; `None` at a terminal.
    script_line: Option<usize>,
}

impl Session {
    /// A session on a program with no facts.
    pub fn new(prog: Program) -> Session {
        let prog = Rc::new(prog);
        Session {
            baseline: (prog.clone(), facts::empty()),
            prog,
            facts: facts::empty(),
            loaded: facts::empty(),
            file: FactFile::default(),
            generation: 0,
            script_line: None,
        }
    }

    pub fn program(&self) -> &Program {
        &self.prog
    }

    /// Messages about the next entries point into a script at `line` (1-based)
    /// of standard input; `None` for entries typed at a terminal.
    pub fn set_script_line(&mut self, line: Option<usize>) {
        self.script_line = line;
    }

    /// Changes whenever the program does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A case filled with the current facts.
    fn case(&self) -> Case<'_> {
        let mut case = Case::new(&self.prog);
        let origin = Origin {
            name: &self.file.name,
            text: &self.file.text,
        };
        // The tree's root is always an object, the only thing `fill_case` refuses.
        let _ = fill_case(&mut case, &self.facts, &origin);
        case
    }

    /// Answers one entry (a line, or lines joined while the input was incomplete).
    pub fn handle(&mut self, input: &str) -> Reply {
        let cmd = match command::parse(input) {
            Ok(c) => c,
            Err(e) => return Reply::error(format!("error: {e}")),
        };
        match cmd {
            Command::Empty => Reply::default(),
            Command::Eval(text) => self.eval(&text),
            Command::Set { path, value } => self.set(&path, &value),
            Command::Unset(path) => self.unset(&path),
            Command::Facts => self.show_facts(),
            Command::Load(path) => self.load(&path),
            Command::Reset => self.reset(),
            Command::Diff => self.diff(),
            Command::Why(name) => self.why(&name),
            Command::Flip(name, opts) => self.flip(&name, opts),
            Command::Inputs(name) => self.inputs(&name),
            Command::Rules(module) => self.rules(module.as_deref()),
            Command::Help => Reply::answer(command::help()),
            Command::Quit => Reply {
                quit: true,
                ..Reply::default()
            },
        }
    }

    fn eval(&self, input: &str) -> Reply {
        let prog = &*self.prog;
        // In a script, the entry is checked as if at its line, so a message says
        // `<stdin>:4:11` for the fourth line (the blank lines before cost nothing).
        let (name, source) = match self.script_line {
            Some(n) if n > 1 => ("<stdin>", format!("{}{input}", "\n".repeat(n - 1))),
            Some(_) => ("<stdin>", input.to_string()),
            None => ("<input>", input.to_string()),
        };
        let checked = match check_expr(prog, name, &source) {
            Ok(c) => c,
            Err((sources, diags)) => {
                if let Some(id) = crate::api::select::unqualified_query(prog, input) {
                    return self.eval(&prog.rules[id].qualified.clone());
                }
                return Reply::error(render_text(&sources, &diags));
            }
        };
        let mut case = self.case();
        match case.eval_top(&checked.expr, checked.locals) {
            Ok(v) => Reply::answer(text(prog, &v, &checked.ty)),
            Err(e) => Reply::error(format!("error: {}", e.message(prog))),
        }
    }

    fn set(&mut self, path: &str, value: &str) -> Reply {
        let target = match facts::resolve(&self.prog, path) {
            Ok(t) => t,
            Err(e) => return Reply::error(format!("error: {e}")),
        };
        let node = match &target {
            Target::Group => match parse_json(value) {
                Ok(n) if matches!(n.value, FactValue::Object(_)) => facts::unplaced(n),
                _ => {
                    return Reply::error(format!(
                        "error: `{path}` is a group of facts, so its value is a JSON object\nhelp: set one fact, like `:set {path}.NAME = VALUE`, or write `{{\"NAME\": VALUE, …}}`"
                    ));
                }
            },
            Target::Fact { ty, .. } => match self.value_node(path, value, ty) {
                Ok(n) => n,
                Err(e) => return Reply::error(e),
            },
        };
        if target == Target::Group {
            // Check the group's values on their own, so messages name the value.
            let mut alone = facts::empty();
            facts::set(&mut alone, path, node.clone());
            let bad = self.bad_facts_in(&alone, &FactFile::named("the value"), path);
            if !bad.is_empty() {
                return Reply::error(format!(
                    "error: {}
help: nothing was set",
                    bad.join("\nerror: ")
                ));
            }
        }
        facts::set(&mut self.facts, path, node);
        // A field of a record fact whose other fields are still needed.
        Reply::default().warn(&self.bad_facts_in(&self.facts, &self.file, path))
    }

    /// Messages for the facts at or under `path` that the tree gives but a case
    /// cannot read (`path` empty: all of them).
    fn bad_facts_in(&self, tree: &FactNode, file: &FactFile, path: &str) -> Vec<String> {
        let prog = &*self.prog;
        let mut case = Case::new(prog);
        let origin = Origin {
            name: &file.name,
            text: &file.text,
        };
        let _ = fill_case(&mut case, tree, &origin);
        (0..prog.facts.len())
            .filter(|&f| path.is_empty() || is_under(&prog.facts[f].path, path))
            .filter_map(|f| match case.slot(crate::ir::FactId::from_index(f)) {
                crate::eval::Slot::Bad(why) => Some(format!("fact `{}` {why}", prog.facts[f].path)),
                _ => None,
            })
            .collect()
    }

    /// The value of `:set` as a fact-tree node: JSON (`"mail"`, `3`, `{…}`), or
    /// else a cba expression of the fact's type (`mail`, `2025-11-25`, `$500`).
    fn value_node(&self, path: &str, value: &str, ty: &Type) -> Result<FactNode, String> {
        let prog = &*self.prog;
        let optional = matches!(ty, Type::Optional(_));
        let not_optional = || {
            format!(
                "error: `{path}` cannot be none: it takes a `{}`\nhelp: `:unset {path}` takes it out of the case",
                TypeText(prog).of(ty)
            )
        };
        if let Ok(node) = parse_json(value) {
            let node = facts::unplaced(node);
            if matches!(node.value, FactValue::Null) && !optional {
                return Err(not_optional());
            }
            let origin = Origin {
                name: "the value",
                text: value,
            };
            return match convert(prog, &node, ty, &origin) {
                Ok(_) => Ok(node),
                Err(why) => Err(format!(
                    "error: `{path}` {why}\nhelp: write JSON (\"text\", 12.5, true) or a cba value (2025-11-25, $500, 8 h)"
                )),
            };
        }
        let checked = check_expr_as(prog, "<value>", value, Some(ty)).map_err(|(s, d)| render_text(&s, &d))?;
        if checked.ty == Type::Null && !optional {
            return Err(not_optional());
        }
        if !checked.ty.fits(ty) {
            let names = TypeText(prog);
            return Err(format!(
                "error: `{path}` takes a `{}`, not `{value}` (a `{}`)",
                names.of(ty),
                names.of(&checked.ty)
            ));
        }
        let v = self
            .case()
            .eval_top(&checked.expr, checked.locals)
            .map_err(|e| format!("error: {}", e.message(prog)))?;
        if matches!(v, crate::values::value::Value::None) && !optional {
            return Err(not_optional());
        }
        let mut json = String::new();
        write_json(&mut json, prog, &v, ty);
        parse_json(&json)
            .map(facts::unplaced)
            .map_err(|e| format!("error: cannot keep the value `{value}`: {e}"))
    }

    fn unset(&mut self, path: &str) -> Reply {
        if let Err(e) = facts::resolve(&self.prog, path) {
            return Reply::error(format!("error: {e}"));
        }
        if facts::unset(&mut self.facts, path) {
            Reply::default()
        } else {
            Reply::default().warn(&[format!("`{path}` was not set")])
        }
    }

    fn show_facts(&self) -> Reply {
        let case = self.case();
        let out = facts::listing(&case, &self.facts);
        if out.is_empty() {
            Reply::answer("no facts are set")
        } else {
            Reply::answer(out)
        }
    }

    fn load(&mut self, path: &Path) -> Reply {
        match path.extension().and_then(|e| e.to_str()) {
            Some("cba") => self.load_rules(path),
            Some("json" | "toml") => self.load_facts(path),
            _ => Reply::error(format!(
                "error: `:load` reads facts (`.json`, `.toml`) or rules (`.cba`), not `{}`",
                path.display()
            )),
        }
    }

    /// Replaces the facts with a fact file's, and makes them the baseline.
    pub fn load_facts(&mut self, path: &Path) -> Reply {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return Reply::error(format!("error: cannot read `{name}`: {e}")),
        };
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        let root = match parse(&text, is_toml) {
            Ok(r) => r,
            Err(e) if e.offset == UNKNOWN_OFFSET => return Reply::error(format!("error: {name}: {}", e.message)),
            Err(e) => {
                let (l, c) = crate::source::line_col(&text, e.offset as usize);
                return Reply::error(format!("error: {name}:{l}:{c}: {}", e.message));
            }
        };
        if !matches!(root.value, FactValue::Object(_)) {
            return Reply::error(format!(
                "error: {name}: a fact file must be an object of facts, but this is {}",
                root.value.kind()
            ));
        }
        self.facts = root;
        self.loaded = self.facts.clone();
        self.file = FactFile { name, text };
        self.baseline = (self.prog.clone(), self.facts.clone());
        let mut warnings = facts::unknown_paths(&self.prog, &self.facts);
        warnings.extend(self.bad_facts_in(&self.facts, &self.file, ""));
        Reply::note(format!("loaded the facts of `{}`", self.file.name)).warn(&warnings)
    }

    /// Checks the program again with the file's module added, or in place of
    /// the module of the same name. The facts stay; `:diff` then shows what
    /// the new rules change.
    fn load_rules(&mut self, path: &Path) -> Reply {
        let name = path.display().to_string();
        let text = match crate::source::read_rule_file(path) {
            Ok(crate::source::RuleFile {
                text,
                not_utf8: Some(at),
                ..
            }) => {
                let mut sources = SourceMap::default();
                let file = sources.add(name, text);
                let d = crate::load::not_utf8(file, at);
                return Reply::error(format!("{}the rules were not loaded", render_text(&sources, &[d])));
            }
            Ok(f) => f.text,
            Err(e) => return Reply::error(format!("error: cannot read `{name}`: {e}")),
        };
        let (module, diags) = crate::syntax::parse_module(&text, FileId(0));
        let Some(module) = module else {
            let mut sources = SourceMap::default();
            sources.add(name, text);
            return Reply::error(format!("{}the rules were not loaded", render_text(&sources, &diags)));
        };
        let module_name = module.name.node;
        let prog = &*self.prog;
        let mut inputs = Vec::new();
        let mut replaced = false;
        for m in &prog.modules {
            let file = prog.sources.get(m.file);
            let (name, text) = if m.name == module_name {
                replaced = true;
                (name.clone(), text.clone())
            } else {
                (file.name.clone(), file.text.clone())
            };
            inputs.push(Input {
                name,
                text,
                is_stdlib: m.is_stdlib,
            });
        }
        if !replaced {
            inputs.push(Input {
                name: name.clone(),
                text,
                is_stdlib: false,
            });
        }
        let (program, diags) = check_files(inputs);
        let program = match program {
            Ok(p) => p,
            Err(sources) => {
                return Reply::error(format!(
                    "{}the rules were not loaded; the rules before stay",
                    render_text(&sources, &diags)
                ));
            }
        };
        let mut reply = Reply::note(format!(
            "{} module `{module_name}` from `{name}`",
            if replaced { "replaced" } else { "added" }
        ));
        reply.warning = render_text(&program.sources, &diags);
        self.prog = Rc::new(program);
        self.generation += 1;
        let gone: Vec<String> = facts::unknown_paths(&self.prog, &self.facts);
        reply.warn(&gone)
    }

    fn reset(&mut self) -> Reply {
        self.facts = self.loaded.clone();
        self.baseline = (self.prog.clone(), self.facts.clone());
        if self.file.name.is_empty() {
            Reply::note("no facts are set")
        } else {
            Reply::note(format!("the facts are those of `{}` again", self.file.name))
        }
    }

    fn diff(&self) -> Reply {
        let (bprog, bfacts) = &self.baseline;
        let mut base_case = Case::new(bprog);
        let origin = Origin {
            name: &self.file.name,
            text: &self.file.text,
        };
        let _ = fill_case(&mut base_case, bfacts, &origin);
        let before: HashMap<String, String> = answers(&mut base_case).into_iter().collect();
        let mut case = self.case();
        let now = answers(&mut case);
        let mut changes: Vec<(String, String, String)> = Vec::new();
        for (name, new) in &now {
            match before.get(name) {
                Some(old) if old == new => {}
                Some(old) => changes.push((name.clone(), old.clone(), new.clone())),
                None => changes.push((name.clone(), "(a new rule)".into(), new.clone())),
            }
        }
        for (name, old) in answers(&mut base_case) {
            if !now.iter().any(|(n, _)| *n == name) {
                changes.push((name, old, "(no such rule now)".into()));
            }
        }
        if changes.is_empty() {
            return Reply::answer("no answers changed");
        }
        // Short answers in columns; a long one (a list, a record) on lines of its own.
        const LONG: usize = 30;
        let short = |c: &&(String, String, String)| c.1.chars().count() <= LONG && c.2.chars().count() <= LONG;
        let width = |pick: fn(&(String, String, String)) -> &String| {
            changes
                .iter()
                .filter(short)
                .map(|c| pick(c).chars().count())
                .max()
                .unwrap_or(0)
        };
        let (w1, w2) = (width(|c| &c.0), width(|c| &c.1));
        let mut out = String::new();
        for c in &changes {
            let (n, o, v) = c;
            if short(&c) {
                out.push_str(&format!("{n:w1$}  {o:w2$}  →  {v}\n"));
            } else {
                out.push_str(&format!("{n}\n    was  {o}\n    now  {v}\n"));
            }
        }
        Reply::answer(out)
    }

    fn why(&self, name: &str) -> Reply {
        let prog = &*self.prog;
        let id = match find_rule(prog, name) {
            Ok(id) => id,
            Err(e) => return Reply::error(format!("error: {e}")),
        };
        if prog.rules[id].params.is_some() {
            return Reply::error(format!(
                "error: `{name}` is a function: it answers for the arguments it is given\nhelp: ask `{name}(…)` with arguments"
            ));
        }
        let mut case = self.case();
        Reply::answer(crate::explain::why_text(&mut case, id))
    }

    /// A query named by `:flip` or `:inputs` (a rule, not a function).
    fn query_named(&self, name: &str, cmd: &str) -> Result<RuleId, Reply> {
        let prog = &*self.prog;
        let id = find_rule(prog, name).map_err(|e| Reply::error(format!("error: {e}")))?;
        if prog.rules[id].params.is_some() {
            return Err(Reply::error(format!(
                "error: `{name}` is a function: `{cmd}` takes a rule\nhelp: ask about a rule that calls it"
            )));
        }
        Ok(id)
    }

    fn flip(&self, name: &str, opts: crate::flip::Options) -> Reply {
        let id = match self.query_named(name, ":flip") {
            Ok(id) => id,
            Err(r) => return r,
        };
        let case = self.case();
        Reply::answer(crate::flip::flips(&case, id, opts).to_text())
    }

    fn inputs(&self, name: &str) -> Reply {
        let id = match self.query_named(name, ":inputs") {
            Ok(id) => id,
            Err(r) => return r,
        };
        let case = self.case();
        Reply::answer(crate::flip::lineage(&self.prog, &[id], Some(&case)).to_text())
    }

    fn rules(&self, module: Option<&str>) -> Reply {
        let prog = &*self.prog;
        let modules: Vec<usize> = match module {
            None => (0..prog.modules.len())
                .filter(|&m| !prog.modules[m].is_stdlib)
                .collect(),
            Some(name) => match prog.modules.iter().position(|m| m.name == name) {
                Some(m) => vec![m],
                None => {
                    let hint = did_you_mean(name, prog.modules.iter().map(|m| m.name.as_str()))
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "`:rules` lists every module".into());
                    return Reply::error(format!("error: there is no module `{name}`\nhelp: {hint}"));
                }
            },
        };
        let names = TypeText(prog);
        let mut out = String::new();
        for m in modules {
            let info = &prog.modules[m];
            let head = match (info.article, &info.title) {
                (Some(a), Some(t)) => format!("{} — Art. {a} {t}", info.name),
                (Some(a), None) => format!("{} — Art. {a}", info.name),
                _ => info.name.clone(),
            };
            out.push_str(&format!("{head}\n"));
            let rows: Vec<(String, String, String)> = prog
                .rules
                .iter()
                .filter(|r| r.module.index() == m)
                .map(|r| {
                    let sig = match &r.params {
                        Some(ps) => format!(
                            "{}({})",
                            r.qualified,
                            ps.iter()
                                .map(|(n, t)| format!("{n}: {}", names.of(t)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => r.qualified.clone(),
                    };
                    let cite = r.citation.as_ref().map(ToString::to_string).unwrap_or_default();
                    (sig, names.of(&r.ty), cite)
                })
                .collect();
            let w1 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
            let w2 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
            for (sig, ty, cite) in rows {
                out.push_str(format!("  {sig:w1$}  {ty:w2$}  {cite}").trim_end());
                out.push('\n');
            }
        }
        Reply::answer(out)
    }
}

/// `a.b` is `path` or inside it.
fn is_under(fact: &str, path: &str) -> bool {
    fact == path
        || fact.strip_prefix(path).is_some_and(|r| r.starts_with('.'))
        || path.strip_prefix(fact).is_some_and(|r| r.starts_with('.'))
}

/// A rule by its qualified name, or by its own name when that is unique (the
/// API's lookup, worded for the REPL).
pub fn find_rule(prog: &Program, name: &str) -> Result<RuleId, String> {
    crate::api::select::find_rule(prog, name).map_err(|e| {
        let hint = e
            .suggestion
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| "`:rules` lists the rules; Tab completes their names".into());
        format!("{}\nhelp: {hint}", e.message)
    })
}

/// Every parameterless rule of the contracts with its answer as text.
fn answers(case: &mut Case) -> Vec<(String, String)> {
    let prog = case.prog;
    (0..prog.rules.len())
        .filter(|&r| prog.rules[r].params.is_none() && !prog.modules[(prog.rules[r].module).index()].is_stdlib)
        .map(|r| {
            let rule = &prog.rules[r];
            let shown = match case.rule(RuleId::from_index(r)) {
                Ok(v) => text(prog, &v, &rule.ty),
                Err(e) => short_error(prog, &e),
            };
            (rule.qualified.clone(), shown)
        })
        .collect()
}

fn short_error(prog: &Program, e: &EvalError) -> String {
    match &e.kind {
        ErrorKind::MissingFact(f) => format!("(needs `{}`)", prog.facts[f.index()].path),
        ErrorKind::BadFact(f, _) => format!("(fact `{}` is mistyped)", prog.facts[f.index()].path),
        ErrorKind::Raised(m) => format!("(error: {m})"),
        ErrorKind::Runtime(e) => format!("(error: {e})"),
    }
}
