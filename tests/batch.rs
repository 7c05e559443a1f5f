//! `cba batch` end to end, file-driven: each folder of `tests/fixtures/batch/cases/`
//! holds an input and the `args` (one a line, run from inside the folder); its
//! standard output, standard error and exit status are snapshot-tested
//! (`tests/snapshots/batch__case_<folder>.snap`, reviewed with `cargo insta`,
//! see docs/testing.md). Every case runs with one job and with three, which
//! must agree byte for byte.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_case(dir: &Path, jobs: &str) -> (String, String, String) {
    let args = std::fs::read_to_string(dir.join("args")).expect("args");
    let out = Command::cargo_bin("cba")
        .expect("binary builds")
        .current_dir(dir)
        .arg("batch")
        .arg("--contracts")
        .arg(root().join("tests/fixtures/batch/contracts"))
        .args(args.lines().filter(|l| !l.is_empty()))
        .args(["--jobs", jobs])
        .output()
        .expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        format!("{}\n", out.status.code().unwrap_or(-1)),
    )
}

#[test]
fn batch_cases() {
    let cases = root().join("tests/fixtures/batch/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "only {} cases", dirs.len());
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let one = run_case(dir, "1");
        let three = run_case(dir, "3");
        if one != three {
            failures.push(format!("{name}: --jobs 1 and --jobs 3 disagree:\n{one:#?}\n{three:#?}"));
        }
        snapshots.push((
            name,
            format!("--- stdout\n{}--- stderr\n{}--- status\n{}", one.0, one.1, one.2),
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for (name, snap) in snapshots {
        insta::assert_snapshot!(format!("case_{name}"), snap);
    }
}

#[test]
fn records_from_standard_input() {
    let input = "{\"id\": \"x\", \"case\": {\"knew_on\": \"2025-02-14\"}}\n";
    Command::cargo_bin("cba")
        .expect("binary builds")
        .arg("batch")
        .arg("--contracts")
        .arg(root().join("tests/fixtures/batch/contracts"))
        .args(["--input", "-", "--query", "cases.step1_deadline"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout("{\"record\":1,\"id\":\"x\",\"cases.step1_deadline\":\"2025-04-07\"}\n")
        .stderr("batch: 1 record, 1 ok, 0 failed\n");
}

#[test]
fn csv_from_standard_input() {
    let input = "case.knew_on,id\n2025-02-14,x\n";
    Command::cargo_bin("cba")
        .expect("binary builds")
        .arg("batch")
        .arg("--contracts")
        .arg(root().join("tests/fixtures/batch/contracts"))
        .args(["--input", "-", "--input-format", "csv", "--format", "csv"])
        .args(["--query", "cases.step1_deadline"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout("record,id,cases.step1_deadline,errors\n1,x,2025-04-07,\n");
}

mod program;

/// Runs the library's batch over generated grievances; the output and summary.
fn library_batch(
    prog: &cba::ir::Program,
    records: &str,
    jobs: usize,
    max_errors: Option<u64>,
) -> (String, cba::batch::Summary) {
    let opts = cba::batch::Options {
        queries: vec!["grievance.*".into()],
        jobs,
        max_errors,
        chunk_records: 64,
        ..Default::default()
    };
    run_with(prog, records, &opts)
}

fn run_with(prog: &cba::ir::Program, records: &str, opts: &cba::batch::Options) -> (String, cba::batch::Summary) {
    let input = cba::batch::input::Input::Jsonl {
        reader: Box::new(std::io::Cursor::new(records.as_bytes().to_vec())),
        name: "generated".into(),
    };
    let mut out = Vec::new();
    let summary = cba::batch::run(prog, input, &mut out, opts, &mut |_, _| {}).expect("runs");
    (String::from_utf8(out).expect("utf-8"), summary)
}

/// `count` generated grievances, line `at` of every `every` cut short (not JSON).
fn generated_with_broken(seed: u64, count: u64, every: usize, at: usize) -> String {
    let mut buf = Vec::new();
    cba::batch::generate::write_grievances(&mut buf, seed, count).expect("generates");
    let mut records = String::new();
    for (i, line) in String::from_utf8(buf).expect("utf-8").lines().enumerate() {
        records.push_str(if i % every == at { "{\"broken\": " } else { line });
        records.push('\n');
    }
    records
}

/// Many chunks through several workers come out in input order, identical to
/// the sequential run; bad records among them keep their place.
#[test]
fn parallel_output_is_in_input_order() {
    let prog = program::program();
    let records = generated_with_broken(7, 1500, 497, 250);
    let (one, s1) = library_batch(&prog, &records, 1, None);
    for jobs in [2, 3] {
        let (many, s) = library_batch(&prog, &records, jobs, None);
        assert_eq!(s, s1);
        assert!(one == many, "--jobs {jobs} differs from --jobs 1");
    }
    assert_eq!(s1.ok + s1.failed, 1500);
    assert_eq!(s1.failed, 3, "{s1:?}");
    for (i, line) in one.lines().enumerate() {
        assert!(line.starts_with(&format!("{{\"record\":{},", i + 1)), "{line}");
    }
    // Every generated record answers every query of the module.
    assert!(one.lines().filter(|l| l.contains("\"errors\"")).count() == 0);
    // Stopping early stops at the same record however many workers run.
    let (stopped, s) = library_batch(&prog, &records, 2, Some(2));
    assert!(s.stopped && s.failed == 2);
    assert_eq!(stopped.lines().count(), 748);
    assert!(one.starts_with(&stopped));
}

/// The calling thread answers chunks too and writes everyone's in order
/// between its own: with chunks of one record (the window of chunks in flight
/// full all the time) and of a few, any number of workers writes what one
/// writes, and stops where one stops.
#[test]
fn tiny_chunks_through_many_workers_come_out_in_order() {
    let prog = program::program();
    let records = generated_with_broken(11, 400, 97, 40);
    for chunk_records in [1, 3] {
        for max_errors in [None, Some(3)] {
            let opts = |jobs| cba::batch::Options {
                queries: vec!["grievance.*".into()],
                jobs,
                max_errors,
                chunk_records,
                ..Default::default()
            };
            let (one, s1) = run_with(&prog, &records, &opts(1));
            for jobs in [2, 3, 4] {
                let (many, s) = run_with(&prog, &records, &opts(jobs));
                assert_eq!(s, s1, "chunks of {chunk_records}, --jobs {jobs}, {max_errors:?}");
                assert!(
                    one == many,
                    "chunks of {chunk_records}: --jobs {jobs} differs from --jobs 1"
                );
            }
            assert_eq!(s1.stopped, max_errors.is_some(), "{s1:?}");
        }
    }
}

/// The generator is deterministic and its records are valid fact files.
#[test]
fn generator_is_deterministic() {
    let mut a = String::new();
    let mut b = String::new();
    cba::batch::generate::grievance_record(&mut a, 1, 42);
    cba::batch::generate::grievance_record(&mut b, 1, 42);
    assert_eq!(a, b);
    assert!(cba::facts::parse_json(&a).is_ok(), "{a}");
    let mut c = String::new();
    cba::batch::generate::grievance_record(&mut c, 2, 42);
    assert_ne!(a, c);
}

/// A compact record with whitespace wherever JSON allows it (as a pretty
/// printer writes it, on one line).
fn spaced(line: &str) -> String {
    line.replace("\":", "\" :\t")
        .replace(",\"", ", \r\"")
        .replace('{', "{ ")
        .replace('}', "\n}")
}

/// Generated records, each changed in one of the ways real exports go wrong.
fn mutated_records(count: u64) -> String {
    let mut rng = cba::batch::generate::Rng::new(99);
    let mut out = String::new();
    for n in 1..=count {
        let mut line = String::new();
        cba::batch::generate::grievance_record(&mut line, 5, n);
        let swap = |l: &str, from: &str, to: &str| l.replacen(from, to, 1);
        let line = match rng.range(0, 16) {
            1 => {
                let at = rng.range(0, line.len() as i32 - 1) as usize;
                let mut l = line.clone();
                l.remove(at);
                l
            }
            2 => {
                let at = rng.range(0, line.len() as i32 - 1) as usize;
                let c = ['"', ',', '{', '}', '\\', ' ', '1', 'n', ':', '['][rng.range(0, 9) as usize];
                let mut l = line.clone();
                l.insert(at, c);
                l
            }
            3 => swap(&line, r#""received_on":""#, r#""received_on":"2025-02-30","x":""#),
            4 => swap(&line, r#""knew_on":"#, r#""knew_on":"2020-01-01","knew_on":"#),
            5 => swap(&line, r#""judge""#, r#""jud\u0067e""#),
            6 => swap(&line, r#""filed_by":""#, r#""filed_by":1,"y":""#),
            7 => swap(&line, r#""oral_on":""#, r#""oral_on":null,"z":""#),
            8 => swap(&line, r#""step2":{"#, r#""step2":5,"w":{"#),
            9 => swap(&line, "{", r#"{"calendar":{"closures":["2021-01-04","2022-03-01"]},"#),
            10 => swap(&line, r#""id":"G-"#, r#""id":12,"note":"G-"#),
            11 => swap(&line, r#""subject":"#, r#""continuing":"yes","subject":"#),
            12 => swap(&line, r#""step1":{"#, r#""step1":null,"v":{"#),
            13 => swap(&line, r#""as_of":"#, r#""as_of":null,"id":"#),
            14 => spaced(&line),
            15 => swap(&line, r#""method":"fax""#, r#""method":"faxes""#),
            16 => swap(&line, r#""knew_on":""#, r#""knew_on":"1"#),
            _ => line,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The fast JSON reader and the general one give the same output for any
/// record, good or bad (the fast one declines what it cannot read exactly).
#[test]
fn fast_and_general_readers_agree() {
    let prog = program::program();
    let mut records = mutated_records(1000);
    // `null` for facts with defaults (a flag, a step's method): their defaults.
    for n in 1..=20 {
        let mut line = String::new();
        cba::batch::generate::grievance_record(&mut line, 6, n);
        let nulls = r#""filed_by":"judge","continuing":null,"classification_reduces_grade_or_pay":null,"#;
        records.push_str(
            &line
                .replacen(r#""filed_by":"judge","#, nulls, 1)
                .replace(r#""method":"fax""#, r#""method":null"#),
        );
        records.push('\n');
    }
    let bad = root().join("tests/fixtures/batch/cases/jsonl-bad/input.jsonl");
    records.push_str(&String::from_utf8_lossy(&std::fs::read(bad).expect("fixture")));
    for queries in [vec!["grievance.*".to_string(), "duration.expiration".into()], vec![]] {
        let fast = cba::batch::Options {
            queries,
            ..Default::default()
        };
        let general = cba::batch::Options {
            direct: false,
            ..fast.clone()
        };
        let (a, sa) = run_with(&prog, &records, &fast);
        let (b, sb) = run_with(&prog, &records, &general);
        for (x, y) in a.lines().zip(b.lines()) {
            assert_eq!(x, y);
        }
        assert_eq!(sa, sb);
        assert!(sa.failed > 100 && sa.ok > 100, "{sa:?}");
    }
}

/// Each batch line answers what `cba eval` answers for the record alone, in
/// a fresh case: reusing one case (and keeping the constant rules) changes nothing.
#[test]
fn batch_answers_match_fresh_cases() {
    let prog = program::program();
    let mut records = mutated_records(300);
    records.push_str("{\"as_of\": \"2025-01-06\", \"calendar\": {\"closures\": [\"2025-01-09\"]}, \"grievance\": {\"filed_by\": \"employer\", \"knew_on\": \"2024-12-02\", \"subject\": \"retirement\"}}\n");
    let (out, _) = library_batch(&prog, &records, 1, None);
    let queries: Vec<cba::ir::RuleId> = prog
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.qualified.starts_with("grievance.") && r.params.is_none())
        .map(|(i, _)| cba::ir::RuleId::from_index(i))
        .collect();
    for (line, got) in records.lines().zip(out.lines()) {
        let Ok(root) = cba::facts::parse_json(line) else {
            continue;
        };
        let mut case = cba::eval::Case::new(&prog);
        let origin = cba::facts::load::Origin {
            name: "generated",
            text: line,
        };
        if cba::facts::load::fill_case(&mut case, &root, &origin).is_err() {
            continue;
        }
        for &q in &queries {
            let r = &prog.rules[q];
            let mut want = format!("\"{}\":", r.qualified);
            match case.rule(q) {
                Ok(v) => cba::eval::format::write_json(&mut want, &prog, &v, &r.ty),
                Err(_) => continue,
            }
            assert!(got.contains(&want), "{want} not in {got}");
        }
    }
    let constant = prog.case_independent();
    let is = |name: &str| constant[(prog.rule_index[name]).index()];
    assert!(is("grievance.excluded_subjects"));
    assert!(!is("grievance.grievable"));
    assert!(!is("grievance.step1_deadline"));
}

/// Answers are written without serde for the common scalars: the same bytes
/// serde_json writes for every kind of value and type.
#[test]
fn written_json_is_what_serde_writes() {
    use cba::eval::format::{JsonValue, write_json};
    use cba::eval::value::Value;
    use cba::types::{QUnit, Type};
    use rust_decimal::Decimal;
    let prog = program::program();
    let mut cases: Vec<(Value, Type)> = vec![
        (Value::None, Type::Optional(Box::new(Type::Date))),
        (Value::Bool(true), Type::Bool),
        (Value::Bool(false), Type::Optional(Box::new(Type::Bool))),
        (Value::Str("plain".into()), Type::String),
        (
            Value::Str("a \"quote\", a \\ and a\ttab\u{1}\u{8}\u{c}".into()),
            Type::String,
        ),
        (Value::Str("é – ünïcode".into()), Type::String),
    ];
    // The edges of the years written by table (1900–2199), and of years 0–9999.
    let ymd = |y, m, d| cba::eval::dates::from_ymd(y, m, d).expect("a date");
    let table_edges = [ymd(1900, 1, 1), ymd(2199, 12, 31)];
    for day in (-1_000_000..3_000_000)
        .step_by(997)
        .chain([-719_529, -719_528, 2_932_896, 2_932_897])
        .chain(table_edges.iter().flat_map(|&d| [d - 1, d, d + 1]))
    {
        cases.push((Value::Date(day), Type::Date));
    }
    for (e, info) in prog.enums.iter().enumerate() {
        for i in 0..info.external.len() {
            cases.push((Value::Enum(i as u32), Type::Enum(cba::ir::EnumId::from_index(e))));
        }
    }
    cases.push((Value::Enum(0), Type::Int));
    let numbers = [
        "0",
        "-0",
        "1",
        "-1",
        "12.5",
        "0.05",
        "-0.125",
        "1500",
        "1500.005",
        "123456789.25",
        "1e3",
    ];
    for n in numbers {
        let n: Decimal = n.parse().or_else(|_| Decimal::from_scientific(n)).expect("a number");
        for ty in [
            Type::Int,
            Type::Decimal,
            Type::Percent,
            Type::Qty(QUnit::Money),
            Type::Qty(QUnit::Hours),
            Type::Optional(Box::new(Type::Qty(QUnit::Money))),
        ] {
            cases.push((Value::Num(n), ty));
        }
    }
    for (v, ty) in &cases {
        let mut fast = String::from("x");
        write_json(&mut fast, &prog, v, ty);
        let serde = serde_json::to_string(&JsonValue::new(&prog, v, ty)).expect("serializes");
        assert_eq!(fast, format!("x{serde}"), "{v:?} as {ty:?}");
    }
}

/// The fast reader reads bytes with no UTF-8 pass of its own: a line that is
/// not UTF-8 anywhere (a string, a key, between members) gets the general
/// reader's message, and UTF-8 text in strings reads as before.
#[test]
fn lines_that_are_not_utf8_get_one_message() {
    let prog = program::program();
    let mut good = String::new();
    cba::batch::generate::grievance_record(&mut good, 3, 1);
    let mut lines: Vec<Vec<u8>> = vec![good.clone().into_bytes()];
    for (from, to) in [
        ("\"G-", &b"\"G-\xff"[..]),
        ("\"as_of\":\"", b"\"as_of\":\"\xc3"),
        ("\"knew_on\"", b"\"knew\xe2\x82_on\""),
        ("{", b"\xef\xbb{"),
        (",", b" \xa0,"),
        ("\"G-", "\"G-é–".as_bytes()),
    ] {
        let (a, b) = good.split_once(from).expect("in the record");
        lines.push([a.as_bytes(), to, b.as_bytes()].concat());
    }
    let input: Vec<u8> = lines.join(&b'\n');
    let run = |direct: bool| {
        let opts = cba::batch::Options {
            queries: vec!["grievance.step1_deadline".into()],
            direct,
            input_name: "bytes".into(),
            ..Default::default()
        };
        let input = cba::batch::input::Input::Jsonl {
            reader: Box::new(std::io::Cursor::new(input.clone())),
            name: "bytes".into(),
        };
        let mut out = Vec::new();
        let summary = cba::batch::run(&prog, input, &mut out, &opts, &mut |_, _| {}).expect("runs");
        (String::from_utf8(out).expect("utf-8"), summary)
    };
    let (fast, summary) = run(true);
    let (general, _) = run(false);
    assert_eq!(fast, general);
    let out: Vec<&str> = fast.lines().collect();
    assert_eq!(out.len(), 7, "{fast}");
    for (i, line) in out.iter().enumerate().skip(1).take(5) {
        assert_eq!(
            *line,
            format!(
                "{{\"record\":{},\"error\":\"bytes:{}: the line is not UTF-8 text\"}}",
                i + 1,
                i + 1
            )
        );
    }
    assert!(out[6].contains("\"id\":\"G-é–"), "{}", out[6]);
    assert_eq!((summary.ok, summary.failed), (2, 5));
}

/// A read error partway through the input (a failing disk, a broken pipe)
/// ends the run with its message once the chunks read before it are written:
/// the same lines and the same message with one job or several (where the
/// workers read the input in turn).
#[test]
fn a_read_error_ends_the_run_after_the_chunks_before_it() {
    /// The bytes, then an error instead of the end.
    struct FailsAtEnd(std::io::Cursor<Vec<u8>>);
    impl std::io::Read for FailsAtEnd {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("the disk went away")),
                n => Ok(n),
            }
        }
    }
    let prog = program::program();
    let mut records = Vec::new();
    cba::batch::generate::write_grievances(&mut records, 11, 1000).expect("generates");
    let mut outputs = Vec::new();
    for jobs in [1, 2, 3] {
        let input = cba::batch::input::Input::Jsonl {
            reader: Box::new(std::io::BufReader::new(FailsAtEnd(std::io::Cursor::new(
                records.clone(),
            )))),
            name: "failing".into(),
        };
        let opts = cba::batch::Options {
            queries: vec!["grievance.*".into()],
            jobs,
            chunk_records: 64,
            ..Default::default()
        };
        let mut out = Vec::new();
        let err = cba::batch::run(&prog, input, &mut out, &opts, &mut |_, _| {}).expect_err("the read fails");
        assert_eq!(err, "cannot read the input: the disk went away", "--jobs {jobs}");
        let out = String::from_utf8(out).expect("utf-8");
        // The chunk the error cut short is not answered; every one before it is.
        assert_eq!(out.lines().count(), 960, "--jobs {jobs}");
        outputs.push(out);
    }
    assert!(
        outputs.iter().all(|o| *o == outputs[0]),
        "the jobs wrote different lines"
    );
}

/// The fast reader reads a record with whitespace between its tokens (it
/// does not send it to the general reader), into the same facts as the
/// record written compactly.
#[test]
fn the_fast_reader_reads_spaced_records() {
    let prog = program::program();
    let reader = cba::facts::direct::DirectReader::new(&prog, "id");
    let mut scratch = cba::facts::direct::Scratch::default();
    for n in 1..=50 {
        let mut line = String::new();
        cba::batch::generate::grievance_record(&mut line, 3, n);
        let mut facts = Vec::new();
        for text in [line.clone(), spaced(&line)] {
            let mut case = cba::eval::Case::new(&prog);
            let mut id = None;
            assert!(
                reader.fill(&mut case, text.as_bytes(), "t", &mut scratch, &mut id),
                "declined: {text}"
            );
            let given: Vec<String> = case
                .given()
                .iter()
                .map(|f| format!("{f:?} {:?} {}", case.slot(*f), case.provided[f.index()]))
                .collect();
            facts.push((given, id));
        }
        assert_eq!(facts[0], facts[1], "{line}");
    }
}

/// `value` as compact JSON with each object's members in a random order.
fn shuffled_json(value: &serde_json::Value, rng: &mut cba::batch::generate::Rng) -> String {
    match value {
        serde_json::Value::Object(members) => {
            let mut members: Vec<_> = members.iter().collect();
            for i in (1..members.len()).rev() {
                members.swap(i, rng.range(0, i as i32) as usize);
            }
            let inner: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), shuffled_json(v, rng)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        v => v.to_string(),
    }
}

/// The fast reader expects each key to be the one that followed the key
/// before it in the records before (records of a batch list their keys
/// alike), and compares that one in place first. It is only a guess: records
/// whose members come in any order, read one after another with one reader
/// state, give the facts and id the same records give read alone.
#[test]
fn the_fast_reader_reads_keys_in_any_order() {
    let prog = program::program();
    let reader = cba::facts::direct::DirectReader::new(&prog, "id");
    let read = |text: &str, scratch: &mut cba::facts::direct::Scratch| {
        let mut case = cba::eval::Case::new(&prog);
        let mut id = None;
        assert!(
            reader.fill(&mut case, text.as_bytes(), "t", scratch, &mut id),
            "declined: {text}"
        );
        let mut given: Vec<String> = case
            .given()
            .iter()
            .map(|f| format!("{f:?} {:?} {}", case.slot(*f), case.provided[f.index()]))
            .collect();
        given.sort();
        (given, id)
    };
    let mut rng = cba::batch::generate::Rng::new(7);
    let mut shared = cba::facts::direct::Scratch::default();
    for n in 1..=300 {
        let mut line = String::new();
        cba::batch::generate::grievance_record(&mut line, 3, n);
        let value: serde_json::Value = serde_json::from_str(&line).expect("a generated record");
        // Now the generated order, now a shuffled one (numbers as serde
        // writes them in both).
        let text = if n % 3 == 0 {
            line.clone()
        } else {
            shuffled_json(&value, &mut rng)
        };
        let alone = if n % 3 == 0 { line.clone() } else { value.to_string() };
        let expected = read(&alone, &mut cba::facts::direct::Scratch::default());
        assert_eq!(read(&text, &mut shared), expected, "{text}");
    }
}
