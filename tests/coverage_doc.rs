//! `docs/coverage.md` against the rules: every row's rules exist, every rule and
//! function of the contracts is listed in the row of its citation, and a row without
//! a rule says why no rule computes it.

mod program;

use std::collections::BTreeMap;

struct Row {
    line: usize,
    provision: String,
    rules: Vec<String>,
    note: String,
}

fn rows() -> Vec<Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/coverage.md");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("| ") else { continue };
        let cells: Vec<&str> = rest.trim_end_matches('|').split(" | ").map(str::trim).collect();
        if cells.len() < 3 || cells[0] == "provision" || cells[0].starts_with("---") {
            continue;
        }
        let rules = cells[1]
            .split('`')
            .enumerate()
            .filter(|(k, s)| k % 2 == 1 && !s.is_empty())
            .map(|(_, s)| s.to_string())
            .collect();
        out.push(Row {
            line: i + 1,
            provision: cells[0].to_string(),
            rules,
            note: cells[2].trim_end_matches('|').trim().to_string(),
        });
    }
    out
}

/// The rules and functions of the contracts by the text of their citation.
fn cited(prog: &cba::ir::Program) -> BTreeMap<String, Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &prog.rules {
        if prog.modules[r.module].is_stdlib {
            continue;
        }
        let key = r
            .citation
            .as_ref()
            .map_or_else(|| "uncited".to_string(), ToString::to_string);
        by.entry(key).or_default().push(r.qualified.clone());
    }
    by
}

#[test]
fn coverage_lists_every_rule_under_its_citation() {
    let prog = program::program();
    let rows = rows();
    let mut problems = Vec::new();
    for row in &rows {
        for name in &row.rules {
            match prog.rule_index.get(name) {
                None => problems.push(format!("line {}: `{name}` is not a rule", row.line)),
                Some(&id) => {
                    let r = &prog.rules[id];
                    let key = r.citation.as_ref().map(ToString::to_string).unwrap_or_default();
                    if key != row.provision {
                        problems.push(format!(
                            "line {}: `{name}` cites {key}, not {}",
                            row.line, row.provision
                        ));
                    }
                }
            }
        }
        if row.note.contains("not yet encoded") {
            problems.push(format!(
                "line {}: {} is not yet encoded; encode it or say why no rule can compute it",
                row.line, row.provision
            ));
        }
        if row.rules.is_empty() && row.note.len() < 12 {
            problems.push(format!(
                "line {}: {} has no rule and does not say why",
                row.line, row.provision
            ));
        }
    }
    let mut listed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for row in &rows {
        let e = listed.entry(row.provision.as_str()).or_default();
        e.extend(row.rules.iter().map(String::as_str));
    }
    let mut missing = Vec::new();
    for (key, names) in cited(&prog) {
        let have = listed.get(key.as_str());
        let absent: Vec<&String> = names
            .iter()
            .filter(|n| !have.is_some_and(|h| h.contains(&n.as_str())))
            .collect();
        if !absent.is_empty() {
            let list: Vec<String> = absent.iter().map(|n| format!("`{n}`")).collect();
            missing.push(format!("| {key} | {} | |", list.join(", ")));
        }
    }
    assert!(
        problems.is_empty() && missing.is_empty(),
        "docs/coverage.md disagrees with the rules:\n{}\nrules not listed under their citation:\n{}",
        problems.join("\n"),
        missing.join("\n")
    );
    assert!(rows.len() > 200, "only {} rows in docs/coverage.md", rows.len());
}
