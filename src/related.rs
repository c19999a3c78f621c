//! Related practices, computed once for the whole site: shared mechanisms weigh most, then
//! how close the places are (same county, city, province), then closeness in time.
//!
//! Score of a pair: 10 × shared mechanisms, plus 4 × place depth (3 county, 2 city, 1
//! province), plus closeness in years (3 − |Δ|, at least 0). Pairs sharing neither a mechanism nor a
//! province are not related. Ties keep site order (newest first).
//!
//! All pairs would be n² (50,000 pages are 2.5 × 10⁹ pairs), so a practice's candidates are
//! looked up in buckets (`Buckets`: the practices with a given pair of mechanisms, mechanism
//! and place, mechanism, place), visited in order of the best score each can give; the visit
//! stops once no bucket left can beat the n-th best found. Place and time together add at
//! most 15, less than two mechanisms, so the pairs' buckets mostly settle it.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::gazetteer::Gazetteer;
use crate::practice::Practice;

/// What ranking reads of a practice, packed so comparing two is a few instructions.
struct Profile {
    /// Bit m set: the practice has vocabulary entry m (entries past 128 go to `more_mechanisms`).
    mechanisms: u128,
    more_mechanisms: Vec<usize>,
    /// Lineage (province, city, county) of its first region, `u32::MAX`-padded; the others after.
    place: [u32; 3],
    more_places: Vec<[u32; 3]>,
    year: Option<i32>,
}

/// What a shared mechanism, each level of a shared place and the closest years weigh.
const MECHANISM: u32 = 10;
const PLACE: u32 = 4;
const TIME: u32 = 3;

/// For every practice, up to `n` others that share a mechanism or a place, best first.
pub(crate) fn related(practices: &[Practice], g: &Gazetteer, n: usize) -> Vec<Vec<usize>> {
    let profiles: Vec<Profile> = practices
        .iter()
        .map(|p| {
            let mut places = p.regions.iter().map(|&u| {
                let mut l = [u32::MAX; 3];
                for (slot, a) in l.iter_mut().zip(g.lineage(u)) {
                    *slot = a as u32;
                }
                l
            });
            let place = places.next().unwrap_or([u32::MAX; 3]);
            Profile {
                mechanisms: p.mechanisms.iter().filter(|&&m| m < 128).fold(0, |acc, &m| acc | 1 << m),
                more_mechanisms: p.mechanisms.iter().copied().filter(|&m| m >= 128).collect(),
                place,
                more_places: places.collect(),
                year: p.front.year,
            }
        })
        .collect();
    rank(&profiles, n)
}

/// Buckets of candidates, each holding practices (by index, in site order) that share
/// something with whoever looks them up: a pair of mechanisms, a mechanism and a place, a
/// mechanism, a place. A practice's candidates are its buckets' members; every pair that
/// scores is in one of them.
#[derive(Default)]
struct Buckets {
    pairs: FxHashMap<(u32, u32), Vec<u32>>,
    mechanism_places: FxHashMap<(u32, u32), Vec<u32>>,
    mechanisms: FxHashMap<u32, Vec<u32>>,
    places: FxHashMap<u32, Vec<u32>>,
}

impl Profile {
    /// The vocabulary entries of the practice, ascending.
    fn mechanism_ids(&self) -> Vec<u32> {
        let bits = (0..128u32).filter(|&m| self.mechanisms & (1 << m) != 0);
        let mut ids: Vec<u32> = bits.chain(self.more_mechanisms.iter().map(|&m| m as u32)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The units of the practice's places with their depth (1 province, 2 city, 3 county),
    /// each once, deepest first.
    fn units(&self) -> Vec<(u32, u32)> {
        let mut units: Vec<(u32, u32)> = std::iter::once(&self.place)
            .chain(&self.more_places)
            .flat_map(|l| l.iter().zip(1..).filter(|(&u, _)| u != u32::MAX).map(|(&u, d)| (d, u)))
            .collect();
        units.sort_unstable_by(|a, b| b.cmp(a));
        units.dedup();
        units.into_iter().map(|(d, u)| (u, d)).collect()
    }
}

impl Buckets {
    fn of(profiles: &[Profile]) -> Buckets {
        let mut b = Buckets::default();
        for (j, p) in profiles.iter().enumerate() {
            let j = j as u32;
            let ms = p.mechanism_ids();
            let units = p.units();
            for (k, &a) in ms.iter().enumerate() {
                b.mechanisms.entry(a).or_default().push(j);
                for &c in &ms[k + 1..] {
                    b.pairs.entry((a, c)).or_default().push(j);
                }
                for &(u, _) in &units {
                    b.mechanism_places.entry((a, u)).or_default().push(j);
                }
            }
            for &(u, _) in &units {
                b.places.entry(u).or_default().push(j);
            }
        }
        b
    }

    /// The buckets practice `me` looks in, each with the highest score a member not met in
    /// an earlier bucket can have, highest first. Members sharing two mechanisms or more
    /// come first, whatever their score (the pairs' buckets); then one mechanism and a
    /// place (10 + 4 × depth + 3), one mechanism (10 + 3), a place alone (4 × depth + 3).
    fn of_practice(&self, me: &Profile) -> Vec<(u32, &[u32])> {
        let ms = me.mechanism_ids();
        let units = me.units();
        let mut out: Vec<(u32, &[u32])> = Vec::new();
        for (k, &a) in ms.iter().enumerate() {
            let pairs = ms[k + 1..].iter().filter_map(|&c| self.pairs.get(&(a, c)));
            out.extend(pairs.map(|v| (u32::MAX, v.as_slice())));
        }
        for &a in &ms {
            let places = units
                .iter()
                .filter_map(|&(u, d)| Some((MECHANISM + PLACE * d + TIME, self.mechanism_places.get(&(a, u))?)));
            out.extend(places.map(|(bound, v)| (bound, v.as_slice())));
            out.extend(self.mechanisms.get(&a).map(|v| (MECHANISM + TIME, v.as_slice())));
        }
        let places = units.iter().filter_map(|&(u, d)| Some((PLACE * d + TIME, self.places.get(&u)?)));
        out.extend(places.map(|(bound, v)| (bound, v.as_slice())));
        out.sort_by_key(|b| std::cmp::Reverse(b.0));
        out
    }
}

fn rank(profiles: &[Profile], n: usize) -> Vec<Vec<usize>> {
    let buckets = Buckets::of(profiles);
    (0..profiles.len()).into_par_iter().map(|i| best(profiles, &buckets, i, n)).collect()
}

/// The `n` best-scoring others of practice `i`: its buckets visited in order of the best
/// score they can add, until none left can beat the `n`-th best found.
fn best(profiles: &[Profile], buckets: &Buckets, i: usize, n: usize) -> Vec<usize> {
    let me = &profiles[i];
    // Kept sorted: score descending, index ascending.
    let mut top: Vec<(u32, usize)> = Vec::with_capacity(n + 1);
    for (bound, members) in buckets.of_practice(me) {
        if top.len() == n && top.last().is_some_and(|&(s, _)| s > bound) {
            break;
        }
        for &j in members {
            let j = j as usize;
            if j == i || top.iter().any(|&(_, o)| o == j) {
                continue;
            }
            let Some(score) = score(me, &profiles[j]) else { continue };
            if top.len() == n
                && top.last().is_some_and(|&(s, last)| (s, std::cmp::Reverse(last)) >= (score, std::cmp::Reverse(j)))
            {
                continue;
            }
            let at = top.iter().position(|&(s, o)| s < score || (s == score && o > j)).unwrap_or(top.len());
            top.insert(at, (score, j));
            top.truncate(n);
        }
    }
    top.into_iter().map(|(_, j)| j).collect()
}

/// The score of `other` for `me`; `None` when they share neither a mechanism nor a place.
fn score(me: &Profile, other: &Profile) -> Option<u32> {
    let mut shared = (me.mechanisms & other.mechanisms).count_ones();
    if !me.more_mechanisms.is_empty() {
        shared += me.more_mechanisms.iter().filter(|m| other.more_mechanisms.contains(m)).count() as u32;
    }
    let mut place = common(&me.place, &other.place);
    if !me.more_places.is_empty() || !other.more_places.is_empty() {
        for a in std::iter::once(&me.place).chain(&me.more_places) {
            for b in std::iter::once(&other.place).chain(&other.more_places) {
                place = place.max(common(a, b));
            }
        }
    }
    if shared == 0 && place == 0 {
        return None;
    }
    let time = match (me.year, other.year) {
        (Some(a), Some(b)) => TIME.saturating_sub((a - b).unsigned_abs()),
        _ => 0,
    };
    Some(shared * MECHANISM + place * PLACE + time)
}

/// Depth of the deepest unit two lineages share: 3 county, 2 city, 1 province, 0 none.
fn common(a: &[u32; 3], b: &[u32; 3]) -> u32 {
    if a[0] != b[0] || a[0] == u32::MAX {
        0
    } else if a[1] != b[1] || a[1] == u32::MAX {
        1
    } else if a[2] != b[2] || a[2] == u32::MAX {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair scored, sorted by (score descending, index ascending): the definition.
    fn all_pairs(profiles: &[Profile], n: usize) -> Vec<Vec<usize>> {
        (0..profiles.len())
            .map(|i| {
                let mut scored: Vec<(u32, usize)> = (0..profiles.len())
                    .filter(|&j| j != i)
                    .filter_map(|j| score(&profiles[i], &profiles[j]).map(|s| (s, j)))
                    .collect();
                scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.into_iter().take(n).map(|(_, j)| j).collect()
            })
            .collect()
    }

    /// Deterministic profiles with many ties: few mechanisms, places and years.
    fn profiles(count: usize, seed: u64) -> Vec<Profile> {
        let mut x = seed;
        let mut next = move |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let lineage = |r: [u64; 4]| {
            let p = r[0] as u32;
            let c = p * 10 + r[1] as u32;
            let k = c * 10 + r[2] as u32;
            match r[3] {
                0 => [p, u32::MAX, u32::MAX],
                1 => [p, c, u32::MAX],
                _ => [p, c, k],
            }
        };
        (0..count)
            .map(|_| {
                let mechanisms = (0..next(4)).fold(0u128, |acc, _| acc | 1 << next(6));
                let more_mechanisms = if next(10) == 0 { vec![128 + next(2) as usize] } else { vec![] };
                let place = [next(3), next(3), next(2), next(4)];
                let place = if next(8) == 0 { [u32::MAX; 3] } else { lineage(place) };
                let other = [next(3), next(3), next(2), next(4)];
                let more_places = if next(6) == 0 { vec![lineage(other)] } else { vec![] };
                Profile { mechanisms, more_mechanisms, place, more_places, year: Some(2015 + next(8) as i32) }
            })
            .collect()
    }

    #[test]
    fn pruned_ranking_equals_all_pairs() {
        for seed in 1..=5 {
            let p = profiles(400, seed);
            for n in [1, 5, 12] {
                assert_eq!(rank(&p, n), all_pairs(&p, n), "seed {seed}, n {n}");
            }
        }
    }

    #[test]
    fn shared_mechanisms_outweigh_place_and_time() {
        let at = |mechanisms: u128, place: [u32; 3], year: i32| Profile {
            mechanisms,
            more_mechanisms: vec![],
            place,
            more_places: vec![],
            year: Some(year),
        };
        let p = vec![
            at(0b11, [1, 2, 3], 2020),
            at(0b01, [1, 2, 3], 2020), // one mechanism, same county and year: 10 + 12 + 3
            at(0b11, [9, 9, 9], 2010), // two mechanisms, nothing else: 20
            at(0b100, [1, 2, u32::MAX], 2020), // city only: 8 + 3
            at(0b100, [5, u32::MAX, u32::MAX], 2020), // nothing shared
        ];
        assert_eq!(rank(&p, 5)[0], [1, 2, 3]);
    }
}
