//! Time zones as Oozie's JVM sees them.
//!
//! Oozie hands every `timezone` attribute to `java.util.TimeZone`, so a zone here must
//! answer the same questions the same way: which IDs exist, what offset a wall-clock time
//! has when it falls into a DST gap or overlap, and whether an instant is "in daylight
//! time". The server compiles the IANA database in (chrono-tz, feature `tzdb`); the browser
//! reads the same rules from a table made from it (`zonedb`), so the two cannot disagree.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta, Utc};
#[cfg(feature = "tzdb")]
use chrono::{LocalResult, Offset, TimeZone};
#[cfg(feature = "tzdb")]
use chrono_tz::{OffsetComponents, Tz};

use super::zonedb::{Rules, ZoneDb};

/// A time zone a coordinator or dataset can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A region with rules (`America/Los_Angeles`, or a Java alias such as `PST`).
    #[cfg(feature = "tzdb")]
    Region(Tz),
    /// A region read from a rules table ([`super::zonedb::install`]), as in the browser.
    Table {
        name: &'static str,
        rules: &'static Rules,
    },
    /// A fixed offset (`UTC`, `GMT+05:30`, `GMT-0800`).
    Fixed(FixedOffset),
}

/// An ID Java's `TimeZone` does not know (Oozie: "Invalid TimeZone").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone [{0}]: use a region such as America/Los_Angeles, UTC, or GMT+hh:mm")]
pub struct UnknownZone(pub String);

/// Java's three-letter IDs that are aliases of a region (`ZoneId.SHORT_IDS`); Oozie
/// accepts them with a warning. `EST`, `MST` and `HST` are fixed offsets, and the IANA
/// database has them as such.
const JAVA_SHORT_IDS: [(&str, &str); 25] = [
    ("ACT", "Australia/Darwin"),
    ("AET", "Australia/Sydney"),
    ("AGT", "America/Argentina/Buenos_Aires"),
    ("ART", "Africa/Cairo"),
    ("AST", "America/Anchorage"),
    ("BET", "America/Sao_Paulo"),
    ("BST", "Asia/Dhaka"),
    ("CAT", "Africa/Harare"),
    ("CNT", "America/St_Johns"),
    ("CST", "America/Chicago"),
    ("CTT", "Asia/Shanghai"),
    ("EAT", "Africa/Addis_Ababa"),
    ("ECT", "Europe/Paris"),
    ("IET", "America/Indiana/Indianapolis"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("MIT", "Pacific/Apia"),
    ("NET", "Asia/Yerevan"),
    ("NST", "Pacific/Auckland"),
    ("PLT", "Asia/Karachi"),
    ("PNT", "America/Phoenix"),
    ("PRT", "America/Puerto_Rico"),
    ("PST", "America/Los_Angeles"),
    ("SST", "Pacific/Guadalcanal"),
    ("VST", "Asia/Ho_Chi_Minh"),
];

impl Zone {
    pub const UTC: Zone = Zone::Fixed(FixedOffset::east_opt(0).expect("zero is a valid offset"));

    /// Parses a zone ID as Oozie's `DateUtils.getTimeZone` does: region IDs, Java's
    /// three-letter aliases, `UTC`/`GMT`, and `GMT±hh:mm` or `GMT±hhmm`.
    pub fn parse(id: &str) -> Result<Zone, UnknownZone> {
        let unknown = || UnknownZone(id.to_owned());
        if id == "UTC" || id == "GMT" {
            return Ok(Zone::UTC);
        }
        if let Some(rest) = id.strip_prefix("GMT") {
            return parse_gmt_offset(rest).map(Zone::Fixed).ok_or_else(unknown);
        }
        let name = JAVA_SHORT_IDS
            .iter()
            .find(|(short, _)| *short == id)
            .map_or(id, |(_, region)| region);
        #[cfg(feature = "tzdb")]
        {
            name.parse::<Tz>().map(Zone::Region).map_err(|_| unknown())
        }
        #[cfg(not(feature = "tzdb"))]
        {
            super::zonedb::installed()
                .and_then(|db| Zone::in_table(db, name))
                .ok_or_else(unknown)
        }
    }

    /// A region of a rules table.
    pub fn in_table(db: &'static ZoneDb, name: &str) -> Option<Zone> {
        db.get(name)
            .map(|(name, rules)| Zone::Table { name, rules })
    }

    /// Whether region IDs can be read: always on the server; in the browser once the
    /// rules table has arrived.
    pub fn regions_known() -> bool {
        cfg!(feature = "tzdb") || super::zonedb::installed().is_some()
    }

    /// The total offset from UTC in effect at `t`.
    pub fn offset_at(&self, t: DateTime<Utc>) -> FixedOffset {
        match self {
            #[cfg(feature = "tzdb")]
            Zone::Region(tz) => tz.offset_from_utc_datetime(&t.naive_utc()).fix(),
            Zone::Table { rules, .. } => fixed(rules.at(t.timestamp()).total),
            Zone::Fixed(off) => *off,
        }
    }

    /// The daylight-saving part of the offset at `t` (`Calendar.DST_OFFSET`); zero when
    /// `t` is in standard time (Java's `inDaylightTime` is "this is not zero").
    pub fn dst_at(&self, t: DateTime<Utc>) -> TimeDelta {
        match self {
            #[cfg(feature = "tzdb")]
            Zone::Region(tz) => tz.offset_from_utc_datetime(&t.naive_utc()).dst_offset(),
            Zone::Table { rules, .. } => TimeDelta::seconds(i64::from(rules.at(t.timestamp()).dst)),
            Zone::Fixed(_) => TimeDelta::zero(),
        }
    }

    /// The wall-clock time at `t`.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc() + self.offset_at(t)
    }

    /// The instant of a wall-clock time, resolved as `GregorianCalendar.computeTime` does:
    /// a time in a gap (spring forward) is read with the offset before the transition, so
    /// 02:30 on the day LA skips to 03:00 becomes 03:30 PDT; a time that occurs twice (fall
    /// back) is read with the offset after the transition, the later of the two.
    pub fn resolve_wall(&self, wall: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Fixed(off) => (wall - *off).and_utc(),
            Zone::Table { rules, .. } => {
                // The same answers as chrono's LocalResult below: the offset after a
                // transition if the wall time exists with it (single, or the later of
                // two), else the one before it (single, or a gap). No zone has two
                // transitions within a day.
                let total = |t: NaiveDateTime| i64::from(rules.at(t.and_utc().timestamp()).total);
                let before = total(wall - TimeDelta::days(1));
                let after = total(wall + TimeDelta::days(1));
                let fits = |o: i64| total(wall - TimeDelta::seconds(o)) == o;
                let o = if fits(after) { after } else { before };
                (wall - TimeDelta::seconds(o)).and_utc()
            }
            #[cfg(feature = "tzdb")]
            Zone::Region(tz) => match tz.offset_from_local_datetime(&wall) {
                LocalResult::Single(off) => (wall - off.fix()).and_utc(),
                LocalResult::Ambiguous(_, later) => (wall - later.fix()).and_utc(),
                LocalResult::None => {
                    // No real zone has two transitions within a day, so the offset a day
                    // before the gap is the one in force just before it.
                    let before = tz
                        .offset_from_utc_datetime(&(wall - TimeDelta::days(1)))
                        .fix();
                    (wall - before).and_utc()
                }
            },
        }
    }

    /// Each of `times` on this zone's clock, with the offset in effect, and the offset
    /// before it when the clocks changed since the time before (the first is compared
    /// with `since`): what a schedule's preview shows beside the UTC times.
    pub fn wall_times(
        &self,
        since: DateTime<Utc>,
        times: impl IntoIterator<Item = DateTime<Utc>>,
    ) -> Vec<WallTime> {
        let mut before = self.offset_at(since);
        times
            .into_iter()
            .map(|t| {
                let offset = self.offset_at(t);
                let changed_from = (offset != before).then_some(before);
                before = offset;
                WallTime {
                    wall: t.naive_utc() + offset,
                    offset,
                    changed_from,
                }
            })
            .collect()
    }

    /// The ID as Oozie would print it.
    pub fn id(&self) -> String {
        match self {
            #[cfg(feature = "tzdb")]
            Zone::Region(tz) => tz.name().to_owned(),
            Zone::Table { name, .. } => (*name).to_owned(),
            Zone::Fixed(off) if off.local_minus_utc() == 0 => "UTC".to_owned(),
            Zone::Fixed(off) => {
                let secs = off.local_minus_utc();
                let sign = if secs < 0 { '-' } else { '+' };
                let mins = secs.unsigned_abs() / 60;
                format!("GMT{sign}{:02}:{:02}", mins / 60, mins % 60)
            }
        }
    }
}

/// An instant on a zone's clock; see [`Zone::wall_times`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallTime {
    pub wall: NaiveDateTime,
    pub offset: FixedOffset,
    /// The offset before, when the clocks changed.
    pub changed_from: Option<FixedOffset>,
}

/// An offset the table holds (within a day, so always valid).
fn fixed(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero"))
}

/// `+hh:mm` or `+hhmm` after `GMT`. Java reads `GMT+5` too, but names it `GMT+05:00`, and
/// Oozie rejects every ID whose Java name differs from what was written.
fn parse_gmt_offset(rest: &str) -> Option<FixedOffset> {
    let b = rest.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: Vec<u8> = match b.len() {
        6 if b[3] == b':' => vec![b[1], b[2], b[4], b[5]],
        5 => b[1..].to_vec(),
        _ => return None,
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| i32::from(digits[i] - b'0') * 10 + i32::from(digits[i + 1] - b'0');
    let (h, m) = (n(0), n(2));
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[cfg(feature = "tzdb")]
    #[test]
    fn wall_times_mark_the_clock_changes() {
        let la = Zone::parse("America/Los_Angeles").unwrap();
        let utc = |mo, d| wall(2027, mo, d, 10, 0).and_utc();
        let times = la.wall_times(utc(1, 1), [utc(3, 1), utc(4, 1), utc(5, 1), utc(11, 10)]);
        let hours = |o: FixedOffset| o.local_minus_utc() / 3600;
        assert_eq!(times[0].wall, wall(2027, 3, 1, 2, 0));
        assert_eq!(times[0].changed_from, None);
        assert_eq!(hours(times[1].offset), -7);
        assert_eq!(times[1].changed_from.map(hours), Some(-8));
        assert_eq!(times[2].changed_from, None);
        assert_eq!(times[3].changed_from.map(hours), Some(-7));
    }

    fn wall(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        wall(y, mo, d, h, mi).and_utc()
    }

    #[test]
    fn ids_java_knows_parse_and_others_do_not() {
        for id in [
            "America/Los_Angeles",
            "UTC",
            "GMT",
            "PST",
            "EST",
            "GMT+05:30",
            "GMT-0800",
        ] {
            assert!(Zone::parse(id).is_ok(), "{id}");
        }
        for id in [
            "Americas/Los_Angeles",
            "",
            "GMT+5:3",
            "GMT+24:00",
            "pst",
            "GMT05:00",
        ] {
            assert!(Zone::parse(id).is_err(), "{id}");
        }
        assert_eq!(Zone::parse("GMT-0800").unwrap().id(), "GMT-08:00");
        assert_eq!(Zone::parse("PST").unwrap().id(), "America/Los_Angeles");
    }

    #[test]
    fn a_wall_time_in_the_spring_gap_moves_forward_and_a_doubled_one_takes_the_later() {
        let la = Zone::parse("America/Los_Angeles").unwrap();
        // 2009-03-08 02:30 does not exist in LA: read as PST, it is 03:30 PDT.
        assert_eq!(
            la.resolve_wall(wall(2009, 3, 8, 2, 30)),
            utc(2009, 3, 8, 10, 30)
        );
        // 2009-11-01 01:30 happens twice: Java takes standard time, the second one.
        assert_eq!(
            la.resolve_wall(wall(2009, 11, 1, 1, 30)),
            utc(2009, 11, 1, 9, 30)
        );
        assert_eq!(la.dst_at(utc(2009, 7, 1, 0, 0)), TimeDelta::hours(1));
        assert_eq!(la.dst_at(utc(2009, 1, 1, 0, 0)), TimeDelta::zero());
    }

    /// The browser's zones (a table made from chrono-tz) answer as the server's do: every
    /// zone, at and around every transition, at instants spread over the whole range, and
    /// for wall times around each transition since 1970 (gaps and overlaps included).
    #[test]
    fn the_table_made_from_the_database_answers_as_the_database_does() {
        let db: &'static ZoneDb = Box::leak(Box::new(
            ZoneDb::decode(&ZoneDb::from_tzdb().encode()).unwrap(),
        ));
        assert_eq!(db.names.len(), chrono_tz::TZ_VARIANTS.len());
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut random = move |lo: i64, hi: i64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            lo + (seed % (hi - lo) as u64) as i64
        };
        let (mut instants, mut walls) = (0, 0);
        for tz in chrono_tz::TZ_VARIANTS {
            let server = Zone::Region(tz);
            let browser = Zone::in_table(db, tz.name()).unwrap();
            assert_eq!(browser.id(), server.id());
            let (_, rules) = db.get(tz.name()).unwrap();
            let mut probes: Vec<i64> = rules
                .transitions
                .iter()
                .flat_map(|(t, _)| [t - 1, *t, t + 1])
                .collect();
            probes.extend((0..200).map(|_| random(-2_208_988_800, 4_102_444_800)));
            for t in probes {
                let at = DateTime::from_timestamp(t, 0).unwrap();
                assert_eq!(browser.offset_at(at), server.offset_at(at), "{tz} at {at}");
                assert_eq!(browser.dst_at(at), server.dst_at(at), "{tz} at {at}");
                instants += 1;
            }
            for (t, _) in rules.transitions.iter().filter(|(t, _)| *t > 0) {
                let local = server.local(DateTime::from_timestamp(*t, 0).unwrap());
                for quarter in -12..=12 {
                    let wall = local + TimeDelta::minutes(15 * quarter);
                    assert_eq!(
                        browser.resolve_wall(wall),
                        server.resolve_wall(wall),
                        "{tz} wall {wall}"
                    );
                    walls += 1;
                }
            }
        }
        assert!(instants > 100_000 && walls > 100_000, "{instants} {walls}");
    }
}
