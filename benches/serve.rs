//! Load benchmark of `cba serve` on loopback: requests per second and p50/p99
//! latency of `POST /api/eval` on one grievance case, and of the what-if page's
//! answer round trip (`GET /whatif?…` with the case in the URL).
//!
//!     cargo bench --bench serve                    # 5 s a scenario, 32 connections
//!     CBA_BENCH_SECS=10 CBA_BENCH_CONNS=64 cargo bench --bench serve
//!
//! The server runs in this process on its own multi-threaded runtime (one worker
//! a core); the client is a minimal HTTP/1.1 keep-alive client on one thread.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const GRIEVANCE: &str = include_str!("../examples/facts/grievance.json");

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn start_server() -> SocketAddr {
    let state = Arc::new(cba::web::State::builtin().expect("the Agreement loads"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
        if let Err(e) = cba::web::serve(state, addr, |a| {
            let _ = tx.send(a);
        }) {
            eprintln!("server failed: {e}");
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("the server starts")
}

/// Reads one response (headers, then `Content-Length` bytes); returns its status.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status: u16 = head.get(9..12).and_then(|x| x.parse().ok()).unwrap_or(0);
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(status);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

struct Outcome {
    latencies_us: Vec<u32>,
    errors: usize,
    elapsed: Duration,
}

async fn run(addr: SocketAddr, request: Arc<Vec<u8>>, conns: usize, secs: u64) -> Outcome {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let request = Arc::clone(&request);
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut s = TcpStream::connect(addr).await.expect("connect");
            s.set_nodelay(true).ok();
            let mut buf = Vec::with_capacity(64 * 1024);
            while Instant::now() < deadline {
                let t = Instant::now();
                if s.write_all(&request).await.is_err() {
                    errors += 1;
                    break;
                }
                match read_response(&mut s, &mut buf).await {
                    Ok(200) => lat.push(t.elapsed().as_micros() as u32),
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (lat, errors)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("a client task");
        latencies_us.extend(l);
        errors += e;
    }
    Outcome {
        latencies_us,
        errors,
        elapsed: start.elapsed(),
    }
}

fn report(name: &str, mut o: Outcome) {
    o.latencies_us.sort_unstable();
    let n = o.latencies_us.len();
    let pct = |p: f64| -> f64 {
        if n == 0 {
            return 0.0;
        }
        o.latencies_us[((n as f64 * p) as usize).min(n - 1)] as f64 / 1000.0
    };
    println!(
        "{name:<28} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({n} ok, {} errors, {:.1} s)",
        n as f64 / o.elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        o.errors,
        o.elapsed.as_secs_f64()
    );
}

/// Where one `/api/eval` request's time goes outside HTTP: each step of the
/// handler alone, on this thread, averaged over many rounds.
fn split(body: &str) {
    use std::hint::black_box;
    let st = cba::web::State::builtin().expect("the Agreement loads");
    let rounds = env_num("CBA_BENCH_ROUNDS", 3000) as u32;
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..rounds {
            f();
        }
        t.elapsed().as_secs_f64() * 1e6 / rounds as f64
    };
    let parse = time(&mut || {
        black_box(serde_json::from_str::<cba::web::api::EvalRequest>(body).expect("a request"));
    });
    let req: cba::web::api::EvalRequest = serde_json::from_str(body).expect("a request");
    let facts = time(&mut || {
        black_box(st.engine.facts_from_json(&req.facts).expect("facts"));
    });
    let f = st.engine.facts_from_json(&req.facts).expect("facts");
    let select = time(&mut || {
        black_box(st.engine.select(&req.queries, &f).expect("queries"));
    });
    let queries = st.engine.select(&req.queries, &f).expect("queries");
    let mode = cba::api::ExplainMode::Off;
    let eval = time(&mut || {
        black_box(st.engine.evaluate(&f, &queries, mode));
    });
    let ev = st.engine.evaluate(&f, &queries, mode);
    let json = time(&mut || {
        black_box(ev.to_json());
    });
    println!(
        "one /api/eval request outside HTTP: parse {parse:.1} µs, facts {facts:.1} µs, queries {select:.1} µs, evaluation {eval:.1} µs, answer JSON {json:.1} µs ({} answers)",
        ev.answers.len()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not build us to run.
    let secs = env_num("CBA_BENCH_SECS", 5);
    let conns = env_num("CBA_BENCH_CONNS", 32) as usize;
    let addr = start_server();
    let facts: serde_json::Value = serde_json::from_str(GRIEVANCE).expect("the example parses");
    let body = serde_json::json!({ "facts": facts, "queries": ["grievance.*"] }).to_string();
    let eval = format!(
        "POST /api/eval HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    split(&body);
    let whatif_path = format!(
        "/whatif?module=grievance&case={}",
        cba::web::html::url_encode(&facts.to_string())
    );
    let whatif = format!("GET {whatif_path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a client runtime");
    println!(
        "cba serve on {addr}: {} cores, {conns} connections, {secs} s a scenario",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    client.block_on(async {
        // Warm up.
        let _ = run(addr, Arc::new(eval.clone().into_bytes()), conns, 1).await;
        report(
            "POST /api/eval (grievance)",
            run(addr, Arc::new(eval.into_bytes()), conns, secs).await,
        );
        report(
            "GET /whatif (answer page)",
            run(addr, Arc::new(whatif.into_bytes()), conns, secs).await,
        );
    });
}
