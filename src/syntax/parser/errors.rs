//! Pest errors → diagnostics that name what was expected in the reader's words.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::{E_DOC_COMMENT, E_NO_MODULE, E_SYNTAX, E_TOO_DEEP, E_UNTERMINATED_STRING, Rule, guard};
use crate::diag::Diagnostic;
use crate::syntax::span::{FileId, Span};

/// The byte offset a pest error points at.
pub(super) fn error_offset(e: &Error<Rule>) -> usize {
    match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// Converts a pest error into one diagnostic.
pub(super) fn convert(e: &Error<Rule>, src: &str, file: FileId, entry: Rule) -> Diagnostic {
    let pos = guard::skip_space(src, error_offset(e).min(src.len()));
    let rest = &src[pos..];
    let (found, len) = found_token(rest);
    let span = Span::new(file, pos, pos + len);
    let positives = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => {
            return Diagnostic::error(E_TOO_DEEP, "this input is too complex to parse", span, "here")
                .with_help("split the expression or the item into smaller ones");
        }
    };
    if guard::is_doc(rest) {
        return Diagnostic::error(
            E_DOC_COMMENT,
            "a doc comment must come before a module, item, fact, field, variant or table row",
            span,
            "this doc comment documents nothing",
        )
        .with_help("write `//` for a plain comment");
    }
    if rest.starts_with('"') && !string_closes(rest) {
        let line_len = rest.find('\n').unwrap_or(rest.len());
        return Diagnostic::error(
            E_UNTERMINATED_STRING,
            "unterminated string",
            Span::new(file, pos, pos + line_len),
            "this string has no closing `\"`",
        )
        .with_help("close the string with `\"` on the same line; write `\\\"` for a quote inside it");
    }
    if entry == Rule::module && guard::first_word(src) != Some("module") {
        let (start, end) = guard::first_token(src);
        return Diagnostic::error(
            E_NO_MODULE,
            "a file must start with `module NAME`",
            Span::new(file, start, end),
            "expected `module` here",
        )
        .with_help("add a first line such as `module grievance`");
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if let Some((start, end)) = guard::doc_before(src, pos)
        && !ITEM_WORDS.contains(&word.as_str())
        && positives.iter().any(|r| human(*r) == Some(ITEM))
    {
        return Diagnostic::error(
            E_DOC_COMMENT,
            "a doc comment must come before a module, item, fact, field, variant or table row",
            Span::new(file, start, end),
            "this doc comment documents nothing",
        )
        .with_help("write `//` for a plain comment");
    }
    let mut names: Vec<&'static str> = Vec::new();
    for rule in &positives {
        if let Some(name) = human(*rule)
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    // Postfix `(` and `[` accompany every operator: not worth listing.
    if names.contains(&OPERATOR) {
        names.retain(|n| *n != "`(`" && *n != "`[`");
    }
    // Optional trailers (`sub`, a quoted phrase, `?`) are rarely what is missing.
    if names.iter().any(|n| !MINOR.contains(n)) {
        names.retain(|n| !MINOR.contains(n));
    }
    let label = if len == 0 {
        "the input ends here".to_string()
    } else {
        format!("unexpected {found}")
    };
    let message = if names.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&names))
    };
    let mut diag = Diagnostic::error(E_SYNTAX, message, span, label);
    if let Some(help) = guess_help(&names, &src[..pos], rest, &found) {
        diag = diag.with_help(help);
    }
    diag
}

/// Whether a string starting at `rest` closes on its line.
fn string_closes(rest: &str) -> bool {
    let mut chars = rest.chars().skip(1);
    while let Some(c) = chars.next() {
        match c {
            '"' => return true,
            '\n' => return false,
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    false
}

/// The reserved words: not names, and offered by the language server's completion.
pub const KEYWORDS: &[&str] = &[
    "module",
    "article",
    "use",
    "facts",
    "enum",
    "record",
    "rule",
    "fn",
    "exception",
    "table",
    "test",
    "given",
    "expect",
    "error",
    "when",
    "otherwise",
    "if",
    "then",
    "else",
    "let",
    "in",
    "for",
    "and",
    "or",
    "not",
    "mod",
    "true",
    "false",
    "none",
    "list",
    "of",
];

fn guess_help(names: &[&str], before: &str, rest: &str, found: &str) -> Option<String> {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let expects = |n: &str| names.contains(&n);
    if expects(NAME) && KEYWORDS.contains(&word.as_str()) {
        return Some(format!("`{word}` is a reserved word and cannot be used as a name"));
    }
    if expects(NAME) && !expects(TYPE_NAME) && word.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Some(format!(
            "names of facts, rules and fields are lowercase: `{}`",
            snake(&word)
        ));
    }
    if expects(TYPE_NAME) && !expects(NAME) && word.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("enum and record names start with a capital letter".to_string());
    }
    if rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=>") && expects(OPERATOR) {
        return Some("to compare two values, write `==`".to_string());
    }
    let arrow_typo = rest.starts_with('>') && before.ends_with('-');
    let arrow_expected =
        expects("`=>`") && (rest.starts_with(':') || rest.starts_with("->") || rest.starts_with("then"));
    if arrow_typo || arrow_expected {
        return Some("a branch is written `when CONDITION => VALUE`".to_string());
    }
    if expects("`else`") {
        return Some("an `if` needs both `then` and `else`".to_string());
    }
    let record_without_name = rest.starts_with(':') && {
        let head = before
            .trim_end()
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        head.trim_end().ends_with('{')
    };
    if record_without_name || (rest.starts_with('{') && expects(EXPRESSION)) {
        return Some("a record value is written `Name { field: value }`; a list `[a, b]`".to_string());
    }
    let value_next = !word.is_empty() || rest.starts_with(['"', '$']);
    let starts_value = rest.starts_with(|c: char| c.is_ascii_digit() || c == '"' || c == '$');
    if expects(OPERATOR) && value_next && (!expects(ITEM) || starts_value) {
        return Some("two values in a row: is an operator or a comma missing?".to_string());
    }
    if found == "end of input" && expects(EXPRESSION) {
        return Some("the text stops where an expression should follow".to_string());
    }
    None
}

fn snake(word: &str) -> String {
    let mut out = String::new();
    for (i, c) in word.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// How to show the text at the error position, and its length in bytes.
fn found_token(rest: &str) -> (String, usize) {
    let Some(first) = rest.chars().next() else {
        return ("end of input".to_string(), 0);
    };
    if first.is_ascii_alphanumeric() || first == '_' {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        return (format!("`{}`", &rest[..len]), len);
    }
    if first == '"' {
        let len = rest.find('\n').unwrap_or(rest.len());
        return ("a string".to_string(), len);
    }
    for op in ["==", "!=", "<=", ">=", "=>", "??", "->", "///", "//"] {
        if rest.starts_with(op) {
            return (format!("`{op}`"), op.len());
        }
    }
    (format!("`{first}`"), first.len_utf8())
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

const NAME: &str = "a name";
const TYPE_NAME: &str = "a capitalised type name";
const EXPRESSION: &str = "an expression";
const OPERATOR: &str = "an operator";
const ITEM: &str = "an item (`rule`, `facts`, `table`, `test`, …)";
const ITEM_WORDS: &[&str] = &[
    "module",
    "facts",
    "enum",
    "record",
    "rule",
    "fn",
    "exception",
    "table",
    "test",
    "calendar",
    "use",
];
const QUOTED: &str = "a quoted phrase";
const MINOR: &[&str] = &["`sub`", QUOTED, "`?`"];

/// The reader's name for what a grammar rule stands for; `None` for rules never
/// worth naming (doc comments, unit words after a complete value).
fn human(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of input",
        expr | expr_no_in | primary | paren | list_lit | set_lit | if_expr | let_expr | when_expr | error_expr
        | sort_expr | fold_expr | record_lit | path_start | op_not | op_neg | datetime_lit | date_lit | bad_date
        | year_month_lit | time_lit | money_lit | percent_lit | quantity | number_lit | bool_lit | none_lit
        | table_value | expr_input => EXPRESSION,
        op_coalesce | op_or | op_and | op_not_in | op_in | op_eq | op_ne | op_le | op_ge | op_lt | op_gt | op_add
        | op_sub | op_mul | op_div | op_mod => OPERATOR,
        ident | dotted | name => NAME,
        type_name => TYPE_NAME,
        type_expr | type_word | list_type | opt_type => "a type",
        optional_mark => "`?`",
        colon => "`:`",
        equals | body_expr | default => "`=`",
        arrow => "`=>`",
        lbrace | use_group | nested_rows => "`{`",
        rbrace => "`}`",
        lparen | params => "`(`",
        rparen => "`)`",
        lbracket => "`[`",
        rbracket => "`]`",
        item | items_input | rule_kw | facts_block | enum_decl | record_decl | rule_decl | exception_decl
        | table_decl | test_decl | calendar_decl | kw_facts | kw_enum | kw_record | kw_rule | kw_fn | kw_exception
        | kw_table | kw_test | kw_calendar => ITEM,
        use_decl => "`use`",
        article => "`article`",
        citation | cite_art | cite_section | cite_sidebar | cite_source | section | section_range => {
            "a citation (`§6.A`, `Art. 23 §3.B`, `source \"…\"`)"
        }
        string => "a string",
        quote | row_note => QUOTED,
        cases | when_branch => "`when`",
        otherwise_branch => "`otherwise`",
        comp_tail => "`for`",
        fact_entry | fact_decl | fact_group => "a fact (`name: type`)",
        variant => "a variant name",
        record_field => "a field (`name: type`)",
        field_init => "a field (`name: value`)",
        table_row | table_key | from_key | key_lit | key_path => "a table row (`key: value`)",
        table_keys => "a key type",
        given => "`given`",
        expect | expect_error => "`expect`",
        cal_weekend => "`weekend:`",
        cal_holidays => "`holidays:`",
        cal_closures => "`closures:`",
        sort_key => "a sort key",
        int_lit => "a number",
        param => "a parameter (`name: type`)",
        sub_path => "a section number",
        kw_module => "`module`",
        kw_article => "`article`",
        kw_use => "`use`",
        kw_given => "`given`",
        kw_expect => "`expect`",
        kw_error => "`error`",
        kw_when => "`when`",
        kw_otherwise => "`otherwise`",
        kw_if => "`if`",
        kw_then => "`then`",
        kw_else => "`else`",
        kw_let => "`let`",
        kw_in => "`in`",
        kw_for => "`for`",
        kw_list => "`list of`",
        kw_of => "`of`",
        kw_to => "`to`",
        kw_by => "`by`",
        kw_from => "`from`",
        kw_desc => "`desc`",
        kw_sort => "`sort`",
        kw_fold => "`fold`",
        kw_source => "`source`",
        kw_sub => "`sub`",
        kw_art => "`Art.`",
        kw_sidebar => "`Sidebar`",
        kw_weekend => "`weekend`",
        kw_holidays => "`holidays`",
        kw_closures => "`closures`",
        _ => return None,
    })
}
