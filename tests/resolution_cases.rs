//! Citation resolution as tables of cases, against every real record of
//! ../shared/fixtures/eutils held in a `MemorySource`: no sockets, no HTTP stand-in, no
//! rate pacing. A row gives the citation, the claim's keywords, any scripted source
//! failures, the outcome wanted and further facts; every row of a table runs, and the
//! failures are reported together, each naming its row. (Tables are left as written by
//! `#[rustfmt::skip]`: one row, one or two lines.)

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use Fact::*;
use Want::*;
use claimaudit::citation::CitedAs;
use claimaudit::ids::Pmid;
use claimaudit::pubmed::MemorySource;
use claimaudit::pubmed::record::Record;
use claimaudit::pubmed::source::{Lookup, SourceError};
use claimaudit::resolve::Field::{Author, Identifier, Journal, Keywords, Pages, Title, Year};
use claimaudit::resolve::{
    Candidate, Disagreement, Field, Note, Resolution, ResolutionStatus, resolve,
};

/// The NEJM aspirin RCT (Brighton et al., 2012) and the NEJM coronavirus paper.
const ASPIRIN_RCT: u32 = 23_121_403;
const CORONAVIRUS: u32 = 31_978_945;
const ZHU_2020: &str = "Zhu N, Zhang D, Wang W, et al. A Novel Coronavirus from Patients with Pneumonia in China, 2019. N Engl J Med. 2020;382(8):727-733.";
const NOBODYSON: &str = "Nobodyson, Q., et al., 2019. Imaginary Journal of Exosomes";

/// The outcome a row wants.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Resolved(u32),
    /// A likely record the reference does not single out on its own.
    Probable(u32),
    Ambiguous,
    NotFound,
    NotChecked,
}

/// Something a row expects beyond its outcome.
#[derive(Debug, Clone)]
enum Fact {
    /// The kinds of question asked, in order: "fetch", "search", "match".
    Asked(&'static [&'static str]),
    AtLeastLookups(usize),
    Score(f64),
    ScoreBelow(f64),
    Matched(Field),
    NotMatched(Field),
    /// The `Note::Disagreement`s are about exactly these fields, in this order.
    Disagree(&'static [Field]),
    /// A `Note::NoRecord` naming this identifier.
    NoRecord(&'static str),
    /// A `Note::MatchRejected` for this PMID, whose disagreements are these fields.
    MatchRejected(u32, &'static [Field]),
    /// At least this many candidates, every one from this year when given.
    Candidates(usize, Option<u16>),
    /// The best candidate is this PMID, scoring below the given value.
    BestBelow(u32, f64),
    /// A `Note::Incomplete`, with this count of matching records when known.
    Incomplete(Option<u64>),
    /// A `Note::FoundByTopic`.
    FoundByTopic,
}

struct Case {
    cited: CitedAs,
    keywords: Vec<String>,
    fail: Vec<SourceError>,
    want: Want,
    facts: Vec<Fact>,
}

/// A row citing free text.
fn row(text: impl Into<String>, want: Want) -> Case {
    typed(CitedAs::Text(text.into()), want)
}

/// A row citing a typed identifier (`{pmid: …}`, `{doi: …}`, `{pmcid: …}`).
fn typed(cited: CitedAs, want: Want) -> Case {
    Case {
        cited,
        keywords: Vec::new(),
        fail: Vec::new(),
        want,
        facts: Vec::new(),
    }
}

impl Case {
    fn keywords(mut self, keywords: &[&str]) -> Self {
        self.keywords = keywords.iter().map(|k| k.to_string()).collect();
        self
    }

    fn fail(mut self, error: SourceError) -> Self {
        self.fail.push(error);
        self
    }

    fn facts(mut self, facts: &[Fact]) -> Self {
        self.facts.extend_from_slice(facts);
        self
    }
}

fn kind(lookup: &Lookup) -> &'static str {
    match lookup {
        Lookup::Fetch(_) => "fetch",
        Lookup::Search(_) => "search",
        Lookup::Match(_) => "match",
    }
}

/// A lookup with a batch's PMIDs in a fixed order (the driver asks for them sorted).
fn normalised(lookup: &Lookup) -> Lookup {
    match lookup {
        Lookup::Fetch(pmids) => {
            let mut sorted = pmids.clone();
            sorted.sort_unstable();
            Lookup::Fetch(sorted)
        }
        other => other.clone(),
    }
}

/// The resolution in a few lines, for failure messages (the record itself is long).
fn summary(r: &Resolution) -> String {
    let notes: Vec<String> = r.notes.iter().map(ToString::to_string).collect();
    let candidates: Vec<String> = r
        .candidates
        .iter()
        .map(|c| format!("{} ({:?}, {})", c.pmid, c.year, c.score))
        .collect();
    let lookups: Vec<String> = r.lookups.iter().map(ToString::to_string).collect();
    format!(
        "status {:?}, pmid {:?}, score {:?}, matched {:?}, failure {:?}\n    notes {notes:?}\n    candidates {candidates:?}\n    lookups {lookups:?}",
        r.status, r.pmid, r.score, r.matched, r.failure
    )
}

fn holds(fact: &Fact, r: &Resolution) -> bool {
    let fields = |found: &[Disagreement], want: &[Field]| {
        found.iter().map(|d| d.field).eq(want.iter().copied())
    };
    let in_year = |year: Option<u16>| move |c: &Candidate| year.is_none_or(|y| c.year == Some(y));
    match fact {
        Asked(kinds) => r.lookups.iter().map(kind).eq(kinds.iter().copied()),
        AtLeastLookups(n) => r.lookups.len() >= *n,
        Score(score) => r.score == Some(*score),
        ScoreBelow(limit) => r.score.is_some_and(|s| s < *limit),
        Matched(field) => r.matched.contains(field),
        NotMatched(field) => !r.matched.contains(field),
        Disagree(want) => r.disagreements().map(|d| d.field).eq(want.iter().copied()),
        NoRecord(id) => r.notes.iter().any(|n| match n {
            Note::NoRecord { identifiers } => identifiers.iter().any(|i| i == id),
            _ => false,
        }),
        MatchRejected(pmid, want) => r.notes.iter().any(|n| match n {
            Note::MatchRejected {
                pmid: p,
                disagreements,
            } => p.get() == *pmid && fields(disagreements, want),
            _ => false,
        }),
        Candidates(n, year) => r.candidates.len() >= *n && r.candidates.iter().all(in_year(*year)),
        BestBelow(pmid, below) => r
            .candidates
            .first()
            .is_some_and(|c| c.pmid.get() == *pmid && c.score < *below),
        Incomplete(count) => r.notes.contains(&Note::Incomplete { matching: *count }),
        Fact::FoundByTopic => r.notes.contains(&Note::FoundByTopic),
    }
}

/// What is wrong with `r` for `case`, including what holds for every resolution.
fn problems(case: &Case, r: &Resolution, asked: &[Lookup]) -> Vec<String> {
    let mut wrong = Vec::new();
    let (status, pmid) = match case.want {
        Resolved(pmid) => (ResolutionStatus::Resolved, Some(pmid)),
        Probable(pmid) => (ResolutionStatus::Probable, Some(pmid)),
        Ambiguous => (ResolutionStatus::Ambiguous, None),
        NotFound => (ResolutionStatus::NotFound, None),
        NotChecked => (ResolutionStatus::NotChecked, None),
    };
    if (r.status, r.pmid.map(Pmid::get)) != (status, pmid) {
        wrong.push(format!("wanted {:?}", case.want));
    }
    for fact in case.facts.iter().filter(|f| !holds(f, r)) {
        wrong.push(format!("wanted {fact:?}"));
    }
    let listed: Vec<Lookup> = r.lookups.iter().map(normalised).collect();
    if listed != asked.iter().map(normalised).collect::<Vec<_>>() {
        wrong.push(format!(
            "lists lookups other than the source was asked: {asked:?}"
        ));
    }
    if (r.status == ResolutionStatus::NotChecked) != r.failure.is_some() {
        wrong.push("a failure is set exactly when the citation was not checked".into());
    }
    if r.record.as_ref().map(|rec| rec.pmid) != r.pmid {
        wrong.push("only a resolved citation has a record, the resolved PMID's".into());
    }
    let by_search = r.status == ResolutionStatus::Resolved && !r.matched.contains(&Identifier);
    if by_search && r.score.is_none_or(|s| s < 0.75) {
        wrong.push("resolved by search with a score below 0.75".into());
    }
    if r.status == ResolutionStatus::Ambiguous
        && (r.candidates.is_empty() || r.candidates.iter().any(|c| c.score < 0.45))
    {
        wrong.push("an ambiguous outcome lists only plausible candidates (score >= 0.45)".into());
    }
    wrong
}

/// Runs every row against its own source over all fixture records; panics naming
/// every row that failed.
async fn run(records: &[Record], cases: Vec<Case>) {
    assert!(!cases.is_empty(), "a table with no row tests nothing");
    let mut failures = Vec::new();
    for case in &cases {
        let source = MemorySource::new(records.iter().cloned());
        source.fail_next(case.fail.iter().cloned());
        let r = resolve(&source, &case.cited, &case.keywords).await;
        let wrong = problems(case, &r, &source.asked());
        if !wrong.is_empty() {
            let (cited, keywords, wrong) = (&case.cited, &case.keywords, wrong.join("\n  - "));
            failures.push(format!(
                "row {cited:?} (keywords {keywords:?}):\n  - {wrong}\n  got {}",
                summary(&r)
            ));
        }
    }
    let (failed, rows) = (failures.len(), cases.len());
    assert!(
        failed == 0,
        "{failed} of {rows} rows failed:\n{}",
        failures.join("\n\n")
    );
}

#[tokio::test]
async fn pmids_in_every_spelling() {
    let fixtures = require_fixtures!();
    let by_id = [Asked(&["fetch"]), Score(1.0), Matched(Identifier)];
    let pmid = CitedAs::Pmid(Pmid::new(ASPIRIN_RCT).unwrap());
    #[rustfmt::skip]
    let spellings = [
        "23121403", "PMID: 23121403", "pmid:23121403", "PMID 23121403.", "２３１２１４０３", "ＰＭＩＤ：２３１２１４０３",
        "https://pubmed.ncbi.nlm.nih.gov/23121403/", "http://www.ncbi.nlm.nih.gov/pubmed/23121403",
    ];
    let mut cases: Vec<Case> = spellings
        .map(|s| row(s, Resolved(ASPIRIN_RCT)).facts(&by_id))
        .into();
    cases.push(typed(pmid, Resolved(ASPIRIN_RCT)).facts(&by_id));
    cases.push(
        row("PMID: 99999999", NotFound).facts(&[Asked(&["fetch"]), NoRecord("PMID 99999999")]),
    );
    run(common::efetch_records(&fixtures), cases).await;
}

#[tokio::test]
async fn dois_in_every_form() {
    let fixtures = require_fixtures!();
    let by_doi = [Asked(&["search", "fetch"]), Score(1.0), Matched(Identifier)];
    let doi = CitedAs::Doi("https://doi.org/10.1056/NEJMoa1210384".parse().unwrap());
    #[rustfmt::skip]
    let forms = [
        "10.1056/NEJMoa1210384", "doi:10.1056/NEJMoa1210384", "DOI: 10.1056/NEJMoa1210384.", "10.1056/nejmoa1210384",
        "https://doi.org/10.1056/NEJMoa1210384", "https://dx.doi.org/10.1056/NEJMoa1210384",
    ];
    let mut cases: Vec<Case> = forms
        .map(|f| row(f, Resolved(ASPIRIN_RCT)).facts(&by_doi))
        .into();
    cases.push(typed(doi, Resolved(ASPIRIN_RCT)).facts(&by_doi));
    let unknown = [Asked(&["search"]), NoRecord("DOI 10.9999/not.a.real.doi")];
    cases.push(row("doi:10.9999/not.a.real.doi", NotFound).facts(&unknown));
    run(common::efetch_records(&fixtures), cases).await;
}

/// The first record (by PMID) that carries a PMC id, and the retracted 2019 paper; each
/// PMC id is that one record's.
fn pmcid_holders(records: &[Record]) -> Vec<&Record> {
    let mut with_pmcid: Vec<&Record> = records.iter().filter(|r| r.pmcid.is_some()).collect();
    with_pmcid.sort_by_key(|r| r.pmid);
    assert!(with_pmcid.len() >= 100, "119 have one");
    let retracted = with_pmcid
        .iter()
        .find(|r| r.pmid.get() == 31_844_417)
        .unwrap();
    let picked = vec![with_pmcid[0], retracted];
    for record in &picked {
        let holders = with_pmcid.iter().filter(|r| r.pmcid == record.pmcid);
        let holders: BTreeSet<Pmid> = holders.map(|r| r.pmid).collect();
        assert_eq!(holders, BTreeSet::from([record.pmid]));
    }
    picked
}

/// Rows citing each PMC id in these `forms` ("{}" stands for the PMC id), and typed.
fn pmcid_rows(records: &[Record], forms: &[&str]) -> Vec<Case> {
    let facts = [
        Asked(&["search", "fetch"]),
        Score(1.0),
        Matched(Identifier),
        Disagree(&[]),
    ];
    let mut cases = Vec::new();
    for record in pmcid_holders(records) {
        let (pmcid, want) = (record.pmcid.unwrap(), Resolved(record.pmid.get()));
        for form in forms {
            cases.push(row(form.replace("{}", &pmcid.to_string()), want).facts(&facts));
        }
        cases.push(typed(CitedAs::Pmcid(pmcid), want).facts(&facts));
    }
    cases
}

#[tokio::test]
async fn pmcids_of_fixture_records() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    let forms = [
        "{}",
        "https://pmc.ncbi.nlm.nih.gov/articles/{}/",
        "{} [PMC]",
    ];
    run(records, pmcid_rows(records, &forms)).await;
}

#[tokio::test]
async fn a_pmcid_label_is_not_a_journal() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    run(records, pmcid_rows(records, &["PMCID: {}", "PMCID:{}"])).await;
}

#[tokio::test]
async fn free_text_references() {
    let fixtures = require_fixtures!();
    let other_first_author = ZHU_2020.replacen("Zhu N", "Brighton TA", 1);
    #[rustfmt::skip]
    let cases = vec![
        row("Brighton, T.A., et al., 2012. N Engl J Med", Resolved(ASPIRIN_RCT)).keywords(&["aspirin"])
            .facts(&[Asked(&["search", "fetch"]), Matched(Author), Matched(Year), Matched(Journal), Matched(Keywords), Disagree(&[])]),
        row("Brighton, T.A., et al., 2012. The New England Journal of Medicine", Resolved(ASPIRIN_RCT))
            .keywords(&["aspirin"]).facts(&[Matched(Journal), Disagree(&[])]),
        row("Zhang et al., 2015", Ambiguous).facts(&[Candidates(2, Some(2015))]),
        row(NOBODYSON, NotFound).keywords(&["exosome"]).facts(&[AtLeastLookups(4), Candidates(0, None)]),
        // Journal, volume and first page go to citation matching first.
        row(ZHU_2020, Resolved(CORONAVIRUS))
            .facts(&[Asked(&["match", "fetch"]), Matched(Title), Matched(Pages), Disagree(&[])]),
        // Citation matching keys on journal, volume and page: another first author sets
        // its answer aside; the title search finds the paper, and the only disagreement
        // noted is the one with the record chosen.
        row(other_first_author, Resolved(CORONAVIRUS)).facts(&[
            Asked(&["match", "fetch", "search", "search", "fetch"]), MatchRejected(CORONAVIRUS, &[Author]),
            Disagree(&[Author]), NotMatched(Author), Matched(Title),
        ]),
        row("Zhu, N., et al., 2019. N Engl J Med", Resolved(CORONAVIRUS)).facts(&[Disagree(&[Year]), Matched(Author)]),
        // An identifier cited with another paper's author and year.
        row("Smith J, et al., 2019. PMID: 23121403", Resolved(ASPIRIN_RCT))
            .facts(&[Asked(&["fetch"]), Disagree(&[Author, Year]), ScoreBelow(0.5), Matched(Identifier)]),
        row("Smith J, et al., 2019. doi:10.1056/NEJMoa1210384", Resolved(ASPIRIN_RCT))
            .facts(&[Disagree(&[Author, Year]), ScoreBelow(0.5)]),
        row("Brighton TA, et al., 2012. PMID: 23121403", Resolved(ASPIRIN_RCT))
            .facts(&[Disagree(&[]), Score(1.0), Matched(Author)]),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

/// References that name only what many papers share, or a record that stands out only
/// by the claim's topic words: the likely record is shown, but only as probable.
#[tokio::test]
async fn references_that_do_not_single_a_paper_out() {
    let fixtures = require_fixtures!();
    #[rustfmt::skip]
    let cases = vec![
        row("Brighton, T.A., et al., 2012", Probable(ASPIRIN_RCT)).facts(&[Incomplete(Some(1)), Disagree(&[])]),
        // An author and year one off still widen to the year either side, keywords or not.
        row("Brighton, T.A., et al., 2013", Probable(ASPIRIN_RCT)).facts(&[Incomplete(Some(1)), Disagree(&[Year])]),
        row("Brighton, T.A., et al., 2013", Probable(ASPIRIN_RCT)).keywords(&["aspirin"]).facts(&[Disagree(&[Year])]),
        row("N Engl J Med. 2012", Probable(ASPIRIN_RCT)).facts(&[Incomplete(Some(1))]),
        row("N Engl J Med. 2012", Probable(ASPIRIN_RCT)).keywords(&["thromboembolism"]),
        // Two papers share first author, journal and year (a study and the author's
        // reply to a letter about it): a keyword found in one alone does not decide.
        row("Coelho, R.P., et al., 2015. J Cataract Refract Surg", Ambiguous).facts(&[Candidates(2, Some(2015))]),
        row("Coelho, R.P., et al., 2015. J Cataract Refract Surg", Ambiguous)
            .keywords(&["phacoemulsification"]).facts(&[Asked(&["search", "fetch"]), Candidates(2, Some(2015))]),
        // The control: with its title, the reference is complete.
        row("Coelho, R.P., et al., 2015. Clinical study of pain sensation during phacoemulsification with and without cryoanalgesia. J Cataract Refract Surg", Resolved(25_840_296)),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

/// The name with its diacritics taken off by hand, as copy typed on an ASCII keyboard
/// gives it (independently of the crate's own folding).
fn without_diacritics(name: &str) -> String {
    #[rustfmt::skip]
    const PLAIN: &[(&str, char)] = &[
        ("áàâäãåąă", 'a'), ("çćč", 'c'), ("éèêëęě", 'e'), ("ğ", 'g'), ("íìîïı", 'i'), ("ł", 'l'),
        ("ñńň", 'n'), ("óòôöõő", 'o'), ("śšş", 's'), ("úùûüů", 'u'), ("źżž", 'z'), ("ÖÓ", 'O'),
    ];
    let plain = |c: char| {
        PLAIN
            .iter()
            .find(|(from, _)| from.contains(c))
            .map(|(_, to)| *to)
    };
    name.chars()
        .map(|c| {
            if c.is_ascii() {
                c
            } else {
                plain(c).unwrap_or_else(|| panic!("add {c} to the table"))
            }
        })
        .collect()
}

/// One row per record (each PMID once): "Gotze, R., et al., 2016. Gesundheitswesen", its
/// first author without diacritics with its year and journal, must resolve to that
/// record with the author matched and no disagreement.
fn cited_plainly<'r>(records: impl Iterator<Item = &'r Record>) -> Vec<Case> {
    let mut seen = BTreeSet::new();
    let read = |r: &Record| {
        let first = r.authors.first()?;
        let last = without_diacritics(first.last_name.as_deref()?);
        let dotted: String = first
            .initials
            .as_deref()?
            .chars()
            .map(|c| format!("{c}."))
            .collect();
        let (year, journal) = (r.year?, r.iso_abbrev.as_deref()?);
        Some(format!("{last}, {dotted}, et al., {year}. {journal}"))
    };
    let facts = [Matched(Author), Disagree(&[])];
    records
        .filter(|r| seen.insert(r.pmid))
        .filter_map(|r| Some(row(read(r)?, Resolved(r.pmid.get())).facts(&facts)))
        .collect()
}

fn first_author(record: &Record) -> &str {
    let first = record.authors.first();
    first.and_then(|a| a.last_name.as_deref()).unwrap_or("")
}

fn place_in_journal(record: &Record) -> bool {
    record
        .iso_abbrev
        .as_deref()
        .is_some_and(|j| j.contains('('))
}

#[tokio::test]
async fn names_with_diacritics_cited_without_them() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    // Every record whose first author's name has a diacritic, except the two shapes the
    // the tests below cover: a dotless ı, and a journal with a place in brackets.
    let picked = records.iter().filter(|r| {
        let last = first_author(r);
        !last.is_ascii() && !last.contains('ı') && !place_in_journal(r)
    });
    let cases = cited_plainly(picked);
    assert!(cases.len() >= 20, "about 25 such first authors");
    run(records, cases).await;
}

#[tokio::test]
async fn a_dotless_i_is_cited_as_i() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    let cases = cited_plainly(records.iter().filter(|r| first_author(r).contains('ı')));
    assert!(!cases.is_empty(), "PMID 26701098's first author is Arı S");
    run(records, cases).await;
}

#[tokio::test]
async fn an_iso_abbreviation_with_a_place_is_the_records_journal() {
    let fixtures = require_fixtures!();
    let records = common::efetch_records(&fixtures);
    let mut cases = cited_plainly(records.iter().filter(|r| place_in_journal(r)));
    assert!(cases.len() >= 10, "14 such records");
    let with_pmid = "Sanchez AA, 2016. J Med Imaging (Bellingham). PMID: 26702408";
    cases.push(row(with_pmid, Resolved(26_702_408)).facts(&[Matched(Journal), Disagree(&[])]));
    run(records, cases).await;
}

fn io(message: &str) -> SourceError {
    SourceError::Unreachable(Arc::new(std::io::Error::other(message.to_owned())))
}

#[tokio::test]
async fn a_source_that_fails_is_never_not_found() {
    let fixtures = require_fixtures!();
    let failed = SourceError::Failed(Arc::new(std::io::Error::other("HTTP 500")));
    let pmcid = CitedAs::Pmcid("PMC7092803".parse().unwrap());
    #[rustfmt::skip]
    let cases = vec![
        row("PMID: 23121403", NotChecked).fail(SourceError::Offline).facts(&[Asked(&["fetch"])]),
        row("https://doi.org/10.1056/NEJMoa1210384", NotChecked).fail(io("refused")).facts(&[Asked(&["search"])]),
        typed(pmcid, NotChecked).fail(failed).facts(&[Asked(&["search"])]),
        row("Brighton, T.A., et al., 2012. N Engl J Med", NotChecked).keywords(&["aspirin"])
            .fail(SourceError::Offline).facts(&[Asked(&["search"])]),
        row(ZHU_2020, NotChecked).fail(io("refused")).facts(&[Asked(&["match"])]),
        row(ZHU_2020, NotChecked).fail(SourceError::NoAnswer).facts(&[Asked(&["match"])]),
        // What would be not found is not checked when the source fails.
        row(NOBODYSON, NotChecked).keywords(&["exosome"]).fail(SourceError::Offline).facts(&[Asked(&["search"])]),
        row("doi:10.9999/not.a.real.doi", NotChecked).fail(io("refused")).facts(&[Asked(&["search"])]),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

#[tokio::test]
async fn below_the_resolved_score_nothing_is_resolved() {
    let fixtures = require_fixtures!();
    let wrong_author_and_year = ZHU_2020
        .replacen("Zhu N", "Brighton TA", 1)
        .replacen("2020;", "2012;", 1);
    #[rustfmt::skip]
    let cases = vec![
        // Only title, journal, volume and page agree: 7 of 12 (0.58). (Citation
        // matching keys on the year too, so it finds nothing.)
        row(wrong_author_and_year, Ambiguous)
            .facts(&[Asked(&["match", "search", "search", "search", "fetch"]), BestBelow(CORONAVIRUS, 0.75)]),
        // Journal and year agree, the author does not: 4 of 7 (0.57).
        row("Brighton, T.A., et al., 2020. N Engl J Med", Ambiguous).facts(&[BestBelow(CORONAVIRUS, 0.75)]),
        // Author and year agree, the journal does not: 5 of 7 (0.714), just short.
        row("Zhu, N., et al., 2020. Lancet", Ambiguous).facts(&[BestBelow(CORONAVIRUS, 0.75)]),
        // Every search step carries the year: three years off, nothing is found.
        row("Zhu, N., et al., 2017. N Engl J Med", NotFound).facts(&[AtLeastLookups(3), Candidates(0, None)]),
    ];
    run(common::efetch_records(&fixtures), cases).await;
}

/// Hand-made records: `count` papers by Li Y in Stem Cells, 2022 (more than one search
/// lists), the one at `exosome_at` about exosomes.
fn prolific_author(count: u32, exosome_at: u32) -> Vec<Record> {
    (0..count)
        .map(|i| {
            let mut record = Record::new(Pmid::new(90_000_000 + i).unwrap());
            record.title = if i == exosome_at {
                "Exosome therapy from dental pulp stem cells in wound healing.".into()
            } else {
                format!("Stem cell study number {i}.")
            };
            record.authors = vec![claimaudit::pubmed::record::Author {
                last_name: Some("Li".into()),
                initials: Some("Y".into()),
                ..Default::default()
            }];
            record.journal = Some("Stem Cells".into());
            record.iso_abbrev = Some("Stem Cells".into());
            record.year = Some(2022);
            record
        })
        .collect()
}

/// A reference whose own fields match more records than one search lists: the topic
/// words narrow the search, and a record found that way is only probable.
#[tokio::test]
async fn a_record_told_apart_only_by_the_topic_is_probable() {
    let records = prolific_author(25, 17);
    let cited = "Li, Y., et al., 2022. Stem Cells";
    let exosome = 90_000_017;
    #[rustfmt::skip]
    let too_many = vec![
        row(cited, Probable(exosome)).keywords(&["exosome"])
            .facts(&[Asked(&["search", "search", "fetch"]), Fact::FoundByTopic]),
        // Without keywords the reference matches 25 papers alike.
        row(cited, Ambiguous).facts(&[Asked(&["search", "fetch"]), Candidates(5, Some(2022))]),
        // Keywords no paper mentions: every step is tried, then the first records the
        // reference's own fields listed are judged after all.
        row(cited, Ambiguous).keywords(&["collagen", "wrinkle"])
            .facts(&[AtLeastLookups(4), Candidates(5, Some(2022))]),
    ];
    run(&records, too_many).await;
    // Twelve papers, all listed by one search: the keyword found in one of them is not
    // enough to tell it apart from eleven references that fit as well.
    #[rustfmt::skip]
    let listed = vec![
        row(cited, Ambiguous).keywords(&["exosome"])
            .facts(&[Asked(&["search", "fetch"]), BestBelow(90_000_003, 1.01), Candidates(5, Some(2022))]),
    ];
    run(&prolific_author(12, 3), listed).await;
}
