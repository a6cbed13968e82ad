/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xuncha-fault-proxy.h"

typedef struct
{
  XunchaFaultKind kind;
  gint64          after;
  guint           param;
  guint           times;
} Fault;

struct _XunchaFaultProxy
{
  int              listen_fd;
  guint16          port;
  guint16          upstream_port;
  GTlsCertificate *certificate;
  GThread         *accept_thread;
  GMutex           lock;
  GQueue           faults;        /* Fault */
  GRand           *rand;
  double           probability;
  gint64           max_after;
  guint            fired;
  guint            connections;
  gboolean         stopping;
  GPtrArray       *threads;
};

typedef struct
{
  XunchaFaultProxy *proxy;
  int               client;
  gboolean          has_fault;
  Fault             fault;
} Connection;

static void
fired (XunchaFaultProxy *self)
{
  g_mutex_lock (&self->lock);
  self->fired++;
  g_mutex_unlock (&self->lock);
}

static void
reset_close (int fd)
{
  struct linger linger = { 1, 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  close (fd);
}

static gboolean
write_all (int          fd,
           const char  *data,
           gssize       length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }
  return TRUE;
}

/* Ends TLS with the office's certificate and answers by itself. */
static void
answer_alone (Connection *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (c->client, &error);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *answer = NULL;
  GString *request = g_string_new (NULL);
  char buffer[4096];

  if (socket == NULL)
    {
      close (c->client);
      g_string_free (request, TRUE);
      return;
    }
  c->client = -1;
  connection = g_socket_connection_factory_create_connection (socket);
  tls = g_tls_server_connection_new (G_IO_STREAM (connection), c->proxy->certificate, &error);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    goto out;
  while (strstr (request->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer,
                                      NULL, NULL);
      if (n <= 0)
        goto out;
      g_string_append_len (request, buffer, n);
    }
  fired (c->proxy);
  if (c->fault.kind == XUNCHA_FAULT_503)
    answer = g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: %u\r\n"
                              "Content-Type: text/plain\r\nContent-Length: 5\r\n"
                              "Connection: close\r\n\r\nbusy\n", c->fault.param);
  else
    answer = g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 46\r\n"
                       "Connection: close\r\n\r\n<html><body>Please log in to Wi-Fi</body></html>");
  g_output_stream_write_all (g_io_stream_get_output_stream (tls), answer, strlen (answer), NULL,
                             NULL, NULL);
  g_io_stream_close (tls, NULL, NULL);

out:
  g_string_free (request, TRUE);
}

static int
connect_upstream (guint16 port)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  address.sin_family = AF_INET;
  address.sin_port = g_htons (port);
  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  if (fd < 0 || connect (fd, (struct sockaddr *)&address, sizeof address) != 0)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  return fd;
}

static gpointer
connection_thread (gpointer data)
{
  Connection *c = data;
  int upstream;
  gint64 client_bytes = 0;
  gboolean armed = FALSE;
  char buffer[65536];

  if (c->has_fault && (c->fault.kind == XUNCHA_FAULT_503 || c->fault.kind == XUNCHA_FAULT_CAPTIVE))
    {
      answer_alone (c);
      g_free (c);
      return NULL;
    }

  upstream = connect_upstream (c->proxy->upstream_port);
  if (upstream < 0)
    {
      close (c->client);
      g_free (c);
      return NULL;
    }

  for (;;)
    {
      struct pollfd fds[2] = { { c->client, POLLIN, 0 }, { upstream, POLLIN, 0 } };
      ssize_t n;

      if (poll (fds, 2, 200) < 0 && errno != EINTR)
        break;
      if (g_atomic_int_get (&c->proxy->stopping))
        break;

      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          n = read (c->client, buffer, sizeof buffer);
          if (n <= 0)
            break;
          if (c->has_fault && !armed && client_bytes + n >= c->fault.after)
            {
              gssize part = (gssize)(c->fault.after - client_bytes);

              armed = TRUE;
              switch (c->fault.kind)
                {
                case XUNCHA_FAULT_DROP:
                  write_all (upstream, buffer, MAX (part, 0));
                  fired (c->proxy);
                  goto done;
                case XUNCHA_FAULT_RESET:
                  write_all (upstream, buffer, MAX (part, 0));
                  fired (c->proxy);
                  reset_close (c->client);
                  c->client = -1;
                  goto done;
                case XUNCHA_FAULT_STALL:
                  write_all (upstream, buffer, MAX (part, 0));
                  fired (c->proxy);
                  g_usleep ((gulong)c->fault.param * 1000);
                  goto done;
                case XUNCHA_FAULT_LOST_ACK:
                case XUNCHA_FAULT_503:
                case XUNCHA_FAULT_CAPTIVE:
                default:
                  break;
                }
            }
          client_bytes += n;
          if (!write_all (upstream, buffer, n))
            break;
        }
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
        {
          n = read (upstream, buffer, sizeof buffer);
          if (n <= 0)
            break;
          if (armed && c->fault.kind == XUNCHA_FAULT_LOST_ACK)
            {
              /* The office stored it and answered; the device never hears. */
              fired (c->proxy);
              goto done;
            }
          if (!write_all (c->client, buffer, n))
            break;
        }
    }

done:
  if (c->client >= 0)
    close (c->client);
  close (upstream);
  g_free (c);
  return NULL;
}

static gboolean
take_fault (XunchaFaultProxy *self,
            Fault            *out)
{
  gboolean found = FALSE;
  Fault *fault;

  g_mutex_lock (&self->lock);
  self->connections++;
  fault = g_queue_peek_head (&self->faults);
  if (fault != NULL)
    {
      *out = *fault;
      found = TRUE;
      if (--fault->times == 0)
        g_free (g_queue_pop_head (&self->faults));
    }
  else if (self->probability > 0 && g_rand_double (self->rand) < self->probability)
    {
      static const XunchaFaultKind kinds[] = {
        XUNCHA_FAULT_DROP, XUNCHA_FAULT_LOST_ACK, XUNCHA_FAULT_STALL, XUNCHA_FAULT_RESET,
        XUNCHA_FAULT_503,
      };
      out->kind = kinds[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (kinds))];
      out->after = g_rand_int_range (self->rand, 600, (gint32)MAX (self->max_after, 601));
      out->param = out->kind == XUNCHA_FAULT_STALL ? 1000 : 0;
      out->times = 1;
      found = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

static gpointer
accept_thread (gpointer data)
{
  XunchaFaultProxy *self = data;

  for (;;)
    {
      int fd = accept (self->listen_fd, NULL, NULL);
      Connection *c;

      if (fd < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (g_atomic_int_get (&self->stopping))
        {
          close (fd);
          break;
        }
      c = g_new0 (Connection, 1);
      c->proxy = self;
      c->client = fd;
      c->has_fault = take_fault (self, &c->fault);
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->threads, g_thread_new ("fault-proxy-conn", connection_thread, c));
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

XunchaFaultProxy *
xuncha_fault_proxy_new (guint16          upstream_port,
                        GTlsCertificate *certificate)
{
  XunchaFaultProxy *self = g_new0 (XunchaFaultProxy, 1);
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int one = 1;

  self->upstream_port = upstream_port;
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->rand = g_rand_new_with_seed (1);
  self->threads = g_ptr_array_new ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->faults);

  self->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (self->listen_fd, >=, 0);
  setsockopt (self->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (self->listen_fd, (struct sockaddr *)&address, sizeof address), ==, 0);
  g_assert_cmpint (listen (self->listen_fd, 64), ==, 0);
  g_assert_cmpint (getsockname (self->listen_fd, (struct sockaddr *)&address, &length), ==, 0);
  self->port = g_ntohs (address.sin_port);
  self->accept_thread = g_thread_new ("fault-proxy", accept_thread, self);
  return self;
}

void
xuncha_fault_proxy_free (XunchaFaultProxy *self)
{
  if (self == NULL)
    return;
  g_atomic_int_set (&self->stopping, TRUE);
  shutdown (self->listen_fd, SHUT_RDWR);
  close (self->listen_fd);
  g_thread_join (self->accept_thread);
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (self->threads->pdata[i]);
  g_ptr_array_unref (self->threads);
  xuncha_fault_proxy_clear (self);
  g_mutex_clear (&self->lock);
  g_rand_free (self->rand);
  g_clear_object (&self->certificate);
  g_free (self);
}

guint16
xuncha_fault_proxy_get_port (XunchaFaultProxy *self)
{
  return self->port;
}

void
xuncha_fault_proxy_add (XunchaFaultProxy *self,
                        XunchaFaultKind   kind,
                        gint64            after_bytes,
                        guint             param,
                        guint             times)
{
  Fault *fault = g_new0 (Fault, 1);

  fault->kind = kind;
  fault->after = after_bytes;
  fault->param = param;
  fault->times = MAX (times, 1);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->faults, fault);
  g_mutex_unlock (&self->lock);
}

void
xuncha_fault_proxy_clear (XunchaFaultProxy *self)
{
  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->faults, g_free);
  self->probability = 0;
  g_mutex_unlock (&self->lock);
}

void
xuncha_fault_proxy_set_random (XunchaFaultProxy *self,
                               guint32           seed,
                               double            probability,
                               gint64            max_after_bytes)
{
  g_mutex_lock (&self->lock);
  g_rand_set_seed (self->rand, seed);
  self->probability = probability;
  self->max_after = max_after_bytes;
  g_mutex_unlock (&self->lock);
}

guint
xuncha_fault_proxy_get_fired (XunchaFaultProxy *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->fired;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
xuncha_fault_proxy_get_connections (XunchaFaultProxy *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->connections;
  g_mutex_unlock (&self->lock);
  return n;
}
