/**
 * A `curl` that build dynos find first on PATH (in the build's HOME, `.berth/bin`): it runs the
 * stack's curl unchanged and, when a download fails, prints the URL it could not reach and why.
 * Buildpacks, Heroku's official ones included, download with curl and often hide its message
 * (`curl -s`) or print only "curl: (7) Failed to connect"; the build log then names the URL.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where, under the build's HOME, the wrapper lives (PATH gets `$HOME/.berth/bin` first). */
export const DOWNLOAD_REPORTER_DIR = join('.berth', 'bin');

// curl's exit codes that mean "could not download" (curl(1), EXIT CODES), with the reason shown.
const SCRIPT = `#!/bin/bash
# Berth: the stack's curl, naming the URL it could not reach when a download fails.
real=/usr/bin/curl
[ -x "$real" ] || { echo "curl: this stack has no curl ($real)" >&2; exit 127; }
"$real" "$@"
status=$?
[ "$status" -eq 0 ] && exit 0
case "$status" in
  5) why="could not resolve the proxy" ;;
  6) why="could not resolve the host" ;;
  7) why="could not connect" ;;
  22) why="the server answered with an HTTP error" ;;
  28) why="timed out" ;;
  35|51|58|59|60|77|83|90|91) why="the TLS handshake or certificate check failed" ;;
  18|47|52|55|56|92|95) why="the connection broke off" ;;
  *) exit "$status" ;;
esac
url=""
previous=""
for arg in "$@"; do
  case "$arg" in
    http://*|https://*|ftp://*|ftps://*) url="$arg" ;;
    *) [ "$previous" = --url ] && url="$arg" ;;
  esac
  previous="$arg"
done
[ -n "$url" ] && echo " !     Download failed: could not reach $url ($why; curl exit $status)" >&2
exit "$status"
`;

/** Writes the wrapper into the build's HOME (on the host); returns the directory for PATH, relative to HOME. */
export async function installDownloadReporter(home: string): Promise<string> {
  const dir = join(home, DOWNLOAD_REPORTER_DIR);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'curl'), SCRIPT);
  await chmod(join(dir, 'curl'), 0o755);
  return DOWNLOAD_REPORTER_DIR;
}
