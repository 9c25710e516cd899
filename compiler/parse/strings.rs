//! Lone surrogates in string literals.
//!
//! The parser keeps string values as Rust `String`s, which cannot hold a
//! lone surrogate (`"\ud800"`): it substitutes U+FFFD. For such a literal
//! the value is decoded again from its source text, into WTF-8 (UTF-8
//! extended to surrogate code points), which CPython decodes back with the
//! `surrogatepass` error handler.

/// Why a literal's source text could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum LiteralError {
    /// A `\N{...}` escape (the Unicode name database is not available).
    NamedEscape,
    /// Not the text of (implicitly concatenated) plain string literals.
    NotALiteral,
}

/// The WTF-8 bytes of the string denoted by `text`, the source of one or
/// more implicitly concatenated (non-f, non-bytes) string literals, when
/// it contains a lone surrogate; `Ok(None)` when it does not.
pub fn surrogate_literal_wtf8(text: &str) -> Result<Option<Vec<u8>>, LiteralError> {
    let points = decode_literals(text)?;
    if !points.iter().any(|&c| (0xD800..0xE000).contains(&c)) {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(points.len());
    for c in points {
        encode_wtf8(c, &mut out);
    }
    Ok(Some(out))
}

fn encode_wtf8(c: u32, out: &mut Vec<u8>) {
    match c {
        0..=0x7F => out.push(c as u8),
        0x80..=0x7FF => {
            out.push(0xC0 | (c >> 6) as u8);
            out.push(0x80 | (c & 0x3F) as u8);
        }
        0x800..=0xFFFF => {
            out.push(0xE0 | (c >> 12) as u8);
            out.push(0x80 | ((c >> 6) & 0x3F) as u8);
            out.push(0x80 | (c & 0x3F) as u8);
        }
        _ => {
            out.push(0xF0 | (c >> 18) as u8);
            out.push(0x80 | ((c >> 12) & 0x3F) as u8);
            out.push(0x80 | ((c >> 6) & 0x3F) as u8);
            out.push(0x80 | (c & 0x3F) as u8);
        }
    }
}

/// The code points of implicitly concatenated string literals (with the
/// whitespace, line continuations and comments between them).
fn decode_literals(text: &str) -> Result<Vec<u32>, LiteralError> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = vec![];
    let mut any = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        if c == '\\' && chars.get(i + 1) == Some(&'\n') {
            i += 2;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        let mut raw = false;
        while i < chars.len() && chars[i].is_ascii_alphabetic() {
            match chars[i].to_ascii_lowercase() {
                'r' => raw = true,
                'u' => {}
                _ => return Err(LiteralError::NotALiteral),
            }
            i += 1;
        }
        let quote = *chars.get(i).ok_or(LiteralError::NotALiteral)?;
        if quote != '\'' && quote != '"' {
            return Err(LiteralError::NotALiteral);
        }
        let triple = chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote);
        let q = if triple { 3 } else { 1 };
        i += q;
        let closes = |i: usize| (0..q).all(|k| chars.get(i + k) == Some(&quote));
        loop {
            if i >= chars.len() {
                return Err(LiteralError::NotALiteral);
            }
            if closes(i) {
                i += q;
                break;
            }
            let c = chars[i];
            if c != '\\' {
                out.push(c as u32);
                i += 1;
                continue;
            }
            let Some(&e) = chars.get(i + 1) else {
                return Err(LiteralError::NotALiteral);
            };
            if raw {
                // A raw literal keeps the backslash (which still stops the
                // next character from closing the literal).
                out.push('\\' as u32);
                out.push(e as u32);
                i += 2;
                continue;
            }
            i += 2;
            let simple = match e {
                '\n' => Some(None),
                '\\' | '\'' | '"' => Some(Some(e as u32)),
                'a' => Some(Some(7)),
                'b' => Some(Some(8)),
                'f' => Some(Some(12)),
                'n' => Some(Some(10)),
                'r' => Some(Some(13)),
                't' => Some(Some(9)),
                'v' => Some(Some(11)),
                _ => None,
            };
            if let Some(v) = simple {
                out.extend(v);
                continue;
            }
            let hex = |i: usize, n: usize| -> Result<u32, LiteralError> {
                let s: String = chars
                    .get(i..i + n)
                    .ok_or(LiteralError::NotALiteral)?
                    .iter()
                    .collect();
                u32::from_str_radix(&s, 16).map_err(|_| LiteralError::NotALiteral)
            };
            match e {
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    let mut n = 1;
                    while n < 3 && chars.get(i).is_some_and(|d| d.is_digit(8)) {
                        v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                        i += 1;
                        n += 1;
                    }
                    out.push(v);
                }
                'x' => {
                    out.push(hex(i, 2)?);
                    i += 2;
                }
                'u' => {
                    out.push(hex(i, 4)?);
                    i += 4;
                }
                'U' => {
                    out.push(hex(i, 8)?);
                    i += 8;
                }
                'N' => return Err(LiteralError::NamedEscape),
                other => {
                    out.push('\\' as u32);
                    out.push(other as u32);
                }
            }
        }
        any = true;
    }
    if any {
        Ok(out)
    } else {
        Err(LiteralError::NotALiteral)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogates_are_decoded_as_wtf8() {
        assert_eq!(
            surrogate_literal_wtf8(r#""\ud800""#),
            Ok(Some(vec![0xED, 0xA0, 0x80]))
        );
        assert_eq!(
            surrogate_literal_wtf8("'a\\x00\\xab' \"\\U0000dfff\\U00012345\""),
            Ok(Some(vec![
                b'a', 0, 0xC2, 0xAB, 0xED, 0xBF, 0xBF, 0xF0, 0x92, 0x8D, 0x85
            ]))
        );
        assert_eq!(surrogate_literal_wtf8(r#""\uffff""#), Ok(None));
        assert_eq!(surrogate_literal_wtf8(r#"r"\ud800""#), Ok(None));
        assert_eq!(
            surrogate_literal_wtf8(r#""\N{DASH}\ud800""#),
            Err(LiteralError::NamedEscape)
        );
        assert_eq!(
            surrogate_literal_wtf8("(\"\\ud800\"  # c\n  '''\\n''')"),
            Ok(Some(vec![0xED, 0xA0, 0x80, b'\n']))
        );
    }
}
