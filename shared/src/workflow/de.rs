//! Reading a node, a field value and a file operation from JSON, by hand.
//!
//! Their JSON is the natural one: a node's kind sits beside its name (`"type": "action"`),
//! a field value is whatever JSON it is (text, `true`, a list, a group), a file operation
//! is tagged by `op`. Serde's derives read those shapes (flatten, untagged, internally
//! tagged) by buffering each value into an intermediate tree and reading it again, which
//! compiles every visitor once per deserializer it passes through: in the browser app that
//! was the largest block of code after the views. Reading through flat records keeps one
//! copy, and gives errors that name the field rather than "did not match any variant".
//!
//! Serialization stays derived, and so do the schemas: the derives' `serde` attributes on
//! the types still describe the JSON this module reads.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::action::{Action, Fields, FsOp, Property, Value};
use super::{Node, NodeKind, Point};

/// Every key a node's JSON may carry: its own, its kind's and an action's.
#[derive(serde::Deserialize)]
struct NodeRecord {
    name: String,
    #[serde(default)]
    position: Point,
    #[serde(rename = "type")]
    kind: NodeTag,
    message: Option<String>,
    action: Option<String>,
    #[serde(default)]
    fields: Fields,
    retry_max: Option<String>,
    retry_interval: Option<String>,
    retry_policy: Option<String>,
    cred: Option<String>,
    sla: Option<String>,
    xml: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum NodeTag {
    End,
    Kill,
    Decision,
    Action,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let r = NodeRecord::deserialize(deserializer)?;
        let kind = match r.kind {
            NodeTag::End => NodeKind::End,
            NodeTag::Decision => NodeKind::Decision,
            NodeTag::Kill => NodeKind::Kill {
                message: r
                    .message
                    .ok_or_else(|| de::Error::missing_field("message"))?,
            },
            NodeTag::Action => NodeKind::Action(Action {
                action: r.action.ok_or_else(|| de::Error::missing_field("action"))?,
                fields: r.fields,
                retry_max: r.retry_max,
                retry_interval: r.retry_interval,
                retry_policy: r.retry_policy,
                cred: r.cred,
                sla: r.sla,
                xml: r.xml,
            }),
        };
        Ok(Node {
            name: r.name,
            position: r.position,
            kind,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field value: text, a flag, a list or a group of fields")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Flag(v))
    }

    /// A list holds texts, properties or file operations, never a mix. An empty list is an
    /// empty list of texts (empty values are never stored anyway).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut texts = Vec::new();
        let mut properties = Vec::new();
        let mut ops = Vec::new();
        while let Some(item) = seq.next_element::<Item>()? {
            match item {
                Item::Text(t) => texts.push(t),
                Item::Property(p) => properties.push(p),
                Item::Op(o) => ops.push(o),
            }
        }
        match (texts.is_empty(), properties.is_empty(), ops.is_empty()) {
            (_, true, true) => Ok(Value::Texts(texts)),
            (true, false, true) => Ok(Value::Properties(properties)),
            (true, true, false) => Ok(Value::Ops(ops)),
            _ => Err(de::Error::custom(
                "a list mixes texts, properties and file operations",
            )),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        let fields = BTreeMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Value::Group(Fields(fields)))
    }
}

/// One element of a list value.
enum Item {
    Text(String),
    Property(Property),
    Op(FsOp),
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text, a property or a file operation")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
        Ok(Item::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Item, E> {
        Ok(Item::Text(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
        let r = ItemRecord::deserialize(de::value::MapAccessDeserializer::new(map))?;
        if r.op.is_some() {
            r.into_op().map(Item::Op)
        } else {
            r.into_property().map(Item::Property)
        }
    }
}

impl<'de> Deserialize<'de> for FsOp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ItemRecord::deserialize(deserializer)?.into_op()
    }
}

/// Every key a property or a file operation may carry; which of them one may use depends
/// on what it is, and is checked on the way out.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ItemRecord {
    op: Option<String>,
    name: Option<String>,
    value: Option<String>,
    description: Option<String>,
    path: Option<String>,
    skip_trash: Option<String>,
    source: Option<String>,
    target: Option<String>,
    permissions: Option<String>,
    dir_files: Option<String>,
    recursive: Option<bool>,
    group: Option<String>,
    replication_factor: Option<String>,
}

impl ItemRecord {
    /// The keys present, by name, for the check that each belongs to what the item is.
    fn present(&self) -> impl Iterator<Item = &'static str> + '_ {
        [
            ("op", self.op.is_some()),
            ("name", self.name.is_some()),
            ("value", self.value.is_some()),
            ("description", self.description.is_some()),
            ("path", self.path.is_some()),
            ("skip_trash", self.skip_trash.is_some()),
            ("source", self.source.is_some()),
            ("target", self.target.is_some()),
            ("permissions", self.permissions.is_some()),
            ("dir_files", self.dir_files.is_some()),
            ("recursive", self.recursive.is_some()),
            ("group", self.group.is_some()),
            ("replication_factor", self.replication_factor.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
    }

    /// Refuses a key that exists for some item but not for this one, as serde's
    /// `deny_unknown_fields` would have.
    fn only<E: de::Error>(&self, allowed: &'static [&'static str]) -> Result<(), E> {
        match self.present().find(|key| !allowed.contains(key)) {
            Some(key) => Err(de::Error::unknown_field(key, allowed)),
            None => Ok(()),
        }
    }

    fn into_property<E: de::Error>(self) -> Result<Property, E> {
        self.only(&["name", "value", "description"])?;
        Ok(Property {
            name: self.name.ok_or_else(|| de::Error::missing_field("name"))?,
            value: self.value,
            description: self.description,
        })
    }

    fn into_op<E: de::Error>(self) -> Result<FsOp, E> {
        fn need<E: de::Error>(v: Option<String>, key: &'static str) -> Result<String, E> {
            v.ok_or_else(|| de::Error::missing_field(key))
        }
        let op = self.op.as_deref().unwrap_or_default();
        let op = match op {
            "delete" => {
                self.only(&["op", "path", "skip_trash"])?;
                FsOp::Delete {
                    path: need(self.path, "path")?,
                    skip_trash: self.skip_trash,
                }
            }
            "mkdir" => {
                self.only(&["op", "path"])?;
                FsOp::Mkdir {
                    path: need(self.path, "path")?,
                }
            }
            "move" => {
                self.only(&["op", "source", "target"])?;
                FsOp::Move {
                    source: need(self.source, "source")?,
                    target: need(self.target, "target")?,
                }
            }
            "chmod" => {
                self.only(&["op", "path", "permissions", "dir_files", "recursive"])?;
                FsOp::Chmod {
                    path: need(self.path, "path")?,
                    permissions: need(self.permissions, "permissions")?,
                    dir_files: self.dir_files,
                    recursive: self.recursive.unwrap_or_default(),
                }
            }
            "touchz" => {
                self.only(&["op", "path"])?;
                FsOp::Touchz {
                    path: need(self.path, "path")?,
                }
            }
            "chgrp" => {
                self.only(&["op", "path", "group", "dir_files", "recursive"])?;
                FsOp::Chgrp {
                    path: need(self.path, "path")?,
                    group: need(self.group, "group")?,
                    dir_files: self.dir_files,
                    recursive: self.recursive.unwrap_or_default(),
                }
            }
            "setrep" => {
                self.only(&["op", "path", "replication_factor"])?;
                FsOp::Setrep {
                    path: need(self.path, "path")?,
                    replication_factor: need(self.replication_factor, "replication_factor")?,
                }
            }
            "" if self.op.is_none() => return Err(de::Error::missing_field("op")),
            other => {
                return Err(de::Error::unknown_variant(
                    other,
                    &[
                        "delete", "mkdir", "move", "chmod", "touchz", "chgrp", "setrep",
                    ],
                ));
            }
        };
        Ok(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Result<Value, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn each_json_shape_reads_as_its_value() {
        assert_eq!(value(r#""x""#), Ok(Value::Text("x".into())));
        assert_eq!(value("true"), Ok(Value::Flag(true)));
        assert_eq!(value("[]"), Ok(Value::Texts(vec![])));
        assert_eq!(
            value(r#"["a","b"]"#),
            Ok(Value::Texts(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            value(r#"[{"name":"q","value":"v"}]"#),
            Ok(Value::Properties(vec![Property {
                name: "q".into(),
                value: Some("v".into()),
                description: None,
            }]))
        );
        assert_eq!(
            value(r#"[{"op":"chmod","path":"/a","permissions":"755","recursive":true}]"#),
            Ok(Value::Ops(vec![FsOp::Chmod {
                path: "/a".into(),
                permissions: "755".into(),
                dir_files: None,
                recursive: true,
            }]))
        );
        let Ok(Value::Group(g)) = value(r#"{"queue":"q","nested":{"a":["x"]}}"#) else {
            panic!("a group");
        };
        assert_eq!(g.text("queue"), Some("q"));
        assert_eq!(g.group("nested").unwrap().texts("a"), ["x"]);
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        assert!(value("5").unwrap_err().contains("expected a field value"));
        assert!(
            value(r#"["a",{"name":"q"}]"#)
                .unwrap_err()
                .contains("mixes")
        );
        assert!(
            value(r#"[{"name":"q","path":"/a"}]"#)
                .unwrap_err()
                .contains("unknown field `path`")
        );
        assert!(
            value(r#"[{"op":"mkdir","path":"/a","group":"g"}]"#)
                .unwrap_err()
                .contains("unknown field `group`")
        );
        assert!(
            value(r#"[{"op":"move","source":"/a"}]"#)
                .unwrap_err()
                .contains("missing field `target`")
        );
        assert!(
            value(r#"[{"op":"rm","path":"/a"}]"#)
                .unwrap_err()
                .contains("unknown variant `rm`")
        );
        assert!(
            value(r#"[{"value":"v"}]"#)
                .unwrap_err()
                .contains("missing field `name`")
        );
        assert!(value(r#"[{"nmae":"q"}]"#).unwrap_err().contains("nmae"));
    }

    /// Every operation written by the derived serializer reads back as itself.
    #[test]
    fn every_file_operation_round_trips() {
        let ops = vec![
            FsOp::Delete {
                path: "/a".into(),
                skip_trash: Some("true".into()),
            },
            FsOp::Mkdir { path: "/b".into() },
            FsOp::Move {
                source: "/c".into(),
                target: "/d".into(),
            },
            FsOp::Chmod {
                path: "/e".into(),
                permissions: "755".into(),
                dir_files: Some("false".into()),
                recursive: true,
            },
            FsOp::Touchz { path: "/f".into() },
            FsOp::Chgrp {
                path: "/g".into(),
                group: "hadoop".into(),
                dir_files: None,
                recursive: false,
            },
            FsOp::Setrep {
                path: "/h".into(),
                replication_factor: "2".into(),
            },
        ];
        for op in &ops {
            let json = serde_json::to_string(op).unwrap();
            let back: FsOp = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, op, "{json}");
        }
        let json = serde_json::to_string(&Value::Ops(ops.clone())).unwrap();
        assert_eq!(value(&json), Ok(Value::Ops(ops)));
    }

    #[test]
    fn nodes_read_their_kind_beside_their_name() {
        let node: Node = serde_json::from_str(
            r#"{"name":"k","position":{"x":1,"y":2},"type":"kill","message":"m"}"#,
        )
        .unwrap();
        assert_eq!(
            node.kind,
            NodeKind::Kill {
                message: "m".into()
            }
        );
        assert_eq!(node.position, Point { x: 1.0, y: 2.0 });
        let node: Node = serde_json::from_str(r#"{"name":"e","type":"end"}"#).unwrap();
        assert_eq!(node.kind, NodeKind::End);
        let err = serde_json::from_str::<Node>(r#"{"name":"k","type":"kill"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `message`"), "{err}");
        let err = serde_json::from_str::<Node>(r#"{"name":"a","type":"action"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `action`"), "{err}");
        let err = serde_json::from_str::<Node>(r#"{"name":"a","type":"fork"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `fork`"), "{err}");
    }
}
