//! Embeds `stdlib/**/*.cba` and `contracts/**/*.cba` into the binary, and the
//! example fact files `examples/facts/*.json` (the web server starts from them).

use std::fs;
use std::path::{Path, PathBuf};

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

fn embed(dir: &str, ext: &str, out_name: &str) {
    println!("cargo:rerun-if-changed={dir}");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join(dir), ext, &mut files);
    files.sort();
    let mut code = String::from("[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap_or(f).to_string_lossy().replace('\\', "/");
        code.push_str(&format!("({rel:?}, include_str!({:?})),\n", f.display().to_string()));
    }
    code.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(out_name);
    fs::write(out, code).expect("write embedded sources");
}

fn main() {
    embed("stdlib", "cba", "stdlib.rs");
    embed("contracts", "cba", "contracts.rs");
    embed("examples/facts", "json", "example_facts.rs");
}
