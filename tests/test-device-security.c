/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The device side of the security pass: what an officer's phone keeps (the database,
 * evidence photos, thumbnails, the device token) is readable by the owner only, whatever
 * the umask; and nothing secret reaches the command line's --json output. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "xuncha-core.h"
#include "xuncha-photo-fixture.h"
#include "xuncha-test-office.h"
#include "xuncha-test-util.h"

static int
run_cli (const char  *data_dir,
         char       **out,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  va_list args;
  const char *arg;
  int status;

  g_ptr_array_add (argv, (gpointer)xuncha_test_program ("XUNCHA_CLI"));
  g_ptr_array_add (argv, (gpointer)"--data-dir");
  g_ptr_array_add (argv, (gpointer)data_dir);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  status = xuncha_test_run ((const char * const *)argv->pdata, out, &err);
  if (status != 0)
    g_test_message ("%s", err);
  return status;
}

/* Fills a data folder the way a day of work does: a report saved by the core with a photo
 * and its thumbnail, a shift with points, and a report and a track added by the command
 * line (another process). */
static char *
fill_data_dir (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *photo_path = NULL;
  g_autofree char *gpx = xuncha_test_source_path ("tests/fixtures/walk-1.1.gpx");
  g_autofree char *thumb = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GBytes) image = photo_fixture_image (120, 90, 3);
  g_autoptr(GBytes) other = photo_fixture_image (120, 90, 4);
  g_autoptr(XunchaStore) store = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) report = NULL;
  g_autoptr(XunchaShift) shift = NULL;
  XunchaFix fix = xuncha_fix_init (G_GINT64_CONSTANT (1714546800000), 30.657, 104.065);

  photo_path = photo_fixture_write (root, "capture.jpg", other);

  store = xuncha_store_open (data, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  reports = xuncha_report_store_new (store, &error);
  g_assert_no_error (error);
  report = xuncha_report_new ("09006");
  xuncha_report_set_position (report, 30.657, 104.065, 5, NAN, NAN,
                              XUNCHA_POSITION_SOURCE_GPS);
  xuncha_report_add_photo_bytes (report, image, "capture.jpg", XUNCHA_PHOTO_ROLE_BEFORE);
  g_assert_true (xuncha_report_store_save (reports, report, NULL, &error));
  g_assert_no_error (error);
  thumb = xuncha_photo_store_get_thumbnail (xuncha_report_store_get_photo_store (reports),
                                            xuncha_report_get_photo_sha256 (report, 0),
                                            &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (thumb, G_FILE_TEST_IS_REGULAR));

  shift = xuncha_shift_start (store, XUNCHA_SHIFT_KIND_EARLY, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_shift_append_points (shift, store, 0, &fix, 1, &error));
  g_assert_true (xuncha_shift_stop (shift, store, 0, &error));
  g_clear_object (&shift);
  g_clear_object (&report);
  g_clear_object (&reports);
  /* The store stays open: the WAL and shared-memory files exist while the CLI runs. */

  g_assert_cmpint (run_cli (data, &out, "report", "add", "--category", "09006",
                            "--photo", photo_path, "--lat", "30.6571", "--lon", "104.0651",
                            NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (data, &out, "track", "import", gpx, NULL), ==, 0);
  return g_steal_pointer (&data);
}

static void
collect_modes (const char *path,
               GString    *wrong,
               guint      *n_dirs,
               guint      *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  (*n_dirs)++;
  if ((st.st_mode & 07777) != 0700)
    g_string_append_printf (wrong, "  %s is %04o, not 0700\n", path, st.st_mode & 07777);

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_cmpint (lstat (child, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        collect_modes (child, wrong, n_dirs, n_files);
      else
        {
          (*n_files)++;
          if ((st.st_mode & 07777) != 0600)
            g_string_append_printf (wrong, "  %s is %04o, not 0600\n", child,
                                    st.st_mode & 07777);
        }
    }
}

static void
test_owner_only (void)
{
  g_autofree char *root = xuncha_test_make_tmpdir ();
  g_autofree char *data = NULL;
  g_autofree char *database = NULL;
  g_autofree char *photos = NULL;
  g_autoptr(GString) wrong = g_string_new (NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_dirs = 0;
  guint n_files = 0;
  guint n_photos = 0;
  mode_t saved;

  /* The loosest umask: every mode must come from the code, not the environment. */
  saved = umask (0);
  data = fill_data_dir (root);
  umask (saved);

  collect_modes (data, wrong, &n_dirs, &n_files);
  if (wrong->len > 0)
    g_error ("readable by others:\n%s", wrong->str);

  /* What the walk covered: the data, photo and thumbnail folders, the database, the
   * photos and their thumbnail. */
  g_assert_cmpuint (n_dirs, >=, 3);
  database = g_build_filename (data, "xuncha.db", NULL);
  g_assert_true (g_file_test (database, G_FILE_TEST_EXISTS));
  photos = g_build_filename (data, "photos", NULL);
  dir = g_dir_open (photos, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_photos += g_str_has_suffix (name, ".jpg");
  g_assert_cmpuint (n_photos, ==, 2);
  g_assert_cmpuint (n_files, >=, 4);
}

/* Key names that would carry a credential. Category "code"s are not secrets; an
 * enrollment code would be named for what it is. */
static gboolean
is_secret_key (const char *key)
{
  static const char * const words[] = {
    "token", "secret", "password", "passwd", "authorization", "bearer", "enroll",
    "private_key", "pin",
  };
  g_autofree char *lower = g_ascii_strdown (key, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower, words[i]) != NULL
        && !(g_str_equal (words[i], "pin") && !g_str_equal (lower, "pin")))
      return TRUE;
  return FALSE;
}

static void
find_secret_keys (JsonNode   *node,
                  const char *where,
                  GString    *found)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (is_secret_key (l->data))
            g_string_append_printf (found, "  %s: key \"%s\"\n", where, (const char *)l->data);
          find_secret_keys (json_object_get_member (object, l->data), where, found);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        find_secret_keys (json_array_get_element (array, i), where, found);
    }
}

/* The device token's file, where the enrollment keeps it when no Secret Service runs;
 * NULL while no such file exists. */
static char *
find_token_file (const char *data)
{
  static const char * const names[] = { "token", "device-token", "sync-token" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *path = g_build_filename (data, names[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  return NULL;
}

static void
test_json_output_has_no_secret (void)
{
  g_autofree char *root = xuncha_test_make_tmpdir ();
  g_autofree char *data = fill_data_dir (root);
  g_autofree char *token_path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;
  g_autofree char *list = NULL;
  g_autoptr(GString) found = g_string_new (NULL);
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonParser) list_parser = json_parser_new ();
  static const char * const commands[][4] = {
    { "db", "check", "--json", NULL },
    { "categories", "list", "--json", NULL },
    { "shift", "status", "--json", NULL },
    { "history", "--json", NULL, NULL },
    { "report", "list", "--json", NULL },
    { "streets", "stats", "--json", NULL },
    { "sync", "--json", NULL, NULL },
    { "sync", "status", "--json", NULL },
  };

  g_autofree char *office_dir = g_build_filename (root, "office", NULL);
  g_autoptr(XunchaTestOffice) office = NULL;
  XunchaTestCerts *certs = xuncha_test_certs ();

  /* Enrolled with a real office, so a token exists to leak and the sync commands answer. */
  if (certs != NULL)
    {
      g_autofree char *code = NULL;

      office = xuncha_test_office_start (office_dir, certs->server_cert, certs->server_key, 0);
      code = xuncha_test_office_add_officer (office_dir, "S001", "T1", FALSE);
      xuncha_test_enroll (data, office->url, "S001", code, certs->ca);
    }

  g_assert_cmpint (run_cli (data, &list, "report", "list", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (list_parser, list, -1, NULL));
  id = g_strdup (json_object_get_string_member (
                   json_array_get_object_element (
                     json_node_get_array (json_parser_get_root (list_parser)), 0), "uuid"));

  for (guint i = 0; i <= G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *label = NULL;
      char *out = NULL;
      int status;

      if (i < G_N_ELEMENTS (commands) && g_str_equal (commands[i][0], "sync") && office == NULL)
        continue;   /* no office to sync with: openssl is missing, said above */
      if (i < G_N_ELEMENTS (commands))
        {
          status = run_cli (data, &out, commands[i][0], commands[i][1], commands[i][2],
                            commands[i][3], NULL);
          label = g_strjoinv (" ", (char **)commands[i]);
        }
      else
        {
          status = run_cli (data, &out, "report", "show", id, "--json", NULL);
          label = g_strdup ("report show ID --json");
        }
      g_assert_cmpint (status, ==, 0);
      json_parser_load_from_data (parser, out, -1, &error);
      g_test_message ("%s: %zu bytes of JSON", label, strlen (out));
      g_assert_no_error (error);
      find_secret_keys (json_parser_get_root (parser), label, found);
      g_ptr_array_add (outputs, out);
    }
  if (found->len > 0)
    g_error ("--json output names a credential:\n%s", found->str);

  token_path = find_token_file (data);
  if (token_path == NULL)
    {
      /* Enrolled, the token is either in a file or (a Secret Service running) there. */
      g_test_skip (office == NULL
                   ? "no office to enroll with (openssl is missing); the --json output was "
                     "checked for credential keys only"
                   : "the device token is in the Secret Service, not in a file; the --json "
                     "output was checked for credential keys only");
      return;
    }
  {
    struct stat st;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (stat (token_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);
    g_file_get_contents (token_path, &token, NULL, &error);
    g_assert_no_error (error);
    g_strstrip (token);
    g_assert_cmpuint (strlen (token), >=, 16);
    for (guint i = 0; i < outputs->len; i++)
      g_assert_null (strstr (g_ptr_array_index (outputs, i), token));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/device-security/owner-only", test_owner_only);
  g_test_add_func ("/device-security/json-output-has-no-secret",
                   test_json_output_has_no_secret);

  return g_test_run ();
}
