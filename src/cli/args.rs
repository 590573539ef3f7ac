//! The command line, as clap derive structs. They are turned into the library's plain option
//! structs here and nowhere else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use notegraph::dictionary::Kind;
use notegraph::graph::{Prune, Scope};
use notegraph::render::{Engine, ImageFormat};
use notegraph::workspace::Options;
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes: 0 found something / success, 1 found nothing, 2 error.";

/// Turn a folder of reading notes into a knowledge graph and explore it.
#[derive(Debug, Parser)]
#[command(name = "notegraph", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse the notes, match entities, build the graph and write out/graph.{json,gexf,dot,svg}.
    Build(BuildArgs),
    /// Render an image of the graph through Graphviz.
    ///
    /// Without pruning options it shows the top 60 entities with their 4 most specific links
    /// each; any pruning option replaces that.
    Render(RenderArgs),
    /// Check or extend the dictionaries.
    #[command(subcommand)]
    Dict(DictCommand),
}

/// Dictionary tools.
#[derive(Debug, Subcommand)]
pub enum DictCommand {
    /// Load every dictionary and report problems with file:line (exit 2 on any).
    Check(InputArgs),
    /// Names the notes use that the dictionary misses, most frequent first.
    Suggest(SuggestArgs),
}

/// `dict suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Show at most N candidates.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub limit: usize,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// Where the notes and dictionaries come from; shared by every command.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Note file or folder (repeatable). Default: seeds/
    #[arg(long = "input", short = 'i', value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Dictionary file or folder (repeatable); replaces the default dictionaries/.
    #[arg(long = "dict", short = 'd', value_name = "PATH")]
    pub dicts: Vec<PathBuf>,
    /// What counts as mentioned together.
    #[arg(long, value_enum, default_value_t = ScopeArg::Entry)]
    pub scope: ScopeArg,
    /// Treat warnings about damaged notes as errors.
    #[arg(long)]
    pub strict: bool,
}

/// Pruning shared by every export.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    /// Drop links mentioned together in fewer than N entries.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_weight: u32,
    /// Keep the N entities with the highest weighted degree.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Keep only these kinds (comma-separated: person,company,model,concept).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<KindArg>,
    /// Keep only the neighbourhood of this entity.
    #[arg(long, value_name = "ENTITY")]
    pub around: Option<String>,
    /// Depth of the --around neighbourhood.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub depth: usize,
    /// Keep only each entity's N most specific links (highest Jaccard), so hubs do not drown
    /// the picture.
    #[arg(long, value_name = "N")]
    pub max_links: Option<usize>,
}

/// `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub prune: PruneArgs,
    /// Output folder.
    #[arg(long, short = 'o', value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Do not render an image even when Graphviz is installed.
    #[arg(long)]
    pub no_image: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub prune: PruneArgs,
    /// Image format.
    #[arg(long, value_enum, default_value_t = FormatArg::Svg)]
    pub format: FormatArg,
    /// Graphviz layout engine.
    #[arg(long, value_enum, default_value_t = EngineArg::Sfdp)]
    pub layout: EngineArg,
    /// Output file. Default: out/graph.<format>
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--scope`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    /// Entities in the same entry.
    Entry,
    /// Entities in the same top-level bullet.
    Bullet,
}

/// `--kind`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// People.
    Person,
    /// Organisations.
    Company,
    /// Models and products.
    Model,
    /// Concepts.
    Concept,
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// SVG.
    Svg,
    /// PNG.
    Png,
    /// PDF.
    Pdf,
}

/// `--layout`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EngineArg {
    /// sfdp.
    Sfdp,
    /// neato.
    Neato,
    /// fdp.
    Fdp,
    /// dot.
    Dot,
    /// circo.
    Circo,
}

impl InputArgs {
    /// The library's options.
    pub fn options(&self) -> Options {
        let mut o = Options::default();
        if !self.inputs.is_empty() {
            o.inputs = self.inputs.clone();
        }
        if !self.dicts.is_empty() {
            o.dicts = self.dicts.clone();
        }
        o.scope = match self.scope {
            ScopeArg::Entry => Scope::Entry,
            ScopeArg::Bullet => Scope::Bullet,
        };
        o.strict = self.strict;
        o
    }
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Person => Kind::Person,
            KindArg::Company => Kind::Company,
            KindArg::Model => Kind::Model,
            KindArg::Concept => Kind::Concept,
        }
    }
}

impl PruneArgs {
    /// The library's pruning; `around` is resolved by the caller (it needs the dictionary).
    pub fn prune(&self, around: Option<notegraph::dictionary::EntityId>) -> Prune {
        Prune {
            min_weight: self.min_weight,
            top: self.top,
            kinds: self.kind.iter().map(|&k| k.into()).collect(),
            around: around.map(|a| (a, self.depth)),
            max_links: self.max_links,
        }
    }

    /// True when the user asked for any pruning.
    pub fn is_set(&self) -> bool {
        self.min_weight > 1
            || self.top.is_some()
            || !self.kind.is_empty()
            || self.around.is_some()
            || self.max_links.is_some()
    }
}

impl From<FormatArg> for ImageFormat {
    fn from(f: FormatArg) -> ImageFormat {
        match f {
            FormatArg::Svg => ImageFormat::Svg,
            FormatArg::Png => ImageFormat::Png,
            FormatArg::Pdf => ImageFormat::Pdf,
        }
    }
}

impl From<EngineArg> for Engine {
    fn from(e: EngineArg) -> Engine {
        match e {
            EngineArg::Sfdp => Engine::Sfdp,
            EngineArg::Neato => Engine::Neato,
            EngineArg::Fdp => Engine::Fdp,
            EngineArg::Dot => Engine::Dot,
            EngineArg::Circo => Engine::Circo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
