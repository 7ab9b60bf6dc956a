/**
 * A stack's package list (stacks/<name>/run.packages, build.packages): one Debian package per
 * line, `name` or `name=version` (an exact pin), `#` comments and blank lines ignored. Anything
 * else is refused with the line number: a typo must not silently drop a package from every dyno.
 */
export class PackageListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageListError';
  }
}

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;

/** `allowEmpty`: a build image may add nothing to its run image (it is then a copy of it). */
export function parsePackageList(text: string, file: string, options: { allowEmpty?: boolean } = {}): string[] {
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    if (!PACKAGE.test(line)) throw new PackageListError(`${file}:${i + 1}: "${line}" is not a Debian package name (name or name=version)`);
    if (out.includes(line)) throw new PackageListError(`${file}:${i + 1}: ${line} is listed twice`);
    out.push(line);
  });
  if (out.length === 0 && !options.allowEmpty) throw new PackageListError(`${file} lists no packages`);
  return out;
}
