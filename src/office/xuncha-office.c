/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-core-resources.h"
#include "xuncha-feature-reader.h"
#include "xuncha-office-backend.h"
#include "xuncha-office-backup.h"
#include "xuncha-office-cli.h"
#include "xuncha-office-enroll-card.h"
#include "xuncha-office-server.h"
#include "xuncha-office-staff-records.h"
#include "xuncha-text-private.h"
#include "xuncha-wire-delta.h"

static char *data_dir_option;
static char *database_option;

static GOptionEntry data_dir_entry[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir_option,
    N_("Where the office keeps its data (default: $XUNCHA_OFFICE_DATA_DIR)"), N_("DIR") },
  { "database", 0, 0, G_OPTION_ARG_STRING, &database_option,
    N_("Keep the records in this PostgreSQL database, a libpq connection string (default: "
       "$XUNCHA_OFFICE_DATABASE; without either, SQLite in the data folder)"),
    N_("CONNINFO") },
  { NULL }
};

/* Parses a command's options, with --data-dir and --database; @description (or NULL) is
 * a paragraph for --help after the options. */
gboolean
parse_described (const char    *command,
                 const char    *parameters,
                 const char    *description,
                 GOptionEntry  *entries,
                 int           *argc,
                 char        ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("%s %s", command, parameters);

  context = g_option_context_new (title);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, data_dir_entry, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("xuncha-office %s: %s\n", command, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse (const char    *command,
       const char    *parameters,
       GOptionEntry  *entries,
       int           *argc,
       char        ***argv)
{
  return parse_described (command, parameters, NULL, entries, argc, argv);
}

/* The records and the photo store the command line names, with @pool_size connections
 * for the records. @photos may be NULL for a command that has no use for photos. */
gboolean
open_backend (guint                    pool_size,
              XunchaOfficeRecords    **records,
              XunchaOfficePhotoStore **photos)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficePhotoStore) unused = NULL;
  const char *dir = data_dir_option;
  const char *database = database_option;

  if (dir == NULL)
    dir = g_getenv ("XUNCHA_OFFICE_DATA_DIR");
  if (dir == NULL || *dir == '\0')
    {
      g_printerr (_("Say where the office data lives: --data-dir DIR.\n"));
      return FALSE;
    }
  if (database == NULL)
    database = g_getenv ("XUNCHA_OFFICE_DATABASE");
  if (database != NULL && *database == '\0')
    database = NULL;
  if (!xuncha_office_backend_open (database, dir, pool_size, records,
                                   photos != NULL ? photos : &unused, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *listen = NULL, *cert = NULL, *key = NULL, *categories_file = NULL;
  g_autofree char *signature = NULL;
  gint64 photo_max = 0, body_max = 0;
  int request_timeout = 0, enroll_officer = 0, enroll_address = 0, enroll_window = 0;
  int workers = 8;
  int console_idle = 0, console_max = 0;
  g_autofree char *console_dir = NULL;
  g_autofree char *leaflet_dir = NULL;
  g_autofree char *basemap_file = NULL;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port, e.g. 127.0.0.1:8443"),
      N_("ADDR:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, N_("TLS certificate (PEM, with chain)"),
      N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("TLS private key (PEM)"), N_("FILE") },
    { "categories", 0, 0, G_OPTION_ARG_FILENAME, &categories_file,
      N_("Category list to serve (default: the one built in)"), N_("FILE") },
    { "photo-max-bytes", 0, 0, G_OPTION_ARG_INT64, &photo_max, N_("Largest photo accepted"),
      N_("N") },
    { "body-max-bytes", 0, 0, G_OPTION_ARG_INT64, &body_max,
      N_("Largest request body other than a photo"), N_("N") },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &request_timeout,
      N_("Seconds a client may take to send a request's headers, stay idle, or stall while "
         "reading an answer (default 30)"),
      N_("SECONDS") },
    { "enroll-max-failures", 0, 0, G_OPTION_ARG_INT, &enroll_officer,
      N_("Failed enrollments per officer before a pause (default 5)"), N_("N") },
    { "enroll-max-failures-per-address", 0, 0, G_OPTION_ARG_INT, &enroll_address,
      N_("Failed enrollments per remote address before a pause (default 20)"), N_("N") },
    { "enroll-window", 0, 0, G_OPTION_ARG_INT, &enroll_window,
      N_("Seconds over which failed enrollments are counted (default 600)"), N_("SECONDS") },
    { "signature", 0, 0, G_OPTION_ARG_STRING, &signature,
      N_("Devices sign their reports with SM2/SM3 (sm2, the default) or Ed25519 (ed25519)"),
      N_("sm2|ed25519") },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers,
      N_("Threads that do the storage work, each with its own database connection "
         "(default 8; 0 does it all on the thread that reads requests)"),
      N_("N") },
    { "console-dir", 0, 0, G_OPTION_ARG_FILENAME, &console_dir,
      N_("The console's own files (default: $XUNCHA_OFFICE_CONSOLE_DIR, or those installed)"),
      N_("DIR") },
    { "console-idle-timeout", 0, 0, G_OPTION_ARG_INT, &console_idle,
      N_("Seconds without a request after which a console session ends (default 1800)"),
      N_("SECONDS") },
    { "console-session-max", 0, 0, G_OPTION_ARG_INT, &console_max,
      N_("Seconds after its login at which a console session ends (default 43200)"),
      N_("SECONDS") },
    { "leaflet-dir", 0, 0, G_OPTION_ARG_FILENAME, &leaflet_dir,
      N_("Where the console's map library is (default: Debian's libjs-leaflet, "
         "/usr/share/javascript/leaflet)"),
      N_("DIR") },
    { "basemap", 0, 0, G_OPTION_ARG_FILENAME, &basemap_file,
      N_("A raster base map (MBTiles of PNG, JPEG or WebP tiles) the console's map draws under "
         "the streets (default: $XUNCHA_OFFICE_BASEMAP, or none)"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  g_autoptr(XunchaOfficeConsole) console = NULL;
  g_autoptr(XunchaMbtiles) basemap = NULL;
  g_autoptr(XunchaOfficeServer) server = NULL;
  g_autoptr(XunchaOfficeApi) api = NULL;
  g_autoptr(XunchaOfficeWorkerPool) pool = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GBytes) categories = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *host = NULL;
  const char *colon;
  guint16 port = 0;
  gint64 port_number;

  if (!parse ("serve", "", entries, &argc, &argv))
    return 2;
  if (listen == NULL || (colon = strrchr (listen, ':')) == NULL
      || !g_ascii_string_to_signed (colon + 1, 10, 0, 65535, &port_number, NULL))
    {
      g_printerr (_("Usage: xuncha-office serve --data-dir DIR --listen ADDR:PORT "
                    "[--tls-cert FILE --tls-key FILE]\n"));
      return 2;
    }
  host = g_strndup (listen, colon - listen);
  if (host[0] == '[')
    {
      char *end = strchr (host, ']');
      if (end != NULL)
        *end = '\0';
      memmove (host, host + 1, strlen (host));
    }
  if ((cert == NULL) != (key == NULL))
    {
      g_printerr (_("Give both --tls-cert and --tls-key, or neither.\n"));
      return 2;
    }

  if (workers < 0 || workers > 256)
    {
      g_printerr (_("--workers must be from 0 to 256.\n"));
      return 2;
    }
  /* A connection for each worker: no worker waits for another's. */
  if (!open_backend ((guint)MAX (workers, 1), &records, &photos))
    return 1;

  if (cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (cert, key, &error);
      if (certificate == NULL)
        {
          g_printerr (_("Could not load the TLS certificate: %s\n"), error->message);
          return 1;
        }
    }
  else if (!g_str_equal (host, "127.0.0.1") && !g_str_equal (host, "::1"))
    g_printerr (_("Warning: serving plain HTTP on %s; put a TLS proxy in front.\n"), host);

  if (categories_file != NULL)
    {
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (categories_file, FALSE, &error);
      if (mapped == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      categories = g_mapped_file_get_bytes (mapped);
    }
  else
    categories = g_resource_lookup_data (xuncha_core_get_resource (),
                                         "/io/github/xuncha/core/taxonomy.json",
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (categories == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  api = xuncha_office_api_new (records, photos, categories, &error);
  if (api == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  xuncha_office_api_set_limits (api, photo_max, body_max);
  if (signature != NULL
      && !xuncha_office_api_set_signature (api, g_str_equal (signature, "sm2")
                                                ? XUNCHA_EVIDENCE_ALGORITHM_SM2 : signature,
                                           &error))
    {
      g_printerr (_("--signature must be sm2 or ed25519.\n"));
      return 2;
    }
  xuncha_office_api_set_enroll_limits (api, (guint)MAX (enroll_officer, 0),
                                       (guint)MAX (enroll_address, 0),
                                       (guint)MAX (enroll_window, 0));
  pool = xuncha_office_worker_pool_new ((guint)workers, &error);
  if (pool == NULL)
    {
      g_printerr (_("Could not start the workers: %s\n"), error->message);
      return 1;
    }
  if (console_dir == NULL && g_getenv ("XUNCHA_OFFICE_CONSOLE_DIR") != NULL)
    console_dir = g_strdup (g_getenv ("XUNCHA_OFFICE_CONSOLE_DIR"));
  if (console_dir == NULL)
    console_dir = g_build_filename (PKGDATADIR, "console", NULL);
  /* The catalogues the console's pages are translated from: the installed ones, or the
   * build's (for the tests and build-aux/dev). */
  console = xuncha_office_console_new (records, photos, categories, console_dir,
                                       g_getenv ("XUNCHA_OFFICE_LOCALE_DIR") != NULL
                                         ? g_getenv ("XUNCHA_OFFICE_LOCALE_DIR") : LOCALEDIR,
                                       &error);
  if (console == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  xuncha_office_console_set_timeouts (console, (guint)MAX (console_idle, 0),
                                      (guint)MAX (console_max, 0));
  if (leaflet_dir != NULL)
    xuncha_office_console_set_leaflet_dir (console, leaflet_dir);
  if (basemap_file == NULL && g_getenv ("XUNCHA_OFFICE_BASEMAP") != NULL
      && *g_getenv ("XUNCHA_OFFICE_BASEMAP") != '\0')
    basemap_file = g_strdup (g_getenv ("XUNCHA_OFFICE_BASEMAP"));
  if (basemap_file != NULL)
    {
      basemap = xuncha_mbtiles_open (basemap_file, &error);
      if (basemap == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      /* Leaflet draws images: vector tiles (pbf) would need a style and a renderer. */
      if (!g_str_equal (xuncha_mbtiles_get_format (basemap), "png")
          && !g_str_equal (xuncha_mbtiles_get_format (basemap), "jpg")
          && !g_str_equal (xuncha_mbtiles_get_format (basemap), "webp"))
        {
          g_printerr (_("The base map %s holds %s tiles; the console draws only raster tiles "
                        "(png, jpg or webp). Give an MBTiles file of images.\n"),
                      basemap_file, xuncha_mbtiles_get_format (basemap));
          return 1;
        }
      xuncha_office_console_set_basemap (console, basemap);
    }
  if (cert != NULL)
    {
      /* The console's enrollment cards pin the key the office serves with. */
      g_autofree char *pin = xuncha_office_enroll_card_pin (cert, &error);

      if (pin == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      xuncha_office_console_set_enroll_pin (console, pin);
    }
  server = xuncha_office_server_new (api, pool, certificate);
  xuncha_office_server_set_console (server, console);
  xuncha_office_server_set_timeout (server, (guint)MAX (request_timeout, 0));
  /* Before the first connection and before the line that tells a supervisor the office
   * is up: a SIGTERM from then on stops it cleanly (xuncha_office_server_stop()), never
   * with the signal's default action. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  if (!xuncha_office_server_listen (server, host, (guint16)port_number, &port, &error))
    {
      g_printerr (_("Could not listen on %s: %s\n"), listen, error->message);
      return 1;
    }

  /* The first line on standard output is for scripts and tests: the URL in use. */
  printf ("Listening on %s://%s%s%s:%u/\n", certificate != NULL ? "https" : "http",
          strchr (host, ':') != NULL ? "[" : "", host, strchr (host, ':') != NULL ? "]" : "",
          port);
  fflush (stdout);

  g_main_loop_run (loop);
  /* Not before the workers are done: what they use is freed on the way out. */
  xuncha_office_server_stop (server);
  return 0;
}

/* The officer changes of the command line are audited as the console's are. */
#define OFFICER_ACTOR "command line"

/* The officer's state as the audit log keeps it, NULL for one the records do not hold. */
static XunchaOfficeOfficerState *
officer_state (XunchaOfficeRecords  *records,
               const char           *id,
               GError              **error)
{
  g_autoptr(GPtrArray) found =
    xuncha_office_staff_records_officer_states (XUNCHA_OFFICE_STAFF_RECORDS (records), NULL, id,
                                                error);

  if (found == NULL || found->len != 1)
    return NULL;
  return g_ptr_array_steal_index (found, 0);
}

static int
compare_texts (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The segment ids as the records keep them: sorted, each once, space-separated. */
static char *
segments_text (const char * const *ids)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer)ids[i]);
  g_ptr_array_sort (sorted, compare_texts);
  for (guint i = 0; i < sorted->len; i++)
    {
      if (i > 0 && strcmp (sorted->pdata[i], sorted->pdata[i - 1]) == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, sorted->pdata[i]);
    }
  return g_string_free (text, FALSE);
}

gboolean
xuncha_office_cli_officer_add (XunchaOfficeRecords      *records,
                               const XunchaWireOfficer  *officer,
                               char                    **code,
                               GError                  **error)
{
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(XunchaOfficeOfficerState) before = officer_state (records, officer->id,
                                                              &lookup_error);
  g_autofree char *before_text = NULL, *after_text = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  XunchaOfficeOfficerState after = { .officer = *officer, .code_open = TRUE };

  if (lookup_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }
  /* Adding again renews his code; the devices he has keep working. */
  if (before != NULL)
    {
      before_text = xuncha_office_officer_state_audit_text (before);
      after.devices = before->devices;
    }
  after_text = xuncha_office_officer_state_audit_text (&after);
  audit = xuncha_office_audit_entry_new (OFFICER_ACTOR, "officer.add", officer->id, before_text,
                                         after_text);
  return xuncha_office_records_officer_add_with_audit (records, officer, audit, code, error);
}

static int
cmd_officer_assign (XunchaOfficeRecords *records,
                    const char          *id,
                    const char * const  *segments)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = xuncha_office_records_assigned_streets (records, id, &error);
  g_autofree char *before_text = NULL, *after_text = segments_text (segments);
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;

  if (before == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  before_text = g_strjoinv (" ", before);
  audit = xuncha_office_audit_entry_new (OFFICER_ACTOR, "officer.segments", id, before_text,
                                         after_text);
  if (!xuncha_office_records_assign_streets_with_audit (records, id, segments, audit, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Officer %s is assigned %d street segments; his devices get them at their next "
            "sync.\n"), id, (int)g_strv_length ((char **)segments));
  return 0;
}

static int
cmd_officer (int    argc,
             char **argv)
{
  g_autofree char *name = NULL, *team = NULL;
  gboolean leader = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The officer's name"), N_("NAME") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("The officer's team"), N_("TEAM") },
    { "leader", 0, 0, G_OPTION_ARG_NONE, &leader, N_("Leads the team"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficeOfficerState) before = NULL;
  g_autoptr(XunchaOfficeAuditEntry) audit = NULL;
  g_autofree char *before_text = NULL, *after_text = NULL;

  if (argc >= 2 && g_str_equal (argv[1], "sheet"))
    return xuncha_office_cli_officer_sheet (argc, argv);
  if (!parse ("officer", "add|revoke|assign ID", entries, &argc, &argv))
    return 2;
  if (argc >= 3 && g_str_equal (argv[1], "assign"))
    {
      if (!open_backend (1, &records, NULL))
        return 1;
      return cmd_officer_assign (records, argv[2], (const char * const *)argv + 3);
    }
  if (argc != 3 || (!g_str_equal (argv[1], "add") && !g_str_equal (argv[1], "revoke"))
      || (g_str_equal (argv[1], "add") && name == NULL))
    {
      g_printerr (_("Usage: xuncha-office officer add ID --name NAME [--team TEAM] [--leader]\n"
                    "       xuncha-office officer revoke ID\n"
                    "       xuncha-office officer assign ID SEGMENT…\n"
                    "       xuncha-office officer sheet --server URL --out FILE.html …\n"));
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;

  if (g_str_equal (argv[1], "add"))
    {
      XunchaWireOfficer officer = { argv[2], name, team, leader };
      g_autofree char *code = NULL;

      if (!xuncha_office_cli_officer_add (records, &officer, &code, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      /* The code alone on the last line, for scripts. */
      printf (_("Officer %s added. One-time enrollment code (give it to the officer; it "
                "works once):\n"), argv[2]);
      printf ("%s\n", code);
      return 0;
    }

  before = officer_state (records, argv[2], &error);
  if (before == NULL && error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (before != NULL)
    {
      XunchaOfficeOfficerState after = *before;

      before_text = xuncha_office_officer_state_audit_text (before);
      after.revoked = TRUE;
      after.devices = 0;
      after.code_open = FALSE;
      after_text = xuncha_office_officer_state_audit_text (&after);
    }
  audit = xuncha_office_audit_entry_new (OFFICER_ACTOR, "officer.revoke", argv[2], before_text,
                                         after_text);
  if (!xuncha_office_records_officer_revoke_with_audit (records, argv[2], audit, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Officer %s revoked: the office refuses his devices from now on.\n"), argv[2]);
  return 0;
}

/* Console accounts. The one-time password is printed alone on the last line, for
 * scripts; it is changed at the first login. */
static int
cmd_staff (int    argc,
           char **argv)
{
  g_autofree char *role_word = NULL, *team = NULL, *password = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_word,
      N_("dispatcher (every team), leader (his team) or admin (also the accounts)"),
      N_("ROLE") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team, N_("A leader's team"), N_("TEAM") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  XunchaOfficeStaffRole role = XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER;
  gboolean add;

  if (!parse ("staff", "add|reset-password NAME", entries, &argc, &argv))
    return 2;
  add = argc == 3 && g_str_equal (argv[1], "add");
  if ((!add && !(argc == 3 && g_str_equal (argv[1], "reset-password")))
      || (add && !xuncha_office_staff_role_from_string (role_word, &role)))
    {
      g_printerr (_("Usage: xuncha-office staff add NAME --role dispatcher|leader|admin "
                    "[--team TEAM]\n"
                    "       xuncha-office staff reset-password NAME\n"));
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  if (add ? !xuncha_office_staff_records_add_account (XUNCHA_OFFICE_STAFF_RECORDS (records),
                                                      argv[2], role, team, "command line",
                                                      &password, &error)
          : !xuncha_office_staff_records_reset_password (XUNCHA_OFFICE_STAFF_RECORDS (records),
                                                         argv[2], "command line", &password,
                                                         &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Console account %s is ready. One-time password (it must be changed at the first "
            "login):\n"), argv[2]);
  printf ("%s\n", password);
  return 0;
}

/* Street and merchant import. */

static char *
feature_id (JsonObject *feature,
            JsonObject *properties)
{
  static const char * const names[] = { "id", "@id", "osm_id", NULL };

  for (guint i = 0; i < 4; i++)
    {
      JsonObject *where = i == 0 ? feature : properties;
      const char *name = i == 0 ? "id" : names[i - 1];
      JsonNode *node;

      if (where == NULL || (node = json_object_get_member (where, name)) == NULL
          || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  return NULL;
}

static const char *
property_string (JsonObject *properties,
                 const char *name)
{
  JsonNode *node = properties != NULL ? json_object_get_member (properties, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
set_optional (JsonObject *object,
              const char *name,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

/* A street or merchant layer, read one feature at a time (the core's reader: the same
 * checks as on the device, and no tree of the whole file). */
static XunchaFeatureReader *
open_features (const char  *file,
               GError     **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (file);
  g_autoptr(GFileInputStream) stream = g_file_read (gfile, NULL, error);

  if (stream == NULL)
    return NULL;
  return xuncha_feature_reader_new (G_INPUT_STREAM (stream));
}

/* The next feature as an object (NULL for one that is not), and FALSE at the end (*@done)
 * or on an error, said in words about @file. */
static gboolean
next_feature (XunchaFeatureReader  *reader,
              const char           *file,
              JsonObject          **feature,
              gboolean             *done,
              GError              **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;

  *feature = NULL;
  *done = FALSE;
  if (!xuncha_feature_reader_next (reader, &node, &local_error))
    {
      if (local_error->code == XUNCHA_FEATURE_READER_ERROR_NOT_UTF8)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("%s is not UTF-8 (GBK?): %s. A GeoJSON file is always UTF-8: save it "
                       "as UTF-8 and import it again; nothing was imported."),
                     file, local_error->message);
      else if (local_error->code == XUNCHA_FEATURE_READER_ERROR_INVALID_JSON)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("%s is not valid JSON: %s. Nothing was imported."), file,
                     local_error->message);
      else if (local_error->code == XUNCHA_FEATURE_READER_ERROR_IO)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not read %s: %s"), file,
                     local_error->message);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "%s is not a GeoJSON FeatureCollection", file);
      return FALSE;
    }
  if (node == NULL)
    {
      *done = TRUE;
      return FALSE;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    *feature = json_object_ref (json_node_get_object (node));
  return TRUE;
}

static GPtrArray *
read_streets (const char  *file,
              guint       *skipped,
              GError     **error)
{
  static const char * const classes[] = { "strict", "class1", "class2", "other", NULL };
  g_autoptr(XunchaFeatureReader) reader = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  gboolean done = FALSE;

  *skipped = 0;
  reader = open_features (file, error);
  if (reader == NULL)
    return NULL;
  for (;;)
    {
      g_autoptr(JsonObject) feature = NULL;
      JsonObject *properties = NULL;
      g_autoptr(JsonObject) item = NULL;
      g_autofree char *id = NULL;
      const char *klass;
      JsonNode *geometry;
      g_autoptr(GError) local_error = NULL;

      if (!next_feature (reader, file, &feature, &done, error))
        break;
      if (feature == NULL)
        continue;
      if (json_object_has_member (feature, "properties")
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (feature, "properties")))
        properties = json_object_get_object_member (feature, "properties");
      geometry = json_object_get_member (feature, "geometry");
      id = feature_id (feature, properties);
      if (id == NULL || geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
        {
          (*skipped)++;
          continue;
        }
      klass = property_string (properties, "class");
      item = json_object_new ();
      json_object_set_string_member (item, "id", id);
      set_optional (item, "name", property_string (properties, "name"));
      json_object_set_string_member (item, "class",
                                     klass != NULL && g_strv_contains (classes, klass)
                                     ? klass : "other");
      set_optional (item, "grid_cell", property_string (properties, "grid_cell"));
      set_optional (item, "community", property_string (properties, "community"));
      set_optional (item, "unit", property_string (properties, "unit"));
      json_object_set_member (item, "geometry", json_node_copy (geometry));
      if (!xuncha_wire_delta_validate_item (XUNCHA_WIRE_DELTA_STREETS, item, &local_error))
        {
          /* Points, polygons and broken lines are not street segments. */
          (*skipped)++;
          continue;
        }
      g_ptr_array_add (items, g_steal_pointer (&item));
    }
  if (!done)
    return NULL;
  return g_steal_pointer (&items);
}

static GPtrArray *
read_merchants_csv (const char  *file,
                    GError     **error)
{
  static const char * const columns[] = {
    "id", "name", "address", "contact", "lon", "lat", "street_id", NULL
  };
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  int index[7];

  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length, text_length;

  if (!g_file_get_contents (file, &contents, &length, error))
    return NULL;
  /* The same rule as the device's: UTF-8, or GBK as Chinese spreadsheets save CSV. */
  text = xuncha_text_to_utf8 (contents, length, &text_length, &local_error);
  if (text == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not UTF-8 text: %s. Save it as UTF-8 (in a spreadsheet: "
                     "“CSV UTF-8”) and import it again; nothing was imported."),
                   file, local_error->message);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is empty", file);
      return NULL;
    }
  g_strchomp (lines[0]);
  header = g_strsplit (lines[0], ",", -1);
  for (guint c = 0; columns[c] != NULL; c++)
    {
      index[c] = -1;
      for (guint h = 0; header[h] != NULL; h++)
        if (g_str_equal (g_strstrip (header[h]), columns[c]))
          index[c] = (int)h;
      if (index[c] < 0 && c < 2)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s needs a header line with id, name, lon, lat (and optionally "
                       "address, contact, street_id)", file);
          return NULL;
        }
    }
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = NULL;
      g_autoptr(JsonObject) item = json_object_new ();
      guint n;

      g_strchomp (lines[l]);
      if (*lines[l] == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      n = g_strv_length (cells);
      for (guint c = 0; columns[c] != NULL; c++)
        {
          const char *cell = index[c] >= 0 && (guint)index[c] < n ? g_strstrip (cells[index[c]])
                                                                  : NULL;
          if (c == 4 || c == 5)
            json_object_set_double_member (item, columns[c],
                                           cell != NULL ? g_ascii_strtod (cell, NULL) : 0);
          else
            set_optional (item, columns[c], cell != NULL && *cell != '\0' ? cell : NULL);
        }
      if (!xuncha_wire_delta_validate_item (XUNCHA_WIRE_DELTA_MERCHANTS, item, error))
        {
          g_prefix_error (error, "%s line %u: ", file, l + 1);
          return NULL;
        }
      g_ptr_array_add (items, g_steal_pointer (&item));
    }
  return g_steal_pointer (&items);
}

static GPtrArray *
read_merchants_geojson (const char  *file,
                        GError     **error)
{
  g_autoptr(XunchaFeatureReader) reader = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  gboolean done = FALSE;

  reader = open_features (file, error);
  if (reader == NULL)
    return NULL;
  for (guint i = 0;; i++)
    {
      g_autoptr(JsonObject) feature = NULL;
      JsonNode *member;
      JsonObject *properties = NULL, *geometry = NULL;
      JsonArray *coordinates = NULL;
      g_autoptr(JsonObject) item = json_object_new ();
      g_autofree char *id = NULL;
      double position[2] = { NAN, NAN };

      if (!next_feature (reader, file, &feature, &done, error))
        break;
      member = feature != NULL ? json_object_get_member (feature, "properties") : NULL;
      if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
        properties = json_node_get_object (member);
      member = feature != NULL ? json_object_get_member (feature, "geometry") : NULL;
      if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
        geometry = json_node_get_object (member);
      if (geometry == NULL || g_strcmp0 (property_string (geometry, "type"), "Point") != 0)
        continue;
      id = feature_id (feature, properties);
      member = json_object_get_member (geometry, "coordinates");
      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        coordinates = json_node_get_array (member);
      for (guint k = 0; k < 2 && coordinates != NULL && k < json_array_get_length (coordinates);
           k++)
        {
          JsonNode *number = json_array_get_element (coordinates, k);

          if (JSON_NODE_HOLDS_VALUE (number)
              && (json_node_get_value_type (number) == G_TYPE_DOUBLE
                  || json_node_get_value_type (number) == G_TYPE_INT64))
            position[k] = json_node_get_double (number);
        }
      set_optional (item, "id", id);
      set_optional (item, "name", property_string (properties, "name"));
      set_optional (item, "address", property_string (properties, "address"));
      set_optional (item, "contact", property_string (properties, "contact"));
      /* A point without two numbers has no lon/lat: the check below names the member. */
      if (!isnan (position[0]))
        json_object_set_double_member (item, "lon", position[0]);
      if (!isnan (position[1]))
        json_object_set_double_member (item, "lat", position[1]);
      set_optional (item, "street_id", property_string (properties, "street_id"));
      if (!xuncha_wire_delta_validate_item (XUNCHA_WIRE_DELTA_MERCHANTS, item, error))
        {
          g_prefix_error (error, "%s feature %u: ", file, i + 1);
          return NULL;
        }
      g_ptr_array_add (items, g_steal_pointer (&item));
    }
  if (!done)
    return NULL;
  return g_steal_pointer (&items);
}

static int
cmd_import (const char *what,
            int         argc,
            char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) typed = NULL;
  gboolean streets = g_str_equal (what, "streets");
  guint skipped = 0, changed = 0, deleted = 0;
  gint64 revision = 0;

  if (!parse (what, "import FILE", NULL, &argc, &argv))
    return 2;
  if (argc != 3 || !g_str_equal (argv[1], "import"))
    {
      g_printerr (_("Usage: xuncha-office %s import FILE\n"), what);
      return 2;
    }
  if (streets)
    items = read_streets (argv[2], &skipped, &error);
  else if (g_str_has_suffix (argv[2], ".csv"))
    items = read_merchants_csv (argv[2], &error);
  else
    items = read_merchants_geojson (argv[2], &error);
  if (items == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  typed = g_ptr_array_new_full (items->len,
                                streets ? (GDestroyNotify)xuncha_office_street_free
                                        : (GDestroyNotify)xuncha_office_merchant_free);
  for (guint i = 0; i < items->len; i++)
    {
      gpointer item = streets ? (gpointer)xuncha_office_street_from_json (items->pdata[i], &error)
                              : (gpointer)xuncha_office_merchant_from_json (items->pdata[i],
                                                                            &error);
      if (item == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (typed, item);
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  if (!(streets ? xuncha_office_records_streets_import (records, typed, &revision, &changed,
                                                        &deleted, &error)
                : xuncha_office_records_merchants_import (records, typed, &revision, &changed,
                                                          &deleted, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Imported %u %s: %u new or changed, %u removed, %u skipped (not a line or no id); "
            "revision %lld.\n"),
          items->len, what, changed, deleted, skipped, (long long)revision);
  return 0;
}

static char *
csv_cell (const char *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (strpbrk (value, ",\"\n") == NULL)
    return g_strdup (value);
  {
    g_auto(GStrv) parts = g_strsplit (value, "\"", -1);
    g_autofree char *joined = g_strjoinv ("\"\"", parts);
    return g_strdup_printf ("\"%s\"", joined);
  }
}

/* Where one report goes in a listing or an export, one at a time: a city's year of reports
 * is never held in memory at once. */
typedef enum
{
  REPORTS_LIST,
  REPORTS_JSON,
  REPORTS_GEOJSON,
  REPORTS_CSV,
} ReportsFormat;

typedef struct
{
  ReportsFormat format;
  guint         count;
} ReportsOut;

static JsonObject *
report_row (const XunchaOfficeReportRecord *record)
{
  const XunchaWireReport *report = record->report;
  JsonObject *row = json_object_new ();

  set_optional (row, "uuid", report->uuid);
  set_optional (row, "officer_id", record->officer_id);
  set_optional (row, "receipt", record->receipt.id);
  set_optional (row, "received_at", record->receipt.received_at);
  set_optional (row, "created_at", report->created_at);
  set_optional (row, "category", report->category);
  set_optional (row, "case_status", record->case_status);
  set_optional (row, "content_sha256", record->receipt.content_sha256);
  json_object_set_member (row, "report", xuncha_wire_report_to_json (report));
  json_object_set_int_member (row, "photos", report->photos->len);
  json_object_set_int_member (row, "conflicts", record->conflicts);
  return row;
}

static void
print_object (JsonObject *object)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
}

static gboolean
on_report (const XunchaOfficeReportRecord *record,
           gpointer                        user_data)
{
  ReportsOut *out = user_data;
  const XunchaWireReport *report = record->report;
  g_autoptr(JsonObject) row = NULL;

  if (out->format == REPORTS_LIST)
    {
      printf ("%s  %-8s %-8s %-20s %s  photos %u%s\n", report->uuid, record->officer_id,
              report->category, record->receipt.received_at,
              record->case_status != NULL ? record->case_status : "-", report->photos->len,
              record->conflicts > 0 ? _("  (another version waits for review)") : "");
      out->count++;
      return TRUE;
    }

  if (out->format == REPORTS_CSV)
    {
      const char *fields[] = {
        report->uuid, record->officer_id, report->created_at, record->receipt.received_at,
        record->receipt.id, report->category, record->case_status,
      };
      g_autofree char *note = csv_cell (report->note);
      g_autofree char *street_id = csv_cell (report->street_id);

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          g_autofree char *cell = csv_cell (fields[f]);
          printf ("%s,", cell);
        }
      if (report->has_position)
        printf ("%.7f,%.7f,", report->lat, report->lon);
      else
        printf (",,");
      printf ("%s,%s,%u\n", street_id, note, report->photos->len);
      out->count++;
      return TRUE;
    }

  row = report_row (record);
  if (out->count > 0)
    fputs (",\n", stdout);
  if (out->format == REPORTS_JSON)
    print_object (row);
  else
    {
      g_autoptr(JsonObject) feature = json_object_new ();

      json_object_set_string_member (feature, "type", "Feature");
      if (report->has_position)
        {
          JsonObject *point = json_object_new ();
          JsonArray *coordinates = json_array_sized_new (2);

          json_object_set_string_member (point, "type", "Point");
          json_array_add_double_element (coordinates, report->lon);
          json_array_add_double_element (coordinates, report->lat);
          json_object_set_array_member (point, "coordinates", coordinates);
          json_object_set_object_member (feature, "geometry", point);
        }
      else
        json_object_set_null_member (feature, "geometry");
      json_object_set_object_member (feature, "properties", g_steal_pointer (&row));
      print_object (feature);
    }
  out->count++;
  return TRUE;
}

static int
cmd_reports (int    argc,
             char **argv)
{
  g_autofree char *format = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Export format: geojson or csv"),
      N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  ReportsOut out = { REPORTS_LIST, 0 };

  if (!parse ("reports", "list|export", entries, &argc, &argv))
    return 2;
  if (argc != 2 || (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "export"))
      || (g_str_equal (argv[1], "export") && g_strcmp0 (format, "geojson") != 0
          && g_strcmp0 (format, "csv") != 0))
    {
      g_printerr (_("Usage: xuncha-office reports list [--json]\n"
                    "       xuncha-office reports export --format geojson|csv\n"));
      return 2;
    }
  if (json)
    out.format = REPORTS_JSON;
  else if (g_str_equal (argv[1], "export"))
    out.format = g_str_equal (format, "geojson") ? REPORTS_GEOJSON : REPORTS_CSV;
  if (!open_backend (1, &records, NULL))
    return 1;

  if (out.format == REPORTS_JSON)
    printf ("{\n\"reports\" : [\n");
  else if (out.format == REPORTS_GEOJSON)
    printf ("{\n\"type\" : \"FeatureCollection\",\n\"features\" : [\n");
  else if (out.format == REPORTS_CSV)
    printf ("uuid,officer_id,created_at,received_at,receipt,category,case_status,lat,lon,"
            "street_id,note,photos\n");
  /* Printed as it is read: what came before an error is out already, and the exit status
   * says the listing is incomplete. */
  if (!xuncha_office_records_reports_foreach (records, on_report, &out, &error))
    {
      fflush (stdout);
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (out.format == REPORTS_JSON || out.format == REPORTS_GEOJSON)
    printf ("\n]\n}\n");
  else if (out.format == REPORTS_LIST)
    printf (_("%u reports\n"), out.count);
  return 0;
}

static int
cmd_report (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;

  if (!parse ("report", "set-status ID STATUS", NULL, &argc, &argv))
    return 2;
  if (argc != 4 || !g_str_equal (argv[1], "set-status"))
    {
      g_printerr (_("Usage: xuncha-office report set-status ID STATUS\n"));
      return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  if (!xuncha_office_records_report_set_status (records, argv[2], argv[3], &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Report %s is now “%s”; the officer's device sees it at its next sync.\n"),
          argv[2], argv[3]);
  return 0;
}

/* Backup and restore (xuncha-office-backup.c). */

/* The data folder and the database the command line (or the environment) names, as
 * open_backend() reads them; FALSE, said, without a folder. */
static gboolean
office_location (const char **dir,
                 const char **database)
{
  *dir = data_dir_option != NULL ? data_dir_option : g_getenv ("XUNCHA_OFFICE_DATA_DIR");
  if (*dir == NULL || **dir == '\0')
    {
      g_printerr (_("Say where the office data lives: --data-dir DIR.\n"));
      return FALSE;
    }
  *database = database_option != NULL ? database_option : g_getenv ("XUNCHA_OFFICE_DATABASE");
  if (*database != NULL && **database == '\0')
    *database = NULL;
  return TRUE;
}

static int
cmd_backup (int    argc,
            char **argv)
{
  g_autofree char *out = NULL;
  gboolean photos_only = FALSE;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_("The backup file to write (first as FILE.tmp, renamed once complete)"), N_("FILE") },
    { "photos-only", 0, 0, G_OPTION_ARG_NONE, &photos_only,
      N_("Back up the photos alone (an office on PostgreSQL whose database administrator "
         "dumps the database)"), NULL },
    { NULL }
  };
  g_auto(XunchaOfficeBackupResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL, *photo_size = NULL;
  const char *dir = NULL, *database = NULL;
  gint64 started;

  if (!parse_described ("backup", "--out FILE [--photos-only]",
                        _("Writes one file with a consistent copy of the office's records and\n"
                          "every photo while the office runs and writes. SQLite records\n"
                          "(office.db) are copied with SQLite's online backup. PostgreSQL records\n"
                          "(--database) are dumped with pg_dump -Fc, run as a program with the\n"
                          "connection string (the password in its environment): pg_dump must be\n"
                          "installed, of the server's version or newer. The photos are copied\n"
                          "after the records, so every report in the backup has its photos. The\n"
                          "file is written as FILE.tmp, flushed to disk and renamed to FILE; only\n"
                          "its owner may read it. See docs/backup.md."),
                        entries, &argc, &argv))
    return 2;
  if (out == NULL || argc != 1)
    {
      g_printerr (_("Usage: xuncha-office backup --data-dir DIR [--database CONNINFO] "
                    "--out FILE [--photos-only]\n"));
      return 2;
    }
  if (!office_location (&dir, &database))
    return 2;
  started = g_get_monotonic_time ();
  if (!xuncha_office_backup_create (dir, photos_only ? NULL : database, photos_only, out,
                                    &result, &error))
    {
      g_printerr (_("No backup was made: %s\n"), error->message);
      return 1;
    }
  size = g_format_size (result.bytes);
  photo_size = g_format_size (result.photo_bytes);
  if (result.records == XUNCHA_OFFICE_BACKUP_RECORDS_NONE)
    printf (g_dngettext (GETTEXT_PACKAGE,
                         "Backup written to %s (%s): %llu photo (%s), no records, in %.1f s.\n",
                         "Backup written to %s (%s): %llu photos (%s), no records, in %.1f s.\n",
                         (gulong)result.photos),
            out, size, (unsigned long long)result.photos, photo_size,
            (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);
  else
    {
      g_autofree char *records_size = g_format_size (result.records_bytes);

      printf (g_dngettext (GETTEXT_PACKAGE,
                           "Backup written to %s (%s): the records (%s, schema %d, %s, as of "
                           "%s) and %llu photo (%s), in %.1f s.\n",
                           "Backup written to %s (%s): the records (%s, schema %d, %s, as of "
                           "%s) and %llu photos (%s), in %.1f s.\n",
                           (gulong)result.photos),
              out, size,
              result.records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE ? "SQLite" : "PostgreSQL",
              result.schema, records_size, result.created_at,
              (unsigned long long)result.photos, photo_size,
              (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);
    }
  if (result.left_out->len > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "%u photo is damaged on disk (its bytes no longer hash to its "
                               "name) and is not in the backup:\n",
                               "%u photos are damaged on disk (their bytes no longer hash to "
                               "their names) and are not in the backup:\n",
                               result.left_out->len),
                  result.left_out->len);
      for (guint i = 0; i < result.left_out->len; i++)
        g_printerr ("  %s\n", (const char *)result.left_out->pdata[i]);
    }
  return 0;
}

static int
cmd_restore (int    argc,
             char **argv)
{
  g_autofree char *from = NULL;
  gboolean force = FALSE, photos_only = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("The backup file to restore"),
      N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace records that already hold officers, reports, shifts or streets"), NULL },
    { "photos-only", 0, 0, G_OPTION_ARG_NONE, &photos_only,
      N_("Restore the photos alone and leave the records as they are"), NULL },
    { NULL }
  };
  g_auto(XunchaOfficeRestoreResult) result = { 0, };
  g_autoptr(GError) error = NULL;
  const char *dir = NULL, *database = NULL;

  if (!parse_described ("restore", "--from FILE [--force] [--photos-only]",
                        _("Restores a backup made by xuncha-office backup. Every checksum in the\n"
                          "file is checked first: a damaged or hostile file changes nothing.\n"
                          "Stop the office first (systemctl stop xuncha-office): no office may\n"
                          "run on the folder or the database during a restore, and a restore\n"
                          "refuses while one has the records open. SQLite records replace\n"
                          "DIR/office.db (the one there is kept beside it, renamed). PostgreSQL\n"
                          "records are restored into --database with pg_restore --clean\n"
                          "--if-exists --no-owner in one transaction (pg_restore must be\n"
                          "installed). Records that hold officers, reports, shifts or streets\n"
                          "are replaced only with --force. Devices keep their tokens. The\n"
                          "records get a new generation, so each device sends again at its next\n"
                          "sync what the office acknowledged to it: see docs/backup.md."),
                        entries, &argc, &argv))
    return 2;
  if (from == NULL || argc != 1)
    {
      g_printerr (_("Usage: xuncha-office restore --data-dir DIR [--database CONNINFO] "
                    "--from FILE [--force] [--photos-only]\n"));
      return 2;
    }
  if (!office_location (&dir, &database))
    return 2;
  if (!xuncha_office_backup_restore (from, dir, photos_only ? NULL : database, force,
                                     photos_only, &result, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (result.records)
    printf (_("Restored %s (made %s by xuncha-office %s): the records (%s; officers %lld, "
              "reports %lld, shifts %lld) and the photos (%llu, %llu of them already "
              "there).\n"),
            from, result.contents.info.created_at, result.contents.info.office_version,
            result.contents.info.records == XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE ? "SQLite"
                                                                                : "PostgreSQL",
            (long long)result.officers, (long long)result.reports, (long long)result.shifts,
            (unsigned long long)result.contents.photos, (unsigned long long)result.photos_held);
  else
    printf (_("Restored the photos of %s (made %s by xuncha-office %s; %llu, %llu of them "
              "already there); the records were left as they are.\n"),
            from, result.contents.info.created_at, result.contents.info.office_version,
            (unsigned long long)result.contents.photos, (unsigned long long)result.photos_held);
  if (result.replaced != NULL)
    printf (_("The office.db that was there is kept as %s.\n"), result.replaced);
  if (!result.records && result.raised)
    printf (_("The revision counters of the records there were raised above any a device "
              "holds and their generation renewed, as after a restore of the records (see "
              "docs/backup.md).\n"));
  if (result.records)
    printf (_("Devices keep their tokens. The records have a new generation: at its next "
              "sync each device sends what the office has not acknowledged and, once more, "
              "what it acknowledged, so that what it acknowledged after %s (not in this "
              "backup) comes back: see docs/backup.md.\n"), result.contents.info.created_at);
  return 0;
}

static void
usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: xuncha-office COMMAND [--data-dir DIR] [--database CONNINFO] "
                          "[ARGS…]\n\n"
                          "Commands:\n"
                          "  serve --listen ADDR:PORT [--tls-cert F --tls-key F] "
                          "[--basemap F.mbtiles]\n"
                          "  officer add ID --name NAME [--team TEAM] [--leader]\n"
                          "  officer revoke ID\n"
                          "  officer assign ID SEGMENT…\n"
                          "  officer sheet --server URL --out FILE.html [--tls-cert F] "
                          "(ID… | --count N [--prefix P] [--team T])\n"
                          "  staff add NAME --role dispatcher|leader|admin [--team TEAM]\n"
                          "  staff reset-password NAME\n"
                          "  streets import FILE.geojson\n"
                          "  merchants import FILE.csv|FILE.geojson\n"
                          "  reports list [--json]\n"
                          "  reports export --format geojson|csv\n"
                          "  report set-status ID STATUS\n"
                          "  time-limits list\n"
                          "  time-limits set CODE N work-hours|work-days\n"
                          "  routes show OFFICER [--day YYYY-MM-DD] [--json]\n"
                          "  task add --kind KIND (--officer ID | --team T) --deadline TIME "
                          "[OPTIONS…]\n"
                          "  task list [--state S] [--officer ID] [--json]\n"
                          "  task show ID\n"
                          "  task cancel ID\n"
                          "  message send (--officer ID | --team T | --all) --title T --body B\n"
                          "  message list [--json]\n"
                          "  backup --out FILE [--photos-only]\n"
                          "  restore --from FILE [--force] [--photos-only]"));
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  /* Standard output carries the "Listening on" line for scripts and command results;
   * every log line, debug included, goes to standard error (the journal under systemd). */
  g_log_writer_default_set_use_stderr (TRUE);
  /* TLS 1.2 or newer only: GLib's GnuTLS backend reads its priorities from here, before
   * the first TLS connection. An administrator's own setting is kept. */
  g_setenv ("G_TLS_GNUTLS_PRIORITY", "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", FALSE);
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h"))
    {
      usage (stdout);
      return 0;
    }
  if (g_str_equal (command, "--version"))
    {
      printf ("xuncha-office %s\n", PACKAGE_VERSION);
      return 0;
    }
  argc--;
  argv++;
  if (g_str_equal (command, "serve"))
    return cmd_serve (argc, argv);
  if (g_str_equal (command, "officer"))
    return cmd_officer (argc, argv);
  if (g_str_equal (command, "staff"))
    return cmd_staff (argc, argv);
  if (g_str_equal (command, "streets") || g_str_equal (command, "merchants"))
    return cmd_import (command, argc, argv);
  if (g_str_equal (command, "reports"))
    return cmd_reports (argc, argv);
  if (g_str_equal (command, "report"))
    return cmd_report (argc, argv);
  if (g_str_equal (command, "routes"))
    return xuncha_office_cli_routes (argc, argv);
  if (g_str_equal (command, "task"))
    return xuncha_office_cli_task (argc, argv);
  if (g_str_equal (command, "message"))
    return xuncha_office_cli_message (argc, argv);
  if (g_str_equal (command, "time-limits"))
    return xuncha_office_cli_time_limits (argc, argv);
  if (g_str_equal (command, "evidence"))
    return xuncha_office_cli_evidence (argc, argv);
  if (g_str_equal (command, "backup"))
    return cmd_backup (argc, argv);
  if (g_str_equal (command, "restore"))
    return cmd_restore (argc, argv);
  g_printerr (_("Unknown command “%s”.\n\n"), command);
  usage (stderr);
  return 2;
}
