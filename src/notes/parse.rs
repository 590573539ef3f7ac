//! Parsing one file into entries. Never fails: damaged notes become warnings and the entry
//! is kept with what could be read.

use super::{Date, Entry, Line, LineKind};
use crate::error::{Location, Warning};
use crate::text;
use regex::Regex;
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

/// A header opens an entry: `#` then a space, a tab or the end of the line. `##` and deeper
/// headings are ordinary text inside an entry.
fn header_text(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('#')?;
    if rest.is_empty() {
        return Some(rest);
    }
    if rest.starts_with([' ', '\t', '\u{3000}']) {
        return Some(rest);
    }
    // `#20240831 Title`: a header that lost its space (a tag line never starts with 8 digits).
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 8 {
        return Some(rest);
    }
    None
}

/// A bullet: indentation, then `+`, `-` or `*`, then a space, a tab or the end of the line.
/// Returns (indent columns, marker, byte offset of the content).
fn bullet(line: &str) -> Option<(usize, char, usize)> {
    let mut cols = 0;
    for (i, c) in line.char_indices() {
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4 - cols % 4,
            '\u{3000}' => cols += 2,
            '+' | '-' | '*' => {
                let after = &line[i + 1..];
                if after.is_empty() {
                    return Some((cols, c, line.len()));
                }
                if after.starts_with([' ', '\t']) {
                    return Some((cols, c, i + 2));
                }
                return None;
            }
            _ => return None,
        }
    }
    None
}

struct DateRes {
    re_compact: Regex,
    re_sep: Regex,
    re_cjk: Regex,
    re_digits: Regex,
}

fn date_res() -> &'static DateRes {
    static RES: OnceLock<DateRes> = OnceLock::new();
    RES.get_or_init(|| DateRes {
        // ASCII digits only: regex's `\d` is Unicode, and a date in other digits would fail
        // to parse as a number and be reported as month 0.
        re_compact: Regex::new(r"^([0-9]{4})([0-9]{2})([0-9]{2})(?:[^0-9]|$)").unwrap(),
        re_sep: Regex::new(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[^0-9]|$)").unwrap(),
        re_cjk: Regex::new(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日").unwrap(),
        re_digits: Regex::new(r"^[0-9]+").unwrap(),
    })
}

/// Reads a date at the start of the header text. Returns the date (if valid), the number of
/// bytes it took, and a problem to warn about.
fn leading_date(s: &str) -> (Option<Date>, usize, Option<String>) {
    let res = date_res();
    for re in [&res.re_compact, &res.re_sep, &res.re_cjk] {
        if let Some(c) = re.captures(s) {
            let num = |i: usize| c[i].parse::<u32>().unwrap_or(0);
            let token_len = c.get(3).map(|m| m.end()).unwrap_or(0);
            let token_len = if std::ptr::eq(re, &res.re_cjk) {
                c.get(0).map(|m| m.end()).unwrap_or(token_len)
            } else {
                token_len
            };
            return match Date::new(num(1), num(2), num(3)) {
                Ok(d) => (Some(d), token_len, None),
                Err(why) => (
                    None,
                    token_len,
                    Some(format!("invalid date {:?}: {why}", &s[..token_len])),
                ),
            };
        }
    }
    if let Some(m) = res.re_digits.find(s) {
        let n = m.end();
        // Five to seven or nine or more digits up front look like a mistyped YYYYMMDD;
        // shorter numbers are ordinary titles ("42 Solar", "2001 A Space Odyssey").
        if (5..=7).contains(&n) || (9..=12).contains(&n) {
            return (
                None,
                0,
                Some(format!(
                    "{:?} looks like a date but has {n} digits, not 8",
                    &s[..n]
                )),
            );
        }
    }
    let wide = s
        .chars()
        .take_while(|c| matches!(c, '０'..='９'))
        .map(char::len_utf8)
        .sum::<usize>();
    if wide >= 5 {
        return (
            None,
            0,
            Some(format!(
                "{:?} is written in full-width digits and is not read as a date",
                &s[..wide]
            )),
        );
    }
    (None, 0, None)
}

/// `s` trimmed, with every run of whitespace turned into one space. Runs of bytes that cannot
/// start a whitespace char are copied whole (the char-by-char `split_whitespace` made very
/// long headers slow); the stop bytes are ASCII or lead bytes, so runs end on char boundaries.
fn collapse_whitespace(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut i = 0;
    while i < b.len() {
        let run = b[i..]
            .iter()
            .position(|&x| {
                x.is_ascii_whitespace() || x == 0x0B || matches!(x, 0xC2 | 0xE1 | 0xE2 | 0xE3)
            })
            .map_or(b.len(), |k| i + k);
        if run > i {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(&s[i..run]);
            i = run;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Byte offset of the `(` of the first link `[text](url` on a line whose `(` is never closed.
/// Parentheses nest (`[w](https://en.wikipedia.org/wiki/A_(b))` is closed); a stray `)`
/// outside any parenthesis is ignored. One pass, memory only for open links.
fn unclosed_link(s: &str) -> Option<usize> {
    if !s.contains("](") {
        return None;
    }
    let b = s.as_bytes();
    let mut depth = 0usize;
    // Open links as (offset of '(', depth inside it); depths increase up the stack.
    let mut links: Vec<(usize, usize)> = Vec::new();
    for (i, &x) in b.iter().enumerate() {
        match x {
            b'(' => {
                depth += 1;
                if i > 0 && b[i - 1] == b']' {
                    links.push((i, depth));
                }
            }
            b')' if depth > 0 => {
                depth -= 1;
                while links.last().is_some_and(|&(_, d)| d > depth) {
                    links.pop();
                }
            }
            _ => {}
        }
    }
    links.first().map(|&(i, _)| i)
}

/// Byte offset of the next `#` or full-width `＃` at or after `from`.
fn next_hash(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(k) = b[i..].iter().position(|&x| x == b'#' || x == 0xEF) {
        let at = i + k;
        if b[at] == b'#' || s[at..].starts_with('＃') {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Splits header text (after `#`) into date, title and tags.
fn split_header(s: &str) -> (Option<Date>, usize, Option<String>, String, Vec<String>) {
    let trimmed = s.trim_start_matches([' ', '\t', '\u{3000}']);
    let (date, used, problem) = leading_date(trimmed);
    let rest = &trimmed[used..];
    let mut title = String::with_capacity(rest.len());
    let mut tags = Vec::new();
    let is_hash = |c: char| c == '#' || c == '＃';
    let mut i = 0;
    // Copies the title between `#`s in runs: a char-by-char copy made very long headers slow.
    while let Some(k) = next_hash(rest, i) {
        title.push_str(&rest[i..k]);
        let after = k + rest[k..].chars().next().map_or(1, char::len_utf8);
        let next = rest[after..].chars().next();
        // `#` starts a tag only when a tag character follows: `C# code` keeps its `#`.
        if next.is_some_and(|n| !n.is_whitespace() && !is_hash(n)) {
            let end = rest[after..]
                .find(|c: char| c.is_whitespace() || is_hash(c))
                .map_or(rest.len(), |e| after + e);
            tags.push(rest[after..end].to_string());
            title.push(' ');
            i = end;
        } else {
            title.push_str(&rest[k..after]);
            i = after;
        }
    }
    title.push_str(&rest[i..]);
    let title = collapse_whitespace(&title);
    (date, s.len() - trimmed.len(), problem, title, tags)
}

/// Parses one file's text into entries, with warnings for damaged parts. `file` is the index
/// the entries will refer to.
pub fn parse_file(path: &Path, text: &str, file: usize) -> (Vec<Entry>, Vec<Warning>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut warnings = Vec::new();
    // Indentation stack of the current entry's bullets, for depth.
    let mut indents: Vec<usize> = Vec::new();
    let mut group = 0u32;
    let mut preamble_warned = false;

    for (n, (start, end)) in text::line_ranges(text).into_iter().enumerate() {
        let number = n + 1;
        let raw = &text[start..end];
        if let Some(h) = header_text(raw) {
            let h_off = start + (raw.len() - h.len());
            let (date, lead, problem, title, tags) = split_header(h);
            let loc = Location::new(path, number);
            if let Some(p) = problem {
                warnings.push(Warning::new(
                    loc.clone().with_col(raw[..raw.len() - h.len() + lead].chars().count() + 1),
                    p,
                    "write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date",
                ));
            }
            if !h.is_empty() && !h.starts_with([' ', '\t', '\u{3000}']) {
                warnings.push(Warning::new(
                    loc.clone().with_col(2),
                    "header without a space after '#'",
                    "write '# ' at the start of a header",
                ));
            }
            if title.is_empty() {
                warnings.push(Warning::new(
                    loc,
                    "header has no title",
                    "write a title after the date, e.g. # 20240831 Title",
                ));
            }
            indents.clear();
            group = 0;
            entries.push(Entry {
                file,
                line: number,
                end_line: number,
                date,
                title,
                tags,
                urls: Vec::new(),
                lines: vec![Line::new(number, LineKind::Header, h_off..end, 0)],
            });
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        if entries.is_empty() {
            // Text before the first header: kept as an untitled entry so nothing is lost.
            if !preamble_warned {
                warnings.push(Warning::new(
                    Location::new(path, number),
                    "text before the first header; kept as an untitled entry",
                    "start the file with a header such as # 20240831 Title",
                ));
                preamble_warned = true;
            }
            entries.push(Entry {
                file,
                line: number,
                end_line: number,
                date: None,
                title: String::new(),
                tags: Vec::new(),
                urls: Vec::new(),
                lines: Vec::new(),
            });
        }
        let entry = entries.last_mut().expect("an entry exists");
        let (kind, content) = match bullet(raw) {
            Some((cols, marker, off)) => {
                while indents.last().is_some_and(|&top| top > cols) {
                    indents.pop();
                }
                if indents.last() != Some(&cols) {
                    indents.push(cols);
                }
                let depth = indents.len().min(u16::MAX as usize) as u16;
                if depth == 1 {
                    group += 1;
                }
                (LineKind::Bullet { depth, marker }, start + off)
            }
            None => {
                indents.clear();
                group += 1;
                let lead = raw.len() - raw.trim_start().len();
                (LineKind::Text, start + lead)
            }
        };
        entry.end_line = number;
        entry
            .lines
            .push(Line::new(number, kind, content..end, group.max(1)));
    }

    if entries.is_empty() {
        let what = if text.is_empty() {
            "empty file; nothing to read"
        } else {
            "only blank lines; nothing to read"
        };
        warnings.push(Warning::new(
            Location::new(path, 1),
            what,
            "write notes under a header such as # 20240831 Title, or remove the file",
        ));
    }
    for e in &mut entries {
        // Lines are kept for the whole run: growth slack was ~a third of their memory.
        e.lines.shrink_to_fit();
        // A set beside the list: checking the list itself is quadratic in the number of links.
        let mut seen = HashSet::new();
        for l in &e.lines {
            let s = &text[l.span()];
            for (a, b) in text::url_spans(s) {
                let u = &s[a..b];
                if seen.insert(u) {
                    e.urls.push(u.to_string());
                }
            }
            if let Some(at) = unclosed_link(s) {
                let line_start = text[..l.span().start]
                    .rfind(['\n', '\r'])
                    .map_or(0, |p| p + 1);
                let col = text[line_start..l.span().start + at].chars().count() + 1;
                warnings.push(Warning::new(
                    Location::new(path, l.number()).with_col(col),
                    "link without a closing ')'",
                    "write links as [text](url)",
                ));
            }
        }
    }
    (entries, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> (Vec<Entry>, Vec<Warning>) {
        parse_file(Path::new("n.txt"), s, 0)
    }

    #[test]
    fn header_with_date_title_and_glued_tags() {
        let (e, w) = parse("# 20240808 building makemore (中) #AI#每日陪读\n");
        assert!(w.is_empty());
        assert_eq!(e[0].date.unwrap().to_string(), "2024-08-08");
        assert_eq!(e[0].title, "building makemore (中)");
        assert_eq!(e[0].tags, ["AI", "每日陪读"]);
    }

    #[test]
    fn bad_date_is_a_warning_and_the_entry_stays() {
        let (e, w) = parse("# 20241345 Title\n+ x\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].date, None);
        assert_eq!(e[0].title, "Title");
        assert_eq!(
            w[0].to_string(),
            "n.txt:1:3: invalid date \"20241345\": month 13 is not 1-12 (hint: write the date as YYYYMMDD, e.g. # 20240831 Title; the entry is kept without a date)"
        );
    }

    #[test]
    fn bullets_keep_depth_group_and_line() {
        let (e, _) = parse("# 20240101 T\n+ a\n    - b\n        * c\n+ d\n");
        let kinds: Vec<(usize, LineKind, u32)> = e[0]
            .lines
            .iter()
            .map(|l| (l.number(), l.kind, l.group))
            .collect();
        assert_eq!(
            kinds,
            [
                (1, LineKind::Header, 0),
                (
                    2,
                    LineKind::Bullet {
                        depth: 1,
                        marker: '+'
                    },
                    1
                ),
                (
                    3,
                    LineKind::Bullet {
                        depth: 2,
                        marker: '-'
                    },
                    1
                ),
                (
                    4,
                    LineKind::Bullet {
                        depth: 3,
                        marker: '*'
                    },
                    1
                ),
                (
                    5,
                    LineKind::Bullet {
                        depth: 1,
                        marker: '+'
                    },
                    2
                ),
            ]
        );
    }

    fn messy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            prop::sample::select(vec![
                " ", "\t", "\u{b}", "\u{c}", "\r", "\u{85}", "\u{a0}", "\u{1680}", "\u{2000}",
                "\u{200a}", "\u{200b}", "\u{2028}", "\u{202f}", "\u{205f}", "\u{3000}", "a", "中",
                "¢", "ḁ", "〇", "(", ")", "](", "[", "]", "#", "＃",
            ])
            .prop_map(str::to_string),
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    /// The first unclosed link, the slow way: from each `](`, follow nesting to the end.
    fn unclosed_link_reference(s: &str) -> Option<usize> {
        let b = s.as_bytes();
        let closes = |open: usize| {
            let mut depth = 0;
            for &x in &b[open..] {
                match x {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            return true;
                        }
                    }
                    _ => {}
                }
            }
            false
        };
        (1..b.len())
            .filter(|&i| b[i] == b'(' && b[i - 1] == b']')
            .find(|&i| !closes(i))
    }

    proptest::proptest! {
        #[test]
        fn whitespace_collapses_like_split_whitespace(s in messy()) {
            proptest::prop_assert_eq!(
                collapse_whitespace(&s),
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }

        #[test]
        fn unclosed_links_match_the_slow_reference(s in messy()) {
            proptest::prop_assert_eq!(unclosed_link(&s), unclosed_link_reference(&s));
        }
    }

    #[test]
    fn c_sharp_is_not_a_tag() {
        let (e, _) = parse("# 20240101 Learning C# today #code\n");
        assert_eq!(e[0].title, "Learning C# today");
        assert_eq!(e[0].tags, ["code"]);
    }
}
