#!/bin/sh
# cmake --install puts every file where Debian expects it, and the installed
# cachectl runs. Usage: install_test.sh BUILD_DIR
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
status=0
for f in bin/cachectl bin/cachectl-node bin/cachectl-fetch bin/cachectl-notify lib/cachectl/libcachectl-reuseport.so \
         share/bash-completion/completions/cachectl \
         share/zsh/vendor-completions/_cachectl \
         share/fish/vendor_completions.d/cachectl.fish \
         share/man/man1/cachectl.1 \
         lib/systemd/system/cachectl-resume@.service \
         lib/systemd/user/cachectl-resume@.service \
         lib/systemd/system/cachectl-serve@.service \
         lib/systemd/user/cachectl-serve@.service; do
  if [ ! -s "$prefix/$f" ]; then
    echo "missing: $f" >&2
    status=1
  fi
done
for f in bin/cachectl bin/cachectl-node bin/cachectl-fetch bin/cachectl-notify; do
  [ -x "$prefix/$f" ] || { echo "not executable: $f" >&2; status=1; }
done
"$prefix/bin/cachectl" version >/dev/null || { echo "installed cachectl does not run" >&2; status=1; }
grep -q "^ExecStart=/.*/bin/cachectl --state-dir %I resume$" \
  "$prefix/lib/systemd/system/cachectl-resume@.service" ||
  { echo "the unit does not run cachectl resume" >&2; status=1; }
grep -q "^ExecStart=/.*/bin/cachectl --state-dir %I serve --listen 127.0.0.1:9736$" \
  "$prefix/lib/systemd/system/cachectl-serve@.service" ||
  { echo "the unit does not run cachectl serve" >&2; status=1; }
if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify "$prefix/lib/systemd/system/cachectl-resume@.service" \
    "$prefix/lib/systemd/system/cachectl-serve@.service" 2>&1 |
    grep -v "Command .* is not executable\|not found" >&2 || true
fi
exit $status
