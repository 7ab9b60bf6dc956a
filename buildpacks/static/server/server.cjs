// Berth's static file server, copied into static sites as .berth-static/server.js and run as
// `web`. Serves the app directory (or static.json's "root") on $PORT: correct content types,
// index.html for directories, 404.html when present, no dotfiles, nothing outside the root.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const appDir = path.resolve(__dirname, '..');
let config = {};
try {
  config = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8'));
} catch {
  // defaults
}
const root = fs.realpathSync(path.resolve(appDir, typeof config.root === 'string' ? config.root : '.'));
const HIDDEN_AT_APP_ROOT = new Set(['Procfile', 'static.json', 'app.json', 'package.json', 'package-lock.json']);

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.map': 'application/json', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml', '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif',
  '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.wasm': 'application/wasm', '.pdf': 'application/pdf', '.mp4': 'video/mp4', '.webm': 'video/webm',
  '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.zip': 'application/zip', '.webmanifest': 'application/manifest+json',
};
const typeOf = (file) => TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';

/** The real path of `candidate` if it exists inside the root, else undefined. */
function inside(candidate) {
  try {
    const real = fs.realpathSync(candidate);
    return real === root || real.startsWith(root + path.sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

function send(req, res, status, file, stat) {
  const since = Date.parse(req.headers['if-modified-since'] || '');
  const modified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000);
  if (status === 200 && !Number.isNaN(since) && modified.getTime() <= since) {
    res.writeHead(304, { 'Last-Modified': modified.toUTCString() });
    return res.end();
  }
  res.writeHead(status, { 'Content-Type': typeOf(file), 'Content-Length': stat.size, 'Last-Modified': modified.toUTCString() });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function notFound(req, res) {
  const page = inside(path.join(root, '404.html'));
  if (page) return send(req, res, 404, page, fs.statSync(page));
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(req.method === 'HEAD' ? undefined : 'Not Found\n');
}

const server = http.createServer((req, res) => {
  try {
    serve(req, res);
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Internal Server Error\n');
  }
});

function serve(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    return res.end('Method Not Allowed\n');
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url || '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    return res.end('Bad Request\n');
  }
  const segments = pathname.split('/').filter(Boolean);
  const rel = path.join(...(segments.length ? segments : ['.']));
  const bad = pathname.includes('\0') || segments.some((s) => s === '..' || s.includes('\\') || (s.startsWith('.') && s !== '.well-known'));
  const atAppRoot = path.dirname(path.join(root, rel)) === appDir;
  if (bad || (atAppRoot && HIDDEN_AT_APP_ROOT.has(path.basename(rel)))) return notFound(req, res);
  let file = inside(path.join(root, rel));
  if (!file) return notFound(req, res);
  let stat = fs.statSync(file);
  if (stat.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { Location: encodeURI(pathname + '/') });
      return res.end();
    }
    file = inside(path.join(file, 'index.html'));
    if (!file) return notFound(req, res);
    stat = fs.statSync(file);
  }
  if (!stat.isFile()) return notFound(req, res);
  send(req, res, 200, file, stat);
}

const port = process.env.PORT || '5000';
server.listen(/^\d+$/.test(port) ? Number(port) : port, () => {
  console.log(`Serving ${path.relative(appDir, root) || '.'} on ${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
