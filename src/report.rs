//! Rendering diagnostics: codespan-reporting for people, JSON for tools.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;

fn files(sources: &SourceMap) -> SimpleFiles<&str, &str> {
    let mut files = SimpleFiles::new();
    for f in &sources.files {
        files.add(f.name.as_str(), f.text.as_str());
    }
    files
}

/// Renders diagnostics as text, with the offending source underlined.
pub fn render_text(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    render_text_coloured(sources, diags, false)
}

/// Whether messages on standard error may be coloured: it is a terminal and
/// `NO_COLOR` is not set (<https://no-color.org>).
pub fn stderr_colour() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// [`render_text`], with ANSI colours when `colour`.
pub fn render_text_coloured(sources: &SourceMap, diags: &[Diagnostic], colour: bool) -> String {
    let files = files(sources);
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        let mut labels = vec![
            cs::Label::primary(d.primary.span.file.0 as usize, d.primary.span.range())
                .with_message(d.primary.message.clone()),
        ];
        for l in &d.secondary {
            labels.push(cs::Label::secondary(l.span.file.0 as usize, l.span.range()).with_message(l.message.clone()));
        }
        let mut notes = Vec::new();
        if let Some(h) = &d.help {
            notes.push(format!("help: {h}"));
        }
        notes.extend(d.notes.iter().cloned());
        let sev = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let diag = cs::Diagnostic::new(sev)
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(notes);
        if colour {
            let mut buf = term::termcolor::Buffer::ansi();
            if term::emit_to_write_style(&mut buf, &config, &files, &diag).is_ok() {
                out.push_str(&String::from_utf8_lossy(buf.as_slice()));
            }
        } else if let Ok(text) = term::emit_into_string(&config, &files, &diag) {
            out.push_str(&text);
        }
    }
    out
}

/// Renders a problem at one place of a text that is not rules (a fact file's
/// syntax), the same way as [`render_text`] renders a diagnostic: the message,
/// the place underlined with its label, the help.
pub fn render_at(
    name: &str,
    text: &str,
    offset: usize,
    message: &str,
    label: &str,
    help: &str,
    colour: bool,
) -> String {
    let mut files = SimpleFiles::new();
    let file = files.add(name, text);
    let at = offset.min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let diag = cs::Diagnostic::error()
        .with_message(message)
        .with_labels(vec![cs::Label::primary(file, at..end).with_message(label)])
        .with_notes(vec![format!("help: {help}")]);
    let config = term::Config::default();
    if colour {
        let mut buf = term::termcolor::Buffer::ansi();
        match term::emit_to_write_style(&mut buf, &config, &files, &diag) {
            Ok(()) => String::from_utf8_lossy(buf.as_slice()).into_owned(),
            Err(_) => format!("error: {message}\n"),
        }
    } else {
        term::emit_into_string(&config, &files, &diag).unwrap_or_else(|_| format!("error: {message}\n"))
    }
}

/// Renders diagnostics as a JSON array of
/// `{file, line, column, end_line, end_column, severity, code, message, label, help}`.
pub fn render_json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let sp = d.primary.span;
            let (line, column) = sources.line_col(sp.file, sp.start);
            let (end_line, end_column) = sources.line_col(sp.file, sp.end);
            serde_json::json!({
                "file": sources.get(sp.file).name,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "label": d.primary.message,
                "help": d.help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}
