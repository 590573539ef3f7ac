//! A compiled copy of the loaded dictionary, so that a run whose dictionary files did not
//! change skips parsing and checking them: that took 50-70 ms on the bundled 860 KB of
//! TOML, most of a warm query.
//!
//! One file per set of dictionary paths, `dictionary-<hash>.bin` beside the mentions cache.
//! Its key is the code (crate version, source fingerprint) and every dictionary file's path
//! and bytes, as read once and then parsed: a file edited while a run loads it cannot be
//! stored under bytes that were not parsed. Only a dictionary that loaded without problems
//! is stored, so a broken one is parsed, and reported the same way, on every run. The file
//! also keeps the dictionary's [`BuildKey`], which the mentions cache would otherwise hash
//! the whole dictionary for.
//!
//! Format, after the header of [`super::frame`] (strings are a length varint and UTF-8, a
//! location is the index of its file in path order, line and column, as varints):
//!
//! ```text
//! key u128 | build key u128 | file count varint | entities' length varint
//! entity count varint, then per entity: id, name, kind u8, location, alias count, then per alias: text,
//!   flags u8 (exact: bit 0, weak: bit 1), location; context count, then entity indices;
//!   guard count, then strings
//! claim count varint, then per claim: key, first entity, alias, named entity + 1 (0: none)
//! ```
//!
//! A file that does not check out (header, key, lengths, every index in range, ids in
//! order) is a miss, never an error.

use super::{code_version, paths_hash, put_bytes, put_varint, write, BuildKey, Hasher, Reader};
use crate::dictionary::{self, Alias, Claim, Dictionary, Entity, EntityId, Kind, Source};
use crate::error::{Location, Result};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"NGDICTNR";
/// Bumped whenever the layout changes.
const VERSION: u32 = 1;

/// A dictionary as [`load_dictionary`] found it.
#[derive(Debug)]
pub struct Loaded {
    /// The dictionary.
    pub dictionary: Dictionary,
    /// Its build key, for the mentions cache.
    pub build: BuildKey,
    /// It came from the cache.
    pub hit: bool,
    /// After a miss, the compiled copy still to write.
    pub pending: Option<Pending>,
}

/// A compiled copy to write, apart from loading so that a caller can write it while other
/// work runs: encoding and writing the bundled dictionaries took 20-35 ms of a cold run.
#[derive(Debug)]
pub struct Pending {
    path: PathBuf,
    key: u128,
    build: BuildKey,
    files: Vec<Arc<Path>>,
}

impl Pending {
    /// Writes the compiled copy of `dict`, the dictionary it was loaded with; false when it
    /// could not be written (an unwritable cache folder only costs the next run its hit).
    pub fn write(self, dict: &Dictionary) -> bool {
        encode(self.key, self.build, &self.files, dict)
            .is_some_and(|bytes| write(&self.path, &bytes).is_ok())
    }
}

/// Loads the dictionary under `dicts` from its compiled copy in `dir` when the files did
/// not change, else from the files, and then the copy is to be written (see [`Pending`]).
/// Errors are those of [`dictionary::load`], which a broken dictionary gives on every run.
pub fn load_dictionary(dir: &Path, dicts: &[PathBuf]) -> Result<Loaded> {
    let sources = dictionary::read_sources(dicts)?;
    let key = key(&sources);
    let path = dir.join(format!("dictionary-{:032x}.bin", paths_hash(&[dicts])));
    let files: Vec<Arc<Path>> = sources
        .iter()
        .map(|s| Arc::from(s.path.as_path()))
        .collect();
    let bytes = fs::read(&path).unwrap_or_default();
    if let Some((dictionary, build)) = decode(&bytes, key, &files) {
        return Ok(Loaded {
            dictionary,
            build,
            hit: true,
            pending: None,
        });
    }
    let dictionary = dictionary::load_sources(sources)?;
    let build = BuildKey::of(&dictionary);
    Ok(Loaded {
        dictionary,
        build,
        hit: false,
        pending: Some(Pending {
            path,
            key,
            build,
            files,
        }),
    })
}

/// What a compiled dictionary is valid for: this code and these files' paths and bytes.
fn key(sources: &[Source]) -> u128 {
    let mut h = Hasher::new(b"notegraph dictionary");
    code_version(&mut h);
    h.bytes(&(sources.len() as u64).to_le_bytes());
    for s in sources {
        h.bytes(s.path.as_os_str().as_encoded_bytes());
        h.bytes(&s.bytes);
    }
    h.finish()
}

/// The compiled file; None when a location points outside `files` (then it could not be
/// read back).
fn encode(key: u128, build: BuildKey, files: &[Arc<Path>], dict: &Dictionary) -> Option<Vec<u8>> {
    let index: HashMap<&Path, usize> = files.iter().enumerate().map(|(i, f)| (&**f, i)).collect();
    let mut body = Vec::with_capacity(1 << 20);
    body.extend_from_slice(&key.to_le_bytes());
    body.extend_from_slice(&build.0.to_le_bytes());
    put_varint(&mut body, files.len() as u64);
    let header = body;
    let mut body = Vec::with_capacity(1 << 20);
    let put_location = |body: &mut Vec<u8>, l: &Location| -> Option<()> {
        put_varint(body, *index.get(&*l.path)? as u64);
        put_varint(body, l.line as u64);
        put_varint(body, l.col as u64);
        Some(())
    };
    put_varint(&mut body, dict.len() as u64);
    for e in dict.entities() {
        // Destructured in full: a new field does not compile here until it is stored.
        let Entity {
            id,
            name,
            kind,
            aliases,
            context,
            guards,
            location,
        } = e;
        put_bytes(&mut body, id.as_bytes());
        put_bytes(&mut body, name.as_bytes());
        body.push(*kind as u8);
        put_location(&mut body, location)?;
        put_varint(&mut body, aliases.len() as u64);
        for a in aliases {
            let Alias {
                text,
                exact,
                weak,
                location,
            } = a;
            put_bytes(&mut body, text.as_bytes());
            body.push(u8::from(*exact) | u8::from(*weak) << 1);
            put_location(&mut body, location)?;
        }
        put_varint(&mut body, context.len() as u64);
        for c in context {
            put_varint(&mut body, u64::from(c.0));
        }
        put_varint(&mut body, guards.len() as u64);
        for g in guards {
            put_bytes(&mut body, g.as_bytes());
        }
    }
    let mut all = header;
    put_varint(&mut all, body.len() as u64);
    all.extend_from_slice(&body);
    let mut body = all;
    // Sorted, so the same dictionary always gives the same file.
    let mut claims: Vec<(&String, &Claim)> = dict.claims().iter().collect();
    claims.sort_unstable_by(|a, b| a.0.cmp(b.0));
    put_varint(&mut body, claims.len() as u64);
    for (k, c) in claims {
        put_bytes(&mut body, k.as_bytes());
        put_varint(&mut body, u64::from(c.first.0));
        put_varint(&mut body, u64::from(c.alias));
        put_varint(&mut body, c.named.map_or(0, |n| u64::from(n.0) + 1));
    }
    Some(super::frame(MAGIC, VERSION, &body))
}

/// Reads a compiled file back; None unless it is for `key` and every value checks out.
/// Entities and claims decode at the same time: each is half of the work, most of it
/// allocating strings.
fn decode(bytes: &[u8], key: u128, files: &[Arc<Path>]) -> Option<(Dictionary, BuildKey)> {
    let body = super::unframe(bytes, MAGIC, VERSION)?;
    let mut r = Reader { bytes: body, at: 0 };
    if r.u128()? != key {
        return None;
    }
    let build = BuildKey(r.u128()?);
    if r.usize()? != files.len() {
        return None;
    }
    let len = r.usize()?;
    let entities = r.take(len)?;
    let claims = &body[r.at..];
    let (entities, claims) = rayon::join(
        || decode_entities(entities, files),
        || decode_claims(claims),
    );
    let (entities, claims) = (entities?, claims?);
    let n = entities.len();
    let fits = |c: &Claim| {
        c.first.index() < n
            && (c.alias as usize) < entities[c.first.index()].aliases.len()
            && c.named.is_none_or(|e| e.index() < n)
    };
    claims
        .values()
        .all(fits)
        .then(|| (Dictionary::from_parts(entities, claims), build))
}

/// The entities, checked in themselves: ids in order, kinds and context ids valid.
fn decode_entities(bytes: &[u8], files: &[Arc<Path>]) -> Option<Vec<Entity>> {
    let mut r = Reader { bytes, at: 0 };
    let location = |r: &mut Reader| -> Option<Location> {
        let file = files.get(r.usize()?)?.clone();
        Some(Location::in_file(file, r.usize()?).with_col(r.usize()?))
    };
    // Every entity takes at least 8 bytes: a count from a damaged file cannot reserve much.
    let n = r.usize()?;
    let mut entities: Vec<Entity> = Vec::with_capacity(n.min(bytes.len() / 8));
    for _ in 0..n {
        let id = r.str()?.to_string();
        if entities.last().is_some_and(|p| p.id >= id) {
            return None;
        }
        let name = r.str()?.to_string();
        let kind = *Kind::ALL.get(usize::from(r.u8()?))?;
        let at = location(&mut r)?;
        let count = r.usize()?;
        let mut aliases = Vec::with_capacity(count.min(bytes.len()));
        for _ in 0..count {
            let text = r.str()?.to_string();
            let flags = r.u8()?;
            if flags >> 2 != 0 {
                return None;
            }
            aliases.push(Alias {
                text,
                exact: flags & 1 != 0,
                weak: flags & 2 != 0,
                location: location(&mut r)?,
            });
        }
        // The name is the first alias; matching and labels rely on there being one.
        if aliases.is_empty() {
            return None;
        }
        let count = r.usize()?;
        let mut context = Vec::with_capacity(count.min(bytes.len()));
        for _ in 0..count {
            context.push(entity(&mut r, n)?);
        }
        let count = r.usize()?;
        let mut guards = Vec::with_capacity(count.min(bytes.len()));
        for _ in 0..count {
            guards.push(r.str()?.to_string());
        }
        entities.push(Entity {
            id,
            name,
            kind,
            aliases,
            context,
            guards,
            location: at,
        });
    }
    r.done().then_some(entities)
}

/// The claims, each key once; [`decode`] checks their indices against the entities.
fn decode_claims(bytes: &[u8]) -> Option<HashMap<String, Claim>> {
    let mut r = Reader { bytes, at: 0 };
    let count = r.usize()?;
    let mut claims = HashMap::with_capacity(count.min(bytes.len() / 4));
    for _ in 0..count {
        let k = r.str()?.to_string();
        let first = EntityId(u32::try_from(r.varint()?).ok()?);
        let alias = u32::try_from(r.varint()?).ok()?;
        let named = match r.varint()? {
            0 => None,
            i => Some(EntityId(u32::try_from(i - 1).ok()?)),
        };
        if claims
            .insert(
                k,
                Claim {
                    first,
                    alias,
                    named,
                },
            )
            .is_some()
        {
            return None;
        }
    }
    r.done().then_some(claims)
}

/// An entity index below `n`.
fn entity(r: &mut Reader, n: usize) -> Option<EntityId> {
    let i = u32::try_from(r.varint()?).ok()?;
    ((i as usize) < n).then_some(EntityId(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> (Vec<Arc<Path>>, Dictionary) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dictionaries");
        let sources = dictionary::read_sources(&[dir]).unwrap();
        let files = sources
            .iter()
            .map(|s| Arc::from(s.path.as_path()))
            .collect();
        (files, dictionary::load_sources(sources).unwrap())
    }

    #[test]
    fn the_bundled_dictionaries_read_back_equal_in_every_field() {
        let (files, dict) = bundled();
        let build = BuildKey::of(&dict);
        let bytes = encode(7, build, &files, &dict).unwrap();
        let (back, back_build) = decode(&bytes, 7, &files).unwrap();
        assert_eq!(back_build, build);
        assert_eq!(back.len(), dict.len());
        for (a, b) in back.entities().iter().zip(dict.entities()) {
            assert_eq!(a, b);
        }
        assert_eq!(back.claims(), dict.claims());
        assert_eq!(back, dict);
        assert_eq!(BuildKey::of(&back), build);
        // The same dictionary always gives the same bytes.
        assert_eq!(encode(7, build, &files, &back).unwrap(), bytes);
    }

    fn small() -> (Vec<Arc<Path>>, Dictionary) {
        let dict = dictionary::from_str(
            Path::new("d.toml"),
            "kind = \"company\"\n[[entity]]\nname = \"OpenAI\"\naliases = [\"开放人工智能\"]\nguards = [\"OpenAI Five\"]\n[[entity]]\nname = \"Twitter\"\nkind = \"model\"\nweak = [\"X\"]\ncontext = [\"openai\"]\n",
        )
        .unwrap();
        (vec![Arc::from(Path::new("d.toml"))], dict)
    }

    #[test]
    fn another_key_or_file_list_is_a_miss() {
        let (files, dict) = small();
        let bytes = encode(7, BuildKey::of(&dict), &files, &dict).unwrap();
        assert_eq!(decode(&bytes, 7, &files).unwrap().0, dict);
        assert!(decode(&bytes, 8, &files).is_none());
        let two = [files[0].clone(), Arc::from(Path::new("e.toml"))];
        assert!(decode(&bytes, 7, &two).is_none());
        // A location in a file the list does not have cannot be stored.
        assert!(encode(7, BuildKey::of(&dict), &two[1..], &dict).is_none());
    }

    #[test]
    fn every_truncation_and_every_flipped_bit_is_a_miss() {
        let (files, dict) = small();
        let good = encode(7, BuildKey::of(&dict), &files, &dict).unwrap();
        for len in 0..good.len() {
            assert!(
                decode(&good[..len], 7, &files).is_none(),
                "truncated to {len}"
            );
        }
        for i in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[i] ^= 1 << bit;
                assert!(decode(&bad, 7, &files).is_none(), "byte {i} bit {bit}");
            }
        }
    }

    #[test]
    fn out_of_range_values_are_a_miss_even_with_a_good_checksum() {
        let (files, dict) = small();
        let bad = |f: fn(&mut Vec<Entity>)| {
            let mut entities = dict.entities().to_vec();
            f(&mut entities);
            let d = Dictionary::from_parts(entities, dict.claims().clone());
            let bytes = encode(7, BuildKey::of(&d), &files, &d).unwrap();
            decode(&bytes, 7, &files)
        };
        assert!(bad(|_| {}).is_some());
        assert!(bad(|e| e[1].context[0] = EntityId(2)).is_none());
        assert!(bad(|e| e[0].aliases.clear()).is_none());
        // Claims pointing past an entity's aliases.
        assert!(bad(|e| e[0].aliases.truncate(1)).is_none());
    }
}
