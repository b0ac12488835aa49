//! Placeholder until the html reader lands (issue 12, in progress).

use crate::draft::blocks::Block;

pub fn read(_source: &str) -> Vec<Block> {
    Vec::new()
}
