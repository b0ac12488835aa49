//! claimaudit checks health and beauty marketing claims against PubMed.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`pubmed_xml`] reads PubMed XML (efetch answers) into [`record::Record`]s;
//! 2. [`cache`] keeps those records on disk, one reviewable file each, and [`import`]
//!    loads efetch files into it;
//! 3. [`evidence`] says what each record is as evidence (design, population, level) and
//!    which warnings it carries (retracted, erratum, ...);
//! 4. [`format`] renders records for people (table) and programs (JSON);
//! 5. [`cli`] is the command line over all of it, with the [`exit`] codes.

pub mod cache;
pub mod citation;
pub mod claims;
pub mod cli;
pub mod eutils;
pub mod evidence;
pub mod exit;
pub mod format;
pub mod import;
pub mod lookup;
pub mod policy;
pub mod pubmed_xml;
pub mod record;
pub mod report;
pub mod resolve;
pub mod verdict;
