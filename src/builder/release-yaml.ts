/**
 * Reads what a classic buildpack's `bin/release` prints: a small YAML document with
 * `default_process_types` and `config_vars` maps (and legacy `addons`). Only that subset is
 * understood: top-level keys, one level of `key: value` beneath them (block or `{}` flow
 * style), plain, single- and double-quoted scalars, comments. Anything else is an error with
 * the line number, never a guess.
 */

export interface ReleaseInfo {
  defaultProcessTypes: Record<string, string>;
  configVars: Record<string, string>;
}

export class ReleaseYamlError extends Error {
  readonly line: number;
  constructor(line: number, why: string) {
    super(`line ${line}: ${why}`);
    this.name = 'ReleaseYamlError';
    this.line = line;
  }
}

/** The maps read; other top-level keys (legacy `addons`, vendor extras) are skipped whole. */
const READ = new Set(['default_process_types', 'config_vars']);
const KEY = /^([A-Za-z0-9_.-]+|"[^"]*"|'[^']*')\s*:(?:\s+(.*))?$/;

function stripComment(text: string): string {
  // A # starts a comment at the line start or after whitespace, outside quotes.
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

function scalar(raw: string, line: number): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new ReleaseYamlError(line, 'unterminated double-quoted string');
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new ReleaseYamlError(line, 'invalid escape in a double-quoted string');
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new ReleaseYamlError(line, 'unterminated single-quoted string');
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text === '~' || text === 'null') return '';
  return text;
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function flowMap(text: string, line: number): Record<string, string> {
  const body = text.trim().slice(1, -1).trim();
  const map: Record<string, string> = {};
  if (body === '') return map;
  for (const part of splitOutsideQuotes(body)) {
    const m = /^\s*([^:]+?)\s*:\s*(.*)$/.exec(part);
    if (!m) throw new ReleaseYamlError(line, `expected key: value inside {}, got ${JSON.stringify(part.trim())}`);
    map[scalar(m[1] as string, line)] = scalar(m[2] as string, line);
  }
  return map;
}

export function parseReleaseYaml(text: string): ReleaseInfo {
  const maps: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  let childIndent: number | undefined;
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const firstKeyLine = lines.findIndex((l) => /^[^\s#-]/.test(l) && l.trim() !== '---' && l.trim() !== '...');
  if (firstKeyLine === -1 && lines.some((l) => stripComment(l).trim() !== '' && !['---', '...'].includes(l.trim()))) {
    throw new ReleaseYamlError(1, 'expected top-level keys such as default_process_types');
  }
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const noTabs = raw.replace(/\r$/, '');
    if (/^\s*\t/.test(noTabs)) throw new ReleaseYamlError(lineNo, 'tabs are not allowed for indentation');
    const content = stripComment(noTabs);
    if (content.trim() === '' || content === '---' || content === '...') return;
    const indent = content.length - content.trimStart().length;
    const m = KEY.exec(content.trim());
    if (indent === 0) {
      if (!m) throw new ReleaseYamlError(lineNo, `expected a top-level key, got ${JSON.stringify(content.trim())}`);
      const key = scalar(m[1] as string, lineNo);
      const value = (m[2] ?? '').trim();
      current = undefined;
      childIndent = undefined;
      if (!READ.has(key)) return;
      if (value === '' || value === '~' || value === 'null') current = maps[key] = {};
      else if (value.startsWith('{') && value.endsWith('}')) maps[key] = flowMap(value, lineNo);
      else throw new ReleaseYamlError(lineNo, `${key} must be a map of names to strings`);
      return;
    }
    if (index < firstKeyLine) throw new ReleaseYamlError(lineNo, 'an indented line before any top-level key');
    if (current === undefined) return; // beneath a key we don't read
    childIndent ??= indent;
    if (indent !== childIndent) throw new ReleaseYamlError(lineNo, 'inconsistent indentation (only one level of nesting is read)');
    if (!m) throw new ReleaseYamlError(lineNo, `expected key: value, got ${JSON.stringify(content.trim())}`);
    current[scalar(m[1] as string, lineNo)] = scalar(m[2] ?? '', lineNo);
  });
  return {
    defaultProcessTypes: maps.default_process_types ?? {},
    configVars: maps.config_vars ?? {},
  };
}
