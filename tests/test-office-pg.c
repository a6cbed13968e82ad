/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <libpq-fe.h>
#include <string.h>

#include "xuncha-office-pg-records-private.h"
#include "xuncha-test-postgres.h"

/* What is particular to the PostgreSQL records (the contract suite covers what every
 * backend shares): revisions given in commit order, migrations under two offices starting
 * at once, a newer schema refused and left alone, geometry that reads back bit for bit, a
 * pooled connection cut while idle. Each test runs on a fresh database of its own. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static char *
fresh_database (void)
{
  g_autoptr(GError) error = NULL;
  char *conninfo;

  if (!xuncha_test_postgres_require ())
    return NULL;
  conninfo = xuncha_test_postgres_new_database (&error);
  g_assert_no_error (error);
  return conninfo;
}

static PGconn *
connect_raw (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Could not connect: %s", PQerrorMessage (conn));
  return conn;
}

/* The text of the first column of the first row of @sql. */
static char *
query_text (PGconn     *conn,
            const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  g_assert_cmpint (PQntuples (result), >=, 1);
  return g_strdup (PQgetvalue (result, 0, 0));
}

static void
exec_raw (PGconn     *conn,
          const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

static XunchaOfficeRecords *
open_records (const char *conninfo,
              guint       pool_size)
{
  g_autoptr(GError) error = NULL;
  XunchaOfficePgRecords *records = xuncha_office_pg_records_open (conninfo, pool_size, &error);

  g_assert_no_error (error);
  return XUNCHA_OFFICE_RECORDS (records);
}

static void
officer_init (XunchaWireOfficer *officer,
              const char        *id)
{
  officer->id = g_strdup (id);
  officer->name = g_strdup ("Wang Wei");
  officer->team = g_strdup ("team-1");
  officer->leader = FALSE;
}

static void
add_officer (XunchaOfficeRecords     *records,
             const XunchaWireOfficer *officer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  g_assert_true (xuncha_office_records_officer_add (records, officer, &code, &error));
  g_assert_no_error (error);
}

static XunchaWireReport *
make_report (const char *uuid)
{
  XunchaWireReport *report = xuncha_wire_report_new ();

  report->uuid = g_strdup (uuid);
  report->created_at = g_strdup ("2026-03-02T08:15:00+08:00");
  report->category = g_strdup ("street.litter");
  report->fields = json_node_init_object (json_node_alloc (), json_object_new ());
  report->note = g_strdup ("Litter by the bus stop");
  return report;
}

static void
put_report (XunchaOfficeRecords     *records,
            const XunchaWireOfficer *officer,
            const XunchaWireReport  *report)
{
  g_auto(XunchaOfficeReceipt) receipt = { NULL };
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  g_assert_true (xuncha_office_records_report_put (records, officer, report, &created,
                                                   &receipt, &error));
  g_assert_no_error (error);
  g_assert_true (created);
}

/* Revisions: transaction A takes a revision and holds before its commit; B sets another
 * status meanwhile; a reader reads between. Whatever the reader was answered, asking again
 * from the revision it got, once both committed, must bring what it did not see. */

typedef struct
{
  GMutex   lock;
  GCond    changed;
  gboolean armed;      /* the next report_set_status holds before its commit */
  gboolean holding;
  gboolean release;
  gboolean b_done;
  XunchaOfficeRecords *records;
} Hold;

static void
on_before_commit (const char *method,
                  gpointer    data)
{
  Hold *hold = data;

  if (!g_str_equal (method, "report_set_status"))
    return;
  g_mutex_lock (&hold->lock);
  if (hold->armed)
    {
      hold->armed = FALSE;
      hold->holding = TRUE;
      g_cond_broadcast (&hold->changed);
      while (!hold->release)
        g_cond_wait (&hold->changed, &hold->lock);
    }
  g_mutex_unlock (&hold->lock);
}

static gpointer
set_status_a (gpointer data)
{
  Hold *hold = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_office_records_report_set_status (hold->records, "report-a",
                                                          "accepted", &error));
  g_assert_no_error (error);
  return NULL;
}

static gpointer
set_status_b (gpointer data)
{
  Hold *hold = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (xuncha_office_records_report_set_status (hold->records, "report-b",
                                                          "dispatched", &error));
  g_assert_no_error (error);
  g_mutex_lock (&hold->lock);
  hold->b_done = TRUE;
  g_cond_broadcast (&hold->changed);
  g_mutex_unlock (&hold->lock);
  return NULL;
}

static void
add_statuses (GHashTable *seen,
              GPtrArray  *items,
              gint64      above)
{
  for (guint i = 0; i < items->len; i++)
    {
      const XunchaOfficeCaseStatus *status = items->pdata[i];

      g_assert_cmpint (status->revision, >, above);
      g_hash_table_replace (seen, g_strdup (status->uuid), g_strdup (status->case_status));
    }
}

static void
test_revisions_in_commit_order (void)
{
  g_autofree char *conninfo = fresh_database ();
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_auto(XunchaWireOfficer) officer = { NULL };
  g_autoptr(XunchaWireReport) report_a = make_report ("report-a");
  g_autoptr(XunchaWireReport) report_b = make_report ("report-b");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) watcher = NULL;
  GThread *a, *b;
  gint64 revision = -1, next = -1;
  Hold hold = { .armed = TRUE };

  if (conninfo == NULL)
    return;
  records = open_records (conninfo, 4);
  officer_init (&officer, "officer-1");
  add_officer (records, &officer);
  put_report (records, &officer, report_a);
  put_report (records, &officer, report_b);
  g_mutex_init (&hold.lock);
  g_cond_init (&hold.changed);
  hold.records = records;
  xuncha_office_pg_records_set_before_commit (XUNCHA_OFFICE_PG_RECORDS (records),
                                              on_before_commit, &hold);

  /* A takes its revision and holds before its commit. */
  a = g_thread_new ("a", set_status_a, &hold);
  g_mutex_lock (&hold.lock);
  while (!hold.holding)
    g_cond_wait (&hold.changed, &hold.lock);
  g_mutex_unlock (&hold.lock);

  /* B runs to its end, or until it waits on a lock A holds: either way, as far as it can
   * get while A is open. */
  b = g_thread_new ("b", set_status_b, &hold);
  watcher = connect_raw (conninfo);
  for (;;)
    {
      g_autofree char *waiting = NULL;
      gboolean done;

      g_mutex_lock (&hold.lock);
      done = hold.b_done;
      g_mutex_unlock (&hold.lock);
      if (done)
        break;
      waiting = query_text (watcher, "SELECT count(*) FROM pg_stat_activity "
                                     "WHERE datname = current_database () "
                                     "AND wait_event_type = 'Lock'");
      if (!g_str_equal (waiting, "0"))
        break;
      g_usleep (1000);
    }

  /* The reader, between. */
  first = xuncha_office_records_status_since (records, &officer, 0, &revision, &error);
  g_assert_no_error (error);
  add_statuses (seen, first, 0);
  g_test_message ("While A held its commit the reader saw %u change(s), revision %"
                  G_GINT64_FORMAT, first->len, revision);

  g_mutex_lock (&hold.lock);
  hold.release = TRUE;
  g_cond_broadcast (&hold.changed);
  g_mutex_unlock (&hold.lock);
  g_thread_join (a);
  g_thread_join (b);

  /* Asking again from the answered revision brings everything not seen. */
  second = xuncha_office_records_status_since (records, &officer, revision, &next, &error);
  g_assert_no_error (error);
  add_statuses (seen, second, revision);
  g_assert_cmpstr (g_hash_table_lookup (seen, "report-a"), ==, "accepted");
  g_assert_cmpstr (g_hash_table_lookup (seen, "report-b"), ==, "dispatched");
  g_assert_cmpint (next, >=, revision);

  xuncha_office_pg_records_set_before_commit (XUNCHA_OFFICE_PG_RECORDS (records), NULL, NULL);
  g_mutex_clear (&hold.lock);
  g_cond_clear (&hold.changed);
}

/* Migrations: offices starting at the same time on a new database. */

typedef struct
{
  const char *conninfo;
  GMutex      lock;
  GCond       go;
  guint       ready;
  guint       count;
} Start;

static gpointer
open_when_all_ready (gpointer data)
{
  Start *start = data;
  g_autoptr(GError) error = NULL;
  XunchaOfficePgRecords *records;

  g_mutex_lock (&start->lock);
  start->ready++;
  g_cond_broadcast (&start->go);
  while (start->ready < start->count)
    g_cond_wait (&start->go, &start->lock);
  g_mutex_unlock (&start->lock);

  records = xuncha_office_pg_records_open (start->conninfo, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_office_records_schema_version (XUNCHA_OFFICE_RECORDS (records)), ==,
                   xuncha_office_pg_records_schema_latest ());
  g_object_unref (records);
  return NULL;
}

static void
test_migrations_concurrent (void)
{
  g_autofree char *conninfo = fresh_database ();
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *expected = NULL;
  GThread *threads[4];
  Start start = { .count = G_N_ELEMENTS (threads) };

  if (conninfo == NULL)
    return;
  start.conninfo = conninfo;
  g_mutex_init (&start.lock);
  g_cond_init (&start.go);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("opener", open_when_all_ready, &start);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&start.lock);
  g_cond_clear (&start.go);

  /* Each version applied once. */
  conn = connect_raw (conninfo);
  versions = query_text (conn, "SELECT count(*) || ' ' || count(DISTINCT version) || ' ' || "
                               "max(version) FROM xuncha_schema");
  expected = g_strdup_printf ("%d %d %d", xuncha_office_pg_records_schema_latest (),
                              xuncha_office_pg_records_schema_latest (),
                              xuncha_office_pg_records_schema_latest ());
  g_assert_cmpstr (versions, ==, expected);
}

/* What a database holds, in a few words: its tables, their columns, the schema versions
 * and the officers. */
static char *
fingerprint (PGconn *conn)
{
  g_autofree char *tables = query_text (conn,
                                        "SELECT string_agg (table_name || '.' || column_name, ',' "
                                        "  ORDER BY table_name, column_name) "
                                        "FROM information_schema.columns "
                                        "WHERE table_schema = 'public'");
  g_autofree char *versions = query_text (conn, "SELECT string_agg (version::text, ',' "
                                                "ORDER BY version) FROM xuncha_schema");
  g_autofree char *officers = query_text (conn, "SELECT string_agg (id || name, ',' ORDER BY id) "
                                                "FROM officers");

  return g_strdup_printf ("%s\n%s\n%s", tables, versions, officers);
}

static void
test_migrations_newer_refused (void)
{
  g_autofree char *conninfo = fresh_database ();
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(XunchaOfficePgRecords) refused = NULL;
  g_auto(XunchaWireOfficer) officer = { NULL };
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *insert = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (conninfo == NULL)
    return;
  records = open_records (conninfo, 1);
  officer_init (&officer, "officer-1");
  add_officer (records, &officer);
  g_clear_object (&records);

  /* A newer office came and went: its version, and a table of its own. */
  conn = connect_raw (conninfo);
  insert = g_strdup_printf ("INSERT INTO xuncha_schema (version) VALUES (%d); "
                            "CREATE TABLE from_the_future (id integer)",
                            xuncha_office_pg_records_schema_latest () + 1);
  exec_raw (conn, insert);
  before = fingerprint (conn);

  refused = xuncha_office_pg_records_open (conninfo, 1, &error);
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_SCHEMA_NEWER);
  g_assert_null (refused);
  after = fingerprint (conn);
  g_assert_cmpstr (after, ==, before);
}

/* Geometry: street lines, merchants' and reports' positions read back bit for bit, and
 * PostGIS holds them as geometries a map query can use. */

static XunchaOfficeStreet *
make_street (const char   *id,
             guint         n_lines,
             const double *coordinates,
             guint         n_per_line)
{
  XunchaOfficeStreet *street = xuncha_office_street_new ();

  street->id = g_strdup (id);
  street->name = g_strdup ("中山路");
  street->street_class = g_strdup ("class1");
  street->community = g_strdup ("东湖社区");
  for (guint l = 0; l < n_lines; l++)
    {
      GArray *line = g_array_new (FALSE, FALSE, sizeof (double));

      g_array_append_vals (line, coordinates + l * n_per_line, n_per_line);
      g_ptr_array_add (street->lines, line);
    }
  return street;
}

static void
test_geometry_round_trip (void)
{
  /* Values whose shortest decimal form needs all 17 digits, and ones no short decimal
   * holds. */
  static const double one_line[] = {
    116.39745678901234, 39.909234567890123, 116.39812345678911, 39.910000000000004,
    116.40000000000001, 39.910999999999994,
  };
  static const double two_lines[] = {
    0.1 + 0.2, 1.0000000000000002, 179.99999999999997, -33.868820000000001,
    -0.000001234567890123, 1e-300, 121.47370000000001, 31.230416000000002,
  };
  g_autofree char *conninfo = fresh_database ();
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_autoptr(GPtrArray) streets =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);
  g_autoptr(GPtrArray) merchants =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_merchant_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) merchants_back = NULL;
  g_autoptr(XunchaWireReport) report = make_report ("report-at");
  g_auto(XunchaWireOfficer) officer = { NULL };
  g_auto(GStrv) deleted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *kinds = NULL;
  g_autofree char *found = NULL;
  g_autofree char *report_x = NULL;
  g_autofree char *report_y = NULL;
  XunchaOfficeMerchant *merchant;
  gint64 revision = 0;
  guint changed = 0, gone = 0;

  if (conninfo == NULL)
    return;
  records = open_records (conninfo, 2);
  g_ptr_array_add (streets, make_street ("seg-1", 1, one_line, G_N_ELEMENTS (one_line)));
  g_ptr_array_add (streets, make_street ("seg-2", 2, two_lines, G_N_ELEMENTS (two_lines) / 2));
  merchant = xuncha_office_merchant_new ();
  merchant->id = g_strdup ("m-1");
  merchant->name = g_strdup ("老王面馆");
  merchant->street_id = g_strdup ("seg-1");
  merchant->lon = 116.39745678901234;
  merchant->lat = 0.1 + 0.2;
  g_ptr_array_add (merchants, merchant);

  g_assert_true (xuncha_office_records_streets_import (records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (xuncha_office_records_merchants_import (records, merchants, &revision,
                                                         &changed, &gone, &error));
  g_assert_no_error (error);

  back = xuncha_office_records_streets_since (records, 0, &revision, &deleted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  for (guint i = 0; i < back->len; i++)
    g_assert_true (xuncha_office_street_equal (back->pdata[i], streets->pdata[i]));
  g_clear_pointer (&deleted, g_strfreev);
  merchants_back = xuncha_office_records_merchants_since (records, 0, &revision, &deleted,
                                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (merchants_back->len, ==, 1);
  g_assert_true (xuncha_office_merchant_equal (merchants_back->pdata[0], merchant));

  /* Read back equal, so the same import again changes nothing. */
  g_assert_true (xuncha_office_records_streets_import (records, streets, &revision, &changed,
                                                       &gone, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed + gone, ==, 0);

  officer_init (&officer, "officer-1");
  add_officer (records, &officer);
  report->has_position = TRUE;
  report->lat = 39.909234567890123;
  report->lon = 116.39745678901234;
  put_report (records, &officer, report);

  /* PostGIS holds geometries in WGS 84, and a bounding box finds the segment. */
  conn = connect_raw (conninfo);
  kinds = query_text (conn,
                      "SELECT string_agg (DISTINCT GeometryType (geom) || ST_SRID (geom), ',') "
                      "FROM (SELECT geom FROM streets UNION ALL SELECT geom FROM merchants "
                      "      UNION ALL SELECT geom FROM reports) g");
  g_assert_cmpstr (kinds, ==, "MULTILINESTRING4326,POINT4326");
  found = query_text (conn, "SELECT string_agg (id, ',') FROM streets "
                            "WHERE geom && ST_MakeEnvelope (116.39, 39.90, 116.41, 39.92, 4326)");
  g_assert_cmpstr (found, ==, "seg-1");
  report_x = query_text (conn, "SELECT ST_X (geom) FROM reports");
  report_y = query_text (conn, "SELECT ST_Y (geom) FROM reports");
  g_assert_cmpfloat (g_ascii_strtod (report_x, NULL), ==, report->lon);
  g_assert_cmpfloat (g_ascii_strtod (report_y, NULL), ==, report->lat);
}

/* A pooled connection cut while idle (the database restarted, a proxy dropped it) is
 * connected again, and the call goes through. */
static void
test_pool_reconnects (void)
{
  g_autofree char *conninfo = fresh_database ();
  g_autoptr(XunchaOfficeRecords) records = NULL;
  g_auto(XunchaWireOfficer) officer = { NULL };
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cut = NULL;
  g_auto(GStrv) streets = NULL;
  g_autofree char *code = NULL;

  if (conninfo == NULL)
    return;
  records = open_records (conninfo, 1);
  officer_init (&officer, "officer-1");
  add_officer (records, &officer);

  conn = connect_raw (conninfo);
  cut = query_text (conn, "SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity "
                          "WHERE datname = current_database () "
                          "AND application_name = 'xuncha-office'");
  g_assert_cmpstr (cut, ==, "1");

  /* A single statement, then a transaction, each on a connection found cut. */
  streets = xuncha_office_records_assigned_streets (records, officer.id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (streets);
  g_clear_pointer (&cut, g_free);
  cut = query_text (conn, "SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity "
                          "WHERE datname = current_database () "
                          "AND application_name = 'xuncha-office'");
  g_assert_cmpstr (cut, ==, "1");
  g_assert_true (xuncha_office_records_officer_revoke (records, officer.id, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/office-pg/revisions/commit-order", test_revisions_in_commit_order);
  g_test_add_func ("/office-pg/migrations/concurrent", test_migrations_concurrent);
  g_test_add_func ("/office-pg/migrations/newer-refused", test_migrations_newer_refused);
  g_test_add_func ("/office-pg/geometry/round-trip", test_geometry_round_trip);
  g_test_add_func ("/office-pg/pool/reconnects", test_pool_reconnects);
  return g_test_run ();
}
