//! Instructions per request under `valgrind --tool=callgrind`: a count that stays the same however
//! busy the machine is. For each vendor, the mock and the bare-hyper floor each answer the
//! vendor's connect on one keep-alive connection, and the mock also serves whole flows (the
//! connect, then every hop of the redirect flow with `decision=approve`).
//!
//! Each figure is the difference of two runs of a fresh server under callgrind, one with
//! [`WARM`] requests and one with [`WARM`] + [`MEASURED`]: start-up, warm-up and shutdown cancel
//! out, and what is left, divided by [`MEASURED`], is one request's instructions (the server's
//! threads together, the kernel's work not counted).

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use social_connect_mock::{MockVendor, OWNER_KEY, samples};

use crate::procs::{Proc, start_banner_server};
use crate::{Bench, Result};

/// Requests before the measured ones (the runtime, caches and maps settle).
const WARM: usize = 200;
/// Requests (or flows) measured.
const MEASURED: usize = 1000;

/// One vendor's figures, in instructions per request (or per flow).
#[derive(Debug)]
pub(crate) struct Instructions {
    pub(crate) vendor: MockVendor,
    pub(crate) mock_connect: Result<f64>,
    pub(crate) floor_connect: Result<f64>,
    pub(crate) mock_flow: Result<f64>,
    /// The `--baseline-mock` build's connect, measured in the same run.
    pub(crate) baseline_connect: Option<Result<f64>>,
    /// Requests in one whole flow (the connect and its hops).
    pub(crate) flow_requests: usize,
}

impl Instructions {
    pub(crate) fn ratio(&self) -> Option<f64> {
        match (&self.mock_connect, &self.floor_connect) {
            (Ok(m), Ok(f)) if *f > 0.0 => Some(m / f),
            _ => None,
        }
    }
}

/// A server to measure: how to start it.
#[derive(Clone, Copy)]
enum Server<'a> {
    Mock(&'a Path),
    Floor(&'a Path),
}

/// What each measured run sends.
#[derive(Clone, Copy)]
enum Work {
    Connect,
    Flow,
}

impl Bench {
    pub(crate) fn instructions(&self, routes: &Path) -> Result<Vec<Instructions>> {
        if !crate::procs::on_path("valgrind") {
            return Err("valgrind is not installed (Debian's package `valgrind`)".to_owned());
        }
        let floor = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut out = Vec::new();
        for &v in &self.vendors {
            eprintln!("bench: instructions, {} …", v.name());
            let per = |server, work| self.per_request(server, v, work, routes);
            let flow_requests = self.flow_requests(v).unwrap_or(0);
            out.push(Instructions {
                vendor: v,
                mock_connect: per(Server::Mock(&self.mock_bin), Work::Connect),
                floor_connect: per(Server::Floor(&floor), Work::Connect),
                mock_flow: per(Server::Mock(&self.mock_bin), Work::Flow),
                baseline_connect: self
                    .args
                    .baseline_mock
                    .as_deref()
                    .map(|old| per(Server::Mock(old), Work::Connect)),
                flow_requests,
            });
        }
        Ok(out)
    }

    /// Instructions per request (or flow): two runs, their difference.
    fn per_request(
        &self,
        server: Server<'_>,
        v: MockVendor,
        work: Work,
        routes: &Path,
    ) -> Result<f64> {
        let short = self.callgrind_total(server, v, work, WARM, routes)?;
        let long = self.callgrind_total(server, v, work, WARM + MEASURED, routes)?;
        Ok(long.saturating_sub(short) as f64 / MEASURED as f64)
    }

    /// The instructions a fresh server under callgrind executes, start to stop, answering `n`.
    fn callgrind_total(
        &self,
        server: Server<'_>,
        v: MockVendor,
        work: Work,
        n: usize,
        routes: &Path,
    ) -> Result<u64> {
        let out_file = self.work.join(format!("callgrind-{}.out", v.slug()));
        let _ = std::fs::remove_file(&out_file);
        let mut cmd = Command::new("valgrind");
        cmd.arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()));
        let name = match server {
            Server::Mock(bin) => {
                cmd.arg(bin).args(["--port", "0"]);
                "mock under callgrind"
            }
            Server::Floor(bin) => {
                cmd.arg(bin).arg("--serve-floor").arg(routes);
                "floor under callgrind"
            }
        };
        let log = self.work.join(format!("callgrind-{}.log", v.slug()));
        let (mut proc, origin) = start_banner_server(name, cmd, &log)?;
        let addr = origin.trim_start_matches("http://").to_owned();
        let sent = match work {
            Work::Connect => keep_alive_connects(&addr, v, n),
            Work::Flow => (0..n).try_for_each(|_| flow(&addr, v).map(|_| ())),
        };
        stop(&mut proc)?;
        sent?;
        total_of(&out_file)
    }

    /// How many requests one whole flow of `v` takes against the mock (outside callgrind).
    fn flow_requests(&self, v: MockVendor) -> Result<usize> {
        let (_mock, origin) = self.start_mock("flow-count")?;
        flow(origin.trim_start_matches("http://"), v)
    }
}

/// SIGTERM, then waits (callgrind writes its file as the process ends) up to a minute.
fn stop(proc: &mut Proc) -> Result<()> {
    let _ = Command::new("kill")
        .args(["-TERM", &proc.child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if proc.exited() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{} did not stop within a minute", proc.name))
}

/// The `summary:` (all events) line of a callgrind output file: total instructions.
fn total_of(file: &PathBuf) -> Result<u64> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("summary:"))
        .or_else(|| text.lines().find_map(|l| l.strip_prefix("totals:")))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("{}: no summary line", file.display()))
}

/// The vendor's connect request, as bytes on the wire.
fn connect_request(v: MockVendor) -> Vec<u8> {
    let sample = samples::connect(v);
    let (name, value) = sample.auth(OWNER_KEY);
    format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\n{name}: {value}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{}",
        sample.target(),
        sample.body.len(),
        sample.body
    )
    .into_bytes()
}

/// Sends `n` connects on one keep-alive connection, each answer read whole.
fn keep_alive_connects(addr: &str, v: MockVendor, n: usize) -> Result<()> {
    let mut conn = Conn::open(addr)?;
    let request = connect_request(v);
    for _ in 0..n {
        let (status, _, _) = conn.send(&request)?;
        if !(200..300).contains(&status) {
            return Err(format!("{} connect answered {status}", v.name()));
        }
    }
    Ok(())
}

/// One whole flow on one keep-alive connection: the connect, then each hop of its link (with
/// `decision=approve`) while the mock redirects to itself, then an admin reset, so that the
/// next flow can connect the same account again (Postbreeze takes one per platform). The
/// requests it took, the reset included.
fn flow(addr: &str, v: MockVendor) -> Result<usize> {
    let mut conn = Conn::open(addr)?;
    let requests = flow_on(&mut conn, addr, v)?;
    let reset = format!(
        "POST /__admin/reset HTTP/1.1\r\nHost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: 0\r\n\r\n"
    );
    let (status, _, _) = conn.send(reset.as_bytes())?;
    if status != 200 {
        return Err(format!("the reset answered {status}"));
    }
    Ok(requests + 1)
}

fn flow_on(conn: &mut Conn, addr: &str, v: MockVendor) -> Result<usize> {
    let (status, _, body) = conn.send(&connect_request(v))?;
    if !(200..300).contains(&status) {
        return Err(format!("{} connect answered {status}", v.name()));
    }
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let link = json
        .pointer(samples::connect(v).link)
        .and_then(serde_json::Value::as_str)
        .ok_or("no link in the connect's answer")?;
    let origin = format!("http://{addr}");
    let mut target = format!(
        "{}&decision=approve",
        link.strip_prefix(&origin).ok_or("a link off the mock")?
    );
    let mut requests = 1;
    loop {
        let get = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        let (status, location, _) = conn.send(get.as_bytes())?;
        requests += 1;
        match (status, location) {
            (302 | 303, Some(next)) => match next.strip_prefix(&origin) {
                Some(path) => target = path.to_owned(),
                // Sent off the mock, to the app: the flow is done.
                None => return Ok(requests),
            },
            (200, _) => return Ok(requests),
            (other, _) => return Err(format!("{} flow hop answered {other}", v.name())),
        }
    }
}

/// A keep-alive HTTP/1.1 connection that reads each answer by its `Content-Length`.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn open(addr: &str) -> Result<Self> {
        let stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        Ok(Self {
            stream,
            buf: Vec::new(),
        })
    }

    /// Sends `request`; the answer's status, `Location` and body.
    fn send(&mut self, request: &[u8]) -> Result<(u16, Option<String>, Vec<u8>)> {
        self.stream.write_all(request).map_err(|e| e.to_string())?;
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            self.fill()?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or("no status line")?;
        let header = |name: &str| {
            head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
        };
        let len: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while self.buf.len() < head_end + len {
            self.fill()?;
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        Ok((status, header("location"), body))
    }

    fn fill(&mut self) -> Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the server closed the connection".to_owned());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}
