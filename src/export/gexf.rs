//! GEXF 1.3 for Gephi (and networkx >= 3.6, graphology). Facts this follows, from
//! shared/FORMATS.md: namespace `http://gexf.net/1.3` without `www.`; static attribute
//! blocks only (dynamic ones break graphology); `viz:color` with r/g/b (networkx crashes on
//! `hex`); date bounds so Gephi's timeline plays (spells per run of days on nodes, one
//! `start`/`end` interval on edges); ASCII ids, Chinese in labels.

use super::{
    date_bytes, day_runs, kind_color, round, strip_controls, write_fixed6, write_uint, Exporter,
};
use crate::graph::Selection;
use crate::notes::Date;
use crate::workspace::Workspace;
use std::io::{self, Write};

/// The GEXF exporter.
pub struct Gexf;

/// Escapes text for an XML attribute or element, dropping characters XML cannot carry.
pub fn xml_escape(s: &str) -> String {
    let s = strip_controls(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Newlines in attributes would be normalised to spaces by parsers; say so.
            '\n' | '\r' | '\t' => out.push_str(&format!("&#{};", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

const NODE_ATTRS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("mentions", "integer"),
    ("notes", "integer"),
    ("first_seen", "string"),
    ("last_seen", "string"),
    ("degree", "integer"),
    ("weighted_degree", "double"),
    ("pagerank", "double"),
    ("community", "integer"),
    ("aliases", "string"),
];

// An edge's first and last co-mention are its `start` and `end`: repeating them as
// attributes was 94 of the 351 MB written at 100 MB of notes.
const EDGE_ATTRS: &[(&str, &str)] = &[("jaccard", "double"), ("pmi", "double")];

fn write_attr_decl(out: &mut impl Write, class: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
    writeln!(out, "    <attributes class=\"{class}\" mode=\"static\">")?;
    for (id, ty) in attrs {
        writeln!(
            out,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
        )?;
    }
    writeln!(out, "    </attributes>")
}

fn write_spells(out: &mut impl Write, days: &[Date], indent: &str) -> io::Result<()> {
    if days.is_empty() {
        return Ok(());
    }
    writeln!(out, "{indent}<spells>")?;
    // Byte writes, not `writeln!`: a node seen on many days has thousands of runs.
    for (a, b) in day_runs(days) {
        out.write_all(indent.as_bytes())?;
        out.write_all(b"  <spell start=\"")?;
        out.write_all(&date_bytes(a))?;
        out.write_all(b"\" end=\"")?;
        out.write_all(&date_bytes(b))?;
        out.write_all(b"\"/>\n")?;
    }
    writeln!(out, "{indent}</spells>")
}

fn opt_date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl Exporter for Gexf {
    fn extension(&self) -> &'static str {
        "gexf"
    }

    fn write(&self, ws: &Workspace, sel: &Selection, out: &mut dyn Write) -> io::Result<()> {
        // Hundreds of thousands of small writes on a large graph: buffer them here, where
        // they are statically dispatched, rather than one `dyn` call each.
        let mut buf = io::BufWriter::with_capacity(1 << 16, out);
        write_gexf(ws, sel, &mut buf)?;
        buf.flush()
    }
}

fn write_gexf(ws: &Workspace, sel: &Selection, out: &mut impl Write) -> io::Result<()> {
    {
        let g = &ws.graph;
        let dict = &ws.dictionary;
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">"
        )?;
        writeln!(out, "  <meta>")?;
        writeln!(
            out,
            "    <creator>notegraph {}</creator>",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            out,
            "    <description>co-mention graph of reading notes</description>"
        )?;
        writeln!(out, "  </meta>")?;
        writeln!(
            out,
            "  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"date\">"
        )?;
        write_attr_decl(out, "node", NODE_ATTRS)?;
        write_attr_decl(out, "edge", EDGE_ATTRS)?;
        writeln!(out, "    <nodes>")?;
        for &i in &sel.nodes {
            let n = &g.nodes()[i];
            let e = dict.get(n.entity);
            writeln!(
                out,
                "      <node id=\"{}\" label=\"{}\">",
                xml_escape(&e.id),
                xml_escape(&e.name)
            )?;
            writeln!(out, "        <attvalues>")?;
            let aliases: Vec<&str> = e.aliases.iter().map(|a| a.text.as_str()).collect();
            let values = [
                e.kind.as_str().to_string(),
                n.mentions.to_string(),
                n.notes.to_string(),
                opt_date(n.first_seen()),
                opt_date(n.last_seen()),
                n.degree.to_string(),
                round(n.weighted_degree, 6).to_string(),
                round(n.pagerank, 8).to_string(),
                n.community.to_string(),
                aliases.join(" | "),
            ];
            for ((id, _), v) in NODE_ATTRS.iter().zip(values) {
                if !v.is_empty() {
                    writeln!(
                        out,
                        "          <attvalue for=\"{id}\" value=\"{}\"/>",
                        xml_escape(&v)
                    )?;
                }
            }
            writeln!(out, "        </attvalues>")?;
            write_spells(out, &n.days, "        ")?;
            let (r, gr, b) = kind_color(e.kind);
            writeln!(out, "        <viz:color r=\"{r}\" g=\"{gr}\" b=\"{b}\"/>")?;
            writeln!(
                out,
                "        <viz:size value=\"{}\"/>",
                round(4.0 + 3.0 * (n.mentions as f64).sqrt(), 2)
            )?;
            writeln!(
                out,
                "        <viz:position x=\"{}\" y=\"{}\" z=\"0\"/>",
                n.x, n.y
            )?;
            writeln!(out, "      </node>")?;
        }
        writeln!(out, "    </nodes>")?;
        writeln!(out, "    <edges>")?;
        // One line per edge: edges are most of a large graph, and a spell per run of days
        // plus indentation made them 126 MB at 10 MB of notes (879k spells). An edge's one
        // interval, first to last co-mention, is its `start`/`end`; undated-only edges have
        // none and so are always visible, as their undated nodes are.
        let ids: Vec<String> = g
            .nodes()
            .iter()
            .map(|n| xml_escape(&dict.get(n.entity).id))
            .collect();
        for &i in &sel.edges {
            let e = &g.edges()[i];
            out.write_all(b"      <edge id=\"e")?;
            write_uint(out, i as u64)?;
            out.write_all(b"\" source=\"")?;
            out.write_all(ids[e.source].as_bytes())?;
            out.write_all(b"\" target=\"")?;
            out.write_all(ids[e.target].as_bytes())?;
            out.write_all(b"\" weight=\"")?;
            write_uint(out, e.weight.into())?;
            if let Some((a, b)) = e.first_seen.zip(e.last_seen) {
                out.write_all(b"\" start=\"")?;
                out.write_all(&date_bytes(a))?;
                out.write_all(b"\" end=\"")?;
                out.write_all(&date_bytes(b))?;
            }
            out.write_all(b"\"><attvalues><attvalue for=\"jaccard\" value=\"")?;
            write_fixed6(out, g.jaccard(i))?;
            out.write_all(b"\"/><attvalue for=\"pmi\" value=\"")?;
            write_fixed6(out, g.pmi(i))?;
            out.write_all(b"\"/></attvalues></edge>\n")?;
        }
        writeln!(out, "    </edges>")?;
        writeln!(out, "  </graph>")?;
        writeln!(out, "</gexf>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            xml_escape("a&b<c>\"d'\u{1}e"),
            "a&amp;b&lt;c&gt;&quot;d&apos;e"
        );
        assert_eq!(xml_escape("马斯克"), "马斯克");
    }
}
