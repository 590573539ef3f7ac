//! The one pipeline driver: files -> notes -> mentions -> graph, from plain options.

use crate::dictionary::{self, Dictionary, EntityId};
use crate::error::{Error, Location, Result, Warning};
use crate::fsutil;
use crate::graph::{CoMentionGraph, EntryFacts, Scope};
use crate::matcher::Matcher;
use crate::mentions::{self, Mention};
use crate::notes::{self, Entry, SourceFile};
use crate::text;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to build from.
#[derive(Debug, Clone)]
pub struct Options {
    /// Note files or folders.
    pub inputs: Vec<PathBuf>,
    /// Dictionary files or folders.
    pub dicts: Vec<PathBuf>,
    /// What counts as mentioned together.
    pub scope: Scope,
    /// Turn warnings into an error.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inputs: vec![PathBuf::from("seeds")],
            dicts: vec![PathBuf::from("dictionaries")],
            scope: Scope::Entry,
            strict: false,
        }
    }
}

/// Wall time of each stage, in pipeline order: `build --json` reports them, and the
/// benchmark (`bench/run.sh`) reads them from there.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// (stage name, duration).
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Runs `f` and records its wall time under `name`.
    pub fn record<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.stages.push((name, t.elapsed()));
        out
    }

    /// Sum of all stages.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|s| s.1).sum()
    }
}

/// Everything built from the notes and the dictionary.
pub struct Workspace {
    /// The dictionary.
    pub dictionary: Dictionary,
    /// The note files, sorted by path.
    pub files: Vec<SourceFile>,
    /// Every entry, in file then line order.
    pub entries: Vec<Entry>,
    /// `mentions[i]` are the mentions of `entries[i]`, in text order.
    pub mentions: Vec<Vec<Mention>>,
    /// The co-mention graph.
    pub graph: CoMentionGraph,
    /// Problems with the notes that did not stop the build, sorted by place.
    pub warnings: Vec<Warning>,
    /// Stage timings.
    pub timings: Timings,
    /// Bytes of note text read.
    pub bytes: usize,
    /// The compiled dictionary.
    pub matcher: Matcher,
}

impl Workspace {
    /// Runs the pipeline. The dictionary is loaded and checked first: a broken one is an
    /// error before any note is read.
    pub fn build(opts: &Options) -> Result<Workspace> {
        let mut timings = Timings::default();
        let dictionary = timings.record("dictionary", || dictionary::load(&opts.dicts))?;
        let matcher = timings.record("automaton", || Matcher::new(&dictionary));
        let (files, mut warnings) = timings.record("read", || read_files(&opts.inputs))?;
        let bytes = files.iter().map(|f| f.text.len()).sum();
        // Parsing and matching run on every core, one file or entry per task; rayon's
        // indexed collect keeps file then line order, so the result is the same as in
        // sequence.
        let entries = timings.record("parse", || {
            let parsed: Vec<(Vec<Entry>, Vec<Warning>)> = files
                .par_iter()
                .enumerate()
                .map(|(i, f)| notes::parse_file(&f.path, &f.text, i))
                .collect();
            let mut entries = Vec::with_capacity(parsed.iter().map(|p| p.0.len()).sum());
            for (mut e, mut w) in parsed {
                entries.append(&mut e);
                warnings.append(&mut w);
            }
            entries
        });
        if opts.strict && !warnings.is_empty() {
            warnings.sort();
            return Err(Error::Strict(warnings));
        }
        let mentions: Vec<Vec<Mention>> = timings.record("match", || {
            entries
                .par_iter()
                .map(|e| mentions::entry_mentions(e, &files[e.file], &matcher, &dictionary))
                .collect()
        });
        let mut graph = timings.record("graph", || {
            let facts: Vec<EntryFacts> = entries
                .iter()
                .zip(&mentions)
                .map(|(e, ms)| EntryFacts {
                    date: e.date,
                    mentions: ms.iter().map(|m| (m.entity, m.group)).collect(),
                })
                .collect();
            CoMentionGraph::assemble(&facts, opts.scope, |id| dictionary.get(id).kind)
        });
        timings.record("analytics", || graph.analyse());
        warnings.sort();
        Ok(Workspace {
            dictionary,
            files,
            entries,
            mentions,
            graph,
            warnings,
            timings,
            bytes,
            matcher,
        })
    }

    /// The file an entry comes from.
    pub fn file_of(&self, entry: &Entry) -> &SourceFile {
        &self.files[entry.file]
    }

    /// A stable id for an entry: `path:line`.
    pub fn entry_id(&self, index: usize) -> String {
        let e = &self.entries[index];
        format!("{}:{}", self.files[e.file].path.display(), e.line)
    }

    /// The text of a mention as written in the note.
    pub fn mention_text(&self, entry: usize, m: &Mention) -> &str {
        let f = self.file_of(&self.entries[entry]);
        &f.text[m.start..m.end]
    }

    /// Distinct entities an entry mentions, sorted.
    pub fn entry_entities(&self, entry: usize) -> Vec<EntityId> {
        mentions::entities_of(&self.mentions[entry])
    }

    /// Total number of mentions.
    pub fn mention_count(&self) -> usize {
        self.mentions.iter().map(Vec::len).sum()
    }
}

/// Reads every note file under `inputs`. Binary files are skipped with a warning; invalid
/// UTF-8 is replaced and reported at its line.
fn read_files(inputs: &[PathBuf]) -> Result<(Vec<SourceFile>, Vec<Warning>)> {
    let (paths, mut warnings) = fsutil::discover(inputs, fsutil::NOTE_EXTENSIONS)?;
    // Reading and UTF-8 validation in parallel, in path order.
    let read: Vec<(PathBuf, std::io::Result<Vec<u8>>)> = paths
        .into_par_iter()
        .map(|path| {
            let bytes = std::fs::read(&path);
            (path, bytes)
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for (path, bytes) in read {
        let bytes = bytes.map_err(|e| Error::input(&path, e))?;
        if text::looks_binary(&bytes) {
            warnings.push(Warning::new(
                Location::new(&path, 0),
                "looks like a binary file; skipped",
                "keep only text notes (.txt, .md) in the input folder",
            ));
            continue;
        }
        let (text, bad_line) = text::decode(bytes);
        if let Some(line) = bad_line {
            warnings.push(Warning::new(
                Location::new(&path, line),
                "invalid utf-8; bad bytes replaced with U+FFFD",
                "save the note as utf-8",
            ));
        }
        files.push(SourceFile { path, text });
    }
    Ok((files, warnings))
}
