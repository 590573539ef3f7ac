//! Graphviz DOT, written by hand: graphviz-rust prints attribute values unescaped
//! (shared/FORMATS.md), so every id and label goes through [`quote`].

use super::{kind_color, strip_controls, write_uint, Exporter};
use crate::dictionary::Kind;
use crate::graph::Selection;
use crate::workspace::Workspace;
use std::io::{self, Write};

/// Fonts tried in order; the CJK ones make Chinese labels render in PNG and PDF.
pub const FONTNAME: &str = "Noto Sans CJK SC,WenQuanYi Zen Hei,Noto Sans,DejaVu Sans,sans-serif";

/// The DOT exporter.
pub struct Dot;

/// Quotes a string as a DOT ID: `"` and `\` escaped, newlines as `\n`, controls dropped.
pub fn quote(s: &str) -> String {
    let s = strip_controls(s);
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A kind's colour mixed with white: a light fill keeps dark labels readable on every kind.
fn tint((r, g, b): (u8, u8, u8), keep: f64) -> String {
    let mix = |c: u8| (c as f64 * keep + 255.0 * (1.0 - keep)).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(r), mix(g), mix(b))
}

fn hex(rgb: (u8, u8, u8)) -> String {
    tint(rgb, 1.0)
}

/// The legend and caption, as a Graphviz HTML-like label (fixed ASCII text, nothing to
/// escape): one swatch per kind, then what the picture shows.
fn legend(ws: &Workspace, sel: &Selection) -> String {
    let g = &ws.graph;
    let mut cells = String::new();
    for kind in Kind::ALL {
        let c = kind_color(kind);
        cells.push_str(&format!(
            "<td bgcolor=\"{}\" color=\"{}\" border=\"1\"> {kind} </td>",
            tint(c, LIGHT),
            hex(c)
        ));
    }
    let caption = format!(
        "{} of {} entities, {} of {} links, from {} notes. Size: mentions; line width: notes together.",
        sel.nodes.len(),
        g.nodes().len(),
        sel.edges.len(),
        g.edges().len(),
        g.entry_count()
    );
    format!(
        "<<table border=\"0\" cellspacing=\"0\"><tr><td>\
         <table border=\"0\" cellspacing=\"6\" cellpadding=\"3\"><tr>{cells}</tr></table>\
         </td></tr><tr><td><font point-size=\"11\" color=\"#555555\">{caption}</font></td></tr></table>>"
    )
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// How much of the kind colour a node's fill keeps.
const LIGHT: f64 = 0.45;

impl Exporter for Dot {
    fn extension(&self) -> &'static str {
        "dot"
    }

    fn write(&self, ws: &Workspace, sel: &Selection, out: &mut dyn Write) -> io::Result<()> {
        // A line per edge, hundreds of thousands on a large graph: buffer them here, where
        // they are statically dispatched, rather than one `dyn` call each.
        let mut buf = io::BufWriter::with_capacity(1 << 16, out);
        write_dot(ws, sel, &mut buf)?;
        buf.flush()
    }
}

fn write_dot(ws: &Workspace, sel: &Selection, out: &mut impl Write) -> io::Result<()> {
    {
        let g = &ws.graph;
        let dict = &ws.dictionary;
        let max_mentions = sel
            .nodes
            .iter()
            .map(|&i| g.nodes()[i].mentions)
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let max_weight = sel
            .edges
            .iter()
            .map(|&i| g.edges()[i].weight)
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let font = quote(FONTNAME);
        writeln!(out, "graph notegraph {{")?;
        // splines=false: routing splines around nodes costs sfdp minutes on a few hundred
        // edges (and splines=curved far more); straight lines drawn first read as well.
        writeln!(
            out,
            "  graph [overlap=prism, overlap_scaling=-4, sep=\"+6\", splines=false, \
             outputorder=edgesfirst, bgcolor=\"white\", pad=0.4, fontname={font}, \
             labelloc=b, label={}];",
            legend(ws, sel)
        )?;
        writeln!(
            out,
            "  node [shape=box, style=\"rounded,filled\", fontname={font}, fontcolor=\"#1a1a1a\", \
             penwidth=1.4, margin=\"0.12,0.05\"];"
        )?;
        writeln!(out, "  edge [color=\"#8c8c8c70\"];")?;
        for &i in &sel.nodes {
            let n = &g.nodes()[i];
            let e = dict.get(n.entity);
            let c = kind_color(e.kind);
            let scale = (n.mentions as f64 / max_mentions).sqrt();
            writeln!(
                out,
                "  {} [label={}, fillcolor=\"{}\", color=\"{}\", fontsize={:.1}, tooltip={}];",
                quote(&e.id),
                quote(&e.name),
                tint(c, LIGHT),
                hex(c),
                11.0 + 17.0 * scale,
                quote(&format!(
                    "{} ({}): {} in {}",
                    e.name,
                    e.kind,
                    count(n.mentions, "mention"),
                    count(n.notes, "note")
                )),
            )?;
        }
        // Each id quoted once, not at each of its edges.
        let mut ids: Vec<String> = vec![String::new(); g.nodes().len()];
        for &i in &sel.nodes {
            ids[i] = quote(&dict.get(g.nodes()[i].entity).id);
        }
        for &i in &sel.edges {
            let e = &g.edges()[i];
            out.write_all(b"  ")?;
            out.write_all(ids[e.source].as_bytes())?;
            out.write_all(b" -- ")?;
            out.write_all(ids[e.target].as_bytes())?;
            out.write_all(b" [weight=")?;
            write_uint(out, e.weight.into())?;
            writeln!(
                out,
                ", penwidth={:.2}];",
                0.6 + 5.4 * e.weight as f64 / max_weight
            )?;
        }
        writeln!(out, "}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_quotes_backslashes_and_newlines() {
        assert_eq!(quote("a\"b\\c\nd\u{7}"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(quote("马斯克"), "\"马斯克\"");
    }
}
