/**
 * Procfile parsing, as Heroku reads it: one `<type>: <command>` per line, the type made of
 * letters, digits, `-` and `_`. Blank lines and `#` comments are allowed, CRLF and a leading
 * byte-order mark are tolerated. Anything else is an error that names the line and the rule:
 * Berth never guesses what a malformed line meant.
 */

/** Heroku's process type rule. */
export const PROCESS_TYPE_PATTERN = /^[A-Za-z0-9_-]+$/;

export const PROCFILE_LINE_RULE =
  'expected `<type>: <command>` with type made of letters, digits, - and _';

/** Process types in the order the Procfile declares them. */
export type ProcessTypes = Record<string, string>;

export class ProcfileError extends Error {
  /** 1-based line number of the offending line. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.name = 'ProcfileError';
    this.line = line;
  }
}

const LINE = /^([^:\s]*):\s*(.*)$/;

/** Parses a Procfile's text into its process types; throws ProcfileError on the first bad line. */
export function parseProcfile(text: string): ProcessTypes {
  const types: ProcessTypes = {};
  const firstLine = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    const type = match?.[1] ?? '';
    const command = (match?.[2] ?? '').trim();
    if (!match || !PROCESS_TYPE_PATTERN.test(type) || command === '') {
      throw new ProcfileError(lineNo, `Procfile line ${lineNo} is invalid: ${PROCFILE_LINE_RULE}.`);
    }
    const seen = firstLine.get(type);
    if (seen !== undefined) {
      throw new ProcfileError(
        lineNo,
        `Procfile line ${lineNo} declares process type ${type} again (first declared on line ${seen}); each type may appear once.`,
      );
    }
    firstLine.set(type, lineNo);
    types[type] = command;
  });
  return types;
}
