/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What one sync did: an entry per item it touched, counters, the pulls, and why it
 * stopped early if it did. A plain value handed from the worker to the caller. */

typedef enum
{
  XUNCHA_SYNC_OUTCOME_SENT,      /* the office stored it now */
  XUNCHA_SYNC_OUTCOME_HELD,      /* the office already held it (a repeat, or a HEAD hit) */
  XUNCHA_SYNC_OUTCOME_FAILED,    /* refused; a person must look (the reason is kept) */
  XUNCHA_SYNC_OUTCOME_DEFERRED,  /* not done this time; retried by the next sync */
} XunchaSyncOutcome;

typedef struct
{
  char              *kind;       /* photo | report | shift */
  char              *item;
  XunchaSyncOutcome  outcome;
  long               status;     /* HTTP status, 0 without an answer */
  char              *receipt;
  char              *message;
  gint64             bytes;      /* bytes of the body sent */
} XunchaSyncItem;

typedef struct
{
  GPtrArray *items;              /* XunchaSyncItem */
  guint      sent;
  guint      held;
  guint      failed;
  guint      deferred;
  guint64    bytes_sent;
  guint      requests;           /* HTTP requests made, retries included */
  guint      retries;
  GError    *stopped;            /* XUNCHA_SYNC_ERROR: why the sync ended early; NULL if not */
  gint64     categories_revision;
  gint64     streets_revision;
  gint64     merchants_revision;
  guint      streets_changed;
  guint      merchants_changed;
  guint      statuses_changed;
  guint      resent_after_restore; /* reports and shifts queued again: the office was restored */
  guint      tasks_changed;      /* tasks the office sent that were new or changed */
  guint      messages_added;     /* messages the device did not hold before */
  guint      tasks_taken;        /* accepts refused: another officer took the task first */
} XunchaSyncResult;

XunchaSyncResult *xuncha_sync_result_new         (void);
void              xuncha_sync_result_free        (XunchaSyncResult  *result);
void              xuncha_sync_result_add         (XunchaSyncResult  *result,
                                                  const char        *kind,
                                                  const char        *item,
                                                  XunchaSyncOutcome  outcome,
                                                  long               status,
                                                  const char        *receipt,
                                                  const char        *message,
                                                  gint64             bytes);
/* TRUE when nothing failed, nothing was deferred and the sync ran to its end. */
gboolean          xuncha_sync_result_is_complete (XunchaSyncResult  *result);
const char       *xuncha_sync_outcome_to_string  (XunchaSyncOutcome  outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaSyncResult, xuncha_sync_result_free)

G_END_DECLS
