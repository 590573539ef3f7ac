//! Writing a workspace's exports into a folder: each file atomically, then the image.

use crate::error::Result;
use crate::export::{dot::Dot, gexf::Gexf, json::Json, Exporter};
use crate::fsutil::{ensure_dir, write_atomic};
use crate::graph::{Prune, Selection};
use crate::render::{self, Engine, ImageFormat};
use crate::workspace::{Timings, Workspace};
use std::path::{Path, PathBuf};

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

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written, in order.
    pub files: Vec<PathBuf>,
    /// Why no image was rendered, when it was not.
    pub image_skipped: Option<String>,
    /// Nodes and edges in the data exports.
    pub selection: Selection,
    /// Wall time of each export (`export-json`, ..., `image`).
    pub timings: Timings,
}

fn export_to(path: &Path, ws: &Workspace, sel: &Selection, ex: &dyn Exporter) -> Result<()> {
    write_atomic(path, |w| ex.write(ws, sel, w))
}

/// The DOT text of a selection.
pub fn dot_string(ws: &Workspace, sel: &Selection) -> String {
    let mut buf = Vec::new();
    Dot.write(ws, sel, &mut buf)
        .expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("the DOT writer writes UTF-8")
}

/// Writes graph.json, graph.gexf, graph.dot and, when Graphviz is there, the image.
pub fn write_outputs(ws: &Workspace, opts: &OutputOptions) -> Result<Written> {
    ensure_dir(&opts.dir)?;
    let mut written = Written::default();
    let sel = written
        .timings
        .record("prune", || ws.graph.prune(&opts.prune));
    for (ex, stage) in [
        (&Json as &dyn Exporter, "export-json"),
        (&Gexf, "export-gexf"),
        (&Dot, "export-dot"),
    ] {
        let path = opts.dir.join(format!("graph.{}", ex.extension()));
        written
            .timings
            .record(stage, || export_to(&path, ws, &sel, ex))?;
        written.files.push(path);
    }
    if opts.image {
        if render::dot_available() {
            let path = opts.dir.join(format!("graph.{}", opts.format.extension()));
            written.timings.record("image", || -> Result<()> {
                let image_sel = ws.graph.prune(&opts.image_prune);
                let bytes = render::render(dot_string(ws, &image_sel), opts.format, opts.engine)?;
                write_atomic(&path, |w| w.write_all(&bytes))
            })?;
            written.files.push(path);
        } else {
            written.image_skipped = Some(format!(
                "graphviz's dot is not on PATH, so no image was rendered (hint: {})",
                render::INSTALL_HINT
            ));
        }
    }
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
