//! The cron builder's model: each of a cron's five fields as the choice a form offers
//! (every, every N starting at, these values, a range, the last day, the nearest weekday,
//! the nth weekday…), read from the text and written back to it.
//!
//! The text stays the one source of truth: a builder edit rewrites one field of it, and
//! typing in the text box re-reads every field. A field the choices cannot express (say
//! `1-5,10/3`) reads as [`Choice::Custom`] and is written back exactly as it was, so the
//! builder never rewrites what it does not understand. Whether the whole cron is valid is
//! [`super::cron::Cron::parse`]'s call, not this module's.

pub use super::cron::CronField;

/// What the builder needs of a field beyond what the parser does.
impl CronField {
    pub const ALL: [CronField; 5] = [
        CronField::Minute,
        CronField::Hour,
        CronField::DayOfMonth,
        CronField::Month,
        CronField::DayOfWeek,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn id(self) -> &'static str {
        match self {
            CronField::Minute => "minute",
            CronField::Hour => "hour",
            CronField::DayOfMonth => "day",
            CronField::Month => "month",
            CronField::DayOfWeek => "weekday",
        }
    }

    /// How a value is written: month and weekday names (`JAN`, `MON`), else the number.
    pub fn token(self, value: u32) -> String {
        self.value_name(value)
            .map_or_else(|| value.to_string(), |n| n[..3].to_uppercase())
    }

    /// The English name of a month or weekday value, for labels.
    pub fn value_name(self, value: u32) -> Option<&'static str> {
        self.names().get(value.checked_sub(1)? as usize).copied()
    }

    fn value(self, text: &str) -> Option<u32> {
        let (low, high) = self.range();
        let v = match text.parse::<u32>() {
            Ok(v) => v,
            Err(_) if text.len() == 3 => {
                let i = self
                    .names()
                    .iter()
                    .position(|n| n[..3].eq_ignore_ascii_case(text))?;
                i as u32 + 1
            }
            Err(_) => return None,
        };
        (low..=high).contains(&v).then_some(v)
    }

    /// The kinds of choice the builder offers for this field, in the order it shows them.
    pub fn kinds(self) -> &'static [ChoiceKind] {
        use ChoiceKind::*;
        match self {
            CronField::Minute | CronField::Hour | CronField::Month => &[Every, Step, Values, Range],
            CronField::DayOfMonth => &[
                Every,
                Step,
                Values,
                Range,
                LastDay,
                LastWeekday,
                NearestWeekday,
                Unspecified,
            ],
            CronField::DayOfWeek => &[Every, Values, Range, NthWeekday, LastWeekdayOf, Unspecified],
        }
    }
}

/// What one field says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// `*`.
    Every,
    /// `?`: the other day field decides.
    Unspecified,
    /// `start/every`: every `every` starting at `start`.
    Step { start: u32, every: u32 },
    /// `a,b,c`: these values, ascending, without repeats, at least one.
    Values(Vec<u32>),
    /// `from-to`, both included (a range may wrap: `FRI-MON`).
    Range { from: u32, to: u32 },
    /// `L` or `L-n`: the last day of the month, or `before` days before it.
    LastDay { before: u32 },
    /// `LW`: the last Monday–Friday of the month.
    LastWeekday,
    /// `nW`: the Monday–Friday nearest to day `n`, without leaving the month.
    NearestWeekday(u32),
    /// `d#n`: the `nth` weekday `day` of the month (`6#3`: the third Friday).
    NthWeekday { day: u32, nth: u32 },
    /// `dL`: the last weekday `day` of the month (`6L`: the last Friday).
    LastWeekdayOf(u32),
    /// Anything else, kept as written.
    Custom(String),
}

/// The kinds of [`Choice`], for the builder's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChoiceKind {
    Every,
    Unspecified,
    Step,
    Values,
    Range,
    LastDay,
    LastWeekday,
    NearestWeekday,
    NthWeekday,
    LastWeekdayOf,
    Custom,
}

impl ChoiceKind {
    pub fn id(self) -> &'static str {
        match self {
            ChoiceKind::Every => "every",
            ChoiceKind::Unspecified => "unspecified",
            ChoiceKind::Step => "step",
            ChoiceKind::Values => "values",
            ChoiceKind::Range => "range",
            ChoiceKind::LastDay => "last-day",
            ChoiceKind::LastWeekday => "last-weekday",
            ChoiceKind::NearestWeekday => "nearest-weekday",
            ChoiceKind::NthWeekday => "nth-weekday",
            ChoiceKind::LastWeekdayOf => "last-weekday-of",
            ChoiceKind::Custom => "custom",
        }
    }

    /// The choice a user gets on picking this kind, before adjusting its numbers.
    pub fn start(self, field: CronField) -> Choice {
        let (low, _) = field.range();
        match self {
            ChoiceKind::Every => Choice::Every,
            ChoiceKind::Unspecified => Choice::Unspecified,
            ChoiceKind::Step => Choice::Step {
                start: low,
                every: match field {
                    CronField::Minute => 15,
                    CronField::Hour => 6,
                    _ => 2,
                },
            },
            ChoiceKind::Values => Choice::Values(vec![low]),
            ChoiceKind::Range => match field {
                // Monday to Friday, the range people want.
                CronField::DayOfWeek => Choice::Range { from: 2, to: 6 },
                _ => Choice::Range {
                    from: low,
                    to: low + 1,
                },
            },
            ChoiceKind::LastDay => Choice::LastDay { before: 0 },
            ChoiceKind::LastWeekday => Choice::LastWeekday,
            ChoiceKind::NearestWeekday => Choice::NearestWeekday(15),
            ChoiceKind::NthWeekday => Choice::NthWeekday { day: 2, nth: 1 },
            ChoiceKind::LastWeekdayOf => Choice::LastWeekdayOf(6),
            ChoiceKind::Custom => Choice::Custom("*".to_owned()),
        }
    }
}

impl Choice {
    pub fn kind(&self) -> ChoiceKind {
        match self {
            Choice::Every => ChoiceKind::Every,
            Choice::Unspecified => ChoiceKind::Unspecified,
            Choice::Step { .. } => ChoiceKind::Step,
            Choice::Values(_) => ChoiceKind::Values,
            Choice::Range { .. } => ChoiceKind::Range,
            Choice::LastDay { .. } => ChoiceKind::LastDay,
            Choice::LastWeekday => ChoiceKind::LastWeekday,
            Choice::NearestWeekday(_) => ChoiceKind::NearestWeekday,
            Choice::NthWeekday { .. } => ChoiceKind::NthWeekday,
            Choice::LastWeekdayOf(_) => ChoiceKind::LastWeekdayOf,
            Choice::Custom(_) => ChoiceKind::Custom,
        }
    }

    /// Reads one field. Never fails: what the choices cannot say is [`Choice::Custom`].
    pub fn parse(field: CronField, text: &str) -> Choice {
        Self::read(field, text.trim()).unwrap_or_else(|| Choice::Custom(text.trim().to_owned()))
    }

    fn read(field: CronField, text: &str) -> Option<Choice> {
        let (low, _) = field.range();
        let day = field == CronField::DayOfMonth;
        let weekday = field == CronField::DayOfWeek;
        Some(match text {
            "*" => Choice::Every,
            "?" if day || weekday => Choice::Unspecified,
            "L" if day => Choice::LastDay { before: 0 },
            "LW" if day => Choice::LastWeekday,
            _ if day && text.starts_with("L-") => Choice::LastDay {
                before: text[2..].parse().ok().filter(|n| *n <= 30)?,
            },
            _ if day && text.ends_with('W') => {
                Choice::NearestWeekday(field.value(&text[..text.len() - 1])?)
            }
            _ if weekday && text.len() > 1 && text.ends_with('L') => {
                Choice::LastWeekdayOf(field.value(&text[..text.len() - 1])?)
            }
            _ if weekday && text.contains('#') => {
                let (day, nth) = text.split_once('#')?;
                Choice::NthWeekday {
                    day: field.value(day)?,
                    nth: nth.parse().ok().filter(|n| (1..=5).contains(n))?,
                }
            }
            _ if text.contains('/') => {
                let (start, every) = text.split_once('/')?;
                Choice::Step {
                    start: if start == "*" {
                        low
                    } else {
                        field.value(start)?
                    },
                    every: every.parse().ok().filter(|n| *n >= 1)?,
                }
            }
            _ if text.contains('-') && !text.contains(',') => {
                let (from, to) = text.split_once('-')?;
                Choice::Range {
                    from: field.value(from)?,
                    to: field.value(to)?,
                }
            }
            _ => {
                let mut values = text
                    .split(',')
                    .map(|v| field.value(v))
                    .collect::<Option<Vec<u32>>>()?;
                crate::order::sort(&mut values);
                values.dedup();
                Choice::Values(values)
            }
        })
    }

    /// Writes the field back.
    pub fn write(&self, field: CronField) -> String {
        match self {
            Choice::Every => "*".to_owned(),
            Choice::Unspecified => "?".to_owned(),
            // A number even in the month field: Quartz reads names only as values and ranges.
            Choice::Step { start, every } => format!("{start}/{every}"),
            Choice::Values(values) if values.is_empty() => "*".to_owned(),
            Choice::Values(values) => values
                .iter()
                .map(|v| field.token(*v))
                .collect::<Vec<_>>()
                .join(","),
            Choice::Range { from, to } => format!("{}-{}", field.token(*from), field.token(*to)),
            Choice::LastDay { before: 0 } => "L".to_owned(),
            Choice::LastDay { before } => format!("L-{before}"),
            Choice::LastWeekday => "LW".to_owned(),
            Choice::NearestWeekday(day) => format!("{day}W"),
            Choice::NthWeekday { day, nth } => format!("{}#{nth}", field.token(*day)),
            Choice::LastWeekdayOf(day) => format!("{}L", field.token(*day)),
            Choice::Custom(text) => text.clone(),
        }
    }
}

/// The five fields of `cron`, or `None` when it does not have five.
pub fn fields(cron: &str) -> Option<[Choice; 5]> {
    let parts: Vec<&str> = cron.split_whitespace().collect();
    let parts: [&str; 5] = parts.try_into().ok()?;
    Some(CronField::ALL.map(|f| Choice::parse(f, parts[f.index()])))
}

/// `cron` with one field replaced by `choice`; the others stay exactly as written. A
/// cron without five fields starts again from `* * * * *`.
pub fn with_field(cron: &str, field: CronField, choice: &Choice) -> String {
    let mut parts: Vec<String> = cron.split_whitespace().map(str::to_owned).collect();
    if parts.len() != 5 {
        parts = vec!["*".to_owned(); 5];
    }
    parts[field.index()] = choice.write(field);
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::cron::Cron;
    use proptest::prelude::*;

    #[test]
    fn reads_every_kind_of_choice() {
        use CronField::*;
        assert_eq!(Choice::parse(Minute, "*"), Choice::Every);
        assert_eq!(
            Choice::parse(Minute, "5/15"),
            Choice::Step {
                start: 5,
                every: 15
            }
        );
        assert_eq!(
            Choice::parse(Hour, "*/6"),
            Choice::Step { start: 0, every: 6 }
        );
        assert_eq!(
            Choice::parse(Hour, "9,1,9,17"),
            Choice::Values(vec![1, 9, 17])
        );
        assert_eq!(
            Choice::parse(DayOfWeek, "mon-FRI"),
            Choice::Range { from: 2, to: 6 }
        );
        assert_eq!(
            Choice::parse(DayOfMonth, "L-3"),
            Choice::LastDay { before: 3 }
        );
        assert_eq!(Choice::parse(DayOfMonth, "LW"), Choice::LastWeekday);
        assert_eq!(Choice::parse(DayOfMonth, "15W"), Choice::NearestWeekday(15));
        assert_eq!(
            Choice::parse(DayOfWeek, "6#3"),
            Choice::NthWeekday { day: 6, nth: 3 }
        );
        assert_eq!(Choice::parse(DayOfWeek, "FRIL"), Choice::LastWeekdayOf(6));
        assert_eq!(Choice::parse(DayOfWeek, "?"), Choice::Unspecified);
        assert_eq!(Choice::parse(Month, "JAN,jul"), Choice::Values(vec![1, 7]));
    }

    #[test]
    fn what_the_choices_cannot_say_is_kept_as_written() {
        use CronField::*;
        for (field, text) in [
            (Minute, "1-5,10/3"),
            (Minute, "60"),
            (Hour, "?"),
            (DayOfMonth, "L-31"),
            (DayOfWeek, "2#6"),
            (Month, "L"),
            (Minute, "1-"),
        ] {
            let choice = Choice::parse(field, text);
            assert_eq!(choice, Choice::Custom(text.to_owned()), "{text}");
            assert_eq!(choice.write(field), text);
        }
    }

    #[test]
    fn a_builder_edit_rewrites_one_field_only() {
        let cron = "0 2 1-5,10/3 * ?";
        let edited = with_field(cron, CronField::Hour, &Choice::Values(vec![2, 14]));
        assert_eq!(edited, "0 2,14 1-5,10/3 * ?");
        assert_eq!(
            with_field("not a cron", CronField::Minute, &Choice::Values(vec![30])),
            "30 * * * *"
        );
        let read = fields("30 9 ? * MON-FRI").unwrap();
        assert_eq!(read[4], Choice::Range { from: 2, to: 6 });
        assert!(fields("30 9 *").is_none());
    }

    #[test]
    fn names_are_written_for_months_and_weekdays() {
        assert_eq!(
            Choice::NthWeekday { day: 6, nth: 3 }.write(CronField::DayOfWeek),
            "FRI#3"
        );
        assert_eq!(
            Choice::Values(vec![1, 12]).write(CronField::Month),
            "JAN,DEC"
        );
        assert_eq!(CronField::DayOfWeek.value_name(1), Some("Sunday"));
    }

    fn choice(field: CronField) -> impl Strategy<Value = Choice> {
        let (low, high) = field.range();
        let v = low..=high;
        let kinds = field.kinds().to_vec();
        (
            prop::sample::select(kinds),
            v.clone(),
            v.clone(),
            1u32..=30,
            prop::collection::btree_set(v, 1..5),
        )
            .prop_map(move |(kind, a, b, n, set)| match kind.start(field) {
                // Quartz takes steps up to the field's largest value.
                Choice::Step { .. } => Choice::Step {
                    start: a,
                    every: 1 + (n - 1) % high,
                },
                Choice::Values(_) => Choice::Values(set.into_iter().collect()),
                Choice::Range { .. } => Choice::Range { from: a, to: b },
                Choice::LastDay { .. } => Choice::LastDay { before: n },
                Choice::NearestWeekday(_) => Choice::NearestWeekday(a),
                Choice::NthWeekday { .. } => Choice::NthWeekday {
                    day: a,
                    nth: n % 5 + 1,
                },
                Choice::LastWeekdayOf(_) => Choice::LastWeekdayOf(a),
                other => other,
            })
    }

    proptest! {
        /// Whatever the builder writes, it reads back as the same choices, and Oozie's
        /// cron parser accepts it (with one day field `?` when both name days).
        #[test]
        fn what_the_builder_writes_reads_back_and_parses(
            minute in choice(CronField::Minute),
            hour in choice(CronField::Hour),
            day in choice(CronField::DayOfMonth),
            month in choice(CronField::Month),
            weekday in choice(CronField::DayOfWeek),
        ) {
            let chosen = [minute, hour, day, month, weekday];
            let mut cron = "* * * * *".to_owned();
            for f in CronField::ALL {
                cron = with_field(&cron, f, &chosen[f.index()]);
            }
            prop_assert_eq!(fields(&cron).unwrap(), chosen.clone(), "{}", cron);
            let both_unspecified = chosen[2] == Choice::Unspecified && chosen[4] == Choice::Unspecified;
            let parsed = Cron::parse(&cron);
            prop_assert_eq!(parsed.is_ok(), !both_unspecified, "{} {:?}", cron, parsed);
        }
    }
}
