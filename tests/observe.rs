//! Stable ids of `when` groups and branches, and the evaluation's observer:
//! every group of every rule body is numbered, a branch's key finds the same
//! branch in another version of the program, ids serialise, and observers see
//! the events in the documented order without changing any answer.

mod program;

use cba::eval::Case;
use cba::eval::observe::{NoObserver, Observer};
use cba::eval::value::Value;
use cba::explain::trace::Trace;
use cba::ir::{BranchId, BranchKey, CasesId, Expr, ExprKind, Program, RuleId};
use cba::load::{Contracts, load};
use cba::syntax::span::Span;

fn checked(c: Contracts) -> Program {
    let loaded = load(&c).expect("sources load");
    match loaded.program {
        Ok(p) => p,
        Err(sources) => panic!("{}", cba::report::render_text(&sources, &loaded.diags)),
    }
}

/// A copy of the fixture contract with a new rule (and its `when` group) added
/// before the others, in a fresh directory.
fn fixture_with_new_rule_first(dir: &std::path::Path) -> Program {
    let text = std::fs::read_to_string("tests/fixtures/contracts/steps.cba").expect("fixture");
    let at = text.find("/// Step One").expect("the fixture's first rule");
    let new = "rule early: bool  §1\n  when steps.continuing => true\n  otherwise => false\n\n";
    std::fs::write(dir.join("steps.cba"), format!("{}{new}{}", &text[..at], &text[at..])).expect("write");
    checked(Contracts::Paths(vec![dir.to_path_buf()]))
}

fn groups(e: &Expr, out: &mut Vec<CasesId>) {
    if let ExprKind::Cases(id, ..) = &e.kind {
        out.push(*id);
    }
    e.for_each_child(|c| groups(c, out));
}

#[test]
fn every_group_of_every_rule_has_its_own_id_in_the_table() {
    let prog = program::program();
    let mut seen = Vec::new();
    for (rid, r) in prog.rules.iter().enumerate() {
        let mut ids = Vec::new();
        groups(&r.body, &mut ids);
        for (ordinal, id) in ids.iter().enumerate() {
            assert_ne!(*id, CasesId::DETACHED, "a group of `{}` was not numbered", r.qualified);
            let info = prog.cases_info(*id).expect("in the table");
            assert_eq!(info.rule, RuleId::from_index(rid));
            assert_eq!(
                info.ordinal as usize, ordinal,
                "groups of `{}` in source order",
                r.qualified
            );
        }
        seen.extend(ids);
    }
    assert_eq!(seen.len(), prog.cases.len(), "one table entry per group");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), prog.cases.len(), "no id given twice");
    assert!(
        prog.cases.len() > 100,
        "the Agreement has many `when` groups: {}",
        prog.cases.len()
    );
}

#[test]
fn a_branch_key_finds_the_same_branch_in_another_version() {
    let before = checked(Contracts::Paths(vec!["tests/fixtures/contracts".into()]));
    let dir = std::env::temp_dir().join(format!("cba-observe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let after = fixture_with_new_rule_first(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let deadline = before.rule_index["steps.step2_deadline"];
    let branches: Vec<BranchId> = before.branches_of(deadline).map(|(b, _)| b).collect();
    assert_eq!(branches.len(), 2, "one `when` and the `otherwise`");
    for b in branches {
        let key = before.branch_key(b).expect("a key");
        assert_eq!(key.rule, "steps.step2_deadline");
        let moved = after.branch_by_key(&key).expect("the branch is still there");
        assert_ne!(moved, b, "the new rule's group comes first, so the id moved");
        assert_eq!(after.branch_key(moved), Some(key), "and the key names it");
    }
    let gone = BranchKey {
        rule: "steps.step2_deadline".into(),
        ordinal: 0,
        index: 2,
    };
    assert_eq!(after.branch_by_key(&gone), None, "no third branch");
    let unknown = BranchKey {
        rule: "steps.nope".into(),
        ..gone
    };
    assert_eq!(after.branch_by_key(&unknown), None);
}

#[test]
fn ids_and_keys_serialise() {
    let b = BranchId {
        cases: CasesId(7),
        index: 2,
    };
    let json = serde_json::to_string(&b).expect("serialises");
    assert_eq!(json, r#"{"cases":7,"index":2}"#);
    assert_eq!(serde_json::from_str::<BranchId>(&json).expect("reads back"), b);
    let k = BranchKey {
        rule: "steps.step2_deadline".into(),
        ordinal: 0,
        index: 1,
    };
    let json = serde_json::to_string(&k).expect("serialises");
    assert_eq!(serde_json::from_str::<BranchKey>(&json).expect("reads back"), k);
}

/// Records the events as text, to check their order.
#[derive(Default)]
struct Log(Vec<String>);

impl Observer for Log {
    fn rule_enter(&mut self, rule: RuleId, args: Option<&[Value]>) {
        self.0.push(format!("enter {rule} {}", args.is_some()));
    }
    fn rule_exit(&mut self, rule: RuleId, result: &cba::eval::Result<Value>) {
        self.0.push(format!("exit {rule} {}", result.is_ok()));
    }
    fn memo_hit(&mut self, rule: RuleId, _: Result<&Value, &cba::eval::EvalError>) {
        self.0.push(format!("memo {rule}"));
    }
    fn fact_read(&mut self, fact: cba::ir::FactId, _: &cba::eval::Result<Value>) {
        self.0.push(format!("fact {fact}"));
    }
    fn cond_enter(&mut self, b: BranchId, _: Span) {
        self.0.push(format!("cond {} {}", b.cases.0, b.index));
    }
    fn cond_tested(&mut self, b: BranchId, holds: &cba::eval::Result<bool>) {
        self.0
            .push(format!("tested {} {} {:?}", b.cases.0, b.index, holds.as_ref().ok()));
    }
    fn branch_taken(&mut self, b: BranchId, _: Span) {
        self.0.push(format!("taken {} {}", b.cases.0, b.index));
    }
    fn branch_exit(&mut self, b: BranchId) {
        self.0.push(format!("left {} {}", b.cases.0, b.index));
    }
}

#[test]
fn the_observer_sees_conditions_then_the_branch_taken() {
    let prog = checked(Contracts::Paths(vec!["tests/fixtures/contracts".into()]));
    let mut case = Case::new(&prog);
    let fact = |name: &str| prog.symbols.fact_index[name];
    case.set_fact(
        fact("steps.knew_on"),
        cba::eval::Slot::Value(Value::Date(cba::eval::dates::from_ymd(2025, 2, 14).expect("a date"))),
    );
    case.observe(Box::new(Log::default()));
    let r = prog.rule_index["steps.step1_deadline"];
    let first = case.rule(r);
    assert!(first.is_ok(), "{first:?}");
    assert_eq!(case.rule(r), first);
    let log = case.take_observer::<Log>().expect("a Log");
    let g = prog.branches_of(r).next().expect("a group").0.cases.0;
    let continuing = fact("steps.continuing");
    let knew = fact("steps.knew_on");
    assert_eq!(
        log.0,
        [
            format!("enter {r} false"),
            format!("cond {g} 0"),
            format!("fact {continuing}"),
            format!("tested {g} 0 Some(false)"),
            format!("taken {g} 1"),
            format!("fact {knew}"),
            format!("left {g} 1"),
            format!("exit {r} true"),
            format!("memo {r}"),
        ]
    );
    assert!(case.observer.is_none(), "taken back");
}

#[test]
fn taking_back_an_observer_of_another_type_gives_none() {
    let prog = checked(Contracts::Paths(vec!["tests/fixtures/contracts".into()]));
    let mut case = Case::new(&prog);
    case.observe(Box::new(NoObserver));
    assert!(case.take_observer::<Trace>().is_none());
    let mut o: Box<dyn Observer> = Box::new(Log::default());
    assert!(o.downcast_mut::<Log>().is_some());
    assert!(o.downcast::<NoObserver>().is_err());
}

#[test]
fn observing_changes_no_answer() {
    // Every query of the Agreement on each example: the same answers with no
    // observer, with one that ignores everything, and with a full trace.
    let prog = program::program();
    let queries: Vec<RuleId> = (0..prog.rules.len())
        .map(RuleId::from_index)
        .filter(|&r| prog.rules[r].params.is_none())
        .collect();
    let files = program::example_files();
    assert!(files.len() >= 3, "the examples are found: {}", files.len());
    for path in files {
        let answers = |observer: Option<Box<dyn Observer>>| {
            let mut case = program::case_from_file(&prog, &path);
            case.observer = observer;
            queries
                .iter()
                .map(|&q| format!("{:?}", case.rule(q)))
                .collect::<Vec<_>>()
        };
        let plain = answers(None);
        assert_eq!(plain, answers(Some(Box::new(NoObserver))), "{}", path.display());
        assert_eq!(plain, answers(Some(Box::new(Trace::full(&prog)))), "{}", path.display());
    }
}

/// Small functions called with facts and constants are inlined where they are
/// called when nobody watches; a watched case makes the call. Both answer
/// alike, errors included (what failed, where, and which rule or function it
/// names): a missing or bad argument fails the caller before the body, an
/// error in the body names the function. So do rules that are
/// `required(fact)` read where they are inlined (`got`), and the operands read
/// in place, facts held in a word among them: `x ?? y`, `and`/`or` of
/// conditions, a fact against a constant, `required(fact)` in an expression
/// (`either` … `nest`), also when a word-held fact was set to a value of
/// another type.
#[test]
fn an_inlined_call_answers_and_fails_as_the_call() {
    let dir = std::env::temp_dir().join(format!("cba-inline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let source = r#"module inl
article 1 "Inlining"
enum Way { post, hand, wire }
facts inl {
  way: Way
  flag: bool = false
  start: date
  opt: date?
}
fn extra(way: Way, flag: bool): workdays  §1
  when way in {post, hand}      => 5 workdays
  when way == wire and flag     => 3 workdays
  otherwise                     => 0 workdays
fn later(d: date?, way: Way): bool  §2
  = (d ?? inl.start) >= inl.start and way == post
rule due: date  §3
  = inl.start + 10 workdays + extra(inl.way, inl.flag)
rule fixed: date  §4
  = inl.start + extra(wire, true)
rule posted: bool  §5
  = later(inl.opt, inl.way)
rule got: date  §6
  = required(inl.opt)
rule after: bool  §7
  = got >= inl.start
rule shifted: date  §8
  = got + 2 workdays
rule pick: date  §9
  when inl.flag => got
  otherwise     => inl.start
rule either: date  §10
  = (inl.opt ?? inl.start) + 1 workdays
rule needs: date  §11
  = required(inl.opt) + 3 workdays
rule both: int  §12
  when inl.way == post and inl.flag       => 1
  when inl.way != wire or inl.opt == none => 2
  otherwise                               => 3
rule nest: bool  §13
  when (inl.flag and inl.way == hand) or (inl.opt ?? inl.start) == inl.start => true
  otherwise                                                                   => false
"#;
    std::fs::write(dir.join("inl.cba"), source).expect("write");
    let prog = checked(Contracts::Paths(vec![dir.clone()]));
    let _ = std::fs::remove_dir_all(&dir);
    let fact = |path: &str| {
        let at = prog.facts.iter().position(|f| f.path == path).expect("a declared fact");
        cba::ir::FactId::from_index(at)
    };
    let rules: Vec<RuleId> = [
        "inl.due",
        "inl.fixed",
        "inl.posted",
        "inl.after",
        "inl.shifted",
        "inl.pick",
        "inl.either",
        "inl.needs",
        "inl.both",
        "inl.nest",
    ]
    .iter()
    .map(|r| prog.rule_index[*r])
    .collect();
    let day = |d: &str| cba::eval::Slot::Value(Value::Date(cba::eval::dates::parse_date(d).expect("a date")));
    let bad = || cba::eval::Slot::Bad("is not what it should be".into());
    let ways = [
        cba::eval::Slot::Value(Value::Enum(0)),
        cba::eval::Slot::Value(Value::Enum(2)),
        cba::eval::Slot::Missing,
        bad(),
        // Not a Way: held in its slot, not its word.
        day("2025-03-14"),
    ];
    let flags = [
        cba::eval::Slot::Value(Value::Bool(true)),
        cba::eval::Slot::Value(Value::Bool(false)),
        cba::eval::Slot::Missing,
        bad(),
    ];
    let starts = [day("2025-03-14"), cba::eval::Slot::Missing];
    let opts = [
        day("2025-04-01"),
        day("2025-03-14"),
        cba::eval::Slot::Value(Value::None),
        bad(),
    ];
    let mut failures = 0;
    for way in &ways {
        for flag in &flags {
            for start in &starts {
                for opt in &opts {
                    let answers = |observer: Option<Box<dyn Observer>>| {
                        let mut case = Case::new(&prog);
                        case.set_slot(fact("inl.way"), way.clone());
                        case.set_slot(fact("inl.flag"), flag.clone());
                        case.set_slot(fact("inl.start"), start.clone());
                        case.set_slot(fact("inl.opt"), opt.clone());
                        case.observer = observer;
                        rules.iter().map(|&r| format!("{:?}", case.rule(r))).collect::<Vec<_>>()
                    };
                    let plain = answers(None);
                    failures += plain.iter().filter(|a| a.starts_with("Err")).count();
                    assert_eq!(
                        plain,
                        answers(Some(Box::new(NoObserver))),
                        "{way:?} {flag:?} {start:?} {opt:?}"
                    );
                }
            }
        }
    }
    assert!(failures > 20, "the cases fail in many ways: {failures}");
}

/// Small rules are inlined where they are read when nobody watches; a watched
/// case reads them as rules. Near the depth limit (1,000 rules and functions
/// deep) both fail at the same depth: an inlined rule counts its level.
#[test]
fn inlined_rules_count_their_level_at_the_depth_limit() {
    let dir = std::env::temp_dir().join(format!("cba-depth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // A chain of 1,020 rules, each reading the next: `r0` is 1,020 deep.
    let mut source = String::from("module deep\narticle 1 \"Depth\"\nfacts deep {\n  flag: bool = true\n}\n");
    const LEN: usize = 1020;
    for i in 0..LEN {
        source.push_str(&format!("rule r{i}: bool  §1\n  = r{} and deep.flag\n", i + 1));
    }
    source.push_str(&format!("rule r{LEN}: bool  §1\n  = deep.flag\n"));
    std::fs::write(dir.join("deep.cba"), source).expect("write");
    let prog = checked(Contracts::Paths(vec![dir.clone()]));
    let _ = std::fs::remove_dir_all(&dir);
    // On a stack as large as the binary gives evaluation (`src/main.rs`): a
    // debug build's frames for 1,000 levels outgrow a test thread's.
    let run = move || {
        let mut outcomes = std::collections::BTreeSet::new();
        for start in 0..40 {
            let rule = prog.rule_index[&format!("deep.r{start}")];
            let answer = |observer: Option<Box<dyn Observer>>| {
                let mut case = Case::new(&prog);
                case.observer = observer;
                format!("{:?}", case.rule(rule).map_err(|e| e.message(&prog)))
            };
            let plain = answer(None);
            outcomes.insert(plain.starts_with("Ok"));
            assert_eq!(plain, answer(Some(Box::new(NoObserver))), "from r{start}");
        }
        assert_eq!(outcomes.len(), 2, "shorter chains answer, longer ones fail");
    };
    let thread = std::thread::Builder::new().stack_size(256 << 20).spawn(run);
    if let Err(e) = thread.expect("a thread starts").join() {
        std::panic::resume_unwind(e);
    }
}
