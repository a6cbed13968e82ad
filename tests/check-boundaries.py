#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The layers keep to their rooms: the app reaches data, geometry and the network only
through the core (no SQLite, GEOS, curl or libexif in src/app), and the core and the office stay
free of any toolkit (no GTK, libadwaita or libshumate in src/core or src/office); the
protocol library (src/protocol) is GLib and json-glib alone, and the common library
(src/common) that the office shares with the core carries none of the device's services; the
geometry library (src/geometry) that both link is GLib, GEOS and libm, without a store. Checked
on the source text, so a violation fails the suite, not only a review. Comments and
strings are removed first, so a comment naming sqlite3 is no violation.

Each table of the device store is written by one file only, its owner in HACKING.md's
"Tables and their owners" (read from there, so the document and the check cannot drift):
the SQL in the string literals of src/core, src/app and src/cli that inserts, updates,
deletes or replaces rows of a table appears only in its owner. The numbered migrations in
xuncha-store.c are the schema's, and may rewrite any table."""

import os
import re
import sys

top = sys.argv[1]

RULES = [
    ('src/app', 'the app reaches data, geometry and the network through the core', [
        (r'#\s*include\s*[<"]sqlite3\.h[>"]', 'includes sqlite3.h'),
        (r'#\s*include\s*[<"]geos_c\.h[>"]', 'includes geos_c.h'),
        (r'#\s*include\s*[<"]curl/', 'includes curl'),
        (r'#\s*include\s*[<"]libexif/', 'includes libexif'),
        (r'\bsqlite3_\w+\s*\(', 'calls SQLite'),
        (r'\bGEOS\w*\s*\(', 'calls GEOS'),
        (r'\bcurl_\w+\s*\(', 'calls curl'),
        (r'\bexif_\w+\s*\(', 'calls libexif'),
    ]),
    ('src/core', 'the core includes no toolkit', [
        (r'#\s*include\s*[<"](gtk|gdk|adwaita|shumate)/', 'includes a toolkit header'),
        (r'#\s*include\s*[<"]adwaita\.h[>"]', 'includes adwaita.h'),
        (r'\b(gtk|adw|shumate)_\w+\s*\(', 'calls a toolkit'),
    ]),
    ('src/office', 'the office includes no toolkit', [
        (r'#\s*include\s*[<"](gtk|gdk|adwaita|shumate)/', 'includes a toolkit header'),
        (r'#\s*include\s*[<"]adwaita\.h[>"]', 'includes adwaita.h'),
        (r'\b(gtk|adw|shumate)_\w+\s*\(', 'calls a toolkit'),
    ]),
    ('src/protocol', 'the protocol library is GLib and json-glib alone', [
        (r'#\s*include\s*[<"](gtk|gdk|adwaita|shumate)/', 'includes a toolkit header'),
        (r'#\s*include\s*[<"]adwaita\.h[>"]', 'includes adwaita.h'),
        (r'\b(gtk|adw|shumate)_\w+\s*\(', 'calls a toolkit'),
        (r'#\s*include\s*[<"](sqlite3|geos_c)\.h[>"]', 'includes SQLite or GEOS'),
        (r'#\s*include\s*[<"](curl|libexif|libsoup|libsecret|libgeoclue)/',
         'includes a library beyond GLib and json-glib'),
        (r'#\s*include\s*"xuncha-(store|sync|http|outbox|report-store)[-.]',
         'includes the device core'),
    ]),
    ('src/geometry', 'the geometry library is GLib, GEOS and libm alone (no store)', [
        (r'#\s*include\s*[<"](gtk|gdk|adwaita|shumate)/', 'includes a toolkit header'),
        (r'#\s*include\s*[<"]adwaita\.h[>"]', 'includes adwaita.h'),
        (r'\b(gtk|adw|shumate)_\w+\s*\(', 'calls a toolkit'),
        (r'#\s*include\s*[<"]sqlite3\.h[>"]', 'includes SQLite'),
        (r'\bsqlite3_\w+\s*\(', 'calls SQLite'),
        (r'#\s*include\s*[<"](curl|libexif|libsoup|libsecret|libgeoclue|json-glib)/',
         'includes a library beyond GLib, GEOS and libm'),
        (r'#\s*include\s*"xuncha-(store|sync|http|outbox|report-store|wire)[-.]',
         'includes the device core or the protocol'),
    ]),
    ('src/common', 'the common library carries none of the device\'s services', [
        (r'#\s*include\s*[<"](gtk|gdk|adwaita|shumate)/', 'includes a toolkit header'),
        (r'#\s*include\s*[<"]adwaita\.h[>"]', 'includes adwaita.h'),
        (r'\b(gtk|adw|shumate)_\w+\s*\(', 'calls a toolkit'),
        (r'#\s*include\s*[<"]geos_c\.h[>"]', 'includes GEOS'),
        (r'#\s*include\s*[<"](curl|libexif|libsoup|libsecret|libgeoclue)/',
         'includes a device service'),
    ]),
]

# Dependencies a layer's meson.build must not name.
MESON_RULES = {
    'src/app/meson.build': ['sqlite3', 'geos', 'libcurl', 'libexif'],
    'src/core/meson.build': ['gtk4', 'libadwaita-1', 'shumate-1.0'],
    'src/office/meson.build': ['gtk4', 'libadwaita-1', 'shumate-1.0'],
    'src/protocol/meson.build': ['gtk4', 'libadwaita-1', 'shumate-1.0', 'sqlite3', 'geos',
                                 'libcurl', 'libexif', 'libsoup-3.0', 'libsecret-1',
                                 'libgeoclue-2.0'],
    'src/geometry/meson.build': ['gtk4', 'libadwaita-1', 'shumate-1.0', 'sqlite3', 'libcurl',
                                 'libexif', 'libsoup-3.0', 'libsecret-1', 'libgeoclue-2.0',
                                 'json-glib-1.0'],
    'src/common/meson.build': ['gtk4', 'libadwaita-1', 'shumate-1.0', 'geos', 'libcurl',
                               'libexif', 'libsoup-3.0', 'libsecret-1', 'libgeoclue-2.0'],
}


def code_only(text):
    """C text without comments and string or character literals (line breaks kept, so
    line numbers hold)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:end]))
            i = end
        elif text.startswith('//', i):
            end = text.find('\n', i)
            end = n if end < 0 else end
            i = end
        elif c in '"\'' and not (c == '"' and re.search(r'#\s*include\s*$', text[text.rfind('\n', 0, i) + 1:i])):
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def literals(text):
    """The string literals of C text, adjacent ones joined as the compiler joins them,
    each with the line it starts on. Comments are skipped."""
    found = []
    i, n, line = 0, len(text), 1
    last_end = None
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            line += text.count('\n', i, end)
            i = end
        elif text.startswith('//', i):
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'" and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            last_end = None
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            value = text[i + 1:j]
            if last_end is not None:
                found[-1] = (found[-1][0], found[-1][1] + value)
            else:
                found.append((line, value))
            i = j + 1
            last_end = i
        else:
            if not c.isspace():
                last_end = None
            if c == '\n':
                line += 1
            i += 1
    return found


WRITE = re.compile(r'\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO'
                   r'|UPDATE(?:\s+OR\s+[A-Z]+)?|DELETE\s+FROM)\s+([A-Za-z_]\w*)')


def table_owners(top):
    """{table: owner file} from HACKING.md's "Tables and their owners"."""
    owners = {}
    with open(os.path.join(top, 'HACKING.md'), encoding='utf-8') as f:
        text = f.read()
    match = re.search(r'^## Tables and their owners\n(.*?)(?=^## |\Z)', text, re.M | re.S)
    if match is None:
        return owners
    for row in re.finditer(r'^\|\s*((?:`\w+`(?:,\s*)?)+)\s*\|\s*`([^`]+)`\s*\|\s*$',
                           match.group(1), re.M):
        for table in re.findall(r'`(\w+)`', row.group(1)):
            owners[table] = row.group(2)
    return owners


def check_owners(top, failures):
    owners = table_owners(top)
    if not owners:
        failures.append('HACKING.md has no "Tables and their owners" table to check against')
        return 0
    for table, owner in sorted(owners.items()):
        if not os.path.isfile(os.path.join(top, owner)):
            failures.append('HACKING.md names %s as the owner of %s, and there is no such '
                            'file' % (owner, table))
    checked = 0
    for folder in ('src/core', 'src/app', 'src/cli'):
        for root, _, files in os.walk(os.path.join(top, folder)):
            for name in sorted(files):
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(root, name)
                relative = os.path.relpath(path, top)
                with open(path, encoding='utf-8') as f:
                    text = f.read()
                if relative == 'src/core/xuncha-store.c':
                    # The migrations rewrite rows of any table: blank them out, lines kept.
                    start = re.search(r'migrations\[\]\s*=\s*\{', text)
                    end = text.find('\n};', start.end()) if start else -1
                    if start and end > 0:
                        text = (text[:start.start()]
                                + re.sub(r'[^\n]', ' ', text[start.start():end])
                                + text[end:])
                checked += 1
                for number, sql in literals(text):
                    for write in WRITE.finditer(sql):
                        table = write.group(1)
                        if table == 'SET':   # ON CONFLICT ... DO UPDATE SET
                            continue
                        if table not in owners:
                            failures.append('%s:%d writes the table %s, which has no owner in '
                                            'HACKING.md' % (relative, number, table))
                        elif owners[table] != relative:
                            failures.append('%s:%d writes the table %s, which only %s may '
                                            'write (HACKING.md, "Tables and their owners")'
                                            % (relative, number, table, owners[table]))
    return checked


failures = []
checked = 0
for folder, why, patterns in RULES:
    for root, _, files in os.walk(os.path.join(top, folder)):
        for name in sorted(files):
            if not name.endswith(('.c', '.h')):
                continue
            path = os.path.join(root, name)
            with open(path, encoding='utf-8') as f:
                text = code_only(f.read())
            checked += 1
            for number, line in enumerate(text.split('\n'), 1):
                for pattern, what in patterns:
                    if re.search(pattern, line):
                        failures.append('%s:%d %s (%s): %s' % (os.path.relpath(path, top),
                                                               number, what, why,
                                                               line.strip()))

for meson_file, names in MESON_RULES.items():
    with open(os.path.join(top, meson_file), encoding='utf-8') as f:
        text = f.read()
    checked += 1
    for name in names:
        if re.search(r"dependency\s*\(\s*'%s'" % re.escape(name), text):
            failures.append('%s names the dependency %s' % (meson_file, name))

checked += check_owners(top, failures)

for failure in failures:
    print(failure)
print('%d files checked, %d crossings' % (checked, len(failures)))
sys.exit(1 if failures or checked < 50 else 0)
