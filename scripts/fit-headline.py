#!/usr/bin/env python3
"""Estimates the headline scorer's weights from labelled raw articles, and says how well the
weights in the code and the fitted ones pick headlines on files held out from fitting.

    cargo run --example headline_features -- tests/fixtures/real/raw > /tmp/real.jsonl
    cargo run --example headline_features -- EXTRACTION_BENCHMARK/pages > /tmp/bench.jsonl
    python3 scripts/fit-headline.py /tmp/real.jsonl tests/fixtures/real/labels.tsv \
        [/tmp/bench.jsonl EXTRACTION_BENCHMARK/labels.tsv …]

The model is a conditional logit: of one choice's candidates, the probability of each is the
softmax of its weighed features; the weights maximise the likelihood of the candidate that is
the labelled headline, with an L2 penalty. Held-out figures come from cross-validation grouped
by site: every file of one site (and its re-encoded copies) is held out together, so a rule
fitted to one site's template is not scored on that site. Standard library only (opencc, when
installed, folds Traditional to Simplified as the corpus scorer does).
"""

import json
import math
import re
import sys
from collections import defaultdict

try:
    import opencc

    _t2s = opencc.OpenCC("t2s").convert
except ImportError:  # pragma: no cover
    _t2s = lambda s: s  # noqa: E731


def norm(s):
    s = _t2s(s or "")
    return re.sub(r"[\s\u3000:：·,，、!！?？\"“”'‘’()（）《》<>【】\[\]|_\-—–…]", "", s)


def right(text, golds):
    t = norm(text)
    for g in golds:
        g = norm(g)
        if not g or not t:
            continue
        if t == g or (t in g and len(t) >= 0.6 * len(g)) or (g in t and len(g) >= 0.8 * len(t)):
            return True
    return False


def site(fname):
    # Re-encoded copies share their original's site (the corpus README).
    copies = {"063": "028", "064": "021", "065": "045", "066": "062"}
    n = fname[:3]
    return copies.get(n, n)


def load_golds(labels_path):
    """File → (site, headlines). Two formats: the real corpus's labels.tsv (file, title, …;
    a file's site is its number) and the extraction benchmark's (id, genre, primary, title with
    alternatives after ` || `, …, site, url)."""
    golds = {}
    with open(labels_path, encoding="utf-8") as f:
        lines = [l.rstrip("\n").split("\t") for l in f]
    if lines and lines[0][:2] == ["id", "genre"]:
        head = lines[0]
        for cols in lines[1:]:
            r = dict(zip(head, cols))
            titles = [t.strip() for t in r.get("title", "").split("||") if t.strip()]
            host = re.sub(r"^https?://", "", r.get("url", "")).split("/")[0]
            golds[r["id"]] = ("eval:" + (".".join(host.split(".")[-2:]) or r["id"]), titles)
        return golds
    for cols in lines:
        if cols[0].startswith("#") or len(cols) < 2:
            continue
        site_, titles = golds.get(cols[0], (site(cols[0]), []))
        golds[cols[0]] = (site_, titles + [cols[1]])
    return golds


def load(pairs):
    rows = []
    names = prior = None
    for cands_path, labels_path in pairs:
        golds = load_golds(labels_path)
        for line in open(cands_path, encoding="utf-8"):
            r = json.loads(line)
            if "features" in r:
                names, prior = r["features"], r["weights"]
                continue
            f = r["file"]
            key = f if f in golds else f.rsplit(".", 1)[0]
            if key not in golds or not r["candidates"]:
                continue
            site_, titles = golds[key]
            titled = [g for g in titles if g.strip()]
            xs = [c["x"] for c in r["candidates"]]
            ys = [right(c["text"], titled) for c in r["candidates"]]
            rows.append({"file": f, "site": site_, "xs": xs, "ys": ys, "scores": [c["score"] for c in r["candidates"]]})
    return names, prior, rows


def dot(w, x):
    return sum(a * b for a, b in zip(w, x))


def fit(rows, k, prior, l2=0.05, steps=400, rate=0.5):
    """Weights that maximise the likelihood of the labelled headlines, kept near `prior` (the
    weights in the code) by an L2 penalty on the distance: data moves a weight only as far as
    it has evidence for."""
    data = [r for r in rows if any(r["ys"])]
    # Scale features to comparable ranges (Position and FieldRank are counts).
    scale = [max(1.0, max((abs(x[j]) for r in data for x in r["xs"]), default=1.0)) for j in range(k)]
    w0 = [p * sc for p, sc in zip(prior, scale)]
    w = list(w0)
    for _ in range(steps):
        g = [-l2 * (wi - pi) for wi, pi in zip(w, w0)]
        for r in data:
            xs = [[x[j] / scale[j] for j in range(k)] for x in r["xs"]]
            s = [dot(w, x) for x in xs]
            m = max(s)
            e = [math.exp(v - m) for v in s]
            z = sum(e)
            p = [v / z for v in e]
            gold = [y / sum(r["ys"]) for y in r["ys"]]
            for x, pi, gi in zip(xs, p, gold):
                for j in range(k):
                    g[j] += (gi - pi) * x[j]
        w = [wi + rate * gj / len(data) for wi, gj in zip(w, g)]
    return [wi / sc for wi, sc in zip(w, scale)]


def top1(rows, w=None):
    """Choices whose best candidate is a right one (among choices that have one)."""
    hit = n = 0
    for r in rows:
        if not any(r["ys"]):
            continue
        n += 1
        s = r["scores"] if w is None else [dot(w, x) for x in r["xs"]]
        hit += r["ys"][max(range(len(s)), key=s.__getitem__)]
    return hit, n


def main():
    args = sys.argv[1:]
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__)
    names, prior, rows = load(list(zip(args[::2], args[1::2])))
    k = len(names)
    reachable = [r for r in rows if any(r["ys"])]
    print(f"choices {len(rows)}, with the labelled headline among the candidates {len(reachable)}, sites {len({r['site'] for r in rows})}")
    h, n = top1(rows)
    print(f"weights in the code: {h}/{n} headlines picked (in-sample: they were tuned on these files)")
    w = fit(rows, k, prior)
    h2, _ = top1(rows, w)
    print(f"fitted on all files: {h2}/{n} (in-sample)")
    sites = sorted({r["site"] for r in rows})
    folds = 5
    held = held_code = 0
    for i in range(folds):
        test_sites = set(sites[i::folds])
        train = [r for r in rows if r["site"] not in test_sites]
        test = [r for r in rows if r["site"] in test_sites]
        wf = fit(train, k, prior)
        held += top1(test, wf)[0]
        held_code += top1(test)[0]
    print(f"fitted, {folds}-fold cross-validation grouped by site: {held}/{n} held out (the code's weights: {held_code}/{n})")
    late = [r for r in rows if r["file"][:3].isdigit() and r["file"][:3] >= "078"]
    print("the code's weights on the corpus files they were not tuned on (078–): %d/%d" % top1(late))
    print("fitted weights (all files), beside the code's:")
    for name, wi, pi in zip(names, w, prior):
        print(f"  {name:18} {wi:8.2f} {pi:8.2f}")


if __name__ == "__main__":
    main()
