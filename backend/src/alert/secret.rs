//! Channel credentials and datasource passwords sealed at rest with ChaCha20-Poly1305 (RustCrypto's audited AEAD),
//! under a 256-bit key that never enters the database: a stolen database, or a backup of
//! it, does not give away the SMTP password or a webhook's signing key.
//!
//! The key is a file, made on first start with owner-only permissions. Replicas sharing a
//! PostgreSQL database must share the key too (the same file, or the same
//! `SLUICE_SECRET_KEY`); a value sealed under another key is refused with a message that
//! says so, never decrypted into garbage.
//!
//! Each value is sealed with the name of what it belongs to (`channel:7:secret`) as
//! associated data, so a sealed value copied onto another row does not open there.

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::store::{Sealed, SealedRow};

/// What a sealed value starts with: the scheme, so it can change without guessing.
const PREFIX: &str = "v1.";
const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the secret key file {path}: {why}")]
    File { path: PathBuf, why: String },
    #[error("a secret key is 64 hexadecimal digits (256 bits), not {0} characters")]
    BadKey(usize),
    #[error(
        "a stored credential does not open with this server's secret key: it was sealed under \
         another key (give every replica the same key) or it was altered"
    )]
    WrongKey,
    #[error("a stored credential is not a sealed value")]
    Malformed,
}

pub struct SecretKey(ChaCha20Poly1305);

/// What a record's secret is sealed to: `channel:7:secret`, `datasource:3:secret`.
pub fn record_owner(table: Sealed, id: i64) -> String {
    format!("{}:{id}:secret", table.what())
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    fn from_bytes(bytes: [u8; KEY_BYTES]) -> SecretKey {
        SecretKey(ChaCha20Poly1305::new(&Key::from(bytes)))
    }

    /// A key written as 64 hexadecimal digits (what the key file holds).
    pub fn from_hex(text: &str) -> Result<SecretKey, SecretError> {
        let text = text.trim();
        let bytes = crate::hex::decode(text).ok_or(SecretError::BadKey(text.len()))?;
        let bytes: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| SecretError::BadKey(text.len()))?;
        Ok(SecretKey::from_bytes(bytes))
    }

    /// A key of this process only (tests, and servers that hold no credentials yet).
    pub fn random() -> SecretKey {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).expect("the system's random source works");
        SecretKey::from_bytes(bytes)
    }

    /// The key in `path`, made there (readable by its owner only) when there is none.
    pub fn load_or_create(path: &Path) -> Result<SecretKey, SecretError> {
        let fail = |why: String| SecretError::File {
            path: path.to_owned(),
            why,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => return SecretKey::from_hex(&text),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e.to_string())),
            Err(_) => {}
        }
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| fail(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| fail(e.to_string()))?;
        file.write_all(crate::hex::encode(&bytes).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| fail(e.to_string()))?;
        Ok(SecretKey::from_bytes(bytes))
    }

    /// `plain` sealed for `owner`, as text for a database column.
    pub fn seal(&self, plain: &str, owner: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        // A fresh random nonce per value: with 96 bits, a repeat is not a practical risk
        // at the number of credentials a server holds.
        getrandom::fill(&mut nonce).expect("the system's random source works");
        let sealed = self
            .0
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: owner.as_bytes(),
                },
            )
            .expect("sealing a short value cannot fail");
        format!(
            "{PREFIX}{}{}",
            crate::hex::encode(&nonce),
            crate::hex::encode(&sealed)
        )
    }

    /// A stored record's secret (a channel's credentials, a datasource's password), opened;
    /// `None` when it has none. Each record's secret is sealed to its table and id, so a
    /// value copied to another record does not open there.
    pub fn open_record(
        &self,
        table: Sealed,
        row: &SealedRow,
    ) -> Result<Option<String>, SecretError> {
        match row.secret.as_deref() {
            None | Some("") => Ok(None),
            Some(sealed) => self.open(sealed, &record_owner(table, row.id)).map(Some),
        }
    }

    /// `plain` sealed as record `id` of `table` keeps it.
    pub fn seal_record(&self, table: Sealed, id: i64, plain: &str) -> String {
        self.seal(plain, &record_owner(table, id))
    }

    /// The value `seal` sealed for `owner`.
    pub fn open(&self, sealed: &str, owner: &str) -> Result<String, SecretError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(crate::hex::decode)
            .filter(|b| b.len() >= NONCE_BYTES)
            .ok_or(SecretError::Malformed)?;
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| SecretError::Malformed)?;
        let plain = self
            .0
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| SecretError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SecretError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_bytes([byte; KEY_BYTES])
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_for_its_owner() {
        let sealed = key(1).seal("hunter2", "channel:7:password");
        assert!(!sealed.contains("hunter2"));
        assert_eq!(
            key(1).open(&sealed, "channel:7:password").unwrap(),
            "hunter2"
        );
        assert_eq!(
            key(2).open(&sealed, "channel:7:password"),
            Err(SecretError::WrongKey)
        );
        assert_eq!(
            key(1).open(&sealed, "channel:8:password"),
            Err(SecretError::WrongKey),
            "moved onto another row"
        );
        assert_ne!(
            sealed,
            key(1).seal("hunter2", "channel:7:password"),
            "a fresh nonce"
        );
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            key(1).open(&altered, "channel:7:password"),
            Err(SecretError::WrongKey)
        );
        for junk in ["", "hunter2", "v1.zz", "v1.00"] {
            assert_eq!(
                key(1).open(junk, "x"),
                Err(SecretError::Malformed),
                "{junk}"
            );
        }
    }

    #[test]
    fn the_key_file_is_made_once_for_its_owner_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let sealed = SecretKey::load_or_create(&path).unwrap().seal("x", "o");
        assert_eq!(
            SecretKey::load_or_create(&path)
                .unwrap()
                .open(&sealed, "o")
                .unwrap(),
            "x",
            "the same key the second time"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "abc").unwrap();
        assert_eq!(
            SecretKey::load_or_create(&path).unwrap_err(),
            SecretError::BadKey(3)
        );
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_ok());
        assert!(SecretKey::from_hex(&"zz".repeat(32)).is_err());
    }
}
