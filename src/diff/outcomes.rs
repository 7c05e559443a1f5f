//! The outcome diff: both versions answer the same cases; every answer that
//! differs is reported, old → new.

use std::collections::BTreeMap;
use std::path::Path;

use super::rules::{Graph, ItemChange};
use crate::eval::{Case, ErrorKind};
use crate::facts::load::{Origin, fill_case, parse};
use crate::facts::{FactNode, FactValue, UNKNOWN_OFFSET, parse_json};
use crate::ir::{Program, RuleId};

/// One case: a name and its facts, as a fact file would give them.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub name: String,
    pub facts: FactNode,
}

/// An answer in a form both versions share.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum Answer {
    Value(String),
    /// The case lacks a fact the query needs (its path).
    Missing(String),
    Error(String),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Value(v) => write!(f, "{v}"),
            Answer::Missing(p) => write!(f, "(missing fact `{p}`)"),
            Answer::Error(e) => write!(f, "error: {e}"),
        }
    }
}

/// A query whose answer changed in one case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueryChange {
    pub query: String,
    pub old: Answer,
    pub new: Answer,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseChange {
    pub case: String,
    pub changes: Vec<QueryChange>,
}

/// The cases whose answers differ, and how many were compared.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OutcomeDiff {
    pub total: usize,
    pub cases: Vec<CaseChange>,
    /// For each query, how many cases' answers to it changed.
    pub per_query: BTreeMap<String, usize>,
}

/// The queries to compare: rules of the contracts (not functions) answered by
/// both versions, limited to those a change can reach.
pub struct Scope {
    pub queries: Vec<(String, RuleId, RuleId)>,
}

impl Scope {
    pub fn of(changes: &[ItemChange], old: &Program, new: &Program) -> Scope {
        // A changed enum, record, calendar or header can reach any rule; other
        // changes reach their rule's, table's or fact's dependents.
        let everything = changes
            .iter()
            .any(|c| matches!(c.kind, "enum" | "record" | "calendar" | "module"));
        let mut reach = std::collections::BTreeSet::new();
        let (old_graph, new_graph) = (Graph::of(old), Graph::of(new));
        for c in changes {
            for (g, p) in [(&old_graph, old), (&new_graph, new)] {
                for r in g.dependents(p, c) {
                    reach.insert(p.rules[r].qualified.clone());
                }
            }
        }
        let queries = new
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.params.is_none() && !new.modules[r.module].is_stdlib)
            .filter(|(_, r)| everything || reach.contains(&r.qualified))
            // A constant answers the same in every case: the rule diff shows it.
            .filter(|(i, _)| !new.facts_read(RuleId::from_index(*i)).is_empty())
            .filter_map(|(i, r)| {
                let o = old.rule_index.get(&r.qualified).copied().or_else(|| {
                    old.rules
                        .iter()
                        .position(|x| x.qualified == r.qualified && x.params.is_none())
                        .map(RuleId::from_index)
                })?;
                Some((r.qualified.clone(), o, RuleId::from_index(i)))
            })
            .collect();
        Scope { queries }
    }
}

/// A case's facts loaded into a fresh case of `prog`.
pub fn case_for<'p>(prog: &'p Program, input: &CaseInput) -> Case<'p> {
    let mut case = Case::new(prog);
    let origin = Origin {
        name: &input.name,
        text: "",
    };
    // Every input is an object (checked when it was read).
    let _ = fill_case(&mut case, &input.facts, &origin);
    case
}

/// The answer to one query.
pub fn answer(case: &mut Case, rule: RuleId) -> Answer {
    let prog = case.prog;
    match case.rule(rule) {
        Ok(v) => Answer::Value(crate::eval::format::text(prog, &v, &prog.rules[rule].ty)),
        Err(e) => match &e.kind {
            ErrorKind::MissingFact(f) => Answer::Missing(prog.facts[*f].path.clone()),
            ErrorKind::BadFact(f, why) => Answer::Error(format!("fact `{}` {why}", prog.facts[*f].path)),
            ErrorKind::Raised(m) => Answer::Error(m.clone()),
            ErrorKind::Runtime(e) => Answer::Error(e.to_string()),
        },
    }
}

/// The queries of `scope` whose answers differ for one case.
pub fn compare(old: &Program, new: &Program, input: &CaseInput, scope: &Scope) -> Vec<QueryChange> {
    let mut a = case_for(old, input);
    let mut b = case_for(new, input);
    let mut out = Vec::new();
    for (q, ro, rn) in &scope.queries {
        let (x, y) = (answer(&mut a, *ro), answer(&mut b, *rn));
        if x != y {
            out.push(QueryChange {
                query: q.clone(),
                old: x,
                new: y,
            });
        }
    }
    out
}

/// Both versions over every case of the corpus.
pub fn run(old: &Program, new: &Program, corpus: &[CaseInput], scope: &Scope) -> OutcomeDiff {
    let mut diff = OutcomeDiff {
        total: corpus.len(),
        ..Default::default()
    };
    for input in corpus {
        let changes = compare(old, new, input, scope);
        if changes.is_empty() {
            continue;
        }
        for c in &changes {
            *diff.per_query.entry(c.query.clone()).or_default() += 1;
        }
        diff.cases.push(CaseChange {
            case: input.name.clone(),
            changes,
        });
    }
    diff
}

/// The default corpus: the givens of every inline test of both versions (a test
/// changed between them contributes both of its cases).
pub fn test_cases(old: &Program, new: &Program) -> Vec<CaseInput> {
    let mut out: Vec<CaseInput> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for prog in [old, new] {
        for t in &prog.tests {
            let module = &prog.modules[t.module];
            if module.is_stdlib {
                continue;
            }
            let mut facts = FactNode {
                value: FactValue::Object(Vec::new()),
                offset: UNKNOWN_OFFSET,
            };
            for (f, v, _) in &t.givens {
                let info = &prog.facts[f.index()];
                let mut json = String::new();
                crate::eval::format::write_json(&mut json, prog, v, &info.ty);
                if let Ok(node) = parse_json(&json) {
                    set_path(&mut facts, &info.path, node);
                }
            }
            let name = format!("test {}: \"{}\"", module.name, t.name);
            match seen.get(&name) {
                Some(&i) if out[i].facts == facts => continue,
                Some(_) => out.push(CaseInput {
                    name: format!("{name} (new)"),
                    facts,
                }),
                None => {
                    seen.insert(name.clone(), out.len());
                    out.push(CaseInput { name, facts });
                }
            }
        }
    }
    out
}

/// Paths in an object of facts (`grievance.step1.received_on`).
pub use crate::facts::{get_path, set_path};

/// Reads a corpus: a JSON Lines file (one fact object a line), a JSON or TOML
/// fact file (one case), or a directory of them.
pub fn read_corpus(path: &Path) -> Result<Vec<CaseInput>, String> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "json" || e == "jsonl" || e == "toml")
            })
            .collect();
        files.sort();
        for f in files {
            out.extend(read_file(&f)?);
        }
        if out.is_empty() {
            return Err(format!(
                "`{}` holds no `.json`, `.jsonl` or `.toml` cases",
                path.display()
            ));
        }
        return Ok(out);
    }
    read_file(path)
}

fn read_file(path: &Path) -> Result<Vec<CaseInput>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let name = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let object = |node: FactNode, at: String| -> Result<CaseInput, String> {
        if matches!(node.value, FactValue::Object(_)) {
            Ok(CaseInput { name: at, facts: node })
        } else {
            Err(format!(
                "{at}: a case must be an object of facts, but this is {}",
                node.value.kind()
            ))
        }
    };
    if ext == "jsonl" {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{name}:{}", i + 1);
            let node = parse_json(line).map_err(|e| format!("{at}: {}", e.message))?;
            out.push(object(node, at)?);
        }
        return Ok(out);
    }
    let node = parse(&text, ext == "toml").map_err(|e| {
        let (l, c) = crate::source::line_col(&text, e.offset.min(text.len() as u32) as usize);
        format!("{name}:{l}:{c}: {}", e.message)
    })?;
    Ok(vec![object(node, name)?])
}
