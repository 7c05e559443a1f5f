//! Expressions: precedence, postfix forms, literals.
mod common;

use cba::syntax::ast::*;
use common::build::*;
use common::*;

use BinOp::*;

#[test]
fn multiplication_binds_tighter_than_addition() {
    assert_eq!(expr("a + b * c"), bin(Add, path("a"), bin(Mul, path("b"), path("c"))));
    assert_eq!(expr("a * b + c"), bin(Add, bin(Mul, path("a"), path("b")), path("c")));
    assert_eq!(expr("a - b - c"), bin(Sub, bin(Sub, path("a"), path("b")), path("c")));
    assert_eq!(expr("a mod b * c"), bin(Mul, bin(Mod, path("a"), path("b")), path("c")));
}

#[test]
fn not_is_looser_than_comparison_and_tighter_than_and() {
    assert_eq!(expr("not a and b"), bin(And, un(UnOp::Not, path("a")), path("b")));
    assert_eq!(expr("not a == b"), un(UnOp::Not, bin(Eq, path("a"), path("b"))));
    assert_eq!(expr("a or b and c"), bin(Or, path("a"), bin(And, path("b"), path("c"))));
}

#[test]
fn coalesce_is_loosest() {
    assert_eq!(
        expr("x ?? y or z"),
        bin(Coalesce, path("x"), bin(Or, path("y"), path("z")))
    );
    assert_eq!(
        expr("a ?? b ?? c"),
        bin(Coalesce, bin(Coalesce, path("a"), path("b")), path("c"))
    );
}

#[test]
fn units_bind_tighter_than_arithmetic() {
    assert_eq!(
        expr("d + 35 workdays + ext"),
        bin(Add, bin(Add, path("d"), qty("35", Unit::Workdays)), path("ext"))
    );
    assert_eq!(expr("-3 days"), un(UnOp::Neg, qty("3", Unit::Days)));
    assert_eq!(expr("2 * 3 days"), bin(Mul, int(2), qty("3", Unit::Days)));
    assert_eq!(
        expr("-x days"),
        un(UnOp::Neg, e(ExprKind::WithUnit(b(path("x")), Unit::Days)))
    );
}

#[test]
fn unit_words_after_any_expression() {
    let with = |x: Expr, u| e(ExprKind::WithUnit(b(x), u));
    assert_eq!(expr("n workdays"), with(path("n"), Unit::Workdays));
    assert_eq!(
        expr("(a + b) days"),
        with(e(ExprKind::Paren(b(bin(Add, path("a"), path("b"))))), Unit::Days)
    );
    assert_eq!(expr("x dollars"), with(path("x"), Unit::Money));
    assert_eq!(expr("x percent"), with(path("x"), Unit::Percent));
    assert_eq!(expr("x hours"), with(path("x"), Unit::Hours));
    assert_eq!(expr("e.n pay periods"), with(path("e.n"), Unit::PayPeriods));
    assert_eq!(expr("f(x) weeks"), with(call("f", vec![path("x")]), Unit::Weeks));
}

#[test]
fn h_and_min_are_units_only_after_a_number() {
    assert_eq!(expr("24 h"), qty("24", Unit::Hours));
    assert_eq!(expr("24h"), qty("24", Unit::Hours));
    assert_eq!(expr("15 min"), qty("15", Unit::Minutes));
    // `h` after a name is not a unit: the input does not parse.
    expr_errors("x h");
    assert_eq!(
        expr("round_down(h, 15 minutes)"),
        call("round_down", vec![path("h"), qty("15", Unit::Minutes)])
    );
}

#[test]
fn comparisons_in_and_not_in() {
    assert_eq!(
        expr("p in {president, secretary}"),
        bin(
            In,
            path("p"),
            e(ExprKind::List(vec![path("president"), path("secretary")]))
        )
    );
    assert_eq!(expr("m not in xs"), bin(NotIn, path("m"), path("xs")));
    assert_eq!(expr("a + 1 >= b"), bin(Ge, bin(Add, path("a"), int(1)), path("b")));
}

#[test]
fn postfix_forms() {
    assert_eq!(expr("grievance.step1.received_on"), path("grievance.step1.received_on"));
    assert_eq!(expr("Method.mail"), path("Method.mail"));
    assert_eq!(
        expr("add_workdays(d, 35)"),
        call("add_workdays", vec![path("d"), int(35)])
    );
    assert_eq!(
        expr("calendar.add_workdays(d)"),
        call("calendar.add_workdays", vec![path("d")])
    );
    assert_eq!(
        expr("basic_pay[pay.on, rate]"),
        e(ExprKind::Index(
            b(path("basic_pay")),
            vec![path("pay.on"), path("rate")]
        ))
    );
    assert_eq!(
        expr("first(xs).name"),
        e(ExprKind::Field(b(call("first", vec![path("xs")])), id("name")))
    );
    assert_eq!(
        expr("xs[0].hours"),
        e(ExprKind::Field(
            b(e(ExprKind::Index(b(path("xs")), vec![int(0)]))),
            id("hours")
        ))
    );
    assert_eq!(expr("f()"), call("f", vec![]));
}

#[test]
fn commas_in_calls_and_numbers() {
    assert_eq!(expr("f(1,2)"), call("f", vec![int(1), int(2)]));
    // `f(1,234)` is one argument, but written so it is an error (E0027): see tests/check.
    assert_eq!(
        expr("min(position_total, 1400 h)"),
        call("min", vec![path("position_total"), qty("1400", Unit::Hours)])
    );
    assert_eq!(expr("[1, 2, 3]"), e(ExprKind::List(vec![int(1), int(2), int(3)])));
}

#[test]
fn conditionals_and_let() {
    assert_eq!(
        expr("if c then a else b + 1"),
        e(ExprKind::If(b(path("c")), b(path("a")), b(bin(Add, path("b"), int(1)))))
    );
    assert_eq!(
        expr("let total = sum(xs) in min(total, 33 h)"),
        e(ExprKind::Let(
            id("total"),
            b(call("sum", vec![path("xs")])),
            b(call("min", vec![path("total"), qty("33", Unit::Hours)]))
        ))
    );
    // `in` inside the bound value needs parentheses; the body may use it.
    assert_eq!(
        expr("let x = (a in b) in x in c"),
        e(ExprKind::Let(
            id("x"),
            b(e(ExprKind::Paren(b(bin(In, path("a"), path("b")))))),
            b(bin(In, path("x"), path("c")))
        ))
    );
    let cases = expr("when c => a when d => b otherwise => z");
    let ExprKind::Cases(cases) = cases.node else {
        panic!("not cases")
    };
    assert_eq!(cases.branches.len(), 2);
    assert_eq!(cases.otherwise, Some(b(path("z"))));
}

#[test]
fn comprehensions_and_aggregates() {
    let comp = |element, var, list, filter: Option<Expr>| Comprehension {
        element: b(element),
        var: id(var),
        list: b(list),
        filter: filter.map(b),
    };
    assert_eq!(
        expr("[e.hours for e in entries if e.hours > 0 h]"),
        e(ExprKind::ListComp(comp(
            path("e.hours"),
            "e",
            path("entries"),
            Some(bin(Gt, path("e.hours"), qty("0", Unit::Hours)))
        )))
    );
    assert_eq!(
        expr("sum(e.hours for e in entries)"),
        e(ExprKind::CallGen(
            vec![id("sum")],
            comp(path("e.hours"), "e", path("entries"), None)
        ))
    );
    assert_eq!(
        expr("sort(r in register by r.requested_on, r.appointed_on desc)"),
        e(ExprKind::Sort {
            var: Some(id("r")),
            list: b(path("register")),
            keys: vec![(path("r.requested_on"), false), (path("r.appointed_on"), true)],
        })
    );
    assert_eq!(
        expr("sort(xs)"),
        e(ExprKind::Sort {
            var: None,
            list: b(path("xs")),
            keys: vec![]
        })
    );
    assert_eq!(
        expr("fold(acc = 0 h, e in entries => acc + e.hours)"),
        e(ExprKind::Fold {
            acc: id("acc"),
            init: b(qty("0", Unit::Hours)),
            var: id("e"),
            list: b(path("entries")),
            body: b(bin(Add, path("acc"), path("e.hours"))),
        })
    );
    assert_eq!(
        expr(r#"error("no pay table before 2016")"#),
        e(ExprKind::Error(b(lit(Literal::String(
            "no pay table before 2016".into()
        )))))
    );
    // `sort` and `fold` are ordinary names elsewhere.
    assert_eq!(expr("sort + fold"), bin(Add, path("sort"), path("fold")));
}

#[test]
fn records_lists_and_sets() {
    assert_eq!(
        expr("Entry { date: 2025-01-06, hours: 2 h }"),
        e(ExprKind::Record(
            id("Entry"),
            vec![
                (id("date"), lit(Literal::Date(date(2025, 1, 6)))),
                (id("hours"), qty("2", Unit::Hours))
            ]
        ))
    );
    assert_eq!(expr("{}"), e(ExprKind::List(vec![])));
    assert_eq!(expr("[]"), e(ExprKind::List(vec![])));
    assert_eq!(
        expr("{mail, commercial,}"),
        e(ExprKind::List(vec![path("mail"), path("commercial")]))
    );
    expr_errors("{date: 2025-01-06}");
}

#[test]
fn literals_of_the_reference_table() {
    let l = |s: &str| match expr(s).node {
        ExprKind::Lit(l) => l,
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(l("35"), Literal::Int(35));
    assert_eq!(l("22,000"), Literal::Int(22000));
    assert_eq!(l("0.25"), Literal::Decimal(dec("0.25")));
    assert_eq!(l("1,872.5"), Literal::Decimal(dec("1872.5")));
    assert_eq!(l("$1,500.00"), Literal::Quantity(dec("1500.00"), Unit::Money));
    assert_eq!(l("$3"), Literal::Quantity(dec("3"), Unit::Money));
    assert_eq!(l("150%"), Literal::Quantity(dec("150"), Unit::Percent));
    assert_eq!(l("33.26%"), Literal::Quantity(dec("33.26"), Unit::Percent));
    assert_eq!(l("1,872 hours"), Literal::Quantity(dec("1872"), Unit::Hours));
    assert_eq!(l("1 hour"), Literal::Quantity(dec("1"), Unit::Hours));
    assert_eq!(l("30 minutes"), Literal::Quantity(dec("30"), Unit::Minutes));
    assert_eq!(l("1 workday"), Literal::Quantity(dec("1"), Unit::Workdays));
    assert_eq!(l("60 days"), Literal::Quantity(dec("60"), Unit::Days));
    assert_eq!(l("2 weeks"), Literal::Quantity(dec("2"), Unit::Weeks));
    assert_eq!(l("18 months"), Literal::Quantity(dec("18"), Unit::Months));
    assert_eq!(l("1 year"), Literal::Quantity(dec("1"), Unit::Years));
    assert_eq!(l("8 pay periods"), Literal::Quantity(dec("8"), Unit::PayPeriods));
    assert_eq!(l("1 pay period"), Literal::Quantity(dec("1"), Unit::PayPeriods));
    assert_eq!(l("2025-02-14"), Literal::Date(date(2025, 2, 14)));
    assert_eq!(l("2024-02-29"), Literal::Date(date(2024, 2, 29)));
    assert_eq!(l("2025-02"), Literal::YearMonth(2025, 2));
    assert_eq!(l("09:30"), Literal::Time(9 * 60 + 30));
    assert_eq!(l("2025-02-14T09:30"), Literal::DateTime(date(2025, 2, 14), 9 * 60 + 30));
    assert_eq!(l(r#""a \"b\" \\ c\n""#), Literal::String("a \"b\" \\ c\n".into()));
    assert_eq!(l("true"), Literal::Bool(true));
    assert_eq!(l("false"), Literal::Bool(false));
    assert_eq!(l("none"), Literal::None);
}

#[test]
fn dates_are_lexed_before_numbers() {
    assert_eq!(expr("2025-02-14 - 2025-01-01"), {
        let d = |m, day| lit(Literal::Date(date(2025, m, day)));
        bin(Sub, d(2, 14), d(1, 1))
    });
    assert_eq!(expr("2025 - 02"), bin(Sub, int(2025), int(2)));
    assert_eq!(expr("10-5"), bin(Sub, int(10), int(5)));
}

#[test]
fn parentheses_are_kept() {
    assert_eq!(expr("(a)"), e(ExprKind::Paren(b(path("a")))));
    assert_eq!(expr("((a))"), e(ExprKind::Paren(b(e(ExprKind::Paren(b(path("a"))))))));
}

#[test]
fn keywords_are_not_names() {
    for kw in [
        "if",
        "then",
        "let",
        "in",
        "when",
        "otherwise",
        "for",
        "and",
        "or",
        "mod",
        "list",
        "of",
        "error",
    ] {
        let src = format!("module t\nrule {kw}: int = 1\n");
        let diags = module_errors(&src);
        assert_eq!(diags.first().map(|d| d.code.as_str()), Some("E0001"), "{kw}");
    }
    // Contextual words stay names.
    for word in [
        "to", "by", "from", "desc", "source", "sub", "sort", "fold", "calendar", "weekend",
    ] {
        module(&format!("module t\nrule {word}: int = 1\n"));
    }
}

#[test]
fn spans_cover_the_text() {
    let src = "a + foo(b, 2 days)";
    let x = expr(src);
    assert_eq!(x.span.range(), 0..src.len());
    let ExprKind::Binary(_, _, rhs) = &x.node else { panic!() };
    assert_eq!(&src[rhs.span.range()], "foo(b, 2 days)");
    let ExprKind::Call(callee, args) = &rhs.node else {
        panic!()
    };
    assert_eq!(&src[callee[0].span.range()], "foo");
    assert_eq!(&src[args[1].span.range()], "2 days");
}
