/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-store.h"

G_BEGIN_DECLS

/* What waits for the office, one row per item (the outbox table). Every change is its own
 * committed transaction, so the state survives a crash at any point. */

typedef struct
{
  char   *kind;          /* photo | report | shift | task_accept | task_result | message_read */
  char   *item;          /* sha256 or uuid */
  char   *state;         /* waiting | sending | acked | failed */
  gint64  attempts;
  char   *next_try_at;
  char   *last_error;
  char   *receipt;
  char   *queued_at;
  char   *acked_at;
  gint64  progress;      /* shift: the first track seq the office has not acknowledged */
  gint64  office_points; /* shift: track points the office said it holds; -1 before it said */
  gint64  points;        /* shift: track points the device holds; -1 for other kinds */
} XunchaOutboxEntry;

typedef struct
{
  guint waiting;
  guint acked;
  guint failed;
} XunchaOutboxCounts;

void       xuncha_outbox_entry_free      (XunchaOutboxEntry  *entry);

/* Queues what the device holds but the outbox does not list yet, and a shift acknowledged
 * with fewer points than the device holds: recovery for data saved by builds that queued
 * shifts only when a sync began (xuncha_store_prepare_for_use() runs it once at start). */
gboolean   xuncha_outbox_enqueue_missing (XunchaStore        *store,
                                          GError            **error);
/* Queues @item, waiting since @queued_at (ISO 8601 UTC); an item already listed keeps its
 * row (a photo queued or sent for an earlier report). Joins the caller's transaction, so
 * an item is queued with the rows that make it. */
gboolean   xuncha_outbox_enqueue         (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          const char         *queued_at,
                                          GError            **error);
/* A shift the office must get, called in the transaction that saves the shift or more of
 * its points: it is listed (waiting) when it starts, and one acknowledged before it grew
 * waits again, so every point is counted as it is committed. A row a sync holds
 * ('sending') is left to the sync: what it did not send goes with the next one. */
gboolean   xuncha_outbox_queue_shift     (XunchaStore        *store,
                                          const char         *uuid,
                                          const char         *queued_at,
                                          GError            **error);
gboolean   xuncha_outbox_mark_acked      (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          const char         *receipt,
                                          GError            **error);
/* A transient failure: attempts + 1, the reason, and when to try again (Unix ms). */
gboolean   xuncha_outbox_mark_retry      (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          const char         *message,
                                          gint64              next_try_ms,
                                          GError            **error);
/* A failure a person must look at: the item is not retried until requeued. */
gboolean   xuncha_outbox_mark_failed     (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          const char         *message,
                                          GError            **error);
gboolean   xuncha_outbox_set_progress    (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          gint64              progress,
                                          GError            **error);
/* Why a waiting item is not sent (shown with it), without counting a try. */
gboolean   xuncha_outbox_set_reason      (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          const char         *reason,
                                          GError            **error);
/* How many track points the office said it holds for a shift. */
gboolean   xuncha_outbox_set_office_points (XunchaStore      *store,
                                            const char       *kind,
                                            const char       *item,
                                            gint64            points,
                                            GError          **error);
/* Puts an item back to waiting (e.g. a photo the office says it lacks). */
gboolean   xuncha_outbox_requeue         (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          GError            **error);
/* A sync is about to read the item to send it: waiting -> sending, so nothing edits it
 * while it is on its way. Run it in the transaction that reads what will be sent. FALSE
 * without @error when the item was not waiting (acknowledged, failed, or taken by another
 * sync). */
gboolean   xuncha_outbox_mark_sending    (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          GError            **error);
/* The sync is done with the item: if it is still 'sending' (the sync stopped before an
 * answer: cancelled, the office unreachable ...), it waits again. */
gboolean   xuncha_outbox_end_sending     (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item,
                                          GError            **error);
/* Held by a running sync: an exclusive lock on a file of the data folder, so one sync
 * runs on a device at a time, and the lock ends with the process, even on a crash. Waits
 * while another holds it; -1 with @error when the lock cannot be taken. */
int        xuncha_outbox_hold_sending    (XunchaStore        *store,
                                          GError            **error);
/* The same without waiting: -1 with *@busy TRUE (and no error) while another holds it. */
int        xuncha_outbox_try_hold_sending (XunchaStore       *store,
                                           gboolean          *busy,
                                           GError           **error);
void       xuncha_outbox_release_sending (int                 hold);
/* 'sending' left by a sync that died (no process holds the lock): back to waiting.
 * Returns how many, or -1 with @error; 0 while a sync runs. */
int        xuncha_outbox_recover_sending (XunchaStore        *store,
                                          GError            **error);
/* For the holder of the sending lock: any 'sending' row is left by a sync that died
 * (even one alive when this process opened the store), so it waits again. Returns how
 * many, or -1 with @error. */
int        xuncha_outbox_requeue_sending (XunchaStore        *store,
                                          GError            **error);
/* Puts every failed item back to waiting; returns how many, or -1 with @error. */
int        xuncha_outbox_retry_failed    (XunchaStore        *store,
                                          GError            **error);
/* The office lost what it acknowledged (it was restored from a backup): every report,
 * shift, task accept, task result and message read marked acknowledged waits again, in its place in the queue, keeping its receipt,
 * attempts and times. Sending one again is harmless: the office answers what it holds
 * with its first receipt. Photos stay as they are; the office asks for those it lacks.
 * Joins the caller's transaction. Returns how many, or -1 with @error. */
int        xuncha_outbox_requeue_acked   (XunchaStore        *store,
                                          GError            **error);
/* Every row, reports first, in queue order; XunchaOutboxEntry. */
GPtrArray *xuncha_outbox_list            (XunchaStore        *store,
                                          GError            **error);
/* Counts for one kind ("photo", "report", "shift"). A shift counts as acknowledged only
 * when the office said it holds as many of its track points as the device does. */
gboolean   xuncha_outbox_count           (XunchaStore        *store,
                                          const char         *kind,
                                          XunchaOutboxCounts *counts,
                                          GError            **error);
/* When the earliest waiting item is due again after a transient failure (Unix ms), or -1
 * when none waits for a later try. */
gint64     xuncha_outbox_next_try_ms     (XunchaStore        *store);
/* The state of one row, NULL when absent. */
char      *xuncha_outbox_get_state       (XunchaStore        *store,
                                          const char         *kind,
                                          const char         *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOutboxEntry, xuncha_outbox_entry_free)

G_END_DECLS
