//! Rendering a [`DiffResult`] for people (text) and for tools (JSON).

use std::fmt::Write;

use super::DiffResult;
use super::outcomes::CaseChange;
use super::rules::{Change, ItemChange};

/// Dependents listed by name before "and N more".
const MAX_AFFECTED: usize = 12;

fn sign(c: Change) -> char {
    match c {
        Change::Added => '+',
        Change::Removed => '-',
        Change::Changed => '~',
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn text(d: &DiffResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "cba diff {} → {}", d.old_label, d.new_label);
    let _ = writeln!(out);
    if d.changes.is_empty() {
        let _ = writeln!(out, "Rules: no change in meaning");
    } else {
        let count = |c: Change| d.changes.iter().filter(|x| x.change == c).count();
        let _ = writeln!(
            out,
            "Rules: {} ({} changed, {} added, {} removed)",
            plural(d.changes.len(), "change", "changes"),
            count(Change::Changed),
            count(Change::Added),
            count(Change::Removed)
        );
        for c in &d.changes {
            let _ = writeln!(out);
            item(&mut out, c);
        }
    }
    let _ = writeln!(out);
    let o = &d.outcomes;
    let _ = writeln!(
        out,
        "Outcomes: {} of {} change",
        o.cases.len(),
        plural(o.total, "case", "cases")
    );
    cases(&mut out, &o.cases, "  ");
    if !o.per_query.is_empty() {
        let _ = writeln!(out, "  per query:");
        let width = o.per_query.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        for (q, n) in &o.per_query {
            let _ = writeln!(out, "    {q:width$}  {} of {}", n, o.total);
        }
    }
    for g in &d.boundary {
        let _ = writeln!(out);
        if let Some(why) = &g.unreached {
            let _ = writeln!(out, "Boundary cases around {}: none: {why}", g.change);
            continue;
        }
        let _ = writeln!(
            out,
            "Boundary cases around {} (from {}): {} of {} change",
            g.change,
            g.base,
            g.cases.len(),
            plural(g.total, "generated case", "generated cases")
        );
        cases(&mut out, &g.cases, "  ");
    }
    out
}

fn item(out: &mut String, c: &ItemChange) {
    let cite = if c.citation.is_empty() {
        String::new()
    } else {
        format!("  {}", c.citation)
    };
    let what = match c.change {
        Change::Added => " (added)",
        Change::Removed => " (removed)",
        Change::Changed => "",
    };
    let _ = writeln!(out, "{} {} {}{what}{cite}", sign(c.change), c.kind, c.name);
    for p in c.plain() {
        let _ = writeln!(out, "    {p}");
    }
    for l in &c.lines {
        let _ = writeln!(out, "    {} {}", l.tag, l.text);
    }
    if !c.affected.is_empty() {
        let shown: Vec<&str> = c.affected.iter().take(MAX_AFFECTED).map(String::as_str).collect();
        let more = c.affected.len().saturating_sub(MAX_AFFECTED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let _ = writeln!(out, "    affects: {}{more}", shown.join(", "));
    }
}

fn cases(out: &mut String, cases: &[CaseChange], indent: &str) {
    for c in cases {
        let _ = writeln!(out, "{indent}{}", c.case);
        let width = c.changes.iter().map(|q| q.query.chars().count()).max().unwrap_or(0);
        for q in &c.changes {
            let _ = writeln!(out, "{indent}  {:width$}  {} → {}", q.query, q.old, q.new);
        }
    }
}

pub fn json(d: &DiffResult) -> String {
    serde_json::to_string_pretty(&value(d)).unwrap_or_default()
}

/// The report as a JSON value: `{old, new, changed, rules, outcomes, boundary}`.
pub fn value(d: &DiffResult) -> serde_json::Value {
    let changes: Vec<serde_json::Value> = d
        .changes
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("plain".into(), serde_json::json!(c.plain()));
                let lines: Vec<String> = c.lines.iter().map(|l| format!("{} {}", l.tag, l.text)).collect();
                o.insert("diff".into(), serde_json::json!(lines));
            }
            v
        })
        .collect();
    serde_json::json!({
        "old": d.old_label,
        "new": d.new_label,
        "changed": d.has_changes(),
        "rules": changes,
        "outcomes": d.outcomes,
        "boundary": d.boundary,
    })
}
