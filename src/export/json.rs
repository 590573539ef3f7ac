//! Node-link JSON (D3, force-graph, networkx `node_link_graph(d, edges="links")`), with the
//! notes themselves riding along. The wire structs below are the documented contract; bump
//! [`FORMAT_VERSION`] when a field changes meaning or goes away.

use super::{round, Exporter};
use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use serde::Serialize;
use std::io;

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
    nodes: Vec<NodeOut<'a>>,
    links: Vec<LinkOut<'a>>,
    notes: Vec<NoteOut<'a>>,
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
    entries: Vec<String>,
}

#[derive(Serialize)]
struct NoteOut<'a> {
    id: String,
    file: String,
    line: usize,
    date: Option<Date>,
    title: &'a str,
    tags: &'a [String],
    urls: &'a [String],
    entities: Vec<&'a str>,
    mentions: Vec<MentionOut<'a>>,
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

impl Exporter for Json {
    fn extension(&self) -> &'static str {
        "json"
    }

    fn write(&self, ws: &Workspace, sel: &Selection, out: &mut dyn io::Write) -> io::Result<()> {
        let g = &ws.graph;
        let dict = &ws.dictionary;
        let id_of = |pos: usize| dict.get(g.nodes()[pos].entity).id.as_str();
        let nodes = sel
            .nodes
            .iter()
            .map(|&i| {
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
            })
            .collect();
        let links = sel
            .edges
            .iter()
            .map(|&i| {
                let e = &g.edges()[i];
                LinkOut {
                    source: id_of(e.source),
                    target: id_of(e.target),
                    weight: e.weight,
                    jaccard: round(e.jaccard, 6),
                    pmi: round(e.pmi, 6),
                    first_seen: e.days.first().copied(),
                    last_seen: e.days.last().copied(),
                    entries: e.entries.iter().map(|&k| ws.entry_id(k as usize)).collect(),
                }
            })
            .collect();
        let notes = ws
            .entries
            .iter()
            .enumerate()
            .map(|(k, entry)| {
                let file = ws.file_of(entry);
                NoteOut {
                    id: ws.entry_id(k),
                    file: file.path.display().to_string(),
                    line: entry.line,
                    date: entry.date,
                    title: &entry.title,
                    tags: &entry.tags,
                    urls: &entry.urls,
                    entities: ws
                        .entry_entities(k)
                        .into_iter()
                        .map(|id| dict.get(id).id.as_str())
                        .collect(),
                    mentions: ws.mentions[k]
                        .iter()
                        .map(|m| {
                            let e = dict.get(m.entity);
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
                        })
                        .collect(),
                }
            })
            .collect();
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
            nodes,
            links,
            notes,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}
