//! `cba doc`: the generated reference (`docs/queries.md`, `docs/readings.md`) is
//! what the rules say today, and the command writes it safely.

mod program;

use assert_cmd::Command;

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {full}: {e}"))
}

#[test]
fn queries_md_is_not_stale() {
    let prog = program::program();
    assert!(
        read("docs/queries.md") == cba::doc::queries_markdown(&prog),
        "docs/queries.md is stale: regenerate it with `cargo run -- doc --output docs/queries.md`"
    );
}

#[test]
fn readings_md_is_not_stale() {
    let prog = program::program();
    assert!(
        read("docs/readings.md") == cba::doc::readings_markdown(&prog),
        "docs/readings.md is stale: regenerate it with `cargo run -- doc readings --output docs/readings.md`"
    );
}

/// Every public query of the contracts is listed, with its type and citation, and
/// no standard-library rule or function is.
#[test]
fn every_public_query_is_listed() {
    let prog = program::program();
    let listed = cba::doc::queries(&prog);
    let public = prog
        .rules
        .iter()
        .filter(|r| r.params.is_none() && !prog.modules[r.module].is_stdlib)
        .count();
    assert_eq!(listed.len(), public);
    assert!(listed.len() > 500, "{}", listed.len());
    for q in &listed {
        let r = &prog.rules[(prog.rule_index[&q.name]).index()];
        assert!(r.params.is_none(), "{}", q.name);
        assert!(q.citation.is_some(), "{} has no citation", q.name);
    }
    let step1 = listed
        .iter()
        .find(|q| q.name == "grievance.step1_deadline")
        .expect("listed");
    assert_eq!(step1.ty, "date?");
    assert_eq!(step1.citation.as_deref(), Some("Art. 10 §6.A"));
    assert!(
        step1.facts.contains(&"grievance.knew_on".to_string()),
        "{:?}",
        step1.facts
    );
}

#[test]
fn json_lists_the_same_queries() {
    let out = Command::cargo_bin("cba")
        .expect("built")
        .args(["doc", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let prog = program::program();
    let arr = v.as_array().expect("an array");
    assert_eq!(arr.len(), cba::doc::queries(&prog).len());
    let q = arr
        .iter()
        .find(|q| q["name"] == "grievance.step1_deadline")
        .expect("listed");
    assert_eq!(q["type"], "date?");
    assert!(
        q["quote"]
            .as_str()
            .is_some_and(|s| s.starts_with("within thirty-five (35) working days"))
    );
}

#[test]
fn output_is_written_whole_and_never_over_an_input() {
    let root = std::env::temp_dir().join(format!("cba-doc-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("out")).expect("temp dir");
    let out = root.join("out/queries.md");
    let status = Command::cargo_bin("cba")
        .expect("built")
        .args(["doc", "--output"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(status.status.success());
    assert_eq!(std::fs::read_to_string(&out).expect("written"), read("docs/queries.md"));
    assert_eq!(
        std::fs::read_dir(root.join("out")).expect("dir").count(),
        1,
        "no temporary file left"
    );

    let contracts = root.join("contracts");
    std::fs::create_dir(&contracts).expect("mkdir");
    let rule = contracts.join("m.cba");
    let text = "module m\n\nrule r: int  source \"x\"\n  = 1\n";
    std::fs::write(&rule, text).expect("write");
    let res = Command::cargo_bin("cba")
        .expect("built")
        .args(["doc", "--contracts"])
        .arg(&contracts)
        .arg("--output")
        .arg(&rule)
        .output()
        .expect("runs");
    assert_eq!(res.status.code(), Some(2));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert_eq!(std::fs::read_to_string(&rule).expect("kept"), text);
    let _ = std::fs::remove_dir_all(&root);
}
