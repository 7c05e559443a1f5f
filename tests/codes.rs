//! The registry of diagnostic codes (`cba::diag::Code`) and the test files agree:
//! every code is shown by the snapshot of a file under `tests/check/` or
//! `tests/lint/`, and every code a snapshot shows is in the registry.

use std::collections::BTreeSet;
use std::path::Path;

use cba::diag::Code;

/// The codes shown as `error[E0201]` or `warning[W0601]` in the snapshots of the
/// bad-file tests, with the file that shows each first.
fn shown_codes() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/snapshots exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let accepted = name.ends_with(".snap");
        if !accepted || !(name.starts_with("check_errors__bad_rule_files@") || name.starts_with("lint__lint_files@")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable snapshot");
        for line in text.lines() {
            for prefix in ["error[", "warning["] {
                if let Some(rest) = line.strip_prefix(prefix)
                    && let Some(code) = rest.split(']').next()
                {
                    out.push((code.to_string(), name.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn every_code_has_a_test_file() {
    let shown: BTreeSet<String> = shown_codes().into_iter().map(|(c, _)| c).collect();
    // A file that is not UTF-8 cannot sit among the snapshot files (they are read as
    // text); `tests/conventions.rs` runs `cba check` on one and asserts E0007.
    let elsewhere = [Code::NotUtf8.as_str()];
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !shown.contains(*c) && !elsewhere.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no test file under tests/check or tests/lint: {missing:?}"
    );
}

#[test]
fn every_code_in_a_test_file_is_registered() {
    let unknown: Vec<(String, String)> = shown_codes()
        .into_iter()
        .filter(|(c, _)| Code::parse(c).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "codes shown by test files but not in the registry: {unknown:?}"
    );
}

#[test]
fn codes_are_unique_and_in_order() {
    let texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut sorted = texts.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(texts, sorted, "the registry lists each code once, in order");
    for c in Code::ALL {
        assert_eq!(Code::parse(c.as_str()), Some(*c));
    }
}
