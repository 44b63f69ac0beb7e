//! Helpers shared by the unit tests and the property tests under `tests/`.

use proptest::prelude::*;

/// Any JSON value: scalars (finite numbers, any strings), arrays and objects nested a few
/// levels. Shared by the unit tests and `tests/properties.rs` (which includes this file).
pub(crate) fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value as J;
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::from),
        any::<i64>().prop_map(J::from),
        any::<u64>().prop_map(J::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(J::from),
        ".*".prop_map(J::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| J::Object(m.into_iter().collect())),
        ]
    })
}
