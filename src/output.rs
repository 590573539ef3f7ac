//! Writing a workspace's exports into a folder: all files staged, then renamed together.

use crate::error::Result;
use crate::export::{dot::Dot, gexf::Gexf, json::Json, Exporter};
use crate::fsutil::{commit, ensure_dir, stage, write_atomic, Staged};
use crate::graph::{Prune, Selection};
use crate::render::{self, Engine, ImageFormat};
use crate::workspace::{Timings, Workspace};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `build` writes.
#[derive(Debug, Clone)]
pub struct OutputOptions {
    /// Folder to write into.
    pub dir: PathBuf,
    /// Pruning for the data exports (JSON, GEXF, DOT).
    pub prune: Prune,
    /// Pruning for the image: by default the top entities, so it stays readable.
    pub image_prune: Prune,
    /// Image format.
    pub format: ImageFormat,
    /// Layout engine.
    pub engine: Engine,
    /// Render an image at all.
    pub image: bool,
}

/// How many entities the default image shows.
pub const DEFAULT_IMAGE_TOP: usize = 60;

/// How many links per entity the default image keeps (the most specific ones).
pub const DEFAULT_IMAGE_MAX_LINKS: usize = 4;

/// The pruning of the default image, used when the user asked for none: the top entities,
/// each with its most specific links, so the picture is readable rather than a hairball.
pub fn default_image_prune() -> Prune {
    Prune {
        top: Some(DEFAULT_IMAGE_TOP),
        max_links: Some(DEFAULT_IMAGE_MAX_LINKS),
        ..Prune::default()
    }
}

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written, in order.
    pub files: Vec<PathBuf>,
    /// Why no image was rendered, when it was not.
    pub image_skipped: Option<String>,
    /// Nodes and edges in the data exports.
    pub selection: Selection,
    /// Wall time of pruning and of each export (`export-json`, ..., `image`); the exports
    /// overlap in time.
    pub timings: Timings,
}

/// The DOT text of a selection.
pub fn dot_string(ws: &Workspace, sel: &Selection) -> String {
    let mut buf = Vec::new();
    Dot.write(ws, sel, &mut buf)
        .expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("the DOT writer writes UTF-8")
}

/// One file `write_outputs` produces.
enum Job<'a> {
    Export(&'a (dyn Exporter + Sync), &'static str),
    Image,
}

/// Writes graph.json, graph.gexf, graph.dot and, when Graphviz is there, the image.
///
/// The files are independent, so they are written concurrently (rayon): on a large corpus the
/// JSON and GEXF files are each hundreds of megabytes and take about as long as everything
/// before them, and Graphviz runs in its own process meanwhile. Errors and the list of files
/// keep the fixed order json, gexf, dot, image.
///
/// Each file goes to a temporary file first; they are renamed over the previous outputs only
/// when every one was written, so a failure (a full disk, Graphviz failing) leaves all the
/// previous outputs as they were.
pub fn write_outputs(ws: &Workspace, opts: &OutputOptions) -> Result<Written> {
    ensure_dir(&opts.dir)?;
    let mut written = Written::default();
    let sel = written
        .timings
        .record("prune", || ws.graph.prune(&opts.prune));
    let mut jobs = vec![
        Job::Export(&Json, "export-json"),
        Job::Export(&Gexf, "export-gexf"),
        Job::Export(&Dot, "export-dot"),
    ];
    if opts.image {
        if render::dot_available() {
            jobs.push(Job::Image);
        } else {
            written.image_skipped = Some(format!(
                "graphviz's dot is not on PATH, so no image was rendered (hint: {})",
                render::INSTALL_HINT
            ));
        }
    }
    let results: Vec<(PathBuf, &'static str, Duration, Result<Staged>)> = jobs
        .par_iter()
        .map(|job| {
            let started = Instant::now();
            let (path, name, result) = match job {
                Job::Export(ex, name) => {
                    let path = opts.dir.join(format!("graph.{}", ex.extension()));
                    let result = stage(&path, |w| ex.write(ws, &sel, w));
                    (path, *name, result)
                }
                Job::Image => {
                    let path = opts.dir.join(format!("graph.{}", opts.format.extension()));
                    let result = (|| {
                        let image_sel = ws.graph.prune(&opts.image_prune);
                        let dot = dot_string(ws, &image_sel);
                        let bytes = render::render(dot, opts.format, opts.engine)?;
                        stage(&path, |w| w.write_all(&bytes))
                    })();
                    (path, "image", result)
                }
            };
            (path, name, started.elapsed(), result)
        })
        .collect();
    let mut staged = Vec::with_capacity(results.len());
    for (path, name, took, result) in results {
        // On an error the files staged so far are dropped, which removes them.
        staged.push(result?);
        written.timings.stages.push((name, took));
        written.files.push(path);
    }
    commit(staged)?;
    written.selection = sel;
    Ok(written)
}

/// Renders one image of a selection to `path`.
pub fn render_to(
    ws: &Workspace,
    sel: &Selection,
    path: &Path,
    format: ImageFormat,
    engine: Engine,
) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        ensure_dir(dir)?;
    }
    let bytes = render::render(dot_string(ws, sel), format, engine)?;
    write_atomic(path, |w| w.write_all(&bytes))
}
