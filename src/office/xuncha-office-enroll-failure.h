/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A failed enrollment attempt: kept by the records so that a restart (or a crash, or
 * another office process behind the same load balancer) does not reset the limits on
 * guessing codes. @at: wall-clock time, microseconds since 1970 (a monotonic clock starts
 * again at each boot and differs between hosts). */
typedef struct
{
  char   *officer_id;
  char   *address;
  gint64  at;
} XunchaOfficeEnrollFailure;

XunchaOfficeEnrollFailure *xuncha_office_enroll_failure_new  (const char *officer_id,
                                                              const char *address,
                                                              gint64      at);
void                       xuncha_office_enroll_failure_free (XunchaOfficeEnrollFailure *failure);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeEnrollFailure, xuncha_office_enroll_failure_free)

G_END_DECLS
