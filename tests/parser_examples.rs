//! Every module and item example of `docs/language.md` parses.
mod common;

use common::*;

#[test]
fn the_reference_has_examples() {
    assert!(reference_examples().len() >= 9, "{:#?}", reference_examples());
}

#[test]
fn every_reference_example_parses() {
    for src in reference_examples() {
        module(&src);
    }
}
