#!/usr/bin/env python3
"""Estimates the source scorer's weights and thresholds from labelled raw articles, and says how
well the code's weights and the fitted ones do on sites held out from fitting.

    cargo build --release --example source_features
    for s in real fresh fresh3 fresh5 fresh7 fresh8 fresh9 fresh10; do
        target/release/examples/source_features tests/fixtures/$s/raw > /tmp/src-$s.jsonl
    done
    python3 scripts/fit-source.py /tmp/src-real.jsonl tests/fixtures/real [/tmp/src-fresh.jsonl tests/fixtures/fresh …]

Each story is one choice among its candidates and writing none. The model is a conditional
logit: the probability of each option is the softmax of its weighed features (none has one
weight of its own); the weights maximise the likelihood of the right option, with an L2 penalty
that keeps each near the code's weight unless the data says otherwise. A candidate is right where
the corpus scorer would count it right (one name holds the other, brackets ignored); none is
right where the label names no source. A labelled source the page never prints is not scored
(as the corpus scorer does), nor one no reader found (it counts as a miss in the figures).

The thresholds: a candidate is written plainly from the probability `plain`, as a marked guess
from `guess`. Both are read off the held-out probabilities of 5-fold cross-validation grouped by
site (every set's pages come from sites no other set has; within a set each file is its own
site, the corpus's re-encoded copies with their originals): `plain` is the lowest at which at
least 97.5 % of plain writes are right (where the label names a source, as the corpus scorer
counts), `guess` the lowest at which marked guesses are right at least half the time (a guess
where the label names no source counts as wrong). (Read off the same held-out predictions they are scored on, the figures
are a little optimistic for the thresholds, not for the weights.) Standard library only, and the corpus scorer's own helpers.
"""

import importlib.util
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("score", os.path.join(HERE, "..", "tests", "fixtures", "real", "score.py"))
score = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score)


def site(set_name, fname):
    copies = {"063": "028", "064": "021", "065": "045", "066": "062"}
    n = fname[:3]
    return f"{set_name}:{copies.get(n, n) if set_name == 'real' else n}"


def clean_name(s):
    return score.norm(re.sub(r"[（(][^）)]*[）)]", "", s or ""))


def matches(text, want):
    g = clean_name(text)
    return bool(g) and (want in g or g in want)


def load(pairs):
    rows = []
    head = None
    for cands_path, set_dir in pairs:
        set_name = os.path.basename(os.path.normpath(set_dir))
        labels = {}
        for l in open(os.path.join(set_dir, "labels.tsv"), encoding="utf-8"):
            if l.startswith("#") or not l.strip():
                continue
            f = l.rstrip("\n").split("\t") + [""] * 10
            labels.setdefault(f[0], []).append({"title": f[1], "source": f[4]})
        used = set()
        for line in open(cands_path, encoding="utf-8"):
            r = json.loads(line)
            if "features" in r:
                head = r
                continue
            stories = labels.get(r["file"])
            if not stories:
                continue
            # The label of this story: by title where a file has several.
            g = score.bigrams(r["title"] or "")
            free = [k for k in range(len(stories)) if (r["file"], k) not in used]
            if not free:
                continue
            k = max(free, key=lambda k: len(g & score.bigrams(stories[k]["title"])) / (len(g) or 1)) if len(stories) > 1 else free[0]
            used.add((r["file"], k))
            want = clean_name(stories[k]["source"])
            if want:
                printed = score.norm(score.raw_text(os.path.join(set_dir, "raw", r["file"])))
                if want not in printed:
                    continue
            xs = [c["x"] for c in r["candidates"]]
            ys = [matches(c["text"], want) if want else False for c in r["candidates"]]
            rows.append({
                "site": site(set_name, r["file"]), "file": f"{set_name}/{r['file']}", "want": want,
                "xs": xs, "ys": ys, "texts": [c["text"] for c in r["candidates"]],
            })
    return head, rows


def dot(w, x):
    return sum(a * b for a, b in zip(w, x))


def probs(w, none, xs):
    s = [none] + [dot(w, x) for x in xs]
    m = max(s)
    e = [math.exp(v - m) for v in s]
    z = sum(e)
    return [v / z for v in e]


def fit(rows, w0, none0, l2=0.1, steps=300, rate=0.5):
    """Weights (and none's score) that maximise the likelihood of the right option."""
    data = [r for r in rows if (not r["want"]) or any(r["ys"])]
    w, none = list(w0), none0
    k = len(w)
    for _ in range(steps):
        g = [-l2 * (wi - pi) for wi, pi in zip(w, w0)]
        gn = -l2 * (none - none0)
        for r in data:
            p = probs(w, none, r["xs"])
            gold = [0.0 if r["want"] else 1.0] + [1.0 if y else 0.0 for y in r["ys"]]
            z = sum(gold)
            gold = [v / z for v in gold]
            gn += gold[0] - p[0]
            for x, pi, gi in zip(r["xs"], p[1:], gold[1:]):
                for j in range(k):
                    g[j] += (gi - pi) * x[j]
        w = [wi + rate * gj / len(data) for wi, gj in zip(w, g)]
        none += rate * gn / len(data)
    return w, none


def decide(r, w, none):
    """(written text or None, its probability, whether right)."""
    p = probs(w, none, r["xs"])
    if not r["xs"]:
        return None, 0.0, False
    k = max(range(len(r["xs"])), key=lambda i: (p[i + 1], -i))
    return r["texts"][k], p[k + 1], r["ys"][k]


def tally(rows, w, none, plain, guess):
    t = dict(right_plain=0, right_marked=0, wrong_plain=0, wrong_marked=0, missed=0, labelled=0, claims=0, empty=0)
    for r in rows:
        text, p, ok = decide(r, w, none)
        written = text is not None and p >= guess
        if r["want"]:
            t["labelled"] += 1
            if not written:
                t["missed"] += 1
            elif ok:
                t["right_plain" if p >= plain else "right_marked"] += 1
            else:
                t["wrong_plain" if p >= plain else "wrong_marked"] += 1
        else:
            t["empty"] += 1
            t["claims"] += written and p >= plain
    return t


def thresholds(preds, target=0.975):
    """`plain`: the lowest probability from which plain writes are right at least `target` of the
    time, on stories whose label names a source (as the corpus scorer counts); `guess`: the lowest
    from which marked guesses below `plain` are right at least half the time, a guess where the
    label names no source counting as wrong. `preds` are (probability, right, labelled) of each
    story's best candidate."""
    grid = [i / 100 for i in range(5, 100)]

    def share(sel):
        return sum(sel) / len(sel) if sel else 1.0

    plain = next((c for c in grid if share([ok for p, ok, lab in preds if lab and p >= c]) >= target), 0.99)
    guess = next((c for c in grid if share([ok for p, ok, _ in preds if c <= p < plain]) >= 0.5), plain)
    return plain, guess


def line(name, t):
    written_plain = t["right_plain"] + t["wrong_plain"]
    cal = f"{t['right_plain']}/{written_plain}" if written_plain else "0/0"
    return (f"{name}: right {t['right_plain'] + t['right_marked']}/{t['labelled']} "
            f"(plain {t['right_plain']}, marked {t['right_marked']}); wrong plain {t['wrong_plain']}, wrong marked "
            f"{t['wrong_marked']}, none written {t['missed']}; plain writes right {cal}; "
            f"plain writes where the label names none {t['claims']}/{t['empty']}")


def main():
    args = sys.argv[1:]
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__)
    head, rows = load(list(zip(args[::2], args[1::2])))
    names, w0, none0 = head["features"], head["weights"], head["none"]
    reach = sum(1 for r in rows if r["want"] and any(r["ys"]))
    print(f"stories {len(rows)} of {len({r['site'] for r in rows})} sites; a printed source labelled "
          f"{sum(1 for r in rows if r['want'])}, found among the candidates {reach}")
    print(line("the code's weights (in-sample)", tally(rows, w0, none0, head["plain"], head["guess"])))
    # Held-out probabilities: each fold's stories scored by weights fitted on the other folds.
    sites = sorted({r["site"] for r in rows})
    folds = 5
    held_rows, held_w = [], []
    for i in range(folds):
        test_sites = set(sites[i::folds])
        wf, nf = fit([r for r in rows if r["site"] not in test_sites], w0, none0)
        for r in rows:
            if r["site"] in test_sites:
                held_rows.append(r)
                held_w.append((wf, nf))
    preds = []
    for r, (wf, nf) in zip(held_rows, held_w):
        text, p, ok = decide(r, wf, nf)
        # (A guess written where the label names none is wrong too.)
        if text is not None:
            preds.append((p, ok, bool(r["want"])))
    plain, guess = thresholds(preds)
    held = None
    for r, (wf, nf) in zip(held_rows, held_w):
        t = tally([r], wf, nf, plain, guess)
        held = t if held is None else {k: held[k] + t[k] for k in t}
    print(line(f"fitted, {folds}-fold cross-validation grouped by site (held out; plain {plain:.2f}, guess {guess:.2f})", held))
    w, none = fit(rows, w0, none0)
    print(line("fitted on all (in-sample, same thresholds)", tally(rows, w, none, plain, guess)))
    print(f"fitted weights (all stories), beside the code's; none {none:.2f} ({none0:.2f}), plain {plain:.2f}, guess {guess:.2f}:")
    for n, wi, pi in zip(names, w, w0):
        print(f"  {n:14} {wi:7.2f} {pi:7.2f}")
    print("rust: [" + ", ".join(f"{x:.1f}" for x in w) + f"], NONE {none:.1f}")


if __name__ == "__main__":
    main()
