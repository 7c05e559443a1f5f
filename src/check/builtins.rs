//! Built-in functions: their types, lowered to [`Builtin`] operations.

use super::Checker;
use super::expr::{mk, poison};
use super::ops::orderable;
use crate::diag::{Diagnostic, did_you_mean};
use crate::ir::{Builtin, Expr, ExprKind};
use crate::syntax::span::Span;
use crate::types::Type;

/// Every built-in function name, for "did you mean".
pub(super) const BUILTINS: &[&str] = &[
    "min",
    "max",
    "abs",
    "floor",
    "ceil",
    "round",
    "round_up",
    "round_down",
    "number",
    "count",
    "sum",
    "any",
    "all",
    "first",
    "last",
    "reverse",
    "distinct",
    "range",
    "len",
    "contains",
    "concat",
    "date",
    "year",
    "month",
    "day",
    "weekday",
    "days_between",
    "last_day_of_month",
    "year_month",
    "first_day",
    "last_day",
    "date_of",
    "time_of",
    "datetime",
    "today",
    "workdays_between",
    "required",
    "text",
    "starts_with",
    "lower",
    "upper",
    "error",
];

fn is_summable(t: &Type) -> bool {
    t.is_numeric() || matches!(t, Type::Qty(_) | Type::Percent | Type::Never | Type::Error)
}

impl Checker<'_> {
    pub(super) fn builtin_call(
        &mut self,
        name: &str,
        args: Vec<(Expr, Type)>,
        span: Span,
        name_span: Span,
    ) -> (Expr, Type) {
        use Builtin as B;
        let tys: Vec<Type> = args.iter().map(|a| a.1.clone()).collect();
        if tys.contains(&Type::Error) {
            return poison(span);
        }
        let irs: Vec<Expr> = args.into_iter().map(|a| a.0).collect();
        let one = |t: &[Type]| t.len() == 1;
        let list_elem = |t: &Type| match t {
            Type::List(e) => Some((**e).clone()),
            _ => None,
        };
        let res: Result<(Builtin, Type), String> = match name {
            "min" | "max" => {
                let b = if name == "min" {
                    (B::Min, B::MinList)
                } else {
                    (B::Max, B::MaxList)
                };
                if one(&tys) {
                    match list_elem(&tys[0]) {
                        Some(e) if orderable(&e) => Ok((b.1, e.optional())),
                        _ => Err(format!("`{name}` takes two or more values, or one list")),
                    }
                } else if tys.len() >= 2 {
                    let mut t = tys[0].clone();
                    let mut ok = orderable(&t);
                    for x in &tys[1..] {
                        match t.join(x) {
                            Some(j) if orderable(&j) => t = j,
                            _ => ok = false,
                        }
                    }
                    if ok {
                        Ok((b.0, t))
                    } else {
                        Err(format!(
                            "the values given to `{name}` must have one type with an order (and one unit)"
                        ))
                    }
                } else {
                    Err(format!("`{name}` takes two or more values, or one list"))
                }
            }
            "abs" if one(&tys) && is_summable(&tys[0]) => Ok((B::Abs, tys[0].clone())),
            "floor" | "ceil" if one(&tys) && tys[0].is_numeric() => {
                Ok((if name == "floor" { B::Floor } else { B::Ceil }, Type::Int))
            }
            "round" if one(&tys) && tys[0].is_numeric() => Ok((B::Round, Type::Int)),
            "round" | "round_up" | "round_down" if tys.len() == 2 => {
                let b = match name {
                    "round" => B::RoundTo,
                    "round_up" => B::RoundUp,
                    _ => B::RoundDown,
                };
                if is_summable(&tys[0]) && tys[0].join(&tys[1]).is_some() {
                    Ok((b, tys[0].clone()))
                } else {
                    Err(format!(
                        "`{name}(x, step)` rounds `x` to a multiple of `step`, which has the same unit: e.g. `{name}(m, $0.01)`, `{name}(h, 15 minutes)`"
                    ))
                }
            }
            "number" if one(&tys) && is_summable(&tys[0]) => Ok((
                B::Number,
                if tys[0] == Type::Int || matches!(tys[0], Type::Qty(u) if u.is_calendar()) {
                    Type::Int
                } else {
                    Type::Decimal
                },
            )),
            "count" if one(&tys) => match list_elem(&tys[0]) {
                Some(Type::Bool) => Ok((B::Count, Type::Int)),
                Some(_) => Ok((B::Len, Type::Int)),
                None => Err("`count` takes a list".into()),
            },
            "len" if one(&tys) => match &tys[0] {
                Type::String => Ok((B::StrLen, Type::Int)),
                Type::List(_) => Ok((B::Len, Type::Int)),
                _ => Err("`len` takes a list or a string".into()),
            },
            "sum" if one(&tys) => match list_elem(&tys[0]) {
                Some(e) if is_summable(&e) => Ok((B::Sum, if e == Type::Never { Type::Int } else { e })),
                _ => Err("`sum` takes a list of numbers or quantities".into()),
            },
            "any" | "all" if one(&tys) => match list_elem(&tys[0]) {
                Some(Type::Bool | Type::Never) => Ok((if name == "any" { B::Any } else { B::All }, Type::Bool)),
                _ => Err(format!(
                    "`{name}` takes a list of true/false values, e.g. `{name}(x > 3 for x in xs)`"
                )),
            },
            "first" | "last" if one(&tys) => match list_elem(&tys[0]) {
                Some(e) => Ok((if name == "first" { B::First } else { B::Last }, e.optional())),
                None => Err(format!("`{name}` takes a list")),
            },
            "reverse" | "distinct" if one(&tys) && list_elem(&tys[0]).is_some() => {
                Ok((if name == "reverse" { B::Reverse } else { B::Distinct }, tys[0].clone()))
            }
            "range" if tys.len() == 2 && tys[0] == Type::Int && tys[1] == Type::Int => {
                Ok((B::Range, Type::List(Box::new(Type::Int))))
            }
            "contains" if tys.len() == 2 => match (&tys[0], &tys[1]) {
                (Type::String, Type::String) => Ok((B::StrContains, Type::Bool)),
                (Type::List(e), x) if x.fits(e) || e.fits(x) => Ok((B::Contains, Type::Bool)),
                _ => Err("`contains(list, value)` or `contains(text, part)`".into()),
            },
            "concat" if tys.len() == 2 => match tys[0].join(&tys[1]) {
                Some(t @ Type::List(_)) => Ok((B::ListConcat, t)),
                _ => Err("`concat` joins two lists of one type".into()),
            },
            "date" if tys == [Type::Int, Type::Int, Type::Int] => Ok((B::Date, Type::Date)),
            "year" | "month" | "day" if one(&tys) && matches!(tys[0], Type::Date | Type::YearMonth) => {
                let b = match name {
                    "year" => B::Year,
                    "month" => B::Month,
                    _ => B::Day,
                };
                if b == B::Day && tys[0] == Type::YearMonth {
                    Err("`day` takes a date".into())
                } else {
                    Ok((b, Type::Int))
                }
            }
            "weekday" if tys == [Type::Date] => Ok((B::Weekday, Type::Enum(super::WEEKDAY_ENUM))),
            "days_between" if tys == [Type::Date, Type::Date] => Ok((B::DaysBetween, Type::Int)),
            "workdays_between" if tys == [Type::Date, Type::Date] => Ok((B::WorkdaysBetween, Type::Int)),
            "last_day_of_month" if tys == [Type::Date] => Ok((B::LastDayOfMonth, Type::Date)),
            "year_month" if tys == [Type::Date] => Ok((B::YearMonthOf, Type::YearMonth)),
            "first_day" | "last_day" if tys == [Type::YearMonth] => {
                Ok((if name == "first_day" { B::FirstDay } else { B::LastDay }, Type::Date))
            }
            "date_of" if tys == [Type::DateTime] => Ok((B::DateOf, Type::Date)),
            "time_of" if tys == [Type::DateTime] => Ok((B::TimeOf, Type::Time)),
            "datetime" if tys == [Type::Date, Type::Time] => Ok((B::DateTime, Type::DateTime)),
            "today" if tys.is_empty() => Ok((B::Today, Type::Date)),
            "required" if one(&tys) => match (irs[0].kind.clone(), &tys[0]) {
                (ExprKind::Fact(f), Type::Optional(inner)) => {
                    let mut irs = irs;
                    let fid = crate::eval::value::Value::int(f as i64);
                    irs.push(mk(ExprKind::Const(fid), span));
                    return (mk(ExprKind::Builtin(B::Required, irs), span), (**inner).clone());
                }
                _ => Err("`required(fact)` takes an optional fact: its value, or a missing-fact error when the case lacks it".into()),
            },
            "text" if one(&tys) => match &tys[0] {
                Type::Enum(e) => {
                    let mut irs = irs;
                    irs.push(mk(ExprKind::Const(crate::eval::value::Value::Enum(*e)), span));
                    return (mk(ExprKind::Builtin(B::EnumText, irs), span), Type::String);
                }
                _ => Ok((B::Text, Type::String)),
            },
            "starts_with" if tys == [Type::String, Type::String] => Ok((B::StartsWith, Type::Bool)),
            "lower" | "upper" if tys == [Type::String] => {
                Ok((if name == "lower" { B::Lower } else { B::Upper }, Type::String))
            }
            _ if BUILTINS.contains(&name) => {
                let shown: Vec<String> = tys.iter().map(|t| format!("`{}`", self.ty(t))).collect();
                Err(format!("`{name}` cannot take ({})", shown.join(", ")))
            }
            _ => {
                let mut d = Diagnostic::error(
                    "E0209",
                    format!("unknown function `{name}`"),
                    name_span,
                    "not a function",
                );
                let mut names: Vec<&str> = BUILTINS.to_vec();
                let rule_names: Vec<String> = self
                    .rules
                    .iter()
                    .filter(|r| r.params.is_some())
                    .map(|r| r.name.clone())
                    .collect();
                names.extend(rule_names.iter().map(String::as_str));
                d = match did_you_mean(name, names) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("declare it with `fn name(param: type): type = …`"),
                };
                self.error(d);
                return poison(span);
            }
        };
        match res {
            Ok((b, t)) => (mk(ExprKind::Builtin(b, irs), span), t),
            Err(help) => {
                let shown: Vec<String> = tys.iter().map(|t| format!("`{}`", self.ty(t))).collect();
                self.error(
                    Diagnostic::error(
                        "E0316",
                        format!("wrong arguments for `{name}`: ({})", shown.join(", ")),
                        span,
                        "wrong arguments",
                    )
                    .with_help(help),
                );
                poison(span)
            }
        }
    }
}
