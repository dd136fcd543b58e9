//! What is wrong with an SVAML document, each problem with its JSON path.

use std::fmt;

/// One problem, at a JSON path such as `action.menus[1].options[0].action` (`$` is the
/// whole document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where.
    pub path: String,
    /// What.
    pub message: String,
}

impl Issue {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Issue {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// An SVAML document that a context does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SvamlError {
    /// The context checked against, e.g. "an ICE reply".
    pub context: &'static str,
    /// Every problem found, in document order.
    pub issues: Vec<Issue>,
}

impl SvamlError {
    pub(crate) fn new(context: &'static str, issues: Vec<Issue>) -> Self {
        SvamlError { context, issues }
    }

    pub(crate) fn one(
        context: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        SvamlError::new(context, vec![Issue::new(path, message)])
    }

    /// The paths of all problems.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.issues.iter().map(|i| i.path.as_str())
    }
}

impl fmt::Display for SvamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid SVAML for {}: ", self.context)?;
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}
