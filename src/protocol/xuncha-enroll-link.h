/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What an office's enrollment sheet puts in each card's QR code (docs/protocol.md,
 * "Enrollment link"): the office address, the officer id, the one-time code and,
 * optionally, the office key's pins, as
 *
 *   xuncha-enroll:?v=1&server=https%3A%2F%2Foffice.example%2Fxuncha%2F&officer=A001
 *     &code=K3PD-9QXA-7MTC&pin=sha256%2F%2F…
 *
 * The office writes it and the device reads it (the camera, or typed), so both sides use
 * this one encoder and one strict reader. */

#define XUNCHA_ENROLL_LINK_SCHEME "xuncha-enroll"
/* The longest link read: a QR code of version 10 at level M holds 213 bytes, and the
 * sheet's links stay well below this. */
#define XUNCHA_ENROLL_LINK_MAX_BYTES 1024
#define XUNCHA_ENROLL_LINK_MAX_PINS  4

#define XUNCHA_ENROLL_LINK_ERROR (xuncha_enroll_link_error_quark ())

typedef enum
{
  XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK,  /* not xuncha-enroll:?…, or too long */
  XUNCHA_ENROLL_LINK_ERROR_INVALID,     /* a member missing, unknown, twice, or not valid */
  XUNCHA_ENROLL_LINK_ERROR_VERSION,     /* a version this build does not read */
} XunchaEnrollLinkError;

GQuark xuncha_enroll_link_error_quark (void);

typedef struct
{
  char  *server;   /* https://host[:port]/path/ */
  char  *officer;  /* the officer id, ≤ 64 bytes of UTF-8 */
  char  *code;     /* the one-time code: A–Z, 0–9 and '-', ≤ 64 */
  GStrv  pins;     /* "sha256//BASE64" each, NULL when the link has none */
} XunchaEnrollLink;

/* Reads @length bytes of @text (-1: up to its NUL), refusing anything but a well-formed
 * link within the limits above: a message that names the member. */
XunchaEnrollLink *xuncha_enroll_link_parse     (const char              *text,
                                                gssize                   length,
                                                GError                 **error);
/* The link for these values, percent-encoding each one; NULL and an error when a value
 * is one the reader refuses. */
char             *xuncha_enroll_link_encode    (const char              *server,
                                                const char              *officer,
                                                const char              *code,
                                                const char * const      *pins,
                                                GError                 **error);
/* The pins joined by ';', as xuncha_sync_enroll() takes them; NULL when none. */
char             *xuncha_enroll_link_dup_pins  (const XunchaEnrollLink  *self);
/* Clears the code's bytes before freeing it: it enrolls a device. */
void              xuncha_enroll_link_free      (XunchaEnrollLink        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaEnrollLink, xuncha_enroll_link_free)

G_END_DECLS
