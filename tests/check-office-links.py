#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The office server carries none of the device's services: it links the protocol library
and the geometry library (street segments and coverage, with GEOS: the office judges a
synced track by the device's own rules), not the device core, and neither its link line
nor the libraries it loads at run time name geoclue, libsecret, libcurl, libexif or
gdk-pixbuf.

Both are read because each alone can miss a crossing: the linker's --as-needed (meson's
default) drops a library nothing calls from the NEEDED list, so a program can link the
whole core and still load only what it uses; a build without it loads everything the
link line names.

Usage: check-office-links.py BUILD_DIR OFFICE_PROGRAM"""

import os
import re
import shlex
import subprocess
import sys

build_dir, office = sys.argv[1], sys.argv[2]
# meson names a built program relative to the build folder.
if not os.path.isabs(office) and not os.path.exists(office):
    office = os.path.join(build_dir, office)

# Device services, by the start of their library's name (libgeoclue-2.so.0, libcurl.so.4 ...).
FORBIDDEN = {
    'libgeoclue': 'location (geoclue)',
    'libsecret': 'the keyring (libsecret)',
    'libcurl': 'the HTTP client (libcurl)',
    'libexif': 'photo metadata (libexif)',
    'libgdk_pixbuf': 'image decoding (gdk-pixbuf)',
}
# Static libraries the office must not link.
FORBIDDEN_ARCHIVES = {
    'libxuncha-core.a': 'the device core (libxuncha-core.a)',
}


def forbidden(name):
    base = os.path.basename(name)
    for prefix, what in FORBIDDEN.items():
        if re.match(re.escape(prefix) + r'[-_.]', base):
            return what
    if base.startswith('-l'):
        return forbidden('lib' + base[2:] + '.so')
    return FORBIDDEN_ARCHIVES.get(base)


def needed(program):
    """The shared libraries the program loads at start (its dynamic section's NEEDED)."""
    out = subprocess.run(['readelf', '--dynamic', '--wide', program], check=True,
                         capture_output=True, text=True).stdout
    return re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', out)


def link_line(build_dir, program):
    """The inputs and libraries of the program's link step in build.ninja, or None when
    the build has no ninja file (another backend)."""
    path = os.path.join(build_dir, 'build.ninja')
    if not os.path.exists(path):
        return None
    target = os.path.relpath(os.path.realpath(program), os.path.realpath(build_dir))
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for i, line in enumerate(lines):
        if not line.startswith('build ' + target.replace(':', '$:') + ': '):
            continue
        words = []
        # The statement's first line lists its inputs; its indented variables follow
        # until a blank line. A '$' at a line's end continues it.
        block = [line]
        for following in lines[i + 1:]:
            if not following.strip():
                break
            block.append(following)
        for text in block:
            if text.startswith(' ') and not text.strip().startswith('LINK_ARGS'):
                continue
            text = text.split('=', 1)[1] if text.strip().startswith('LINK_ARGS') else text
            words += shlex.split(text.replace('$ ', ' ').rstrip('$'))
        return words
    sys.exit('check-office-links: no link step for %s in %s' % (target, path))


problems = []
loaded = needed(office)
for name in loaded:
    what = forbidden(name)
    if what is not None:
        problems.append('loads %s: %s' % (what, name))

words = link_line(build_dir, office)
if words is None:
    print('# no build.ninja in %s: only the loaded libraries were checked' % build_dir)
else:
    for word in sorted(set(words)):
        what = forbidden(word)
        if what is not None:
            problems.append('links %s: %s' % (what, word))

if problems:
    print('The office must link the protocol and geometry libraries, not the device core and '
          'its services:')
    for problem in problems:
        print('  ' + problem)
    sys.exit(1)
print('# the office loads %s' % ', '.join(loaded))
