//! Finding dictionary aliases in a line of text: one Aho-Corasick automaton and every
//! matching rule (word boundaries for Latin script, none for CJK, case per alias, longest
//! wins, guards, nothing inside URLs). `aho_corasick` types never leave this module.

use crate::dictionary::{Dictionary, EntityId};
use crate::text::{self, is_word_char};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Which rule let a hit through; kept on every mention as its audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A Latin-script alias, ASCII case ignored, with word boundaries on its Latin ends.
    Latin,
    /// A Latin-script alias matched case-sensitively, with word boundaries.
    LatinExact,
    /// An alias that starts and ends with CJK characters: no boundary needed.
    Cjk,
}

impl Rule {
    /// A short name for audit output.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Latin => "latin-boundary",
            Rule::LatinExact => "latin-boundary-exact-case",
            Rule::Cjk => "cjk-substring",
        }
    }
}

/// One alias found in a line. Offsets are bytes into the original line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Start byte in the line as written.
    pub start: usize,
    /// End byte in the line as written.
    pub end: usize,
    /// The entity the alias belongs to.
    pub entity: EntityId,
    /// Index of the alias in the entity's alias list.
    pub alias: usize,
    /// The alias is weak: the caller decides whether the entry confirms it.
    pub weak: bool,
    /// The rule that accepted it.
    pub rule: Rule,
}

struct Pattern {
    /// `None` for a guard phrase: it claims its span and reports nothing.
    entity: Option<EntityId>,
    alias: usize,
    folded: String,
    exact: bool,
    weak: bool,
    latin_start: bool,
    latin_end: bool,
    digit_end: bool,
}

/// The compiled dictionary.
pub struct Matcher {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
}

struct Candidate {
    start: usize,
    end: usize,
    pattern: usize,
}

impl Matcher {
    /// Compiles every alias and guard of the dictionary into one automaton.
    pub fn new(dict: &Dictionary) -> Matcher {
        let mut patterns = Vec::with_capacity(dict.alias_count());
        for (i, e) in dict.entities().iter().enumerate() {
            let id = EntityId(i as u32);
            for (k, a) in e.aliases.iter().enumerate() {
                patterns.push(Pattern::new(Some(id), k, &a.text, a.exact, a.weak));
            }
            for g in &e.guards {
                patterns.push(Pattern::new(None, 0, g, false, false));
            }
        }
        patterns.retain(|p| !p.folded.is_empty());
        // Overlapping (Standard) search, not LeftmostLongest: a boundary rejection of the
        // longest candidate must not hide a valid shorter alias at the same place (the
        // aho-corasick docs: leftmost searches never revisit a position).
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(patterns.iter().map(|p| p.folded.as_bytes()))
            .expect("alias patterns are bounded by the dictionary and always build");
        Matcher { ac, patterns }
    }

    /// Number of patterns (aliases and guards) in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Heap memory used by the automaton, in bytes.
    pub fn memory_usage(&self) -> usize {
        self.ac.memory_usage()
    }

    /// Finds the entities mentioned in one line, left to right, without overlaps.
    pub fn find(&self, line: &str, out: &mut Vec<Hit>) {
        let folded = text::fold(line);
        let t = folded.text.as_str();
        let urls = text::url_spans(t);
        let mut cands: Vec<Candidate> = Vec::new();
        for m in self.ac.find_overlapping_iter(t) {
            let (s, e) = (m.start(), m.end());
            let p = &self.patterns[m.pattern().as_usize()];
            if p.exact && &t.as_bytes()[s..e] != p.folded.as_bytes() {
                continue;
            }
            if !p.boundaries_ok(t, s, e) {
                continue;
            }
            if urls.iter().any(|&(a, b)| s < b && a < e) {
                continue;
            }
            cands.push(Candidate {
                start: s,
                end: e,
                pattern: m.pattern().as_usize(),
            });
        }
        if cands.is_empty() {
            return;
        }
        // Leftmost, then longest; at equal spans an alias beats a guard, then dictionary order.
        cands.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(self.patterns[a.pattern].entity.is_none().cmp(&self.patterns[b.pattern].entity.is_none()))
                .then(a.pattern.cmp(&b.pattern))
        });
        let mut taken_to = 0;
        for c in cands {
            if c.start < taken_to {
                continue;
            }
            taken_to = c.end;
            let p = &self.patterns[c.pattern];
            let Some(entity) = p.entity else { continue };
            let rule = if !p.latin_start && !p.latin_end {
                Rule::Cjk
            } else if p.exact {
                Rule::LatinExact
            } else {
                Rule::Latin
            };
            out.push(Hit {
                start: folded.original(c.start),
                end: folded.original_end(line, c.end),
                entity,
                alias: p.alias,
                weak: p.weak,
                rule,
            });
        }
    }
}

impl Pattern {
    fn new(entity: Option<EntityId>, alias: usize, s: &str, exact: bool, weak: bool) -> Pattern {
        let folded = text::fold_alias(s);
        let first = folded.chars().next().unwrap_or(' ');
        let last = folded.chars().next_back().unwrap_or(' ');
        Pattern {
            entity,
            alias,
            exact,
            weak,
            latin_start: is_word_char(first),
            latin_end: is_word_char(last),
            digit_end: last.is_ascii_digit(),
            folded,
        }
    }

    /// Word boundaries at the Latin ends of the alias. A version number continuing after a
    /// digit (`GPT-4` in `GPT-4.5`, `Llama 3` in `Llama 3.1`) is no boundary either.
    fn boundaries_ok(&self, t: &str, s: usize, e: usize) -> bool {
        if self.latin_start && t[..s].chars().next_back().is_some_and(is_word_char) {
            return false;
        }
        if self.latin_end {
            let mut after = t[e..].chars();
            match after.next() {
                Some(c) if is_word_char(c) => return false,
                Some('.') if self.digit_end && after.next().is_some_and(|c| c.is_ascii_digit()) => {
                    return false
                }
                _ => {}
            }
        }
        true
    }
}
