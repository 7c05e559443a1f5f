//! `cba lsp`: a language server over stdio (lsp-server + lsp-types, as
//! rust-analyzer does), thin over the same library as the command line.
//!
//! The main loop reads messages; document changes only update the [`Workspace`]'s
//! texts, and diagnostics are published once the queue of messages is empty, so
//! a burst of keystrokes is checked once. Each request is a function from a
//! checked snapshot ([`workspace::Analysis`]) to a reply, in its own file:
//! [`diagnostics`] (and its code actions), [`hover`], [`nav`] (definition,
//! references, symbols), [`complete`], [`lens`] (inline tests).

pub mod complete;
pub mod diagnostics;
pub mod hover;
pub mod lens;
pub mod nav;
pub mod text;
pub mod workspace;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crossbeam_channel::TryRecvError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
};
use lsp_types::request::{
    CodeActionRequest, CodeLensRequest, Completion, DocumentSymbolRequest, ExecuteCommand, Formatting, GotoDefinition,
    HoverRequest, References, Request as _, WorkspaceSymbolRequest,
};
use lsp_types::*;
use serde_json::Value as Json;

use workspace::{Group, Workspace};

/// The command a code lens runs: the inline tests of one file.
pub const RUN_TESTS: &str = "cba.runTests";

/// Serves one client over stdio until it says `exit`.
pub fn run_stdio() -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    serve(conn)?;
    io.join().map_err(|e| format!("cannot finish the connection: {e}"))
}

/// What the server can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "§".into()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RUN_TESTS.into()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The workspace root the client names: its first folder, else its root URI.
#[allow(deprecated)]
fn root_of(params: &InitializeParams) -> Option<std::path::PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(workspace::uri_to_path)
}

/// Runs the server on a connection (stdio, or in memory for tests).
pub fn serve(conn: Connection) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let params = conn.initialize(caps).map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server {
        ws: Workspace::new(root_of(&params)),
        published: HashMap::new(),
    };
    let mut dirty: Vec<Uri> = Vec::new();
    loop {
        let msg = if dirty.is_empty() {
            match conn.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            }
        } else {
            match conn.receiver.try_recv() {
                Ok(m) => m,
                Err(TryRecvError::Empty) => {
                    for n in server.publish(&std::mem::take(&mut dirty)) {
                        send(&conn, n.into())?;
                    }
                    continue;
                }
                Err(TryRecvError::Disconnected) => return Ok(()),
            }
        };
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let (resp, notes) = server.request(req);
                send(&conn, resp.into())?;
                for n in notes {
                    send(&conn, n.into())?;
                }
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Ok(());
                }
                if let Some(uri) = server.notification(n) {
                    dirty.retain(|u| *u != uri);
                    dirty.push(uri);
                }
            }
            Message::Response(_) => {}
        }
    }
}

fn send(conn: &Connection, msg: Message) -> Result<(), String> {
    conn.sender.send(msg).map_err(|_| "the client went away".to_string())
}

struct Server {
    ws: Workspace,
    /// The documents (and files) each group last published diagnostics for, so
    /// that fixed ones are cleared.
    published: HashMap<Group, HashSet<String>>,
}

fn params<P: serde::de::DeserializeOwned>(v: Json) -> Result<P, String> {
    serde_json::from_value(v).map_err(|e| format!("bad parameters: {e}"))
}

impl Server {
    /// Applies a notification; returns the document it changed.
    fn notification(&mut self, n: Notification) -> Option<Uri> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = params(n.params).ok()?;
                let uri = p.text_document.uri.clone();
                self.ws
                    .open(p.text_document.uri, p.text_document.text, p.text_document.version);
                Some(uri)
            }
            DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = params(n.params).ok()?;
                for c in p.content_changes {
                    self.ws
                        .change(&p.text_document.uri, p.text_document.version, c.range, c.text);
                }
                Some(p.text_document.uri)
            }
            DidSaveTextDocument::METHOD => None,
            DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = params(n.params).ok()?;
                let group = self.ws.group_of(&p.text_document.uri);
                self.ws.close(&p.text_document.uri);
                // Its diagnostics go with it (a base file's come back from its
                // file on disk at the next check).
                if let Some(set) = self.published.get_mut(&group) {
                    set.remove(p.text_document.uri.as_str());
                }
                None
            }
            _ => None,
        }
    }

    /// Diagnostics of the groups of the changed documents, for every file of
    /// each group that has some or had some.
    fn publish(&mut self, changed: &[Uri]) -> Vec<Notification> {
        let mut out = Vec::new();
        let mut done = HashSet::new();
        for uri in changed {
            if self.ws.doc(uri).is_none() {
                out.push(diagnostics::notification(uri.clone(), Vec::new(), None));
                continue;
            }
            let group = self.ws.group_of(uri);
            if !done.insert(group.clone()) {
                continue;
            }
            // Every open document of the group gets its diagnostics: several
            // may have changed before this check.
            let members = self.ws.members(&group);
            let ws = &mut self.ws;
            let result = catch_unwind(AssertUnwindSafe(|| {
                let a = ws.analysis(uri);
                diagnostics::by_uri(&a, &members)
            }));
            let per_file = match result {
                Ok(x) => x,
                Err(_) => vec![(uri.clone(), vec![diagnostics::internal_error()])],
            };
            let before = self.published.remove(&group).unwrap_or_default();
            let mut now = HashSet::new();
            for (u, ds) in per_file {
                if ds.is_empty() && !before.contains(u.as_str()) && self.ws.doc(&u).is_none() {
                    continue;
                }
                let version = self.ws.doc(&u).map(|d| d.version);
                now.insert(u.as_str().to_string());
                out.push(diagnostics::notification(u, ds, version));
            }
            for u in before.difference(&now) {
                if let Ok(u) = u.parse::<Uri>() {
                    out.push(diagnostics::notification(u, Vec::new(), None));
                }
            }
            self.published.insert(group, now);
        }
        out
    }

    /// Answers a request; a handler that fails or panics answers an error, and
    /// the server goes on.
    fn request(&mut self, req: Request) -> (Response, Vec<Notification>) {
        let id = req.id.clone();
        let method = req.method.clone();
        let mut notes = Vec::new();
        let result = catch_unwind(AssertUnwindSafe(|| self.dispatch(req, &mut notes)));
        let resp = match result {
            Ok(Ok(v)) => Response::new_ok(id, v),
            Ok(Err((code, msg))) => Response::new_err(id, code as i32, msg),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("the server failed on `{method}` (please report this)"),
            ),
        };
        (resp, notes)
    }

    fn dispatch(&mut self, req: Request, notes: &mut Vec<Notification>) -> Result<Json, (ErrorCode, String)> {
        let bad = |e: String| (ErrorCode::InvalidParams, e);
        let json = |v: Result<Json, serde_json::Error>| v.map_err(|e| (ErrorCode::InternalError, e.to_string()));
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let p: HoverParams = params(req.params).map_err(bad)?;
                let r = hover::hover(&mut self.ws, &p.text_document_position_params);
                json(serde_json::to_value(r))
            }
            GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = params(req.params).map_err(bad)?;
                let r = nav::definition(&mut self.ws, &p.text_document_position_params);
                json(serde_json::to_value(r.map(GotoDefinitionResponse::Scalar)))
            }
            References::METHOD => {
                let p: ReferenceParams = params(req.params).map_err(bad)?;
                let r = nav::references(&mut self.ws, &p.text_document_position, p.context.include_declaration);
                json(serde_json::to_value(r))
            }
            DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = params(req.params).map_err(bad)?;
                let r = nav::document_symbols(&self.ws, &p.text_document.uri);
                json(serde_json::to_value(r.map(DocumentSymbolResponse::Nested)))
            }
            WorkspaceSymbolRequest::METHOD => {
                let p: WorkspaceSymbolParams = params(req.params).map_err(bad)?;
                let r = nav::workspace_symbols(&mut self.ws, &p.query);
                json(serde_json::to_value(WorkspaceSymbolResponse::Flat(r)))
            }
            Completion::METHOD => {
                let p: CompletionParams = params(req.params).map_err(bad)?;
                let r = complete::completion(&mut self.ws, &p.text_document_position);
                json(serde_json::to_value(CompletionResponse::Array(r)))
            }
            Formatting::METHOD => {
                let p: DocumentFormattingParams = params(req.params).map_err(bad)?;
                let r = diagnostics::format(&self.ws, &p.text_document.uri);
                json(serde_json::to_value(r))
            }
            CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(req.params).map_err(bad)?;
                let r = diagnostics::code_actions(&self.ws, &p);
                json(serde_json::to_value(r))
            }
            CodeLensRequest::METHOD => {
                let p: CodeLensParams = params(req.params).map_err(bad)?;
                let r = lens::code_lenses(&mut self.ws, &p.text_document.uri);
                json(serde_json::to_value(r))
            }
            ExecuteCommand::METHOD => {
                let p: ExecuteCommandParams = params(req.params).map_err(bad)?;
                if p.command != RUN_TESTS {
                    return Err(bad(format!("unknown command `{}`", p.command)));
                }
                let uri: Uri = p
                    .arguments
                    .first()
                    .cloned()
                    .ok_or_else(|| bad(format!("`{RUN_TESTS}` takes the document's URI")))
                    .and_then(|v| params(v).map_err(bad))?;
                let only: Option<String> = p.arguments.get(1).and_then(|v| v.as_str()).map(str::to_string);
                let report = lens::run_tests(&mut self.ws, &uri, only.as_deref());
                notes.push(Notification::new(
                    "window/showMessage".into(),
                    ShowMessageParams {
                        typ: if report.failed == 0 {
                            MessageType::INFO
                        } else {
                            MessageType::WARNING
                        },
                        message: report.summary(),
                    },
                ));
                json(serde_json::to_value(report))
            }
            _ => Err((ErrorCode::MethodNotFound, format!("unknown request `{}`", req.method))),
        }
    }
}
