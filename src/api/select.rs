//! Which queries to answer: patterns (`module.rule`, `module.*`) resolved
//! against the program, or, with none, what the facts allow.

use super::{Engine, Facts};
use crate::diag::did_you_mean;
use crate::eval::Case;
use crate::ir::{FactId, Program, RuleId};

/// One query to answer: the rule, and the name it is answered under (as asked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Query {
    #[serde(skip)]
    pub id: RuleId,
    pub name: String,
    /// Chosen because the facts allow it (no pattern, or `module.*`) rather
    /// than named: left out of an evaluation when a fact it needs is missing.
    #[serde(skip)]
    pub implicit: bool,
}

pub use crate::ir::select::{SelectError, SelectErrorKind, query};

/// The module `module.*` names.
fn module(prog: &Program, pattern: &str, module: &str) -> Result<usize, SelectError> {
    prog.modules.iter().position(|m| m.name == module).ok_or_else(|| {
        let suggestion = did_you_mean(module, prog.modules.iter().map(|m| m.name.as_str())).map(|s| format!("{s}.*"));
        let hint = suggestion
            .as_ref()
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        SelectError {
            kind: SelectErrorKind::UnknownModule,
            pattern: pattern.to_string(),
            message: format!("unknown module `{module}` in `{pattern}`{hint}"),
            suggestion,
        }
    })
}

/// Resolves patterns in order. With `facts`, no pattern means every query the
/// facts allow (see [`DefaultQueries`]) and `module.*`
/// the same for one module; without, `module.*` is every rule (not function)
/// of the module, as written. An unknown module is an error; an unknown query
/// is kept in its place as an error (the other queries still answer).
pub fn resolve(
    prog: &Program,
    patterns: &[String],
    facts: Option<&Facts>,
) -> Result<Vec<Result<Query, SelectError>>, SelectError> {
    resolve_with(prog, patterns, facts, None)
}

/// [`resolve`] with the facts each query reads worked out already (`table`,
/// kept by the engine) rather than for this call.
fn resolve_with(
    prog: &Program,
    patterns: &[String],
    facts: Option<&Facts>,
    table: Option<&DefaultQueries>,
) -> Result<Vec<Result<Query, SelectError>>, SelectError> {
    let defaults = || {
        let provided: &[bool] = facts.map(Facts::provided).unwrap_or(&[]);
        match table {
            Some(t) => t.for_provided(provided),
            None => DefaultQueries::new(prog).for_provided(provided),
        }
    };
    let implicit = |id: RuleId| Query {
        id,
        name: prog.rules[id].qualified.clone(),
        implicit: true,
    };
    let modules: Vec<Option<&str>> = patterns.iter().map(|p| p.strip_suffix(".*")).collect();
    let mut wanted = Vec::new();
    for (p, m) in patterns.iter().zip(&modules) {
        if let Some(m) = m {
            wanted.push(module(prog, p, m)?);
        }
    }
    if facts.is_some() && wanted.len() == patterns.len() {
        // No pattern, or only `module.*`: what the facts allow, as written.
        return Ok(defaults()
            .into_iter()
            .filter(|&id| wanted.is_empty() || wanted.contains(&prog.rules[id].module.index()))
            .map(|id| Ok(implicit(id)))
            .collect());
    }
    let mut out = Vec::new();
    let allowed = if facts.is_some() { defaults() } else { Vec::new() };
    for (p, m) in patterns.iter().zip(&modules) {
        match m {
            Some(m) => {
                let m = module(prog, p, m)?;
                let of_module = |id: RuleId| prog.rules[id].module.index() == m;
                if facts.is_some() {
                    out.extend(
                        allowed
                            .iter()
                            .copied()
                            .filter(|&id| of_module(id))
                            .map(|id| Ok(implicit(id))),
                    );
                } else {
                    out.extend(
                        (0..prog.rules.len())
                            .map(RuleId::from_index)
                            .filter(|&id| of_module(id) && prog.rules[id].params.is_none())
                            .map(|id| {
                                Ok(Query {
                                    implicit: false,
                                    ..implicit(id)
                                })
                            }),
                    );
                }
            }
            None => out.push(query(prog, p).map(|id| Query {
                id,
                name: p.clone(),
                implicit: false,
            })),
        }
    }
    Ok(out)
}

/// [`resolve`], with the first unknown query an error too.
pub fn select(prog: &Program, patterns: &[String], facts: Option<&Facts>) -> Result<Vec<Query>, SelectError> {
    resolve(prog, patterns, facts)?.into_iter().collect()
}

/// A rule or function by its qualified name, or by its own name when only one
/// rule has it (the REPL's convenience).
pub fn find_rule(prog: &Program, name: &str) -> Result<RuleId, SelectError> {
    if let Some(&id) = prog.rule_index.get(name) {
        return Ok(id);
    }
    let mut same_name = (0..prog.rules.len()).filter(|&r| prog.rules[r].name == name);
    if let (Some(id), None) = (same_name.next(), same_name.next()) {
        return Ok(RuleId::from_index(id));
    }
    let suggestion = did_you_mean(name, prog.rules.iter().map(|r| r.qualified.as_str())).map(str::to_string);
    Err(SelectError {
        kind: SelectErrorKind::UnknownRule,
        pattern: name.to_string(),
        message: format!("there is no rule `{name}`"),
        suggestion,
    })
}

/// A query named without its module, when only one query has that name.
pub fn unqualified_query(prog: &Program, name: &str) -> Option<RuleId> {
    if name.contains(|c: char| !(c.is_alphanumeric() || c == '_')) {
        return None;
    }
    let mut found = prog
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.name == name && r.params.is_none());
    match (found.next(), found.next()) {
        (Some((i, _)), None) => Some(RuleId::from_index(i)),
        _ => None,
    }
}

impl Engine {
    /// The queries to answer for these facts: `patterns` empty means every
    /// query the facts allow (as `cba eval` does), `module.*` the same for one
    /// module, and any other pattern an exact query name. An unknown module or
    /// query is an error naming the nearest.
    pub fn select(&self, patterns: &[String], facts: &Facts) -> Result<Vec<Query>, SelectError> {
        resolve_with(self.program(), patterns, Some(facts), Some(self.default_queries()))?
            .into_iter()
            .collect()
    }

    /// Queries for any case: `module.*` is every rule (not function) of the
    /// module, as written (what `cba batch --query` answers).
    pub fn select_static(&self, patterns: &[String]) -> Result<Vec<Query>, SelectError> {
        select(self.program(), patterns, None)
    }

    /// A query by exact name.
    pub fn query(&self, name: &str) -> Result<Query, SelectError> {
        query(self.program(), name).map(|id| Query {
            id,
            name: name.to_string(),
            implicit: false,
        })
    }

    /// A rule or function named as a person would type it: qualified
    /// (`grievance.step2_deadline`), qualified by `default_module`
    /// (`step2_deadline` there), or by its own name when only one rule has it.
    /// The REPL's convenience; front ends that take exact names use
    /// [`Engine::query`].
    pub fn resolve_name(&self, name: &str, default_module: Option<&str>) -> Result<RuleId, SelectError> {
        let prog = self.program();
        if let Some(m) = default_module
            && let Some(&id) = prog.rule_index.get(&format!("{m}.{name}"))
        {
            return Ok(id);
        }
        find_rule(prog, name)
    }
}

/// The queries answered when none are named: every rule of the contracts that
/// reads at least one fact the case gives (`calendar.closures` aside);
/// constants and rules about other kinds of cases are left out. The facts each
/// rule reads are worked out once, so choosing per case is cheap.
#[derive(Debug, Clone)]
pub struct DefaultQueries {
    candidates: Vec<(RuleId, Vec<FactId>)>,
}

impl DefaultQueries {
    pub fn new(prog: &Program) -> DefaultQueries {
        let candidates = prog
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.params.is_none() && !prog.modules[r.module].is_stdlib)
            .map(|(i, _)| {
                let mut facts = prog.facts_read(RuleId::from_index(i));
                facts.retain(|f| Some(*f) != prog.closures_fact);
                (RuleId::from_index(i), facts)
            })
            .filter(|(_, facts)| !facts.is_empty())
            .collect();
        DefaultQueries { candidates }
    }

    /// The rules to answer for this case, in the order they are written.
    pub fn for_case(&self, case: &Case) -> Vec<RuleId> {
        self.for_provided(&case.provided)
    }

    /// The rules to answer when the facts marked in `provided` (by fact id)
    /// are given, in the order they are written.
    pub fn for_provided(&self, provided: &[bool]) -> Vec<RuleId> {
        self.candidates
            .iter()
            .filter(|(_, facts)| facts.iter().any(|f| provided.get(f.index()).copied().unwrap_or(false)))
            .map(|(r, _)| *r)
            .collect()
    }
}
