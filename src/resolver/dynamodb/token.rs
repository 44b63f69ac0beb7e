//! `nextToken`: the opaque pagination token of Query and Scan.
//!
//! AppSync hands out an encrypted token specific to the resolver; a client must send it back
//! unchanged. Ours is the DynamoDB `LastEvaluatedKey` with the table and index it belongs
//! to, as base64url JSON, followed by an HMAC-SHA256 tag: a token that was edited, truncated
//! or made for another table or index is refused with a clear error instead of silently
//! reading from the wrong place. The key is `APPSYNC_VTL_TOKEN_KEY` when set (so tokens can
//! be kept private between processes), else a fixed one (tamper evidence only).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Value as J, json};
use sha2::Sha256;

use super::values::{Item, typed_map};

const DEFAULT_KEY: &[u8] = b"appsync-vtl nextToken v1";

fn key() -> Vec<u8> {
    std::env::var("APPSYNC_VTL_TOKEN_KEY")
        .map(String::into_bytes)
        .unwrap_or_else(|_| DEFAULT_KEY.to_vec())
}

fn tag(payload: &str) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(&key()) {
        Ok(mut mac) => {
            mac.update(payload.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The token for continuing after `last_key` in `table` (and `index`).
pub(crate) fn encode(table: &str, index: Option<&str>, last_key: &Item) -> String {
    // The key goes in typed form so that it converts back exactly; sorted, so that the same
    // key always gives the same token.
    let mut names: Vec<&String> = last_key.keys().collect();
    names.sort();
    let typed: serde_json::Map<String, J> = names
        .into_iter()
        .filter_map(|k| last_key.get(k).map(|v| (k.clone(), typed_json(v))))
        .collect();
    let payload = B64.encode(json!({"t": table, "i": index, "k": typed}).to_string());
    format!("{payload}.{}", B64.encode(tag(&payload)))
}

/// The `LastEvaluatedKey` inside `token`, checked against the table and index it is used
/// with.
pub(crate) fn decode(token: &str, table: &str, index: Option<&str>) -> Result<Item, String> {
    let invalid =
        || "Invalid nextToken: it was not returned by this resolver or was modified.".to_string();
    let (payload, mac) = token.split_once('.').ok_or_else(invalid)?;
    let mac = B64.decode(mac).map_err(|_| invalid())?;
    let mut check = Hmac::<Sha256>::new_from_slice(&key()).map_err(|_| invalid())?;
    check.update(payload.as_bytes());
    check.verify_slice(&mac).map_err(|_| invalid())?;
    let json: J = B64
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(invalid)?;
    let field = |k: &str| json.get(k).unwrap_or(&J::Null);
    if field("t") != table || field("i").as_str() != index {
        return Err(format!(
            "Invalid nextToken: it belongs to another query (table {}, index {}).",
            field("t"),
            field("i")
        ));
    }
    typed_map(field("k"), "nextToken")
}

/// An attribute value as typed JSON (what a request document holds).
fn typed_json(v: &aws_sdk_dynamodb::types::AttributeValue) -> J {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    let b64 = |b: &aws_sdk_dynamodb::primitives::Blob| {
        J::String(base64::engine::general_purpose::STANDARD.encode(b.as_ref()))
    };
    match v {
        A::S(s) => json!({"S": s}),
        A::N(n) => json!({"N": n}),
        A::B(b) => json!({"B": b64(b)}),
        A::Bool(b) => json!({"BOOL": b}),
        A::Ss(s) => json!({"SS": s}),
        A::Ns(n) => json!({"NS": n}),
        A::Bs(items) => json!({"BS": items.iter().map(b64).collect::<Vec<_>>()}),
        A::L(items) => json!({"L": items.iter().map(typed_json).collect::<Vec<_>>()}),
        A::M(fields) => {
            json!({"M": fields.iter().map(|(k, v)| (k.clone(), typed_json(v))).collect::<serde_json::Map<_, _>>()})
        }
        _ => json!({"NULL": true}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn key_of(id: &str) -> Item {
        Item::from([
            ("id".to_string(), AttributeValue::S(id.to_string())),
            ("n".to_string(), AttributeValue::N("12".to_string())),
        ])
    }

    #[test]
    fn tokens_round_trip_and_refuse_tampering() {
        let token = encode("Dogs", Some("userId-index"), &key_of("d1"));
        assert_eq!(
            decode(&token, "Dogs", Some("userId-index")).unwrap(),
            key_of("d1")
        );
        // Another table or index.
        assert!(
            decode(&token, "Cats", Some("userId-index"))
                .unwrap_err()
                .contains("another query")
        );
        assert!(decode(&token, "Dogs", None).is_err());
        // Any edited character.
        for i in 0..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let edited = String::from_utf8(bytes).unwrap();
            if edited != token {
                assert!(
                    decode(&edited, "Dogs", Some("userId-index")).is_err(),
                    "{edited}"
                );
            }
        }
        assert!(decode("", "Dogs", None).is_err());
        assert!(decode("garbage", "Dogs", None).is_err());
    }
}
