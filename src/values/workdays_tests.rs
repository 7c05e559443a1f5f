use super::*;
use crate::values::dates::parse_date;
use proptest::prelude::*;

const SAT_SUN: [bool; 7] = [false, false, false, false, false, true, true];

fn day(s: &str) -> Day {
    parse_date(s).unwrap()
}

/// The obvious day-by-day implementation.
struct Naive {
    first: Day,
    last: Day,
    weekend: [bool; 7],
    holidays: Vec<Day>,
}

impl Naive {
    fn inside(&self, d: Day) -> bool {
        (self.first..=self.last).contains(&d)
    }

    fn is(&self, d: Day, closures: &[Day]) -> Option<bool> {
        self.inside(d)
            .then(|| !self.weekend[weekday(d) as usize] && !self.holidays.contains(&d) && !closures.contains(&d))
    }

    fn add(&self, d: Day, n: i64, closures: &[Day]) -> Option<Day> {
        if !self.inside(d) {
            return None;
        }
        let step = if n > 0 { 1 } else { -1 };
        let mut left = n.abs();
        let mut cur = d;
        while left > 0 {
            cur += step;
            if self.is(cur, closures)? {
                left -= 1;
            }
        }
        Some(cur)
    }

    fn next(&self, d: Day, closures: &[Day]) -> Option<Day> {
        if self.is(d, closures)? {
            Some(d)
        } else {
            self.add(d, 1, closures)
        }
    }

    fn between(&self, a: Day, b: Day, closures: &[Day]) -> Option<i64> {
        if !self.inside(a) || !self.inside(b) {
            return None;
        }
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let count = (lo + 1..=hi).filter(|&x| self.is(x, closures) == Some(true)).count();
        Some(sign * count as i64)
    }
}

#[derive(Debug, Clone)]
struct Case {
    first: Day,
    len: i32,
    weekend: [bool; 7],
    holidays: Vec<Day>,
    closures: Vec<Day>,
}

fn case() -> impl Strategy<Value = Case> {
    (-1000..1000i32, 0..1500i32, any::<[bool; 7]>()).prop_flat_map(|(first, len, weekend)| {
        let span = first - 30..first + len + 30;
        (
            Just(first),
            Just(len),
            // Mostly ordinary weekends, sometimes arbitrary ones.
            prop_oneof![3 => Just(SAT_SUN), 1 => Just(weekend)],
            prop::collection::vec(span.clone(), 0..120),
            prop::collection::vec(span, 0..40),
        )
            .prop_map(|(first, len, weekend, holidays, mut closures)| {
                normalize_closures(&mut closures);
                Case {
                    first,
                    len,
                    weekend,
                    holidays,
                    closures,
                }
            })
    })
}

fn build(c: &Case) -> (WorkdayTable, Naive) {
    let last = c.first + c.len - 1;
    let table = WorkdayTable::new(c.first, last, c.weekend, &c.holidays);
    let naive = Naive {
        first: c.first,
        last,
        weekend: c.weekend,
        holidays: c.holidays.clone(),
    };
    (table, naive)
}

#[test]
fn spec_example_presidents_day() {
    let t = WorkdayTable::new(day("1900-01-01"), day("2199-12-31"), SAT_SUN, &[day("2025-02-17")]);
    assert_eq!(t.add_workdays(day("2025-02-14"), 35, &[]), Ok(day("2025-04-07")));
    assert_eq!(t.add_workdays(day("2025-04-07"), -35, &[]), Ok(day("2025-02-14")));
    assert_eq!(t.workdays_between(day("2025-02-14"), day("2025-04-07"), &[]), Ok(35));
    assert_eq!(t.workdays_between(day("2025-04-07"), day("2025-02-14"), &[]), Ok(-35));
    assert_eq!(t.next_workday(day("2025-02-15"), &[]), Ok(day("2025-02-18")));
    assert_eq!(t.next_workday(day("2025-02-14"), &[]), Ok(day("2025-02-14")));
    assert_eq!(t.is_workday(day("2025-02-17"), &[]), Ok(false));
    // A closure on the answer pushes it a workday on.
    let closures = [day("2025-04-07")];
    assert_eq!(t.add_workdays(day("2025-02-14"), 35, &closures), Ok(day("2025-04-08")));
    assert_eq!(t.is_workday(day("2025-04-07"), &closures), Ok(false));
    // A closure on a weekend or holiday changes nothing.
    let closures = [day("2025-02-15"), day("2025-02-17")];
    assert_eq!(t.add_workdays(day("2025-02-14"), 35, &closures), Ok(day("2025-04-07")));
    assert_eq!(
        t.workday_count() as i64,
        t.workdays_between(t.first(), t.last(), &[]).unwrap() + 1
    );
}

#[test]
fn out_of_range() {
    let t = WorkdayTable::new(day("1900-01-01"), day("2199-12-31"), SAT_SUN, &[]);
    let err = t.is_workday(day("2250-01-03"), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "date 2250-01-03 is outside the workday calendar (1900-01-01 to 2199-12-31)"
    );
    // 2199-12-31 is a Tuesday; the third workday after it is 2200-01-03.
    let err = t.add_workdays(day("2199-12-31"), 3, &[]).unwrap_err();
    assert_eq!(err.date, day("2200-01-03"));
    let err = t.add_workdays(day("1900-01-01"), -1, &[]).unwrap_err();
    assert_eq!(err.date, day("1899-12-29"));
    assert!(t.add_workdays(day("2000-01-01"), i64::MAX, &[]).is_err());
    assert!(t.add_workdays(day("2000-01-01"), i64::MIN, &[]).is_err());
    assert!(t.workdays_between(day("2000-01-01"), day("2200-01-01"), &[]).is_err());
    // An empty table and a table without workdays.
    let empty = WorkdayTable::new(10, 9, SAT_SUN, &[]);
    assert!(empty.is_workday(10, &[]).is_err());
    let none = WorkdayTable::new(0, 100, [true; 7], &[]);
    assert_eq!(none.is_workday(5, &[]), Ok(false));
    assert_eq!(none.add_workdays(5, 1, &[]).unwrap_err().date, 101);
    assert_eq!(none.workday_count(), 0);
    // Extreme tables and arguments do not panic.
    let edge = WorkdayTable::new(Day::MAX - 10, Day::MAX, SAT_SUN, &[]);
    assert!(edge.add_workdays(Day::MAX, 5, &[]).is_err());
    let edge = WorkdayTable::new(Day::MIN, Day::MIN + 10, SAT_SUN, &[]);
    assert!(edge.add_workdays(Day::MIN, -5, &[]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn matches_naive(c in case(), probes in prop::collection::vec((-40..1540i32, -400..400i64), 1..20)) {
        let (t, naive) = build(&c);
        let cl = &c.closures;
        for (off, n) in probes {
            let d = c.first + off;
            prop_assert_eq!(t.is_workday(d, cl).ok(), naive.is(d, cl), "is_workday {}", d);
            prop_assert_eq!(t.add_workdays(d, n, cl).ok(), naive.add(d, n, cl), "add {} {}", d, n);
            prop_assert_eq!(t.next_workday(d, cl).ok(), naive.next(d, cl), "next {}", d);
            let b = d + n as i32;
            prop_assert_eq!(t.workdays_between(d, b, cl).ok(), naive.between(d, b, cl),
                "between {} {}", d, b);
            if !naive.inside(d) {
                prop_assert_eq!(t.is_workday(d, cl).unwrap_err().date, d);
            }
        }
    }

    #[test]
    fn inverse_laws(
        holidays in prop::collection::vec(-3000..3000i32, 0..200),
        closures in prop::collection::vec(-3000..3000i32, 0..40),
        d in -2500..2500i32,
        n in -400..400i64,
    ) {
        let mut closures = closures;
        normalize_closures(&mut closures);
        let t = WorkdayTable::new(day("1900-01-01"), day("2199-12-31"), SAT_SUN, &holidays);
        let r = t.add_workdays(d, n, &closures).unwrap();
        if n >= 0 {
            prop_assert_eq!(t.workdays_between(d, r, &closures), Ok(n));
        } else {
            // r is the |n|-th workday of [r, d).
            prop_assert_eq!(t.workdays_between(r - 1, d - 1, &closures), Ok(-n));
        }
        if n != 0 {
            prop_assert_eq!(t.is_workday(r, &closures), Ok(true));
        }
        if t.is_workday(d, &closures).unwrap() {
            prop_assert_eq!(t.add_workdays(r, -n, &closures), Ok(d));
        }
        let next = t.next_workday(d, &closures).unwrap();
        prop_assert!(next >= d);
        prop_assert_eq!(t.workdays_between(d, next, &closures).unwrap(),
            i64::from(next != d));
    }
}
