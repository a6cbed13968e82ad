/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A real HAProxy (Debian's haproxy) in front of several offices, as a city runs them: TCP
 * mode, so TLS passes through and a device still verifies the office's own certificate;
 * round robin over the backends, each health-checked; a frontend on a free loopback port.
 * Its configuration, statistics socket and log live in a temporary folder of its own. */
typedef struct
{
  char    *dir;
  GPid     pid;
  guint16  port;       /* the frontend's */
  char    *url;        /* https://127.0.0.1:PORT/ */
  char    *socket;     /* the statistics socket */
  guint    n_backends;
} XunchaTestHaproxy;

/* Per backend, from HAProxy's own statistics. */
typedef struct
{
  guint64 sessions;    /* connections it was given so far (stot) */
  guint64 bytes_out;   /* bytes it answered with (bout): TLS records, so only its own */
  guint   current;     /* connections open now (scur) */
  gboolean up;         /* its health check passes */
} XunchaTestHaproxyBackend;

/* The path of the haproxy program, or NULL (and the test skipped, with the reason) when
 * it is not installed. */
const char        *xuncha_test_haproxy_require (void);
/* Starts HAProxy over the offices listening on 127.0.0.1:@ports[i] and waits until its
 * frontend accepts connections and every backend's health check has passed. */
XunchaTestHaproxy *xuncha_test_haproxy_start   (const guint16     *ports,
                                                guint              n_ports);
/* The statistics of backend @index (in the order of the ports given); FALSE when HAProxy
 * did not answer. */
gboolean           xuncha_test_haproxy_backend (XunchaTestHaproxy *haproxy,
                                                guint              index,
                                                XunchaTestHaproxyBackend *out);
/* Waits (up to @timeout_ms) until backend @index's health check says @up. */
gboolean           xuncha_test_haproxy_wait_backend (XunchaTestHaproxy *haproxy,
                                                     guint              index,
                                                     gboolean           up,
                                                     guint              timeout_ms);
/* Stops HAProxy and removes its folder. */
void               xuncha_test_haproxy_free    (XunchaTestHaproxy *haproxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTestHaproxy, xuncha_test_haproxy_free)

G_END_DECLS
