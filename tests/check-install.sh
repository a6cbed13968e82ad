#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the build into a scratch prefix and runs the installed programs from there.
set -eu
build="$1"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c \
  'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
root="$dest$prefix"
appid=$(ls "$root/share/applications" | sed -n 's/\.desktop$//p' | head -n 1)

fail() { echo "FAIL: $*"; exit 1; }
for f in bin/xuncha bin/xuncha-cli bin/xuncha-office lib/systemd/system/xuncha-office.service \
         share/doc/xuncha/protocol.md share/doc/xuncha/backup.md share/doc/xuncha/scaling.md \
         share/xuncha/demo/streets.geojson share/xuncha/console/console.css \
         share/xuncha/console/console-map.js \
         "share/applications/$appid.desktop" "share/metainfo/$appid.metainfo.xml" \
         share/glib-2.0/schemas/io.github.xuncha.Xuncha.gschema.xml \
         "share/icons/hicolor/scalable/apps/$appid.svg" \
         "share/icons/hicolor/symbolic/apps/$appid-symbolic.svg" \
         share/locale/zh_CN/LC_MESSAGES/xuncha.mo; do
  [ -e "$root/$f" ] || fail "not installed: $f"
done

"$root/bin/xuncha-office" --help 2>&1 | grep -q 'serve' || fail "installed xuncha-office --help"
out=$("$root/bin/xuncha-cli" --version)
echo "$out" | grep -q '^xuncha-cli ' || fail "installed xuncha-cli --version said: $out"
data=$(mktemp -d)
"$root/bin/xuncha-cli" --data-dir "$data" db check >/dev/null || fail "installed xuncha-cli db check"
rm -rf "$data"

# The installed app needs its installed schema, compiled as a distribution would.
glib-compile-schemas "$root/share/glib-2.0/schemas"
out=$(GSETTINGS_SCHEMA_DIR="$root/share/glib-2.0/schemas" "$root/bin/xuncha" --version)
echo "$out" | grep -q '^xuncha ' || fail "installed xuncha --version said: $out"
echo "installed into a scratch prefix and ran: ok"
