//! CPU pinning: the server on one half of the CPUs and wrk on the other (`taskset -c`).

use std::process::Command;

use crate::Bench;
use crate::procs::on_path;

/// Where the servers and the load generator run: CPU lists for `taskset -c`.
#[derive(Debug, Clone)]
pub(crate) struct Pin {
    pub(crate) server: String,
    pub(crate) load: String,
    pub(crate) load_cpus: u32,
}

impl Pin {
    /// The first half of the CPUs for the server, the rest for wrk; `None` on one CPU or
    /// without `taskset`.
    pub(crate) fn detect() -> Option<Self> {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        if n < 2 || !on_path("taskset") {
            return None;
        }
        let half = n / 2;
        let list = |from: u32, to: u32| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        };
        Some(Self {
            server: list(0, half - 1),
            load: list(half, n - 1),
            load_cpus: n - half,
        })
    }
}

impl Bench {
    /// `program` under `taskset -c <server CPUs>` while the load runs are pinned.
    pub(crate) fn server_command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        match &self.pin {
            Some(pin) if self.pinned.get() => {
                let mut cmd = Command::new("taskset");
                cmd.args(["-c", &pin.server]).arg(program);
                cmd
            }
            _ => Command::new(program),
        }
    }

    /// wrk, under `taskset -c <load CPUs>` with at most one thread per CPU while pinned.
    pub(crate) fn wrk_command(&self) -> (Command, u32) {
        match &self.pin {
            Some(pin) if self.pinned.get() => {
                let mut cmd = Command::new("taskset");
                cmd.args(["-c", &pin.load, "wrk"]);
                (cmd, self.args.threads.min(pin.load_cpus))
            }
            _ => (Command::new("wrk"), self.args.threads),
        }
    }
}
