//! Syntax errors: code, message, primary span and help for typical mistakes.
mod common;

use cba::diag::Diagnostic;
use cba::syntax::is_incomplete;
use common::*;

/// The one diagnostic of `src`, with the text its primary label covers.
fn one(src: &str) -> (Diagnostic, String) {
    let diags = module_errors(src);
    assert_eq!(diags.len(), 1, "{src}\n{diags:#?}");
    let d = diags.into_iter().next().expect("one diagnostic");
    let text = src[d.primary.span.range()].to_string();
    (d, text)
}

#[test]
fn missing_rule_body() {
    let src = "module t\nrule x: date §6.A\n  grievance.knew_on + 35 workdays\n";
    let (d, text) = one(src);
    assert_eq!(d.code.as_str(), "E0001");
    assert_eq!(d.message, "expected `when` or `=`, found `grievance`");
    assert_eq!(text, "grievance");
    assert_eq!(d.primary.span.start as usize, src.find("grievance.").expect("found"));
}

#[test]
fn expression_expected_at_end() {
    let (d, text) = one("module t\nrule x: int = \n");
    assert_eq!(
        (d.code.as_str(), d.message.as_str(), text.as_str()),
        ("E0001", "expected an expression, found end of input", "")
    );
    assert_eq!(d.primary.message, "the input ends here");
}

#[test]
fn missing_colon_before_the_type() {
    let (d, text) = one("module t\nrule x int = 1\n");
    assert_eq!(d.message, "expected `:` or `(`, found `int`");
    assert_eq!(text, "int");
}

#[test]
fn single_equals_in_a_condition() {
    let (d, text) = one("module t\nrule x: int when a = 1 => 2 otherwise => 3\n");
    assert_eq!(d.message, "expected `=>` or an operator, found `=`");
    assert_eq!(text, "=");
    assert_eq!(d.help.as_deref(), Some("to compare two values, write `==`"));
}

#[test]
fn if_without_else() {
    let (d, _) = one("module t\nrule x: int = if a then b\n");
    assert_eq!(d.message, "expected `else` or an operator, found end of input");
    assert_eq!(d.help.as_deref(), Some("an `if` needs both `then` and `else`"));
}

#[test]
fn two_values_in_a_row() {
    let (d, text) = one("module t\nrule x: int = f(a b)\n");
    assert_eq!(d.code.as_str(), "E0001");
    assert_eq!(text, "b");
    assert_eq!(
        d.help.as_deref(),
        Some("two values in a row: is an operator or a comma missing?")
    );
}

#[test]
fn names_and_type_names() {
    let (d, text) = one("module t\nrule StepOne: int = 1\n");
    assert_eq!(
        (d.message.as_str(), text.as_str()),
        ("expected a name, found `StepOne`", "StepOne")
    );
    assert_eq!(
        d.help.as_deref(),
        Some("names of facts, rules and fields are lowercase: `step_one`")
    );
    let (d, _) = one("module t\nrule in: int = 1\n");
    assert_eq!(
        d.help.as_deref(),
        Some("`in` is a reserved word and cannot be used as a name")
    );
    let (d, text) = one("module t\nenum method { a }\n");
    assert_eq!(
        (d.message.as_str(), text.as_str()),
        ("expected a capitalised type name, found `method`", "method")
    );
}

#[test]
fn arrow_typo() {
    let (d, text) = one("module t\nrule x: int when a -> 1\n");
    assert_eq!(text, ">");
    assert_eq!(d.help.as_deref(), Some("a branch is written `when CONDITION => VALUE`"));
}

#[test]
fn record_without_its_name() {
    let (d, text) = one("module t\nrule x: int = { a: 1 }\n");
    assert_eq!(
        (d.code.as_str(), d.message.as_str(), text.as_str()),
        ("E0001", "unexpected `:`", ":")
    );
    assert!(d.help.as_deref().is_some_and(|h| h.contains("Name { field: value }")));
}

#[test]
fn unterminated_string() {
    let (d, text) = one("module t\narticle 10 \"Grievance Procedure\n\nrule x: int §1 = 1\n");
    assert_eq!((d.code.as_str(), d.message.as_str()), ("E0003", "unterminated string"));
    assert_eq!(text, "\"Grievance Procedure");
}

#[test]
fn misplaced_doc_comments() {
    let (d, text) = one("module t\nrule x: int = 1\n/// dangling\n");
    assert_eq!(d.code.as_str(), "E0004");
    assert_eq!(text, "/// dangling");
    assert_eq!(d.help.as_deref(), Some("write `//` for a plain comment"));
    let (d, text) = one("module t\nrule x: int = a + /// doc\n b\n");
    assert_eq!((d.code.as_str(), text.as_str()), ("E0004", "///"));
}

#[test]
fn missing_module_header() {
    let (d, text) = one("/// Doc.\nrule x: int = 1\n");
    assert_eq!(
        (d.code.as_str(), d.message.as_str(), text.as_str()),
        ("E0005", "a file must start with `module NAME`", "rule")
    );
}

#[test]
fn invalid_literals_have_their_own_codes() {
    let cases = [
        ("2025-02-30", "E0010", "invalid date `2025-02-30`", "2025-02-30"),
        ("2025-13-01", "E0010", "invalid date `2025-13-01`", "2025-13-01"),
        ("2025-2-14", "E0010", "malformed date `2025-2-14`", "2025-2-14"),
        ("2025-13", "E0010", "invalid month `2025-13`", "2025-13"),
        ("25:00", "E0011", "invalid time `25:00`", "25:00"),
        ("2025-02-14T09:60", "E0011", "invalid time `09:60`", "2025-02-14T09:60"),
        (
            "99999999999999999999",
            "E0012",
            "integer `99999999999999999999` is too large",
            "99999999999999999999",
        ),
        ("\"a\\qb\"", "E0015", "unknown escape `\\q` in a string", "\\q"),
    ];
    for (lit, code, message, span_text) in cases {
        let src = format!("module t\nrule x: int = {lit}\n");
        let (d, text) = one(&src);
        assert_eq!(
            (d.code.as_str(), d.message.as_str(), text.as_str()),
            (code, message, span_text),
            "{lit}"
        );
        assert!(d.is_error());
    }
    assert_eq!(
        one("module t\nrule x: int = 2025-02-30\n").0.primary.message,
        "February 2025 has 28 days"
    );
    // Sub-cent money is a warning only.
    let (d, text) = one("module t\nrule x: money = $0.125\n");
    assert_eq!(
        (d.code.as_str(), text.as_str(), d.is_error()),
        ("E0013", "$0.125", false)
    );
}

#[test]
fn structural_errors_after_parsing() {
    let (d, text) = one("module t\nrule x: bool = a < b < c\n");
    assert_eq!(
        (d.code.as_str(), d.message.as_str(), text.as_str()),
        ("E0023", "comparisons cannot be chained", "<")
    );
    let (d, text) = one("module t\nexception to x §1 when a => 1 otherwise => 2\n");
    assert_eq!((d.code.as_str(), text.as_str()), ("E0024", "2"));
    let (d, text) = one("module t\nrule x: int = f(x)(y)\n");
    assert_eq!((d.code.as_str(), text.as_str()), ("E0020", "(y)"));
    let (d, text) = one("module t\nrule x: int = sort(xs by k)\n");
    assert_eq!((d.code.as_str(), text.as_str()), ("E0021", "xs"));
    let (d, _) = one("module t\nrule x: int = fold(a = 0, xs => a)\n");
    assert_eq!(d.code.as_str(), "E0022");
    let (d, _) = one("module t\ncalendar c { weekend: sunday holidays: h holidays: g }\n");
    assert_eq!(d.code.as_str(), "E0025");
}

#[test]
fn nesting_too_deep() {
    let deep = format!("module t\nrule x: int = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let diags = module_errors(&deep);
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].code.as_str(), diags[0].message.as_str()),
        ("E0002", "nesting too deep")
    );
    let nots = format!("module t\nrule x: bool = {}a\n", "not ".repeat(20_000));
    assert_eq!(module_errors(&nots)[0].code.as_str(), "E0002");
    let ifs = format!("module t\nrule x: int = {}0\n", "if a then 1 else ".repeat(5000));
    assert_eq!(module_errors(&ifs)[0].code.as_str(), "E0002");
    let whens = format!("module t\nrule x: int = {}0\n", "when a => ".repeat(5000));
    assert_eq!(module_errors(&whens)[0].code.as_str(), "E0002");
    // Long flat chains are fine up to the tree limit, then reported, never a crash.
    let chain = format!("module t\nrule x: int = 1{}\n", " + 1".repeat(300));
    module(&chain);
    let long = format!("module t\nrule x: int = 1{}\n", " + 1".repeat(5_000));
    assert_eq!(module_errors(&long)[0].code.as_str(), "E0002");
    // Just inside the limit parses.
    let ok = format!("module t\nrule x: int = {}1{}\n", "(".repeat(150), ")".repeat(150));
    module(&ok);
}

#[test]
fn every_nesting_form_is_accepted_to_200_levels_and_rejected_beyond() {
    let forms = [
        ("(", ")"),
        ("[", "]"),
        ("f(", ")"),
        ("{", "}"),
        ("if a then 1 else ", ""),
        ("not ", ""),
        ("- ", ""),
        ("let x = 1 in ", ""),
        ("when a => ", ""),
        ("sort(", ")"),
        ("[x for x in ", "]"),
        ("Entry { a: ", "}"),
    ];
    for (open, close) in forms {
        let at = |n: usize| format!("module t\nrule x: int = {}1{}\n", open.repeat(n), close.repeat(n));
        assert!(module_errors(&at(200)).is_empty(), "{open}");
        let too_deep = module_errors(&at(201));
        assert_eq!(
            too_deep.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
            ["E0002"],
            "{open}"
        );
    }
}

#[test]
fn expressions_alone() {
    let d = expr_errors("1 +");
    assert_eq!(
        (d[0].code.as_str(), d[0].message.as_str()),
        ("E0001", "expected an expression, found end of input")
    );
    let d = expr_errors("rule x: int = 1");
    assert_eq!(d[0].code.as_str(), "E0001");
}

#[test]
fn incomplete_input_for_a_repl() {
    for src in [
        "f(a,",
        "(a +",
        "if a then b",
        "let x = 1 in",
        "[1, 2",
        "rule x: int =",
        "module t\nrule x: int = 1 +",
        "max(1,\n  2,",
        "[(1 +",
    ] {
        assert!(is_incomplete(src), "{src}");
    }
    // An error before the end is not "incomplete": nothing typed next can fix it.
    for src in [
        "",
        "1 + 2",
        "f(a))",
        "rule x: int = 1",
        "1 2",
        "\"abc",
        ")))(",
        ")(",
        "max(1 +* 2,",
        "[1 2,",
        "f(a)) + (",
    ] {
        assert!(!is_incomplete(src), "{src}");
    }
}
