//! Answers of this run, and the questions still being answered.
//!
//! Each question (a PMID, a search, a citation match) is answered at most once per run:
//! the first asker leads and works the answer out; anyone asking the same while it is
//! in flight waits for that answer instead of asking again. No lock is held while an
//! answer is being worked out, so different questions proceed side by side.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;

/// The run's memory for one kind of question.
pub(crate) struct InFlight<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
}

enum Slot<V> {
    Done(V),
    /// Being answered; the receiver sees the answer when the leader publishes it.
    Pending(watch::Receiver<Option<V>>),
}

/// What asking a question came to.
pub(crate) enum Claim<'a, K: Eq + Hash + Clone, V: Clone> {
    /// Answered earlier in this run.
    Done(V),
    /// Someone else is answering it: wait with [`InFlight::wait`].
    Wait(watch::Receiver<Option<V>>),
    /// Ours to answer: publish the answer with [`Leader::publish`].
    Lead(Leader<'a, K, V>),
}

/// The duty to answer one question. Dropping it unanswered (the asking task was
/// cancelled) frees the question for the next asker.
pub(crate) struct Leader<'a, K: Eq + Hash + Clone, V: Clone> {
    memory: &'a InFlight<K, V>,
    key: K,
    sender: Option<watch::Sender<Option<V>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> InFlight<K, V> {
    pub(crate) fn new() -> Self {
        InFlight {
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn claim(&self, key: &K) -> Claim<'_, K, V> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        match slots.get(key) {
            Some(Slot::Done(value)) => Claim::Done(value.clone()),
            Some(Slot::Pending(receiver)) => Claim::Wait(receiver.clone()),
            None => {
                let (sender, receiver) = watch::channel(None);
                slots.insert(key.clone(), Slot::Pending(receiver));
                Claim::Lead(Leader {
                    memory: self,
                    key: key.clone(),
                    sender: Some(sender),
                })
            }
        }
    }

    /// The answer to `key`: from memory, by waiting for its leader, or by `answer`
    /// when this caller leads.
    pub(crate) async fn get_or_answer<F, Fut>(&self, key: &K, answer: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let mut answer = Some(answer);
        loop {
            match self.claim(key) {
                Claim::Done(value) => return value,
                Claim::Wait(receiver) => {
                    if let Some(value) = wait(receiver).await {
                        return value;
                    }
                }
                Claim::Lead(leader) => {
                    let answer = answer.take().expect("a caller leads at most once");
                    let value = answer().await;
                    leader.publish(value.clone());
                    return value;
                }
            }
        }
    }
}

/// Waits for a leader's answer; `None` when the leader gave up (ask again).
pub(crate) async fn wait<V: Clone>(mut receiver: watch::Receiver<Option<V>>) -> Option<V> {
    let answered = receiver.wait_for(Option::is_some).await.ok()?;
    answered.clone()
}

impl<K: Eq + Hash + Clone, V: Clone> Leader<'_, K, V> {
    pub(crate) fn key(&self) -> &K {
        &self.key
    }

    /// Records the answer for the rest of the run and wakes everyone waiting for it.
    pub(crate) fn publish(mut self, value: V) {
        let mut slots = self
            .memory
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        slots.insert(self.key.clone(), Slot::Done(value.clone()));
        drop(slots);
        if let Some(sender) = self.sender.take() {
            sender.send_replace(Some(value));
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Drop for Leader<'_, K, V> {
    fn drop(&mut self) {
        if self.sender.is_some() {
            let mut slots = self
                .memory
                .slots
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            slots.remove(&self.key);
            // The sender drops with `self`: waiters see the channel close and ask again.
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn concurrent_askers_share_one_answer() {
        let memory: InFlight<u32, u32> = InFlight::new();
        let calls = AtomicUsize::new(0);
        let answer = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            7
        };
        let (a, b, c) = tokio::join!(
            memory.get_or_answer(&1, answer),
            memory.get_or_answer(&1, answer),
            memory.get_or_answer(&1, answer)
        );
        assert_eq!((a, b, c), (7, 7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(memory.get_or_answer(&1, answer).await, 7);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "remembered for the run");
    }

    #[tokio::test]
    async fn a_leader_that_gives_up_frees_the_question() {
        let memory: InFlight<u32, u32> = InFlight::new();
        let Claim::Lead(leader) = memory.claim(&1) else {
            panic!("the first asker leads");
        };
        let Claim::Wait(receiver) = memory.claim(&1) else {
            panic!("the second asker waits");
        };
        drop(leader);
        assert_eq!(wait(receiver).await, None);
        assert!(matches!(memory.claim(&1), Claim::Lead(_)));
    }
}
