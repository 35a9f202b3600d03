//! `ferrodis-server [/path/to/ferrodis.conf] [--directive value ...]`,
//! started like redis-server.

use std::path::PathBuf;

// mimalloc, counting allocated bytes for INFO used_memory (ffi::alloc).
#[global_allocator]
static GLOBAL: ferrodis_ffi::alloc::CountingMimalloc = ferrodis_ffi::alloc::CountingMimalloc;

fn usage() -> ! {
    eprintln!(
        "Usage: ./ferrodis-server [/path/to/ferrodis.conf] [options] [-]\n       ./ferrodis-server - (read config from stdin)\n       ./ferrodis-server -v or --version\n       ./ferrodis-server -h or --help\n\nExamples:\n       ./ferrodis-server (run the server with default conf)\n       ./ferrodis-server /etc/ferrodis/6379.conf\n       ./ferrodis-server --port 7777\n       ./ferrodis-server /etc/myferrodis.conf --loglevel verbose\n       ./ferrodis-server --save \"\" --appendonly no"
    );
    std::process::exit(1);
}

fn main() {
    // Return freed pages to the OS within ~100 ms instead of mimalloc's 10 s,
    // so RSS follows what the data takes (see ffi::mem::set_purge_delay).
    ferrodis_ffi::mem::set_purge_delay(100);
    // `disable-thp yes` is the default: turn transparent huge pages off before
    // the allocator maps its first arena (run_server applies the configured
    // value once the config is read).
    let _ = ferrodis_ffi::sys::set_thp_disabled(true);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(first) = args.first() {
        match first.as_str() {
            "-v" | "--version" => {
                println!(
                    "ferrodis server v={} sha={}:{} malloc=mimalloc bits=64 build={}",
                    ferrodis::config::REDIS_VERSION,
                    env!("FERRODIS_GIT_SHA1"),
                    env!("FERRODIS_GIT_DIRTY"),
                    env!("FERRODIS_BUILD_ID")
                );
                return;
            }
            "-h" | "--help" => usage(),
            _ => {}
        }
    }
    let (conf, rest) = match args.first() {
        Some(a) if !a.starts_with("--") => (Some(PathBuf::from(a)), &args[1..]),
        _ => (None, &args[..]),
    };
    let cfg = match ferrodis::config::load(conf.as_deref(), rest) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let conf_abs = conf.map(|p| std::fs::canonicalize(&p).unwrap_or(p));
    std::process::exit(ferrodis::server::run_server(cfg, conf_abs));
}
