/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Power cuts at every point of a run of real saves (reports with photos, track point
 * batches, a checkpoint): after each cut the disk keeps only what was made durable
 * (tests/xuncha-powercut.h), the store is opened again, and every save that returned
 * success before the cut must be there, whole; the database must pass its integrity
 * check. A control run with synchronous = NORMAL must be seen to lose a save that had
 * returned success, which shows the simulation can catch a store that is not durable. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-powercut.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

#define POINTS_PER_BATCH 30

typedef struct
{
  GPtrArray *reports;   /* uuid of each report saved (returned TRUE) */
  GPtrArray *photos;    /* GStrv of each such report's photo hashes */
  gint64     points;    /* points appended by batches that returned TRUE */
} Done;

typedef enum
{
  OP_REPORT,
  OP_POINTS,
  OP_CHECKPOINT,
} OpKind;

/* The run: which photos (indices into the fixture photos) each report carries. */
static const struct { OpKind kind; int photos[2]; } ops[] = {
  { OP_REPORT, { 0, -1 } },
  { OP_POINTS, { -1, -1 } },
  { OP_REPORT, { 1, 2 } },
  { OP_CHECKPOINT, { -1, -1 } },
  { OP_POINTS, { -1, -1 } },
  { OP_REPORT, { 0, 3 } },      /* photo 0 again: the content-addressed dedupe path */
  { OP_POINTS, { -1, -1 } },
  { OP_REPORT, { 4, -1 } },
};

#define N_PHOTOS 5

static GBytes *photos[N_PHOTOS];

static void
done_clear (Done *done)
{
  g_clear_pointer (&done->reports, g_ptr_array_unref);
  g_clear_pointer (&done->photos, g_ptr_array_unref);
}

static void
make_photos (void)
{
  g_autoptr(GBytes) image = photo_fixture_image (64, 48, 7);

  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autofree char *text = g_strdup_printf ("power-cut photo %u", i);
      g_autoptr(GBytes) comment = photo_fixture_segment (0xfe, text, strlen (text));

      photos[i] = photo_fixture_insert (image, TRUE, comment, NULL);
    }
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (to, contents, length, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

/* A data folder with a store, its photo folder and an open shift, closed cleanly. */
static char *
make_template (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (root, "template", NULL);
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaShift) shift = NULL;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_MID, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dir);
}

static char *
fresh_copy (const char *root,
            const char *template)
{
  g_autofree char *dir = g_build_filename (root, "run", NULL);
  g_autofree char *photo_dir = g_build_filename (dir, "photos", NULL);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  xuncha_test_remove_tree (dir);
  g_assert_cmpint (g_mkdir_with_parents (photo_dir, 0700), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  listing = g_dir_open (template, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *from = g_build_filename (template, name, NULL);
      g_autofree char *to = g_build_filename (dir, name, NULL);

      if (g_file_test (from, G_FILE_TEST_IS_REGULAR) && !g_str_has_suffix (name, "-shm"))
        copy_file (from, to);
    }
  return g_steal_pointer (&dir);
}

static gboolean
save_report (XunchaReportStore *reports,
             guint              op,
             Done              *done)
{
  g_autoptr(XunchaReport) report = xuncha_report_new ("09006");
  g_autoptr(GStrvBuilder) hashes = g_strv_builder_new ();
  g_autofree char *note = g_strdup_printf ("report of step %u", op);

  xuncha_report_set_position (report, 30.657 + op * 1e-4, 104.065, 5, NAN, NAN,
                              XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_set_note (report, note);
  for (guint k = 0; k < G_N_ELEMENTS (ops[op].photos) && ops[op].photos[k] >= 0; k++)
    xuncha_report_add_photo_bytes (report, photos[ops[op].photos[k]], "capture.jpg",
                                   k == 0 ? XUNCHA_PHOTO_ROLE_BEFORE
                                          : XUNCHA_PHOTO_ROLE_EVIDENCE);
  if (!xuncha_report_store_save (reports, report, NULL, NULL))
    return FALSE;

  for (guint k = 0; k < xuncha_report_get_n_photos (report); k++)
    g_strv_builder_add (hashes, xuncha_report_get_photo_sha256 (report, k));
  g_ptr_array_add (done->reports, g_strdup (xuncha_report_get_uuid (report)));
  g_ptr_array_add (done->photos, g_strv_builder_end (hashes));
  return TRUE;
}

static gboolean
append_points (XunchaStore *store,
               XunchaShift *shift,
               Done        *done)
{
  XunchaFix fixes[POINTS_PER_BATCH];

  for (guint i = 0; i < POINTS_PER_BATCH; i++)
    {
      gint64 seq = done->points + i;
      fixes[i] = xuncha_fix_init (G_GINT64_CONSTANT (1714546800000) + seq * 1000,
                                  30.657 + seq * 1e-5, 104.065);
      fixes[i].accuracy = 4;
    }
  if (!xuncha_shift_append_points (shift, store, done->points, fixes, POINTS_PER_BATCH, NULL))
    return FALSE;
  done->points += POINTS_PER_BATCH;
  return TRUE;
}

/* Runs the saves on @dir with the power cut after @cut events; fills @done with what
 * returned success. Returns the number of events the run (and closing) took. */
static guint64
run_saves (const char *dir,
           guint64     cut,
           gboolean    synchronous_normal,
           Done       *done)
{
  g_autofree char *photo_dir = g_build_filename (dir, "photos", NULL);
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaShift) shift = NULL;

  done->reports = g_ptr_array_new_with_free_func (g_free);
  done->photos = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  done->points = 0;

  powercut_begin (photo_dir, cut);
  store = xuncha_store_open (dir, NULL);
  if (store != NULL)
    reports = xuncha_report_store_new (store, NULL);
  if (reports != NULL)
    shift = xuncha_shift_get_open (store, NULL);
  if (shift != NULL && synchronous_normal)
    g_assert_true (xuncha_store_exec (store, "PRAGMA synchronous = NORMAL", NULL));

  for (guint op = 0; shift != NULL && op < G_N_ELEMENTS (ops); op++)
    {
      gboolean ok = FALSE;

      switch (ops[op].kind)
        {
        case OP_REPORT:
          ok = save_report (reports, op, done);
          break;
        case OP_POINTS:
          ok = append_points (store, shift, done);
          break;
        case OP_CHECKPOINT:
          ok = xuncha_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
          break;
        default:
          g_assert_not_reached ();
        }
      /* Only the power cut may make a save fail. */
      if (!ok)
        {
          g_assert_true (powercut_has_crashed ());
          break;
        }
    }
  if (!powercut_has_crashed ())
    g_assert_true (shift != NULL);

  /* Closing (with its checkpoint) is part of the run: the power may go then too. */
  g_clear_object (&shift);
  g_clear_object (&reports);
  g_clear_object (&store);
  powercut_restore ();
  return powercut_get_events ();
}

/* Opens @dir again after a cut and checks it: sound, every report there whole, no photo
 * file without its row. Returns how many saves in @done are missing. */
static guint
check_after_cut (const char *dir,
                 const Done *done,
                 guint64     cut)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *photo_dir = g_build_filename (dir, "photos", NULL);
  g_autoptr(GDir) listing = NULL;
  XunchaPhotoStore *photo_store;
  const char *name;
  gint64 points;
  guint lost = 0;

  store = xuncha_store_open (dir, &error);
  if (error != NULL)
    g_error ("cut after %" G_GUINT64_FORMAT " events: %s", cut, error->message);
  if (!xuncha_store_check_integrity (store, &error))
    g_error ("cut after %" G_GUINT64_FORMAT " events: %s", cut, error->message);
  reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  photo_store = xuncha_report_store_get_photo_store (reports);

  /* All or nothing: a report that is there has every photo, intact. */
  all = xuncha_report_store_list (reports, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      XunchaReport *report = g_ptr_array_index (all, i);

      g_assert_cmpuint (xuncha_report_get_n_photos (report), >, 0);
      for (guint k = 0; k < xuncha_report_get_n_photos (report); k++)
        {
          if (!xuncha_photo_store_verify (photo_store,
                                          xuncha_report_get_photo_sha256 (report, k), &error))
            g_error ("cut after %" G_GUINT64_FORMAT " events: %s", cut, error->message);
        }
    }

  for (guint i = 0; i < done->reports->len; i++)
    {
      g_autoptr(XunchaReport) report =
        xuncha_report_store_get (reports, g_ptr_array_index (done->reports, i), NULL);
      const char * const *hashes = g_ptr_array_index (done->photos, i);

      if (report == NULL)
        {
          lost++;
          continue;
        }
      g_assert_cmpuint (xuncha_report_get_n_photos (report), ==, g_strv_length ((char **)hashes));
    }

  /* Batches are transactions: whole batches only. */
  shift = xuncha_shift_get_open (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shift);
  points = xuncha_shift_count_points (shift, store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (points % POINTS_PER_BATCH, ==, 0);
  if (points < done->points)
    lost += (guint)((done->points - points) / POINTS_PER_BATCH);

  /* Opening swept what the cut left: no temporary file, no photo without its row. */
  listing = g_dir_open (photo_dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *sha = NULL;
      g_autoptr(GError) verify_error = NULL;

      if (g_str_equal (name, "thumbs"))
        continue;
      g_assert_true (g_str_has_suffix (name, ".jpg"));
      sha = g_strndup (name, strlen (name) - 4);
      g_assert_true (xuncha_photo_store_verify (photo_store, sha, &verify_error));
      g_assert_no_error (verify_error);
    }
  return lost;
}

typedef struct
{
  char    *root;
  char    *template;
  guint64  total_events;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  Done done = { 0 };
  g_autofree char *dir = NULL;

  fixture->root = xuncha_test_make_tmpdir ();
  fixture->template = make_template (fixture->root);

  /* A run without a cut: every save succeeds, and it says how many events there are. */
  dir = fresh_copy (fixture->root, fixture->template);
  fixture->total_events = run_saves (dir, G_MAXUINT64, FALSE, &done);
  g_assert_false (powercut_has_crashed ());
  g_assert_cmpuint (done.reports->len, ==, 4);
  g_assert_cmpint (done.points, ==, 3 * POINTS_PER_BATCH);
  g_assert_cmpuint (check_after_cut (dir, &done, fixture->total_events), ==, 0);
  g_test_message ("a run without a cut takes %" G_GUINT64_FORMAT " events",
                  fixture->total_events);
  g_assert_cmpuint (fixture->total_events, >, 50);
  done_clear (&done);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  xuncha_test_remove_tree (fixture->root);
  g_free (fixture->root);
  g_free (fixture->template);
}

/* synchronous = FULL, as the store opens: nothing that was reported saved is lost. */
static void
test_every_cut_point (Fixture       *fixture,
                      gconstpointer  data)
{
  guint cuts = 0;
  guint partial = 0;

  for (guint64 cut = 0; cut <= fixture->total_events; cut++)
    {
      g_autofree char *dir = fresh_copy (fixture->root, fixture->template);
      Done done = { 0 };
      guint lost;

      run_saves (dir, cut, FALSE, &done);
      lost = check_after_cut (dir, &done, cut);
      if (lost > 0)
        g_error ("cut after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " events: %u saves "
                 "that had returned success are gone", cut, fixture->total_events, lost);
      cuts++;
      partial += done.reports->len < 4;
      done_clear (&done);
    }
  g_test_message ("%u cut points, %u of them before the last report was saved", cuts, partial);
  g_assert_cmpuint (partial, >, 0);
}

/* The control: synchronous = NORMAL in WAL mode does not sync at commit, so some cut must
 * lose a save that had returned success. If none does, the simulation is blind. */
static void
test_control_loses_commits (Fixture       *fixture,
                            gconstpointer  data)
{
  guint64 first_loss = G_MAXUINT64;

  for (guint64 cut = 0; cut <= fixture->total_events && first_loss == G_MAXUINT64; cut++)
    {
      g_autofree char *dir = fresh_copy (fixture->root, fixture->template);
      Done done = { 0 };

      run_saves (dir, cut, TRUE, &done);
      if (check_after_cut (dir, &done, cut) > 0)
        first_loss = cut;
      done_clear (&done);
    }
  g_assert_cmpuint (first_loss, !=, G_MAXUINT64);
  g_test_message ("with synchronous = NORMAL a cut after %" G_GUINT64_FORMAT " events loses "
                  "a save that had returned success", first_loss);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  powercut_install ();
  make_photos ();

  g_test_add ("/power-cut/every-cut-point", Fixture, NULL, fixture_set_up,
              test_every_cut_point, fixture_tear_down);
  g_test_add ("/power-cut/control-loses-commits", Fixture, NULL, fixture_set_up,
              test_control_loses_commits, fixture_tear_down);

  return g_test_run ();
}
