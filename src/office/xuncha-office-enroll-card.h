/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xuncha-protocol.h"

G_BEGIN_DECLS

/* An officer's enrollment card: his id, name and team, the QR code of his enrollment link
 * (docs/protocol.md) and his one-time code, as HTML with the QR code inline as SVG. The
 * command line's sheet of cards (officer sheet) and the console's card for one officer
 * both make it here; each page styles the classes (card, who, team, qr, code, server,
 * note) its own way. */

/* The pin of @certificate_file's key (the first certificate in the PEM file): the base64
 * of the SHA-256 of its SubjectPublicKeyInfo, as libcurl's CURLOPT_PINNEDPUBLICKEY,
 * "sha256//…". */
char     *xuncha_office_enroll_card_pin    (const char               *certificate_file,
                                            GError                  **error);
/* Appends the card of @officer with @code: the link to @server (with @pin when not NULL).
 * @team_text: the line that names his team ("Team T1"), NULL for none; @note: the line
 * under the code. Both in the reader's language. FALSE (nothing appended) when the link or
 * its QR code cannot be made. */
gboolean  xuncha_office_enroll_card_append (GString                  *html,
                                            const char               *server,
                                            const char               *pin,
                                            const XunchaWireOfficer  *officer,
                                            const char               *code,
                                            const char               *team_text,
                                            const char               *note,
                                            GError                  **error);

G_END_DECLS
