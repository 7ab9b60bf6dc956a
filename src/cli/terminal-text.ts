/**
 * Text bound for a terminal, made harmless: names, descriptions, URLs and values that tenants
 * chose may hold ESC/OSC sequences (retitle the window, rewrite earlier lines, hide text) or a
 * carriage return. Every control character is shown escaped (`\x1b`, `\r`, `\u009b`) except
 * newline, tab and the colour sequences the CLI itself writes (colour.ts).
 */
const UNSAFE = /\x1b\[(?:1|2|22|3[1-6]|39)m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function terminalText(text: string): string {
  return text.replace(UNSAFE, (match) => {
    if (match.length > 1) return match;
    const code = match.charCodeAt(0);
    if (code === 0x0d) return '\\r';
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
