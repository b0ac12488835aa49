//! Options shared by every command that may ask NCBI, and the source they build: the
//! cache in front of NCBI's E-utilities, or in front of no one (`--offline`).

use std::ffi::OsStr;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use clap::builder::TypedValueParser;
use clap::error::ErrorKind;

use claimaudit::pubmed::cache::Cache;
use claimaudit::pubmed::eutils::{
    ApiKey, BaseUrl, ClientConfig, DEFAULT_BASE_URL, EutilsClient, MAX_RATE_WITHOUT_KEY, rate_limit,
};
use claimaudit::pubmed::{CacheSettings, CachedSource, OfflineSource, Upstream};

use super::invalid;

#[derive(Debug, Clone, Args)]
pub(super) struct NetworkArgs {
    /// Base URL of the E-utilities (a mirror, or a local stand-in for tests): http:// or
    /// https:// and a host. Credentials in it (https://user:password@host/) are sent,
    /// never shown.
    #[arg(long, env = "CLAIMAUDIT_EUTILS_URL", hide_env_values = true, default_value = DEFAULT_BASE_URL, value_name = "URL", value_parser = EutilsUrlParser)]
    eutils_url: BaseUrl,

    /// Contact address sent to NCBI with every request, as NCBI asks of every client.
    #[arg(long, env = "NCBI_EMAIL", value_name = "ADDRESS")]
    pub email: Option<String>,

    /// NCBI API key: raises the limit to 10 requests/s. Sent to NCBI, never printed or
    /// stored. Prefer the environment variable: other users can see command lines.
    #[arg(long, env = "NCBI_API_KEY", hide_env_values = true, value_name = "KEY", value_parser = parse_api_key)]
    api_key: Option<ApiKey>,

    /// Requests per second, shared by all of this user's claimaudit processes on this
    /// machine through the state directory (CLAIMAUDIT_STATE_DIR, else
    /// $XDG_STATE_HOME/claimaudit or ~/.local/state/claimaudit), whatever their cache
    /// directories [default: 3, or 10 with an API key; never more].
    #[arg(long, value_name = "N")]
    rate: Option<f64>,

    /// Use the cache only; whatever is not cached is reported as not checked.
    #[arg(long, conflicts_with = "refresh")]
    pub offline: bool,

    /// Ask NCBI again for everything, even what is cached (picks up retractions).
    #[arg(long)]
    refresh: bool,

    /// Age after which cached searches and citation matches are asked again.
    #[arg(long, default_value = "30days", value_parser = humantime::parse_duration, value_name = "DURATION")]
    max_age: Duration,

    /// Age after which cached records are fetched again, to catch retractions and
    /// corrections.
    #[arg(long, default_value = "90days", value_parser = humantime::parse_duration, value_name = "DURATION")]
    record_max_age: Duration,

    /// Time limit for one request.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    timeout: Duration,

    /// How long the whole run goes on while NCBI sends nothing back at all (across every
    /// request and retry); then every lookup still waiting or still to come is not checked.
    #[arg(long, env = "CLAIMAUDIT_NETWORK_TIMEOUT", default_value = NETWORK_TIMEOUT_DEFAULT, value_parser = humantime::parse_duration, value_name = "DURATION")]
    network_timeout: Duration,

    /// Retries after a 429, a 5xx, a timeout, a dropped connection or a damaged answer.
    #[arg(long, default_value_t = 4, value_name = "N")]
    retries: u32,

    /// First wait before a retry; doubled each time, plus random jitter.
    #[arg(long, env = "CLAIMAUDIT_BACKOFF", default_value = "500ms", value_parser = humantime::parse_duration, value_name = "DURATION")]
    backoff: Duration,
}

/// `--network-timeout`'s default as written; the same as the library's
/// [`claimaudit::pubmed::eutils::DEFAULT_NETWORK_TIMEOUT`] (a test checks).
const NETWORK_TIMEOUT_DEFAULT: &str = "20s";

/// Checks `--eutils-url` as it is parsed, so a bad one stops the run before any work. The
/// error is written here rather than by clap, which would repeat the value, credentials
/// and all.
#[derive(Clone)]
struct EutilsUrlParser;

impl TypedValueParser for EutilsUrlParser {
    type Value = BaseUrl;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<BaseUrl, clap::Error> {
        let problem = |why: String| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("--eutils-url (or CLAIMAUDIT_EUTILS_URL): {why}\n"),
            )
            .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| problem("it is not valid UTF-8".into()))?;
        BaseUrl::parse(text).map_err(|e| problem(e.to_string()))
    }
}

fn parse_api_key(text: &str) -> Result<ApiKey, String> {
    ApiKey::new(text).ok_or_else(|| "the API key is empty".to_owned())
}

/// The source of a run, and whether it may ask NCBI at all.
pub(super) struct Source {
    pub cached: CachedSource<Upstream>,
    pub offline: bool,
}

impl NetworkArgs {
    /// The source for this run, or an invalid-input error saying which option to fix.
    pub(super) fn source(&self, cache: &Cache) -> Result<Source> {
        let settings = CacheSettings {
            offline: self.offline,
            refresh: self.refresh,
            lookup_max_age: self.max_age,
            record_max_age: self.record_max_age,
        };
        let upstream = if self.offline {
            Upstream::Offline(OfflineSource)
        } else {
            let client = self.client()?;
            // A run online writes what it fetches: an unusable directory is said now.
            cache.prepare_for_writing().map_err(super::unusable_cache)?;
            Upstream::Eutils(Box::new(client))
        };
        Ok(Source {
            cached: CachedSource::new(upstream, cache.clone(), settings),
            offline: self.offline,
        })
    }

    fn client(&self) -> Result<EutilsClient> {
        let email = match self.email.as_deref().map(str::trim) {
            Some(email) if email.contains('@') => email.to_owned(),
            Some(other) => {
                return Err(invalid(format!(
                    "--email/NCBI_EMAIL \"{other}\" is not an email address; NCBI uses it to contact a misbehaving client"
                )));
            }
            None => {
                return Err(invalid(
                    "NCBI asks every client for a contact address: pass --email ADDRESS or set NCBI_EMAIL \
                     (or use --offline to work from the cache only)",
                ));
            }
        };
        for (flag, limit) in [
            ("--timeout", self.timeout),
            ("--network-timeout", self.network_timeout),
        ] {
            if limit.is_zero() {
                return Err(invalid(format!("{flag} must be above 0, e.g. {flag} 30s")));
            }
        }
        let mut config = ClientConfig {
            base_url: self.eutils_url.with_credentials(),
            tool: "claimaudit".into(),
            email,
            api_key: self.api_key.clone(),
            requests_per_second: MAX_RATE_WITHOUT_KEY,
            timeout: self.timeout,
            max_retries: self.retries,
            backoff: self.backoff,
            network_timeout: self.network_timeout,
        };
        let ceiling = config.rate_ceiling();
        config.requests_per_second = match self.rate {
            Some(rate) if rate.is_nan() || rate <= 0.0 => {
                return Err(invalid(format!("--rate must be above 0 (got {rate})")));
            }
            Some(rate) if rate > ceiling => {
                return Err(invalid(format!(
                    "--rate {rate} is above NCBI's limit of {ceiling} requests per second{}",
                    if config.api_key.is_none() {
                        " without NCBI_API_KEY"
                    } else {
                        ""
                    }
                )));
            }
            Some(rate) => rate,
            None => ceiling,
        };
        // NCBI counts requests per IP: the pace is shared per machine (per user), not per
        // cache directory, so two audits with different caches still keep to one rate.
        let state = rate_limit::shared_state_dir().map_err(|e| invalid(e.to_string()))?;
        if let Some(reason) = &state.fallback_reason {
            eprintln!(
                "warning: cannot use the usual state directory ({reason}); pacing requests \
                 through {} instead (set CLAIMAUDIT_STATE_DIR to choose)",
                state.path.display()
            );
        }
        EutilsClient::new(config, &state.path).map_err(|e| invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_network_timeout_default_is_the_librarys() {
        assert_eq!(
            humantime::parse_duration(NETWORK_TIMEOUT_DEFAULT).unwrap(),
            claimaudit::pubmed::eutils::DEFAULT_NETWORK_TIMEOUT
        );
    }
}
