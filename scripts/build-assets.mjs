// Copies the third-party assets named in package.json from node_modules into static/vendor,
// where Django's staticfiles finds them. static/vendor is built, never committed.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "chart.js/dist/chart.umd.js": "chart.js/chart.umd.js",
  "chart.js/dist/chart.umd.js.map": "chart.js/chart.umd.js.map",
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.js.map": "leaflet/leaflet.js.map",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images": "leaflet/images",
};

rmSync(out, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const src = join(root, "node_modules", from);
  if (!existsSync(src)) {
    console.error(`missing ${src}: run npm ci first`);
    process.exit(1);
  }
  const dest = join(out, to);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(src, dest, { recursive: true });
}
console.log(`copied ${Object.keys(files).length} assets into static/vendor`);
