/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_SERVER (xuncha_office_server_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeServer, xuncha_office_server, XUNCHA, OFFICE_SERVER, GObject)

/* The HTTP(S) side of protocol v1 over @records and @photos. @certificate NULL serves plain HTTP (for a
 * TLS proxy in front on the same machine). @categories: the taxonomy document served to
 * devices. */
XunchaOfficeServer *xuncha_office_server_new        (XunchaOfficeRecords  *records,
                                                     XunchaOfficePhotoStore *photos,
                                                     GTlsCertificate      *certificate,
                                                     GBytes               *categories,
                                                     GError              **error);
void                xuncha_office_server_set_limits (XunchaOfficeServer   *self,
                                                     gint64                photo_max_bytes,
                                                     gint64                body_max_bytes);
/* How long a client may take: @request_timeout_s to send a request's headers, and to stay
 * silent on an open connection; a body gets that plus the time to arrive at a slow mobile
 * rate. 0 keeps the current value. */
void                xuncha_office_server_set_timeout (XunchaOfficeServer  *self,
                                                      guint                request_timeout_s);
/* Failed enrollments allowed per officer and per remote address within @window_s before
 * further attempts (right or wrong) are refused with 429. 0 keeps the current value. */
void                xuncha_office_server_set_enroll_limits (XunchaOfficeServer *self,
                                                            guint               per_officer,
                                                            guint               per_address,
                                                            guint               window_s);
/* Listens on @address (IPv4 or IPv6 literal) and @port (0: any free one); returns the
 * port in use in @bound_port. */
gboolean            xuncha_office_server_listen     (XunchaOfficeServer   *self,
                                                     const char           *address,
                                                     guint16               port,
                                                     guint16              *bound_port,
                                                     GError              **error);

G_END_DECLS
