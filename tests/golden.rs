//! Fixture cases as named tests of their own, through `appsync_vtl::testing::run_as_tests`
//! (libtest-mimic): what a user's `harness = false` test target gets. `cargo test --test
//! golden -- accepts` runs the `$util` argument cases alone.

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    appsync_vtl::testing::run_as_tests(&[root.join("tutorial"), root.join("appsync-helpers")]);
}
