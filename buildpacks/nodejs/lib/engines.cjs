// node engines.cjs PACKAGE_JSON NPM_CLI_PATH → one line of shell-safe fields separated by '|':
//   <node version>|<npm version>|<engines.node or (unspecified)>|match or mismatch|<dev dependency count>
// Used when the build falls back to the host's Node.js (no runtime cache, registry unreachable):
// only the major version is compared. The npm version is
// read from npm's own package.json (booting npm for --version costs ~150 ms).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [file, npmCli] = process.argv.slice(2);
let pkg = {};
try {
  pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch {
  // bin/compile validated package.json already
}
let npmVersion = 'unknown';
try {
  let dir = path.dirname(fs.realpathSync(npmCli));
  for (let i = 0; i < 4 && !fs.existsSync(path.join(dir, 'package.json')); i++) dir = path.dirname(dir);
  npmVersion = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version || 'unknown';
} catch {
  // leave unknown
}
const clean = (s) => String(s).replace(/[|\n\r]/g, ' ');
const devCount = Object.keys(pkg.devDependencies || {}).length;
const range = (pkg.engines || {}).node;
const host = Number(/^v?(\d+)/.exec(process.version)?.[1]);
const satisfies = (comparator) => {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*v?(\d+|x|\*)/.exec(comparator.trim());
  if (!m) return true; // not understood: don't warn
  if (m[2] === 'x' || m[2] === '*') return true;
  const major = Number(m[2]);
  switch (m[1]) {
    case '>=':
    case '>': // >18.2 may still match an 18.x host
      return host >= major;
    case '<': return host < major;
    case '<=': return host <= major;
    default: return host === major;
  }
};
let verdict = 'match';
if (typeof range === 'string' && range.trim() !== '' && range.trim() !== '*') {
  // "a || b" matches when one alternative matches; "a b" (a space-separated set) when all do.
  const ok = range.split('||').some((set) => {
    const parts = set.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 3 && parts[1] === '-') return satisfies(`>=${parts[0]}`) && satisfies(`<=${parts[2]}`);
    return parts.every(satisfies);
  });
  verdict = ok ? 'match' : 'mismatch';
}
const shown = typeof range === 'string' && range.trim() !== '' ? range.trim() : '(unspecified)';
process.stdout.write([process.version, npmVersion, clean(shown), verdict, devCount].join('|') + '\n');
