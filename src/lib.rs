//! notegraph turns a folder of reading notes into a knowledge graph of co-mentioned entities.
#![deny(missing_docs)]

pub mod dictionary;
pub mod error;
pub mod fsutil;
pub mod notes;
pub mod text;
pub mod graph;
pub mod matcher;
pub mod mentions;
pub mod workspace;
pub mod export;
pub mod output;
pub mod render;
