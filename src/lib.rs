//! claimaudit checks health and beauty marketing claims against PubMed.
//!
//! # Architecture
//!
//! The audit is a pipeline; each stage is a module, and [`audit::audit`] runs them in
//! order:
//!
//! ```text
//! claims ─▶ citations ─▶ resolve ──────────────▶ judge ─▶ policy ─▶ report
//!                          │   ▲
//!                          ▼   │ records
//!                     pubmed::PubmedSource
//!            (CachedSource over E-utilities, offline, or memory)
//! ```
//!
//! - [`claims`]: loads and validates `claims.yaml`, every problem with line and column.
//! - [`citation`]: what a claim cites, read once into a [`citation::Citation`]
//!   (identifiers via [`ids`], the one place that knows every PMID/DOI/PMCID spelling).
//! - [`resolve`]: each citation to the record it means, or ambiguous / not found / not
//!   checked, through typed questions to a [`pubmed::PubmedSource`].
//! - [`pubmed`]: records ([`pubmed::record`], read from XML by [`pubmed::xml`]), the
//!   source seam and its implementations ([`pubmed::eutils`] over HTTP, offline,
//!   [`pubmed::memory`]), and the cache in front of them ([`pubmed::cached`]).
//! - [`judge`]: what each record is as [`judge::evidence`], and each claim's verdict;
//!   raises [`findings`] without levels.
//! - [`policy`]: gives every finding its level and waiver status, in one place.
//! - [`report`]: the report model and one formatter per output format (plus the
//!   outputs of `show` and `resolve`).
//!
//! Shared: [`text`] (the one normalisation for comparing words and names), [`progress`]
//! (how long runs report progress) and [`exit`] (the exit codes). The command line lives
//! in the binary (`src/main.rs`, `src/cli/`): parsing arguments, printing, exit codes.
//! The library never prints.

#![warn(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod macros;

pub mod audit;
pub mod citation;
pub mod claims;
pub mod draft;
pub mod exit;
pub mod findings;
pub mod ids;
pub mod judge;
pub mod lint;
pub mod policy;
pub mod progress;
pub mod pubmed;
pub mod report;
pub mod resolve;
pub mod text;
pub mod yaml;
