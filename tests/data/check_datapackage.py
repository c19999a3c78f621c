#!/usr/bin/env python3
"""Checks the dataset of a built site with the Frictionless Data framework (issue 15):

    python check_datapackage.py SITE PAGES

`frictionless validate` on SITE/data/datapackage.json must pass (both resources, every row
against its schema), and reading the CSV through the package gives PAGES rows, typed: `year`
an int or None, `date` a datetime.date or None, `year_inferred` a bool, ids unique; the JSON
lines give the same ids. Every path the package names is published; division codes read as
six-digit strings (never 150600.0); regions are most specific first, so the county column is
filled when a practice names a county; the vocabulary resource (mechanisms.csv) resolves every
parent and every mechanism id of the practices, and its `practices` count of each entry is the
number of practices tagged with it or a narrower entry, counted here from the rows; so is each
count of the mechanism × year and mechanism × county tables (their codes strings).
scripts/test runs it on the repo's site and a generated corpus."""

import datetime
import os
import sys

from frictionless import Package, validate


def main(site, pages):
    path = f"{site}/data/datapackage.json"
    report = validate(path)
    if not report.valid:
        print(report.to_summary())
        sys.exit(f"check_datapackage: {path} is not valid")
    package = Package(path)
    rows = package.get_resource("practices").read_rows()
    assert len(rows) == pages, f"{len(rows)} CSV rows for {pages} practice pages"
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), "ids are unique"
    for r in rows:
        assert r["year"] is None or isinstance(r["year"], int), r["year"]
        assert r["date"] is None or isinstance(r["date"], datetime.date), r["date"]
        assert isinstance(r["year_inferred"], bool), r["year_inferred"]
        if r["date"] is not None and r["year"] is not None:
            assert r["date"].year == r["year"], (r["id"], r["date"], r["year"])
    for resource in package.resources:
        assert os.path.isfile(os.path.join(site, "data", resource.path)), f"{resource.path} is published"
    split = lambda cell: [x for x in (cell or "").split(";") if x]
    for r in rows:
        for name in ("province_code", "city_code", "county_code"):
            code = r[name]
            assert code is None or (isinstance(code, str) and len(code) == 6 and code.isdigit()), (r["id"], name, code)
        levels = split(r["region_levels"])
        order = [["county", "city", "province"].index(l) for l in levels]
        assert order == sorted(order), (r["id"], levels, "most specific first")
        if levels and levels[0] == "county":
            assert r["county"], (r["id"], "a county named, the county column filled")
    vocab = package.get_resource("mechanisms").read_rows()
    entries = {v["id"] for v in vocab}
    assert len(entries) == len(vocab), "vocabulary ids are unique"
    broader = {v["id"]: split(v["broader"]) for v in vocab}
    for v in vocab:
        assert v["parent"] is None or v["parent"] in entries, (v["id"], v["parent"])
        assert broader[v["id"]][-1:] == ([v["parent"]] if v["parent"] else []), (v["id"], "broader ends with the parent")
    counts = {i: 0 for i in entries}
    for r in rows:
        tags = split(r["mechanism_ids"])
        assert all(t in entries for t in tags), (r["id"], tags)
        for m in {b for t in tags for b in broader[t] + [t]}:
            counts[m] += 1
    for v in vocab:
        assert v["practices"] == counts[v["id"]], (v["id"], v["practices"], counts[v["id"]], "tagged or narrower")
    # The count tables: codes read as strings, each count what the rows give (a mechanism
    # counting its narrower entries' practices; a county those naming it; a year the report's).
    mechs = lambda r: {b for t in split(r["mechanism_ids"]) for b in broader[t] + [t]}
    for c in package.get_resource("mechanism-year").read_rows():
        want = sum(1 for r in rows if r["year"] == c["year"] and c["mechanism_id"] in mechs(r))
        assert isinstance(c["year"], int) and c["practices"] == want, (c["mechanism_id"], c["year"], c["practices"], want)
    for c in package.get_resource("mechanism-county").read_rows():
        code = c["county_code"]
        assert isinstance(code, str) and len(code) == 6 and code.isdigit(), code
        want = sum(1 for r in rows if code in split(r["region_codes"]) and c["mechanism_id"] in mechs(r))
        assert c["practices"] == want, (c["mechanism_id"], code, c["practices"], want)
    lines = package.get_resource("practices-jsonl").read_rows()
    assert [r["id"] for r in lines] == ids, "the JSON lines hold the same practices in the same order"
    print(f"check_datapackage: {path} valid; {len(rows)} rows typed ({sum(r['year'] is not None for r in rows)} with a year)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
