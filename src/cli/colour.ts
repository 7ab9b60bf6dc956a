export interface Colours {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  blue(text: string): string;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && env.NO_COLOR === undefined;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string) => text;

export function colours(enabled: boolean): Colours {
  if (!enabled) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, magenta: plain, blue: plain };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), magenta: sgr(35, 39), blue: sgr(34, 39) };
}

export function coloursFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colours {
  return colours(colourEnabled(stream.isTTY, env));
}
