//! Calendar dates as the claims file writes them (`YYYY-MM-DD`, UTC), compared and
//! counted without a date library: a date is the number of days since 1970-01-01.

use std::time::SystemTime;

/// Days since 1970-01-01 of `YYYY-MM-DD`; `None` unless it is a real date.
pub fn days(date: &str) -> Option<i64> {
    let parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    let (year, month, day) = (number(year, 4)?, number(month, 2)?, number(day, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > month_length(year, month) {
        return None;
    }
    // Days from civil (proleptic Gregorian), counting years from March so that the leap
    // day ends the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn month_length(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    }
}

/// Whether `date` is a real `YYYY-MM-DD` date.
pub fn is_date(date: &str) -> bool {
    days(date).is_some()
}

/// Today's date in UTC, from the real clock (never from a pinned report time, which
/// must not bring an expired waiver back).
pub fn today() -> String {
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    now[..10].to_owned()
}

/// The same day a year later (28 February for 29 February).
pub fn a_year_after(date: &str) -> Option<String> {
    days(date)?;
    let year: i64 = date[..4].parse().ok()?;
    let next = format!("{}{}", year + 1, &date[4..]);
    if is_date(&next) {
        Some(next)
    } else {
        Some(format!("{}-02-28", year + 1))
    }
}

/// The date `by` days after `date` (before it when negative); `None` for a date that is
/// not real or would fall before 1970.
pub fn shifted(date: &str, by: i64) -> Option<String> {
    let seconds = u64::try_from((days(date)? + by) * 86_400).ok()?;
    let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    Some(humantime::format_rfc3339_seconds(time).to_string()[..10].to_owned())
}

/// Seconds since the epoch of the start of a date (for tests of `today`).
#[cfg(test)]
fn start_of(date: &str) -> Option<u64> {
    u64::try_from(days(date)? * 86_400).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_across_leap_years() {
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2000-03-01").unwrap() - days("2000-02-28").unwrap(), 2);
        assert_eq!(days("2100-03-01").unwrap() - days("2100-02-28").unwrap(), 1);
        assert_eq!(
            days("2027-01-01").unwrap() - days("2026-01-01").unwrap(),
            365
        );
        for bad in [
            "2027-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-01-01",
            "2026-1-01",
            "",
        ] {
            assert_eq!(days(bad), None, "{bad}");
        }
        assert_eq!(a_year_after("2028-02-29").as_deref(), Some("2029-02-28"));
        assert_eq!(a_year_after("2026-11-26").as_deref(), Some("2027-11-26"));
        assert_eq!(shifted("2026-12-31", 1).as_deref(), Some("2027-01-01"));
        assert_eq!(shifted("2024-03-01", -1).as_deref(), Some("2024-02-29"));
        assert_eq!(shifted("1970-01-01", -1), None);
    }

    #[test]
    fn today_is_the_real_date() {
        use std::time::UNIX_EPOCH;
        let today = today();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let start = start_of(&today).unwrap();
        assert!(start <= now && now < start + 86_400, "{today}");
    }
}
