//! HCatalog table partitions as dataset URIs (`hcat://server:port/db/table/k=v;k2=v2`),
//! read as Oozie's `HCatURI` reads them, for the `coord:` HCatalog functions.

/// A parsed HCatalog URI; partitions in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HCatUri<'a> {
    pub server: &'a str,
    pub db: &'a str,
    pub table: &'a str,
    pub partitions: Vec<(&'a str, &'a str)>,
}

impl<'a> HCatUri<'a> {
    pub fn parse(uri: &'a str) -> Result<HCatUri<'a>, String> {
        let bad = |why: &str| format!("HCat URI can't be parsed: [{uri}]: {why}");
        let (_, rest) = uri.split_once("://").ok_or_else(|| bad("no scheme"))?;
        let (server, path) = rest.split_once('/').unwrap_or((rest, ""));
        if server.is_empty() {
            return Err(bad("Server host and port are missing"));
        }
        let parts: Vec<&str> = path.split('/').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad("URI path is not in expected format"));
        }
        let (db, table) = (parts[0], parts[1]);
        if db.is_empty() {
            return Err(bad("DB name is missing"));
        }
        if table.is_empty() {
            return Err(bad("Table name is missing"));
        }
        let mut partitions = Vec::new();
        if let Some(raw) = parts.get(2) {
            if raw.is_empty() {
                return Err(bad("Partition details are missing"));
            }
            for part in raw.split(';').filter(|p| !p.is_empty()) {
                let kv: Vec<&str> = part.split('=').collect();
                let [k, v] = kv.as_slice() else {
                    return Err(bad(&format!(
                        "Partition key value pair is not specified properly in ({part})"
                    )));
                };
                partitions.push((*k, *v));
            }
        }
        Ok(HCatUri {
            server,
            db,
            table,
            partitions,
        })
    }

    pub fn partition(&self, key: &str) -> Option<&'a str> {
        self.partitions
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// `(k=='v' AND k2=='v2')` for Pig, `(k='v' AND k2='v2')` otherwise.
    pub fn partition_filter(&self, kind: &str) -> String {
        let cmp = if kind.eq_ignore_ascii_case("pig") {
            "=="
        } else {
            "="
        };
        let parts: Vec<String> = self
            .partitions
            .iter()
            .map(|(k, v)| format!("{k}{cmp}'{v}'"))
            .collect();
        format!("({})", parts.join(" AND "))
    }

    /// `'k=v,k2=v2'`, as HCatStorer takes it.
    pub fn partition_string(&self) -> String {
        let parts: Vec<String> = self
            .partitions
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("'{}'", parts.join(","))
    }

    /// `k='v',k2='v2'` (type `hive-export`).
    pub fn partition_values(&self) -> String {
        let parts: Vec<String> = self
            .partitions
            .iter()
            .map(|(k, v)| format!("{k}='{v}'"))
            .collect();
        parts.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_hcaturi() {
        let u = HCatUri::parse("hcat://hcat.example:11002/logs/clicks/ds=2010-01-01;region=us")
            .unwrap();
        assert_eq!(
            (u.server, u.db, u.table),
            ("hcat.example:11002", "logs", "clicks")
        );
        assert_eq!(
            u.partition_filter("pig"),
            "(ds=='2010-01-01' AND region=='us')"
        );
        assert_eq!(
            u.partition_filter("hive"),
            "(ds='2010-01-01' AND region='us')"
        );
        assert_eq!(u.partition_string(), "'ds=2010-01-01,region=us'");
        assert_eq!(u.partition_values(), "ds='2010-01-01',region='us'");
        assert_eq!(u.partition("region"), Some("us"));
        for bad in [
            "hcat:///db/t",
            "hcat://h/db",
            "hcat://h//t",
            "hcat://h/db/t/a=b=c",
            "hcat://h/db/t/",
            "nope",
        ] {
            assert!(HCatUri::parse(bad).is_err(), "{bad}");
        }
    }
}
