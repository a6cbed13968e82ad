/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract every office photo store keeps (XunchaOfficePhotoStore): the same cases run
 * against each store, which open_store() opens empty. Begin, write and commit; a wrong hash,
 * an abort and a dropped upload leave nothing; a second commit of a photo finds the first;
 * two stores (two office processes) committing one photo at once both succeed, one of them
 * making it; held, open_read and received_at. */
#include "config.h"

#include <string.h>

#include "xuncha-office-folder-photo-store.h"
#include "xuncha-test-util.h"

typedef struct
{
  char                   *dir;
  XunchaOfficePhotoStore *store;
} Fixture;

/* An empty store of the kind under test, over @f->dir. Each call opens another store
 * object on the same place, as another office process would. */
static XunchaOfficePhotoStore *
open_store (Fixture  *f,
            GError  **error)
{
  g_autofree char *folder = g_build_filename (f->dir, "photos", NULL);

  return XUNCHA_OFFICE_PHOTO_STORE (xuncha_office_folder_photo_store_open (folder, error));
}

/* What uploads left behind where they wait (-1: the store cannot tell). */
static int
incoming_left (Fixture *f)
{
  g_autofree char *incoming = g_build_filename (f->dir, "photos", ".incoming", NULL);
  g_autoptr(GDir) dir = g_dir_open (incoming, 0, NULL);
  int n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = xuncha_test_make_tmpdir ();
  f->store = open_store (f, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  xuncha_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Bytes of a made-up photo, different for each @seed. */
static GBytes *
photo_bytes (guint  seed,
             gsize  length,
             char **sha256)
{
  guint8 *data = g_malloc (length);
  guint32 state = seed * 2654435761u + 1;

  for (gsize i = 0; i < length; i++)
    {
      state = state * 1103515245u + 12345u;
      data[i] = (guint8)(state >> 16);
    }
  *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  return g_bytes_new_take (data, length);
}

/* Writes @bytes in pieces, as they arrive from the network, and commits them as @sha256. */
static gboolean
upload (XunchaOfficePhotoStore  *store,
        GBytes                  *bytes,
        const char              *sha256,
        gboolean                *created,
        gint64                  *stored,
        char                   **received_at,
        GError                 **error)
{
  g_autoptr(XunchaOfficePhotoUpload) up = xuncha_office_photo_store_begin (store, error);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  if (up == NULL)
    return FALSE;
  for (gsize done = 0; done < length; done += 7001)
    if (!xuncha_office_photo_upload_write (up, data + done, MIN (7001, length - done), error))
      return FALSE;
  return xuncha_office_photo_upload_commit (up, sha256, created, stored, received_at, error);
}

static GBytes *
read_all (XunchaOfficePhotoStore *store,
          const char             *sha256,
          gint64                 *length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = xuncha_office_photo_store_open_read (store, sha256, length,
                                                                        &error);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_no_error (error);
  g_assert_cmpint (g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                           NULL, &error), >=, 0);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_commit (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *sha256 = NULL, *received_at = NULL, *held_at = NULL;
  g_autoptr(GBytes) bytes = photo_bytes (1, 300 * 1024, &sha256);
  g_autoptr(GBytes) back = NULL;
  g_autoptr(XunchaOfficePhotoStore) other = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 stored = 0, held = 0, length = 0;

  g_assert_false (xuncha_office_photo_store_held (f->store, sha256, &held, &held_at, &error));
  g_assert_no_error (error);
  g_assert_true (upload (f->store, bytes, sha256, &created, &stored, &received_at, &error));
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpint (stored, ==, (gint64)g_bytes_get_size (bytes));
  g_assert_nonnull (received_at);
  g_assert_cmpint (incoming_left (f), ==, 0);

  /* Held, here and for another process. */
  other = open_store (f, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_photo_store_held (other, sha256, &held, &held_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (held, ==, stored);
  g_assert_cmpstr (held_at, ==, received_at);
  g_assert_true (xuncha_office_photo_store_held (f->store, sha256, NULL, NULL, &error));

  back = read_all (other, sha256, &length);
  g_assert_cmpint (length, ==, stored);
  g_assert_true (g_bytes_equal (back, bytes));
}

static void
test_hash_mismatch (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *sha256 = NULL, *other_sha = NULL, *received_at = NULL;
  g_autoptr(GBytes) bytes = photo_bytes (2, 50 * 1024, &sha256);
  g_autoptr(GBytes) other = photo_bytes (3, 10, &other_sha);
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 stored = 0;

  g_assert_false (upload (f->store, bytes, other_sha, &created, &stored, &received_at, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_HASH_MISMATCH);
  g_clear_error (&error);
  /* Kept under neither name, and nothing left waiting. */
  g_assert_false (xuncha_office_photo_store_held (f->store, other_sha, NULL, NULL, &error));
  g_assert_false (xuncha_office_photo_store_held (f->store, sha256, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (incoming_left (f), ==, 0);
}

static void
test_abort (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *sha256 = NULL;
  g_autoptr(GBytes) bytes = photo_bytes (4, 20 * 1024, &sha256);
  g_autoptr(GError) error = NULL;
  XunchaOfficePhotoUpload *up;

  up = xuncha_office_photo_store_begin (f->store, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_photo_upload_write (up, g_bytes_get_data (bytes, NULL),
                                                   g_bytes_get_size (bytes), &error));
  g_assert_cmpint (incoming_left (f), !=, 0);
  xuncha_office_photo_upload_abort (up);
  g_assert_cmpint (incoming_left (f), ==, 0);
  /* Aborting again is harmless. */
  xuncha_office_photo_upload_abort (up);
  g_object_unref (up);

  /* Dropped half way (the device went away): the same. */
  up = xuncha_office_photo_store_begin (f->store, &error);
  g_assert_true (xuncha_office_photo_upload_write (up, g_bytes_get_data (bytes, NULL), 1000,
                                                   &error));
  g_assert_cmpint (incoming_left (f), !=, 0);
  g_object_unref (up);
  g_assert_cmpint (incoming_left (f), ==, 0);
  g_assert_false (xuncha_office_photo_store_held (f->store, sha256, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_commit_twice (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *sha256 = NULL, *first_at = NULL, *second_at = NULL, *held_at = NULL;
  g_autoptr(GBytes) bytes = photo_bytes (5, 64 * 1024, &sha256);
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 stored = 0;

  g_assert_true (upload (f->store, bytes, sha256, &created, &stored, &first_at, &error));
  g_assert_true (created);
  g_assert_true (upload (f->store, bytes, sha256, &created, &stored, &second_at, &error));
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpint (stored, ==, (gint64)g_bytes_get_size (bytes));
  /* The first receipt's time stays the photo's. */
  g_assert_cmpstr (second_at, ==, first_at);
  g_assert_true (xuncha_office_photo_store_held (f->store, sha256, NULL, &held_at, &error));
  g_assert_cmpstr (held_at, ==, first_at);
  g_assert_cmpint (incoming_left (f), ==, 0);
}

typedef struct
{
  XunchaOfficePhotoStore *store;
  GBytes                 *bytes;
  const char             *sha256;
  GMutex                 *lock;
  GCond                  *go;
  gboolean               *started;
  gboolean                created;
  char                   *received_at;
} Committer;

static gpointer
commit_at_once (gpointer data)
{
  Committer *c = data;
  g_autoptr(XunchaOfficePhotoUpload) up = NULL;
  g_autoptr(GError) error = NULL;
  gint64 stored = 0;

  up = xuncha_office_photo_store_begin (c->store, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_photo_upload_write (up, g_bytes_get_data (c->bytes, NULL),
                                                   g_bytes_get_size (c->bytes), &error));
  /* Every upload is written before any commits. */
  g_mutex_lock (c->lock);
  while (!*c->started)
    g_cond_wait (c->go, c->lock);
  g_mutex_unlock (c->lock);
  if (!xuncha_office_photo_upload_commit (up, c->sha256, &c->created, &stored, &c->received_at,
                                          &error))
    g_error ("commit: %s", error->message);
  g_assert_cmpint (stored, ==, (gint64)g_bytes_get_size (c->bytes));
  return NULL;
}

/* Two office processes get the same photo at once (a device that retried through the load
 * balancer): both commits succeed, one makes it, and both answer its one time. */
static void
test_concurrent_commits (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(XunchaOfficePhotoStore) other = NULL;
  g_autoptr(GError) error = NULL;

  other = open_store (f, &error);
  g_assert_no_error (error);
  for (guint round = 0; round < 20; round++)
    {
      g_autofree char *sha256 = NULL;
      g_autoptr(GBytes) bytes = photo_bytes (100 + round, 30 * 1024, &sha256);
      Committer committers[4];
      GThread *threads[G_N_ELEMENTS (committers)];
      GMutex lock;
      GCond go;
      gboolean started = FALSE;
      guint created = 0;

      g_mutex_init (&lock);
      g_cond_init (&go);
      for (guint i = 0; i < G_N_ELEMENTS (committers); i++)
        {
          committers[i] = (Committer) { i % 2 == 0 ? f->store : other, bytes, sha256,
                                        &lock, &go, &started, FALSE, NULL };
          threads[i] = g_thread_new ("committer", commit_at_once, &committers[i]);
        }
      g_mutex_lock (&lock);
      started = TRUE;
      g_cond_broadcast (&go);
      g_mutex_unlock (&lock);
      for (guint i = 0; i < G_N_ELEMENTS (committers); i++)
        {
          g_thread_join (threads[i]);
          created += committers[i].created;
          g_assert_cmpstr (committers[i].received_at, ==, committers[0].received_at);
        }
      for (guint i = 0; i < G_N_ELEMENTS (committers); i++)
        g_free (committers[i].received_at);
      g_assert_cmpuint (created, ==, 1);
      g_mutex_clear (&lock);
      g_cond_clear (&go);
      {
        g_autoptr(GBytes) back = read_all (other, sha256, NULL);

        g_assert_true (g_bytes_equal (back, bytes));
      }
    }
  g_assert_cmpint (incoming_left (f), ==, 0);
}

static void
test_not_held (Fixture       *f,
               gconstpointer  data)
{
  const char *unknown = "0000000000000000000000000000000000000000000000000000000000000001";
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gint64 bytes = -1;

  g_assert_false (xuncha_office_photo_store_held (f->store, unknown, &bytes, NULL, &error));
  g_assert_no_error (error);
  stream = xuncha_office_photo_store_open_read (f->store, unknown, &bytes, &error);
  g_assert_null (stream);
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

/* A store opened again (the office restarted) holds what it held, with the same times. */
static void
test_reopened (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *sha256 = NULL, *received_at = NULL, *held_at = NULL;
  g_autoptr(GBytes) bytes = photo_bytes (6, 4096, &sha256);
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;
  gint64 stored = 0, held = 0;

  g_assert_true (upload (f->store, bytes, sha256, &created, &stored, &received_at, &error));
  g_clear_object (&f->store);
  f->store = open_store (f, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_photo_store_held (f->store, sha256, &held, &held_at, &error));
  g_assert_cmpint (held, ==, stored);
  g_assert_cmpstr (held_at, ==, received_at);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/office-photo-store/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("commit", test_commit);
  ADD ("hash-mismatch", test_hash_mismatch);
  ADD ("abort", test_abort);
  ADD ("commit-twice", test_commit_twice);
  ADD ("concurrent-commits", test_concurrent_commits);
  ADD ("not-held", test_not_held);
  ADD ("reopened", test_reopened);
#undef ADD

  return g_test_run ();
}
