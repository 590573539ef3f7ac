//! Reading `dictionaries/`: TOML (curated) and JSON (generated) files into one validated
//! [`Dictionary`]. Every problem is collected with its file:line so one run shows them all.

use super::{Alias, Dictionary, Entity, EntityId, Kind};
use crate::error::{Error, Location, Result};
use crate::fsutil;
use crate::text;
use rayon::prelude::*;
use serde::Deserialize;
use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
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

/// One entity as written, before ids are resolved.
struct Draft {
    name: Placed,
    id: Option<Placed>,
    kind: Option<Placed>,
    case: Option<Placed>,
    aliases: Vec<Placed>,
    exact: Vec<Placed>,
    weak: Vec<Placed>,
    context: Vec<Placed>,
    guards: Vec<Placed>,
}

/// Turns byte offsets into 1-based line and column (in chars).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last answer as (offset, column): offsets mostly come in text order, and counting
    /// on from the previous one keeps a line with 100k aliases linear.
    last: Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            last: Cell::new((0, 1)),
        }
    }

    fn location(&self, path: &Path, offset: usize) -> Location {
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
        Location::new(path, line).with_col(col)
    }
}

/// Loads every `*.toml` and `*.json` under `paths` (files or folders) into one dictionary.
/// Any problem is fatal: the error lists all of them with file:line and a hint.
pub fn load(paths: &[PathBuf]) -> Result<Dictionary> {
    let (files, _) = fsutil::discover(paths, &["toml", "json"])?;
    if files.is_empty() {
        let path = paths.first().cloned().unwrap_or_default();
        return Err(Error::dictionary(
            Location::new(path, 0),
            "no dictionary files (*.toml, *.json) found",
            "point --dict at a folder of dictionary files, like the bundled dictionaries/",
        ));
    }
    // The files parse in parallel (TOML parsing is most of loading the bundled dictionaries);
    // results are merged in path order, so ids, problems and their order do not change.
    let parsed: Vec<Result<Result<Vec<Draft>>>> = files
        .par_iter()
        .map(|file| {
            let bytes = std::fs::read(file).map_err(|e| Error::input(file, e))?;
            let (text, bad) = text::decode(bytes);
            if let Some(bad) = bad {
                return Ok(Err(Error::dictionary(
                    Location::new(file, bad.line).with_col(bad.col),
                    "invalid utf-8",
                    "save the dictionary as utf-8",
                )));
            }
            let is_json = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            Ok(if is_json {
                parse_json(file, &text)
            } else {
                parse_toml(file, &text)
            })
        })
        .collect();
    let mut drafts = Vec::new();
    let mut problems = Vec::new();
    for p in parsed {
        match p? {
            Ok(mut d) => drafts.append(&mut d),
            Err(e) => problems.push(e),
        }
    }
    let dict = resolve(drafts, &mut problems);
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
    let drafts = if is_json {
        parse_json(path, text)?
    } else {
        parse_toml(path, text)?
    };
    let mut problems = Vec::new();
    let dict = resolve(drafts, &mut problems);
    match problems.len() {
        0 => Ok(dict),
        1 => Err(problems.remove(0)),
        _ => Err(Error::DictionaryProblems(problems)),
    }
}

fn parse_toml(path: &Path, text: &str) -> Result<Vec<Draft>> {
    let index = LineIndex::new(text);
    let file: TomlFile = toml::from_str(text).map_err(|e| {
        let loc = e
            .span()
            .map(|s| index.location(path, s.start))
            .unwrap_or_else(|| Location::new(path, 0));
        let msg = e.message().trim().to_lowercase();
        Error::dictionary(
            loc,
            format!("invalid toml: {msg}"),
            "see dictionaries/README.md for the format",
        )
    })?;
    let place = |s: Spanned<String>| -> Placed {
        let loc = index.location(path, s.span().start);
        (s.into_inner(), loc)
    };
    let default_kind = file.kind.map(place);
    Ok(file
        .entity
        .into_iter()
        .map(|e| {
            let all = |v: Vec<Spanned<String>>| v.into_iter().map(place).collect();
            Draft {
                name: place(e.name),
                id: e.id.map(place),
                kind: e.kind.map(place).or_else(|| default_kind.clone()),
                case: e.case.map(place),
                aliases: all(e.aliases),
                exact: all(e.exact),
                weak: all(e.weak),
                context: all(e.context),
                guards: all(e.guards),
            }
        })
        .collect())
}

fn parse_json(path: &Path, text: &str) -> Result<Vec<Draft>> {
    let entities: Vec<JsonEntity> = serde_json::from_str(text).map_err(|e| {
        Error::dictionary(
            Location::new(path, e.line()).with_col(e.column()),
            format!("invalid json: {}", strip_position(&e.to_string())),
            "a json dictionary is an array of {\"name\", \"kind\", \"aliases\"} objects",
        )
    })?;
    // serde_json keeps no spans once parsed: place each entity at the line where its name
    // first appears after the previous one, which is where a reader would look.
    let index = LineIndex::new(text);
    let mut from = 0;
    Ok(entities
        .into_iter()
        .map(|e| {
            let quoted = serde_json::to_string(&e.name).unwrap_or_default();
            let at = text[from..].find(&quoted).map(|i| from + i).unwrap_or(from);
            from = at;
            let loc = index.location(path, at);
            let placed = |s: String| (s, loc.clone());
            let all = |v: Vec<String>| v.into_iter().map(placed).collect();
            Draft {
                name: placed(e.name),
                id: e.id.map(placed),
                kind: Some(placed(e.kind)),
                case: e.case.map(placed),
                aliases: all(e.aliases),
                exact: all(e.exact),
                weak: all(e.weak),
                context: all(e.context),
                guards: all(e.guards),
            }
        })
        .collect())
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn check_alias(text: &str, loc: &Location, weak: bool, problems: &mut Vec<Error>) -> bool {
    let folded = text::fold_alias(text);
    if folded.is_empty() {
        problems.push(Error::dictionary(
            loc.clone(),
            "empty alias",
            "remove it or write the name",
        ));
        return false;
    }
    // One ideograph can be a word (熵, entropy); one Latin letter or digit names nothing
    // reliably unless the entry confirms it (a weak alias, like X for Twitter).
    let mut chars = folded.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if !text::is_cjk(c) && !weak {
            problems.push(Error::dictionary(
                loc.clone(),
                format!("alias {text:?} has one character and would match almost anywhere"),
                "use a longer form of the name, or list it under weak with a context",
            ));
            return false;
        }
    }
    true
}

/// Validates drafts and turns them into a dictionary sorted by id.
fn resolve(drafts: Vec<Draft>, problems: &mut Vec<Error>) -> Dictionary {
    let mut entities: Vec<(Entity, Vec<Placed>)> = Vec::new();
    let mut ids: BTreeMap<String, Location> = BTreeMap::new();
    for d in drafts {
        let (name, name_loc) = d.name;
        let name = name.trim().to_string();
        if name.is_empty() {
            problems.push(Error::dictionary(
                name_loc,
                "entity with an empty name",
                "give every entity a name",
            ));
            continue;
        }
        let kind = match &d.kind {
            None => {
                problems.push(Error::dictionary(
                    name_loc.clone(),
                    format!("entity {name:?} has no kind"),
                    "set kind = \"person\" (or company, model, concept) at the top of the file or on the entity",
                ));
                continue;
            }
            Some((k, loc)) => match k.parse::<Kind>() {
                Ok(k) => k,
                Err(msg) => {
                    problems.push(Error::dictionary(
                        loc.clone(),
                        msg,
                        "use person, company, model or concept",
                    ));
                    continue;
                }
            },
        };
        let id = match &d.id {
            Some((id, loc)) => {
                let valid = !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    problems.push(Error::dictionary(
                        loc.clone(),
                        format!("id {id:?} is not a slug"),
                        "ids use lowercase ascii letters, digits and '-'",
                    ));
                    continue;
                }
                id.clone()
            }
            None => {
                let s = text::slug(&name);
                if s.is_empty() {
                    problems.push(Error::dictionary(
                        name_loc.clone(),
                        format!("the name {name:?} gives no ascii id"),
                        "add id = \"...\" with lowercase ascii letters, digits and '-'",
                    ));
                    continue;
                }
                s
            }
        };
        if let Some(first) = ids.get(&id) {
            problems.push(Error::dictionary(
                name_loc.clone(),
                format!("duplicate id {id:?}, first defined at {first}"),
                "give one of them a distinct id = \"...\"",
            ));
            continue;
        }
        ids.insert(id.clone(), name_loc.clone());
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
        let mut aliases = Vec::new();
        // A set beside the list: scanning the list made an entity with 100k aliases quadratic.
        let mut distinct = HashSet::new();
        let mut push = |text: String, loc: Location, exact: bool, weak: bool| {
            if check_alias(&text, &loc, weak, problems)
                && distinct.insert((text.clone(), exact, weak))
            {
                aliases.push(Alias {
                    text,
                    exact,
                    weak,
                    location: loc,
                });
            }
        };
        push(name.clone(), name_loc.clone(), all_exact, false);
        for (a, loc) in d.aliases {
            push(a, loc, all_exact, false);
        }
        for (a, loc) in d.exact {
            push(a, loc, true, false);
        }
        for (a, loc) in d.weak {
            push(a, loc, true, true);
        }
        let mut guards = Vec::new();
        for (g, loc) in d.guards {
            if check_alias(&g, &loc, false, problems) {
                guards.push(g);
            }
        }
        entities.push((
            Entity {
                id,
                name,
                kind,
                aliases,
                context: Vec::new(),
                guards,
                location: name_loc,
            },
            d.context,
        ));
    }
    entities.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let index: BTreeMap<String, EntityId> = entities
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (e.id.clone(), EntityId(i as u32)))
        .collect();
    for (e, context) in &mut entities {
        for (c, loc) in context.iter() {
            match index.get(c.as_str()) {
                Some(&id) => e.context.push(id),
                None => problems.push(Error::dictionary(
                    loc.clone(),
                    format!("context id {c:?} of {:?} is not a known entity id", e.name),
                    "use the id (slug) of an entity defined in the dictionaries",
                )),
            }
        }
    }
    check_claims(&entities, problems);
    Dictionary::from_sorted(entities.into_iter().map(|(e, _)| e).collect())
}

/// An alias may belong to one entity only. Two case-sensitive aliases that differ in case
/// (`Figure` vs `figure`) do not collide; anything else that folds to the same lowercase text
/// does.
fn check_claims(entities: &[(Entity, Vec<Placed>)], problems: &mut Vec<Error>) {
    let mut seen: BTreeMap<String, Vec<(usize, &Alias)>> = BTreeMap::new();
    for (i, (e, _)) in entities.iter().enumerate() {
        for a in &e.aliases {
            seen.entry(text::fold_alias(&a.text).to_lowercase())
                .or_default()
                .push((i, a));
        }
    }
    let mut reported = Vec::new();
    for claims in seen.values() {
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
                entities[owner].0.name, entities[first].0.name
            ),
            "keep the alias on one entity only",
        ));
    }
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
    fn exact_aliases_differing_in_case_may_coexist() {
        let d = toml_dict(
            "kind = \"company\"\n[[entity]]\nname = \"Figure AI\"\nexact = [\"Figure\"]\n[[entity]]\nname = \"Other\"\nexact = [\"FIGURE\"]\n",
        );
        assert!(d.is_ok());
    }
}
