/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A TCP proxy between the device and the office that breaks connections on purpose. It
 * counts the bytes the client sent on each connection; a fault armed for the next
 * connection fires when that count passes its threshold. TLS passes through untouched,
 * except for the two faults that answer by themselves (503, captive portal): those end TLS
 * with the office's certificate, as a load balancer or an intercepting gateway would. */

typedef enum
{
  XUNCHA_FAULT_DROP,      /* close both sides after N client bytes */
  XUNCHA_FAULT_LOST_ACK,  /* after N client bytes, swallow the office's answer and close */
  XUNCHA_FAULT_STALL,     /* after N client bytes, forward nothing for param ms, then close */
  XUNCHA_FAULT_RESET,     /* after N client bytes, reset (RST) the client's connection */
  XUNCHA_FAULT_503,       /* answer 503 with Retry-After: param seconds */
  XUNCHA_FAULT_CAPTIVE,   /* answer 200 with a login page, no Xuncha-Server */
} XunchaFaultKind;

typedef struct _XunchaFaultProxy XunchaFaultProxy;

XunchaFaultProxy *xuncha_fault_proxy_new        (guint16           upstream_port,
                                                 GTlsCertificate  *certificate);
void              xuncha_fault_proxy_free       (XunchaFaultProxy *self);
guint16           xuncha_fault_proxy_get_port   (XunchaFaultProxy *self);
/* Arms a fault for the next @times connections that reach it. */
void              xuncha_fault_proxy_add        (XunchaFaultProxy *self,
                                                 XunchaFaultKind   kind,
                                                 gint64            after_bytes,
                                                 guint             param,
                                                 guint             times);
void              xuncha_fault_proxy_clear      (XunchaFaultProxy *self);
/* Each new connection draws a random fault with @probability (soak tests). */
void              xuncha_fault_proxy_set_random (XunchaFaultProxy *self,
                                                 guint32           seed,
                                                 double            probability,
                                                 gint64            max_after_bytes);
guint             xuncha_fault_proxy_get_fired  (XunchaFaultProxy *self);
guint             xuncha_fault_proxy_get_connections (XunchaFaultProxy *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaFaultProxy, xuncha_fault_proxy_free)

G_END_DECLS
