//! Lowering of types, citations, strings and small integers.

use super::{E_BAD_ESCAPE, E_INT_TOO_LARGE, Lower, P, Rule};
use crate::diag::Diagnostic;
use crate::syntax::ast::{Citation, TypeExpr, TypeExprKind};
use crate::syntax::span::{Span, Spanned};

impl Lower {
    /// `list of T`, `T?`, `(T)`, `date`, `Method`.
    pub(super) fn lower_type_expr(&self, p: P<'_>) -> TypeExpr {
        let span = self.span(&p);
        if !self.enter(span) {
            return Spanned::new(TypeExprKind::Named(String::new()), span);
        }
        let ty = self.lower_type_inner(p, span);
        self.leave();
        ty
    }

    fn lower_type_inner(&self, p: P<'_>, span: Span) -> TypeExpr {
        let rule = p.as_rule();
        let own = self.span(&p);
        let mut result = Spanned::new(TypeExprKind::Named(String::new()), span);
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::type_expr | Rule::list_type | Rule::opt_type => {
                    let inner = self.lower_type_inner(k, span);
                    result = if rule == Rule::list_type {
                        Spanned::new(TypeExprKind::List(Box::new(inner)), own)
                    } else {
                        inner
                    };
                }
                Rule::type_word => result = Spanned::new(TypeExprKind::Named(k.as_str().to_string()), self.span(&k)),
                Rule::optional_mark => {
                    let inner = std::mem::replace(&mut result, Spanned::new(TypeExprKind::Named(String::new()), span));
                    result = Spanned::new(TypeExprKind::Optional(Box::new(inner)), own);
                }
                _ => {}
            }
        }
        result
    }

    pub(super) fn lower_citation(&self, p: P<'_>) -> Citation {
        // Without a quote, the pair ends after the spaces (and line break) where a
        // quote was looked for: the span stops at the citation's last character.
        let text = p.as_str();
        let mut span = self.span(&p);
        span.end -= (text.len() - text.trim_end().len()) as u32;
        let mut c = Citation {
            article: None,
            section: None,
            sub: None,
            sidebar: false,
            source: None,
            quote: None,
            span,
        };
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::cite_art => {
                    for a in self.kids(k) {
                        match a.as_rule() {
                            Rule::int_lit => c.article = Some(self.lower_small_int(&a)),
                            Rule::cite_section => self.lower_cite_section(a, &mut c),
                            Rule::kw_sidebar => c.sidebar = true,
                            _ => {}
                        }
                    }
                }
                Rule::cite_section => self.lower_cite_section(k, &mut c),
                Rule::cite_sidebar => c.sidebar = true,
                Rule::cite_source => c.source = self.kids(k).into_iter().next().map(|s| self.lower_string(s)),
                Rule::quote => c.quote = Some(self.lower_string(k)),
                _ => {}
            }
        }
        c
    }

    fn lower_cite_section(&self, p: P<'_>, c: &mut Citation) {
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::section => {
                    if let Some(range) = self.kids(k).into_iter().next() {
                        c.section = Some(Spanned::new(range.as_str().replace('–', "-"), self.span(&range)));
                    }
                }
                Rule::sub_path => c.sub = Some(Spanned::new(k.as_str().replace('–', "-"), self.span(&k))),
                _ => {}
            }
        }
    }

    /// A string literal, its escapes decoded (`\"`, `\\`, `\n`).
    pub(super) fn lower_string(&self, p: P<'_>) -> Spanned<String> {
        let span = self.span(&p);
        let inner = p.into_inner().next();
        let (raw, start) = match &inner {
            Some(i) => (i.as_str(), i.as_span().start()),
            None => ("", span.start as usize),
        };
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, ch)) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((j, other)) => {
                    let at = Span::new(self.file, start + i, start + j + other.len_utf8());
                    self.report(
                        Diagnostic::error(
                            E_BAD_ESCAPE,
                            format!("unknown escape `\\{other}` in a string"),
                            at,
                            "not an escape",
                        )
                        .with_help("the escapes are `\\\"`, `\\\\` and `\\n`; write `\\\\` for a backslash"),
                    );
                    out.push(other);
                }
                None => out.push('\\'),
            }
        }
        Spanned::new(out, span)
    }

    /// An article number or other small count (`int_lit`).
    pub(super) fn lower_small_int(&self, p: &P<'_>) -> Spanned<u32> {
        let span = self.span(p);
        let digits: String = p.as_str().chars().filter(|c| *c != ',').collect();
        match digits.parse::<u32>() {
            Ok(n) => Spanned::new(n, span),
            Err(_) => {
                self.report(Diagnostic::error(
                    E_INT_TOO_LARGE,
                    format!("number `{}` is too large here", p.as_str()),
                    span,
                    "too large",
                ));
                Spanned::new(0, span)
            }
        }
    }
}
