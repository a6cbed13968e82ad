/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "xuncha-test-haproxy.h"
#include "xuncha-test-util.h"

const char *
xuncha_test_haproxy_require (void)
{
  static char *path;

  if (path == NULL)
    path = g_find_program_in_path ("haproxy");
  if (path == NULL)
    g_test_skip ("haproxy is not installed (Debian: apt-get install haproxy)");
  return path;
}

/* A loopback port nobody listens on now. HAProxy binds it a moment later; the start is
 * tried again on another port if someone took it meanwhile. */
static guint16
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  /* No proxy lookup: it would read GSettings, and loopback needs none. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 1);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* HAProxy dies with the test, as the office does: a failed test must leave nothing
 * running. */
static void
child_setup (gpointer data)
{
  const char *log = data;
  int fd;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      dup2 (fd, STDOUT_FILENO);
      dup2 (fd, STDERR_FILENO);
      close (fd);
    }
}

/* "show stat" on the statistics socket: HAProxy's CSV, one line per proxy and server. */
static char *
show_stat (XunchaTestHaproxy *haproxy)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (haproxy->socket);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GInputStream *in;
  char buffer[4096];
  gssize n;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, NULL);
  if (connection == NULL)
    return NULL;
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  "show stat\n", 10, NULL, NULL, NULL))
    return NULL;
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (text, buffer, n);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
xuncha_test_haproxy_backend (XunchaTestHaproxy        *haproxy,
                             guint                     index,
                             XunchaTestHaproxyBackend *out)
{
  g_autofree char *text = show_stat (haproxy);
  g_autofree char *name = g_strdup_printf ("office%u", index);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int col_stot = -1, col_scur = -1, col_status = -1, col_bout = -1;

  g_return_val_if_fail (index < haproxy->n_backends, FALSE);
  if (text == NULL)
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL || !g_str_has_prefix (lines[0], "# "))
    return FALSE;
  /* Columns by name: their order is HAProxy's and grows between versions. */
  header = g_strsplit (lines[0] + 2, ",", -1);
  for (int i = 0; header[i] != NULL; i++)
    {
      if (g_str_equal (header[i], "stot"))
        col_stot = i;
      else if (g_str_equal (header[i], "scur"))
        col_scur = i;
      else if (g_str_equal (header[i], "status"))
        col_status = i;
      else if (g_str_equal (header[i], "bout"))
        col_bout = i;
    }
  if (col_stot < 0 || col_scur < 0 || col_status < 0 || col_bout < 0)
    return FALSE;
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[l], ",", -1);
      guint n = g_strv_length (cells);

      if (n <= (guint)MAX (MAX (col_stot, col_bout), MAX (col_scur, col_status))
          || !g_str_equal (cells[0], "offices") || !g_str_equal (cells[1], name))
        continue;
      out->sessions = g_ascii_strtoull (cells[col_stot], NULL, 10);
      out->bytes_out = g_ascii_strtoull (cells[col_bout], NULL, 10);
      out->current = (guint)g_ascii_strtoull (cells[col_scur], NULL, 10);
      out->up = g_str_has_prefix (cells[col_status], "UP");
      return TRUE;
    }
  return FALSE;
}

gboolean
xuncha_test_haproxy_wait_backend (XunchaTestHaproxy *haproxy,
                                  guint              index,
                                  gboolean           up,
                                  guint              timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  do
    {
      XunchaTestHaproxyBackend backend;

      if (xuncha_test_haproxy_backend (haproxy, index, &backend) && backend.up == up)
        return TRUE;
      g_usleep (20000);
    }
  while (g_get_monotonic_time () < end);
  return FALSE;
}

static gboolean
spawn (XunchaTestHaproxy *haproxy,
       const char        *program,
       const guint16     *ports,
       guint              n_ports)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) config = g_string_new (NULL);
  g_autofree char *config_path = g_build_filename (haproxy->dir, "haproxy.cfg", NULL);
  g_autofree char *log = g_build_filename (haproxy->dir, "haproxy.log", NULL);
  const char *argv[] = { program, "-db", "-f", config_path, NULL };
  gint64 end;

  haproxy->port = free_port ();
  /* No user, group or chroot: it runs as whoever runs the test, root or not. The checks
   * are plain TCP connects, quick, so that an office killed mid-sync is out of the
   * rotation within a fraction of a second; "redispatch" sends a connection whose
   * office refused it to the other. The timeouts exceed the office's own request
   * timeout: the office, not the balancer, decides when a slow device is cut. */
  g_string_append_printf (config,
                          "global\n"
                          "  maxconn 4096\n"
                          "  stats socket %s mode 600 level admin\n"
                          "defaults\n"
                          "  mode tcp\n"
                          "  timeout connect 2s\n"
                          "  timeout client 120s\n"
                          "  timeout server 120s\n"
                          "  retries 2\n"
                          "  option redispatch\n"
                          "frontend devices\n"
                          "  bind 127.0.0.1:%u\n"
                          "  default_backend offices\n"
                          "backend offices\n"
                          "  balance roundrobin\n"
                          "  default-server check inter 200ms fall 1 rise 1\n",
                          haproxy->socket, haproxy->port);
  for (guint i = 0; i < n_ports; i++)
    g_string_append_printf (config, "  server office%u 127.0.0.1:%u\n", i, ports[i]);
  g_assert_true (g_file_set_contents (config_path, config->str, -1, NULL));

  g_assert_true (g_spawn_async (haproxy->dir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                child_setup, log, &haproxy->pid, &error));
  g_assert_no_error (error);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      int status;

      if (waitpid (haproxy->pid, &status, WNOHANG) == haproxy->pid)
        {
          g_autofree char *said = NULL;

          g_file_get_contents (log, &said, NULL, NULL);
          g_test_message ("haproxy ended at its start: %s", said);
          g_spawn_close_pid (haproxy->pid);
          haproxy->pid = 0;
          return FALSE;
        }
      if (g_file_test (haproxy->socket, G_FILE_TEST_EXISTS) && accepts (haproxy->port))
        return TRUE;
      g_usleep (20000);
    }
  g_error ("haproxy did not listen within 10 s (see %s)", log);
  return FALSE;
}

XunchaTestHaproxy *
xuncha_test_haproxy_start (const guint16 *ports,
                           guint          n_ports)
{
  const char *program = xuncha_test_haproxy_require ();
  XunchaTestHaproxy *haproxy;

  g_return_val_if_fail (n_ports > 0, NULL);
  if (program == NULL)
    return NULL;
  haproxy = g_new0 (XunchaTestHaproxy, 1);
  haproxy->dir = xuncha_test_make_tmpdir ();
  haproxy->socket = g_build_filename (haproxy->dir, "stats.sock", NULL);
  haproxy->n_backends = n_ports;
  /* The port picked may be taken between the pick and HAProxy's bind: another one then. */
  for (guint attempt = 0; !spawn (haproxy, program, ports, n_ports); attempt++)
    g_assert_cmpuint (attempt, <, 5);
  haproxy->url = g_strdup_printf ("https://127.0.0.1:%u/", haproxy->port);
  for (guint i = 0; i < n_ports; i++)
    g_assert_true (xuncha_test_haproxy_wait_backend (haproxy, i, TRUE, 10000));
  return haproxy;
}

void
xuncha_test_haproxy_free (XunchaTestHaproxy *haproxy)
{
  if (haproxy == NULL)
    return;
  if (haproxy->pid != 0)
    {
      kill (haproxy->pid, SIGTERM);
      waitpid (haproxy->pid, NULL, 0);
      g_spawn_close_pid (haproxy->pid);
    }
  xuncha_test_remove_tree (haproxy->dir);
  g_free (haproxy->dir);
  g_free (haproxy->url);
  g_free (haproxy->socket);
  g_free (haproxy);
}
