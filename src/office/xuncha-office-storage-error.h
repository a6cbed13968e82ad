/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The errors of the office's records and photo stores, whatever backend holds them; the
 * server maps each to an HTTP status. */

#define XUNCHA_OFFICE_STORAGE_ERROR (xuncha_office_storage_error_quark ())

typedef enum
{
  XUNCHA_OFFICE_STORAGE_ERROR_UNAUTHORIZED,
  XUNCHA_OFFICE_STORAGE_ERROR_FORBIDDEN,
  XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND,
  XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT,
  XUNCHA_OFFICE_STORAGE_ERROR_MISSING_PHOTOS,
  XUNCHA_OFFICE_STORAGE_ERROR_HASH_MISMATCH,
  XUNCHA_OFFICE_STORAGE_ERROR_INVALID,
  XUNCHA_OFFICE_STORAGE_ERROR_BUSY,
  XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
  XUNCHA_OFFICE_STORAGE_ERROR_REFUSED,   /* a well-formed value the office will not take */
  XUNCHA_OFFICE_STORAGE_ERROR_SCHEMA_NEWER, /* made by a newer office: left untouched */
  XUNCHA_OFFICE_STORAGE_ERROR_TASK_TAKEN,   /* a team task another officer accepted first */
  XUNCHA_OFFICE_STORAGE_ERROR_TASK_CLOSED,  /* a task cancelled, expired or done */
} XunchaOfficeStorageError;

GQuark xuncha_office_storage_error_quark (void);

G_END_DECLS
