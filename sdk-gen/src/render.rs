//! Small text-building helpers shared by the language templates.

use std::collections::BTreeMap;

/// Generated files by path relative to the language's output directory.
#[derive(Debug, Default)]
pub struct Files {
    pub files: BTreeMap<String, String>,
    /// Files that are the same for every schema (runtime helpers); golden tests skip them.
    pub fixed: Vec<String>,
}

impl Files {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, path: String, content: String, fixed: bool) {
        if fixed {
            self.fixed.push(path.clone());
        }
        self.files.insert(path, content);
    }
}

/// A line-oriented text buffer.
#[derive(Debug, Default)]
pub struct Text(String);

impl Text {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, s: &str) {
        self.0.push_str(s);
    }
    pub fn line(&mut self, s: &str) {
        self.0.push_str(s.trim_end());
        self.0.push('\n');
    }
    pub fn blank(&mut self) {
        self.0.push('\n');
    }
    pub fn finish(self) -> String {
        self.0
    }
    /// The text with trailing blank lines collapsed to a single newline.
    pub fn finish_trimmed(self) -> String {
        let mut s = self.0.trim_end().to_string();
        s.push('\n');
        s
    }
}
