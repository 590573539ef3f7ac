//! The explorer: `notes`, `explain`, `entity`, `related`, `path`, `top`, `stats` and
//! `timeline`. Each function turns options into a `query` call and prints the typed answer,
//! as text (coloured on a terminal) or as JSON.

use super::args::{
    kinds, EntityArgs, ExplainArgs, InputArgs, NotesArgs, PathArgs, RelatedArgs, StatsArgs,
    TimelineArgs, TopArgs,
};
use super::show;
use super::term::{a_kind, join_names, name, stdout, Paint};
use super::{resolve, CliError, Outcome};
use notegraph::dictionary::EntityId;
use notegraph::error::Error;
use notegraph::notes::Date;
use notegraph::query::{self, NotesQuery};
use notegraph::workspace::Workspace;
use std::io::Write;

/// Builds the workspace for a query (no layout; no graph unless `graph`) and mentions
/// damaged notes in one line: the full list belongs to `build`, not to every question.
fn load(input: &InputArgs, graph: bool) -> Result<&'static Workspace, CliError> {
    let ws = super::open(&input.query_options(graph))?;
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
// notes and explain

/// `notes`.
pub fn notes(a: &NotesArgs) -> Result<Outcome, CliError> {
    let since = parse_date("--since", a.since.as_deref())?;
    let until = parse_date("--until", a.until.as_deref())?;
    let ws = load(&a.input, false)?;
    let q = NotesQuery {
        entities: resolve_all(ws, &a.names)?,
        all: a.all,
        exclude: resolve_all(ws, &a.not)?,
        kinds: kinds(&a.kind),
        since,
        until,
        limit: a.limit,
    };
    let answer = query::notes(ws, &q)?;
    let what = describe(ws, &q);
    let mut out = stdout();
    show::notes(
        &mut out,
        ws,
        &answer,
        &what,
        a.show.json,
        Paint::new(a.show.color),
    )?;
    out.flush()?;
    Ok(outcome(answer.total > 0))
}

/// `explain`.
pub fn explain(a: &ExplainArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, false)?;
    let (x, y) = (resolve(ws, &a.a)?, resolve(ws, &a.b)?);
    let answer = query::explain(ws, x, y)?;
    let what = format!("both {} and {}", name(ws, x), name(ws, y));
    let mut out = stdout();
    show::notes(
        &mut out,
        ws,
        &answer,
        &what,
        a.show.json,
        Paint::new(a.show.color),
    )?;
    out.flush()?;
    Ok(outcome(answer.total > 0))
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

/// `entity`.
pub fn entity(a: &EntityArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, true)?;
    let id = resolve(ws, &a.name)?;
    let p = query::profile(ws, id, a.limit);
    let mut out = stdout();
    show::entity(&mut out, ws, &p, a.json)?;
    out.flush()?;
    Ok(outcome(p.node.is_some()))
}

/// `related`.
pub fn related(a: &RelatedArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, true)?;
    let id = resolve(ws, &a.name)?;
    let ks = kinds(&a.kind);
    let mut shown = query::related(ws, id, a.by.into(), &ks);
    let total = shown.len();
    shown.truncate(a.limit);
    let mut out = stdout();
    show::related(
        &mut out,
        ws,
        id,
        &shown,
        total,
        a.by.as_str(),
        !ks.is_empty(),
        a.json,
    )?;
    out.flush()?;
    Ok(outcome(!shown.is_empty()))
}

/// `top`.
pub fn top(a: &TopArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, true)?;
    let nodes = query::top(ws, a.by.into(), &kinds(&a.kind), a.limit);
    let mut out = stdout();
    show::top(&mut out, ws, &nodes, a.json)?;
    out.flush()?;
    Ok(outcome(!nodes.is_empty()))
}

/// `path`.
pub fn path(a: &PathArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, true)?;
    let (x, y) = (resolve(ws, &a.a)?, resolve(ws, &a.b)?);
    let hops = query::path(ws, x, y)?;
    let mut out = stdout();
    show::path(&mut out, ws, (x, y), &hops, a.json)?;
    out.flush()?;
    Ok(outcome(hops.is_some()))
}

/// `stats`.
pub fn stats(a: &StatsArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, true)?;
    let s = query::stats(ws);
    let mut out = stdout();
    show::stats(&mut out, &s, a.json)?;
    out.flush()?;
    Ok(Outcome::Found)
}

/// `timeline`.
pub fn timeline(a: &TimelineArgs) -> Result<Outcome, CliError> {
    let ws = load(&a.input, false)?;
    let ids = resolve_all(ws, &a.names)?;
    let t = query::timeline(ws, &ids);
    let mut out = stdout();
    show::timeline(&mut out, ws, &t, a.json)?;
    out.flush()?;
    Ok(outcome(!t.is_empty()))
}
