/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The shift-change rush's load generator: one thread, libcurl's multi interface, one easy
 * handle per simulated device, HTTP/1.1 kept alive, TLS verified against the test CA. Each
 * device does what a phone's sync does, in its order (docs/protocol.md): me, the shift,
 * its track points in the device's batch size, HEAD then PUT for each photo, the reports,
 * the status pull. Retries as a device does (408, 429, 5xx, connection errors; Retry-After
 * honoured), on a shorter clock, counted. */

#define RUSH_PHOTOS_PER_DEVICE  20
#define RUSH_REPORTS_PER_DEVICE 20
#define RUSH_POINTS_PER_SHIFT   2000
/* The device's batch (src/core/xuncha-sync-push.c, POINTS_PER_CALL). */
#define RUSH_POINTS_PER_CALL    2000

/* A photo is a real JPEG made distinct by a COM segment naming its device and number,
 * padded to about @photo_bytes (still a valid JPEG). */
typedef struct
{
  GPtrArray *bases;        /* GBytes: real JPEGs */
  gsize      photo_bytes;
  GArray    *track;        /* XunchaFix: a real GPS log */
} RushMaterial;

typedef struct
{
  guint    number;
  char    *officer;
  char    *token;
  char    *shift_uuid;
  char    *reports[RUSH_REPORTS_PER_DEVICE];
  char    *photos[RUSH_PHOTOS_PER_DEVICE];   /* sha256 */
  double   start_s;        /* after the rush's start */

  /* Filled by the run. */
  double   done_s;         /* when its status pull was answered */
  gint64   points_held;    /* the office's count in its last points answer */
  gboolean failed;
} RushDevice;

typedef struct
{
  double   total_s;        /* first start to last device done */
  guint64  requests;       /* every request sent, retries included */
  guint64  retries;
  guint64  errors;         /* requests that failed for good, or answered wrongly */
  guint64  bytes_up;
  char    *first_error;
} RushStats;

/* The photo @index of device @number; its SHA-256 in @sha256 (65 bytes) when not NULL. */
GBytes  *rush_photo_build     (const RushMaterial *material,
                               guint               number,
                               guint               index,
                               char               *sha256);
/* POST api/v1/enroll for every device (sequentially, outside any timed part): fills in
 * each token. @codes are the officers' one-time codes. */
gboolean rush_enroll          (const char         *url,
                               const char         *ca,
                               GPtrArray          *devices,
                               GStrv               codes,
                               GError            **error);
/* Runs the rush of @devices against @url. */
void     rush_run             (const char         *url,
                               const char         *ca,
                               const RushMaterial *material,
                               GPtrArray          *devices,
                               RushStats          *stats);
/* PUTs @n reports (no photos) as @device's officer over @connections parallel connections;
 * FALSE with @error at the first refusal. */
gboolean rush_fill_reports    (const char         *url,
                               const char         *ca,
                               RushDevice         *device,
                               guint               n,
                               guint               connections,
                               GError            **error);
/* HEADs the @n_photos @photos one after another on one kept-alive connection while @busy
 * returns TRUE (at least @min_samples); returns the latencies in ms (a GArray of double). */
GArray  *rush_head_while      (const char         *url,
                               const char         *ca,
                               const char         *token,
                               char * const       *photos,
                               guint               n_photos,
                               guint               min_samples,
                               gboolean          (*busy) (gpointer data),
                               gpointer            data,
                               GError            **error);
void     rush_device_free     (RushDevice         *device);
void     rush_stats_clear     (RushStats          *stats);

G_END_DECLS
