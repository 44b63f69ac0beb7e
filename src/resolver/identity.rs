//! `$ctx.identity` from a JWT, as AppSync builds it for OpenID Connect (Auth0...) and Cognito
//! user pool authorization (`@aws-appsync/utils` identity types; AppSync developer guide,
//! "Resolver context reference").
//!
//! Decoding only: checking the signature is the API gateway's job. With the `jwt-verify`
//! feature, [`verify_jwt`] checks an RS256 signature against a JWKS first.

use base64::Engine as _;
use serde_json::{Value as J, json};

use crate::context::AuthMode;

/// Why a token could not be read (or, with `jwt-verify`, verified).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not three base64url parts separated by dots.
    #[error("not a JWT: expected three base64url parts separated by dots")]
    Malformed,
    /// A part is not base64url, or not a JSON object.
    #[error("the JWT {part} is not valid: {reason}")]
    BadPart {
        /// `header` or `payload`.
        part: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The token is for an authorization mode that has no token.
    #[error("{0} authorization does not use a JWT")]
    NotATokenMode(&'static str),
    /// The signature or a claim did not verify.
    #[error("the JWT does not verify: {0}")]
    Invalid(String),
}

fn decode_part(part: &str, name: &'static str) -> Result<serde_json::Map<String, J>, JwtError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| JwtError::BadPart {
            part: name,
            reason: e.to_string(),
        })?;
    match serde_json::from_slice::<J>(&bytes) {
        Ok(J::Object(m)) => Ok(m),
        Ok(_) => Err(JwtError::BadPart {
            part: name,
            reason: "not a JSON object".into(),
        }),
        Err(e) => Err(JwtError::BadPart {
            part: name,
            reason: e.to_string(),
        }),
    }
}

/// The claims of a token, without checking its signature.
pub(crate) fn decode_claims(token: &str) -> Result<serde_json::Map<String, J>, JwtError> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header, payload, _signature] = parts.as_slice() else {
        return Err(JwtError::Malformed);
    };
    decode_part(header, "header")?;
    decode_part(payload, "payload")
}

/// Builds `$ctx.identity` from a token, as AppSync does, and says which mode it is for.
///
/// The mode is `mode` if given, else Cognito user pools for a Cognito token (issuer
/// `https://cognito-idp...` or a `cognito:username` claim), else OpenID Connect. OIDC gives
/// `sub`, `issuer` (the `iss` claim) and `claims`; user pools add `username`
/// (`cognito:username`), `groups` (`cognito:groups`, or null), `sourceIp` and
/// `defaultAuthStrategy` (`ALLOW`).
///
/// ```
/// use appsync_vtl::AuthMode;
/// use appsync_vtl::resolver::identity_from_jwt;
/// // {"alg":"none"} . {"sub":"auth0|1","iss":"https://example.auth0.com/"} . (no signature)
/// let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhdXRoMHwxIiwiaXNzIjoiaHR0cHM6Ly9leGFtcGxlLmF1dGgwLmNvbS8ifQ.";
/// let (mode, identity) = identity_from_jwt(token, None, &[]).unwrap();
/// assert_eq!(mode, AuthMode::OpenidConnect);
/// assert_eq!(identity["issuer"], "https://example.auth0.com/");
/// ```
pub fn identity_from_jwt(
    token: &str,
    mode: Option<AuthMode>,
    source_ip: &[String],
) -> Result<(AuthMode, J), JwtError> {
    let claims = decode_claims(token)?;
    let issuer = claims.get("iss").cloned().unwrap_or(J::Null);
    let is_cognito = issuer.as_str().is_some_and(|i| i.contains("cognito-idp"))
        || claims.contains_key("cognito:username");
    let mode = mode.unwrap_or(if is_cognito {
        AuthMode::AmazonCognitoUserPools
    } else {
        AuthMode::OpenidConnect
    });
    let sub = claims.get("sub").cloned().unwrap_or(J::Null);
    let identity = match mode {
        AuthMode::OpenidConnect => json!({
            "sub": sub,
            "issuer": issuer,
            "claims": J::Object(claims),
        }),
        AuthMode::AmazonCognitoUserPools => {
            let username = claims
                .get("cognito:username")
                .or_else(|| claims.get("username"))
                .cloned()
                .unwrap_or(J::Null);
            let groups = claims.get("cognito:groups").cloned().unwrap_or(J::Null);
            json!({
                "sub": sub,
                "issuer": issuer,
                "username": username,
                "claims": J::Object(claims),
                "sourceIp": source_ip,
                "defaultAuthStrategy": "ALLOW",
                "groups": groups,
            })
        }
        other => return Err(JwtError::NotATokenMode(other.name())),
    };
    Ok((mode, identity))
}

/// Verifies an RS256 token against a JSON Web Key Set and returns its claims; checks `exp`,
/// and `iss`/`aud` when given. (Feature `jwt-verify`.)
#[cfg(feature = "jwt-verify")]
pub fn verify_jwt(
    token: &str,
    jwks: &J,
    issuer: Option<&str>,
    audience: Option<&str>,
) -> Result<serde_json::Map<String, J>, JwtError> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};

    let invalid = |e: &dyn std::fmt::Display| JwtError::Invalid(e.to_string());
    let header = decode_header(token).map_err(|e| invalid(&e))?;
    let set: JwkSet = serde_json::from_value(jwks.clone()).map_err(|e| invalid(&e))?;
    let jwk = match &header.kid {
        Some(kid) => set.find(kid),
        None => set.keys.first(),
    }
    .ok_or_else(|| JwtError::Invalid("no key in the JWKS matches the token's kid".into()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(&e))?;
    let mut validation = Validation::new(Algorithm::RS256);
    match issuer {
        Some(i) => validation.set_issuer(&[i]),
        None => validation.iss = None,
    }
    match audience {
        Some(a) => validation.set_audience(&[a]),
        None => validation.validate_aud = false,
    }
    let data =
        decode::<serde_json::Map<String, J>>(token, &key, &validation).map_err(|e| invalid(&e))?;
    Ok(data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: J) -> String {
        let enc = |v: &J| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.sig", enc(&json!({"alg": "RS256"})), enc(&claims))
    }

    #[test]
    fn oidc_identity() {
        let t = token(
            json!({"sub": "auth0|5f7c8ec7", "iss": "https://example.auth0.com/", "aud": "dogs"}),
        );
        let (mode, id) = identity_from_jwt(&t, None, &[]).unwrap();
        assert_eq!(mode, AuthMode::OpenidConnect);
        assert_eq!(
            id,
            json!({"sub": "auth0|5f7c8ec7", "issuer": "https://example.auth0.com/",
            "claims": {"sub": "auth0|5f7c8ec7", "iss": "https://example.auth0.com/", "aud": "dogs"}})
        );
    }

    #[test]
    fn cognito_identity() {
        let t = token(
            json!({"sub": "u1", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x",
            "cognito:username": "nadia", "cognito:groups": ["admin"]}),
        );
        let (mode, id) = identity_from_jwt(&t, None, &["1.2.3.4".into()]).unwrap();
        assert_eq!(mode, AuthMode::AmazonCognitoUserPools);
        assert_eq!(id["username"], "nadia");
        assert_eq!(id["groups"], json!(["admin"]));
        assert_eq!(id["sourceIp"], json!(["1.2.3.4"]));
        assert_eq!(id["defaultAuthStrategy"], "ALLOW");
    }

    #[test]
    fn bad_tokens() {
        assert_eq!(
            identity_from_jwt("abc", None, &[]),
            Err(JwtError::Malformed)
        );
        assert!(matches!(
            identity_from_jwt("a.b.c", None, &[]),
            Err(JwtError::BadPart { .. })
        ));
        let t = token(json!({"sub": "x"}));
        assert!(identity_from_jwt(&t, Some(AuthMode::ApiKey), &[]).is_err());
    }
}
