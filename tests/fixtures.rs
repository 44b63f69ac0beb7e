//! Every fixture under `fixtures/`, through the same golden-file runner users get
//! (`appsync_vtl::testing`, `appsync-vtl test`):
//!
//! - `velocity/`, `velocity-appsync/`: Velocity 1.7 conformance, expected outputs rendered by
//!   the real Apache Velocity 1.7 (CI re-checks them with `scripts/velocity-reference`);
//! - `appsync-docs/`: the AWS AppSync developer guide's examples;
//! - `appsync-helpers/`: `$util` behaviour the guide does not show, each with its basis;
//! - `tutorial/`: the AppSync + Auth0 tutorial's templates;
//! - `generated/`: every step of the resolvers AWS's own generators emit (the Amplify GraphQL
//!   transformer v2, the v1 RDS generator, CDK's `MappingTemplate`) for our schemas, in typical
//!   scenarios, checked against amplify-appsync-simulator with every disagreement decided
//!   (`fixtures/generated/README.md`, `cases-summary.md`);
//! - `resolvers/`: whole unit and pipeline resolvers (see `tests/resolvers.rs`).

use appsync_vtl::testing::{Summary, assert_tree};

fn fixtures(area: &str) -> Summary {
    assert_tree(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(area),
    )
}

#[test]
fn velocity_17_conformance() {
    let summary = fixtures("velocity");
    assert!(summary.passed() >= 300, "{summary}");
}

#[test]
fn velocity_17_conformance_without_inline_macros() {
    fixtures("velocity-appsync");
}

#[test]
fn appsync_developer_guide_examples() {
    let summary = fixtures("appsync-docs");
    assert_eq!(summary.passed(), 181, "{summary}");
}

#[test]
fn util_helpers_beyond_the_guide() {
    let summary = fixtures("appsync-helpers");
    assert!(summary.passed() >= 40, "{summary}");
}

#[test]
fn resolvers_generated_by_aws_tools() {
    let summary = fixtures("generated");
    assert!(summary.passed() >= 2000, "{summary}");
}

#[test]
fn tutorial_templates() {
    let summary = fixtures("tutorial");
    assert_eq!(summary.passed(), 4, "{summary}");
}
