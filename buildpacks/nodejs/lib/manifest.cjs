// node manifest.cjs BUILD_DIR → what the build needs to know, one field a line (values may hold
// '|' or spaces, never newlines):
//   engines.node, engines.npm, package manager (npm | yarn | berry | pnpm), its version range,
//   yarnPath from .yarnrc.yml (berry apps that vendor their yarn), npm range for NODE_VERSION
// The package manager comes from the lockfile (pnpm-lock.yaml, yarn.lock, else npm), its version
// from "packageManager" ("pnpm@9.12.0+sha512…") or engines.<manager>, as Heroku reads them.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
let pkg = {};
try {
  pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
} catch {
  // bin/compile validated package.json already
}
const engines = pkg.engines && typeof pkg.engines === 'object' ? pkg.engines : {};
const text = (value) => (typeof value === 'string' ? value.replace(/[\r\n]/g, ' ').trim() : '');
const read = (name) => {
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return null;
  }
};
let manager = 'npm';
const yarnrc = read('.yarnrc.yml');
const yarnLock = read('yarn.lock');
if (fs.existsSync(path.join(dir, 'pnpm-lock.yaml'))) manager = 'pnpm';
else if (yarnLock !== null) manager = /^__metadata:/m.test(yarnLock) || yarnrc !== null ? 'berry' : 'yarn';
const declared = /^(npm|yarn|pnpm)@([^+\s]+)/.exec(text(pkg.packageManager));
let range = text(engines[manager === 'berry' ? 'yarn' : manager]);
if (declared && (declared[1] === manager || (declared[1] === 'yarn' && manager === 'berry'))) range = declared[2];
if (declared && declared[1] === 'yarn' && manager === 'yarn' && !/^1\./.test(declared[2])) manager = 'berry';
if (manager === 'yarn' && range === '') range = '1.x';
if (manager === 'berry' && range === '') range = '4.x';
if (manager === 'pnpm' && range === '') {
  // The pnpm majors that write the lockfile's format (pnpm-lock.yaml's lockfileVersion).
  const format = (/^lockfileVersion:\s*['"]?([\d.]+)/m.exec(read('pnpm-lock.yaml') || '') || [])[1];
  range = { '9.0': '9.x || 10.x', '6.0': '8.x', '5.4': '7.x' }[format] || '';
}
const yarnPath = yarnrc ? text((/^yarnPath:\s*["']?([^"'\n]+)["']?\s*$/m.exec(yarnrc) || [])[1]) : '';
process.stdout.write([text(engines.node), text(engines.npm), manager, range, yarnPath].join('\n') + '\n');
