/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A hostile office: a real TLS server (the test CA's certificate for 127.0.0.1) that
 * enrolls the device like the office, then answers its sync with what a broken or hostile
 * server could send: JSON nested 100 000 deep, a body of a gigabyte, a chunked body without
 * end. The device must survive each with a clear sync error and change nothing. */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

typedef enum
{
  ANSWER_DEEP_ME,        /* GET me: 200 with 100 000 brackets */
  ANSWER_HUGE,           /* GET me: 200 with Content-Length of 1 GiB, sent in full */
  ANSWER_ENDLESS,        /* GET me: 200, chunked, no last chunk */
  ANSWER_DEEP_PULLS,     /* GET me right; categories, streets, merchants: deep */
} Answer;

/* The most the server sends on one answer, so a test that goes wrong still ends. */
#define SEND_BOUND ((gsize)1024 * 1024 * 1024)

typedef struct
{
  GSocketListener *listener;
  GTlsCertificate *certificate;
  GCancellable    *cancellable;
  GThread         *thread;
  guint16          port;
  Answer           answer;
  gsize            sent;     /* body bytes of the last hostile answer */
} Hostile;

static gboolean
write_all (GOutputStream *out,
           const void    *data,
           gsize          length)
{
  return g_output_stream_write_all (out, data, length, NULL, NULL, NULL);
}

static gboolean
respond (GOutputStream *out,
         const char    *body)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nXuncha-Server: 1\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %zu\r\n\r\n", strlen (body));

  return write_all (out, head, strlen (head)) && write_all (out, body, strlen (body));
}

static char *
deep_json (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* One request on @in: its first line, or NULL when the client closed. */
static char *
read_request (GInputStream *in)
{
  g_autoptr(GString) head = g_string_new (NULL);
  gint64 body = 0;
  char c;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      if (g_input_stream_read (in, &c, 1, NULL, NULL) != 1 || head->len > 65536)
        return NULL;
      g_string_append_c (head, c);
    }
  for (char *p = head->str; (p = strstr (p, "\r\n")) != NULL; p += 2)
    if (g_ascii_strncasecmp (p + 2, "Content-Length:", 15) == 0)
      body = g_ascii_strtoll (p + 17, NULL, 10);
  while (body-- > 0)
    if (g_input_stream_read (in, &c, 1, NULL, NULL) != 1)
      return NULL;
  return g_strndup (head->str, strcspn (head->str, "\r\n"));
}

/* The hostile answer: TRUE while the connection can go on. */
static gboolean
answer_badly (Hostile       *self,
              GOutputStream *out)
{
  static const char chunk_head[] = "10000\r\n";
  static const char endless_head[] = "HTTP/1.1 200 OK\r\nXuncha-Server: 1\r\n"
                                     "Content-Type: application/json\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n";
  g_autofree char *block = g_strnfill (0x10000, '[');

  self->sent = 0;
  if (self->answer == ANSWER_HUGE)
    {
      g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nXuncha-Server: 1\r\n"
                                               "Content-Type: application/json\r\n"
                                               "Content-Length: %zu\r\n\r\n", SEND_BOUND);
      if (!write_all (out, head, strlen (head)))
        return FALSE;
      while (self->sent < SEND_BOUND && write_all (out, block, 0x10000))
        self->sent += 0x10000;
      return FALSE;
    }
  /* ANSWER_ENDLESS */
  if (!write_all (out, endless_head, strlen (endless_head)))
    return FALSE;
  while (self->sent < SEND_BOUND && write_all (out, chunk_head, strlen (chunk_head))
         && write_all (out, block, 0x10000) && write_all (out, "\r\n", 2))
    self->sent += 0x10000;
  return FALSE;
}

static void
serve (Hostile    *self,
       GIOStream  *tls)
{
  GInputStream *in = g_io_stream_get_input_stream (tls);
  GOutputStream *out = g_io_stream_get_output_stream (tls);
  XunchaWireOfficer officer = { (char *)"A001", (char *)"Officer A001", (char *)"T1", FALSE };
  const char * const none[] = { NULL };

  for (;;)
    {
      g_autofree char *line = read_request (in);
      g_autofree char *body = NULL;

      if (line == NULL)
        return;
      if (g_str_has_prefix (line, "POST /api/v1/enroll "))
        body = xuncha_protocol_encode_enrolled ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
                                                &officer);
      else if (g_str_has_prefix (line, "GET /api/v1/me ") && self->answer == ANSWER_DEEP_PULLS)
        body = xuncha_protocol_encode_me (&officer, none, "2024-05-01T08:30:00Z",
                                          XUNCHA_PROTOCOL_PHOTO_MAX_BYTES,
                                          XUNCHA_PROTOCOL_BODY_MAX_BYTES);
      else if (self->answer == ANSWER_DEEP_ME || self->answer == ANSWER_DEEP_PULLS)
        body = deep_json ();
      else if (!answer_badly (self, out))
        return;
      if (body != NULL && !respond (out, body))
        return;
    }
}

static gpointer
accept_thread (gpointer data)
{
  Hostile *self = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GIOStream) tls = NULL;

      connection = g_socket_listener_accept (self->listener, NULL, self->cancellable, NULL);
      if (connection == NULL)
        return NULL;
      tls = g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, NULL);
      if (tls != NULL && g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
        serve (self, tls);
      if (tls != NULL)
        g_io_stream_close (tls, NULL, NULL);
    }
}

static Hostile *
hostile_new (XunchaTestCerts *certs)
{
  Hostile *self = g_new0 (Hostile, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  self->certificate = g_tls_certificate_new_from_files (certs->server_cert, certs->server_key,
                                                        &error);
  g_assert_no_error (error);
  self->listener = g_socket_listener_new ();
  g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->cancellable = g_cancellable_new ();
  self->thread = g_thread_new ("hostile-office", accept_thread, self);
  return self;
}

static void
hostile_free (Hostile *self)
{
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->thread);
  g_socket_listener_close (self->listener);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_object_unref (self->certificate);
  g_free (self);
}

/* What a sync could change from the answers: the categories, streets and merchants. */
static char *
store_summary (const char *dir)
{
  g_autofree char *categories = NULL, *streets = NULL;

  g_assert_cmpint (xuncha_test_run_cli (dir, &categories, NULL, "categories", "list", NULL),
                   ==, 0);
  g_assert_cmpint (xuncha_test_run_cli (dir, &streets, NULL, "streets", "stats", "--json",
                                        NULL), ==, 0);
  return g_strconcat (categories, streets, NULL);
}

static void
test_hostile (gconstpointer data)
{
  Answer answer = GPOINTER_TO_INT (data);
  XunchaTestCerts *certs = xuncha_test_certs ();
  g_autofree char *dir = NULL, *url = NULL, *out = NULL, *err = NULL;
  g_autofree char *before = NULL, *after = NULL;
  Hostile *hostile;
  int status;

  if (certs == NULL)
    return;
  dir = xuncha_test_make_tmpdir ();
  hostile = hostile_new (certs);
  hostile->answer = ANSWER_DEEP_PULLS;
  url = g_strdup_printf ("https://127.0.0.1:%u/", hostile->port);
  xuncha_test_enroll (dir, url, "A001", "K3PD-9QXA-7MTC", certs->ca);
  before = store_summary (dir);

  hostile->answer = answer;
  status = xuncha_test_run_cli (dir, &out, &err, "sync", NULL);
  g_test_message ("exit %d, %zu bytes sent; %s%s", status, hostile->sent, out, err);
  /* Not killed by a signal: a clear failure. */
  g_assert_cmpint (status, ==, 1);
  switch (answer)
    {
    case ANSWER_DEEP_ME:
      g_assert_nonnull (strstr (err, "me: nested deeper than 64 levels"));
      break;
    case ANSWER_HUGE:
    case ANSWER_ENDLESS:
      /* g_format_size() puts a no-break space before the unit. */
      g_assert_nonnull (strstr (err, "The office's answer to api/v1/me was larger than 4.0"));
      g_assert_nonnull (strstr (err, "MiB, so it was not read."));
      /* Stopped at the limit, not at the server's bound. */
      g_assert_cmpuint (hostile->sent, <, 64 * 1024 * 1024);
      break;
    case ANSWER_DEEP_PULLS:
    default:
      g_assert_nonnull (strstr (out, "Could not update categories: Invalid category list: "
                                     "nested deeper than 64 levels"));
      g_assert_nonnull (strstr (out, "Could not update streets: streets: nested deeper than "
                                     "64 levels"));
      g_assert_nonnull (strstr (out, "Could not update the office's generation: generation: "
                                     "nested deeper than 64 levels"));
      g_assert_nonnull (strstr (out, "Could not update merchants: merchants: nested deeper "
                                     "than 64 levels"));
      break;
    }
  after = store_summary (dir);
  g_assert_cmpstr (before, ==, after);

  hostile_free (hostile);
  xuncha_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_data_func ("/hostile-office/deep-json", GINT_TO_POINTER (ANSWER_DEEP_ME),
                        test_hostile);
  g_test_add_data_func ("/hostile-office/huge-body", GINT_TO_POINTER (ANSWER_HUGE),
                        test_hostile);
  g_test_add_data_func ("/hostile-office/endless-chunked", GINT_TO_POINTER (ANSWER_ENDLESS),
                        test_hostile);
  g_test_add_data_func ("/hostile-office/deep-pulls", GINT_TO_POINTER (ANSWER_DEEP_PULLS),
                        test_hostile);

  return g_test_run ();
}
