//! The REPL's input lines: an expression, or a `:command` with its arguments.

use std::path::PathBuf;

use crate::diag::did_you_mean;
use crate::flip::Options as FlipOptions;

/// One line (or multi-line entry) of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Nothing to do (a blank line).
    Empty,
    /// An expression or a rule name, evaluated against the current facts.
    Eval(String),
    /// `:set PATH = VALUE`
    Set { path: String, value: String },
    /// `:unset PATH`
    Unset(String),
    /// `:facts`
    Facts,
    /// `:load FILE`
    Load(PathBuf),
    /// `:reset`
    Reset,
    /// `:diff`
    Diff,
    /// `:why RULE`
    Why(String),
    /// `:flip RULE [pairs] [explain] [why-not]`
    Flip(String, FlipOptions),
    /// `:inputs RULE`
    Inputs(String),
    /// `:rules [MODULE]`
    Rules(Option<String>),
    /// `:help`
    Help,
    /// `:quit`
    Quit,
}

/// What a command takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    None,
    /// A fact path, then (for `:set`) `= VALUE`.
    FactPath,
    File,
    Rule,
    /// A rule, then any of these words.
    RuleThen(&'static [&'static str]),
    Module,
}

/// The words `:flip` takes after its rule: `cba eval --flip`'s `--pairs`,
/// `--explain` and `--why-not` (the dashes may be written).
pub const FLIP_OPTIONS: &[&str] = &["pairs", "explain", "why-not"];

/// A command's name, arguments and one-line description (for `:help`,
/// completion and hints).
pub struct Spec {
    pub name: &'static str,
    pub usage: &'static str,
    pub arg: Arg,
    pub about: &'static str,
}

/// Every command, in the order `:help` lists them.
pub const COMMANDS: &[Spec] = &[
    Spec {
        name: ":set",
        usage: "PATH = VALUE",
        arg: Arg::FactPath,
        about: "give a fact a value (JSON like \"mail\", or cba like 2025-11-25, $500, mail)",
    },
    Spec {
        name: ":unset",
        usage: "PATH",
        arg: Arg::FactPath,
        about: "take a fact (or a group of facts) out of the case",
    },
    Spec {
        name: ":facts",
        usage: "",
        arg: Arg::None,
        about: "show the facts of the case",
    },
    Spec {
        name: ":load",
        usage: "FILE",
        arg: Arg::File,
        about: "load facts (.json, .toml) in place of the current ones, or rules (.cba) adding or replacing a module",
    },
    Spec {
        name: ":reset",
        usage: "",
        arg: Arg::None,
        about: "back to the facts as last loaded; `:diff` starts again from there",
    },
    Spec {
        name: ":diff",
        usage: "",
        arg: Arg::None,
        about: "the answers that changed since the last `:load` of facts or `:reset`",
    },
    Spec {
        name: ":why",
        usage: "RULE",
        arg: Arg::Rule,
        about: "a rule's answer with its citation and what it reads",
    },
    Spec {
        name: ":flip",
        usage: "RULE [pairs] [explain] [why-not]",
        arg: Arg::RuleThen(FLIP_OPTIONS),
        about: "for each fact the answer read, the nearest values that change it, and to what; \
                `pairs` tries two facts together, `explain` (or `why-not`) explains each changed answer",
    },
    Spec {
        name: ":inputs",
        usage: "RULE",
        arg: Arg::Rule,
        about: "the facts a rule can read, and which of them this case gives and reads",
    },
    Spec {
        name: ":rules",
        usage: "[MODULE]",
        arg: Arg::Module,
        about: "list rules with their types and citations",
    },
    Spec {
        name: ":help",
        usage: "",
        arg: Arg::None,
        about: "this help",
    },
    Spec {
        name: ":quit",
        usage: "",
        arg: Arg::None,
        about: "leave (so does Ctrl-D)",
    },
];

/// The spec of a command by its full name (`:set`).
pub fn spec(name: &str) -> Option<&'static Spec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Reads one entry. Errors are messages for the user.
pub fn parse(input: &str) -> Result<Command, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(Command::Empty);
    }
    if !text.starts_with(':') {
        return Ok(Command::Eval(text.to_string()));
    }
    let (name, rest) = match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], text[i..].trim()),
        None => (text, ""),
    };
    let name = match name {
        ":q" | ":exit" => ":quit",
        ":h" | ":?" => ":help",
        n => n,
    };
    let Some(spec) = spec(name) else {
        let hint = did_you_mean(name, COMMANDS.iter().map(|c| c.name))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(format!(
            "unknown command `{name}`\nhelp: {hint}`:help` lists the commands"
        ));
    };
    let need = |what: &str| {
        format!(
            "`{}` needs {what}\nhelp: write `{} {}`",
            spec.name, spec.name, spec.usage
        )
    };
    let one_word = |what: &str| -> Result<String, String> {
        if rest.is_empty() {
            return Err(need(&format!("a {what}")));
        }
        if rest.contains(char::is_whitespace) {
            return Err(format!(
                "`{}` takes one {what}, not `{rest}`\nhelp: write `{} {}`",
                spec.name, spec.name, spec.usage
            ));
        }
        Ok(rest.to_string())
    };
    let no_args = |cmd: Command| {
        if rest.is_empty() {
            Ok(cmd)
        } else {
            Err(format!("`{}` takes no arguments, but was given `{rest}`", spec.name))
        }
    };
    match spec.name {
        ":set" => {
            let Some((path, value)) = rest.split_once('=') else {
                return Err(need("a fact path and a value"));
            };
            let (path, value) = (path.trim(), value.trim());
            if path.is_empty() {
                return Err(need("a fact path"));
            }
            if value.is_empty() {
                return Err(need("a value after `=`"));
            }
            if path.contains(char::is_whitespace) {
                return Err(format!(
                    "`{path}` is not a fact path\nhelp: a path is dotted names like `grievance.step1.method`"
                ));
            }
            Ok(Command::Set {
                path: path.to_string(),
                value: value.to_string(),
            })
        }
        ":unset" => one_word("fact path").map(Command::Unset),
        ":why" => one_word("rule name").map(Command::Why),
        ":flip" => flip(rest).map(|(rule, opts)| Command::Flip(rule, opts)),
        ":inputs" => one_word("rule name").map(Command::Inputs),
        ":load" => {
            if rest.is_empty() {
                return Err(need("a file"));
            }
            Ok(Command::Load(PathBuf::from(rest)))
        }
        ":rules" => {
            if rest.is_empty() {
                Ok(Command::Rules(None))
            } else {
                one_word("module name").map(|m| Command::Rules(Some(m)))
            }
        }
        ":facts" => no_args(Command::Facts),
        ":reset" => no_args(Command::Reset),
        ":diff" => no_args(Command::Diff),
        ":help" => Ok(Command::Help),
        _ => no_args(Command::Quit),
    }
}

/// `:flip`'s arguments: a rule name, then options in any order.
fn flip(rest: &str) -> Result<(String, FlipOptions), String> {
    let mut words = rest.split_whitespace();
    let usage = "help: write `:flip RULE [pairs] [explain] [why-not]`";
    let Some(rule) = words.next() else {
        return Err(format!("`:flip` needs a rule name\n{usage}"));
    };
    let mut opts = FlipOptions::default();
    for w in words {
        match w.trim_start_matches("--") {
            "pairs" => opts.pairs = true,
            "explain" => opts.explain = true,
            "why-not" => {
                opts.explain = true;
                opts.why_not = true;
            }
            other => {
                let hint = did_you_mean(other, FLIP_OPTIONS.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return Err(format!(
                    "`:flip` has no option `{w}`\nhelp: {hint}after the rule, `:flip` takes {}",
                    FLIP_OPTIONS.join(", ")
                ));
            }
        }
    }
    Ok((rule.to_string(), opts))
}

/// The part of an entry the parser should judge complete or not: the
/// expression, or the value of `:set`. Other commands are always one line.
pub fn expression_part(input: &str) -> Option<&str> {
    let t = input.trim_start();
    if !t.starts_with(':') {
        return Some(t);
    }
    let rest = t.strip_prefix(":set")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    rest.split_once('=').map(|(_, v)| v)
}

/// The `:help` text.
pub fn help() -> String {
    let mut out = String::from(
        "Type an expression or a rule name to see its answer for the current facts:\n  \
         grievance.step2_deadline\n  add_workdays(2025-11-25, 3)\n\nCommands:\n",
    );
    // A command written longer than this has its description on the next line.
    const WIDE: usize = 20;
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.usage.len())
        .filter(|&w| w <= WIDE)
        .max()
        .unwrap_or(0);
    for c in COMMANDS {
        let head = if c.usage.is_empty() {
            c.name.to_string()
        } else {
            format!("{} {}", c.name, c.usage)
        };
        if head.len() > WIDE {
            out.push_str(&format!("  {head}\n  {:width$}  {}\n", "", c.about));
        } else {
            out.push_str(&format!("  {head:width$}  {}\n", c.about));
        }
    }
    out.push_str(
        "\nTab completes rule names, fact paths, functions and commands; an unfinished\n\
         expression (an open bracket, a trailing operator) continues on the next line\n\
         after a `...>` prompt, and an empty line ends it. Ctrl-C abandons the entry\n\
         being typed or evaluated (the session goes on); Ctrl-D or :quit leaves.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_and_blank_lines() {
        assert_eq!(parse("  "), Ok(Command::Empty));
        assert_eq!(
            parse(" grievance.step2_deadline "),
            Ok(Command::Eval("grievance.step2_deadline".into()))
        );
        assert_eq!(
            parse("add_workdays(2025-11-25, 3)"),
            Ok(Command::Eval("add_workdays(2025-11-25, 3)".into()))
        );
    }

    #[test]
    fn set_splits_at_the_first_equals_sign() {
        assert_eq!(
            parse(":set grievance.step1.method = \"mail\""),
            Ok(Command::Set {
                path: "grievance.step1.method".into(),
                value: "\"mail\"".into()
            })
        );
        assert_eq!(
            parse(":set x.y=a == b"),
            Ok(Command::Set {
                path: "x.y".into(),
                value: "a == b".into()
            })
        );
    }

    #[test]
    fn commands_with_and_without_arguments() {
        assert_eq!(parse(":unset a.b"), Ok(Command::Unset("a.b".into())));
        assert_eq!(parse(":facts"), Ok(Command::Facts));
        assert_eq!(parse(":load my file.json"), Ok(Command::Load("my file.json".into())));
        assert_eq!(parse(":reset"), Ok(Command::Reset));
        assert_eq!(parse(":diff"), Ok(Command::Diff));
        assert_eq!(parse(":why g.r"), Ok(Command::Why("g.r".into())));
        assert_eq!(
            parse(":flip g.r"),
            Ok(Command::Flip("g.r".into(), FlipOptions::default()))
        );
        assert_eq!(
            parse(":flip g.r pairs --explain"),
            Ok(Command::Flip(
                "g.r".into(),
                FlipOptions {
                    explain: true,
                    why_not: false,
                    pairs: true
                }
            ))
        );
        assert_eq!(
            parse(":flip g.r why-not"),
            Ok(Command::Flip(
                "g.r".into(),
                FlipOptions {
                    explain: true,
                    why_not: true,
                    pairs: false
                }
            ))
        );
        assert_eq!(parse(":rules"), Ok(Command::Rules(None)));
        assert_eq!(parse(":rules grievance"), Ok(Command::Rules(Some("grievance".into()))));
        assert_eq!(parse(":help"), Ok(Command::Help));
        assert_eq!(parse(":q"), Ok(Command::Quit));
        assert_eq!(parse(":quit"), Ok(Command::Quit));
    }

    #[test]
    fn mistakes_get_a_message_and_a_help_line() {
        let e = parse(":sett a = 1").unwrap_err();
        assert!(e.starts_with("unknown command `:sett`"), "{e}");
        assert!(e.contains("did you mean `:set`?"), "{e}");
        let e = parse(":set a.b").unwrap_err();
        assert!(e.contains("help: write `:set PATH = VALUE`"), "{e}");
        assert!(parse(":set a =").unwrap_err().contains("a value after `=`"));
        assert!(parse(":set a b = 1").unwrap_err().contains("is not a fact path"));
        assert!(parse(":why").unwrap_err().contains("needs a rule name"));
        assert!(parse(":why a b").unwrap_err().contains("takes one rule name"));
        assert!(parse(":facts all").unwrap_err().contains("takes no arguments"));
        assert!(parse(":flip").unwrap_err().contains("needs a rule name"));
        let e = parse(":flip g.r pair").unwrap_err();
        assert!(e.starts_with("`:flip` has no option `pair`"), "{e}");
        assert!(e.contains("did you mean `pairs`?"), "{e}");
    }

    #[test]
    fn the_part_judged_for_multi_line_input() {
        assert_eq!(expression_part("max(1,"), Some("max(1,"));
        assert_eq!(expression_part(":set a = [1,"), Some(" [1,"));
        assert_eq!(expression_part(":set a"), None);
        assert_eq!(expression_part(":settle"), None);
        assert_eq!(expression_part(":why a"), None);
    }

    #[test]
    fn help_lists_every_command() {
        let h = help();
        for c in COMMANDS {
            assert!(h.contains(c.name), "{}", c.name);
        }
    }
}
