//! The tenant's RS256 signing key: token signing and verification, the JWKS and the signing certificate.
//!
//! The key is generated with the `rsa` crate (ring cannot generate RSA keys) and used through `ring`
//! for signing and verifying, which is fast. Tests verify tokens independently with `rsa` + `sha2`.

use std::sync::{Arc, OnceLock};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::signature::{self, KeyPair as _, RsaKeyPair};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

/// An RSA key that signs the tenant's access tokens.
pub struct SigningKey {
    pkcs8_pem: String,
    ring_key: RsaKeyPair,
    public_pkcs1_der: Vec<u8>,
    kid: String,
    n: Vec<u8>,
    e: Vec<u8>,
    cert_pem: String,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

impl SigningKey {
    /// Generate a fresh 2048-bit key.
    pub fn generate() -> Result<SigningKey, String> {
        let mut rng = rand::thread_rng();
        let key = RsaPrivateKey::new(&mut rng, 2048)
            .map_err(|e| format!("generating the RSA signing key failed: {e}"))?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| format!("encoding the RSA signing key failed: {e}"))?;
        Self::from_pkcs8_pem(&pem)
    }

    /// A key shared by every in-process emulator of this process, so tests do not pay for RSA
    /// key generation each time they start one.
    pub fn shared() -> Result<Arc<SigningKey>, String> {
        static SHARED: OnceLock<Result<Arc<SigningKey>, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| SigningKey::generate().map(Arc::new))
            .clone()
    }

    /// Load a key from PKCS#8 PEM (as kept in a state file).
    pub fn from_pkcs8_pem(pem: &str) -> Result<SigningKey, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .map_err(|e| format!("the signing key in the state file is not PKCS#8 PEM RSA: {e}"))?;
        let der = key
            .to_pkcs8_der()
            .map_err(|e| format!("encoding the RSA signing key failed: {e}"))?;
        let ring_key = RsaKeyPair::from_pkcs8(der.as_bytes())
            .map_err(|e| format!("the RSA signing key is not usable for RS256: {e}"))?;
        let public = key.to_public_key();
        let public_pkcs1_der = public
            .to_pkcs1_der()
            .map_err(|e| format!("encoding the RSA public key failed: {e}"))?
            .as_bytes()
            .to_vec();
        debug_assert_eq!(public_pkcs1_der, ring_key.public_key().as_ref());
        let digest = ring::digest::digest(&ring::digest::SHA256, &public_pkcs1_der);
        let kid = URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16]);

        let rc_key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(pem, &rcgen::PKCS_RSA_SHA256)
            .map_err(|e| format!("the RSA signing key cannot sign a certificate: {e}"))?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())
            .map_err(|e| format!("building the signing certificate failed: {e}"))?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "auth0-emulator");
        let cert = params
            .self_signed(&rc_key)
            .map_err(|e| format!("self-signing the signing certificate failed: {e}"))?;

        Ok(SigningKey {
            pkcs8_pem: pem.to_string(),
            ring_key,
            public_pkcs1_der,
            kid,
            n: public.n().to_bytes_be(),
            e: public.e().to_bytes_be(),
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
        })
    }

    /// The private key as PKCS#8 PEM, for the state file only.
    pub fn pkcs8_pem(&self) -> &str {
        &self.pkcs8_pem
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The PEM certificate of the signing key, as Auth0 returns in clients' `signing_keys`.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Sign `claims` as a compact RS256 JWS with this key's kid.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let mut input = URL_SAFE_NO_PAD.encode(header.to_string());
        input.push('.');
        input.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut sig = vec![0u8; self.ring_key.public().modulus_len()];
        self.ring_key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| "signing the access token failed".to_string())?;
        input.push('.');
        input.push_str(&URL_SAFE_NO_PAD.encode(sig));
        Ok(input)
    }

    /// Verify a compact JWS signed by this key and return its claims.
    pub fn verify(&self, token: &str) -> Result<Value, &'static str> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("Invalid token");
        };
        let header: Value = URL_SAFE_NO_PAD
            .decode(h)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("Invalid token")?;
        if header["alg"] != "RS256" {
            return Err("Invalid token");
        }
        if header["kid"] != self.kid.as_str() {
            return Err("Invalid token");
        }
        let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| "Invalid token")?;
        let signed = &token[..h.len() + 1 + p.len()];
        signature::UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            &self.public_pkcs1_der,
        )
        .verify(signed.as_bytes(), &sig)
        .map_err(|_| "Invalid token")?;
        URL_SAFE_NO_PAD
            .decode(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("Invalid token")
    }

    /// The public JWK of this key.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&self.n),
            "e": URL_SAFE_NO_PAD.encode(&self.e),
            "x5c": [STANDARD.encode(&self.cert_der)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        let key = SigningKey::shared().unwrap();
        let token = key.sign(&json!({"sub": "abc@clients"})).unwrap();
        assert_eq!(key.verify(&token).unwrap()["sub"], "abc@clients");

        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(json!({"sub": "evil@clients"}).to_string());
        parts[1] = &forged;
        assert_eq!(key.verify(&parts.join(".")), Err("Invalid token"));
    }

    #[test]
    fn a_key_reloaded_from_pem_keeps_its_kid() {
        let key = SigningKey::shared().unwrap();
        let again = SigningKey::from_pkcs8_pem(key.pkcs8_pem()).unwrap();
        assert_eq!(again.kid(), key.kid());
        let token = key.sign(&json!({"a": 1})).unwrap();
        assert!(again.verify(&token).is_ok());
    }

    #[test]
    fn the_debug_form_does_not_show_the_private_key() {
        let key = SigningKey::shared().unwrap();
        assert!(!format!("{key:?}").contains("PRIVATE"));
    }
}
