// Starts `cba lsp` for .cba files. The server does the work: diagnostics,
// hover, definition, references, symbols, completion, formatting, quick fixes
// and the code lens that runs a file's inline tests (command `cba.runTests`,
// executed by the server).
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function start() {
  const command = vscode.workspace.getConfiguration("cba").get("path") || "cba";
  const serverOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "cba" }],
  };
  client = new LanguageClient("cba", "cba language server", serverOptions, clientOptions);
  return client.start();
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("cba.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start();
    })
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
