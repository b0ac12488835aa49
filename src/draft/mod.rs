//! Drafting a claims file from marketing copy (`claimaudit init --from PAGE`, and
//! `claimaudit check PAGE`): the page is read into blocks, claim-bearing sentences are
//! picked out with the citations that belong to them, and each gets a guessed kind and
//! English keywords. Everything drafted is marked `review: pending` until a person has
//! read it.

pub mod blocks;
pub mod read;
