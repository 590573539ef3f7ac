//! Rendering DOT to images through Graphviz (graphviz-rust runs `dot` from PATH).

use crate::error::{Error, Result};
use graphviz_rust::cmd::{CommandArg, Format, Layout};
use std::io;

/// Image formats `render` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageFormat {
    /// Scalable vector graphics (fonts left to the viewer).
    #[default]
    Svg,
    /// Raster; Chinese labels need a CJK font installed (fonts-noto-cjk or fonts-wqy-zenhei).
    Png,
    /// PDF.
    Pdf,
}

impl ImageFormat {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
            ImageFormat::Pdf => "pdf",
        }
    }
}

/// Graphviz layout engines offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// Scalable force-directed: the default, readable for a few dozen to hundreds of nodes.
    #[default]
    Sfdp,
    /// Spring model.
    Neato,
    /// Force-directed.
    Fdp,
    /// Hierarchical.
    Dot,
    /// Circular.
    Circo,
}

/// The install hint shown when `dot` is missing.
pub const INSTALL_HINT: &str =
    "install graphviz: apt install graphviz (debian/ubuntu) or brew install graphviz (macos)";

/// True when Graphviz's `dot` can be run.
pub fn dot_available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Renders DOT text to an image.
pub fn render(dot: String, format: ImageFormat, engine: Engine) -> Result<Vec<u8>> {
    let format = match format {
        ImageFormat::Svg => Format::Svg,
        ImageFormat::Png => Format::Png,
        ImageFormat::Pdf => Format::Pdf,
    };
    let layout = match engine {
        Engine::Sfdp => Layout::Sfdp,
        Engine::Neato => Layout::Neato,
        Engine::Fdp => Layout::Fdp,
        Engine::Dot => Layout::Dot,
        Engine::Circo => Layout::Circo,
    };
    graphviz_rust::exec_dot(
        dot,
        vec![CommandArg::Layout(layout), CommandArg::Format(format)],
    )
    .map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::Render {
            message: "graphviz's dot was not found on PATH".into(),
            hint: INSTALL_HINT.into(),
        },
        _ => Error::Render {
            message: format!("graphviz failed: {}", e.to_string().trim().to_lowercase()),
            hint: "run dot on the written graph.dot to see the problem".into(),
        },
    })
}
