// A tiny static file server for the browser tests: serves `dir` under the URL path `base`
// on 127.0.0.1 at an ephemeral port. `…/` maps to `…/index.html`; unknown paths get the
// site's 404.html with status 404; paths that escape `dir` are refused.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".pdf": "application/pdf",
};

export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serve `dir` under `base` (e.g. "/" or "/kb/").
 * @returns {Promise<{url: string, close: () => Promise<void>}>} url ends with `base`.
 */
export async function serve(dir, base = "/") {
  const root = path.resolve(dir);
  if (!base.startsWith("/")) base = "/" + base;
  if (!base.endsWith("/")) base += "/";

  const send = (res, status, type, body, head) => {
    res.writeHead(status, {
      "content-type": type,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(head ? undefined : body);
  };

  const notFound = async (res, head) => {
    const page = path.join(root, "404.html");
    if (await isFile(page)) {
      send(res, 404, TYPES[".html"], await readFile(page), head);
    } else {
      send(res, 404, "text/plain; charset=utf-8", "404 Not Found\n", head);
    }
  };

  const handle = async (req, res) => {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.writeHead(405, { allow: "GET, HEAD" });
      return res.end();
    }
    let pathname;
    try {
      pathname = new URL(req.url, "http://localhost").pathname;
    } catch {
      return send(res, 400, "text/plain; charset=utf-8", "bad request\n", head);
    }
    // `/kb` without its slash: redirect so relative links resolve under the base.
    if (pathname + "/" === base) {
      res.writeHead(301, { location: base });
      return res.end();
    }
    if (!pathname.startsWith(base)) return notFound(res, head);

    let rel;
    try {
      rel = decodeURIComponent(pathname.slice(base.length));
    } catch {
      return send(res, 400, "text/plain; charset=utf-8", "bad request\n", head);
    }
    // Refuse traversal: NUL bytes, backslashes and `..` segments, then check containment.
    if (rel.includes("\0") || rel.includes("\\") || rel.split("/").includes("..")) {
      return send(res, 403, "text/plain; charset=utf-8", "forbidden\n", head);
    }
    let file = path.resolve(root, "." + path.posix.sep + rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      return send(res, 403, "text/plain; charset=utf-8", "forbidden\n", head);
    }
    if (rel === "" || rel.endsWith("/")) {
      file = path.join(file, "index.html");
    } else if (!(await isFile(file)) && (await isFile(path.join(file, "index.html")))) {
      // A directory without its slash: redirect, as real static hosts do.
      res.writeHead(301, { location: pathname + "/" });
      return res.end();
    }
    if (!(await isFile(file))) return notFound(res, head);
    send(res, 200, contentType(file), await readFile(file), head);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `${err}\n`, false);
      else res.destroy(err);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
