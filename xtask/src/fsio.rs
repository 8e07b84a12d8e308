//! Reading and writing files, with errors that name the file.

use std::path::Path;

/// A file or folder that could not be read, written or removed: its path and why.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct IoError {
    /// The file or folder, as displayed.
    pub path: String,
    /// What failed.
    pub source: std::io::Error,
}

/// For the tasks whose errors are plain text.
impl From<IoError> for String {
    fn from(e: IoError) -> Self {
        e.to_string()
    }
}

/// `result`, with its error naming `path`.
pub fn at<T>(path: &Path, result: std::io::Result<T>) -> Result<T, IoError> {
    result.map_err(|source| IoError {
        path: path.display().to_string(),
        source,
    })
}

/// The text of the file at `path`.
pub fn read(path: &Path) -> Result<String, IoError> {
    at(path, std::fs::read_to_string(path))
}

/// Writes `text` to the file at `path`.
pub fn write(path: &Path, text: impl AsRef<[u8]>) -> Result<(), IoError> {
    at(path, std::fs::write(path, text))
}

/// Writes `text` to the file at `path`, creating its folder first if need be.
pub fn write_creating_dirs(path: &Path, text: impl AsRef<[u8]>) -> Result<(), IoError> {
    if let Some(dir) = path.parent() {
        at(dir, std::fs::create_dir_all(dir))?;
    }
    write(path, text)
}
