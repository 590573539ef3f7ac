//! Aliases and text from the input: the first line holds up to eight aliases separated by
//! `|` (each its own entity; a case-sensitive one when it starts with `=`), the rest is
//! matched line by line. When the aliases do not make a valid dictionary, a fixed one is
//! used. The matcher never panics; hits are ordered, disjoint, on char boundaries inside
//! the line, and the text they cover folds to their alias.
#![no_main]

use libfuzzer_sys::fuzz_target;
use notegraph::dictionary::{self, Dictionary, Kind};
use notegraph::matcher::Matcher;
use notegraph::text;
use std::path::Path;

const FIXED: &str = r#"[
  {"name": "OpenAI", "kind": "company", "aliases": ["Open AI", "开放AI"]},
  {"name": "Google", "kind": "company", "aliases": ["谷歌"], "guards": ["谷歌歌"]},
  {"name": "Sam Altman", "kind": "person", "aliases": ["奥特曼"], "weak": ["Sam"]},
  {"name": "GPT-4", "kind": "model"},
  {"name": "Q*", "kind": "model"},
  {"name": "C#", "kind": "concept", "exact": ["CSharp"]}
]"#;

fn dictionary_from(head: &str) -> Option<Dictionary> {
    let entities: Vec<serde_json::Value> = head
        .split('|')
        .take(8)
        .enumerate()
        .map(|(i, a)| {
            let (exact, a) = match a.strip_prefix('=') {
                Some(rest) => (vec![rest], ""),
                None => (vec![], a),
            };
            serde_json::json!({
                "name": format!("entity {i}"),
                "id": format!("e{i}"),
                "kind": "concept",
                "aliases": if a.is_empty() { vec![] } else { vec![a] },
                "exact": exact,
            })
        })
        .collect();
    let json = serde_json::to_string(&entities).ok()?;
    dictionary::from_str(Path::new("f.json"), &json).ok()
}

fuzz_target!(|data: &[u8]| {
    let (input, _) = text::decode(data.to_vec());
    let (head, body) = input.split_once('\n').unwrap_or((&input, ""));
    let dict = dictionary_from(head)
        .unwrap_or_else(|| dictionary::from_str(Path::new("f.json"), FIXED).unwrap());
    let matcher = Matcher::new(&dict);
    let mut hits = Vec::new();
    for (start, end) in text::line_ranges(body) {
        let line = &body[start..end];
        hits.clear();
        matcher.find(line, &mut hits);
        let mut last = 0;
        for h in &hits {
            assert!(h.start < h.end && h.end <= line.len() && h.start >= last);
            assert!(line.is_char_boundary(h.start) && line.is_char_boundary(h.end));
            last = h.end;
            let entity = dict.get(h.entity);
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
            assert!(
                got == want || plural,
                "{got:?} is not alias {want:?} in {line:?}"
            );
        }
    }
});
