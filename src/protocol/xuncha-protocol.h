/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Sync protocol v1 (docs/protocol.md): constants, validators and the small messages.
 * The report, shift and delta messages have their own files (xuncha-wire-*.h). Both the
 * device and the office server encode and decode through these functions only. */

#define XUNCHA_PROTOCOL_ERROR (xuncha_protocol_error_quark ())

typedef enum
{
  XUNCHA_PROTOCOL_ERROR_INVALID,   /* a message that breaks the protocol; the message names the member */
  XUNCHA_PROTOCOL_ERROR_UNACCEPTABLE, /* well-formed, but a member cannot be taken as written
                                       * (a name twice in one object, a NUL in a string): 422 */
  XUNCHA_PROTOCOL_ERROR_VALUE,     /* well-formed, but a value outside its range, length or
                                    * format; the message names the member */
} XunchaProtocolError;

#define XUNCHA_PROTOCOL_VERSION        "1"
#define XUNCHA_PROTOCOL_SERVER_HEADER  "Xuncha-Server"
#define XUNCHA_PROTOCOL_REVISION_HEADER "Xuncha-Revision"
#define XUNCHA_PROTOCOL_PHOTO_MAX_BYTES ((gint64)32 * 1024 * 1024)
#define XUNCHA_PROTOCOL_BODY_MAX_BYTES  ((gint64)1024 * 1024)
#define XUNCHA_PROTOCOL_MAX_POINTS     5000
/* The most the device reads of an office answer (counted as it arrives, chunked or not):
 * any JSON answer, and a street or merchant delta (a whole district's map from revision 0). */
#define XUNCHA_PROTOCOL_ANSWER_MAX_BYTES ((gsize)4 * 1024 * 1024)
#define XUNCHA_PROTOCOL_DELTA_MAX_BYTES  ((gsize)64 * 1024 * 1024)
/* The longest note, address, message or field value, in characters. */
#define XUNCHA_PROTOCOL_TEXT_MAX_CHARS 2000

/* Number ranges, both ends included (docs/protocol.md has every member's). Measurements
 * past these are no measurement: an accuracy of 100 km still places a report in its
 * district; the lowest dry land is 430 m below the sea and no patrol is 20 km above it;
 * 300 m/s is faster than any train; a street segment (街面分段) is a few kilometres, never
 * 100. */
#define XUNCHA_PROTOCOL_ACCURACY_MAX_M   100000.0
#define XUNCHA_PROTOCOL_ALTITUDE_MIN_M   -1000.0
#define XUNCHA_PROTOCOL_ALTITUDE_MAX_M   20000.0
#define XUNCHA_PROTOCOL_HEADING_MAX_DEG  360.0
#define XUNCHA_PROTOCOL_SPEED_MAX_MS     300.0
#define XUNCHA_PROTOCOL_OFFSET_MAX_M     100000.0
#define XUNCHA_PROTOCOL_SEQ_MAX          G_GINT64_CONSTANT (1000000000)
/* Track point times: 1970 up to 2100-01-01T00:00:00Z, in Unix milliseconds. */
#define XUNCHA_PROTOCOL_T_MS_MAX         G_GINT64_CONSTANT (4102444800000)

GQuark      xuncha_protocol_error_quark      (void);

/* 64 lowercase hex digits. */
gboolean    xuncha_protocol_is_sha256        (const char   *text);
/* A lowercase 8-4-4-4-12 hex UUID. */
gboolean    xuncha_protocol_is_uuid          (const char   *text);
/* A category code: 1 to 16 ASCII letters, digits, '-', '_' or '.'. Whether the office
 * knows it is the office's taxonomy's matter. */
gboolean    xuncha_protocol_is_category_code (const char   *text);
/* An ISO 8601 date or UTC time that GDateTime can read. */
gboolean    xuncha_protocol_is_time          (const char   *text);

/* Parses a JSON document that must be an object; the error says what @what was. */
JsonNode   *xuncha_protocol_parse            (const char   *data,
                                              gssize        length,
                                              const char   *what,
                                              GError      **error);
/* The canonical text of a node: no white space, object members as built except that
 * members of objects marked as free-form are sorted (see xuncha_protocol_sorted_copy). */
char       *xuncha_protocol_to_string        (JsonNode     *node);
/* A delta answer `{"revision": N, "<member>": [items]}`, as the tasks and messages calls
 * send it: encoded with @to_json, and decoded strictly (at most @max items, each through
 * @from_json, an error naming the item). */
char       *xuncha_protocol_encode_delta     (const char   *member,
                                              gint64        revision,
                                              GPtrArray    *items,
                                              JsonNode   *(*to_json) (gconstpointer item));
GPtrArray  *xuncha_protocol_decode_delta     (const char   *data,
                                              gssize        length,
                                              const char   *member,
                                              guint         max,
                                              gpointer    (*from_json) (JsonNode *node,
                                                                        GError  **error),
                                              GDestroyNotify free_item,
                                              gint64       *revision,
                                              GError      **error);
/* A deep copy of @node with every object's members sorted by name. */
JsonNode   *xuncha_protocol_sorted_copy      (JsonNode     *node);
/* Lowercase hex SHA-256 of @text. */
char       *xuncha_protocol_sha256_hex       (const char   *text);

/* {"error": {"code", "message"[, "missing"]}} */
char       *xuncha_protocol_encode_error     (const char   *code,
                                              const char   *message,
                                              const char * const *missing);
/* Reads an error body; returns FALSE (and sets nothing) when @data is not one. @missing
 * may be NULL. */
gboolean    xuncha_protocol_decode_error     (const char   *data,
                                              gssize        length,
                                              char        **code,
                                              char        **message,
                                              GStrv        *missing);

/* POST api/v1/enroll */
char       *xuncha_protocol_encode_enroll    (const char   *officer_id,
                                              const char   *code,
                                              const char   *device_name);
gboolean    xuncha_protocol_decode_enroll    (const char   *data,
                                              gssize        length,
                                              char        **officer_id,
                                              char        **code,
                                              char        **device_name,
                                              GError      **error);

/* With the device's public signing keys (docs/evidence.md): one of each algorithm, as
 * SubjectPublicKeyInfo base64; the office keeps the one of the algorithm it signs with. NULL
 * keys leave the member `device_keys` out, which every office takes. */
char       *xuncha_protocol_encode_enroll_keys (const char *officer_id,
                                                const char *code,
                                                const char *device_name,
                                                const char *sm2_public,
                                                const char *ed25519_public);
/* As xuncha_protocol_decode_enroll(), and the keys: both NULL when the device sent none.
 * Each key is checked to be a public key of its algorithm. */
gboolean    xuncha_protocol_decode_enroll_keys (const char  *data,
                                                gssize       length,
                                                char       **officer_id,
                                                char       **code,
                                                char       **device_name,
                                                char       **sm2_public,
                                                char       **ed25519_public,
                                                GError     **error);

/* The officer object of enroll and me answers. */
typedef struct
{
  char     *id;
  char     *name;
  char     *team;      /* nullable */
  gboolean  leader;
} XunchaWireOfficer;

void        xuncha_wire_officer_clear        (XunchaWireOfficer *officer);
JsonNode   *xuncha_wire_officer_to_json      (const XunchaWireOfficer *officer);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XunchaWireOfficer, xuncha_wire_officer_clear)

char       *xuncha_protocol_encode_enrolled  (const char   *token,
                                              const XunchaWireOfficer *officer);
gboolean    xuncha_protocol_decode_enrolled  (const char   *data,
                                              gssize        length,
                                              char        **token,
                                              XunchaWireOfficer *officer,
                                              GError      **error);
/* The answer to an enroll with `device_keys`: also `signature`, the algorithm whose key the
 * office kept. Only such an enroll gets the member, so a device of before keys, whose
 * strict decoder would refuse it, never sees it. */
char       *xuncha_protocol_encode_enrolled_signature (const char   *token,
                                                       const XunchaWireOfficer *officer,
                                                       const char   *signature);
gboolean    xuncha_protocol_decode_enrolled_signature (const char   *data,
                                                       gssize        length,
                                                       char        **token,
                                                       XunchaWireOfficer *officer,
                                                       char        **signature,
                                                       GError      **error);

/* GET api/v1/me */
char       *xuncha_protocol_encode_me        (const XunchaWireOfficer *officer,
                                              const char * const *assigned_streets,
                                              const char   *server_time,
                                              gint64        photo_max_bytes,
                                              gint64        body_max_bytes);
gboolean    xuncha_protocol_decode_me        (const char   *data,
                                              gssize        length,
                                              XunchaWireOfficer *officer,
                                              GStrv        *assigned_streets,
                                              char        **server_time,
                                              gint64       *photo_max_bytes,
                                              gint64       *body_max_bytes,
                                              GError      **error);

/* GET api/v1/generation: the office records' generation, which a restore renews. A call of
 * its own rather than a member of `me`: devices of before it refuse a `me` with a member
 * they do not know. */
char       *xuncha_protocol_encode_generation (const char  *generation);
gboolean    xuncha_protocol_decode_generation (const char  *data,
                                               gssize       length,
                                               char       **generation,
                                               GError     **error);

/* The receipt of a report: {"receipt": {"id", "received_at", "content_sha256"}}. */
char       *xuncha_protocol_encode_receipt   (const char   *id,
                                              const char   *received_at,
                                              const char   *content_sha256);
gboolean    xuncha_protocol_decode_receipt   (const char   *data,
                                              gssize        length,
                                              char        **id,
                                              char        **received_at,
                                              char        **content_sha256,
                                              GError      **error);

/* The answer to a photo PUT: {"sha256", "bytes", "received_at"}. */
char       *xuncha_protocol_encode_photo_ack (const char   *sha256,
                                              gint64        bytes,
                                              const char   *received_at);
gboolean    xuncha_protocol_decode_photo_ack (const char   *data,
                                              gssize        length,
                                              char        **sha256,
                                              gint64       *bytes,
                                              char        **received_at,
                                              GError      **error);

G_END_DECLS
