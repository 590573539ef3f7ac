//! Entries x matcher -> mentions: every place an entry names an entity, with its audit
//! trail (alias, line, span, rule), after weak aliases are confirmed or dropped.

use crate::dictionary::{Dictionary, EntityId};
use crate::matcher::{Hit, Matcher, Rule};
use crate::notes::{Entry, SourceFile};

/// One place where an entry names an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The entity.
    pub entity: EntityId,
    /// Index of the alias in the entity's alias list.
    pub alias: u32,
    /// 1-based line in the file.
    pub line: u32,
    /// 1-based column of `start` in its line, in characters.
    pub col: u32,
    /// Byte range in the file's text, as written (full-width letters, bold markers and all).
    /// Offsets are u32 like a line's (files over 4 GiB are not read): a 100 MB corpus has a
    /// million mentions, kept for the whole run, 56 bytes each with usize fields, 32 now.
    pub start: u32,
    /// End of the byte range.
    pub end: u32,
    /// The top-level block of the entry the line belongs to (0 = header).
    pub group: u32,
    /// The matching rule that accepted it.
    pub rule: Rule,
    /// Matched through a weak alias, confirmed by the entry.
    pub weak: bool,
}

impl Mention {
    /// Its byte range in the file's text.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Finds the mentions of one entry. Weak aliases are kept only when the same entry has a
/// strong mention of their entity or of one of its context entities.
pub fn entry_mentions(
    entry: &Entry,
    file: &SourceFile,
    matcher: &Matcher,
    dict: &Dictionary,
) -> Vec<Mention> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut out = Vec::new();
    for line in &entry.lines {
        hits.clear();
        let span = line.span();
        let text = file.slice(&span);
        matcher.find(text, &mut hits);
        if hits.is_empty() {
            continue;
        }
        // Columns are counted once per line, left to right: counting from the line start
        // for every hit is quadratic on a long line with many mentions.
        let line_start = file.text[..span.start]
            .rfind(['\n', '\r'])
            .map_or(0, |p| p + 1);
        let mut col = file.text[line_start..span.start].chars().count() + 1;
        let mut at = 0;
        for h in &hits {
            col += text[at..h.start].chars().count();
            at = h.start;
            out.push(Mention {
                entity: h.entity,
                // In range: the line's own number and offsets are u32 (see Line), and an
                // entity's alias index or a column is smaller than its file.
                alias: h.alias as u32,
                line: line.number() as u32,
                col: col as u32,
                start: (span.start + h.start) as u32,
                end: (span.start + h.end) as u32,
                group: line.group,
                rule: h.rule,
                weak: h.weak,
            });
        }
    }
    if out.iter().any(|m| m.weak) {
        let mut strong: Vec<EntityId> = out.iter().filter(|m| !m.weak).map(|m| m.entity).collect();
        strong.sort_unstable();
        strong.dedup();
        let confirmed = |id: EntityId| {
            strong.binary_search(&id).is_ok()
                || dict
                    .get(id)
                    .context
                    .iter()
                    .any(|c| strong.binary_search(c).is_ok())
        };
        out.retain(|m| !m.weak || confirmed(m.entity));
    }
    // Kept for the whole run: growth slack was a third of the mentions' memory at 100 MB.
    out.shrink_to_fit();
    out
}

/// The distinct entities of a list of mentions, sorted.
pub fn entities_of(mentions: &[Mention]) -> Vec<EntityId> {
    let mut ids: Vec<EntityId> = mentions.iter().map(|m| m.entity).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
