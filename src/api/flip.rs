//! Counterfactuals and lineage through the engine: thin wrappers over
//! [`crate::flip`], whose results ([`FlipReport`], [`Lineage`]) are
//! `Serialize` and render as `cba eval --flip` and `cba inputs` print them.

use super::{Engine, Facts};
use crate::flip::report::{FlipReport, Lineage};
use crate::flip::{self, Options as FlipOptions};
use crate::ir::RuleId;

impl Engine {
    /// For each query: for every fact its answer read on these facts, the
    /// nearest values that change the answer (each evaluated) and what it becomes.
    pub fn flips(&self, facts: &Facts, queries: &[RuleId], opts: FlipOptions) -> Vec<FlipReport> {
        let case = facts.case(self.program());
        queries.iter().map(|&q| flip::flips(&case, q, opts)).collect()
    }

    /// The facts the queries can read (through every rule, function and table);
    /// with facts, which of them answering read and which the facts give in vain.
    pub fn inputs(&self, queries: &[RuleId], facts: Option<&Facts>) -> Lineage {
        let prog = self.program();
        let case = facts.map(|f| f.case(prog));
        flip::lineage(prog, queries, case.as_ref())
    }
}
