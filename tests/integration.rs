//! The one integration-test binary; each concern is a module under `tests/integration/`.

#[path = "integration/common.rs"]
mod common;

#[path = "integration/accuracy.rs"]
mod accuracy;

#[path = "integration/pipeline.rs"]
mod pipeline;

#[path = "integration/hostile.rs"]
mod hostile;

#[path = "integration/properties.rs"]
mod properties;
