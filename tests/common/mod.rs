//! What several test files share.

/// Whether a DynamoDB-compatible server is configured (`AWS_ENDPOINT_URL_DYNAMODB` or
/// `AWS_ENDPOINT_URL`); without one a test prints why it skips and passes. CI starts moto.
#[allow(dead_code)]
pub fn dynamodb_endpoint() -> bool {
    let set = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    if !set {
        eprintln!(
            "skipped: no DynamoDB endpoint configured (set AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION and credentials; .ci/run starts a local server)"
        );
    }
    set
}
