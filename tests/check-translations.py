#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that po/POTFILES.in names every file with translatable strings, that every
catalogue in po/LINGUAS compiles with msgfmt --check, and that it translates every string
of the current sources (no untranslated, no fuzzy). Exit 1 with the reasons otherwise."""
import os, re, subprocess, sys, tempfile

src = sys.argv[1]
po_dir = os.path.join(src, "po")
problems = []

listed = set()
with open(os.path.join(po_dir, "POTFILES.in")) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.add(line)
            if not os.path.exists(os.path.join(src, line)):
                problems.append("POTFILES.in lists a missing file: " + line)

marker_c = re.compile(r'\b(_|N_|C_|NC_|g_dngettext|ngettext)\s*\(')
for top in ("src", "ui"):
    for root, _, files in os.walk(os.path.join(src, top)):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            needs = (name.endswith(".c") and marker_c.search(text)) or \
                    (name.endswith(".ui") and 'translatable="yes"' in text)
            if needs and rel not in listed:
                problems.append("POTFILES.in misses " + rel)

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "xuncha.pot")
    subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments", "--directory=" + src,
                    "--files-from=" + os.path.join(po_dir, "POTFILES.in"), "--output=" + pot,
                    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
                    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
                    "--keyword=g_dpgettext2:2c,3", "--flag=N_:1:pass-c-format",
                    "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
                    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
                    "--flag=g_string_printf:2:c-format", "--flag=g_printerr:1:c-format",
                    "--flag=g_set_error:4:c-format", "--flag=g_prefix_error:2:c-format"],
                   check=True)
    with open(os.path.join(po_dir, "LINGUAS")) as f:
        linguas = f.read().split()
    for lang in linguas:
        po = os.path.join(po_dir, lang + ".po")
        merged = os.path.join(tmp, lang + ".po")
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po, pot],
                       check=True)
        r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append("%s.po does not compile: %s" % (lang, r.stderr.strip()))
        r = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, merged],
                           capture_output=True, text=True)
        stats = r.stderr.strip()
        print("%s: %s" % (lang, stats))
        if "untranslated" in stats or "fuzzy" in stats:
            missing = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", merged],
                                     capture_output=True, text=True).stdout
            ids = re.findall(r'^msgid "(.+)"$', missing, re.M)[:15]
            problems.append("%s.po is not complete (%s); first missing: %s"
                            % (lang, stats, "; ".join(ids)))

for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
