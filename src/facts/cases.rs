//! Test case files for `cba test`: the facts of a case and the answers expected,
//! in JSON or TOML.
//!
//! ```json
//! {
//!   "name": "Step Two by mail over the holidays",
//!   "facts": { "grievance": { "step1": { "answered_on": "2024-11-25" } } },
//!   "expect": { "grievance.step2_deadline": "2025-01-09" },
//!   "expect_error": ["grievance.step3_deadline"]
//! }
//! ```
//!
//! A file holds one case, or several under `"cases": [ … ]`. `"skip": "why"`
//! skips a case. Facts are written as in a fact file (`cba eval --facts`);
//! expected values as the JSON output writes them (`null` for none).

use super::load::{Origin, convert, parse};
use super::{FactNode, FactValue, UNKNOWN_OFFSET};
use crate::ir::{FactNodeKind, FactTree, Program, RuleId};
use crate::values::value::Value;

/// One case of a case file.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// `file:line:col` of the case.
    pub at: String,
    pub facts: Option<FactNode>,
    pub expects: Vec<CaseExpect>,
    /// The reason the case is skipped.
    pub skip: Option<String>,
    /// Mistakes in the case itself (unknown queries, mistyped values, unknown
    /// facts): each fails the case.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CaseExpect {
    pub rule: RuleId,
    /// `None`: the query is expected to fail.
    pub value: Option<Value>,
    /// `file:line:col` of the expectation.
    pub at: String,
}

/// The keys a case may have.
const CASE_KEYS: [&str; 5] = ["name", "facts", "expect", "expect_error", "skip"];

/// Reads a case file. An error (the file's syntax, or its top level not an
/// object) is a message naming the place.
pub fn read(prog: &Program, name: &str, text: &str, is_toml: bool) -> Result<Vec<TestCase>, String> {
    let root = parse(text, is_toml).map_err(|e| format!("{}: {}", at(name, text, e.offset), e.message))?;
    let origin = Origin { name, text };
    match (&root.value, root.get("cases")) {
        (
            FactValue::Object(_),
            Some(FactNode {
                value: FactValue::Array(xs),
                ..
            }),
        ) => Ok(xs
            .iter()
            .enumerate()
            .map(|(i, c)| one(prog, c, &origin, &format!("{} #{}", stem(name), i + 1)))
            .collect()),
        (FactValue::Object(_), Some(other)) => Err(format!(
            "{}: `cases` must be an array of cases",
            at(name, text, other.offset)
        )),
        (FactValue::Object(_), None) => Ok(vec![one(prog, &root, &origin, &stem(name))]),
        _ => Err(format!(
            "{}: a case file is an object with `facts` and `expect`",
            at(name, text, root.offset)
        )),
    }
}

fn stem(name: &str) -> String {
    std::path::Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned())
}

fn at(name: &str, text: &str, offset: u32) -> String {
    if offset == UNKNOWN_OFFSET {
        return name.to_string();
    }
    let (l, c) = crate::source::line_col(text, offset as usize);
    format!("{name}:{l}:{c}")
}

fn one(prog: &Program, node: &FactNode, origin: &Origin, default_name: &str) -> TestCase {
    let mut case = TestCase {
        name: default_name.to_string(),
        at: at(origin.name, origin.text, node.offset),
        facts: None,
        expects: Vec::new(),
        skip: None,
        problems: Vec::new(),
    };
    let FactValue::Object(members) = &node.value else {
        case.problems
            .push(format!("{}: a case is an object with `facts` and `expect`", case.at));
        return case;
    };
    for (key, v) in members {
        let here = at(origin.name, origin.text, v.offset);
        match (key.as_str(), &v.value) {
            ("name", FactValue::String(s)) => case.name = s.clone(),
            ("skip", FactValue::String(s)) => case.skip = Some(s.clone()),
            ("skip", FactValue::Bool(true)) => case.skip = Some(String::new()),
            ("skip", FactValue::Bool(false)) => {}
            ("facts", FactValue::Object(_)) => {
                unknown_facts(&prog.fact_tree, v, "", origin, &mut case.problems);
                case.facts = Some(v.clone());
            }
            ("expect", FactValue::Object(xs)) => {
                for (q, x) in xs {
                    let here = at(origin.name, origin.text, x.offset);
                    match crate::ir::select::query(prog, q) {
                        Ok(rule) => match convert(prog, x, &prog.rules[rule].ty, origin) {
                            Ok(value) => case.expects.push(CaseExpect {
                                rule,
                                value: Some(value),
                                at: here,
                            }),
                            Err(why) => case.problems.push(format!("the expected value of `{q}` {why}")),
                        },
                        Err(m) => case.problems.push(format!("{here}: {m}")),
                    }
                }
            }
            ("expect_error", FactValue::Array(xs)) => {
                for x in xs {
                    let here = at(origin.name, origin.text, x.offset);
                    match &x.value {
                        FactValue::String(q) => match crate::ir::select::query(prog, q) {
                            Ok(rule) => case.expects.push(CaseExpect {
                                rule,
                                value: None,
                                at: here,
                            }),
                            Err(m) => case.problems.push(format!("{here}: {m}")),
                        },
                        _ => case.problems.push(format!("{here}: `expect_error` lists query names")),
                    }
                }
            }
            (k, _) if CASE_KEYS.contains(&k) => case.problems.push(format!(
                "{here}: `{k}` should be {}",
                match k {
                    "name" => "a string",
                    "skip" => "a string (the reason) or a boolean",
                    "expect_error" => "an array of query names",
                    _ => "an object",
                }
            )),
            (k, _) => {
                let hint = crate::diag::did_you_mean(k, CASE_KEYS)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                case.problems.push(format!("{here}: unknown key `{k}` in a case{hint}"));
            }
        }
    }
    if case.expects.is_empty() && case.problems.is_empty() && case.skip.is_none() {
        case.problems.push(format!(
            "{}: the case expects nothing: add `expect` (or `expect_error`)",
            case.at
        ));
    }
    case
}

/// Keys of the facts object that name no declared fact (a misspelling would
/// otherwise be ignored and the test pass for the wrong reason).
fn unknown_facts(tree: &FactTree, node: &FactNode, prefix: &str, origin: &Origin, out: &mut Vec<String>) {
    let FactValue::Object(members) = &node.value else {
        return;
    };
    for (k, v) in members {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match tree.children.iter().find(|(n, _)| n == k) {
            Some((_, FactNodeKind::Group(sub))) => unknown_facts(sub, v, &path, origin, out),
            Some((_, FactNodeKind::Leaf(_))) => {}
            None => {
                let names = tree.children.iter().map(|(n, _)| n.as_str());
                let hint = crate::diag::did_you_mean(k, names)
                    .map(|s| {
                        let full = if prefix.is_empty() {
                            s.to_string()
                        } else {
                            format!("{prefix}.{s}")
                        };
                        format!("; did you mean `{full}`?")
                    })
                    .unwrap_or_default();
                out.push(format!(
                    "{}: unknown fact `{path}`{hint}",
                    at(origin.name, origin.text, v.offset)
                ));
            }
        }
    }
}
