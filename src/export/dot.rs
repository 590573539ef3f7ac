//! Graphviz DOT, written by hand: graphviz-rust prints attribute values unescaped
//! (shared/FORMATS.md), so every id and label goes through [`quote`].

use super::{kind_color, strip_controls, Exporter};
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

impl Exporter for Dot {
    fn extension(&self) -> &'static str {
        "dot"
    }

    fn write(&self, ws: &Workspace, sel: &Selection, out: &mut dyn Write) -> io::Result<()> {
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
        writeln!(out, "graph notegraph {{")?;
        writeln!(
            out,
            "  graph [overlap=false, splines=true, outputorder=edgesfirst, bgcolor=\"white\", pad=0.3, fontname={}];",
            quote(FONTNAME)
        )?;
        writeln!(
            out,
            "  node [shape=ellipse, style=filled, fontname={}, fontcolor=\"white\", penwidth=0];",
            quote(FONTNAME)
        )?;
        writeln!(out, "  edge [color=\"#9e9e9e80\"];")?;
        for &i in &sel.nodes {
            let n = &g.nodes()[i];
            let e = dict.get(n.entity);
            let (r, gr, b) = kind_color(e.kind);
            let scale = (n.mentions as f64 / max_mentions).sqrt();
            writeln!(
                out,
                "  {} [label={}, fillcolor=\"#{r:02x}{gr:02x}{b:02x}\", fontsize={:.1}, tooltip={}];",
                quote(&e.id),
                quote(&e.name),
                10.0 + 14.0 * scale,
                quote(&format!("{} ({}), {} mentions in {} notes", e.name, e.kind, n.mentions, n.notes)),
            )?;
        }
        for &i in &sel.edges {
            let e = &g.edges()[i];
            let s = &dict.get(g.nodes()[e.source].entity).id;
            let t = &dict.get(g.nodes()[e.target].entity).id;
            writeln!(
                out,
                "  {} -- {} [weight={}, penwidth={:.2}];",
                quote(s),
                quote(t),
                e.weight,
                0.5 + 4.5 * e.weight as f64 / max_weight
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
