//! The VS Code grammar (`editors/vscode/syntaxes/cba.tmLanguage.json`): every
//! pattern compiles, and each token class is found on sample lines, with a small
//! tokenizer that follows TextMate's rule for one line (the leftmost match wins,
//! the first pattern on a tie). No node needed.

use fancy_regex::Regex;
use serde_json::Value;

const GRAMMAR: &str = include_str!("../editors/vscode/syntaxes/cba.tmLanguage.json");

struct Rule {
    re: Regex,
    name: Option<String>,
    captures: Vec<(usize, String)>,
}

fn rules() -> Vec<Rule> {
    let g: Value = serde_json::from_str(GRAMMAR).expect("the grammar is JSON");
    assert_eq!(g["scopeName"], "source.cba");
    let mut out = Vec::new();
    fn add(g: &Value, p: &Value, out: &mut Vec<Rule>) {
        if let Some(inc) = p["include"].as_str() {
            let key = inc.strip_prefix('#').expect("includes name the repository");
            let entry = &g["repository"][key];
            assert!(!entry.is_null(), "`{inc}` is in the repository");
            for q in entry["patterns"].as_array().expect("patterns") {
                add(g, q, out);
            }
            return;
        }
        assert!(p["begin"].is_null(), "only one-line `match` rules: {p}");
        let src = p["match"].as_str().expect("a match rule");
        let re = Regex::new(src).unwrap_or_else(|e| panic!("`{src}` compiles: {e}"));
        let captures = p["captures"]
            .as_object()
            .map(|c| {
                c.iter()
                    .map(|(k, v)| {
                        (
                            k.parse().expect("capture number"),
                            v["name"].as_str().expect("name").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Rule {
            re,
            name: p["name"].as_str().map(str::to_string),
            captures,
        });
    }
    for p in g["patterns"].as_array().expect("top patterns") {
        add(&g, p, &mut out);
    }
    out
}

/// The leftmost match at a position: its range, rule and capture groups.
struct Found<'a> {
    start: usize,
    end: usize,
    rule: &'a Rule,
    groups: Vec<Option<(usize, usize)>>,
}

/// The scoped tokens of one line: `(text, scope)`.
fn tokenize(rules: &[Rule], line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < line.len() {
        let mut best: Option<Found> = None;
        for r in rules {
            let Ok(Some(c)) = r.re.captures_from_pos(line, pos) else {
                continue;
            };
            let m = c.get(0).expect("whole match");
            if m.end() == m.start() {
                continue;
            }
            if best.as_ref().is_none_or(|b| m.start() < b.start) {
                let groups = (0..c.len()).map(|i| c.get(i).map(|g| (g.start(), g.end()))).collect();
                best = Some(Found {
                    start: m.start(),
                    end: m.end(),
                    rule: r,
                    groups,
                });
            }
        }
        let Some(Found {
            start,
            end,
            rule,
            groups,
        }) = best
        else {
            break;
        };
        if let Some(n) = &rule.name {
            out.push((line[start..end].to_string(), n.clone()));
        }
        for (i, name) in &rule.captures {
            if let Some(Some((a, b))) = groups.get(*i) {
                out.push((line[*a..*b].to_string(), name.clone()));
            }
        }
        pos = end;
    }
    out
}

/// Asserts that `text` is one token of `scope` on `line`.
fn has(rules: &[Rule], line: &str, text: &str, scope: &str) {
    let tokens = tokenize(rules, line);
    assert!(
        tokens.iter().any(|(t, s)| t == text && s == scope),
        "`{text}` as {scope} in `{line}`: {tokens:?}"
    );
}

#[test]
fn each_token_class_on_sample_lines() {
    let r = rules();
    // Comments and doc comments.
    has(
        &r,
        "/// The day the grievance was filed.",
        "/// The day the grievance was filed.",
        "comment.line.documentation.cba",
    );
    has(
        &r,
        "  knew_on: date // as of §6.A",
        "// as of §6.A",
        "comment.line.double-slash.cba",
    );
    // Keywords and declarations.
    let line = "rule step1_due: date  §6.A \"thirty-five (35) working days\"";
    has(&r, line, "rule", "storage.type.cba");
    has(&r, line, "step1_due", "entity.name.function.cba");
    has(&r, line, "date", "support.type.cba");
    // Citations with their quoted phrase.
    has(&r, line, "§6.A", "markup.underline.link.citation.cba");
    has(
        &r,
        line,
        "\"thirty-five (35) working days\"",
        "string.quoted.double.citation.cba",
    );
    has(
        &r,
        "rule x: int  Art. 23 §3.B = 1",
        "Art. 23 §3.B",
        "markup.underline.link.citation.cba",
    );
    has(
        &r,
        "rule x: int  §3 sub 5.C = 1",
        "§3 sub 5.C",
        "markup.underline.link.citation.cba",
    );
    has(
        &r,
        "rule x: int  §8.C–D = 1",
        "§8.C–D",
        "markup.underline.link.citation.cba",
    );
    has(
        &r,
        "rule x: int  Art. 29 Sidebar \"one of\" = 1",
        "Art. 29 Sidebar",
        "markup.underline.link.citation.cba",
    );
    has(
        &r,
        "fn h(y: int): list of date  source \"5 U.S.C. 6103(a)\"",
        "\"5 U.S.C. 6103(a)\"",
        "string.quoted.double.citation.cba",
    );
    let line = "  when grievance.step1.method == mail and not x => grievance.knew_on + 35 workdays";
    has(&r, line, "when", "keyword.control.cba");
    has(&r, line, "and", "keyword.operator.word.cba");
    has(&r, line, "not", "keyword.operator.word.cba");
    has(&r, line, "=>", "keyword.operator.arrow.cba");
    // Durations with their units.
    has(&r, line, "35", "constant.numeric.duration.cba");
    has(&r, line, "workdays", "keyword.other.unit.cba");
    has(&r, "= 2 pay periods", "pay periods", "keyword.other.unit.cba");
    has(&r, "= 24h", "h", "keyword.other.unit.cba");
    has(&r, "= 1,040 hours", "1,040", "constant.numeric.duration.cba");
    // Dates, money, percentages, numbers, strings, constants.
    has(
        &r,
        "  from 2016-01-10 \"2016-ALJ\": $107,000.50",
        "2016-01-10",
        "constant.numeric.date.cba",
    );
    has(
        &r,
        "  from 2016-01-10 \"2016-ALJ\": $107,000.50",
        "$107,000.50",
        "constant.numeric.money.cba",
    );
    has(
        &r,
        "  from 2016-01-10 \"2016-ALJ\": $107,000.50",
        "\"2016-ALJ\"",
        "string.quoted.double.cba",
    );
    has(
        &r,
        "given as_of = 2025-02-14T09:30",
        "2025-02-14T09:30",
        "constant.numeric.date.cba",
    );
    has(&r, "given month = 2025-02", "2025-02", "constant.numeric.date.cba");
    has(&r, "= 4.5% of pay", "4.5%", "constant.numeric.percent.cba");
    has(&r, "= round(x, 2) + 1.25", "1.25", "constant.numeric.cba");
    has(&r, "= round(x, 2) + 1.25", "round", "entity.name.function.call.cba");
    has(&r, "  continuing: bool = false", "false", "constant.language.cba");
    // Types.
    has(&r, "enum Method { in_person, mail }", "Method", "entity.name.type.cba");
    has(&r, "  step1: Step", "Step", "entity.name.type.cba");
}

#[test]
fn every_contract_line_tokenizes() {
    let r = rules();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts/grievance.cba");
    let text = std::fs::read_to_string(&root).expect("contracts/grievance.cba");
    let mut cited = 0;
    for line in text.lines() {
        let tokens = tokenize(&r, line);
        cited += tokens
            .iter()
            .filter(|(_, s)| s == "markup.underline.link.citation.cba")
            .count();
        if line.trim_start().starts_with("///") {
            assert_eq!(tokens.len(), 1, "a doc comment is one token: {line}");
        }
    }
    assert!(cited > 20, "citations found: {cited}");
}
