//! Any bytes as a note file: decoding and parsing never panic, every line span is on char
//! boundaries inside the line its number names, and every warning is one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notegraph::notes::parse_file;
use notegraph::text;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Some(at) = text::binary_offset(data) {
        let (line, col) = text::line_col(data, at);
        assert!(line >= 1 && col >= 1);
    }
    let (text, bad) = text::decode(data.to_vec());
    let lines = text::line_ranges(&text);
    if let Some(b) = bad {
        let (start, end) = lines[b.line - 1];
        assert_eq!(text[start..end].chars().nth(b.col - 1), Some('\u{FFFD}'));
    }
    let (entries, warnings) = parse_file(Path::new("f.md"), &text, 0);
    for e in &entries {
        assert!(e.line >= 1 && e.line <= e.end_line && e.end_line <= lines.len());
        for l in &e.lines {
            let (a, b) = lines[l.number - 1];
            assert!(a <= l.span.start && l.span.start <= l.span.end && l.span.end <= b);
            assert!(text.is_char_boundary(l.span.start) && text.is_char_boundary(l.span.end));
        }
    }
    for w in &warnings {
        assert!(w.location.line >= 1 && w.location.line <= lines.len().max(1));
        assert!(!w.to_string().contains('\n'));
    }
});
