//! Plain `//` comments. The grammar skips them; the formatter needs them back, so
//! the parser collects them with their spans into [`super::ast::Module::comments`].

use super::ast::Comment;
use super::span::{FileId, Span, Spanned};

/// Every plain comment of `src` in order: `// …` and `//// …`, not `///` doc
/// lines, not `//` inside a string. The text keeps its `//` and loses trailing
/// spaces.
pub fn scan_comments(src: &str, file: FileId) -> Vec<Comment> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i + 1),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                let is_doc = bytes.get(i + 2) == Some(&b'/') && bytes.get(i + 3) != Some(&b'/');
                if !is_doc {
                    let text = src[i..end].trim_end();
                    out.push(Spanned::new(text.to_string(), Span::new(file, i, i + text.len())));
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The index just after a string that starts before `i` (its closing quote, or
/// the end of the line for an unterminated one).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        scan_comments(src, FileId(0)).into_iter().map(|c| c.node).collect()
    }

    #[test]
    fn finds_plain_comments_only() {
        let src = "/// doc\nmodule m // trailing  \n//// four\nrule a: string = \"x // y\" // real\n  // own\n";
        assert_eq!(texts(src), ["// trailing", "//// four", "// real", "// own"]);
    }

    #[test]
    fn escaped_quotes_and_unterminated_strings() {
        assert_eq!(texts("\"a \\\" // no\" // yes"), ["// yes"]);
        assert_eq!(texts("\"open\n// yes"), ["// yes"]);
        let c = &scan_comments("x // c ", FileId(0))[0];
        assert_eq!((c.span.start, c.span.end), (2, 6));
    }
}
