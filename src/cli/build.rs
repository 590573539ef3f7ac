//! `build`, `render` and `dict check`.

use super::args::{BuildArgs, InputArgs, RenderArgs, SuggestArgs};
use super::progress::{suspended, Bar};
use super::{print_warnings, resolve_around, CliError, Outcome};
use notegraph::dictionary;
use notegraph::error::{display_path, printable};
use notegraph::output::{self, OutputOptions};
use notegraph::render::{Engine, ImageFormat};
use notegraph::workspace::Workspace;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

pub fn build(a: &BuildArgs) -> Result<Outcome, CliError> {
    let started = Instant::now();
    let bar = Bar::start();
    let mut opts = a.input.options();
    opts.progress = bar.as_ref().map(Bar::progress);
    let ws = super::open(&opts)?;
    suspended(&bar, || print_warnings(ws, a.input.all_warnings));
    let around = resolve_around(ws, a.prune.around.as_deref())?;
    let prune = a.prune.prune(around);
    let image_prune = if a.prune.is_set() {
        prune.clone()
    } else {
        output::default_image_prune()
    };
    let written = output::write_outputs(
        ws,
        &OutputOptions {
            dir: a.out.clone(),
            prune,
            image_prune,
            format: ImageFormat::Svg,
            engine: Engine::Sfdp,
            image: !a.no_image,
        },
    )?;
    drop(bar);
    if let Some(why) = &written.image_skipped {
        eprintln!("note: {why}");
    }
    let elapsed = started.elapsed();
    let linked = ws.mentions.iter().filter(|m| !m.is_empty()).count();
    let mut out = io::stdout().lock();
    if a.json {
        let summary = serde_json::json!({
            "files": ws.files.len(),
            "notes": ws.entries.len(),
            "notes_linked": linked,
            "entities": written.selection.nodes.len(),
            "mentions": ws.mention_count(),
            "edges": written.selection.edges.len(),
            "warnings": ws.warnings.len(),
            "written": written.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "millis": elapsed.as_millis() as u64,
            "bytes": ws.bytes,
            // 0 when every file's mentions came from the cache and no automaton was built.
            "automaton_bytes": ws.automaton.map_or(0, |a| a.bytes),
            "automaton_patterns": ws.automaton.map_or(0, |a| a.patterns),
            "cache": ws.cache.map(|c| serde_json::json!({
                "dictionary_hit": c.dictionary,
                "hits": c.hits,
                "misses": c.misses,
                "written": c.written,
            })),
            "stages": stages_json(ws, &written),
        });
        writeln!(out, "{summary}")?;
    } else {
        writeln!(
            out,
            "{} notes in {} files ({} linked), {} entities, {} mentions, {} edges, {} warnings in {:.0?}",
            ws.entries.len(),
            ws.files.len(),
            linked,
            written.selection.nodes.len(),
            ws.mention_count(),
            written.selection.edges.len(),
            ws.warnings.len(),
            elapsed
        )?;
        for f in &written.files {
            writeln!(out, "wrote {}", display_path(f))?;
        }
    }
    Ok(Outcome::Found)
}

/// Per-stage wall times in pipeline order, in milliseconds, for `--json` (the benchmark
/// script reads them).
fn stages_json(ws: &Workspace, written: &output::Written) -> serde_json::Value {
    let all = ws.timings.stages.iter().chain(&written.timings.stages);
    all.map(|(name, d)| {
        let ms = (d.as_secs_f64() * 1e5).round() / 100.0;
        serde_json::json!({ "stage": name, "ms": ms })
    })
    .collect()
}

pub fn render(a: &RenderArgs) -> Result<Outcome, CliError> {
    let ws = super::open(&a.input.options())?;
    print_warnings(ws, a.input.all_warnings);
    let around = resolve_around(ws, a.prune.around.as_deref())?;
    let prune = if a.prune.is_set() {
        a.prune.prune(around)
    } else {
        output::default_image_prune()
    };
    let sel = ws.graph.prune(&prune);
    let format: ImageFormat = a.format.into();
    let path = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("graph.{}", format.extension())));
    output::render_to(ws, &sel, &path, format, a.layout.into())?;
    writeln!(
        io::stdout().lock(),
        "wrote {} ({} entities, {} edges)",
        display_path(&path),
        sel.nodes.len(),
        sel.edges.len()
    )?;
    Ok(Outcome::Found)
}

pub fn dict_check(a: &InputArgs) -> Result<Outcome, CliError> {
    let opts = a.options();
    // Always the files, never the compiled copy: this is the validator.
    let dict = dictionary::load(&opts.dicts)?;
    let mut counts = [0usize; 4];
    for e in dict.entities() {
        counts[e.kind as usize] += 1;
    }
    writeln!(
        io::stdout().lock(),
        "ok: {} entities ({} people, {} companies, {} models, {} concepts), {} aliases",
        dict.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        dict.alias_count()
    )?;
    Ok(Outcome::Found)
}

pub fn dict_suggest(a: &SuggestArgs) -> Result<Outcome, CliError> {
    let ws = super::open(&a.input.options())?;
    let all = notegraph::suggest::suggest(ws);
    let mut out = io::stdout().lock();
    for s in all.iter().take(a.limit) {
        if a.json {
            let v = serde_json::json!({
                "text": s.text,
                "source": s.source.as_str(),
                "alias_of": s.alias_of,
                "count": s.count,
                "notes": s.notes,
                "example": s.example,
                "line": s.example_line,
            });
            writeln!(out, "{v}")?;
        } else {
            let what = match &s.alias_of {
                Some(id) => format!("alias of {id}"),
                None => s.source.as_str().to_string(),
            };
            // Mined from the notes: control characters must not reach the terminal.
            writeln!(
                out,
                "{:>4} {:>3}  {:<28} {:<18} {}",
                s.count,
                s.notes,
                printable(&s.text),
                what,
                printable(&s.example)
            )?;
        }
    }
    if !a.json {
        writeln!(
            out,
            "{} candidates (count, notes, text, source, first seen)",
            all.len()
        )?;
    }
    Ok(if all.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}
