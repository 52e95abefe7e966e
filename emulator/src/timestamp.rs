//! The timestamps Auth0 puts on credentials: ISO 8601 in UTC with milliseconds,
//! `2033-05-13T09:33:13.000Z` (TestAccClientCredentialsPrivateKeyJWTFullRotation.yaml).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146097 + day_of_era - 719468
}

/// The date of a day count since 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let day_of_era = z - era * 146097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2033-05-13T09:33:13.000Z` for a time in milliseconds since the epoch.
pub fn format_millis(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86400));
    let of_day = secs.rem_euclid(86400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        of_day / 3600,
        (of_day / 60) % 60,
        of_day % 60
    )
}

/// Milliseconds since the epoch of a UTC calendar time; None when a field is out of range.
pub fn from_fields(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    let month_len = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=month_len).contains(&d) || !(0..24).contains(&h) || !(0..60).contains(&mi) {
        return None;
    }
    // A leap second reads as the last second of its minute.
    if !(0..=60).contains(&s) {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s.min(59);
    Some(secs * 1000)
}

/// Parse an RFC 3339 date-time (`2095-05-13T09:33:13Z`, `…13.5+02:00`) to milliseconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = text.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let mut millis = from_fields(
        digits(0, 4)?,
        digits(5, 2)?,
        digits(8, 2)?,
        digits(11, 2)?,
        digits(14, 2)?,
        digits(17, 2)?,
    )?;
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..len.min(3)]);
        millis += padded.parse::<i64>().ok()?;
        rest = &fraction[len..];
    }
    match rest {
        "Z" | "z" => Some(millis),
        offset
            if offset.len() == 6 && matches!(&offset[..1], "+" | "-") && &offset[3..4] == ":" =>
        {
            let hours: i64 = offset[1..3].parse().ok()?;
            let minutes: i64 = offset[4..6].parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let shift = (hours * 60 + minutes) * 60_000;
            Some(if offset.starts_with('+') {
                millis - shift
            } else {
                millis + shift
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_expiry_round_trips_with_milliseconds() {
        let ms = parse_rfc3339("2095-05-13T09:33:13Z").unwrap();
        assert_eq!(format_millis(ms), "2095-05-13T09:33:13.000Z");
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_millis(parse_rfc3339("2024-02-29T23:59:59.5+01:00").unwrap()),
            "2024-02-29T22:59:59.500Z"
        );
    }

    #[test]
    fn text_that_is_not_an_rfc3339_time_is_refused() {
        for bad in [
            "",
            "tomorrow",
            "2095-05-13",
            "2095-13-13T09:33:13Z",
            "2095-02-30T09:33:13Z",
            "2095-05-13T09:33:13",
            "2095-05-13T09:33:13.Z",
            "2095-05-13T09:33:13+0200",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
