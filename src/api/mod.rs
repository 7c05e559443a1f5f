//! The library every front end uses: the CLI, the REPL, the web server, the
//! language server and the counterfactuals only render what it returns.
//!
//! An [`Engine`] is one checked [`Program`] behind an [`Arc`]: loaded once
//! ([`Engine::load`] from a [`Source`]), cloned cheaply and shared across
//! threads; nothing is re-parsed per request. Fact files become a prepared
//! [`Facts`] ([`Engine::facts_from_text`]); [`Engine::select`] turns query
//! patterns into [`Query`]s; [`Engine::evaluate`] answers them (with
//! explanations) as an [`Evaluation`] that renders itself as the CLI prints it.
//! [`Engine::rules`], [`Engine::rule`] and [`Engine::facts_schema`] describe
//! the program; [`Engine::run_tests`] runs its tests; [`diff()`] compares two
//! engines.

mod diff;
mod docs;
mod evaluate;
mod facts;
mod flip;
mod load;
pub mod select;
mod tests;

use std::sync::Arc;

use crate::ir::Program;

pub use self::diff::{DiffCases, DiffReport, diff, diff_labeled, version as diff_version};
pub use self::docs::{CitationDoc, FactDoc, Location, ParamDoc, RuleDoc, TestDoc, type_name};
pub use self::evaluate::{Answer, AnswerError, AnswerErrorKind, Evaluation, ExplainMode, ExprError};
pub use self::facts::{FactFormat, Facts, FactsError};
pub use self::load::{LoadError, Source, overlay};
pub use self::select::{Query, SelectError, SelectErrorKind};
pub use self::tests::{TestOptions, TestOutcome, TestReport, TestStatus, case_files_in, run_test};
pub use crate::flip::Options as FlipOptions;
pub use crate::flip::report::{FlipReport, Lineage};

/// One checked program shared by every request: clone it freely (an [`Arc`]).
#[derive(Clone, Debug)]
pub struct Engine {
    prog: Arc<Program>,
    /// The facts each query reads, worked out on first use (choosing the
    /// queries a case's facts allow), shared by the clones.
    defaults: Arc<std::sync::OnceLock<select::DefaultQueries>>,
}

impl Engine {
    /// An engine over a program already checked.
    pub fn new(prog: Program) -> Engine {
        Engine::from_arc(Arc::new(prog))
    }

    /// An engine over a shared program.
    pub fn from_arc(prog: Arc<Program>) -> Engine {
        Engine {
            prog,
            defaults: Arc::default(),
        }
    }

    /// The queries a case's facts allow, worked out once per engine.
    pub(crate) fn default_queries(&self) -> &select::DefaultQueries {
        self.defaults.get_or_init(|| select::DefaultQueries::new(&self.prog))
    }

    /// The checked program.
    pub fn program(&self) -> &Program {
        &self.prog
    }

    /// The shared program, for front ends that keep it beside the engine.
    pub fn program_arc(&self) -> &Arc<Program> {
        &self.prog
    }
}
