//! Node-link JSON (D3, force-graph, networkx `node_link_graph(d, edges="links")`), with the
//! notes themselves riding along. The wire structs below are the documented contract; bump
//! [`FORMAT_VERSION`] when a field changes meaning or goes away.

use super::{round, Exporter};
use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// Version of the JSON layout.
pub const FORMAT_VERSION: u32 = 1;

/// The JSON exporter.
pub struct Json;

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    directed: bool,
    multigraph: bool,
    graph: GraphInfo<'a>,
    nodes: Nodes<'a>,
    links: Links<'a>,
    notes: Notes<'a>,
}

#[derive(Serialize)]
struct GraphInfo<'a> {
    name: &'a str,
    generator: String,
    entries: usize,
    entities: usize,
    links: usize,
    mentions: usize,
}

#[derive(Serialize)]
struct NodeOut<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'a str,
    aliases: Vec<&'a str>,
    mentions: usize,
    notes: usize,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    degree: usize,
    weighted_degree: f64,
    pagerank: f64,
    community: u32,
    x: f64,
    y: f64,
}

#[derive(Serialize)]
struct LinkOut<'a> {
    source: &'a str,
    target: &'a str,
    weight: u32,
    jaccard: f64,
    pmi: f64,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    entries: EntryIds<'a>,
}

#[derive(Serialize)]
struct NoteOut<'a> {
    id: &'a str,
    file: &'a str,
    line: usize,
    date: Option<Date>,
    title: &'a str,
    tags: &'a [String],
    urls: &'a [String],
    entities: Vec<&'a str>,
    mentions: Mentions<'a>,
}

#[derive(Serialize)]
struct MentionOut<'a> {
    entity: &'a str,
    line: usize,
    /// 1-based column in characters.
    col: usize,
    text: &'a str,
    alias: &'a str,
    rule: &'a str,
    weak: bool,
}

// The lists below are serialized straight from the workspace, one item at a time: on a large
// corpus the document is several times the size of the notes, and building it in memory
// first (as Vecs of wire structs and id Strings) took over a gigabyte at 100 MB of notes.

/// What every lazy list needs: the workspace, the selection, the files' display paths and
/// the entries' ids, rendered once each: links cite entries millions of times on a large
/// corpus, and formatting `path:line` for every citation was a second of the export.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    ws: &'a Workspace,
    sel: &'a Selection,
    paths: &'a [String],
    ids: &'a [String],
}

impl<'a> Ctx<'a> {
    fn id_of(&self, pos: usize) -> &'a str {
        let g = &self.ws.graph;
        self.ws.dictionary.get(g.nodes()[pos].entity).id.as_str()
    }

    /// `path:line`, the id of a note.
    fn entry_id(&self, k: usize) -> &'a str {
        &self.ids[k]
    }
}

struct EntryIds<'a> {
    ctx: Ctx<'a>,
    list: &'a [u32],
}

impl Serialize for EntryIds<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list.iter().map(|&k| self.ctx.entry_id(k as usize)))
    }
}

struct Nodes<'a>(Ctx<'a>);

impl Serialize for Nodes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Ctx { ws, sel, .. } = self.0;
        let (g, dict) = (&ws.graph, &ws.dictionary);
        s.collect_seq(sel.nodes.iter().map(|&i| {
            let n = &g.nodes()[i];
            let e = dict.get(n.entity);
            NodeOut {
                id: &e.id,
                label: &e.name,
                kind: e.kind.as_str(),
                aliases: e.aliases.iter().map(|a| a.text.as_str()).collect(),
                mentions: n.mentions,
                notes: n.notes,
                first_seen: n.first_seen(),
                last_seen: n.last_seen(),
                degree: n.degree,
                weighted_degree: n.weighted_degree,
                pagerank: round(n.pagerank, 8),
                community: n.community,
                x: n.x,
                y: n.y,
            }
        }))
    }
}

struct Links<'a>(Ctx<'a>);

impl Serialize for Links<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ctx = self.0;
        s.collect_seq(ctx.sel.edges.iter().map(|&i| {
            let e = &ctx.ws.graph.edges()[i];
            LinkOut {
                source: ctx.id_of(e.source),
                target: ctx.id_of(e.target),
                weight: e.weight,
                jaccard: round(e.jaccard, 6),
                pmi: round(e.pmi, 6),
                first_seen: e.days.first().copied(),
                last_seen: e.days.last().copied(),
                entries: EntryIds {
                    ctx,
                    list: &e.entries,
                },
            }
        }))
    }
}

struct Notes<'a>(Ctx<'a>);

impl Serialize for Notes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ctx = self.0;
        let ws = ctx.ws;
        s.collect_seq(ws.entries.iter().enumerate().map(|(k, entry)| {
            NoteOut {
                id: ctx.entry_id(k),
                file: &ctx.paths[entry.file],
                line: entry.line,
                date: entry.date,
                title: &entry.title,
                tags: &entry.tags,
                urls: &entry.urls,
                entities: ws
                    .entry_entities(k)
                    .into_iter()
                    .map(|id| ws.dictionary.get(id).id.as_str())
                    .collect(),
                mentions: Mentions { ctx, entry: k },
            }
        }))
    }
}

struct Mentions<'a> {
    ctx: Ctx<'a>,
    entry: usize,
}

impl Serialize for Mentions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ws = self.ctx.ws;
        let file = ws.file_of(&ws.entries[self.entry]);
        s.collect_seq(ws.mentions[self.entry].iter().map(|m| {
            let e = ws.dictionary.get(m.entity);
            MentionOut {
                entity: &e.id,
                line: m.line,
                col: m.col,
                text: &file.text[m.start..m.end],
                alias: &e.aliases[m.alias].text,
                rule: if m.weak {
                    "weak-confirmed"
                } else {
                    m.rule.as_str()
                },
                weak: m.weak,
            }
        }))
    }
}

impl Exporter for Json {
    fn extension(&self) -> &'static str {
        "json"
    }

    fn write(&self, ws: &Workspace, sel: &Selection, out: &mut dyn io::Write) -> io::Result<()> {
        let paths: Vec<String> = ws
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        let ids: Vec<String> = ws
            .entries
            .iter()
            .map(|e| format!("{}:{}", paths[e.file], e.line))
            .collect();
        let ctx = Ctx {
            ws,
            sel,
            paths: &paths,
            ids: &ids,
        };
        let doc = Doc {
            format_version: FORMAT_VERSION,
            directed: false,
            multigraph: false,
            graph: GraphInfo {
                name: "notegraph",
                generator: format!("notegraph {}", env!("CARGO_PKG_VERSION")),
                entries: ws.entries.len(),
                entities: sel.nodes.len(),
                links: sel.edges.len(),
                mentions: ws.mention_count(),
            },
            nodes: Nodes(ctx),
            links: Links(ctx),
            notes: Notes(ctx),
        };
        // serde_json makes many small writes; a local buffer keeps them off the `dyn` writer.
        let mut buf = io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut buf, &doc)?;
        buf.write_all(b"\n")?;
        buf.flush()
    }
}
