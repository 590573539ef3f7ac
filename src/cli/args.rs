//! The command line, as clap derive structs. They are turned into the library's plain option
//! structs here and nowhere else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use notegraph::dictionary::Kind;
use notegraph::graph::{Prune, Scope};
use notegraph::query::{Measure, Rank};
use notegraph::render::{Engine, ImageFormat};
use notegraph::workspace::Options;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  found something (or done)
  1  found nothing
  2  error (bad arguments, unknown name, unreadable input, broken dictionary)
A closed pipe (notegraph notes OpenAI | head -1) is not an error.";

const NOTES_HELP: &str = "\
Names resolve through the dictionary: the name, any alias or the id, in any case
(OpenAI, openai, 草莓, q*). Mentions are highlighted in colour on a terminal; output is
plain when piped, with NO_COLOR set, or with --color never.

Exit codes:
  0  found something
  1  found nothing
  2  error (bad arguments, unknown name, unreadable input, broken dictionary)
A closed pipe (notegraph notes OpenAI | head -1) is not an error.";

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
    /// Entries that mention any of the entities (all of them with --all), newest first.
    #[command(after_help = NOTES_HELP)]
    Notes(NotesArgs),
    /// One entity: kind, aliases, mentions, first and last seen, timeline, neighbours.
    #[command(after_help = EXIT_CODES)]
    Entity(EntityArgs),
    /// The entities mentioned together with one, ranked.
    #[command(after_help = EXIT_CODES)]
    Related(RelatedArgs),
    /// The entries where two entities are mentioned together.
    #[command(after_help = NOTES_HELP)]
    Explain(ExplainArgs),
    /// The shortest chain of co-mentions between two entities, with the evidence per hop.
    #[command(after_help = EXIT_CODES)]
    Path(PathArgs),
    /// The most mentioned or most connected entities.
    #[command(after_help = EXIT_CODES)]
    Top(TopArgs),
    /// Size and shape of the notes and the graph.
    #[command(after_help = EXIT_CODES)]
    Stats(StatsArgs),
    /// Mentions per month of one or more entities, side by side.
    #[command(after_help = EXIT_CODES)]
    Timeline(TimelineArgs),
}

/// `notes`.
#[derive(Debug, Args)]
pub struct NotesArgs {
    /// Entities to look for: a name, any alias or the id, any case.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Only entries that mention every NAME, not just one.
    #[arg(long)]
    pub all: bool,
    /// Leave out entries that mention this entity (repeatable).
    #[arg(long = "not", value_name = "NAME")]
    pub not: Vec<String>,
    /// Only entries that also mention an entity of these kinds, highlighted too (comma-separated).
    /// Without NAMEs: every entry that mentions an entity of these kinds.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<KindArg>,
    /// Only entries dated on or after this day (YYYY-MM-DD); undated entries are left out.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only entries dated on or before this day (YYYY-MM-DD); undated entries are left out.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Show at most N entries (the newest).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub show: ShowArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// One entity.
    #[arg(value_name = "A")]
    pub a: String,
    /// The other.
    #[arg(value_name = "B")]
    pub b: String,
    #[command(flatten)]
    pub show: ShowArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `entity`.
#[derive(Debug, Args)]
pub struct EntityArgs {
    /// The entity: a name, any alias or the id, any case.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Show the N heaviest neighbours.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `related`.
#[derive(Debug, Args)]
pub struct RelatedArgs {
    /// The entity: a name, any alias or the id, any case.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// How to rank neighbours.
    #[arg(long, value_enum, default_value_t = MeasureArg::Weight)]
    pub by: MeasureArg,
    /// Only neighbours of these kinds (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<KindArg>,
    /// Show at most N neighbours.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// One JSON object per line, one per neighbour.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `path`.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// Where the chain starts.
    #[arg(value_name = "A")]
    pub a: String,
    /// Where it ends.
    #[arg(value_name = "B")]
    pub b: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `top`.
#[derive(Debug, Args)]
pub struct TopArgs {
    /// How to rank entities.
    #[arg(long, value_enum, default_value_t = RankArg::Mentions)]
    pub by: RankArg,
    /// Only these kinds (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<KindArg>,
    /// Show at most N entities.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// One JSON object per line, one per entity.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// `timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Entities to compare: a name, any alias or the id, any case.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    /// One JSON object per line, one per month.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// How notes are shown.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// One JSON object per line, one per entry.
    #[arg(long)]
    pub json: bool,
    /// Colour the mentions: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `related --by`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MeasureArg {
    /// Entries mentioning both.
    Weight,
    /// Overlap of the two sets of entries.
    Jaccard,
    /// Pointwise mutual information: how much more often together than by chance.
    Pmi,
}

/// `top --by`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RankArg {
    /// Number of mentions.
    Mentions,
    /// Number of distinct neighbours.
    Degree,
    /// Weighted PageRank.
    Pagerank,
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
    /// Neither read nor write the mentions cache ($NOTEGRAPH_CACHE_DIR, else
    /// $XDG_CACHE_HOME/notegraph, else ~/.cache/notegraph).
    #[arg(long)]
    pub no_cache: bool,
    /// Print every warning, not only the first 30.
    #[arg(long)]
    pub all_warnings: bool,
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
        o.cache_dir = if self.no_cache {
            None
        } else {
            cache_dir(|name| std::env::var_os(name))
        };
        o
    }
}

/// The mentions cache's folder: `$NOTEGRAPH_CACHE_DIR`, else `$XDG_CACHE_HOME/notegraph`,
/// else `$HOME/.cache/notegraph`; None when none is set. Empty variables count as unset and
/// a relative `$XDG_CACHE_HOME` is ignored, as the XDG base directory spec says.
fn cache_dir(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let var = |name| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("NOTEGRAPH_CACHE_DIR")
        .or_else(|| {
            var("XDG_CACHE_HOME")
                .filter(|p| p.is_absolute())
                .map(|p| p.join("notegraph"))
        })
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("notegraph")))
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

impl InputArgs {
    /// Options for the explorer: no layout, which only drawings need, and no graph when
    /// the question needs only the mentions.
    pub fn query_options(&self, graph: bool) -> Options {
        Options {
            layout: false,
            graph,
            ..self.options()
        }
    }
}

impl MeasureArg {
    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureArg::Weight => "weight",
            MeasureArg::Jaccard => "jaccard",
            MeasureArg::Pmi => "pmi",
        }
    }
}

impl From<MeasureArg> for Measure {
    fn from(m: MeasureArg) -> Measure {
        match m {
            MeasureArg::Weight => Measure::Weight,
            MeasureArg::Jaccard => Measure::Jaccard,
            MeasureArg::Pmi => Measure::Pmi,
        }
    }
}

impl From<RankArg> for Rank {
    fn from(r: RankArg) -> Rank {
        match r {
            RankArg::Mentions => Rank::Mentions,
            RankArg::Degree => Rank::Degree,
            RankArg::Pagerank => Rank::Pagerank,
        }
    }
}

/// The kinds of a `--kind` list.
pub fn kinds(list: &[KindArg]) -> Vec<Kind> {
    list.iter().map(|&k| k.into()).collect()
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

    #[test]
    fn the_cache_folder_follows_the_environment_in_order() {
        let dir = |vars: &[(&str, &str)]| {
            cache_dir(|name| vars.iter().find(|v| v.0 == name).map(|v| v.1.into()))
        };
        let all = [
            ("NOTEGRAPH_CACHE_DIR", "ng"),
            ("XDG_CACHE_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(dir(&all), Some(PathBuf::from("ng")));
        assert_eq!(dir(&all[1..]), Some(PathBuf::from("/xdg/notegraph")));
        assert_eq!(
            dir(&all[2..]),
            Some(PathBuf::from("/home/u/.cache/notegraph"))
        );
        assert_eq!(
            dir(&[
                ("NOTEGRAPH_CACHE_DIR", ""),
                ("XDG_CACHE_HOME", "rel"),
                all[2]
            ]),
            Some(PathBuf::from("/home/u/.cache/notegraph"))
        );
        assert_eq!(dir(&[]), None);
    }
}
