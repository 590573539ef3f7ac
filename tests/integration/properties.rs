//! Property tests of the parser and the matcher on generated notes: they never panic, every
//! span lies on char boundaries inside the line its number names, and every hit is the
//! alias it claims to be. Inputs are built from the pieces the grammar cares about (headers,
//! dates, tags, bullets, markers, brackets, URLs, CR, CJK, full-width forms) mixed with
//! arbitrary chars, so the generator reaches the interesting corners quickly.

use notegraph::dictionary::{self, Dictionary, Kind};
use notegraph::matcher::{Hit, Matcher, Windows};
use notegraph::notes::{parse_file, LineKind};
use notegraph::text;
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

const PIECES: &[&str] = &[
    "#",
    "# ",
    "##",
    "＃",
    "#tag",
    "*",
    "**",
    "***",
    "+ ",
    "- ",
    "* ",
    "+",
    "    ",
    "\t",
    " ",
    "  ",
    "\u{3000}",
    "\u{a0}",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    "[",
    "]",
    "(",
    ")",
    "](",
    "[a](b)",
    "https://x.com/a?b=1",
    "www.y.org",
    "http://",
    "20240831",
    "20241345",
    "2024083",
    "2024-08-31",
    "2024年8月3日",
    "２０２４０８３１",
    "OpenAI",
    "openai",
    "Open AI",
    "ＯｐｅｎＡＩ",
    "Open**AI",
    "谷歌",
    "马斯克",
    "Sam",
    "GPT-4",
    "GPT-4.5",
    "C#",
    "·",
    "・",
    "\u{feff}",
    "\u{fffd}",
    "é",
    "🦀",
    "\u{200b}",
    "\u{2028}",
    "\u{1b}",
    "\0",
    "a",
    "1",
    "_",
];

/// A note: a few dozen pieces and arbitrary chars, concatenated.
fn note() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z0-9 ]{1,8}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// The dictionary the matcher properties run against: one alias for each matching rule.
fn dict() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(|| {
        dictionary::from_str(
            Path::new("p.toml"),
            r#"
kind = "company"
[[entity]]
name = "OpenAI"
aliases = ["Open AI", "开放AI"]
[[entity]]
name = "Google"
aliases = ["谷歌"]
guards = ["谷歌歌"]
[[entity]]
name = "Sam Altman"
kind = "person"
aliases = ["奥特曼", "Altman"]
weak = ["Sam"]
[[entity]]
name = "GPT-4"
kind = "model"
[[entity]]
name = "Q*"
kind = "model"
[[entity]]
name = "C#"
kind = "concept"
exact = ["CSharp"]
[[entity]]
name = "a·b"
kind = "concept"
[[entity]]
name = "neural network"
kind = "concept"
aliases = ["神经网络"]
"#,
        )
        .unwrap()
    })
}

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| Matcher::new(dict()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parser_spans_lie_on_char_boundaries_within_their_line(s in note()) {
        let (entries, warnings) = parse_file(Path::new("p.md"), &s, 0);
        let lines = text::line_ranges(&s);
        for e in &entries {
            prop_assert!(e.line >= 1 && e.line <= e.end_line && e.end_line <= lines.len());
            for l in &e.lines {
                let span = l.span();
                prop_assert!(s.is_char_boundary(span.start) && s.is_char_boundary(span.end));
                let (a, b) = lines[l.number() - 1];
                prop_assert!(a <= span.start && span.start <= span.end && span.end <= b,
                    "line {} span {:?} outside {:?}", l.number(), span, (a, b));
                if let LineKind::Bullet { depth, .. } = l.kind {
                    prop_assert!(depth >= 1);
                }
            }
            let numbers: Vec<usize> = e.lines.iter().map(|l| l.number()).collect();
            prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        }
        for w in &warnings {
            prop_assert!(w.location.line >= 1 && w.location.line <= lines.len().max(1), "{w}");
            let msg = w.to_string();
            prop_assert!(!msg.contains('\n') && !msg.contains('\u{1b}'), "{msg:?}");
        }
    }

    #[test]
    fn parser_and_matcher_agree_with_the_pipeline(s in note()) {
        // Matching every parsed line never panics and stays inside the line.
        let (entries, _) = parse_file(Path::new("p.md"), &s, 0);
        let mut hits = Vec::new();
        for e in &entries {
            for l in &e.lines {
                hits.clear();
                let line = &s[l.span()];
                matcher().find(line, &mut hits);
                check_hits(line, &hits)?;
            }
        }
    }

    #[test]
    fn a_matcher_for_the_text_finds_what_the_full_one_does(s in note()) {
        // Built from the windows of the parsed lines (plus the raw text, the case
        // `Matcher::find` is also called on in these tests), then run on those lines.
        let (entries, _) = parse_file(Path::new("p.md"), &s, 0);
        let lines: Vec<&str> = entries
            .iter()
            .flat_map(|e| e.lines.iter().map(|l| &s[l.span()]))
            .chain([s.as_str()])
            .collect();
        let mut w = Windows::for_bytes(s.len());
        for line in &lines {
            w.add_line(line);
        }
        let filtered = Matcher::for_text(dict(), &w);
        prop_assert!(filtered.pattern_count() <= matcher().pattern_count());
        let (mut want, mut got) = (Vec::new(), Vec::new());
        for line in &lines {
            want.clear();
            got.clear();
            matcher().find(line, &mut want);
            filtered.find(line, &mut got);
            prop_assert_eq!(&got, &want, "line {:?}", line);
        }
    }

    #[test]
    fn matcher_hits_are_ordered_disjoint_and_are_their_alias(s in note()) {
        let mut hits = Vec::new();
        matcher().find(&s, &mut hits);
        check_hits(&s, &hits)?;
    }

    #[test]
    fn folding_maps_back_onto_char_boundaries(s in note()) {
        let f = text::fold(&s);
        for (i, _) in f.text.char_indices().chain([(f.text.len(), ' ')]) {
            let o = f.original(i);
            prop_assert!(o <= s.len() && s.is_char_boundary(o));
            let e = f.original_end(&s, i);
            prop_assert!(e <= s.len() && s.is_char_boundary(e));
        }
    }

    #[test]
    fn decoding_is_lossy_utf8_without_the_bom(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let (text, bad) = text::decode(bytes.clone());
        let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(&bytes);
        prop_assert_eq!(&text, &String::from_utf8_lossy(body));
        prop_assert_eq!(bad.is_some(), std::str::from_utf8(body).is_err());
        if let Some(b) = bad {
            let (start, end) = text::line_ranges(&text)[b.line - 1];
            let line = &text[start..end];
            prop_assert_eq!(line.chars().nth(b.col - 1), Some('\u{FFFD}'));
            prop_assert!(b.lines >= 1);
        }
    }
}

fn check_hits(line: &str, hits: &[Hit]) -> Result<(), TestCaseError> {
    let d = dict();
    let mut end = 0;
    for h in hits {
        prop_assert!(h.start < h.end && h.end <= line.len(), "{h:?}");
        prop_assert!(line.is_char_boundary(h.start) && line.is_char_boundary(h.end));
        prop_assert!(h.start >= end, "overlapping or unordered hits: {hits:?}");
        end = h.end;
        let entity = d.get(h.entity);
        let alias = &entity.aliases[h.alias];
        let (mut got, mut want) = (
            text::fold_alias(&line[h.start..h.end]),
            text::fold_alias(&alias.text),
        );
        if !alias.exact {
            got = got.to_ascii_lowercase();
            want = want.to_ascii_lowercase();
        }
        // A concept's English plural counts as the alias (`neural networks`).
        let plural = entity.kind == Kind::Concept
            && [want.clone() + "s", want.clone() + "es"].contains(&got);
        prop_assert!(got == want || plural, "{got:?} is not alias {want:?}");
    }
    Ok(())
}
