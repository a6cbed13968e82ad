/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "xuncha-office-console.h"
#include "xuncha-office-log-text.h"
#include "xuncha-office-server.h"

struct _XunchaOfficeServer
{
  GObject              parent_instance;

  SoupServer          *soup;
  XunchaOfficeApi     *api;            /* what each call means and answers */
  XunchaOfficeConsole *console;        /* /console/, or NULL */
  XunchaOfficeWorkerPool *workers;     /* where the API's storage work runs */
  guint                request_timeout_s;
  GTlsCertificate     *certificate;      /* NULL: plain HTTP (tests of the office only) */
  /* The listening socket: the office accepts its connections itself (see on_accept()). */
  GSocket             *listen_socket;
  GSource             *accept_source;
  guint                accept_retry;     /* out of descriptors: the next try */
  gboolean             out_of_files;     /* said so already in this episode */
  GHashTable          *handshakes;       /* Handshake: accepted, TLS not yet done */
  GHashTable          *idle;             /* Idle: kept-alive connections between requests */
  GHashTable          *refusals;         /* Refusal: connections answered without their body */
  gboolean             stopped;          /* xuncha_office_server_stop(): no connection more */
};

/* A body must arrive at least this fast (bytes per second) once its headers are in: slow
 * mobile links pass, a client trickling bytes to hold a connection does not. */
#define BODY_MIN_RATE 4096
/* A device's requests carry a few hundred bytes of headers. libsoup itself drops a
 * connection past 64 KiB without an answer; below that this limit answers 431. Past it
 * nothing of ours runs: libsoup's reader fails before the request has a method, ends the
 * connection, and emits no signal for it (no request-finished or -aborted); what it read
 * sits in its private buffer. Only reading each request's head before libsoup does (on
 * the streams the office hands it, see on_accept()) could answer there. */
#define HEADERS_MAX_BYTES 16384
/* A body refused before its end is not read on; but what the client still sends for a
 * short while is read and dropped before the connection is closed (a lingering close), so
 * that the client reads the answer instead of a reset that can discard it. */
#define LINGER_S 2
/* What a fast client has sent before it can see the answer fills both sides' socket
 * buffers, several MiB on a fast link: the lingering close reads past that, or the reset
 * it ends with can reach the client before the answer is read (1 MiB was too little on
 * loopback: the client got "failed sending data" instead of its 413). The time limit
 * bounds it for a client that never stops. */
#define LINGER_BYTES (16 * 1024 * 1024)
/* libsoup's wrappers around a kept-alive connection before it is ended (on_idle_take()). */
#define WRAPPERS_MAX 4

G_DEFINE_FINAL_TYPE (XunchaOfficeServer, xuncha_office_server, G_TYPE_OBJECT)

#define API "/api/v1/"

/* A photo's body goes to the store on the worker pool too, in pieces written in order by
 * one job at a time (a write to a slow disk holds up no other request). The main loop
 * gathers what arrives into pieces of PHOTO_PIECE bytes; past PHOTO_WAITING_MAX bytes
 * waiting to be written it stops reading the body until the writer catches up. */
#define PHOTO_PIECE (64 * 1024)
#define PHOTO_WAITING_MAX (1024 * 1024)

typedef struct _Job Job;

/* A photo upload in flight, kept on its message; touched on the main loop only. */
typedef struct
{
  XunchaOfficePhotoUpload *upload;    /* NULL until the begin job made it */
  GError                  *error;     /* a write of the body failed */
  GByteArray              *gathering; /* the piece being filled */
  GPtrArray               *waiting;   /* GBytes: pieces for the next write job */
  gsize                    waiting_bytes;
  gboolean                 writing;   /* a write job runs with the upload */
  gboolean                 throttled; /* reading paused until the writer catches up */
  gboolean                 refused;   /* answered unread while a write ran: abort after */
  GSource                 *refusal;   /* then: the refusal's answer, sent after the abort */
  Job                     *commit;    /* the body is in: commits once the writer is done */
} PhotoUpload;

static void
photo_upload_free (gpointer data)
{
  PhotoUpload *pu = data;

  /* Dropping an upload neither committed nor aborted aborts it. */
  g_clear_object (&pu->upload);
  g_clear_error (&pu->error);
  if (pu->gathering != NULL)
    g_byte_array_unref (pu->gathering);
  g_ptr_array_unref (pu->waiting);
  g_clear_pointer (&pu->refusal, g_source_unref);
  g_free (pu);
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  if (json != NULL)
    soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                      SOUP_MEMORY_COPY, json, strlen (json));
}

static void
respond_error (SoupServerMessage   *msg,
               guint                status,
               const char          *code,
               const char          *message,
               const char * const  *missing)
{
  g_autofree char *body = xuncha_protocol_encode_error (code, message, missing);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *method = xuncha_office_log_text (soup_server_message_get_method (msg));
  g_autofree char *path = xuncha_office_log_text (uri != NULL ? g_uri_get_path (uri) : NULL);
  g_autofree char *text = xuncha_office_log_text (message);

  g_debug ("%s %s -> %u %s", method, path, status, text);
  respond (msg, status, body);
}

/* The answer the API made for @call, on @msg. */
static void
respond_call (SoupServerMessage *msg,
              XunchaOfficeCall  *call)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (call->revision >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, call->revision);

      soup_message_headers_replace (headers, XUNCHA_PROTOCOL_REVISION_HEADER, text);
    }
  if (call->retry_after_s > 0)
    {
      g_autofree char *text = g_strdup_printf ("%u", call->retry_after_s);

      soup_message_headers_replace (headers, "Retry-After", text);
    }
  soup_server_message_set_status (msg, call->status, NULL);
  if (call->answer != NULL)
    soup_server_message_set_response (msg, call->answer_type != NULL
                                           ? call->answer_type
                                           : "application/json; charset=utf-8",
                                      SOUP_MEMORY_COPY,
                                      g_bytes_get_data (call->answer, NULL),
                                      g_bytes_get_size (call->answer));
  else if (call->answer_length >= 0)
    soup_message_headers_set_content_length (headers, call->answer_length);
}

/* The console's answer for @call, on @msg. */
static void
respond_console (SoupServerMessage       *msg,
                 XunchaOfficeConsoleCall *call)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  for (guint i = 0; call->answer_headers[i] != NULL && call->answer_headers[i + 1] != NULL;
       i += 2)
    soup_message_headers_append (headers, call->answer_headers[i], call->answer_headers[i + 1]);
  soup_server_message_set_status (msg, call->status, NULL);
  if (call->answer != NULL)
    soup_server_message_set_response (msg, call->answer_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (call->answer, NULL),
                                      g_bytes_get_size (call->answer));
}

/* The request of @msg for the console; @body: what was read of it. */
static XunchaOfficeConsoleCall *
console_call_from (SoupServerMessage *msg,
                   const char        *path,
                   GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  XunchaOfficeConsoleCall *call;

  call = xuncha_office_console_call_new (soup_server_message_get_method (msg), path,
                                         uri != NULL ? g_uri_get_query (uri) : NULL,
                                         soup_server_message_get_remote_host (msg), body);
  call->cookie = g_strdup (soup_message_headers_get_list (headers, "Cookie"));
  call->accept_language = g_strdup (soup_message_headers_get_list (headers, "Accept-Language"));
  call->csrf_header = g_strdup (soup_message_headers_get_one (headers, "X-CSRF-Token"));
  call->origin = g_strdup (soup_message_headers_get_one (headers, "Origin"));
  call->host = g_strdup (soup_message_headers_get_one (headers, "Host"));
  call->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  return call;
}

/* The request of @msg as a call for the API; @body: what was read of it, if anything. */
static XunchaOfficeCall *
call_from (SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return xuncha_office_call_new (soup_server_message_get_method (msg), path,
                                 query != NULL ? g_hash_table_lookup (query, "since") : NULL,
                                 soup_message_headers_get_one (headers, "Authorization"),
                                 soup_server_message_get_remote_host (msg),
                                 soup_message_headers_get_content_length (headers), body);
}

static void
add_header_size (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  gsize *total = user_data;

  *total += strlen (name) + strlen (value) + 4;
}

/* Jobs. The main loop only reads requests, routes them and writes answers; whatever asks
 * the records or the photo store runs on the worker pool, so that one slow call (an fsync,
 * a report waiting for a write lock, a long export) never holds up another device's. The
 * message is paused meanwhile: libsoup neither reads on nor answers it until the job's
 * answer is set and it is unpaused. A job keeps its message, and notes when libsoup ends
 * the connection meanwhile (the office stopping): such a message is let go, not
 * unpaused. */

typedef enum
{
  JOB_CALL,            /* any call but a photo upload: the API answers it */
  JOB_PHOTO_BEGIN,     /* a photo's headers are in: may its body come, and where to */
  JOB_PHOTO_WRITE,     /* pieces of a photo's body: written to its upload */
  JOB_PHOTO_COMMIT,    /* a photo's body is in: its last pieces written, kept by name */
  JOB_CONSOLE,         /* a request to the office console */
} JobKind;

struct _Job
{
  XunchaOfficeServer      *self;           /* owned */
  SoupServerMessage       *msg;            /* owned */
  XunchaOfficeCall        *call;
  JobKind                  kind;
  XunchaOfficePhotoUpload *upload;         /* begin: the one made; commit: the one to keep */
  GError                  *write_error;    /* write, commit: a write that failed */
  GPtrArray               *pieces;         /* write, commit: GBytes to write first */
  XunchaOfficeConsoleCall *console_call;   /* console: the request and its answer */
  gulong                   disconnected_id;
  gboolean                 disconnected;
};

static void refuse_unread (XunchaOfficeServer *self,
                           SoupServerMessage  *msg,
                           gboolean            paused);
static void work_begin    (SoupServerMessage  *msg);
static void work_end      (SoupServerMessage  *msg);

static void
job_free (Job *job)
{
  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_clear_object (&job->msg);
  g_clear_object (&job->self);
  xuncha_office_call_free (job->call);
  /* An upload made for a message that is gone is aborted as it is dropped. */
  g_clear_object (&job->upload);
  g_clear_error (&job->write_error);
  g_clear_pointer (&job->pieces, g_ptr_array_unref);
  g_clear_pointer (&job->console_call, xuncha_office_console_call_free);
  g_free (job);
}

static void
on_job_disconnected (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Job *job = user_data;

  job->disconnected = TRUE;
  /* For the jobs its job starts after (a photo's next piece, its commit): libsoup says it
   * once. */
  g_object_set_data (G_OBJECT (msg), "xuncha-disconnected", GINT_TO_POINTER (TRUE));
}

/* On a worker: the pieces in order, up to the first failed write. */
static void
job_write_pieces (Job *job)
{
  for (guint i = 0; job->pieces != NULL && i < job->pieces->len; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (job->pieces->pdata[i], &length);

      if (job->write_error != NULL)
        break;
      xuncha_office_photo_upload_write (job->upload, data, length, &job->write_error);
    }
}

/* On a worker. */
static void
job_run (gpointer data)
{
  Job *job = data;
  XunchaOfficeApi *api = job->self->api;

  switch (job->kind)
    {
    case JOB_CALL:
      xuncha_office_api_handle (api, job->call);
      break;
    case JOB_PHOTO_BEGIN:
      job->upload = xuncha_office_api_photo_begin (api, job->call);
      break;
    case JOB_PHOTO_WRITE:
      job_write_pieces (job);
      break;
    case JOB_PHOTO_COMMIT:
      job_write_pieces (job);
      xuncha_office_api_photo_commit (api, job->call, job->upload, job->write_error);
      /* Committed or aborted: nothing is left to drop on the main loop. */
      g_clear_object (&job->upload);
      break;
    case JOB_CONSOLE:
      xuncha_office_console_handle (job->self->console, job->console_call);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
body_follows (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  return encoding == SOUP_ENCODING_CHUNKED
         || (encoding == SOUP_ENCODING_CONTENT_LENGTH
             && soup_message_headers_get_content_length (headers) > 0);
}

/* @msg has an error answer and a body may follow: it is not read. A client that waits
 * for 100-continue sends no body, but may send it later anyway: what came next on the
 * connection would not be a request, so it ends with this answer. Any other client's
 * body is refused unread (refuse_unread()); TRUE then: the connection is the office's
 * now, not libsoup's. */
static gboolean
refuse_body (XunchaOfficeServer *self,
             SoupServerMessage  *msg,
             gboolean            paused)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_server_message_get_status (msg) < 400 || !body_follows (msg))
    return FALSE;
  if ((soup_message_headers_get_expectations (headers) & SOUP_EXPECTATION_CONTINUE) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      return FALSE;
    }
  refuse_unread (self, msg, paused);
  return TRUE;
}

/* A photo's headers were judged: its body goes to the upload made, or the answer is out
 * without it. Before libsoup's got-headers was over (with no workers the job ran at
 * once) on_got_headers() sees the answer and does the rest. */
static void
photo_begun (XunchaOfficeServer *self,
             Job                *job)
{
  PhotoUpload *pu = g_object_get_data (G_OBJECT (job->msg), "xuncha-photo-upload");

  if (job->upload != NULL)
    pu->upload = g_steal_pointer (&job->upload);
  else
    {
      respond_call (job->msg, job->call);
      if (g_object_get_data (G_OBJECT (job->msg), "xuncha-headers-read") != NULL
          && refuse_body (self, job->msg, TRUE))
        return;
    }
  soup_server_message_unpause (job->msg);
}

static void job_done (gpointer data);
static Job *job_new  (XunchaOfficeServer *self,
                      SoupServerMessage  *msg,
                      XunchaOfficeCall   *call,
                      JobKind             kind);
static void photo_write_next (XunchaOfficeServer *self,
                              SoupServerMessage  *msg,
                              PhotoUpload        *pu);

/* The pieces gathered so far wait for the writer. */
static void
photo_gathered (PhotoUpload *pu)
{
  if (pu->gathering == NULL || pu->gathering->len == 0)
    return;
  pu->waiting_bytes += pu->gathering->len;
  g_ptr_array_add (pu->waiting, g_byte_array_free_to_bytes (g_steal_pointer (&pu->gathering)));
}

/* The upload's pieces waiting, for a job to write. */
static GPtrArray *
photo_take_pieces (PhotoUpload *pu)
{
  GPtrArray *pieces = g_steal_pointer (&pu->waiting);

  pu->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  pu->waiting_bytes = 0;
  return pieces;
}

/* The body is in and no write runs: the commit job writes the last pieces and keeps the
 * photo. */
static void
photo_commit_submit (XunchaOfficeServer *self,
                     PhotoUpload        *pu)
{
  Job *job = g_steal_pointer (&pu->commit);

  job->upload = g_steal_pointer (&pu->upload);
  job->write_error = g_steal_pointer (&pu->error);
  job->pieces = photo_take_pieces (pu);
  xuncha_office_worker_pool_submit (self->workers, job_run, job_done, job);
}

/* A write job is done: the next one, the commit, or the refusal's abort. */
static void
photo_written (Job *job)
{
  PhotoUpload *pu = g_object_get_data (G_OBJECT (job->msg), "xuncha-photo-upload");

  pu->writing = FALSE;
  if (job->write_error != NULL && pu->error == NULL)
    pu->error = g_steal_pointer (&job->write_error);
  if (pu->refused)
    {
      if (pu->upload != NULL)
        xuncha_office_photo_upload_abort (pu->upload);
      g_clear_object (&pu->upload);
      /* Nothing of it is left now: the answer may go (unless the office stopped). */
      if (pu->refusal != NULL && !g_source_is_destroyed (pu->refusal))
        g_source_attach (pu->refusal, NULL);
      g_clear_pointer (&pu->refusal, g_source_unref);
      return;
    }
  if (pu->commit != NULL)
    {
      photo_commit_submit (job->self, pu);
      return;
    }
  photo_write_next (job->self, job->msg, pu);
  if (pu->throttled && pu->waiting_bytes < PHOTO_WAITING_MAX)
    {
      pu->throttled = FALSE;
      work_end (job->msg);
      if (!job->disconnected)
        soup_server_message_unpause (job->msg);
    }
}

/* Starts a write job for the pieces waiting, unless one runs. */
static void
photo_write_next (XunchaOfficeServer *self,
                  SoupServerMessage  *msg,
                  PhotoUpload        *pu)
{
  Job *job;

  if (pu->writing || pu->waiting->len == 0 || pu->upload == NULL)
    return;
  job = job_new (self, msg, NULL, JOB_PHOTO_WRITE);
  job->upload = g_object_ref (pu->upload);
  job->pieces = photo_take_pieces (pu);
  pu->writing = TRUE;
  xuncha_office_worker_pool_submit (self->workers, job_run, job_done, job);
}

/* A streamed console answer (a zip of a report's photos): chunked, its pieces made by the
 * console on a worker, one at a time, while the client reads those before. At most
 * STREAM_AHEAD pieces wait to be written, and libsoup keeps none it wrote (the body does
 * not accumulate), so the answer holds a few pieces in memory whatever its size. The
 * message's io pauses by itself when it has written every piece it has; a new piece
 * unpauses it. */

#define STREAM_AHEAD 2

typedef struct
{
  XunchaOfficeServer      *self;        /* owned */
  SoupServerMessage       *msg;         /* owned */
  XunchaOfficeConsoleCall *call;        /* owned: the pieces' source */
  GBytes                  *piece;       /* the last job's */
  GError                  *error;       /* the last job's */
  guint                    unwritten;   /* pieces appended, not written yet */
  gboolean                 making;      /* a job makes a piece */
  gboolean                 complete;    /* the last piece is appended */
  gboolean                 ended;       /* the message is finished or its client gone */
  gulong                   wrote_chunk_id, finished_id, disconnected_id;
} Stream;

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_clear_object (&stream->msg);
  g_clear_object (&stream->self);
  g_clear_pointer (&stream->call, xuncha_office_console_call_free);
  g_clear_pointer (&stream->piece, g_bytes_unref);
  g_clear_error (&stream->error);
}

static void
stream_unref (Stream *stream)
{
  g_rc_box_release_full (stream, stream_free);
}

/* On a worker. */
static void
stream_run (gpointer data)
{
  Stream *stream = data;

  stream->piece = stream->call->answer_next (stream->call->answer_source, &stream->error);
}

static void stream_done (gpointer data);

static void
stream_make (Stream *stream)
{
  if (stream->ended || stream->making || stream->complete
      || stream->unwritten >= STREAM_AHEAD)
    return;
  stream->making = TRUE;
  work_begin (stream->msg);
  xuncha_office_worker_pool_submit (stream->self->workers, stream_run, stream_done,
                                    g_rc_box_acquire (stream));
}

/* The message is done with, written or not: no more pieces. */
static void
stream_end (Stream *stream)
{
  if (stream->ended)
    return;
  stream->ended = TRUE;
  g_clear_signal_handler (&stream->wrote_chunk_id, stream->msg);
  g_clear_signal_handler (&stream->finished_id, stream->msg);
  g_clear_signal_handler (&stream->disconnected_id, stream->msg);
  /* The reference the message's signals held. */
  stream_unref (stream);
}

/* On the main loop, once a piece is made. */
static void
stream_done (gpointer data)
{
  Stream *stream = data;
  SoupMessageBody *body;

  stream->making = FALSE;
  /* Its connection's deadline runs again (a kept-alive one waits for the next request). */
  work_end (stream->msg);
  if (stream->ended)
    {
      stream_unref (stream);
      return;
    }
  body = soup_server_message_get_response_body (stream->msg);
  if (stream->piece != NULL)
    {
      soup_message_body_append_bytes (body, stream->piece);
      g_clear_pointer (&stream->piece, g_bytes_unref);
      stream->unwritten++;
    }
  else
    {
      /* The headers are out: a failure can only cut the answer short, which the client's
       * zip reader sees (no central directory). */
      if (stream->error != NULL)
        g_warning ("A streamed answer was cut short: %s", stream->error->message);
      soup_message_body_complete (body);
      stream->complete = TRUE;
    }
  soup_server_message_unpause (stream->msg);
  stream_make (stream);
  stream_unref (stream);
}

static void
on_stream_wrote_chunk (SoupServerMessage *msg,
                       gpointer           user_data)
{
  Stream *stream = user_data;

  if (stream->unwritten > 0)
    stream->unwritten--;
  stream_make (stream);
}

static void
on_stream_over (SoupServerMessage *msg,
                gpointer           user_data)
{
  stream_end (user_data);
}

/* Sends the answer of @call, whose status and headers are set on @msg, in pieces. */
static void
stream_start (XunchaOfficeServer      *self,
              SoupServerMessage       *msg,
              XunchaOfficeConsoleCall *call)
{
  Stream *stream = g_rc_box_new0 (Stream);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  stream->self = g_object_ref (self);
  stream->msg = g_object_ref (msg);
  stream->call = call;
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, call->answer_type, NULL);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  stream->wrote_chunk_id = g_signal_connect (msg, "wrote-chunk",
                                             G_CALLBACK (on_stream_wrote_chunk), stream);
  stream->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_stream_over),
                                          stream);
  stream->disconnected_id = g_signal_connect (msg, "disconnected",
                                              G_CALLBACK (on_stream_over), stream);
  stream_make (stream);
}

/* On the main loop, once the job ran. */
static void
job_done (gpointer data)
{
  Job *job = data;

  if (job->kind == JOB_PHOTO_WRITE)
    {
      photo_written (job);
      job_free (job);
      return;
    }
  if (job->disconnected)
    {
      job_free (job);
      return;
    }
  work_end (job->msg);
  if (job->kind == JOB_PHOTO_BEGIN)
    photo_begun (job->self, job);
  else if (job->kind == JOB_CONSOLE)
    {
      respond_console (job->msg, job->console_call);
      if (job->console_call->answer_next != NULL)
        stream_start (job->self, job->msg, g_steal_pointer (&job->console_call));
      soup_server_message_unpause (job->msg);
    }
  else
    {
      respond_call (job->msg, job->call);
      soup_server_message_unpause (job->msg);
    }
  job_free (job);
}

/* Pauses @msg and hands @call to a worker; the job owns @call. */
static Job *
job_new (XunchaOfficeServer *self,
         SoupServerMessage  *msg,
         XunchaOfficeCall   *call,
         JobKind             kind)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->call = call;
  job->kind = kind;
  job->disconnected_id = g_signal_connect (msg, "disconnected",
                                           G_CALLBACK (on_job_disconnected), job);
  job->disconnected = g_object_get_data (G_OBJECT (msg), "xuncha-disconnected") != NULL;
  return job;
}

static void
job_submit (Job *job)
{
  work_begin (job->msg);
  soup_server_message_pause (job->msg);
  xuncha_office_worker_pool_submit (job->self->workers, job_run, job_done, job);
}

/* After the headers, before the body: refuse early what cannot succeed, and send photo
 * bodies to the photo store as they arrive instead of holding them in memory
 * (on_body_chunk()). A refusal here with a body to follow is answered without reading it
 * (on_got_headers()). */
static void
on_early (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  gsize header_bytes = strlen (path);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);

  soup_message_headers_foreach (headers, add_header_size, &header_bytes);
  if (header_bytes > HEADERS_MAX_BYTES)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      respond_error (msg, 431, "headers_too_large", "The request headers are larger than the "
                     "office accepts", NULL);
      return;
    }

  if (self->console != NULL && xuncha_office_console_owns_path (path))
    {
      if (length > XUNCHA_OFFICE_CONSOLE_BODY_MAX_BYTES)
        respond_error (msg, 413, "too_large", "The request body is larger than the office "
                       "accepts", NULL);
      return;
    }
  if (!xuncha_office_api_is_photo_put (soup_server_message_get_method (msg), path))
    {
      if (length > xuncha_office_api_get_body_max_bytes (self->api))
        respond_error (msg, 413, "too_large", "The request body is larger than the office "
                       "accepts", NULL);
      return;
    }

  {
    PhotoUpload *pu = g_new0 (PhotoUpload, 1);

    pu->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
    g_object_set_data_full (G_OBJECT (msg), "xuncha-photo-upload", pu, photo_upload_free);
  }
  /* Whatever the answer, a photo body that libsoup reads is not kept in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  /* Whether the officer may send it and the office lacks it are the records' and the
   * store's questions: a job's, with the body waiting. */
  job_submit (job_new (self, msg, call_from (msg, path, query, NULL), JOB_PHOTO_BEGIN));
}

/* Deadlines. A client that trickles bytes, or holds a connection open without asking
 * anything (before its first request or between two), is cut off: its socket is shut
 * down, which ends the read libsoup waits on. The deadline lives on the socket, so it
 * also covers the wait for a kept-alive connection's next request, when there is no
 * message yet.
 *
 * While an answer is written the deadline watches the client read it: libsoup waits for
 * the socket to take more for as long as it takes, so a client that asks for the street
 * map and stops reading would otherwise keep the connection and the answer in memory for
 * ever. Each piece written moves the deadline on; silence for the request timeout, or an
 * answer read slower than BODY_MIN_RATE on the whole, ends the connection. */

typedef struct
{
  GSocket    *socket;      /* not owned: the deadline is data on it */
  guint       source;
  guint       seconds;     /* as set: again from the start when a job is done */
  const char *why;         /* for the debug log */
  gint64      quiet_us;    /* while writing: the silence allowed, 0 otherwise */
  gint64      moved_at;    /* while writing: monotonic time of the last piece written */
  gint64      ends_at;     /* while writing: the latest end of the whole answer, or 0 */
} Deadline;

static void
deadline_free (gpointer data)
{
  Deadline *deadline = data;

  g_clear_handle_id (&deadline->source, g_source_remove);
  g_free (deadline);
}

static gboolean
on_deadline (gpointer user_data)
{
  Deadline *deadline = user_data;

  deadline->source = 0;
  /* The office is making the answer: the client waits for it, not the other way round
   * (work_end() starts the deadline again). */
  if (g_object_get_data (G_OBJECT (deadline->socket), "xuncha-working") != NULL)
    {
      deadline->source = g_timeout_add_seconds (deadline->seconds, on_deadline, deadline);
      return G_SOURCE_REMOVE;
    }
  if (deadline->quiet_us > 0)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 end = deadline->moved_at + deadline->quiet_us;

      if (deadline->ends_at > 0)
        end = MIN (end, deadline->ends_at);
      if (now < end)
        {
          /* The client read some since this timer was set: wait for the rest. */
          deadline->source = g_timeout_add ((guint)((end - now) / 1000) + 1, on_deadline,
                                            deadline);
          return G_SOURCE_REMOVE;
        }
    }
  g_debug ("Closing a connection: %s", deadline->why);
  g_socket_shutdown (deadline->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static Deadline *
deadline_get (SoupServerMessage *msg)
{
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");

  return socket != NULL ? g_object_get_data (G_OBJECT (socket), "xuncha-deadline") : NULL;
}

/* Replaces the deadline of @msg's connection; 0 clears it. The socket is the one kept
 * when the request started: by the time a message is finished, libsoup has let go of
 * its connection. */
static Deadline *
deadline_set (SoupServerMessage *msg,
              guint              seconds,
              const char        *why)
{
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  Deadline *deadline;

  if (socket == NULL)
    return NULL;
  if (seconds == 0)
    {
      g_object_set_data (G_OBJECT (socket), "xuncha-deadline", NULL);
      return NULL;
    }
  deadline = g_new0 (Deadline, 1);
  deadline->socket = socket;
  deadline->seconds = seconds;
  deadline->why = why;
  deadline->source = g_timeout_add_seconds (seconds, on_deadline, deadline);
  g_object_set_data_full (G_OBJECT (socket), "xuncha-deadline", deadline, deadline_free);
  return deadline;
}

/* A job runs for @msg: its connection's deadline waits (see on_deadline()). */
static void
work_begin (SoupServerMessage *msg)
{
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");

  if (socket != NULL)
    g_object_set_data (G_OBJECT (socket), "xuncha-working", GINT_TO_POINTER (TRUE));
}

/* The job is done: the client's time counts from now, not from before the office made it
 * wait. */
static void
work_end (SoupServerMessage *msg)
{
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  Deadline *deadline = deadline_get (msg);

  if (socket != NULL)
    g_object_set_data (G_OBJECT (socket), "xuncha-working", NULL);
  if (deadline == NULL)
    return;
  deadline->moved_at = g_get_monotonic_time ();
  if (deadline->quiet_us == 0)
    {
      g_clear_handle_id (&deadline->source, g_source_remove);
      deadline->source = g_timeout_add_seconds (deadline->seconds, on_deadline, deadline);
    }
}

/* Answers libsoup makes by itself. libsoup refuses some requests before any handler of the
 * office runs: one it cannot read (a malformed request line, an HTTP version or transfer
 * coding it does not know, a missing or wrong Host, a Content-Length that is no number:
 * 400, 417, 501, 505, decided while it reads the headers, with no signal before it writes
 * the answer), one whose path climbs with an encoded "..", names the wrong scheme or holds
 * an encoded NUL (400, in its own got-headers handler, before the office's), and one no
 * handler takes (404, after the body). Each still gets the office's mark and a JSON error
 * whose code says the status, as the protocol promises for every answer. */

static const char *
error_code_for_status (guint status)
{
  static const struct { guint status; const char *code; } map[] = {
    { 400, "bad_request" }, { 401, "unauthorized" }, { 403, "forbidden" },
    { 404, "not_found" }, { 405, "method_not_allowed" }, { 409, "conflict" },
    { 413, "too_large" }, { 417, "expectation_failed" }, { 431, "headers_too_large" },
    { 500, "internal" }, { 501, "not_implemented" }, { 503, "busy" },
    { 505, "http_version_not_supported" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (map[i].status == status)
      return map[i].code;
  return status >= 500 ? "internal" : "bad_request";
}

static char *
libsoup_error_message (guint status)
{
  return g_strdup_printf ("The request was refused before the office could read it (%u %s)",
                          status, soup_status_get_phrase (status));
}

/* A status libsoup chose, with no body yet: the office's answer for it. */
static void
respond_libsoup_error (SoupServerMessage *msg)
{
  guint status = soup_server_message_get_status (msg);
  g_autofree char *message = libsoup_error_message (status);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  respond_error (msg, status, error_code_for_status (status), message, NULL);
}

/* A request libsoup could not read is answered without any signal before its headers go
 * out: so every request starts out shaped for that answer (a JSON body that ends with the
 * connection, which can be added once the status is written, in on_wrote_headers_alone()),
 * and on_got_headers() makes an ordinary answer of it once the headers were read. */
static void
alone_begin (SoupServerMessage *msg)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  g_object_set_data (G_OBJECT (msg), "xuncha-alone", GINT_TO_POINTER (TRUE));
  soup_message_headers_set_encoding (response, SOUP_ENCODING_EOF);
  soup_message_headers_replace (response, "Content-Type", "application/json; charset=utf-8");
  soup_message_headers_replace (response, "Connection", "close");
}

static void
alone_end (SoupServerMessage *msg)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  if (g_object_get_data (G_OBJECT (msg), "xuncha-alone") == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "xuncha-alone", NULL);
  soup_message_headers_set_encoding (response, SOUP_ENCODING_CONTENT_LENGTH);
  soup_message_headers_remove (response, "Content-Type");
  soup_message_headers_remove (response, "Connection");
}

static void
on_wrote_headers_alone (SoupServerMessage *msg,
                        gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  guint status = soup_server_message_get_status (msg);
  g_autofree char *message = NULL;
  g_autofree char *json = NULL;

  if (g_object_get_data (G_OBJECT (msg), "xuncha-alone") == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "xuncha-alone", NULL);
  message = libsoup_error_message (status);
  json = xuncha_protocol_encode_error (error_code_for_status (status), message, NULL);
  g_debug ("A request libsoup could not read -> %u", status);
  soup_message_body_truncate (body);
  soup_message_body_append (body, SOUP_MEMORY_COPY, json, strlen (json));
  soup_message_body_complete (body);
}

/* Bodies. Every request body is counted as it arrives (on_body_chunk()) and stopped at its
 * limit: photo_max_bytes for a photo, body_max_bytes for any other. A length over the limit
 * is refused before the body. Stopping means not reading on: once libsoup has a status it
 * still reads the whole body (into memory, unless told otherwise) before it writes the
 * answer, unless the client asked for 100-continue and so sends no body unasked. So the
 * office pauses libsoup's reading, takes the connection from it (never inside libsoup's
 * read: from the main loop), writes the answer itself, reads and drops what the client
 * still sends for a short while, and closes the connection. Such a connection is never
 * handed back to libsoup (see keep_alive_take()): it ends there. */

typedef struct
{
  XunchaOfficeServer *self;
  gint64              limit;
  gint64              received;
} BodyCount;

typedef struct
{
  XunchaOfficeServer *self;          /* while listed in self->refusals */
  SoupServerMessage  *msg;           /* until its connection is taken */
  GSocket            *socket;
  GIOStream          *stream;
  GBytes             *answer;
  GCancellable       *cancellable;
  GSource            *take;
  guint               linger;
  gsize               drained;
  guint8              buffer[16384];
} Refusal;

static void
refusal_clear (gpointer data)
{
  Refusal *refusal = data;

  g_clear_object (&refusal->msg);
  /* The socket first: closing the stream would otherwise try to say goodbye in TLS to a
   * client that may not read. */
  if (refusal->socket != NULL)
    g_socket_close (refusal->socket, NULL);
  g_clear_object (&refusal->socket);
  g_clear_object (&refusal->stream);
  g_clear_pointer (&refusal->answer, g_bytes_unref);
  g_clear_object (&refusal->cancellable);
}

/* Taken off the office's list: when done, or when the office stops. */
static void
refusal_unlist (gpointer data)
{
  Refusal *refusal = data;

  refusal->self = NULL;
  g_cancellable_cancel (refusal->cancellable);
  g_clear_handle_id (&refusal->linger, g_source_remove);
  if (refusal->take != NULL)
    {
      g_source_destroy (refusal->take);
      g_clear_pointer (&refusal->take, g_source_unref);
    }
  g_rc_box_release_full (refusal, refusal_clear);
}

static void
refusal_end (Refusal *refusal)
{
  if (refusal->self != NULL)
    g_hash_table_remove (refusal->self->refusals, refusal);
}

static gboolean
on_refusal_linger_over (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->linger = 0;
  g_debug ("Closing a refused connection: the client still sends after %d s", LINGER_S);
  g_cancellable_cancel (refusal->cancellable);
  refusal_end (refusal);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_closed (GObject      *stream,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refusal *refusal = user_data;

  g_io_stream_close_finish (G_IO_STREAM (stream), result, NULL);
  refusal_end (refusal);
  g_rc_box_release_full (refusal, refusal_clear);
}

static void
refusal_close (Refusal *refusal)
{
  if (refusal->self == NULL)
    return;
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, refusal->cancellable,
                           on_refusal_closed, g_rc_box_acquire (refusal));
}

static void
on_refusal_drained (GObject      *in,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (in), result, NULL);

  if (n > 0)
    refusal->drained += (gsize)n;
  if (n > 0 && refusal->drained < LINGER_BYTES && refusal->self != NULL)
    g_input_stream_read_async (G_INPUT_STREAM (in), refusal->buffer, sizeof refusal->buffer,
                               G_PRIORITY_DEFAULT, refusal->cancellable, on_refusal_drained,
                               g_rc_box_acquire (refusal));
  else
    refusal_close (refusal);
  g_rc_box_release_full (refusal, refusal_clear);
}

static void
on_refusal_written (GObject      *out,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (g_output_stream_write_all_finish (G_OUTPUT_STREAM (out), result, NULL, NULL)
      && refusal->self != NULL)
    g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream),
                               refusal->buffer, sizeof refusal->buffer, G_PRIORITY_DEFAULT,
                               refusal->cancellable, on_refusal_drained,
                               g_rc_box_acquire (refusal));
  else
    refusal_end (refusal);
  g_rc_box_release_full (refusal, refusal_clear);
}

/* The answer set on @msg as the office writes it on a taken connection: its headers, the
 * body's length, and no keep-alive. */
static GBytes *
refusal_answer (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *answer = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (answer, "HTTP/1.%c %u %s\r\n",
                          soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0 ? '0' : '1',
                          soup_server_message_get_status (msg),
                          soup_status_get_phrase (soup_server_message_get_status (msg)));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0
        && g_ascii_strcasecmp (name, "Transfer-Encoding") != 0
        && g_ascii_strcasecmp (name, "Connection") != 0)
      g_string_append_printf (answer, "%s: %s\r\n", name, value);
  g_string_append_printf (answer, "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n", g_bytes_get_size (body));
  g_string_append_len (answer, g_bytes_get_data (body, NULL), (gssize)g_bytes_get_size (body));
  return g_string_free_to_bytes (answer);
}

static gboolean
on_refusal_take (gpointer user_data)
{
  Refusal *refusal = user_data;

  g_clear_pointer (&refusal->take, g_source_unref);
  refusal->answer = refusal_answer (refusal->msg);
  refusal->stream = soup_server_message_steal_connection (refusal->msg);
  g_clear_object (&refusal->msg);
  if (refusal->stream == NULL)
    {
      refusal_end (refusal);
      return G_SOURCE_REMOVE;
    }
  refusal->linger = g_timeout_add_seconds (LINGER_S, on_refusal_linger_over, refusal);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   g_bytes_get_data (refusal->answer, NULL),
                                   g_bytes_get_size (refusal->answer), G_PRIORITY_DEFAULT,
                                   refusal->cancellable, on_refusal_written,
                                   g_rc_box_acquire (refusal));
  return G_SOURCE_REMOVE;
}

/* Answers @msg (its status and body are set) without reading the rest of its body. Called
 * from libsoup's reading, or for a message a job @paused: it stops libsoup's reading, and
 * takes the connection at the next turn of the main loop. */
static void
refuse_unread (XunchaOfficeServer *self,
               SoupServerMessage  *msg,
               gboolean            paused)
{
  PhotoUpload *pu = g_object_get_data (G_OBJECT (msg), "xuncha-photo-upload");
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  Refusal *refusal;

  if (g_object_get_data (G_OBJECT (msg), "xuncha-refused") != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "xuncha-refused", GINT_TO_POINTER (TRUE));
  /* After a 100 Continue libsoup cleared the answer's headers. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  /* Nothing of it is kept: the photo's temporary file goes now. */
  if (pu != NULL && pu->upload != NULL && pu->writing)
    pu->refused = TRUE;
  else if (pu != NULL && pu->upload != NULL)
    {
      xuncha_office_photo_upload_abort (pu->upload);
      g_clear_object (&pu->upload);
    }
  /* The lingering close has its own, shorter bound. */
  deadline_set (msg, 0, NULL);
  if (!paused)
    soup_server_message_pause (msg);

  refusal = g_rc_box_new0 (Refusal);
  refusal->self = self;
  refusal->msg = g_object_ref (msg);
  refusal->socket = socket != NULL ? g_object_ref (socket) : NULL;
  refusal->cancellable = g_cancellable_new ();
  refusal->take = g_idle_source_new ();
  g_source_set_priority (refusal->take, G_PRIORITY_HIGH);
  g_source_set_callback (refusal->take, on_refusal_take, refusal, NULL);
  /* A write of the photo still runs: its temporary file goes when it is done, and the
   * answer after it (photo_written()), so that a client told 413 finds nothing left. */
  if (pu != NULL && pu->refused)
    pu->refusal = g_source_ref (refusal->take);
  else
    g_source_attach (refusal->take, NULL);
  g_hash_table_add (self->refusals, refusal);
}

static void
on_body_chunk (SoupServerMessage *msg,
               GBytes            *chunk,
               gpointer           user_data)
{
  BodyCount *count = user_data;
  PhotoUpload *pu = g_object_get_data (G_OBJECT (msg), "xuncha-photo-upload");
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  if (g_object_get_data (G_OBJECT (msg), "xuncha-refused") != NULL)
    return;
  count->received += (gint64)length;
  if (count->received > count->limit)
    {
      respond_error (msg, 413, "too_large", pu != NULL
                     ? "The photo is larger than the office accepts"
                     : "The request body is larger than the office accepts", NULL);
      refuse_unread (count->self, msg, FALSE);
      return;
    }
  /* Keep reading after a failed write: the answer comes when the body is in. */
  if (pu == NULL || pu->error != NULL || pu->upload == NULL)
    return;
  if (pu->gathering == NULL)
    pu->gathering = g_byte_array_sized_new (PHOTO_PIECE);
  g_byte_array_append (pu->gathering, data, (guint)length);
  if (pu->gathering->len < PHOTO_PIECE)
    return;
  photo_gathered (pu);
  photo_write_next (count->self, msg, pu);
  if (pu->waiting_bytes >= PHOTO_WAITING_MAX && !pu->throttled)
    {
      /* The client waits for the disk now, not the other way round. */
      pu->throttled = TRUE;
      work_begin (msg);
      soup_server_message_pause (msg);
    }
}

/* After libsoup's got-headers handler, which ran the early handler: libsoup has read the
 * request's headers; its body, if any, comes next. */
static void
on_got_headers (SoupServerMessage *msg,
                gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  guint status = soup_server_message_get_status (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  BodyCount *count;

  /* A photo's job may still be judging its headers: its answer then needs this done. */
  g_object_set_data (G_OBJECT (msg), "xuncha-headers-read", GINT_TO_POINTER (TRUE));
  alone_end (msg);
  /* The office serves whole answers: libsoup would cut any 200 to a range asked for, or
   * answer 416 with an empty body. */
  soup_message_headers_remove (headers, "Range");

  if (status != 0 && soup_server_message_get_response_body (msg)->length == 0)
    respond_libsoup_error (msg);
  if (status >= 400 && body_follows (msg))
    {
      refuse_body (self, msg, FALSE);
      return;
    }
  if (!body_follows (msg))
    {
      deadline_set (msg, self->request_timeout_s, "the request came in too slowly");
      return;
    }

  count = g_new0 (BodyCount, 1);
  count->self = self;
  count->limit = uri != NULL && xuncha_office_api_is_photo_put (soup_server_message_get_method (msg),
                                                                g_uri_get_path (uri))
                 ? xuncha_office_api_get_photo_max_bytes (self->api)
                 : self->console != NULL && uri != NULL
                   && xuncha_office_console_owns_path (g_uri_get_path (uri))
                 ? XUNCHA_OFFICE_CONSOLE_BODY_MAX_BYTES
                 : xuncha_office_api_get_body_max_bytes (self->api);
  g_object_set_data_full (G_OBJECT (msg), "xuncha-body-count", count, g_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_body_chunk), count);
  /* The body may be as large as its limit, or its length when that is less. */
  deadline_set (msg, self->request_timeout_s
                     + (guint)((length > 0 ? MIN (length, count->limit) : count->limit)
                               / BODY_MIN_RATE),
                "the request came in too slowly");
}

/* The request is in; the answer is made and written next. */
static void
on_got_body (SoupServerMessage *msg,
             gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  Deadline *deadline = deadline_set (msg, self->request_timeout_s,
                                     "the client stopped reading its answer");

  /* After a 100 Continue libsoup cleared the answer's headers; and where no handler took
   * the request, it chose 404 itself. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  if (soup_server_message_get_status (msg) >= 400
      && soup_server_message_get_method (msg) != SOUP_METHOD_HEAD
      && soup_server_message_get_response_body (msg)->length == 0)
    respond_libsoup_error (msg);
  /* A connection wrapped too often (see on_idle_take()) ends with this answer. */
  if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "xuncha-wrappers")) >= WRAPPERS_MAX)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");

  if (deadline != NULL)
    {
      deadline->quiet_us = (gint64)self->request_timeout_s * G_USEC_PER_SEC;
      deadline->moved_at = g_get_monotonic_time ();
    }
}

/* Its length known, the whole answer gets an end too: a client reading a few bytes now
 * and then does not hold it for hours. */
static void
on_wrote_headers (SoupServerMessage *msg,
                  gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  Deadline *deadline = deadline_get (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (deadline == NULL || deadline->quiet_us == 0)
    return;
  deadline->moved_at = g_get_monotonic_time ();
  /* Every answer of the office has a length; one without gets only the silence limit. */
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return;
  deadline->ends_at = deadline->moved_at
                      + ((gint64)self->request_timeout_s + length / BODY_MIN_RATE)
                        * G_USEC_PER_SEC;
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              chunk_size,
                    gpointer           user_data)
{
  Deadline *deadline = deadline_get (msg);

  if (deadline != NULL && deadline->quiet_us > 0)
    deadline->moved_at = g_get_monotonic_time ();
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  PhotoUpload *pu = g_object_get_data (G_OBJECT (msg), "xuncha-photo-upload");
  Job *job;

  /* Answered before its body (libsoup calls no handler then; a guard). */
  if (soup_server_message_get_status (msg) != 0)
    return;
  /* The early handler set it, but after a 100 Continue libsoup cleared the answer's
   * headers. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);

  if (pu != NULL)
    {
      /* A photo unanswered after its headers has an upload, its body written to it, or
       * on its way there: the commit comes after the last write. */
      g_assert (pu->upload != NULL);
      pu->commit = job_new (self, msg, call_from (msg, path, query, NULL), JOB_PHOTO_COMMIT);
      work_begin (msg);
      soup_server_message_pause (msg);
      photo_gathered (pu);
      if (!pu->writing)
        photo_commit_submit (self, pu);
      return;
    }
  else
    {
      /* Counted as it arrived: never past the body limit (see on_body_chunk()). */
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

      if (self->console != NULL && xuncha_office_console_owns_path (path))
        {
          job = job_new (self, msg, NULL, JOB_CONSOLE);
          job->console_call = console_call_from (msg, path, body);
        }
      else
        job = job_new (self, msg, call_from (msg, path, query, body), JOB_CALL);
    }
  job_submit (job);
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  GSocket *socket = NULL;

  /* libsoup has no socket of its own for a connection handed to it (see on_accept() and
   * keep_alive_take()): the office keeps it with the peer's address. */
  if (remote != NULL)
    socket = g_object_get_data (G_OBJECT (remote), "xuncha-socket");
  if (socket != NULL)
    g_object_set_data_full (G_OBJECT (msg), "xuncha-socket", g_object_ref (socket),
                            g_object_unref);
  if (remote != NULL)
    g_object_set_data (G_OBJECT (msg), "xuncha-wrappers",
                       g_object_get_data (G_OBJECT (remote), "xuncha-wrappers"));
  deadline_set (msg, self->request_timeout_s, "no request came, or it came too slowly");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                XUNCHA_PROTOCOL_SERVER_HEADER, XUNCHA_PROTOCOL_VERSION);
  alone_begin (msg);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers_alone), self);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), self);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), self);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), self);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), self);
}

/* Keep-alive. libsoup 3.2 (the Debian 12 floor) never lets go of a kept-alive connection
 * that the client closes while libsoup waits for its next request: that wait has no
 * message anyone sees, and its end disconnects nothing, so each such connection kept its
 * socket and TLS state until the office stopped (a busy office ran out of descriptors
 * after about a thousand syncs; libsoup 3.3 mends it). So the office waits itself: once an
 * answer is out, it takes the connection from libsoup (soup_server_message_steal_connection,
 * which lets libsoup forget it), and when the client sends more, or closes, or the idle
 * deadline shuts the socket, it hands the stream back with soup_server_accept_iostream().
 * There a closed connection ends as a first request would: libsoup disconnects it. */

typedef struct
{
  XunchaOfficeServer *self;
  SoupServerMessage  *msg;           /* the answered one, until its connection is taken */
  gboolean            disconnected;  /* libsoup ended that connection itself */
  GIOStream          *stream;        /* then: the connection, waiting */
  GIOStream          *base;          /* the stream first handed to libsoup */
  guint               wrappers;      /* libsoup's wrappers around it in @stream */
  GSocketAddress     *local;
  GSocketAddress     *remote;
  GSource            *source;
} Idle;

static void
on_idle_disconnected (SoupServerMessage *msg,
                      gpointer           user_data)
{
  Idle *idle = user_data;

  idle->disconnected = TRUE;
}

static void
idle_free (gpointer data)
{
  Idle *idle = data;

  if (idle->source != NULL)
    {
      g_source_destroy (idle->source);
      g_source_unref (idle->source);
    }
  if (idle->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (idle->msg, idle);
      g_object_unref (idle->msg);
    }
  /* Only when the office stops with connections waiting. */
  if (idle->stream != NULL)
    g_io_stream_close (idle->stream, NULL, NULL);
  g_clear_object (&idle->stream);
  g_clear_object (&idle->base);
  g_clear_object (&idle->local);
  g_clear_object (&idle->remote);
  g_free (idle);
}

/* The client sent more, or the connection ended: libsoup reads it. */
static gboolean
on_idle_readable (GObject  *pollable,
                  gpointer  user_data)
{
  Idle *idle = user_data;
  XunchaOfficeServer *self = idle->self;
  g_autoptr(GIOStream) stream = g_steal_pointer (&idle->stream);
  g_autoptr(GSocketAddress) local = g_steal_pointer (&idle->local);
  g_autoptr(GSocketAddress) remote = g_steal_pointer (&idle->remote);

  g_object_set_data_full (G_OBJECT (remote), "xuncha-stream", g_steal_pointer (&idle->base),
                          g_object_unref);
  g_object_set_data (G_OBJECT (remote), "xuncha-wrappers", GUINT_TO_POINTER (idle->wrappers));
  g_hash_table_remove (self->idle, idle);
  soup_server_accept_iostream (self->soup, stream, local, remote, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_take (gpointer user_data)
{
  Idle *idle = user_data;
  XunchaOfficeServer *self = idle->self;
  SoupServerMessage *msg = idle->msg;
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "xuncha-socket");
  GSocketAddress *remote = NULL, *local = NULL;
  g_autoptr(GIOStream) taken = NULL;
  GIOStream *handed;

  g_source_unref (g_steal_pointer (&idle->source));
  /* A disconnected message's addresses are not to be asked for: libsoup asks the closed
   * socket. */
  if (!idle->disconnected)
    {
      remote = soup_server_message_get_remote_address (msg);
      local = soup_server_message_get_local_address (msg);
    }
  if (remote == NULL || local == NULL || socket == NULL)
    {
      g_hash_table_remove (self->idle, idle);
      return G_SOURCE_REMOVE;
    }
  idle->remote = g_object_ref (remote);
  idle->local = g_object_ref (local);
  handed = g_object_get_data (G_OBJECT (remote), "xuncha-stream");
  taken = soup_server_message_steal_connection (msg);
  g_signal_handlers_disconnect_by_data (msg, idle);
  g_clear_object (&idle->msg);
  if (taken == NULL)
    {
      g_hash_table_remove (self->idle, idle);
      return G_SOURCE_REMOVE;
    }
  g_object_set_data_full (G_OBJECT (idle->remote), "xuncha-socket", g_object_ref (socket),
                          g_object_unref);
  /* From a connection the office handed over, libsoup gives back its own wrapper of the
   * stream handed. Unless bytes wait (in it, or in the socket under it: the two cannot be
   * told apart), the stream first handed is the one to wait on. Otherwise the wrapper is
   * kept, and libsoup wraps it once more: each wrapper costs every read of the
   * connection's later requests, so past WRAPPERS_MAX the next answer ends the
   * connection (on_got_body()) and the client starts afresh. */
  if (handed == NULL)
    handed = G_IO_STREAM (taken);
  idle->base = g_object_ref (handed);
  if (!g_pollable_input_stream_is_readable (
         G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (taken))))
    idle->stream = g_object_ref (handed);
  else
    {
      idle->stream = g_steal_pointer (&taken);
      idle->wrappers = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (remote),
                                                            "xuncha-wrappers")) + 1;
    }
  idle->source = g_pollable_input_stream_create_source (
    G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (idle->stream)), NULL);
  g_source_set_callback (idle->source, (GSourceFunc)on_idle_readable, idle, NULL);
  g_source_attach (idle->source, NULL);
  return G_SOURCE_REMOVE;
}

/* Called as libsoup finishes @msg, before it starts waiting for the next request: the
 * connection is taken at the next turn of the main loop, first thing (high priority), so
 * libsoup's wait has read nothing yet. If libsoup ends the connection instead (no
 * keep-alive), the message says so before that turn. */
static void
keep_alive_take (XunchaOfficeServer *self,
                 SoupServerMessage  *msg)
{
  Idle *idle = g_new0 (Idle, 1);

  idle->self = self;
  idle->msg = g_object_ref (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_idle_disconnected), idle);
  idle->source = g_idle_source_new ();
  g_source_set_priority (idle->source, G_PRIORITY_HIGH);
  g_source_set_callback (idle->source, on_idle_take, idle, NULL);
  g_source_attach (idle->source, NULL);
  g_hash_table_add (self->idle, idle);
}

/* Answered: the connection may wait for a next request, but not for ever (the deadline
 * shuts its socket, which ends the office's wait too). */
static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  XunchaOfficeServer *self = user_data;

  /* A refused connection ends with its answer (libsoup does not finish a message whose
   * connection was taken, so this is only a guard). */
  if (g_object_get_data (G_OBJECT (msg), "xuncha-refused") != NULL)
    return;
  deadline_set (msg, self->request_timeout_s, "it stayed idle after an answer");
  keep_alive_take (self, msg);
}

/* Accepting. The office takes each connection off its listening socket itself, makes its
 * TLS handshake, and hands the stream to libsoup (soup_server_accept_iostream()). libsoup
 * 3.2's own listener (the Debian 12 floor) could not run a city's office for long:
 * - it keeps a reference to every socket it accepts, for good;
 * - a connection whose TLS handshake fails (a port scan, a phone that leaves the Wi-Fi
 *   mid-handshake) keeps itself alive through its first message, TLS state and all:
 *   some 20 KiB each, for good (both mended upstream in 3.4);
 * - after one failed accept (out of descriptors) it never accepts again.
 * libsoup keeps connections alive only for a server with a listener of its own, so it gets
 * one that nobody can reach (see inert_listener()). */

typedef struct
{
  XunchaOfficeServer *self;          /* while listed in self->handshakes */
  GSocket            *socket;
  GIOStream          *stream;        /* the TLS connection over the socket */
  guint               deadline;
} Handshake;

static void
handshake_free (Handshake *handshake)
{
  g_clear_handle_id (&handshake->deadline, g_source_remove);
  g_clear_object (&handshake->socket);
  g_clear_object (&handshake->stream);
  g_free (handshake);
}

/* Taken off the office's list when the office stops: the handshake fails on the shut
 * socket, and on_handshake_done() lets go of it. */
static void
handshake_unlist (gpointer data)
{
  Handshake *handshake = data;

  handshake->self = NULL;
  g_clear_handle_id (&handshake->deadline, g_source_remove);
  g_socket_shutdown (handshake->socket, TRUE, TRUE, NULL);
}

/* Hands a connection ready for HTTP to libsoup, with the socket under it kept where
 * on_request_started() finds it: libsoup knows no socket for a stream handed to it. */
static void
hand_to_soup (XunchaOfficeServer *self,
              GSocket            *socket,
              GIOStream          *stream)
{
  g_autoptr(GSocketAddress) local = NULL, remote = NULL;
  g_autoptr(GError) error = NULL;

  local = g_socket_get_local_address (socket, &error);
  if (local != NULL)
    remote = g_socket_get_remote_address (socket, &error);
  if (remote == NULL)
    {
      /* The client is gone already. */
      g_debug ("Dropping a connection: %s", error->message);
      g_socket_close (socket, NULL);
      return;
    }
  g_object_set_data_full (G_OBJECT (remote), "xuncha-socket", g_object_ref (socket),
                          g_object_unref);
  g_object_set_data_full (G_OBJECT (remote), "xuncha-stream", g_object_ref (stream),
                          g_object_unref);
  soup_server_accept_iostream (self->soup, stream, local, remote, NULL);
}

static void
on_handshake_done (GObject      *stream,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Handshake *handshake = user_data;
  XunchaOfficeServer *self = handshake->self;
  g_autoptr(GError) error = NULL;

  if (self != NULL)
    g_hash_table_steal (self->handshakes, handshake);
  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (stream), result, &error)
      && self != NULL && !self->stopped)
    hand_to_soup (self, handshake->socket, handshake->stream);
  else
    {
      if (error != NULL)
        g_debug ("Closing a connection: no TLS handshake: %s", error->message);
      /* No TLS goodbye: the client did not finish saying hello. */
      g_socket_close (handshake->socket, NULL);
    }
  handshake_free (handshake);
}

static gboolean
on_handshake_deadline (gpointer user_data)
{
  Handshake *handshake = user_data;

  handshake->deadline = 0;
  g_debug ("Closing a connection: its TLS handshake came too slowly");
  /* The handshake fails on the shut socket, and on_handshake_done() lets go of it. A
   * cancellable would do too, but waiting on one takes a descriptor of its own, which an
   * office out of them does not have. */
  g_socket_shutdown (handshake->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
handshake_start (XunchaOfficeServer *self,
                 GSocket            *socket)
{
  const char *protocols[] = { "http/1.1", "http/1.0", NULL };
  g_autoptr(GSocketConnection) connection = g_socket_connection_factory_create_connection (socket);
  g_autoptr(GError) error = NULL;
  Handshake *handshake;
  GIOStream *tls;

  /* No certificate database: the office asks devices for no certificate, and the default
   * one (the system's authorities) would be loaded into every connection's TLS session,
   * which made each handshake several times slower. */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, &error,
                        "base-io-stream", connection,
                        "certificate", self->certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    {
      g_message ("Could not begin a TLS connection: %s", error->message);
      g_socket_close (socket, NULL);
      return;
    }
  /* HTTP says where a body ends; a client that closes without a TLS goodbye loses nothing
   * the office needs (libsoup asks the same). */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);

  handshake = g_new0 (Handshake, 1);
  handshake->self = self;
  handshake->socket = g_object_ref (socket);
  handshake->stream = tls;
  handshake->deadline = g_timeout_add_seconds (self->request_timeout_s, on_handshake_deadline,
                                               handshake);
  g_hash_table_add (self->handshakes, handshake);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL,
                                    on_handshake_done, handshake);
}

static gboolean on_accept (GSocket      *listen_socket,
                           GIOCondition  condition,
                           gpointer      user_data);

static void
accept_watch (XunchaOfficeServer *self)
{
  self->accept_source = g_socket_create_source (self->listen_socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc)(void (*)(void))on_accept, self,
                         NULL);
  g_source_attach (self->accept_source, NULL);
}

static gboolean
on_accept_retry (gpointer user_data)
{
  XunchaOfficeServer *self = user_data;

  self->accept_retry = 0;
  accept_watch (self);
  return G_SOURCE_REMOVE;
}

/* A few connections a turn, so that a crowd at the door does not keep the office from
 * answering those inside. Out of descriptors, the office stops looking for a moment, says
 * so once, and takes connections again once some are free. */
static gboolean
on_accept (GSocket      *listen_socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  XunchaOfficeServer *self = user_data;

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listen_socket, NULL, &error);

      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
            {
              if (!self->out_of_files)
                g_message ("New connections wait: the office is out of file descriptors "
                           "(%s); it takes them again once some are free", error->message);
              self->out_of_files = TRUE;
              g_clear_pointer (&self->accept_source, g_source_unref);
              self->accept_retry = g_timeout_add (250, on_accept_retry, self);
              return G_SOURCE_REMOVE;
            }
          /* One client's trouble (it reset before it was taken): the next one. */
          g_debug ("Could not take a connection: %s", error->message);
          continue;
        }
      if (self->out_of_files)
        {
          g_message ("New connections were left waiting (the office ran out of file "
                     "descriptors); taking them again");
          self->out_of_files = FALSE;
        }
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
      if (self->certificate != NULL)
        handshake_start (self, socket);
      else
        {
          g_autoptr(GSocketConnection) connection =
            g_socket_connection_factory_create_connection (socket);

          hand_to_soup (self, socket, G_IO_STREAM (connection));
        }
    }
  return G_SOURCE_CONTINUE;
}

/* A listener for libsoup that no client can reach: a Unix socket whose name is gone as
 * soon as it listens. */
static gboolean
inert_listener (XunchaOfficeServer  *self,
                GError             **error)
{
  g_autofree char *dir = g_dir_make_tmp ("xuncha-office-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  gboolean listening;

  if (dir == NULL)
    return FALSE;
  path = g_build_filename (dir, "inert", NULL);
  address = g_unix_socket_address_new (path);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         error);
  listening = socket != NULL
              && g_socket_bind (socket, address, FALSE, error)
              && g_socket_listen (socket, error);
  g_unlink (path);
  g_rmdir (dir);
  return listening && soup_server_listen_socket (self->soup, socket, 0, error);
}

/* A handshake still running when the office stops: its socket is shut, so it fails soon. */
static void
handshake_end (gpointer key,
               gpointer value,
               gpointer user_data)
{
  Handshake *handshake = key;

  g_clear_handle_id (&handshake->deadline, g_source_remove);
  g_socket_shutdown (handshake->socket, TRUE, TRUE, NULL);
}

static void
xuncha_office_server_finalize (GObject *object)
{
  XunchaOfficeServer *self = (XunchaOfficeServer *)object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->api);
  g_clear_object (&self->console);
  g_clear_object (&self->workers);
  if (self->accept_source != NULL)
    g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  g_clear_handle_id (&self->accept_retry, g_source_remove);
  g_clear_pointer (&self->handshakes, g_hash_table_unref);
  g_clear_pointer (&self->idle, g_hash_table_unref);
  g_clear_pointer (&self->refusals, g_hash_table_unref);
  g_clear_object (&self->listen_socket);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (xuncha_office_server_parent_class)->finalize (object);
}

static void
xuncha_office_server_class_init (XunchaOfficeServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = xuncha_office_server_finalize;
}

static void
xuncha_office_server_init (XunchaOfficeServer *self)
{
  self->request_timeout_s = 30;
  self->idle = g_hash_table_new_full (NULL, NULL, idle_free, NULL);
  self->refusals = g_hash_table_new_full (NULL, NULL, refusal_unlist, NULL);
  self->handshakes = g_hash_table_new_full (NULL, NULL, handshake_unlist, NULL);
}

XunchaOfficeServer *
xuncha_office_server_new (XunchaOfficeApi        *api,
                          XunchaOfficeWorkerPool *workers,
                          GTlsCertificate        *certificate)
{
  XunchaOfficeServer *self;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_API (api), NULL);
  g_return_val_if_fail (XUNCHA_IS_OFFICE_WORKER_POOL (workers), NULL);

  self = g_object_new (XUNCHA_TYPE_OFFICE_SERVER, NULL);
  self->api = g_object_ref (api);
  self->workers = g_object_ref (workers);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->soup = soup_server_new ("server-header", "xuncha-office/" PACKAGE_VERSION,
                                "tls-certificate", certificate, NULL);
  soup_server_add_early_handler (self->soup, "/", on_early, self, NULL);
  soup_server_add_handler (self->soup, "/", on_request, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  return self;
}

void
xuncha_office_server_set_console (XunchaOfficeServer  *self,
                                  XunchaOfficeConsole *console)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_SERVER (self));
  g_return_if_fail (console == NULL || XUNCHA_IS_OFFICE_CONSOLE (console));

  g_set_object (&self->console, console);
}

void
xuncha_office_server_set_timeout (XunchaOfficeServer *self,
                                  guint               request_timeout_s)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_SERVER (self));

  if (request_timeout_s > 0)
    self->request_timeout_s = request_timeout_s;
}

gboolean
xuncha_office_server_listen (XunchaOfficeServer  *self,
                             const char          *address,
                             guint16              port,
                             guint16             *bound_port,
                             GError             **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (XUNCHA_IS_OFFICE_SERVER (self), FALSE);
  g_return_val_if_fail (self->listen_socket == NULL, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
      && !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, error))
    return FALSE;
  /* At shift change a district's phones come at once: more may wait to be taken than the
   * default ten. */
  g_socket_set_listen_backlog (socket, 128);
  if (!g_socket_bind (socket, socket_address, TRUE, error)
      || !g_socket_listen (socket, error)
      || !inert_listener (self, error))
    return FALSE;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  if (bound_port != NULL)
    *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  /* Taken a few at a time until none waits: an accept must say so, not wait. */
  g_socket_set_blocking (socket, FALSE);
  self->listen_socket = g_steal_pointer (&socket);
  accept_watch (self);
  return TRUE;
}

void
xuncha_office_server_stop (XunchaOfficeServer *self)
{
  g_return_if_fail (XUNCHA_IS_OFFICE_SERVER (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  if (self->accept_source != NULL)
    g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  g_clear_handle_id (&self->accept_retry, g_source_remove);
  if (self->listen_socket != NULL)
    g_socket_close (self->listen_socket, NULL);
  /* Every connection ends: a message whose job runs is let go when the job is done
   * (job_done()), its upload aborted unless its commit ran. */
  soup_server_disconnect (self->soup);
  g_hash_table_remove_all (self->idle);
  g_hash_table_remove_all (self->refusals);
  /* A TLS handshake runs on a thread of GLib's and a job on a worker: the office exits
   * only once none runs, or its exit would tear down the libraries (GnuTLS, libpq,
   * libcrypto) and the records under them. */
  g_hash_table_foreach (self->handshakes, handshake_end, NULL);
  while (g_hash_table_size (self->handshakes) > 0)
    g_main_context_iteration (NULL, TRUE);
  xuncha_office_worker_pool_finish (self->workers);
  /* What the last jobs' ends handed back (a connection to keep alive): ended too. */
  g_hash_table_remove_all (self->idle);
  g_hash_table_remove_all (self->refusals);
}
