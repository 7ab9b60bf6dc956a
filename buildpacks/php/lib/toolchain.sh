#!/usr/bin/env bash
# Where the PHP buildpack's toolchain comes from: the ONE place to change when the stack moves
# (today build and run dynos see the host's /usr, which scripts/install.sh fills from Debian:
# php-cli, composer). Sourced by bin/compile; never downloads PHP, extensions or Composer.
#   PHP_BIN       the stack's php
#   PHP_COMPOSER  the stack's composer
PHP_BIN="$(command -v php || true)"
PHP_COMPOSER="$(command -v composer || true)"
