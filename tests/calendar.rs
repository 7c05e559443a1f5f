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
