/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's report queries on SQLite: a filtered, paged list and a grid of counts for
 * the map, from the columns and indexes of migration 9 of xuncha-office-sqlite-records.c
 * (created_s, lat, lon, street_id on reports; street_extents and the street_boxes
 * R*Tree). Each query is made from fixed pieces, one per filter given, so that SQLite
 * picks the index of the filters at hand; no text of the request enters the SQL. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <sqlite3.h>

#include "xuncha-office-case-workflow.h"
#include "xuncha-office-sqlite-records-private.h"
#include "xuncha-office-street.h"

typedef XunchaOfficeSqliteConnection Connection;

/* Parameter numbers, the same in every query. */
enum
{
  P_FROM = 1,
  P_TO,
  P_CATEGORY,
  P_STREET_NAME,
  P_STREET_CLASS,
  P_TEAM,
  P_OFFICER,
  P_STATUS,
  P_SOUTH,
  P_NORTH,
  P_WEST,
  P_EAST,
  P_LIMIT,
  P_OFFSET,
  P_COLUMN_SCALE,
  P_ROW_SCALE,
  P_LAST_COLUMN,
  P_LAST_ROW,
  P_OVERDUE_BEFORE,
};

/* The WHERE clause of @filter (always something, "1" for none). */
static void
append_where (GString                        *sql,
              const XunchaOfficeReportFilter *filter)
{
  g_string_append (sql, " WHERE 1");
  if (filter->from_s != G_MININT64)
    g_string_append (sql, " AND r.created_s >= ?1");
  if (filter->to_s != G_MAXINT64)
    g_string_append (sql, " AND r.created_s < ?2");
  if (filter->category != NULL)
    g_string_append (sql, " AND r.category = ?3");
  if (filter->street_name != NULL || filter->street_class != NULL)
    {
      g_string_append (sql, " AND r.street_id IN (SELECT e.id FROM street_extents e WHERE 1");
      if (filter->street_name != NULL)
        g_string_append (sql, " AND instr (e.name, ?4) > 0");
      if (filter->street_class != NULL)
        g_string_append (sql, " AND e.class = ?5");
      g_string_append (sql, ")");
    }
  if (filter->team != NULL)
    g_string_append (sql, " AND r.officer_id IN (SELECT o.id FROM officers o WHERE o.team = ?6)");
  if (filter->officer != NULL)
    g_string_append (sql, " AND r.officer_id IN (SELECT o.id FROM officers o "
                     "WHERE o.id = ?7 OR o.name = ?7)");
  if (filter->status != NULL)
    g_string_append (sql, g_str_equal (filter->status, "new") ? " AND r.case_status IS NULL"
                                                               : " AND r.case_status = ?8");
  if (filter->has_bbox)
    g_string_append (sql, " AND r.lat BETWEEN ?9 AND ?10 AND r.lon BETWEEN ?11 AND ?12");
  if (filter->overdue_before_us != 0)
    {
      const char * const *running = xuncha_office_case_running_statuses ();

      g_string_append (sql, " AND r.uuid IN (SELECT k.report_uuid FROM cases k"
                       " WHERE k.deadline_us > 0 AND k.deadline_us < ?19)"
                       " AND r.case_status IN (");
      /* The statuses are the workflow's own words, not the request's. */
      for (guint i = 0; running[i] != NULL; i++)
        {
          char *quoted = sqlite3_mprintf ("%s%Q", i > 0 ? ", " : "", running[i]);

          g_string_append (sql, quoted);
          sqlite3_free (quoted);
        }
      g_string_append (sql, ")");
    }
}

/* A statement of its own, not the connection's cache (the text varies with the filter),
 * with @filter's values bound: every query binds them here, by the same numbers. */
static sqlite3_stmt *
prepare_filtered (Connection                      *c,
                  const char                      *sql,
                  const XunchaOfficeReportFilter  *filter,
                  GError                         **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (xuncha_office_sqlite_connection_db (c), sql, -1, &stmt, NULL)
      != SQLITE_OK)
    {
      xuncha_office_sqlite_connection_fail (c, error, "Could not prepare a report query");
      sqlite3_finalize (stmt);
      return NULL;
    }
  /* Numbers the query does not hold are left alone (SQLITE_RANGE or unused). */
  sqlite3_bind_int64 (stmt, P_FROM, filter->from_s);
  sqlite3_bind_int64 (stmt, P_TO, filter->to_s);
  sqlite3_bind_text (stmt, P_CATEGORY, filter->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_STREET_NAME, filter->street_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_STREET_CLASS, filter->street_class, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_TEAM, filter->team, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_OFFICER, filter->officer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, P_STATUS, filter->status, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, P_SOUTH, filter->south);
  sqlite3_bind_double (stmt, P_NORTH, filter->north);
  sqlite3_bind_double (stmt, P_WEST, filter->west);
  sqlite3_bind_double (stmt, P_EAST, filter->east);
  sqlite3_bind_int64 (stmt, P_OVERDUE_BEFORE, filter->overdue_before_us);
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

GPtrArray *
xuncha_office_sqlite_reports_query (XunchaOfficeRecords             *records,
                                    const XunchaOfficeReportFilter  *filter,
                                    guint                            offset,
                                    guint                            limit,
                                    GError                         **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = xuncha_office_sqlite_connection_take (
    XUNCHA_OFFICE_SQLITE_RECORDS (records), FALSE, error);
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_report_record_free);
  g_autoptr(GString) sql = g_string_new ("SELECT " XUNCHA_OFFICE_SQLITE_REPORT_COLUMNS
                                         ", s.name, s.class FROM reports r "
                                         "LEFT JOIN street_extents s ON s.id = r.street_id");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (c == NULL)
    return NULL;
  append_where (sql, filter);
  /* rowid last: every index ends with it, so the order needs no sort of its own. */
  g_string_append (sql, " ORDER BY r.created_s DESC, r.rowid DESC LIMIT ?13 OFFSET ?14");
  stmt = prepare_filtered (c, sql->str, filter, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, P_LIMIT, limit);
  sqlite3_bind_int64 (stmt, P_OFFSET, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeReportRecord *record = xuncha_office_sqlite_report_from_row (stmt, error);

      if (record == NULL)
        return NULL;
      record->street_name = g_strdup ((const char *)sqlite3_column_text (stmt, 8));
      record->street_class = g_strdup ((const char *)sqlite3_column_text (stmt, 9));
      g_ptr_array_add (found, record);
    }
  if (rc != SQLITE_DONE)
    {
      xuncha_office_sqlite_connection_fail (c, error, "Could not list reports");
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!xuncha_office_sqlite_connection_commit (c, error))
    return NULL;
  return g_steal_pointer (&found);
}

GArray *
xuncha_office_sqlite_reports_grid (XunchaOfficeRecords             *records,
                                   const XunchaOfficeReportFilter  *filter,
                                   guint                            columns,
                                   guint                            rows,
                                   GError                         **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = xuncha_office_sqlite_connection_take (
    XUNCHA_OFFICE_SQLITE_RECORDS (records), FALSE, error);
  g_autoptr(GArray) cells = g_array_new (FALSE, TRUE, sizeof (XunchaOfficeReportCell));
  g_autoptr(GString) sql = g_string_new (
    "SELECT min (CAST ((r.lon - ?11) * ?15 AS INTEGER), ?17) AS c,"
    "  min (CAST ((r.lat - ?9) * ?16 AS INTEGER), ?18) AS w,"
    "  count (*), avg (r.lat), avg (r.lon) FROM reports r");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  double width = filter->east - filter->west;
  double height = filter->north - filter->south;
  int rc;

  if (c == NULL)
    return NULL;
  append_where (sql, filter);
  g_string_append (sql, " GROUP BY c, w");
  stmt = prepare_filtered (c, sql->str, filter, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_double (stmt, P_COLUMN_SCALE, width > 0 ? columns / width : 0);
  sqlite3_bind_double (stmt, P_ROW_SCALE, height > 0 ? rows / height : 0);
  sqlite3_bind_int64 (stmt, P_LAST_COLUMN, columns - 1);
  sqlite3_bind_int64 (stmt, P_LAST_ROW, rows - 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeReportCell cell = {
        .column = (guint)CLAMP (sqlite3_column_int64 (stmt, 0), 0, columns - 1),
        .row = (guint)CLAMP (sqlite3_column_int64 (stmt, 1), 0, rows - 1),
        .count = sqlite3_column_int64 (stmt, 2),
        .lat = sqlite3_column_double (stmt, 3),
        .lon = sqlite3_column_double (stmt, 4),
      };

      g_array_append_val (cells, cell);
    }
  if (rc != SQLITE_DONE)
    {
      xuncha_office_sqlite_connection_fail (c, error, "Could not count reports");
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!xuncha_office_sqlite_connection_commit (c, error))
    return NULL;
  return g_steal_pointer (&cells);
}

GPtrArray *
xuncha_office_sqlite_reports_count (XunchaOfficeRecords             *records,
                                    const XunchaOfficeReportFilter  *filter,
                                    XunchaOfficeReportGroup          group,
                                    GError                         **error)
{
  /* The key and detail of each group: columns of migration 10's index reports_week (and
   * street_extents_named for the streets), so that a week is counted from the index alone. */
  static const char * const groups[] = {
    [XUNCHA_OFFICE_REPORT_GROUP_CATEGORY] = "r.category, NULL",
    [XUNCHA_OFFICE_REPORT_GROUP_STREET] = "s.name, s.class",
    [XUNCHA_OFFICE_REPORT_GROUP_OFFICER] = "r.officer_id, NULL",
    [XUNCHA_OFFICE_REPORT_GROUP_STATUS] = "r.case_status, NULL",
    [XUNCHA_OFFICE_REPORT_GROUP_MERCHANT] = "r.merchant_id, NULL",
  };
  g_autoptr(XunchaOfficeSqliteConnection) c = xuncha_office_sqlite_connection_take (
    XUNCHA_OFFICE_SQLITE_RECORDS (records), FALSE, error);
  g_autoptr(GPtrArray) counts =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_report_count_free);
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (c == NULL)
    return NULL;
  g_string_append (sql, groups[group]);
  g_string_append (sql, ", count (*) FROM reports r");
  /* The streets' table only where the names are counted. */
  if (group == XUNCHA_OFFICE_REPORT_GROUP_STREET)
    g_string_append (sql, " JOIN street_extents s ON s.id = r.street_id");
  append_where (sql, filter);
  if (group == XUNCHA_OFFICE_REPORT_GROUP_STREET)
    g_string_append (sql, " AND s.name IS NOT NULL");
  if (group == XUNCHA_OFFICE_REPORT_GROUP_MERCHANT)
    g_string_append (sql, " AND r.merchant_id IS NOT NULL");
  g_string_append (sql, " GROUP BY 1, 2");
  stmt = prepare_filtered (c, sql->str, filter, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      XunchaOfficeReportCount *count = g_new0 (XunchaOfficeReportCount, 1);

      count->key = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      count->detail = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      count->count = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (counts, count);
    }
  if (rc != SQLITE_DONE)
    {
      xuncha_office_sqlite_connection_fail (c, error, "Could not count reports");
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!xuncha_office_sqlite_connection_commit (c, error))
    return NULL;
  return g_steal_pointer (&counts);
}

GPtrArray *
xuncha_office_sqlite_streets_within (XunchaOfficeRecords  *records,
                                     double                west,
                                     double                south,
                                     double                east,
                                     double                north,
                                     guint                 limit,
                                     GError              **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = xuncha_office_sqlite_connection_take (
    XUNCHA_OFFICE_SQLITE_RECORDS (records), FALSE, error);
  g_autoptr(GPtrArray) found =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_office_street_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  stmt = xuncha_office_sqlite_connection_prepare (
    /* CROSS JOIN: the R*Tree first. Left to itself SQLite walked every street's feature
     * and asked the tree for each (a second for 100,000 segments). */
    c, "SELECT f.body FROM street_boxes b CROSS JOIN street_extents s ON s.rid = b.rid "
    "CROSS JOIN features f ON f.kind = 'streets' AND f.id = s.id AND f.deleted = 0 "
    "WHERE b.west <= ?3 AND b.east >= ?1 AND b.south <= ?4 AND b.north >= ?2 LIMIT ?5",
    error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_double (stmt, 1, west);
  sqlite3_bind_double (stmt, 2, south);
  sqlite3_bind_double (stmt, 3, east);
  sqlite3_bind_double (stmt, 4, north);
  sqlite3_bind_int64 (stmt, 5, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) body = json_from_string ((const char *)sqlite3_column_text (stmt, 0),
                                                   NULL);
      XunchaOfficeStreet *street = body != NULL && JSON_NODE_HOLDS_OBJECT (body)
                                   ? xuncha_office_street_from_json (json_node_get_object (body),
                                                                     NULL)
                                   : NULL;

      /* What the import checked was stored; a row edited by hand since is left out. */
      if (street == NULL)
        continue;
      g_ptr_array_add (found, street);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_office_sqlite_connection_fail (c, error, "Could not read the streets");
      return NULL;
    }
  if (!xuncha_office_sqlite_connection_commit (c, error))
    return NULL;
  return g_steal_pointer (&found);
}

GStrv
xuncha_office_sqlite_street_names (XunchaOfficeRecords  *records,
                                   const char           *prefix,
                                   guint                 limit,
                                   GError              **error)
{
  g_autoptr(XunchaOfficeSqliteConnection) c = xuncha_office_sqlite_connection_take (
    XUNCHA_OFFICE_SQLITE_RECORDS (records), FALSE, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (c == NULL)
    return NULL;
  /* The names from @prefix up to @prefix and the last code point, a range of the index
   * street_extents_name (migration 12): no LIKE, whose case folding and wildcards SQLite
   * would have to check name by name. */
  stmt = xuncha_office_sqlite_connection_prepare (
    c, "SELECT DISTINCT name FROM street_extents "
    "WHERE name >= ?1 AND name < ?1 || char (1114111) ORDER BY name LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      xuncha_office_sqlite_connection_fail (c, error, "Could not read the street names");
      return NULL;
    }
  if (!xuncha_office_sqlite_connection_commit (c, error))
    return NULL;
  g_ptr_array_add (names, NULL);
  return (GStrv)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

gboolean
xuncha_office_sqlite_street_extents_replace (sqlite3    *db,
                                             GPtrArray  *streets,
                                             GError    **error)
{
  g_autoptr(sqlite3_stmt) street = NULL;
  g_autoptr(sqlite3_stmt) box = NULL;

  if (sqlite3_exec (db, "DELETE FROM street_boxes; DELETE FROM street_extents", NULL, NULL,
                    NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT INTO street_extents (id, name, class) "
                             "VALUES (?1, ?2, ?3)", -1, &street, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT INTO street_boxes (rid, west, east, south, north) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &box, NULL) != SQLITE_OK)
    goto fail;
  for (guint i = 0; i < streets->len; i++)
    {
      const XunchaOfficeStreet *s = streets->pdata[i];
      double west = G_MAXDOUBLE, east = -G_MAXDOUBLE, south = G_MAXDOUBLE, north = -G_MAXDOUBLE;

      for (guint l = 0; l < s->lines->len; l++)
        {
          GArray *line = s->lines->pdata[l];

          for (guint k = 0; k + 1 < line->len; k += 2)
            {
              double lon = g_array_index (line, double, k);
              double lat = g_array_index (line, double, k + 1);

              west = MIN (west, lon);
              east = MAX (east, lon);
              south = MIN (south, lat);
              north = MAX (north, lat);
            }
        }
      sqlite3_bind_text (street, 1, s->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (street, 2, s->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (street, 3, s->street_class, -1, SQLITE_STATIC);
      if (sqlite3_step (street) != SQLITE_DONE)
        goto fail;
      sqlite3_reset (street);
      if (west > east)
        continue;
      sqlite3_bind_int64 (box, 1, sqlite3_last_insert_rowid (db));
      sqlite3_bind_double (box, 2, west);
      sqlite3_bind_double (box, 3, east);
      sqlite3_bind_double (box, 4, south);
      sqlite3_bind_double (box, 5, north);
      if (sqlite3_step (box) != SQLITE_DONE)
        goto fail;
      sqlite3_reset (box);
    }
  return TRUE;

fail:
  g_set_error (error, XUNCHA_OFFICE_STORAGE_ERROR,
               sqlite3_errcode (db) == SQLITE_BUSY ? XUNCHA_OFFICE_STORAGE_ERROR_BUSY
                                                   : XUNCHA_OFFICE_STORAGE_ERROR_FAILED,
               "Could not keep the streets' extents: %s", sqlite3_errmsg (db));
  return FALSE;
}
