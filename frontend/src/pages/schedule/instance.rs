//! A dataset instance (`<instance>`, `<start-instance>`, `<end-instance>`) as choices: which
//! `coord:` function, and its numbers. What the choices cannot say (arithmetic, `endOfDays`,
//! a job property) is kept as written and edited as text, so nothing typed is lost.

/// The units `coord:offset` takes.
pub const OFFSET_UNITS: [&str; 5] = ["MINUTE", "HOUR", "DAY", "MONTH", "YEAR"];

/// `${coord:name(a, b)}` as its name and its arguments, trimmed; `None` for any other text.
pub fn coord_call(text: &str) -> Option<(&str, Vec<&str>)> {
    let call = text.strip_prefix("${coord:")?.strip_suffix(")}")?;
    let (name, args) = call.split_once('(')?;
    Some((name, args.split(',').map(str::trim).collect()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// The instance `n` periods from the one the action is due for (0 is that one).
    Current(i64),
    /// `n` units away, rounded to an instance (`coord:offset(n, 'DAY')`).
    Offset(i64, String),
    /// The `n`-th newest instance that exists when the action checks (0 is the newest).
    Latest(i64),
    /// The `n`-th instance after now that exists, looking at most `limit` ahead.
    Future(i64, i64),
    /// A fixed time; Oozie takes it only as a range's start.
    Absolute(String),
    Written(String),
}

/// The kinds in the order a picker lists them.
pub const KINDS: [&str; 6] = [
    "current", "offset", "latest", "future", "absolute", "written",
];

impl Pick {
    pub fn parse(text: &str) -> Pick {
        Self::parse_call(text.trim()).unwrap_or_else(|| Pick::Written(text.to_owned()))
    }

    fn parse_call(text: &str) -> Option<Pick> {
        let (name, args) = coord_call(text)?;
        let int = |i: usize| args.get(i)?.parse::<i64>().ok();
        let quoted = |i: usize| {
            let a = args.get(i)?;
            ['\'', '"']
                .iter()
                .find_map(|q| a.strip_prefix(*q)?.strip_suffix(*q))
                .map(str::to_owned)
        };
        let pick = match (name, args.len()) {
            ("current", 1) => Pick::Current(int(0)?),
            ("latest", 1) => Pick::Latest(int(0)?),
            ("future", 2) => Pick::Future(int(0)?, int(1)?),
            ("offset", 2) => {
                let unit = quoted(1)?;
                OFFSET_UNITS.contains(&unit.as_str()).then_some(())?;
                Pick::Offset(int(0)?, unit)
            }
            ("absolute", 1) => Pick::Absolute(quoted(0)?),
            _ => return None,
        };
        Some(pick)
    }

    /// As written in the coordinator.
    pub fn text(&self) -> String {
        match self {
            Pick::Current(n) => format!("${{coord:current({n})}}"),
            Pick::Offset(n, unit) => format!("${{coord:offset({n}, '{unit}')}}"),
            Pick::Latest(n) => format!("${{coord:latest({n})}}"),
            Pick::Future(n, limit) => format!("${{coord:future({n}, {limit})}}"),
            Pick::Absolute(t) => format!("${{coord:absolute('{t}')}}"),
            Pick::Written(t) => t.clone(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Pick::Current(_) => "current",
            Pick::Offset(..) => "offset",
            Pick::Latest(_) => "latest",
            Pick::Future(..) => "future",
            Pick::Absolute(_) => "absolute",
            Pick::Written(_) => "written",
        }
    }

    /// The period count, for the kinds that have one.
    pub fn n(&self) -> Option<i64> {
        match self {
            Pick::Current(n) | Pick::Offset(n, _) | Pick::Latest(n) | Pick::Future(n, _) => {
                Some(*n)
            }
            _ => None,
        }
    }

    /// This pick as another kind, keeping its count where the new kind has one. Future
    /// counts forward and latest backward from now, so their counts are kept as they are
    /// (0 is the nearest for both); the others take the count's sign as written.
    pub fn with_kind(&self, kind: &str) -> Pick {
        let n = self.n().unwrap_or(0);
        match kind {
            "current" => Pick::Current(n),
            "offset" => Pick::Offset(n, "DAY".to_owned()),
            "latest" => Pick::Latest(n.min(0)),
            "future" => Pick::Future(n.max(0), 10),
            "absolute" => Pick::Absolute(String::new()),
            _ => Pick::Written(self.text()),
        }
    }

    /// This pick with another count.
    pub fn with_n(&self, n: i64) -> Pick {
        match self {
            Pick::Current(_) => Pick::Current(n),
            Pick::Offset(_, u) => Pick::Offset(n, u.clone()),
            Pick::Latest(_) => Pick::Latest(n),
            Pick::Future(_, l) => Pick::Future(n, *l),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_back_what_it_writes() {
        for pick in [
            Pick::Current(-3),
            Pick::Offset(-1, "HOUR".into()),
            Pick::Latest(0),
            Pick::Future(2, 10),
            Pick::Absolute("2026-01-01T00:00Z".into()),
        ] {
            assert_eq!(Pick::parse(&pick.text()), pick);
        }
    }

    #[test]
    fn what_the_choices_cannot_say_is_kept_as_written() {
        for text in [
            "${coord:current(-1 * 24)}",
            "${coord:endOfDays(-1)}",
            "${coord:offset(1, 'FORTNIGHT')}",
            "${coord:current(${n})}",
            "${coord:current(1)} ",
            "${start}",
            "",
        ] {
            let pick = Pick::parse(text);
            assert_eq!(
                pick.kind(),
                if text == "${coord:current(1)} " {
                    "current"
                } else {
                    "written"
                },
                "{text}"
            );
        }
        assert_eq!(
            Pick::parse("${coord:absolute(\"2026-01-01T00:00Z\")}"),
            Pick::Absolute("2026-01-01T00:00Z".into()),
            "either quote"
        );
        assert_eq!(Pick::parse("${coord:current( -2 )}"), Pick::Current(-2));
    }

    #[test]
    fn changing_the_kind_keeps_the_count_where_it_means_the_same() {
        assert_eq!(
            Pick::Current(-2).with_kind("offset"),
            Pick::Offset(-2, "DAY".into())
        );
        assert_eq!(Pick::Current(-2).with_kind("latest"), Pick::Latest(-2));
        assert_eq!(Pick::Current(-2).with_kind("future"), Pick::Future(0, 10));
        assert_eq!(
            Pick::Current(-2).with_kind("written"),
            Pick::Written("${coord:current(-2)}".into())
        );
        assert_eq!(Pick::Future(3, 5).with_n(1), Pick::Future(1, 5));
    }
}
