//! `$util.time`: the render's clock, epoch conversions, and `java.time` formatting with
//! `DateTimeFormatter` patterns and zone ids (`+08:00`, `Australia/Perth`).

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone};

use super::args::Args;
use super::{Failure, Outcome};
use crate::error::ErrorKind;
use crate::java::datetime::{Pattern, Zone};
use crate::runtime::Runtime;
use crate::value::Value;

fn string(s: String) -> Value {
    Value::Str(Arc::from(s))
}

fn failure(helper: &str, message: String) -> Failure {
    Failure::from(ErrorKind::UtilArgument {
        helper: format!("time.{helper}"),
        message,
    })
}

/// The instant `millis` in `zone`.
fn zoned(millis: i64, zone: &Zone) -> Option<DateTime<FixedOffset>> {
    let utc = DateTime::from_timestamp_millis(millis)?.naive_utc();
    Some(zone.offset_at(&utc).from_utc_datetime(&utc))
}

fn zone_arg(name: &str, id: &str) -> Result<Zone, Failure> {
    Zone::parse(id).ok_or_else(|| failure(name, format!("unknown time zone `{id}`")))
}

/// ISO 8601 in UTC with milliseconds, as the guide's examples print
/// (`2018-02-06T19:01:35.749Z`; always three fraction digits).
fn iso8601(name: &str, millis: i64) -> Result<String, Failure> {
    let t = DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| failure(name, format!("{millis} is out of range")))?;
    Ok(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

fn format(name: &str, millis: i64, pattern: &str, zone: &Zone) -> Result<String, Failure> {
    let pattern = Pattern::compile(pattern).map_err(|e| failure(name, e))?;
    let t =
        zoned(millis, zone).ok_or_else(|| failure(name, format!("{millis} is out of range")))?;
    pattern.format(&t, &zone.id()).map_err(|e| failure(name, e))
}

/// Dispatches `$util.time.name(args)`.
pub(crate) fn call(rt: &Runtime, name: &str, values: &[Value]) -> Outcome {
    let now = rt.now_millis;
    Ok(match (name, values.len()) {
        ("nowEpochMilliSeconds", 0) => Value::Long(now),
        ("nowEpochSeconds", 0) => Value::Long(now.div_euclid(1000)),
        ("nowISO8601", 0) => string(iso8601(name, now)?),
        ("nowFormatted", 1 | 2) => {
            let args = Args::new(name, "String[, String]", values);
            let zone = match values.len() {
                2 => zone_arg(name, &args.str(1)?)?,
                _ => Zone::utc(),
            };
            string(format(name, now, &args.str(0)?, &zone)?)
        }
        ("epochMilliSecondsToSeconds", 1) => {
            Value::Long(Args::new(name, "long", values).long(0)?.div_euclid(1000))
        }
        ("epochMilliSecondsToISO8601", 1) => {
            string(iso8601(name, Args::new(name, "long", values).long(0)?)?)
        }
        ("epochMilliSecondsToFormatted", 2 | 3) => {
            let args = Args::new(name, "long, String[, String]", values);
            let zone = match values.len() {
                3 => zone_arg(name, &args.str(2)?)?,
                _ => Zone::utc(),
            };
            string(format(name, args.long(0)?, &args.str(1)?, &zone)?)
        }
        ("parseISO8601ToEpochMilliSeconds", 1) => {
            let text = Args::new(name, "String", values).str(0)?;
            Value::Long(parse_iso8601(&text).ok_or_else(|| {
                failure(
                    name,
                    format!("Text '{text}' could not be parsed as ISO 8601"),
                )
            })?)
        }
        ("parseFormattedToEpochMilliSeconds", 2 | 3) => {
            let args = Args::new(name, "String, String[, String]", values);
            let zone = match values.len() {
                3 => zone_arg(name, &args.str(2)?)?,
                _ => Zone::utc(),
            };
            let pattern = Pattern::compile(&args.str(1)?).map_err(|e| failure(name, e))?;
            let t = pattern
                .parse(&args.str(0)?, &zone)
                .map_err(|e| failure(name, e))?;
            Value::Long(t.timestamp_millis())
        }
        _ => Value::Null,
    })
}

/// ISO 8601 date-time with an offset (`2018-02-01T17:21:05.180+08:00`, `...Z`); one without
/// an offset is read as UTC.
fn parse_iso8601(text: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(naive.and_utc().timestamp_millis())
}
