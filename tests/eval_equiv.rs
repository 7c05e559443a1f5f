//! Evaluation answers nothing but what it answered before: every query of every
//! module, on every inline test case, every case file under `tests/cases/`,
//! every fact file under `examples/facts/` and seeded random cases, against the
//! answers stored in one snapshot per module (`tests/snapshots/eval_equiv__*.snap`).
//!
//! Each snapshot lists the module's answers (or error messages) with every fact
//! at its default, then, case by case, the answers that differ from those. The
//! random cases run in one reused case (facts reset and refilled, the memo
//! reset with the case-independent answers kept, as `cba batch` does) and must
//! agree with a fresh case. A digest of the observer's events (the trace
//! explanations and coverage are built from) and of the exact answer values
//! closes each snapshot, so a change of event order, of a value's scale or of
//! an error's span shows too.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use cba::batch::generate::Rng;
use cba::eval::observe::Observer;
use cba::eval::value::Value;
use cba::eval::{Case, Slot, dates};
use cba::ir::{BranchId, FactId, Program, RuleId, TableId, Type};
use rust_decimal::Decimal;

/// The day `today()` means in every case here, so the snapshots do not age.
fn fixed_today() -> i32 {
    dates::from_ymd(2026, 3, 15).expect("a date")
}

fn program() -> Program {
    let loaded = cba::load::load(&cba::load::Contracts::Embedded).expect("the Agreement loads");
    loaded.program.unwrap_or_else(|_| panic!("the Agreement checks"))
}

fn fresh(prog: &Program) -> Case<'_> {
    let mut case = Case::new(prog);
    case.today = fixed_today();
    case.reset();
    case
}

/// A case's facts as slots: (fact, slot, given by the case).
type Facts = Vec<(FactId, Slot)>;

/// One named case of the program: the facts it gives.
struct Named {
    name: String,
    facts: Facts,
}

fn set(case: &mut Case, facts: &Facts) {
    for (f, slot) in facts {
        case.set_slot(*f, slot.clone());
        case.provided[f.index()] = true;
    }
    case.reset_memo();
}

/// The facts a case gives, read back from a case filled from a fact file.
fn given(case: &Case) -> Facts {
    (0..case.provided.len())
        .filter(|&f| case.provided[f])
        .map(|f| (FactId::from_index(f), case.slot(FactId::from_index(f))))
        .collect()
}

fn inline_tests(prog: &Program) -> Vec<Named> {
    prog.tests
        .iter()
        .map(|t| Named {
            name: format!("test {}: {}", prog.modules[t.module].name, t.name),
            facts: t.givens.iter().map(|(f, v, _)| (*f, Slot::Value(v.clone()))).collect(),
        })
        .collect()
}

fn files(dir: &str) -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reads {dir}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fact files in {dir}");
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("reads {}: {e}", p.display()));
            (p.display().to_string(), text)
        })
        .collect()
}

fn case_files(prog: &Program) -> Vec<Named> {
    let mut out = Vec::new();
    for (name, text) in files("tests/cases") {
        let cases = cba::facts::cases::read(prog, &name, &text, name.ends_with(".toml"))
            .unwrap_or_else(|e| panic!("reads {name}: {e}"));
        for c in cases {
            let mut case = fresh(prog);
            if let Some(facts) = &c.facts {
                let origin = cba::facts::load::Origin {
                    name: &name,
                    text: &text,
                };
                cba::facts::load::fill_case(&mut case, facts, &origin).expect("the case's facts are an object");
            }
            out.push(Named {
                name: format!("{name}: {}", c.name),
                facts: given(&case),
            });
        }
    }
    out
}

fn examples(prog: &Program) -> Vec<Named> {
    files("examples/facts")
        .into_iter()
        .map(|(name, text)| {
            let root = cba::facts::load::parse(&text, name.ends_with(".toml")).expect("an example parses");
            let mut case = fresh(prog);
            let origin = cba::facts::load::Origin {
                name: &name,
                text: &text,
            };
            cba::facts::load::fill_case(&mut case, &root, &origin).expect("an example is an object");
            Named {
                name,
                facts: given(&case),
            }
        })
        .collect()
}

const STRINGS: &[&str] = &[
    "",
    "classification",
    "retirement",
    "reprimand",
    "telework",
    "political_activity",
    "national_security",
    "other",
];

fn random_date(rng: &mut Rng) -> i32 {
    match rng.range(0, 39) {
        0 => dates::from_ymd(9999, 12, 31).expect("a date"),
        1 => dates::from_ymd(1, 1, 1).expect("a date"),
        2 => dates::from_ymd(1899, 12, 31).expect("a date"),
        _ => dates::from_ymd(2012, 1, 1).expect("a date") + rng.range(0, 365 * 18),
    }
}

fn random_num(rng: &mut Rng, ty: &Type) -> Decimal {
    match rng.range(0, 29) {
        0 => Decimal::MAX,
        1 => Decimal::ZERO,
        2 => Decimal::from(-rng.range(1, 40)),
        3 => Decimal::new(i64::MAX, 0),
        _ => match ty {
            Type::Int => Decimal::from(rng.range(0, 60)),
            Type::Percent => Decimal::new(i64::from(rng.range(0, 150)), 2),
            Type::Qty(cba::ir::QUnit::Money) => Decimal::new(i64::from(rng.range(0, 20_000_000)), 2),
            _ => Decimal::new(i64::from(rng.range(0, 4000)), 1),
        },
    }
}

fn random_value(prog: &Program, rng: &mut Rng, ty: &Type, depth: u32) -> Value {
    match ty {
        Type::Bool => Value::Bool(rng.chance(50)),
        Type::Int | Type::Decimal | Type::Percent | Type::Qty(_) => Value::Num(random_num(rng, ty)),
        Type::Date => Value::Date(random_date(rng)),
        Type::Time => Value::Time(rng.range(0, 1439) as u32),
        Type::DateTime => Value::DateTime(dates::make_datetime(random_date(rng), rng.range(0, 1439) as u32)),
        Type::YearMonth => Value::YearMonth(rng.range(2010, 2031) * 12 + rng.range(0, 11)),
        Type::String => Value::Str(rng.pick(STRINGS).into()),
        Type::Enum(e) => Value::Enum(rng.range(0, prog.enums[*e].variants.len() as i32 - 1) as u32),
        Type::Record(r) => Value::Record(
            prog.records[*r]
                .fields
                .iter()
                .map(|(_, t, _)| random_value(prog, rng, t, depth + 1))
                .collect(),
        ),
        Type::List(t) => {
            let n = if depth > 2 { 0 } else { rng.range(0, 4) };
            Value::List((0..n).map(|_| random_value(prog, rng, t, depth + 1)).collect())
        }
        Type::Optional(t) => {
            if rng.chance(25) {
                Value::None
            } else {
                random_value(prog, rng, t, depth)
            }
        }
        Type::Null | Type::Never | Type::Error => Value::None,
    }
}

/// Random cases over the facts a module's queries read.
fn random_cases(prog: &Program, module: usize, queries: &[RuleId], count: u64) -> Vec<Named> {
    let mut read: Vec<FactId> = queries.iter().flat_map(|q| prog.facts_read(*q)).collect();
    read.sort_unstable();
    read.dedup();
    let mut rng = Rng::new(20_261_123 + module as u64);
    (0..count)
        .map(|i| {
            let mut facts = Vec::new();
            for &f in &read {
                if !rng.chance(70) {
                    continue;
                }
                let slot = match rng.range(0, 39) {
                    0 => Slot::Missing,
                    1 => Slot::Bad(Arc::from("is mistyped: a random bad value")),
                    _ => Slot::Value(random_value(prog, &mut rng, &prog.facts[f].ty, 0)),
                };
                facts.push((f, slot));
            }
            Named {
                name: format!("random {i}"),
                facts,
            }
        })
        .collect()
}

/// FNV-1a over the events of evaluation, and the exact answers.
struct Digest(u64);

impl Digest {
    fn add(&mut self, s: impl std::fmt::Debug) {
        for b in format!("{s:?}").bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

impl Observer for Digest {
    fn rule_enter(&mut self, rule: RuleId, args: Option<&[Value]>) {
        self.add(("enter", rule, args));
    }
    fn rule_exit(&mut self, rule: RuleId, result: &cba::eval::Result<Value>) {
        self.add(("exit", rule, result));
    }
    fn memo_hit(&mut self, rule: RuleId, result: std::result::Result<&Value, &cba::eval::EvalError>) {
        self.add(("memo", rule, result));
    }
    fn fact_read(&mut self, fact: FactId, result: &cba::eval::Result<Value>) {
        self.add(("fact", fact, result));
    }
    fn table_row(&mut self, table: TableId, keys: &[Value], value: &Value) {
        self.add(("table", table, keys, value));
    }
    fn cond_enter(&mut self, branch: BranchId, span: cba::syntax::span::Span) {
        self.add(("cond", branch, span));
    }
    fn cond_tested(&mut self, branch: BranchId, holds: &cba::eval::Result<bool>) {
        self.add(("tested", branch, holds));
    }
    fn branch_taken(&mut self, branch: BranchId, span: cba::syntax::span::Span) {
        self.add(("taken", branch, span));
    }
    fn branch_exit(&mut self, branch: BranchId) {
        self.add(("branch exit", branch));
    }
}

/// Each module's queries (its rules, not its functions), by module index.
fn queries_by_module(prog: &Program) -> BTreeMap<usize, Vec<RuleId>> {
    let mut by_module: BTreeMap<usize, Vec<RuleId>> = BTreeMap::new();
    for (i, r) in prog.rules.iter().enumerate() {
        if r.params.is_none() {
            by_module
                .entry(r.module.index())
                .or_default()
                .push(RuleId::from_index(i));
        }
    }
    by_module
}

/// Every query's answer as text (or `error: message`), in order.
fn answers(case: &mut Case, queries: &[RuleId]) -> Vec<String> {
    let prog = case.prog;
    queries
        .iter()
        .map(|&q| match case.rule(q) {
            Ok(v) => cba::eval::format::text(prog, &v, &prog.rules[q].ty),
            Err(e) => format!("error: {}", e.message(prog)),
        })
        .collect()
}

/// Every query's exact answer (values and errors with their spans).
fn exact(case: &mut Case, queries: &[RuleId]) -> Vec<String> {
    queries.iter().map(|&q| format!("{:?}", case.rule(q))).collect()
}

#[test]
fn every_query_answers_as_stored() {
    let prog = program();
    let mut cases = inline_tests(&prog);
    cases.extend(case_files(&prog));
    cases.extend(examples(&prog));
    assert!(cases.len() > 700, "only {} cases", cases.len());
    let constant: Arc<[bool]> = prog.case_independent().into();

    let by_module = queries_by_module(&prog);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(true);
    settings.set_omit_expression(true);
    let _guard = settings.bind_to_scope();

    for (&module, queries) in &by_module {
        let name = &prog.modules[module].name;
        let names: Vec<&str> = queries.iter().map(|&q| prog.rules[q].name.as_str()).collect();
        let mut out = String::new();
        let mut digest = Digest(0xcbf2_9ce4_8422_2325);

        let mut case = fresh(&prog);
        let base = answers(&mut case, queries);
        writeln!(out, "defaults").unwrap();
        for (n, a) in names.iter().zip(&base) {
            writeln!(out, "  {n} = {a}").unwrap();
        }

        let random = random_cases(&prog, module, queries, 24);
        // The named cases, each in a fresh case, with the observer watching.
        for c in cases.iter().chain(&random) {
            let mut case = fresh(&prog);
            set(&mut case, &c.facts);
            let got = answers(&mut case, queries);
            case.reset_memo();
            case.observe(Box::new(Digest(digest.0)));
            let exact = exact(&mut case, queries);
            digest = *case.take_observer::<Digest>().expect("the digest observes");
            digest.add(&exact);
            let diff: Vec<String> = names
                .iter()
                .zip(got.iter().zip(&base))
                .filter(|(_, (g, b))| g != b)
                .map(|(n, (g, _))| format!("  {n} = {g}"))
                .collect();
            if !diff.is_empty() {
                writeln!(out, "{}", c.name).unwrap();
                for l in diff {
                    writeln!(out, "{l}").unwrap();
                }
            }
        }

        // The random cases again, one after another in one reused case, as a
        // batch runs them: the same answers as a fresh case each.
        let mut reused = fresh(&prog);
        reused.keep_constants(&constant);
        let mut last: &[(FactId, Slot)] = &[];
        for c in &random {
            for (f, _) in last {
                reused.reset_fact(*f);
            }
            set(&mut reused, &c.facts);
            let mut alone = fresh(&prog);
            set(&mut alone, &c.facts);
            assert_eq!(
                exact(&mut reused, queries),
                exact(&mut alone, queries),
                "{name}: {} in a reused case",
                c.name
            );
            last = &c.facts;
        }
        writeln!(out, "events and exact answers: {:016x}", digest.0).unwrap();
        insta::assert_snapshot!(name.as_str(), out);
    }
}

/// A native plan answers as the closures do: every query of every module it
/// covers, on every named and random case, one record after another in one
/// reused case as `cba batch` runs them. Where the plan stops (a fact
/// missing, a value out of range) the closures answer, so the answers,
/// errors and messages are the closures' whichever way a record went.
#[test]
fn native_plans_answer_as_the_closures() {
    let prog = program();
    let mut cases = inline_tests(&prog);
    cases.extend(case_files(&prog));
    cases.extend(examples(&prog));
    let constant: Arc<[bool]> = prog.case_independent().into();
    let (mut covered, mut answered, mut stopped) = (0, 0, 0);
    for (module, queries) in queries_by_module(&prog) {
        let Some(mut native) = cba::eval::Native::compile(&prog, &queries) else {
            continue;
        };
        covered += native.covered();
        let random = random_cases(&prog, module, &queries, 200);
        let mut reused = fresh(&prog);
        reused.keep_constants(&constant);
        let mut last: &[(FactId, Slot)] = &[];
        for c in cases.iter().chain(&random) {
            for (f, _) in last {
                reused.reset_fact(*f);
            }
            set(&mut reused, &c.facts);
            let ran = native.run(&mut reused);
            let got: Vec<String> = (0..queries.len())
                .map(|i| match native.answer(i) {
                    Some(v) if ran => format!("{:?}", Ok::<_, ()>(v)),
                    _ => format!("{:?}", reused.rule(queries[i]).as_ref().map_err(|_| ())),
                })
                .collect();
            // Run again, the case's closures known now (as for every record
            // of a batch after its first): workdays are counted in line.
            let again = native.run(&mut reused);
            assert_eq!(again, ran, "{}: {} run again", prog.modules[module].name, c.name);
            for (i, g) in got.iter().enumerate() {
                if let Some(v) = native.answer(i).filter(|_| again) {
                    assert_eq!(
                        &format!("{:?}", Ok::<_, ()>(v)),
                        g,
                        "{}: {} run again",
                        prog.modules[module].name,
                        c.name
                    );
                }
            }
            if ran {
                answered += 1;
            } else {
                stopped += 1;
            }
            let mut alone = fresh(&prog);
            set(&mut alone, &c.facts);
            let want: Vec<String> = queries
                .iter()
                .map(|&q| format!("{:?}", alone.rule(q).as_ref().map_err(|_| ())))
                .collect();
            assert_eq!(got, want, "{}: {}", prog.modules[module].name, c.name);
            // The case answers the rest as ever: its errors are the closures'.
            assert_eq!(exact(&mut reused, &queries), exact(&mut alone, &queries));
            last = &c.facts;
        }
    }
    // Both ways are taken often: the plans answer many records themselves
    // and leave many to the closures (the cases leave facts out on purpose).
    eprintln!("plans cover {covered} queries; answered {answered} records, stopped at {stopped}");
    assert!(covered >= 40, "the plans cover {covered} queries");
    assert!(
        answered > 5_000 && stopped > 5_000,
        "answered {answered}, stopped {stopped}"
    );
}
