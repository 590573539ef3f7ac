//! The one pipeline driver: files -> notes -> mentions -> graph, from plain options.

use crate::cache::{self, BuildKey, Cache, FileKey};
use crate::dictionary::{self, Dictionary, EntityId};
use crate::error::{Error, Location, Result, Warning};
use crate::fsutil;
use crate::graph::{CoMentionGraph, EntryFacts, Scope};
use crate::matcher::{Matcher, Windows};
use crate::mentions::{self, Mention};
use crate::notes::{self, Entry, SourceFile};
use crate::text;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
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
    /// Lay the graph out (node positions). Only drawings and exports need it; queries turn
    /// it off because it is most of the graph's cost.
    pub layout: bool,
    /// Build the co-mention graph and its analytics at all. Questions answered from the
    /// mentions alone (`notes`, `explain`, `timeline`) turn it off: on a large corpus the
    /// graph is most of their time. Without it [`Workspace::graph`] is empty.
    pub graph: bool,
    /// Counters the build advances, for a caller that shows progress (none by default).
    pub progress: Option<Arc<Progress>>,
    /// Folder of the cache of compiled dictionaries and mentions (see [`crate::cache`]);
    /// None: no cache, the dictionary is parsed and every file is matched. The library has no default: the CLI picks one.
    pub cache_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inputs: vec![PathBuf::from("seeds")],
            dicts: vec![PathBuf::from("dictionaries")],
            scope: Scope::Entry,
            strict: false,
            layout: true,
            graph: true,
            progress: None,
            cache_dir: None,
        }
    }
}

/// How far a build is, readable from another thread while it runs: the current stage and,
/// for the stages that walk the notes, bytes done out of a total. The library only counts;
/// drawing a bar is the caller's business (the CLI does it on a terminal).
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicUsize,
    done: AtomicU64,
    total: AtomicU64,
    finished: AtomicBool,
}

impl Progress {
    /// Stage names, in order; [`Progress::stage`] returns one of them.
    pub const STAGES: [&'static str; 6] = [
        "loading",
        "reading",
        "matching",
        "graph",
        "analytics",
        "writing",
    ];

    /// A new counter, at the first stage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enters stage `i` of [`Progress::STAGES`] with `total` units of work (0 when unknown).
    pub fn set_stage(&self, i: usize, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage
            .store(i.min(Self::STAGES.len() - 1), Ordering::Relaxed);
    }

    /// Adds `n` units of work done.
    pub fn advance(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Marks the whole build done (set by the caller after the last output).
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }

    /// True once [`Progress::finish`] was called.
    pub fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    /// (stage name, done, total).
    pub fn get(&self) -> (&'static str, u64, u64) {
        (
            Self::STAGES[self.stage.load(Ordering::Relaxed)],
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// Calls `f` on the progress counter when there is one.
fn report(opts: &Options, f: impl FnOnce(&Progress)) {
    if let Some(p) = &opts.progress {
        f(p);
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

/// Runs `f` and returns its result with its wall time.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
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
    /// The compiled dictionary, when the build needed all of it (see [`Workspace::matcher`]).
    matcher: OnceLock<Matcher>,
    /// The automaton the build matched with, if it matched anything.
    pub automaton: Option<AutomatonStats>,
    /// Cache hits and misses, when the build used a cache.
    pub cache: Option<CacheStats>,
}

/// The automaton a build matched the notes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutomatonStats {
    /// Aliases and guards in it: all of the dictionary's, or only those the text to match
    /// can hold (see [`Matcher::for_text`]).
    pub patterns: usize,
    /// Its heap memory in bytes.
    pub bytes: usize,
}

/// Notes up to this many bytes per alias of the dictionary (in total, or the part of them
/// the cache does not cover) are read before the automaton is built, which then holds only
/// the patterns their text can match (see [`Matcher::for_text`]). Finding those takes a
/// pass over the text, ~6 ms per MB on two cores, against a whole automaton's ~3.5 ms per
/// thousand aliases (7.5 for the bundled ones, which are longer): at 64 bytes per alias the
/// pass costs a tenth of the build it may spare, while at 10 MB with 10k aliases it cost
/// more than it saved. Past the limit the whole automaton is built while the notes are
/// read.
const FILTER_BYTES_PER_ALIAS: u64 = 64;

/// How the cache served a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    /// The dictionary came compiled from the cache (see [`crate::cache::load_dictionary`]).
    pub dictionary: bool,
    /// Note files whose mentions came from the cache.
    pub hits: usize,
    /// Note files that were matched.
    pub misses: usize,
    /// The cache file was rewritten (false when nothing changed, or when it could not be
    /// written: a read-only or full cache folder only costs the next run its hits).
    pub written: bool,
}

impl Workspace {
    /// Runs the pipeline. The dictionary is loaded and checked first: a broken one is an
    /// error before any note is read.
    pub fn build(opts: &Options) -> Result<Workspace> {
        let mut timings = Timings::default();
        report(opts, |p| p.set_stage(0, 0));
        // With a cache folder the dictionary may come compiled from it, with its build key.
        let (dictionary, build, dictionary_hit, pending) =
            timings.record("dictionary", || match &opts.cache_dir {
                Some(dir) => cache::load_dictionary(dir, &opts.dicts)
                    .map(|l| (l.dictionary, Some(l.build), l.hit, l.pending)),
                None => dictionary::load(&opts.dicts).map(|d| (d, None, false, None)),
            })?;
        let (found, discover_took) = timed(|| discover_notes(&opts.inputs));
        let found = found?;
        // The automaton needs only the dictionary and reading needs only the notes: for a
        // large corpus, build one while the other runs (with 100k aliases the automaton
        // takes about as long as reading and parsing 100 MB), unless the cache may spare it:
        // whether a cached file still holds is known only once the notes are read. Parsing
        // and matching run on every core, one file or entry per task; rayon's indexed
        // collect keeps file then line order, so the result is the same as in sequence.
        let filter_max = FILTER_BYTES_PER_ALIAS * dictionary.alias_count() as u64;
        let eager = found.bytes > filter_max;
        let (cache, read_parse) = rayon::join(
            || {
                // A freshly loaded dictionary's compiled copy is written meanwhile too: it
                // took 20 ms of a cold run on the seeds when it waited for the automaton.
                let (dictionary_write, (cache, matcher)) = rayon::join(
                    || pending.map(|p| timed(|| p.write(&dictionary)).1),
                    || {
                        let cache = timed(|| {
                            opts.cache_dir.as_deref().map(|dir| {
                                let build = build.unwrap_or_else(|| BuildKey::of(&dictionary));
                                Cache::open(dir, &opts.inputs, &opts.dicts, build)
                            })
                        });
                        let matcher = match &cache.0 {
                            Some(c) if !c.is_empty() => None,
                            _ if !eager => None,
                            _ => Some(timed(|| Matcher::new(&dictionary))),
                        };
                        (cache, matcher)
                    },
                );
                ((cache.0, cache.1, dictionary_write), matcher)
            },
            || -> Result<_> {
                report(opts, |p| p.set_stage(1, 0));
                let (read, read_took) = timed(|| read_files(found));
                let (files, warnings) = read?;
                let (parsed, parse_took) = timed(|| {
                    files
                        .par_iter()
                        .enumerate()
                        .map(|(i, f)| notes::parse_file(&f.path, &f.text, i))
                        .collect::<Vec<(Vec<Entry>, Vec<Warning>)>>()
                });
                Ok((files, warnings, parsed, read_took, parse_took))
            },
        );
        let ((cache, cache_took, dictionary_write), matcher) = cache;
        if let Some(took) = dictionary_write {
            timings.stages.push(("dictionary-write", took));
        }
        let mut matcher = matcher.map(|(m, took)| {
            timings.stages.push(("automaton", took));
            m
        });
        let (files, mut warnings, parsed, read_took, parse_took) = read_parse?;
        timings.stages.push(("read", discover_took + read_took));
        let bytes = files.iter().map(|f| f.text.len()).sum();
        let per_file: Vec<usize> = parsed.iter().map(|p| p.0.len()).collect();
        let (entries, merge_took) = timed(|| {
            let mut entries = Vec::with_capacity(per_file.iter().sum());
            for (mut e, mut w) in parsed {
                entries.append(&mut e);
                warnings.append(&mut w);
            }
            entries
        });
        timings.stages.push(("parse", parse_took + merge_took));
        if opts.strict && !warnings.is_empty() {
            warnings.sort();
            return Err(Error::Strict(warnings));
        }
        // Each file's key and cached mentions, when they and every value check out.
        let mut cached: Vec<Cached> = match &cache {
            Some(cache) => {
                let (found, took) = timed(|| lookup(cache, &files, &per_file, &dictionary));
                timings.stages.push(("cache-read", cache_took + took));
                found
            }
            None => Vec::new(),
        };
        let hit: Vec<bool> = (0..files.len())
            .map(|i| cached.get(i).is_some_and(|c| c.mentions.is_some()))
            .collect();
        let hits = hit.iter().filter(|&&h| h).count();
        let mut filtered = false;
        if hits < files.len() && matcher.is_none() {
            let missed: u64 = files
                .iter()
                .zip(&hit)
                .filter(|(_, &h)| !h)
                .map(|(f, _)| f.text.len() as u64)
                .sum();
            filtered = missed <= filter_max;
            let (m, took) = timed(|| match filtered {
                true => {
                    let windows = windows(&entries, &files, &hit, missed as usize);
                    Matcher::for_text(&dictionary, &windows)
                }
                false => Matcher::new(&dictionary),
            });
            timings.stages.push(("automaton", took));
            matcher = Some(m);
        }
        let automaton = matcher.as_ref().map(|m| AutomatonStats {
            patterns: m.pattern_count(),
            bytes: m.memory_usage(),
        });
        report(opts, |p| p.set_stage(2, entries.len() as u64));
        let mentions: Vec<Vec<Mention>> = timings.record("match", || {
            let matched: Vec<Vec<Mention>> = match &matcher {
                Some(matcher) => entries
                    .par_iter()
                    .filter(|e| !hit[e.file])
                    .map(|e| {
                        let ms = mentions::entry_mentions(e, &files[e.file], matcher, &dictionary);
                        report(opts, |p| p.advance(1));
                        ms
                    })
                    .collect(),
                None => Vec::new(),
            };
            // Entries come in file order: each takes the next list of its file's cached
            // mentions, or the next freshly matched one.
            let mut matched = matched.into_iter();
            let mut from_cache: Vec<_> = cached
                .iter_mut()
                .map(|c| c.mentions.take().unwrap_or_default().into_iter())
                .collect();
            entries
                .iter()
                .map(|e| {
                    let next = match hit[e.file] {
                        true => from_cache[e.file].next(),
                        false => matched.next(),
                    };
                    next.expect("one list of mentions per entry")
                })
                .collect()
        });
        report(opts, |p| p.set_stage(3, 0));
        // The cache file is rewritten, while the graph is assembled, when anything was
        // matched or it holds records of files this run no longer has.
        let (written, graph) = rayon::join(
            || match &cache {
                Some(c) if hits < files.len() || c.len() != hits => {
                    Some(timed(|| store(c, &cached, &per_file, &mentions)))
                }
                _ => None,
            },
            || {
                timed(|| {
                    // Without the graph, no entry is fed to it: an empty graph.
                    let facts: Vec<EntryFacts<Mention>> = match opts.graph {
                        false => Vec::new(),
                        true => entries
                            .iter()
                            .zip(&mentions)
                            .map(|(e, ms)| EntryFacts {
                                date: e.date,
                                mentions: ms,
                            })
                            .collect(),
                    };
                    CoMentionGraph::assemble(&facts, opts.scope, |id| dictionary.get(id).kind)
                })
            },
        );
        timings.stages.push(("graph", graph.1));
        if let Some((_, took)) = written {
            timings.stages.push(("cache-write", took));
        }
        let cache = cache.map(|_| CacheStats {
            dictionary: dictionary_hit,
            hits,
            misses: files.len() - hits,
            written: written.is_some_and(|w| w.0),
        });
        report(opts, |p| p.set_stage(4, 0));
        let mut graph = graph.0;
        if opts.graph {
            timings.record("analytics", || graph.analyse(opts.layout));
        }
        report(opts, |p| p.set_stage(5, 0));
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
            // A filtered automaton knows only this text's names: other text gets a full one.
            matcher: matcher
                .filter(|_| !filtered)
                .map_or_else(OnceLock::new, OnceLock::from),
            automaton,
            cache,
        })
    }

    /// The whole compiled dictionary, for any text; built now if the build did not need it
    /// (every file's mentions came from the cache, or the automaton held only the patterns
    /// the notes can match).
    pub fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| Matcher::new(&self.dictionary))
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
        &f.text[m.span()]
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

/// A note file's cache key and, on a hit, the mentions of each of its entries.
struct Cached {
    key: FileKey,
    mentions: Option<Vec<Vec<Mention>>>,
}

/// Looks every file up in the cache; `per_file[i]` is the number of entries of file `i`.
fn lookup(
    cache: &Cache,
    files: &[SourceFile],
    per_file: &[usize],
    dict: &Dictionary,
) -> Vec<Cached> {
    files
        .par_iter()
        .zip(per_file)
        .map(|(f, &n)| {
            let key = FileKey::of(&f.path, &f.text);
            let mentions = cache.get(key, &f.text, n, dict);
            Cached { key, mentions }
        })
        .collect()
}

/// Writes every file's mentions to the cache; false when it could not be written.
fn store(cache: &Cache, cached: &[Cached], per_file: &[usize], mentions: &[Vec<Mention>]) -> bool {
    let mut at = 0;
    let records: Vec<(FileKey, &[Vec<Mention>])> = cached
        .iter()
        .zip(per_file)
        .map(|(c, &n)| {
            at += n;
            (c.key, &mentions[at - n..at])
        })
        .collect();
    cache.store(&records).is_ok()
}

/// The windows of every line the cache does not cover (`bytes` of text), for
/// [`Matcher::for_text`]: one set per core, merged.
fn windows(entries: &[Entry], files: &[SourceFile], hit: &[bool], bytes: usize) -> Windows {
    let todo: Vec<&Entry> = entries.iter().filter(|e| !hit[e.file]).collect();
    let per_task = todo.len().div_ceil(rayon::current_num_threads()).max(1);
    todo.par_chunks(per_task)
        .map(|chunk| {
            let mut w = Windows::for_bytes(bytes);
            for e in chunk {
                for line in &e.lines {
                    w.add_line(files[e.file].slice(&line.span()));
                }
            }
            w
        })
        .reduce_with(Windows::merge)
        .unwrap_or_else(|| Windows::for_bytes(bytes))
}

/// Lists the note files under `inputs`. Finding none is an error: an empty graph would
/// silently replace the previous outputs.
fn discover_notes(inputs: &[PathBuf]) -> Result<fsutil::Discovered> {
    let found = fsutil::discover(inputs, fsutil::NOTE_EXTENSIONS)?;
    if found.paths.is_empty() {
        return Err(Error::input_problem(
            Location::new(inputs.first().cloned().unwrap_or_default(), 0),
            "no note files (*.txt, *.md, *.markdown) found",
            "point --input at a folder of notes or at a note file",
        ));
    }
    Ok(found)
}

/// Reads the note files [`discover_notes`] found. Binary files are skipped with a warning;
/// invalid UTF-8 is replaced and reported at its line.
fn read_files(found: fsutil::Discovered) -> Result<(Vec<SourceFile>, Vec<Warning>)> {
    let fsutil::Discovered {
        paths,
        mut warnings,
        ..
    } = found;
    // Reading, the binary check and UTF-8 validation run in parallel (decoding 100 MB in
    // sequence after the reads was ~0.2 s on one core in the profile). Each file gives the
    // file (None when skipped) and a warning about it; results keep path order.
    let read: Vec<Result<(Option<SourceFile>, Option<Warning>)>> = paths
        .into_par_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|e| Error::input(&path, e))?;
            if let Some(at) = text::binary_offset(&bytes) {
                let (line, col) = text::line_col(&bytes, at);
                let warning = Warning::new(
                    Location::new(&path, line).with_col(col),
                    "binary file (a nul byte here); skipped",
                    "keep only text notes (.txt, .md, .markdown) in the input folder",
                );
                return Ok((None, Some(warning)));
            }
            let (text, bad) = text::decode(bytes);
            if text.len() as u64 > notes::MAX_FILE_BYTES {
                let warning = Warning::new(
                    Location::new(&path, 0),
                    "over 4 GiB of text; skipped",
                    "split it into smaller note files",
                );
                return Ok((None, Some(warning)));
            }
            let warning = bad.map(|bad| {
                let more = match bad.lines {
                    1 => String::new(),
                    2 => " and on 1 more line".to_string(),
                    n => format!(" and on {} more lines", n - 1),
                };
                Warning::new(
                    Location::new(&path, bad.line).with_col(bad.col),
                    format!("invalid utf-8 here{more}; the bad bytes now read as \u{FFFD}"),
                    "save the note as utf-8 (from gbk: iconv -f gbk -t utf-8)",
                )
            });
            Ok((Some(SourceFile { path, text }), warning))
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for r in read {
        let (file, warning) = r?;
        files.extend(file);
        warnings.extend(warning);
    }
    Ok((files, warnings))
}
