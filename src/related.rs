//! Related practices, computed once for the whole site: shared mechanisms weigh most, then
//! how close the places are (same county, city, province), then closeness in time.

use rayon::prelude::*;

use crate::gazetteer::Gazetteer;
use crate::site::Practice;

/// What ranking reads of a practice, packed so comparing two is a few instructions: this is
/// an all-pairs loop (n² pairs; 10,000 pages are 10⁸).
struct Profile {
    /// Bit m set: the practice has vocabulary entry m (entries past 128 go to `more_mechanisms`).
    mechanisms: u128,
    more_mechanisms: Vec<usize>,
    /// Lineage (province, city, county) of its first region, `u32::MAX`-padded; the others after.
    place: [u32; 3],
    more_places: Vec<[u32; 3]>,
    year: i32,
}

/// For every practice, up to `n` others that share a mechanism or a place, best first.
pub fn related(practices: &[Practice], g: &Gazetteer, n: usize) -> Vec<Vec<usize>> {
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
    (0..practices.len()).into_par_iter().map(|i| best(&profiles, i, n)).collect()
}

/// The `n` best-scoring others of practice `i`; ties keep site order (newest first).
fn best(profiles: &[Profile], i: usize, n: usize) -> Vec<usize> {
    let me = &profiles[i];
    // Kept sorted: score descending, index ascending.
    let mut top: Vec<(u32, usize)> = Vec::with_capacity(n + 1);
    for (j, other) in profiles.iter().enumerate() {
        if j == i {
            continue;
        }
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
            continue;
        }
        let time = 3u32.saturating_sub((me.year - other.year).unsigned_abs());
        let score = shared * 10 + place * 4 + time;
        if top.len() == n && top.last().is_some_and(|&(s, _)| s >= score) {
            continue;
        }
        let at = top.iter().position(|&(s, _)| s < score).unwrap_or(top.len());
        top.insert(at, (score, j));
        top.truncate(n);
    }
    top.into_iter().map(|(_, j)| j).collect()
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
