#!/usr/bin/env bash
# Installs what Berth needs, idempotently and quickly when nothing is missing:
# Debian packages, npm dependencies (npm ci when package-lock.json changed), the TypeScript
# build (when a source file is newer than the last build), the berth-24 stack images (built
# once per host, then checked) and the dashboard's build (web/).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
say() { printf -- '-----> %s\n' "$*"; }

# 1. Node.js itself: Debian 12's own nodejs is 18, too old; we need 20 or newer.
if ! command -v node >/dev/null 2>&1; then
  echo "Berth needs Node.js 20 or newer (https://nodejs.org or NodeSource's Debian packages). Install it and run this again." >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "Berth needs Node.js 20 or newer; this is $(node --version). Upgrade Node and run this again." >&2
  exit 1
fi

# 2. Debian packages. git: the git service and CLI; openssl: the local CA; postgresql: the
#    PostgreSQL store and its tests; bubblewrap, iproute2: dyno sandboxes; g++/make/python3:
#    better-sqlite3's native build; rsyslog: the syslog drain tests; iptables: dyno network isolation;
#    openssh-server: git over SSH (Berth runs its own sshd with its own config, never the system one);
#    python3-venv: the Python buildpack's virtualenvs; default-jdk-headless, maven: the Java
#    buildpack; ruby, ruby-dev (native gems), ruby-bundler: the Ruby buildpack; php-cli, composer:
#    the PHP buildpack (each buildpack's lib/toolchain.sh says where it finds them); mmdebstrap:
#    the berth-24 stack images (berth stacks:build); chromium: the dashboard's browser tests and
#    bench (headless, driven by playwright-core; never a downloaded browser).
PACKAGES=(git openssl ca-certificates postgresql redis-server bubblewrap iproute2 util-linux tar gzip iptables rsyslog g++ make python3 openssh-server python3-venv
  default-jdk-headless maven ruby ruby-dev ruby-bundler php-cli composer mmdebstrap chromium)
# `scripts/install.sh --bench`: also what bench/ compares against (wrk, nginx). Not for `up`:
# a system nginx has no place on a Berth host.
# `--test`: also the tools only tests use (pebble, Let's Encrypt's ACME test server; step 6).
BENCH=0; TEST_TOOLS=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1 ;;
    --test) TEST_TOOLS=1 ;;
  esac
done
if [ "$BENCH" = 1 ]; then PACKAGES+=(wrk nginx); fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$pkg"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2b. The `git` user git over SSH logs in as (ssh://git@HOST/APP.git): no home, no password; sshd
#     runs only Berth's gate for it (ForceCommand). Password '*' (no password login, yet not
#     "locked", which sshd refuses even for keys). Created once; an existing `git` user is reused.
if ! getent passwd git >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    say "Creating the system user git (git over SSH)"
    useradd --system --no-create-home --home-dir / --shell /bin/sh --password '*' git
  else
    echo "git over SSH needs a system user named git: sudo useradd --system --no-create-home --home-dir / --shell /bin/sh --password '*' git" >&2
  fi
fi

# 3. npm dependencies, reinstalled only when package-lock.json changes.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.berth-lock.sha256
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  say "Installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

# 4. Build, when any source is newer than the last build.
build_stamp=dist/.build-stamp
if [ ! -f "$build_stamp" ] || [ -n "$(find src test bench tsconfig.json package.json -newer "$build_stamp" -print -quit 2>/dev/null)" ]; then
  say "Building (tsc)"
  rm -f dist/.tsbuildinfo
  node_modules/.bin/tsc -p tsconfig.json
  touch "$build_stamp"
fi

# 5. The berth-24 stack images (stacks/berth-24/*.packages), what dynos see as / by default:
#    built once per host into the per-host cache (BERTH_STACK_CACHE, default
#    /var/cache/berth/stacks), about 5 minutes on a new host, with progress; afterwards a quick
#    check of the cached images (their content hash only when their files changed). Skipped when
#    dynos run on the host's /usr (BERTH_DYNO_ROOT=host) unless --test (`bin/berth test`: tests
#    run dynos on the images whichever root `up` defaults to) or BERTH_BUILD_STACK=1 asks for them;
#    BERTH_BUILD_STACK=0 skips them.
build_stack="${BERTH_BUILD_STACK:-}"
if [ -z "$build_stack" ]; then
  if [ "${BERTH_DYNO_ROOT:-}" = "host" ] && [ "$TEST_TOOLS" != 1 ]; then build_stack=0; else build_stack=1; fi
fi
if [ "$build_stack" = "1" ]; then
  say "Stack images (berth-24)"
  node dist/src/main/berth.js stacks:build
fi

# 6. Test tools (--test, as `bin/berth test` passes; also --bench, for bench/acme-issuance):
#    pebble, built once per version with `go install` from the Go module proxy into
#    .berth-tools/pebble-VERSION/ with the test certificate pebble serves its API with.
PEBBLE_VERSION=v2.10.3
PEBBLE_DIR="$ROOT/.berth-tools/pebble-$PEBBLE_VERSION"
if { [ "$TEST_TOOLS" = 1 ] || [ "$BENCH" = 1 ]; } && [ ! -x "$PEBBLE_DIR/bin/pebble" ]; then
  if command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ]; then
    GO="$(command -v go || echo /usr/local/go/bin/go)"
    say "Building pebble $PEBBLE_VERSION (the ACME test server) into $PEBBLE_DIR"
    mkdir -p "$PEBBLE_DIR.tmp/bin"
    GOBIN="$PEBBLE_DIR.tmp/bin" GOFLAGS=-mod=mod timeout 900 "$GO" install "github.com/letsencrypt/pebble/v2/cmd/pebble@$PEBBLE_VERSION"
    src="$("$GO" env GOMODCACHE)/github.com/letsencrypt/pebble/v2@$PEBBLE_VERSION/test/certs"
    cp "$src/pebble.minica.pem" "$src/localhost/cert.pem" "$src/localhost/key.pem" "$PEBBLE_DIR.tmp/"
    rm -rf "$PEBBLE_DIR" && mv "$PEBBLE_DIR.tmp" "$PEBBLE_DIR"
  else
    echo "The ACME tests need pebble, built with Go (https://go.dev/dl/); install Go and run scripts/install.sh --test." >&2
  fi
fi

# 7. The dashboard (web/ → dist/web: Vite, with a .gz and .br beside each asset), type-checked
#    first, when anything under web/ or the npm lock is newer than its last build.
web_stamp=dist/.web-build-stamp
if [ ! -f "$web_stamp" ] || [ ! -f dist/web/index.html ] || [ -n "$(find web package-lock.json -newer "$web_stamp" -print -quit 2>/dev/null)" ]; then
  say "Building the dashboard (vite)"
  node_modules/.bin/tsc -p web/tsconfig.json
  node_modules/.bin/tsc -p web/tsconfig.node.json
  node_modules/.bin/vite build --config web/vite.config.ts
  touch "$web_stamp"
fi
