//! Text helpers shared by the parser and the matcher: script classes, the folding that makes
//! `ＯｐｅｎＡＩ`, `**Open**AI` and `Open  AI` look like their plain forms, and line splitting.

/// True for characters of scripts written without spaces between words (Han, kana, Hangul),
/// and for the CJK punctuation around them. Such characters count as word boundaries for
/// Latin-script aliases, and CJK aliases need no boundary at all.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x2E80..=0x2FDF     // CJK radicals
        | 0x3000..=0x303F     // CJK symbols and punctuation
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3100..=0x31FF     // Bopomofo, Hangul compatibility, Katakana ext
        | 0x3400..=0x4DBF     // Ext A
        | 0x4E00..=0x9FFF     // Unified ideographs
        | 0xAC00..=0xD7AF     // Hangul syllables
        | 0xF900..=0xFAFF     // Compatibility ideographs
        | 0xFF00..=0xFFEF     // Half/full-width forms (after folding only punctuation is left)
        | 0x20000..=0x3FFFF   // Ext B and later
    )
}

/// True for characters that glue Latin-script words together: letters and digits of any
/// non-CJK script, and `_`. An alias ending in one of these needs a non-word neighbour.
pub fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !is_cjk(c)) || c == '_'
}

/// Folds one character the way both aliases and note text are folded before matching.
/// Returns `None` when the character is kept as it is.
fn fold_char(c: char) -> Option<char> {
    match c {
        // Full-width ASCII variants (U+FF01..U+FF5E) map 1:1 onto ASCII (what NFKC does).
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21),
        '\u{3000}' | '\u{00A0}' | '\t' | '\u{2002}'..='\u{200A}' => Some(' '),
        // Middle dots in transliterated names: 理查德·道金斯 is written with several of them.
        '\u{30FB}' | '\u{2022}' | '\u{2027}' | '\u{FF65}' | '\u{2219}' => Some('\u{00B7}'),
        // Typographic hyphens and dashes inside names like GPT‑4.
        '\u{2010}' | '\u{2011}' => Some('-'),
        _ => None,
    }
}

/// A line of text folded for matching, with a map back to the original byte offsets.
#[derive(Debug, Default)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// `map[i]` is the byte offset in the original of folded byte `i` (of the start of its
    /// char, for a char folding changed); one extra entry at the end maps the end of the text. Empty when folding changed nothing (identity map).
    map: Vec<u32>,
}

impl Folded {
    /// The byte offset in the original text of folded byte offset `i`.
    pub fn original(&self, i: usize) -> usize {
        if self.map.is_empty() {
            i
        } else {
            self.map[i] as usize
        }
    }

    /// The byte offset in `original` just past the character that folded byte `i - 1` came
    /// from: the end of a span, which must not swallow a `**` that was removed after it.
    pub fn original_end(&self, original: &str, i: usize) -> usize {
        if self.map.is_empty() || i == 0 {
            return i;
        }
        // Bytes copied unchanged map to themselves, a folded char's bytes to its start:
        // either way the span ends at the next char boundary after `o`.
        let o = self.map[i - 1] as usize;
        (o + 1..=original.len())
            .find(|&e| original.is_char_boundary(e))
            .unwrap_or(original.len())
    }
}

/// Quick test: can folding change this line at all? Most lines of plain Chinese prose with
/// ASCII names cannot, and skip the copy.
fn needs_folding(s: &str) -> bool {
    let b = s.as_bytes();
    for (i, &x) in b.iter().enumerate() {
        match x {
            b'*' | b'\t' => return true,
            b' ' if b.get(i + 1) == Some(&b' ') => return true,
            0xC2 | 0xE2 | 0xE3 | 0xEF => return true, // lead bytes of every folded character
            _ => {}
        }
    }
    false
}

/// Folds `s` for matching: full-width letters to ASCII, runs of spaces to one space, middle
/// dots to `·`, and `**` bold markers removed (so `**Open**AI` reads `OpenAI`).
pub fn fold(s: &str) -> Folded {
    if !needs_folding(s) {
        return Folded {
            text: s.to_string(),
            map: Vec::new(),
        };
    }
    let b = s.as_bytes();
    let mut text = String::with_capacity(s.len());
    let mut map: Vec<u32> = Vec::with_capacity(s.len() + 1);
    let mut last_space = false;
    let mut i = 0;
    while i < b.len() {
        // Copy the bytes folding leaves alone in one run (most of a line): a char-by-char
        // copy dominated the matching time of long lines. The stop bytes are ASCII or lead
        // bytes, so a run always ends on a char boundary.
        let run = b[i..]
            .iter()
            .position(|&x| matches!(x, b'*' | b'\t' | b' ' | 0xC2 | 0xE2 | 0xE3 | 0xEF))
            .map_or(b.len(), |k| i + k);
        if run > i {
            text.push_str(&s[i..run]);
            map.extend(i as u32..run as u32);
            last_space = false;
            i = run;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        if c == '*' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            continue;
        }
        let f = fold_char(c).unwrap_or(c);
        i += c.len_utf8();
        if f == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        let start = text.len();
        text.push(f);
        map.extend(std::iter::repeat_n(
            (i - c.len_utf8()) as u32,
            text.len() - start,
        ));
    }
    map.push(s.len() as u32);
    Folded { text, map }
}

/// Folds an alias the same way as note text, and trims it.
pub fn fold_alias(s: &str) -> String {
    // Trimmed in place: the dictionary folds every one of its 25k aliases on each load.
    let mut text = fold(s.trim()).text;
    text.truncate(text.trim_end().len());
    let lead = text.len() - text.trim_start().len();
    text.drain(..lead);
    text
}

/// Splits text into lines on `\n`, `\r\n` or a lone `\r`. Yields `(start, end)` byte ranges
/// without the terminator. A final line without terminator is included; a trailing
/// terminator does not produce an extra empty line.
pub fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// Where a file held invalid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadUtf8 {
    /// 1-based line of the first invalid byte.
    pub line: usize,
    /// 1-based column of the first invalid byte, in chars of the decoded line.
    pub col: usize,
    /// Number of lines holding invalid bytes.
    pub lines: usize,
}

/// Decodes file bytes: strips a UTF-8 BOM, and replaces each invalid sequence with U+FFFD
/// (as `String::from_utf8_lossy` does). Says where the invalid bytes were, if any.
pub fn decode(mut bytes: Vec<u8>) -> (String, Option<BadUtf8>) {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return (s, None),
        Err(e) => e.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut bad = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            bad.push(text.len());
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    // Both lists are in text order: one walk gives every replacement its line.
    let mut report: Option<BadUtf8> = None;
    let mut k = 0;
    for (n, (start, end)) in line_ranges(&text).into_iter().enumerate() {
        if k == bad.len() {
            break;
        }
        if bad[k] >= end {
            continue;
        }
        while k < bad.len() && bad[k] < end {
            k += 1;
        }
        match &mut report {
            Some(r) => r.lines += 1,
            None => {
                report = Some(BadUtf8 {
                    line: n + 1,
                    col: text[start..bad[0]].chars().count() + 1,
                    lines: 1,
                })
            }
        }
    }
    (text, report)
}

/// 1-based line and column (in chars) of byte `offset` of possibly invalid UTF-8 text,
/// with the line ends of [`line_ranges`].
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let mut line = 1;
    let mut start = 0;
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'\n' => {
                line += 1;
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                line += 1;
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let col = String::from_utf8_lossy(&bytes[start..offset])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// The offset of the first NUL byte in the first 8 KiB, when there is one: such a file is
/// binary, as `grep` and `git` decide it.
pub fn binary_offset(bytes: &[u8]) -> Option<usize> {
    bytes[..bytes.len().min(8192)].iter().position(|&b| b == 0)
}

/// Slug of a name: lowercase ASCII letters and digits, other runs turned into one `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in fold(name).text.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Byte ranges of the URLs in `s`: `http://`, `https://` and `www.` up to whitespace or a
/// closing bracket. Nothing inside them is ever matched against the dictionary.
pub fn url_spans(s: &str) -> Vec<(usize, usize)> {
    // Jump between candidates with substring search (much faster than walking every char
    // of a long line), remembering the next hit of each needle so the search stays linear.
    let find = |needle: &str, from: usize| s[from..].find(needle).map(|k| from + k);
    let mut out = Vec::new();
    let mut http = find("http", 0);
    let mut www = find("www.", 0);
    let mut i = 0;
    loop {
        if http.is_some_and(|p| p < i) {
            http = find("http", i);
        }
        if www.is_some_and(|p| p < i) {
            www = find("www.", i);
        }
        let j = match (http, www) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let rest = &s[j..];
        let starts = rest.starts_with("http://")
            || rest.starts_with("https://")
            || (rest.starts_with("www.") && (j == 0 || !is_word_char(prev_char(s, j))));
        if !starts {
            // `h` and `w` are ASCII, so the next byte starts a char.
            i = j + 1;
            continue;
        }
        let end = rest
            .char_indices()
            .find(|&(_, c)| is_url_end(c))
            .map_or(s.len(), |(k, _)| j + k);
        out.push((j, end));
        i = end;
    }
    out
}

fn prev_char(s: &str, i: usize) -> char {
    s[..i].chars().next_back().unwrap_or(' ')
}

fn is_url_end(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | '"' | '\'' | '`')
        || (is_cjk(c) && c != '\u{FF0F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_bold_and_spaces_with_a_map_back() {
        let s = "ＯｐｅｎＡＩ and **Open**AI  x";
        let f = fold(s);
        assert_eq!(f.text, "OpenAI and OpenAI x");
        // 'A' of the second OpenAI is after "**" in the original.
        let i = f.text.rfind("AI").unwrap();
        assert_eq!(&s[f.original(i)..f.original(i + 2)], "AI");
        assert_eq!(f.original(f.text.len()), s.len());
    }

    #[test]
    fn plain_lines_are_not_copied_into_a_map() {
        let f = fold("马斯克说 OpenAI 很好");
        assert_eq!(f.original(3), 3);
    }

    #[test]
    fn lines_split_on_lf_crlf_and_lone_cr() {
        let t = "a\r\nb\rc\nd";
        let l: Vec<&str> = line_ranges(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(l, ["a", "b", "c", "d"]);
        assert_eq!(line_ranges("a\n").len(), 1);
    }

    #[test]
    fn decode_strips_bom_and_reports_the_bad_lines() {
        let (s, bad) = decode(b"\xEF\xBB\xBFa\r\nb\xFF\xFEc\rd\ne\xC3\n".to_vec());
        assert_eq!(s, "a\r\nb\u{FFFD}\u{FFFD}c\rd\ne\u{FFFD}\n");
        let bad = bad.unwrap();
        assert_eq!((bad.line, bad.col, bad.lines), (2, 2, 2));
        assert_eq!(decode(b"\xEF\xBB\xBFok".to_vec()), ("ok".to_string(), None));
    }

    #[test]
    fn line_col_counts_crlf_and_lone_cr_once() {
        assert_eq!(line_col(b"a\r\nb\rc\n\xFFd\x00", 9), (4, 3));
        assert_eq!(line_col(b"", 0), (1, 1));
        assert_eq!(binary_offset(b"ab\x00"), Some(2));
    }

    #[test]
    fn urls_end_at_brackets_spaces_and_cjk() {
        let s = "+ [https://a.com/x?y=1](https://a.com/x?y=1) 见www.b.org/p，好";
        let u: Vec<&str> = url_spans(s).iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(
            u,
            ["https://a.com/x?y=1", "https://a.com/x?y=1", "www.b.org/p"]
        );
    }

    /// The char-by-char implementations these functions replaced for speed: the faster ones
    /// must give the same answers.
    mod reference {
        use super::super::*;

        pub fn url_spans(s: &str) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut i = 0;
            while i < s.len() {
                let rest = &s[i..];
                let starts = rest.starts_with("http://")
                    || rest.starts_with("https://")
                    || (rest.starts_with("www.") && (i == 0 || !is_word_char(prev_char(s, i))));
                if starts {
                    let end = rest
                        .char_indices()
                        .find(|&(_, c)| is_url_end(c))
                        .map(|(j, _)| i + j)
                        .unwrap_or(s.len());
                    out.push((i, end));
                    i = end;
                } else {
                    i += rest.chars().next().map_or(1, char::len_utf8);
                }
            }
            out
        }

        pub fn fold(s: &str) -> String {
            let mut text = String::new();
            let mut chars = s.chars().peekable();
            let mut last_space = false;
            while let Some(c) = chars.next() {
                if c == '*' && chars.peek() == Some(&'*') {
                    chars.next();
                    continue;
                }
                let f = fold_char(c).unwrap_or(c);
                if f == ' ' {
                    if last_space {
                        continue;
                    }
                    last_space = true;
                } else {
                    last_space = false;
                }
                text.push(f);
            }
            text
        }
    }

    fn messy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            prop::sample::select(vec![
                "http://", "https://", "www.", "http", "ww", "w", "h", "x", " ", "  ", "\t", "*",
                "**", "ａ", "Ａ", "，", "\u{3000}", "\u{a0}", "·", "・", "‑", "(", ")", "]", "<",
                "中", "é", "🦀", "_", "1",
            ])
            .prop_map(str::to_string),
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn url_spans_match_the_char_by_char_reference(s in messy()) {
            proptest::prop_assert_eq!(url_spans(&s), reference::url_spans(&s));
        }

        #[test]
        fn fold_matches_the_char_by_char_reference(s in messy()) {
            proptest::prop_assert_eq!(fold(&s).text, reference::fold(&s));
        }
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("GPT-4o mini"), "gpt-4o-mini");
        assert_eq!(slug("Q*"), "q");
        assert_eq!(slug("马斯克"), "");
    }
}
