//! The stdlib calendar against every federal holiday 2015–2030 (an independent
//! list in `tests/data/federal-holidays.txt`), and workday arithmetic on them.

mod program;

use cba::eval::Case;

#[test]
fn federal_holidays_2015_to_2030() {
    let prog = program::stdlib();
    let mut case = Case::new(&prog);
    let data = std::fs::read_to_string("tests/data/federal-holidays.txt").expect("holiday data");
    let mut years = 0;
    for line in data.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (year, dates) = line.split_once(": ").expect("YEAR: dates");
        let want = format!("[{}]", dates.split(' ').collect::<Vec<_>>().join(", "));
        let got = program::eval_text(&prog, &mut case, &format!("federal_holidays({year})")).expect("evaluates");
        assert_eq!(got, want, "federal holidays of {year}");
        for d in dates.split(' ') {
            let w = program::eval_text(&prog, &mut case, &format!("is_workday({d})")).expect("evaluates");
            assert_eq!(w, "false", "{d} is a holiday, not a workday");
        }
        years += 1;
    }
    assert_eq!(years, 16);
}

/// Each holiday is skipped by workday counting: the workday before a holiday
/// plus one workday is the workday after it.
#[test]
fn workdays_skip_every_holiday() {
    let prog = program::stdlib();
    let mut case = Case::new(&prog);
    for year in 2015..=2030 {
        let got = program::eval_text(
            &prog,
            &mut case,
            &format!("all(add_workdays(add_workdays(h, -1), 1) > h for h in federal_holidays({year}))"),
        )
        .expect("evaluates");
        assert_eq!(got, "true", "{year}");
    }
}

fn answers(prog: &cba::ir::Program, cases: &[(&str, &str)]) {
    let mut case = Case::new(prog);
    for (expr, want) in cases {
        let got = program::eval_text(prog, &mut case, expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(&got, want, "{expr}");
    }
}

/// The holidays' history: Martin Luther King, Jr. Day from 1986 (Pub. L. 98-144);
/// Veterans Day on the fourth Monday of October 1971–1977 (Pub. L. 90-363, 94-97);
/// Washington's Birthday, Memorial Day and Columbus Day on Mondays from 1971.
#[test]
fn holidays_in_the_years_they_were_holidays() {
    let prog = program::stdlib();
    answers(
        &prog,
        &[
            ("is_holiday(1985-01-21)", "false"),
            ("is_holiday(1986-01-20)", "true"),
            ("len(federal_holidays(1985))", "9"),
            ("len(federal_holidays(1986))", "10"),
            ("len(federal_holidays(2020))", "10"),
            ("len(federal_holidays(2021))", "11"),
            ("veterans_day(1970)", "1970-11-11"),
            ("veterans_day(1971)", "1971-10-25"),
            ("veterans_day(1977)", "1977-10-24"),
            ("veterans_day(1978)", "1978-11-10"),
            ("is_holiday(1975-11-11)", "false"),
            ("is_holiday(1975-10-27)", "true"),
            ("is_holiday(1970-02-23)", "true"),
            ("is_holiday(1970-05-29)", "true"),
            ("is_holiday(1970-10-12)", "false"),
            ("is_holiday(1971-02-15)", "true"),
            ("is_holiday(1971-05-31)", "true"),
            ("is_holiday(1971-10-11)", "true"),
            ("is_workday(1975-11-11)", "true"),
            ("add_workdays(1975-10-24, 1)", "1975-10-28"),
        ],
    );
}

/// `is_workday` answers for any date, the calendar's first day and before included.
#[test]
fn is_workday_answers_at_the_calendar_edge() {
    let prog = program::stdlib();
    answers(
        &prog,
        &[
            ("is_workday(1900-01-01)", "false"),
            ("is_workday(1900-01-02)", "true"),
            ("is_workday(1899-12-29)", "true"),
            ("next_workday(1900-01-01)", "1900-01-02"),
        ],
    );
}

/// A date outside the workday table is named as a date in the message.
#[test]
fn dates_in_messages_print_as_dates() {
    let prog = program::stdlib();
    let mut case = Case::new(&prog);
    let err = program::eval_text(&prog, &mut case, "add_workdays(1900-01-02, -1)").unwrap_err();
    assert!(
        err.contains("date 1899-12-29 is outside the workday calendar (1900-01-01 to 2199-12-31)"),
        "{err}"
    );
}

/// `is_workday` agrees with workday counting on every day the table covers that
/// the tests' years touch.
#[test]
fn is_workday_agrees_with_workday_counting() {
    let prog = program::stdlib();
    answers(
        &prog,
        &[
            (
                "all(is_workday(d + 1 day) == (workdays_between(d, d + 1 day) == 1) for d in [1969-12-31 + n days for n in range(0, 3000)])",
                "true",
            ),
            (
                "all(is_workday(d + 1 day) == (workdays_between(d, d + 1 day) == 1) for d in [2012-12-31 + n days for n in range(0, 6000)])",
                "true",
            ),
        ],
    );
}

/// Records given one after another to one case (as `cba batch` gives them)
/// answer as fresh cases do: a record's closures count for it alone, whether
/// the record before gave closures, other closures or none.
#[test]
fn closures_count_for_their_own_record_only() {
    use cba::eval::Slot;
    use cba::eval::value::Value;
    let prog = program::program();
    let fact = |path: &str| {
        let i = prog.facts.iter().position(|f| f.path == path).expect("a fact");
        cba::ir::FactId::from_index(i)
    };
    let (knew_on, closures) = (fact("grievance.knew_on"), fact("calendar.closures"));
    let deadline = prog.rule_index["grievance.step1_deadline"];
    let day = |s: &str| Value::Date(cba::eval::dates::parse_date(s).expect("a date"));
    let list = |xs: &[&str]| Value::List(xs.iter().map(|s| day(s)).collect());
    // Thirty-five workdays from 2021-01-01 pass 2021-01-04 and 2021-01-05.
    let records: Vec<Vec<(cba::ir::FactId, Value)>> = vec![
        vec![(knew_on, day("2021-01-01")), (closures, list(&["2021-01-04"]))],
        vec![(knew_on, day("2021-01-01"))],
        vec![
            (knew_on, day("2021-01-01")),
            (closures, list(&["2021-01-04", "2021-01-05"])),
        ],
        vec![(closures, list(&["2021-01-05"])), (knew_on, day("2021-01-01"))],
        vec![(knew_on, day("2021-01-01"))],
        vec![(knew_on, day("2021-01-01"))],
        vec![(knew_on, day("2021-01-01")), (closures, list(&[]))],
    ];
    let mut reused = Case::new(&prog);
    let mut seen = Vec::new();
    for facts in &records {
        let mut fresh = Case::new(&prog);
        for (f, v) in facts {
            reused.give(*f, Slot::Value(v.clone()), true);
            fresh.set_fact(*f, Slot::Value(v.clone()));
        }
        reused.next_record();
        let want = fresh.rule(deadline).expect("a deadline");
        assert_eq!(reused.rule(deadline).expect("a deadline"), want, "{facts:?}");
        seen.push(want);
    }
    // The records' closures moved the deadline: the test tells them apart.
    assert_ne!(seen[0], seen[1]);
    assert_ne!(seen[2], seen[0]);
    assert_eq!(seen[1], seen[4]);
}
