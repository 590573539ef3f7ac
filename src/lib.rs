//! notegraph turns a folder of reading notes into a knowledge graph of co-mentioned entities.
#![deny(missing_docs)]

pub mod cache;
pub mod dictionary;
pub mod error;
pub mod export;
pub mod fsutil;
pub mod graph;
pub mod matcher;
pub mod mentions;
pub mod notes;
pub mod output;
pub mod query;
pub mod render;
pub mod suggest;
pub mod text;
pub mod workspace;
