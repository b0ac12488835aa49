//! Options shared by every command that may ask NCBI, and the lookups they build.

use std::time::Duration;

use clap::Args;

use crate::cache::Cache;
use crate::eutils::{ApiKey, ClientConfig, DEFAULT_BASE_URL, EutilsClient, MAX_RATE_WITHOUT_KEY};
use crate::lookup::{LookupSettings, Lookups};

#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    /// Base URL of the E-utilities (a mirror, or a local stand-in for tests).
    #[arg(long, env = "CLAIMAUDIT_EUTILS_URL", default_value = DEFAULT_BASE_URL, value_name = "URL")]
    pub eutils_url: String,

    /// Contact address sent to NCBI with every request, as NCBI asks of every client.
    #[arg(long, env = "NCBI_EMAIL", value_name = "ADDRESS")]
    pub email: Option<String>,

    /// Requests per second, shared by all claimaudit processes using this cache
    /// directory [default: 3, or 10 when NCBI_API_KEY is set; never more].
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,

    /// Use the cache only; whatever is not cached is reported as not checked.
    #[arg(long, conflicts_with = "refresh")]
    pub offline: bool,

    /// Ask NCBI again for everything, even what is cached (picks up retractions).
    #[arg(long)]
    pub refresh: bool,

    /// Age after which cached searches and citation matches are asked again.
    #[arg(long, default_value = "30days", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_age: Duration,

    /// Age after which cached records are fetched again, to catch retractions and
    /// corrections.
    #[arg(long, default_value = "90days", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub record_max_age: Duration,

    /// Time limit for one request.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,

    /// Retries after a 429, a 5xx, a timeout, a dropped connection or a damaged answer.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub retries: u32,

    /// First wait before a retry; doubled each time, plus random jitter.
    #[arg(long, env = "CLAIMAUDIT_BACKOFF", default_value = "500ms", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub backoff: Duration,
}

impl NetworkArgs {
    /// The lookups for this run, or a message saying which option to fix.
    pub fn lookups(&self, cache: &Cache) -> Result<Lookups, String> {
        let settings = LookupSettings {
            offline: self.offline,
            refresh: self.refresh,
            search_max_age: self.max_age,
            record_max_age: self.record_max_age,
        };
        if self.offline {
            return Ok(Lookups::new(cache.clone(), None, settings));
        }
        let email = match self.email.as_deref().map(str::trim) {
            Some(email) if email.contains('@') => email.to_owned(),
            Some(other) => {
                return Err(format!(
                    "--email/NCBI_EMAIL \"{other}\" is not an email address; NCBI uses it to contact a misbehaving client"
                ));
            }
            None => {
                return Err(
                    "NCBI asks every client for a contact address: pass --email ADDRESS or set NCBI_EMAIL \
                     (or use --offline to work from the cache only)"
                        .into(),
                );
            }
        };
        let api_key = std::env::var("NCBI_API_KEY")
            .ok()
            .and_then(|k| ApiKey::new(&k));
        let mut config = ClientConfig {
            base_url: self.eutils_url.clone(),
            tool: "claimaudit".into(),
            email,
            api_key,
            requests_per_second: MAX_RATE_WITHOUT_KEY,
            timeout: self.timeout,
            max_retries: self.retries,
            backoff: self.backoff,
        };
        let ceiling = config.rate_ceiling();
        config.requests_per_second = match self.rate {
            Some(rate) if rate.is_nan() || rate <= 0.0 => {
                return Err(format!("--rate must be above 0 (got {rate})"));
            }
            Some(rate) if rate > ceiling => {
                return Err(format!(
                    "--rate {rate} is above NCBI's limit of {ceiling} requests per second{}",
                    if ceiling < 10.0 {
                        " without NCBI_API_KEY"
                    } else {
                        ""
                    }
                ));
            }
            Some(rate) => rate,
            None => ceiling,
        };
        let client = EutilsClient::new(config, cache.root()).map_err(|e| e.to_string())?;
        Ok(Lookups::new(cache.clone(), Some(client), settings))
    }
}
