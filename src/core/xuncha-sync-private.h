/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-http.h"
#include "xuncha-store.h"
#include "xuncha-sync-policy.h"
#include "xuncha-sync.h"
#include "xuncha-wire-delta.h"

G_BEGIN_DECLS

/* For the parts of one sync (xuncha-sync.c runs them): the run they share, one request
 * under the policy, and the steps. A run belongs to the sync's own thread. */

#define XUNCHA_SYNC_META_SERVER  "sync.server"
#define XUNCHA_SYNC_META_OFFICER "sync.officer"
#define XUNCHA_SYNC_META_CA_FILE "sync.ca_file"
#define XUNCHA_SYNC_META_PINS    "sync.pins"
/* The office records' generation this device last saw ("" or absent: none yet). */
#define XUNCHA_SYNC_META_GENERATION "sync.office_generation"
/* The algorithm and fingerprint of the signing key the office kept at enrollment
 * (docs/evidence.md); empty when it kept none (an office of before keys). */
#define XUNCHA_SYNC_META_SIGNATURE  "evidence.algorithm"
#define XUNCHA_SYNC_META_DEVICE_KEY "evidence.device_key"

/* Keeps why the office's certificate was refused in an XUNCHA_SYNC_ERROR_TLS error. */
void xuncha_sync_error_set_certificate_problem (GError                   *error,
                                                XunchaCertificateProblem  problem);

typedef struct
{
  XunchaSync       *self;
  GMainContext     *context;       /* where progress is delivered */
  GCancellable     *cancellable;
  char             *data_dir;
  char             *token;
  char             *officer;       /* the token's officer: the one the device is enrolled as */
  XunchaSyncPolicy  policy;
  guint             low_speed_limit;
  guint             low_speed_time;
  gboolean          honour_schedule;

  XunchaStore      *store;
  int               hold;          /* the device's sync lock, -1 before it is taken */
  XunchaHttp       *http;
  XunchaSyncResult *result;
  GHashTable       *photos_done;   /* sha256 -> outcome, this sync */
  gint64            photo_max_bytes;
  guint             items_done;
  guint             items_total;
  guint64           bytes_done;
  guint64           bytes_total;
  guint64           bytes_base;    /* bytes_done before the current upload */
  gboolean          office_has_tasks; /* the office answered the tasks pull */
} XunchaSyncRun;

typedef enum
{
  XUNCHA_SYNC_STEP_OK,      /* a 2xx from the office */
  XUNCHA_SYNC_STEP_ANSWER,  /* another status the caller interprets (404, 409, 413, 422 …) */
  XUNCHA_SYNC_STEP_STOP,    /* the sync ends here: run->result->stopped says why */
} XunchaSyncStep;

/* The run (xuncha-sync.c). */
void           xuncha_sync_run_report_progress (XunchaSyncRun       *run);
void           xuncha_sync_run_item_finished   (XunchaSyncRun       *run);

/* One request (xuncha-sync-request.c). */
gint64         xuncha_sync_now_ms              (void);
/* Waits @ms or until cancelled; FALSE when cancelled. */
gboolean       xuncha_sync_run_sleep           (XunchaSyncRun       *run,
                                                gint64               ms);
/* Ends the sync with a reason; the first reason stays. */
void           xuncha_sync_run_stop            (XunchaSyncRun       *run,
                                                int                  code,
                                                const char          *format,
                                                ...) G_GNUC_PRINTF (3, 4);
/* The server's message from an error body, or a plain description. */
char          *xuncha_sync_answer_message      (XunchaHttpResponse  *response);
/* One request with the policy's retries. @kind and @item name the outbox row to keep
 * attempts and the last error on (NULL for pulls). */
XunchaSyncStep xuncha_sync_run_request         (XunchaSyncRun       *run,
                                                const char          *kind,
                                                const char          *item,
                                                const char          *method,
                                                const char          *path,
                                                GBytes              *body,
                                                const char          *upload_path,
                                                XunchaHttpResponse **out);

/* Push: the outbox to the office (xuncha-sync-push.c). */
/* What waits and is due, in order (XunchaSyncPlanned), with the totals of the run's
 * progress set. */
typedef struct
{
  char   *kind;       /* report | shift */
  char   *item;
  gint64  progress;   /* shift: the first track seq the office has not acknowledged */
} XunchaSyncPlanned;

void           xuncha_sync_planned_free        (gpointer             planned);
GPtrArray     *xuncha_sync_push_plan           (XunchaSyncRun       *run,
                                                GError             **error);
void           xuncha_sync_push_report         (XunchaSyncRun       *run,
                                                const char          *uuid);
void           xuncha_sync_push_shift          (XunchaSyncRun       *run,
                                                const char          *uuid,
                                                gint64               next);

/* Pull: the office's news into the tables' owners (xuncha-sync-pull.c). */
/* Who am I: FALSE when the sync stops here. */
gboolean       xuncha_sync_pull_me             (XunchaSyncRun       *run);
/* Asks the office for its generation; when it differs from the one kept (the office was
 * restored from a backup), every report and shift it acknowledged waits again. FALSE when
 * the sync stops; *@requeued: how many wait again. */
gboolean       xuncha_sync_pull_generation     (XunchaSyncRun       *run,
                                                guint               *requeued);
void           xuncha_sync_pull_categories     (XunchaSyncRun       *run);
void           xuncha_sync_pull_delta          (XunchaSyncRun       *run,
                                                XunchaWireDeltaKind  kind);

/* Tasks and messages (xuncha-sync-tasks.c): the office's changes since the kept cursors,
 * then what the officer did for them (accepts, results after their reports, reads). An
 * office that answers 404 has no tasks: nothing is kept and the sync goes on. */
void           xuncha_sync_pull_tasks          (XunchaSyncRun       *run);
void           xuncha_sync_push_tasks          (XunchaSyncRun       *run);
/* The office's photos of the tasks in the inbox, each fetched once (within the office's
 * photo limit) and kept when it is the photo its name says. */
void           xuncha_sync_pull_task_photos    (XunchaSyncRun       *run);

G_END_DECLS
