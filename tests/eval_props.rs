//! Property tests of evaluation: random well- and ill-typed expressions over
//! extreme literals never panic (they answer, or fail with a message), and
//! workday arithmetic written in the language keeps its laws.

mod program;

use cba::eval::Case;
use proptest::prelude::*;
use std::sync::LazyLock;

static PROG: LazyLock<cba::ir::Program> = LazyLock::new(program::stdlib);

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("79228162514264337593543950335".to_string()),
        Just("0.0000000000000000000000000001".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("$1,500.00".to_string()),
        Just("2.5 h".to_string()),
        Just("150%".to_string()),
        Just("9999-12-31".to_string()),
        Just("0001-01-01".to_string()),
        Just("2025-02-14".to_string()),
        Just("23:59".to_string()),
        Just("2025-02-14T09:30".to_string()),
        Just("2199-12-31".to_string()),
        (-100_000i64..100_000).prop_map(|n| n.to_string()),
        (-100_000i64..100_000).prop_map(|n| format!("{n} days")),
        (-100_000i64..100_000).prop_map(|n| format!("{n} workdays")),
        (-100_000i64..100_000).prop_map(|n| format!("{n} months")),
        (-1000i64..1000).prop_map(|n| format!("{n} hours")),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 3, |inner| {
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("mod"),
            Just("<"),
            Just("==")
        ];
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("round({a}, {b})")),
            inner.clone().prop_map(|a| format!("add_workdays({a}, 3)")),
            inner.clone().prop_map(|a| format!("next_workday({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.prop_map(|a| format!("sum([{a}, {a}])")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_never_panics(e in expr()) {
        let prog = &*PROG;
        let mut case = Case::new(prog);
        let _ = program::eval_text(prog, &mut case, &e);
    }

    #[test]
    fn workdays_round_trip(y in 1950i32..2150, doy in 0i64..365, n in 0i64..400) {
        let prog = &*PROG;
        let mut case = Case::new(prog);
        let d = format!("next_workday(date({y}, 1, 1) + {doy} days)");
        let law = format!("add_workdays(add_workdays({d}, {n}), -{n}) == {d} and workdays_between({d}, add_workdays({d}, {n})) == {n}");
        prop_assert_eq!(program::eval_text(prog, &mut case, &law), Ok("true".to_string()));
    }

    #[test]
    fn months_clamp(y in 1950i32..2150, m in 1u32..=12, d in 1u32..=31, n in -60i64..60) {
        let prog = &*PROG;
        let mut case = Case::new(prog);
        let last = format!("last_day_of_month(date({y}, {m}, 1))");
        let start = format!("min(date({y}, {m}, 1) + {} days, {last})", d - 1);
        let law = format!("day({start} + {n} months) == min(day({start}), day(last_day_of_month(date({y}, {m}, 1) + {n} months)))");
        prop_assert_eq!(program::eval_text(prog, &mut case, &law), Ok("true".to_string()));
    }
}
