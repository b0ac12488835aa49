//! Readers: one per input format, each turning a page into [`Block`]s.

pub mod html;
pub mod markdown;
pub mod text;

use super::blocks::Block;
use crate::lint::extract::SourceFormat;

/// Reads a page of copy into blocks, in reading order.
pub fn read(source: &str, format: SourceFormat) -> Vec<Block> {
    match format {
        SourceFormat::Html => html::read(source),
        SourceFormat::Markdown => markdown::read(source),
        SourceFormat::Text => text::read(source),
    }
}
