import { CONFIG_VAR_NAME } from '../core/config-vars.js';

/** A line of a .env file that could not be read, with its 1-based number. */
export interface DotenvProblem {
  line: number;
  message: string;
}

export interface DotenvResult {
  vars: Record<string, string>;
  problems: DotenvProblem[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([^\s=#]+)\s*=\s*(.*)$/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/**
 * Reads a .env file: `KEY=value` lines, an optional `export ` prefix, `#` comments (whole lines,
 * or after whitespace in an unquoted value), and values in double quotes (`\n`, `\r`, `\t` and
 * backslash escapes; may span lines), single quotes or backticks (literal; may span lines).
 * A later line wins over an earlier one. Pure.
 */
export function parseDotenv(text: string): DotenvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const vars = new Map<string, string>();
  const problems: DotenvProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNumber = i + 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push({ line: lineNumber, message: 'expected KEY=value' });
      continue;
    }
    const [, key, rest] = match as unknown as [string, string, string];
    if (!CONFIG_VAR_NAME.test(key)) {
      problems.push({ line: lineNumber, message: `${JSON.stringify(key)} is not a valid name: use letters, digits and underscores, not starting with a digit` });
      continue;
    }
    const quote = rest[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      vars.set(key, rest.replace(/\s+#.*$/, '').trim());
      continue;
    }
    // A quoted value runs to its closing quote, possibly on a later line.
    let body = rest.slice(1);
    let end = closingQuote(body, quote);
    while (end < 0 && i + 1 < lines.length) {
      i++;
      body += `\n${lines[i] as string}`;
      end = closingQuote(body, quote);
    }
    if (end < 0) {
      problems.push({ line: lineNumber, message: `the ${quote} quote is never closed` });
      continue;
    }
    const after = body.slice(end + 1);
    if (!/^\s*(?:#.*)?$/.test(after)) {
      problems.push({ line: lineNumber, message: `unexpected text after the closing ${quote} quote` });
      continue;
    }
    const raw = body.slice(0, end);
    vars.set(key, quote === '"' ? unescapeDouble(raw) : raw);
  }
  return { vars: Object.fromEntries(vars), problems };
}

function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\(.)/gs, (_, c: string) => DOUBLE_QUOTE_ESCAPES[c] ?? c);
}

/**
 * A value as the official CLI's `config --shell` quotes it: bare when safe, in single quotes
 * when it has special characters, in double quotes (with escapes) when it has a `'` or a line
 * break. parseDotenv reads every form back to the same value.
 */
export function quoteValue(value: string): string {
  if (!/["\s#!$&'()*,:;<=>?@[\\\]^`{|}]/.test(value)) return value;
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/(["\\$`!])/g, '\\$1').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** `KEY=value` lines (sorted by name) that parseDotenv reads back to `vars`. */
export function formatDotenv(vars: Readonly<Record<string, string>>): string {
  return Object.keys(vars)
    .sort()
    .map((key) => `${key}=${quoteValue(vars[key] as string)}\n`)
    .join('');
}
