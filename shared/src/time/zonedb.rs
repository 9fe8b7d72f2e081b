//! The time-zone rules as a table that travels apart from the code.
//!
//! Why: compiled in, the IANA database (chrono-tz) was a fifth of the browser app's
//! download, paid on every first visit by users who never open a schedule. The server and
//! the command line keep chrono-tz (feature `tzdb`); the build writes its rules out with
//! [`ZoneDb::from_tzdb`] and [`ZoneDb::encode`] as a content-hashed asset, and the browser
//! loads it in the background and [`install`]s it. A zone read from the table answers every
//! question exactly as chrono-tz does (a test compares them across all zones); the table is
//! what chrono-tz knows, as the offsets it gives between 1900 and 2100.
//!
//! Format (all integers LEB128, signed ones zig-zag): magic `SLTZ1`, the rule sets, then the
//! names. A rule set is its distinct offsets (total and DST seconds), the index of the one
//! in force before the first transition, and its transitions as (seconds since the previous
//! one, offset index). A name is its bytes and the index of its rule set, so aliases share.

use std::sync::OnceLock;

/// An offset in force: the total from UTC and the daylight-saving part of it, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Off {
    pub total: i32,
    pub dst: i32,
}

/// One zone's offsets over time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rules {
    /// In force before the first transition.
    pub initial: Off,
    /// (instant in Unix seconds, offset from then on), in time order.
    pub transitions: Vec<(i64, Off)>,
}

impl Rules {
    pub fn at(&self, unix: i64) -> Off {
        let i = self.transitions.partition_point(|(t, _)| *t <= unix);
        if i == 0 {
            self.initial
        } else {
            self.transitions[i - 1].1
        }
    }
}

/// Named rule sets, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ZoneDb {
    pub rules: Vec<Rules>,
    pub names: Vec<(String, u32)>,
}

/// Why a table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    #[error("not a Sluice time-zone table")]
    Magic,
    #[error("the time-zone table is cut short")]
    Truncated,
    #[error("the time-zone table is malformed: {0}")]
    Malformed(&'static str),
}

const MAGIC: &[u8] = b"SLTZ1";
/// Far above the real table (about 600 names, 350 rule sets, a few hundred transitions
/// each): limits against a corrupt or hostile file, not against the data.
const MAX_NAMES: u64 = 5_000;
const MAX_RULES: u64 = 5_000;
const MAX_OFFSETS: u64 = 64;
const MAX_TRANSITIONS: u64 = 5_000;

impl ZoneDb {
    pub fn get(&self, name: &str) -> Option<(&str, &Rules)> {
        let i = self
            .names
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()?;
        let (name, rules) = &self.names[i];
        Some((name, self.rules.get(*rules as usize)?))
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        put(&mut out, self.rules.len() as u64);
        for rules in &self.rules {
            let mut offsets = vec![rules.initial];
            for (_, off) in &rules.transitions {
                if !offsets.contains(off) {
                    offsets.push(*off);
                }
            }
            put(&mut out, offsets.len() as u64);
            for off in &offsets {
                put_signed(&mut out, i64::from(off.total));
                put_signed(&mut out, i64::from(off.dst));
            }
            put(&mut out, rules.transitions.len() as u64);
            let mut last = None;
            for (t, off) in &rules.transitions {
                match last {
                    None => put_signed(&mut out, *t),
                    Some(prev) => put(&mut out, (t - prev) as u64),
                }
                last = Some(*t);
                let i = offsets.iter().position(|o| o == off).unwrap_or(0);
                put(&mut out, i as u64);
            }
        }
        put(&mut out, self.names.len() as u64);
        for (name, rules) in &self.names {
            put(&mut out, name.len() as u64);
            out.extend_from_slice(name.as_bytes());
            put(&mut out, u64::from(*rules));
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<ZoneDb, DbError> {
        if !bytes.starts_with(MAGIC) {
            return Err(DbError::Magic);
        }
        let mut r = Reader {
            bytes,
            at: MAGIC.len(),
        };
        let n_rules = r.count(MAX_RULES, "too many rule sets")?;
        let mut rules = Vec::with_capacity(n_rules);
        for _ in 0..n_rules {
            let n_offsets = r.count(MAX_OFFSETS, "too many offsets")?;
            if n_offsets == 0 {
                return Err(DbError::Malformed("a rule set without offsets"));
            }
            let mut offsets = Vec::with_capacity(n_offsets);
            for _ in 0..n_offsets {
                let total = r.offset()?;
                let dst = r.offset()?;
                offsets.push(Off { total, dst });
            }
            let n = r.count(MAX_TRANSITIONS, "too many transitions")?;
            let mut transitions = Vec::with_capacity(n);
            let mut t = 0i64;
            for k in 0..n {
                t = if k == 0 {
                    r.signed()?
                } else {
                    let step = i64::try_from(r.unsigned()?)
                        .map_err(|_| DbError::Malformed("a step out of range"))?;
                    t.checked_add(step)
                        .ok_or(DbError::Malformed("a time out of range"))?
                };
                let i = r.unsigned()? as usize;
                let off = *offsets
                    .get(i)
                    .ok_or(DbError::Malformed("an offset index out of range"))?;
                transitions.push((t, off));
            }
            rules.push(Rules {
                initial: offsets[0],
                transitions,
            });
        }
        let n_names = r.count(MAX_NAMES, "too many names")?;
        let mut names = Vec::with_capacity(n_names);
        for _ in 0..n_names {
            let len = r.count(256, "a name too long")?;
            let name = std::str::from_utf8(r.take(len)?)
                .map_err(|_| DbError::Malformed("a name that is not UTF-8"))?
                .to_owned();
            let i = r.unsigned()?;
            if i >= rules.len() as u64 {
                return Err(DbError::Malformed("a rule set index out of range"));
            }
            names.push((name, i as u32));
        }
        if !names.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(DbError::Malformed("names out of order"));
        }
        if r.at != bytes.len() {
            return Err(DbError::Malformed("bytes after the end"));
        }
        Ok(ZoneDb { rules, names })
    }

    /// Every zone chrono-tz knows, read out by probing its offsets: a week at a time from
    /// 1900 to 2100 (its rules end there), then to the second at each change. No zone
    /// changes offset twice within a week in that range; the parity test would see it.
    #[cfg(feature = "tzdb")]
    pub fn from_tzdb() -> ZoneDb {
        use chrono::{DateTime, Offset, TimeZone};
        use chrono_tz::OffsetComponents;

        const START: i64 = -2_208_988_800; // 1900-01-01T00:00:00Z
        const END: i64 = 4_133_980_800; // 2101-01-01T00:00:00Z
        const WEEK: i64 = 7 * 86_400;
        let off_at = |tz: &chrono_tz::Tz, t: i64| {
            let at = DateTime::from_timestamp(t, 0).expect("in chrono's range");
            let o = tz.offset_from_utc_datetime(&at.naive_utc());
            Off {
                total: o.fix().local_minus_utc(),
                dst: o.dst_offset().num_seconds() as i32,
            }
        };
        let mut db = ZoneDb::default();
        let mut seen: std::collections::HashMap<Rules, u32> = Default::default();
        for tz in chrono_tz::TZ_VARIANTS {
            let initial = off_at(&tz, START);
            let mut transitions = Vec::new();
            let (mut t, mut current) = (START, initial);
            while t < END {
                let next = t + WEEK;
                let off = off_at(&tz, next);
                if off != current {
                    // The change lies in (t, next]: find its first second.
                    let (mut lo, mut hi) = (t, next);
                    while hi - lo > 1 {
                        let mid = lo + (hi - lo) / 2;
                        if off_at(&tz, mid) == current {
                            lo = mid;
                        } else {
                            hi = mid;
                        }
                    }
                    transitions.push((hi, off));
                    current = off;
                }
                t = next;
            }
            let rules = Rules {
                initial,
                transitions,
            };
            let index = *seen.entry(rules.clone()).or_insert_with(|| {
                db.rules.push(rules);
                (db.rules.len() - 1) as u32
            });
            db.names.push((tz.name().to_owned(), index));
        }
        crate::order::sort(&mut db.names);
        db
    }
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_signed(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DbError> {
        let end = self.at.checked_add(n).ok_or(DbError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(DbError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn unsigned(&mut self) -> Result<u64, DbError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.take(1)?.first().ok_or(DbError::Truncated)?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DbError::Malformed("a number too long"))
    }

    fn signed(&mut self) -> Result<i64, DbError> {
        let v = self.unsigned()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn count(&mut self, max: u64, why: &'static str) -> Result<usize, DbError> {
        let n = self.unsigned()?;
        if n > max {
            return Err(DbError::Malformed(why));
        }
        Ok(n as usize)
    }

    /// An offset in seconds: within a day either way.
    fn offset(&mut self) -> Result<i32, DbError> {
        let v = self.signed()?;
        if v.abs() > 86_400 {
            return Err(DbError::Malformed("an offset beyond a day"));
        }
        Ok(v as i32)
    }
}

static INSTALLED: OnceLock<ZoneDb> = OnceLock::new();

/// Makes a table the one [`super::Zone::parse`] reads (once: later calls are ignored).
/// Returns whether this call installed it.
pub fn install(db: ZoneDb) -> bool {
    INSTALLED.set(db).is_ok()
}

pub fn installed() -> Option<&'static ZoneDb> {
    INSTALLED.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ZoneDb {
        let summer = Off {
            total: -7 * 3600,
            dst: 3600,
        };
        let winter = Off {
            total: -8 * 3600,
            dst: 0,
        };
        ZoneDb {
            rules: vec![Rules {
                initial: winter,
                transitions: vec![(1_000, summer), (5_000_000, winter)],
            }],
            names: vec![("A/B".into(), 0), ("C".into(), 0)],
        }
    }

    #[test]
    fn a_table_round_trips_and_answers_by_instant() {
        let db = sample();
        let back = ZoneDb::decode(&db.encode()).unwrap();
        assert_eq!(back, db);
        let (name, rules) = back.get("C").unwrap();
        assert_eq!(name, "C");
        assert_eq!(rules.at(999).dst, 0);
        assert_eq!(rules.at(1_000).dst, 3600);
        assert_eq!(rules.at(5_000_000).total, -8 * 3600);
        assert!(back.get("D").is_none());
    }

    #[test]
    fn broken_tables_are_refused_not_trusted() {
        let bytes = sample().encode();
        assert_eq!(ZoneDb::decode(b"nope"), Err(DbError::Magic));
        for cut in MAGIC.len()..bytes.len() {
            assert!(ZoneDb::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(ZoneDb::decode(&longer).is_err());
        // A count far beyond the limits is refused before anything is allocated.
        let mut huge = MAGIC.to_vec();
        put(&mut huge, u64::MAX >> 1);
        assert!(matches!(ZoneDb::decode(&huge), Err(DbError::Malformed(_))));
    }
}
