/**
 * `.slugignore`: paths removed from the build directory before compile, one pattern a line,
 * as Heroku reads it (gitignore syntax without negation). A pattern without a slash matches a
 * name at any depth; a leading or inner slash anchors it at the app root; a trailing slash
 * matches directories only; `*`, `?`, `[...]` and `**` glob.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readAppFile } from './read-app-file.js';

interface Pattern {
  regex: RegExp;
  /** Match against the path from the root (anchored) or the last segment. */
  anchored: boolean;
  directoryOnly: boolean;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) out += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += '\\' + glob[++i];
    else out += c.replace(/[.+^${}()|\]\\/]/g, '\\$&');
  }
  return out;
}

export function parseSlugignore(text: string): Pattern[] {
  const patterns: Pattern[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const directoryOnly = line.endsWith('/');
    line = line.replace(/\/+$/, '');
    const anchored = line.includes('/');
    line = line.replace(/^\/+/, '');
    if (line === '') continue;
    patterns.push({ regex: new RegExp(`^${globToRegex(line)}$`), anchored, directoryOnly });
  }
  return patterns;
}

const MAX_ENTRIES = 1_000_000;

/** Removes what `.slugignore` names from `buildDir`; returns the removed paths (relative). */
export async function applySlugignore(buildDir: string): Promise<string[]> {
  const text = await readAppFile(join(buildDir, '.slugignore'), '.slugignore');
  if (text === undefined) return [];
  const patterns = parseSlugignore(text);
  if (patterns.length === 0) return [];
  const removed: string[] = [];
  let seen = 0;
  const walk = async (relDir: string): Promise<void> => {
    for (const entry of await readdir(join(buildDir, relDir), { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) return;
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const isDir = entry.isDirectory();
      const hit = patterns.some((p) => (!p.directoryOnly || isDir) && p.regex.test(p.anchored ? rel : entry.name));
      if (hit) {
        await rm(join(buildDir, rel), { recursive: true, force: true });
        removed.push(rel);
      } else if (isDir) {
        await walk(rel);
      }
    }
  };
  if ((await lstat(buildDir)).isDirectory()) await walk('');
  return removed;
}
