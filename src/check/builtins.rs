//! Built-in functions: their types, lowered to [`Builtin`] operations.

use super::Checker;
use super::expr::{mk, poison};
use super::ops::orderable;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::{Builtin, Expr, ExprKind};
use crate::syntax::span::Span;
use crate::types::Type;

/// A built-in function's signature and doc, for hover and completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinDoc {
    pub name: &'static str,
    pub signature: &'static str,
    pub doc: &'static str,
}

/// Every built-in function with its signature and doc (the names checked by
/// `builtin_call` below; a test keeps the two in step).
pub const BUILTINS: &[BuiltinDoc] = &[
    BuiltinDoc {
        name: "min",
        signature: "min(a, b, …) / min(list)",
        doc: "The smallest of two or more values of one ordered type (and one unit), or of a list (none when the list is empty).",
    },
    BuiltinDoc {
        name: "max",
        signature: "max(a, b, …) / max(list)",
        doc: "The largest of two or more values of one ordered type (and one unit), or of a list (none when the list is empty).",
    },
    BuiltinDoc {
        name: "abs",
        signature: "abs(x)",
        doc: "The absolute value of a number, quantity or percentage.",
    },
    BuiltinDoc {
        name: "floor",
        signature: "floor(x: number): int",
        doc: "The largest whole number not above `x`.",
    },
    BuiltinDoc {
        name: "ceil",
        signature: "ceil(x: number): int",
        doc: "The smallest whole number not below `x`.",
    },
    BuiltinDoc {
        name: "round",
        signature: "round(x: number): int / round(x, step)",
        doc: "Rounds half up: to a whole number, or to a multiple of `step` in the same unit (`round(m, $0.01)`, `round(h, 15 minutes)`).",
    },
    BuiltinDoc {
        name: "round_up",
        signature: "round_up(x, step)",
        doc: "Rounds `x` up to a multiple of `step`, which has the same unit.",
    },
    BuiltinDoc {
        name: "round_down",
        signature: "round_down(x, step)",
        doc: "Rounds `x` down to a multiple of `step`, which has the same unit.",
    },
    BuiltinDoc {
        name: "number",
        signature: "number(x): int | decimal",
        doc: "The bare number of a quantity, money or percentage (its unit dropped).",
    },
    BuiltinDoc {
        name: "count",
        signature: "count(list): int",
        doc: "How many elements a list has; for a list of true/false values, how many are true.",
    },
    BuiltinDoc {
        name: "sum",
        signature: "sum(list): T",
        doc: "The sum of a list of numbers or quantities (0 when empty).",
    },
    BuiltinDoc {
        name: "any",
        signature: "any(list of bool): bool",
        doc: "True when some element is true: `any(x > 3 for x in xs)`.",
    },
    BuiltinDoc {
        name: "all",
        signature: "all(list of bool): bool",
        doc: "True when every element is true (true for an empty list).",
    },
    BuiltinDoc {
        name: "first",
        signature: "first(list of T): T?",
        doc: "The first element, or none when the list is empty.",
    },
    BuiltinDoc {
        name: "last",
        signature: "last(list of T): T?",
        doc: "The last element, or none when the list is empty.",
    },
    BuiltinDoc {
        name: "reverse",
        signature: "reverse(list of T): list of T",
        doc: "The list in reverse order.",
    },
    BuiltinDoc {
        name: "distinct",
        signature: "distinct(list of T): list of T",
        doc: "The list without repeated elements, first occurrences kept.",
    },
    BuiltinDoc {
        name: "range",
        signature: "range(from: int, to: int): list of int",
        doc: "The whole numbers from `from` up to but not including `to`.",
    },
    BuiltinDoc {
        name: "len",
        signature: "len(list | string): int",
        doc: "The number of elements of a list or characters of a string.",
    },
    BuiltinDoc {
        name: "contains",
        signature: "contains(list, value) / contains(text, part): bool",
        doc: "Whether a list holds a value, or a string contains another.",
    },
    BuiltinDoc {
        name: "concat",
        signature: "concat(list of T, list of T): list of T",
        doc: "The elements of the first list followed by those of the second.",
    },
    BuiltinDoc {
        name: "date",
        signature: "date(year: int, month: int, day: int): date",
        doc: "The date of a year, month and day; an error when there is no such day.",
    },
    BuiltinDoc {
        name: "year",
        signature: "year(date | year_month): int",
        doc: "The year of a date or month.",
    },
    BuiltinDoc {
        name: "month",
        signature: "month(date | year_month): int",
        doc: "The month (1–12) of a date or month.",
    },
    BuiltinDoc {
        name: "day",
        signature: "day(date): int",
        doc: "The day of the month of a date.",
    },
    BuiltinDoc {
        name: "weekday",
        signature: "weekday(date): Weekday",
        doc: "The day of the week of a date (`monday` … `sunday`).",
    },
    BuiltinDoc {
        name: "days_between",
        signature: "days_between(from: date, to: date): int",
        doc: "Calendar days from `from` to `to` (negative when `to` is earlier).",
    },
    BuiltinDoc {
        name: "last_day_of_month",
        signature: "last_day_of_month(date): date",
        doc: "The last day of the date's month.",
    },
    BuiltinDoc {
        name: "year_month",
        signature: "year_month(date): year_month",
        doc: "The month a date falls in.",
    },
    BuiltinDoc {
        name: "first_day",
        signature: "first_day(year_month): date",
        doc: "The first day of a month.",
    },
    BuiltinDoc {
        name: "last_day",
        signature: "last_day(year_month): date",
        doc: "The last day of a month.",
    },
    BuiltinDoc {
        name: "date_of",
        signature: "date_of(datetime): date",
        doc: "The date of a date and time.",
    },
    BuiltinDoc {
        name: "time_of",
        signature: "time_of(datetime): time",
        doc: "The time of day of a date and time.",
    },
    BuiltinDoc {
        name: "datetime",
        signature: "datetime(date, time): datetime",
        doc: "A date and a time of day together.",
    },
    BuiltinDoc {
        name: "today",
        signature: "today(): date",
        doc: "The `as_of` date of the case: the day the question is asked.",
    },
    BuiltinDoc {
        name: "workdays_between",
        signature: "workdays_between(from: date, to: date): int",
        doc: "Workdays after `from` up to and including `to`, by the calendar's weekend, holidays and closures.",
    },
    BuiltinDoc {
        name: "required",
        signature: "required(fact: T?): T",
        doc: "The value of an optional fact, or a missing-fact error when the case lacks it.",
    },
    BuiltinDoc {
        name: "text",
        signature: "text(x): string",
        doc: "The text of a value; for an enum value, its external spelling.",
    },
    BuiltinDoc {
        name: "starts_with",
        signature: "starts_with(text: string, prefix: string): bool",
        doc: "Whether a string starts with another.",
    },
    BuiltinDoc {
        name: "lower",
        signature: "lower(string): string",
        doc: "The string in lower case.",
    },
    BuiltinDoc {
        name: "upper",
        signature: "upper(string): string",
        doc: "The string in upper case.",
    },
    BuiltinDoc {
        name: "error",
        signature: "error(message: string)",
        doc: "Fails the query with the message (an error, never a value).",
    },
];

/// Whether `name` is a built-in function.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.iter().any(|b| b.name == name)
}

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
                    let fid = crate::values::value::Value::int(f.0 as i64);
                    irs.push(mk(ExprKind::Const(fid), span));
                    return (mk(ExprKind::Builtin(B::Required, irs), span), (**inner).clone());
                }
                _ => Err("`required(fact)` takes an optional fact: its value, or a missing-fact error when the case lacks it".into()),
            },
            "text" if one(&tys) => match &tys[0] {
                Type::Enum(e) => {
                    let mut irs = irs;
                    irs.push(mk(ExprKind::Const(crate::values::value::Value::Enum(e.0)), span));
                    return (mk(ExprKind::Builtin(B::EnumText, irs), span), Type::String);
                }
                _ => Ok((B::Text, Type::String)),
            },
            "starts_with" if tys == [Type::String, Type::String] => Ok((B::StartsWith, Type::Bool)),
            "lower" | "upper" if tys == [Type::String] => {
                Ok((if name == "lower" { B::Lower } else { B::Upper }, Type::String))
            }
            _ if is_builtin(name) => {
                let shown: Vec<String> = tys.iter().map(|t| format!("`{}`", self.ty(t))).collect();
                Err(format!("`{name}` cannot take ({})", shown.join(", ")))
            }
            _ => {
                let mut d = Diagnostic::error(
                    Code::UnknownFunction,
                    format!("unknown function `{name}`"),
                    name_span,
                    "not a function",
                );
                let mut names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
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
                        Code::WrongBuiltinArguments,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every documented built-in is one the checker knows: called with no
    /// arguments it is reported as a wrong call (E0316) or accepted, never as an
    /// unknown function (E0209).
    #[test]
    fn every_documented_builtin_is_checked() {
        for b in BUILTINS {
            let text = format!("module m\nrule r: bool = {}() == {}()\n", b.name, b.name);
            let (_, diags) = crate::check::check_files(vec![crate::check::Input {
                name: "m.cba".into(),
                text,
                is_stdlib: false,
            }]);
            assert!(diags.iter().all(|d| d.code != "E0209"), "{}: {diags:?}", b.name);
            assert!(b.signature.starts_with(b.name), "{}", b.name);
        }
    }
}
