//! Node-link JSON (D3, force-graph, networkx `node_link_graph(d, edges="links")`), with the
//! notes themselves riding along. The wire structs below are the documented contract; bump
//! [`FORMAT_VERSION`] when a field changes meaning or goes away.
//!
//! Layout: compact, but one line per top-level key and per element of `nodes`, `links` and
//! `notes` ([`Lines`]), so `grep` and `less` still work on a file of a million links.

use super::{round, Exporter};
use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// Version of the JSON layout. 2: `links[].entries` are indices into `notes` (they were
/// `path:line` strings, 46% of the file on a large corpus).
pub const FORMAT_VERSION: u32 = 2;

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
    entries: &'a [u32],
}

#[derive(Serialize)]
struct NoteOut<'a> {
    id: NoteId<'a>,
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

/// What every lazy list needs: the workspace, the selection and the files' display paths.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    ws: &'a Workspace,
    sel: &'a Selection,
    paths: &'a [String],
}

impl<'a> Ctx<'a> {
    fn id_of(&self, pos: usize) -> &'a str {
        let g = &self.ws.graph;
        self.ws.dictionary.get(g.nodes()[pos].entity).id.as_str()
    }
}

/// `path:line`, the id of a note, written without building a String.
struct NoteId<'a> {
    path: &'a str,
    line: usize,
}

impl Serialize for NoteId<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}:{}", self.path, self.line))
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
        let g = &ctx.ws.graph;
        s.collect_seq(ctx.sel.edges.iter().map(|&i| {
            let e = &g.edges()[i];
            LinkOut {
                source: ctx.id_of(e.source),
                target: ctx.id_of(e.target),
                weight: e.weight,
                jaccard: round(e.jaccard, 6),
                pmi: round(e.pmi, 6),
                first_seen: e.first_seen,
                last_seen: e.last_seen,
                entries: g.edge_entries(i),
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
                id: NoteId {
                    path: &ctx.paths[entry.file],
                    line: entry.line,
                },
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

/// serde_json's compact output with a line break before each top-level key and before each
/// element of a top-level array (`nodes`, `links`, `notes`): depth 1 is the document, depth 2
/// those arrays. Pretty printing was 2-3x the bytes, mostly indentation.
#[derive(Default)]
struct Lines {
    depth: usize,
    /// Whether the top-level array being written has an element.
    filled: bool,
}

impl Formatter for Lines {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        if self.depth == 2 {
            self.filled = false;
        }
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let top = self.depth == 2 && self.filled;
        self.depth -= 1;
        w.write_all(if top { b"\n]" } else { b"]" })
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if self.depth == 2 {
            self.filled = true;
            w.write_all(if first { b"\n" } else { b",\n" })
        } else if first {
            Ok(())
        } else {
            w.write_all(b",")
        }
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        w.write_all(if self.depth == 0 { b"\n}" } else { b"}" })
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match (self.depth == 1, first) {
            (true, true) => w.write_all(b"\n"),
            (true, false) => w.write_all(b",\n"),
            (false, true) => Ok(()),
            (false, false) => w.write_all(b","),
        }
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
        let ctx = Ctx {
            ws,
            sel,
            paths: &paths,
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
        doc.serialize(&mut serde_json::Serializer::with_formatter(
            &mut buf,
            Lines::default(),
        ))?;
        buf.write_all(b"\n")?;
        buf.flush()
    }
}
