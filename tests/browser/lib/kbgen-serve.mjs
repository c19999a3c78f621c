// Starts `kbgen serve --port 0` in a project folder, for the browser tests and
// bench/serve-latency.mjs. Resolves once the server prints its URL, with the child process,
// the base URL and every line it prints to standard output (later ones are appended).
import { spawn } from "node:child_process";

export function startServe(bin, root) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const lines = [];
    child.stdout.on("data", (d) => {
      out += d;
      lines.push(...String(d).split("\n").filter(Boolean));
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve({ child, base: m[1], lines });
    });
    child.on("exit", (code) => reject(new Error(`kbgen serve exited with ${code}: ${out}`)));
  });
}
