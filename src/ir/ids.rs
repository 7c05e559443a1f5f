//! Stable ids of the `when` groups and their branches.
//!
//! The checker numbers every `when … otherwise` group of every rule body (the
//! exceptions' branches included, nested groups too) in source order, and keeps
//! one [`CasesInfo`] per group in [`Program::cases`]; the id is stored in
//! [`ExprKind::Cases`]. A [`BranchId`] names "this branch of this group" within
//! one program: explanations, coverage, a URL, a hover or a flip use it, and a
//! compiled evaluator reports the same ids. Across two versions of a program a
//! branch is matched by its [`BranchKey`] (the rule's qualified name, the
//! group's ordinal within the rule and the branch index), which
//! [`Program::branch_key`] and [`Program::branch_by_key`] convert.

use serde::{Deserialize, Serialize};

use super::{Expr, ExprKind, Program, RuleId, RuleInfo};
use crate::syntax::span::Span;

/// One `when … otherwise` group of a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CasesId(pub u32);

impl CasesId {
    /// The id of a group outside every rule (an expression typed at the REPL,
    /// `--expr`, a test's expectation): it is in no table and no report.
    pub const DETACHED: CasesId = CasesId(u32::MAX);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One branch of a group: `index` counts the `when`s from 0; the `otherwise`
/// (or a rule's `= …` body after its exceptions) is `index == branches`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BranchId {
    pub cases: CasesId,
    pub index: u32,
}

/// What the program knows of one group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CasesInfo {
    /// The rule (or function) whose body holds it.
    pub rule: RuleId,
    /// Its place among the rule's groups, in source order (the body's own
    /// outermost group, the one that holds the exceptions, is 0).
    pub ordinal: u32,
    pub span: Span,
    /// How many `when` branches (the `otherwise` comes after them).
    pub branches: u32,
}

/// A branch named so that two versions of a program can be matched: the
/// rule's qualified name, the group's ordinal in the rule, the branch index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BranchKey {
    pub rule: String,
    pub ordinal: u32,
    pub index: u32,
}

/// Numbers the groups of every rule body in place and returns their table
/// (called by the checker when it builds the program).
pub fn number_cases(rules: &mut [RuleInfo]) -> Vec<CasesInfo> {
    fn walk(e: &mut Expr, rule: RuleId, first: usize, out: &mut Vec<CasesInfo>) {
        let span = e.span;
        if let ExprKind::Cases(id, bs, _) = &mut e.kind {
            *id = CasesId(out.len() as u32);
            let ordinal = (out.len() - first) as u32;
            out.push(CasesInfo {
                rule,
                ordinal,
                span,
                branches: bs.len() as u32,
            });
        }
        e.for_each_child_mut(|c| walk(c, rule, first, out));
    }
    let mut out = Vec::new();
    for (i, r) in rules.iter_mut().enumerate() {
        let first = out.len();
        walk(&mut r.body, i as RuleId, first, &mut out);
    }
    out
}

impl Program {
    /// The group an id names, if it is one of this program's.
    pub fn cases_info(&self, id: CasesId) -> Option<&CasesInfo> {
        self.cases.get(id.index())
    }

    /// Every branch of one rule body, in source order (each group's `when`s,
    /// then its `otherwise`, nested groups after the group that holds them).
    pub fn branches_of(&self, rule: RuleId) -> impl Iterator<Item = (BranchId, &CasesInfo)> + '_ {
        let first = self.cases.partition_point(|c| c.rule < rule);
        self.cases[first..]
            .iter()
            .take_while(move |c| c.rule == rule)
            .enumerate()
            .flat_map(move |(k, c)| {
                let id = CasesId((first + k) as u32);
                (0..=c.branches).map(move |index| (BranchId { cases: id, index }, c))
            })
    }

    /// The key that names a branch across versions of the program.
    pub fn branch_key(&self, b: BranchId) -> Option<BranchKey> {
        let c = self.cases_info(b.cases)?;
        (b.index <= c.branches).then(|| BranchKey {
            rule: self.rules[c.rule as usize].qualified.clone(),
            ordinal: c.ordinal,
            index: b.index,
        })
    }

    /// The branch a key names in this program, if it still exists.
    pub fn branch_by_key(&self, k: &BranchKey) -> Option<BranchId> {
        let rule = *self.rule_index.get(&k.rule)?;
        let first = self.cases.partition_point(|c| c.rule < rule);
        let ix = first + k.ordinal as usize;
        let c = self.cases.get(ix).filter(|c| c.rule == rule)?;
        (k.index <= c.branches).then_some(BranchId {
            cases: CasesId(ix as u32),
            index: k.index,
        })
    }
}
