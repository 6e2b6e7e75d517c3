//! `format_date`, `format_time` and `format_datetime`: an ISO 8601 value (a date, a year and
//! month, or a date and time with or without an offset or `[Zone]`), optionally moved into the
//! time zone `tz=`, written the locale's way from CLDR patterns.

use icu_calendar::Date;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::builder::{DateFields, FieldSetBuilder, ZoneStyle};
use icu_datetime::options::{Length, TimePrecision};
use icu_locale_core::Locale;
use icu_time::zone::UtcOffset;
use icu_time::{DateTime, Time, TimeZone, ZonedDateTime};
use jiff::fmt::temporal::Pieces;
use serde_json::Value;

use super::{Args, FormatError};

/// Which parts of the moment a filter writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Parts {
    /// `format_date`.
    Date,
    /// `format_time`.
    Time,
    /// `format_datetime`.
    DateTime,
}

const DATE_ARGS: &[&str] = &["style", "weekday", "year", "day", "tz"];
const TIME_ARGS: &[&str] = &["seconds", "zone", "tz"];
const DATETIME_ARGS: &[&str] = &["style", "weekday", "year", "seconds", "zone", "tz"];
const STYLES: &[&str] = &["full", "long", "medium", "short"];
const ZONES: &[&str] = &["none", "short", "long", "offset", "location"];
const DATE_HINT: &str = "a date: write it as ISO 8601 text, like \"2026-04-14\", \"2026-04\" (a month) or \"2026-04-14T09:30:00+01:00\"";
const TIME_HINT: &str = "a date and time: write it as ISO 8601 text, like \"2026-04-14T09:30:00+01:00\" or \"2026-04-14T08:30:00Z\"";

/// The moment to write, already in the time zone it is shown in.
struct Moment {
    date: jiff::civil::Date,
    time: Option<jiff::civil::Time>,
    /// Only a year and month were given.
    month_only: bool,
    zone: Option<Zone>,
}

/// The zone a time is shown in: its IANA name when known, and its offset at that moment.
struct Zone {
    iana: Option<String>,
    offset: jiff::tz::Offset,
}

/// Formats `value` as a date, a time or both, for `locale`.
pub(super) fn format(
    parts: Parts,
    value: &Value,
    args: &Args,
    locale: &Locale,
) -> Result<String, FormatError> {
    args.only(match parts {
        Parts::Date => DATE_ARGS,
        Parts::Time => TIME_ARGS,
        Parts::DateTime => DATETIME_ARGS,
    })?;
    let hint = if parts == Parts::Date {
        DATE_HINT
    } else {
        TIME_HINT
    };
    let target = match args.text("tz")? {
        Some(name) => Some(time_zone(name).ok_or_else(|| {
            args.bad(
                "tz",
                &Value::String(name.to_string()),
                "an IANA time zone such as \"Europe/Istanbul\", \"UTC\", or an offset such as \"+03:00\"",
            )
        })?),
        None => None,
    };
    let moment = parse(value, target).map_err(|()| args.wrong_value(value, hint))?;
    if parts != Parts::Date && moment.time.is_none() {
        return Err(args.wrong_value(value, TIME_HINT));
    }
    let zone_style = zone_style(args)?;
    if zone_style.is_some() && moment.zone.is_none() {
        return Err(args.bad(
            "zone",
            args.map.get("zone").unwrap_or(&Value::Null),
            "it with a value that carries its offset (…T09:30:00+01:00) or with tz=\"Europe/London\"",
        ));
    }
    let mut builder = FieldSetBuilder::new();
    if parts != Parts::Time {
        let (length, fields) = date_fields(args, moment.month_only)?;
        builder.length = Some(length);
        builder.date_fields = Some(fields);
    }
    if parts != Parts::Date {
        builder.time_precision = Some(if args.flag("seconds")?.unwrap_or(false) {
            TimePrecision::Second
        } else {
            TimePrecision::Minute
        });
        builder.zone_style = zone_style;
    }
    let field_set = builder
        .build_composite()
        .map_err(|_| args.wrong_value(value, hint))?;
    let formatter = super::cache::formatter(format!("{locale}|{field_set:?}"), || {
        DateTimeFormatter::try_new(locale.into(), field_set)
            .map_err(|_| FormatError::Locale(locale.to_string()))
    })?;
    let input = icu_input(&moment).ok_or_else(|| args.wrong_value(value, hint))?;
    Ok(formatter.format(&input).to_string())
}

/// Length and fields from `style`, `weekday`, `year` and `day`.
fn date_fields(args: &Args, month_only: bool) -> Result<(Length, DateFields), FormatError> {
    let style = args.choice("style", STYLES)?.unwrap_or("long");
    let weekday = args.flag("weekday")?.unwrap_or(style == "full");
    let year = args.flag("year")?.unwrap_or(true);
    let day = args.flag("day")?.unwrap_or(true) && !month_only;
    let length = match style {
        "medium" => Length::Medium,
        "short" => Length::Short,
        _ => Length::Long,
    };
    let fields = match (day, year, weekday) {
        (false, true, _) => DateFields::YM,
        (false, false, _) => DateFields::M,
        (true, true, false) => DateFields::YMD,
        (true, true, true) => DateFields::YMDE,
        (true, false, false) => DateFields::MD,
        (true, false, true) => DateFields::MDE,
    };
    Ok((length, fields))
}

fn zone_style(args: &Args) -> Result<Option<ZoneStyle>, FormatError> {
    Ok(match args.choice("zone", ZONES)? {
        Some("short") => Some(ZoneStyle::SpecificShort),
        Some("long") => Some(ZoneStyle::SpecificLong),
        Some("offset") => Some(ZoneStyle::LocalizedOffsetShort),
        Some("location") => Some(ZoneStyle::Location),
        _ => None,
    })
}

/// Reads the value and moves it into the zone `target` when given. `Err(())` means "not an ISO
/// 8601 value"; the caller words the message.
fn parse(value: &Value, target: Option<jiff::tz::TimeZone>) -> Result<Moment, ()> {
    let text = value.as_str().ok_or(())?.trim();
    if let Some(date) = year_month(text) {
        return Ok(Moment {
            date,
            time: None,
            month_only: true,
            zone: None,
        });
    }
    let pieces = Pieces::parse(text).map_err(|_| ())?;
    let date = pieces.date();
    let Some(time) = pieces.time() else {
        return Ok(Moment {
            date,
            time: None,
            month_only: false,
            zone: None,
        });
    };
    let civil = date.to_datetime(time);
    let annotated = pieces.to_time_zone().map_err(|_| ())?;
    let written: Option<jiff::tz::TimeZone> = match (pieces.offset(), annotated) {
        (_, Some(named)) => Some(named),
        (Some(offset), None) => Some(jiff::tz::TimeZone::fixed(offset.to_numeric_offset())),
        (None, None) => None,
    };
    let (civil, zone) = match (written, target) {
        (Some(from), Some(to)) => {
            let instant = from
                .to_ambiguous_zoned_datetime(civil)
                .compatible()
                .map_err(|_| ())?;
            let moved = instant.with_time_zone(to.clone());
            (moved.datetime(), Some(zone_at(&to, &moved)))
        }
        (Some(tz), None) | (None, Some(tz)) => {
            let zoned = tz
                .to_ambiguous_zoned_datetime(civil)
                .compatible()
                .map_err(|_| ())?;
            (civil, Some(zone_at(&tz, &zoned)))
        }
        (None, None) => (civil, None),
    };
    Ok(Moment {
        date: civil.date(),
        time: Some(civil.time()),
        month_only: false,
        zone,
    })
}

/// `2026-04` as the first of that month.
fn year_month(text: &str) -> Option<jiff::civil::Date> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i16 = year.parse().ok()?;
    let month: i8 = month.parse().ok()?;
    jiff::civil::Date::new(year, month, 1).ok()
}

/// `tz=`: an IANA name from the time zone database bundled in the binary, `UTC`, or a fixed
/// offset such as `+03:00`.
fn time_zone(name: &str) -> Option<jiff::tz::TimeZone> {
    let name = name.trim();
    if name.starts_with(['+', '-']) {
        let moment = format!("2000-01-01T00:00:00{name}");
        let offset = Pieces::parse(&moment).ok()?.offset()?.to_numeric_offset();
        return Some(jiff::tz::TimeZone::fixed(offset));
    }
    if name.eq_ignore_ascii_case("utc") || name == "Z" {
        return Some(jiff::tz::TimeZone::UTC);
    }
    jiff::tz::TimeZone::get(name).ok()
}

fn zone_at(tz: &jiff::tz::TimeZone, zoned: &jiff::ZonedDateTime) -> Zone {
    Zone {
        iana: tz.iana_name().map(str::to_string),
        offset: zoned.offset(),
    }
}

/// The moment as ICU4X input (midnight and no zone when only a date was given).
fn icu_input(
    moment: &Moment,
) -> Option<ZonedDateTime<icu_calendar::Iso, icu_time::TimeZoneInfo<icu_time::zone::models::AtTime>>>
{
    let d = moment.date;
    let date = Date::try_new_iso(i32::from(d.year()), d.month() as u8, d.day() as u8).ok()?;
    let time = match moment.time {
        Some(t) => Time::try_new(
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
            t.subsec_nanosecond() as u32,
        )
        .ok()?,
        None => Time::start_of_day(),
    };
    let (id, offset) = match &moment.zone {
        Some(zone) => (
            zone.iana
                .as_deref()
                .map_or(TimeZone::UNKNOWN, TimeZone::from_iana_id),
            UtcOffset::try_from_seconds(zone.offset.seconds()).ok(),
        ),
        None => (TimeZone::UNKNOWN, None),
    };
    let zone = id.with_offset(offset).at_date_time(DateTime { date, time });
    Some(ZonedDateTime { date, time, zone })
}

#[cfg(test)]
mod tests {
    use super::super::{apply, args};
    use serde_json::json;

    fn fmt(filter: &str, value: &str, a: serde_json::Value, locale: &str) -> String {
        apply(filter, &json!(value), &args(a), locale).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn turkish_dates_use_turkish_month_and_day_names() {
        assert_eq!(
            fmt("format_date", "2026-04-14", json!({}), "tr"),
            "14 Nisan 2026"
        );
        assert_eq!(
            fmt(
                "format_date",
                "2026-04-17",
                json!({"weekday": true, "year": false}),
                "tr"
            ),
            "17 Nisan Cuma"
        );
        assert_eq!(
            fmt("format_date", "2026-04-14", json!({"style": "full"}), "tr"),
            "14 Nisan 2026 Salı"
        );
        assert_eq!(
            fmt("format_date", "2026-04-14", json!({"style": "short"}), "tr"),
            "14.04.2026"
        );
    }

    #[test]
    fn british_and_american_english_differ() {
        assert_eq!(
            fmt("format_date", "2026-04-14", json!({}), "en-GB"),
            "14 April 2026"
        );
        assert_eq!(
            fmt("format_date", "2026-04-14", json!({}), "en"),
            "April 14, 2026"
        );
        assert_eq!(
            fmt(
                "format_date",
                "2026-04-17",
                json!({"weekday": true, "year": false}),
                "en-GB"
            ),
            "Friday 17 April"
        );
    }

    #[test]
    fn a_year_and_month_is_a_month() {
        assert_eq!(fmt("format_date", "2026-03", json!({}), "tr"), "Mart 2026");
        assert_eq!(
            fmt("format_date", "2026-03-09", json!({"day": false}), "en-GB"),
            "March 2026"
        );
    }

    #[test]
    fn times_move_into_the_requested_zone() {
        // 20:07 UTC is 21:07 in London (summer time) and 23:07 in Istanbul.
        let value = "2026-04-14T20:07:00Z";
        assert_eq!(
            fmt(
                "format_time",
                value,
                json!({"tz": "Europe/London"}),
                "en-GB"
            ),
            "21:07"
        );
        assert_eq!(
            fmt("format_time", value, json!({"tz": "Europe/Istanbul"}), "tr"),
            "23:07"
        );
        assert_eq!(
            fmt("format_time", value, json!({"tz": "+05:30"}), "tr"),
            "01:37"
        );
        assert_eq!(
            fmt(
                "format_time",
                value,
                json!({"tz": "Europe/London", "zone": "short"}),
                "en-GB"
            ),
            "21:07 BST"
        );
    }

    #[test]
    fn the_date_of_a_moment_depends_on_the_zone() {
        let value = "2026-04-14T22:30:00+00:00";
        assert_eq!(fmt("format_date", value, json!({}), "tr"), "14 Nisan 2026");
        assert_eq!(
            fmt("format_date", value, json!({"tz": "Europe/Istanbul"}), "tr"),
            "15 Nisan 2026"
        );
    }

    #[test]
    fn a_written_offset_is_kept_without_tz() {
        let value = "2026-04-14T21:07:00+01:00";
        assert_eq!(
            fmt("format_time", value, json!({"zone": "offset"}), "tr"),
            "21:07 GMT+1"
        );
        assert_eq!(
            fmt("format_datetime", value, json!({"style": "long"}), "en-GB"),
            "14 April 2026 at 21:07"
        );
        assert_eq!(
            fmt("format_datetime", value, json!({"weekday": true}), "tr"),
            "14 Nisan 2026 Salı 21:07"
        );
    }

    #[test]
    fn english_dates_are_refused_with_an_example() {
        let err = apply(
            "format_date",
            &json!("14 April 2026"),
            &args(json!({})),
            "tr",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("format_date: “14 April 2026” is not a date"),
            "{err}"
        );
        assert!(err.contains("2026-04-14"), "{err}");
    }

    #[test]
    fn a_time_needs_a_time() {
        let err = apply("format_time", &json!("2026-04-14"), &args(json!({})), "tr")
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not a date and time"), "{err}");
    }

    #[test]
    fn a_zone_name_needs_a_zone() {
        let err = apply(
            "format_time",
            &json!("2026-04-14T09:00:00"),
            &args(json!({"zone": "short"})),
            "en",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("tz="), "{err}");
    }

    #[test]
    fn an_unknown_zone_is_refused() {
        let err = apply(
            "format_time",
            &json!("2026-04-14T09:00:00Z"),
            &args(json!({"tz": "Mars/Olympus"})),
            "en",
        )
        .unwrap_err();
        assert!(err.to_string().contains("format_time"), "{err}");
    }
}
