//! The E-utilities base URL: checked once, before anything is sent, and never shown with
//! its credentials.
//!
//! A mirror behind HTTP basic auth is given as `https://user:secret@host/…`; the client
//! sends those credentials (reqwest moves them into an `Authorization` header), but every
//! message, error and report shows the URL as `https://***@host/…`.

use std::fmt;

use thiserror::Error;

/// What a good base URL looks like, for error messages.
const EXAMPLE: &str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/";

/// Why a text is not a usable E-utilities base URL. Messages never repeat the
/// credentials the text may hold.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BaseUrlError {
    #[error("it is empty; give the base URL of the E-utilities, e.g. {EXAMPLE}")]
    Empty,
    #[error("`{shown}` has no scheme; start it with https:// (or http://), e.g. {EXAMPLE}")]
    NoScheme { shown: String },
    #[error(
        "`{shown}` uses {scheme}://, which the E-utilities do not speak; use https:// (or http://)"
    )]
    UnsupportedScheme { shown: String, scheme: String },
    #[error("`{shown}` names no host; give one, e.g. {EXAMPLE}")]
    NoHost { shown: String },
    #[error(
        "`{shown}` carries a query or fragment (`?`, `#`); give only the base path, e.g. {EXAMPLE}"
    )]
    QueryOrFragment { shown: String },
    #[error("`{shown}` is not a URL ({reason}); give one like {EXAMPLE}")]
    Malformed { shown: String, reason: String },
}

/// A checked E-utilities base URL: http or https, with a host, no query or fragment,
/// ending in `/` so endpoint names can be appended.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    url: reqwest::Url,
}

impl BaseUrl {
    /// Checks `text`; a missing final `/` is added.
    pub fn parse(text: &str) -> Result<Self, BaseUrlError> {
        let text = text.trim();
        let shown = redact_text(text);
        if text.is_empty() {
            return Err(BaseUrlError::Empty);
        }
        // `localhost:8080/x` parses as the scheme "localhost": without "://" there is no
        // scheme the user meant.
        let Some((scheme, _)) = text.split_once("://") else {
            return Err(BaseUrlError::NoScheme { shown });
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            let valid_scheme = !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            return Err(if valid_scheme {
                BaseUrlError::UnsupportedScheme { shown, scheme }
            } else {
                BaseUrlError::NoScheme { shown }
            });
        }
        if host_part(text).is_empty() {
            return Err(BaseUrlError::NoHost { shown });
        }
        let mut url = reqwest::Url::parse(text).map_err(|error| BaseUrlError::Malformed {
            shown: shown.clone(),
            reason: error.to_string(),
        })?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(BaseUrlError::NoHost { shown });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::QueryOrFragment { shown });
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(BaseUrl { url })
    }

    /// The URL to send requests to, credentials included.
    pub(super) fn endpoint(&self, endpoint: &str) -> String {
        format!("{}{endpoint}", self.url)
    }

    /// The URL itself, credentials included, for [`super::ClientConfig::base_url`]: not
    /// for showing.
    pub fn with_credentials(&self) -> String {
        self.url.to_string()
    }

    /// Whether the URL carries a user name or password.
    pub fn has_credentials(&self) -> bool {
        !self.url.username().is_empty() || self.url.password().is_some()
    }

    /// The URL as it may be shown: any credentials replaced by `***`.
    pub fn redacted(&self) -> String {
        if !self.has_credentials() {
            return self.url.to_string();
        }
        let mut shown = self.url.clone();
        // Neither call can fail on a URL with a host.
        let _ = shown.set_password(None);
        let _ = shown.set_username("***");
        shown.to_string()
    }
}

/// Shows the redacted form: a base URL is printed only that way.
impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.redacted())
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(text: &str) -> Result<Self, BaseUrlError> {
        BaseUrl::parse(text)
    }
}

/// The host of `scheme://[user@]host[:port]/…`, as written (empty when there is none).
fn host_part(text: &str) -> &str {
    let start = text.find("://").map_or(0, |i| i + 3);
    let authority = &text[start..];
    let authority = &authority[..authority.find(['/', '?', '#']).unwrap_or(authority.len())];
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    // "[::1]:8080" keeps its brackets; "host:8080" loses its port.
    match host.rfind(':') {
        Some(colon) if !host[colon..].contains(']') => &host[..colon],
        _ => host,
    }
}

/// Text that failed to parse as a URL, with anything that may be credentials (the part
/// of the authority before its last `@`) replaced by `***`.
pub fn redact_text(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    match text[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls_are_kept_and_end_in_a_slash() {
        let url = BaseUrl::parse("http://127.0.0.1:8080/entrez/eutils").unwrap();
        assert_eq!(
            url.endpoint("efetch.fcgi"),
            "http://127.0.0.1:8080/entrez/eutils/efetch.fcgi"
        );
        let ncbi = BaseUrl::parse(EXAMPLE).unwrap();
        assert_eq!(ncbi.redacted(), EXAMPLE);
        assert!(!ncbi.has_credentials());
    }

    #[test]
    fn every_kind_of_bad_url_is_told_apart() {
        type Expected = fn(&BaseUrlError) -> bool;
        let cases: &[(&str, Expected)] = &[
            ("", |e| matches!(e, BaseUrlError::Empty)),
            ("   ", |e| matches!(e, BaseUrlError::Empty)),
            ("not a url", |e| matches!(e, BaseUrlError::NoScheme { .. })),
            ("eutils.ncbi.nlm.nih.gov/entrez/eutils/", |e| {
                matches!(e, BaseUrlError::NoScheme { .. })
            }),
            ("localhost:8080/entrez/", |e| {
                matches!(e, BaseUrlError::NoScheme { .. })
            }),
            (
                "ftp://example.org/eutils/",
                |e| matches!(e, BaseUrlError::UnsupportedScheme { scheme, .. } if scheme == "ftp"),
            ),
            ("file:///tmp/eutils/", |e| {
                matches!(e, BaseUrlError::UnsupportedScheme { .. })
            }),
            ("http://", |e| matches!(e, BaseUrlError::NoHost { .. })),
            ("https:///entrez/eutils/", |e| {
                matches!(e, BaseUrlError::NoHost { .. })
            }),
            ("http://host:99999/", |e| {
                matches!(e, BaseUrlError::Malformed { .. })
            }),
            ("https://host/eutils/?db=pubmed", |e| {
                matches!(e, BaseUrlError::QueryOrFragment { .. })
            }),
        ];
        for (text, expected) in cases {
            let error = BaseUrl::parse(text).expect_err(text);
            assert!(expected(&error), "{text:?} gave {error:?}");
            // Every message says what to write instead.
            assert!(error.to_string().contains("https://"), "{error}");
        }
    }

    #[test]
    fn credentials_are_sent_but_never_shown() {
        let url = BaseUrl::parse("https://reader:s3cret@mirror.example.org/eutils/").unwrap();
        assert!(url.has_credentials());
        assert!(url.endpoint("esearch.fcgi").contains("reader:s3cret@"));
        for shown in [url.redacted(), url.to_string(), format!("{url:?}")] {
            assert!(
                !shown.contains("s3cret") && !shown.contains("reader"),
                "{shown}"
            );
            assert!(shown.contains("***@mirror.example.org"), "{shown}");
        }
        for bad in [
            "ftp://reader:s3cret@mirror.example.org/",
            "reader:s3cret@mirror.example.org/eutils/",
            "https://reader:s3cret@/eutils/",
            "https://reader:s3cret@mirror.example.org:99999/",
            "https://reader:s3cret@mirror.example.org/?x=1",
        ] {
            let message = BaseUrl::parse(bad).unwrap_err().to_string();
            assert!(!message.contains("s3cret"), "{message}");
        }
    }

    #[test]
    fn redacting_text_keeps_what_is_not_a_credential() {
        assert_eq!(redact_text("https://a:b@host/p@q"), "https://***@host/p@q");
        assert_eq!(redact_text("a:b@c@host/x"), "***@host/x");
        assert_eq!(redact_text("https://host/p"), "https://host/p");
    }
}
