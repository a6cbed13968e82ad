/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-protocol.h"

G_BEGIN_DECLS

/* Strict readers shared by the protocol's message files. @path names the object in error
 * messages ("report.position"). Optional members may be absent or null. Every string has
 * a length limit (in characters) and every number a valid range, both given where the
 * member is read, so that the device and the office refuse the same values by
 * construction (docs/protocol.md has the tables). A value of the right type outside them
 * is XUNCHA_PROTOCOL_ERROR_VALUE. */

/* String limits, in characters. */
#define XUNCHA_PROTOCOL_ID_MAX      64     /* officer, street, merchant, receipt ids; codes */
#define XUNCHA_PROTOCOL_TIME_MAX    40     /* ISO 8601 times */
#define XUNCHA_PROTOCOL_NAME_MAX    200    /* names, teams, classes, statuses */
#define XUNCHA_PROTOCOL_TEXT_MAX    XUNCHA_PROTOCOL_TEXT_MAX_CHARS
#define XUNCHA_PROTOCOL_TOKEN_MAX   128
/* Counts and sizes: what a 32-bit reader holds. */
#define XUNCHA_PROTOCOL_COUNT_MAX   G_MAXINT32
/* Revisions: what a double (any JSON reader) holds exactly. */
#define XUNCHA_PROTOCOL_REVISION_MAX G_GINT64_CONSTANT (9007199254740991)


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
                                        guint                max_chars,
                                        const char         **out,
                                        GError             **error);
/* Absent or null gives NAN when optional; @min and @max are allowed. */
gboolean xuncha_protocol_get_double    (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        double               min,
                                        double               max,
                                        double              *out,
                                        GError             **error);
gboolean xuncha_protocol_get_int       (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        gint64               min,
                                        gint64               max,
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
/* Reads an array of strings, each up to @max_chars, into a NULL-terminated vector. */
gboolean xuncha_protocol_get_strv      (JsonObject          *object,
                                        const char          *path,
                                        const char          *name,
                                        gboolean             required,
                                        guint                max_chars,
                                        GStrv               *out,
                                        GError             **error);
gboolean xuncha_protocol_invalid       (GError             **error,
                                        const char          *format,
                                        ...) G_GNUC_PRINTF (2, 3);
/* A value of the right type that the protocol refuses (XUNCHA_PROTOCOL_ERROR_VALUE). */
gboolean xuncha_protocol_refuse        (GError             **error,
                                        const char          *format,
                                        ...) G_GNUC_PRINTF (2, 3);
/* Checks the length of a string read otherwise (array items, free-form fields). */
gboolean xuncha_protocol_check_length  (const char          *text,
                                        const char          *path,
                                        guint                max_chars,
                                        GError             **error);

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
