#!/usr/bin/env python3
"""Checks the dataset of a built site with the Frictionless Data framework (issue 15):

    python check_datapackage.py SITE PAGES

`frictionless validate` on SITE/data/datapackage.json must pass (both resources, every row
against its schema), and reading the CSV through the package gives PAGES rows, typed: `year`
an int or None, `date` a datetime.date or None, `year_inferred` a bool, ids unique; the JSON
lines give the same ids. scripts/test runs it on the repo's site and a generated corpus."""

import datetime
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
    lines = package.get_resource("practices-jsonl").read_rows()
    assert [r["id"] for r in lines] == ids, "the JSON lines hold the same practices in the same order"
    print(f"check_datapackage: {path} valid; {len(rows)} rows typed ({sum(r['year'] is not None for r in rows)} with a year)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
