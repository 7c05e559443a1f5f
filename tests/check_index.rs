//! The checker's data for editors: declarations kept when a file has errors,
//! the use-site index, and expressions checked against a program without
//! copying it.

use cba::check::{Input, analyze, check_expr, check_expr_as};
use cba::ir::{Program, SymbolRef};
use cba::source::{CONTRACTS, STDLIB};
use cba::syntax::span::Span;

fn inputs(extra: &[(&str, &str)]) -> Vec<Input> {
    let mut v: Vec<Input> = STDLIB
        .iter()
        .map(|(n, t)| Input {
            name: n.to_string(),
            text: t.to_string(),
            is_stdlib: true,
        })
        .collect();
    v.extend(CONTRACTS.iter().chain(extra).map(|(n, t)| Input {
        name: n.to_string(),
        text: t.to_string(),
        is_stdlib: false,
    }));
    v
}

fn text(prog: &Program, span: Span) -> &str {
    &prog.sources.get(span.file).text[span.range()]
}

fn file_named(prog: &Program, name: &str) -> cba::syntax::span::FileId {
    let ix = prog
        .sources
        .files
        .iter()
        .position(|f| f.name == name)
        .unwrap_or_else(|| panic!("no file `{name}`"));
    cba::syntax::span::FileId(ix as u32)
}

const BROKEN: &str = r#"/// A module with one type error.
module broken
article 99 "Broken"

/// How it was sent.
enum Via { post, hand }

/// A pair of days.
record Pair { first: date, second: date }

facts broken {
  /// The day it started.
  started_on: date
  via: Via = post
}

/// Days allowed, by how it was sent.
table allowed: days by Via  §1 {
  post: 5 days
  hand: 1 days
}

/// The deadline.
rule deadline: date  §2.A "within the days allowed"
  = broken.started_on + (allowed[broken.via] ?? 0 days)

/// This one is wrong: a date is not money.
rule wrong: money  §2.B
  = broken.started_on

/// Twice a number.
fn twice(n: int): int  §3
  = n * 2

rule pair: Pair  §4
  = Pair { first: deadline, second: deadline }
"#;

#[test]
fn a_file_with_one_type_error_keeps_its_other_declarations() {
    let a = analyze(inputs(&[("broken.cba", BROKEN)]));
    let errors: Vec<_> = a.diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:?}", a.diags);
    assert_eq!(errors[0].code.as_str(), "E0301");
    assert!(a.has_errors());
    assert!(a.program().is_none());
    let p = &a.checked;
    let rule = |q: &str| {
        let id = p.rule_index[q];
        &p.rules[id]
    };
    let deadline = rule("broken.deadline");
    assert_eq!(text(p, deadline.name_span), "deadline");
    assert_eq!(deadline.ty, cba::ir::Type::Date);
    assert_eq!(deadline.doc.as_deref(), Some("The deadline."));
    let c = deadline.citation.as_ref().expect("a citation");
    assert_eq!((c.article, c.section.as_deref()), (Some(99), Some("2.A")));
    assert!(
        matches!(deadline.body.kind, cba::ir::ExprKind::Bin(..)),
        "the body checked"
    );
    let twice = rule("broken.twice");
    assert_eq!(text(p, twice.name_span), "twice");
    assert_eq!(twice.params.as_ref().map(Vec::len), Some(1));
    let wrong = rule("broken.wrong");
    assert_eq!(text(p, wrong.name_span), "wrong");
    assert_eq!(text(p, rule("broken.pair").name_span), "pair");
    // Facts, tables, enums and records, with their spans.
    let f = p.symbols.fact_index["broken.started_on"];
    assert_eq!(text(p, p.facts[f].span), "started_on");
    assert_eq!(p.facts[f].doc.as_deref(), Some("The day it started."));
    let t = p
        .tables
        .iter()
        .find(|t| t.qualified == "broken.allowed")
        .expect("the table");
    assert_eq!(t.doc.as_deref(), Some("Days allowed, by how it was sent."));
    let e = p
        .enums
        .iter()
        .position(|e| e.name == "Via")
        .map(cba::ir::EnumId::from_index)
        .expect("the enum");
    assert_eq!(text(p, p.enums[e].span), "Via");
    let v = p
        .uses
        .definition(SymbolRef::Variant(e, 1))
        .expect("a variant's declaration");
    assert_eq!(text(p, v), "hand");
    let r = p
        .records
        .iter()
        .position(|r| r.name == "Pair")
        .map(cba::ir::RecordId::from_index)
        .expect("the record");
    let f2 = p
        .uses
        .definition(SymbolRef::Field(r, 1))
        .expect("a field's declaration");
    assert_eq!(text(p, f2), "second");
    // The file's uses are indexed too.
    let file = file_named(p, "broken.cba");
    let at = |needle: &str, nth: usize| {
        let off = BROKEN.match_indices(needle).nth(nth).expect("in the file").0 as u32;
        p.uses.at(file, off + 1)
    };
    assert_eq!(at("allowed[", 0), Some(SymbolRef::Table(t_id(p, "broken.allowed"))));
    assert_eq!(at("started_on", 1), Some(SymbolRef::Fact(f)));
    assert_eq!(at("Via = post", 0), Some(SymbolRef::Enum(e)));
    assert_eq!(at("post", 1), Some(SymbolRef::Variant(e, 0)));
    assert_eq!(at("Pair {", 1), Some(SymbolRef::Record(r)));
    assert_eq!(at("second:", 1), Some(SymbolRef::Field(r, 1)));
    assert_eq!(p.symbol_name(SymbolRef::Field(r, 1)), "Pair.second");
    assert_eq!(p.symbol_name(SymbolRef::Variant(e, 0)), "Via.post");
    assert_eq!(
        at("deadline }", 0),
        Some(SymbolRef::Rule(p.rule_index["broken.deadline"]))
    );
    // The other files checked as before.
    assert!(p.rule_index.contains_key("grievance.step1_deadline"));
}

fn t_id(p: &Program, q: &str) -> cba::ir::TableId {
    p.tables
        .iter()
        .position(|t| t.qualified == q)
        .map(cba::ir::TableId::from_index)
        .expect("the table")
}

const USER: &str = r#"module uses_grievance
use grievance.{step1_deadline}

rule deadline_plus_one: date?  source "a test"
  = when step1_deadline != none => step1_deadline + 1 days
    otherwise => none

rule qualified: date?  source "a test"
  = grievance.step1_deadline

exception to grievance.step1_deadline  source "a test"
  when grievance.subject == "a test" => none

test "the deadline" {
  given grievance.filed_by = "judge"
  given grievance.knew_on = 2025-02-14
  expect grievance.step1_deadline = 2025-04-07
}
"#;

#[test]
fn the_index_finds_a_rules_definition_and_every_reference_across_modules() {
    let a = analyze(inputs(&[("uses.cba", USER)]));
    assert!(!a.has_errors(), "{:?}", a.diags);
    let p = a.program().expect("the program checks");
    let id = p.rule_index["grievance.step1_deadline"];
    let sym = SymbolRef::Rule(id);
    let grievance = file_named(p, "contracts/grievance.cba");
    let gtext = &p.sources.get(grievance).text;
    // From a use site in Step One's timeliness rule to the declaration.
    let use_at = gtext.find("when step1_deadline != none").expect("a use") as u32 + 6;
    assert_eq!(p.uses.at(grievance, use_at), Some(sym));
    let def = p.uses.definition(sym).expect("declared");
    assert_eq!(def, p.rules[id].name_span);
    assert_eq!(def.file, grievance);
    assert_eq!(text(p, def), "step1_deadline");
    assert_eq!(p.symbol_name(sym), "grievance.step1_deadline");
    let (span, _) = p.uses.span_at(grievance, use_at).expect("a use");
    assert_eq!(text(p, span), "step1_deadline");
    // On the declaration itself.
    assert_eq!(p.uses.at(grievance, def.start), Some(sym));
    // Every reference, in both modules.
    let refs = p.uses.references(sym);
    for r in &refs {
        assert!(text(p, *r).ends_with("step1_deadline"), "{:?}", text(p, *r));
    }
    let in_grievance = refs.iter().filter(|r| r.file == grievance).count();
    let in_grievance_text = gtext.matches("step1_deadline").count() - 1; // less the declaration
    assert_eq!(in_grievance, in_grievance_text);
    let user = file_named(p, "uses.cba");
    let in_user: Vec<&str> = refs.iter().filter(|r| r.file == user).map(|r| text(p, *r)).collect();
    assert_eq!(
        in_user,
        [
            "step1_deadline",
            "step1_deadline",
            "step1_deadline",
            "grievance.step1_deadline",
            "grievance.step1_deadline",
            "grievance.step1_deadline"
        ]
    );
    assert_eq!(refs.len(), in_grievance + in_user.len());
    // The rules that use it.
    let users: Vec<&str> = p
        .rules_using(sym)
        .iter()
        .map(|r| p.rules[r.index()].qualified.as_str())
        .collect();
    assert!(users.contains(&"grievance.step1_timely"), "{users:?}");
    assert!(users.contains(&"uses_grievance.deadline_plus_one"), "{users:?}");
    assert!(users.contains(&"uses_grievance.qualified"), "{users:?}");
    assert!(!users.contains(&"grievance.step1_deadline"), "{users:?}");
    // An exception's uses count for the rule it is an exception to.
    let subject_users = p.rules_using(SymbolRef::Fact(p.symbols.fact_index["grievance.subject"]));
    assert!(subject_users.contains(&id));
    // The module name of a qualified reference is the module's.
    let q = USER.find("= grievance.step1_deadline").expect("qualified") as u32 + 3;
    let m = p.symbols.module_index["grievance"];
    assert_eq!(p.uses.at(user, q), Some(SymbolRef::Module(m)));
    // Facts in tests are indexed.
    let knew = p.symbols.fact_index["grievance.knew_on"];
    assert!(p.uses.references(SymbolRef::Fact(knew)).iter().any(|s| s.file == user));
}

#[test]
fn an_expression_is_checked_against_the_program_without_copying_it() {
    let loaded = cba::load::load(&cba::load::Contracts::Embedded).expect("loads");
    let prog = loaded.program.unwrap_or_else(|_| panic!("the Agreement checks"));
    let files = prog.sources.files.len();
    let before = prog.sources.files[0].text.as_ptr();
    for _ in 0..2 {
        let c = check_expr(&prog, "<test>", "grievance.step1_deadline").unwrap_or_else(|_| panic!("checks"));
        assert!(matches!(c.expr.kind, cba::ir::ExprKind::Rule(_)));
        let c = check_expr_as(
            &prog,
            "<test>",
            "mail",
            Some(&cba::ir::Type::Enum(enum_id(&prog, "Method"))),
        )
        .unwrap_or_else(|_| panic!("checks"));
        assert!(matches!(c.expr.kind, cba::ir::ExprKind::Const(_)));
    }
    // The program is untouched: no file was added to it, none was moved.
    assert_eq!(prog.sources.files.len(), files);
    assert_eq!(prog.sources.files[0].text.as_ptr(), before);
    // The sources of an error hold the expression after the program's files,
    // and only the files the diagnostics name have text.
    let Err((sources, diags)) = check_expr(&prog, "<test>", "grievance.step1_deadlin") else {
        panic!("an unknown name is an error");
    };
    assert_eq!(sources.files.len(), files + 1);
    assert_eq!(sources.files[files].text, "grievance.step1_deadlin");
    assert!(sources.files[..files].iter().all(|f| f.text.is_empty()));
    let out = cba::report::render_text(&sources, &diags);
    assert!(out.contains("did you mean `grievance.step1_deadline`?"), "{out}");
    // A diagnostic that points into the program carries that file.
    let Err((sources, diags)) = check_expr(&prog, "<test>", "grievance.step1_deadline(1)") else {
        panic!("a rule called with arguments is an error");
    };
    let out = cba::report::render_text(&sources, &diags);
    assert!(out.contains("contracts/grievance.cba"), "{out}");
    assert!(out.contains("declared here"), "{out}");
}

fn enum_id(p: &Program, name: &str) -> cba::ir::EnumId {
    p.enums
        .iter()
        .enumerate()
        .filter(|(_, e)| e.name == name)
        .map(|(i, _)| cba::ir::EnumId::from_index(i))
        .next()
        .expect("the enum")
}
