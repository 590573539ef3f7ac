//! The explorer: `notes`, `explain`, `entity`, `related`, `path`, `top`, `stats` and
//! `timeline`. Each function turns options into a `query` call and prints the typed answer,
//! as text (coloured on a terminal) or as JSON.

use super::args::{
    kinds, ColorArg, EntityArgs, ExplainArgs, InputArgs, NotesArgs, PathArgs, RelatedArgs,
    StatsArgs, TimelineArgs, TopArgs,
};
use super::{resolve, CliError, Outcome};
use notegraph::dictionary::{EntityId, Kind};
use notegraph::error::Error;
use notegraph::notes::{Date, LineKind};
use notegraph::query::{self, Count, HitLine, NoteHit, Notes, NotesQuery};
use notegraph::workspace::Workspace;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, BufWriter, IsTerminal, Write};

type Out = BufWriter<io::StdoutLock<'static>>;

fn stdout() -> Out {
    BufWriter::new(io::stdout().lock())
}

/// Builds the workspace for a query (no layout) and mentions damaged notes in one line: the
/// full list belongs to `build`, not to every question.
fn load(input: &InputArgs) -> Result<Workspace, CliError> {
    let ws = Workspace::build(&input.query_options())?;
    if !ws.warnings.is_empty() {
        eprintln!(
            "note: {} warning(s) about damaged notes; `notegraph build` lists them",
            ws.warnings.len()
        );
    }
    Ok(ws)
}

/// Resolves every name, dropping repeats (OpenAI and openai are one entity).
fn resolve_all(ws: &Workspace, names: &[String]) -> Result<Vec<EntityId>, Error> {
    let mut ids = Vec::new();
    for n in names {
        let id = resolve(ws, n)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn parse_date(flag: &str, value: Option<&str>) -> Result<Option<Date>, Error> {
    value
        .map(|v| {
            v.parse::<Date>().map_err(|why| {
                Error::query(
                    format!("invalid {flag} {v:?}: {why}"),
                    format!("write the day as YYYY-MM-DD, e.g. {flag} 2024-08-31"),
                )
            })
        })
        .transpose()
}

fn outcome(found: bool) -> Outcome {
    if found {
        Outcome::Found
    } else {
        Outcome::Nothing
    }
}

// ---------------------------------------------------------------------------------------
// Terminal text

/// ANSI styling, or nothing. Colour only reaches a terminal, and never with NO_COLOR set
/// (https://no-color.org: present and not empty).
#[derive(Clone, Copy)]
struct Paint(bool);

const BOLD: &str = "1";
const MATCH: &str = "1;31";
const PATH: &str = "35";
const LINE: &str = "32";
const DIM: &str = "2";

impl Paint {
    fn new(when: ColorArg) -> Paint {
        Paint(match when {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => io::stdout().is_terminal() && !no_color(),
        })
    }

    /// `s`, escaped, in the style `sgr`.
    fn paint(self, sgr: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{sgr}m{}\x1b[0m", escape(s))
        } else {
            escape(s).into_owned()
        }
    }
}

/// NO_COLOR is set: present and not empty.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Note text made safe for a terminal: control characters (an ESC in a note could restyle
/// or retitle the terminal) and bidirectional overrides are shown as `\u{..}` escapes.
fn escape(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Display width: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if notegraph::text::is_cjk(c) { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A small sparkline: ▁ for zero, then ▂ for the smallest count up to █ for the largest,
/// linear in between.
fn sparkline(values: &[usize]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| match v {
            0 => BARS[0],
            _ if max == 1 => BARS[7],
            _ => BARS[1 + ((v - 1) * 6 + (max - 1) / 2) / (max - 1)],
        })
        .collect()
}

fn name(ws: &Workspace, id: EntityId) -> &str {
    &ws.dictionary.get(id).name
}

/// `A`, `A or B`, `A, B or C`.
fn join_names(ws: &Workspace, ids: &[EntityId], word: &str) -> String {
    let names: Vec<&str> = ids.iter().map(|&id| name(ws, id)).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
    }
}

fn a_kind(k: Kind) -> &'static str {
    match k {
        Kind::Person => "a person",
        Kind::Company => "a company",
        Kind::Model => "a model",
        Kind::Concept => "a concept",
    }
}

fn date_or_blank(d: Option<Date>) -> String {
    d.map_or_else(|| "(undated) ".to_string(), |d| d.to_string())
}

// ---------------------------------------------------------------------------------------
// notes and explain

/// `notes`.
pub fn notes(a: &NotesArgs) -> Result<Outcome, CliError> {
    let since = parse_date("--since", a.since.as_deref())?;
    let until = parse_date("--until", a.until.as_deref())?;
    let ws = load(&a.input)?;
    let q = NotesQuery {
        entities: resolve_all(&ws, &a.names)?,
        all: a.all,
        exclude: resolve_all(&ws, &a.not)?,
        kinds: kinds(&a.kind),
        since,
        until,
        limit: a.limit,
    };
    let answer = query::notes(&ws, &q)?;
    let what = describe(&ws, &q);
    print_notes(&ws, &answer, a.show.json, Paint::new(a.show.color), &what)
}

/// `explain`.
pub fn explain(a: &ExplainArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let (x, y) = (resolve(&ws, &a.a)?, resolve(&ws, &a.b)?);
    let answer = query::explain(&ws, x, y)?;
    let what = format!("both {} and {}", name(&ws, x), name(&ws, y));
    print_notes(&ws, &answer, a.show.json, Paint::new(a.show.color), &what)
}

/// What a notes query asks, for the count line: `OpenAI or Strawberry, not Google, ...`.
fn describe(ws: &Workspace, q: &NotesQuery) -> String {
    let mut parts = Vec::new();
    if !q.entities.is_empty() {
        parts.push(join_names(
            ws,
            &q.entities,
            if q.all { "and" } else { "or" },
        ));
    }
    if !q.kinds.is_empty() {
        let ks: Vec<&str> = q.kinds.iter().map(|&k| a_kind(k)).collect();
        parts.push(ks.join(" or "));
    }
    let mut s = parts.join(" and ");
    if !q.exclude.is_empty() {
        s += &format!(" but not {}", join_names(ws, &q.exclude, "or"));
    }
    match (q.since, q.until) {
        (Some(a), Some(b)) => s += &format!(", {a} to {b}"),
        (Some(a), None) => s += &format!(", since {a}"),
        (None, Some(b)) => s += &format!(", until {b}"),
        (None, None) => {}
    }
    s
}

fn print_notes(
    ws: &Workspace,
    answer: &Notes,
    json: bool,
    paint: Paint,
    what: &str,
) -> Result<Outcome, CliError> {
    let mut out = stdout();
    if json {
        for hit in &answer.hits {
            serde_json::to_writer(&mut out, &NoteOut::new(ws, hit)).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    } else {
        for (k, hit) in answer.hits.iter().enumerate() {
            if k > 0 {
                writeln!(out)?;
            }
            print_hit(&mut out, ws, hit, paint)?;
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
    out.flush()?;
    Ok(outcome(answer.total > 0))
}

fn print_hit(out: &mut Out, ws: &Workspace, hit: &NoteHit, paint: Paint) -> io::Result<()> {
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

// ---------------------------------------------------------------------------------------
// entity

/// `entity`.
pub fn entity(a: &EntityArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let id = resolve(&ws, &a.name)?;
    let p = query::profile(&ws, id, a.limit);
    let e = ws.dictionary.get(id);
    let mut out = stdout();
    if a.json {
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
                "name": name(&ws, n.entity),
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
    out.flush()?;
    Ok(outcome(p.node.is_some()))
}

fn counts_json(c: Count) -> serde_json::Value {
    serde_json::json!({ "mentions": c.mentions, "notes": c.notes })
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

// ---------------------------------------------------------------------------------------
// related, top, path

/// `related`.
pub fn related(a: &RelatedArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let id = resolve(&ws, &a.name)?;
    let ks = kinds(&a.kind);
    let mut shown: Vec<_> = query::related(&ws, id, a.by.into())
        .into_iter()
        .filter(|n| ks.is_empty() || ks.contains(&ws.dictionary.get(n.entity).kind))
        .collect();
    let total = shown.len();
    shown.truncate(a.limit);
    let mut out = stdout();
    if a.json {
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
            escape(name(&ws, id)),
            if ks.is_empty() { "" } else { " of that kind" }
        )?;
    } else {
        writeln!(
            out,
            "{} of {} neighbours of {}, by {}",
            shown.len(),
            total,
            escape(name(&ws, id)),
            a.by.as_str()
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
    out.flush()?;
    Ok(outcome(!shown.is_empty()))
}

/// `top`.
pub fn top(a: &TopArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let nodes = query::top(&ws, a.by.into(), &kinds(&a.kind), a.limit);
    let mut out = stdout();
    if a.json {
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
    out.flush()?;
    Ok(outcome(!nodes.is_empty()))
}

/// `path`.
pub fn path(a: &PathArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let (x, y) = (resolve(&ws, &a.a)?, resolve(&ws, &a.b)?);
    let hops = query::path(&ws, x, y)?;
    let mut out = stdout();
    if a.json {
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
                        escape(name(&ws, id))
                    )?,
                    None => writeln!(
                        out,
                        "no path: no chain of co-mentions joins {} and {}",
                        escape(name(&ws, x)),
                        escape(name(&ws, y))
                    )?,
                }
            }
            Some(hops) => {
                let chain: Vec<&str> = std::iter::once(x)
                    .chain(hops.iter().map(|h| h.to))
                    .map(|id| name(&ws, id))
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
                        escape(name(&ws, h.from)),
                        escape(name(&ws, h.to)),
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
    out.flush()?;
    Ok(outcome(hops.is_some()))
}

// ---------------------------------------------------------------------------------------
// stats and timeline

/// `stats`.
pub fn stats(a: &StatsArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let s = query::stats(&ws);
    let mut out = stdout();
    if a.json {
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
    out.flush()?;
    Ok(Outcome::Found)
}

/// `timeline`.
pub fn timeline(a: &TimelineArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input)?;
    let ids = resolve_all(&ws, &a.names)?;
    let t = query::timeline(&ws, &ids);
    let mut out = stdout();
    if a.json {
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
            escape(&join_names(&ws, &ids, "and"))
        )?;
    } else {
        let names: Vec<Cow<str>> = t.entities.iter().map(|&id| escape(name(&ws, id))).collect();
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
    out.flush()?;
    Ok(outcome(!t.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_to_the_largest_value() {
        assert_eq!(sparkline(&[0, 1, 6, 3]), "▁▂█▄");
        assert_eq!(sparkline(&[1, 2, 3, 4, 5, 6, 7]), "▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[0, 0]), "▁▁");
        assert_eq!(sparkline(&[5]), "█");
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(escape("a\x1b[31mb\tc"), "a\\u{1b}[31mb\tc");
        assert_eq!(escape("x\u{202E}y"), "x\\u{202e}y");
        assert!(matches!(escape("OpenAI 草莓"), Cow::Borrowed(_)));
    }

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
