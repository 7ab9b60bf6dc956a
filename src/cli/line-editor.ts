/** What typing `chunk` does to a line being read from a terminal in raw mode. Pure. */
export interface LineStep {
  text: string;
  status: 'more' | 'done' | 'cancelled';
  /** What to write back to the terminal (empty when not echoing). */
  echo: string;
}

export function typeKeys(text: string, chunk: string, echo: boolean): LineStep {
  if (chunk.startsWith('\x1b')) return { text, status: 'more', echo: '' }; // arrow keys and other escapes
  let out = '';
  for (const ch of chunk) {
    if (ch === '\r' || ch === '\n') return { text, status: 'done', echo: out };
    if (ch === '\x03') return { text, status: 'cancelled', echo: out };
    if (ch === '\x04') {
      if (text === '') return { text, status: 'cancelled', echo: out };
      continue;
    }
    if (ch === '\x7f' || ch === '\b') {
      if (text !== '') {
        text = [...text].slice(0, -1).join('');
        if (echo) out += '\b \b';
      }
      continue;
    }
    if (ch === '\x15') {
      if (echo) out += '\b \b'.repeat([...text].length);
      text = '';
      continue;
    }
    if (ch < ' ') continue;
    text += ch;
    if (echo) out += ch;
  }
  return { text, status: 'more', echo: out };
}
