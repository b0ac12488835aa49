//! The stand-in's index of the fixture records, with search keys precomputed.

use super::*;

pub(super) struct Index {
    pub(super) entries: Vec<Entry>,
    pub(super) by_pmid: HashMap<String, usize>,
    /// Every journal key of every record, to tell an unknown journal from a miss.
    pub(super) journal_keys: HashSet<String>,
}

/// One record, with the search keys precomputed once.
pub(super) struct Entry {
    /// The `<PubmedArticle>`/`<PubmedBookArticle>` element, byte-for-byte from the file.
    pub(super) raw: String,
    pub(super) record: Record,
    pub(super) pmid_number: u64,
    /// Normalized words of the title, " padded " (see [`word_text`]).
    pub(super) title: String,
    /// Title and abstract, likewise.
    pub(super) title_abstract: String,
    /// [`journal_key`]s of the ISO abbreviation and the journal title.
    pub(super) journals: Vec<String>,
    /// Authors (editors when there are none), in order.
    pub(super) authors: Vec<AuthorKey>,
    /// `pages` up to the first '-'.
    pub(super) first_page: Option<String>,
}

pub(super) struct AuthorKey {
    /// Last name, [`plain`].
    pub(super) last: String,
    /// Initials, lowercase.
    pub(super) initials: String,
}

/// One index per fixtures folder for the whole process: building it parses ~10 MB.
pub(super) fn shared_index(fixtures: &Path) -> Arc<Index> {
    static INDEXES: OnceLock<Mutex<HashMap<PathBuf, Arc<Index>>>> = OnceLock::new();
    let mut indexes = lock(INDEXES.get_or_init(Default::default));
    let key = fixtures
        .canonicalize()
        .unwrap_or_else(|_| fixtures.to_path_buf());
    Arc::clone(
        indexes
            .entry(key)
            .or_insert_with(|| Arc::new(build_index(fixtures))),
    )
}

pub(super) fn build_index(fixtures: &Path) -> Index {
    let mut files = Vec::new();
    collect_files(&fixtures.join("efetch"), &mut files);
    files.sort();
    // Files that are not UTF-8 text are not efetch answers.
    let texts: Vec<String> = files
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .collect();
    let elements: Vec<&str> = texts
        .iter()
        .flat_map(|text| article_elements(text))
        .collect();

    // Parsing dominates (about 0.5 s for the fixtures in a debug build), so it is spread
    // over the cores; workers take the next element from a shared counter, because the
    // records differ a lot in size, and results are put back in document order.
    let next = AtomicUsize::new(0);
    let mut parsed: Vec<Option<Entry>> = Vec::new();
    parsed.resize_with(elements.len(), || None);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..thread::available_parallelism().map_or(1, usize::from))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(raw) = elements.get(i) else {
                            return done;
                        };
                        done.push((i, parse_entry(raw)));
                    }
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .expect("the PubMed parser panicked on a fixture");
            for (i, entry) in done {
                parsed[i] = entry;
            }
        }
    });

    let mut index = Index {
        entries: Vec::new(),
        by_pmid: HashMap::new(),
        journal_keys: HashSet::new(),
    };
    for entry in parsed.into_iter().flatten() {
        let pmid = entry.record.pmid.to_string();
        index.journal_keys.extend(entry.journals.iter().cloned());
        match index.by_pmid.get(&pmid) {
            // NCBI serves the current revision of a record: of two fixture copies of one
            // PMID, the later DateRevised (then version) is the one answered.
            Some(&i) if index.entries[i].record.revision() >= entry.record.revision() => {}
            Some(&i) => index.entries[i] = entry,
            None => {
                index.by_pmid.insert(pmid, index.entries.len());
                index.entries.push(entry);
            }
        }
    }
    index
}

/// One article element, parsed alone (wrapped in a set) so each record is paired with
/// its own raw text; None when it does not parse into exactly one record.
pub(super) fn parse_entry(raw: &str) -> Option<Entry> {
    let wrapped = format!("<PubmedArticleSet>{raw}</PubmedArticleSet>");
    let records = parse_article_set(wrapped.as_bytes()).ok()?;
    let [record] = <[Record; 1]>::try_from(records).ok()?;
    Some(Entry::new(raw.to_string(), record))
}

pub(super) fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The `<PubmedArticle>` and `<PubmedBookArticle>` elements of a document, as slices of
/// it, in one linear pass (comments are skipped: one fixture has a comment before the set).
pub(super) fn article_elements(text: &str) -> Vec<&str> {
    const NAMES: [&str; 2] = ["PubmedArticle", "PubmedBookArticle"];
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(offset) = text[pos..].find('<') {
        let start = pos + offset;
        let rest = &text[start..];
        if rest.starts_with("<!--") {
            pos = rest.find("-->").map_or(text.len(), |end| start + end + 3);
            continue;
        }
        // `<PubmedArticle>` or `<PubmedArticle attr=...>`, but not `<PubmedArticleSet>`.
        let name = NAMES.into_iter().find(|name| {
            rest[1..].starts_with(name)
                && rest
                    .as_bytes()
                    .get(1 + name.len())
                    .is_some_and(|&b| b == b'>' || b.is_ascii_whitespace())
        });
        let Some(name) = name else {
            pos = start + 1;
            continue;
        };
        let close = format!("</{name}>");
        let Some(end) = rest.find(&close) else {
            break; // truncated file: nothing more to take
        };
        let end = end + close.len();
        found.push(&rest[..end]);
        pos = start + end;
    }
    found
}

impl Entry {
    fn new(raw: String, record: Record) -> Entry {
        let title = word_text(&record.title);
        let title_abstract = word_text(&format!("{} {}", record.title, record.abstract_text()));
        let journals = [record.iso_abbrev.as_deref(), record.journal.as_deref()]
            .into_iter()
            .flatten()
            .map(journal_key)
            .filter(|key| !key.is_empty())
            .collect();
        let people = if record.authors.is_empty() {
            &record.editors
        } else {
            &record.authors
        };
        let authors = people
            .iter()
            .filter_map(|author| {
                let last = plain(author.last_name.as_deref()?);
                let initials = match &author.initials {
                    Some(initials) => initials.to_lowercase(),
                    // Older records may lack Initials: derive them from the fore name.
                    None => author
                        .fore_name
                        .as_deref()
                        .unwrap_or_default()
                        .split([' ', '-'])
                        .filter_map(|part| part.chars().next())
                        .flat_map(char::to_lowercase)
                        .collect(),
                };
                Some(AuthorKey { last, initials })
            })
            .collect();
        let first_page = record
            .pages
            .as_deref()
            .and_then(|pages| pages.split('-').next())
            .map(str::trim)
            .filter(|page| !page.is_empty())
            .map(str::to_string);
        Entry {
            pmid_number: u64::from(record.pmid.get()),
            raw,
            record,
            title,
            title_abstract,
            journals,
            authors,
            first_page,
        }
    }
}

/// Lowercases and strips the commonest Latin diacritics (é → e), so `Garcia` finds
/// `García` as PubMed does.
pub(super) fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|c| match c {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ł' => 'l',
        other => other,
    })
}

/// Folded text with runs of whitespace collapsed to one space (names).
pub(super) fn plain(text: &str) -> String {
    let folded: String = text.chars().flat_map(fold).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Journal names compare folded and without dots: `Biochim. Biophys. Acta` is
/// `biochim biophys acta`.
pub(super) fn journal_key(text: &str) -> String {
    plain(&text.replace('.', " "))
}

/// Folded words separated by single spaces, with a space at each end, so that a word
/// or phrase `p` occurs as a whole iff `" p "` is a substring. Punctuation separates
/// words, as in PubMed's tokenizer.
pub(super) fn word_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars().flat_map(fold) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}
