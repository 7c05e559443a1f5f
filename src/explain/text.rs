//! Explanations as an indented tree to read aloud:
//!
//! ```text
//! grievance.step2_deadline = 2025-01-13 — Art. 10 §6.A
//!   "received by the Regional Chief Administrative Law Judge … of the Step One answer"
//!   Step Two must be received within twenty-five working days of the Step One answer, …
//!   when grievance.step1.answered_on != none
//!   => grievance.step1.answered_on + 25 workdays + receipt_extension(…)
//!   · grievance.step1.answered_on = 2024-11-25 (given)
//!   · grievance.receipt_extension(mail, false) = 5 workdays — Art. 10 §8.C-D
//!       …
//! ```

use std::fmt::Write;

use super::Options;
use super::derive::{Derivation, NotTaken, Reads, Step, StepKind};
use crate::eval::format;
use crate::ir::{Citation, Program};
use crate::syntax::span::Span;
use crate::types::Type;

/// Longest source excerpt shown before it is cut with `…`.
const MAX_EXCERPT: usize = 240;

/// Renders one derivation as text, ending with a newline.
pub fn render(prog: &Program, d: &Derivation, opts: Options) -> String {
    let mut out = String::new();
    derivation(&mut out, prog, d, 0, opts);
    out
}

/// The source text of a span, comments removed and whitespace collapsed,
/// cut to a readable length.
pub fn excerpt(prog: &Program, span: Span) -> String {
    let text = &prog.sources.get(span.file).text;
    let raw = text.get(span.range()).unwrap_or("");
    let mut out = String::new();
    for line in raw.lines() {
        let code = strip_comment(line).trim();
        if code.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(code);
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    cut(&collapsed, MAX_EXCERPT)
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push_str(" …");
    t
}

/// A line without its `// comment` (a `//` inside a string is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '/' if !in_str && prev == '/' => return &line[..i - 1],
            _ => {}
        }
        prev = c;
    }
    line
}

/// The first sentence of a doc comment.
pub fn first_sentence(doc: &str) -> String {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = flat
        .char_indices()
        .find(|(i, c)| *c == '.' && flat[i + 1..].starts_with(' ') && !abbreviation(&flat[..*i]))
        .map_or(flat.len(), |(i, _)| i + 1);
    cut(&flat[..end], MAX_EXCERPT)
}

/// `Art.`, `e.g.`, `§8.D` and the like do not end a sentence.
fn abbreviation(before: &str) -> bool {
    let word = before.rsplit(' ').next().unwrap_or("");
    matches!(
        word,
        "Art" | "e.g" | "i.e" | "U.S.C" | "C.F.R" | "No" | "Pub" | "L" | "U.S" | "Sec" | "cf"
    ) || word.len() == 1
}

/// `Art. 10 §6.A` and, separately, the quoted phrase.
pub fn citation(c: &Citation) -> String {
    c.to_string()
}

fn value_text(prog: &Program, v: &crate::values::value::Value, ty: &Type) -> String {
    cut(&format::text(prog, v, ty), MAX_EXCERPT)
}

/// The name of a rule or a function call: `grievance.step1_deadline`,
/// `grievance.receipt_extension(mail, false)`.
pub fn call_name(prog: &Program, d: &Derivation) -> String {
    let r = &prog.rules[d.rule];
    match (&d.args, &r.params) {
        (Some(args), Some(params)) => {
            let shown: Vec<String> = args
                .iter()
                .zip(params)
                .map(|(v, (_, t))| value_text(prog, v, t))
                .collect();
            format!("{}({})", r.qualified, shown.join(", "))
        }
        _ => r.qualified.clone(),
    }
}

/// `= value` or `: error: message`.
fn outcome(prog: &Program, d: &Derivation) -> String {
    let r = &prog.rules[d.rule];
    match &d.result {
        Some(Ok(v)) => format!(" = {}", value_text(prog, v, &r.ty)),
        Some(Err(e)) => format!(": error: {}", e.message(prog)),
        None => String::new(),
    }
}

fn pad(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn line(out: &mut String, depth: usize, text: &str) {
    pad(out, depth);
    out.push_str(text);
    out.push('\n');
}

fn derivation(out: &mut String, prog: &Program, d: &Derivation, depth: usize, opts: Options) {
    let r = &prog.rules[d.rule];
    let mut head = format!("{}{}", call_name(prog, d), outcome(prog, d));
    // A failure's message already names the rule and its citation.
    let failed = matches!(d.result, Some(Err(_)));
    if let Some(c) = r.citation.as_ref().filter(|_| !failed) {
        let _ = write!(head, " — {}", citation(c));
    }
    if d.seen_above {
        head.push_str(" (as above)");
    }
    line(out, depth, &head);
    if d.seen_above || d.collapsed {
        return;
    }
    match (&r.citation, failed) {
        (Some(c), true) => {
            let q = c.quote.as_ref().map(|q| format!(" \"{}\"", cut(q, MAX_EXCERPT)));
            line(out, depth + 1, &format!("{}{}", citation(c), q.unwrap_or_default()));
        }
        (Some(c), false) => {
            if let Some(q) = &c.quote {
                line(out, depth + 1, &format!("\"{}\"", cut(q, MAX_EXCERPT)));
            }
        }
        (None, _) => {}
    }
    if let Some(doc) = &r.doc {
        line(out, depth + 1, &first_sentence(doc));
    }
    if d.steps.is_empty() && !matches!(r.body.kind, crate::ir::ExprKind::Cases(..)) {
        line(out, depth + 1, &format!("= {}", excerpt(prog, r.body.span)));
    }
    for s in &d.steps {
        step(out, prog, d, s, depth + 1, opts);
    }
    reads(out, prog, &d.reads, depth + 1, opts);
}

/// `exception Art. 10 §4.B.5 "quote"` when the branch is an exception's.
fn exception_label(prog: &Program, d: &Derivation, ix: Option<usize>) -> Option<String> {
    let r = &prog.rules[d.rule];
    let x = r.exceptions.get(ix?)?;
    let mut s = String::from("by exception");
    if let Some(c) = &x.citation {
        let _ = write!(s, " {}", citation(c));
        if let Some(q) = &c.quote {
            let _ = write!(s, " \"{}\"", cut(q, MAX_EXCERPT));
        }
    }
    Some(s)
}

fn step(out: &mut String, prog: &Program, d: &Derivation, s: &Step, depth: usize, opts: Options) {
    if opts.why_not {
        for nt in &s.not_taken {
            not_taken(out, prog, d, nt, depth, opts);
        }
    }
    if let Some(label) = exception_label(prog, d, s.exception) {
        line(out, depth, &label);
    }
    match s.kind {
        StepKind::When(cond) => {
            line(out, depth, &format!("when {}", excerpt(prog, cond)));
            line(out, depth, &format!("=> {}", excerpt(prog, s.value)));
        }
        StepKind::Otherwise => line(out, depth, &format!("otherwise => {}", excerpt(prog, s.value))),
        StepKind::Body => line(out, depth, &format!("= {}", excerpt(prog, s.value))),
    }
}

fn not_taken(out: &mut String, prog: &Program, d: &Derivation, nt: &NotTaken, depth: usize, opts: Options) {
    let why = match nt.holds {
        Some(_) => "false",
        None => "could not be decided",
    };
    let from = exception_label(prog, d, nt.exception)
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    line(
        out,
        depth,
        &format!("not taken: when {} — {why}{from}", excerpt(prog, nt.cond)),
    );
    reads(out, prog, &nt.reads, depth + 1, opts);
}

fn reads(out: &mut String, prog: &Program, r: &Reads, depth: usize, opts: Options) {
    for f in &r.facts {
        let info = &prog.facts[f.fact];
        let v = match &f.result {
            Ok(v) => format!("= {}", value_text(prog, v, &info.ty)),
            Err(e) => format!("error: {}", e.message(prog)),
        };
        // A value the case did not give is its declared default (`none` is just absent).
        let origin = match &f.result {
            Ok(v) if !f.given && *v != crate::values::value::Value::None => " (default)",
            _ => "",
        };
        line(out, depth, &format!("· fact {} {v}{origin}", info.path));
    }
    for t in &r.tables {
        let info = &prog.tables[t.table];
        let keys: Vec<String> = t
            .keys
            .iter()
            .zip(&info.keys)
            .map(|(k, ty)| value_text(prog, k, ty))
            .collect();
        let mut s = format!(
            "· table {}[{}] = {}",
            info.qualified,
            keys.join(", "),
            value_text(prog, &t.value, &info.ty)
        );
        if let Some(c) = &info.citation {
            let _ = write!(s, " — {}", citation(c));
        }
        line(out, depth, &s);
    }
    for u in &r.uses {
        pad(out, depth);
        out.push_str("· ");
        let mut sub = String::new();
        derivation(&mut sub, prog, u, 0, opts);
        // Indent the sub-derivation's own lines under its bullet.
        let mut lines = sub.lines();
        if let Some(first) = lines.next() {
            out.push_str(first);
            out.push('\n');
        }
        for l in lines {
            line(out, depth + 1, l);
        }
    }
    for (rule, n) in &r.more_calls {
        let name = &prog.rules[rule.index()].qualified;
        let calls = if *n == 1 { "call" } else { "calls" };
        line(out, depth, &format!("· … and {n} more {calls} of {name}"));
    }
}
