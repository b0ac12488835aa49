//! One request pace for every claimaudit process of a user on this machine.
//!
//! NCBI counts requests per IP address, so two CI jobs, a shell loop of `resolve` calls
//! or two audits with different cache directories must share one budget. The budget
//! lives in a small file in a per-user state directory ([`shared_state_dir`]) holding
//! the earliest time the next request may start. A process takes the file lock, reserves
//! the next free slot (at least one interval after the previous one), moves the mark
//! forward and lets go, then sleeps until its slot. Requests are thus spaced evenly
//! instead of bursting into NCBI's 429 answers.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use thiserror::Error;

/// The pacing state file, in the state directory.
pub const STATE_FILE: &str = "eutils-pace";
/// Names the state directory, overriding the usual per-user one.
pub const STATE_DIR_VAR: &str = "CLAIMAUDIT_STATE_DIR";
/// Spacing factor over the nominal interval.
const SAFETY_MARGIN: f64 = 1.05;
/// A wake-up this much later than the slot moves the following slots back too.
const LATE: Duration = Duration::from_millis(5);

/// The directory that holds the pacing state of this user's runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDir {
    pub path: PathBuf,
    /// Why the usual directory was passed over for the temporary-directory fallback;
    /// `None` when the usual one (or the chosen one) is used.
    pub fallback_reason: Option<String>,
}

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StateDirError {
    /// The directory `CLAIMAUDIT_STATE_DIR` names cannot hold the state. No fallback:
    /// runs meant to share a pace must not quietly each keep their own.
    #[error(
        "cannot use {path} ({STATE_DIR_VAR}) as the state directory for request pacing: \
         {cause}; set {STATE_DIR_VAR} to a directory you can write"
    )]
    Chosen { path: PathBuf, cause: io::Error },
    #[error(
        "no state directory for request pacing can be used ({tried}); set {STATE_DIR_VAR} to \
         a directory you can write"
    )]
    NoneUsable { tried: String },
}

/// The state directory runs share their request pace through, created when missing:
/// `$CLAIMAUDIT_STATE_DIR`, else `$XDG_STATE_HOME/claimaudit`, else
/// `~/.local/state/claimaudit`; when that cannot be created or written (a read-only
/// home), `claimaudit-state-<user>` in the temporary directory, with the reason.
pub fn shared_state_dir() -> Result<StateDir, StateDirError> {
    locate_state_dir(|name| std::env::var_os(name), &std::env::temp_dir())
}

/// [`shared_state_dir`] with the environment and the temporary directory given, so it
/// can be tested without touching the real ones.
fn locate_state_dir(
    var: impl Fn(&str) -> Option<OsString>,
    temp_dir: &Path,
) -> Result<StateDir, StateDirError> {
    let set = |name: &str| {
        var(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if let Some(chosen) = set(STATE_DIR_VAR) {
        return match make_state_dir(&chosen) {
            Ok(()) => Ok(StateDir {
                path: chosen,
                fallback_reason: None,
            }),
            Err(cause) => Err(StateDirError::Chosen {
                path: chosen,
                cause,
            }),
        };
    }
    // The XDG base directory specification ignores relative paths, and so does this.
    let usual = set("XDG_STATE_HOME")
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("claimaudit"))
        .or_else(|| {
            set("HOME")
                .filter(|dir| dir.is_absolute())
                .map(|home| home.join(".local/state/claimaudit"))
        });
    let mut failures = Vec::new();
    if let Some(usual) = usual {
        match make_state_dir(&usual) {
            Ok(()) => {
                return Ok(StateDir {
                    path: usual,
                    fallback_reason: None,
                });
            }
            Err(e) => failures.push(format!("{}: {e}", usual.display())),
        }
    }
    let fallback = temp_dir.join(format!("claimaudit-state-{}", user_name(&var)));
    match make_state_dir(&fallback) {
        Ok(()) => Ok(StateDir {
            path: fallback,
            fallback_reason: (!failures.is_empty()).then(|| failures.join("; ")),
        }),
        Err(e) => {
            failures.push(format!("{}: {e}", fallback.display()));
            Err(StateDirError::NoneUsable {
                tried: failures.join("; "),
            })
        }
    }
}

/// Creates `dir` (private to the user where that can be said) and checks the pacing
/// file in it can be opened for writing.
fn make_state_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    open_state_file(&dir.join(STATE_FILE)).map(drop)
}

fn open_state_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// The user's name for the fallback directory, kept to characters safe in a file name;
/// the user id when no name is set.
fn user_name(var: &impl Fn(&str) -> Option<OsString>) -> String {
    let named = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|name| var(name))
        .map(|name| {
            name.to_string_lossy()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect::<String>()
        })
        .find(|name| !name.is_empty() && name.chars().any(|c| c != '.'));
    named.unwrap_or_else(user_id)
}

#[cfg(unix)]
fn user_id() -> String {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's user (Linux); elsewhere there is no name.
    fs::metadata("/proc/self").map_or_else(|_| "user".into(), |m| format!("uid{}", m.uid()))
}

#[cfg(not(unix))]
fn user_id() -> String {
    "user".into()
}

#[derive(Debug, Clone)]
pub struct RateLimiter {
    path: PathBuf,
    interval: Duration,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests per second across all processes whose
    /// state directory is `state_dir` (created when missing; see [`shared_state_dir`]).
    /// Slots are spaced 5% wider than `1/per_second`, so a request that leaves a little
    /// late (a busy machine wakes a sleeper late) still keeps the next second within
    /// NCBI's count.
    pub fn new(state_dir: &Path, per_second: f64) -> io::Result<Self> {
        fs::create_dir_all(state_dir)?;
        let path = state_dir.join(STATE_FILE);
        // Opened once now, so a state directory that refuses it fails the run at the
        // start rather than at its first request.
        open_state_file(&path)?;
        Ok(RateLimiter {
            path,
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
        let mut file = open_state_file(&self.path)?;
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
        assert!(dir.path().join(STATE_FILE).is_file());
    }

    /// An environment of these variables only.
    fn env(vars: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_os_str().to_owned()))
            .collect();
        move |name| {
            vars.iter()
                .find(|(set, _)| set == name)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn the_state_directory_is_the_chosen_one_then_xdg_then_home() {
        let root = tempfile::tempdir().unwrap();
        let (chosen, xdg, home, temp) = (
            root.path().join("chosen"),
            root.path().join("xdg"),
            root.path().join("home"),
            root.path().join("tmp"),
        );
        let all = [
            (STATE_DIR_VAR, chosen.as_path()),
            ("XDG_STATE_HOME", &xdg),
            ("HOME", &home),
        ];
        let found = locate_state_dir(env(&all), &temp).unwrap();
        assert_eq!(found.path, chosen);
        assert_eq!(found.fallback_reason, None);
        assert!(
            chosen.join(STATE_FILE).is_file(),
            "created, with the pace file"
        );

        let found = locate_state_dir(env(&all[1..]), &temp).unwrap();
        assert_eq!(found.path, xdg.join("claimaudit"));
        // A relative XDG_STATE_HOME is ignored, as the specification says.
        let relative = [("XDG_STATE_HOME", Path::new("state")), ("HOME", &home)];
        let found = locate_state_dir(env(&relative), &temp).unwrap();
        assert_eq!(found.path, home.join(".local/state/claimaudit"));
        assert!(!temp.exists(), "no fallback was needed");
    }

    #[test]
    fn an_unusable_home_falls_back_to_a_temporary_directory_named_for_the_user() {
        let root = tempfile::tempdir().unwrap();
        // A file where the home directory should be: unusable even for root.
        let home = root.path().join("home");
        fs::write(&home, "not a directory").unwrap();
        let temp = root.path().join("tmp");
        let vars = [("HOME", home.as_path()), ("USER", Path::new("ada/../x"))];
        let found = locate_state_dir(env(&vars), &temp).unwrap();
        assert_eq!(found.path, temp.join("claimaudit-state-ada..x"));
        let reason = found.fallback_reason.expect("the reason is given");
        assert!(reason.contains(&home.display().to_string()), "{reason}");
        // With no home at all, the fallback is simply where the state lives.
        let found = locate_state_dir(env(&[("USER", Path::new("ada"))]), &temp).unwrap();
        assert_eq!(found.path, temp.join("claimaudit-state-ada"));
        assert_eq!(found.fallback_reason, None);
    }

    #[test]
    fn an_unusable_chosen_directory_is_an_error_naming_the_variable() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("file");
        fs::write(&file, "").unwrap();
        let vars = [(STATE_DIR_VAR, file.as_path()), ("HOME", root.path())];
        let error = locate_state_dir(env(&vars), root.path()).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(STATE_DIR_VAR) && message.contains(&file.display().to_string()),
            "{message}"
        );
        // Nothing usable at all: every place tried is named.
        let vars = [("HOME", file.as_path()), ("USER", Path::new("ada"))];
        let message = locate_state_dir(env(&vars), &file).unwrap_err().to_string();
        assert!(message.contains(".local/state/claimaudit"), "{message}");
        assert!(message.contains("claimaudit-state-ada"), "{message}");
    }
}
