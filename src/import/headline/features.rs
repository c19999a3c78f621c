//! What speaks for and against a candidate headline, as numbers, and the weights that turn
//! them into its score. One vector for every candidate — a line of the page or one of its
//! title fields — so a new signal is a feature with a weight, not a new branch, and the
//! weights can be estimated from labelled pages (`scripts/fit-headline.py`, which reads
//! [`explain`]'s output through `examples/headline_features.rs`).

use std::cell::RefCell;

use crate::import::explain::Slot;

/// Declares [`Feature`] and [`FEATURES`] (every feature, in the order of the vector) from one list.
macro_rules! features {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// One signal about a candidate.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Feature {
            $($(#[$doc])* $name,)*
        }

        /// Every feature, in the order of the vector.
        pub const FEATURES: [Feature; 24] = [$(Feature::$name,)*];
    };
}

features! {
    /// 8 to 40 characters: a headline's length.
    Length8To40,
    /// 5 to 7 or 41 to 50 characters (a line).
    LengthNear,
    /// Ends as a sentence does (`。`), not as a headline may (`?`, `”`).
    EndsSentence,
    /// Two commas or more.
    Commas,
    /// Two parallel clauses of similar length (`需求网上说 纠纷云解决`).
    Parallel,
    /// Opens with `【` or `[`.
    Bracketed,
    /// The name of a body or an outlet (`…人民政府`, `…日报`).
    Organisation,
    /// Marked up as the page's `<h1>`.
    Heading1,
    /// Marked up as another heading.
    Heading,
    /// Labelled `原标题:`.
    OriginalLabel,
    /// The next line is a date, source or byline line.
    MetaNext,
    /// The line after next is (the next one being headline-shaped too: a deck).
    MetaAfterNext,
    /// Body text follows within three lines.
    BodyFollows,
    /// Printed below the first paragraph of body text.
    BelowBody,
    /// Share of its words the page's title fields repeat (0–1).
    FieldAgreement,
    /// Share of its words the first paragraphs repeat (0–1).
    BodyOverlap,
    /// Printed twice near the top.
    PrintedTwice,
    /// Holds another candidate whole (a `<title>` captured as text): it vouches for that one.
    HoldsAnother,
    /// Another line near the top holds it.
    HeldByAnother,
    /// Its line number among the candidates.
    Position,
    /// A title field (or breadcrumb tail) of other length than 8 to 40 characters.
    FieldOtherLength,
    /// A title field's words the first paragraphs repeat (0–1).
    FieldBodyOverlap,
    /// A title field of the page (`<title>`, `og:title`, a record's title, a breadcrumb tail).
    Field,
    /// Its rank among the title fields (0 strongest).
    FieldRank,
}

/// The weight of each feature, in the order of [`FEATURES`].
pub const WEIGHTS: [f32; 24] = [
    3.0, 1.5, -3.0, -1.5, 1.0, -0.5, -4.0, 3.0, 1.0, 8.0, 4.0, 2.0, 1.5, -3.0, 5.0, 3.0, 1.0, -4.0, 3.0, -0.25, 1.5,
    4.0, 2.0, -0.5,
];

/// A candidate's features.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features(pub [f32; 24]);

impl Features {
    pub fn set(&mut self, f: Feature, value: f32) {
        self.0[f as usize] = value;
    }

    pub fn get(&self, f: Feature) -> f32 {
        self.0[f as usize]
    }

    /// The candidate's score: the features weighed.
    pub fn score(&self) -> f32 {
        self.0.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum()
    }
}

/// A candidate as [`explain`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub text: String,
    pub features: Features,
    pub score: f32,
}

thread_local! {
    /// Candidates of each headline choice made while [`explain`] runs on this thread.
    static EXPLAINED: Slot<Candidate> = const { RefCell::new(None) };
}

/// Runs `f` and returns, beside its result, the candidates of every headline choice it made
/// on this thread (one list per choice, in order).
pub fn explain<T>(f: impl FnOnce() -> T) -> (T, Vec<Vec<Candidate>>) {
    crate::import::explain::explain(&EXPLAINED, f)
}

/// Starts the list of a new headline choice (when [`explain`] runs).
pub(super) fn start_choice() {
    crate::import::explain::start(&EXPLAINED);
}

/// Notes a candidate of the current choice (when [`explain`] runs).
pub(super) fn record(text: &str, features: &Features, score: f32) {
    crate::import::explain::record(&EXPLAINED, || Candidate { text: text.to_string(), features: *features, score });
}

#[cfg(test)]
mod tests {
    use super::Feature::*;
    use super::*;

    #[test]
    fn the_vector_and_its_weights_line_up() {
        for (i, f) in FEATURES.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
        }
        let mut x = Features::default();
        x.set(Length8To40, 1.0);
        x.set(MetaNext, 1.0);
        x.set(Position, 2.0);
        assert_eq!(x.score(), 3.0 + 4.0 - 0.5);
    }
}
