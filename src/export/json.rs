//! Node-link JSON (D3, force-graph, networkx `node_link_graph(d, edges="links")`), with the
//! notes themselves riding along. The wire structs below are the documented contract; bump
//! [`FORMAT_VERSION`] when a field changes meaning or goes away.
//!
//! Layout: compact, but one line per top-level key and per element of `nodes`, `links` and
//! `notes`, so `grep` and `less` still work on a file of a million links (pretty printing
//! was 2-3x the bytes, mostly indentation). The top level and the links, most of a large
//! file, are written by hand; nodes and notes go through serde one element at a time.

use super::{date_bytes, round, write_uint, Exporter};
use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// Version of the JSON layout. 2: `links[].entries` are indices into `notes` (they were
/// `path:line` strings, 46% of the file on a large corpus).
pub const FORMAT_VERSION: u32 = 2;

/// The JSON exporter.
pub struct Json;

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

/// What the lazy parts of an element need: the workspace and the files' display paths.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    ws: &'a Workspace,
    paths: &'a [String],
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

fn node_out(ctx: Ctx<'_>, i: usize) -> NodeOut<'_> {
    let n = &ctx.ws.graph.nodes()[i];
    let e = ctx.ws.dictionary.get(n.entity);
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
}

fn note_out(ctx: Ctx<'_>, k: usize) -> NoteOut<'_> {
    let ws = ctx.ws;
    let entry = &ws.entries[k];
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
        // Many small writes: a local buffer keeps them off the `dyn` writer.
        let mut buf = io::BufWriter::with_capacity(1 << 16, out);
        write_doc(ws, sel, &mut buf)?;
        buf.flush()
    }
}

/// Opens element `k` of a top-level array: each on a line of its own.
fn element(out: &mut impl Write, k: usize) -> io::Result<()> {
    out.write_all(if k == 0 { b"\n" } else { b",\n" })
}

/// Closes a top-level array of `len` elements.
fn close(out: &mut impl Write, len: usize) -> io::Result<()> {
    out.write_all(if len == 0 { b"]" } else { b"\n]" })
}

fn write_date(out: &mut impl Write, d: Option<Date>) -> io::Result<()> {
    match d {
        Some(d) => {
            out.write_all(b"\"")?;
            out.write_all(&date_bytes(d))?;
            out.write_all(b"\"")
        }
        None => out.write_all(b"null"),
    }
}

fn write_doc(ws: &Workspace, sel: &Selection, out: &mut impl Write) -> io::Result<()> {
    let (g, dict) = (&ws.graph, &ws.dictionary);
    let paths: Vec<String> = ws
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let ctx = Ctx { ws, paths: &paths };
    let info = GraphInfo {
        name: "notegraph",
        generator: format!("notegraph {}", env!("CARGO_PKG_VERSION")),
        entries: ws.entries.len(),
        entities: sel.nodes.len(),
        links: sel.edges.len(),
        mentions: ws.mention_count(),
    };
    out.write_all(b"{\n\"format_version\":")?;
    write_uint(out, FORMAT_VERSION.into())?;
    out.write_all(b",\n\"directed\":false,\n\"multigraph\":false,\n\"graph\":")?;
    serde_json::to_writer(&mut *out, &info)?;

    out.write_all(b",\n\"nodes\":[")?;
    for (k, &i) in sel.nodes.iter().enumerate() {
        element(out, k)?;
        serde_json::to_writer(&mut *out, &node_out(ctx, i))?;
    }
    close(out, sel.nodes.len())?;

    // Each node's id as a JSON string, escaped once rather than at every link.
    let ids: Vec<Vec<u8>> = g
        .nodes()
        .iter()
        .map(|n| serde_json::to_vec(&dict.get(n.entity).id))
        .collect::<Result<_, _>>()?;
    out.write_all(b",\n\"links\":[")?;
    for (k, &i) in sel.edges.iter().enumerate() {
        let e = &g.edges()[i];
        element(out, k)?;
        out.write_all(b"{\"source\":")?;
        out.write_all(&ids[e.source])?;
        out.write_all(b",\"target\":")?;
        out.write_all(&ids[e.target])?;
        out.write_all(b",\"weight\":")?;
        write_uint(out, e.weight.into())?;
        out.write_all(b",\"jaccard\":")?;
        serde_json::to_writer(&mut *out, &round(e.jaccard, 6))?;
        out.write_all(b",\"pmi\":")?;
        serde_json::to_writer(&mut *out, &round(e.pmi, 6))?;
        out.write_all(b",\"first_seen\":")?;
        write_date(out, e.first_seen)?;
        out.write_all(b",\"last_seen\":")?;
        write_date(out, e.last_seen)?;
        out.write_all(b",\"entries\":[")?;
        for (j, &entry) in g.edge_entries(i).iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            write_uint(out, entry.into())?;
        }
        out.write_all(b"]}")?;
    }
    close(out, sel.edges.len())?;

    out.write_all(b",\n\"notes\":[")?;
    for k in 0..ws.entries.len() {
        element(out, k)?;
        serde_json::to_writer(&mut *out, &note_out(ctx, k))?;
    }
    close(out, ws.entries.len())?;
    out.write_all(b"\n}\n")
}
