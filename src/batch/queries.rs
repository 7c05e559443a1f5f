//! Which queries a batch answers: names given on the command line (with
//! `module.*` for every rule of a module), or, when none are given, the rules
//! that read a fact each record gives.

use crate::diag::did_you_mean;
use crate::eval::Case;
use crate::ir::{FactId, Program, RuleId};

/// One query: the rule and the name it is answered under.
#[derive(Debug, Clone)]
pub struct Query {
    pub rule: RuleId,
    pub name: String,
}

/// Resolves query names, in order; `module.*` stands for every rule (not
/// function) of the module, in the order they are written.
///
/// An unknown name is an error naming it, with the nearest query when there
/// is one.
pub fn resolve(prog: &Program, names: &[String]) -> Result<Vec<Query>, String> {
    let mut out = Vec::new();
    for name in names {
        if let Some(module) = name.strip_suffix(".*") {
            let Some(m) = prog.modules.iter().position(|m| m.name == module) else {
                let hint = did_you_mean(module, prog.modules.iter().map(|m| m.name.as_str()))
                    .map(|s| format!("; did you mean `{s}.*`?"))
                    .unwrap_or_default();
                return Err(format!("unknown module `{module}` in `{name}`{hint}"));
            };
            out.extend(
                prog.rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.module.index() == m && r.params.is_none())
                    .map(|(i, r)| Query {
                        rule: RuleId::from_index(i),
                        name: r.qualified.clone(),
                    }),
            );
            continue;
        }
        let rule = prog.query(name)?;
        out.push(Query {
            rule,
            name: name.clone(),
        });
    }
    Ok(out)
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
