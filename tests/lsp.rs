//! `cba lsp` driven over stdio with JSON-RPC messages, as an editor drives it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(120);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A running `cba lsp` and the messages it sent that nobody has read yet.
struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    pending: Vec<Value>,
    next_id: i64,
}

impl Server {
    /// Starts the server and initializes it with a workspace root.
    fn start(root_dir: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cba"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cba lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            incoming: rx,
            pending: Vec::new(),
            next_id: 0,
        };
        let init = s.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root_dir),
                "capabilities": {},
            }),
        );
        assert!(
            init["capabilities"]["hoverProvider"].as_bool().unwrap_or(false),
            "{init}"
        );
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self, deadline: Instant) -> Value {
        match self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in time"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server went away: {:?}", self.child.try_wait()),
        }
    }

    /// The full response to a request (its `result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.next(deadline);
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                return v;
            }
            self.pending.push(v);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let v = self.call(method, params);
        assert!(v.get("error").is_none(), "{method}: {v}");
        v["result"].clone()
    }

    /// The next diagnostics published for a document (at a version, if given).
    fn diagnostics(&mut self, doc: &str, version: Option<i64>) -> Vec<Value> {
        let matches = |v: &Value| {
            v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == doc
                && version.is_none_or(|n| v["params"]["version"] == n)
        };
        if let Some(i) = self.pending.iter().position(matches) {
            let v = self.pending.remove(i);
            return v["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.next(deadline);
            if matches(&v) {
                return v["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
            self.pending.push(v);
        }
    }

    fn open(&mut self, doc: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": doc, "languageId": "cba", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, doc: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Shuts the server down and checks that it ends well.
    fn finish(mut self) {
        let r = self.call("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Line and UTF-16 column of the first occurrence of `needle` (plus `skip` characters).
fn pos(text: &str, needle: &str, skip: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` in the text")) + skip;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({"line": line, "character": col})
}

fn at(doc: &str, text: &str, needle: &str, skip: usize) -> Value {
    json!({"textDocument": {"uri": doc}, "position": pos(text, needle, skip)})
}

fn read(rel: &str) -> (String, String) {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (uri(&path), text)
}

#[test]
fn a_session_in_the_repository() {
    let mut s = Server::start(&root());
    let (doc, text) = read("contracts/grievance.cba");
    s.open(&doc, &text);
    assert_eq!(
        s.diagnostics(&doc, Some(1)),
        Vec::<Value>::new(),
        "the Agreement checks clean"
    );

    // An error as you type: the same code, message and help as `cba check`.
    let broken = text.replacen(
        "grievance.subject in excluded_subjects",
        "grievance.subject in excluded_subjectz",
        1,
    );
    s.change(&doc, 2, &broken);
    let diags = s.diagnostics(&doc, Some(2));
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E0201", "{d}");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "cba");
    let message = d["message"].as_str().unwrap_or("");
    assert!(message.starts_with("unknown name `excluded_subjectz`"), "{message}");
    assert!(message.contains("help: did you mean `excluded_subjects`?"), "{message}");
    assert_eq!(d["range"]["start"], pos(&broken, "excluded_subjectz", 0));
    assert_eq!(d["range"]["end"], pos(&broken, "excluded_subjectz", 17));

    // The did-you-mean help as a quick fix.
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert_eq!(actions[0]["title"], "change to `excluded_subjects`", "{actions}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["edit"]["changes"][&doc][0]["newText"], "excluded_subjects");

    // Back to the file as it is.
    s.change(&doc, 3, &text);
    assert_eq!(s.diagnostics(&doc, Some(3)), Vec::<Value>::new());

    // Hover on a rule: its type, doc, citation and the words of the cited section.
    let h = s.request("textDocument/hover", at(&doc, &text, "rule grievable", 5));
    let h = h["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(h.contains("rule grievance.grievable: bool"), "{h}");
    assert!(h.contains("A grievance may go through this procedure"), "{h}");
    assert!(h.contains("**Art. 10 §4.B** “The preceding subsections"), "{h}");
    assert!(
        h.contains("The preceding subsections of this Agreement shall not apply"),
        "{h}"
    );
    assert!(
        h.contains("Any claimed violation relating to prohibited political activities"),
        "{h}"
    );

    // Hover on a citation: the section's text.
    let h = s.request("textDocument/hover", at(&doc, &text, "§4.B.5", 2));
    let h = h["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(h.starts_with("**§4.B.5**, Article 10"), "{h}");
    assert!(
        h.contains("The classification of any position which does not result in the reduction"),
        "{h}"
    );
    assert!(!h.contains("political activities"), "only paragraph 5: {h}");

    // Hover on a fact and on a built-in function.
    let h = s.request("textDocument/hover", at(&doc, &text, "grievance.subject != none", 12));
    let h = h["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(h.contains("fact grievance.subject: string?"), "{h}");
    assert!(h.contains("What the grievance concerns"), "{h}");

    let h = s.request(
        "textDocument/hover",
        at(&doc, &text, "required(grievance.step1.received_on)", 2),
    );
    let h = h["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(h.contains("required(fact: T?): T"), "{h}");
    assert!(h.contains("missing-fact error"), "{h}");

    // A type error elsewhere in the file: names still resolve (the checker keeps
    // what checked), and the error is reported.
    let typed = text.replacen(
        "  = required(grievance.step1.received_on)",
        "  = required(grievance.step1.received_on) + true",
        1,
    );
    s.change(&doc, 30, &typed);
    let diags = s.diagnostics(&doc, Some(30));
    assert!(diags.iter().any(|d| d["severity"] == 1), "{diags:?}");
    let h = s.request("textDocument/hover", at(&doc, &typed, "rule grievable", 5));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("rule grievance.grievable: bool"),
        "{h}"
    );
    // A file that does not parse: names are looked up in the last program where it did.
    let cut = format!("{}\nrule (", text);
    s.change(&doc, 31, &cut);
    let diags = s.diagnostics(&doc, Some(31));
    assert!(diags.iter().any(|d| d["severity"] == 1), "{diags:?}");
    let h = s.request("textDocument/hover", at(&doc, &cut, "in excluded_subjects", 5));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("rule grievance.excluded_subjects: list of string"),
        "{h}"
    );
    // Completion after `§`: the article's sections, with their words.
    let items = s.request("textDocument/completion", at(&doc, &cut, "§4.B.5", 2));
    let six = items
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "6.A"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(six["detail"], "Art. 10 §6.A", "{items}");
    s.change(&doc, 32, &text);
    assert_eq!(s.diagnostics(&doc, Some(32)), Vec::<Value>::new());

    // Definition of a rule used in a body.
    let def = s.request("textDocument/definition", at(&doc, &text, "in excluded_subjects", 5));
    assert_eq!(def["uri"], doc);
    assert_eq!(def["range"]["start"], pos(&text, "excluded_subjects: list", 0));

    // References, in the file.
    let refs = s.request(
        "textDocument/references",
        json!({"textDocument": {"uri": doc}, "position": pos(&text, "excluded_subjects: list", 0), "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().cloned().unwrap_or_default();
    assert!(refs.len() >= 2, "{refs:?}");
    assert!(
        refs.iter()
            .any(|r| r["range"]["start"] == pos(&text, "in excluded_subjects", 3)),
        "{refs:?}"
    );

    // Completion after a fact group's dot: its facts with their types.
    let mut typing = text.clone();
    let end = typing.find("\n\n// ------").expect("a section comment after the facts");
    typing.insert_str(end, "\n\nrule typing: bool = grievance.");
    s.change(&doc, 4, &typing);
    let items = s.request("textDocument/completion", at(&doc, &typing, "= grievance.", 12));
    let items = items.as_array().cloned().unwrap_or_default();
    let knew = items.iter().find(|i| i["label"] == "knew_on").expect("knew_on offered");
    assert_eq!(knew["detail"], "date");
    assert!(items.iter().any(|i| i["label"] == "step1"), "groups too");
    // …and elsewhere: rules, built-in functions, keywords, units.
    let items = s.request("textDocument/completion", at(&doc, &typing, "rule typing", 0));
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    for want in ["grievable", "workdays_between", "otherwise", "workdays", "in_person"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    s.change(&doc, 5, &text);
    assert_eq!(s.diagnostics(&doc, Some(5)), Vec::<Value>::new());

    // Formatting through `cba fmt`: a file in the canonical layout needs no edit,
    // a squeezed one gets the canonical text back.
    let edits = s.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));
    let squeezed = text.replacen("rule grievable: bool  §4.B", "rule   grievable:bool §4.B", 1);
    s.change(&doc, 6, &squeezed);
    let edits = s.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"].as_str(), Some(text.as_str()));
    s.change(&doc, 7, &text);

    // Document symbols: the outline of the file.
    let syms = s.request("textDocument/documentSymbol", json!({"textDocument": {"uri": doc}}));
    let names: Vec<&str> = syms
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        names.contains(&"grievable") && names.contains(&"Method") && names.contains(&"facts grievance"),
        "{names:?}"
    );

    // The inline tests of the file, from the code lens's command.
    let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": doc}}));
    let first = &lenses[0]["command"];
    assert_eq!(first["command"], "cba.runTests");
    let report = s.request(
        "workspace/executeCommand",
        json!({"command": "cba.runTests", "arguments": first["arguments"]}),
    );
    assert_eq!(report["failed"], 0, "{report}");
    assert!(report["passed"].as_u64().unwrap_or(0) > 5, "{report}");

    s.finish();
}

#[test]
fn references_and_definitions_across_modules() {
    let mut s = Server::start(&root());
    let (tables, tables_text) = read("contracts/pay/tables.cba");
    let (pay, pay_text) = read("contracts/pay/pay.cba");
    s.open(&tables, &tables_text);
    s.open(&pay, &pay_text);
    assert_eq!(s.diagnostics(&pay, None), Vec::<Value>::new());
    // `use pay_tables.basic_pay` in pay.cba: its definition is in tables.cba.
    let def = s.request(
        "textDocument/definition",
        at(&pay, &pay_text, "use pay_tables.basic_pay", 16),
    );
    assert_eq!(def["uri"], tables, "{def}");
    let refs = s.request(
        "textDocument/references",
        json!({"textDocument": {"uri": tables}, "position": def["range"]["start"], "context": {"includeDeclaration": false}}),
    );
    let refs = refs.as_array().cloned().unwrap_or_default();
    assert!(refs.iter().any(|r| r["uri"] == pay), "used in pay.cba: {refs:?}");
    // Workspace symbols find it by a few of its letters.
    let syms = s.request("workspace/symbol", json!({"query": "bsicpay"}));
    assert!(
        syms.as_array()
            .is_some_and(|a| a.iter().any(|x| x["name"] == "pay_tables.basic_pay")),
        "{syms}"
    );
    s.finish();
}

#[test]
fn a_new_module_outside_the_contracts_sees_them() {
    let mut s = Server::start(&root());
    let doc = uri(&root().join("proposals/new_rule.cba"));
    let text = "module proposal_x\narticle 10 \"Grievance Procedure\"\n\n/// Late at Step One.\nrule late: bool  §6.A \"thirty-five (35) working days\"\n  = not grievance.step1_timely\n";
    s.open(&doc, text);
    let diags = s.diagnostics(&doc, Some(1));
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    let h = s.request("textDocument/hover", at(&doc, text, "step1_timely", 0));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("rule grievance.step1_timely"),
        "{h}"
    );
    s.change(&doc, 2, &text.replace("step1_timely", "step1_timley"));
    let diags = s.diagnostics(&doc, Some(2));
    assert!(diags.iter().any(|d| d["severity"] == 1), "{diags:?}");
    s.finish();
}

fn contract_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("contracts/ is there")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            contract_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "cba") {
            out.push(p);
        }
    }
}

/// Every contract file cut short at twenty places: each version gets its
/// diagnostics and the server lives on.
#[test]
fn truncated_files_never_crash_the_server() {
    let mut files = Vec::new();
    contract_files(&root().join("contracts"), &mut files);
    assert!(files.len() > 20, "the contracts are there: {files:?}");
    let mut s = Server::start(&root());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let doc = uri(&path);
        s.open(&doc, &text);
        s.diagnostics(&doc, Some(1));
        let mut version = 1;
        for k in 1..=20 {
            let mut cut = text.len() * k / 21;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            version += 1;
            s.change(&doc, version, &text[..cut]);
            let diags = s.diagnostics(&doc, Some(version));
            for d in &diags {
                assert!(d["code"].is_string() && d["range"]["start"]["line"].is_u64(), "{d}");
            }
        }
        s.notify("textDocument/didClose", json!({"textDocument": {"uri": doc}}));
    }
    s.finish();
}
