/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xuncha-core.h"

G_BEGIN_DECLS

typedef struct _XunchaCliContext XunchaCliContext;

struct _XunchaCliContext
{
  char        *data_dir;   /* resolved */
  XunchaStore *store;      /* opened on first use */
};

/* Opens the store on first use; prints nothing. */
XunchaStore *xuncha_cli_context_get_store (XunchaCliContext  *ctx,
                                           GError           **error);

/* Parses a command's own options; on a usage error prints it with the command's help hint
 * and returns FALSE. */
gboolean     xuncha_cli_parse_options     (const char        *command,
                                           const char        *parameters,
                                           const char        *summary,
                                           GOptionEntry      *entries,
                                           int               *argc,
                                           char            ***argv);

/* Prints @node as pretty JSON on standard output. */
void         xuncha_cli_print_json        (JsonNode          *node);

/* Prints what an import did, as JSON: @count_key names the number read, @linked_key the
 * number of merchants linked to a street. */
void         xuncha_cli_print_import_stats (XunchaCrs                   crs,
                                            const XunchaMapImportStats *stats,
                                            const char                 *count_key,
                                            const char                 *linked_key);

typedef int (*XunchaCliCommand) (XunchaCliContext *ctx,
                                 int               argc,
                                 char            **argv);

int xuncha_cli_db         (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_categories (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_shift      (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_track      (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_history    (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_streets    (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_merchants  (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_report     (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_enroll     (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_sync       (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_tasks      (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_task       (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_messages   (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_message    (XunchaCliContext *ctx, int argc, char **argv);
int xuncha_cli_evidence   (XunchaCliContext *ctx, int argc, char **argv);

G_END_DECLS
