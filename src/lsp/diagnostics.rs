//! Diagnostics as `cba check` gives them, in LSP's terms; the code actions that
//! apply their "did you mean" help; formatting through `cba fmt`.

use std::collections::HashMap;

use lsp_server::Notification;
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, PublishDiagnosticsParams, TextEdit, Uri, WorkspaceEdit,
};

use super::text::LineIndex;
use super::workspace::{Analysis, Workspace};
use crate::diag::{Diagnostic, Severity};
use crate::syntax::span::FileId;

pub fn notification(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.into(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

/// Shown when checking a document failed inside the server.
pub fn internal_error() -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("cba".into()),
        message: "the checker failed on this file (please report this)".into(),
        ..lsp_types::Diagnostic::default()
    }
}

/// The diagnostics of every file of the analysis that is a document or a file
/// on disk, by URI; each of `open` is among them (with none when it has none).
pub fn by_uri(a: &Analysis, open: &[Uri]) -> Vec<(Uri, Vec<lsp_types::Diagnostic>)> {
    let mut per_file: HashMap<FileId, Vec<&Diagnostic>> = HashMap::new();
    for d in &a.diags {
        per_file.entry(d.primary.span.file).or_default().push(d);
    }
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (i, u) in a.uris.iter().enumerate() {
        let Some(u) = u else { continue };
        let file = FileId(i as u32);
        let ds = per_file.remove(&file).unwrap_or_default();
        let wanted = open.contains(u);
        if wanted {
            seen.push(u.clone());
        }
        if ds.is_empty() && !wanted {
            continue;
        }
        let ix = LineIndex::new(&a.sources.get(file).text);
        let converted = ds.into_iter().map(|d| convert(a, &ix, d)).collect();
        out.push((u.clone(), converted));
    }
    for u in open.iter().filter(|u| !seen.contains(u)) {
        out.push((u.clone(), Vec::new()));
    }
    out
}

/// One diagnostic: its code, message, help and notes, and its secondary labels
/// as related information. The suggestion of a "did you mean" help travels in
/// `data` for the code action.
pub fn convert(a: &Analysis, ix: &LineIndex, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    for n in &d.notes {
        message.push_str(&format!("\n{n}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|l| {
            let uri = a.uri_of(l.span.file)?.clone();
            let lix = LineIndex::new(&a.sources.get(l.span.file).text);
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, lix.range(l.span.start as usize, l.span.end as usize)),
                message: l.message.clone(),
            })
        })
        .collect();
    let text = &a.sources.get(d.primary.span.file).text;
    let fix = d
        .help
        .as_deref()
        .and_then(suggestion)
        .and_then(|s| replacement(text.get(d.primary.span.range())?, s));
    lsp_types::Diagnostic {
        range: ix.range(d.primary.span.start as usize, d.primary.span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("cba".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data: fix.map(|f| serde_json::json!({ "replace": f })),
        ..lsp_types::Diagnostic::default()
    }
}

/// The name a "did you mean `x`?" help suggests.
pub fn suggestion(help: &str) -> Option<&str> {
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    Some(&rest[..rest.find('`')?])
}

/// The text that replaces `written` to apply a suggestion: the whole of it, or
/// its last parts when the suggestion names fewer (`grievance.knew_onn` with
/// `knew_on`). `None` when `written` is not a plain name or section.
pub fn replacement(written: &str, suggested: &str) -> Option<String> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '§' | '-' | '–'))
    };
    if !plain(written) || !plain(suggested) {
        return None;
    }
    let have: Vec<&str> = written.split('.').collect();
    let want = suggested.split('.').count();
    if suggested.starts_with('§') || want >= have.len() {
        return Some(suggested.to_string());
    }
    let mut parts: Vec<&str> = have[..have.len() - want].to_vec();
    parts.push(suggested);
    Some(parts.join("."))
}

/// A quick fix for each diagnostic in the request that carries a suggestion.
pub fn code_actions(ws: &Workspace, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &p.text_document.uri;
    if ws.doc(uri).is_none() {
        return Vec::new();
    }
    p.context
        .diagnostics
        .iter()
        .filter_map(|d| {
            let new_text = d.data.as_ref()?.get("replace")?.as_str()?.to_string();
            let edit = TextEdit {
                range: d.range,
                new_text: new_text.clone(),
            };
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("change to `{new_text}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// The document in the canonical layout of `cba fmt`: one edit replacing the
/// whole text, none when it is already formatted or does not parse.
pub fn format(ws: &Workspace, uri: &Uri) -> Option<Vec<TextEdit>> {
    let doc = ws.doc(uri)?;
    let out = crate::fmt::format_source(&doc.text, FileId(0)).ok()?;
    if out == doc.text {
        return Some(Vec::new());
    }
    let ix = LineIndex::new(&doc.text);
    Some(vec![TextEdit {
        range: ix.range(0, doc.text.len()),
        new_text: out,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_replace_the_misspelled_part() {
        assert_eq!(suggestion("did you mean `knew_on`?"), Some("knew_on"));
        assert_eq!(
            replacement("grievance.knew_onn", "knew_on").as_deref(),
            Some("grievance.knew_on")
        );
        assert_eq!(
            replacement("grievance.knew_onn", "grievance.knew_on").as_deref(),
            Some("grievance.knew_on")
        );
        assert_eq!(replacement("§6.Z", "§6.A").as_deref(), Some("§6.A"));
        assert_eq!(replacement("f(x, y)", "g"), None);
    }
}
