//! A content-keyed cache of each note file's mentions, so that a run whose notes and
//! dictionary did not change never builds the automaton: aho-corasick automata cannot be
//! saved, and building one over the bundled 25k aliases cost 80-150 ms, against 1-2 ms for
//! matching the seeds. The loaded dictionary is cached beside it, compiled (see
//! [`load_dictionary`]); both share this module's file layout, hashing and checks.
//!
//! There is one cache file per set of input and dictionary paths, `mentions-<hash>.bin` in
//! the cache folder. It holds a build key (the crate version, a fingerprint of the sources
//! made by build.rs and a hash of the loaded dictionary's content) and one record per note
//! file, keyed by a hash of the file's path and text. A record is reused only when both keys
//! match, so a stale answer takes a collision of 128-bit hashes. A run that had to match
//! anything writes the file anew with exactly its own files' records: records of edited or
//! deleted notes do not pile up.
//!
//! Format, integers little-endian, `varint` an unsigned LEB128:
//!
//! ```text
//! magic "NGMENTNS" | version u32 | xxh3-128 of everything after it, u128
//! build key u128 | record count varint
//! per record: file key u128 | payload length varint | payload
//! payload: entry count varint, then per entry: mention count varint, then per mention:
//!   entity, alias, line, col, start, end, group as varints, flags u8 (rule: bits 0-1,
//!   weak: bit 2)
//! ```
//!
//! A file that does not check out (magic, version, checksum, lengths, every value in range
//! for this dictionary and this note's text) is a miss, never an error.

use crate::dictionary::{Alias, Dictionary, Entity, EntityId};
use crate::error::Result;
use crate::fsutil;
use crate::matcher::Rule;
use crate::mentions::Mention;
use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{xxh3_128, Xxh3Default};

mod compiled;

pub use compiled::{load_dictionary, Loaded, Pending};

const MAGIC: &[u8; 8] = b"NGMENTNS";
/// Bumped whenever the layout changes (the source fingerprint changes then too; this makes
/// the refusal explicit).
const VERSION: u32 = 1;
/// Magic, version and checksum.
const HEADER: usize = 8 + 4 + 16;

/// What a note file's cached mentions are keyed by: its path and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileKey(u128);

impl FileKey {
    /// The key of a note file: the path is part of it because the parser sees it too.
    pub fn of(path: &Path, text: &str) -> FileKey {
        let mut h = Hasher::new(b"notegraph file");
        h.bytes(path.as_os_str().as_encoded_bytes());
        h.bytes(text.as_bytes());
        FileKey(h.finish())
    }
}

/// A 128-bit xxh3 over length-prefixed fields, so that no two different field lists feed
/// it the same bytes; the domain tag keeps the different keys apart.
struct Hasher(Xxh3Default);

impl Hasher {
    fn new(domain: &[u8]) -> Hasher {
        let mut h = Hasher(Xxh3Default::new());
        h.bytes(domain);
        h
    }

    fn bytes(&mut self, b: &[u8]) {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
    }

    fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// The build key: the mentions of a file depend on the code that found them and on every
/// part of the dictionary that matching reads. A compiled dictionary keeps its build key
/// (see [`load_dictionary`]), so a warm run does not walk the dictionary to hash it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildKey(u128);

impl BuildKey {
    /// The build key for this code and this dictionary.
    pub fn of(dict: &Dictionary) -> BuildKey {
        let mut h = Hasher::new(b"notegraph build");
        code_version(&mut h);
        hash_dictionary(dict, &mut h);
        BuildKey(h.finish())
    }
}

/// Feeds the crate version and the sources' fingerprint (made by build.rs) to `h`: whatever
/// this code computed is valid for this code only.
fn code_version(h: &mut Hasher) {
    h.bytes(env!("CARGO_PKG_VERSION").as_bytes());
    h.bytes(env!("NOTEGRAPH_SOURCE_HASH").as_bytes());
}

/// Feeds the dictionary's content as matching sees it to `h`, through a small buffer (one
/// hash call per 16 KB instead of 100k small ones); 1.7 ms on the bundled dictionaries, most
/// of it walking 32k strings. The files' bytes would hash faster, but only the loaded
/// dictionary is sure to be what the automaton was built from: it cannot miss a file or a
/// rule of how load.rs reads them, and a file edited while a run loads it cannot pair old
/// mentions with its new bytes. Structs are destructured in full: a new field does not
/// compile here until it is hashed or said not to matter.
fn hash_dictionary(dict: &Dictionary, h: &mut Hasher) {
    let mut buf = Vec::with_capacity(1 << 15);
    put_varint(&mut buf, dict.len() as u64);
    for e in dict.entities() {
        if buf.len() >= 1 << 14 {
            h.0.update(&buf);
            buf.clear();
        }
        // Locations only say where a definition is; matching never reads them.
        let Entity {
            id,
            name,
            kind,
            aliases,
            context,
            guards,
            location: _,
        } = e;
        put_bytes(&mut buf, id.as_bytes());
        put_bytes(&mut buf, name.as_bytes());
        put_varint(&mut buf, *kind as u64);
        put_varint(&mut buf, aliases.len() as u64);
        for a in aliases {
            let Alias {
                text,
                exact,
                weak,
                location: _,
            } = a;
            put_bytes(&mut buf, text.as_bytes());
            put_varint(&mut buf, u64::from(*exact) | u64::from(*weak) << 1);
        }
        put_varint(&mut buf, context.len() as u64);
        for c in context {
            put_varint(&mut buf, u64::from(c.0));
        }
        put_varint(&mut buf, guards.len() as u64);
        for g in guards {
            put_bytes(&mut buf, g.as_bytes());
        }
    }
    h.0.update(&buf);
}

/// The cache file's name for a set of inputs and dictionaries, as absolute paths: the same
/// folders share one file whatever the current folder, and a changed dictionary replaces
/// its file's records rather than adding a file.
fn file_name(inputs: &[PathBuf], dicts: &[PathBuf]) -> String {
    format!("mentions-{:032x}.bin", paths_hash(&[inputs, dicts]))
}

/// A hash of lists of paths, made absolute.
fn paths_hash(lists: &[&[PathBuf]]) -> u128 {
    let mut h = Hasher::new(b"notegraph cache name");
    for list in lists {
        h.bytes(&(list.len() as u64).to_le_bytes());
        for p in *list {
            let p = fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            h.bytes(p.as_os_str().as_encoded_bytes());
        }
    }
    h.finish()
}

/// The cached mentions for one set of inputs and dictionaries, as read at the start of a
/// run.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    build: u128,
    bytes: Vec<u8>,
    records: HashMap<FileKey, Range<usize>>,
}

impl Cache {
    /// Reads the cache file for these inputs and dictionaries from `dir`. A missing,
    /// unreadable, corrupt or foreign file, or one made by other code or for another
    /// dictionary, gives an empty cache.
    pub fn open(dir: &Path, inputs: &[PathBuf], dicts: &[PathBuf], build: BuildKey) -> Cache {
        let build = build.0;
        let path = dir.join(file_name(inputs, dicts));
        let bytes = fs::read(&path).unwrap_or_default();
        match index(&bytes, build) {
            Some(records) => Cache {
                path,
                build,
                bytes,
                records,
            },
            None => Cache {
                path,
                build,
                bytes: Vec::new(),
                records: HashMap::new(),
            },
        }
    }

    /// Number of note files with cached mentions.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when nothing can hit: every file will be matched.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The mentions of each of a file's `entries` entries, when cached and valid for its
    /// text and this dictionary.
    pub fn get(
        &self,
        key: FileKey,
        text: &str,
        entries: usize,
        dict: &Dictionary,
    ) -> Option<Vec<Vec<Mention>>> {
        let range = self.records.get(&key)?;
        decode(&self.bytes[range.clone()], text, entries, dict)
    }

    /// Replaces the cache file with these records (each file's key and the mentions of its
    /// entries), atomically: a concurrent run reads the old file or the new one. Creates the
    /// folder if needed.
    pub fn store(&self, records: &[(FileKey, &[Vec<Mention>])]) -> Result<()> {
        write(&self.path, &encode(self.build, records))
    }
}

/// Replaces a cache file atomically (a concurrent run reads the old file or the new one),
/// creating its folder if needed.
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fsutil::ensure_dir(dir)?;
    }
    fsutil::write_atomic(path, |w| w.write_all(bytes))
}

/// A cache file: magic, version, the checksum of the body, the body.
fn frame(magic: &[u8; 8], version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&xxh3_128(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// The body of a cache file [`frame`] made, when its magic, version and checksum check out.
fn unframe<'a>(bytes: &'a [u8], magic: &[u8; 8], version: u32) -> Option<&'a [u8]> {
    if bytes.len() < HEADER || &bytes[..8] != magic {
        return None;
    }
    let mut r = Reader { bytes, at: 8 };
    if r.u32()? != version {
        return None;
    }
    let sum = r.u128()?;
    let body = &bytes[HEADER..];
    (xxh3_128(body) == sum).then_some(body)
}

/// Checks a cache file and finds its records; None unless everything checks out.
fn index(bytes: &[u8], build: u128) -> Option<HashMap<FileKey, Range<usize>>> {
    let body = unframe(bytes, MAGIC, VERSION)?;
    let mut r = Reader { bytes: body, at: 0 };
    if r.u128()? != build {
        return None;
    }
    let n = r.varint()?;
    // Every record takes at least 18 bytes: a count from a damaged file cannot reserve much.
    let mut records = HashMap::with_capacity((n as usize).min(bytes.len() / 18));
    for _ in 0..n {
        let key = FileKey(r.u128()?);
        let len = usize::try_from(r.varint()?).ok()?;
        let start = r.at;
        r.skip(len)?;
        records.insert(key, HEADER + start..HEADER + r.at);
    }
    r.done().then_some(records)
}

fn encode(build: u128, records: &[(FileKey, &[Vec<Mention>])]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&build.to_le_bytes());
    put_varint(&mut body, records.len() as u64);
    let mut payload = Vec::new();
    for (key, entries) in records {
        payload.clear();
        put_varint(&mut payload, entries.len() as u64);
        for ms in *entries {
            put_varint(&mut payload, ms.len() as u64);
            for m in ms {
                for n in [
                    u64::from(m.entity.0),
                    m.alias as u64,
                    m.line as u64,
                    m.col as u64,
                    m.start as u64,
                    m.end as u64,
                    u64::from(m.group),
                ] {
                    put_varint(&mut payload, n);
                }
                let rule = match m.rule {
                    Rule::Latin => 0,
                    Rule::LatinExact => 1,
                    Rule::Cjk => 2,
                };
                payload.push(rule | u8::from(m.weak) << 2);
            }
        }
        body.extend_from_slice(&key.0.to_le_bytes());
        put_varint(&mut body, payload.len() as u64);
        body.extend_from_slice(&payload);
    }
    frame(MAGIC, VERSION, &body)
}

/// Decodes one record, checking every value against the dictionary and the note's text, so
/// that even a record that passed the checksum by accident cannot make a query panic.
fn decode(
    payload: &[u8],
    text: &str,
    entries: usize,
    dict: &Dictionary,
) -> Option<Vec<Vec<Mention>>> {
    let mut r = Reader {
        bytes: payload,
        at: 0,
    };
    if r.usize()? != entries {
        return None;
    }
    let mut out = Vec::with_capacity(entries);
    for _ in 0..entries {
        let n = r.usize()?;
        let mut ms = Vec::with_capacity(n.min(payload.len()));
        for _ in 0..n {
            let entity = u32::try_from(r.varint()?).ok()?;
            if entity as usize >= dict.len() {
                return None;
            }
            let entity = EntityId(entity);
            let mut small = || u32::try_from(r.varint()?).ok();
            let alias = small()?;
            let (line, col, start, end) = (small()?, small()?, small()?, small()?);
            let group = u32::try_from(r.varint()?).ok()?;
            let flags = r.u8()?;
            let rule = match flags & 3 {
                0 => Rule::Latin,
                1 => Rule::LatinExact,
                2 => Rule::Cjk,
                _ => return None,
            };
            let ok = (alias as usize) < dict.get(entity).aliases.len()
                && line >= 1
                && col >= 1
                && start <= end
                && text.get(start as usize..end as usize).is_some()
                && flags >> 3 == 0;
            if !ok {
                return None;
            }
            ms.push(Mention {
                entity,
                alias,
                line,
                col,
                start,
                end,
                group,
                rule,
                weak: flags & 4 != 0,
            });
        }
        out.push(ms);
    }
    r.done().then_some(out)
}

/// Bytes after their length, so that a list of them reads back unambiguously.
fn put_bytes(buf: &mut Vec<u8>, b: &[u8]) {
    put_varint(buf, b.len() as u64);
    buf.extend_from_slice(b);
}

fn put_varint(buf: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        buf.push(n as u8 | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
}

/// Reads little-endian integers and varints; every read is None past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    /// An unsigned LEB128 of at most 64 bits; longer or overflowing encodings are refused.
    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return None;
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    /// A string [`put_bytes`] wrote; None unless it is UTF-8.
    fn str(&mut self) -> Option<&'a str> {
        let n = self.usize()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary;

    fn dict() -> Dictionary {
        dictionary::from_str(
            Path::new("d.toml"),
            r#"
[[entity]]
id = "openai"
name = "OpenAI"
kind = "company"
aliases = ["开放人工智能"]
"#,
        )
        .unwrap()
    }

    const TEXT: &str = "OpenAI 和 开放人工智能";

    fn mentions() -> Vec<Vec<Mention>> {
        let m = |alias, start, end, col, rule| Mention {
            entity: EntityId(0),
            alias,
            line: 1,
            col,
            start,
            end,
            group: 0,
            rule,
            weak: false,
        };
        vec![
            vec![m(0, 0, 6, 1, Rule::Latin), m(1, 11, 29, 10, Rule::Cjk)],
            vec![],
        ]
    }

    fn bytes(build: u128) -> Vec<u8> {
        let ms = mentions();
        encode(build, &[(FileKey::of(Path::new("a.md"), TEXT), &ms)])
    }

    fn get(bytes: &[u8], build: u128, entries: usize) -> Option<Vec<Vec<Mention>>> {
        let records = index(bytes, build)?;
        let range = records.get(&FileKey::of(Path::new("a.md"), TEXT))?;
        decode(&bytes[range.clone()], TEXT, entries, &dict())
    }

    #[test]
    fn a_record_reads_back_as_written() {
        assert_eq!(get(&bytes(7), 7, 2), Some(mentions()));
    }

    #[test]
    fn another_build_key_entry_count_or_text_is_a_miss() {
        assert_eq!(get(&bytes(7), 8, 2), None);
        assert_eq!(get(&bytes(7), 7, 3), None);
        let records = index(&bytes(7), 7).unwrap();
        assert!(!records.contains_key(&FileKey::of(Path::new("a.md"), "OpenAI")));
        assert!(!records.contains_key(&FileKey::of(Path::new("b.md"), TEXT)));
    }

    #[test]
    fn every_truncation_and_every_flipped_bit_is_a_miss() {
        let good = bytes(7);
        for len in 0..good.len() {
            assert_eq!(get(&good[..len], 7, 2), None, "truncated to {len}");
        }
        for i in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.clone();
                bad[i] ^= 1 << bit;
                assert_eq!(get(&bad, 7, 2), None, "byte {i} bit {bit}");
            }
        }
    }

    #[test]
    fn out_of_range_values_are_a_miss_even_with_a_good_checksum() {
        let bad = |f: fn(&mut Mention)| {
            let mut ms = mentions();
            f(&mut ms[0][1]);
            encode(7, &[(FileKey::of(Path::new("a.md"), TEXT), &ms)])
        };
        assert_eq!(get(&bad(|m| m.entity = EntityId(1)), 7, 2), None);
        assert_eq!(get(&bad(|m| m.alias = 2), 7, 2), None);
        assert_eq!(get(&bad(|m| m.end = 100), 7, 2), None);
        // Inside a character.
        assert_eq!(get(&bad(|m| m.start = 12), 7, 2), None);
        assert_eq!(get(&bad(|m| m.line = 0), 7, 2), None);
    }

    #[test]
    fn varints_round_trip_and_overlong_ones_are_refused() {
        for n in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, n);
            let mut r = Reader { bytes: &buf, at: 0 };
            assert_eq!(r.varint(), Some(n));
            assert!(r.done());
        }
        let too_big = [0xff; 9]
            .iter()
            .chain(&[0x02])
            .copied()
            .collect::<Vec<u8>>();
        assert_eq!(
            Reader {
                bytes: &too_big,
                at: 0
            }
            .varint(),
            None
        );
        assert_eq!(
            Reader {
                bytes: &[0x80; 11],
                at: 0
            }
            .varint(),
            None
        );
    }

    #[test]
    fn the_dictionary_content_changes_the_build_key() {
        let other = dictionary::from_str(
            Path::new("d.toml"),
            r#"
[[entity]]
id = "openai"
name = "OpenAI"
kind = "company"
aliases = ["开放人工智能", "OAI"]
"#,
        )
        .unwrap();
        assert_eq!(BuildKey::of(&dict()), BuildKey::of(&dict()));
        assert_ne!(BuildKey::of(&dict()), BuildKey::of(&other));
    }
}
