//! One rule file per lint under `tests/lint/`: each checks without errors and
//! gives exactly the warnings of the lint its first line names (`/// W0602: …`),
//! snapshot-tested with their spans and help lines.

use cba::load::{Contracts, load};

#[test]
fn lint_files() {
    let mut files = 0;
    insta::glob!("lint/*.cba", |path| {
        files += 1;
        let source = Contracts::Paths(vec![path.to_path_buf()]);
        let loaded = load(&source).expect("file loads");
        let prog = loaded.program.as_ref().expect("the file checks without errors");
        let outline = cba::lint::outline_for(&source).expect("outline");
        let diags = cba::lint::lint(prog, outline.as_ref());
        let text = std::fs::read_to_string(path).expect("readable");
        let code = text
            .strip_prefix("/// ")
            .and_then(|t| t.split(':').next())
            .expect("first line names the lint: `/// W06xx: …`");
        assert!(!diags.is_empty(), "{} gives no warning", path.display());
        for d in &diags {
            assert_eq!(d.code.as_str(), code, "{}: {}", path.display(), d.message);
            assert!(d.help.is_some(), "{} has no help line", d.message);
        }
        let mut out = cba::report::render_text(&prog.sources, &diags);
        let full = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out = out.replace(&full, &format!("tests/lint/{name}"));
        insta::assert_snapshot!(out);
    });
    // A test that finds no input fails: one file per lint.
    assert!(files >= 6, "only {files} files under tests/lint/");
}

/// The built-in Agreement has no lint errors of its own kind W0601–W0603
/// (citations, dead branches, dates): those would be mistakes in the rules.
#[test]
fn agreement_has_no_dead_branches_or_uncited_rules() {
    let source = Contracts::Embedded;
    let loaded = load(&source).expect("loads");
    let prog = loaded.program.as_ref().expect("checks");
    let outline = cba::lint::outline_for(&source).expect("outline");
    let diags = cba::lint::lint(prog, outline.as_ref());
    let bad: Vec<&str> = diags
        .iter()
        .filter(|d| matches!(d.code.as_str(), "W0601" | "W0602" | "W0603"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The outline file reads, and covers every article of the Agreement.
#[test]
fn embedded_outline_reads() {
    let o = cba::lint::outline::Outline::parse(cba::lint::outline::EMBEDDED).expect("parses");
    assert_eq!(o.articles.len(), 29);
    assert!(o.articles[&10].parts.contains("6.A"));
    assert!(o.articles[&18].parts.contains("3 sub 5.C"));
    assert!(o.articles[&7].sidebar);
}
