/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A throwaway PostgreSQL 15 cluster for this test process: made in a temporary folder at
 * the first call (initdb, then pg_ctl on a Unix socket in that folder, no TCP), with a
 * template database holding PostGIS; stopped and removed when the process ends, also
 * when it aborts on a failed assertion or is killed.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as
 * "nobody" and its folder is theirs. */

/* TRUE when the cluster runs (started now if need be). FALSE, and the test marked skipped
 * with the reason, when PostgreSQL 15 or PostGIS 3 is not installed. */
gboolean  xuncha_test_postgres_require      (void);

/* The same without a test to skip: FALSE with the reason in @reason. For a program that
 * decides in main() which cases it registers. */
gboolean  xuncha_test_postgres_available    (char   **reason);

/* A libpq connection string ("key=value" words) to a fresh empty database with PostGIS,
 * made from the template (fast: a file copy). NULL with @error if the cluster does not
 * run. */
char     *xuncha_test_postgres_new_database (GError **error);

G_END_DECLS
