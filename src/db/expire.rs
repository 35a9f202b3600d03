//! Active expiry (expire.c's activeExpireCycle).
//!
//! Keys with a TTL are also expired lazily on access (see keyspace.rs);
//! this cycle finds the ones nobody touches. Each db's expires table is
//! walked with a SCAN cursor (so every volatile key is eventually visited,
//! whatever the table does in between), 20 keys per round; a db gets another
//! round while more than 10% of the keys sampled were stale (Redis 7's
//! ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE at effort 1) and the time budget
//! lasts. The slow cycle runs from serverCron with 25% of a cron period; the
//! fast cycle from beforeSleep, at most 1 ms and not more often than every
//! 2 ms, only when the previous slow cycle hit its time limit or the stale
//! ratio is high.

use crate::server::Server;
use std::time::Instant;

/// ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP.
const KEYS_PER_LOOP: usize = 20;
/// ACTIVE_EXPIRE_CYCLE_FAST_DURATION in µs.
const FAST_DURATION_US: u64 = 1000;
/// ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
const SLOW_TIME_PERC: u64 = 25;
/// ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE.
const ACCEPTABLE_STALE: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Cycle {
    Slow,
    Fast,
}

#[derive(Default)]
pub struct ExpireState {
    pub timelimit_exit: bool,
    pub last_fast_cycle_us: i64,
    pub current_db: usize,
}

pub fn active_expire_cycle(srv: &mut Server, kind: Cycle) {
    let now_us = srv.now_us;
    if kind == Cycle::Fast {
        // Runs in every beforeSleep: the common "nothing to do" answer must
        // cost two field reads. Only when the last slow cycle ran out of
        // time or much is stale, and not more often than twice the fast
        // duration.
        let s = &mut srv.expire;
        if !s.timelimit_exit && srv.stats.expired_stale_perc < ACCEPTABLE_STALE as f64 / 100.0 {
            return;
        }
        if now_us < s.last_fast_cycle_us + 2 * FAST_DURATION_US as i64 {
            return;
        }
        s.last_fast_cycle_us = now_us;
    }
    if srv.dbs.iter().all(|d| d.expires.is_empty()) {
        return;
    }
    let budget_us = match kind {
        Cycle::Fast => FAST_DURATION_US,
        Cycle::Slow => 1_000_000 * SLOW_TIME_PERC / srv.hz.max(1) as u64 / 100,
    };
    let start = Instant::now();
    let ndbs = srv.dbs.len();
    let mut sampled_total = 0usize;
    let mut expired_total = 0usize;
    let mut timelimit_exit = false;
    let first_db = srv.expire.current_db;
    let mut keys: Vec<Box<[u8]>> = Vec::with_capacity(KEYS_PER_LOOP);
    'dbs: for k in 0..ndbs {
        let dbid = (first_db + k) % ndbs;
        srv.expire.current_db = (dbid + 1) % ndbs;
        loop {
            let now_ms = srv.now_ms;
            let db = &mut srv.dbs[dbid];
            if db.expires.is_empty() {
                break;
            }
            // One round: scan buckets until ~20 keys were sampled.
            keys.clear();
            let mut sampled = 0usize;
            let mut cursor = db.expires_cursor;
            let mut buckets = 0;
            loop {
                cursor = db.expires.scan(cursor, |k, &t| {
                    sampled += 1;
                    if t <= now_ms {
                        keys.push(k.clone());
                    }
                });
                buckets += 1;
                if cursor == 0 || sampled >= KEYS_PER_LOOP || buckets >= KEYS_PER_LOOP * 20 {
                    break;
                }
            }
            db.expires_cursor = cursor;
            let expired = keys.len();
            for key in keys.drain(..) {
                srv.delete_expired(dbid, &key);
            }
            sampled_total += sampled;
            expired_total += expired;
            if start.elapsed().as_micros() as u64 > budget_us {
                timelimit_exit = true;
                srv.stats.expired_time_cap_reached_count += 1;
                break 'dbs;
            }
            // Another round only while enough of this one was stale.
            if sampled == 0 || expired * 100 / sampled <= ACCEPTABLE_STALE || cursor == 0 {
                break;
            }
        }
    }
    srv.stats.expire_cycle_time_used_us += start.elapsed().as_micros() as u64;
    let perc = if sampled_total > 0 {
        expired_total as f64 / sampled_total as f64
    } else {
        0.0
    };
    srv.stats.expired_stale_perc = perc * 0.05 + srv.stats.expired_stale_perc * 0.95;
    srv.expire.timelimit_exit = timelimit_exit;
}
