//! A story's source, chosen as its headline is: whatever a reader found (a labelled field, a
//! wire dateline, a byline's outlet, a name over the date line, the site's own name, an outlet
//! the page names near the story's ends…) is a candidate, described by a vector of features;
//! fitted weights score each candidate against writing none, and the winner's probability says
//! whether it is written plainly, written as a marked guess, or left out.
//!
//! The weights and the two thresholds are estimated from the labelled sets
//! (`scripts/fit-source.py`, which reads [`explain`]'s output through
//! `examples/source_features.rs`), the thresholds by cross-validation grouped by site.

use std::cell::RefCell;

use super::explain::Slot;

use super::evidence;
use crate::fold::fold;

/// Where a candidate was found. One name found by several readers is one candidate with
/// every place it was found. (Each has the feature of its name, in this order: see
/// [`Found::feature`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A wire agency's dateline opening the story (`新华社天津2月28日电`).
    Wire,
    /// A labelled field in the story's own header or trailer (`来源:`).
    StoryLabel,
    /// A labelled field above the headline, in the page's header.
    PageLabel,
    /// An outlet in a date line or an e-paper's masthead date (`滁州日报 2017-12-26`).
    DateLine,
    /// The outlet of a byline, of a lead's reporter, of a closing credit (`(荆州日报)`), or a
    /// dateline's that is no wire's.
    Byline,
    /// A citation (`《人民日报》(2019年11月13日 16版)`), an e-paper's name, a journal's issue line.
    Citation,
    /// The outlet of a photo credit.
    PhotoCredit,
    /// The body that signs a notice, over its signing date.
    Signature,
    /// A scraper's record field.
    Record,
    /// The site's own name: a masthead line, a welcome line, `og:site_name`.
    SiteName,
    /// The page's address's host.
    Host,
    /// A news outlet named near the story's ends where no credit stands.
    NearEnds,
    /// A news outlet named on its own elsewhere on the page.
    Elsewhere,
    /// A short name on its own line next to the story's date line (`• 温州发布` / `• 2022-11-16`).
    HeaderName,
    /// A name glued to a date and time at the head of the story (`南京社会工作2025年12月18日17:12`).
    DateGlued,
    /// A lead that opens with its outlet's news tag (`中国茶网资讯:`, `XX网讯`).
    LeadPrefix,
}

impl Found {
    /// Its feature: the first features are the places, in the order of [`Found`].
    fn feature(self) -> Feature {
        FEATURES[self as usize]
    }

    /// How a review reason names the place.
    fn said(self) -> &'static str {
        match self {
            Found::Wire => "a wire dateline",
            Found::StoryLabel => "the story's source field",
            Found::PageLabel => "a source field above the headline",
            Found::DateLine => "the date line",
            Found::Byline => "a credit",
            Found::Citation => "a citation",
            Found::PhotoCredit => "a photo credit",
            Found::Signature => "the notice's signature",
            Found::Record => "the record's field",
            Found::SiteName => {
                "only the publishing site's own name (a mirror or aggregator may stand in for the outlet)"
            }
            Found::Host => "only the page's address",
            Found::NearEnds => "an outlet named near the story's ends, where no credit stands",
            Found::Elsewhere => "an outlet named elsewhere on the page",
            Found::HeaderName => "a name beside the date line",
            Found::DateGlued => "a name glued to the date at the head of the story",
            Found::LeadPrefix => "the lead's news tag",
        }
    }
}

/// Declares [`Feature`] and [`FEATURES`] from one list.
macro_rules! features {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// One signal about a source candidate.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Feature {
            $($(#[$doc])* $name,)*
        }

        /// Every feature, in the order of the vector.
        pub const FEATURES: [Feature; N] = [$(Feature::$name,)*];
    };
}

/// How many features a candidate has.
pub const N: usize = 20;

features! {
    /// Found in a wire dateline.
    Wire,
    /// In the story's source field.
    StoryLabel,
    /// In a source field above the headline.
    PageLabel,
    /// In a date line.
    DateLine,
    /// In a credit.
    Byline,
    /// In a citation.
    Citation,
    /// In a photo credit.
    PhotoCredit,
    /// In a notice's signature.
    Signature,
    /// In a record's field.
    Record,
    /// The site's own name.
    SiteName,
    /// The address's host.
    Host,
    /// Named near the story's ends.
    NearEnds,
    /// Named elsewhere on the page.
    Elsewhere,
    /// A name beside the date line.
    HeaderName,
    /// Glued to the date at the story's head.
    DateGlued,
    /// The lead's news tag.
    LeadPrefix,
    /// Reads as the name of an outlet or a body (see [`evidence::reads_as_outlet`]).
    ReadsAsOutlet,
    /// Ends as a news outlet's name does (`…日报`, `…网`, `…发布`, `…融媒`).
    NewsName,
    /// Found by two readers or more, or agreeing with another candidate (one holds the other).
    Agreed,
    /// Longer than 12 characters.
    Long,
}

/// The weight of each feature, in the order of [`FEATURES`] (`scripts/fit-source.py`). `Record`
/// and `Host` keep the weights set by hand: the fit reads saved pages and text files, where no
/// labelled story has them (a host alone is written as a guess, marked).
pub const WEIGHTS: [f32; N] =
    [4.9, 4.4, 4.0, 2.8, 2.8, 4.8, 2.4, 3.0, 4.5, -0.3, 1.5, 2.5, 0.8, 1.7, 1.9, 1.6, 0.9, 1.1, 0.9, -0.1];

/// The score of writing no source: a candidate must beat it.
pub const NONE: f32 = 2.8;

/// A candidate written without a mark needs this probability at least.
pub const PLAIN: f32 = 0.63;

/// A candidate below [`PLAIN`] is still written, marked as a guess, from this probability.
pub const GUESS: f32 = 0.34;

/// A candidate's features.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features(pub [f32; N]);

impl Features {
    fn set(&mut self, f: Feature, value: f32) {
        self.0[f as usize] = value;
    }

    /// The candidate's score: the features weighed.
    pub fn score(&self) -> f32 {
        self.0.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum()
    }
}

/// Every name found for a story's source, with where.
#[derive(Debug, Default, Clone)]
pub struct Candidates(Vec<(String, Vec<Found>)>);

impl Candidates {
    /// Adds a name found at `found` (tidied: a date glued on cut off; folded to compare).
    pub fn add(&mut self, name: &str, found: Found) {
        self.add_tidied(fold(&evidence::tidy_source(name)).trim(), found);
    }

    fn add_tidied(&mut self, name: &str, found: Found) {
        if name.is_empty() {
            return;
        }
        // An outlet merely named on the page (near the ends, elsewhere) is a candidate of its
        // own, once; a reader that found the name says more, and a mention adds nothing to it.
        let mention = |f: &Found| matches!(f, Found::NearEnds | Found::Elsewhere);
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(_) if mention(&found) => {}
            Some((_, at)) if !at.contains(&found) => {
                if !mention(&found) {
                    at.retain(|f| !mention(f));
                }
                at.push(found)
            }
            Some(_) => {}
            None => self.0.push((name.to_string(), vec![found])),
        }
    }

    /// Adds every name of `other`, with where it was found.
    pub fn extend(&mut self, other: &Candidates) {
        for (name, at) in &other.0 {
            for f in at {
                self.add_tidied(name, *f);
            }
        }
    }

    fn features(&self, k: usize) -> Features {
        let (name, at) = &self.0[k];
        let mut x = Features::default();
        for f in at {
            x.set(f.feature(), 1.0);
        }
        if evidence::reads_as_outlet(name) {
            x.set(Feature::ReadsAsOutlet, 1.0);
        }
        if super::meta::is_news_outlet_name(name) {
            x.set(Feature::NewsName, 1.0);
        }
        let holds = |a: &str, b: &str| a != b && b.chars().count() >= 2 && a.contains(b);
        if at.len() >= 2 || self.0.iter().any(|(o, _)| holds(o, name) || holds(name, o)) {
            x.set(Feature::Agreed, 1.0);
        }
        if name.chars().count() > 12 {
            x.set(Feature::Long, 1.0);
        }
        x
    }

    /// The best candidate and how sure the scorer is of it.
    pub fn choose(&self) -> Choice {
        super::explain::start(&EXPLAINED);
        let scores: Vec<f32> = (0..self.0.len())
            .map(|k| {
                let x = self.features(k);
                let score = x.score();
                let (text, found) = &self.0[k];
                super::explain::record(&EXPLAINED, || Candidate {
                    text: text.clone(),
                    found: found.clone(),
                    features: x,
                    score,
                });
                score
            })
            .collect();
        let top = scores.iter().copied().fold(NONE, f32::max);
        let z: f32 = (NONE - top).exp() + scores.iter().map(|s| (s - top).exp()).sum::<f32>();
        // Of equal scores the first found (the story's own lines come first).
        let best = (0..scores.len()).rev().max_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        match best {
            Some(k) => {
                let (name, at) = &self.0[k];
                Choice { name: Some(name.clone()), at: at.clone(), p: (scores[k] - top).exp() / z }
            }
            None => Choice { name: None, at: Vec::new(), p: 0.0 },
        }
    }
}

/// The best candidate, where it was found, and its probability against the others and none.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: Option<String>,
    pub at: Vec<Found>,
    pub p: f32,
}

/// What to do with the best candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Written without a mark.
    Plain(String),
    /// Written, marked for review with the reason.
    Guess(String, String),
    /// Not written; the reason for a mark when a candidate came near.
    Left(Option<String>),
}

impl Choice {
    /// Plain from [`PLAIN`], a marked guess from [`GUESS`], else left out (a mark naming what
    /// was found).
    pub fn verdict(&self) -> Verdict {
        let Some(name) = &self.name else { return Verdict::Left(None) };
        let strongest = self.at.iter().min_by_key(|f| f.feature() as usize).copied().unwrap_or(Found::Elsewhere);
        if self.p >= PLAIN {
            Verdict::Plain(name.clone())
        } else if self.p >= GUESS {
            let why = format!("a guess ({:.0} % sure): read from {}", self.p * 100.0, strongest.said());
            Verdict::Guess(name.clone(), why)
        } else {
            // Too weak to write, but never dropped without a word.
            Verdict::Left(Some(format!(
                "no source written: the likeliest, {name} ({}), is {:.0} % sure",
                strongest.said(),
                self.p * 100.0
            )))
        }
    }
}

/// A candidate as [`explain`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub text: String,
    pub found: Vec<Found>,
    pub features: Features,
    pub score: f32,
}

thread_local! {
    /// Candidates of each source choice made while [`explain`] runs on this thread.
    static EXPLAINED: Slot<Candidate> = const { RefCell::new(None) };
}

/// Runs `f` and returns, beside its result, the candidates of every source choice it made on
/// this thread (one list per story, in order).
pub fn explain<T>(f: impl FnOnce() -> T) -> (T, Vec<Vec<Candidate>>) {
    super::explain::explain(&EXPLAINED, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vector_and_its_weights_line_up() {
        for (i, f) in FEATURES.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?}");
        }
        // Each place is the feature of its name.
        for f in [Found::Wire, Found::Byline, Found::Record, Found::Host, Found::LeadPrefix] {
            assert_eq!(format!("{:?}", f.feature()), format!("{f:?}"));
        }
    }

    #[test]
    fn a_labelled_field_beats_the_sites_own_name_and_is_written_plainly() {
        let mut c = Candidates::default();
        c.add("某某新闻网", Found::SiteName);
        c.add("邢台市司法局", Found::StoryLabel);
        let choice = c.choose();
        assert_eq!(choice.name.as_deref(), Some("邢台市司法局"));
        assert_eq!(choice.verdict(), Verdict::Plain("邢台市司法局".into()));
    }

    #[test]
    fn one_name_found_twice_is_one_candidate_that_agrees_with_itself() {
        let mut c = Candidates::default();
        c.add("滁州日报", Found::DateLine);
        c.add("滁州日报 2017-12-26", Found::Byline);
        assert_eq!(c.0.len(), 1, "the date glued on is cut off: {c:?}");
        assert_eq!(c.features(0).0[Feature::Agreed as usize], 1.0);
    }

    #[test]
    fn a_mere_mention_adds_nothing_to_a_name_a_reader_found() {
        let mut c = Candidates::default();
        c.add("人民网", Found::StoryLabel);
        c.add("人民网", Found::NearEnds);
        c.add("新华社", Found::Elsewhere);
        c.add("新华社", Found::Byline);
        assert_eq!(c.0, vec![("人民网".into(), vec![Found::StoryLabel]), ("新华社".into(), vec![Found::Byline])]);
    }

    #[test]
    fn nothing_found_leaves_the_source_out_without_a_mark() {
        assert_eq!(Candidates::default().choose().verdict(), Verdict::Left(None));
    }

    #[test]
    fn an_outlet_named_only_elsewhere_is_never_written_plainly_nor_dropped_without_a_word() {
        let mut c = Candidates::default();
        c.add("人民日报", Found::Elsewhere);
        assert!(matches!(c.choose().verdict(), Verdict::Guess(..) | Verdict::Left(Some(_))));
    }
}
