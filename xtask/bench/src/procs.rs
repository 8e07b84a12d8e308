//! Processes: every process started here is held by a guard that kills it when dropped, so
//! errors and panics (which unwind) end them too; the servers' banners, ports and memory.

use std::io::{BufRead as _, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

#[derive(Debug)]
pub(crate) struct Proc {
    pub(crate) name: String,
    pub(crate) child: Child,
    /// Kept open so that the process never writes into a closed pipe.
    pub(crate) _stdout: Option<BufReader<ChildStdout>>,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `kB` field of `/proc/<pid>/status` (VmRSS, VmHWM), in kB.
    fn status_kb(&self, field: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
    }

    pub(crate) fn rss_kb(&self) -> Option<u64> {
        self.status_kb("VmRSS")
    }

    pub(crate) fn hwm_kb(&self) -> Option<u64> {
        self.status_kb("VmHWM")
    }

    pub(crate) fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited() {
            return;
        }
        // SIGTERM first (lets the mock finish cleanly), SIGKILL after a grace period.
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if self.exited() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("bench: {} did not stop on SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a server that prints `… listening on http://127.0.0.1:PORT` as its first line.
pub(crate) fn start_banner_server(
    name: &str,
    mut cmd: Command,
    log: &Path,
) -> Result<(Proc, String)> {
    let stderr = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let stdout = child.stdout.take();
    let mut proc = Proc {
        name: name.to_owned(),
        child,
        _stdout: None,
    };
    let Some(stdout) = stdout else {
        return Err(format!("{name}: no stdout"));
    };
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader
        .read_line(&mut first)
        .map_err(|e| format!("{name}: {e}"))?;
    proc._stdout = Some(reader);
    let origin = first
        .split_once("listening on ")
        .map(|(_, url)| url.trim().trim_end_matches('/').to_owned())
        .filter(|u| u.starts_with("http://127.0.0.1:"))
        .ok_or_else(|| {
            format!(
                "{name} did not print its address (first line {first:?}; see {})",
                log.display()
            )
        })?;
    Ok((proc, origin))
}

pub(crate) fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("local_addr: {e}"))
}

pub(crate) fn wait_for_port(proc: &mut Proc, port: u16, timeout: Duration) -> Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + timeout;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if proc.exited() {
            return Err(format!("{} exited before listening", proc.name));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{} did not listen within {} s",
                proc.name,
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs a command to completion, output captured; the first line of stdout (or stderr).
pub(crate) fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_owned())
}

pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
