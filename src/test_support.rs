//! Helpers shared by the unit tests.

use proptest::prelude::*;

/// Any JSON value: scalars (finite numbers, short strings), arrays and objects nested a few
/// levels.
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
        ".{0,6}".prop_map(J::from),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(J::Array),
            prop::collection::vec((".{0,4}", inner), 0..5)
                .prop_map(|kv| J::Object(kv.into_iter().collect())),
        ]
    })
}
