/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-store.h"

G_BEGIN_DECLS

/* Who this device is enrolled as, and with which office, as xuncha_sync_enroll() and the
 * last sync left it in the store. A plain value: the app reads it on a worker thread and
 * shows it. */
typedef struct
{
  char *server;        /* the office's base address */
  char *officer;       /* the officer id the device was enrolled with */
  char *officer_name;  /* the name the office gave, NULL when unknown */
  char *team;          /* NULL when none */
  char *ca_file;       /* the extra CA trusted, NULL for the system ones only */
  char *pins;          /* "sha256//…" public-key pins, NULL when none */
  char *token_store;   /* "secret-service" or "file" */
  char *last_sync_at;  /* ISO 8601 UTC of the last sync that ran, NULL before the first */
  char *last_result;   /* "ok", "failed" (items failed) or why the last sync stopped */
} XunchaEnrollment;

/* NULL when the device is not enrolled. */
XunchaEnrollment *xuncha_enrollment_load (XunchaStore      *store);
void              xuncha_enrollment_free (XunchaEnrollment *enrollment);
/* The officer id the device is enrolled as now, NULL when none: what a report or shift
 * saved now records as its officer. */
char             *xuncha_enrollment_get_officer (XunchaStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaEnrollment, xuncha_enrollment_free)

G_END_DECLS
