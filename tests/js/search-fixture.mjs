// A small project made for the search tests, built with the real binary: 40 practices over
// places at every level of the gazetteer, years 2015–2023 (and none), 河长制 and its narrower
// 河湖警长, text that names a mechanism without its tag and a place without being there. The
// records it returns are what the pages say, for the tests to compute expectations from.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";

export const REGIONS = [
  "浙江省/杭州市/西湖区",
  "浙江省/湖州市/安吉县",
  "浙江省",
  "江苏省/苏州市/昆山市",
  "江苏省/南京市",
  "山西省/长治市",
  "广东省/深圳市/南山区",
];

/** The practices of the fixture, newest first as the site orders them. */
export function practices() {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const year = i % 13 === 0 ? null : 2015 + (i % 9);
    const mechanism = [["river-chief"], ["river-police-chief"], ["benchmarking"], []][i % 4];
    const region = REGIONS[i % REGIONS.length];
    const body = [
      `这是第${i}号基层治理实践。`,
      mechanism[0] === "river-chief" ? "当地全面推行河长制，层层压实责任。" : "",
      mechanism[0] === "river-police-chief" ? "民警担任河道警长，定期巡查。" : "",
      mechanism[0] === "benchmarking" ? "干部对标找差，补齐短板。" : "",
      i % 8 === 3 ? "会议部署落实河湖长制工作。" : "",
      i % 5 === 0 ? "干部赴长治考察学习。" : "",
    ].join("");
    const date = year ? `${year}-${String(1 + (i % 9)).padStart(2, "0")}-${10 + (i % 18)}` : null;
    out.push({ slug: `p${String(i).padStart(2, "0")}`, title: `第${i}号实践：${region.split("/").pop()}的做法`, year, date, region, mechanism, body });
  }
  // The site's order: date (else year) newest first, then slug.
  const key = (p) => p.date || (p.year ? String(p.year) : "");
  return out.sort((a, b) => (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : a.slug < b.slug ? -1 : 1));
}

/** Writes and builds the project; resolves to {root, site, practices, remove}. */
export function build(bin) {
  const root = mkdtempSync(path.join(tmpdir(), "kbgen-search-"));
  mkdirSync(path.join(root, "content", "practices"), { recursive: true });
  writeFileSync(path.join(root, "kbgen.toml"), 'title = "检索测试"\nbase_url = "https://example.org/kb/"\n');
  const list = practices();
  for (const p of list) {
    const front = [
      "---",
      `title: ${p.title}`,
      p.date ? `date: ${p.date}` : null,
      p.year ? `year: ${p.year}` : null,
      `region: [${p.region}]`,
      `mechanism: [${p.mechanism.join(", ")}]`,
      "---",
      "",
      p.body,
      "",
    ].filter((l) => l !== null);
    writeFileSync(path.join(root, "content", "practices", p.slug + ".md"), front.join("\n"));
  }
  execFileSync(bin, ["build"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  return { root, site: path.join(root, "site"), practices: list, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** RFC 4180 records of a CSV text (a BOM dropped): arrays of cells. */
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  text = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
