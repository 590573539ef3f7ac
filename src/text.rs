//! Text helpers shared by the parser and the matcher: script classes, the folding that makes
//! `ＯｐｅｎＡＩ`, `**Open**AI` and `Open  AI` look like their plain forms, and line splitting.

use memchr::memmem::Finder;
use std::sync::LazyLock;

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
    /// `(folded, original)` byte offsets, sorted, wherever the distance between the two
    /// changes: after a folded char, a removed `**` or a collapsed space. Offsets before the
    /// first pair are equal, and each pair holds until the next. A dense map (one entry per
    /// byte) cost as much as the whole Aho-Corasick scan; most lines change in a few places.
    anchors: Vec<(u32, u32)>,
}

impl Folded {
    /// The byte offset in the original text of folded byte offset `i`, a char boundary.
    pub fn original(&self, i: usize) -> usize {
        match self.anchors.partition_point(|&(f, _)| f as usize <= i) {
            0 => i,
            k => {
                let (f, o) = self.anchors[k - 1];
                o as usize + (i - f as usize)
            }
        }
    }

    /// The byte offset in `original` just past the character that folded byte `i - 1` came
    /// from: the end of a span, which must not swallow a `**` that was removed after it.
    pub fn original_end(&self, original: &str, i: usize) -> usize {
        if self.anchors.is_empty() || i == 0 {
            return i;
        }
        // A folded char is never longer than the char it came from, so `o` lands inside
        // that char (or on the last byte copied): the span ends at the next char boundary.
        let o = self.original(i - 1);
        (o + 1..=original.len())
            .find(|&e| original.is_char_boundary(e))
            .unwrap_or(original.len())
    }

    fn push_anchor(&mut self, original: usize) {
        let (f, o) = (self.text.len() as u32, original as u32);
        match self.anchors.last_mut() {
            Some(last) if last.0 == f => *last = (f, o),
            Some(&mut (lf, lo)) if lo - lf == o - f => {}
            None if f == o => {}
            _ => self.anchors.push((f, o)),
        }
    }
}

/// The offsets of the stop bytes of a text, ascending: the bytes where folding may change
/// something, ASCII `*`, tab and space and the lead bytes of every folded character. A run
/// of other bytes is always kept as it is, and stop bytes are ASCII or lead bytes, so a run
/// always ends on a char boundary.
///
/// Stop bytes come every 14 bytes or so
/// in the benchmark corpus (spaces, CJK punctuation), so skipping runs was no help; instead
/// each 32-byte chunk becomes a bit mask in one pass of plain compares (which the compiler
/// vectorises), and the set bits are read off with `trailing_zeros`. A byte-by-byte table
/// lookup, mispredicting a branch at every stop, was most of the folding time.
struct Stops<'a> {
    b: &'a [u8],
    /// Offset of the chunk `mask` describes.
    base: usize,
    mask: u32,
}

impl<'a> Stops<'a> {
    fn new(b: &'a [u8]) -> Self {
        let mut s = Stops {
            b,
            base: 0,
            mask: 0,
        };
        s.mask = s.chunk_mask(0);
        s
    }

    fn chunk_mask(&self, base: usize) -> u32 {
        if let Some(chunk) = self.b.get(base..base + 32) {
            return Self::mask(chunk.try_into().expect("a 32-byte slice"));
        }
        let mut chunk = [0u8; 32]; // nul is no stop byte
        let n = self.b.len().saturating_sub(base).min(32);
        chunk[..n].copy_from_slice(&self.b[base..base + n]);
        Self::mask(&chunk)
    }

    fn mask(chunk: &[u8; 32]) -> u32 {
        chunk.iter().enumerate().fold(0u32, |m, (k, &x)| {
            let stop = (x == b'*')
                | (x == b'\t')
                | (x == b' ')
                | (x == 0xC2)
                | (x == 0xE2)
                | (x == 0xE3)
                | (x == 0xEF);
            m | (u32::from(stop) << k)
        })
    }
}

impl Iterator for Stops<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 32;
            if self.base >= self.b.len() {
                return None;
            }
            self.mask = self.chunk_mask(self.base);
        }
        let k = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + k)
    }
}

/// Folds `s` for matching: full-width letters to ASCII, runs of spaces to one space, middle
/// dots to `·`, and `**` bold markers removed (so `**Open**AI` reads `OpenAI`).
pub fn fold(s: &str) -> Folded {
    let mut out = Folded::default();
    if !fold_into(s, &mut out) {
        out.text = s.to_string();
    }
    out
}

/// [`fold`] into reused buffers. Returns false when folding changes nothing, leaving `out`
/// empty: the caller then uses `s` as it is, with no copy (3 lines in 10 of the benchmark
/// corpus; most others change only at a `，` or `（`, and the map back stays short).
pub fn fold_into(s: &str, out: &mut Folded) -> bool {
    out.text.clear();
    out.anchors.clear();
    let b = s.as_bytes();
    // `s[..copied]` is accounted for in `out.text`; copying waits for the first change.
    let mut copied = 0;
    let mut changed = false;
    let mut last_space = false;
    let mut i = 0;
    for at in Stops::new(b) {
        if at < i {
            continue; // inside a char or a `**` already handled
        }
        if at > i {
            last_space = false; // a run of other bytes
            i = at;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        // What replaces `s[i..i + n]`: `None` drops it, `Some(f)` writes `f`.
        let (n, with) = if c == '*' {
            if b.get(i + 1) != Some(&b'*') {
                last_space = false;
                i += 1;
                continue;
            }
            (2, None)
        } else {
            let f = fold_char(c).unwrap_or(c);
            let space = f == ' ';
            let drop = space && last_space;
            last_space = space;
            if drop {
                (len, None)
            } else if f == c {
                i += len;
                continue;
            } else {
                (len, Some(f))
            }
        };
        changed = true;
        out.text.push_str(&s[copied..i]);
        if let Some(f) = with {
            out.text.push(f);
        }
        i += n;
        copied = i;
        out.push_anchor(copied);
    }
    if changed {
        out.text.push_str(&s[copied..]);
    }
    changed
}

/// Folds an alias the same way as note text, and trims it.
pub fn fold_alias(s: &str) -> String {
    fold_alias_into(s, &mut Folded::default()).to_string()
}

/// [`fold_alias`] into a reused buffer: the folded alias, borrowed from `s` itself when
/// folding changes nothing. The matcher folds every alias to see whether the notes can hold
/// it, and keeps a few hundred of 27k on a small corpus: a String each cost more than that.
pub fn fold_alias_into<'a>(s: &'a str, out: &'a mut Folded) -> &'a str {
    let s = s.trim();
    let folded = match fold_into(s, out) {
        true => out.text.as_str(),
        false => s,
    };
    folded.trim()
}

/// Splits text into lines on `\n`, `\r\n` or a lone `\r`. Yields `(start, end)` byte ranges
/// without the terminator. A final line without terminator is included; a trailing
/// terminator does not produce an extra empty line.
pub fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    // Jumping between terminators with memchr2 rather than testing every byte: this loop was
    // a fifth of the parser's time.
    for i in memchr::memchr2_iter(b'\n', b'\r', b) {
        if i < start {
            continue; // the `\n` of a `\r\n` already taken
        }
        out.push((start, i));
        start = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
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
    let mut out = Vec::new();
    url_spans_into(s, &mut out);
    out
}

/// [`url_spans`] into a reused list (cleared first).
pub fn url_spans_into(s: &str, out: &mut Vec<(usize, usize)>) {
    // Jump between candidates with substring search (much faster than walking every char
    // of a long line), remembering the next hit of each needle so the search stays linear.
    // The searchers are built once: building one per call (as `str::find` does) cost more
    // than searching a typical 130-byte line.
    static HTTP: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("http"));
    static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("www."));
    let find = |f: &Finder, from: usize| f.find(&s.as_bytes()[from..]).map(|k| from + k);
    out.clear();
    let mut http = find(&HTTP, 0);
    let mut www = find(&WWW, 0);
    let mut i = 0;
    loop {
        if http.is_some_and(|p| p < i) {
            http = find(&HTTP, i);
        }
        if www.is_some_and(|p| p < i) {
            www = find(&WWW, i);
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
}

fn prev_char(s: &str, i: usize) -> char {
    s[..i].chars().next_back().unwrap_or(' ')
}

fn is_url_end(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | '"' | '\'' | '`')
        || (is_cjk(c) && c != '\u{FF0F}')
}

/// A character that must not reach a terminal or a one-line message as is: a control
/// character (a newline breaks the line, an ESC can restyle or retitle the terminal) or a
/// bidirectional override (it reorders what follows). Messages and terminal output escape
/// these, each in its own notation.
pub fn is_unsafe_to_print(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The simple implementations the fast ones replaced: the fast ones must give the same
/// answers (property tests here and in the matcher).
#[cfg(test)]
pub(crate) mod reference {
    use super::*;

    /// Char by char, without the jumps between candidates.
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

    /// Byte by byte.
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

    /// The folded text and a dense map: `map[i]` is the original offset of folded byte `i`
    /// (the start of its char, for a char folding touched), plus one entry for the end.
    pub fn fold_with_map(s: &str) -> (String, Vec<u32>) {
        let mut text = String::new();
        let mut map = Vec::new();
        let mut last_space = false;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '*' && chars.peek().is_some_and(|&(_, n)| n == '*') {
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
            map.resize(text.len(), i as u32);
        }
        map.push(s.len() as u32);
        (text, map)
    }

    /// [`Folded::original_end`] on a dense map.
    pub fn original_end(map: &[u32], original: &str, i: usize) -> usize {
        if i == 0 {
            return 0;
        }
        let o = map[i - 1] as usize;
        (o + 1..=original.len())
            .find(|&e| original.is_char_boundary(e))
            .unwrap_or(original.len())
    }
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

    fn lines() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec!["\n", "\r", "\r\n", "\n\r", "a", "中", ""]);
        prop::collection::vec(piece, 0..20).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn line_ranges_match_the_byte_by_byte_reference(s in lines()) {
            proptest::prop_assert_eq!(line_ranges(&s), reference::line_ranges(&s));
        }

        #[test]
        fn url_spans_match_the_char_by_char_reference(s in messy()) {
            proptest::prop_assert_eq!(url_spans(&s), reference::url_spans(&s));
        }

        #[test]
        fn fold_matches_the_char_by_char_reference(s in messy()) {
            let (text, map) = reference::fold_with_map(&s);
            let mut f = Folded::default();
            // Nothing to fold exactly when the reference leaves the text as it is.
            proptest::prop_assert_eq!(fold_into(&s, &mut f), text != s);
            let f = fold(&s);
            proptest::prop_assert_eq!(&f.text, &text);
            for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                proptest::prop_assert_eq!(f.original(i), map[i] as usize, "original({})", i);
                proptest::prop_assert_eq!(
                    f.original_end(&s, i),
                    reference::original_end(&map, &s, i),
                    "original_end({})",
                    i
                );
            }
        }
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("GPT-4o mini"), "gpt-4o-mini");
        assert_eq!(slug("Q*"), "q");
        assert_eq!(slug("马斯克"), "");
    }
}
