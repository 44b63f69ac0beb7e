//! The objects `$util`, its namespaces and `$extensions` are in templates: values that
//! print as AppSync's Java classes; the helpers they lead to are in `util`.

/// `$util`, its namespaces, and `$extensions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// `$util`
    Root,
    /// `$util.dynamodb`
    DynamoDb,
    /// `$util.time`
    Time,
    /// `$util.list`
    List,
    /// `$util.map`
    Map,
    /// `$util.str`
    Str,
    /// `$util.math`
    Math,
    /// `$util.transform`
    Transform,
    /// `$util.rds`
    Rds,
    /// `$util.http`
    Http,
    /// `$util.xml`
    Xml,
    /// `$util.log`
    Log,
    /// `$extensions`
    Extensions,
}

impl Namespace {
    /// The namespace reached by `$util.<name>`.
    pub(crate) fn child(self, name: &str) -> Option<Namespace> {
        if self != Namespace::Root {
            return None;
        }
        Some(match name {
            "dynamodb" => Namespace::DynamoDb,
            "time" => Namespace::Time,
            "list" => Namespace::List,
            "map" => Namespace::Map,
            "str" => Namespace::Str,
            "math" => Namespace::Math,
            "transform" => Namespace::Transform,
            "rds" => Namespace::Rds,
            "http" => Namespace::Http,
            "xml" => Namespace::Xml,
            "log" => Namespace::Log,
            _ => return None,
        })
    }

    /// What the object prints as (a Java object's default `toString`).
    pub(crate) fn java_string(self) -> &'static str {
        match self {
            Namespace::Root => "com.amazonaws.deepdish.transform.util.Util",
            Namespace::DynamoDb => "com.amazonaws.deepdish.transform.util.DynamoDBUtils",
            Namespace::Time => "com.amazonaws.deepdish.transform.util.TimeUtils",
            Namespace::List => "com.amazonaws.deepdish.transform.util.ListUtils",
            Namespace::Map => "com.amazonaws.deepdish.transform.util.MapUtils",
            Namespace::Str => "com.amazonaws.deepdish.transform.util.StrUtils",
            Namespace::Math => "com.amazonaws.deepdish.transform.util.MathUtils",
            Namespace::Transform => "com.amazonaws.deepdish.transform.util.TransformUtils",
            Namespace::Rds => "com.amazonaws.deepdish.transform.util.RdsUtils",
            Namespace::Http => "com.amazonaws.deepdish.transform.util.HttpUtils",
            Namespace::Xml => "com.amazonaws.deepdish.transform.util.XmlUtils",
            Namespace::Log => "com.amazonaws.deepdish.transform.util.LogUtils",
            Namespace::Extensions => "com.amazonaws.deepdish.transform.util.Extensions",
        }
    }
}
