//! The curated entity dictionary: entities, their kinds and aliases, loaded from
//! `dictionaries/` and validated before anything else runs.

mod load;

pub use load::{from_str, load, load_sources, read_sources, Source};

use crate::error::Location;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A real person.
    Person,
    /// Any organisation: company, lab, university, agency, media.
    Company,
    /// An AI model or a named product, system, chip, library, dataset, benchmark or project.
    Model,
    /// A named technical or scientific idea.
    Concept,
}

impl Kind {
    /// All kinds, in display order.
    pub const ALL: [Kind; 4] = [Kind::Person, Kind::Company, Kind::Model, Kind::Concept];

    /// The lowercase name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Company => "company",
            Kind::Model => "model",
            Kind::Concept => "concept",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" | "people" | "persons" => Ok(Kind::Person),
            "company" | "companies" | "organization" | "organisation" | "org" => Ok(Kind::Company),
            "model" | "models" | "product" => Ok(Kind::Model),
            "concept" | "concepts" => Ok(Kind::Concept),
            _ => Err(format!(
                "unknown kind {s:?}; expected one of person, company, model, concept"
            )),
        }
    }
}

/// Index of an entity in its [`Dictionary`]. Entities are sorted by their string id, so the
/// same dictionary always gives the same indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub u32);

impl EntityId {
    /// As a `usize` index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One way of writing an entity's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The alias as written in the dictionary.
    pub text: String,
    /// Matched case-sensitively.
    pub exact: bool,
    /// Counted only when the entry confirms the entity otherwise (see [`Entity::context`]).
    pub weak: bool,
    /// Where the alias is defined.
    pub location: Location,
}

/// A person, organisation, model or concept the notes can mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Stable ASCII id (a slug), used in every export.
    pub id: String,
    /// Canonical name, used as the label.
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// Every alias, the name first.
    pub aliases: Vec<Alias>,
    /// Entities whose strong mention in the same entry confirms a weak alias.
    pub context: Vec<EntityId>,
    /// Phrases that veto a match where they occur.
    pub guards: Vec<String>,
    /// Where the entity is defined.
    pub location: Location,
}

/// The text two spellings share when they name the same thing, from their folded text
/// ([`crate::text::fold_alias`]): lowercased. Aliases are claimed, and typed names resolved,
/// by it.
pub(crate) fn claim_key(mut folded: String) -> String {
    // Same results as `to_lowercase`, without a second string where it changes nothing
    // (ASCII, and most CJK names): 24.6k aliases are keyed on every load.
    if folded.is_ascii() {
        folded.make_ascii_lowercase();
        folded
    } else if folded.chars().all(|c| {
        let mut lower = c.to_lowercase();
        lower.next() == Some(c) && lower.next().is_none()
    }) {
        folded
    } else {
        folded.to_lowercase()
    }
}

/// Who claims a [`claim_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Claim {
    /// The first entity (in id order) with an alias of this key.
    pub(crate) first: EntityId,
    /// Which of its aliases.
    pub(crate) alias: u32,
    /// The first entity whose name has this key.
    pub(crate) named: Option<EntityId>,
}

/// All entities, sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    entities: Vec<Entity>,
    /// Every alias's [`claim_key`]: looking a typed name up by scanning and folding every
    /// alias took 6 ms a name.
    claims: HashMap<String, Claim>,
}

impl Dictionary {
    /// Builds a dictionary from entities sorted by their distinct ids, and who claims each
    /// alias key (indices into `entities`).
    pub(crate) fn from_parts(entities: Vec<Entity>, claims: HashMap<String, Claim>) -> Self {
        debug_assert!(entities.windows(2).all(|w| w[0].id < w[1].id));
        Dictionary { entities, claims }
    }

    /// Who claims each alias key.
    pub(crate) fn claims(&self) -> &HashMap<String, Claim> {
        &self.claims
    }

    /// All entities, sorted by id.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity behind an id.
    pub fn get(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    /// Looks an entity up by its string id.
    pub fn by_id(&self, id: &str) -> Option<EntityId> {
        self.entities
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|i| EntityId(i as u32))
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when there are no entities.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Number of aliases over all entities.
    pub fn alias_count(&self) -> usize {
        self.entities.iter().map(|e| e.aliases.len()).sum()
    }

    /// Resolves a name typed by the user: an id, the name or any alias, ignoring case and
    /// full-width forms.
    pub fn resolve(&self, query: &str) -> Option<EntityId> {
        let q = claim_key(crate::text::fold_alias(query));
        if q.is_empty() {
            return None;
        }
        if let Some(id) = self.by_id(&q) {
            return Some(id);
        }
        // Prefer an entity whose name matches over one where only an alias does.
        self.claims.get(&q).map(|c| c.named.unwrap_or(c.first))
    }

    /// Up to `n` entity names close to `query`, for "did you mean" hints.
    pub fn suggest(&self, query: &str, n: usize) -> Vec<String> {
        let q = crate::text::fold_alias(query).to_lowercase();
        if q.is_empty() {
            // Every short alias is "close" to nothing; suggesting them would mislead.
            return Vec::new();
        }
        let mut scored: Vec<(usize, &str)> = Vec::new();
        for e in &self.entities {
            let best = e
                .aliases
                .iter()
                .map(|a| {
                    let a = a.text.to_lowercase();
                    if !q.is_empty() && (a.contains(&q) || q.contains(&a)) {
                        0
                    } else {
                        edit_distance(&q, &a)
                    }
                })
                .min()
                .unwrap_or(usize::MAX);
            let limit = (q.chars().count() / 3).max(2);
            if best <= limit {
                scored.push((best, &e.name));
            }
        }
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored
            .into_iter()
            .take(n)
            .map(|(_, s)| s.to_string())
            .collect()
    }
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_keys_are_the_lowercased_folded_text() {
        for s in [
            "OpenAI",
            " Open  AI ",
            "ＯｐｅｎＡＩ",
            "深度求索",
            "École",
            "ǅemal",
            "ΟΔΟΣ",
            "İstanbul",
            "Ⅻ",
            "GPT‑4",
            "",
        ] {
            let folded = crate::text::fold_alias(s);
            assert_eq!(claim_key(folded.clone()), folded.to_lowercase(), "{s:?}");
        }
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("openai", "openia"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("hinton", "hiton"), 1);
    }
}
