/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-protocol.h"

G_BEGIN_DECLS

/* Strict readers shared by the protocol's message files. @path names the object in error
 * messages ("report.position"). Optional members may be absent or null. */

gboolean xuncha_protocol_check_members (JsonObject          *object,
                                        const char          *path,
                                        const char * const  *allowed,
                                        GError             **error);
/* A new node holding a new, empty object (one reference each, both owned by the node). */
JsonNode   *xuncha_protocol_new_object_node (void);
JsonObject *xuncha_protocol_as_object  (JsonNode            *node,
                                        const char          *path,
                                        GError             **error);
gboolean xuncha_protocol_get_string    (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        const char         **out,
                                        GError             **error);
/* Absent or null gives NAN when optional. */
gboolean xuncha_protocol_get_double    (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        double              *out,
                                        GError             **error);
gboolean xuncha_protocol_get_int       (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        gint64              *out,
                                        GError             **error);
gboolean xuncha_protocol_get_bool      (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        gboolean            *out,
                                        GError             **error);
/* Sets *out to NULL when an optional member is absent or null. */
gboolean xuncha_protocol_get_object    (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        JsonObject         **out,
                                        GError             **error);
gboolean xuncha_protocol_get_array     (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        JsonArray          **out,
                                        GError             **error);
/* Reads an array of strings into a NULL-terminated vector. */
gboolean xuncha_protocol_get_strv      (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        GStrv               *out,
                                        GError             **error);
gboolean xuncha_protocol_invalid       (GError             **error,
                                        const char          *format,
                                        ...) G_GNUC_PRINTF (2, 3);

/* Builder helpers: add a member whose value may be absent (NULL / NAN -> null). */
void     xuncha_protocol_add_string    (JsonBuilder         *builder,
                                        const char          *name,
                                        const char          *value);
void     xuncha_protocol_add_double    (JsonBuilder         *builder,
                                        const char          *name,
                                        double               value);
void     xuncha_protocol_add_int       (JsonBuilder         *builder,
                                        const char          *name,
                                        gint64               value);

G_END_DECLS
