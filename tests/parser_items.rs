//! Items, doc comments and citations.
mod common;

use cba::syntax::ast::*;
use common::build::*;
use common::*;

fn only_item(src: &str) -> Item {
    let mut m = module(&format!("module t\n{src}"));
    assert_eq!(m.items.len(), 1, "{:#?}", m.items);
    m.items.remove(0)
}

fn rule(src: &str) -> RuleDecl {
    match only_item(src) {
        Item::Rule(r) => r,
        other => panic!("{other:?}"),
    }
}

fn citation(cit: &str) -> Citation {
    rule(&format!("rule x: int {cit} = 1")).citation.expect("a citation")
}

#[test]
fn module_header() {
    let m = module(
        "/// Doc one.\n///   indented\n///\nmodule grievance\narticle 10 \"Grievance Procedure\"\nuse calendar.{add_workdays, next_workday}\nuse calendar.add_workdays\nuse hours.{Schedule}\n",
    );
    assert_eq!(m.doc.as_deref(), Some("Doc one.\n  indented\n"));
    assert_eq!(m.name.node, "grievance");
    let article = m.article.expect("article");
    assert_eq!(article.number.node, 10);
    assert_eq!(article.title.map(|t| t.node).as_deref(), Some("Grievance Procedure"));
    assert_eq!(m.uses.len(), 3);
    assert_eq!(m.uses[0].module.node, "calendar");
    assert_eq!(m.uses[0].names, vec![id("add_workdays"), id("next_workday")]);
    assert_eq!(m.uses[1].names, vec![id("add_workdays")]);
    assert_eq!(m.uses[2].names, vec![id("Schedule")]);
}

#[test]
fn citations_of_every_form() {
    let c = citation("§6.A");
    assert_eq!(c.section.map(|s| s.node).as_deref(), Some("6.A"));
    assert!(c.article.is_none() && c.quote.is_none() && !c.sidebar);

    let c = citation("§6.A \"within thirty-five (35) working days\"");
    assert_eq!(
        c.quote.map(|s| s.node).as_deref(),
        Some("within thirty-five (35) working days")
    );

    let c = citation("Art. 23 §3.B");
    assert_eq!(c.article.map(|a| a.node), Some(23));
    assert_eq!(c.section.map(|s| s.node).as_deref(), Some("3.B"));

    let c = citation("Art. 7 Sidebar");
    assert_eq!(c.article.map(|a| a.node), Some(7));
    assert!(c.sidebar);

    let c = citation("Sidebar \"phrase\"");
    assert!(c.sidebar && c.article.is_none());
    assert_eq!(c.quote.map(|s| s.node).as_deref(), Some("phrase"));

    let c = citation("§3 sub 5.C");
    assert_eq!(c.section.map(|s| s.node).as_deref(), Some("3"));
    assert_eq!(c.sub.map(|s| s.node).as_deref(), Some("5.C"));

    assert_eq!(citation("§A-B").section.map(|s| s.node).as_deref(), Some("A-B"));
    assert_eq!(citation("§3.B–I").section.map(|s| s.node).as_deref(), Some("3.B-I"));
    assert_eq!(citation("§ 6.A").section.map(|s| s.node).as_deref(), Some("6.A"));

    let c = citation("source \"5 U.S.C. 6103(a)\" \"holidays\"");
    assert_eq!(c.source.map(|s| s.node).as_deref(), Some("5 U.S.C. 6103(a)"));
    assert_eq!(c.quote.map(|s| s.node).as_deref(), Some("holidays"));

    let src = "module t\nrule x: int Art. 23 §3.B \"q\" = 1";
    let m = module(src);
    let Item::Rule(r) = &m.items[0] else { panic!() };
    let c = r.citation.as_ref().expect("citation");
    assert_eq!(&src[c.span.range()], "Art. 23 §3.B \"q\"");
}

#[test]
fn rules_functions_and_bodies() {
    let r = rule("/// Doc.\nrule cap: hours §8.B = position_total");
    assert_eq!(r.doc.as_deref(), Some("Doc."));
    assert!(!r.is_fn && r.params.is_none());
    assert_eq!(r.ty, named("hours"));
    assert_eq!(r.body, Body::Expr(path("position_total")));

    let r = rule(
        "rule f(a: Method, b: list of date?): workdays\n when a in {mail} => 5 workdays\n otherwise => 0 workdays",
    );
    let params = r.params.expect("params");
    assert_eq!(params.len(), 2);
    assert_eq!(
        params[1].ty,
        sp(TypeExprKind::List(Box::new(sp(TypeExprKind::Optional(Box::new(
            named("date")
        ))))))
    );
    let Body::Cases(cases) = r.body else { panic!() };
    assert_eq!(cases.branches.len(), 1);
    assert!(cases.otherwise.is_some());

    let r = rule("fn g(): (list of date)? = none");
    assert!(r.is_fn);
    assert_eq!(r.params, Some(vec![]));
    assert_eq!(
        r.ty,
        sp(TypeExprKind::Optional(Box::new(sp(TypeExprKind::List(Box::new(
            named("date")
        ))))))
    );

    // Missing `otherwise` is accepted (the checker reports it).
    let r = rule("rule x: int when a => 1");
    let Body::Cases(cases) = r.body else { panic!() };
    assert!(cases.otherwise.is_none());
}

#[test]
fn exceptions() {
    let Item::Exception(x) = only_item(
        "/// Notwithstanding.\nexception to cap_hours §8.C \"Notwithstanding the above\"\n  when not holds_top_office => min(position_total, 1400 h)",
    ) else {
        panic!()
    };
    assert_eq!(x.doc.as_deref(), Some("Notwithstanding."));
    assert_eq!(x.target, vec![id("cap_hours")]);
    assert_eq!(x.branches.len(), 1);
    let Item::Exception(x) = only_item("exception to hours.cap §1 when a => 1 when b => 2") else {
        panic!()
    };
    assert_eq!(x.target, vec![id("hours"), id("cap")]);
    assert_eq!(x.branches.len(), 2);
}

#[test]
fn facts_groups_and_docs() {
    let Item::Facts(f) = only_item(
        "facts grievance {\n  /// When known.\n  knew_on: date\n  subject: Subject?\n  continuing: bool = false,\n  step1 { method: Method = in_person }\n  entries: list of Entry = []\n}",
    ) else {
        panic!()
    };
    assert_eq!(f.prefix, vec![id("grievance")]);
    assert_eq!(f.entries.len(), 5);
    let FactEntry::Fact(knew) = &f.entries[0] else { panic!() };
    assert_eq!(knew.doc.as_deref(), Some("When known."));
    assert_eq!(knew.ty, named("date"));
    let FactEntry::Fact(cont) = &f.entries[2] else { panic!() };
    assert_eq!(cont.default, Some(lit(Literal::Bool(false))));
    let FactEntry::Group(g) = &f.entries[3] else { panic!() };
    assert_eq!(g.prefix, vec![id("step1")]);
    assert_eq!(g.entries.len(), 1);

    let Item::Facts(top) = only_item("facts { as_of: date = today() }") else {
        panic!()
    };
    assert!(top.prefix.is_empty());
}

#[test]
fn unit_words_as_field_names() {
    // A unit word followed by `:` starts the next field, not a unit.
    let Item::Record(r) = only_item("record R {\n  n: int = 5\n  days: int\n  h: hours = 2 h\n  hours: hours\n}")
    else {
        panic!()
    };
    let names: Vec<_> = r.fields.iter().map(|f| f.name.node.as_str()).collect();
    assert_eq!(names, ["n", "days", "h", "hours"]);
    assert_eq!(r.fields[0].default, Some(int(5)));
}

#[test]
fn enums_and_records() {
    let Item::Enum(en) =
        only_item("enum Rate {\n  /// The first.\n  al3_a = \"AL-3/A\"\n  al3_b = \"AL-3/B\", plain\n}")
    else {
        panic!()
    };
    assert_eq!(en.variants.len(), 3);
    assert_eq!(en.variants[0].doc.as_deref(), Some("The first."));
    assert_eq!(
        en.variants[0].external.as_ref().map(|s| s.node.as_str()),
        Some("AL-3/A")
    );
    assert!(en.variants[2].external.is_none());

    let Item::Record(r) = only_item("record Entry { date: date, hours: hours = 0 h }") else {
        panic!()
    };
    assert_eq!(r.fields.len(), 2);
    assert_eq!(r.fields[1].default, Some(qty("0", Unit::Hours)));
}

#[test]
fn tables() {
    let Item::Table(t) = only_item(
        "table basic_pay: money by date, Rate  source \"OPM ALJ salary tables\" {\n  /// First year.\n  from 2016-01-10 \"2016-ALJ\": { al3_a: $107,000, al3_b: $115,100 }\n  from 2017-01-08: { al3_a: $1 }\n}",
    ) else {
        panic!()
    };
    assert_eq!(t.keys, vec![named("date"), named("Rate")]);
    assert_eq!(
        t.citation.and_then(|c| c.source).map(|s| s.node).as_deref(),
        Some("OPM ALJ salary tables")
    );
    assert_eq!(t.rows.len(), 2);
    let row = &t.rows[0];
    assert_eq!(row.doc.as_deref(), Some("First year."));
    assert_eq!(row.key, TableKey::From(sp(date(2016, 1, 10))));
    assert_eq!(row.note.as_ref().map(|n| n.node.as_str()), Some("2016-ALJ"));
    let TableValue::Nested(inner) = &row.value else {
        panic!()
    };
    assert_eq!(inner.len(), 2);
    assert_eq!(inner[0].key, TableKey::Key(path("al3_a")));
    assert_eq!(inner[1].value, TableValue::Value(qty("115100", Unit::Money)));

    let Item::Table(t) = only_item("table cap: hours by Position §8.B {\n president: 1,872 h\n \"x\": 2 h, 3: 4 h }")
    else {
        panic!()
    };
    assert_eq!(t.rows[0].key, TableKey::Key(path("president")));
    assert_eq!(t.rows[0].value, TableValue::Value(qty("1872", Unit::Hours)));
    assert_eq!(t.rows[1].key, TableKey::Key(lit(Literal::String("x".into()))));
    assert_eq!(t.rows[2].key, TableKey::Key(int(3)));
    // A set as a row value is a list, not nested rows.
    let Item::Table(t) = only_item("table t: list of Method by Step { one: {mail, fax} }") else {
        panic!()
    };
    assert_eq!(
        t.rows[0].value,
        TableValue::Value(e(ExprKind::List(vec![path("mail"), path("fax")])))
    );
}

#[test]
fn tests_given_and_expect() {
    let Item::Test(t) = only_item(
        "/// Documented.\ntest \"a Presidents Day\" {\n  given grievance.knew_on = 2025-02-14\n  given calendar.closures = [2025-03-03]\n  expect step1_deadline = 2025-04-07\n  expect error step2_deadline\n}",
    ) else {
        panic!()
    };
    assert_eq!(t.doc.as_deref(), Some("Documented."));
    assert_eq!(t.name.node, "a Presidents Day");
    assert_eq!(t.givens.len(), 2);
    assert_eq!(t.givens[0].path, vec![id("grievance"), id("knew_on")]);
    assert_eq!(t.expects.len(), 2);
    assert_eq!(t.expects[1].rule, vec![id("step2_deadline")]);
    assert!(t.expects[1].value.is_none());
}

#[test]
fn calendars() {
    let Item::Calendar(c) = only_item(
        "calendar employer  source \"5 U.S.C. 6103; E.O. 11582\" {\n  weekend: saturday, sunday\n  holidays: federal_holidays      // fn(year: int): list of date\n  closures: calendar.closures\n}",
    ) else {
        panic!()
    };
    assert_eq!(c.name.node, "employer");
    assert_eq!(c.weekend, vec![id("saturday"), id("sunday")]);
    assert_eq!(c.holidays, vec![id("federal_holidays")]);
    assert_eq!(c.closures, Some(vec![id("calendar"), id("closures")]));
    let Item::Calendar(c) = only_item("calendar c { weekend: sunday, holidays: h }") else {
        panic!()
    };
    assert_eq!(c.weekend, vec![id("sunday")]);
    assert!(c.closures.is_none());
}

#[test]
fn comments_are_skipped_and_quadruple_slash_is_plain() {
    let m = module("module t // trailing\n//// banner\n// plain\nrule x: int = 1 // after\n");
    let Item::Rule(r) = &m.items[0] else { panic!() };
    assert!(r.doc.is_none());
}

#[test]
fn items_in_any_order_with_uses_between() {
    let m = module("module t\nrule a: int = b\nuse m.x\nrule b: int = 1\n");
    assert_eq!(m.items.len(), 2);
    assert_eq!(m.uses.len(), 1);
}
