//! Printing the explorer's answers: plain or coloured text for people, JSON for programs.
//! Every function writes to any `io::Write`; the caller owns stdout.

use super::term::{
    date_or_blank, escape, join_names, name, pad, plural, round, sparkline, width, Paint, BOLD,
    DIM, LINE, MATCH, PATH,
};
use notegraph::dictionary::{EntityId, Kind};
use notegraph::graph::Node;
use notegraph::notes::{Date, LineKind};
use notegraph::query::{Count, HitLine, Hop, Neighbour, NoteHit, Notes, Profile, Stats, Timeline};
use notegraph::workspace::Workspace;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// Entries with their matching lines and a count line, or one JSON object per entry.
pub fn notes(
    out: &mut impl Write,
    ws: &Workspace,
    answer: &Notes,
    what: &str,
    json: bool,
    paint: Paint,
) -> io::Result<()> {
    if json {
        for hit in &answer.hits {
            serde_json::to_writer(&mut *out, &NoteOut::new(ws, hit))?;
            writeln!(out)?;
        }
    } else {
        for (k, hit) in answer.hits.iter().enumerate() {
            if k > 0 {
                writeln!(out)?;
            }
            print_hit(out, ws, hit, paint)?;
        }
        if !answer.hits.is_empty() {
            writeln!(out)?;
        }
        let shown = answer.hits.len();
        let count = if shown < answer.total {
            format!("{shown} of {} notes that mention {what}", answer.total)
        } else if answer.total == 1 {
            format!("1 note mentions {what}")
        } else {
            format!("{} notes mention {what}", answer.total)
        };
        writeln!(out, "{}", paint.paint(DIM, &count))?;
    }
    Ok(())
}

fn print_hit(out: &mut impl Write, ws: &Workspace, hit: &NoteHit, paint: Paint) -> io::Result<()> {
    let entry = &ws.entries[hit.entry];
    let file = ws.file_of(entry);
    let title = if entry.title.is_empty() {
        "(untitled)"
    } else {
        &entry.title
    };
    writeln!(
        out,
        "{}  {}",
        date_or_blank(entry.date),
        paint.paint(BOLD, title)
    )?;
    let place = format!("{}:{}", file.path.display(), entry.line);
    match entry.urls.first() {
        Some(url) => writeln!(
            out,
            "{}{}  {}",
            " ".repeat(12),
            paint.paint(PATH, &place),
            escape(url)
        )?,
        None => writeln!(out, "{}{}", " ".repeat(12), paint.paint(PATH, &place))?,
    }
    for line in &hit.lines {
        // Right-aligned under the date, so every line's text starts in the title's column.
        let number = format!("{:>10}", line.number);
        writeln!(
            out,
            "{}  {}",
            paint.paint(LINE, &number),
            highlight(&file.text, line, paint)
        )?;
    }
    Ok(())
}

/// The whole line as written (indentation and marker too), mentions painted.
fn highlight(text: &str, line: &HitLine, paint: Paint) -> String {
    let start = text[..line.content.start]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let mut s = String::new();
    let mut at = start;
    for m in &line.marks {
        s += &escape(&text[at..m.span.start]);
        s += &paint.paint(MATCH, &text[m.span.clone()]);
        at = m.span.end;
    }
    s += &escape(&text[at..line.content.end]);
    s
}

/// One line of `notes --json`: an entry and why it matched.
#[derive(Serialize)]
struct NoteOut<'a> {
    /// The note file, as given or found under --input.
    file: String,
    /// The header's line.
    line: usize,
    date: Option<Date>,
    title: &'a str,
    tags: &'a [String],
    urls: &'a [String],
    /// The entry's first URL, its source.
    link: Option<&'a str>,
    /// The queried entities this entry mentions.
    entities: Vec<EntityOut<'a>>,
    /// The lines (header included) that mention them.
    bullets: Vec<LineOut<'a>>,
}

#[derive(Serialize)]
struct EntityOut<'a> {
    id: &'a str,
    name: &'a str,
    kind: Kind,
}

#[derive(Serialize)]
struct LineOut<'a> {
    line: usize,
    /// header, bullet or text.
    kind: &'static str,
    /// The line's content, after the bullet marker.
    text: &'a str,
    mentions: Vec<MarkOut<'a>>,
}

#[derive(Serialize)]
struct MarkOut<'a> {
    id: &'a str,
    /// The mention as written.
    text: &'a str,
    /// Byte offsets of the mention in `text` (UTF-8).
    start: usize,
    end: usize,
}

impl<'a> NoteOut<'a> {
    fn new(ws: &'a Workspace, hit: &NoteHit) -> NoteOut<'a> {
        let entry = &ws.entries[hit.entry];
        let file = ws.file_of(entry);
        let entity = |id: EntityId| {
            let e = ws.dictionary.get(id);
            EntityOut {
                id: &e.id,
                name: &e.name,
                kind: e.kind,
            }
        };
        NoteOut {
            file: file.path.display().to_string(),
            line: entry.line,
            date: entry.date,
            title: &entry.title,
            tags: &entry.tags,
            urls: &entry.urls,
            link: entry.urls.first().map(String::as_str),
            entities: hit.matched.iter().map(|&id| entity(id)).collect(),
            bullets: hit
                .lines
                .iter()
                .map(|l| {
                    let text = file.slice(&l.content);
                    // A header's content starts after the `#`: drop the space.
                    let lead = text.len() - text.trim_start().len();
                    let base = l.content.start + lead;
                    LineOut {
                        line: l.number,
                        kind: match l.kind {
                            LineKind::Header => "header",
                            LineKind::Bullet { .. } => "bullet",
                            LineKind::Text => "text",
                        },
                        text: &text[lead..],
                        mentions: l
                            .marks
                            .iter()
                            .map(|m| MarkOut {
                                id: &ws.dictionary.get(m.entity).id,
                                text: &file.text[m.span.clone()],
                                start: m.span.start - base,
                                end: m.span.end - base,
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// The profile of an entity.
pub fn entity(out: &mut impl Write, ws: &Workspace, p: &Profile, json: bool) -> io::Result<()> {
    let e = ws.dictionary.get(p.entity);
    if json {
        let v = serde_json::json!({
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "aliases": e.aliases.iter().map(|a| &a.text).collect::<Vec<_>>(),
            "mentions": p.node.map_or(0, |n| n.mentions),
            "notes": p.node.map_or(0, |n| n.notes),
            "first_seen": p.node.and_then(|n| n.first_seen()),
            "last_seen": p.node.and_then(|n| n.last_seen()),
            "degree": p.node.map_or(0, |n| n.degree),
            "pagerank": p.node.map_or(0.0, |n| round(n.pagerank, 6)),
            "timeline": p.timeline.rows.iter().map(|(m, c)| serde_json::json!({
                "month": m.to_string(), "mentions": c[0].mentions, "notes": c[0].notes,
            })).collect::<Vec<_>>(),
            "undated": counts_json(p.timeline.undated[0]),
            "related": p.related.iter().map(|n| serde_json::json!({
                "id": ws.dictionary.get(n.entity).id,
                "name": name(ws, n.entity),
                "weight": n.weight,
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "{}  {} (id {})", escape(&e.name), e.kind, e.id)?;
        let aliases: Vec<&str> = e.aliases.iter().skip(1).map(|a| a.text.as_str()).collect();
        if !aliases.is_empty() {
            writeln!(out, "aliases     {}", escape(&aliases.join(", ")))?;
        }
        match p.node {
            None => writeln!(out, "mentions    none in {} notes", ws.entries.len())?,
            Some(n) => {
                writeln!(
                    out,
                    "mentions    {} in {}",
                    n.mentions,
                    plural(n.notes, "note", "notes")
                )?;
                if let (Some(f), Some(l)) = (n.first_seen(), n.last_seen()) {
                    writeln!(out, "seen        {f} .. {l}")?;
                }
                let rows = &p.timeline.rows;
                if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
                    let values: Vec<usize> = rows.iter().map(|r| r.1[0].mentions).collect();
                    let (peak_at, peak) = rows
                        .iter()
                        .map(|r| (r.0, r.1[0].mentions))
                        .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))
                        .expect("rows are not empty");
                    writeln!(
                        out,
                        "timeline    {} {} {}  (mentions a month; most: {peak} in {peak_at})",
                        first.0,
                        sparkline(&values),
                        last.0
                    )?;
                }
                let undated = p.timeline.undated[0];
                if undated.notes > 0 {
                    writeln!(
                        out,
                        "undated     {} in {}",
                        plural(undated.mentions, "mention", "mentions"),
                        plural(undated.notes, "note", "notes")
                    )?;
                }
                writeln!(out, "neighbours  {} (pagerank {:.4})", n.degree, n.pagerank)?;
            }
        }
        if !p.related.is_empty() {
            writeln!(out, "most often with")?;
            let w = p.related[0].weight.to_string().len();
            for n in &p.related {
                let other = ws.dictionary.get(n.entity);
                writeln!(
                    out,
                    "  {:>w$}  {} ({})",
                    n.weight,
                    escape(&other.name),
                    other.kind
                )?;
            }
        }
    }
    Ok(())
}

/// Neighbours, ranked; `total` counts them before the limit.
#[allow(clippy::too_many_arguments)] // each is one fact of the answer; a struct would only rename them
pub fn related(
    out: &mut impl Write,
    ws: &Workspace,
    id: EntityId,
    shown: &[Neighbour],
    total: usize,
    by: &str,
    filtered: bool,
    json: bool,
) -> io::Result<()> {
    if json {
        for (rank, n) in shown.iter().enumerate() {
            let e = ws.dictionary.get(n.entity);
            let v = serde_json::json!({
                "rank": rank + 1,
                "id": e.id,
                "name": e.name,
                "kind": e.kind,
                "weight": n.weight,
                "jaccard": round(n.jaccard, 6),
                "pmi": round(n.pmi, 6),
            });
            writeln!(out, "{v}")?;
        }
    } else if shown.is_empty() {
        writeln!(
            out,
            "{} is mentioned with nothing{}",
            escape(name(ws, id)),
            if !filtered { "" } else { " of that kind" }
        )?;
    } else {
        writeln!(
            out,
            "{} of {} neighbours of {}, by {}",
            shown.len(),
            total,
            escape(name(ws, id)),
            by
        )?;
        writeln!(out, "rank  weight  jaccard     pmi  entity")?;
        for (rank, n) in shown.iter().enumerate() {
            let e = ws.dictionary.get(n.entity);
            writeln!(
                out,
                "{:>4}  {:>6}  {:>7.3}  {:>6.2}  {} ({})",
                rank + 1,
                n.weight,
                n.jaccard,
                n.pmi,
                escape(&e.name),
                e.kind
            )?;
        }
    }
    Ok(())
}

/// Ranked entities.
pub fn top(out: &mut impl Write, ws: &Workspace, nodes: &[&Node], json: bool) -> io::Result<()> {
    if json {
        for (rank, n) in nodes.iter().enumerate() {
            let e = ws.dictionary.get(n.entity);
            let v = serde_json::json!({
                "rank": rank + 1,
                "id": e.id,
                "name": e.name,
                "kind": e.kind,
                "mentions": n.mentions,
                "notes": n.notes,
                "degree": n.degree,
                "pagerank": round(n.pagerank, 6),
            });
            writeln!(out, "{v}")?;
        }
    } else if nodes.is_empty() {
        writeln!(out, "no entity is mentioned")?;
    } else {
        writeln!(out, "rank  mentions  notes  degree  pagerank  entity")?;
        for (rank, n) in nodes.iter().enumerate() {
            let e = ws.dictionary.get(n.entity);
            writeln!(
                out,
                "{:>4}  {:>8}  {:>5}  {:>6}  {:>8.4}  {} ({})",
                rank + 1,
                n.mentions,
                n.notes,
                n.degree,
                n.pagerank,
                escape(&e.name),
                e.kind
            )?;
        }
    }
    Ok(())
}

/// A chain of co-mentions from `x` to `y`, or why there is none.
pub fn path(
    out: &mut impl Write,
    ws: &Workspace,
    (x, y): (EntityId, EntityId),
    hops: &Option<Vec<Hop>>,
    json: bool,
) -> io::Result<()> {
    if json {
        let entity = |id: EntityId| {
            let e = ws.dictionary.get(id);
            serde_json::json!({ "id": e.id, "name": e.name })
        };
        let v = serde_json::json!({
            "from": entity(x),
            "to": entity(y),
            "hops": hops.as_ref().map(|hops| hops.iter().map(|h| {
                let entry = &ws.entries[h.entry];
                serde_json::json!({
                    "from": entity(h.from),
                    "to": entity(h.to),
                    "weight": h.weight,
                    "entry": {
                        "file": ws.file_of(entry).path.display().to_string(),
                        "line": entry.line,
                        "date": entry.date,
                        "title": entry.title,
                    },
                })
            }).collect::<Vec<_>>()),
        });
        writeln!(out, "{v}")?;
    } else {
        match &hops {
            None => {
                let never = [x, y]
                    .into_iter()
                    .find(|&id| ws.graph.position(id).is_none());
                match never {
                    Some(id) => writeln!(
                        out,
                        "no path: {} is never mentioned in the notes",
                        escape(name(ws, id))
                    )?,
                    None => writeln!(
                        out,
                        "no path: no chain of co-mentions joins {} and {}",
                        escape(name(ws, x)),
                        escape(name(ws, y))
                    )?,
                }
            }
            Some(hops) => {
                let chain: Vec<&str> = std::iter::once(x)
                    .chain(hops.iter().map(|h| h.to))
                    .map(|id| name(ws, id))
                    .collect();
                writeln!(
                    out,
                    "{}  ({})",
                    escape(&chain.join(" -> ")),
                    plural(hops.len(), "hop", "hops")
                )?;
                for h in hops {
                    let entry = &ws.entries[h.entry];
                    writeln!(
                        out,
                        "  {} -- {}: together in {}; newest:",
                        escape(name(ws, h.from)),
                        escape(name(ws, h.to)),
                        plural(h.weight as usize, "note", "notes")
                    )?;
                    writeln!(
                        out,
                        "      {}  {}:{}  {}",
                        date_or_blank(entry.date),
                        escape(&ws.file_of(entry).path.display().to_string()),
                        entry.line,
                        escape(&entry.title)
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Corpus statistics.
pub fn stats(out: &mut impl Write, s: &Stats, json: bool) -> io::Result<()> {
    if json {
        let by_kind: serde_json::Map<String, serde_json::Value> = s
            .by_kind
            .iter()
            .map(|(k, n)| (k.to_string(), (*n).into()))
            .collect();
        let v = serde_json::json!({
            "files": s.files,
            "bytes": s.bytes,
            "notes": s.entries,
            "dated": s.dated,
            "first_date": s.span.map(|x| x.0),
            "last_date": s.span.map(|x| x.1),
            "linked": s.linked,
            "mentions": s.mentions,
            "dictionary": s.dictionary,
            "entities": s.entities,
            "by_kind": by_kind,
            "links": s.links,
            "density": round(s.density, 6),
            "components": s.components,
            "communities": s.communities,
            "warnings": s.warnings,
        });
        writeln!(out, "{v}")?;
    } else {
        let span = s
            .span
            .map_or(String::new(), |(a, b)| format!(", {a} .. {b}"));
        writeln!(
            out,
            "notes       {} in {} ({} KB); {} dated{span}; {} mention an entity",
            s.entries,
            plural(s.files, "file", "files"),
            s.bytes.div_ceil(1024),
            s.dated,
            s.linked
        )?;
        writeln!(out, "mentions    {}", s.mentions)?;
        let kinds: Vec<String> = s
            .by_kind
            .iter()
            .map(|(k, n)| {
                let label = match k {
                    Kind::Person => ("person", "people"),
                    Kind::Company => ("company", "companies"),
                    Kind::Model => ("model", "models"),
                    Kind::Concept => ("concept", "concepts"),
                };
                plural(*n, label.0, label.1)
            })
            .collect();
        writeln!(
            out,
            "entities    {} of {} in the dictionary: {}",
            s.entities,
            s.dictionary,
            kinds.join(", ")
        )?;
        writeln!(
            out,
            "links       {} (density {:.3}), {}, {}",
            s.links,
            s.density,
            plural(s.components, "component", "components"),
            plural(s.communities, "community", "communities")
        )?;
        writeln!(out, "warnings    {}", s.warnings)?;
    }
    Ok(())
}

/// Mentions per month, one column per entity.
pub fn timeline(out: &mut impl Write, ws: &Workspace, t: &Timeline, json: bool) -> io::Result<()> {
    let ids = &t.entities;
    if json {
        let row = |month: Option<String>, counts: &[Count]| {
            let per = |f: fn(&Count) -> usize| {
                t.entities
                    .iter()
                    .zip(counts)
                    .map(|(&id, c)| (ws.dictionary.get(id).id.clone(), f(c).into()))
                    .collect::<serde_json::Map<String, serde_json::Value>>()
            };
            serde_json::json!({
                "month": month,
                "mentions": per(|c| c.mentions),
                "notes": per(|c| c.notes),
            })
        };
        for (m, counts) in &t.rows {
            writeln!(out, "{}", row(Some(m.to_string()), counts))?;
        }
        if t.undated.iter().any(|c| c.notes > 0) {
            writeln!(out, "{}", row(None, &t.undated))?;
        }
    } else if t.is_empty() {
        let verb = if ids.len() == 1 { "is" } else { "are" };
        writeln!(
            out,
            "{} {verb} never mentioned in the notes",
            escape(&join_names(ws, ids, "and"))
        )?;
    } else {
        let names: Vec<Cow<str>> = t.entities.iter().map(|&id| escape(name(ws, id))).collect();
        let widths: Vec<usize> = names.iter().map(|n| width(n).max(5)).collect();
        let mut header = String::from("month  ");
        for (n, &w) in names.iter().zip(&widths) {
            header += &format!("  {}", pad(n, w));
        }
        writeln!(out, "{header}")?;
        let mut line = |label: &str, counts: &[Count]| -> io::Result<()> {
            let mut s = format!("{label:<7}");
            for (c, &w) in counts.iter().zip(&widths) {
                s += &format!("  {:>w$}", c.mentions);
            }
            writeln!(out, "{s}")
        };
        for (m, counts) in &t.rows {
            line(&m.to_string(), counts)?;
        }
        if t.undated.iter().any(|c| c.notes > 0) {
            line("undated", &t.undated)?;
        }
        let totals: Vec<Count> = (0..t.entities.len())
            .map(|k| Count {
                mentions: t.rows.iter().map(|r| r.1[k].mentions).sum::<usize>()
                    + t.undated[k].mentions,
                notes: 0,
            })
            .collect();
        line("total", &totals)?;
    }
    Ok(())
}

fn counts_json(c: Count) -> serde_json::Value {
    serde_json::json!({ "mentions": c.mentions, "notes": c.notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notegraph::query;

    #[test]
    fn highlight_paints_the_marked_bytes() {
        let text = "# T\n  + 关于OpenAI的\x1b消息\n";
        let start = text.find('关').unwrap();
        let m = text.find("OpenAI").unwrap();
        let line = HitLine {
            number: 2,
            kind: LineKind::Bullet {
                depth: 1,
                marker: '+',
            },
            content: start..text.len() - 1,
            marks: vec![query::Mark {
                entity: EntityId(0),
                span: m..m + 6,
            }],
        };
        assert_eq!(
            highlight(text, &line, Paint(true)),
            "  + 关于\x1b[1;31mOpenAI\x1b[0m的\\u{1b}消息"
        );
        assert_eq!(
            highlight(text, &line, Paint(false)),
            "  + 关于OpenAI的\\u{1b}消息"
        );
    }
}
