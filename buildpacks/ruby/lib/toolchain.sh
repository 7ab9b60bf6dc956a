#!/usr/bin/env bash
# Where the Ruby buildpack's toolchain comes from: the ONE place to change when the stack moves
# (today build and run dynos see the host's /usr, which scripts/install.sh fills from Debian:
# ruby, ruby-dev for native extensions, ruby-bundler). Sourced by bin/compile; never downloads a Ruby.
#   RUBY_BIN     the stack's ruby
#   RUBY_BUNDLER the stack's bundle command
RUBY_BIN="$(command -v ruby || true)"
RUBY_BUNDLER="$(command -v bundle || true)"
