//! The web workbench in a real browser: headless Chromium over WebDriver
//! (Debian's `chromium` and `chromium-driver`, installed by
//! `scripts/install-browser.sh`). Without them the test says it was skipped
//! and why — unless `CBA_REQUIRE_BROWSER=1` (set by `.ci/run`), when a missing
//! browser is a failure. With `CBA_SCREENSHOTS=DIR` it saves a screenshot of
//! each page there (`scripts/screenshots.sh` refreshes `docs/`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser and its driver, or why they cannot be used.
fn browser() -> Result<(PathBuf, PathBuf), String> {
    let driver = find_program(&["chromedriver"]).ok_or("`chromedriver` is not on PATH (Debian: chromium-driver)")?;
    let chrome = find_program(&["chromium", "chromium-browser", "google-chrome"])
        .ok_or("`chromium` is not on PATH (Debian: chromium)")?;
    Ok((driver, chrome))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for_port(port: u16, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Kills the driver when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server on a free loopback port, in its own thread; returns its address.
fn start_server() -> SocketAddr {
    let mut state = cba::web::State::builtin().expect("the Agreement loads");
    let files =
        cba::web::proposals::read_dir(Path::new("examples/proposals/2026-union")).expect("the example proposal");
    state.add_proposal("union-2026", files).expect("the proposal checks");
    let state = Arc::new(state);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
            let r = cba::web::serve(state, addr, |a| {
                let _ = tx.send(a);
            });
            if let Err(e) = r {
                eprintln!("server failed: {e}");
            }
        })
        .expect("a server thread");
    rx.recv_timeout(Duration::from_secs(30)).expect("the server starts")
}

async fn text_of(c: &Client, css: &str) -> String {
    let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
    // Waited for: a click's navigation may still be under way when it returns.
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on {url}: {e}"))
        .text()
        .await
        .expect("its text")
}

async fn screenshot(c: &Client, name: &str) {
    let Some(dir) = std::env::var_os("CBA_SCREENSHOTS") else {
        return;
    };
    let png = c.screenshot().await.expect("a screenshot");
    let path = Path::new(&dir).join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write `{}`: {e}", path.display()));
}

#[test]
fn the_workbench_in_a_real_browser() {
    let (driver, chrome) = match browser() {
        Ok(x) => x,
        Err(why) => {
            if std::env::var("CBA_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("CBA_REQUIRE_BROWSER=1 but the browser test cannot run: {why}; run scripts/install-browser.sh");
            }
            eprintln!("skipped the browser test: {why} (scripts/install-browser.sh installs them)");
            return;
        }
    };
    let port = free_port();
    let _driver = Driver(
        Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", driver.display())),
    );
    assert!(
        wait_for_port(port, Duration::from_secs(20)),
        "chromedriver did not start"
    );
    let server = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async move {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chrome,
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"],
            }),
        );
        let c = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        let result = scenario(&c, server).await;
        let _ = c.close().await;
        result
    });
}

async fn scenario(c: &Client, server: SocketAddr) {
    let base = format!("http://{server}");
    // The literate Agreement: the table of contents and the rules beside §6.A.
    c.goto(&format!("{base}/agreement")).await.expect("the Agreement");
    let toc = text_of(c, "nav.toc").await;
    assert!(toc.contains("Article 10 — Grievance Procedure"), "{toc}");
    screenshot(c, "agreement").await;
    // A rule page, and its citation back to the section with the quoted words marked.
    c.goto(&format!("{base}/rules/grievance.step2_deadline"))
        .await
        .expect("a rule page");
    let h1 = text_of(c, "h1").await;
    assert_eq!(h1, "grievance.step2_deadline");
    screenshot(c, "rule").await;
    c.find(Locator::Css("a.citation"))
        .await
        .expect("the citation link")
        .click()
        .await
        .expect("follow it");
    let url = c.current_url().await.expect("a url");
    assert_eq!(url.fragment(), Some("art10-6.A"), "{url}");
    let marked = text_of(c, "mark").await;
    assert!(marked.contains("received by the Regional Chief"), "{marked}");

    // What if: a grievance typed into the form.
    c.goto(&format!("{base}/whatif?module=grievance"))
        .await
        .expect("the what-if page");
    set(c, "f.as_of", "2025-03-31").await;
    set(c, "f.grievance.knew_on", "2024-10-01").await;
    set(c, "f.grievance.step1.received_on", "2024-10-28").await;
    set(c, "f.grievance.step1.answered_on", "2024-11-25").await;
    set(c, "f.grievance.step2.received_on", "2025-01-08").await;
    choose(c, "f.grievance.filed_by", "judge").await;
    choose(c, "f.grievance.step2.method", "mail").await;
    // Two closures, added with the list's button (and a third added and removed).
    for day in ["2024-12-24", "2025-01-09", "2025-07-04"] {
        click(c, "[data-fact=\"calendar.closures\"] button.add-item").await;
        c.execute(
            "const xs = document.querySelectorAll('[data-fact=\"calendar.closures\"] .item input'); xs[xs.length - 1].value = arguments[0];",
            vec![serde_json::json!(day)],
        )
        .await
        .expect("a closure typed");
    }
    click(
        c,
        "[data-fact=\"calendar.closures\"] .item:last-of-type button.remove-item",
    )
    .await;
    click(c, "button#ask").await;
    let answer = "[data-query=\"grievance.step2_deadline\"]";
    let value = text_of(c, &format!("{answer} .value")).await;
    assert_eq!(
        value, "2025-01-13",
        "Step Two's deadline, with the mail extension and both closures"
    );
    let cite = text_of(c, &format!("{answer} a.citation")).await;
    assert_eq!(cite, "Art. 10 §6.A");
    let url = c.current_url().await.expect("a url");
    assert!(
        url.as_str().contains("f.grievance.knew_on=2024-10-01"),
        "the case is in the URL: {url}"
    );
    assert!(
        !url.as_str().contains("2025-07-04"),
        "the removed closure is gone: {url}"
    );
    screenshot(c, "whatif").await;
    // What would change Step Two's timeliness: received a workday past the deadline.
    let flips = "[data-flips=\"grievance.step2_timely\"]";
    click(c, &format!("{flips} button.flip-ask")).await;
    let url = url_once(c, |u| u.contains("flip=")).await;
    assert!(url.contains("flip=grievance.step2_timely"), "{url}");
    assert_eq!(
        url.split_once('#').map(|(_, f)| f),
        Some("flips-grievance.step2_timely"),
        "{url}"
    );
    let later = text_of(
        c,
        &format!("{flips} tr[data-fact=\"grievance.step2.received_on\"] li.flip[data-change=\"later\"]"),
    )
    .await;
    assert!(
        later.starts_with("2025-01-14 (3 workdays, 6 days later) → false"),
        "{later}"
    );
    screenshot(c, "whatif-flips").await;
    click(c, &format!("{answer} a.citation")).await;
    let url = c.current_url().await.expect("a url");
    assert_eq!(url.fragment(), Some("art10-6.A"), "{url}");
    let section = text_of(c, "[id=\"art10-6.A\"]").await;
    assert!(section.starts_with("A. The grievance procedure"), "{section}");

    // Proposals: the changed rule count.
    c.goto(&format!("{base}/proposals")).await.expect("the proposals page");
    let count = text_of(c, "[data-proposal=\"union-2026\"] td.changed-count").await;
    assert_eq!(count, "3");
    screenshot(c, "proposals").await;
}

/// The page's URL once it satisfies `done` (a click's navigation may still be
/// under way when the click returns), or the last one seen after 10 s.
async fn url_once(c: &Client, done: impl Fn(&str) -> bool) -> String {
    let until = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let url = c.current_url().await.expect("a url").to_string();
        if done(&url) || std::time::Instant::now() > until {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
}

/// Types a value into an input (dates through script: their typed form depends on the locale).
async fn set(c: &Client, name: &str, value: &str) {
    c.execute(
        "const e = document.querySelector(`[name=\"${arguments[0]}\"]`); if (!e) throw new Error('no input ' + arguments[0]); e.value = arguments[1];",
        vec![serde_json::json!(name), serde_json::json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("cannot set `{name}`: {e}"));
}

/// Chooses an option of a select, as a person would.
async fn choose(c: &Client, name: &str, value: &str) {
    c.find(Locator::Css(&format!("select[name=\"{name}\"]")))
        .await
        .unwrap_or_else(|e| panic!("no select `{name}`: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("cannot choose `{value}` in `{name}`: {e}"));
}
