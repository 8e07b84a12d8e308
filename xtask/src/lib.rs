//! The parts of the maintainer tasks that other code reaches: the spec normaliser and the vendor
//! table, for the fuzz targets in `tests/fuzz`. The tasks themselves live in the binary.

#[path = "codegen/contract.rs"]
pub mod contract;
pub mod fsio;
#[path = "codegen/normalize.rs"]
pub mod normalize;
pub mod overlay;
pub mod vendors;
