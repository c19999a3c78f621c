//! Related practices, computed once for the whole site: shared mechanisms weigh most, then
//! how close the places are (same county, city, province), then closeness in time.

use crate::gazetteer::Gazetteer;
use crate::site::Practice;

/// For every practice, up to `n` others that share a mechanism or a place, best first.
pub fn related(practices: &[Practice], g: &Gazetteer, n: usize) -> Vec<Vec<usize>> {
    let lineages: Vec<Vec<Vec<usize>>> =
        practices.iter().map(|p| p.regions.iter().map(|&u| g.lineage(u)).collect()).collect();
    (0..practices.len())
        .map(|i| {
            let mut scored: Vec<(u32, usize)> = (0..practices.len())
                .filter(|&j| j != i)
                .filter_map(|j| {
                    let shared =
                        practices[i].mechanisms.iter().filter(|m| practices[j].mechanisms.contains(m)).count() as u32;
                    let place = place_score(&lineages[i], &lineages[j]);
                    if shared == 0 && place == 0 {
                        return None;
                    }
                    let years = (practices[i].front.year - practices[j].front.year).unsigned_abs();
                    let time = 3u32.saturating_sub(years);
                    Some((shared * 10 + place * 4 + time, j))
                })
                .collect();
            // Higher score first; ties keep site order (newest first).
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(n).map(|(_, j)| j).collect()
        })
        .collect()
}

/// Depth of the deepest unit two practices share: 3 county, 2 city, 1 province, 0 none.
fn place_score(a: &[Vec<usize>], b: &[Vec<usize>]) -> u32 {
    let mut best = 0;
    for la in a {
        for lb in b {
            let common = la.iter().zip(lb).take_while(|(x, y)| x == y).count() as u32;
            best = best.max(common);
        }
    }
    best
}
