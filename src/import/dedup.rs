//! Import stage 5d: the same story in several raw files. A reprint by another outlet, a
//! Traditional mirror, a re-encoding or a copy with another headline line share most of their
//! text once folded to Simplified. Each story's body becomes a set of hashed 5-character
//! shingles of its Han text; two stories are one when the smaller set has at least
//! [`SAME_STORY`] of its shingles in the other (containment, so a truncated copy still
//! matches). Candidates come from an index of a content-defined sample of shingles (one in
//! eight), so the work grows with the number of stories, not its square.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::fold::is_han;

/// Shingle length in characters.
const K: usize = 5;
/// Share of the smaller story's shingles found in the other: the same story.
pub const SAME_STORY: f32 = 0.6;
/// Stories shorter than this many shingles are never merged.
const MIN_SHINGLES: usize = 40;

/// A shingle's hash. 32 bits: every story of a run keeps its set until the pages are written
/// (8 bytes a shingle were 2.4 times its text), and a chance collision among a story's
/// thousand or so shingles moves a share by a thousandth.
pub type Shingle = u32;

/// Sorted, deduplicated shingle hashes of a (Simplified-folded) text.
pub fn shingles(folded: &str) -> Vec<Shingle> {
    let chars: Vec<char> = folded.chars().filter(|&c| is_han(c) || c.is_ascii_digit()).collect();
    let mut out: Vec<Shingle> = chars
        .windows(K)
        .map(|w| {
            let mut h = rustc_hash::FxHasher::default();
            w.hash(&mut h);
            h.finish() as Shingle
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.shrink_to_fit();
    out
}

/// Share of the smaller set's shingles that the other holds.
pub fn containment(a: &[Shingle], b: &[Shingle]) -> f32 {
    let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < small.len() && j < big.len() {
        match small[i].cmp(&big[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f32 / small.len() as f32
}

/// Whether `big`'s opening, as long as `small` (in Han characters and digits), has at least
/// [`SAME_STORY`] of its shingles in `small`: the other way of "similar both ways" for a
/// truncated copy, which holds only the opening of the story it copies. A report that quotes
/// another's paragraphs after a lead of its own, or a short text made of another's template
/// sentences, is contained in the other but does not open as it does.
pub fn opens_alike(small: &str, big: &str) -> bool {
    let kept = |c: &char| is_han(*c) || c.is_ascii_digit();
    let n = small.chars().filter(kept).count();
    let opening: String = big.chars().filter(kept).take(n).collect();
    let small: String = small.chars().filter(kept).collect();
    containment_of(&shingles(&opening), &shingles(&small)) >= SAME_STORY
}

/// Share of `a`'s shingles that `b` holds.
fn containment_of(a: &[Shingle], b: &[Shingle]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    a.iter().filter(|h| b.binary_search(h).is_ok()).count() as f32 / a.len() as f32
}

/// Whether two short texts (too short for [`SAME_STORY`] on shingles: a digest's item of a
/// few dozen characters) are one story: at least [`SAME_STORY`] of each one's distinct pairs
/// of adjacent characters (Han and digits) are in the other. Two different items of one
/// template share their stock phrases and dates, not most of their pairs.
pub fn alike_short(a: &str, b: &str) -> bool {
    let pairs = |t: &str| {
        let chars: Vec<char> = t.chars().filter(|&c| is_han(c) || c.is_ascii_digit()).collect();
        let mut p: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let (pa, pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        return pa == pb;
    }
    let common = pa.iter().filter(|x| pb.binary_search(x).is_ok()).count() as f32;
    common / pa.len() as f32 >= SAME_STORY && common / pb.len() as f32 >= SAME_STORY
}

/// Groups of indexes into `sets` that hold the same story, each group in index order; every
/// index is in exactly one group.
pub fn groups(sets: &[&[Shingle]]) -> Vec<Vec<usize>> {
    groups_with(sets, |_, _| true)
}

/// [`groups`] where two stories whose shingles say "same" are one only when `agree(a, b)` too
/// (their places and dates, their openings: see `run::Copies`).
pub fn groups_with(sets: &[&[Shingle]], agree: impl Fn(usize, usize) -> bool) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..sets.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut index: HashMap<Shingle, Vec<usize>> = HashMap::new();
    for (i, s) in sets.iter().enumerate() {
        if s.len() < MIN_SHINGLES {
            continue;
        }
        for &h in s.iter().filter(|&&h| h % 8 == 0) {
            index.entry(h).or_default().push(i);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for list in index.values() {
        // A sampled shingle in very many stories is a stock phrase, not evidence.
        if list.len() > 64 {
            continue;
        }
        for (x, &a) in list.iter().enumerate() {
            for &b in &list[x + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = shared.into_iter().filter(|&(_, n)| n >= 3).map(|(p, _)| p).collect();
    pairs.sort_unstable();
    for (a, b) in pairs {
        // Two copies already joined through others need no look (`agree` is the costly part:
        // a story reprinted n times is n·(n−1)/2 candidate pairs but n−1 joins).
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb && containment(sets[a], sets[b]) >= SAME_STORY && agree(a, b) {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..sets.len() {
        let r = root(&mut parent, i);
        out.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = out.into_values().collect();
    groups.sort();
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    #[test]
    fn a_traditional_truncated_reprint_is_the_same_story() {
        let a = "安徽省滁州市政府办公室副调研员王鹏二零一八年四月下派到全椒县石沛镇白庙村担任第一书记作为母亲把正在上小学的儿子放在家里会有许多不舍但她又偏偏是追求完美大大咧咧的人一年多来在村里干事风风火火广受好评";
        let b = "安徽省滁州市政府辦公室副調研員王鵬二零一八年四月下派到全椒縣石沛鎮白廟村擔任第一書記作為母親把正在上小學的兒子放在家里會有許多不舍";
        let c = "江苏省苏州市推行对标找差再攀新高机制各板块排定关键检测指标赶超计划重点项目流程优化计划全市上下形成比学赶超的浓厚氛围推动高质量发展走在前列";
        let (sa, sb, sc) = (shingles(&fold(a)), shingles(&fold(b)), shingles(&fold(c)));
        assert!(containment(&sa, &sb) >= SAME_STORY);
        assert!(containment(&sa, &sc) < 0.1);
        assert_eq!(groups(&[&sa, &sc, &sb]), [vec![0, 2], vec![1]]);
    }

    #[test]
    fn a_story_keeps_its_shingles_without_spare_room() {
        // Kept for every story of a run until its pages are written: a repeated phrase's
        // shingles once, and no capacity beyond them.
        let set = shingles("对标找差再攀新高对标找差再攀新高对标找差再攀新高");
        assert_eq!(set.len(), 8);
        assert_eq!(set.capacity(), set.len());
    }

    #[test]
    fn copies_joined_through_others_are_not_compared_again() {
        // Eight reprints of one story are 28 candidate pairs; seven looks join them all.
        let text = "安徽省滁州市政府办公室副调研员王鹏二零一八年四月下派到全椒县石沛镇白庙村担任第一书记作为母亲把正在上小学的儿子放在家里会有许多不舍但她又偏偏是追求完美大大咧咧的人一年多来在村里干事风风火火广受好评";
        let set = shingles(&fold(text));
        let sets = vec![set.as_slice(); 8];
        let looks = std::cell::Cell::new(0);
        let agree = |_, _| {
            looks.set(looks.get() + 1);
            true
        };
        assert_eq!(groups_with(&sets, agree), [(0..8).collect::<Vec<_>>()]);
        assert_eq!(looks.get(), 7);
    }
}
