#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints a shell script that starts a systemd service's ExecStart the way its unit says, for
a root (a chroot) without systemd running (build-aux/deb-test): its user and group, its state folder,
credentials and environment file, its umask, and those of its hardening options that a mount
namespace and setpriv can give. The options it cannot honour are listed in the script's
comments; an option it does not know stops it, so a new one in the unit is not silently
ignored.

usage: unit-launcher.py UNIT-FILE ROOT   (the unit file as seen from here, the root it is in)
"""
import os
import shlex
import sys

# What systemd enforces in the kernel for us and a launcher cannot do without it.
NOT_HONOURED = {
    "SystemCallFilter", "SystemCallErrorNumber", "SystemCallArchitectures",
    "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID",
    "LockPersonality", "MemoryDenyWriteExecute", "ProtectKernelTunables",
    "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock",
    "ProtectHostname",
}
# Service management, not the process's surroundings.
NOT_APPLICABLE = {"Type", "Restart", "RestartSec"}
HONOURED = {
    "User", "Group", "StateDirectory", "StateDirectoryMode", "EnvironmentFile",
    "LoadCredential", "ExecStart", "NoNewPrivileges", "CapabilityBoundingSet",
    "AmbientCapabilities", "UMask", "PrivateTmp", "PrivateDevices", "ProtectSystem",
    "ProtectHome", "ProtectProc", "ProcSubset",
}


def read_service(path):
    """The [Service] section as (key, value) pairs in order, continuation lines joined."""
    pairs, section, pending = [], None, ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if pending:
                line = pending + " " + line.strip()
                pending = ""
            if line.endswith("\\"):
                pending = line[:-1].rstrip()
                continue
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.startswith("["):
                section = stripped.strip("[]")
                continue
            if section == "Service":
                key, _, value = stripped.partition("=")
                pairs.append((key.strip(), value.strip()))
    return pairs


def read_environment_file(path):
    """KEY=VALUE lines as systemd reads them: comments and blank lines skipped, quotes
    around a whole value removed."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            key, _, value = line.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[key.strip()] = value
    return env


def expand(command, env):
    """ExecStart's variables: ${NAME} is one word, $NAME is split on white space."""
    words = []
    for word in shlex.split(command):
        if word.startswith("$") and not word.startswith("${"):
            words.extend(env.get(word[1:], "").split())
            continue
        for name, value in env.items():
            word = word.replace("${%s}" % name, value)
        words.append(word)
    return words


def main():
    unit, root = sys.argv[1], sys.argv[2]
    pairs = read_service(unit)
    values = {}
    for key, value in pairs:
        if key not in HONOURED | NOT_HONOURED | NOT_APPLICABLE:
            sys.exit("unit-launcher: %s= is neither honoured nor known to need systemd" % key)
        values.setdefault(key, []).append(value)
    one = lambda key, default=None: values.get(key, [default])[-1]

    user, group = one("User"), one("Group", one("User"))
    state = "/var/lib/" + one("StateDirectory")
    credentials = "/run/credentials/" + os.path.basename(unit)
    env = {"STATE_DIRECTORY": state, "CREDENTIALS_DIRECTORY": credentials}
    for path in values.get("EnvironmentFile", []):
        optional = path.startswith("-")
        path = path.lstrip("-")
        full = os.path.join(root, path.lstrip("/"))
        if optional and not os.path.exists(full):
            continue
        env.update(read_environment_file(full))
    argv = expand(one("ExecStart"), env)

    q = shlex.quote
    out = ["#!/bin/sh", "# Starts %s in %s as its unit says." % (os.path.basename(unit), root)]
    out.append("# Honoured: " + ", ".join(sorted(k for k in values if k in HONOURED)))
    out.append("# Need systemd (not honoured here): "
               + ", ".join(sorted(k for k in values if k in NOT_HONOURED)))
    out.append("set -e")
    # What systemd prepares as root before the start, done in the root by its own tools (the
    # user is the root's).
    prepare = ["set -e",
               "install -d -m %s -o %s -g %s %s" % (one("StateDirectoryMode", "0755"), q(user),
                                                  q(group), q(state)),
               "rm -rf %s" % q(credentials),
               "install -d -m 0500 -o %s -g %s %s" % (q(user), q(group), q(credentials))]
    for spec in values.get("LoadCredential", []):
        name, _, source = spec.partition(":")
        prepare.append("install -m 0400 -o %s -g %s %s %s/%s"
                       % (q(user), q(group), q(source), q(credentials), q(name)))
    out.append("chroot %s /bin/sh -c %s" % (q(root), q("\n".join(prepare))))

    # In a mount namespace of its own: the root as the unit's Protect*/Private* options show
    # it (mounted again at $view), then the program as the unit's user, with no way back to
    # privilege.
    inner = ["set -e", "view=$(mktemp -d)", "mount --rbind %s \"$view\"" % q(root)]
    if one("ProtectSystem") == "strict":
        # All read-only but the state folder (systemd keeps /dev and /proc as they are).
        inner += ["mount --bind \"$view\"%s \"$view\"%s" % (q(state), q(state)),
                  "mount -o remount,bind,ro \"$view\""]
    if one("PrivateTmp") == "yes":
        inner += ["mount -t tmpfs -o mode=1777 tmpfs \"$view/tmp\"",
                  "mount -t tmpfs -o mode=1777 tmpfs \"$view/var/tmp\""]
    if one("ProtectHome") == "yes":
        inner += ["for d in home root run/user; do [ ! -d \"$view/$d\" ] || "
                  "mount -t tmpfs -o ro,mode=0755 tmpfs \"$view/$d\"; done"]
    if one("PrivateDevices") == "yes":
        inner += ["mount -t tmpfs -o mode=0755 tmpfs \"$view/dev\"",
                  "for n in null zero full random urandom tty; do touch \"$view/dev/$n\"; "
                  "mount --bind /dev/$n \"$view/dev/$n\"; done"]
    if one("ProtectProc") or one("ProcSubset"):
        opts = []
        if one("ProtectProc"):
            opts.append("hidepid=" + one("ProtectProc"))
        if one("ProcSubset"):
            opts.append("subset=" + one("ProcSubset"))
        inner += ["mount -t proc -o %s proc \"$view/proc\"" % ",".join(opts)]
    setpriv = ["setpriv", "--reuid=" + user, "--regid=" + group, "--init-groups"]
    if one("NoNewPrivileges") == "yes":
        setpriv.append("--no-new-privs")
    if one("CapabilityBoundingSet") == "":
        setpriv.append("--bounding-set=-all")
    if one("AmbientCapabilities") == "":
        setpriv += ["--inh-caps=-all", "--ambient-caps=-all"]
    environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"]
    environment += ["%s=%s" % (k, v) for k, v in env.items()]
    inner.append("umask %s" % one("UMask", "0022"))
    inner.append("exec chroot \"$view\" /usr/bin/env -i "
                 + " ".join(q(a) for a in environment + setpriv + ["--"] + argv))
    out.append("exec unshare --mount --propagation private sh -c %s" % q("\n".join(inner)))
    print("\n".join(out))

if __name__ == "__main__":
    main()
