//! Typed answers to the explorer's questions: the notes that mention some entities, an
//! entity's profile, its neighbours, the chain of co-mentions between two entities, rankings,
//! corpus statistics and monthly timelines. Everything here is computed from a
//! [`Workspace`]; printing is the caller's business.
//!
//! Entries are referred to by their index in [`Workspace::entries`], entities by
//! [`EntityId`], nodes by [`Node`] references into the graph.

use crate::dictionary::{EntityId, Kind};
use crate::error::{Error, Result};
use crate::graph::Node;
use crate::mentions;
use crate::notes::{Date, LineKind};
use crate::workspace::Workspace;
use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

/// Which entries [`notes`] returns. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct NotesQuery {
    /// Entities asked for by name: an entry must mention any of them (all, with `all`).
    pub entities: Vec<EntityId>,
    /// Require every entity in `entities`, not just one.
    pub all: bool,
    /// Entries mentioning any of these are left out.
    pub exclude: Vec<EntityId>,
    /// An entry must mention an entity of one of these kinds; those entities count as
    /// matched too (highlighted beside the named ones). With no names, this alone selects.
    pub kinds: Vec<Kind>,
    /// Only entries dated on or after this day (undated entries are left out).
    pub since: Option<Date>,
    /// Only entries dated on or before this day (undated entries are left out).
    pub until: Option<Date>,
    /// Keep only the first N entries of the answer (newest first).
    pub limit: Option<usize>,
}

/// The entries that answer a [`NotesQuery`], newest first.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// The entries kept (after `limit`).
    pub hits: Vec<NoteHit>,
    /// How many entries matched before `limit`.
    pub total: usize,
}

/// One entry that answers a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteHit {
    /// Index into [`Workspace::entries`].
    pub entry: usize,
    /// The queried entities this entry mentions, sorted.
    pub matched: Vec<EntityId>,
    /// The lines (header included) that mention a matched entity, in order.
    pub lines: Vec<HitLine>,
}

/// A line of an entry that mentions a matched entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitLine {
    /// 1-based line number in the file.
    pub number: usize,
    /// Header, bullet or text.
    pub kind: LineKind,
    /// Byte range of the line's content in the file text (after the bullet marker).
    pub content: Range<usize>,
    /// The mentions of matched entities on this line, left to right, never overlapping.
    pub marks: Vec<Mark>,
}

/// Where a matched entity is named, as a byte range in the file text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The entity.
    pub entity: EntityId,
    /// Byte range in the file text, as written.
    pub span: Range<usize>,
}

impl NotesQuery {
    fn check(&self) -> Result<()> {
        if self.entities.is_empty() && self.kinds.is_empty() {
            return Err(Error::query(
                "nothing to look for",
                "name an entity (notegraph notes OpenAI) or a kind (notegraph notes --kind model)",
            ));
        }
        if let (Some(s), Some(u)) = (self.since, self.until) {
            if s > u {
                return Err(Error::query(
                    format!("--since {s} is after --until {u}"),
                    "swap the two dates; both days are included",
                ));
            }
        }
        Ok(())
    }

    fn check_names(&self, ws: &Workspace) -> Result<()> {
        if let Some(&both) = self.exclude.iter().find(|x| self.entities.contains(x)) {
            let name = &ws.dictionary.get(both).name;
            return Err(Error::query(
                format!("{name} is both asked for and excluded with --not"),
                "drop it from the names or from --not",
            ));
        }
        Ok(())
    }

    fn date_ok(&self, date: Option<Date>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        date.is_some_and(|d| {
            !matches!(self.since, Some(s) if s > d) && !matches!(self.until, Some(u) if d > u)
        })
    }
}

/// Orders entries newest first: by date descending, undated entries last, then in file and
/// line order (which is the order of [`Workspace::entries`]).
pub fn newest_first(ws: &Workspace, a: usize, b: usize) -> Ordering {
    match (ws.entries[a].date, ws.entries[b].date) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then(a.cmp(&b))
}

/// The entries that mention the queried entities, newest first, each with the lines that
/// name them. Errors when the query asks for nothing or its dates are reversed.
pub fn notes(ws: &Workspace, q: &NotesQuery) -> Result<Notes> {
    q.check()?;
    q.check_names(ws)?;
    let mut wanted = q.entities.clone();
    wanted.sort_unstable();
    wanted.dedup();
    let mut hits = Vec::new();
    for (i, entry) in ws.entries.iter().enumerate() {
        if !q.date_ok(entry.date) {
            continue;
        }
        let present = mentions::entities_of(&ws.mentions[i]);
        let has = |id: &EntityId| present.binary_search(id).is_ok();
        if q.exclude.iter().any(has) {
            continue;
        }
        let mut matched: Vec<EntityId> = wanted.iter().copied().filter(has).collect();
        let named_ok = if q.all {
            matched.len() == wanted.len()
        } else {
            wanted.is_empty() || !matched.is_empty()
        };
        if !named_ok {
            continue;
        }
        if !q.kinds.is_empty() {
            let of_kind: Vec<EntityId> = present
                .iter()
                .copied()
                .filter(|&id| q.kinds.contains(&ws.dictionary.get(id).kind))
                .collect();
            if of_kind.is_empty() {
                continue;
            }
            matched.extend(of_kind);
            matched.sort_unstable();
            matched.dedup();
        }
        hits.push(NoteHit {
            entry: i,
            lines: hit_lines(ws, i, &matched),
            matched,
        });
    }
    hits.sort_by(|a, b| newest_first(ws, a.entry, b.entry));
    let total = hits.len();
    if let Some(n) = q.limit {
        hits.truncate(n);
    }
    Ok(Notes { hits, total })
}

/// The entries where both `a` and `b` are mentioned, newest first, with both marked.
pub fn explain(ws: &Workspace, a: EntityId, b: EntityId) -> Result<Notes> {
    distinct(ws, a, b)?;
    notes(
        ws,
        &NotesQuery {
            entities: vec![a, b],
            all: true,
            ..NotesQuery::default()
        },
    )
}

fn distinct(ws: &Workspace, a: EntityId, b: EntityId) -> Result<()> {
    if a == b {
        let name = &ws.dictionary.get(a).name;
        return Err(Error::query(
            format!("both names are {name}"),
            "give two different entities",
        ));
    }
    Ok(())
}

fn hit_lines(ws: &Workspace, entry: usize, matched: &[EntityId]) -> Vec<HitLine> {
    let ms = &ws.mentions[entry];
    ws.entries[entry]
        .lines
        .iter()
        .filter_map(|line| {
            let marks: Vec<Mark> = ms
                .iter()
                .filter(|m| {
                    m.line as usize == line.number() && matched.binary_search(&m.entity).is_ok()
                })
                .map(|m| Mark {
                    entity: m.entity,
                    span: m.span(),
                })
                .collect();
            (!marks.is_empty()).then(|| HitLine {
                number: line.number(),
                kind: line.kind,
                content: line.span(),
                marks,
            })
        })
        .collect()
}

/// A calendar month, the bucket of timelines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: u32,
    /// 1-12.
    pub month: u32,
}

impl Month {
    /// The month a day falls in.
    pub fn of(d: Date) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The month after this one.
    pub fn succ(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..self
            }
        }
    }

    /// Every month from `first` to `last`, both included.
    pub fn range(first: Month, last: Month) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = first;
        while m <= last {
            out.push(m);
            m = m.succ();
        }
        out
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Mentions and notes of one entity in one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count {
    /// Mentions (an entry naming it three times counts three).
    pub mentions: usize,
    /// Entries that mention it.
    pub notes: usize,
}

/// Mentions per month of several entities, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    /// The entities, in the order asked.
    pub entities: Vec<EntityId>,
    /// One row per month, from the first to the last month any of them is mentioned,
    /// empty months included. `counts[k]` belongs to `entities[k]`.
    pub rows: Vec<(Month, Vec<Count>)>,
    /// Counts in undated entries, per entity.
    pub undated: Vec<Count>,
}

impl Timeline {
    /// True when none of the entities is mentioned anywhere.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.undated.iter().all(|c| c.mentions == 0)
    }
}

/// Mentions per month of each entity (duplicates dropped, order kept).
pub fn timeline(ws: &Workspace, entities: &[EntityId]) -> Timeline {
    let mut ids: Vec<EntityId> = Vec::new();
    for &id in entities {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut dated: Vec<(Month, usize, usize)> = Vec::new();
    let mut undated = vec![Count::default(); ids.len()];
    for (i, entry) in ws.entries.iter().enumerate() {
        for (k, &id) in ids.iter().enumerate() {
            let n = ws.mentions[i].iter().filter(|m| m.entity == id).count();
            if n == 0 {
                continue;
            }
            match entry.date {
                Some(d) => dated.push((Month::of(d), k, n)),
                None => {
                    undated[k].mentions += n;
                    undated[k].notes += 1;
                }
            }
        }
    }
    let (Some(first), Some(last)) = (
        dated.iter().map(|x| x.0).min(),
        dated.iter().map(|x| x.0).max(),
    ) else {
        return Timeline {
            entities: ids,
            rows: Vec::new(),
            undated,
        };
    };
    let months = Month::range(first, last);
    let mut rows: Vec<(Month, Vec<Count>)> = months
        .iter()
        .map(|&m| (m, vec![Count::default(); ids.len()]))
        .collect();
    for (m, k, n) in dated {
        let row = months
            .binary_search(&m)
            .expect("the range covers every month");
        rows[row].1[k].mentions += n;
        rows[row].1[k].notes += 1;
    }
    Timeline {
        entities: ids,
        rows,
        undated,
    }
}

/// An entity next to another in the co-mention graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// The neighbour.
    pub entity: EntityId,
    /// Entries that mention both.
    pub weight: u32,
    /// weight / (notes(a) + notes(b) - weight).
    pub jaccard: f64,
    /// log2(weight * N / (notes(a) * notes(b))).
    pub pmi: f64,
    /// The entries that mention both, as indices into [`Workspace::entries`], ascending.
    pub entries: Vec<usize>,
}

/// How [`related`] ranks neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// Entries mentioning both.
    #[default]
    Weight,
    /// Overlap of the two sets of entries.
    Jaccard,
    /// Pointwise mutual information: how much more often than chance.
    Pmi,
}

/// The neighbours of an entity, only of `kinds` when it is not empty, best first by `by`
/// (ties: heavier, then by id). Empty when the entity is never mentioned with anything.
pub fn related(ws: &Workspace, entity: EntityId, by: Measure, kinds: &[Kind]) -> Vec<Neighbour> {
    let g = &ws.graph;
    let Some(pos) = g.position(entity) else {
        return Vec::new();
    };
    let mut out: Vec<Neighbour> = g
        .neighbours(pos)
        .into_iter()
        .map(|(other, e)| {
            let edge = &g.edges()[e];
            Neighbour {
                entity: g.nodes()[other].entity,
                weight: edge.weight,
                jaccard: g.jaccard(e),
                pmi: g.pmi(e),
                entries: g.edge_entries(e).iter().map(|&i| i as usize).collect(),
            }
        })
        .filter(|n| kinds.is_empty() || kinds.contains(&ws.dictionary.get(n.entity).kind))
        .collect();
    let key = |n: &Neighbour| match by {
        Measure::Weight => n.weight as f64,
        Measure::Jaccard => n.jaccard,
        Measure::Pmi => n.pmi,
    };
    out.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then(b.weight.cmp(&a.weight))
            .then(a.entity.cmp(&b.entity))
    });
    out
}

/// Everything known about one entity.
#[derive(Debug, Clone)]
pub struct Profile<'a> {
    /// The entity.
    pub entity: EntityId,
    /// Its node in the graph; `None` when the notes never mention it.
    pub node: Option<&'a Node>,
    /// Mentions per month, first to last month seen.
    pub timeline: Timeline,
    /// Neighbours by weight.
    pub related: Vec<Neighbour>,
}

/// The profile of an entity, with its `top` heaviest neighbours.
pub fn profile(ws: &Workspace, entity: EntityId, top: usize) -> Profile<'_> {
    let mut related = related(ws, entity, Measure::Weight, &[]);
    related.truncate(top);
    Profile {
        entity,
        node: ws.graph.position(entity).map(|p| &ws.graph.nodes()[p]),
        timeline: timeline(ws, &[entity]),
        related,
    }
}

/// One link of a chain of co-mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// Where the hop starts.
    pub from: EntityId,
    /// Where it ends.
    pub to: EntityId,
    /// Entries that mention both.
    pub weight: u32,
    /// The newest entry that mentions both: the evidence for the hop.
    pub entry: usize,
}

/// The shortest chain of co-mentions from `a` to `b` (fewest hops, stronger links first on
/// ties), each hop with the entry that supports it. `None` when no chain joins them.
pub fn path(ws: &Workspace, a: EntityId, b: EntityId) -> Result<Option<Vec<Hop>>> {
    distinct(ws, a, b)?;
    let g = &ws.graph;
    let (Some(pa), Some(pb)) = (g.position(a), g.position(b)) else {
        return Ok(None);
    };
    let Some(nodes) = g.shortest_path(pa, pb) else {
        return Ok(None);
    };
    let hops = nodes
        .windows(2)
        .map(|w| {
            let k = g.edge_between(w[0], w[1]).expect("a path follows edges");
            let edge = &g.edges()[k];
            let entry = g
                .edge_entries(k)
                .iter()
                .map(|&i| i as usize)
                .min_by(|&x, &y| newest_first(ws, x, y))
                .expect("an edge has at least one entry");
            Hop {
                from: g.nodes()[w[0]].entity,
                to: g.nodes()[w[1]].entity,
                weight: edge.weight,
                entry,
            }
        })
        .collect();
    Ok(Some(hops))
}

/// How [`top`] ranks entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rank {
    /// Number of mentions.
    #[default]
    Mentions,
    /// Number of distinct neighbours.
    Degree,
    /// Weighted PageRank.
    Pagerank,
}

/// The mentioned entities, best first by `by` (ties: more mentions, then by id), only of
/// `kinds` when it is not empty, at most `limit`.
pub fn top<'a>(ws: &'a Workspace, by: Rank, kinds: &[Kind], limit: usize) -> Vec<&'a Node> {
    let mut nodes: Vec<&Node> = ws
        .graph
        .nodes()
        .iter()
        .filter(|n| kinds.is_empty() || kinds.contains(&n.kind))
        .collect();
    nodes.sort_by(|a, b| {
        let primary = match by {
            Rank::Mentions => b.mentions.cmp(&a.mentions),
            Rank::Degree => b
                .degree
                .cmp(&a.degree)
                .then(b.weighted_degree.total_cmp(&a.weighted_degree)),
            Rank::Pagerank => b.pagerank.total_cmp(&a.pagerank),
        };
        primary
            .then(b.mentions.cmp(&a.mentions))
            .then(a.entity.cmp(&b.entity))
    });
    nodes.truncate(limit);
    nodes
}

/// Size and shape of the corpus and its graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Note files read.
    pub files: usize,
    /// Bytes of note text.
    pub bytes: usize,
    /// Entries.
    pub entries: usize,
    /// Entries with a valid date.
    pub dated: usize,
    /// Earliest and latest entry date.
    pub span: Option<(Date, Date)>,
    /// Entries that mention at least one entity.
    pub linked: usize,
    /// Mentions over all entries.
    pub mentions: usize,
    /// Entities in the dictionary.
    pub dictionary: usize,
    /// Entities mentioned at least once.
    pub entities: usize,
    /// Entities mentioned, per kind, in [`Kind::ALL`] order.
    pub by_kind: [(Kind, usize); 4],
    /// Links (pairs of entities mentioned together).
    pub links: usize,
    /// links / possible links.
    pub density: f64,
    /// Connected components of the graph.
    pub components: usize,
    /// Louvain communities.
    pub communities: usize,
    /// Warnings about damaged notes.
    pub warnings: usize,
}

/// Statistics of the workspace.
pub fn stats(ws: &Workspace) -> Stats {
    let g = &ws.graph;
    let dates: Vec<Date> = ws.entries.iter().filter_map(|e| e.date).collect();
    let mut by_kind = Kind::ALL.map(|k| (k, 0));
    for n in g.nodes() {
        by_kind[n.kind as usize].1 += 1;
    }
    let n = g.nodes().len() as f64;
    Stats {
        files: ws.files.len(),
        bytes: ws.bytes,
        entries: ws.entries.len(),
        dated: dates.len(),
        span: dates
            .iter()
            .min()
            .zip(dates.iter().max())
            .map(|(a, b)| (*a, *b)),
        linked: ws.mentions.iter().filter(|m| !m.is_empty()).count(),
        mentions: ws.mention_count(),
        dictionary: ws.dictionary.len(),
        entities: g.nodes().len(),
        by_kind,
        links: g.edges().len(),
        density: if n > 1.0 {
            2.0 * g.edges().len() as f64 / (n * (n - 1.0))
        } else {
            0.0
        },
        components: g.component_count(),
        communities: g.community_count(),
        warnings: ws.warnings.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn month_ranges_cross_years() {
        let r = Month::range(Month::of(d("2023-11-30")), Month::of(d("2024-02-01")));
        let s: Vec<String> = r.iter().map(|m| m.to_string()).collect();
        assert_eq!(s, ["2023-11", "2023-12", "2024-01", "2024-02"]);
    }

    #[test]
    fn dates_filter_inclusively_and_drop_undated_entries() {
        let q = NotesQuery {
            since: Some(d("2024-08-01")),
            until: Some(d("2024-08-31")),
            ..NotesQuery::default()
        };
        assert!(q.date_ok(Some(d("2024-08-01"))));
        assert!(q.date_ok(Some(d("2024-08-31"))));
        assert!(!q.date_ok(Some(d("2024-09-01"))));
        assert!(!q.date_ok(None));
        assert!(NotesQuery::default().date_ok(None));
    }

    #[test]
    fn reversed_dates_and_empty_queries_are_errors() {
        let q = NotesQuery {
            kinds: vec![Kind::Model],
            since: Some(d("2024-09-01")),
            until: Some(d("2024-08-01")),
            ..NotesQuery::default()
        };
        assert_eq!(
            q.check().unwrap_err().to_string(),
            "--since 2024-09-01 is after --until 2024-08-01 (hint: swap the two dates; both days are included)"
        );
        assert_eq!(
            NotesQuery::default().check().unwrap_err().to_string(),
            "nothing to look for (hint: name an entity (notegraph notes OpenAI) or a kind (notegraph notes --kind model))"
        );
    }
}
