//! Counterfactuals and lineage checked against evaluation, over the Agreement's
//! own cases: inline test givens, `tests/cases/*.json` and `examples/facts/*.json`.
//!
//! - Every reported flip, when set, gives the answer it states (and not the
//!   case's), and the value one step nearer the case's (a day, a cent, a quarter
//!   hour, 1) gives the case's answer.
//! - The facts an answer reads at run time are among those `cba inputs` lists.

mod program;

use cba::eval::value::Value;
use cba::eval::{Case, Slot};
use cba::flip::report::{Change, FlipReport};
use cba::flip::search::same;
use cba::ir::{FactId, Program, QUnit, RuleId, Type};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rust_decimal::Decimal;

/// One case's facts, to build cases from again and again.
struct Snapshot {
    name: String,
    facts: Vec<Slot>,
    provided: Vec<bool>,
    today: i32,
}

impl Snapshot {
    fn of(name: String, case: &Case) -> Snapshot {
        Snapshot {
            name,
            facts: case.slots(),
            provided: case.provided.clone(),
            today: case.today,
        }
    }

    fn case<'p>(&self, prog: &'p Program) -> Case<'p> {
        let mut c = Case::new(prog);
        c.set_slots(&self.facts);
        c.provided = self.provided.clone();
        c.today = self.today;
        c.reset_memo();
        c
    }

    fn answer(&self, prog: &Program, q: RuleId, changes: &[(FactId, Value)]) -> cba::eval::Result<Value> {
        let mut c = self.case(prog);
        for (f, v) in changes {
            c.set_slot(*f, Slot::Value(v.clone()));
        }
        c.reset_memo();
        c.rule(q)
    }
}

/// Every case of the Agreement with the queries it asks.
fn cases(prog: &Program) -> Vec<(Snapshot, Vec<RuleId>)> {
    let mut out = Vec::new();
    for t in &prog.tests {
        let mut case = Case::new(prog);
        for (f, v, _) in &t.givens {
            case.set_slot(*f, Slot::Value(v.clone()));
            case.provided[f.index()] = true;
        }
        let mut qs: Vec<RuleId> = t.expects.iter().map(|x| x.rule).collect();
        qs.dedup();
        let module = &prog.modules[t.module].name;
        out.push((Snapshot::of(format!("test {module}: {}", t.name), &case), qs));
    }
    let mut files: Vec<_> = std::fs::read_dir("tests/cases")
        .expect("tests/cases")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in tests/cases");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = path.display().to_string();
        let cs = cba::facts::cases::read(prog, &name, &text, false).expect("a case file");
        for c in cs {
            let mut case = Case::new(prog);
            if let Some(facts) = &c.facts {
                let origin = cba::facts::load::Origin {
                    name: &name,
                    text: &text,
                };
                cba::facts::load::fill_case(&mut case, facts, &origin).expect("facts");
            }
            let qs = c.expects.iter().map(|x| x.rule).collect();
            out.push((Snapshot::of(format!("{name}: {}", c.name), &case), qs));
        }
    }
    let defaults = cba::api::select::DefaultQueries::new(prog);
    let examples = program::example_files();
    assert!(!examples.is_empty(), "no examples/facts");
    for path in examples {
        let case = program::case_from_file(prog, &path);
        let qs = defaults.for_case(&case);
        out.push((Snapshot::of(path.display().to_string(), &case), qs));
    }
    out
}

/// The value one step from `set` toward `orig`, as the search steps.
fn one_nearer(ty: &Type, orig: &Value, set: &Value) -> Option<Value> {
    let toward = |a: i64, b: i64| if a < b { 1 } else { -1 };
    Some(match (orig, set) {
        (Value::Date(a), Value::Date(b)) => Value::Date(b - toward(*a as i64, *b as i64) as i32),
        (Value::Time(a), Value::Time(b)) => Value::Time((*b as i64 - toward(*a as i64, *b as i64)) as u32),
        (Value::DateTime(a), Value::DateTime(b)) => Value::DateTime(b - toward(*a, *b)),
        (Value::YearMonth(a), Value::YearMonth(b)) => Value::YearMonth(b - toward(*a as i64, *b as i64) as i32),
        (Value::Num(a), Value::Num(b)) => {
            let step = match ty.strip_optional() {
                Type::Qty(QUnit::Money) | Type::Decimal => Decimal::new(1, 2),
                Type::Qty(QUnit::Hours) => Decimal::new(25, 2),
                Type::Percent => Decimal::new(1, 4),
                _ => Decimal::ONE,
            };
            Value::Num(if a < b { b - step } else { b + step })
        }
        _ => return None,
    })
}

fn check_report(prog: &Program, snap: &Snapshot, r: &FlipReport) -> Result<(), TestCaseError> {
    let q = r.rule;
    let original = snap.answer(prog, q, &[]);
    assert_eq!(
        original.is_ok(),
        r.raw_answer.is_ok(),
        "{}: {}: the report's answer",
        snap.name,
        r.query
    );
    for ff in &r.facts {
        let info = &prog.facts[ff.id];
        for x in &ff.flips {
            let at = format!("{}: {} with {} = {}", snap.name, r.query, ff.fact, x.value.text);
            let got = snap.answer(prog, q, &[(ff.id, x.set.clone())]);
            proptest::prop_assert!(same(&got, &x.raw_answer), "{at}: stated {}", x.answer.text);
            proptest::prop_assert!(!same(&got, &original), "{at}: the answer did not change");
            let ordered = matches!(
                x.change,
                Change::Earlier | Change::Later | Change::Lower | Change::Higher
            );
            if ordered && let Slot::Value(orig) = &snap.facts[ff.id.index()] {
                let nearer = one_nearer(&info.ty, orig, &x.set);
                proptest::prop_assert!(nearer.is_some(), "{at}: an ordered flip of an unordered value");
                let nearer = nearer.unwrap_or(Value::None);
                let got = snap.answer(prog, q, &[(ff.id, nearer.clone())]);
                proptest::prop_assert!(
                    same(&got, &original),
                    "{at}: one step nearer ({nearer:?}) changes the answer too"
                );
            }
        }
    }
    for p in r.pairs.iter().flatten() {
        let got = snap.answer(prog, q, &[(p.ids[0], p.set[0].clone()), (p.ids[1], p.set[1].clone())]);
        proptest::prop_assert!(same(&got, &p.raw_answer) && !same(&got, &original));
    }
    Ok(())
}

/// A bounded random sample of (case, query): every flip is re-evaluated here,
/// independently of the search.
#[test]
fn reported_flips_change_the_answer_and_one_step_nearer_does_not() {
    let prog = program::program();
    let cases = cases(&prog);
    let units: Vec<(usize, RuleId)> = cases
        .iter()
        .enumerate()
        .flat_map(|(i, (_, qs))| qs.iter().map(move |q| (i, *q)))
        .collect();
    assert!(units.len() > 1000, "only {} (case, query) pairs", units.len());
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    let opts = cba::flip::Options {
        pairs: true,
        ..Default::default()
    };
    let flips = std::cell::Cell::new(0usize);
    runner
        .run(&(0..units.len()), |i| {
            let (c, q) = units[i];
            let snap = &cases[c].0;
            let case = snap.case(&prog);
            let r = cba::flip::flips(&case, q, opts);
            flips.set(flips.get() + r.facts.iter().map(|f| f.flips.len()).sum::<usize>());
            check_report(&prog, snap, &r)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(flips.get() > 0, "the sample found no flip at all");
}

/// Every example case: each flip of the worked grievance, official-time,
/// telework and pay answers is checked (the documented ones among them).
#[test]
fn documented_examples_flips_are_real() {
    let prog = program::program();
    for (file, query) in [
        ("grievance", "grievance.step2_timely"),
        ("grievance", "grievance.may_advance"),
        ("official_time", "official_time.over_cap"),
        ("telework", "telework.schedule_ok"),
        ("pay-alj", "pay.advancement_on"),
    ] {
        let path = std::path::PathBuf::from(format!("examples/facts/{file}.json"));
        let case = program::case_from_file(&prog, &path);
        let snap = Snapshot::of(path.display().to_string(), &case);
        let q = cba::api::select::query(&prog, query).expect("query");
        let r = cba::flip::flips(&case, q, cba::flip::Options::default());
        assert!(r.facts.iter().any(|f| !f.flips.is_empty()), "{query}: no flip");
        check_report(&prog, &snap, &r).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// For every query of every example fact file, the facts read at run time are a
/// subset of the static lineage.
#[test]
fn inputs_contain_every_fact_read_at_run_time() {
    let prog = program::program();
    let queries: Vec<RuleId> = (0..prog.rules.len())
        .map(RuleId::from_index)
        .filter(|&r| prog.rules[r].params.is_none())
        .collect();
    let mut checked = 0;
    for path in program::example_files() {
        let mut case = program::case_from_file(&prog, &path);
        for &q in &queries {
            let listed: Vec<FactId> = cba::flip::lineage::inputs(&prog, &[q]).iter().map(|i| i.fact).collect();
            for f in cba::flip::lineage::read_in_case(&mut case, q) {
                assert!(
                    listed.contains(&f),
                    "{}: `{}` read `{}`, which `cba inputs` does not list",
                    path.display(),
                    prog.rules[q].qualified,
                    prog.facts[f].path
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} facts read");
}

#[test]
fn lineage_names_the_first_reader_and_what_a_case_gives_in_vain() {
    let prog = program::program();
    let q = cba::api::select::query(&prog, "grievance.step2_timely").expect("query");
    let case = program::case_from_file(&prog, std::path::Path::new("examples/facts/grievance.json"));
    let l = cba::flip::lineage(&prog, &[q], Some(&case));
    let get = |p: &str| {
        l.facts
            .iter()
            .find(|f| f.fact == p)
            .unwrap_or_else(|| panic!("{p} listed"))
    };
    assert_eq!(
        get("grievance.step2.received_on").first_read_by,
        "grievance.step2_received"
    );
    assert_eq!(get("calendar.closures").read, Some(true));
    assert_eq!(get("grievance.step2.mailbox_unavailable").given, Some(false));
    let unused = l.given_unused.as_ref().expect("with a case");
    assert!(unused.iter().any(|f| f == "grievance.knew_on"));
    assert!(!unused.iter().any(|f| f == "grievance.step2.method"));
}

fn cba(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("cba")
        .expect("binary")
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn flip_json_carries_values_answers_and_explanations() {
    let out = cba(&[
        "eval",
        "--facts",
        "examples/facts/grievance.json",
        "--query",
        "grievance.step2_timely",
        "--flip",
        "--explain",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let r = &doc["flips"][0];
    assert_eq!(r["query"], "grievance.step2_timely");
    assert_eq!(r["answer"]["value"], true);
    let received = &r["facts"][0];
    assert_eq!(received["fact"], "grievance.step2.received_on");
    let later = received["flips"]
        .as_array()
        .expect("flips")
        .iter()
        .find(|f| f["change"] == "later")
        .expect("a later flip");
    assert_eq!(later["value"]["value"], "2025-01-14");
    assert_eq!(later["answer"]["value"], false);
    assert_eq!(later["distance"], "3 workdays, 6 days later");
    assert_eq!(later["explanation"]["rule"], "grievance.step2_timely");
    assert_eq!(later["explanation"]["value"], false);
}

#[test]
fn inputs_json_and_errors() {
    let out = cba(&["inputs", "grievance.step2_timely", "--format", "json"]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["queries"][0], "grievance.step2_timely");
    assert!(doc.get("given_unused").is_none());
    let facts = doc["facts"].as_array().expect("facts");
    assert!(facts.iter().any(|f| f["fact"] == "calendar.closures"));
    assert!(facts.iter().all(|f| f.get("read").is_none()));

    let out = cba(&["inputs", "grievanc.*"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown module `grievanc`"), "{err}");
    assert!(err.contains("did you mean `grievance.*`?"), "{err}");

    let out = cba(&["eval", "--query", "grievance.step2_timely", "--pairs"]);
    assert_eq!(out.status.code(), Some(2), "--pairs needs --flip");
}

#[test]
fn repl_flip_and_inputs() {
    let out = assert_cmd::Command::cargo_bin("cba")
        .expect("binary")
        .args(["repl", "--facts", "examples/facts/grievance.json"])
        .write_stdin(
            ":set grievance.step2.received_on = 2025-01-14\n:flip grievance.step2_timely\n:inputs step2_timely\n:flip grievance.receipt_extension\n",
        )
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("grievance.step2_timely = false\n"), "{text}");
    assert!(
        text.contains("    2025-01-13 (1 workday, 1 day earlier) → true\n"),
        "{text}"
    );
    assert!(text.contains("grievance.step2_timely can read 5 facts"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a function: `:flip` takes a rule"), "{err}");
}

/// The engine's thin wrappers give what the library gives, and serialize.
#[test]
fn engine_flips_and_inputs() {
    use cba::api::{Engine, FactFormat, FlipOptions, Source};
    let engine = Engine::load(&Source::Builtin).expect("loads");
    let text = std::fs::read_to_string("examples/facts/grievance-late.json").expect("example");
    let facts = engine
        .facts_from_text("grievance-late.json", &text, FactFormat::Json)
        .expect("facts");
    let q = engine.query("grievance.step2_timely").expect("query");
    let reports = engine.flips(&facts, &[q.id], FlipOptions::default());
    let r = &reports[0];
    assert_eq!(r.answer.value.get(), "false");
    let received = r
        .facts
        .iter()
        .find(|f| f.fact == "grievance.step2.received_on")
        .expect("read");
    let earlier = received
        .flips
        .iter()
        .find(|f| f.change == Change::Earlier)
        .expect("earlier");
    assert_eq!(earlier.value.text, "2025-01-13");
    assert_eq!(earlier.distance.as_deref(), Some("3 workdays, 3 days earlier"));
    let json = serde_json::to_value(r).expect("serializes");
    assert_eq!(json["facts"][0]["flips"][1]["answer"]["value"], true);

    let lineage = engine.inputs(&[q.id], Some(&facts));
    assert_eq!(lineage.facts.len(), 5);
    assert!(
        lineage
            .given_unused
            .as_ref()
            .is_some_and(|u| u.iter().any(|f| f == "grievance.knew_on"))
    );
    assert_eq!(engine.inputs(&[q.id], None).given_unused, None);
}
