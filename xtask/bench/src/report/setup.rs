//! The report's first lines: the command that reproduces the run, and where and how it ran.

use std::fmt::Write as _;
use std::time::Duration;

use crate::Bench;
use crate::procs::first_line;

impl Bench {
    /// The command of this run: `cargo xtask bench` and the options that differ from the defaults.
    fn command_line(&self) -> String {
        let a = &self.args;
        let mut command = String::from("cargo xtask bench");
        if a.duration != 10 {
            let _ = write!(command, " --duration {}", a.duration);
        }
        if a.warmup != 3 {
            let _ = write!(command, " --warmup {}", a.warmup);
        }
        if a.connections != 50 {
            let _ = write!(command, " --connections {}", a.connections);
        }
        if a.flow_workers != 16 {
            let _ = write!(command, " --flow-workers {}", a.flow_workers);
        }
        if a.with_builds {
            command.push_str(" --with-builds");
        }
        if let Some(n) = a.soak {
            let _ = write!(command, " --soak {n}");
        }
        if !a.vendors.is_empty() {
            let _ = write!(command, " --vendors {}", a.vendors.join(","));
        }
        if a.no_prism {
            command.push_str(" --no-prism");
        }
        if a.no_criterion {
            command.push_str(" --no-criterion");
        }
        if a.no_pin {
            command.push_str(" --no-pin");
        }
        if let Some(b) = &a.baseline_mock {
            let _ = write!(command, " --baseline-mock {}", b.display());
        }
        if !a.only.is_empty() {
            let _ = write!(command, " --only {}", a.only.join(","));
        }
        command
    }

    /// rustc, wrk, Prism and node, as they name themselves.
    fn versions(&self) -> String {
        format!(
            "{}; {}; Prism {}; node {}",
            first_line("rustc", &["-V"]).unwrap_or_else(|| "rustc ?".to_owned()),
            first_line("wrk", &["-v"])
                .map(|l| l.split(" [").next().unwrap_or(&l).to_owned())
                .unwrap_or_else(|| "wrk ?".to_owned()),
            if self.prism_bin.is_file() {
                first_line(&self.prism_bin.to_string_lossy(), &["--version"])
                    .unwrap_or_else(|| "?".to_owned())
            } else {
                "not installed".to_owned()
            },
            first_line("node", &["--version"]).unwrap_or_else(|| "?".to_owned()),
        )
    }

    /// The command, then a table of the date, the machine, its load, the versions, the load
    /// generator's settings, the CPU split and the run's notes.
    pub(super) fn report_setup(
        &self,
        md: &mut String,
        (load_start, load_end): (&str, &str),
        elapsed: Duration,
    ) {
        let a = &self.args;
        let command = self.command_line();
        let _ = writeln!(
            md,
            "Command: `{command}` (took {:.0} s).\n",
            elapsed.as_secs_f64()
        );
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| date | {} |", now_utc());
        let _ = writeln!(md, "| machine | {} |", machine());
        let _ = writeln!(
            md,
            "| load average (1/5/15 min) at start / end | {load_start} / {load_end} |"
        );
        let _ = writeln!(md, "| versions | {} |", self.versions());
        let _ = writeln!(
            md,
            "| load | `wrk -t{} -c{} -d{}s --latency` after a {} s warm-up, POST with the vendor's JSON body and key, each server a fresh process |",
            self.pin
                .as_ref()
                .map_or(a.threads, |p| a.threads.min(p.load_cpus)),
            a.connections,
            a.duration,
            a.warmup
        );
        let _ = match &self.pin {
            Some(p) => writeln!(
                md,
                "| CPUs | main table: server on CPU {} and wrk on CPU {} (`taskset -c`), so that neither takes CPU time from the other; the mock and the floor again with every CPU shared (wrk -t{}) in the second table |",
                p.server, p.load, a.threads
            ),
            None => writeln!(
                md,
                "| CPUs | servers and wrk share every CPU (`--no-pin`, or one CPU, or no `taskset`) |"
            ),
        };
        for note in &self.notes {
            let _ = writeln!(md, "| note | {note} |");
        }
    }
}

fn now_utc() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| "?".to_owned())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cpus} CPUs (nproc), {model}, {:.1} GB RAM, Linux {}",
        mem_kb as f64 / 1024.0 / 1024.0,
        kernel.trim()
    )
}
