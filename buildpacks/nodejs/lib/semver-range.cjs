// Semver ranges as npm reads them (the subset engines fields use), and Node.js's release aliases.
// Pure: no I/O, no clock (the caller passes `now`). Used by install-package.cjs and the tests.
//   maxSatisfying(versions, range) → the newest version the range accepts, or null
//   resolveNodeRange(range, versions, times, now) → { version, line } or { error }
'use strict';

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text) {
  const m = VERSION.exec(String(text).trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] || '' };
}

function compare(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || (a.pre === b.pre ? 0 : a.pre === '' ? 1 : b.pre === '' ? -1 : a.pre < b.pre ? -1 : 1);
}

const WILD = /^(x|X|\*)$/;
const PARTIAL = /^v?(\d+|x|X|\*)(?:\.(\d+|x|X|\*))?(?:\.(\d+|x|X|\*))?(?:-([0-9A-Za-z.-]+))?$/;

// A partial version ("20", "20.x", "20.1") → its parts, null for the wildcard ones.
function parsePartial(text) {
  const m = PARTIAL.exec(text);
  if (!m) throw new Error(`"${text}" is not a version`);
  const part = (p) => (p === undefined || WILD.test(p) ? null : Number(p));
  const major = part(m[1]);
  const minor = major === null ? null : part(m[2]);
  const patch = minor === null ? null : part(m[3]);
  return { major, minor, patch, pre: m[4] || '' };
}

const v = (major, minor, patch, pre = '') => ({ major, minor, patch, pre });
const lower = (p) => v(p.major ?? 0, p.minor ?? 0, p.patch ?? 0, p.pre);

// One comparator string → a list of [operator, version] tests that must all hold.
function comparator(text) {
  const m = /^(>=|<=|>|<|=|\^|~>?)?\s*(.*)$/.exec(text);
  const op = m[1] || '';
  const p = parsePartial(m[2]);
  if (p.major === null) return op === '<' || op === '>' ? [['<', v(0, 0, 0)]] : [];
  const { major, minor, patch } = p;
  switch (op) {
    case '':
    case '=':
      if (patch !== null) return [['=', lower(p)]];
      return minor !== null ? [['>=', v(major, minor, 0)], ['<', v(major, minor + 1, 0)]] : [['>=', v(major, 0, 0)], ['<', v(major + 1, 0, 0)]];
    case '>=': return [['>=', lower(p)]];
    case '<': return [['<', lower(p)]];
    case '>':
      if (patch !== null) return [['>', lower(p)]];
      return [['>=', minor !== null ? v(major, minor + 1, 0) : v(major + 1, 0, 0)]];
    case '<=':
      if (patch !== null) return [['<=', lower(p)]];
      return [['<', minor !== null ? v(major, minor + 1, 0) : v(major + 1, 0, 0)]];
    case '~':
    case '~>':
      return [['>=', lower(p)], ['<', minor !== null ? v(major, minor + 1, 0) : v(major + 1, 0, 0)]];
    case '^': {
      const upper = major > 0 || minor === null ? v(major + 1, 0, 0) : minor > 0 || patch === null ? v(0, minor + 1, 0) : v(0, 0, patch + 1);
      return [['>=', lower(p)], ['<', upper]];
    }
  }
  throw new Error(`"${text}" is not a comparator`);
}

/** A range → a list of alternatives, each a list of tests; throws on what it cannot read. */
function parseRange(range) {
  return String(range).split('||').map((set) => {
    const text = set.trim().replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, '$1');
    if (text === '' || text === '*' || /^(x|X)$/.test(text)) return [];
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const hi = parsePartial(hyphen[2]);
      const upper = hi.major === null ? [] : hi.minor === null ? [['<', v(hi.major + 1, 0, 0)]] : hi.patch === null ? [['<', v(hi.major, hi.minor + 1, 0)]] : [['<=', lower(hi)]];
      return [...comparator(`>=${hyphen[1]}`), ...upper];
    }
    return text.split(/\s+/).flatMap(comparator);
  });
}

function test(version, [op, bound]) {
  const c = compare(version, bound);
  return op === '=' ? c === 0 : op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c <= 0;
}

/** True when `range` is one npm would accept. */
function validRange(range) {
  try {
    parseRange(range);
    return true;
  } catch {
    return false;
  }
}

/** The newest version in `versions` that `range` accepts (prereleases only when asked for exactly). */
function maxSatisfying(versions, range) {
  const sets = parseRange(range);
  let best = null;
  for (const text of versions) {
    const version = parseVersion(text);
    if (!version) continue;
    const ok = sets.some((set) => set.every((t) => test(version, t)) && (version.pre === '' || set.some(([op, b]) => b.pre !== '' && op !== '<' && b.major === version.major && b.minor === version.minor && b.patch === version.patch)));
    if (ok && (best === null || compare(version, best.version) > 0)) best = { text, version };
  }
  return best ? best.text.replace(/^v/, '') : null;
}

/** Newest first, without prereleases. */
function newest(versions, count) {
  return versions.map((t) => [t, parseVersion(t)]).filter(([, p]) => p && p.pre === '').sort((a, b) => compare(b[1], a[1])).slice(0, count).map(([t]) => t);
}

const CODENAMES = { argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24 };
const LTS_AFTER_DAYS = 150;

/**
 * The LTS majors, newest first: even majors from 4 whose x.0.0 was published at least ~5 months
 * before `now`, or that already have a newer odd major (Node promotes a line to LTS in October,
 * when the next odd line comes out).
 */
function ltsMajors(versions, times, now) {
  const majors = new Set(newest(versions, Infinity).map((t) => parseVersion(t).major));
  return [...majors].filter((m) => m >= 4 && m % 2 === 0).filter((m) => {
    if (majors.has(m + 1)) return true;
    const first = newest(versions, Infinity).filter((t) => parseVersion(t).major === m).pop();
    const published = Date.parse((times || {})[first] || '');
    return Number.isFinite(published) && now - published >= LTS_AFTER_DAYS * 86_400_000;
  }).sort((a, b) => b - a);
}

/**
 * engines.node (a range, "lts/*", "lts/<codename>", "latest"/"current"/"node", or nothing) → the
 * version to install. `line` names the alias's meaning for the output (e.g. "lts/* = 24.x").
 */
function resolveNodeRange(range, versions, times, now) {
  const wanted = typeof range === 'string' ? range.trim() : '';
  const lts = ltsMajors(versions, times, now);
  let effective = wanted;
  if (wanted === '' || /^lts(\/\*)?$/i.test(wanted)) {
    if (lts.length === 0) return { error: 'no LTS line of Node.js is published' };
    effective = `${lts[0]}.x`;
  } else if (/^lts\//i.test(wanted)) {
    const major = CODENAMES[wanted.slice(4).toLowerCase()];
    if (major === undefined) return { error: `"${wanted}" is not a Node.js LTS codename (known: ${Object.keys(CODENAMES).join(', ')})` };
    effective = `${major}.x`;
  } else if (/^(latest|current|node)$/i.test(wanted)) {
    effective = '*';
  } else if (!validRange(wanted)) {
    return { error: `engines.node "${wanted}" is not a semver range` };
  }
  const version = maxSatisfying(versions, effective);
  if (!version) return { error: `No published Node.js version satisfies "${wanted}". Newest versions: ${newest(versions, 5).join(', ')}` };
  return { version, line: effective === wanted ? wanted : `${wanted || 'default (newest LTS)'} = ${effective}` };
}

module.exports = { parseVersion, compare, validRange, maxSatisfying, newest, ltsMajors, resolveNodeRange };
