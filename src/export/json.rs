//! Node-link JSON (D3, force-graph, networkx `node_link_graph(d, edges="links")`), with the
//! notes themselves riding along. The README's field table is the contract; bump
//! [`FORMAT_VERSION`] when a field changes meaning or goes away.
//!
//! Layout: compact, but one line per top-level key and per element of `nodes`, `links` and
//! `notes`, so `grep` and `less` still work on a file of a million links (pretty printing
//! was 2-3x the bytes, mostly indentation). Links and notes, nearly all of a large file, are
//! written by hand with keys in the documented order; the few nodes go through serde.

use super::{date_bytes, round, write_uint, Exporter};
use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use rayon::prelude::*;
use serde::Serialize;
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

fn node_out(ws: &Workspace, i: usize) -> NodeOut<'_> {
    let n = &ws.graph.nodes()[i];
    let e = ws.dictionary.get(n.entity);
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

/// Writes one element per item, `write(out, k, item)` for item `k`, formatted on every core
/// in chunks and written in order. The JSON file was the last export to finish at 100 MB of
/// notes (0.9-1.2 s, one core) while the GEXF and DOT took a third of that; a window of
/// chunks at a time bounds the memory held by formatted text.
fn in_parallel<T: Sync>(
    out: &mut impl Write,
    items: &[T],
    write: impl Fn(&mut Vec<u8>, usize, &T) -> io::Result<()> + Sync,
) -> io::Result<()> {
    // A note is about 3 KB of JSON at 100 MB of notes: a window holds ~6 MB.
    const CHUNK: usize = 256;
    const WINDOW: usize = 8 * CHUNK;
    for (w, window) in items.chunks(WINDOW).enumerate() {
        let chunks: Vec<io::Result<Vec<u8>>> = window
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::new();
                for (j, item) in chunk.iter().enumerate() {
                    write(&mut buf, w * WINDOW + c * CHUNK + j, item)?;
                }
                Ok(buf)
            })
            .collect();
        for chunk in chunks {
            out.write_all(&chunk?)?;
        }
    }
    Ok(())
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
        serde_json::to_writer(&mut *out, &node_out(ws, i))?;
    }
    close(out, sel.nodes.len())?;

    // Every node's id as a JSON string, escaped once rather than at each of the links and
    // mentions that name it.
    let ids: Vec<Vec<u8>> = g
        .nodes()
        .iter()
        .map(|n| serde_json::to_vec(&dict.get(n.entity).id))
        .collect::<Result<_, _>>()?;
    out.write_all(b",\n\"links\":[")?;
    in_parallel(out, &sel.edges, |out, k, &i| {
        let e = &g.edges()[i];
        element(out, k)?;
        out.write_all(b"{\"source\":")?;
        out.write_all(&ids[e.source])?;
        out.write_all(b",\"target\":")?;
        out.write_all(&ids[e.target])?;
        out.write_all(b",\"weight\":")?;
        write_uint(out, e.weight.into())?;
        out.write_all(b",\"jaccard\":")?;
        serde_json::to_writer(&mut *out, &round(g.jaccard(i), 6))?;
        out.write_all(b",\"pmi\":")?;
        serde_json::to_writer(&mut *out, &round(g.pmi(i), 6))?;
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
        out.write_all(b"]}")
    })?;
    close(out, sel.edges.len())?;

    // The notes by hand too (a serde struct per note and mention spent most of its time
    // escaping the keys and ids): each file's path escaped once, free text escaped by serde.
    let paths: Vec<Vec<u8>> = ws
        .files
        .iter()
        .map(|f| serde_json::to_vec(&f.path.display().to_string()))
        .collect::<Result<_, _>>()?;
    let id_of = |entity| &ids[g.position(entity).expect("a mentioned entity is a node")];
    out.write_all(b",\n\"notes\":[")?;
    in_parallel(out, &ws.entries, |out, k, entry| {
        element(out, k)?;
        let path = &paths[entry.file];
        // `"path:line"`: the escaped path without its closing quote; `:` and digits need
        // no escaping.
        out.write_all(b"{\"id\":")?;
        out.write_all(&path[..path.len() - 1])?;
        out.write_all(b":")?;
        write_uint(out, entry.line as u64)?;
        out.write_all(b"\",\"file\":")?;
        out.write_all(path)?;
        out.write_all(b",\"line\":")?;
        write_uint(out, entry.line as u64)?;
        out.write_all(b",\"date\":")?;
        write_date(out, entry.date)?;
        out.write_all(b",\"title\":")?;
        serde_json::to_writer(&mut *out, &entry.title)?;
        out.write_all(b",\"tags\":")?;
        serde_json::to_writer(&mut *out, &entry.tags)?;
        out.write_all(b",\"urls\":")?;
        serde_json::to_writer(&mut *out, &entry.urls)?;
        out.write_all(b",\"entities\":[")?;
        for (j, id) in ws.entry_entities(k).into_iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            out.write_all(id_of(id))?;
        }
        out.write_all(b"],\"mentions\":[")?;
        let file = ws.file_of(entry);
        for (j, m) in ws.mentions[k].iter().enumerate() {
            let e = dict.get(m.entity);
            out.write_all(if j == 0 {
                b"{\"entity\":"
            } else {
                b",{\"entity\":"
            })?;
            out.write_all(id_of(m.entity))?;
            out.write_all(b",\"line\":")?;
            write_uint(out, m.line as u64)?;
            // 1-based, in characters.
            out.write_all(b",\"col\":")?;
            write_uint(out, m.col as u64)?;
            out.write_all(b",\"text\":")?;
            serde_json::to_writer(&mut *out, &file.text[m.span()])?;
            out.write_all(b",\"alias\":")?;
            serde_json::to_writer(&mut *out, &e.aliases[m.alias as usize].text)?;
            // Rule names are fixed ASCII words: nothing to escape.
            let rule = if m.weak {
                "weak-confirmed"
            } else {
                m.rule.as_str()
            };
            out.write_all(b",\"rule\":\"")?;
            out.write_all(rule.as_bytes())?;
            out.write_all(if m.weak {
                b"\",\"weak\":true}"
            } else {
                b"\",\"weak\":false}"
            })?;
        }
        out.write_all(b"]}")
    })?;
    close(out, ws.entries.len())?;
    out.write_all(b"\n}\n")
}
