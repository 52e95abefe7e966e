//! RFC 7638 JWK thumbprints of RSA certificates: Auth0 stores a resource server's token
//! encryption certificate and returns only `thumbprint_sha256` (TestAccResourceServer.yaml).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;

/// Split one DER element off `input`: (whole element, content, rest).
pub(crate) fn element(input: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (&_tag, after_tag) = input.split_first()?;
    let (&first, mut after_len) = after_tag.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || after_len.len() < n {
            return None;
        }
        let len = after_len[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        after_len = &after_len[n..];
        len
    };
    if after_len.len() < len {
        return None;
    }
    let header = input.len() - after_len.len();
    Some((&input[..header + len], &after_len[..len], &after_len[len..]))
}

/// The SubjectPublicKeyInfo of an X.509 certificate in DER.
fn spki(cert_der: &[u8]) -> Option<&[u8]> {
    let (_, cert, _) = element(cert_der)?;
    let (_, tbs, _) = element(cert)?;
    let mut rest = tbs;
    // Optional explicit version [0].
    if rest.first() == Some(&0xA0) {
        rest = element(rest)?.2;
    }
    // serialNumber, signature, issuer, validity, subject.
    for _ in 0..5 {
        rest = element(rest)?.2;
    }
    Some(element(rest)?.0)
}

/// The base64url SHA-256 JWK thumbprint of the RSA key in a PEM certificate.
pub fn rsa_cert_thumbprint(pem: &str) -> Option<String> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = STANDARD.decode(body).ok()?;
    let key = RsaPublicKey::from_public_key_der(spki(&der)?).ok()?;
    let jwk = format!(
        "{{\"e\":\"{}\",\"kty\":\"RSA\",\"n\":\"{}\"}}",
        URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        URL_SAFE_NO_PAD.encode(key.n().to_bytes_be())
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, jwk.as_bytes());
    Some(URL_SAFE_NO_PAD.encode(digest.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thumbprint_of_the_signing_certificate_is_the_jwk_thumbprint_of_its_key() {
        let key = crate::keys::SigningKey::shared().unwrap();
        let jwk = key.jwk();
        let canonical = format!(
            "{{\"e\":\"{}\",\"kty\":\"RSA\",\"n\":\"{}\"}}",
            jwk["e"].as_str().unwrap(),
            jwk["n"].as_str().unwrap()
        );
        let expected = URL_SAFE_NO_PAD
            .encode(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref());
        assert_eq!(rsa_cert_thumbprint(key.cert_pem()).unwrap(), expected);
    }

    #[test]
    fn text_that_is_not_a_certificate_has_no_thumbprint() {
        assert_eq!(
            rsa_cert_thumbprint("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            None
        );
        assert_eq!(rsa_cert_thumbprint("hello"), None);
    }
}
