//! Embeds `stdlib/**/*.cba` and `contracts/**/*.cba` into the binary, the
//! example fact files `examples/facts/*.json` (the web server starts from them),
//! and the built-in program checked (see `src/builtin.rs`): a start does no parsing.
//!
//! A build script cannot depend on the crate it builds, so the front end's own
//! files are compiled into it with `#[path]`, as the modules the library has
//! (`crate::syntax`, `crate::check`, …), and it checks the sources exactly as the
//! library does at run time. It writes the program with postcard; the library
//! reads it back with the same type definitions (the same files).

// Most of the front end is unused here (the formatter's helpers, the REPL's
// entry points…); it is linted where it is compiled as the library.
#![allow(dead_code, unused_imports, clippy::all)]

use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/check/mod.rs"]
mod check;
#[path = "src/diag.rs"]
mod diag;
#[path = "src/ir.rs"]
mod ir;
#[path = "src/lint/mod.rs"]
mod lint;
#[path = "src/source.rs"]
mod source;
#[path = "src/syntax/mod.rs"]
mod syntax;
#[path = "src/types.rs"]
mod types;

#[path = "src/values/mod.rs"]
mod values;

/// What `lint::outline_for` matches on (the rest of `load` is not needed here).
mod load {
    pub enum Contracts {
        Embedded,
        Dir(std::path::PathBuf),
        Paths(Vec<std::path::PathBuf>),
        Overlay(Vec<std::path::PathBuf>),
    }
}

/// `source.rs` re-exports the embedded texts from here; the front end does not
/// read them (the build script hands it the files).
mod builtin {
    pub const STDLIB: &[(&str, &str)] = &[];
    pub const CONTRACTS: &[(&str, &str)] = &[];
}

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn out_dir() -> PathBuf {
    PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
}

/// Writes `out_name`, the files of `dir` as `(relative path, include_str!(…))`,
/// and returns them as (relative path, path).
fn embed(dir: &str, ext: &str, out_name: &str) -> Vec<(String, PathBuf)> {
    println!("cargo:rerun-if-changed={dir}");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join(dir), ext, &mut files);
    files.sort();
    let mut code = String::from("[\n");
    let mut out = Vec::new();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap_or(&f).to_string_lossy().replace('\\', "/");
        code.push_str(&format!("({rel:?}, include_str!({:?})),\n", f.display().to_string()));
        out.push((rel, f));
    }
    code.push(']');
    fs::write(out_dir().join(out_name), code).expect("write embedded sources");
    out
}

/// Checks the built-in program and writes `checked.rs`: `Some(bytes)` of the
/// program in postcard, or `None` when it has a diagnostic (then the library
/// checks the sources at each start and reports them, as without this step).
fn embed_checked(stdlib: &[(String, PathBuf)], contracts: &[(String, PathBuf)]) {
    let mut inputs = Vec::new();
    let mut unreadable = false;
    for (files, is_stdlib) in [(stdlib, true), (contracts, false)] {
        for (name, path) in files {
            match fs::read_to_string(path) {
                Ok(text) => inputs.push(check::Input {
                    name: name.clone(),
                    text,
                    is_stdlib,
                }),
                Err(_) => unreadable = true,
            }
        }
    }
    let code = match check::check_files(inputs) {
        (Ok(program), diags) if diags.is_empty() && !unreadable => {
            let bytes = postcard::to_allocvec(&program).expect("serialize the checked program");
            let path = out_dir().join("checked.postcard");
            fs::write(&path, bytes).expect("write the checked program");
            // `cba check` lints the Agreement after checking it; when the lints
            // find nothing, it need not parse the files again to know that.
            let lints_clean = lint::outline_for(&load::Contracts::Embedded)
                .is_ok_and(|outline| lint::lint(&program, outline.as_ref()).is_empty());
            fs::write(out_dir().join("lints_clean.rs"), lints_clean.to_string()).expect("write lints_clean.rs");
            format!("Some(include_bytes!({:?}) as &[u8])", path.display().to_string())
        }
        (_, diags) => {
            println!(
                "cargo:warning=the built-in rules have {} diagnostic(s): they are checked at each start until fixed (see `cargo run -- check`)",
                diags.len()
            );
            fs::write(out_dir().join("lints_clean.rs"), "false").expect("write lints_clean.rs");
            "None".to_string()
        }
    };
    fs::write(out_dir().join("checked.rs"), code).expect("write checked.rs");
}

fn main() {
    let stdlib = embed("stdlib", "cba", "stdlib.rs");
    let contracts = embed("contracts", "cba", "contracts.rs");
    embed("examples/facts", "json", "example_facts.rs");
    embed_checked(&stdlib, &contracts);
}
