/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-api.h"
#include "xuncha-office-console.h"
#include "xuncha-office-worker-pool.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_OFFICE_SERVER (xuncha_office_server_get_type ())

G_DECLARE_FINAL_TYPE (XunchaOfficeServer, xuncha_office_server, XUNCHA, OFFICE_SERVER, GObject)

/* The HTTP(S) side of protocol v1: reads requests, hands each to @api on @workers, and
 * writes the answers; its main loop waits on no storage. @certificate NULL serves plain
 * HTTP (for a TLS proxy in front on the same machine). */
XunchaOfficeServer *xuncha_office_server_new        (XunchaOfficeApi        *api,
                                                     XunchaOfficeWorkerPool *workers,
                                                     GTlsCertificate        *certificate);
/* Serves @console under /console/ on the same listener (NULL: none). Before listening. */
void                xuncha_office_server_set_console (XunchaOfficeServer  *self,
                                                      XunchaOfficeConsole *console);
/* How long a client may take: @request_timeout_s to send a request's headers, and to stay
 * silent on an open connection; a body gets that plus the time to arrive at a slow mobile
 * rate. 0 keeps the current value. */
void                xuncha_office_server_set_timeout (XunchaOfficeServer  *self,
                                                      guint                request_timeout_s);
/* Listens on @address (IPv4 or IPv6 literal) and @port (0: any free one); returns the
 * port in use in @bound_port. */
gboolean            xuncha_office_server_listen     (XunchaOfficeServer   *self,
                                                     const char           *address,
                                                     guint16               port,
                                                     guint16              *bound_port,
                                                     GError              **error);

/* The office stops: no new connection is taken, those open end, and it returns once no
 * TLS handshake and no job of the worker pool runs any more (each job runs to its end: a
 * report a worker is storing is stored, though its device hears no answer and sends it
 * again). Then the server, its API and their records may be freed. */
void                xuncha_office_server_stop       (XunchaOfficeServer   *self);

G_END_DECLS
