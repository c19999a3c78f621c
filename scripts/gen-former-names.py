#!/usr/bin/env python3
"""Regenerates data/former-names.tsv: former names of county-level and higher divisions (renamed,
merged, county → district, prefecture abolished) with the years each name held and today's
division code(s), from the history of the Ministry of Civil Affairs' yearly division codes as
collected by the areacodes dataset (https://github.com/yescallop/areacodes, CC0 1.0): its
result.csv, one row per code and name with the year it came into use and the year it changed
or was abolished, and the codes that took its area over.

    git clone --depth 1 https://github.com/yescallop/areacodes /tmp/areacodes
    python3 scripts/gen-former-names.py /tmp/areacodes/result.csv data/regions.tsv > data/former-names.tsv

Output, one former name a line: `name<TAB>level<TAB>from<TAB>until<TAB>codes<TAB>kind`. `from` is the
first year the name was in the code lists, `until` the year it ceased (the lists are as of 31
December, so a name that ended in `until` was still in use during part of that year). `codes`
are today's units (in data/regions.tsv) that took its area, `;`-separated; a name whose area
went to several units is mapped to the smallest unit holding them all (a city, never a
province alone). `kind` is `former` for a name no unit carries today, `changed` for a
prefecture's name that a county-level unit carries today (巢湖市 until 2011: the same name meant
the larger unit then). Otherwise kept only are names that no unit carries today (a name still in use is the
gazetteer's own business) and that are not generic (郊区, 城区, 矿区, …: every city had one).
"""
import csv
import re
import sys

GENERIC = re.compile(r'^(郊区|城区|市区|矿区|市中区|城关区|城关镇|东区|西区|南区|北区|中区|新区|近郊区|远郊区|工农区|新华区|新市区)$')
LEVEL = {'省级': 'province', '地级': 'city', '县级': 'county'}


def main(result_csv, regions_tsv):
    current = {}  # code -> (level, name, parent)
    for line in open(regions_tsv, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        code, level, name, parent = line.rstrip('\n').split('\t')
        current[code] = (level, name, parent)
    names_now = {v[1] for v in current.values()}
    rows = list(csv.DictReader(open(result_csv, encoding='utf-8-sig')))
    by_code = {}
    for r in rows:
        by_code.setdefault(r['代码'], []).append(r)

    def lineage(code):
        out = []
        while code:
            out.append(code)
            code = current[code][2]
        return out[::-1]

    def record_at(code, year):
        """The record of `code` in use from `year` on (a code can be reused for another unit)."""
        recs = [r for r in by_code.get(code, []) if int(r['启用时间']) <= year and (not r['变更/弃用时间'] or year < int(r['变更/弃用时间']))]
        if not recs:  # changed in the very year it appears: the earliest record starting then or after
            recs = sorted((r for r in by_code.get(code, []) if int(r['启用时间']) >= year), key=lambda r: int(r['启用时间']))[:1]
        return recs[0] if recs else None

    def successors(r, depth=0):
        """Today's codes that carry on the unit of record `r`."""
        if depth > 20:
            return set()
        if r['状态'] == '在用':
            return {r['代码']} if r['代码'] in current else set()
        end = int(r['变更/弃用时间'])
        if r['状态'] == '变更':  # renamed or moved under another parent: the code carries on
            nxt = record_at(r['代码'], end)
            return successors(nxt, depth + 1) if nxt and nxt is not r else set()
        out = set()
        for c in filter(None, r['新代码'].split(';')):
            m = re.fullmatch(r'(\d{6})(?:\[(\d{4})\])?', c)
            if not m or (m.group(2) and int(m.group(2)) != end):
                continue  # an earlier transfer of part of the area, not the successor
            nxt = record_at(m.group(1), end)
            if nxt is not None:
                out |= successors(nxt, depth + 1)
        return out

    found = {}  # (name, level, codes, kind) -> [from, until]
    now = {}
    for code, (level, name, _) in current.items():
        now.setdefault(name, []).append((code, level))
    for r in rows:
        if r['状态'] == '在用' or GENERIC.match(r['名称']):
            continue
        if r['名称'] in names_now:
            # a prefecture whose name a county-level unit carries today (巢湖市 until 2011): the
            # same name meant a larger unit then
            held = now[r['名称']]
            if r['级别'] == '地级' and all(level == 'county' for _, level in held) and len(held) == 1:
                key = (r['名称'], 'city', held[0][0], 'changed')
                span = found.setdefault(key, [int(r['启用时间']), int(r['变更/弃用时间'])])
                span[0] = min(span[0], int(r['启用时间']))
                span[1] = max(span[1], int(r['变更/弃用时间']))
            continue
        codes = successors(r)
        if not codes and r['级别'] == '地级':  # a prefecture abolished whole: where its counties went
            for c in by_code:
                for k in by_code[c]:
                    if (k['级别'] == '县级' and k['二级行政区'] == r['名称'] and k['一级行政区'] == r['一级行政区']
                            and int(k['启用时间']) < int(r['变更/弃用时间'])):
                        codes |= successors(k)
        if not codes:
            continue
        if len(codes) > 1:  # the smallest unit holding every successor
            lines = [lineage(c) for c in codes]
            common = [a for a in lines[0] if all(a in l for l in lines)]
            if not common or current[common[-1]][0] == 'province' and r['级别'] != '省级':
                continue
            codes = {common[-1]}
        key = (r['名称'], LEVEL[r['级别']], ';'.join(sorted(codes)), 'former')
        span = found.setdefault(key, [int(r['启用时间']), int(r['变更/弃用时间'])])
        span[0] = min(span[0], int(r['启用时间']))
        span[1] = max(span[1], int(r['变更/弃用时间']))
    print('# name\tlevel\tfrom\tuntil\tcodes\tkind (generated by scripts/gen-former-names.py from the areacodes '
          'dataset (Ministry of Civil Affairs division codes 1980-2024), CC0 1.0)')
    for (name, level, codes, kind), (a, b) in sorted(found.items(), key=lambda kv: (kv[0][2], kv[0][0])):
        print(f'{name}\t{level}\t{a}\t{b}\t{codes}\t{kind}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: gen-former-names.py AREACODES/result.csv data/regions.tsv > data/former-names.tsv')
    main(sys.argv[1], sys.argv[2])
