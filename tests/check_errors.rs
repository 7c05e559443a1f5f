//! One bad rule file per error kind under `tests/check/`; each must produce its
//! snapshot-tested diagnostics (checked together with the standard library),
//! never a panic. Adding a case means adding a `.cba` file.

use cba::load::{Contracts, load};

#[test]
fn bad_rule_files() {
    let mut files = 0;
    insta::glob!("check/*.cba", |path| {
        files += 1;
        let loaded = load(&Contracts::Paths(vec![path.to_path_buf()])).expect("file loads");
        let errors = loaded.diags.iter().filter(|d| d.is_error()).count();
        assert!(errors > 0, "{} should have errors", path.display());
        // A file named for a warning shows it beside the error that makes it fail.
        let mut text = cba::report::render_text(loaded.sources(), &loaded.diags);
        // Paths differ between machines: keep the file name only.
        let full = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        text = text.replace(&full, &format!("tests/check/{name}"));
        insta::assert_snapshot!(text);
    });
    // A test that finds no input fails: `tests/check/` holds one file per error kind.
    assert!(files >= 40, "only {files} files under tests/check/");
}
