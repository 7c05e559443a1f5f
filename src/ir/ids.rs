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

use super::{Expr, ExprKind, Program, RuleInfo};
use crate::syntax::span::Span;

/// Declares an index newtype: a `u32` that names one entry of a program
/// table, serialised as the bare number, indexing its table directly
/// (`prog.rules[id]`).
macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident => $info:ident) => {
        $(#[$doc])*
        #[derive(Default, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
        // Debug is the bare number too, as when ids were plain `u32`s: the
        // equivalence test's digests of observer events (tests/eval_equiv.rs)
        // were stored from those and still match.
        impl std::fmt::Debug for $name { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) } }

        impl $name {
            /// The position in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the `i`th entry of its table.
            pub fn from_index(i: usize) -> Self {
                $name(i as u32)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::ops::Index<$name> for [super::$info] {
            type Output = super::$info;
            fn index(&self, id: $name) -> &super::$info {
                &self[id.index()]
            }
        }

        impl std::ops::IndexMut<$name> for [super::$info] {
            fn index_mut(&mut self, id: $name) -> &mut super::$info {
                &mut self[id.index()]
            }
        }

        impl std::ops::Index<$name> for Vec<super::$info> {
            type Output = super::$info;
            fn index(&self, id: $name) -> &super::$info {
                &self.as_slice()[id.index()]
            }
        }

        impl std::ops::IndexMut<$name> for Vec<super::$info> {
            fn index_mut(&mut self, id: $name) -> &mut super::$info {
                &mut self.as_mut_slice()[id.index()]
            }
        }
    };
}

id_newtype!(
    /// A fact of a program ([`Program::facts`](super::Program::facts)).
    FactId => FactInfo
);
id_newtype!(
    /// A rule or function of a program ([`Program::rules`](super::Program::rules)).
    RuleId => RuleInfo
);
id_newtype!(
    /// A table of a program ([`Program::tables`](super::Program::tables)).
    TableId => TableInfo
);
id_newtype!(
    /// An enum of a program ([`Program::enums`](super::Program::enums)).
    EnumId => EnumInfo
);
id_newtype!(
    /// A record type of a program ([`Program::records`](super::Program::records)).
    RecordId => RecordInfo
);
id_newtype!(
    /// A module of a program ([`Program::modules`](super::Program::modules)).
    ModuleId => ModuleInfo
);

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
        walk(&mut r.body, RuleId::from_index(i), first, &mut out);
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
            rule: self.rules[c.rule].qualified.clone(),
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
