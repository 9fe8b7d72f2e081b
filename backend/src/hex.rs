//! Bytes as lower-case hexadecimal, the way tokens, digests, keys and sealed values are
//! written in the database, in files and in headers.

use std::fmt::Write;

pub fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `None` unless `text` is an even number of hexadecimal digits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_round_trip_and_anything_else_is_refused() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(super::encode(&bytes), "007fabff");
        assert_eq!(super::decode("007fABff").as_deref(), Some(&bytes[..]));
        for bad in ["0", "zz", "ab c", "é0"] {
            assert_eq!(super::decode(bad), None, "{bad}");
        }
    }
}
