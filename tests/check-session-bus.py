#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every test and benchmark that starts a program linked with GTK runs under
dbus-run-session. Without a session bus of its own, GTK on a machine with none tries
dbus-launch (from dbus-x11, not installed), and the warning it prints is fatal under the
tests' G_DEBUG=fatal-warnings: the benchmark crashes instead of measuring."""

import json
import os
import subprocess
import sys

build = sys.argv[1]


def links_gtk(path, seen):
    if path in seen or not os.path.isfile(path) or not os.access(path, os.X_OK):
        return False
    seen.add(path)
    with open(path, 'rb') as f:
        if f.read(4) != b'\x7fELF':
            return False
    out = subprocess.run(['readelf', '-d', path], capture_output=True, text=True).stdout
    return 'libgtk-4.so' in out


failures = []
checked = 0
for kind in ('tests', 'benchmarks'):
    with open(os.path.join(build, 'meson-info', 'intro-%s.json' % kind)) as f:
        entries = json.load(f)
    for entry in entries:
        # The program run, its arguments, and programs handed over in the environment
        # (the start-up benchmark gets the app's path that way).
        candidates = list(entry['cmd']) + list((entry.get('env') or {}).values())
        seen = set()
        # meson gives a test's own program relative to the build folder.
        paths = [c if os.path.isabs(c) else os.path.join(build, c)
                 for c in candidates if isinstance(c, str)]
        drawn = [p for p in paths if links_gtk(p, seen)]
        if not drawn:
            continue
        checked += 1
        if os.path.basename(entry['cmd'][0]) != 'dbus-run-session':
            failures.append('%s %s starts %s without a session bus of its own'
                            % (kind[:-1], entry['name'], ', '.join(drawn)))

for line in failures:
    print(line)
print('%d tests and benchmarks start GTK programs; %d without dbus-run-session'
      % (checked, len(failures)))
if checked == 0:
    print('no GTK program found among the tests: the check would prove nothing')
    sys.exit(1)
sys.exit(1 if failures else 0)
