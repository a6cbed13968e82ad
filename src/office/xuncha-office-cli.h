/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

/* What the commands of xuncha-office share (xuncha-office.c): the one option parser, with
 * --data-dir and --database, and the records and photos those name. */
gboolean parse_described (const char    *command,
                          const char    *parameters,
                          const char    *description,
                          GOptionEntry  *entries,
                          int           *argc,
                          char        ***argv);
gboolean open_backend    (guint                    pool_size,
                          XunchaOfficeRecords    **records,
                          XunchaOfficePhotoStore **photos);

/* Adds (or renews, with a fresh code) @officer as `xuncha-office officer add` and the
 * sheet do, with its audit entry (actor "command line", before → after) in the same
 * transaction. */
gboolean xuncha_office_cli_officer_add (XunchaOfficeRecords      *records,
                                        const XunchaWireOfficer  *officer,
                                        char                    **code,
                                        GError                  **error);

/* xuncha-office task add|list|show|cancel and message send|list
 * (xuncha-office-task-cli.c). */
int      xuncha_office_cli_task    (int    argc,
                                    char **argv);
/* evidence export (xuncha-office-evidence-cli.c). */
int      xuncha_office_cli_evidence (int    argc,
                                     char **argv);
int      xuncha_office_cli_message (int    argc,
                                    char **argv);

/* xuncha-office time-limits list|set: the categories' time limits
 * (xuncha-office-time-limit-cli.c). */
int      xuncha_office_cli_time_limits (int    argc,
                                        char **argv);
/* xuncha-office routes show: an officer's day of patrol (xuncha-office-route-cli.c). */
int      xuncha_office_cli_routes  (int    argc,
                                    char **argv);

/* xuncha-office officer sheet: new codes and their printable enrollment cards
 * (xuncha-office-sheet-cli.c). */
int      xuncha_office_cli_officer_sheet (int    argc,
                                          char **argv);

G_END_DECLS
