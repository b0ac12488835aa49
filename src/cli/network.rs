//! Options shared by every command that may ask NCBI, and the source they build: the
//! cache in front of NCBI's E-utilities, or in front of no one (`--offline`).

use std::time::Duration;

use anyhow::Result;
use clap::Args;

use claimaudit::pubmed::cache::Cache;
use claimaudit::pubmed::eutils::{
    ApiKey, ClientConfig, DEFAULT_BASE_URL, EutilsClient, MAX_RATE_WITHOUT_KEY, rate_limit,
};
use claimaudit::pubmed::{CacheSettings, CachedSource, OfflineSource, Upstream};

use super::invalid;

#[derive(Debug, Clone, Args)]
pub(super) struct NetworkArgs {
    /// Base URL of the E-utilities (a mirror, or a local stand-in for tests).
    #[arg(long, env = "CLAIMAUDIT_EUTILS_URL", default_value = DEFAULT_BASE_URL, value_name = "URL")]
    eutils_url: String,

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

    /// Retries after a 429, a 5xx, a timeout, a dropped connection or a damaged answer.
    #[arg(long, default_value_t = 4, value_name = "N")]
    retries: u32,

    /// First wait before a retry; doubled each time, plus random jitter.
    #[arg(long, env = "CLAIMAUDIT_BACKOFF", default_value = "500ms", value_parser = humantime::parse_duration, value_name = "DURATION")]
    backoff: Duration,
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
            Upstream::Eutils(client)
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
        let mut config = ClientConfig {
            base_url: self.eutils_url.clone(),
            tool: "claimaudit".into(),
            email,
            api_key: self.api_key.clone(),
            requests_per_second: MAX_RATE_WITHOUT_KEY,
            timeout: self.timeout,
            max_retries: self.retries,
            backoff: self.backoff,
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
