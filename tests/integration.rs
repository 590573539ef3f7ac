//! The one integration-test binary; each concern is a module under `tests/integration/`.

#[path = "integration/common.rs"]
mod common;

#[path = "integration/cache.rs"]
mod cache;

#[path = "integration/accuracy.rs"]
mod accuracy;

#[path = "integration/dictionary.rs"]
mod dictionary;

#[path = "integration/explore.rs"]
mod explore;

#[path = "integration/exports.rs"]
mod exports;

#[path = "integration/pipeline.rs"]
mod pipeline;

#[path = "integration/hostile.rs"]
mod hostile;

#[path = "integration/properties.rs"]
mod properties;
