//! `dict suggest`: names the notes use that the dictionary does not know yet, mined from
//! bold terms, bilingual glosses (`第一性原理（first principles）`), capitalised and CamelCase
//! Latin phrases, model-like tokens (`o1-preview`, `GPT-5`) and quoted CJK terms.

use crate::matcher::{Hit, Matcher};
use crate::notes::Entry;
use crate::workspace::Workspace;
use regex::Regex;
use std::collections::BTreeMap;

/// Where a candidate was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A `**bold**` term.
    Bold,
    /// One side of a bilingual gloss whose other side is a known entity: an alias to add.
    Gloss,
    /// A model-like token with a version number.
    ModelLike,
    /// A capitalised or CamelCase Latin phrase.
    Capitalised,
    /// A CJK term in 《》「」“” quotes.
    Quoted,
}

impl Source {
    /// Short name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Bold => "bold",
            Source::Gloss => "gloss",
            Source::ModelLike => "model-like",
            Source::Capitalised => "capitalised",
            Source::Quoted => "quoted",
        }
    }
}

/// A name the dictionary misses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The text as written.
    pub text: String,
    /// How it was found (the strongest source seen).
    pub source: Source,
    /// For a gloss: the id of the known entity it translates.
    pub alias_of: Option<String>,
    /// Occurrences.
    pub count: usize,
    /// Entries it occurs in.
    pub notes: usize,
    /// First occurrence: `path:line`.
    pub example: String,
    /// The line it was first seen on.
    pub example_line: String,
}

struct Patterns {
    bold: Regex,
    gloss_en_zh: Regex,
    gloss_zh_en: Regex,
    model: Regex,
    caps: Regex,
    quoted: Regex,
}

fn patterns() -> Patterns {
    Patterns {
        bold: Regex::new(r"\*\*([^*\n]{2,40}?)\*\*").unwrap(),
        gloss_en_zh: Regex::new(r"([A-Za-z][A-Za-z0-9 .\-]{1,40}?)\s*(?:\*\*)?[（(]\s*(\p{Han}{2,12})\s*[)）]").unwrap(),
        gloss_zh_en: Regex::new(r"(\p{Han}{2,12})\s*(?:\*\*)?[（(]\s*([A-Za-z][A-Za-z0-9 .\-]{1,40}?)\s*[)）]").unwrap(),
        model: Regex::new(r"\b[A-Za-z][A-Za-z]*-?\d+(?:\.\d+)?[A-Za-z]?(?:[ -](?:mini|preview|pro|turbo|flash|ultra|large|small|max|plus|sonnet|opus|haiku))?\b").unwrap(),
        caps: Regex::new(r"\b(?:[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*|[A-Z][A-Za-z0-9]+(?:[ ][A-Z][A-Za-z0-9]+){1,3}|[A-Z]{2,6}[a-z]?)\b").unwrap(),
        quoted: Regex::new(r"[《「“](\p{Han}[\p{Han}A-Za-z0-9 ]{1,15})[》」”]").unwrap(),
    }
}

/// Capitalised words that start sentences or shout in titles; never suggested alone.
const STOP: &[&str] = &[
    "The", "This", "That", "These", "What", "When", "Why", "How", "And", "But", "For", "With",
    "From", "Into", "Its", "It's", "Is", "Are", "Was", "New", "All", "One", "Not", "Do", "Did",
    "CEO", "CTO", "AI", "OK", "US", "USA", "UK", "EU", "BREAKING", "INSANE", "SHOCKING", "NEWS",
    "LARGE", "NEW", "GOD", "FIRED", "GLAD", "NOT", "OMG", "CPU", "API", "PDF", "URL",
];

fn known(matcher: &Matcher, s: &str, hits: &mut Vec<Hit>) -> bool {
    hits.clear();
    matcher.find(s, hits);
    hits.iter().any(|h| h.end - h.start >= s.trim().len())
}

/// Mines suggestions from every entry, most frequent first.
pub fn suggest(ws: &Workspace) -> Vec<Suggestion> {
    let matcher = ws.matcher();
    let p = patterns();
    let mut hits = Vec::new();
    // Value: the suggestion, and the last (entry, line) counted, so one line counts once.
    let mut found: BTreeMap<String, (Suggestion, Option<(usize, usize)>)> = BTreeMap::new();
    let mut add = |text: &str,
                   source: Source,
                   alias_of: Option<String>,
                   entry: usize,
                   e: &Entry,
                   line: usize,
                   line_text: &str| {
        let text = text
            .trim()
            .trim_matches(|c: char| c == '*' || c == '.' || c == '-')
            .trim()
            .to_string();
        if text.chars().count() < 2
            || STOP.contains(&text.as_str())
            || text.chars().all(|c| c.is_ascii_digit())
        {
            return;
        }
        let s = found.entry(text.clone()).or_insert_with(|| {
            (
                Suggestion {
                    text,
                    source,
                    alias_of: alias_of.clone(),
                    count: 0,
                    notes: 0,
                    example: format!("{}:{}", ws.files[e.file].path.display(), line),
                    example_line: line_text.trim().chars().take(120).collect(),
                },
                None,
            )
        });
        match s.1 {
            Some((en, ln)) if en == entry && ln == line => {}
            Some((en, _)) if en == entry => s.0.count += 1,
            _ => {
                s.0.count += 1;
                s.0.notes += 1;
            }
        }
        s.1 = Some((entry, line));
        if source < s.0.source {
            s.0.source = source;
        }
        if s.0.alias_of.is_none() {
            s.0.alias_of = alias_of;
        }
    };
    for (k, e) in ws.entries.iter().enumerate() {
        let file = &ws.files[e.file];
        for l in &e.lines {
            let line = file.slice(&l.span());
            let urls = crate::text::url_spans(line);
            let in_url = |a: usize| urls.iter().any(|&(s, t)| a >= s && a < t);
            for c in p.bold.captures_iter(line) {
                let m = c.get(1).unwrap();
                if !known(matcher, m.as_str(), &mut hits) {
                    add(m.as_str(), Source::Bold, None, k, e, l.number(), line);
                }
            }
            for (re, latin_first) in [(&p.gloss_en_zh, true), (&p.gloss_zh_en, false)] {
                for c in re.captures_iter(line) {
                    let (a, b) = (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str());
                    let (en, zh) = if latin_first { (a, b) } else { (b, a) };
                    let (ek, zk) = (known(matcher, en, &mut hits), known(matcher, zh, &mut hits));
                    if ek != zk {
                        let (known_side, new_side) = if ek { (en, zh) } else { (zh, en) };
                        hits.clear();
                        matcher.find(known_side, &mut hits);
                        let id = hits.first().map(|h| ws.dictionary.get(h.entity).id.clone());
                        add(new_side, Source::Gloss, id, k, e, l.number(), line);
                    }
                }
            }
            for m in p.model.find_iter(line).chain(p.caps.find_iter(line)) {
                if in_url(m.start()) || known(matcher, m.as_str(), &mut hits) {
                    continue;
                }
                let s = m.as_str();
                let source = if s.bytes().any(|b| b.is_ascii_digit()) {
                    Source::ModelLike
                } else {
                    Source::Capitalised
                };
                add(s, source, None, k, e, l.number(), line);
            }
            for c in p.quoted.captures_iter(line) {
                let m = c.get(1).unwrap();
                if !known(matcher, m.as_str(), &mut hits) {
                    add(m.as_str(), Source::Quoted, None, k, e, l.number(), line);
                }
            }
        }
    }
    let mut out: Vec<Suggestion> = found.into_values().map(|(s, _)| s).collect();
    out.sort_by(|a, b| {
        b.notes
            .cmp(&a.notes)
            .then(b.count.cmp(&a.count))
            .then(a.source.cmp(&b.source))
            .then(a.text.cmp(&b.text))
    });
    out
}
