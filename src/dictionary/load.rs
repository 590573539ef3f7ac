//! Reading `dictionaries/`: TOML (curated) and JSON (generated) files into one validated
//! [`Dictionary`]. Every problem is collected with its file:line so one run shows them all.

use super::{Alias, Claim, Dictionary, Entity, EntityId, Kind};
use crate::error::{Error, Location, Result};
use crate::fsutil;
use crate::text;
use rayon::prelude::*;
use serde::Deserialize;
use std::cell::Cell;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    kind: Option<Spanned<String>>,
    #[serde(default)]
    entity: Vec<TomlEntity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlEntity {
    name: Spanned<String>,
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    case: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    exact: Vec<Spanned<String>>,
    #[serde(default)]
    weak: Vec<Spanned<String>>,
    #[serde(default)]
    context: Vec<Spanned<String>>,
    #[serde(default)]
    guards: Vec<Spanned<String>>,
    #[allow(dead_code)] // free text for curators
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEntity {
    name: String,
    kind: String,
    id: Option<String>,
    case: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    exact: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    guards: Vec<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

/// A value with the place it came from.
type Placed = (String, Location);

/// A kind as written (parsed, or the message saying why it is not a kind) and its place.
type KindAt = (std::result::Result<Kind, String>, Location);

/// A name, alias or guard as written, with what the checks need worked out while the files
/// still parse in parallel: folding every alias was most of the serial part of loading.
struct Written {
    text: String,
    at: Location,
    /// The claim key (see [`super::claim_key`]).
    key: String,
    /// The only character of the folded text, when it has exactly one.
    lone: Option<char>,
}

impl Written {
    fn new(text: String, at: Location) -> Self {
        let folded = text::fold_alias(&text);
        let mut chars = folded.chars();
        let lone = match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        };
        Written {
            key: super::claim_key(folded),
            text,
            at,
            lone,
        }
    }
}

/// One entity as written, before ids are resolved.
struct Draft {
    /// The name, trimmed.
    name: Written,
    id: Option<Placed>,
    /// The name's slug, the id when none is written.
    slug: String,
    /// `None`: the file's kind.
    kind: Option<KindAt>,
    case: Option<Placed>,
    aliases: Vec<Written>,
    exact: Vec<Written>,
    weak: Vec<Written>,
    context: Vec<Placed>,
    guards: Vec<Written>,
}

impl Draft {
    fn new(name: Placed, id: Option<Placed>, kind: Option<KindAt>) -> Self {
        let (name, at) = name;
        let name = match name.trim() {
            t if t.len() == name.len() => name,
            t => t.to_string(),
        };
        Draft {
            slug: if id.is_none() {
                text::slug(&name)
            } else {
                String::new()
            },
            name: Written::new(name, at),
            id,
            kind,
            case: None,
            aliases: Vec::new(),
            exact: Vec::new(),
            weak: Vec::new(),
            context: Vec::new(),
            guards: Vec::new(),
        }
    }
}

/// One file's entities and the kind they default to.
struct Parsed {
    kind: Option<KindAt>,
    drafts: Vec<Draft>,
}

/// An entity that passed its own checks, with what the checks across entities need.
struct Resolved {
    entity: Entity,
    context: Vec<Placed>,
    /// The claim key of each alias.
    keys: Vec<String>,
}

/// Turns byte offsets into 1-based line and column (in chars).
struct LineIndex<'a> {
    path: Arc<Path>,
    text: &'a str,
    starts: Vec<usize>,
    /// The last answer as (offset, column): offsets mostly come in text order, and counting
    /// on from the previous one keeps a line with 100k aliases linear.
    last: Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(path: &Path, text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            path: Arc::from(path),
            text,
            starts,
            last: Cell::new((0, 1)),
        }
    }

    fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let (last, last_col) = self.last.get();
        let col = if start <= last && last <= offset && self.text.is_char_boundary(offset) {
            last_col + self.text[last..offset].chars().count()
        } else {
            self.text[start..offset].chars().count() + 1
        };
        self.last.set((offset, col));
        Location::in_file(self.path.clone(), line).with_col(col)
    }
}

/// One dictionary file as read: its path and its bytes. A dictionary is parsed from the
/// bytes read once, so a cache keyed on them (see [`crate::cache`]) holds what they give
/// even when the file is edited while a run loads it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given or discovered.
    pub path: PathBuf,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Loads every `*.toml` and `*.json` under `paths` (files or folders) into one dictionary.
/// Any problem is fatal: the error lists all of them with file:line and a hint.
pub fn load(paths: &[PathBuf]) -> Result<Dictionary> {
    load_sources(read_sources(paths)?)
}

/// Finds and reads every `*.toml` and `*.json` under `paths`, in path order. No file is an
/// error, and so is the first file (in path order) that cannot be read.
pub fn read_sources(paths: &[PathBuf]) -> Result<Vec<Source>> {
    let files = fsutil::discover(paths, &["toml", "json"])?.paths;
    if files.is_empty() {
        let path = paths.first().cloned().unwrap_or_default();
        return Err(Error::dictionary(
            Location::new(path, 0),
            "no dictionary files (*.toml, *.json) found",
            "point --dict at a folder of dictionary files, like the bundled dictionaries/",
        ));
    }
    let read: Vec<Result<Source>> = files
        .into_par_iter()
        .map(|path| match std::fs::read(&path) {
            Ok(bytes) => Ok(Source { path, bytes }),
            Err(e) => Err(Error::input(&path, e)),
        })
        .collect();
    read.into_iter().collect()
}

/// Parses and checks the files [`read_sources`] read into one dictionary, like [`load`].
pub fn load_sources(sources: Vec<Source>) -> Result<Dictionary> {
    // The files parse in parallel (TOML parsing is most of loading the bundled dictionaries),
    // and each entity is checked on its own there too; results are merged in path order, so
    // ids, problems and their order do not change.
    let parsed: Vec<Result<Vec<Checked>>> = sources
        .into_par_iter()
        .map(|Source { path: file, bytes }| {
            let (text, bad) = text::decode(bytes);
            if let Some(bad) = bad {
                return Err(Error::dictionary(
                    Location::new(&file, bad.line).with_col(bad.col),
                    "invalid utf-8",
                    "save the dictionary as utf-8",
                ));
            }
            let is_json = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            let parsed = if is_json {
                parse_json(&file, &text)
            } else {
                parse_toml(&file, &text)
            };
            parsed.map(check_file)
        })
        .collect();
    let mut ok = Vec::new();
    let mut problems = Vec::new();
    for p in parsed {
        match p {
            Ok(f) => ok.push(f),
            Err(e) => problems.push(e),
        }
    }
    let dict = resolve(ok, &mut problems);
    match problems.len() {
        0 => Ok(dict),
        1 => Err(problems.remove(0)),
        _ => Err(Error::DictionaryProblems(problems)),
    }
}

/// Builds a dictionary from one file's text (TOML, or JSON when `path` ends in `.json`),
/// validated like [`load`]. Handy for tests and for generated dictionaries.
pub fn from_str(path: &Path, text: &str) -> Result<Dictionary> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if is_json {
        parse_json(path, text)?
    } else {
        parse_toml(path, text)?
    };
    let mut problems = Vec::new();
    let dict = resolve(vec![check_file(parsed)], &mut problems);
    match problems.len() {
        0 => Ok(dict),
        1 => Err(problems.remove(0)),
        _ => Err(Error::DictionaryProblems(problems)),
    }
}

fn parse_toml(path: &Path, text: &str) -> Result<Parsed> {
    let index = LineIndex::new(path, text);
    let file: TomlFile = toml::from_str(text).map_err(|e| {
        let loc = e
            .span()
            .map(|s| index.location(s.start))
            .unwrap_or_else(|| Location::new(path, 0));
        let msg = e.message().trim().to_lowercase();
        Error::dictionary(
            loc,
            format!("invalid toml: {msg}"),
            "see dictionaries/README.md for the format",
        )
    })?;
    let place = |s: Spanned<String>| -> Placed {
        let loc = index.location(s.span().start);
        (s.into_inner(), loc)
    };
    let kind = |s: Spanned<String>| -> KindAt {
        let (k, loc) = place(s);
        (k.parse(), loc)
    };
    let written = |v: Vec<Spanned<String>>| -> Vec<Written> {
        v.into_iter()
            .map(|s| {
                let (text, at) = place(s);
                Written::new(text, at)
            })
            .collect()
    };
    Ok(Parsed {
        kind: file.kind.map(kind),
        drafts: file
            .entity
            .into_iter()
            .map(|e| Draft {
                case: e.case.map(place),
                aliases: written(e.aliases),
                exact: written(e.exact),
                weak: written(e.weak),
                context: e.context.into_iter().map(place).collect(),
                guards: written(e.guards),
                ..Draft::new(place(e.name), e.id.map(place), e.kind.map(kind))
            })
            .collect(),
    })
}

fn parse_json(path: &Path, text: &str) -> Result<Parsed> {
    let entities: Vec<JsonEntity> = serde_json::from_str(text).map_err(|e| {
        Error::dictionary(
            Location::new(path, e.line()).with_col(e.column()),
            format!("invalid json: {}", strip_position(&e.to_string())),
            "a json dictionary is an array of {\"name\", \"kind\", \"aliases\"} objects",
        )
    })?;
    // serde_json keeps no spans once parsed: place each entity at the line where its name
    // first appears after the previous one, which is where a reader would look.
    let index = LineIndex::new(path, text);
    let mut from = 0;
    let drafts = entities
        .into_iter()
        .map(|e| {
            let quoted = serde_json::to_string(&e.name).unwrap_or_default();
            let at = text[from..].find(&quoted).map(|i| from + i).unwrap_or(from);
            from = at;
            let loc = index.location(at);
            let placed = |s: String| (s, loc.clone());
            let written = |v: Vec<String>| -> Vec<Written> {
                v.into_iter()
                    .map(|s| Written::new(s, loc.clone()))
                    .collect()
            };
            Draft {
                case: e.case.map(placed),
                aliases: written(e.aliases),
                exact: written(e.exact),
                weak: written(e.weak),
                context: e.context.into_iter().map(placed).collect(),
                guards: written(e.guards),
                ..Draft::new(
                    placed(e.name),
                    e.id.map(placed),
                    Some((e.kind.parse(), loc.clone())),
                )
            }
        })
        .collect();
    Ok(Parsed { kind: None, drafts })
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn check_alias(w: &Written, weak: bool, problems: &mut Vec<Error>) -> bool {
    if w.key.is_empty() {
        problems.push(Error::dictionary(
            w.at.clone(),
            "empty alias",
            "remove it or write the name",
        ));
        return false;
    }
    // One ideograph can be a word (熵, entropy); one Latin letter or digit names nothing
    // reliably unless the entry confirms it (a weak alias, like X for Twitter).
    if let Some(c) = w.lone {
        if !text::is_cjk(c) && !weak {
            problems.push(Error::dictionary(
                w.at.clone(),
                format!(
                    "alias {:?} has one character and would match almost anywhere",
                    w.text
                ),
                "use a longer form of the name, or list it under weak with a context",
            ));
            return false;
        }
    }
    true
}

/// Turns the checked entities of each file into a dictionary sorted by id, checking what
/// needs all of them: distinct ids, context ids, claims.
fn resolve(files: Vec<Vec<Checked>>, problems: &mut Vec<Error>) -> Dictionary {
    let checked: Vec<Checked> = files.into_iter().flatten().collect();
    // Where each entity's id was first used, if before it. A hash map of borrowed ids and
    // one sort afterwards cost less than a BTreeMap of cloned ids (13M of the 30M
    // instructions of the serial part of loading the bundled dictionaries).
    let taken: Vec<Option<usize>> = {
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(checked.len());
        checked
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Checked::Left(_) => None,
                Checked::Entity(r, _) => match first.entry(r.entity.id.as_str()) {
                    Entry::Occupied(o) => Some(*o.get()),
                    Entry::Vacant(v) => {
                        v.insert(i);
                        None
                    }
                },
            })
            .collect()
    };
    let mut entities: Vec<Resolved> = Vec::with_capacity(checked.len());
    let mut kept_at = vec![usize::MAX; checked.len()];
    for (i, (c, taken)) in checked.into_iter().zip(taken).enumerate() {
        let (r, mut later) = match c {
            Checked::Left(e) => {
                problems.push(e);
                continue;
            }
            Checked::Entity(r, later) => (r, later),
        };
        if let Some(first) = taken {
            problems.push(Error::dictionary(
                r.entity.location,
                format!(
                    "duplicate id {:?}, first defined at {}",
                    r.entity.id, entities[kept_at[first]].entity.location
                ),
                "give one of them a distinct id = \"...\"",
            ));
            continue;
        }
        kept_at[i] = entities.len();
        problems.append(&mut later);
        entities.push(r);
    }
    // Sorted through a permutation: moving whole entities around in a sort cost more than
    // placing each once.
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_unstable_by(|&x, &y| entities[x].entity.id.cmp(&entities[y].entity.id));
    let mut slots: Vec<Option<Resolved>> = entities.into_iter().map(Some).collect();
    let mut entities: Vec<Resolved> = order
        .into_iter()
        .map(|i| slots[i].take().expect("each index once"))
        .collect();
    for i in 0..entities.len() {
        let context = std::mem::take(&mut entities[i].context);
        for (c, loc) in context {
            match entities.binary_search_by(|r| r.entity.id.as_str().cmp(&c)) {
                Ok(id) => entities[i].entity.context.push(EntityId(id as u32)),
                Err(_) => problems.push(Error::dictionary(
                    loc,
                    format!(
                        "context id {c:?} of {:?} is not a known entity id",
                        entities[i].entity.name
                    ),
                    "use the id (slug) of an entity defined in the dictionaries",
                )),
            }
        }
    }
    let claims = check_claims(&mut entities, problems);
    Dictionary::from_parts(entities.into_iter().map(|r| r.entity).collect(), claims)
}

/// One entity checked on its own, while its file is still worked on in parallel.
enum Checked {
    /// Left out for a problem with its name, kind or id.
    Left(Error),
    /// Kept unless its id is taken; its other problems (case, aliases, guards) count only
    /// then, after the one about the id, as when everything was checked in one go.
    Entity(Resolved, Vec<Error>),
}

fn check_file(parsed: Parsed) -> Vec<Checked> {
    let kind = parsed.kind;
    parsed
        .drafts
        .into_iter()
        .map(|d| check_one(d, kind.as_ref()))
        .collect()
}

fn check_one(d: Draft, file_kind: Option<&KindAt>) -> Checked {
    let name = d.name;
    if name.text.is_empty() {
        return Checked::Left(Error::dictionary(
            name.at,
            "entity with an empty name",
            "give every entity a name",
        ));
    }
    let kind = match d.kind.as_ref().or(file_kind) {
        None => {
            return Checked::Left(Error::dictionary(
                name.at,
                format!("entity {:?} has no kind", name.text),
                "set kind = \"person\" (or company, model, concept) at the top of the file or on the entity",
            ));
        }
        Some((Ok(k), _)) => *k,
        Some((Err(msg), loc)) => {
            return Checked::Left(Error::dictionary(
                loc.clone(),
                msg.clone(),
                "use person, company, model or concept",
            ));
        }
    };
    let id = match d.id {
        Some((id, loc)) => {
            let valid = !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                return Checked::Left(Error::dictionary(
                    loc,
                    format!("id {id:?} is not a slug"),
                    "ids use lowercase ascii letters, digits and '-'",
                ));
            }
            id
        }
        None if d.slug.is_empty() => {
            return Checked::Left(Error::dictionary(
                name.at,
                format!("the name {:?} gives no ascii id", name.text),
                "add id = \"...\" with lowercase ascii letters, digits and '-'",
            ));
        }
        None => d.slug,
    };
    let mut problems = Vec::new();
    let all_exact = match &d.case {
        None => false,
        Some((c, _)) if c == "exact" => true,
        Some((c, _)) if c == "ignore" => false,
        Some((c, loc)) => {
            problems.push(Error::dictionary(
                loc.clone(),
                format!("unknown case rule {c:?}"),
                "use case = \"exact\" or leave it out",
            ));
            false
        }
    };
    let entity_name = name.text.clone();
    let location = name.at.clone();
    let n = 1 + d.aliases.len() + d.exact.len() + d.weak.len();
    let mut aliases = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    let mut push = |w: Written, exact: bool, weak: bool| {
        if check_alias(&w, weak, &mut problems) {
            keys.push(w.key);
            aliases.push(Alias {
                text: w.text,
                exact,
                weak,
                location: w.at,
            });
        }
    };
    push(name, all_exact, false);
    for w in d.aliases {
        push(w, all_exact, false);
    }
    for w in d.exact {
        push(w, true, false);
    }
    for w in d.weak {
        push(w, true, true);
    }
    dedup(&mut aliases, &mut keys);
    let mut guards = Vec::new();
    for g in d.guards {
        if check_alias(&g, false, &mut problems) {
            guards.push(g.text);
        }
    }
    Checked::Entity(
        Resolved {
            entity: Entity {
                id,
                name: entity_name,
                kind,
                aliases,
                context: Vec::new(),
                guards,
                location,
            },
            context: d.context,
            keys,
        },
        problems,
    )
}

/// Drops the aliases an entity lists twice (same text, same rules) after the first, and
/// their keys.
fn dedup(aliases: &mut Vec<Alias>, keys: &mut Vec<String>) {
    let same = |a: &Alias, b: &Alias| a.text == b.text && a.exact == b.exact && a.weak == b.weak;
    let n = aliases.len();
    // Most entities have a handful of aliases and no repeats: comparing them pairwise costs
    // less than one hash set each (7k of them). A set keeps 100k aliases from going quadratic.
    if n <= 16 && !(1..n).any(|i| (0..i).any(|j| same(&aliases[j], &aliases[i]))) {
        return;
    }
    let mut distinct = HashSet::with_capacity(n);
    let keep: Vec<bool> = aliases
        .iter()
        .map(|a| distinct.insert((a.text.as_str(), a.exact, a.weak)))
        .collect();
    let mut k = keep.iter();
    keys.retain(|_| *k.next().expect("one flag per key"));
    let mut k = keep.iter();
    aliases.retain(|_| *k.next().expect("one flag per alias"));
}

/// An alias may belong to one entity only. Two case-sensitive aliases that differ in case
/// (`Figure` vs `figure`) do not collide; anything else that folds to the same lowercase text
/// does. Returns who claims each key, the index [`Dictionary::resolve`] looks names up in.
fn check_claims(entities: &mut [Resolved], problems: &mut Vec<Error>) -> HashMap<String, Claim> {
    let total = entities.iter().map(|r| r.keys.len()).sum();
    let mut claims: HashMap<String, Claim> = HashMap::with_capacity(total);
    // Claims of a key someone claimed before: rare, so set aside and grouped afterwards.
    let mut later: Vec<(String, usize, usize)> = Vec::new();
    for (i, r) in entities.iter_mut().enumerate() {
        let id = EntityId(i as u32);
        for (k, key) in std::mem::take(&mut r.keys).into_iter().enumerate() {
            match claims.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(Claim {
                        first: id,
                        alias: k as u32,
                        named: (k == 0).then_some(id),
                    });
                }
                Entry::Occupied(mut o) => {
                    let c = o.get_mut();
                    if k == 0 && c.named.is_none() {
                        c.named = Some(id);
                    }
                    later.push((o.key().clone(), i, k));
                }
            }
        }
    }
    // Every claim of each contested key, in entity order, keys in order: the order the
    // problems were always reported in.
    let alias = |i: usize, k: usize| &entities[i].entity.aliases[k];
    let mut contested: BTreeMap<&str, Vec<(usize, &Alias)>> = BTreeMap::new();
    for (key, i, k) in &later {
        contested
            .entry(key.as_str())
            .or_insert_with(|| {
                let c = claims[key.as_str()];
                vec![(c.first.index(), alias(c.first.index(), c.alias as usize))]
            })
            .push((*i, alias(*i, *k)));
    }
    let mut reported = Vec::new();
    for claims in contested.values() {
        for (x, &(i, a)) in claims.iter().enumerate() {
            for &(j, b) in &claims[x + 1..] {
                if i == j {
                    continue;
                }
                let collide =
                    !(a.exact && b.exact) || text::fold_alias(&a.text) == text::fold_alias(&b.text);
                if collide {
                    // Reported at the later claim, pointing back at the earlier one: the
                    // order a reader of the files meets them in, whatever the ids.
                    let ((i, a), (j, b)) = if a.location <= b.location {
                        ((i, a), (j, b))
                    } else {
                        ((j, b), (i, a))
                    };
                    reported.push((b.location.clone(), b.text.clone(), j, i, a.location.clone()));
                }
            }
        }
    }
    reported.sort_by(|x, y| x.0.cmp(&y.0));
    for (loc, alias, owner, first, first_loc) in reported {
        problems.push(Error::dictionary(
            loc,
            format!(
                "alias {alias:?} of {:?} is also claimed by {:?} at {first_loc}",
                entities[owner].entity.name, entities[first].entity.name
            ),
            "keep the alias on one entity only",
        ));
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml_dict(src: &str) -> Result<Dictionary> {
        match from_str(Path::new("d.toml"), src) {
            Err(Error::DictionaryProblems(mut all)) => Err(all.remove(0)),
            other => other,
        }
    }

    #[test]
    fn loads_entities_sorted_with_the_file_kind() {
        let d = toml_dict(
            "kind = \"company\"\n[[entity]]\nname = \"OpenAI\"\naliases = [\"Open AI\"]\n\n[[entity]]\nname = \"Anthropic\"\n",
        )
        .unwrap();
        let ids: Vec<&str> = d.entities().iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["anthropic", "openai"]);
        assert_eq!(d.get(EntityId(1)).kind, Kind::Company);
        assert_eq!(d.get(EntityId(1)).aliases.len(), 2);
    }

    #[test]
    fn problems_point_at_file_line_and_column() {
        let e = toml_dict("kind = \"company\"\n[[entity]]\nname = \"A\"\naliases = [\"\"]\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.toml:3:8: alias \"A\" has one character and would match almost anywhere (hint: use a longer form of the name, or list it under weak with a context)"
        );
        let e = toml_dict("kind = \"thing\"\n[[entity]]\nname = \"Abc\"\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("d.toml:1:8: unknown kind \"thing\""),
            "{e}"
        );
        let e = toml_dict("kind = \"model\"\n[[entity]\n").unwrap_err();
        assert!(e.to_string().starts_with("d.toml:2:"), "{e}");
    }

    #[test]
    fn an_alias_claimed_twice_is_an_error() {
        let e = toml_dict(
            "kind = \"company\"\n[[entity]]\nname = \"Groq\"\n[[entity]]\nname = \"Other\"\naliases = [\"groq\"]\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.toml:6:12: alias \"groq\" of \"Other\" is also claimed by \"Groq\" at d.toml:3:8 (hint: keep the alias on one entity only)"
        );
    }

    #[test]
    fn aliases_listed_twice_are_kept_once_in_order() {
        let texts = |d: &Dictionary| -> Vec<String> {
            d.get(EntityId(0))
                .aliases
                .iter()
                .map(|a| format!("{}{}", a.text, if a.exact { "!" } else { "" }))
                .collect()
        };
        // Few aliases (compared pairwise) and many (through a set) give the same answer.
        let d = toml_dict(
            "kind = \"company\"\n[[entity]]\nname = \"Abc\"\naliases = [\"Xy\", \"Abc\", \"Xy\"]\nexact = [\"Xy\"]\n",
        )
        .unwrap();
        assert_eq!(texts(&d), ["Abc", "Xy", "Xy!"]);
        let many: Vec<String> = (0..20).map(|i| format!("\"a{}\"", i % 15)).collect();
        let d = toml_dict(&format!(
            "kind = \"company\"\n[[entity]]\nname = \"Abc\"\naliases = [{}, \"Abc\"]\n",
            many.join(", ")
        ))
        .unwrap();
        let expected: Vec<String> = std::iter::once("Abc".to_string())
            .chain((0..15).map(|i| format!("a{i}")))
            .collect();
        assert_eq!(texts(&d), expected);
    }

    #[test]
    fn a_duplicate_id_hides_the_rest_of_its_entity() {
        let e = from_str(
            Path::new("d.toml"),
            "kind = \"company\"\n[[entity]]\nname = \"Abc\"\ncase = \"odd\"\n[[entity]]\nname = \"ABC\"\naliases = [\"\"]\n[[entity]]\nname = \"Xyz\"\naliases = [\"Q\"]\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            [
                "d.toml:4:8: unknown case rule \"odd\" (hint: use case = \"exact\" or leave it out)",
                "d.toml:6:8: duplicate id \"abc\", first defined at d.toml:3:8 (hint: give one of them a distinct id = \"...\")",
                "d.toml:10:12: alias \"Q\" has one character and would match almost anywhere (hint: use a longer form of the name, or list it under weak with a context)",
            ]
            .join("\n")
        );
    }

    #[test]
    fn exact_aliases_differing_in_case_may_coexist() {
        let d = toml_dict(
            "kind = \"company\"\n[[entity]]\nname = \"Figure AI\"\nexact = [\"Figure\"]\n[[entity]]\nname = \"Other\"\nexact = [\"FIGURE\"]\n",
        );
        assert!(d.is_ok());
    }
}
