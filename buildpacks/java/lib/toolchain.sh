#!/usr/bin/env bash
# Where the Java buildpack's toolchain comes from: the ONE place to change when the stack moves
# (the berth-24 stack image's JDK and Maven, or the host's /usr with `up --dyno-root host`).
# Sourced by bin/compile; never downloads a JDK.
#   JAVA_JDK_ROOTS   directories holding JDKs (each a directory with bin/javac and a `release` file)
#   JAVA_DEFAULT_JDK the JDK used when system.properties names none (the stack's javac)
#   JAVA_MAVEN       the stack's Maven, used when the app has no ./mvnw
# The JDK's path is the same in build and run dynos, so .profile.d points JAVA_HOME at it.
JAVA_JDK_ROOTS=(/usr/lib/jvm)
JAVA_DEFAULT_JDK="$(dirname "$(dirname "$(readlink -f "$(command -v javac || echo /nonexistent/bin/javac)")")")"
JAVA_MAVEN="$(command -v mvn || true)"

# Prints "VERSION PATH" for each JDK the stack has (real paths, once each), newest first.
java_stack_jdks() {
  local root dir version
  for root in "${JAVA_JDK_ROOTS[@]}"; do
    for dir in "$root"/*; do
      [ -x "$dir/bin/javac" ] && [ -f "$dir/release" ] || continue
      version="$(sed -n -e 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$dir/release")"
      [ -n "$version" ] && echo "$version $(readlink -f "$dir")"
    done
  done | sort -u -k2,2 | sort -r -V -k1,1
}
