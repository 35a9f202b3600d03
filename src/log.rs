//! The server log in Redis's line format:
//! `<pid>:<role> <dd> <Mon> <yyyy> <HH:MM:SS.mmm> <level> <message>`, level
//! marks `.` debug, `-` verbose, `*` notice, `#` warning; role `M` for the
//! main process (we have no replicas or forked children yet).
//!
//! Redis's levels map onto `log`'s: debug→Trace, verbose→Debug,
//! notice→Info, warning→Warn. Lines go to `logfile` (appended, opened per
//! line like Redis so log rotation works) or stdout when it is empty.
//! Times are UTC (Redis prints local time; servers run in UTC here and this
//! avoids reading the time-zone database at run time).

use log::{Level, LevelFilter, Log, Metadata, Record};
use std::io::Write;
use std::sync::Mutex;

struct Logger {
    file: Mutex<Option<String>>,
}

static LOGGER: Logger = Logger {
    file: Mutex::new(None),
};

/// Set in a forked child (BGSAVE): its log lines carry Redis's `C` role
/// mark instead of `M`. Written once, by the child's only thread.
static IS_CHILD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_child() {
    IS_CHILD.store(true, std::sync::atomic::Ordering::Relaxed);
}

pub fn init(level: &str, file: &str) {
    let _ = log::set_logger(&LOGGER);
    set_level(level);
    set_file(file);
}

pub fn set_level(level: &str) {
    log::set_max_level(match level {
        "debug" => LevelFilter::Trace,
        "verbose" => LevelFilter::Debug,
        "notice" => LevelFilter::Info,
        "warning" => LevelFilter::Warn,
        "nothing" => LevelFilter::Off,
        _ => LevelFilter::Info,
    });
}

pub fn set_file(file: &str) {
    if let Ok(mut f) = LOGGER.file.lock() {
        *f = if file.is_empty() {
            None
        } else {
            Some(file.to_string())
        };
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic
/// Gregorian (Howard Hinnant's civil_from_days).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn format_time(unix_ms: i64) -> String {
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86400));
    let sod = secs.rem_euclid(86400);
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        d,
        MON[(m - 1) as usize],
        y,
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        ms
    )
}

impl Log for Logger {
    fn enabled(&self, m: &Metadata) -> bool {
        m.level() <= log::max_level()
    }

    fn log(&self, r: &Record) {
        if !self.enabled(r.metadata()) {
            return;
        }
        let mark = match r.level() {
            Level::Trace => '.',
            Level::Debug => '-',
            Level::Info => '*',
            Level::Warn | Level::Error => '#',
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let line = format!(
            "{}:{} {} {} {}\n",
            std::process::id(),
            if IS_CHILD.load(std::sync::atomic::Ordering::Relaxed) {
                'C'
            } else {
                'M'
            },
            format_time(now),
            mark,
            r.args()
        );
        self.write_out(&line);
    }

    fn flush(&self) {}
}

impl Logger {
    fn write_out(&self, line: &str) {
        let path = self.file.lock().ok().and_then(|f| f.clone());
        match path {
            Some(p) => {
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&p)
                {
                    let _ = f.write_all(line.as_bytes());
                }
            }
            None => {
                let _ = std::io::stdout().lock().write_all(line.as_bytes());
            }
        }
    }
}

/// Redis `redisAsciiArt`, at notice level: with `always-show-logo yes`, or
/// when logging to a terminal, a logo written raw (no line prefix) that
/// carries the lines tools look for (`Port: <port>`, `PID: <pid>`);
/// otherwise the one-line `Running mode=standalone, port=<port>.` notice.
/// The art is ferrodis's own.
pub fn ascii_art(always_show_logo: bool, logfile: &str, port: u16) {
    use std::io::IsTerminal;
    if !log::log_enabled!(Level::Info) {
        return;
    }
    let show = always_show_logo || (logfile.is_empty() && std::io::stdout().is_terminal());
    if !show {
        log::info!("Running mode=standalone, port={port}.");
        return;
    }
    let info = [
        format!(
            "ferrodis {} ({}/{}) 64 bit",
            crate::config::REDIS_VERSION,
            env!("FERRODIS_GIT_SHA1"),
            env!("FERRODIS_GIT_DIRTY")
        ),
        String::new(),
        "Running in standalone mode".to_string(),
        format!("Port: {port}"),
        format!("PID: {}", std::process::id()),
        String::new(),
        "compatible with Redis 7.0".to_string(),
    ];
    let art = [
        r"      .----------.      ",
        r"     /  ferrodis  \     ",
        r"    |  ==========  |    ",
        r"    |  |  Fe  26|  |    ",
        r"    |  |  55.845|  |    ",
        r"    |  ==========  |    ",
        r"     \____________/     ",
    ];
    let mut out = String::from("\n");
    for (a, i) in art.iter().zip(info.iter()) {
        out.push_str(a);
        out.push_str("   ");
        out.push_str(i);
        out.push('\n');
    }
    out.push('\n');
    LOGGER.write_out(&out);
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20413), (2025, 11, 21));
        assert_eq!(super::format_time(0), "01 Jan 1970 00:00:00.000");
    }
}
