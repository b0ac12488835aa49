//! One request pace for every claimaudit process that shares a cache directory.
//!
//! NCBI counts requests per IP address, so two CI jobs or a shell loop of `resolve`
//! calls must share one budget. The budget lives in a small file in the cache directory
//! holding the earliest time the next request may start. A process takes the file lock,
//! reserves the next free slot (at least one interval after the previous one), moves the
//! mark forward and lets go, then sleeps until its slot. Requests are thus spaced evenly
//! instead of bursting into NCBI's 429 answers.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The state file, under `<cache-dir>/.state/`; that folder carries its own
/// `.gitignore` so the pacing state is never committed with the cache.
const STATE_FILE: &str = "eutils-pace";
/// Spacing factor over the nominal interval.
const SAFETY_MARGIN: f64 = 1.05;
/// A wake-up this much later than the slot moves the following slots back too.
const LATE: Duration = Duration::from_millis(5);

#[derive(Debug, Clone)]
pub struct RateLimiter {
    path: PathBuf,
    interval: Duration,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests per second across all processes using
    /// `cache_dir`. Slots are spaced 5% wider than `1/per_second`, so a request that
    /// leaves a little late (a busy machine wakes a sleeper late) still keeps the next
    /// second within NCBI's count.
    pub fn new(cache_dir: &Path, per_second: f64) -> io::Result<Self> {
        let dir = crate::pubmed::cache::ensure_state_dir(cache_dir)?;
        Ok(RateLimiter {
            path: dir.join(STATE_FILE),
            interval: Duration::from_secs_f64(SAFETY_MARGIN / per_second.max(super::MIN_RATE)),
        })
    }

    /// Waits until this process may send its next request.
    pub async fn acquire(&self) -> io::Result<()> {
        let limiter = self.clone();
        let reserving = limiter.clone();
        let wait = tokio::task::spawn_blocking(move || reserving.reserve_slot())
            .await
            .map_err(io::Error::other)??;
        let slot = SystemTime::now() + wait;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        // Woken late: the next request must still be a full interval after this one.
        let now = SystemTime::now();
        if now.duration_since(slot).is_ok_and(|late| late > LATE) {
            let next = nanos(now) + limiter.interval.as_nanos();
            tokio::task::spawn_blocking(move || limiter.update(|mark| mark.max(next)))
                .await
                .map_err(io::Error::other)??;
        }
        Ok(())
    }

    /// Keeps every process from sending before `until` (after a 429, or when NCBI says
    /// no requests remain in this second). The file lock is taken off the async thread,
    /// as in [`RateLimiter::acquire`].
    pub async fn hold_off_until(&self, until: SystemTime) -> io::Result<()> {
        let limiter = self.clone();
        tokio::task::spawn_blocking(move || limiter.update(|next| next.max(nanos(until))))
            .await
            .map_err(io::Error::other)??;
        Ok(())
    }

    /// Reserves the next slot; returns how long to wait for it.
    fn reserve_slot(&self) -> io::Result<Duration> {
        let now = nanos(SystemTime::now());
        let interval = self.interval.as_nanos();
        let slot = self.update(|next| next.max(now) + interval)? - interval;
        Ok(Duration::from_nanos(
            u64::try_from(slot.saturating_sub(now)).unwrap_or(u64::MAX),
        ))
    }

    /// Replaces the stored "next slot" under the file lock; returns the new value.
    fn update(&self, change: impl FnOnce(u128) -> u128) -> io::Result<u128> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)?;
        file.lock()?;
        let result = (|| {
            let current = read_mark(&mut file)?;
            let next = change(current);
            file.seek(SeekFrom::Start(0))?;
            file.set_len(0)?;
            write!(file, "{next}")?;
            Ok(next)
        })();
        let _ = file.unlock();
        result
    }
}

/// The stored mark; an empty or damaged file counts as "no request yet".
fn read_mark(file: &mut File) -> io::Result<u128> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_string(&mut text)?;
    Ok(text.trim().parse().unwrap_or(0))
}

fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_slots_are_one_interval_apart() {
        let dir = tempfile::tempdir().unwrap();
        let limiter = RateLimiter::new(dir.path(), 4.0).unwrap();
        // Each reservation leaves the next free slot in the file: read it back, so the
        // spacing is checked exactly, however slowly a busy machine runs the calls.
        let reserve = || {
            let wait = limiter.reserve_slot().unwrap();
            (wait, limiter.update(|next| next).unwrap())
        };
        let (first, after_first) = reserve();
        let (second, after_second) = reserve();
        let (third, after_third) = reserve();
        // 250 ms, widened by the 5% margin.
        let interval = Duration::from_micros(262_500).as_nanos();
        assert_eq!(after_second - after_first, interval);
        assert_eq!(after_third - after_second, interval);
        // Waits count from when each call ran: no more than the slots ahead of it.
        assert!(first < Duration::from_millis(5));
        assert!(second > first && second <= Duration::from_millis(263));
        assert!(third > second && third <= Duration::from_millis(525));
    }

    #[test]
    fn two_limiters_on_one_directory_share_the_pace() {
        let dir = tempfile::tempdir().unwrap();
        let a = RateLimiter::new(dir.path(), 2.0).unwrap();
        let b = RateLimiter::new(dir.path(), 2.0).unwrap();
        a.reserve_slot().unwrap();
        assert!(b.reserve_slot().unwrap() >= Duration::from_millis(490));
    }

    #[tokio::test]
    async fn hold_off_pushes_the_next_slot() {
        let dir = tempfile::tempdir().unwrap();
        let limiter = RateLimiter::new(dir.path(), 10.0).unwrap();
        limiter
            .hold_off_until(SystemTime::now() + Duration::from_secs(2))
            .await
            .unwrap();
        assert!(limiter.reserve_slot().unwrap() >= Duration::from_millis(1900));
        assert!(dir.path().join(".state/.gitignore").is_file());
    }
}
