//! The public keys of client credentials. A credential is created from PEM text: an SPKI
//! `PUBLIC KEY`, a PKCS#1 `RSA PUBLIC KEY` or an X.509 `CERTIFICATE`. The recordings upload
//! certificates as `public_key` credentials and get back the key's RFC 7638 thumbprint as its kid
//! (TestAccClientCredentialsPrivateKeyJWTFullRotation.yaml).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::signature::{self, RsaPublicKeyComponents};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;

use crate::thumbprint::element;
use crate::timestamp;

/// The signing algorithms a credential may be created with (ClientCredentialAlgorithmEnum).
pub const ALGORITHMS: &[&str] = &["RS256", "RS384", "PS256"];

/// An RSA public key read from a credential's PEM.
#[derive(Debug, Clone)]
pub struct CredentialKey {
    n: Vec<u8>,
    e: Vec<u8>,
    bits: usize,
    /// The certificate's DER, when the PEM held one.
    certificate: Option<Vec<u8>>,
}

/// The label and DER body of the first PEM block in `text`.
fn pem_block(text: &str) -> Option<(String, Vec<u8>)> {
    let begin = text.find("-----BEGIN ")?;
    let after = &text[begin + "-----BEGIN ".len()..];
    let label_end = after.find("-----")?;
    let label = after[..label_end].to_string();
    let body_and_rest = &after[label_end + 5..];
    let end = body_and_rest.find(&format!("-----END {label}-----"))?;
    let body: String = body_and_rest[..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((label, STANDARD.decode(body).ok()?))
}

/// The (SubjectPublicKeyInfo, notAfter element) of an X.509 certificate in DER.
fn certificate_parts(cert: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, certificate, _) = element(cert)?;
    let (_, tbs, _) = element(certificate)?;
    let mut rest = tbs;
    // Optional explicit version [0].
    if rest.first() == Some(&0xA0) {
        rest = element(rest)?.2;
    }
    // serialNumber, signature, issuer.
    for _ in 0..3 {
        rest = element(rest)?.2;
    }
    let (_, validity, after_validity) = element(rest)?;
    let not_after = element(element(validity)?.2)?.0;
    // subject, then subjectPublicKeyInfo.
    let spki = element(element(after_validity)?.2)?.0;
    Some((spki, not_after))
}

/// Milliseconds since the epoch of a DER UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime
/// (`YYYYMMDDHHMMSSZ`) element.
fn der_time(el: &[u8]) -> Option<i64> {
    let (_, content, _) = element(el)?;
    let text = std::str::from_utf8(content).ok()?;
    let (year, rest) = match el.first()? {
        // RFC 5280: UTCTime years 50-99 are 19xx, 00-49 are 20xx.
        0x17 => {
            let yy: i64 = text.get(..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let field = |i: usize| -> Option<i64> { rest.get(i..i + 2)?.parse().ok() };
    if rest.len() != 11 || !rest.ends_with('Z') {
        return None;
    }
    timestamp::from_fields(year, field(0)?, field(2)?, field(4)?, field(6)?, field(8)?)
}

impl CredentialKey {
    /// Read the RSA public key from PEM text; the error says what the text is not.
    pub fn from_pem(pem: &str) -> Result<CredentialKey, &'static str> {
        let (label, der) = pem_block(pem).ok_or("is not PEM text")?;
        let (key, certificate) = match label.as_str() {
            "PUBLIC KEY" => (
                RsaPublicKey::from_public_key_der(&der).map_err(|_| "is not an RSA public key")?,
                None,
            ),
            "RSA PUBLIC KEY" => (
                RsaPublicKey::from_pkcs1_der(&der).map_err(|_| "is not an RSA public key")?,
                None,
            ),
            "CERTIFICATE" => {
                let (spki, _) = certificate_parts(&der).ok_or("is not an X.509 certificate")?;
                let key = RsaPublicKey::from_public_key_der(spki)
                    .map_err(|_| "is a certificate without an RSA public key")?;
                (key, Some(der.clone()))
            }
            _ => return Err("is neither a public key nor a certificate"),
        };
        Ok(CredentialKey {
            n: key.n().to_bytes_be(),
            e: key.e().to_bytes_be(),
            bits: key.size() * 8,
            certificate,
        })
    }

    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The base64url SHA-256 JWK thumbprint (RFC 7638) of the key: Auth0's kid for it.
    pub fn jwk_thumbprint(&self) -> String {
        let jwk = format!(
            "{{\"e\":\"{}\",\"kty\":\"RSA\",\"n\":\"{}\"}}",
            URL_SAFE_NO_PAD.encode(&self.e),
            URL_SAFE_NO_PAD.encode(&self.n)
        );
        URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, jwk.as_bytes()))
    }

    /// The base64url SHA-256 of the certificate's DER (`x5t#S256`), when the PEM was a certificate.
    pub fn certificate_thumbprint(&self) -> Option<String> {
        let der = self.certificate.as_ref()?;
        Some(URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, der)))
    }

    /// The certificate's notAfter in milliseconds since the epoch.
    pub fn not_after_millis(&self) -> Option<i64> {
        let (_, not_after) = certificate_parts(self.certificate.as_ref()?)?;
        der_time(not_after)
    }

    /// Whether `signature` over `message` verifies with this key under JWS algorithm `alg`.
    pub fn verifies(&self, alg: &str, message: &[u8], signature: &[u8]) -> bool {
        let params: &signature::RsaParameters = match alg {
            "RS256" => &signature::RSA_PKCS1_2048_8192_SHA256,
            "RS384" => &signature::RSA_PKCS1_2048_8192_SHA384,
            "PS256" => &signature::RSA_PSS_2048_8192_SHA256,
            _ => return false,
        };
        RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(params, message, signature)
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};

    fn signing_key() -> std::sync::Arc<crate::keys::SigningKey> {
        crate::keys::SigningKey::shared().unwrap()
    }

    #[test]
    fn a_certificate_and_its_public_key_have_the_same_kid() {
        let key = signing_key();
        let from_cert = CredentialKey::from_pem(key.cert_pem()).unwrap();
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(key.pkcs8_pem()).unwrap();
        let spki = private
            .to_public_key()
            .to_public_key_pem(LineEnding::CRLF)
            .unwrap();
        let from_spki = CredentialKey::from_pem(&spki).unwrap();
        assert_eq!(from_cert.jwk_thumbprint(), from_spki.jwk_thumbprint());
        assert_eq!(
            Some(from_cert.jwk_thumbprint()),
            crate::thumbprint::rsa_cert_thumbprint(key.cert_pem())
        );
        assert!(from_cert.certificate_thumbprint().is_some());
        assert_eq!(from_spki.certificate_thumbprint(), None);
        assert_eq!(from_spki.bits(), 2048);
    }

    #[test]
    fn a_certificates_expiry_is_read_from_utc_and_generalized_times() {
        let rc_key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(
            signing_key().pkcs8_pem(),
            &rcgen::PKCS_RSA_SHA256,
        )
        .unwrap();
        for (year, expected) in [
            (2033, "2033-05-13T00:00:00.000Z"),
            (2095, "2095-05-13T00:00:00.000Z"),
        ] {
            let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
            params.not_after = rcgen::date_time_ymd(year, 5, 13);
            let cert = params.self_signed(&rc_key).unwrap();
            let key = CredentialKey::from_pem(&cert.pem()).unwrap();
            assert_eq!(
                key.not_after_millis().map(timestamp::format_millis),
                Some(expected.to_string())
            );
        }
    }

    #[test]
    fn a_signature_verifies_only_with_its_algorithm_and_message() {
        let key = signing_key();
        let token = key.sign(&serde_json::json!({"a": 1})).unwrap();
        let (signed, sig) = token.rsplit_once('.').unwrap();
        let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        let public = CredentialKey::from_pem(key.cert_pem()).unwrap();
        assert!(public.verifies("RS256", signed.as_bytes(), &sig));
        assert!(!public.verifies("RS384", signed.as_bytes(), &sig));
        assert!(!public.verifies("PS256", signed.as_bytes(), &sig));
        assert!(!public.verifies("HS256", signed.as_bytes(), &sig));
        assert!(!public.verifies("RS256", b"other", &sig));
    }

    #[test]
    fn text_that_is_not_an_rsa_key_or_certificate_is_refused() {
        assert_eq!(
            CredentialKey::from_pem("hello").unwrap_err(),
            "is not PEM text"
        );
        assert!(CredentialKey::from_pem(
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
        )
        .is_err());
        assert!(CredentialKey::from_pem(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
        )
        .is_err());
    }
}
