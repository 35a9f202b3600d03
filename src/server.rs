//! The server (server.c): global state, start-up, serverCron, beforeSleep /
//! afterSleep, shutdown.
//!
//! Threads: everything here runs on the main thread. `Server` is not `Send`
//! (it holds the event loop); other threads get only what is explicitly
//! handed to them (I/O-thread phases lend clients, bio jobs own what they
//! free, stats counters are per-thread atomics).
//!
//! The event loop calls back into `Server` through [`event::Handler`]. fds are
//! registered with a token: its high 32 bits say what the fd is (listener,
//! client, signalfd), the low bits an index.

use crate::cmd::CommandTable;
use crate::config::{Config, ConfigEnum};
use crate::db::Db;
use crate::event::{self, EventLoop, Handler};
use crate::net::client::Client;
use crate::stats::{SharedNet, Stats};
use ferrodis_ffi::signal::Signals;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const TOKEN_LISTENER: u64 = 1 << 32;
pub const TOKEN_CLIENT: u64 = 2 << 32;
pub const TOKEN_SIGNAL: u64 = 3 << 32;
pub const TOKEN_KIND: u64 = 0xffff_ffff << 32;

/// CONFIG_MIN_RESERVED_FDS: fds kept for listeners, logs, persistence.
pub const RESERVED_FDS: u64 = 32;

pub enum ListenerKind {
    Tcp(std::net::IpAddr, u16),
    Unix(String),
}

pub struct Listener {
    pub fd: OwnedFd,
    pub kind: ListenerKind,
}

/// SHUTDOWN's SAVE / NOSAVE choice (none: save when save points are set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShutdownSave {
    Default,
    Save,
    NoSave,
}

/// WATCH: (db, key) -> every client watching it.
pub type WatchedKeys =
    std::collections::HashMap<(usize, Box<[u8]>), Vec<crate::cmd::multi::Watcher>>;

pub struct Server {
    pub el: EventLoop,
    pub cfg: Config,
    pub config_file: Option<PathBuf>,
    pub dbs: Vec<Db>,
    pub commands: CommandTable,

    // --- clients ---
    /// Clients by fd (ae's events[] indexing). A client being run is taken
    /// out of its slot for the duration (see networking).
    pub clients: Vec<Option<Box<Client>>>,
    pub nclients: usize,
    pub next_client_id: u64,
    /// clients_pending_write: (fd, id) of clients with output to write in
    /// beforeSleep. The id guards against fd reuse.
    pub pending_write: Vec<(RawFd, u64)>,
    /// clients_to_close: freed in beforeSleep, never in the middle of a pass.
    pub close_queue: Vec<(RawFd, u64)>,
    /// (fd, id) of every connected client, in the order the client cron
    /// visits them (server.clients, rotated); freed clients' entries are
    /// dropped when the cron reaches them.
    pub client_ring: std::collections::VecDeque<(RawFd, u64)>,
    pub listeners: Vec<Listener>,
    pub signals: Signals,

    // --- time (the cached clock, updated once per pass in afterSleep) ---
    pub now_ms: i64,
    pub now_us: i64,
    pub lruclock: u32,
    pub start: Instant,
    pub start_ms: i64,
    pub cronloops: u64,
    pub hz: u32,

    // --- stats ---
    pub stats: Stats,
    pub net: SharedNet,
    pub dirty: u64,
    pub lastsave: i64,
    /// RDB persistence counters (INFO persistence).
    pub rdb: crate::rdb::Stats,

    // --- flags ---
    pub shutdown_asap: bool,
    pub active_expire_enabled: bool,
    pub rng: u64,

    // --- WATCH ---
    pub watched_keys: WatchedKeys,
    /// Set when the running client touched a key it watches itself.
    pub current_client: (RawFd, u64),
    pub current_dirty_cas: bool,

    // --- blocking operations (lists, sorted sets) ---
    pub blocked: crate::blocked::Blocked,

    pub cron_timer: u64,
    /// Active expire cycle state (expire.c's static variables).
    pub expire: crate::db::expire::ExpireState,

    /// Threaded I/O state (io_threads).
    pub io: crate::io_threads::IoThreads,
}

pub fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub fn unix_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// LRU_CLOCK_RESOLUTION is 1000 ms; 24 bits as in Redis.
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

impl Server {
    pub fn new(cfg: Config, config_file: Option<PathBuf>) -> std::io::Result<Server> {
        let setsize = (cfg.maxclients as usize) + RESERVED_FDS as usize + 96;
        let now_ms = unix_ms();
        let dbs = (0..cfg.databases.max(1) as usize).map(Db::new).collect();
        let seed = (now_ms as u64) ^ ((std::process::id() as u64) << 32) | 1;
        let hz = cfg.hz;
        Ok(Server {
            el: EventLoop::new(setsize)?,
            config_file,
            dbs,
            commands: CommandTable::new(),
            clients: Vec::new(),
            nclients: 0,
            next_client_id: 1,
            pending_write: Vec::new(),
            close_queue: Vec::new(),
            client_ring: Default::default(),
            listeners: Vec::new(),
            signals: Signals::new()?,
            now_ms,
            now_us: now_ms * 1000,
            lruclock: ((now_ms / 1000) as u32) & LRU_CLOCK_MAX,
            start: Instant::now(),
            start_ms: now_ms,
            cronloops: 0,
            hz,
            stats: Stats::default(),
            net: crate::stats::new_shared_net(1 + crate::io_threads::MAX_THREADS),
            dirty: 0,
            lastsave: now_ms / 1000,
            rdb: crate::rdb::Stats::default(),
            shutdown_asap: false,
            active_expire_enabled: true,
            rng: seed,
            watched_keys: Default::default(),
            current_client: (-1, 0),
            current_dirty_cas: false,
            blocked: Default::default(),
            cron_timer: 0,
            expire: Default::default(),
            io: Default::default(),
            cfg,
        })
    }

    /// Opens the listeners (listenToPort) and registers them, the signalfd
    /// and serverCron with the loop.
    pub fn listen(&mut self) -> Result<(), String> {
        self.listeners = crate::net::listen::open_tcp(&self.cfg)?;
        if !self.cfg.unixsocket.is_empty() {
            let path = self.cfg.unixsocket.clone();
            let fd = ferrodis_ffi::net::listen_unix(
                &path,
                self.cfg.unixsocketperm,
                self.cfg.tcp_backlog as i32,
            )
            .map_err(|e| format!("Failed opening Unix socket: {e}"))?;
            self.listeners.push(Listener {
                fd,
                kind: ListenerKind::Unix(path),
            });
        }
        if self.listeners.is_empty() {
            return Err("Configured to not listen anywhere, exiting.".into());
        }
        crate::net::listen::register(&mut self.el, &self.listeners)?;
        self.el
            .add(self.signals.as_fd(), event::READABLE, TOKEN_SIGNAL)
            .map_err(|e| format!("epoll_ctl on the signalfd failed: {e}"))?;
        self.cron_timer = self.el.add_timer(Duration::from_millis(1));
        Ok(())
    }

    /// Updates the cached clock (updateCachedTime).
    #[inline]
    pub fn update_cached_time(&mut self) {
        let us = unix_us();
        self.now_us = us;
        self.now_ms = us / 1000;
    }

    /// run_with_period(ms): true once every `ms` of cron time.
    fn every(&self, ms: u64) -> bool {
        let period = 1000 / self.hz.max(1) as u64;
        ms <= period || self.cronloops.is_multiple_of(ms / period)
    }

    /// serverCron: runs `hz` times a second.
    fn cron(&mut self) -> Duration {
        self.update_cached_time();
        self.lruclock = ((self.now_ms / 1000) as u32) & LRU_CLOCK_MAX;
        if self.every(100) {
            let now = self.now_ms;
            let (inp, out) = self.net_totals();
            self.stats.inst_ops.track(now, self.stats.numcommands);
            self.stats.inst_net_input.track(now, inp);
            self.stats.inst_net_output.track(now, out);
        }
        // Dynamic hz: more clients, more frequent cron, as Redis does.
        self.hz = self.cfg.hz;
        if self.cfg.dynamic_hz {
            while (self.nclients as u64) / (self.hz as u64) > 200 && self.hz < 500 {
                self.hz *= 2;
            }
        }
        self.clients_cron();
        self.databases_cron();
        crate::blocked::handle_timeouts(self);
        self.free_clients_in_close_queue();
        crate::bio::lazyfree::cron(self);
        crate::rdb::bgsave::cron(self);
        // cronUpdateMemoryStats: used_memory_peak follows used_memory.
        ferrodis_ffi::alloc::update_peak();
        if self.shutdown_asap {
            self.shutdown_on_signal();
        }
        self.cronloops += 1;
        Duration::from_millis(1000 / self.hz.max(1) as u64)
    }

    /// databasesCron: active expiry, then incremental rehashing and
    /// shrinking of the tables.
    fn databases_cron(&mut self) {
        if self.active_expire_enabled {
            crate::db::expire::active_expire_cycle(self, crate::db::expire::Cycle::Slow);
        }
        for db in &mut self.dbs {
            db.dict.shrink_if_needed();
            db.expires.shrink_if_needed();
        }
        if self.cfg.activerehashing {
            // 1 ms of rehashing per cron call, for the first db that needs
            // it (incrementallyRehash).
            for db in &mut self.dbs {
                if db.dict.is_rehashing() {
                    db.dict.rehash_for(Duration::from_millis(1));
                    break;
                }
                if db.expires.is_rehashing() {
                    db.expires.rehash_for(Duration::from_millis(1));
                    break;
                }
            }
        }
    }

    /// SIGTERM/SIGINT: shut down, or keep running when the final save
    /// failed (as Redis does).
    fn shutdown_on_signal(&mut self) {
        if self.prepare_for_shutdown(ShutdownSave::Default, false) {
            self.el.stop();
        } else {
            log::warn!(
                "SIGTERM received but errors trying to shut down the server, check the logs for more information"
            );
            self.shutdown_asap = false;
        }
    }

    pub fn net_totals(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.net.iter().fold((0, 0), |(i, o), c| {
            (
                i + c.input_bytes.load(Relaxed),
                o + c.output_bytes.load(Relaxed),
            )
        })
    }

    /// Saves when asked or when save points are configured (Redis 7.0's
    /// SHUTDOWN/SIGTERM), stops accepting, finishes pending replies where
    /// possible, removes the pid file and unix socket (prepareForShutdown).
    /// Returns false, leaving the server running, when the final save
    /// failed and `force` was not given.
    pub fn prepare_for_shutdown(&mut self, save: ShutdownSave, force: bool) -> bool {
        log::warn!("User requested shutdown...");
        if crate::rdb::bgsave::in_progress(self) {
            log::warn!("There is a child saving an .rdb. Killing it!");
            crate::rdb::bgsave::kill_child(self);
        }
        let wanted = match save {
            ShutdownSave::Default => !self.cfg.save.is_empty(),
            ShutdownSave::Save => true,
            ShutdownSave::NoSave => false,
        };
        if wanted {
            log::info!("Saving the final RDB snapshot before exiting.");
            if crate::rdb::save_dataset(self).is_err() {
                if force {
                    log::warn!("Error trying to save the DB. Exit anyway.");
                } else {
                    log::warn!("Error trying to save the DB, can't exit.");
                    log::warn!(
                        "Errors trying to shut down the server. Check the logs for more information."
                    );
                    return false;
                }
            }
        }
        for l in std::mem::take(&mut self.listeners) {
            self.el.forget(l.fd.as_fd());
            if let ListenerKind::Unix(p) = &l.kind {
                let _ = std::fs::remove_file(p);
            }
        }
        // Best effort: push out what clients are owed (e.g. SHUTDOWN's own
        // error reply is not sent, as in Redis; others get theirs).
        self.handle_clients_with_pending_writes();
        crate::bio::drain_on_shutdown();
        if !self.cfg.pidfile.is_empty() {
            let _ = std::fs::remove_file(&self.cfg.pidfile);
        }
        log::warn!("ferrodis is now ready to exit, bye bye...");
        true
    }
}

impl Handler for Server {
    #[inline]
    fn event_loop(&mut self) -> &mut EventLoop {
        &mut self.el
    }

    fn readable(&mut self, fd: RawFd, token: u64) {
        match token & TOKEN_KIND {
            TOKEN_CLIENT => self.read_query_from_client(fd),
            TOKEN_LISTENER => self.accept_handler((token & 0xffff_ffff) as usize),
            TOKEN_SIGNAL => {
                while let Some(sig) = self.signals.next_signal() {
                    let name = if sig == ferrodis_ffi::signal::SIGINT {
                        "SIGINT"
                    } else {
                        "SIGTERM"
                    };
                    log::warn!("Received {name} scheduling shutdown...");
                    self.shutdown_asap = true;
                    self.el.set_dont_wait();
                }
                // Shut down promptly, not on the next cron tick.
                if self.shutdown_asap {
                    self.shutdown_on_signal();
                }
            }
            _ => unreachable!("fd {fd} registered with unknown token {token:#x}"),
        }
    }

    fn writable(&mut self, fd: RawFd, token: u64) {
        if token & TOKEN_KIND == TOKEN_CLIENT {
            self.send_reply_to_client(fd);
        }
    }

    fn time_event(&mut self, id: u64) -> Option<Duration> {
        if id == self.cron_timer {
            Some(self.cron())
        } else {
            None
        }
    }

    /// beforeSleep: unblocked clients, pending reads (I/O threads), pending
    /// writes, the async free queue, and the fast expire cycle.
    fn before_sleep(&mut self) {
        crate::io_threads::handle_pending_reads(self);
        crate::blocked::process_unblocked(self);
        if self.active_expire_enabled {
            crate::db::expire::active_expire_cycle(self, crate::db::expire::Cycle::Fast);
        }
        crate::io_threads::handle_pending_writes(self);
        self.free_clients_in_close_queue();
    }

    /// afterSleep: refresh the cached clock once per pass.
    #[inline]
    fn after_sleep(&mut self) {
        self.update_cached_time();
    }
}

/// Start-up (main() of server.c after config loading): logging, daemonize,
/// pid file, fd limit, signals, listeners, supervision, then the loop.
/// Returns the process exit code.
pub fn run_server(cfg: Config, config_file: Option<PathBuf>) -> i32 {
    crate::log::init(cfg.loglevel.name(), &cfg.logfile);
    if let Err(e) = crate::affinity::check_config(&cfg) {
        eprintln!(
            "\n*** FATAL CONFIG FILE ERROR (Redis {}) ***\n{e}",
            crate::config::REDIS_VERSION
        );
        return 1;
    }
    if cfg.daemonize
        && let Err(e) = ferrodis_ffi::sys::daemonize()
    {
        eprintln!("Can't daemonize: {e}");
        return 1;
    }
    // main() already turned THP off before allocating (the default);
    // `disable-thp no` gives the system's setting back.
    if let Err(e) = ferrodis_ffi::sys::set_thp_disabled(cfg.disable_thp) {
        // Redis goes on too; only memory figures and fork latency suffer.
        log::warn!("WARNING: failed to set THP for this process: {e}");
    }
    if let Err(e) = std::env::set_current_dir(&cfg.dir) {
        log::warn!("Can't chdir to '{}': {e}", cfg.dir);
        return 1;
    }
    log::warn!("oO0OoO0OoO0Oo ferrodis is starting oO0OoO0OoO0Oo");
    log::warn!(
        "ferrodis version={}, bits=64, commit={}, modified={}, pid={}, just started",
        crate::config::REDIS_VERSION,
        env!("FERRODIS_GIT_SHA1"),
        env!("FERRODIS_GIT_DIRTY"),
        std::process::id()
    );
    match &config_file {
        Some(_) => log::warn!("Configuration loaded"),
        None => log::warn!(
            "Warning: no config file specified, using the default config. In order to specify a config file use ferrodis-server /path/to/ferrodis.conf"
        ),
    }
    let inert = cfg.without_effect();
    if !inert.is_empty() {
        log::warn!(
            "WARNING: these directives are set but have no effect yet (ferrodis does not implement their feature): {}",
            inert.join(", ")
        );
    }
    let want = cfg.maxclients as u64 + RESERVED_FDS;
    let got = ferrodis_ffi::sys::raise_nofile(want);
    let mut cfg = cfg;
    if got < want {
        let maxc = got.saturating_sub(RESERVED_FDS).max(1);
        log::warn!(
            "You requested maxclients of {} requiring at least {want} max file descriptors. Server can't set maximum open files to {want} because of OS error: Operation not permitted. Current maximum open files is {got}. maxclients has been reduced to {maxc} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
            cfg.maxclients
        );
        cfg.maxclients = maxc as u32;
    }
    if let Err(e) = ferrodis_ffi::signal::block_handled() {
        log::warn!("Can't set up signal handling: {e}");
        return 1;
    }
    let mut srv = match Server::new(cfg, config_file) {
        Ok(s) => s,
        Err(e) => {
            log::warn!("Failed creating the event loop. Error message: '{e}'");
            return 1;
        }
    };
    if !srv.cfg.pidfile.is_empty()
        && let Err(e) = std::fs::write(&srv.cfg.pidfile, format!("{}\n", std::process::id()))
    {
        log::warn!("Failed to write PID file: {e}");
    }
    crate::log::ascii_art(srv.cfg.always_show_logo, &srv.cfg.logfile, srv.cfg.port);
    crate::bio::init(&mut srv);
    crate::io_threads::init(&mut srv);
    log::info!("Server initialized");
    match crate::rdb::load_dataset(&mut srv, false) {
        Ok(()) => {}
        Err(crate::rdb::LoadError::Io(e)) => {
            log::warn!("Fatal error loading the DB: {e}. Exiting.");
            return 1;
        }
        Err(crate::rdb::LoadError::Corrupt { .. }) => {
            log::warn!("Terminating server after rdb file reading failure.");
            return 1;
        }
    }
    if let Err(e) = srv.listen() {
        log::warn!("{e}");
        return 1;
    }
    let ports: Vec<String> = srv
        .listeners
        .iter()
        .map(|l| match &l.kind {
            ListenerKind::Tcp(ip, p) => format!("{ip}:{p}"),
            ListenerKind::Unix(p) => p.clone(),
        })
        .collect();
    log::info!("Listening on {}", ports.join(", "));
    if srv.cfg.port > 0 {
        log::info!("Ready to accept connections tcp");
    }
    if !srv.cfg.unixsocket.is_empty() {
        log::info!("Ready to accept connections unix");
    }
    notify_supervisor(&srv);
    event::run(&mut srv);
    0
}

/// `supervised systemd|auto`: READY=1 and a STATUS line once listening.
fn notify_supervisor(srv: &Server) {
    let mode = srv.cfg.supervised.name();
    let under_systemd = std::env::var_os("NOTIFY_SOCKET").is_some();
    let wanted = match mode {
        "systemd" => true,
        "auto" => under_systemd,
        _ => false,
    };
    if !wanted {
        return;
    }
    if !under_systemd {
        log::warn!(
            "systemd supervision requested or auto-detected, but NOTIFY_SOCKET environment variable is not set!"
        );
        return;
    }
    let status = format!("Ready to accept connections on port {}", srv.cfg.port);
    match sd_notify::notify(&[
        sd_notify::NotifyState::Ready,
        sd_notify::NotifyState::Status(&status),
    ]) {
        Ok(()) => log::info!(
            "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit."
        ),
        Err(e) => log::warn!("Failed to notify systemd: {e}"),
    }
}
