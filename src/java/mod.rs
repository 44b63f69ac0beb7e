//! Pieces of the Java runtime that template behaviour depends on: `java.util.regex` as
//! `String.matches/replaceAll/split` use it, and `java.util.Formatter` for `String.format`.

pub(crate) mod datetime;
pub(crate) mod format;
pub(crate) mod regex;
