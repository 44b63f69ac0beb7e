//! RS256 verification of tokens against a JWKS (feature `jwt-verify`), with a key the test
//! generates.
#![cfg(feature = "jwt-verify")]

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn verifies_signature_issuer_and_expiry() {
    let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let public = private.to_public_key();
    let jwks = json!({"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
        "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be())}]});
    let key = EncodingKey::from_rsa_der(private.to_pkcs1_der().unwrap().as_bytes());
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("k1".into());
    let claims = json!({"sub": "auth0|5f7c8ec7", "iss": "https://dogs.eu.auth0.com/", "aud": "dogs", "exp": 4_000_000_000u64});
    let token = encode(&header, &claims, &key).unwrap();

    let verified = appsync_vtl::resolver::verify_jwt(
        &token,
        &jwks,
        Some("https://dogs.eu.auth0.com/"),
        Some("dogs"),
    )
    .unwrap();
    assert_eq!(verified["sub"], "auth0|5f7c8ec7");

    assert!(
        appsync_vtl::resolver::verify_jwt(&token, &jwks, Some("https://evil.example/"), None)
            .is_err()
    );
    let mut tampered = token.clone();
    tampered.replace_range(tampered.len() - 3.., "AAA");
    assert!(appsync_vtl::resolver::verify_jwt(&tampered, &jwks, None, None).is_err());
    let expired = encode(&header, &json!({"sub": "x", "exp": 1_000}), &key).unwrap();
    assert!(appsync_vtl::resolver::verify_jwt(&expired, &jwks, None, None).is_err());
}
