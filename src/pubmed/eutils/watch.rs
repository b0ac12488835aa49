//! How long one run keeps waiting on an NCBI that sends nothing back, across every
//! request and retry.
//!
//! A per-request timeout alone lets a host that accepts connections and never answers
//! hold a run for timeout × attempts × requests. The watch bounds the run instead. A
//! clock starts when a request goes out while none of the run's earlier requests is
//! waiting; any bytes from NCBI (an answer's head or a piece of its body) restart it,
//! and a complete answer with nothing else out stops it. Failed attempts, backoff and
//! pacing do not stop it: only hearing from NCBI does. When the clock reaches the limit
//! every request still waiting is abandoned, and the watch gives NCBI up for the rest of
//! the run, so later requests fail at once instead of each waiting again. A request that
//! ends unreachable after its retries (connection refused, no such host) gives NCBI up
//! the same way.

use std::future::Future;
use std::pin::pin;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Why the run stopped asking NCBI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum GivenUp {
    /// Nothing came back for the whole limit.
    Silent(Duration),
    /// A request failed for good without reaching NCBI; its error says how.
    Unreachable(String),
}

impl std::fmt::Display for GivenUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GivenUp::Silent(limit) => write!(
                f,
                "NCBI sent nothing back for {} (--network-timeout)",
                humantime::format_duration(*limit)
            ),
            GivenUp::Unreachable(detail) => f.write_str(detail),
        }
    }
}

pub(super) struct HostWatch {
    limit: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Attempts out now.
    outstanding: usize,
    /// Since when NCBI has sent nothing while the run was trying to reach it.
    silent_since: Option<Instant>,
    given_up: Option<GivenUp>,
}

/// One attempt out: counted until dropped.
pub(super) struct Outstanding<'w> {
    watch: &'w HostWatch,
    answered: bool,
}

impl Outstanding<'_> {
    /// A whole answer arrived (whatever its status): NCBI is there.
    pub(super) fn answered(&mut self) {
        self.watch.heard();
        self.answered = true;
    }
}

impl Drop for Outstanding<'_> {
    fn drop(&mut self) {
        let mut state = self.watch.state();
        state.outstanding -= 1;
        // Idle time after a complete answer is not silence; after a failure it is, until
        // NCBI is heard from again.
        if state.outstanding == 0 && self.answered {
            state.silent_since = None;
        }
    }
}

impl HostWatch {
    pub(super) fn new(limit: Duration) -> Self {
        HostWatch {
            limit,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Why NCBI was given up on, once it has been.
    pub(super) fn given_up(&self) -> Option<GivenUp> {
        let mut state = self.state();
        if state.given_up.is_none()
            && let Some(since) = state.silent_since
            && since.elapsed() >= self.limit
        {
            state.given_up = Some(GivenUp::Silent(self.limit));
        }
        state.given_up.clone()
    }

    /// Gives NCBI up for the rest of the run (the first reason stays).
    pub(super) fn give_up(&self, why: GivenUp) {
        self.state().given_up.get_or_insert(why);
    }

    /// An attempt goes out.
    pub(super) fn begin(&self) -> Outstanding<'_> {
        let mut state = self.state();
        state.outstanding += 1;
        state.silent_since.get_or_insert_with(Instant::now);
        Outstanding {
            watch: self,
            answered: false,
        }
    }

    /// Some bytes came from NCBI.
    pub(super) fn heard(&self) {
        let mut state = self.state();
        if state.given_up.is_none() {
            state.silent_since = Some(Instant::now());
        }
    }

    /// When the run gives up if nothing more is heard.
    fn deadline(&self) -> Option<Instant> {
        self.state().silent_since.map(|since| since + self.limit)
    }

    /// Runs `attempt` (begun with [`Self::begin`]) until it ends, or until NCBI has been
    /// silent for the whole limit or was given up on by another request.
    pub(super) async fn watch<T>(&self, attempt: impl Future<Output = T>) -> Result<T, GivenUp> {
        let mut attempt = pin!(attempt);
        loop {
            if let Some(why) = self.given_up() {
                return Err(why);
            }
            let Some(deadline) = self.deadline() else {
                return Ok(attempt.await);
            };
            // Waking at the deadline, the attempt gives up only if nothing was heard in
            // the meantime (which moves the deadline on).
            if let Ok(done) = tokio::time::timeout_at(deadline, &mut attempt).await {
                return Ok(done);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Duration = Duration::from_millis(200);

    #[tokio::test]
    async fn silence_for_the_whole_limit_gives_ncbi_up_for_the_run() {
        let watch = HostWatch::new(LIMIT);
        let _out = watch.begin();
        let never = std::future::pending::<()>();
        assert_eq!(watch.watch(never).await, Err(GivenUp::Silent(LIMIT)));
        // Later requests fail at once, without a clock of their own.
        let _next = watch.begin();
        assert_eq!(watch.watch(async { 1 }).await, Err(GivenUp::Silent(LIMIT)));
    }

    #[tokio::test]
    async fn hearing_from_ncbi_restarts_the_clock() {
        let watch = HostWatch::new(LIMIT);
        let _out = watch.begin();
        // A body trickling in, a piece every half limit, for three limits in all.
        let trickle = async {
            for _ in 0..6 {
                tokio::time::sleep(LIMIT / 2).await;
                watch.heard();
            }
            "whole answer"
        };
        assert_eq!(watch.watch(trickle).await, Ok("whole answer"));
    }

    #[tokio::test]
    async fn failed_attempts_do_not_stop_the_clock_but_answers_do() {
        let watch = HostWatch::new(LIMIT);
        // Attempts that fail at once (connection refused), one after the other: the run
        // still gives up once the limit has passed without a word from NCBI.
        let started = Instant::now();
        while watch.given_up().is_none() {
            drop(watch.begin());
            tokio::time::sleep(LIMIT / 4).await;
        }
        assert!(started.elapsed() >= LIMIT);

        // After a whole answer, idle time is not silence.
        let watch = HostWatch::new(LIMIT);
        watch.begin().answered();
        tokio::time::sleep(LIMIT * 2).await;
        assert_eq!(watch.given_up(), None);
        let _out = watch.begin();
        assert_eq!(watch.watch(async { 2 }).await, Ok(2));
    }

    #[tokio::test]
    async fn one_request_giving_up_stops_the_others() {
        let watch = HostWatch::new(Duration::from_secs(3600));
        let _out = watch.begin();
        watch.give_up(GivenUp::Unreachable("connection refused".into()));
        let error = watch.watch(std::future::pending::<()>()).await.unwrap_err();
        assert_eq!(error.to_string(), "connection refused");
    }
}
